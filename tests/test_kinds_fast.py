"""This round's fast paths of the rule kinds against the plain paths they shortcut,
on the bundled rules' examples and on random or edge inputs."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from kindkit import block_scan, bundled_rules, regex_examples

from compliance_lint.kinds.regex import CompiledRegex, compile_pattern, found_in
from compliance_lint.packs import load_registry
from compliance_lint.prefilter import compile_confirm, confirms, forget_confirmed

_PATTERNS = ["a", "a+", "", "^", "$", "x*", "(a)(b)?", r"\bab\b", "é+", "[^a]", "(?P<match>b)c", "根治|治愈", r"\d{2,}\s*mg"]
_TEXT = st.text(alphabet=st.sampled_from(list("abcx é根治9 0\n\t")), max_size=40) | st.text(max_size=30)


@settings(max_examples=400, deadline=None)
@given(pattern=st.sampled_from(_PATTERNS), text=_TEXT, ignorecase=st.booleans())
def test_found_in_agrees_with_re2_search(pattern: str, text: str, ignorecase: bool) -> None:
    rx = compile_pattern(pattern, "re2", ignorecase)
    data = text.encode("utf-8")
    assert found_in(rx, data) == (rx.search(data) is not None) == (rx.search(text) is not None)


class _NoLowLevel:
    """A pattern object without the wrapper's ``_regexp``: ``found_in`` falls back to ``search``."""

    def __init__(self, rx: object) -> None:
        self.rx = rx

    def search(self, data: bytes) -> object:
        return self.rx.search(data)  # type: ignore[attr-defined]


def test_found_in_without_the_low_level_call() -> None:
    rx = compile_pattern("b+", "re2", True)
    assert found_in(_NoLowLevel(rx), b"aBb") and not found_in(_NoLowLevel(rx), b"aaa")


@pytest.fixture(scope="module")
def regex_compiled() -> dict[str, tuple[CompiledRegex, list[str]]]:
    return regex_examples((1, 4))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_regex_gate_with_the_prefilters_answers_agrees(regex_compiled: dict, lang: str) -> None:
    """``_gated`` reads the prefilter's remembered confirm answers: with some of the
    questions answered beforehand (as the prefilter leaves them) it gives the
    same items as asking every question afresh."""
    compiled, paras = regex_compiled[lang]
    everything = list(range(len(compiled.items)))
    kept = 0
    for n, text in enumerate(paras):
        forget_confirmed()
        plain = [i for i in everything if compiled._gate_keys[i] is None or compile_confirm(*compiled._gate_keys[i]) is True
                 or compile_confirm(*compiled._gate_keys[i]).search(text) is not None]
        forget_confirmed()
        for i in everything[n % 3::3]:  # a third of the questions answered by "the prefilter"
            if compiled._gate_keys[i] is not None:
                confirms(text, *compiled._gate_keys[i])
        assert compiled._gated(everything, text) == plain, text
        kept += len(plain)
    forget_confirmed()
    assert kept > 50


def _required_compiled() -> list:
    from compliance_lint.kinds.required import CompiledRequired

    return [CompiledRequired(bundled_rules("required", lang), lang) for lang in ("en", "zh")]


def _trigger_texts() -> list[str]:
    registry = load_registry()
    texts = [e for r in registry.rules(sorted(registry.packs)) for e in r.examples_bad + r.examples_good]
    texts += [w for r in registry.rules(sorted(registry.packs)) if r.kind == "required" for w in r.spec["triggers"]]
    texts += [t.replace(" ", "\n  ") for t in texts] + [t.upper() for t in texts[::5]]
    texts += ["".join(texts[i:i + 9]) for i in range(0, len(texts), 9)] + ["", " ", "根 治\u3000糖尿病", "x-ray t2d"]
    return texts


def test_required_one_trigger_scan_agrees_with_a_search_per_matcher() -> None:
    checked = found = 0
    for compiled in _required_compiled():
        scan = compiled._scan
        for text in _trigger_texts():
            low = text.lower()
            firsts = scan.firsts(low)
            for rx in scan.matchers:
                m = rx.search(low)
                assert firsts.get(id(rx)) == ((m.start(), m.end()) if m else None), (text[:80], rx)
                checked += 1
                found += m is not None
    assert checked > 1000 and found > 100


_WORDS = ["side effects", "weight loss", "lose", "ozempic", "根治", "治愈", "a", "ab", "b a"]


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(["side", "effects", "effect", "weight", "loss", "lose", "losing", "ozempic", "根", "治", "愈",
                                      "a", "b", " ", "  ", "\n", "\t", "-", "x", "9", "é", "\u3000"]), max_size=25).map("".join),
       split=st.integers(min_value=1, max_value=len(_WORDS) - 1))
def test_trigger_scan_agrees_on_random_text(text: str, split: int) -> None:
    from compliance_lint.semantic import MatcherUnion, leftmost_longest, word_regex

    matchers = [m for m in (word_regex(tuple(_WORDS[:split]), True), word_regex(tuple(_WORDS[split - 1:]), False),
                            word_regex(tuple(_WORDS[::2]), True)) if m is not None]
    scan = MatcherUnion(matchers)
    firsts = scan.firsts(text)
    for rx, cands in zip(scan.matchers, scan.candidates(text), strict=True):
        m = rx.search(text)
        assert firsts.get(id(rx)) == ((m.start(), m.end()) if m else None)
        assert leftmost_longest(cands) == [m.span() for m in rx.finditer(text)]
    both = scan._all
    assert [(s, e) for _i, s, e in both.tagged_candidates(text)] == both._candidates(text, 0, len(text))


@pytest.fixture(scope="module")
def rx_compiled() -> list:
    from compliance_lint.kinds.rx_promotion import CompiledRx

    return [CompiledRx(bundled_rules("rx_promotion", lang), lang) for lang in ("en", "zh")]


def _sentences() -> list[str]:
    import re

    registry = load_registry()
    texts = [e for r in registry.rules(sorted(registry.packs)) for e in r.examples_bad + r.examples_good]
    sents = [s for t in texts for s in re.split(r"(?<=[.!?。！？])\s+", t) if s]
    sents += [s.replace(" ", "  \n") for s in sents[::4]] + [s + " How does it work?" for s in sents[::7]]
    return [s.lower() for s in sents] + ["", "?", "not a $99 offer", "no discount. buy now", "不 优惠 购买"]


def test_rx_promotion_one_cue_scan_agrees_with_a_scan_per_matcher(rx_compiled: list) -> None:
    from compliance_lint.kinds.rx_promotion import _cued, _cued_all

    checked = cued = 0
    for compiled in rx_compiled:
        assert len(compiled._cues.matchers) == len({id(rx) for rx in compiled.cue_rx.values() if rx is not None})
        for stext in _sentences():
            answers = _cued_all(compiled._cues, stext, compiled.lang)
            for rule in compiled.rules:
                slot = compiled._slot[rule.id]
                assert (slot is not None and answers[slot]) == compiled._cued(rule, stext), (rule.id, stext)
            for rx, got in zip(compiled._cues.matchers, answers, strict=True):
                assert got == _cued(rx, stext, compiled.lang)
                checked += 1
                cued += got
    assert checked > 1000 and cued > 100


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["buy", "ozempic", "not", "no", "price", "£", "$", "99", "book", "a", "consult", "how", "does",
                                 "work", "?", "优惠", "不", "购买", " ", " ", "  ", "\n", "-", "today", "never", "start"]), max_size=20).map("".join))
def test_rx_promotion_cue_scan_agrees_on_random_sentences(rx_compiled: list, stext: str) -> None:
    from compliance_lint.kinds.rx_promotion import _cued, _cued_all

    for compiled in rx_compiled:
        answers = _cued_all(compiled._cues, stext, compiled.lang)
        assert list(answers) == [_cued(rx, stext, compiled.lang) for rx in compiled._cues.matchers]


_WEIGHT_BITS = ["down", "DOWN", "lost", "LOSE", "loſing", "shed", "dropped", " ", "\t", "\n", "14", "2.5", "a", "half a", "two",
                "kg", "KG", "\u212ag", "kilo", "KILO", "kılo", "kİlo", "kilograms", "lb", "LBS", "lbſ", "pound", "Pounds",
                "stone", "ſtone", "STONES", "x", "-", "İ", "ı", "ſ", "\u212a", "\u0307", "é"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_WEIGHT_BITS), max_size=12).map("".join) | st.text(max_size=40))
def test_weight_amount_hint_never_rules_out_a_match(text: str) -> None:
    from compliance_lint.kinds.off_label import _EN_WEIGHT_AMOUNT, _may_hold_weight_amount

    if _EN_WEIGHT_AMOUNT.search(text):
        assert _may_hold_weight_amount(text.lower()), text


def test_weight_amount_hint_on_every_unit_spelling() -> None:
    import itertools

    from compliance_lint.kinds.off_label import _EN_WEIGHT_AMOUNT, _may_hold_weight_amount, _weight_amounts
    from compliance_lint.semantic import kb

    variants = {"i": "iIıİ", "s": "sSſ", "k": "kK\u212a"}
    matched = 0
    for unit in ("kg", "kilo", "kilos", "kilogram", "kilograms", "lb", "lbs", "pound", "pounds", "stone", "stones"):
        choices = [variants.get(c, c + c.upper()) for c in unit]
        for spelled in itertools.product(*choices):
            text = "I lost 3 " + "".join(spelled) + "."
            if _EN_WEIGHT_AMOUNT.search(text):
                matched += 1
                assert _may_hold_weight_amount(text.lower()), text
                assert _weight_amounts(kb(), text) == _weight_amounts(kb(), text, text.lower()) != []
    assert matched > 500


def _regex_every_sentence(compiled: CompiledRegex, scan) -> list[tuple[str, int, int]]:  # noqa: ANN001
    """Every sentence-scope item searched in every sentence: no literal or block gate."""
    from compliance_lint.kinds.regex import MAX_SENTENCE_FOR_RE, _span, guarded_matches

    out = []
    text = scan.block.text
    for sent in scan.doc.sents:
        s_text = text[sent.start_char:sent.end_char]
        for rule, rx, unless, requires in compiled.items:
            if rule.spec["scope"] == "block" or (unless and unless.search(s_text)) or (requires and not requires.search(s_text)):
                continue
            for m in guarded_matches(rule, rx, s_text if rule.spec["engine"] == "re2" else s_text[:MAX_SENTENCE_FOR_RE]):
                a, b = _span(rx, m)
                if b > a and rule.spec["subject"] == "none":
                    out.append((rule.id, sent.start_char + a, sent.start_char + b))
    return sorted(out)


def _regex_fast(compiled: CompiledRegex, scan) -> list[tuple[str, int, int]]:  # noqa: ANN001
    forget_confirmed()
    return sorted((h.rule.id, h.start, h.end) for h in compiled.find(scan)
                  if h.rule.spec["scope"] != "block" and h.rule.spec["subject"] == "none")


def _example_pieces(lang: str) -> list[str]:
    rules = bundled_rules("regex", lang)
    words = [w for r in rules for e in r.examples_bad for w in e.split()]
    whole = sorted({e for r in rules for e in r.examples_bad})
    return sorted(set(words))[:400] + whole[::3] + [".", "!", "?", "。", "\n", "İ", "%", "mg", "kg"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_example_pieces("en")), min_size=1, max_size=40))
def test_regex_literal_sets_and_sentences_agree_on_random_paragraphs(regex_compiled: dict, words: list[str]) -> None:
    """Items chosen by whole literal sets (block and sentence) find what searching
    every item in every sentence finds, on shuffled words of the rules' examples."""
    compiled, _paras = regex_compiled["en"]
    scan = block_scan(" ".join(words), "en")
    assert _regex_fast(compiled, scan) == _regex_every_sentence(compiled, scan)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_regex_whole_literal_sets_never_rule_out_a_match(regex_compiled: dict, lang: str) -> None:
    """``_runnable`` (whole literal sets) keeps every item whose pattern matches the text."""
    compiled, paras = regex_compiled[lang]
    kept = 0
    for text in paras + [p.upper() for p in paras[::5]]:
        runnable = set(compiled._runnable(text.lower()))
        for idx, (rule, rx, _u, _r) in enumerate(compiled.items):
            if rule.spec["engine"] == "re2" and rx.search(text) is not None:
                assert idx in runnable, (rule.id, text)
                kept += 1
    assert kept > 100


def _unapproved_pair(lang: str) -> tuple:
    from plainkinds import PlainUnapproved

    from compliance_lint.kinds.unapproved import CompiledUnapproved

    rules = bundled_rules("unapproved", lang)
    return CompiledUnapproved(rules, lang), PlainUnapproved(rules, lang)


def _hits(compiled, scan) -> list[tuple]:  # noqa: ANN001
    return [(h.rule.id, h.start, h.end, h.substance) for h in compiled.find(scan)]


def _unapproved_texts(lang: str) -> list[str]:
    registry = load_registry()
    ex = [e for r in registry.rules(sorted(registry.packs)) if r.kind in ("unapproved", "rx_promotion") and lang in r.languages
          for e in r.examples_bad + r.examples_good]
    joiner = "" if lang == "zh" else " "
    return ex + [joiner.join(ex[i:i + k]) for k in (3, 6) for i in range(0, len(ex), k)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_unapproved_lazy_strong_cues_agree_with_the_plain_find(lang: str) -> None:
    fast, plain = _unapproved_pair(lang)
    found = 0
    for text in _unapproved_texts(lang):
        got = _hits(fast, block_scan([text], lang, 0))
        assert got == _hits(plain, block_scan([text], lang, 0)), text
        found += len(got)
    assert found > 20


_UNAPPROVED_BITS = ["BPC-157", "TB-500", "peptide", "our", "buy now", "order today", "dose", "protocol", "for research use only",
                    "not for human use", "it", "this", "heals", "injuries", "Do not inject.", "$49", "in rats", ".", "?", "!",
                    "Ipamorelin", "stock", "never", "GHK-Cu", "skin", "wound", "tendon", "cure", "The", "is", "a",
                    "Order today.", "BPC-157 is a peptide.", "Not sure which peptide you need?", "Email us for a protocol.",
                    "Buy TB-500 here.", "We never sell doses.", "TB-500 is studied."]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_UNAPPROVED_BITS), min_size=1, max_size=30))
@example(["Order today.", "BPC-157 is a peptide."])
@example(["BPC-157 is a peptide.", "Order today."])
@example(["BPC-157 is a peptide.", "Not sure which peptide you need?", "Email us for a protocol."])
@example(["for research use only", "TB-500 is studied.", "Email us for a protocol."])
def test_unapproved_lazy_strong_cues_agree_on_random_paragraphs(words: list[str]) -> None:
    fast, plain = _unapproved_pair("en")
    text = " ".join(words)
    assert _hits(fast, block_scan([text], "en", 0)) == _hits(plain, block_scan([text], "en", 0))


_RISK_BITS = ["side", "side-", "side ", "effects", "effect", "adverse", "reactions", "events", "of", "semaglutide", "and", "or",
              "include", "includes", "are", "were", "such as", "may", "can", "could", "might", "cause", "risk", "risk of",
              "contraindicated", "do not", "use", "take", "is", "very", "quite", "fairly", "common", "uncommon", "rare",
              "不良反应", "包括", "副作用", "有", "禁用", "慎用", " ", "  ", "\n", "-", "x", "Side", "RISK", "the", "my", "your",
              "this", "that", "our", "weekly", "daily", "first", "jab", "jabs", "pen", "pens", "injection", "shot", "shots", "open"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_RISK_BITS), max_size=12).map(" ".join) | st.lists(st.sampled_from(_RISK_BITS), max_size=12).map("".join))
def test_rx_promotion_sentence_pattern_hints_agree_with_the_patterns(text: str) -> None:
    from compliance_lint.kinds.rx_promotion import _ANAPHOR_NOUNS, _PRODUCT_ANAPHOR, _RISK_INFO, _risk_info

    assert _risk_info(text) == (_RISK_INFO.search(text) is not None), text
    if _PRODUCT_ANAPHOR.search(text):
        assert any(n in text for n in _ANAPHOR_NOUNS), text


def test_rx_promotion_sentence_pattern_hints_on_every_alternative() -> None:
    from compliance_lint.kinds.rx_promotion import _risk_info

    for text in ["side effects include nausea", "side-effects of x and y are", "adverse events were", "it may cause harm",
                 "the risk of pancreatitis", "contraindicated in pregnancy", "do not take it", "nausea is very common",
                 "is uncommon", "are rare", "不良反应包括", "副作用有", "孕妇禁用", "慎用"]:
        assert _risk_info(text), text


_OFF_LABEL_BITS = ["for", "your", "our", "the", "all", "any", "obese", "patients", "people", "adults", "women", "men", "clients",
                   "anyone", "with", "within", "is", "are", "be", "been", "considered", "counts as", "remains", "would be",
                   "off-label", "off label", "label", "labelled", " ", "  ", "\n", "-", "x", "é", "With", "FOR"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_OFF_LABEL_BITS), max_size=10).map(" ".join) | st.lists(st.sampled_from(_OFF_LABEL_BITS), max_size=10).map("".join))
def test_off_label_sentence_pattern_words_are_in_every_match(text: str) -> None:
    from compliance_lint.kinds.off_label import _EN_CALLED_OFF_LABEL, _EN_FOR_POPULATION

    if _EN_FOR_POPULATION.search(text):
        assert "with" in text, text
    if _EN_CALLED_OFF_LABEL.search(text):
        assert "label" in text, text


def test_bundled_kinds_keep_their_triggers(regex_compiled: dict, rx_compiled: list) -> None:
    """A kind without triggers() runs on every block: the shortcuts above must not lose them."""
    for compiled, _paras in regex_compiled.values():
        assert compiled.triggers() is not None
    for compiled in [*rx_compiled, *_required_compiled(), *_unapproved_pair("en")]:
        assert compiled.triggers() is not None, type(compiled)
