"""Markdown (CommonMark + tables + front matter) via markdown-it-py.

markdown-it gives line maps for block tokens only; inline text is re-located
in the original with ``textmap.align`` so positions survive emphasis, escapes,
entities, links and CRLF line endings. Code (fenced, indented, inline), link
targets, autolinks and HTML tags are never linted; HTML blocks go through the
HTML extractor so their text and comments (suppression directives) count.
"""

from __future__ import annotations

import re
from functools import lru_cache
from operator import attrgetter
from types import FunctionType
from typing import Any

import yaml
from markdown_it import MarkdownIt, rules_block, rules_inline
from markdown_it.common.normalize_url import normalizeLink
from markdown_it.ruler import Ruler
from markdown_it.rules_core import normalize
from markdown_it.rules_core.text_join import _join_text_tokens
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.front_matter import index as front_matter_index

from compliance_lint.positions import LineIndex
from compliance_lint.sources.base import Directive, SourceDocument, parse_directive
from compliance_lint.sources.html import extract_html
from compliance_lint.textmap import Block, BlockBuilder, _verbatim_after_markup, align, plain_blocks, verbatim_block

PROSE_FIELDS = ("title", "description", "summary", "excerpt", "subtitle")
# Deep nesting beyond markdown-it's limit silently drops text (an evasion route):
# raise the limit, and lint any line the parse did not cover as plain text.
MAX_NESTING = 200
# Leaf block tokens: every line of prose the parser kept lies in one of them.
_LEAVES = frozenset({"inline", "fence", "code_block", "html_block", "hr", "front_matter"})
# Container markers at the start of a line: blockquote ">", list bullets and numbers.
_CONTAINER = re.compile(r"[ \t]*(?:(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))[ \t]*)*")

_MD: dict[bool, MarkdownIt] = {}
# Token types parse_markdown looks at; it passes over any other.
_HANDLED = frozenset({"front_matter", "heading_open", "heading_close", "tr_open", "tr_close", "fence", "html_block", "inline"})


def _parser(indented_code: bool = True) -> MarkdownIt:
    """The parser ``parse_markdown`` uses: with the shortcuts, plain inline text left unparsed."""
    md = _MD.get(indented_code)
    if md is None:
        md = _MD[indented_code] = new_parser(indented_code, lazy=True)
    return md


def new_parser(indented_code: bool = True, shortcuts: bool = True, lazy: bool = False) -> MarkdownIt:
    """The markdown-it parser; ``shortcuts`` adds the shortcuts for plain inline text and block rules.

    With or without the shortcuts the tokens are the same (tests/test_parse_equivalence.py
    compares them, and the documents parsed with them). ``lazy`` (with ``shortcuts``)
    leaves the children of an inline token without inline markup unmade (``None``):
    ``parse_markdown`` maps its content straight to the source (``_plain_text``), and
    making the tokens that ``_plain_inline`` would make only to walk them was a
    good part of the parse.
    """
    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING})
    md.enable(["table", "strikethrough"])
    if not indented_code:
        md.disable("code")  # MDX: indented prose inside components is prose
    md.use(front_matter_plugin)
    if shortcuts and _shortcut_applies(md):
        md.core.ruler.at("normalize", _normalize_rule)
        if lazy:
            md.core.ruler.at("inline", _lazy_inline_rule)
            md.core.ruler.at("text_join", _lazy_text_join)
        else:
            md.core.ruler.at("inline", _inline_rule)
    if shortcuts:
        _replace_rule(md.block.ruler, "lheading", _lheading)
        _replace_rule(md.block.ruler, "table", _table)
        md.block.ruler.__class__ = _DispatchRuler
        md.block.ruler.dispatch = {}
        md.inline.ruler.__class__ = _InlineDispatchRuler
        md.inline.ruler.dispatch = {}
        md.inline.ruler.inline = md.inline
        md.normalizeLink = _normalize_link  # type: ignore[method-assign]
    return md


def _replace_rule(ruler: Ruler, name: str, fn: Any) -> None:  # type: ignore[type-arg]
    """Put ``fn`` in place of the rule ``name`` (if there is one), in the same chains."""
    for rule in ruler.__rules__:
        if rule.name == name:
            ruler.at(name, fn, {"alt": list(rule.alt)})  # at() would otherwise drop the chains


# Block rules that return False, doing nothing else, unless the first character
# of the line (after indentation) is one of these; the front matter rule looks
# at line 0 only.
_LINE_ZERO = "line 0"
_BLOCK_GATES: dict[Any, str] = {
    rules_block.fence: "~`",
    rules_block.blockquote: ">",
    rules_block.hr: "*-_",
    rules_block.list_block: "0123456789*-+",
    rules_block.reference: "[",
    rules_block.html_block: "<",
    rules_block.heading: "#",
}
# The table rule returns False, doing nothing else, unless the next line starts so.
_TABLE_SECOND = "|-:"
if hasattr(front_matter_index, "_front_matter_rule"):
    _BLOCK_GATES[front_matter_index._front_matter_rule] = _LINE_ZERO


class _DispatchRuler(Ruler):  # type: ignore[type-arg]
    """markdown-it's block ruler, whose chains try only the rules that can match.

    markdown-it tries every block rule, in order, at every block start and every
    paragraph line (to see whether it ends the paragraph); most return False on
    the line's first character (the table rule on the next line's). Each chain
    becomes one function that tries, in the same order, the rules left once
    those that cannot match these characters are skipped: the first rule to
    return True is the same one. The gates hold for markdown-it-py 4.x's rules;
    a rule replaced by a plugin (another function) is always tried.
    """

    dispatch: dict[str, tuple[list[Any], list[Any]]]

    def getRules(self, chainName: str = "") -> list[Any]:  # noqa: N802 - markdown-it's name
        rules = Ruler.getRules(self, chainName)
        cached = self.dispatch.get(chainName)
        if cached is None or cached[0] is not rules:
            cached = self.dispatch[chainName] = (rules, _dispatch_chain(rules))
        return cached[1]


def _dispatch_chain(rules: list[Any]) -> list[Any]:
    gated = {fn: _BLOCK_GATES[fn] for fn in rules if fn in _BLOCK_GATES}
    table = next((fn for fn in rules if fn is rules_block.table or fn is _table), None)
    if not gated and table is None:
        return rules

    def pick(ch: str | None, table_ok: bool) -> list[Any]:
        return [fn for fn in rules if (fn is not table or table_ok)
                and (fn not in gated or (gated[fn] != _LINE_ZERO and ch is not None and ch in gated[fn]))]

    starts = {ch for chars in gated.values() if chars != _LINE_ZERO for ch in chars}
    by_char = {(ch, ok): pick(ch, ok) for ch in starts for ok in (True, False)}
    others = {ok: pick(None, ok) for ok in (True, False)}

    def chain(state: Any, line: int, end_line: int, silent: bool) -> bool:
        src, b_marks, t_shift = state.src, state.bMarks, state.tShift
        try:
            ch = src[b_marks[line] + t_shift[line]]
            # a table needs a next line starting (after indentation) with | - or :
            table_ok = src[b_marks[line + 1] + t_shift[line + 1]] in _TABLE_SECOND
        except IndexError:
            ch = None
        if line == 0 or ch is None:
            candidates = rules
        else:
            candidates = by_char.get((ch, table_ok))
            if candidates is None:
                candidates = others[table_ok]
        for rule in candidates:
            if rule(state, line, end_line, silent):
                return True
        return False

    return [chain]


# Inline rules that return False, doing nothing else, unless the character at
# the position is one of these (markdown-it-py 4.x); the text rule returns
# False exactly at a terminator character (``md.inline.terminator_re``).
_INLINE_GATES: dict[Any, str] = {
    rules_inline.newline: "\n",
    rules_inline.escape: "\\",
    rules_inline.backtick: "`",
    rules_inline.strikethrough.tokenize: "~",
    rules_inline.emphasis.tokenize: "*_",
    rules_inline.link: "[",
    rules_inline.image: "!",
    rules_inline.autolink: "<",
    rules_inline.html_inline: "<",
    rules_inline.entity: "&",
}


class _InlineDispatchRuler(Ruler):  # type: ignore[type-arg]
    """markdown-it's inline ruler, whose chain tries only the rules that can match.

    markdown-it's inline tokenizer tries every rule, in order, at every
    position the text rule stops at: each terminator character (``-``, ``:``,
    ``!``, ``=``, ``+`` ...). All but one or two of them return False on the
    character at once; the chain tries, in the same order, only the rules left
    once those that cannot match it are skipped, so the first to return True is
    the same one. Positions at a character past ASCII try every rule. The
    gates hold for markdown-it-py 4.x's rules; a rule replaced by a plugin
    (another function) is always tried.
    """

    dispatch: dict[str, tuple[list[Any], Any, list[Any]]]
    inline: Any  # the ParserInline, whose terminator_re the text rule uses

    def getRules(self, chainName: str = "") -> list[Any]:  # noqa: N802 - markdown-it's name
        rules = Ruler.getRules(self, chainName)
        terminator_re = self.inline.terminator_re
        cached = self.dispatch.get(chainName)
        if cached is None or cached[0] is not rules or cached[1] is not terminator_re:
            cached = self.dispatch[chainName] = (rules, terminator_re, _inline_chain(rules, terminator_re))
        return cached[2]


def _inline_chain(rules: list[Any], terminator_re: re.Pattern[str]) -> list[Any]:
    if not any(fn in _INLINE_GATES or fn is rules_inline.text for fn in rules):
        return rules

    def admits(fn: Any, ch: str) -> bool:
        if fn is rules_inline.text:
            return terminator_re.match(ch) is None
        gate = _INLINE_GATES.get(fn)
        return gate is None or ch in gate

    by_char = {chr(c): [fn for fn in rules if admits(fn, chr(c))] for c in range(128)}

    def chain(state: Any, silent: bool) -> bool:
        try:
            candidates = by_char.get(state.src[state.pos], rules)
        except IndexError:
            candidates = rules
        for rule in candidates:
            if rule(state, silent):
                return True
        return False

    return [chain]


# Link destinations that markdown-it's normalizeLink returns unchanged (it
# parses, re-encodes and re-formats each one: 5% of the parse of the bench
# corpus); tested against it. Links are kept or refused on its result.
# (Host names of at most 255 characters, labels of at most 63, as mdurl reads them.)
_PLAIN_LINK = re.compile(r"(?:https?://[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})*)?(?:/(?:[A-Za-z0-9_-]+(?:[./][A-Za-z0-9_-]+)*/?)?)?\Z")


def _normalize_link(url: str) -> str:
    """markdown-it's ``normalizeLink``, at once for links it leaves unchanged."""
    if url and len(url) <= 255 and _PLAIN_LINK.match(url):
        return url
    return normalizeLink(url)


def _escaped_split(string: str) -> list[str]:
    """markdown-it's ``escapedSplit`` of a table row (cells at each ``|`` not escaped
    by a backslash): ``str.split`` when there is no backslash, as its character
    walk then splits at every ``|`` (the walk was a third of the table rule)."""
    if "\\" in string:
        return _ESCAPED_SPLIT(string)
    return string.split("|")


_ESCAPED_SPLIT = rules_block.table.__globals__["escapedSplit"]
# markdown-it's table rule itself (same code), splitting rows with _escaped_split.
_table = FunctionType(rules_block.table.__code__, {**rules_block.table.__globals__, "escapedSplit": _escaped_split},
                      "table", rules_block.table.__defaults__, rules_block.table.__closure__)


def _lheading(state: Any, start_line: int, end_line: int, silent: bool) -> bool:
    """markdown-it's setext heading rule, passed over when no line can underline.

    It is tried before the paragraph rule at every paragraph, walking the lines
    (trying every rule that could end the paragraph on each) for an underline:
    a line of only "=" or only "-" (then spaces or tabs). When no line before the
    next blank one is such, it finds none and returns False, leaving what it
    leaves then: the parent type set to "paragraph" (past its code block check).
    """
    src, begins, shifts, ends = state.src, state.bMarks, state.tShift, state.eMarks
    line = start_line + 1
    while line < end_line:
        pos = begins[line] + shifts[line]
        if pos >= ends[line]:
            break  # an empty line ends the walk
        ch = src[pos]
        if ch in "-=" and not src[pos:ends[line]].lstrip(ch).strip(" \t"):
            return rules_block.lheading(state, start_line, end_line, silent)
        line += 1
    if not state.is_code_block(start_line):
        state.parentType = "paragraph"
    return False


# Inline rules of the parser above and the characters that can start one; any
# other character ends up in a text token. ("!" starts an image only before "[".)
_INLINE_RULES = ["text", "newline", "escape", "backticks", "strikethrough", "emphasis", "link", "image",
                 "autolink", "html_inline", "entity"]
_INLINE_RULES2 = ["balance_pairs", "strikethrough", "emphasis", "fragments_join"]
_INLINE_MARKUP = re.compile(r"[\\`~*_\[<&]")
_TICK_RUN = re.compile(r"`+")


def _shortcut_applies(md: MarkdownIt) -> bool:
    """The parser has exactly the inline rules the shortcut stands in for."""
    return (
        md.core.ruler.get_active_rules() == ["normalize", "block", "inline", "text_join"]
        and md.inline.ruler.get_active_rules() == _INLINE_RULES
        and md.inline.ruler2.get_active_rules() == _INLINE_RULES2
        and not md.options.get("breaks")
    )


def _inline_rule(state: Any) -> None:
    """markdown-it's core "inline" rule, with a shortcut for text without inline markup.

    Such text (most paragraphs, headings and table cells) can only become text
    tokens and line breaks; they are made directly, as markdown-it's own rules
    would make them (``newline``: two or more spaces before a line break make a
    hard break and are dropped, one is dropped before a soft break, spaces and
    tabs after it are skipped), instead of running every inline rule.
    """
    md = state.md
    for token in state.tokens:
        if token.type != "inline":
            continue
        if token.children is None:
            token.children = []
        content = token.content
        if _INLINE_MARKUP.search(content) is None:
            token.children.extend(_plain_inline(content))
        else:
            md.inline.parse(content, md, state.env, token.children)


def _normalize_rule(state: Any) -> None:
    """markdown-it's core "normalize" rule (line breaks to ``\\n``, NUL to U+FFFD),
    skipped when there is nothing to replace (two regex substitutions copied the text)."""
    if "\r" in state.src or "\0" in state.src:
        normalize(state)


def _lazy_inline_rule(state: Any) -> None:
    """``_inline_rule`` leaving the children of an inline token without markup as ``None``
    (``parse_markdown`` reads its content), and making those of text whose only
    markup is code spans, ``**strong**`` words and ``[links](dest)`` directly
    (``_simple_inline``)."""
    md = state.md
    for token in state.tokens:
        if token.type != "inline":
            continue
        content = token.content
        if _INLINE_MARKUP.search(content) is None:
            token.children = None
            continue
        if _NOT_SIMPLE.search(content) is None and "![" not in content:
            pieces = _simple_pieces(content, md)
            if pieces is not None:
                token.children = _Pieces(pieces)
                continue
        if token.children is None:
            token.children = []
        md.inline.parse(content, md, state.env, token.children)


# Inline markup _simple_inline does not read (escapes, strikethrough, "_"
# emphasis, HTML and autolinks, entities; and images, "![").
_NOT_SIMPLE = re.compile(r"[\\~_<&]")
# Where _simple_inline looks: a backtick, "*" and "[" (a class, which the regex
# engine scans for much faster than an alternation).
_SIMPLE_EVENT = re.compile(r"[`*\[]")
# A strong span markdown-it always reads so: "**" after a space or line break
# (or at the start), a word of ASCII letters and digits at both ends and no
# markup or line break inside, then "**" before a space, line break, the end
# or one of . , ; : ? ! ) -- the opening run can only open, the closing one
# only close, so each closes the one just before it.
_STRONG = re.compile(r"\*\*[A-Za-z0-9](?:[^\n*_\\`\[\]<&~]*[A-Za-z0-9])?\*\*(?![^ \n.,;:?!)])")
# An inline link: a label without brackets or markup (line breaks allowed),
# then a destination right after "(" up to ")" with no space, control
# character, bracket, parenthesis, escape, entity or markup, and no title.
_LINK = re.compile(r"\[([^\[\]\\`*_~<&]*)\]\(([^\s()<>\\&`*_~\[\]\x00-\x1f\x7f]+)\)")


# A child token as parse_markdown reads it: type, content, and markup (for
# link_open: the href). Made instead of Token objects for the text
# _simple_inline reads: a third of its time went to making Tokens.
_Piece = tuple[str, str, str]


class _Pieces(list):  # type: ignore[type-arg]
    """The children of an inline token as ``_simple_pieces`` gives them (``_pieces_tokens``
    makes the tokens markdown-it makes); ``parse_markdown`` walks them as it walks tokens."""


def _simple_inline(content: str, md: MarkdownIt) -> list[Token] | None:
    """The tokens markdown-it's inline parser makes of ``content`` when its only
    inline markup is code spans, ``_STRONG`` spans and ``_LINK`` links (``None``
    for any other markup, then the parser reads it)."""
    pieces = _simple_pieces(content, md)
    return None if pieces is None else _pieces_tokens(pieces)


def _simple_pieces(content: str, md: MarkdownIt) -> list[_Piece] | None:
    """The tokens (as ``_Piece``) markdown-it's inline parser makes of ``content``
    when its only inline markup is code spans, ``_STRONG`` spans and ``_LINK``
    links (``None`` for any other markup, then the parser reads it).

    As markdown-it makes them: the text between two tokens becomes text and
    line break tokens as in ``_plain_inline`` (the newline rule sees only the
    text since the last token); a run of backticks opens a code span closed by
    the next run of the same length, else it is text; each "*" of a strong
    span is first a text token, the two inner ones become strong_open and
    strong_close and the outer ones empty text (emphasis post-processing); a
    link is link_open (its normalised destination as href, when markdown-it
    accepts it), its label's tokens, link_close; then adjacent text tokens are
    merged as ``fragments_join`` merges them. The inline parser's rules tried
    at every position were a sixth of the parse of the bench corpus.
    """
    out: list[_Piece] = []
    text_from = 0
    strong: list[int] = []  # index of each strong span's first "*" token
    last_runs: dict[int, int] | None = None
    pos = 0
    while True:
        m = _SIMPLE_EVENT.search(content, pos)
        if m is None:
            break
        start = m.start()
        ch = content[start]
        if ch == "`":
            pos = _TICK_RUN.match(content, start).end()  # type: ignore[union-attr]
            length = pos - start
            if last_runs is None:
                last_runs = {}
                for run in _TICK_RUN.finditer(content):
                    last_runs[run.end() - run.start()] = run.start()
            if last_runs.get(length, -1) < pos:
                continue  # no closing run: literal backticks, part of the text
            close = _TICK_RUN.search(content, pos)
            while close is not None and close.end() - close.start() != length:
                close = _TICK_RUN.search(content, close.end())
            if close is None:
                return None  # cannot happen (a run of this length starts after pos)
            out.extend(_plain_pieces(content[text_from:start]))
            code = content[pos:close.start()].replace("\n", " ")
            if code.startswith(" ") and code.endswith(" ") and code.strip(" "):
                code = code[1:-1]  # one space off each side, unless all spaces
            out.append(("code_inline", code, content[start:pos]))
            pos = text_from = close.end()
        elif ch == "*":
            if start and content[start - 1] not in " \n":
                return None
            span = _STRONG.match(content, start)
            if span is None:
                return None
            out.extend(_plain_pieces(content[text_from:start]))
            strong.append(len(out))
            out.extend((_STAR, _STAR, ("text", content[start + 2:span.end() - 2], ""), _STAR, _STAR))
            pos = text_from = span.end()
        else:  # "["
            link = _LINK.match(content, start)
            if link is None or (start and content[start - 1] == "!"):
                return None
            href = md.normalizeLink(link.group(2))
            if not md.validateLink(href):
                return None  # markdown-it then tries a reference link
            out.extend(_plain_pieces(content[text_from:start]))
            out.append(("link_open", "", href))
            out.extend(_plain_pieces(link.group(1)))
            out.append(_LINK_CLOSE)
            pos = text_from = link.end()
    out.extend(_plain_pieces(content[text_from:]))
    for first in strong:
        # emphasis post-processing of "**" ... "**"
        out[first:first + 5] = (_EMPTY_TEXT, _STRONG_OPEN, out[first + 2], _STRONG_CLOSE, _EMPTY_TEXT)
    # fragments_join: a run of adjacent text tokens becomes one
    merged: list[_Piece] = []
    for piece in out:
        if piece[0] == "text" and merged and merged[-1][0] == "text":
            merged[-1] = ("text", merged[-1][1] + piece[1], "")
        else:
            merged.append(piece)
    return merged


_STAR: _Piece = ("text", "*", "")
_EMPTY_TEXT: _Piece = ("text", "", "")
_STRONG_OPEN: _Piece = ("strong_open", "", "**")
_STRONG_CLOSE: _Piece = ("strong_close", "", "**")
_LINK_CLOSE: _Piece = ("link_close", "", "")
# type -> tag and nesting of the token
_PIECE_TAGS = {"text": ("", 0), "softbreak": ("br", 0), "hardbreak": ("br", 0), "code_inline": ("code", 0),
               "strong_open": ("strong", 1), "strong_close": ("strong", -1), "link_open": ("a", 1), "link_close": ("a", -1)}


def _pieces_tokens(pieces: list[_Piece]) -> list[Token]:
    """The tokens markdown-it makes, of the pieces ``_simple_pieces`` or ``_plain_pieces`` gives
    (levels as ``fragments_join`` sets them)."""
    out: list[Token] = []
    level = 0
    for kind, content, markup in pieces:
        tag, nesting = _PIECE_TAGS[kind]
        token = Token(kind, tag, nesting)  # type: ignore[arg-type]
        if kind == "link_open":
            token.attrs = {"href": markup}
        else:
            token.content = content
            token.markup = markup
        if nesting < 0:
            level -= 1
        token.level = level
        if nesting > 0:
            level += 1
        out.append(token)
    return out


def _lazy_text_join(state: Any) -> None:
    """markdown-it's core "text_join" rule, passing over the children left unmade."""
    for token in state.tokens:
        if token.type != "inline" or token.children is None or type(token.children) is _Pieces:
            continue  # (pieces: no text_special, no adjacent text; nothing to join)
        children = token.children
        for child in children:
            # image `alt` is parsed into its own token tree
            if child.children:
                child.children = _join_text_tokens(child.children)
        token.children = _join_text_tokens(children)


def _plain_inline(content: str) -> list[Token]:
    """Children of an inline token whose content has no inline markup."""
    return _pieces_tokens(_plain_pieces(content))


def _plain_pieces(content: str) -> list[_Piece]:
    """``_plain_inline`` as pieces (``_Piece``)."""
    if "\n" not in content:
        return [("text", content, "")] if content else []
    out: list[_Piece] = []
    lines = content.split("\n")
    last = len(lines) - 1
    for i, line in enumerate(lines):
        if i:
            line = line.lstrip(" \t")
        kind = ""
        if i < last:
            kind = "softbreak"
            if line.endswith(" "):
                if line.endswith("  "):
                    line = line.rstrip(" ")
                    kind = "hardbreak"
                else:
                    line = line[:-1]
        if line:
            out.append(("text", line, ""))
        if kind:
            out.append((kind, "", ""))
    return out


def parse_markdown(text: str, mdx: bool = False, indented_code: bool = True) -> SourceDocument:
    if mdx:
        # JSX, expressions and ESM blanked to spaces (same offsets), then parsed as Markdown.
        from compliance_lint.sources.mdx import parse_mdx

        return parse_mdx(text)
    directives: list[Directive] = []
    work = text
    lines = LineIndex(text)
    # markdown-it turns NUL into U+FFFD, which is not in the source: give it an
    # invisible stand-in of the same length instead, so "cu\0re" still reads "cure".
    work = work.replace("\x00", "\u2060")
    try:
        tokens = _parser(indented_code).parse(work)
    except RecursionError:
        # Python's stack ran out inside the parser: lint every line as plain text.
        return SourceDocument(text=text, blocks=plain_blocks(text), directives=directives)
    blocks: list[Block] = []
    front: dict[str, Any] = {}
    heading = ""
    row_cursor: dict[tuple[int, int], int] = {}
    row_builder: BlockBuilder | None = None
    row_map: tuple[int, int] | None = None
    in_heading = False

    starts = lines.starts
    last_line = len(starts) - 1

    def region(map_: list[int]) -> tuple[int, int]:
        # lines.line_start(map_[0] + 1), and of map_[1] + 1 or the end of the text
        start = starts[max(0, min(map_[0], last_line))]
        end = starts[max(0, map_[1])] if map_[1] <= last_line else len(text)
        return start, end

    for tok in tokens:
        if tok.type not in _HANDLED:
            continue
        if tok.type == "front_matter":
            front, fm_blocks = _front_matter(tok, text, lines)
            blocks.extend(fm_blocks)
            continue
        if tok.type == "heading_open":
            in_heading = True
            continue
        if tok.type == "heading_close":
            in_heading = False
            continue
        if tok.type == "tr_open":
            row_builder = BlockBuilder()
            row_map = tuple(tok.map) if tok.map else None
            continue
        if tok.type == "tr_close":
            if row_builder is not None:
                block = row_builder.build("table_row", heading)
                if block:
                    blocks.append(block)
            row_builder = None
            continue
        if tok.type == "fence" and tok.map and not _fence_closed(tok, text, lines):
            # An unclosed fence swallows the rest of the document: lint it as text.
            blocks.extend(_loose_lines(text, lines, range(tok.map[0] + 1, tok.map[1])))
            continue
        if tok.type == "html_block" and tok.map:
            start, end = region(tok.map)
            html_blocks, html_dirs = extract_html(text[start:end], start)
            for b in html_blocks:
                b.heading = b.heading or heading
            blocks.extend(html_blocks)
            directives.extend(html_dirs)
            continue
        if tok.type != "inline" or not tok.map:
            continue
        start, end = region(tok.map)
        if row_builder is None and tok.children is None:
            found = _verbatim_plain(tok.content, text, start, end)
            if found is not None:
                # the block the builder gives (_plain_text, then build), made at once
                block = verbatim_block(*found, "heading" if in_heading else "paragraph", heading)
                if block:
                    blocks.append(block)
                    if in_heading:
                        heading = block.text.strip()
                continue
        key = (tok.map[0], tok.map[1])
        cursor = row_cursor.get(key, start) if row_builder is not None else start
        builder = row_builder if row_builder is not None else BlockBuilder()
        if row_builder is not None and row_builder.chars:
            row_builder.separator(cursor)
        if tok.children is None:
            cursor = _plain_text(tok.content, text, cursor, end, builder)
        else:
            attr_blocks: list[Block] = []
            if type(tok.children) is _Pieces:
                cursor = _walk_pieces(tok.children, text, cursor, end, builder)
            else:
                cursor = _inline(tok.children, text, cursor, end, builder, directives, attr_blocks)
            for b in attr_blocks:
                b.heading = b.heading or heading
            blocks.extend(attr_blocks)
        if row_builder is not None:
            row_cursor[key] = cursor
            continue
        kind = "heading" if in_heading else "paragraph"
        block = builder.build(kind, heading)
        if block:
            blocks.append(block)
            if in_heading:
                heading = block.text.strip()
    del row_map
    blocks.extend(_uncovered(text, lines, tokens))
    blocks.sort(key=lambda b: b.offsets[0] if len(b.offsets) else 0)
    return SourceDocument(text=text, blocks=blocks, front_matter=front, directives=directives)


def _inline(children: list[Any], text: str, cursor: int, end: int, builder: BlockBuilder, directives: list[Directive],
            attr_blocks: list[Block] | None = None) -> int:
    skip_link_text = False
    for child in children:
        t = child.type
        if t == "text":
            if skip_link_text:
                continue
            cursor = builder.add_aligned(text, cursor, end, child.content)
        elif t in ("softbreak", "hardbreak"):
            cursor = _past_break(text, cursor, end, builder)
        elif t == "code_inline":
            cursor = _past_code_span(text, child.markup, cursor, end, builder)
        elif t == "html_inline":
            idx = text.find(child.content, cursor, end)
            if idx >= 0:
                m = re.match(r"<!--(.*?)-->", child.content, re.DOTALL)
                if m:
                    d = parse_directive(m.group(1), idx, idx + len(child.content))
                    if d:
                        directives.append(d)
                elif attr_blocks is not None:
                    # inline tags keep their alt/title text linted, as in HTML blocks
                    tag_blocks, _ = extract_html(child.content, idx)
                    attr_blocks.extend(tag_blocks)
                builder.separator(idx)
                cursor = idx + len(child.content)
        elif t == "link_open":
            if child.markup == "autolink" or child.info == "auto":
                skip_link_text = True
        elif t == "link_close":
            if skip_link_text:
                skip_link_text = False
                gt = text.find(">", cursor, end)
                cursor = gt + 1 if gt >= 0 else cursor
                continue
            cursor = _skip_link_target(text, cursor, end)
        elif t == "image":
            alt = child.content or ""
            if alt:
                offsets, cursor = align(text, cursor, end, alt)
                builder.separator(cursor)
                builder.add_mapped(alt, offsets)
            cursor = _skip_link_target(text, cursor, end)
            builder.separator(cursor)
    return cursor


def _walk_pieces(pieces: list[_Piece], text: str, cursor: int, end: int, builder: BlockBuilder) -> int:
    """What ``_inline`` does with ``_pieces_tokens(pieces)`` (text, line breaks, code
    spans, links that are not autolinks, strong spans)."""
    for kind, content, markup in pieces:
        if kind == "text":
            cursor = builder.add_aligned(text, cursor, end, content)
        elif kind == "softbreak" or kind == "hardbreak":
            cursor = _past_break(text, cursor, end, builder)
        elif kind == "code_inline":
            cursor = _past_code_span(text, markup, cursor, end, builder)
        elif kind == "link_close":
            cursor = _skip_link_target(text, cursor, end)
    return cursor


def _past_break(text: str, cursor: int, end: int, builder: BlockBuilder) -> int:
    """A line break: a separator at the source's next line end, the cursor past it."""
    nl = _next_break(text, cursor, end)
    builder.separator(nl)
    return nl + 1 if nl < end else cursor


def _past_code_span(text: str, markup: str, cursor: int, end: int, builder: BlockBuilder) -> int:
    """A code span: a separator where it opens, the cursor past its closing run.

    Found by its backtick runs, not its content: markdown-it turns line breaks
    inside a code span into spaces and strips one space each side, so searching
    for the content could land in the prose after it."""
    ticks = markup or "`"
    opening = _tick_run(text, ticks, cursor, end)
    if opening < 0:
        return cursor
    closing = _tick_run(text, ticks, opening + len(ticks), end)
    builder.separator(opening)
    return closing + len(ticks) if closing >= 0 else opening + len(ticks)


def _verbatim_plain(content: str, text: str, cursor: int, end: int) -> tuple[str, int] | None:
    """The prose of plain inline ``content`` and where it starts, when ``_plain_text``
    finds all of it verbatim at ``cursor`` or just past markup there (lines, and a
    space for each break), else ``None``.

    Each line is then found where the one before it ended, each break is the
    "\\n" right after it, a separator (no line ends with a space), so the
    prose is that stretch of the source.
    """
    n = len(content)
    if not n:
        return None
    at = cursor
    if cursor + n > end or not text.startswith(content, cursor):
        # past a list marker or "# ": where add_aligned finds the first line
        first = content.partition("\n")[0]
        at = _verbatim_after_markup(text, cursor, end, first) if first else -1
        if at < 0 or at + n > end or not text.startswith(content, at):
            return None
    if "\n" not in content:
        return content, at
    if " \n" in content or "\n " in content or "\n\t" in content or "\n\n" in content:
        return None
    return content.replace("\n", " "), at


def _plain_text(content: str, text: str, cursor: int, end: int, builder: BlockBuilder) -> int:
    """What ``_inline`` does with ``_plain_inline(content)``, without making the tokens.

    Most paragraphs are copied from the source line for line: then the lines and
    the spaces standing for their breaks are that stretch of the source, added at once.
    """
    found = _verbatim_plain(content, text, cursor, end)
    if found is not None:
        joined, at = found
        builder.add_source(joined, at)
        return at + len(joined)
    if "\n" not in content:
        return builder.add_aligned(text, cursor, end, content) if content else cursor
    lines = content.split("\n")
    last = len(lines) - 1
    for i, line in enumerate(lines):
        if i:
            line = line.lstrip(" \t")
        if i < last and line.endswith(" "):
            # two or more spaces make a hard break and are dropped; one is dropped
            line = line.rstrip(" ") if line.endswith("  ") else line[:-1]
        if line:
            cursor = builder.add_aligned(text, cursor, end, line)
        if i < last:
            nl = _next_break(text, cursor, end)
            builder.separator(nl)
            cursor = nl + 1 if nl < end else cursor
    return cursor


def _tick_run(text: str, ticks: str, pos: int, end: int) -> int:
    """Start of the first run of exactly ``len(ticks)`` backticks in ``text[pos:end]``, or -1."""
    k = text.find(ticks, pos, end)
    while k >= 0:
        stop = k + len(ticks)
        if (k == pos or text[k - 1] != "`") and (stop >= end or text[stop] != "`"):
            return k
        while stop < end and text[stop] == "`":
            stop += 1
        k = text.find(ticks, stop, end)
    return -1


def _next_break(text: str, pos: int, end: int) -> int:
    for i in range(pos, end):
        if text[i] in "\r\n":
            return i
    return end


def _skip_link_target(text: str, pos: int, end: int) -> int:
    """Move past ``](target "title")`` or ``][ref]`` after link text."""
    i = text.find("]", pos, end)
    if i < 0:
        return pos
    j = i + 1
    if j < end and text[j] == "(":
        depth = 0
        k = j
        while k < end:
            c = text[k]
            if c == "\\":
                k += 2
                continue
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth == 0:
                    return k + 1
            k += 1
        return end
    if j < end and text[j] == "[":
        k = text.find("]", j, end)
        return k + 1 if k >= 0 else j
    return j


def _front_matter(tok: Any, text: str, lines: LineIndex) -> tuple[dict[str, Any], list[Block]]:
    """Context keys and prose fields (title, description, ...) of YAML front matter."""
    content_start = lines.line_start(2)
    content_end = lines.line_start(tok.map[1]) if tok.map else len(text)
    raw = text[content_start:content_end]
    flat = _flat_front_matter(raw)
    if flat is not None:
        data, fields = flat
    else:
        try:
            data, fields = _composed_front_matter(raw)
        except (yaml.YAMLError, RecursionError):
            # Broken front matter is still shown by most renderers: lint it as text.
            return {}, plain_blocks(raw, content_start, "front_matter")
        if not isinstance(data, dict) or fields is None:
            return {}, plain_blocks(raw, content_start, "front_matter") if data is not None and not isinstance(data, dict) else []
    blocks: list[Block] = []
    for key, value, start, end in fields:
        if key not in PROSE_FIELDS:
            continue
        builder = BlockBuilder()
        # align then add_mapped, without the walk when the value is verbatim (most are)
        builder.add_aligned(text, content_start + start, content_start + end, value)
        block = builder.build("heading" if key == "title" else "front_matter")
        if block:
            blocks.append(block)
    return data, blocks


# A field of front matter: its key, its scalar value as written (unquoted) and
# where that value stands, from its first character (a quote) to past its last.
_Field = tuple[str, str, int, int]


def _composed_front_matter(raw: str) -> tuple[Any, list[_Field] | None]:
    """Data of front matter composed by a YAML loader, and its fields with scalar
    values (``None`` when it is not a mapping)."""
    node = _compose(raw)
    data = _plain_data(node)
    if not isinstance(node, yaml.MappingNode):
        return data, None
    return data, [(key.value, str(value.value), value.start_mark.index, value.end_mark.index)
                  for key, value in node.value if isinstance(value, yaml.ScalarNode)]


def _flat_front_matter(raw: str) -> tuple[dict[Any, Any], list[_Field]] | None:
    """``_composed_front_matter`` of flat front matter, read with a regex.

    Front matter made only of ``key: value`` lines at the left margin (values
    plain, quoted without escapes or a flow list of words, as in
    ``_SIMPLE_YAML``), and blank lines, is a mapping of those keys; each scalar
    is resolved (int, date, bool, ...) and constructed as the YAML loader does,
    without composing nodes. Anything else gives ``None``.
    """
    if not _FLAT_YAML.match(raw):
        return None
    data: dict[Any, Any] = {}
    fields: list[_Field] = []
    for m in _FLAT_YAML_LINE.finditer(raw):
        key = m.group(1)
        if key is None:
            continue  # a blank line
        value = m.group(2)
        start = m.start(2) if value is not None else m.end(1) + 1
        if value is None:
            fields.append((key, "", start, start))
            data[_scalar(key)] = None
        elif value[0] == "[":
            items = [item.strip(" ") for item in value[1:-1].split(",")]
            data[_scalar(key)] = [_scalar(item) for item in items] if items != [""] else []
        elif value[0] in "\"'":
            fields.append((key, value[1:-1], start, m.end(2)))
            data[_scalar(key)] = value[1:-1]
        else:
            fields.append((key, value, start, m.end(2)))
            data[_scalar(key)] = _scalar(value)
    return (data, fields) if fields or data else None


def _scalar(value: str) -> Any:
    """A plain YAML scalar as the safe loader resolves and constructs it."""
    tag = _resolved_tag(value)
    if tag == _STR_TAG:
        return value
    return _SCALAR_CONSTRUCTOR.yaml_constructors[tag](_SCALAR_CONSTRUCTOR, yaml.ScalarNode(tag, value))


# Front matter made only of lines like these is composed by libyaml (C), which
# gives the same nodes and positions as the pure-Python loader on them; any other
# YAML (escapes, anchors, tags, block scalars, comments, multi-line scalars, tabs,
# CR line ends, deep nesting) goes through the pure-Python loader as before.
_YAML_BANNED = r"\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff"
_YAML_TEXT = rf"[^\s{_YAML_BANNED}\"'#:{{}}\[\]&*!|>%@`\\]"  # one character of a plain scalar but a space
_YAML_PLAIN = rf"(?:[A-Za-z0-9]|(?![\x00-\x7f]){_YAML_TEXT})(?: *(?:{_YAML_TEXT}|,))*"
_YAML_QUOTED = rf"(?:\"[^{_YAML_BANNED}\"\\]*\"|'[^{_YAML_BANNED}']*')"
_YAML_FLOW = r"\[ *(?:[A-Za-z0-9][A-Za-z0-9 ._-]*(?:, *[A-Za-z0-9][A-Za-z0-9 ._-]*)*)?\]"
_YAML_VALUE = rf"(?:{_YAML_QUOTED}|{_YAML_FLOW}|{_YAML_PLAIN})"
# Every line unambiguous (no nested repeats of spaces), so matching stays linear.
_SIMPLE_YAML = re.compile(rf"(?:(?: {{0,12}}(?:[A-Za-z_][A-Za-z0-9_-]*:(?: +{_YAML_VALUE})?|- +{_YAML_VALUE}))? *\n)*\Z")


_FLAT_YAML_LINE = re.compile(rf"(?:([A-Za-z_][A-Za-z0-9_-]*):(?: +({_YAML_VALUE}))?)? *\n")
_FLAT_YAML = re.compile(rf"(?:(?:[A-Za-z_][A-Za-z0-9_-]*:(?: +{_YAML_VALUE})?)? *\n)*\Z")
_RESOLVER = yaml.resolver.Resolver()


@lru_cache(maxsize=4096)
def _resolved_tag(value: str) -> str:
    """The tag the safe loader resolves a plain scalar to (a pure function of the
    text: the resolver's regexes); remembered, since the same keys (title, date,
    tags ...) open every front matter of a site."""
    return _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-any-return]
_STR_TAG = "tag:yaml.org,2002:str"


def _compose(raw: str) -> Any:
    """``yaml.compose`` with the pure-Python loader, or with libyaml on simple front matter."""
    if _C_LOADER is not None and _SIMPLE_YAML.match(raw):
        return yaml.compose(raw, Loader=_C_LOADER)
    return yaml.compose(raw, Loader=yaml.SafeLoader)


_C_LOADER = getattr(yaml, "CSafeLoader", None)


def _plain_data(node: Any) -> Any:
    """Python data of a composed YAML node, with aliases refused (no alias bombs).

    ``yaml.safe_load`` would share aliased lists, and anything that later walks
    the front matter (context, reporters) would walk the expansion.
    """
    if node is None:
        return None
    for event_node in _walk_nodes(node):
        if getattr(event_node, "anchor", None):
            raise yaml.YAMLError("anchors and aliases are not allowed in front matter")
    return yaml.SafeLoader.construct_document(_Constructor(), node)


def _walk_nodes(node: Any) -> Any:
    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            raise yaml.YAMLError("anchors and aliases are not allowed in front matter")
        seen.add(id(current))
        yield current
        if isinstance(current, yaml.MappingNode):
            for k, v in current.value:
                stack.extend((k, v))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


class _Constructor(yaml.SafeLoader):
    def __init__(self) -> None:  # construct only: no stream
        yaml.constructor.SafeConstructor.__init__(self)


# Constructs scalars only, which keeps no state in the constructor: shared.
_SCALAR_CONSTRUCTOR = _Constructor()


_LEVEL = attrgetter("level")


def _uncovered(text: str, lines: LineIndex, tokens: list[Any]) -> list[Block]:
    """Lines no leaf token covers, when the parse hit markdown-it's depth limit.

    markdown-it drops content nested deeper than ``maxNesting`` (lists,
    blockquotes); that text is linted as plain text rather than silently
    skipped. Container tokens cover such lines, so only leaf tokens count.
    """
    if not tokens or max(map(_LEVEL, tokens)) < MAX_NESTING - 1:
        return []
    count = lines.line_count()
    seen = bytearray(count + 1)
    for tok in tokens:
        if tok.map and tok.type in _LEAVES:
            a, b = tok.map
            seen[a:min(b, count)] = b"\x01" * max(0, min(b, count) - a)
    return _loose_lines(text, lines, (i for i in range(count) if not seen[i]))


def _fence_closed(tok: Any, text: str, lines: LineIndex) -> bool:
    first, end = tok.map
    if end - 1 <= first:
        return False
    start = lines.line_start(end)
    stop = lines.line_start(end + 1) if end < lines.line_count() else len(text)
    last = _CONTAINER.sub("", text[start:stop], count=1).strip()
    mark = tok.markup[:1] or "`"
    return len(last) >= len(tok.markup) and not last.strip(mark)


def _loose_lines(text: str, lines: LineIndex, numbers: Any) -> list[Block]:
    """Blocks of plain text from the given 0-based lines, container markers removed.

    Consecutive non-blank lines form one block, so a sentence broken over
    lines is linted whole.
    """
    blocks: list[Block] = []
    builder = BlockBuilder()
    previous = -2
    count = lines.line_count()
    for i in numbers:
        start = lines.line_start(i + 1)
        stop = lines.line_start(i + 2) if i + 1 < count else len(text)
        raw = text[start:stop].rstrip("\r\n")
        skip = _CONTAINER.match(raw).end()  # type: ignore[union-attr]
        body = raw[skip:]
        if i != previous + 1 or not body.strip():
            block = builder.build("paragraph")
            if block:
                blocks.append(block)
            builder = BlockBuilder()
        if body.strip():
            if builder.chars:
                builder.separator(start - 1)
            builder.add_source(body, start + skip)
        previous = i
    block = builder.build("paragraph")
    if block:
        blocks.append(block)
    return blocks
