"""Shortcuts in Markdown parsing give exactly what the plain way gives.

Each optimised piece is compared with a straightforward reference: the
markdown-it parser with its stock inline rule, and simple re-implementations
kept here of the functions sped up in ``textmap`` and ``sources.markdown``.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from typing import Any

import pytest
import yaml
from fuzzkit import documents
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it.token import Token

from compliance_lint.positions import LineIndex
from compliance_lint.sources.markdown import _SIMPLE_YAML, _compose, _inline, _parser, _plain_inline, _plain_text, new_parser
from compliance_lint.textmap import (
    HOMOGLYPHS,
    INVISIBLE,
    Block,
    BlockBuilder,
    _needs_nfkc,
    align,
    clamp_offsets,
    normalise,
    split_long_blocks,
    verbatim_block,
)

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Plain prose with the whitespace the inline shortcut must treat like markdown-it.
_plain_piece = st.one_of(
    st.sampled_from(["a", "cure", " ", "  ", "   ", "\t", " \t", "\t ", "\n", "\n\n", "\r\n", "\r", "- ", "> ", "1. ",
                     "# ", "| a | b |\n|---|---|\n", "|", "!", ":", "#", "=", "\u3000", "\u00a0", "\u2028", "é", "根治"]),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=4),
)
plain_documents = st.lists(_plain_piece, max_size=40).map("".join)

_STOCK = {ic: new_parser(ic, shortcuts=False) for ic in (True, False)}
_FULL = {ic: new_parser(ic) for ic in (True, False)}  # the shortcuts, every inline token's children made


def _tokens(md: Any, text: str) -> list[dict[str, Any]]:
    return [t.as_dict() for t in md.parse(text)]


def _expanded(tokens: list[Token]) -> list[Token]:
    """Lazy tokens with the children left unmade filled in as markdown-it makes them."""
    from compliance_lint.sources.markdown import _Pieces, _pieces_tokens

    for tok in tokens:
        if tok.type == "inline" and tok.children is None:
            tok.children = _plain_inline(tok.content)
        elif tok.type == "inline" and type(tok.children) is _Pieces:
            tok.children = _pieces_tokens(tok.children)
    return tokens


def _assert_same_tokens(text: str) -> None:
    for indented_code in (True, False):
        stock = _tokens(_STOCK[indented_code], text)
        assert _tokens(_FULL[indented_code], text) == stock, (indented_code, text)
        assert [t.as_dict() for t in _expanded(_parser(indented_code).parse(text))] == stock, (indented_code, text)


def test_shortcut_is_installed() -> None:
    for indented_code in (True, False):
        assert len(_parser(indented_code).block.ruler.getRules("paragraph")) == 1
        assert len(_STOCK[indented_code].block.ruler.getRules("paragraph")) > 1
        rules = {r.name: r.fn.__name__ for r in _parser(indented_code).core.ruler.__rules__ if r.enabled}
        assert rules == {"normalize": "_normalize_rule", "block": "block", "inline": "_lazy_inline_rule", "text_join": "_lazy_text_join"}
        rules = {r.name: r.fn.__name__ for r in _FULL[indented_code].core.ruler.__rules__}
        assert rules["inline"] == "_inline_rule"
        assert not any(r.fn.__name__.startswith("_") for r in _STOCK[indented_code].core.ruler.__rules__)
    tokens = _parser().parse("plain *markup*\n\nplain\nlines")
    assert [t.children is None for t in tokens if t.type == "inline"] == [False, True]


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


# Text whose only inline markup is backticks: code spans, unmatched runs, breaks.
tick_documents = st.lists(st.sampled_from(["`", "``", "```", "a", "cure", " ", "  ", "\t", "\n", "  \n", " \n", "\n  ", "- ", "# ",
                                           "|", "é", "\u3000"]), max_size=30).map("".join)


@FAST
@given(tick_documents)
@example("a `b` c\n``d ` e``  \nf ` g")
@example("`  `\n` a `\n`\nb\n`")
def test_code_span_shortcut_same_tokens(text: str) -> None:
    _assert_same_tokens(text)
    inline = [t for t in _parser().parse(text) if t.type == "inline"]
    assert all(t.children is not None for t in inline if "`" in t.content)


# Lines that start (or almost start) every kind of block, nested and indented.
_block_line = st.tuples(
    st.sampled_from(["", "", " ", "  ", "   ", "    ", "\t", "> ", ">", "> > ", "- ", "  - ", "1. ", "2) ", "* ", "+ "]),
    st.sampled_from(["", "#", "# ", "###### ", "####### ", "```", "~~~", "``` js", "~~~~", "---", "***", "___", "- - -", "* * *",
                     "-", "+", "1.", "10)", "1234567890. ", "[a]: /u", "[a]: /u 'title'", "[a]", "<div>", "<!-- c -->", "</p>",
                     "<x-y>", "<?x?>", "<!X>", "<![CDATA[", "| a | b |", "|---|---|", "--- | ---", ":-- | --:", "a | b", ":-:", "===", "==", "a", "cure [a]",
                     "text *em*", "`code`", "\\", "&amp;", "<b>", "\u3000", "é", ""]),
    st.sampled_from(["", " ", "  ", "x", " cure", "|", " #", "\t"]),
).map("".join)
block_documents = st.lists(_block_line, max_size=25).map(lambda lines: "\n".join(lines))


@FAST
@given(block_documents)
@example("---\ntitle: a\n---\n# h\n\ntext\n- a\n> b\n    code\n[a]: /u\n<div>\n\n| a |\n|---|\n| b |")
@example("a\n---\nb\n===\n- x\n  1. y\n     ```\n     z\n~~~")
def test_block_dispatch_same_tokens(text: str) -> None:
    _assert_same_tokens(text)


_plain_source = st.lists(st.sampled_from(["a", "cure", " ", "  ", "\t", "\n", "\r\n", "\r", "- ", "> ", "é", "\u3000"]), max_size=30).map("".join)


@FAST
@given(_plain_source, st.data())
@example("a\nb", None)
@example("a  \n b\r\nc", None)
@example("a\n\tb", None)
@example("a \nb", None)
@example("a\n b\n\u3000c", None)
def test_plain_text_same_as_plain_inline_tokens(source: str, data: Any) -> None:
    """``_plain_text`` adds what ``_inline`` adds walking the tokens of ``_plain_inline``."""
    if data is None:
        start, end, content = 0, len(source), source.replace("\r\n", "\n").strip()
    else:
        start = data.draw(st.integers(0, len(source)))
        end = data.draw(st.integers(start, len(source)))
        content = data.draw(st.one_of(st.just(source[start:end]), st.just(source[start:end].replace("\r\n", "\n").strip()),
                                      st.text(st.sampled_from("a \t\n"), max_size=8)))
    _assert_plain_text_same(content, source, start, end)


@pytest.mark.parametrize("source,content", [
    ("- a\nb", "a\nb"), ("# a b", "a b"), ("> a\n> b", "a\nb"), ("1. a\n   b", "a\nb"), ("**a\nb", "a\nb"), ("a- a\nb", "a\nb"),
    ("- \ta\nb", "a\nb"), ("-\na\nb", "a\nb"), ("- a\n- b", "a\n- b"), ("- " + "x" * 500 + "a", "a"),
])
def test_plain_text_past_markup(source: str, content: str) -> None:
    _assert_plain_text_same(content, source, 0, len(source))


def _assert_plain_text_same(content: str, source: str, start: int, end: int) -> None:
    fast, plain = BlockBuilder(), BlockBuilder()
    for builder in (fast, plain):
        builder.add_char("x", 0)
    fast_pos = _plain_text(content, source, start, end, fast)
    plain_pos = _inline(_plain_inline(content), source, start, end, plain, [])
    assert (fast_pos, "".join(fast.chars), fast.offsets, fast.top) == (plain_pos, "".join(plain.chars), plain.offsets, plain.top)
    assert fast.chars[-1][-1:] == plain.chars[-1][-1:]  # what the next separator looks at


@FAST
@given(block_documents, st.sampled_from(["root", "list", "blockquote", "paragraph"]), st.integers(0, 4))
@example("a\n===", "root", 0)
@example("a\nb\n- c", "list", 0)
@example("    a\nb", "root", 0)
@example("a\n- b\n--\t \nc", "list", 0)
@example("a\n== \t", "root", 0)
@example("a\n= =", "root", 0)
@example("a\n-=", "root", 0)
@example("a\n  ---\u3000", "root", 2)
def test_lheading_gate_same_as_lheading(text: str, parent: str, indent: int) -> None:
    """The gated setext heading rule returns and leaves what markdown-it's does, at every line."""
    from markdown_it import rules_block
    from markdown_it.rules_block import StateBlock

    from compliance_lint.sources.markdown import _lheading

    for indented_code in (True, False):
        md = _STOCK[indented_code]
        for line in range(text.count("\n") + 1):
            seen = []
            for rule in (_lheading, rules_block.lheading):
                state = StateBlock(text, md, {}, [])
                state.parentType, state.blkIndent = parent, indent
                if line >= state.lineMax:
                    continue
                ok = rule(state, line, state.lineMax, False)
                seen.append((ok, state.line, state.parentType, [t.as_dict() for t in state.tokens]))
            assert len(set(map(repr, seen))) <= 1, (text, line, seen)


def test_plain_inline_breaks() -> None:
    got = [(t.type, t.content) for t in _plain_inline("a  \nb \n\t c\td\t\ne")]
    assert got == [("text", "a"), ("hardbreak", ""), ("text", "b"), ("softbreak", ""), ("text", "c\td\t"),
                   ("softbreak", ""), ("text", "e")]


# -- front matter: libyaml on simple YAML gives what the pure-Python loader gives --

def _yaml_tree(node: Any) -> Any:
    """A composed node as plain data; plain-scalar style ('' or None) and block
    flow_style (False or None) are spelled differently by the two loaders and
    used by neither constructor."""
    if node is None:
        return None
    base = (type(node).__name__, node.tag, node.start_mark.index, node.end_mark.index, node.start_mark.line,
            node.start_mark.column, getattr(node, "style", None) or None, getattr(node, "flow_style", None) or None,
            getattr(node, "anchor", None))
    if isinstance(node, yaml.ScalarNode):
        return (*base, node.value)
    if isinstance(node, yaml.SequenceNode):
        return (*base, tuple(_yaml_tree(x) for x in node.value))
    return (*base, tuple((_yaml_tree(k), _yaml_tree(v)) for k, v in node.value))


def _composed(raw: str, compose: Any) -> Any:
    try:
        return ("ok", _yaml_tree(compose(raw)))
    except yaml.YAMLError:
        return ("error",)


_yaml_words = st.sampled_from([
    "a", "b c", "2026-09-18", "yes", "no", "on", "null", "~", "1", "0x1F", "1_000", "3.5", ".5", "1e3", "-1", "ñ",
    "胰岛素", "a,b", "a , b", "Sam Ortiz", "a-b", "a/b", "1.0.0", "NaN", ".inf", "x y  z", "a?b", "<<", "=", "€5",
    "😀 x", "", " ", "a: b", "#x", "[a]", "x'y", '"q"', "a\\nb", "&x", "*x", "!t", "|", ">", "a\tb",
])
_yaml_values = st.one_of(
    _yaml_words,
    _yaml_words.map(lambda w: f'"{w}"'),
    _yaml_words.map(lambda w: f"'{w}'"),
    st.lists(st.sampled_from(["a", "b c", "1", "x-y", "yes", "", "a b "]), max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
    st.text(st.sampled_from("a ,1é-._胰?=#:'\"[]{}\t"), min_size=1, max_size=8),
)
_yaml_lines = st.one_of(
    st.tuples(st.sampled_from(["", "", " ", "  ", "    ", "\t"]), st.sampled_from(["title", "tags", "a", "on", "y", "x_1", "k-2"]),
              st.one_of(st.just(""), _yaml_values.map(lambda v: " " + v)), st.sampled_from(["", " ", " # c", "\t", " \t"])).map("".join)
    .map(lambda s: s.replace("title", "title:", 1) if "title" in s else s + ":" if ":" not in s else s),
    st.tuples(st.sampled_from(["", "  ", "   "]), _yaml_values).map(lambda t: f"{t[0]}- {t[1]}"),
    st.sampled_from(["", "  ", "# comment", "---", "...", "a: &x 1", "b: *x"]),
)
yaml_documents = st.lists(_yaml_lines, max_size=10).map(lambda lines: "".join(line + "\n" for line in lines))


@pytest.mark.skipif(getattr(yaml, "CSafeLoader", None) is None, reason="PyYAML without libyaml")
@FAST
@given(yaml_documents)
@example("a: b\t\n")  # libyaml takes tabs the pure-Python loader refuses
@example("a:\tb\n")
@example("a: [a\t, b]\n")
@example("title: x\ntags:\n- a\n- b c\n\n")
def test_front_matter_compose_same_nodes(raw: str) -> None:
    assert _composed(raw, _compose) == _composed(raw, lambda r: yaml.compose(r, Loader=yaml.SafeLoader)), raw


@pytest.mark.skipif(getattr(yaml, "CSafeLoader", None) is None, reason="PyYAML without libyaml")
def test_front_matter_gate() -> None:
    simple = 'title: "胰岛素抵抗是什么？"\ndescription: A cure, maybe\ndate: 2026-09-18\ntags: [a, b c]\ncontext:\n  markets:\n    - tga\n'
    assert _SIMPLE_YAML.match(simple)
    for raw in ["a: &x 1\nb: *x\n", 'a: "\\u0063ure"\n', "a: b # c\n", "a: |\n  x\n", "a:\tb\n", "a: b\r\n", "a: !!str 1\n",
                "a: 'it''s'\n", 'a: "x\n  y"\n', "a: b: c\n", "a: b", "%YAML 1.1\n---\na: 1\n", "? a\n: b\n"]:
        assert not _SIMPLE_YAML.match(raw), raw
    assert _composed(simple, _compose) == _composed(simple, lambda r: yaml.compose(r, Loader=yaml.SafeLoader))


_flat_lines = st.one_of(
    st.tuples(st.sampled_from(["title", "tags", "a", "on", "Yes", "null", "x_1", "k-2", "title"]),
              st.one_of(st.just(""), _yaml_values.map(lambda v: " " + v)), st.sampled_from(["", " ", "  "])).map(lambda t: f"{t[0]}:{t[1]}{t[2]}"),
    st.sampled_from(["", " ", "  - a", "a", "title:x", " title: x", "-", "[a, b]: c"]),
)
flat_documents = st.lists(_flat_lines, max_size=8).map(lambda lines: "".join(line + "\n" for line in lines))


def _front_matter_reference(raw: str) -> Any:
    """Data and scalar fields of front matter with the pure-Python loader, nodes composed."""
    from compliance_lint.sources.markdown import _plain_data

    try:
        node = yaml.compose(raw, Loader=yaml.SafeLoader)
        data = _plain_data(node)
    except yaml.YAMLError:
        return ("error",)
    if not isinstance(node, yaml.MappingNode):
        return (repr(data), None)
    return (repr(data), [(k.value, str(v.value), v.start_mark.index, v.end_mark.index)
                         for k, v in node.value if isinstance(v, yaml.ScalarNode)])


@FAST
@given(flat_documents | yaml_documents)
@example("title: x\ndate: 2026-09-18\non: yes\ntags: [a, b c , 1.5]\nempty:\nq: 'a # b'\nr: \"it: s\"\n\ntitle: again\n")
@example("a: []\nb: [ ]\nc: 0x1F\nd: 1_000\ne: ~\nf: Null\ng: 1e3\nh: .5\n")
@example("\n  \n")
def test_flat_front_matter_same_as_composed(raw: str) -> None:
    from compliance_lint.sources.markdown import _flat_front_matter

    flat = _flat_front_matter(raw)
    if flat is not None:
        assert (repr(flat[0]), flat[1]) == _front_matter_reference(raw), raw


def test_flat_front_matter_taken() -> None:
    from compliance_lint.sources.markdown import _flat_front_matter

    for raw in ["title: x\n", "title: \"a: b\"\ntags: [a, b]\n\ndate: 2026-09-18\n", "a:\n"]:
        assert _flat_front_matter(raw) is not None, raw
    for raw in ["", "\n", "a:\n  b: c\n", "- a\n", "a: b # c\n", "a: |\n  x\n", "a: &x 1\n", "a: b", "a:\tb\n", "a: b\r\n"]:
        assert _flat_front_matter(raw) is None, raw


# -- text mapping: shortcuts against the plain walk --

_source_text = st.text(st.sampled_from("ab c\\&;#\n\r\t*_`é根\u200b"), max_size=60)


@FAST
@given(_source_text, st.integers(0, 70), st.integers(0, 70), st.text(st.sampled_from("ab c&;#\n\té根"), max_size=20))
def test_add_aligned_is_align_then_add_mapped(source: str, start: int, end: int, target: str) -> None:
    start, end = min(start, len(source)), min(max(start, end), len(source))
    fast, plain = BlockBuilder(), BlockBuilder()
    fast.add_char("x", 0)
    plain.add_char("x", 0)
    pos = fast.add_aligned(source, start, end, target)
    offsets, plain_pos = align(source, start, end, target)
    plain.add_mapped(target, offsets)
    assert (pos, fast.chars, fast.offsets) == (plain_pos, plain.chars, plain.offsets)


@FAST
@given(st.text(st.one_of(st.sampled_from("ab c.\t\u00a0\u200b\u0441根 @"), st.characters(blacklist_categories=("Cs",))), max_size=30)
       | st.sampled_from(["see https://x.y", "a@b.co", "   ", "", "cure"]),
       st.sampled_from([0, 7, (1 << 18) - 5, 1 << 18]))
def test_verbatim_block_same_as_builder(text: str, start: int) -> None:
    builder = BlockBuilder()
    builder.add_source(text, start)
    plain = builder.build("heading", "h")
    fast = verbatim_block(text, start, "heading", "h")
    assert (fast is None) == (plain is None)
    if fast is not None and plain is not None:
        assert fast == plain and type(fast.offsets) is type(plain.offsets) and fast._top == plain._top  # type: ignore[attr-defined]


@pytest.mark.parametrize("start,stop", [(0, 0), (0, 5), (3, 9), (4095, 4100), (100, 70_000), ((1 << 18) - 3, (1 << 18) + 4),
                                        (1 << 19, (1 << 19) + 10)])
def test_counting_offsets(start: int, stop: int) -> None:
    builder = BlockBuilder()
    builder.add_source("x" * (stop - start), start)
    assert builder.offsets == array("q", range(start, stop))
    assert builder.add_aligned("y" * start + "x" * (stop - start), start, stop, "x" * (stop - start)) == stop
    assert builder.offsets == array("q", [*range(start, stop), *range(start, stop)])


def _line_starts_reference(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer(r"\r\n?|\n", text))]


@FAST
@given(st.text(st.sampled_from("ab\n\r\u2028\x85 "), max_size=40))
def test_line_index_starts(text: str) -> None:
    assert LineIndex(text).starts == _line_starts_reference(text)


def test_line_index_long_text() -> None:
    text = "ab\n" * 2_000_000  # past the split bound: the regex pass
    assert LineIndex(text).starts[:3] == [0, 3, 6] and LineIndex(text).line_count() == 2_000_001


def _clamp_reference(blocks: list[Block], length: int) -> None:
    """clamp_offsets as it was, looking at every block."""
    last = max(length - 1, 0)
    for block in blocks:
        n = len(block.text)
        if n and max(block.offsets[max(0, n - 256):n]) > last:
            fixed = array("q", (min(o, last) for o in block.offsets[:n]))
            fixed.append(min(block.offsets[n], length) if len(block.offsets) > n else length)
            block.offsets = fixed


@FAST
@given(documents, st.sampled_from(["markdown", "mdx", "html", "text"]))
@example("| a | b |\n|---|---|\n| cure |", "markdown")
@example("![alt cure](x.png)", "markdown")  # the separator after the image stands at the end of the file
@example("x\n\n![alt cure](x.png)", "mdx")
def test_clamp_offsets_same_as_reference(text: str, fmt: str) -> None:
    from compliance_lint.sources.html import parse_html
    from compliance_lint.sources.markdown import parse_markdown
    from compliance_lint.sources.text import parse_text

    parse = {"markdown": parse_markdown, "mdx": lambda t: parse_markdown(t, mdx=True), "html": parse_html, "text": parse_text}[fmt]
    blocks = split_long_blocks(parse(text).blocks)
    copies = [Block(b.text, array("q", b.offsets), b.kind, b.heading, b.lang, b.suppress_key) for b in blocks]
    clamp_offsets(blocks, len(text))
    _clamp_reference(copies, len(text))
    assert [b.offsets for b in blocks] == [b.offsets for b in copies]
    if fmt != "html" and text in ("![alt cure](x.png)", "x\n\n![alt cure](x.png)"):
        assert copies[-1].offsets[len(copies[-1].text) - 1] == len(text) - 1  # clamped from len(text)


@FAST
@given(st.lists(st.one_of(
    st.tuples(st.just("source"), st.text(max_size=5), st.integers(0, 50)),
    st.tuples(st.just("char"), st.just(" "), st.integers(0, 50)),
    st.tuples(st.just("mapped"), st.text("ab", max_size=4), st.integers(0, 50)),
    st.tuples(st.just("aligned"), st.text("ab&;", max_size=4), st.integers(0, 50)),
)))
def test_builder_top_is_the_largest_offset(ops: list[tuple[str, str, int]]) -> None:
    builder = BlockBuilder()
    source = "ab&amp;ba" * 8
    for op, text, at in ops:
        if op == "source":
            builder.add_source(text, at)
        elif op == "char":
            builder.add_char(text, at)
        elif op == "mapped":
            builder.add_mapped(text, [at + k for k in range(len(text))])
        else:
            builder.add_aligned(source, at, len(source), text)
    assert builder.top == max(builder.offsets, default=-1)
    block = builder.build()
    if block is not None:
        assert max(block.offsets[:len(block.text)]) <= block._top  # type: ignore[attr-defined]


def _normalise_reference(text: str, offsets: array) -> tuple[str, array]:
    """textmap.normalise, one character at a time."""
    out: list[str] = []
    out_offsets = array("q")
    for i, ch in enumerate(text):
        off = offsets[i]
        if ch in INVISIBLE:
            continue
        if ch in ("\t", "\n", "\r", "\u00a0", "\u3000", "\u2028", "\u2029"):
            rep = " "
        elif ord(ch) < 128 or "\u4e00" <= ch <= "\u9fff":
            rep = ch
        else:
            rep = HOMOGLYPHS.get(ch)
            if rep is None:
                rep = unicodedata.normalize("NFKC", ch) if _needs_nfkc(ch) else ch
        out.append(rep)
        out_offsets.extend([off] * len(rep))
    end = (offsets[-1] + 1) if len(offsets) else 0
    if len(offsets) > len(text):
        end = offsets[len(text)]
    out_offsets.append(end)
    return "".join(out), out_offsets


@FAST
@given(st.text(st.one_of(st.sampled_from("ab c.\t\n\u00a0\u200b\u0441ｃﬁ根。\u2013\ufe0f\x00"), st.characters(blacklist_categories=("Cs",)))),
       st.integers(0, 3), st.integers(0, 100))
def test_normalise_same_as_reference(text: str, extra: int, base: int) -> None:
    offsets = array("q", range(base, base + len(text) + extra))
    assert normalise(text, offsets) == _normalise_reference(text, offsets)


_markup_source = st.lists(st.sampled_from(["a", "b", " ", "cure", "*", "**", "- ", "# ", "\\", "\\*", "&amp;", "&#97;", "&", ";", "\n",
                                           "\r\n", "\t", "[", "](u)", "`", "é"]), max_size=30).map("".join)


@FAST
@given(_markup_source, st.data())
def test_add_aligned_past_markup(source: str, data: Any) -> None:
    start = data.draw(st.integers(0, len(source)))
    end = data.draw(st.integers(start, len(source)))
    i = data.draw(st.integers(start, end))
    j = data.draw(st.integers(i, end))
    target = data.draw(st.one_of(st.just(source[i:j]), st.just(source[i:j].replace("&amp;", "&")), st.text("ab *&", max_size=4)))
    _assert_add_aligned_same(source, start, end, target)


@pytest.mark.parametrize("source,target", [
    ("- a b", "a b"), ("**&amp;a** a", "&a"), ("*\\a*a", "a"), ("&#97;a", "a"), ("&#97;a", "aa"), ("\n a", " a"), ("x\r\n a", " a"),
    ("\t a", " a"), ("# cure", "cure"), ("*c*cure", "cure"), ("[" + "*" * 500 + "cure", "cure"),
])
def test_add_aligned_past_markup_examples(source: str, target: str) -> None:
    _assert_add_aligned_same(source, 0, len(source), target)


def _assert_add_aligned_same(source: str, start: int, end: int, target: str) -> None:
    fast, plain = BlockBuilder(), BlockBuilder()
    pos = fast.add_aligned(source, start, end, target)
    offsets, plain_pos = align(source, start, end, target)
    plain.add_mapped(target, offsets)
    assert (pos, fast.chars, fast.offsets, fast.top) == (plain_pos, plain.chars, plain.offsets, plain.top)


# -- MDX blanking: stepping to the next active character, blanking by slices --

def _blank_reference(self: Any, start: int, end: int) -> None:
    out = self.out
    for k in range(start, min(end, self.n)):
        if out[k] not in "\r\n":
            out[k] = " "


class _Everything:
    def __contains__(self, item: object) -> bool:
        return True


_mdx_piece = st.sampled_from(["a", " ", "cure", "\n", "\r\n", "\r", "{", "}", "{x}", "{/* compliance-lint disable */}", "<Note>", "</Note>",
                              "<Chart data={[1, 2]} />", "<>", "</>", "<b>", "`", "```\n", "~~~\n", "import x from 'y'\n",
                              "export const a = 1\n", "\\", "\\{", "'", '"', "//", "/*", "*/", "${", "<A b='x\ny'>", "{`t${1}`}"])
mdx_documents = st.lists(st.one_of(_mdx_piece, st.text(max_size=3)), max_size=40).map("".join)


@FAST
@given(mdx_documents)
@example("a {b} <C d={e}>f</C>\n\n```\n{x}\n```\nimport y from 'z'\n\ng \\{h} `{i}` <j>")
@example("{a\r\nb} <C\r\nd='x'/>\r\nimport a\r\nb\r\n\r\nc")
def test_blank_mdx_same_as_step_by_step(text: str) -> None:
    from compliance_lint.sources import mdx

    fast = mdx.blank_mdx(text)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(mdx, "_ACTIVE", _Everything())  # every character looked at: one step at a time
        mp.setattr(mdx._Scanner, "blank", _blank_reference)
        plain = mdx.blank_mdx(text)
    assert fast == plain


# -- end to end: the Markdown source with the shortcut parser and with markdown-it as shipped --

def _doc_data(doc: Any) -> Any:
    return (doc.text, [(b.text, b.offsets.tolist(), b.kind, b.heading, b.lang, b.suppress_key) for b in doc.blocks],
            repr(doc.front_matter), [(d.action, d.targets, d.offset, d.end, d.reason) for d in doc.directives])


@FAST
@given(st.one_of(documents, block_documents, mdx_documents), st.sampled_from(["x.md", "x.mdx"]))
@example("---\ntitle: A cure\ntags: [a, b]\n---\n# Cure\n\n- **miracle** cure\n- [x](y) &amp; `z`\n\n| a | b |\n|---|---|\n| cure | |\n", "x.md")
@example("a   \nb  \nc \n- d\t \n  e", "x.md")
def test_load_document_same_with_stock_markdown_it(text: str, name: str) -> None:
    from compliance_lint.errors import SourceError
    from compliance_lint.sources import load_document
    from compliance_lint.sources import markdown as md_source

    def load() -> Any:
        try:
            return _doc_data(load_document(name, text.encode("utf-8")))
        except SourceError as exc:
            return ("error", str(exc))

    fast = load()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(md_source, "_MD", dict(_STOCK))
        plain = load()
    assert fast == plain
