"""Plain text: blank-line separated paragraphs, nothing skipped but URLs."""

from __future__ import annotations

from compliance_lint.sources.base import SourceDocument
from compliance_lint.textmap import plain_blocks


def parse_text(text: str) -> SourceDocument:
    return SourceDocument(text=text, blocks=plain_blocks(text))
