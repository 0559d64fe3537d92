"""A linear-time HTML tokenizer with exact offsets.

The standard library's ``html.parser`` (before the 2025 security releases) is
quadratic on hostile input: 300 kB of ``<!--x>`` or ``<a<a<a`` takes ten
seconds or more, and what it does at the end of the file (an unclosed comment
or tag) differs between Python versions. This tokenizer follows the HTML5
tokenizer where it matters for linting, in one pass:

- text runs and character references (``&amp;``, ``&#233;``) with their offsets;
- start tags with attributes (quoted or not), self-closing flag and raw text;
- end tags; comments (``<!-- -->``, also ``<!-->``); bogus comments, doctype,
  processing instructions and CDATA are skipped up to the next ``>``;
- ``script`` and ``style`` content is raw text up to the matching end tag;
- at the end of the file an unclosed comment runs to the end (a browser shows
  nothing of it) and an unclosed tag is dropped, as in HTML5.

It drives a handler with the callbacks of ``html.parser.HTMLParser``
(``handle_starttag``, ``handle_startendtag``, ``handle_endtag``, ``handle_data``,
``handle_comment``) plus ``handle_ref(raw)`` for a character reference; before
each call it sets ``handler.pos`` (offset of the construct in ``src``) and, for
start tags, ``handler.raw_tag`` (the tag's source text).
"""

from __future__ import annotations

import html
import re
from html.entities import html5
from typing import Any

RAW_TEXT = frozenset({"script", "style"})
_REF = re.compile(r"&(?:#[xX][0-9a-fA-F]+;?|#[0-9]+;?|[A-Za-z][A-Za-z0-9]*;?)")
_TAG_NAME = re.compile(r"[^\s/>]+")
_ATTR_NAME = re.compile(r"[^\s/>][^\s/>=]*")
_UNQUOTED = re.compile(r"[^\s>]*")
_WS = re.compile(r"[\s/]*")
_SPACE = re.compile(r"\s*")


def tokenize(src: str, handler: Any) -> None:
    n = len(src)
    i = 0
    raw_end: re.Pattern[str] | None = None
    while i < n:
        if raw_end is not None:
            m = raw_end.search(src, i)
            j = m.start() if m else n
            if j > i:
                handler.pos = i
                handler.handle_data(src[i:j])
            raw_end = None
            i = j
            continue
        j = src.find("<", i)
        if j < 0:
            _text(src, i, n, handler)
            break
        if j > i:
            _text(src, i, j, handler)
        i = j
        nxt = src[j + 1:j + 2]
        if src.startswith("<!--", j):
            if src.startswith("<!-->", j) or src.startswith("<!--->", j):
                end = src.index(">", j + 4) + 1
                body = ""
            else:
                k = src.find("-->", j + 4)
                end = n if k < 0 else k + 3
                body = src[j + 4:k if k >= 0 else n]
            handler.pos = j
            handler.handle_comment(body)
            i = end
        elif nxt in ("!", "?"):
            k = src.find(">", j + 2)
            i = n if k < 0 else k + 1
        elif nxt == "/":
            c = src[j + 2:j + 3]
            if c.isascii() and c.isalpha():
                m = _TAG_NAME.match(src, j + 2)
                name = m.group(0).lower() if m else ""
                end = _tag_end(src, m.end() if m else j + 2)
                if end < 0:
                    break
                handler.pos = j
                handler.handle_endtag(name)
                i = end
            elif c == ">":
                i = j + 3
            else:
                k = src.find(">", j + 2)
                i = n if k < 0 else k + 1
        elif nxt.isascii() and nxt.isalpha():
            m = _TAG_NAME.match(src, j + 1)
            assert m is not None
            name = m.group(0).lower()
            attrs: list[tuple[str, str | None]] = []
            end = _tag_end(src, m.end(), attrs)
            if end < 0:
                break
            handler.pos = j
            handler.raw_tag = src[j:end]
            if src[end - 2:end] == "/>":
                handler.handle_startendtag(name, attrs)
            else:
                handler.handle_starttag(name, attrs)
                if name in RAW_TEXT:
                    raw_end = re.compile(r"</" + name + r"(?=[\s/>]|$)", re.IGNORECASE)
            i = end
        else:
            # A "<" that starts no markup ("a < b", "<3") is text.
            k = j + 1
            k2 = src.find("<", k)
            stop = n if k2 < 0 else k2
            _text(src, j, stop, handler)
            i = stop


def _tag_end(src: str, pos: int, attrs: list[tuple[str, str | None]] | None = None) -> int:
    """Offset just past the ``>`` closing a tag whose attributes start at ``pos``; -1 at EOF."""
    n = len(src)
    while True:
        pos = _WS.match(src, pos).end()
        if pos >= n:
            return -1
        if src[pos] == ">":
            return pos + 1
        m = _ATTR_NAME.match(src, pos)
        assert m is not None
        name = m.group(0).lower()
        pos = _SPACE.match(src, m.end()).end()
        value: str | None = None
        if pos < n and src[pos] == "=":
            pos = _SPACE.match(src, pos + 1).end()
            if pos >= n:
                return -1
            q = src[pos]
            if q in "\"'":
                k = src.find(q, pos + 1)
                if k < 0:
                    return -1
                value = src[pos + 1:k]
                pos = k + 1
            else:
                mv = _UNQUOTED.match(src, pos)
                assert mv is not None
                value = mv.group(0)
                pos = mv.end()
            value = html.unescape(value)
        if attrs is not None:
            attrs.append((name, value))


def _text(src: str, start: int, end: int, handler: Any) -> None:
    """Text between ``start`` and ``end``, with character references split out."""
    pos = start
    amp = src.find("&", start, end)
    if amp < 0:
        handler.pos = start
        handler.handle_data(src[start:end])
        return
    for m in _REF.finditer(src, amp, end):
        raw = m.group(0)
        if not _is_ref(raw):
            continue
        if m.start() > pos:
            handler.pos = pos
            handler.handle_data(src[pos:m.start()])
        handler.pos = m.start()
        handler.handle_ref(raw)
        pos = m.end()
    if pos < end:
        handler.pos = pos
        handler.handle_data(src[pos:end])


def _is_ref(raw: str) -> bool:
    """A reference a browser decodes as a whole: numeric, or a known name."""
    if raw[1] == "#":
        return True
    name = raw[1:]
    return name in html5 if name.endswith(";") else name in html5 and html.unescape(raw) != raw
