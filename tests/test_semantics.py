"""Compliance semantics: claims, off-label, unapproved drugs, negation, hedging,
attribution, cross-sentence subjects and required statements, English and Chinese.

A small test pack (written to a temp dir) uses each semantic kind with the
bundled knowledge base, so these tests pin the engine's behaviour rather than
the wording of the bundled packs.
"""

from __future__ import annotations

import textwrap

import pytest

from compliance_lint.engine import Linter
from compliance_lint.models import Context
from compliance_lint.packs import load_registry
from compliance_lint.sources import load_document

PACK = """
id: sem
title: semantics test pack
jurisdiction: US
version: "1"
as_of: "2026-01-01"
languages: [en, zh]
"""

COMMON = """
    severity: error
    languages: [en, zh]
    message: {en: "m {match}", zh: "m {match}"}
    citation: {text: "test"}
    rationale: r
    suggestion: s
    examples: {bad: ["x"], good: ["y"]}
"""

RULES = f"""
rules:
  - id: sem.cure
    kind: claim
    category: cure_claim
    verbs: ["@cure"]
    hedging: lowers
{COMMON}
  - id: sem.offlabel
    kind: off_label
    category: off_label
    jurisdiction: US
{COMMON}
  - id: sem.unapproved
    kind: unapproved
    category: unapproved_drug
    jurisdiction: US
{COMMON}
  - id: sem.nosidefx
    kind: phrase
    category: safety_claim
    negation: none
    subject: promoted
    terms: ["no side effects", 无副作用, 无毒副作用]
{COMMON}
  - id: sem.disclaimer
    kind: required
    category: missing_disclaimer
    when: {{product: supplement}}
    triggers: [supports, promotes, maintains]
    statements: ["This statement has not been evaluated by the Food and Drug Administration"]
{COMMON}
"""


@pytest.fixture(scope="module")
def linter(tmp_path_factory: pytest.TempPathFactory) -> Linter:
    root = tmp_path_factory.mktemp("packs") / "sem"
    root.mkdir()
    (root / "pack.yaml").write_text(PACK, encoding="utf-8")
    (root / "rules.yaml").write_text(textwrap.dedent(RULES), encoding="utf-8")
    registry = load_registry([str(root)])
    return Linter(registry.rules(["sem"]))


def lint(linter: Linter, text: str, **ctx: object) -> list:
    doc = load_document("t.md", text.encode("utf-8"))
    return [f for f in linter.lint(doc, Context().merged(ctx)) if f.severity in ("error", "warning")]


def rules_of(findings: list) -> set[str]:
    return {f.rule for f in findings}


@pytest.mark.parametrize(
    "text",
    [
        "Our peptide blend reverses insulin resistance in weeks.",
        "Semaglutide cures type 2 diabetes for good.",
        "This protocol is a cure for prediabetes.",
        "With our stack, diabetes can be reversed.",
        "Tesamorelin targets visceral fat. It reverses insulin resistance too.",
        "肽疗法能根治糖尿病。",
        "本品可以逆转胰岛素抵抗！",
    ],
)
def test_cure_claims_found(linter: Linter, text: str) -> None:
    assert "sem.cure" in rules_of(lint(linter, text))


@pytest.mark.parametrize(
    "text",
    [
        "No peptide can reverse insulin resistance.",
        "Semaglutide does not cure type 2 diabetes.",
        "There is no cure for type 1 diabetes.",
        "Growth hormone can induce insulin resistance.",
        "Insulin resistance occurs when muscle cells respond poorly to insulin.",
        "Diet and exercise can reverse prediabetes in some people.",
        "The FDA warned a seller that claimed its peptide cures diabetes.",
        "目前没有任何药物可以根治糖尿病。",
        "胰岛素抵抗是指机体对胰岛素的反应减弱。",
    ],
)
def test_not_cure_claims(linter: Linter, text: str) -> None:
    assert "sem.cure" not in rules_of(lint(linter, text))


def test_hedged_claim_is_lowered_not_cleared(linter: Linter) -> None:
    found = [f for f in lint(linter, "Our blend may reverse insulin resistance.") if f.rule == "sem.cure"]
    assert found and found[0].severity == "warning" and "hedged" in found[0].notes


def test_attributed_claim_is_info(linter: Linter) -> None:
    doc = load_document("t.md", b"Regulators fined a clinic that claimed its peptides reverse insulin resistance.")
    found = [f for f in linter.lint(doc, Context()) if f.rule == "sem.cure"]
    assert found and all(f.severity == "info" for f in found)


@pytest.mark.parametrize(
    "text",
    [
        "Ozempic is a great way to lose weight.",
        "Get Trulicity for weight loss today.",
        "Tesamorelin melts stubborn belly fat.",
        "Semaglutide helps reverse insulin resistance.",
        "GLP-1 medicines treat insulin resistance.",
    ],
)
def test_off_label(linter: Linter, text: str) -> None:
    assert "sem.offlabel" in rules_of(lint(linter, text))


@pytest.mark.parametrize(
    "text",
    [
        "Wegovy is approved for chronic weight management in adults with obesity.",
        "Saxenda is approved for chronic weight management.",
        "Ozempic is approved for type 2 diabetes; it is not approved for weight loss.",
        "Tesamorelin reduces excess abdominal fat in adults with HIV-associated lipodystrophy.",
        "Researchers are studying semaglutide in clinical trials for Alzheimer's disease.",
    ],
)
def test_not_off_label(linter: Linter, text: str) -> None:
    assert "sem.offlabel" not in rules_of(lint(linter, text))


@pytest.mark.parametrize(
    "text",
    [
        "Buy BPC-157 vials today for tendon repair.",
        "Our CJC 1295 and ipamorelin protocol: 100 mcg before bed.",
        "BPC157 heals torn ligaments in two weeks.",
        "本诊所提供CJC-1295注射疗程。",
    ],
)
def test_unapproved(linter: Linter, text: str) -> None:
    assert "sem.unapproved" in rules_of(lint(linter, text))


@pytest.mark.parametrize(
    "text",
    [
        "BPC-157 is not approved by the FDA for any use.",
        "We do not sell BPC-157.",
        "BPC-157 has been studied mainly in rats.",
    ],
)
def test_not_unapproved(linter: Linter, text: str) -> None:
    assert "sem.unapproved" not in rules_of(lint(linter, text))


def test_safety_claim_because_of_negation_word(linter: Linter) -> None:
    assert "sem.nosidefx" in rules_of(lint(linter, "Our peptide shots have no side effects."))
    assert "sem.nosidefx" in rules_of(lint(linter, "本品安全无毒副作用。"))


def test_safety_phrase_needs_a_promoted_subject(linter: Linter) -> None:
    assert "sem.nosidefx" not in rules_of(lint(linter, "Eating vegetables has no side effects, doctors joke."))


def test_required_statement(linter: Linter) -> None:
    text = "# Daily Glucose Support\n\nSupports healthy glucose metabolism.\n"
    found = [f for f in lint(linter, text, product="supplement") if f.rule == "sem.disclaimer"]
    assert found and found[0].line == 3
    ok = text + "\n*This statement has not been evaluated by the Food and Drug Administration.\n"
    assert "sem.disclaimer" not in rules_of(lint(linter, ok, product="supplement"))
    assert "sem.disclaimer" not in rules_of(lint(linter, text))  # not a supplement: not due


def test_subject_from_heading(linter: Linter) -> None:
    text = "## Tesamorelin\n\nIt reverses insulin resistance within weeks.\n"
    found = [f for f in lint(linter, text) if f.rule == "sem.cure"]
    assert found and found[0].line == 3

