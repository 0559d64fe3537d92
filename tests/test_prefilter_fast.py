"""The prefilter's fast paths give the same answers as the plain ones."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from kindkit import bundled_rules

from compliance_lint.prefilter import compile_confirm, confirm_tester, relaxed_pattern

PATTERNS = [
    (r"#\s*1", True), (r"rate of \d", True), (r"(a)(b)?c", False), (r"x*", True), (r"治愈|根治", False),
    (r"(?:lose|lost)\s+\d+\s*(?:kg|lbs?)", True), (r"\bcure", True), (r"[[:alpha:]]+\d", False),
]
TEXT = st.text(alphabet=list("abcx #1 kglostreLOSE治愈\n5") + ["é", "\u00a0"], max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PATTERNS), TEXT)
def test_confirm_tester_agrees_with_search(pat: tuple[str, bool], text: str) -> None:
    rx = compile_confirm(*pat)
    data = text.encode()
    assert confirm_tester(*pat)(data) == (rx is True or rx.search(data) is not None)


def test_confirm_tester_on_bundled_confirms() -> None:
    """Every bundled regex rule's relaxed pattern, on its own examples and on text around them."""
    checked = 0
    for rule in bundled_rules("regex"):
        relaxed = relaxed_pattern(rule.spec["regex"])
        if relaxed is None:
            continue
        key = (relaxed, bool(rule.spec["ignorecase"]))
        rx = compile_confirm(*key)
        for example in rule.examples_bad + rule.examples_good:
            for text in (example, f"x{example}y", example[: len(example) // 2]):
                data = text.encode()
                assert confirm_tester(*key)(data) == (rx is True or rx.search(data) is not None), (rule.id, text)
                checked += 1
    assert checked > 100


def test_remembered_selection_is_the_worked_out_one(monkeypatch) -> None:
    """``kinds_needing`` remembers per text: the same answer as ``select``, the block
    kind still decides first, and the memory stays bounded."""
    from test_prefilter_select import SMALL, WORDS

    import compliance_lint.prefilter as pfm

    plan = pfm.Plan.from_json({**SMALL.to_json(), "always_blocks": ["table"]})
    pf = pfm.Prefilter(plan)
    monkeypatch.setattr(pfm, "_MEMO_SIZE", 5)
    texts = [f"{a} {b}" for a in WORDS[:12] for b in WORDS[-12:]]
    for text in texts + texts[::-1]:
        pfm.forget_confirmed()
        assert pf.kinds_needing(text) == pf.select(text), text
        assert pf.kinds_needing(text, "table") == pf.all_kinds
        assert len(pf._memo) <= 5
    assert any(pf.select(t) != pf.all_kinds for t in texts)
    long = " ".join(texts)
    assert len(long) > pfm._MEMO_MAX_CHARS
    assert pf.kinds_needing(long) == pf.select(long) and long not in pf._memo


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="abcé治 ", min_size=1, max_size=5), max_size=25))
def test_minimal_by_automaton_agrees_with_substring_tests(literals: list[str]) -> None:
    from compliance_lint.prefilter import _minimal, _minimal_plain

    assert _minimal(literals) == _minimal_plain(sorted(set(literals), key=lambda x: (len(x), x)))
