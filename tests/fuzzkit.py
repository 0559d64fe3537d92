"""Strategies and properties shared by tests/test_fuzz_*.py and fuzz/run_fuzz.py.

Inputs are built from pieces that matter to the parsers (markup openers and
closers, entities, line breaks of every kind, invisible and look-alike
characters, rule terms) mixed with arbitrary Unicode, so a few hundred
examples reach the interesting corners.

Properties (every check computes positions itself, never from ``Finding.start``):

- parsing never raises anything but ``SourceError`` (binary, undecodable);
- every prose character maps to a source character that produced it (same
  letter after normalisation, or an entity / escape that decodes to it);
- every finding lies inside the document, on a real line and column, and its
  ``match`` is the decoded source between (line, column) and (end_line, end_column);
- the normalised match contains the rule's term (the finding is where it says).
"""

from __future__ import annotations

import html
from array import array
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from robustkit import assert_positions

from compliance_lint.errors import SourceError
from compliance_lint.sources import load_document
from compliance_lint.textmap import normalise

PIECES = [
    "cure", "miracle", "根治", "无毒副作用", "100% effective", "Cure", "CURES",
    "<p>", "</p>", "<div>", "</div>", "<br>", "<b>", "</b>", "<pre>", "</pre>", "<code>", "</code>", "<li>",
    "<script>", "</script>", "<style>", "<!--", "-->", "<!-- compliance-lint disable -->",
    "<!-- compliance-lint enable -->", "<!-- compliance-lint disable-next-line zrb.cure -->",
    '<meta name="description" content="a cure">', '<img alt="miracle cure">', '<a title="cure" href="x">',
    '<script type="application/ld+json">{"description": "a cure"}</script>', "<![CDATA[", "]]>", "<?", "<!",
    "```", "~~~", "    ", "\t", "# ", "## ", "> ", "- ", "* ", "1. ", "| a | b |\n|---|---|\n", "| cure |", "---\n",
    "---\ntitle: a cure\n---\n", "[a](b)", "[cure](http://x)", "![alt cure](x.png)", "<http://cure.example>",
    "**", "__", "_", "*", "`", "\\", "\\*", "[", "]", "(", ")", "<", ">", "&", ";", "#",
    "&amp;", "&#99;", "&#x75;", "&shy;", "&nbsp;", "&bogus;", "&#0;", "&#99999999;",
    "\n", "\n\n", "\r\n", "\r", "\u2028", "\x85", "\x0c", "\x0b",
    "\x00", "\u200b", "\u200d", "\u202e", "\u2066", "\ufeff", "\u00ad", "\ufe0f", "\U000e0041",
    "{", "}", "{/* compliance-lint disable */}", "<Chart data={[1, 2]} />", "<Note>", "</Note>", "import x from 'y'\n",
    "export const a = 1\n", "<>", "</>", "${",
    "ｃｕｒｅ", "\u0441ure", "\U0001d41c", "\u2f46", "\u0301", "😀", "http://x.y/cure", "www.cure.com", "a@b.cd",
]

_chars = st.characters(blacklist_categories=("Cs",))
piece = st.one_of(
    st.sampled_from(PIECES),
    st.text(_chars, max_size=6),
    st.text(st.sampled_from("ab cure*_[]()<>&;#!\n\r`\\|-~=\"'/"), max_size=10),
)
documents = st.lists(piece, max_size=40).map("".join)
formats = st.sampled_from(["markdown", "html", "text", "mdx"])
NAMES = {"markdown": "x.md", "html": "x.html", "text": "x.txt", "mdx": "x.mdx"}

TERMS = {
    "zrb.cure": ("cure", "miracle"),
    "zrb.zh-cure": ("根治", "无毒副作用"),
    "zrb.percent": ("100%effective",),
}


def fold(text: str) -> str:
    """What a reader sees in ``text``: entities decoded, invisibles dropped, width and
    look-alikes folded, lower case, no whitespace."""
    decoded = html.unescape(text)
    norm, _ = normalise(decoded, array("q", range(len(decoded))))
    return "".join(norm.lower().split())


def parse_property(text: str, fmt: str) -> Any:
    """Parse ``text`` as ``fmt``; check the offset map of every block. Returns the document or None."""
    try:
        doc = load_document(NAMES[fmt], text.encode("utf-8"), fmt)
    except SourceError:
        assert "\x00" in text, text  # only NUL-heavy text is refused (as binary)
        return None
    source = doc.text
    assert source == (text[1:] if text.startswith("\ufeff") else text)  # a UTF-8 BOM is not content
    n = len(source)
    for block in doc.blocks:
        assert len(block.offsets) == len(block.text) + 1
        assert 0 <= block.offsets[len(block.text)] <= n
        for i, ch in enumerate(block.text):
            offset = block.offsets[i]
            assert 0 <= offset < n, (offset, n, text)
            if ch.isascii() and ch.isalnum():
                src = source[offset]
                produced = fold(src) if src not in "&\\" else ch.lower()
                assert ch.lower() in produced, (fmt, ch, src, offset, text, block.text)
        if block.text:
            a, b = block.span(0, len(block.text))
            assert 0 <= a < b <= n + 1
    return doc


def findings_property(text: str, findings: list[dict[str, Any]]) -> None:
    """Positions inside the document, ``match`` equal to the slice there, the term inside it."""
    assert_positions(text, findings)
    for f in findings:
        assert f["match"], f
        seen = fold(f["match"])
        assert any(term in seen for term in TERMS[f["rule"]]), (f["rule"], f["match"], text)


class InProcess:
    """The test pack compiled once; lints text as a file would be linted."""

    def __init__(self, root: Path) -> None:
        from robustkit import make_project

        from compliance_lint.config import load_config
        from compliance_lint.packs import load_registry
        from compliance_lint.runner import build_linter

        make_project(root)
        self.root = root
        self.config = load_config(str(root / ".compliance-lint.yaml"))
        self.linter = build_linter(load_registry(self.config.rule_paths), ["zrb"], self.config)

    def lint(self, text: str, fmt: str) -> tuple[str, list[dict[str, Any]]] | None:
        from compliance_lint.runner import lint_file

        result = lint_file(self.linter, self.config, str(self.root / NAMES[fmt]), True, stdin_bytes=text.encode("utf-8"))
        if result.error is not None:
            assert "binary file" in result.error.message, result.error.message
            return None
        return result.document.text, [f.to_json() for f in result.findings]
