"""The ``check`` command: configuration, files, linting, report, exit status."""

from __future__ import annotations

import os
import sys

import click

from compliance_lint import __version__
from compliance_lint.errors import ConfigError
from compliance_lint.models import SEVERITY_RANK


def exit_status(findings: list, errors: list, fail_on: str) -> int:
    """2 if any input error; 1 if a finding at or above ``fail_on``; else 0."""
    if errors:
        return 2
    if fail_on == "never":
        return 0
    threshold = SEVERITY_RANK[fail_on]
    if any(not f.suppressed and SEVERITY_RANK[f.severity] >= threshold for f in findings):
        return 1
    return 0


def parse_context_items(items: list[str]) -> dict:
    out: dict = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise ConfigError(f"--context {item!r}: expected KEY=VALUE")
        out[key.strip()] = {"true": True, "false": False}.get(value.strip().lower(), value.strip())
    return out


def run_check(*, paths: list[str], packs: list[str], fmt: str, output: str | None, fail_on: str | None,
              config_path: str | None, lang: str | None, jobs: int | None, stdin_filename: str | None,
              statistics: bool, context_items: list[str]) -> int:
    from compliance_lint.config import load_config, parse_context
    from compliance_lint.packs import load_registry
    from compliance_lint.reporters import FORMATS, Report, render
    from compliance_lint.runner import RunResult, build_linter, expand_paths, lint_file, select_pack_ids

    config = load_config(config_path)
    if context_items:
        extra = parse_context_items(context_items)
        ctx = parse_context(extra, lambda p: ConfigError(f"--context: {p}"))
        config.context = config.context.merged({k: getattr(ctx, k) for k in extra})
    registry = load_registry(config.rule_paths)
    pack_ids = select_pack_ids(registry, packs, config)
    if not packs and config.packs is None:
        click.echo(
            f"compliance-lint: linting against {', '.join(pack_ids)} (no markets configured; "
            "set `packs:` in .compliance-lint.yaml or pass --pack)",
            err=True,
        )
    if fmt not in FORMATS:
        raise ConfigError(f"--format {fmt}: not available in this build")
    linter = build_linter(registry, pack_ids, config, lang or config.lang or "auto")
    files, errors, notices = expand_paths(paths, config)
    results = []
    stdin_data = None
    for path, named in files:
        if path == "-":
            stdin_data = sys.stdin.buffer.read()
            name = stdin_filename or "<stdin>"
            from compliance_lint.sources import format_for

            results.append(lint_file(linter, config, "-", True, display=name, stdin_bytes=stdin_data, fmt=format_for(name) if stdin_filename else "text"))
        else:
            results.append(lint_file(linter, config, path, named))
    run = RunResult(results, notices)
    for r in results:
        if r.notice:
            notices.append(r.notice)
    all_errors = errors + run.errors
    for notice in notices:
        click.echo(f"compliance-lint: notice: {notice}", err=True)
    for err in all_errors:
        click.echo(f"compliance-lint: error: {err.path}: {err.message}", err=True)
    report = Report(
        findings=run.findings,
        errors=all_errors,
        files=[r.path for r in results if r.error is None and r.notice is None],
        tool_version=__version__,
        packs={pid: registry.packs[pid].version for pid in pack_ids},
        color=_use_color(output),
        statistics=statistics,
        documents={r.path: r.document for r in results if r.document is not None},
        rules={r.id: r for r in linter.rules},
        notices=notices,
    )
    text = render(fmt, report)
    if output:
        from compliance_lint.safewrite import atomic_write_text

        atomic_write_text(output, text)
    else:
        # color=True: click would otherwise strip forced colour (FORCE_COLOR) when stdout is not a terminal
        click.echo(text, nl=False, color=True if report.color else None)
    return exit_status(run.findings, all_errors, fail_on or config.fail_on or "warning")


def _use_color(output: str | None) -> bool:
    if output or os.environ.get("NO_COLOR") is not None:
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()
