"""Shortcuts in Markdown parsing give exactly what the plain way gives.

Each optimised piece is compared with a straightforward reference: the
markdown-it parser with its stock inline rule, and simple re-implementations
kept here of the functions sped up in ``textmap`` and ``sources.markdown``.
"""

from __future__ import annotations

from typing import Any

import pytest
from fuzzkit import documents
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance_lint.sources.markdown import _parser, _plain_inline, new_parser

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Plain prose with the whitespace the inline shortcut must treat like markdown-it.
_plain_piece = st.one_of(
    st.sampled_from(["a", "cure", " ", "  ", "   ", "\t", " \t", "\t ", "\n", "\n\n", "\r\n", "\r", "- ", "> ", "1. ",
                     "# ", "| a | b |\n|---|---|\n", "|", "!", ":", "#", "=", "\u3000", "\u00a0", "\u2028", "é", "根治"]),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=4),
)
plain_documents = st.lists(_plain_piece, max_size=40).map("".join)

_STOCK = {ic: new_parser(ic, plain_inline=False) for ic in (True, False)}


def _tokens(md: Any, text: str) -> list[dict[str, Any]]:
    return [t.as_dict() for t in md.parse(text)]


def _assert_same_tokens(text: str) -> None:
    for indented_code in (True, False):
        assert _tokens(_parser(indented_code), text) == _tokens(_STOCK[indented_code], text), (indented_code, text)


def test_shortcut_is_installed() -> None:
    for indented_code in (True, False):
        rules = _parser(indented_code).core.ruler.__rules__
        assert any(r.name == "inline" and r.fn.__name__ == "_inline_rule" for r in rules)
        assert not any(r.name == "inline" and r.fn.__name__ == "_inline_rule" for r in _STOCK[indented_code].core.ruler.__rules__)


@pytest.mark.parametrize("text", [
    "a\n\tb", "a  \n  \t b c ", "x |y\n|-|-|\n|a  | b\t|", "# h  \t", "a \t\nb", "a\t \nb", "  \n", "a   \nb",
    "- a\n\t\tb", "> a\n>\t\tb", "- a\n      b", "a\n\u3000b", "1. x\n\t b\t\n\tc", "a \n \nb", "a\r\n  b  \r\nc",
    "Buy now! Cure: 100% #1 = best", "a\n\n    code\n\nb", "a\\\nb", "a *b* c", "line  \nnext\\\nlast",
])
def test_inline_shortcut_same_tokens_examples(text: str) -> None:
    _assert_same_tokens(text)


@FAST
@given(plain_documents)
def test_inline_shortcut_same_tokens_plain(text: str) -> None:
    _assert_same_tokens(text)


@FAST
@given(documents)
def test_inline_shortcut_same_tokens_any(text: str) -> None:
    _assert_same_tokens(text)


def test_plain_inline_breaks() -> None:
    got = [(t.type, t.content) for t in _plain_inline("a  \nb \n\t c\td\t\ne")]
    assert got == [("text", "a"), ("hardbreak", ""), ("text", "b"), ("softbreak", ""), ("text", "c\td\t"),
                   ("softbreak", ""), ("text", "e")]
