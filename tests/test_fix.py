"""--fix, --unsafe-fixes and --diff through the CLI on real files."""

from __future__ import annotations

import codecs
import json
import os
from pathlib import Path

import pytest
from outkit import run, run_process, setup_project


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    setup_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def findings(path: str) -> list[dict]:
    return json.loads(run(["check", "--format", "json", path]).stdout)["findings"]


def test_fix_applies_only_safe_fixes_and_reports_the_rest(project: Path) -> None:
    post = project / "post.md"
    post.write_bytes(b"# A Miracle tea\n\nOur tea cures colds. It is 100% effective.\n")
    result = run(["check", "--fix", "post.md"])
    assert post.read_bytes() == b"# A Notable tea\n\nOur tea cures colds. It is effective for some people.\n"
    assert "fixed 2 findings in 1 file (1 more with --unsafe-fixes)" in result.stderr
    # What is left is reported, at its position in the fixed file.
    assert result.exit_code == 1
    assert "post.md:3:9: error [zout.cure]" in result.stdout
    assert "miracle" not in result.stdout.lower().replace("notable", "")
    left = findings("post.md")
    assert [f["rule"] for f in left] == ["zout.cure"]


def test_unsafe_fixes(project: Path) -> None:
    post = project / "post.md"
    post.write_text("Our tea cures colds.\n", encoding="utf-8")
    assert run(["check", "--fix", "post.md"]).exit_code == 1
    assert post.read_text(encoding="utf-8") == "Our tea cures colds.\n"
    result = run(["check", "--fix", "--unsafe-fixes", "post.md"])
    assert post.read_text(encoding="utf-8") == "Our tea may help with colds.\n"
    assert result.exit_code == 0


@pytest.mark.parametrize(
    ("encoding", "bom", "newline"),
    [("utf-8", False, "\r\n"), ("utf-8", True, "\n"), ("utf-16-le", True, "\r\n"), ("utf-16-be", True, "\r"), ("utf-32-le", True, "\n")],
)
def test_fix_preserves_encoding_bom_and_line_endings(project: Path, encoding: str, bom: bool, newline: str) -> None:
    boms = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE, "utf-32-le": codecs.BOM_UTF32_LE}
    lines = ["Intro:  tabs\there  ", "A miracle, café ☕ 𝔘nicode.", "", "Mixed\r\nbreaks stay.", "Last miracle"]
    text = newline.join(lines)  # no final newline
    raw = (boms[encoding] if bom else b"") + text.encode(encoding)
    post = project / "post.txt"
    post.write_bytes(raw)
    result = run(["check", "--fix", "post.txt"])
    assert result.exit_code == 0, result.output
    expected = text.replace("miracle", "notable")
    assert post.read_bytes() == (boms[encoding] if bom else b"") + expected.encode(encoding)


def test_fix_keeps_file_mode(project: Path) -> None:
    post = project / "post.md"
    post.write_text("A miracle.\n", encoding="utf-8")
    os.chmod(post, 0o640)
    run(["check", "--fix", "post.md"])
    assert post.read_text(encoding="utf-8") == "A notable.\n"
    assert (post.stat().st_mode & 0o777) == 0o640


def test_diff_prints_and_does_not_write(project: Path) -> None:
    post = project / "post.md"
    original = b"A miracle tea.\r\nIt is 100% effective.\r\n"
    post.write_bytes(original)
    result = run(["check", "--diff", "post.md"])
    assert result.exit_code == 1
    assert post.read_bytes() == original
    out = result.stdout_bytes.decode("utf-8")  # .stdout would fold CRLF
    assert out.startswith("--- a/post.md\n+++ b/post.md\n@@ -1,2 +1,2 @@\n")
    assert "-A miracle tea.\r\n" in out and "+A notable tea.\r\n" in out
    assert "+It is effective for some people.\r\n" in out
    assert "error" not in out  # the diff replaces the report
    clean = project / "clean.md"
    clean.write_text("Nothing to fix.\n", encoding="utf-8")
    assert run(["check", "--diff", "clean.md"]).exit_code == 0


def test_suppressed_findings_are_not_fixed(project: Path) -> None:
    post = project / "post.md"
    text = "<!-- compliance-lint disable-next-line zout.miracle -- brand name, approved -->\nThe Miracle brand.\n\nA miracle.\n"
    post.write_text(text, encoding="utf-8")
    run(["check", "--fix", "post.md"])
    assert post.read_text(encoding="utf-8") == text.replace("A miracle.", "A notable.")


def test_html_replacement_is_escaped_and_markup_kept(project: Path) -> None:
    page = project / "page.html"
    page.write_text('<p title="x">A <b>miracle</b> &amp; more.</p>\n', encoding="utf-8")
    run(["check", "--fix", "page.html"])
    assert page.read_text(encoding="utf-8") == '<p title="x">A <b>notable</b> &amp; more.</p>\n'


def test_docx_is_never_rewritten(project: Path) -> None:
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("A miracle tea.")
    path = project / "draft.docx"
    d.save(str(path))
    before = path.read_bytes()
    result = run(["check", "--fix", "--unsafe-fixes", "draft.docx"])
    assert result.exit_code == 1
    assert path.read_bytes() == before
    assert "draft.docx:1:3: warning [zout.miracle]" in result.stdout


def test_stdin_is_never_written(project: Path) -> None:
    (project / "named.md").write_text("A miracle.\n", encoding="utf-8")
    result = run(["check", "--fix", "--stdin-filename", "named.md", "-"], input="A miracle.\n")
    assert (project / "named.md").read_text(encoding="utf-8") == "A miracle.\n"
    assert result.exit_code == 1


def test_fix_in_a_real_process(project: Path) -> None:
    post = project / "post.md"
    post.write_bytes("\ufeffA miracle.\r\n".encode())
    proc = run_process(["check", "--fix", "post.md"], cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert post.read_bytes() == "\ufeffA notable.\r\n".encode()


def test_fix_many_files_with_worker_pool_and_cache(project: Path) -> None:
    """Results from worker processes or the result cache carry no parsed document: --fix re-reads the file."""
    names = [f"p{i}.md" for i in range(8)]
    for i, name in enumerate(names):
        (project / name).write_bytes(f"A miracle {i}.\r\n".encode())
    first = run(["check", "--jobs", "2", *names])  # fills the result cache
    assert first.exit_code == 1
    result = run(["check", "--jobs", "2", "--fix", *names])
    assert result.exit_code == 0, result.output
    assert "fixed 8 findings in 8 files" in result.stderr
    for i, name in enumerate(names):
        assert (project / name).read_bytes() == f"A notable {i}.\r\n".encode()
    html = run(["check", "--jobs", "2", "--format", "html", *names]).stdout
    assert html.count("A notable") == 8
