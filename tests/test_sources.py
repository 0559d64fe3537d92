"""Input sources: Markdown, HTML, plain text, stdin; language per block.

Language (README: "Language handling"): the engine decides per block
(paragraph, heading, list item, table row, field) by dominant script: a block
is Chinese when its Han characters outnumber its Latin words (ties count as
Chinese), otherwise English. ``--lang en|zh`` forces one language for every block.
Rules run only on blocks in one of their ``languages``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lintkit import PACK_A, expected_position, position_of, run, run_json, setup_project

from compliance_lint.nlp import detect_lang


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    setup_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def rules_found(report: dict) -> list[tuple[str, str]]:
    return [(f["rule"].split(".", 1)[1], f["match"]) for f in report["findings"]]


# --------------------------------------------------------------------- formats by extension

SAMPLE = "Some `cure` code.\n\n<div>\n<!-- a cure comment -->\nA miracle here.\n</div>\n"


@pytest.mark.parametrize(
    "name, expected",
    [
        # Markdown: inline code and the HTML comment skipped, the HTML block's text linted
        ("page.md", [("miracle", "miracle")]),
        ("page.markdown", [("miracle", "miracle")]),
        # plain text: everything is prose (only URLs are masked)
        ("page.txt", [("cure", "cure"), ("cure", "cure"), ("miracle", "miracle")]),
        # unknown extension named explicitly: plain text
        ("page.rst", [("cure", "cure"), ("cure", "cure"), ("miracle", "miracle")]),
    ],
)
def test_parser_chosen_by_extension(project: Path, name: str, expected: list) -> None:
    (project / name).write_text(SAMPLE, encoding="utf-8")
    code, report, _ = run_json([name])
    assert rules_found(report) == expected
    assert code == 1


def test_html_source(project: Path) -> None:
    text = "<html><body><h1>The cure</h1><p>Plain <code>miracle</code> text.</p><p>A miracle.</p></body></html>\n"
    (project / "page.html").write_text(text, encoding="utf-8")
    code, report, _ = run_json(["page.html"])
    assert rules_found(report) == [("cure", "cure"), ("miracle", "miracle")]
    assert position_of(report["findings"][1]) == expected_position(text, "miracle", 2)
    assert code == 1


def test_text_source_masks_urls(project: Path) -> None:
    text = "See https://example.org/cure and mail cure@example.org.\n\nA real cure.\n"
    (project / "notes.txt").write_text(text, encoding="utf-8")
    code, report, _ = run_json(["notes.txt"])
    assert [position_of(f) for f in report["findings"]] == [expected_position(text, "cure", 3)]


def test_folder_walk_uses_known_extensions_only(project: Path) -> None:
    docs = project / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "a.md").write_text("A cure.\n", encoding="utf-8")
    (docs / "sub" / "b.html").write_text("<p>A miracle.</p>\n", encoding="utf-8")
    (docs / "c.txt").write_text("A cure.\n", encoding="utf-8")
    (docs / "script.py").write_text("cure = 'miracle'\n", encoding="utf-8")
    (docs / "data.json").write_text('{"cure": 1}\n', encoding="utf-8")
    code, report, _ = run_json(["docs"])
    paths = sorted({f["path"] for f in report["findings"]})
    assert paths == [str(Path("docs/a.md")), str(Path("docs/c.txt")), str(Path("docs/sub/b.html"))]
    assert report["summary"]["files"] == 3
    assert code == 1


def test_binary_file_in_folder_skipped_with_notice(project: Path) -> None:
    docs = project / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("Nothing here.\n", encoding="utf-8")
    (docs / "blob.md").write_bytes(b"\x00\x01\x02cure\x00")
    result = run(["check", "docs"])
    assert result.exit_code == 0
    assert "blob.md" in result.stderr and "binary" in result.stderr
    assert "Traceback" not in result.stderr


def test_binary_file_named_explicitly_is_an_error(project: Path) -> None:
    (project / "blob.md").write_bytes(b"\x00\x01\x02cure\x00")
    code, report, result = run_json(["blob.md"])
    assert code == 2
    assert [e["path"] for e in report["errors"]] == ["blob.md"]


def test_invalid_utf8_is_an_error_naming_the_offset(project: Path) -> None:
    (project / "bad.md").write_bytes(b"A cure.\n\xff\xfe\xfa broken\n")
    (project / "good.md").write_text("A miracle.\n", encoding="utf-8")
    code, report, result = run_json(["bad.md", "good.md"])
    assert code == 2
    assert report["errors"][0]["path"] == "bad.md"
    assert "offset 8" in report["errors"][0]["message"]
    assert rules_found(report) == [("miracle", "miracle")]
    assert "bad.md" in result.stderr and "Traceback" not in result.stderr


# --------------------------------------------------------------------- stdin

def test_stdin_default_name_and_text_parser(project: Path) -> None:
    code, report, _ = run_json(["-"], input="Some `cure` code.\n")
    assert [(f["path"], f["match"], f["line"], f["column"]) for f in report["findings"]] == [("<stdin>", "cure", 1, 7)]
    assert code == 1


def test_stdin_filename_chooses_markdown_parser(project: Path) -> None:
    text = "Some `cure` code and a miracle.\n\n```\ncure\n```\n"
    code, report, _ = run_json(["-", "--stdin-filename", "drafts/x.md"], input=text)
    assert [(f["path"], f["rule"]) for f in report["findings"]] == [("drafts/x.md", f"{PACK_A}.miracle")]
    assert position_of(report["findings"][0]) == expected_position(text, "miracle")


def test_stdin_filename_chooses_html_parser(project: Path) -> None:
    text = '<p>Plain <code>cure</code></p>\n<img alt="miracle">\n'
    code, report, _ = run_json(["-", "--stdin-filename", "page.html"], input=text)
    assert [(f["path"], f["match"]) for f in report["findings"]] == [("page.html", "miracle")]


def test_stdin_bytes_crlf_and_bom(project: Path) -> None:
    text = "Line one.\r\n\r\nA cure.\r\n"
    code, report, _ = run_json(["-", "--stdin-filename", "x.md"], input=b"\xef\xbb\xbf" + text.encode())
    assert [position_of(f) for f in report["findings"]] == [expected_position(text, "cure")]


def test_stdin_alongside_files(project: Path) -> None:
    (project / "a.md").write_text("A miracle.\n", encoding="utf-8")
    code, report, _ = run_json(["a.md", "-"], input="A cure.\n")
    assert sorted((f["path"], f["match"]) for f in report["findings"]) == [("<stdin>", "cure"), ("a.md", "miracle")]
    assert report["summary"]["files"] == 2


# --------------------------------------------------------------------- language per block

@pytest.mark.parametrize(
    "text, lang",
    [
        ("Semaglutide is a GLP-1 receptor agonist.", "en"),
        ("本品能根治糖尿病。", "zh"),
        # an English paragraph naming a Chinese drug name stays English
        ("Our clinic offers 司美格鲁肽 injections for weight management in adults.", "en"),
        # a Chinese sentence with a Latin brand name stays Chinese
        ("司美格鲁肽(Ozempic)是一种降糖药物。", "zh"),
        ("本品 is not for sale", "en"),  # 2 Han characters, 4 Latin words
        ("本品效果很好 is great", "zh"),  # 6 Han characters, 2 Latin words
    ],
)
def test_detect_lang_by_dominant_script(text: str, lang: str) -> None:
    assert detect_lang(text) == lang


MIXED = (
    "# Guide\n\n"
    "Our clinic has the cure, and we never say 根治 in English copy.\n\n"
    "本品能根治糖尿病，不是 cure 而是治疗。\n"
)


def test_language_decided_per_paragraph(project: Path) -> None:
    (project / "mixed.md").write_text(MIXED, encoding="utf-8")
    code, report, _ = run_json(["mixed.md"])
    # English paragraph: English rule only (its 根治 is not seen by the zh-only rule);
    # Chinese paragraph: Chinese rule only (its "cure" is not seen by the en-only rule)
    assert [(f["rule"], f["line"], f["match"]) for f in report["findings"]] == [
        (f"{PACK_A}.cure", 3, "cure"),
        (f"{PACK_A}.zh-cure", 5, "根治"),
    ]
    assert position_of(report["findings"][1]) == expected_position(MIXED, "根治", 2)


def test_chinese_block_gets_the_chinese_message(project: Path) -> None:
    (project / "zh.md").write_text("本品能根治糖尿病。\n", encoding="utf-8")
    _, report, _ = run_json(["zh.md"])
    assert report["findings"][0]["message"] == "测试信息：根治"


@pytest.mark.parametrize(
    "forced, expected",
    [
        ("en", [(f"{PACK_A}.cure", 3), (f"{PACK_A}.cure", 5)]),
        ("zh", [(f"{PACK_A}.zh-cure", 3), (f"{PACK_A}.zh-cure", 5)]),
        ("auto", [(f"{PACK_A}.cure", 3), (f"{PACK_A}.zh-cure", 5)]),
    ],
)
def test_lang_option_forces_every_block(project: Path, forced: str, expected: list) -> None:
    (project / "mixed.md").write_text(MIXED, encoding="utf-8")
    _, report, _ = run_json(["mixed.md", "--lang", forced])
    assert [(f["rule"], f["line"]) for f in report["findings"]] == expected


def test_lang_option_rejects_other_values(project: Path) -> None:
    (project / "a.md").write_text("x\n", encoding="utf-8")
    result = run(["check", "--lang", "fr", "a.md"])
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


def test_folder_walk_skips_vcs_dependencies_and_virtual_environments(project: Path) -> None:
    for folder in (".git", "node_modules/pkg", ".venv/lib", "venv", ".ci-venv/lib", "my-env/lib/site-packages"):
        (project / "site" / folder).mkdir(parents=True, exist_ok=True)
        (project / "site" / folder / "README.md").write_text("A cure.\n", encoding="utf-8")
    (project / "site" / "my-env" / "pyvenv.cfg").write_text("home = /usr/bin\n", encoding="utf-8")
    (project / "site" / ".ci-venv" / "pyvenv.cfg").write_text("home = /usr/bin\n", encoding="utf-8")
    (project / "site" / "page.md").write_text("A cure.\n", encoding="utf-8")
    _, report, _ = run_json(["site"])
    assert [Path(f["path"]).as_posix() for f in report["findings"]] == ["site/page.md"]
