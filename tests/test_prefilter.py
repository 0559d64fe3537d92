"""The prefilter skips only blocks no rule can fire on: prefiltered and full paths agree."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance_lint.config import Config
from compliance_lint.packs import default_pack_ids, load_registry
from compliance_lint.prefilter import regex_literals
from compliance_lint.runner import build_linter
from compliance_lint.sources import load_document

ROOT = Path(__file__).resolve().parent.parent

PACK = """\
id: zpf
title: "Prefilter test pack"
jurisdiction: US
version: "1"
as_of: "2026-01-01"
languages: [en, zh]
"""

RULES = """\
rules:
  - id: zpf.cure
    kind: phrase
    category: cure_claim
    severity: error
    languages: [en, zh]
    message: {en: "cure {match}", zh: "治愈 {match}"}
    citation: {text: "T 1", url: "https://example.org/1"}
    rationale: r
    suggestion: s
    terms: [cure, "reverse insulin resistance", "glp-1 agonist", "10 mg", "can not", "most effective", 最有效, 根治]
    examples: {bad: ["It cures it."], good: ["Plain."]}
  - id: zpf.lower
    kind: phrase
    category: absolute_term
    severity: warning
    languages: [en]
    match: lower
    message: {en: "abs {match}"}
    citation: {text: "T 2", url: "https://example.org/2"}
    rationale: r
    suggestion: s
    negation: none
    terms: ["not", "the best", "don't"]
    examples: {bad: ["the best"], good: ["Plain."]}
  - id: zpf.rate
    kind: regex
    category: efficacy_guarantee
    severity: error
    languages: [en, zh]
    message: {en: "rate {match}", zh: "率 {match}"}
    citation: {text: "T 3", url: "https://example.org/3"}
    rationale: r
    suggestion: s
    regex: '(?:cure|success) rate of \\d+%|治愈率\\d+%|\\d+\\s*(?:mcg|µg)\\b'
    examples: {bad: ["a cure rate of 95%"], good: ["Plain."]}
  - id: zpf.pattern
    kind: pattern
    category: other
    severity: info
    languages: [en]
    message: {en: "pattern {match}"}
    citation: {text: "T 4", url: "https://example.org/4"}
    rationale: r
    suggestion: s
    patterns:
      - [{LEMMA: melt}, {LOWER: {IN: [fat, pounds]}}]
      - [{LOWER: guaranteed}, {OP: "?"}, {LOWER: results}]
    examples: {bad: ["it melts fat"], good: ["Plain."]}
"""

TRIGGERS = [
    "cure", "cures", "Cured", "curing", "secure", "CURE", "reverse", "reverses", "insulin", "resistance", "glp-1", "GLP - 1",
    "agonist", "10mg", "10 mg", "10", "mg", "cannot", "can", "not", "Cannot", "most", "effective", "the", "best", "don't",
    "do", "n't", "cure rate of 95%", "success rate of 80%", "250 mcg", "250µg", "250 μg", "melts", "melted", "fat", "pounds",
    "guaranteed", "results", "最有效", "最 有效", "根治", "治愈率95%", "ſ", "İ", "Σ", "(cure)", "cure-all", "cure?", "co-cure",
]
FILLER = ["people", "walk", "after", "dinner", "semaglutide", "weeks", "and", "a", "plan", "糖尿病", "患者", "的", "Dr.", "e.g.", "U.S."]
SEPS = [" ", " ", " ", "", "  ", "-", ". ", ", ", "\n", "\n\n", "\n\n## ", "\n- ", " **", "** ", "`x`", "\t"]


@pytest.fixture(scope="module")
def linters(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    folder = tmp_path_factory.mktemp("packs") / "zpf"
    folder.mkdir()
    (folder / "pack.yaml").write_text(PACK, encoding="utf-8")
    (folder / "rules.yaml").write_text(RULES, encoding="utf-8")
    registry = load_registry([str(folder)])
    on = build_linter(registry, ["zpf"], Config())
    off = build_linter(registry, ["zpf"], Config())
    on.prefilter, off.prefilter = True, False
    return on, off, registry


def _findings(linter, text: str, name: str = "doc.md") -> list[dict]:
    doc = load_document(name, text.encode("utf-8"))
    return [f.to_json() for f in linter.lint(doc)]


def test_own_pack_examples_agree(linters: tuple) -> None:
    on, off, _ = linters
    text = ("# Cures\n\nOur pill cures it. A cure rate of 95% and 250 mcg daily.\n\nIt melts fat, guaranteed great results.\n\n"
            "这是最有效的方法，治愈率95%。\n\nWe can not stop; the best part: don't wait. GLP - 1 agonist at 10mg.\n")
    a, b = _findings(on, text), _findings(off, text)
    assert a == b
    rules = {f["rule"] for f in a}
    assert {"zpf.cure", "zpf.lower", "zpf.rate", "zpf.pattern"} <= rules


def test_blocks_without_triggers_are_skipped(linters: tuple) -> None:
    on, _off, _ = linters
    doc = load_document("d.md", b"# Meal prep\n\nPlan meals on the weekend.\n\nWe cured nothing; a secure walk.\n")
    sel = [bool(kinds) for kinds in on.selection(doc, on.block_langs(doc))]
    assert sel == [False, True, True] or sel == [False, False, True]
    assert on.prefilter_for("en").needs("a secure walk") is False
    assert on.prefilter_for("en").needs("it cures") is True


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(TRIGGERS + FILLER), st.sampled_from(SEPS)), min_size=1, max_size=40))
def test_random_documents_agree_own_pack(linters: tuple, parts: list[tuple[str, str]]) -> None:
    on, off, _ = linters
    text = "".join(w + s for w, s in parts)
    assert _findings(on, text) == _findings(off, text)
    assert _findings(on, text, "doc.txt") == _findings(off, text, "doc.txt")


def test_env_switch_turns_prefilter_off(linters: tuple, monkeypatch: pytest.MonkeyPatch) -> None:
    _on, _off, registry = linters
    monkeypatch.setenv("COMPLIANCE_LINT_PREFILTER", "0")
    linter = build_linter(registry, ["zpf"], Config())
    doc = load_document("d.md", b"Nothing here.\n")
    assert linter.selection(doc, linter.block_langs(doc)) is None


def test_regex_literals() -> None:
    assert regex_literals(r"cure rate of \d+%") == [("%", "cure rate of ")]
    assert regex_literals(r"(?:lose|drop) \d+") == [("drop ",), ("lose ",)]
    assert regex_literals(r"\d+%") == [("%",)]
    assert regex_literals(r"\w+") is None
    assert regex_literals(r"(?:a|)b") == [("ab",), ("b",)]
    assert regex_literals(r"[[:alpha:]]+x") == [("x",)]
    # "µ" may fold onto Greek mu under case-insensitive matching: not compared.
    assert regex_literals(r"\d+µg") == [("g",)]


BUNDLED_TEXTS = [
    "Our semaglutide program reverses insulin resistance in weeks.\n\nIt is 100% safe with no side effects.\n",
    "# Tesamorelin\n\nIt reverses fatty liver disease. Buy BPC-157 today, research use only, 250 mcg a day.\n",
    "本产品能根治糖尿病，无毒副作用。\n\n替尔泊肽是目前最有效的减重方案。\n",
    "These statements have not been evaluated by the Food and Drug Administration.\n\nOzempic for weight loss, ask us.\n",
]


@pytest.fixture(scope="module")
def bundled() -> tuple:
    registry = load_registry()
    ids = default_pack_ids(registry)
    on = build_linter(registry, ids, Config())
    off = build_linter(registry, ids, Config())
    on.prefilter, off.prefilter = True, False
    return on, off


def test_bundled_packs_agree_on_samples(bundled: tuple) -> None:
    on, off = bundled
    for text in BUNDLED_TEXTS:
        assert _findings(on, text) == _findings(off, text)


def test_bundled_packs_agree_on_bench_corpus(bundled: tuple, tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from bench.corpus import generate

    on, off = bundled
    for path in generate(tmp_path / "corpus", 12, seed=7):
        text = path.read_text(encoding="utf-8")
        assert _findings(on, text, str(path)) == _findings(off, text, str(path)), path


WORDS_BUNDLED = ["semaglutide", "Ozempic", "insulin resistance", "reverses", "cures", "type 2 diabetes", "BPC-157", "buy",
                 "research use only", "250 mcg", "100% safe", "no side effects", "最有效", "根治", "糖尿病", "It", "our",
                 "clinic", "weight loss", "guaranteed", "FDA-approved", "better than", "metformin", "people", "walk"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(WORDS_BUNDLED + FILLER), st.sampled_from(SEPS)), min_size=1, max_size=30))
def test_random_documents_agree_bundled(bundled: tuple, parts: list[tuple[str, str]]) -> None:
    on, off = bundled
    text = "".join(w + s for w, s in parts)
    assert _findings(on, text) == _findings(off, text)


def test_no_spacy_import_when_nothing_can_fire(tmp_path: Path) -> None:
    """With the rule plans cached, a file holding no trigger is linted without importing spaCy."""
    clean = tmp_path / "clean.md"
    clean.write_text("# Notes\n\nWe walked home.\n", encoding="utf-8")
    script = (
        "import sys, json\n"
        "from compliance_lint.config import Config\n"
        "from compliance_lint.packs import load_registry, default_pack_ids\n"
        "from compliance_lint.runner import build_linter, lint_file\n"
        "reg = load_registry()\n"
        "linter = build_linter(reg, default_pack_ids(reg), Config())\n"
        f"r = lint_file(linter, Config(), {str(clean)!r}, True)\n"
        "print(json.dumps([len(r.findings), 'spacy' in sys.modules]))\n"
    )
    env = {k: v for k, v in __import__("os").environ.items()}
    env["PYTHONPATH"] = str(ROOT)
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=str(tmp_path), timeout=300)
            for _ in range(2)]
    for r in runs:
        assert r.returncode == 0, r.stderr
    count, imported = json.loads(runs[1].stdout)
    assert count == 0
    assert imported is False


# --- confirms and per-kind selection ------------------------------------------


def test_relaxed_pattern_drops_assertions_only() -> None:
    from compliance_lint.prefilter import relaxed_pattern

    assert relaxed_pattern(r"\bcures?\b") == "cures?"
    assert relaxed_pattern(r"^(?:a|b)$") == "(?:a|b)"
    assert relaxed_pattern(r"(?<!not )cure(?=s)") == "cure"
    assert relaxed_pattern(r"[\b^$]x") == r"[\b^$]x"  # inside a class nothing is an assertion
    assert relaxed_pattern(r"[]^]\Ax") == r"[]^]x"
    assert relaxed_pattern(r"[[:alpha:]]+\b") == "[[:alpha:]]+"
    assert relaxed_pattern(r"\Qa\E") is None
    assert relaxed_pattern(r"(?=unclosed") is None


def test_relaxed_bundled_patterns_match_wherever_the_rule_matches() -> None:
    """A sentence the rule matches, inside any paragraph: the relaxed pattern matches the paragraph."""
    from compliance_lint.kinds.regex import compile_pattern
    from compliance_lint.prefilter import compile_confirm, relaxed_pattern

    registry = load_registry()
    checked = 0
    for rule in registry.rules(sorted(registry.packs)):
        if rule.kind != "regex":
            continue
        relaxed = relaxed_pattern(rule.spec["regex"])
        if relaxed is None:
            continue
        rx = compile_pattern(rule.spec["regex"], rule.spec["engine"], rule.spec["ignorecase"])
        gate = compile_confirm(relaxed, rule.spec["ignorecase"])
        for example in rule.examples_bad + rule.examples_good:
            if not rx.search(example):
                continue
            for para in (example, f"Intro words.{example}", f"{example}Tail", f"x{example}y", f"{example}\n\n{example}"):
                assert gate is True or gate.search(para), (rule.id, para)
                checked += 1
    assert checked > 50


def test_confirm_keeps_common_literals_from_waking_the_pipeline(linters: tuple) -> None:
    on, off, _ = linters
    pf = on.prefilter_for("en")
    # "mcg" is a literal of zpf.rate, but its pattern needs a number before it
    assert not pf.needs("Ask the pharmacist how mcg and mg differ.")
    assert pf.needs("Take 250 mcg daily.")
    # "the" + "best": the phrase's tokens must be next to each other
    assert not pf.needs("The walk was best in the morning.")
    assert pf.needs("It is the best.")
    text = "Ask how mcg differs.\n\nThe walk was best in the morning.\n\nIt is the best.\n"
    assert _findings(on, text) == _findings(off, text)


def test_each_block_runs_only_the_kinds_it_triggers(linters: tuple) -> None:
    on, _off, _ = linters
    doc = load_document("d.md", b"It is the best.\n\nTake 250 mcg daily.\n\nWe walked home.\n")
    kinds = [type(k).__name__ for k in on.compiled("en")]
    sel = [sorted(kinds[i] for i in s) for s in on.selection(doc, on.block_langs(doc))]
    assert sel == [["CompiledPhrases"], ["CompiledRegex"], []]
