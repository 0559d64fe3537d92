"""The inline rule dispatch, the table row split and the link normalisation
shortcut give exactly the tokens markdown-it's stock parser gives.

Each shortcut is compared with markdown-it's own function on random input
(hypothesis) and examples, and whole documents rich in inline markup and
tables are parsed both ways.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import rules_block, rules_inline
from markdown_it.common.normalize_url import normalizeLink

from compliance_lint.sources.markdown import (
    _ESCAPED_SPLIT,
    _PLAIN_LINK,
    _escaped_split,
    _normalize_link,
    _parser,
    _Pieces,
    _pieces_tokens,
    _plain_inline,
    _table,
    new_parser,
)

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_STOCK = {ic: new_parser(ic, shortcuts=False) for ic in (True, False)}
_FULL = {ic: new_parser(ic) for ic in (True, False)}


def _assert_same_tokens(text: str) -> None:
    for indented_code in (True, False):
        stock = [t.as_dict() for t in _STOCK[indented_code].parse(text)]
        assert [t.as_dict() for t in _FULL[indented_code].parse(text)] == stock, (indented_code, text)
        lazy = _parser(indented_code).parse(text)
        for tok in lazy:
            if tok.type == "inline" and tok.children is None:
                tok.children = _plain_inline(tok.content)
            elif tok.type == "inline" and type(tok.children) is _Pieces:
                tok.children = _pieces_tokens(tok.children)
        assert [t.as_dict() for t in lazy] == stock, (indented_code, text)


def test_dispatch_installed() -> None:
    for indented_code in (True, False):
        md = _parser(indented_code)
        (chain,) = md.inline.ruler.getRules("")
        assert chain.__name__ == "chain"
        assert md.normalizeLink is _normalize_link
        assert any(r.fn is _table and r.alt == ["paragraph", "reference"] for r in md.block.ruler.__rules__)
        stock = _STOCK[indented_code]
        assert len(stock.inline.ruler.getRules("")) > 1
        assert any(r.fn is rules_block.table for r in stock.block.ruler.__rules__)
        assert "normalizeLink" not in vars(stock)


# Inline markup of every kind, and the terminator characters that start none.
_inline_piece = st.one_of(
    st.sampled_from([
        "a", "cure", " ", "  ", "\n", "  \n", "\t", "*", "**", "***", "_", "__", "~", "~~", "`", "``", "[", "]", "(", ")", "![",
        "[a](b)", "[a](https://example.com/guide)", "[see our\nguide](/x/y.html \"t\")", "![alt *x*](i.png)", "[a][b]", "[b]",
        "<https://x.y>", "<a@b.c>", "<b>", "</b>", "<!-- c -->", "<span title='`'>", "&amp;", "&#35;", "&#x41;", "&bogus;",
        "\\", "\\*", "\\[", "\\\n", "-", ":", "!", "#", "$", "%", "+", "=", ">", "@", "^", "{", "}", "|", "é", "\u3000",
        "[a](javascript:x)", "[a](<b c>)", "[a]( b )", "[a](b 'c')", "[\n]", "[a](b(c))", "[a](\\))", "**a**", "*a*", "_a_",
        "~~a~~", "`a`", "[**a**](b)", "**[a](b)**",
    ]),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=3),
)
inline_documents = st.lists(_inline_piece, max_size=40).map("".join)
# With reference definitions, so reference links resolve (or not).
ref_documents = st.tuples(st.sampled_from(["", "[b]: /u\n\n", "[a]: /u 't'\n[b]: <v>\n\n", "[A]: javascript:x\n\n"]),
                          inline_documents).map("".join)


@FAST
@given(ref_documents)
@example("Use `--dry-run` to see [our\nguide](https://example.com/guide) and **all** of it: BPC-157 = 1+1 #1 @me ^{}")
@example("[a](b)\n\n[b]: /u\n\n[b] ![b] [x][b] [b][]")
@example("a [b **c](d) e** f")
@example("*a [b*](c) d*")
@example("a <b>[c](d)</b>")
def test_inline_dispatch_same_tokens(text: str) -> None:
    _assert_same_tokens(text)


# Tables: header, delimiter row, body rows with escaped and empty cells; lists
# and paragraphs around them (the table rule ends a paragraph).
_table_line = st.one_of(
    st.sampled_from(["| a | b |", "a | b", "|---|---|", "--- | ---", ":-- | --:", "| :-: |", "|-|", "| a \\| b | c |",
                     "| a \\\\| b |", "|", "||", "| a |", "a", "- a", "> | a |", "    | a |", "", "| `a|b` | c |",
                     "| a | b | c | d |", "\\|", "| é | 根治 |"]),
    st.lists(st.sampled_from(["|", "\\", "a", " ", "-", ":", "\t", "`"]), max_size=12).map("".join),
)
table_documents = st.lists(_table_line, max_size=12).map("\n".join)


@FAST
@given(table_documents)
@example("a\n| a | b |\n|---|---|\n")
@example("| a \\| b | c |\n|---|---|\n| x \\\\| y | z |\n| \\| |")
def test_table_rule_same_tokens(text: str) -> None:
    _assert_same_tokens(text)


@FAST
@given(st.text(st.sampled_from("|\\a -:`"), max_size=30))
@example("a\\|b|c")
@example("\\\\|")
@example("|\\")
def test_escaped_split_same(row: str) -> None:
    assert _escaped_split(row) == _ESCAPED_SPLIT(row)


def test_table_rule_is_markdown_its_code() -> None:
    assert _table.__code__ is rules_block.table.__code__
    assert _ESCAPED_SPLIT is rules_block.table.__globals__["escapedSplit"]


_urls = st.one_of(
    st.from_regex(_PLAIN_LINK, fullmatch=True),
    st.text(st.sampled_from("ahtps:/.-_#?%ABé1 \tj"), max_size=30),
    st.sampled_from(["https://example.com/guide", "http://EXAMPLE.com/", "https://xn--a.b/", "javascript:alert(1)", "/a//b",
                     "//host/x", "https://" + "a" * 64 + ".com/", "https://" + "a." * 130 + "b/", "https://a..b/", "a b",
                     "https://a.b:80/", "https://-a.b/", "https://a.b/c.", "https://a.b/c/", "#x", ""]),
)


@FAST
@given(_urls)
def test_normalize_link_same(url: str) -> None:
    assert _normalize_link(url) == normalizeLink(url)


@pytest.mark.parametrize("url", ["https://example.com/guide", "/x/y.html", "https://a-b.c.d/e_f/g-h/", "/"])
def test_normalize_link_shortcut_taken(url: str, monkeypatch: Any) -> None:
    import compliance_lint.sources.markdown as md_module

    monkeypatch.setattr(md_module, "normalizeLink", None)  # would raise if called
    assert _normalize_link(url) == url


@pytest.mark.parametrize("ch", [chr(c) for c in range(128)] + ["é", "\u3000"])
def test_inline_gates_hold_for_every_ascii_character(ch: str) -> None:
    """Every gated rule returns False, leaving the state as it was, at a character not in its gate."""
    from compliance_lint.sources.markdown import _INLINE_GATES

    md = _STOCK[True]
    for fn, chars in _INLINE_GATES.items():
        if ch in chars:
            continue
        for silent in (True, False):
            for after in ("", "a", "[b](c)", "*x*", "`"):
                state = rules_inline.StateInline(ch + after, md, {}, [])
                before = (state.pos, state.pending, len(state.tokens), len(state.delimiters))
                assert fn(state, silent) is False, (fn, ch, after)
                assert (state.pos, state.pending, len(state.tokens), len(state.delimiters)) == before


# Inline text near the shortcut's grammar (code spans, **strong** words, [links](dest)),
# with the near misses it must leave to the parser: other flanking, runs of one or
# three stars, titles, spaces, brackets, images, references, breaks inside spans.
_simple_piece = st.one_of(
    st.sampled_from([
        "a", "cure", "B2", " ", "  ", "\n", "  \n", " \n", "\n  ", "\t", ".", ",", ";", ":", "?", "!", ")", "(", "'", "-", "é", "—",
        "**a**", "**cure now**", "**B2**", "**a.**", "**.a**", "** a**", "**a **", "**a\nb**", "**a*b**", "***a***", "*a*", "**",
        "*", "**a**b", "a**b**", "**a**\u00a0", "\u00a0**a**", "\t**a**", "**a**\t", "**[a](b)**", "**a_b**", "**é**",
        "[a](b)", "[see our\nguide](https://example.com/guide)", "[a](/x/y.html)", "[](b)", "[ ](b)", "[a  \n](b)", "[a\n  b](c)",
        "[a](b 't')", "[a]( b)", "[a](b )", "[a](<b>)", "[a](b(c))", "[a](javascript:x)", "[A](DATA:x)", "[a](b\u00a0c)",
        "[a][b]", "[b]", "[a]", "[[a](b)]", "[a](b)(c)", "![a](b)", "!", "[a`b`](c)", "[a](b`c)", "[*a*](b)", "[a](é)",
        "]", "[", "`", "``", "`a`", "`` a ` b ``", "` `", "`[a](b)`", "`**a**`", "`a\nb`",
    ]),
    st.text(st.sampled_from("a *[]()`!\n"), max_size=4),
)
# Mostly what the shortcut takes, so that its own paths are well exercised.
_taken_piece = st.sampled_from([
    "a", "cure", "B2", " ", " ", "  ", "\n", "  \n", " \n", "\n  ", ".", ",", ")", "é", "—", "!", "(", "-", "]",
    " **a** ", " **cure now** ", "\n**B2**.", " **a1**)", " **x y z**,", " **a**\n",
    "[a](b)", "[see our\nguide](https://example.com/guide)", "[](b)", "[ ](b)", "[a  \n](b)", "[a\n  b](c)", "[a](é)", "[a](b)(c)",
    "`", "``", "`a`", "`` a ` b ``", "` `", "`[a](b)`", "`**a**`", "`a\nb`", " `x` ",
])
taken_documents = st.lists(_taken_piece, max_size=30).map("".join)
simple_documents = st.tuples(st.sampled_from(["", "[b]: /u\n\n", "[a]: /v\n\n"]),
                             st.lists(_simple_piece, max_size=30).map("".join)).map("".join)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(simple_documents | taken_documents)
@example("We asked **all** of them. The [see our\nguide](https://example.com/guide) and `--dry-run` **B2**.")
@example("**a** **b**\n**c**, [d](e) `f` **g**)")
@example("`a [b](c) `d` **e**")
@example("[b]\n\n[b]: /u\n\n[b](javascript:x) **a**")
def test_simple_inline_same_tokens(text: str) -> None:
    _assert_same_tokens(text)


@pytest.mark.parametrize("content", [
    "We asked **all** of them.", "The [see our\nguide](https://example.com/guide) recipes", "Use `--dry-run` to **preview**.",
    "**a**", "[a](b)\n**c** `d`", "[](b)",
])
def test_simple_inline_taken(content: str) -> None:
    from compliance_lint.sources.markdown import _simple_inline

    assert _simple_inline(content, _parser()) is not None


@pytest.mark.parametrize("content", [
    "a**b**", "**a**b", "***a***", "*a*", "[a](b 't')", "[a][b]", "[a](javascript:x)", "**a\nb**", "[a`b`](c)", "x)**a**",
])
def test_simple_inline_declines(content: str) -> None:
    from compliance_lint.sources.markdown import _simple_inline

    assert _simple_inline(content, _parser()) is None


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(simple_documents | taken_documents)
@example("- We asked **all** of them.\n\n| [a](b) | **c** `d` |\n|---|---|\n| x\n\n# **h** [i](j)")
@example("**a**\n**b** `c`  \n[d\ne](f) **g**")
def test_walked_pieces_same_blocks_as_tokens(text: str) -> None:
    """parse_markdown walking the pieces gives the blocks it gives walking their tokens with ``_inline``."""
    import compliance_lint.sources.markdown as md_module

    def as_tokens(children: Any, *args: Any) -> int:
        return md_module._inline(_pieces_tokens(children), *args, [])

    for source in (text, "- " + text, "# " + text, "| " + text.replace("\n", " ") + " |\n|---|\n| a " + text[:9] + " |"):
        walked = md_module.parse_markdown(source)
        original = md_module._walk_pieces
        md_module._walk_pieces = as_tokens
        try:
            via_tokens = md_module.parse_markdown(source)
        finally:
            md_module._walk_pieces = original
        assert [(b.text, list(b.offsets), b.kind, b.heading) for b in walked.blocks] == \
            [(b.text, list(b.offsets), b.kind, b.heading) for b in via_tokens.blocks], source
        assert walked.directives == via_tokens.directives


def test_pieces_used_for_simple_text() -> None:
    from compliance_lint.sources.markdown import _Pieces

    tokens = _parser().parse("We asked **all** of them, [see](https://example.com/guide) `x`.\n\nplain")
    inline = [t for t in tokens if t.type == "inline"]
    assert type(inline[0].children) is _Pieces and inline[1].children is None
