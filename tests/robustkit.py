"""Helpers for the robustness and fuzz tests (tests/test_robust_*.py, tests/test_fuzz_*.py).

A small rule pack in a tmp dir (the bundled packs change while they are
written), the real CLI in-process (through ``cli.main``, the console-script
entry point, so error mapping and exit statuses are the real ones) or in a
child process, and position arithmetic done independently of the tool.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from click.testing import Result
from lintkit import run  # noqa: F401  (re-exported for the tests that import it from here)

import compliance_lint

REPO_ROOT = Path(compliance_lint.__file__).resolve().parent.parent
PACK = "zrb"

_MANIFEST = """\
id: zrb
title: "Robustness test pack"
jurisdiction: US
version: "1.0"
as_of: "2026-01-01"
languages: [en, zh]
"""

_RULE = """\
  - id: {id}
    kind: {kind}
    category: {category}
    severity: error
    languages: [{languages}]
    message:
      en: "{id}: {{match}}"
      zh: "{id}：{{match}}"
    citation:
      text: "Test Instrument"
      url: https://example.org/law
    rationale: "Test rationale."
    suggestion: "Test suggestion."
    negation: none
    attribution: none
{body}    examples:
      bad: [{bad}]
      good: ["Nothing to see here."]
"""

RULES = [
    _RULE.format(id=f"{PACK}.cure", kind="phrase", category="cure_claim", languages="en",
                 body="    match: lower\n    terms: [cure, miracle]\n", bad='"This cure works."'),
    _RULE.format(id=f"{PACK}.zh-cure", kind="phrase", category="cure_claim", languages="zh",
                 body='    match: lower\n    terms: ["根治", "无毒副作用"]\n', bad='"本品能根治糖尿病。"'),
    _RULE.format(id=f"{PACK}.percent", kind="regex", category="efficacy_guarantee", languages="en",
                 body='    regex: "100% effective"\n', bad='"It is 100% effective."'),
]

CONFIG = f"rule_paths: [packs]\npacks: [{PACK}]\n"


def make_project(root: Path, extra_rules: str = "", config_extra: str = "") -> Path:
    """``root/packs/zrb`` and ``root/.compliance-lint.yaml``; returns ``root``."""
    folder = root / "packs" / PACK
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.yaml").write_text(_MANIFEST, encoding="utf-8")
    (folder / "rules.yaml").write_text("rules:\n" + "".join(RULES) + extra_rules, encoding="utf-8")
    (root / ".compliance-lint.yaml").write_text(CONFIG + config_extra, encoding="utf-8")
    return root


# One CLI runner for every test kit: lintkit.run (console-script entry point under CliRunner).


def run_json(args: list[str], input: str | bytes | None = None) -> tuple[int, dict[str, Any], Result]:
    result = run(["check", "--format", "json", *args], input=input)
    assert "Traceback" not in result.stderr, result.stderr
    return result.exit_code, json.loads(result.stdout), result


def env_for_child(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT), *filter(None, [env.get("PYTHONPATH", "")])])
    env.pop("NO_COLOR", None)
    env.pop("FORCE_COLOR", None)
    env.pop("COMPLIANCE_LINT_DEBUG", None)
    env.update(extra)
    return env


def child(args: list[Any], cwd: Path, env: dict[str, str] | None = None, timeout: float = 300, **kw: Any) -> subprocess.CompletedProcess[bytes]:
    """The real tool in a child process (``python -m compliance_lint``)."""
    return subprocess.run([sys.executable, "-m", "compliance_lint", *args], cwd=cwd, env=env or env_for_child(),
                          capture_output=True, timeout=timeout, **kw)


def one_line_error(stderr: str, *needles: str) -> str:
    """The single ``compliance-lint: error:`` line on stderr containing every needle."""
    assert "Traceback" not in stderr, stderr
    lines = [ln for ln in stderr.splitlines() if ln.startswith("compliance-lint: error:")]
    hits = [ln for ln in lines if all(n in ln for n in needles)]
    assert len(hits) == 1, (needles, stderr)
    return hits[0]


# ---- positions, computed without the tool --------------------------------------

def line_starts(text: str) -> list[int]:
    """Offsets where lines start; breaks are \\n, \\r\\n and a lone \\r (DESIGN)."""
    starts = [0]
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\r":
            i += 2 if text[i + 1:i + 2] == "\n" else 1
            starts.append(i)
            continue
        i += 1
        if ch == "\n":
            starts.append(i)
    return starts


def offset_of(starts: list[int], line: int, column: int) -> int:
    return starts[line - 1] + column - 1


def source_slice(text: str, finding: dict[str, Any], starts: list[int] | None = None) -> str:
    """The decoded source between a finding's (line, column) and (end_line, end_column)."""
    starts = starts or line_starts(text)
    return text[offset_of(starts, finding["line"], finding["column"]):offset_of(starts, finding["end_line"], finding["end_column"])]


def assert_positions(text: str, findings: list[dict[str, Any]]) -> None:
    """Every finding lies inside ``text``, on real lines, and ``match`` is the slice there."""
    starts = line_starts(text)
    for f in findings:
        assert 1 <= f["line"] <= len(starts), f
        assert 1 <= f["end_line"] <= len(starts), f
        line_end = starts[f["line"]] if f["line"] < len(starts) else len(text)
        assert 1 <= f["column"] <= line_end - starts[f["line"] - 1] + 1, f
        start = offset_of(starts, f["line"], f["column"])
        end = offset_of(starts, f["end_line"], f["end_column"])
        assert 0 <= start < end <= len(text), f
        assert text[start:end] == f["match"], (f, text[start:end])
