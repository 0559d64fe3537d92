"""Fast paths of the kinds and the engine agree with the general paths they shortcut."""

from __future__ import annotations

from array import array

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kindkit import block_scan, regex_examples

from compliance_lint.kinds.base import BlockScan, DocumentState
from compliance_lint.kinds.regex import MAX_SENTENCE_FOR_RE, CompiledRegex, _span, guarded_matches
from compliance_lint.models import Context
from compliance_lint.nlp import get_nlp
from compliance_lint.packs import load_registry
from compliance_lint.prefilter import forget_confirmed
from compliance_lint.textmap import Block


@pytest.fixture(scope="module")
def regex_kinds() -> dict[str, tuple[CompiledRegex, list[str]]]:
    """Per language, all bundled regex rules compiled, and paragraphs made of their examples."""
    return regex_examples((1, 3, 7))


def _every_sentence(compiled: CompiledRegex, scan: BlockScan) -> list[tuple[str, int, int]]:
    """Every sentence-scope item searched in every sentence: no literal or block gate."""
    out = []
    text = scan.block.text
    for sent in scan.doc.sents:
        s_text = text[sent.start_char:sent.end_char]
        for rule, rx, unless, requires in compiled.items:
            if rule.spec["scope"] == "block" or (unless and unless.search(s_text)) or (requires and not requires.search(s_text)):
                continue
            sample = s_text if rule.spec["engine"] == "re2" else s_text[:MAX_SENTENCE_FOR_RE]
            for m in guarded_matches(rule, rx, sample):
                a, b = _span(rx, m)
                if b > a and rule.spec["subject"] == "none":
                    out.append((rule.id, sent.start_char + a, sent.start_char + b))
    return sorted(out)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_regex_block_gate_and_sentence_choice_agree(regex_kinds: dict, lang: str) -> None:
    compiled, paras = regex_kinds[lang]
    everything = list(range(len(compiled.items)))
    found = 0
    for text in paras:
        forget_confirmed()
        # the block gate: one encoding of the block, every item's question at once
        assert compiled._gated(everything, text) == [i for i in everything if compiled._block_gate(i, text)]
        # sentences chosen by the block's literal occurrences, against a search of every sentence
        scan = block_scan(text, lang)
        fast = sorted((h.rule.id, h.start, h.end) for h in compiled.find(scan)
                      if h.rule.spec["scope"] != "block" and h.rule.spec["subject"] == "none")
        assert fast == _every_sentence(compiled, scan), text
        found += len(fast)
    assert found > 20


def _hallmarks_by_regex_collapse(text: str, kind: str) -> list[int]:
    """Where each hallmark first occurs: the kind's automaton over the text's
    whitespace collapsed by ``re.sub`` (``semantic._collapsed``), as before ``_view``."""
    from compliance_lint import doctype
    from compliance_lint.semantic import _collapsed

    low = text[:doctype.SCAN_CHARS].lower().replace("：", ":")
    ac, owners, empty = doctype._hallmark_scanner(kind)
    first: dict[int, int] = {}
    if ac is not None:
        view, omap = _collapsed(low)
        doctype._first_hits(ac.find_matches_as_indexes(view, overlapping=True), owners, low, omap, first)
    return sorted([0] * empty + list(first.values()))


def test_doctype_one_scan_for_all_kinds_agrees_with_a_scan_per_kind() -> None:
    from compliance_lint import doctype
    from compliance_lint.semantic import lexicon_words

    words = [str(w) for kind in doctype._KINDS for w in lexicon_words(f"document_kinds.{kind}")]
    texts = ["", "Nothing to see here.", "\n\n".join(words), " ".join(w.upper() for w in words[::3]),
             "x".join(words[::2]), "\t".join(w.replace(" ", "\n  ") for w in words[1::2])]
    texts += ["Intro.\n\n" + "\n\n".join(words[i:i + 5]) for i in range(0, len(words), 5)]
    texts += ["  \n " + " \u3000 ".join(words[i:i + 9]) + "\n" for i in range(0, len(words), 9)]
    texts.append(words[0] + " \n" * (doctype.SCAN_CHARS // 2 - 10) + "\n\n".join(words))  # most past the scanned part
    for text in texts:
        for kind in doctype._KINDS:
            doctype._recent.clear()
            assert doctype._positions(text, kind) == doctype._scan_kind(text, kind), (kind, text[:80])
            assert doctype._scan_kind(text, kind) == _hallmarks_by_regex_collapse(text, kind), (kind, text[:80])
            assert doctype._positions(text, kind) == doctype._scan_kind(text, kind)  # remembered


@pytest.mark.parametrize("text", ["", "Not a substitute for medicine.", "A_B c-d\tE\n\nF__9 ", "本品 不能\n代替药物！ Ｆｕｌｌ", "Ünïcode\u00a0space\u2028x İ", "x" * 50 + " .,;\x00\x7f"])
def test_required_squash_agrees_with_the_regex(text: str) -> None:
    import re

    from compliance_lint.kinds.required import squash

    assert squash(text) == re.sub(r"[\W_]+", "", text.lower())


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8")) | st.text(alphabet=st.characters(max_codepoint=127)))
def test_required_squash_agrees_with_the_regex_on_any_text(text: str) -> None:
    import re

    from compliance_lint.kinds.required import squash

    assert squash(text) == re.sub(r"[\W_]+", "", text.lower())


def test_required_trigger_keys_never_rule_out_a_trigger_match() -> None:
    from compliance_lint.kinds.required import CompiledRequired, _lower

    registry = load_registry()
    rules = [r for r in registry.rules(sorted(registry.packs)) if r.kind == "required"]
    texts = [e for r in registry.rules(sorted(registry.packs)) for e in r.examples_bad + r.examples_good]
    texts += [t.replace(" ", "\n  ") for t in texts] + ["".join(texts[i:i + 9]) for i in range(0, len(texts), 9)]
    checked = ruled_out = 0
    for lang in ("en", "zh"):
        compiled = CompiledRequired([r for r in rules if lang in r.languages], lang)
        blocks = [Block(t, array("q", range(len(t) + 1))) for t in texts]
        state = DocumentState(context=Context(), blocks=blocks, langs=[lang] * len(blocks))
        for rx in {id(rx): rx for rx in compiled.trigger_rx.values() if rx is not None}.values():
            for i in range(len(blocks)):
                may = compiled._keys.may_match(rx, state, i)
                assert may or rx.search(_lower(state, i)) is None, (texts[i][:80], rx)
                checked += 1
                ruled_out += not may
    assert checked > 1000 and ruled_out > 1000


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_make_docs_agrees_with_nlp_pipe(regex_kinds: dict, lang: str) -> None:
    from spacy.attrs import IS_SPACE, ORTH, SENT_START

    from compliance_lint.nlp import LONG_RUN, MAX_SENT_TOKENS, make_docs

    _compiled, paras = regex_kinds[lang]
    texts = paras[:200] + ["", " ", "x" * (LONG_RUN * 3) + " tail. Next one", "word " * (MAX_SENT_TOKENS * 2),
                           "a. b! c? d; e… f。g！h", "本品不能代替药物。\n根治！"]
    nlp = get_nlp(lang)
    for ours, theirs in zip(make_docs(nlp, texts), nlp.pipe(texts), strict=True):
        assert ours.text == theirs.text
        assert ours.to_array([ORTH, IS_SPACE, SENT_START]).tolist() == theirs.to_array([ORTH, IS_SPACE, SENT_START]).tolist()
        assert [(s.start_char, s.end_char) for s in ours.sents] == [(s.start_char, s.end_char) for s in theirs.sents]
