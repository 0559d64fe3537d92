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
              statistics: bool, context_items: list[str], fix: bool = False, unsafe_fixes: bool = False,
              diff: bool = False, baseline: str | None = None, write_baseline: str | None = None) -> int:
    from compliance_lint.config import load_config, parse_context
    from compliance_lint.packs import load_registry
    from compliance_lint.reporters import FORMATS, Report, render, render_output
    from compliance_lint.runner import RunResult, build_linter, expand_paths, lint_file, select_pack_ids

    config = load_config(config_path)
    if context_items:
        extra = parse_context_items(context_items)
        ctx = parse_context(extra, lambda p: ConfigError(f"--context: {p}"))
        config.context = config.context.merged({k: getattr(ctx, k) for k in extra})
        config.context_set = config.context_set | frozenset(extra)
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
    effective_fail_on = fail_on or config.fail_on or "warning"
    replay_key = _replay_key(fmt, output, statistics, effective_fail_on, pack_ids, linter, config, files, errors, notices,
                             plain=not (fix or diff or baseline or write_baseline))
    if replay_key is not None:
        from compliance_lint import replay

        hit = replay.lookup(*replay_key)
        if hit is not None:  # the same invocation over the same bytes: the same report
            _emit(hit[0], output, _use_color(output))
            return hit[1]
    from compliance_lint.parallel import FileRunner

    runner = FileRunner(linter, config, files, jobs=jobs)  # worker pool + per-file result cache
    results = []
    stdin_data = None
    from compliance_lint.progress import track

    try:
        for path, named in track(files, fmt):
            if path == "-":
                stdin_data = sys.stdin.buffer.read()
                name = stdin_filename or "<stdin>"
                from compliance_lint.sources import format_for

                results.append(lint_file(linter, config, "-", True, display=name, stdin_bytes=stdin_data, fmt=format_for(name) if stdin_filename else "text"))
            else:
                results.append(runner.lint_file(linter, config, path, named))
    finally:
        runner.close()
    results, diff_text = _adopt(results, linter, config, notices, fix=fix or diff, unsafe_fixes=unsafe_fixes, diff=diff,
                                baseline=baseline, write_baseline=write_baseline,
                                stdin_name=(stdin_filename or "<stdin>") if stdin_data is not None else None)
    run = RunResult(results, notices)
    for r in results:
        if r.notice:
            notices.append(r.notice)
        notices.extend(getattr(r, "warnings", []))
    all_errors = errors + run.errors
    for notice in notices:
        click.echo(f"compliance-lint: notice: {notice}", err=True)
    for err in all_errors:
        click.echo(f"compliance-lint: error: {err.path}: {err.message}", err=True)
    findings = run.findings  # collected and sorted once (60,000 findings in a big tree)
    report = Report(
        findings=findings,
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
    text: str | bytes = diff_text if diff_text is not None else render_output(fmt, report) if output else render(fmt, report)
    _emit(text, output, report.color)
    if diff_text is not None:
        return 2 if all_errors else (1 if diff_text else 0)
    status = exit_status(findings, all_errors, effective_fail_on)
    if replay_key is not None and not all_errors and not notices:
        from compliance_lint import replay

        replay.store(*replay_key, text.decode("utf-8") if isinstance(text, bytes) else text, status)
    return status


def _emit(text: str | bytes, output: str | None, color: bool) -> None:
    """Write the report to ``output`` (bytes as they are, text as UTF-8) or to stdout (text only)."""
    if output:
        from compliance_lint.safewrite import atomic_write_bytes

        try:
            atomic_write_bytes(output, text if isinstance(text, bytes) else text.encode("utf-8"))
        except OSError as exc:
            raise ConfigError(f"--output {output}: cannot write ({exc.strerror or exc})") from None
    else:
        # color=True: click would otherwise strip forced colour (FORCE_COLOR) when stdout is not a terminal
        click.echo(text, nl=False, color=True if color else None)


def _replay_key(fmt: str, output: str | None, statistics: bool, fail_on: str, pack_ids: list[str], linter: object,
                config: object, files: list, errors: list, notices: list, *, plain: bool) -> tuple[str, str] | None:
    """(invocation signature, inputs digest) when this run's report may be replayed (replay.py)."""
    from compliance_lint import cache

    if not plain or errors or notices or not files or any(p == "-" for p, _named in files) or not cache.enabled():
        return None
    from compliance_lint import replay

    digest = replay.inputs_digest(files)
    if digest is None:
        return None
    sig = replay.signature(fmt=fmt, color=_use_color(output), statistics=statistics, fail_on=fail_on, pack_ids=pack_ids,
                           linter=linter, config=config, files=files)
    return sig, digest


def _adopt(results: list, linter: object, config: object, notices: list[str], *, fix: bool, unsafe_fixes: bool, diff: bool,
           baseline: str | None, write_baseline: str | None, stdin_name: str | None) -> tuple[list, str | None]:
    """Baseline filtering, then fixes (compliance_lint.baseline / .fix). Returns (results, diff text or None)."""
    base = None
    if baseline or write_baseline:
        from compliance_lint import baseline as baseline_mod

        base, more = baseline_mod.apply(results, baseline, write_baseline, __version__)
        notices.extend(more)
    if not fix:
        return results, None
    from compliance_lint import baseline as baseline_mod
    from compliance_lint.fix import run_fixes

    before = {id(r) for r in results}
    results, diff_text, more = run_fixes(results, linter, config, unsafe=unsafe_fixes, diff=diff, stdin_name=stdin_name)
    notices.extend(more)
    baseline_mod.refilter(base, results, {r.path for r in results if id(r) not in before})
    return results, (diff_text if diff else None)


def _use_color(output: str | None) -> bool:
    if output or os.environ.get("NO_COLOR") is not None:
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()
