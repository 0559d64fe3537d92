"""Turn input files into prose blocks with exact positions.

One module per format; ``load_document`` picks by extension (or ``fmt``).
"""

from __future__ import annotations

import sys
from pathlib import PurePath, PurePosixPath

from compliance_lint.sources.base import (
    BinaryFileError,
    Directive,
    SourceDocument,
    decode_bytes,
)
from compliance_lint.textmap import clamp_offsets, split_long_blocks

EXTENSIONS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".mdx": "mdx",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".txt": "text",
    ".text": "text",
    ".docx": "docx",
}


def format_for(path: str) -> str:
    return EXTENSIONS.get(_suffix(path).lower(), "text")


def _suffix(path: str) -> str:
    """``PurePath(path).suffix``, read from the text after the last "/" when that is
    a plain file name on a POSIX system (making the PurePath took 7 us a file)."""
    name = path.rpartition("/")[2]
    if _POSIX and name and name not in (".", ".."):
        i = name.rfind(".")
        return name[i:] if 0 < i < len(name) - 1 else ""
    return PurePath(path).suffix


_POSIX = type(PurePath()) is PurePosixPath and sys.version_info < (3, 14)  # the suffix rule of 3.11-3.13


def load_document(path: str, data: bytes, fmt: str | None = None) -> SourceDocument:
    """Parse ``data`` read from ``path``; raises SourceError / BinaryFileError."""
    fmt = fmt or format_for(path)
    if fmt == "docx":
        from compliance_lint.sources.docx import parse_docx

        return parse_docx(path, data)
    text, encoding, bom = decode_bytes(path, data)
    if fmt in ("markdown", "mdx"):
        from compliance_lint.sources.markdown import parse_markdown

        doc = parse_markdown(text, mdx=fmt == "mdx")
    elif fmt == "html":
        from compliance_lint.sources.html import parse_html

        doc = parse_html(text)
    else:
        from compliance_lint.sources.text import parse_text

        doc = parse_text(text)
    doc.blocks = split_long_blocks(doc.blocks)
    clamp_offsets(doc.blocks, len(doc.text))
    doc.path = path
    doc.format = fmt
    doc.encoding = encoding
    doc.bom = bom
    return doc


__all__ = [
    "BinaryFileError",
    "Directive",
    "SourceDocument",
    "EXTENSIONS",
    "format_for",
    "load_document",
]
