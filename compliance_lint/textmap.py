"""Prose blocks with a per-character map back to the original file.

Sources (Markdown, HTML, text, Word) build ``Block`` objects through
``BlockBuilder``: every character of the prose to lint remembers the offset of
the original character it came from, so a finding in normalised prose points
at the exact characters the writer typed.
"""

from __future__ import annotations

import html
import re
import unicodedata
from array import array
from dataclasses import dataclass, field, replace

# Characters that render as nothing but split a word: a zero-width space inside
# "cu\u200bre" must not hide "cure".
INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068"
    "\u2069\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufeff\uffa0"
    # NUL (a stray one must not split "cu\0re"), variation selectors, tag characters.
    "\x00\ufff9\ufffa\ufffb"
    + "".join(chr(c) for c in range(0xFE00, 0xFE10))
    + "".join(chr(c) for c in range(0xE0000, 0xE0080))
    + "".join(chr(c) for c in range(0xE0100, 0xE01F0))
)

# Latin look-alikes from Cyrillic and Greek that evade word lists ("сure").
HOMOGLYPHS = {
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i",
    "ј": "j", "ѕ": "s", "ԁ": "d", "ɡ": "g", "һ": "h", "ӏ": "l", "ո": "n", "ս": "u",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X", "Υ": "Y", "Ζ": "Z", "Α": "A", "Β": "B", "Ε": "E",
    "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Χ": "X",
    "ο": "o", "ν": "v", "ι": "i",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2212": "-",
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
}


@dataclass
class Block:
    """A unit of prose (paragraph, heading, list item, table cell, field).

    ``offsets[i]`` is the offset in the original decoded file of ``text[i]``;
    ``offsets[len(text)]`` is one past the last mapped character.
    """

    text: str
    offsets: array
    kind: str = "paragraph"
    heading: str = ""
    lang: str = ""
    suppress_key: int = 0

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) offsets of prose ``text[start:end]``."""
        if end <= start:
            end = start + 1
        first = self.offsets[start]
        last = self.offsets[end - 1] + 1
        return first, max(last, first + 1)


@dataclass
class BlockBuilder:
    """Accumulates prose pieces with their original offsets."""

    chars: list[str] = field(default_factory=list)
    offsets: array = field(default_factory=lambda: array("q"))
    # No offset added so far is larger (kept by the add_* methods; lets
    # clamp_offsets skip blocks that cannot reach past the end of the file).
    top: int = -1

    def add_source(self, text: str, start: int) -> None:
        """Add ``text`` which appears verbatim at ``start`` in the original."""
        self.chars.append(text)
        self.offsets.extend(_counting(start, start + len(text)))
        if text and start + len(text) - 1 > self.top:
            self.top = start + len(text) - 1

    def add_aligned(self, source: str, start: int, end: int, text: str) -> int:
        """Add parser output ``text`` located with ``align(source, start, end, text)``;
        returns the position after it in ``source``. Text found verbatim at
        ``start`` (most of it) skips the character-by-character walk."""
        n = len(text)
        if n:
            at = start
            if not (start + n <= end and source.startswith(text, start)):
                at = _verbatim_after_markup(source, start, end, text)
            if at >= 0:
                self.chars.append(text)
                self.offsets.extend(_counting(at, at + n))
                if at + n - 1 > self.top:
                    self.top = at + n - 1
                return at + n
        offsets, pos = align(source, start, end, text)
        self.add_mapped(text, offsets)
        return pos

    def add_mapped(self, text: str, offsets: list[int]) -> None:
        self.chars.append(text)
        self.offsets.extend(offsets)
        if len(offsets):
            self.top = max(self.top, max(offsets))

    def add_char(self, char: str, offset: int) -> None:
        self.chars.append(char)
        self.offsets.append(offset)
        if offset > self.top:
            self.top = offset

    def separator(self, offset: int) -> None:
        """A space standing for markup or a line break, unless one is already there."""
        if self.chars and not self.chars[-1].endswith(" "):
            self.add_char(" ", offset)

    def empty(self) -> bool:
        return not "".join(self.chars).strip()

    def build(self, kind: str = "paragraph", heading: str = "") -> Block | None:
        text = "".join(self.chars)
        if not text.strip():
            return None
        norm, offsets = normalise(text, self.offsets)
        norm = mask_urls(norm)
        if not norm.strip():
            return None
        block = Block(norm, offsets, kind=kind, heading=heading)
        # normalise only keeps, drops or repeats offsets: none of the block's exceeds top
        block._top = self.top  # type: ignore[attr-defined]
        return block


def verbatim_block(text: str, start: int, kind: str = "paragraph", heading: str = "") -> Block | None:
    """The block of ``text``, found verbatim at ``start`` in the original: what
    ``BlockBuilder`` builds after ``add_source(text, start)``.

    Most paragraphs have nothing for ``normalise`` to change; their offsets are
    then ``start`` up to ``start + len(text)``, copied at once, with no builder.
    """
    n = len(text)
    if not n or start + n + 1 > _COUNT_MAX or _SPECIAL.search(text) is not None:
        builder = BlockBuilder()
        builder.add_source(text, start)
        return builder.build(kind, heading)
    norm = mask_urls(text)
    if not norm.strip():
        return None
    block = Block(norm, _counting(start, start + n + 1), kind=kind, heading=heading)
    block._top = start + n - 1  # type: ignore[attr-defined]
    return block


# Offsets of verbatim text are consecutive: copied from a slice of 0, 1, 2, ...
# (C speed) rather than made one int at a time. Grown on demand up to a bound.
_COUNT_MAX = 1 << 18
_count = array("q")


def _counting(start: int, stop: int) -> array | range:
    """``start, start + 1, ..., stop - 1`` for ``array.extend``."""
    count = _count
    if stop > len(count):
        if stop > _COUNT_MAX:
            return range(start, stop)
        count = _grow_count(stop)
    return count[start:stop]


def _grow_count(stop: int) -> array:
    global _count
    _count = array("q", range(min(_COUNT_MAX, max(stop, 2 * len(_count), 4096))))
    return _count


def normalise(text: str, offsets: array) -> tuple[str, array]:
    """Drop invisible characters, fold width/compatibility forms and homoglyphs.

    NFKC may turn one character into several ("ﬁ" -> "fi"); every produced
    character keeps the offset of its source character, so positions survive.
    """
    if _SPECIAL.search(text) is None:
        # nothing to change (most prose): the loop below would copy it whole
        out_offsets = offsets[:len(text)]
        out_offsets.append(_end_offset(text, offsets))
        return text, out_offsets
    out: list[str] = []
    out_offsets = array("q")
    pos = 0
    # Runs of printable ASCII and common CJK ideographs need no change: copy them
    # whole (C speed); only the characters between them are looked at one by one.
    for m in _SPECIAL.finditer(text):
        i = m.start()
        if i > pos:
            out.append(text[pos:i])
            out_offsets.extend(offsets[pos:i])
        pos = i + 1
        ch = text[i]
        off = offsets[i]
        if ch in INVISIBLE:
            continue
        if ch in ("\t", "\n", "\r", "\u00a0", "\u3000", "\u2028", "\u2029"):
            out.append(" ")
            out_offsets.append(off)
            continue
        if ord(ch) < 128:
            out.append(ch)
            out_offsets.append(off)
            continue
        rep = HOMOGLYPHS.get(ch)
        if rep is None:
            rep = unicodedata.normalize("NFKC", ch) if _needs_nfkc(ch) else ch
        out.append(rep)
        out_offsets.extend([off] * len(rep))
    if pos < len(text):
        out.append(text[pos:])
        out_offsets.extend(offsets[pos:len(text)])
    out_offsets.append(_end_offset(text, offsets))
    return "".join(out), out_offsets


def _end_offset(text: str, offsets: array) -> int:
    if len(offsets) > len(text):
        return offsets[len(text)]
    return (offsets[-1] + 1) if len(offsets) else 0


_SPECIAL = re.compile(r"[^\x20-\x7e\u4e00-\u9fff]")


def _needs_nfkc(ch: str) -> bool:
    code = ord(ch)
    # Full-width ASCII, half-width forms, ligatures, enclosed and math alphanumerics.
    return (
        0xFF00 <= code <= 0xFFEF
        or 0xFB00 <= code <= 0xFB4F
        or 0x1D400 <= code <= 0x1D7FF
        or 0x2460 <= code <= 0x24FF
        or 0x2100 <= code <= 0x214F
        or 0x2080 <= code <= 0x209F  # subscripts; superscripts stay (footnote markers)
        # CJK look-alikes: Kangxi radicals ("⽆" for 无), compatibility ideographs.
        or 0x2F00 <= code <= 0x2FDF
        or 0xF900 <= code <= 0xFAFF
        or 0x2F800 <= code <= 0x2FA1F
        or ch in "\u2010\u2011\u2012\u2013\u2212"
    )


# Blocks are tokenized whole by spaCy; one longer than this (a 5 MB single-line
# file, a giant table row) is cut into pieces at sentence ends, else at
# whitespace, so it stays far below ``nlp.max_length`` and linear to scan.
MAX_BLOCK_CHARS = 100_000
_CUT_AFTER = (". ", "! ", "? ", "; ", "。", "！", "？", "；", "…", "\n", "，", "、")


def split_long_blocks(blocks: list[Block], limit: int = MAX_BLOCK_CHARS) -> list[Block]:
    """Blocks no longer than ``limit`` characters, offsets kept (idempotent)."""
    if all(len(b.text) <= limit for b in blocks):
        return blocks
    out: list[Block] = []
    for block in blocks:
        text = block.text
        n = len(text)
        if n <= limit:
            out.append(block)
            continue
        start = 0
        while start < n:
            end = min(n, start + limit)
            if end < n:
                end = _cut_point(text, start, end)
            out.append(replace(block, text=text[start:end], offsets=block.offsets[start:end + 1]))
            start = end
    return out


def clamp_offsets(blocks: list[Block], length: int) -> None:
    """Keep every character's offset inside a document of ``length`` characters.

    A separator standing for markup at the very end of the file (an empty last
    table cell, a tag closing the document) may carry ``length`` itself; a
    finding ending on it would point one past the end of the file.
    """
    last = max(length - 1, 0)
    for block in blocks:
        top = getattr(block, "_top", None)
        if top is not None and top <= last:
            continue  # no offset of it is past the end (built by BlockBuilder, unchanged since)
        n = len(block.text)
        # such separators come last in their block (nothing follows the end of
        # the file), so looking at the tail is enough and stays cheap on 50 MB
        if n and max(block.offsets[max(0, n - 256):n]) > last:
            fixed = array("q", (min(o, last) for o in block.offsets[:n]))
            fixed.append(min(block.offsets[n], length) if len(block.offsets) > n else length)
            block.offsets = fixed


def _cut_point(text: str, start: int, end: int) -> int:
    lo = start + (end - start) // 2
    best = max((text.rfind(p, lo, end) + len(p) for p in _CUT_AFTER if text.rfind(p, lo, end) >= 0), default=-1)
    if best > lo:
        return best
    space = max(text.rfind(" ", lo, end), text.rfind("\u3000", lo, end))
    return space + 1 if space >= lo else end


def plain_blocks(text: str, base: int = 0, kind: str = "paragraph") -> list[Block]:
    """Split plain text into blank-line separated blocks (line breaks become spaces)."""
    blocks: list[Block] = []
    builder = BlockBuilder()
    size = 0
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        # A blank line ends a block; so does a very long run of lines (a file
        # with no blank line at all), at a line end rather than mid-sentence.
        if not body.strip() or size + len(body) > MAX_BLOCK_CHARS:
            block = builder.build(kind)
            if block:
                blocks.append(block)
            builder = BlockBuilder()
            size = 0
        if body.strip():
            if builder.chars:
                builder.add_char(" ", base + pos - 1 if pos else base)
            builder.add_source(body, base + pos)
            size += len(body) + 1
        pos += len(line)
    block = builder.build(kind)
    if block:
        blocks.append(block)
    return blocks


_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def align(source: str, start: int, end: int, target: str) -> tuple[list[int], int]:
    """Locate the characters of ``target`` (parser output) in ``source[start:end]``.

    Parsers hand back text with markup removed, escapes resolved and entities
    decoded; this walks the source in order and maps each target character to
    the source character that produced it, skipping markup in between.
    Returns the offsets and the position just after the last mapped character.
    Characters that cannot be found map to the current position (never raises).
    """
    offsets: list[int] = []
    absent: dict[str, int] = {}
    pos = start
    i = 0
    n = len(target)
    while i < n:
        ch = target[i]
        if pos >= end:
            offsets.extend([max(start, end - 1)] * (n - i))
            break
        if source[pos] == ch:
            # verbatim run: each character maps to the next source character
            # (what the loop below does one by one), copied in one step
            run = _common_run(source, pos, end, target, i)
            offsets.extend(range(pos, pos + run))
            pos += run
            i += run
            continue
        found = -1
        scan = pos
        limit = min(end, pos + 400)
        while scan < limit:
            sc = source[scan]
            if sc == ch:
                found = scan
                width = 1
                break
            if sc == "\\" and scan + 1 < end and source[scan + 1] == ch:
                found = scan + 1
                width = 1
                break
            if sc == "&":
                m = _ENTITY.match(source, scan, end)
                if m:
                    decoded = html.unescape(m.group(0))
                    if decoded and target.startswith(decoded, i):
                        offsets.extend([scan] * len(decoded))
                        i += len(decoded)
                        pos = m.end()
                        found = -2
                        break
            if ch == " " and sc in "\r\n\t":
                found = scan
                width = 1
                break
            scan += 1
        if found == -2:
            continue
        if found < 0 and limit < end and absent.get(ch, end + 1) > pos:
            # Far past a long run of markup ("*" * 20000 + "cure"): one C-speed
            # search; a character absent from the rest is remembered as such,
            # so this stays linear.
            found = source.find(ch, limit, end)
            width = 1
            if found < 0:
                absent[ch] = pos
        if found < 0:
            offsets.append(pos)
            i += 1
            continue
        offsets.append(found)
        pos = found + width
        i += 1
    return offsets, pos


def _verbatim_after_markup(source: str, start: int, end: int, target: str) -> int:
    """Where ``align`` maps ``target`` when it lies verbatim a little after ``start``
    (past a list marker, "**", "# "), else -1 (then ``align`` decides).

    ``align`` maps the first character to its first occurrence (or an escape
    of it, or an entity, or a line break for a space) from ``start``; when none
    of these is in the gap before the verbatim copy, that is the copy, and the
    rest follows it character for character.
    """
    at = source.find(target, start, min(end, start + len(target) + _GAP))
    if at < 0:
        return -1
    first = target[0]
    if source.find(first, start, at) >= 0 or source.find("&", start, at) >= 0:
        return -1
    if first == " " and any(source.find(c, start, at) >= 0 for c in "\r\n\t"):
        return -1
    return at


_GAP = 400


def _common_run(source: str, pos: int, end: int, target: str, i: int) -> int:
    """Length of the common prefix of ``source[pos:end]`` and ``target[i:]`` (at least 1)."""
    hi = min(end - pos, len(target) - i)
    if source.startswith(target[i:i + hi], pos, end):
        return hi
    lo = 1  # source[pos] == target[i]
    hi -= 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if source.startswith(target[i:i + mid], pos, end):
            lo = mid
        else:
            hi = mid - 1
    return lo


URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]\"'，。；！？]+", re.IGNORECASE)
_EMAIL_LOCAL = re.compile(r"[\w.+-]{1,64}$")
_EMAIL_DOMAIN = re.compile(r"[\w-]+\.[\w.-]*\w")


def mask_urls(text: str) -> str:
    """Replace bare URLs and e-mail addresses with spaces (never linted).

    E-mail addresses are found from each ``@`` outwards (a local part of at
    most 64 characters), never by a regex that retries at every word start:
    that is quadratic on text like "a.a.a.a…@".
    """
    if "http" not in text and "www." not in text and "@" not in text:
        return text

    def blank(m: re.Match[str]) -> str:
        return " " * len(m.group(0))

    text = URL_RE.sub(blank, text)
    if "@" not in text:
        return text
    chars = list(text)
    at = text.find("@")
    while at >= 0:
        local = _EMAIL_LOCAL.search(text, max(0, at - 64), at)
        domain = _EMAIL_DOMAIN.match(text, at + 1)
        if local and domain:
            chars[local.start():domain.end()] = " " * (domain.end() - local.start())
        at = text.find("@", domain.end() if local and domain else at + 1)
    return "".join(chars)
