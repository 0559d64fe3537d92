"""CLI extras: footnote markers glued to words, front-matter context typos, explicit context, unused suppressions."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from compliance_lint.cli import cli

PACK = 'id: tst\ntitle: test\nversion: "1"\nas_of: "2026-01-01"\n'
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
    terms: [cure, "no side effects"]
    examples: {bad: ["It will cure you."], good: ["Calm."]}
  - id: tst.supp
    kind: phrase
    category: other
    severity: error
    when: {product: supplement}
    message: "m"
    citation: {text: t}
    rationale: r
    suggestion: s
    terms: [supports]
    examples: {bad: ["Supports you."], good: ["Calm."]}
"""


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    pack = tmp_path / "packs" / "tst"
    pack.mkdir(parents=True)
    (pack / "pack.yaml").write_text(PACK, encoding="utf-8")
    (pack / "rules.yaml").write_text(textwrap.dedent(RULES), encoding="utf-8")
    (tmp_path / ".compliance-lint.yaml").write_text("packs: [tst]\nrule_paths: [packs]\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("text", ["It will cure[1] you.", "It will cure[^2] you.", "It will cure(3) you.", "It will cure¹ you.", "No side effects²."])
def test_marker_glued_to_term(repo: Path, text: str) -> None:
    (repo / "d.md").write_text(text + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--format", "json", "d.md"])
    assert result.exit_code == 1, result.output
    assert '"rule": "tst.cure"' in result.output


def test_front_matter_context_typo_is_reported(repo: Path) -> None:
    (repo / "d.md").write_text("---\ncontext:\n  product: suplement\n---\nSupports you.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "d.md"])
    assert "product: got 'suplement'" in result.output
    assert result.exit_code == 0
    (repo / "d.md").write_text("---\ncontext:\n  product: supplement\n---\nSupports you.\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["check", "d.md"]).exit_code == 1


def test_explicit_content_is_not_overridden_by_inference(repo: Path) -> None:
    """A document that looks like a label is read as one, unless the user said otherwise."""
    from compliance_lint.config import load_config
    from compliance_lint.runner import document_context
    from compliance_lint.sources import load_document

    label = (
        "Read this Medication Guide before you start using it.\n\n"
        "What is the most important information I should know about this medicine?\n\n"
        "What are the possible side effects of this medicine?\n\n"
        "General information about the safe and effective use of this medicine.\n"
    )
    doc = load_document("g.txt", label.encode())
    (repo / ".compliance-lint.yaml").write_text("packs: [tst]\nrule_paths: [packs]\n", encoding="utf-8")
    inferred = document_context(load_config(str(repo / ".compliance-lint.yaml")), doc)
    (repo / ".compliance-lint.yaml").write_text("packs: [tst]\nrule_paths: [packs]\ncontext: {content: advertising}\n", encoding="utf-8")
    explicit = document_context(load_config(str(repo / ".compliance-lint.yaml")), doc)
    assert explicit.content == "advertising"
    assert inferred.content == "label"


def test_unused_suppression_is_reported(repo: Path) -> None:
    """A suppression comment that suppresses nothing is reported (like ruff's unused noqa)."""
    (repo / "d.md").write_text(
        "<!-- compliance-lint disable-next-line tst.cure -- signed off -->\nNothing to see.\n\n"
        "<!-- compliance-lint disable-next-line tst -->\nIt will cure you.\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["check", "d.md"])
    assert result.exit_code == 0, result.output
    assert "d.md:1: suppression comment 'disable-next-line tst.cure' suppresses nothing" in result.output
    assert "d.md:4: suppression comment" not in result.output
