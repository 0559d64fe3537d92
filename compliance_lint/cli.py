"""Command line: check, rules, explain, test, eval (DESIGN: CLI contract).

Heavy modules (spaCy, the engine) are imported inside commands so ``--help``
and ``--version`` start instantly. Every user error ends with one line on
stderr and exit status 2; a closed pipe or Ctrl-C ends quietly.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from compliance_lint import __version__

FORMAT_CHOICES = ["text", "json", "sarif", "github", "junit", "html"]


def _die(message: str, code: int = 2) -> None:
    click.echo(f"compliance-lint: error: {message}", err=True)
    sys.exit(code)


def _registry(config: Any) -> Any:
    from compliance_lint.packs import load_registry

    return load_registry(config.rule_paths)


def _config(path: str | None) -> Any:
    from compliance_lint.config import load_config

    return load_config(path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="compliance-lint")
def cli() -> None:
    """Lint health and peptide-therapy content against regulatory rule packs."""


@cli.command()
@click.argument("paths", nargs=-1, type=str)
@click.option("--pack", "packs", multiple=True, help="Rule pack id (repeatable). Default: config, else every pack but wada.")
@click.option("--format", "fmt", type=click.Choice(FORMAT_CHOICES), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to FILE instead of stdout.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default=None, help="Lowest severity that fails the run [default: warning].")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file (default: .compliance-lint.yaml found upward).")
@click.option("--lang", type=click.Choice(["auto", "en", "zh"]), default=None, help="Language of the text [default: auto, per paragraph].")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=None, help="Worker processes (default: cores).")
@click.option("--stdin-filename", default=None, help="Name shown for text read from stdin (-).")
@click.option("--statistics", is_flag=True, help="Show counts per rule.")
@click.option("--context", "context_items", multiple=True, metavar="KEY=VALUE", help="Document context, e.g. product=supplement.")
@click.option("--no-cache", is_flag=True, expose_value=False, callback=lambda _c, _p, v: _no_cache(v),
              help="Neither read nor write cached per-file results (compiled rule data stays cached; "
                   "COMPLIANCE_LINT_NO_CACHE=all turns that off too); see `compliance-lint clean`.")
@click.option("--fix", is_flag=True, help="Apply rules' safe fixes to the files (not Word files; never suppressed findings).")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, also apply fixes marked unsafe.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff instead of writing them (exit 1 if any).")
@click.option("--baseline", "baseline", type=click.Path(dir_okay=False), help="Report only findings not recorded in this baseline file.")
@click.option("--write-baseline", "write_baseline", type=click.Path(dir_okay=False), help="Record the current findings as the baseline in FILE.")
def check(paths: tuple[str, ...], packs: tuple[str, ...], fmt: str, output: str | None, fail_on: str | None,
          config_path: str | None, lang: str | None, jobs: int | None, stdin_filename: str | None,
          statistics: bool, context_items: tuple[str, ...], fix: bool, unsafe_fixes: bool, diff: bool,
          baseline: str | None, write_baseline: str | None) -> None:
    """Lint files, folders, or - for stdin."""
    from compliance_lint.check import run_check

    code = run_check(
        paths=list(paths) or ["."], packs=list(packs), fmt=fmt, output=output, fail_on=fail_on,
        config_path=config_path, lang=lang, jobs=jobs, stdin_filename=stdin_filename,
        statistics=statistics, context_items=list(context_items), fix=fix, unsafe_fixes=unsafe_fixes, diff=diff,
        baseline=baseline, write_baseline=write_baseline,
    )
    sys.exit(code)


@cli.command("rules")
@click.option("--pack", "packs", multiple=True, help="Only these packs.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--config", "config_path", type=click.Path(dir_okay=False))
def rules_cmd(packs: tuple[str, ...], fmt: str, config_path: str | None) -> None:
    """List rules (ids printed as pack.slug)."""
    import json

    config = _config(config_path)
    registry = _registry(config)
    ids = list(packs) or sorted(registry.packs)
    for pid in ids:
        if pid not in registry.packs:
            _die(f"unknown pack {pid!r} (available: {', '.join(sorted(registry.packs))})")
    rules = registry.rules(ids)
    if fmt == "json":
        click.echo(json.dumps([
            {"id": r.id, "pack": r.pack, "kind": r.kind, "category": r.category, "severity": r.severity,
             "languages": list(r.languages), "citation": r.citation.text, "citation_url": r.citation.url}
            for r in rules
        ], ensure_ascii=False, indent=2))
        return
    width = max((len(r.id) for r in rules), default=10)
    click.echo(f"{'RULE':<{width}}  {'SEVERITY':<8}  {'KIND':<10}  {'CATEGORY':<30}  CITATION")
    for r in rules:
        click.echo(f"{r.id:<{width}}  {r.severity:<8}  {r.kind:<10}  {r.category:<30}  {r.citation.text}")
    click.echo(f"\n{len(rules)} rules in {len(ids)} pack{'s' if len(ids) != 1 else ''}")


@cli.command()
@click.argument("rule_id")
@click.option("--config", "config_path", type=click.Path(dir_okay=False))
def explain(rule_id: str, config_path: str | None) -> None:
    """Show a rule: message, rationale, citation, examples."""
    config = _config(config_path)
    registry = _registry(config)
    rule = registry.find_rule(rule_id)
    if rule is None:
        _die(f"unknown rule {rule_id!r} (see `compliance-lint rules`)")
    pack = registry.packs[rule.pack]
    out = [
        f"{rule.id}  ({pack.title}, as of {pack.as_of})",
        f"  category: {rule.category}   severity: {rule.severity}   kind: {rule.kind}   languages: {', '.join(rule.languages)}",
        "",
        "Message:",
    ]
    for lang, text in rule.message.items():
        out.append(f"  [{lang}] {text}")
    out += ["", "Why:", f"  {rule.rationale}", "", "Citation:", f"  {rule.citation.text}"]
    if rule.citation.url:
        out.append(f"  {rule.citation.url}")
    out += ["", "Suggested rewrite:", f"  {rule.suggestion}"]
    out += ["", f"Negation: {rule.negation}   Hedging: {rule.hedging}   Attribution: {rule.attribution}"]
    if rule.when:
        out.append("Applies when: " + ", ".join(f"{k} in {list(v)}" for k, v in rule.when.items()))
    if rule.fix:
        out.append(f"Fix: replace with {rule.fix['replacement']!r} ({'safe' if rule.fix['safe'] else 'unsafe'})")
    out += ["", "Flagged:"] + [f"  ✗ {b}" for b in rule.examples_bad]
    out += ["", "Not flagged:"] + [f"  ✓ {g}" for g in rule.examples_good]
    out += ["", f"Defined in {rule.source_path}:{rule.source_line}"]
    click.echo("\n".join(out))


@cli.command("test")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--pack", "packs", multiple=True, help="Only these packs' examples.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False))
@click.option("--verbose", "-v", is_flag=True)
def test_cmd(paths: tuple[str, ...], packs: tuple[str, ...], config_path: str | None, verbose: bool) -> None:
    """Run every rule's bad/good examples and annotated fixtures; all must hold."""
    from compliance_lint.testing import run_tests

    config = _config(config_path)
    sys.exit(run_tests(list(paths), list(packs), config, verbose=verbose))


@cli.command("eval")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--pack", "packs", multiple=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text")
@click.option("--config", "config_path", type=click.Path(dir_okay=False))
@click.option("--show-errors", is_flag=True, help="List false positives and false negatives.")
@click.option("--min-f1", type=float, default=None, help="Exit 1 if any pack's F1 is below this.")
def eval_cmd(paths: tuple[str, ...], packs: tuple[str, ...], fmt: str, config_path: str | None, show_errors: bool, min_f1: float | None) -> None:
    """Score annotated corpora: precision / recall / F1 per pack and category."""
    from compliance_lint.evaluate import run_eval

    config = _config(config_path)
    sys.exit(run_eval(list(paths) or ["corpora"], list(packs), config, fmt=fmt, show_errors=show_errors, min_f1=min_f1))


@cli.command()
def clean() -> None:
    """Remove the cache directory (per-file results, rule plans)."""
    from compliance_lint.cache import clean as clean_cache

    path, removed = clean_cache()
    click.echo(f"removed {path}" if removed else f"nothing to remove ({path} does not exist)")


def _no_cache(value: bool) -> None:
    if value:
        os.environ["COMPLIANCE_LINT_NO_CACHE"] = "1"


def main() -> None:
    """Entry point: map errors to one line and exit status 2; stay quiet on pipes and Ctrl-C."""
    from compliance_lint.errors import LintError

    _tolerant_streams()
    debug = "--debug" in sys.argv
    if debug:
        sys.argv.remove("--debug")
        os.environ["COMPLIANCE_LINT_DEBUG"] = "1"
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        _flush_exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        _flush_exit(2)
    except click.exceptions.Abort:  # click turns Ctrl-C into Abort
        click.echo("compliance-lint: interrupted", err=True)
        _flush_exit(130)
    except LintError as exc:
        if debug:
            raise
        _die(str(exc))
    except BrokenPipeError:
        _quiet_pipe()
    except KeyboardInterrupt:
        click.echo("compliance-lint: interrupted", err=True)
        _flush_exit(130)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        _flush_exit(code)
    except Exception as exc:  # never a traceback for the user; --debug shows one
        if debug:
            raise
        _die(f"internal error ({type(exc).__name__}: {exc}); please report it, --debug shows a traceback")
    _flush_exit(0)


def _tolerant_streams() -> None:
    """A terminal that cannot show a character (PYTHONIOENCODING=latin-1, an odd
    locale) gets an escape (``\\u6839``, still valid JSON), never an exception."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            pass


def _flush_exit(code: int) -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_pipe()
    if _may_skip_teardown():
        _hard_exit(code)
    sys.exit(code)


# Tearing the interpreter down after a run that imported spaCy (thinc, numpy,
# pydantic: thousands of modules' objects freed one by one) takes about 0.1 s,
# an eighth of a one-file run. The command line (and only it: not main()
# called in-process, as the tests do) ends instead with the exit handlers,
# a flush and os._exit, as mypy does. Nothing of ours needs finalisers: reports
# and caches are written and closed before this, the worker pool is joined, and
# the atexit handlers (our phrase-expansion cache, logging, multiprocessing,
# coverage) still run. Skipped under a profiler or tracer (cProfile prints its
# table after the program returns) and while other threads run.


def _may_skip_teardown() -> bool:
    import atexit
    import threading

    main_module = sys.modules.get("__main__")
    return (
        getattr(main_module, "main", None) is main  # python -m compliance_lint, the console script
        and sys.getprofile() is None
        and sys.gettrace() is None
        and threading.active_count() == 1
        and hasattr(atexit, "_run_exitfuncs")
        and not os.environ.get("COMPLIANCE_LINT_FULL_EXIT")
    )


def _hard_exit(code: int) -> None:
    import atexit

    atexit._run_exitfuncs()  # type: ignore[attr-defined]
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # a pipe closed meanwhile: nothing more can be said
            pass
    os._exit(code)


def _quiet_pipe() -> None:
    # Python flushes stdout again at exit; point it at devnull so that fails silently.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
    os._exit(1)
