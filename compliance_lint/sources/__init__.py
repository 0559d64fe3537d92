"""Turn input files into prose blocks with exact positions.

One module per format; ``load_document`` picks by extension (or ``fmt``).
"""

from __future__ import annotations

from pathlib import PurePath

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
    return EXTENSIONS.get(PurePath(path).suffix.lower(), "text")


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
