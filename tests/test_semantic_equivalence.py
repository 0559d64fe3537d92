"""The shortcuts of the semantic machinery give what the plain versions give.

entities.EntityIndex finds its start positions with Aho-Corasick (short first
pieces with their next characters) and must find the mentions the whole
alternation finds.
"""

from __future__ import annotations

import random
import sys

from compliance_lint import entities, semantic


def test_whitespace_table_is_what_backslash_s_matches() -> None:
    everything = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert entities._WHITESPACE == everything


def _reference(index: entities.EntityIndex, text: str) -> list[tuple[str, str, int, int]]:
    """Mentions from ``finditer`` of the whole alternation (the regex path)."""
    low = text.lower()
    out = []
    for m in index.regex.finditer(low):
        k = entities._key(m.group(0))
        entry = index.lookup.get(k) or next((index.lookup[c] for c in entities._singulars(k) if c in index.lookup), None)
        if entry is not None:
            out.append((entry[0], entry[1], m.start(), m.end()))
    return out


def _texts(index: entities.EntityIndex, seed: int, n: int) -> list[str]:
    """Names with their separators varied ("t 2d", "GH\\u00a0peptide", "bpc"-"157"),
    glued to letters or not, among filler words that start like them."""
    rng = random.Random(seed)
    seps = ["", " ", "-", "\t", "\n", "\u00a0", "\u3000", '"', ' "', '" ', "  ", "--"]
    filler = ["at", "the", "a", "t", "l", "th", "ly", "get", "not", "that", "glp", "2", "-", " ", ",", "x", "减肥", "肥"]
    names = index._ordered
    out = []
    for _ in range(n):
        pieces = []
        for _ in range(rng.randint(1, 8)):
            if rng.random() < 0.4:
                name = rng.choice(names)
                name = "".join(rng.choice(seps) if ch in " -" else ch for ch in name)
                if rng.random() < 0.3:
                    name = name.replace("2", rng.choice(["2", " 2", "-2", "\u20022"]))
                pieces.append(name + rng.choice(["", "s", "'s", "ies", "x", ""]))
            else:
                pieces.append(rng.choice(filler))
            pieces.append(rng.choice(["", " ", " ", ". ", "\n"]))
        out.append("".join(pieces))
    return out


def test_entity_index_finds_what_the_alternation_finds() -> None:
    index = entities.entity_index(semantic.kb())
    for text in _texts(index, 7, 1500):
        got = [(m.label, m.id, m.start, m.end) for m in index.find(text)]
        assert got == _reference(index, text), text
