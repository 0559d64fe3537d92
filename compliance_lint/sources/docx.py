"""Word files (.docx), read with python-docx and its lxml element tree.

Positions are by paragraph: ``SourceDocument.text`` is the document's
paragraphs joined by "\\n", one line per paragraph, so a finding's *line* is
the paragraph number (counting headings, list items, each paragraph of each
table cell, and text-box paragraphs, in document order) and its *column* the
character within that paragraph. Footnotes and then endnotes follow the body,
one line per footnote paragraph. Line breaks inside a paragraph (Shift+Enter)
become spaces so the numbering holds.

Text is read from the XML rather than ``Paragraph.text`` so that text in
hyperlinks, content controls, simple fields, smart tags and tracked insertions
is linted too; tracked deletions and field instructions are not. Word files
are never rewritten (``--fix`` skips them) and carry no inline suppression
comments: use ``per_path`` in the config or a baseline.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from compliance_lint.errors import SourceError
from compliance_lint.sources.base import SourceDocument
from compliance_lint.textmap import Block, BlockBuilder

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
RT_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
RT_ENDNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"
MAX_UNCOMPRESSED = 256 * 1024 * 1024


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


P, TBL, TR, TC, SDT, SDT_CONTENT = _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("sdt"), _w("sdtContent")
T, TAB, BR, CR, NB_HYPHEN = _w("t"), _w("tab"), _w("br"), _w("cr"), _w("noBreakHyphen")
TXBX, PPR, DEL, MOVE_FROM = _w("txbxContent"), _w("pPr"), _w("del"), _w("moveFrom")
FALLBACK = f"{{{MC}}}Fallback"
SKIP_SUBTREES = frozenset({TXBX, PPR, DEL, MOVE_FROM, FALLBACK, _w("rPr"), _w("instrText"), _w("delText")})


@dataclass
class Line:
    text: str
    kind: str


def _para_text(p: Any, boxes: list[Any]) -> str:
    """Visible text of one ``w:p``; text-box paragraphs are collected into ``boxes``."""
    out: list[str] = []

    def walk(el: Any) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag == TXBX:
                boxes.extend(child.iter(P))
                continue
            if tag in SKIP_SUBTREES:
                continue
            if tag == T:
                out.append(child.text or "")
            elif tag == TAB:
                out.append("\t")
            elif tag in (BR, CR):
                out.append(" ")
            elif tag == NB_HYPHEN:
                out.append("-")
            else:
                walk(child)

    walk(p)
    return "".join(out).replace("\r", " ").replace("\n", " ")


def _kind(p: Any) -> str:
    ppr = p.find(PPR)
    if ppr is not None:
        style = ppr.find(_w("pStyle"))
        sid = (style.get(_w("val")) or "") if style is not None else ""
        if sid.lower().startswith(("heading", "title", "subtitle")) or ppr.find(_w("outlineLvl")) is not None:
            return "heading"
        if ppr.find(_w("numPr")) is not None or sid.lower().startswith("list"):
            return "list_item"
    return "paragraph"


def _paragraph(p: Any, lines: list[Line], kind: str | None = None) -> None:
    boxes: list[Any] = []
    lines.append(Line(_para_text(p, boxes), kind or _kind(p)))
    for box_p in boxes:
        _paragraph(box_p, lines, "text_box")


def _content(container: Any, lines: list[Line], in_table: bool = False) -> None:
    """Block-level content in document order: paragraphs, tables, content controls."""
    for child in container:
        tag = child.tag
        if tag == P:
            _paragraph(child, lines, "table_cell" if in_table else None)
        elif tag == TBL:
            for tr in child.iter(TR):
                if tr.getparent() is not child:
                    continue  # rows of nested tables are reached through their cell
                for tc in tr.findall(TC):
                    _content(tc, lines, in_table=True)
        elif tag == SDT:
            content = child.find(SDT_CONTENT)
            if content is not None:
                _content(content, lines, in_table)
        elif tag in (_w("customXml"), _w("ins"), _w("moveTo")):
            _content(child, lines, in_table)


def _notes(document: Any, reltype: str, note_tag: str, kind: str, lines: list[Line]) -> None:
    from docx.oxml import parse_xml

    for rel in document.part.rels.values():
        if rel.reltype != reltype or rel.is_external:
            continue
        root = parse_xml(rel.target_part.blob)
        for note in root.findall(_w(note_tag)):
            if note.get(_w("type")) in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            for p in note.iter(P):
                if any(a.tag == TXBX for a in p.iterancestors()):
                    continue
                _paragraph(p, lines, kind)


def extract_lines(data: bytes, path: str = "") -> list[Line]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if sum(i.file_size for i in zf.infolist()) > MAX_UNCOMPRESSED:
                raise SourceError(path, f"Word file expands to more than {MAX_UNCOMPRESSED // (1024 * 1024)} MB, skipped")
    except zipfile.BadZipFile:
        raise SourceError(path, "not a valid .docx file (not a zip archive)") from None
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
    except SourceError:
        raise
    except Exception as exc:  # python-docx raises many kinds on broken packages
        raise SourceError(path, f"not a valid .docx file ({type(exc).__name__}: {exc})") from None
    lines: list[Line] = []
    _content(document.element.body, lines)
    _notes(document, RT_FOOTNOTES, "footnote", "footnote", lines)
    _notes(document, RT_ENDNOTES, "endnote", "endnote", lines)
    return lines


def parse_docx(path: str, data: bytes) -> SourceDocument:
    lines = extract_lines(data, path)
    blocks: list[Block] = []
    offset = 0
    heading = ""
    for line in lines:
        builder = BlockBuilder()
        builder.add_source(line.text, offset)
        block = builder.build(line.kind, heading)
        if block is not None:
            blocks.append(block)
            if line.kind == "heading":
                heading = block.text.strip()
        offset += len(line.text) + 1
    text = "\n".join(line.text for line in lines)
    doc = SourceDocument(text=text, blocks=blocks)
    doc.path = path
    doc.format = "docx"
    doc.encoding = "utf-8"
    doc.bom = False
    return doc
