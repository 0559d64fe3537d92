"""Property-based tests over the whole pipeline (parse, NLP, rules, positions).

In process for speed (the test pack compiled once), and through the CLI for
what only the CLI does: worker processes (--jobs) and the result cache must
not change a single finding.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fuzzkit import NAMES, InProcess, documents, findings_property, formats
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from robustkit import make_project, run

import compliance_lint.cli as cli_module

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def linter(tmp_path_factory: pytest.TempPathFactory) -> InProcess:
    return InProcess(tmp_path_factory.mktemp("fuzz-pack"))


@SETTINGS
@given(text=documents, fmt=formats)
def test_findings_point_at_their_match(linter: InProcess, text: str, fmt: str) -> None:
    out = linter.lint(text, fmt)
    if out is None:
        return
    source, findings = out
    assert source == (text[1:] if text.startswith("\ufeff") else text)  # a UTF-8 BOM is not content
    findings_property(source, findings)


@SETTINGS
@given(text=documents, fmt=formats, newline=st.sampled_from(["\n", "\r\n", "\r"]))
def test_line_endings_do_not_move_findings(linter: InProcess, text: str, fmt: str, newline: str) -> None:
    """The same prose with other line breaks: the same matches, each at its own exact place."""
    body = text.replace("\r\n", "\n").replace("\r", "\n")
    converted = body.replace("\n", newline)
    a = linter.lint(body, fmt)
    b = linter.lint(converted, fmt)
    if a is None or b is None:
        return
    findings_property(b[0], b[1])
    assert [(f["rule"], f["match"].replace("\r\n", "\n").replace("\r", "\n")) for f in a[1]] == \
           [(f["rule"], f["match"].replace("\r\n", "\n").replace("\r", "\n")) for f in b[1]]


def _has_option(name: str) -> bool:
    return any(name in p.opts for p in cli_module.check.params)


@pytest.mark.skipif(not (_has_option("--jobs") and _has_option("--no-cache")),
                    reason="needs check --jobs and --no-cache (performance work not landed)")
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.tuples(documents, formats), min_size=3, max_size=6))
def test_one_worker_many_workers_cold_and_warm_cache_agree(tmp_path_factory: pytest.TempPathFactory,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           texts: list[tuple[str, str]]) -> None:
    root = tmp_path_factory.mktemp("fuzz-cli")
    make_project(root)
    monkeypatch.chdir(root)
    monkeypatch.setenv("COMPLIANCE_LINT_CACHE_DIR", str(tmp_path_factory.mktemp("fuzz-cache")))
    docs = root / "docs"
    docs.mkdir()
    sources: dict[str, str] = {}
    for i, (text, fmt) in enumerate(texts):
        name = f"docs/f{i}{Path(NAMES[fmt]).suffix}"
        (root / name).write_bytes(text.encode("utf-8"))
        sources[name] = text
    reports = []
    for args in (["--jobs", "1", "--no-cache"], ["--jobs", "3"], ["--jobs", "3"], ["--jobs", "1"]):  # cold, then warm
        result = run(["check", "--format", "json", *args, "docs"])
        assert result.exit_code in (0, 1, 2), result.stderr
        assert "Traceback" not in result.stderr
        reports.append(json.loads(result.stdout))
    first = reports[0]
    for report in reports[1:]:
        assert report["findings"] == first["findings"]
        assert report["errors"] == first["errors"]
    for name, text in sources.items():
        decoded = text[1:] if text.startswith("\ufeff") else text
        findings_property(decoded, [f for f in first["findings"] if f["path"] == name])
