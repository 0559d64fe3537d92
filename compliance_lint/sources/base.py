"""Shared source types: the parsed document, suppression directives, decoding."""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass, field
from typing import Any

from compliance_lint.errors import SourceError
from compliance_lint.textmap import Block


class SkippedFileError(SourceError):
    """Not text to lint (binary, FIFO, device, broken link): an error when named,
    a notice when met in a folder walk."""


class BinaryFileError(SkippedFileError):
    """The file looks binary (NUL bytes); skipped in folder walks."""


def display_path(path: str) -> str:
    """``path`` printable anywhere: undecodable bytes in a file name (Python keeps
    them as lone surrogates) are shown as ``\\xff`` escapes, so no reporter,
    hash or terminal ever meets a character it cannot encode."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")


@dataclass
class Directive:
    """An inline ``compliance-lint`` comment: disable / enable / disable-next-line."""

    action: str
    targets: tuple[str, ...]
    offset: int
    end: int
    reason: str = ""
    used: bool = False


@dataclass
class SourceDocument:
    """A parsed input: the decoded original text and the prose blocks to lint."""

    text: str
    blocks: list[Block]
    path: str = ""
    format: str = "text"
    encoding: str = "utf-8"
    bom: bool = False
    front_matter: dict[str, Any] = field(default_factory=dict)
    directives: list[Directive] = field(default_factory=list)
    line_offset_map: Any = None
    paragraph_lines: dict[int, str] | None = None


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_bytes(path: str, data: bytes) -> tuple[str, str, bool]:
    """Decode with BOM sniffing; UTF-8 otherwise. Returns (text, encoding, bom).

    A BOM is removed and not counted in columns (DESIGN). Without a BOM the
    file must be UTF-8: guessing a legacy encoding (Latin-1, GB18030) silently
    could mis-read words and drop findings, so invalid UTF-8 is an error that
    names the line, column and byte. A file is binary (skipped in folder walks)
    when it has NUL bytes and is not UTF-8 text, or is mostly control bytes;
    a UTF-8 text with a stray NUL is still linted (the NUL counts as nothing,
    so it cannot hide a word).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding), encoding, True
            except UnicodeDecodeError as exc:
                raise SourceError(path, f"cannot decode as {encoding} ({exc.reason} at byte {exc.start + len(bom)})") from None
    has_nul = b"\x00" in data[:8192]
    if has_nul and _mostly_control(data[:8192]):
        raise BinaryFileError(path, "binary file (contains NUL bytes), skipped")
    try:
        return data.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError as exc:
        if has_nul or b"\x00" in data:
            raise BinaryFileError(path, "binary file (contains NUL bytes), skipped") from None
        raise SourceError(path, _utf8_problem(data, exc.start)) from None


_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 12, 13)) + b"\x7f"


def _mostly_control(sample: bytes) -> bool:
    """More than one byte in ten is a control character (NUL included)."""
    if not sample:
        return False
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    return controls * 10 > len(sample)


def _utf8_problem(data: bytes, start: int) -> str:
    from compliance_lint.positions import LineIndex

    prefix = data[:start].decode("utf-8", "replace")
    line, col = LineIndex(prefix).line_col(len(prefix))
    return (
        f"not valid UTF-8: byte 0x{data[start]:02x} at line {line}, column {col} (offset {start}); "
        "only UTF-8, and UTF-16/32 with a BOM, are read: convert the file to UTF-8 "
        "(for example: iconv -f GB18030 -t UTF-8, or -f LATIN1)"
    )


_DIRECTIVE = re.compile(
    r"compliance-lint\s+(disable-next-line|disable|enable)\b\s*([^\n]*?)\s*$",
    re.IGNORECASE,
)


def parse_directive(comment: str, offset: int, end: int) -> Directive | None:
    """Parse the body of a comment; ``None`` when it is not a directive."""
    m = _DIRECTIVE.search(comment.strip())
    if not m:
        return None
    action = m.group(1).lower()
    rest = m.group(2)
    reason = ""
    if " -- " in f" {rest} ":
        head, _, reason = f" {rest} ".partition(" -- ")
        rest = head
        reason = reason.strip()
    elif rest.startswith("--"):
        reason = rest[2:].strip()
        rest = ""
    targets = tuple(t.strip() for t in re.split(r"[,\s]+", rest) if t.strip())
    return Directive(action, targets, offset, end, reason)
