"""semantic.word_regex (Aho-Corasick + edge checks) against the regex alternation it replaced."""

from __future__ import annotations

import random
import re

import pytest

from compliance_lint import semantic

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def reference_regex(words: list[str], inflect: bool) -> re.Pattern[str]:
    """The former implementation, alternatives ordered longest first (by the text they match)."""
    parts: list[tuple[int, str]] = []
    latin, cjk = semantic.word_forms(words, inflect)
    for w in cjk:
        parts.append((len(w), r"\s?".join(re.escape(ch) for ch in w)))
    for f in latin:
        body = r"\s+".join(re.escape(x) for x in f.split())
        lead = r"(?<![a-z0-9])" if f[:1].isalnum() else ""
        trail = r"(?![a-z0-9])" if f[-1:].isalnum() else ""
        parts.append((len(f.replace(" ", "")), lead + body + trail))
    parts = sorted(set(parts), key=lambda p: (-p[0], p[1]))
    return re.compile("|".join(p for _n, p in parts))


WORDS = ["cure", "cures all", "weight loss", "lose weight", "dr.", "dr", "$", "a$", "£", "get", "start now",
         "根治", "治愈", "包治百病", "glp-1类", "100%", "reverse", "no more", "e.g"]
FILLER = ["x", "a", "secure", "cured", "lose", "weight", " ", "  ", "\n", "\t", "\u3000", ".", "-", "9", "治", "根", "根 治", "百",
          "loss", "lossy", "start", "now", "nowhere", "dr", "$", "a", "100", "%", "e.g", "glp-1", "类", "al", "all"]


def _texts(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        pieces = [rng.choice(WORDS + FILLER) for _ in range(rng.randint(1, 14))]
        out.append("".join(p + rng.choice(["", " ", "", "  ", "\n"]) for p in pieces))
    return out


@pytest.mark.parametrize("inflect", [True, False])
def test_same_matches_as_regex(inflect: bool) -> None:
    rx = reference_regex(WORDS, inflect)
    wm = semantic._word_regex(WORDS, inflect)
    assert wm is not None
    for text in _texts(1 if inflect else 2, 3000):
        assert [m.span() for m in wm.finditer(text)] == [m.span() for m in rx.finditer(text)], text
        n = len(text)
        for pos, endpos in ((n // 3, n), (0, n // 2), (n // 4, 3 * n // 4)):
            got = wm.search(text, pos, endpos)
            want = rx.search(text, pos, endpos)
            assert (got and got.span()) == (want and want.span()), (text, pos, endpos)
            assert [m.span() for m in wm.finditer(text, pos, endpos)] == [m.span() for m in rx.finditer(text, pos, endpos)]
            got = wm.match(text, pos)
            want = rx.match(text, pos)
            assert (got and (got.span(), got.group(0))) == (want and (want.span(), want.group(0))), (text, pos)


def test_lexicon_groups_match_like_regex() -> None:
    rng = random.Random(3)
    words = semantic.resolve_words(["@cure", "@treat"]) + semantic.lexicon_words("promotion_cues")
    rx = reference_regex(words, True)
    wm = semantic._word_regex(words, True)
    assert wm is not None
    latin, cjk = semantic.word_forms(words, True)
    pool = latin[:400] + cjk + FILLER
    for _ in range(1500):
        text = "".join(rng.choice(pool) + rng.choice([" ", "", "  ", "\n", ", "]) for _ in range(rng.randint(1, 10)))
        assert [m.span() for m in wm.finditer(text)] == [m.span() for m in rx.finditer(text)], text


def test_match_object_api() -> None:
    wm = semantic.word_regex(("weight loss",), False)
    m = wm.search("fast weight \n  loss!")
    assert m and m.start() == 5 and m.end() == 19 and m.group(0) == "weight \n  loss" and m.group() == m.group(0)
    assert semantic.word_regex(("",), False) is None
