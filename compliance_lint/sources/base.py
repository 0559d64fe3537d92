"""Shared source types: the parsed document, suppression directives, decoding."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Any

from compliance_lint.errors import SourceError
from compliance_lint.textmap import Block


class BinaryFileError(SourceError):
    """The file looks binary (NUL bytes); skipped in folder walks."""


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

    A BOM is removed and not counted in columns (DESIGN). Files with NUL bytes
    and no UTF-16/32 BOM are binary. Invalid UTF-8 is an error that names the
    byte offset: guessing a legacy encoding silently could mis-place findings.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding), encoding, True
            except UnicodeDecodeError as exc:
                raise SourceError(path, f"cannot decode as {encoding} ({exc.reason} at byte {exc.start + len(bom)})") from None
    if b"\x00" in data[:8192]:
        raise BinaryFileError(path, "binary file (contains NUL bytes), skipped")
    try:
        return data.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError as exc:
        raise SourceError(
            path,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert the file to UTF-8",
        ) from None


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
