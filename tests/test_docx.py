"""Word files: a real .docx written with python-docx, linted through the CLI.

Positions are by paragraph: line = paragraph number (headings, list items, each
table-cell paragraph, then footnotes), column = character within it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from outkit import run, run_process, setup_project

docx = pytest.importorskip("docx")

FOOTNOTES_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
  <w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
  <w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
  <w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">Source: a miracle study.</w:t></w:r></w:p></w:footnote>
</w:footnotes>
"""


def add_footnotes(document) -> None:  # type: ignore[no-untyped-def]
    """python-docx cannot write footnotes: add the part through its OPC layer."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    ct = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
    part = Part(PackURI("/word/footnotes.xml"), ct, FOOTNOTES_XML.encode("utf-8"), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)


def make_docx(path: Path) -> list[str]:
    """Write the test document; return its paragraphs in reading order (the expected lines)."""
    d = docx.Document()
    d.add_heading("A miracle tea", level=1)
    d.add_paragraph("An intro without claims.")
    p = d.add_paragraph("Our tea ")
    p.add_run("cures").bold = True
    p.add_run(" colds.\tReally.")
    d.add_paragraph("Try the detox plan.", style="List Bullet")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Claim"
    table.cell(0, 1).text = "Evidence"
    table.cell(1, 0).text = "It is 100% effective."
    table.cell(1, 1).text = "None."
    br = d.add_paragraph("Line one")
    br.add_run().add_break()
    br.add_run("then a miracle.")
    add_footnotes(d)
    d.save(str(path))
    return [
        "A miracle tea",
        "An intro without claims.",
        "Our tea cures colds.\tReally.",
        "Try the detox plan.",
        "Claim",
        "Evidence",
        "It is 100% effective.",
        "None.",
        "Line one then a miracle.",
        "Source: a miracle study.",
    ]


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    setup_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_docx_findings_by_paragraph(project: Path) -> None:
    lines = make_docx(project / "draft.docx")
    result = run(["check", "--format", "json", "draft.docx"])
    assert result.exit_code == 1, result.output
    found = [(f["rule"], f["line"], f["column"], f["end_column"], f["match"]) for f in json.loads(result.stdout)["findings"]]

    def at(line_text: str, needle: str, rule: str) -> tuple[str, int, int, int, str]:
        n = lines.index(line_text) + 1
        col = line_text.index(needle) + 1
        return (rule, n, col, col + len(needle), needle)

    assert found == [
        at("A miracle tea", "miracle", "zout.miracle"),
        at("Our tea cures colds.\tReally.", "cures", "zout.cure"),
        at("Try the detox plan.", "detox", "zout.detox"),
        at("It is 100% effective.", "100% effective", "zout.percent"),
        at("Line one then a miracle.", "miracle", "zout.miracle"),
        at("Source: a miracle study.", "miracle", "zout.miracle"),
    ]


def test_docx_text_is_one_line_per_paragraph(project: Path) -> None:
    from compliance_lint.sources import load_document

    path = project / "draft.docx"
    lines = make_docx(path)
    doc = load_document(str(path), path.read_bytes())
    assert doc.format == "docx"
    assert doc.text.split("\n") == lines


def test_docx_in_folder_walk_and_real_process(project: Path) -> None:
    (project / "drafts").mkdir()
    make_docx(project / "drafts" / "a.docx")
    proc = run_process(["check", "drafts"], cwd=project)
    assert proc.returncode == 1, proc.stderr
    assert b"drafts/a.docx:3:9: error [zout.cure]" in proc.stdout


def test_broken_docx_is_an_input_error(project: Path) -> None:
    (project / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (project / "ok.md").write_text("A miracle.\n", encoding="utf-8")
    result = run(["check", "--format", "json", "broken.docx", "ok.md"])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["errors"][0]["path"] == "broken.docx" and "not a valid .docx" in report["errors"][0]["message"]
    assert [f["path"] for f in report["findings"]] == ["ok.md"]


def test_docx_tracked_insertions_hyperlinks_and_deletions(project: Path) -> None:
    """Text in w:ins and w:hyperlink is linted; w:del (deleted) text is not."""
    from docx.oxml import parse_xml

    d = docx.Document()
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    p = parse_xml(
        f"<w:p {w}><w:r><w:t xml:space=\"preserve\">Start </w:t></w:r>"
        f"<w:ins w:id=\"1\" w:author=\"a\"><w:r><w:t xml:space=\"preserve\">miracle </w:t></w:r></w:ins>"
        f"<w:del w:id=\"2\" w:author=\"a\"><w:r><w:delText>cures </w:delText></w:r></w:del>"
        f"<w:hyperlink><w:r><w:t>detox</w:t></w:r></w:hyperlink></w:p>"
    )
    d.element.body.insert(0, p)
    d.save(str(project / "t.docx"))
    found = [(f["rule"], f["line"], f["column"]) for f in json.loads(run(["check", "--format", "json", "t.docx"]).stdout)["findings"]]
    assert found == [("zout.miracle", 1, 7), ("zout.detox", 1, 15)]
