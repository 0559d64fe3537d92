"""A user pack in the content repository extends the bundled ``fda`` pack:
it inherits every rule, disables one, re-levels another and adds its own."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from compliance_lint.cli import cli

MANIFEST = """\
id: acme
title: ACME house rules on top of FDA
version: "1"
as_of: "2026-11-01"
extends: fda
disable: [fda.cure-claim]
severity:
  fda.safety-claim: warning
"""
RULES = """\
rules:
  - id: acme.miracle
    kind: phrase
    category: efficacy_guarantee
    severity: error
    message: "\\"{match}\\" promises more than any study shows."
    citation: {text: "FTC Act §5, §12"}
    rationale: House style forbids miracle language.
    suggestion: Say what the studies measured.
    subject: promoted
    terms: [miracle]
    examples:
      bad: ["Our blend is a miracle for your metabolism."]
      good: ["There is no miracle pill."]
"""
TEXT = "Our peptide blend cures diabetes.\n\nOur peptide shots have no side effects.\n\nOur blend is a miracle for your metabolism.\n"


def _run(args: list[str]) -> dict:
    result = CliRunner().invoke(cli, ["check", "--format", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_user_pack_extends_fda(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    pack = tmp_path / ".compliance-lint" / "rules" / "acme"
    pack.mkdir(parents=True)
    (pack / "pack.yaml").write_text(MANIFEST, encoding="utf-8")
    (pack / "house.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / ".compliance-lint.yaml").write_text("packs: [acme]\nrule_paths: [.compliance-lint/rules]\n", encoding="utf-8")
    (tmp_path / "post.md").write_text(TEXT, encoding="utf-8")

    extended = {(f["rule"], f["severity"]) for f in _run(["post.md"])["findings"]}
    assert ("fda.cure-claim", "error") not in extended          # disabled
    assert ("fda.safety-claim", "warning") in extended           # re-levelled
    assert ("acme.miracle", "error") in extended                 # added
    assert any(rule.startswith("fda.") and rule != "fda.safety-claim" for rule, _ in extended)  # inherited

    plain = {(f["rule"], f["severity"]) for f in _run(["--pack", "fda", "post.md"])["findings"]}
    assert ("fda.cure-claim", "error") in plain                  # the bundled pack is unchanged
    assert ("fda.safety-claim", "error") in plain
    assert not any(rule.startswith("acme.") for rule, _ in plain)


def test_suppression_by_a_renamed_rules_old_id(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    pack = tmp_path / "packs" / "acme"
    pack.mkdir(parents=True)
    (pack / "pack.yaml").write_text('id: acme\ntitle: t\nversion: "1"\nas_of: "2026-11-01"\n', encoding="utf-8")
    (pack / "r.yaml").write_text(RULES.replace("    subject: promoted\n", "    aliases: [acme.old-miracle]\n"), encoding="utf-8")
    (tmp_path / ".compliance-lint.yaml").write_text("packs: [acme]\nrule_paths: [packs]\n", encoding="utf-8")
    (tmp_path / "p.md").write_text(
        "<!-- compliance-lint disable-next-line acme.old-miracle -- legal 2026-11 -->\nA miracle, truly.\n", encoding="utf-8"
    )
    findings = _run(["p.md"])["findings"]
    assert [(f["rule"], f["suppressed"]) for f in findings] == [("acme.miracle", True)]
