"""This round's fast paths of the rule kinds against the plain paths they shortcut,
on the bundled rules' examples and on random or edge inputs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    registry = load_registry()
    rules = [r for r in registry.rules(sorted(registry.packs)) if r.kind == "regex"]
    out = {}
    for lang in ("en", "zh"):
        here = [r for r in rules if lang in r.languages]
        examples = [e for r in here for e in r.examples_bad + r.examples_good]
        joiner = "" if lang == "zh" else " "
        out[lang] = (CompiledRegex(here), [joiner.join(examples[i:i + k]) for k in (1, 4) for i in range(0, len(examples), k)])
    return out


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
