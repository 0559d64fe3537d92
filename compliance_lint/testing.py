"""``compliance-lint test``: rule examples and annotated fixtures must hold exactly.

Like semgrep's ``--test``: every rule's ``bad`` examples must trigger it and its
``good`` examples must not; every ``expect``/``ok`` annotation in the fixtures
must hold. Known gaps (``todo-``) are reported, not failed. An annotation
naming an unknown rule, or a rule without examples, fails.
"""

from __future__ import annotations

import os

import click

from compliance_lint.annotations import annotated_files, counted, validate_targets
from compliance_lint.config import Config
from compliance_lint.harness import LinterCache, lint_annotated, lint_example
from compliance_lint.models import Finding, Rule
from compliance_lint.packs import load_registry

DEFAULT_FIXTURES = os.path.join("tests", "fixtures")


def _counts_for(rule: Rule, f: Finding) -> bool:
    """A finding that counts for a rule's own examples: error/warning, or any level for an info rule."""
    if rule.severity == "info":
        return not f.suppressed
    return counted(f)


def check_examples(cache: LinterCache, pack_ids: list[str]) -> tuple[int, list[str]]:
    checked = 0
    failures: list[str] = []
    for rule in cache.registry.rules(pack_ids):
        if not rule.examples_bad or not rule.examples_good:
            failures.append(f"{rule.id}: rule has no bad/good examples ({rule.source_path}:{rule.source_line})")
            continue
        for text in rule.examples_bad:
            checked += 1
            hits = [f for f in lint_example(cache, rule.pack, text, rule.when) if f.rule == rule.id and _counts_for(rule, f)]
            if not hits:
                failures.append(f"{rule.id}: bad example not flagged ({rule.source_path}:{rule.source_line})\n      {text}")
        for text in rule.examples_good:
            checked += 1
            hits = [f for f in lint_example(cache, rule.pack, text, rule.when) if f.rule == rule.id and _counts_for(rule, f)]
            if hits:
                spans = ", ".join(repr(h.match) for h in hits)
                failures.append(f"{rule.id}: good example flagged at {spans} ({rule.source_path}:{rule.source_line})\n      {text}")
    return checked, failures


def check_fixtures(cache: LinterCache, paths: list[str]) -> tuple[int, list[str], list[str]]:
    checked = 0
    failures: list[str] = []
    todos: list[str] = []
    registry = cache.registry
    known_rules = {r.id for r in registry.all_rules()}
    for path in annotated_files(paths):
        annotations, findings = lint_annotated(cache, path)
        problems = validate_targets(annotations, known_rules, set(registry.packs), path)
        failures.extend(problems)
        if problems:
            continue
        for a in annotations:
            on_line = [f for f in findings if f.line == a.line and counted(f)]
            for t in a.targets:
                checked += 1
                got = [f for f in on_line if t.matches(f)]
                ok = bool(got) if a.kind == "expect" else not got
                label = f"{'todo-' if a.todo else ''}{a.kind}: {t.label()}"
                if ok and a.todo:
                    todos.append(f"{path}:{a.line}: {label} now holds: remove 'todo-'")
                elif not ok:
                    detail = "nothing found" if a.kind == "expect" else "found " + ", ".join(f"{f.rule} {f.match!r}" for f in got)
                    (todos if a.todo else failures).append(f"{path}:{a.line}: {label}: {detail}")
    return checked, failures, todos


def run_tests(paths: list[str], packs: list[str], config: Config, verbose: bool = False) -> int:
    registry = load_registry(config.rule_paths)
    cache = LinterCache(registry, config)
    pack_ids = packs or sorted(registry.packs)
    n_examples, failures = check_examples(cache, pack_ids)
    fixture_paths = paths or ([DEFAULT_FIXTURES] if os.path.isdir(DEFAULT_FIXTURES) else [])
    n_fixtures, fixture_failures, todos = check_fixtures(cache, fixture_paths)
    failures += fixture_failures
    for line in failures:
        click.echo(f"FAIL {line}")
    for line in todos:
        click.echo(f"todo {line}")
    click.echo(
        f"{n_examples} rule examples, {n_fixtures} fixture expectations: "
        f"{len(failures)} failed, {len(todos)} known gaps (todo)"
    )
    return 1 if failures else 0
