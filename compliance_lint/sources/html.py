"""HTML: visible text, plus the attributes and metadata product pages put claims in.

Tokenized by ``htmltok`` (linear time on hostile markup, HTML5 end-of-file
rules, every text run and entity at its exact offset). Scripts, styles, code
and comments are never linted; comments still carry suppression directives.
Inline code (``code``, ``kbd``, ``samp``, ``var``) left open ends at the next
block boundary, and a ``pre`` or ``textarea`` left open to the end of the file
is linted as text: an unclosed tag must not hide the rest of a page.
"""

from __future__ import annotations

import html
import json
import re

from compliance_lint.sources.base import Directive, SourceDocument, parse_directive
from compliance_lint.sources.htmltok import tokenize
from compliance_lint.textmap import Block, BlockBuilder, align

SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "code", "pre", "svg", "math", "textarea", "kbd", "samp", "var"})
BLOCK_TAGS = frozenset(
    """p div li ul ol h1 h2 h3 h4 h5 h6 td th tr table thead tbody tfoot section article header
    footer blockquote dd dt dl figcaption figure main aside nav hr title caption summary details
    form option label address body html head fieldset legend""".split()
)
VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
META_NAMES = frozenset({"description", "og:description", "twitter:description", "og:title", "twitter:title", "keywords"})
ATTRS = ("alt", "title", "aria-label")
JSONLD_KEYS = ("description", "headline", "reviewBody", "text", "abstract", "name")
INLINE_SKIP = frozenset({"code", "kbd", "samp", "var"})
VISIBLE_SKIP = INLINE_SKIP | {"pre", "textarea"}
_ATTR_RE = r"""(?:^|\s){name}\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))"""


class _Extractor:
    def __init__(self, text: str, base: int, skip_visible: bool = True) -> None:
        self.src = text
        self.base = base
        self.pos = 0
        self.raw_tag = ""
        self.skip_tags = SKIP_TAGS if skip_visible else SKIP_TAGS - VISIBLE_SKIP
        self.open_skip_at = -1
        self.blocks: list[Block] = []
        self.directives: list[Directive] = []
        self.builder = BlockBuilder()
        self.skip_depth: list[str] = []
        self.heading = ""
        self.in_heading = False
        self.in_jsonld = False

    # position of the current event in the *whole* document
    def _offset(self) -> int:
        return self.base + self.pos

    def get_starttag_text(self) -> str:
        return self.raw_tag

    def flush(self) -> None:
        kind = "heading" if self.in_heading else "paragraph"
        block = self.builder.build(kind, self.heading)
        if block is not None:
            self.blocks.append(block)
            if kind == "heading":
                self.heading = block.text.strip()
        self.builder = BlockBuilder()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        raw = self.get_starttag_text() or ""
        start = self._offset()
        self._attributes(tag, attrs, raw, start)
        if tag == "script" and any(k == "type" and (v or "").lower() == "application/ld+json" for k, v in attrs):
            self.in_jsonld = True
        if tag in self.skip_tags and tag not in VOID_TAGS:
            if not self.skip_depth:
                self.open_skip_at = self.pos + len(raw)
            self.skip_depth.append(tag)
            return
        if tag in BLOCK_TAGS:
            self._close_inline_skip()
            self.flush()
            if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self.in_heading = True
        elif tag == "br":
            self.builder.separator(start)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or ""
        start = self._offset()
        self._attributes(tag.lower(), attrs, raw, start)
        if tag.lower() in BLOCK_TAGS:
            self.flush()
        else:
            self.builder.separator(start)

    def _close_inline_skip(self) -> None:
        if self.skip_depth and all(t in INLINE_SKIP for t in self.skip_depth):
            self.skip_depth.clear()

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if tag in BLOCK_TAGS:
            self._close_inline_skip()
        if self.skip_depth:
            if tag in self.skip_depth:
                while self.skip_depth and self.skip_depth.pop() != tag:
                    pass
            if tag == "script":
                self.in_jsonld = False
            return
        if tag in BLOCK_TAGS:
            self.flush()
            if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self.in_heading = False

    def handle_data(self, data: str) -> None:
        start = self._offset()
        if self.skip_depth:
            if self.in_jsonld:
                self._jsonld(data, start)
            return
        self.builder.add_source(data, start)

    def handle_ref(self, raw: str) -> None:
        if self.skip_depth:
            return
        start = self._offset()
        decoded = html.unescape(raw)
        self.builder.add_mapped(decoded, [start] * len(decoded))

    def handle_comment(self, data: str) -> None:
        start = self._offset()
        directive = parse_directive(data, start, start + len(data) + 7)
        if directive:
            self.directives.append(directive)

    def _attributes(self, tag: str, attrs: list[tuple[str, str | None]], raw: str, start: int) -> None:
        values = dict(attrs)
        names: list[str] = [a for a in ATTRS if values.get(a)]
        if tag == "meta" and (values.get("name") or values.get("property") or "").lower() in META_NAMES:
            names.append("content")
        for name in names:
            m = re.search(_ATTR_RE.format(name=re.escape(name)), raw, re.IGNORECASE)
            if not m:
                continue
            group = next(g for g in (1, 2, 3) if m.group(g) is not None)
            vstart = start + m.start(group)
            vend = start + m.end(group)
            value = html.unescape(m.group(group))
            offsets, _ = align(self.src, vstart - self.base, vend - self.base, value)
            builder = BlockBuilder()
            builder.add_mapped(value, [o + self.base for o in offsets])
            block = builder.build("attribute", self.heading)
            if block:
                self.blocks.append(block)

    def _jsonld(self, data: str, start: int) -> None:
        try:
            json.loads(data)
        except (ValueError, RecursionError):
            return
        for key in JSONLD_KEYS:
            for m in re.finditer(r'"' + key + r'"\s*:\s*"((?:[^"\\]|\\.)*)"', data):
                try:
                    value = json.loads(f'"{m.group(1)}"')
                except ValueError:
                    continue
                if key == "name" and len(value.split()) < 4:
                    continue
                offsets, _ = align(data, m.start(1), m.end(1), value)
                builder = BlockBuilder()
                builder.add_mapped(value, [o + start for o in offsets])
                block = builder.build("metadata", self.heading)
                if block:
                    self.blocks.append(block)


def extract_html(text: str, base: int = 0) -> tuple[list[Block], list[Directive]]:
    """Blocks and directives of an HTML fragment that starts at ``base`` in its file."""
    parser = _Extractor(text, base)
    tokenize(text, parser)
    parser.flush()
    blocks, directives = parser.blocks, parser.directives
    if parser.skip_depth and parser.skip_depth[0] in VISIBLE_SKIP and parser.open_skip_at >= 0:
        # <pre> or <textarea> never closed: a browser shows the rest of the page.
        cut = parser.open_skip_at
        rest = _Extractor(text[cut:], base + cut, skip_visible=False)
        tokenize(text[cut:], rest)
        rest.flush()
        blocks = blocks + rest.blocks
        seen = {d.offset for d in directives}
        directives = directives + [d for d in rest.directives if d.offset not in seen]
    return blocks, directives


def parse_html(text: str) -> SourceDocument:
    blocks, directives = extract_html(text)
    return SourceDocument(text=text, blocks=blocks, directives=directives)
