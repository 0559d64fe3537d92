"""A suppression comment that suppresses nothing is reported (like ruff's unused noqa)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from click.testing import CliRunner

from compliance_lint.cli import cli

PACK = """
id: tst
title: test
version: "1"
as_of: "2026-01-01"
"""
RULES = """
rules:
  - id: tst.cure
    kind: phrase
    category: cure_claim
    severity: error
    message: "m {match}"
    citation: {text: t}
    rationale: r
    suggestion: s
    terms: [cure]
    examples: {bad: ["It will cure you."], good: ["Calm."]}
"""


def test_unused_directive_reported_used_one_not(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    pack = tmp_path / "packs" / "tst"
    pack.mkdir(parents=True)
    (pack / "pack.yaml").write_text(PACK, encoding="utf-8")
    (pack / "rules.yaml").write_text(textwrap.dedent(RULES), encoding="utf-8")
    (tmp_path / ".compliance-lint.yaml").write_text("packs: [tst]\nrule_paths: [packs]\n", encoding="utf-8")
    doc = tmp_path / "d.md"
    doc.write_text(
        "<!-- compliance-lint disable-next-line tst.cure -- signed off -->\nNothing to see.\n\n"
        "<!-- compliance-lint disable-next-line tst -->\nIt will cure you.\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["check", "d.md"])
    assert result.exit_code == 0, result.output
    assert "d.md:1: suppression comment 'disable-next-line tst.cure' suppresses nothing" in result.output
    assert "d.md:4:" not in result.output.split("notice")[-1]
