"""MDX: blank the JavaScript/JSX parts, keep the prose for the Markdown parser.

MDX is Markdown plus ESM (``import``/``export`` statements), JSX elements and
``{expressions}``. What is code is never linted: ESM blocks (until the next
blank line, as MDX reads them), expressions (with nested braces, strings and
comments, over several lines), and JSX tags with their attributes
(``<Chart label="..." data={[1, 2]} />``, fragments ``<>``). Prose between
JSX tags *is* linted, including Markdown nested inside components, also when
it is indented (MDX has no indented code blocks; the parser for MDX has that
rule off).

Blanking replaces every character but line breaks with a space, so offsets
and lines are those of the original file. ``{/* compliance-lint ... */}``
comments are suppression directives. Fenced code and inline code spans are
left as they are (the Markdown parser skips them anyway). Lower-case HTML
tags are left to the Markdown parser's HTML handling.
"""

from __future__ import annotations

import re

from compliance_lint.sources.base import Directive, SourceDocument, parse_directive

_FENCE = re.compile(r"[ \t]{0,3}(`{3,}|~{3,})")
_ESM = re.compile(r"(?:import|export)(?=[ \t{*])")
_NAME_START = re.compile(r"[A-Z_$]")
_ATTR_CHARS = re.compile(r"[^\s=/>{}\"']+")
# Each unclosed ``{`` or ``<Tag`` costs a scan to the end of the file: after this
# many, further ones are read as prose, so hostile input ("{" * 100000,
# "{/*" * 30000) stays linear instead of quadratic.
MAX_UNCLOSED = 64
_LONE_CR = re.compile(r"\r(?!\n)")
_NOT_BREAK = re.compile(r"[^\r\n]")
# The characters the scanner acts on between line starts; it steps over any other.
_ACTIVE = "\n\\`{<"
_NEXT_ACTIVE = re.compile(r"[\n\\`{<]")


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.out = list(text)
        self.directives: list[Directive] = []
        self.unclosed = 0
        self.no_close: dict[str, int] = {}  # backtick run -> offset from which it never occurs again

    def blank(self, start: int, end: int) -> None:
        """Every character of ``start:end`` but line breaks becomes a space."""
        end = min(end, self.n)
        if start < end:
            self.out[start:end] = _NOT_BREAK.sub(" ", self.text[start:end])

    # -- expressions ------------------------------------------------------
    def expression_end(self, i: int) -> int | None:
        """Index after the ``}`` closing the ``{`` at ``i``; None if unclosed."""
        text, n = self.text, self.n
        depth = 0
        k = i
        while k < n:
            c = text[k]
            if c in "\"'`":
                k = self.string_end(k)
                if k is None:
                    return None
                continue
            if c == "/" and text.startswith("/*", k):
                close = text.find("*/", k + 2)
                if close < 0:
                    return None
                k = close + 2
                continue
            if c == "/" and text.startswith("//", k):
                nl = text.find("\n", k)
                k = n if nl < 0 else nl
                continue
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    return k + 1
            elif c == "<" and k + 1 < n and (text[k + 1].isalpha() or text[k + 1] in "/>"):
                end = self.tag_end(k)  # JSX inside an expression may hold braces of its own
                if end is not None:
                    k = end
                    continue
            k += 1
        return None

    def string_end(self, i: int) -> int | None:
        text, n = self.text, self.n
        quote = text[i]
        k = i + 1
        while k < n:
            c = text[k]
            if c == "\\":
                k += 2
                continue
            if quote == "`" and c == "$" and text.startswith("${", k):
                end = self.expression_end(k + 1)
                if end is None:
                    return None
                k = end
                continue
            if c == quote:
                return k + 1
            if c == "\n" and quote != "`":
                return None
            k += 1
        return None

    # -- JSX tags ---------------------------------------------------------
    def is_jsx_start(self, i: int) -> bool:
        text = self.text
        nxt = text[i + 1:i + 2]
        if nxt == ">":
            return True  # fragment <>
        if nxt == "/":
            after = text[i + 2:i + 3]
            return after == ">" or bool(_NAME_START.match(after))
        return bool(_NAME_START.match(nxt))

    def tag_end(self, i: int) -> int | None:
        """Index after the ``>`` ending the tag that starts at ``i``; None if it does not end."""
        text, n = self.text, self.n
        k = i + 1
        if k < n and text[k] == "/":
            k += 1
        while k < n and (text[k].isalnum() or text[k] in "_$.:-"):
            k += 1
        while k < n:
            c = text[k]
            if c == ">":
                return k + 1
            if c == "/" and text.startswith("/>", k):
                return k + 2
            if c == "{":
                end = self.expression_end(k)
                if end is None:
                    return None
                k = end
                continue
            if c in "\"'":
                end = self.string_end(k) if c == "'" or c == '"' else None
                if end is None:
                    # attribute strings may span lines in JSX
                    close = text.find(c, k + 1)
                    if close < 0:
                        return None
                    end = close + 1
                k = end
                continue
            if c == "<":
                return None  # not a tag after all
            k += 1
        return None

    # -- main loop ----------------------------------------------------------
    def run(self) -> str:
        text, n = self.text, self.n
        i = 0
        fence: str | None = None
        at_line_start = True
        while i < n:
            if at_line_start:
                eol = text.find("\n", i)
                eol = n if eol < 0 else eol + 1
                line = text[i:eol]
                m = _FENCE.match(line)
                if fence is not None:
                    if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line[m.end():].strip():
                        fence = None
                    i = eol
                    continue
                if m and not (m.group(1)[0] == "`" and "`" in line[m.end():]):
                    fence = m.group(1)
                    i = eol
                    continue
                if _ESM.match(line):
                    end = self._esm_end(i)
                    self.blank(i, end)
                    i = end
                    continue
                at_line_start = False
            c = text[i]
            if c not in _ACTIVE:
                # nothing to do before the next character that may start something
                m = _NEXT_ACTIVE.search(text, i + 1)
                i = m.start() if m else n
                continue
            if c == "\n":
                at_line_start = True
                i += 1
                continue
            if c == "\\":
                i += 2
                continue
            if c == "`":
                run_end = i
                while run_end < n and text[run_end] == "`":
                    run_end += 1
                ticks = text[i:run_end]
                if self.no_close.get(ticks, n + 1) <= run_end:
                    i = run_end
                    continue
                close = text.find(ticks, run_end)
                while close >= 0 and text[close + len(ticks):close + len(ticks) + 1] == "`":
                    close = text.find(ticks, close + len(ticks) + 1)
                if close < 0:
                    self.no_close[ticks] = run_end
                i = close + len(ticks) if close >= 0 else run_end
                continue
            if c == "{" and self.unclosed < MAX_UNCLOSED:
                end = self.expression_end(i)
                if end is None:
                    self.unclosed += 1
                else:
                    inner = text[i + 1:end - 1].strip()
                    if inner.startswith("/*") and inner.endswith("*/"):
                        d = parse_directive(inner[2:-2], i, end)
                        if d:
                            self.directives.append(d)
                    self.blank(i, end)
                    i = end
                    continue
            if c == "<" and self.unclosed < MAX_UNCLOSED and self.is_jsx_start(i):
                end = self.tag_end(i)
                if end is None:
                    self.unclosed += 1
                else:
                    self.blank(i, end)
                    i = end
                    continue
            i += 1
        return "".join(self.out)

    def _esm_end(self, i: int) -> int:
        """ESM runs to the next blank line (or the end)."""
        m = re.compile(r"\n[ \t]*(?:\r?\n|$)").search(self.text, i)
        return m.start() + 1 if m else self.n


def blank_mdx(text: str) -> tuple[str, list[Directive]]:
    """(text with ESM, expressions and JSX tags blanked, suppression directives)."""
    # A lone \r is a line break too (DESIGN); the scanner looks for \n only, so it
    # reads a copy with the same length where each lone \r is a \n.
    scanner = _Scanner(_LONE_CR.sub("\n", text) if "\r" in text else text)
    try:
        work = scanner.run()
    except RecursionError:  # JSX and expressions nested thousands deep: lint it all as Markdown
        return text, []
    return work, scanner.directives


def parse_mdx(text: str) -> SourceDocument:
    """Parse MDX: blank the code, parse the rest as Markdown without indented code blocks.

    Blocks map into the blanked text, whose offsets are the original's; the
    document keeps the original text (findings quote it).
    """
    from compliance_lint.sources.markdown import parse_markdown

    work, directives = blank_mdx(text)
    doc = parse_markdown(work, indented_code=False)
    doc.text = text
    doc.directives = sorted([*directives, *doc.directives], key=lambda d: d.offset)
    return doc
