"""Inputs the linter must survive: encodings, binary data, sizes, hostile markup.

Every case goes through the CLI (``cli.main``) with a small test pack, checks
the exit status DESIGN.md defines, that no traceback reaches the user, and
that findings point at the exact characters (``match`` equals the decoded
source between line/column and end_line/end_column, computed here).
"""

from __future__ import annotations

import codecs
import json
import sys
import time
from pathlib import Path

import pytest
from robustkit import assert_positions, make_project, one_line_error, run, run_json, source_slice

from compliance_lint.sources.markdown import parse_markdown


@pytest.fixture()
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    make_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint_bytes(proj: Path, name: str, data: bytes, *extra: str) -> tuple[int, dict, object]:
    (proj / name).write_bytes(data)
    return run_json([name, *extra])


def matches(report: dict) -> list[str]:
    return [f["match"] for f in report["findings"]]


# ------------------------------------------------------------------ binary, NUL, encodings

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256))


def test_binary_named_is_an_error(proj: Path) -> None:
    code, report, result = lint_bytes(proj, "image.md", PNG)
    assert code == 2
    assert report["errors"] == [{"path": "image.md", "message": "binary file (contains NUL bytes), skipped"}]
    one_line_error(result.stderr, "image.md", "binary file")


def test_binary_in_folder_walk_is_a_notice(proj: Path) -> None:
    (proj / "docs").mkdir()
    (proj / "docs" / "image.md").write_bytes(PNG)
    (proj / "docs" / "all-zero.txt").write_bytes(b"\x00" * 4096)
    (proj / "docs" / "post.md").write_text("This cure works.\n", encoding="utf-8")
    code, report, result = run_json(["docs"])
    assert code == 1  # the finding in post.md; binaries do not make the run fail
    assert report["errors"] == []
    assert matches(report) == ["cure"]
    assert "notice: docs/all-zero.txt: binary file" in result.stderr
    assert "notice: docs/image.md: binary file" in result.stderr


def test_stray_nul_in_text_cannot_hide_a_word(proj: Path) -> None:
    for name in ("nul.md", "nul.html", "nul.txt"):
        data = "<p>\n" if name.endswith("html") else ""
        text = data + "It will cu\x00re you.\n"
        code, report, _ = lint_bytes(proj, name, text.encode())
        assert code == 1, name
        assert matches(report) == ["cu\x00re"], name
        assert_positions(text, report["findings"])


@pytest.mark.parametrize(
    ("label", "data", "where"),
    [
        ("latin-1", "Intro.\nOur café cure.\n".encode("latin-1"), "line 2, column 8 (offset 14)"),
        ("gb18030", "简介\n本品根治糖尿病\n".encode("gb18030"), "line 1, column 1 (offset 0)"),
        ("cp1252 quotes", "It \u201ccures\u201d.\n".encode("cp1252"), "line 1, column 4 (offset 3)"),
    ],
)
def test_legacy_encodings_are_reported_not_guessed(proj: Path, label: str, data: bytes, where: str) -> None:
    code, report, result = lint_bytes(proj, "legacy.md", data)
    assert code == 2, label
    [error] = report["errors"]
    assert error["path"] == "legacy.md"
    assert error["message"].startswith(f"not valid UTF-8: byte 0x{data[int(where.split('offset ')[1][:-1])]:02x} at {where}")
    assert "convert the file to UTF-8" in error["message"]
    one_line_error(result.stderr, "legacy.md", "not valid UTF-8")


def test_undecodable_file_in_a_walk_still_fails_the_run(proj: Path) -> None:
    (proj / "docs").mkdir()
    (proj / "docs" / "a.md").write_bytes("caf\xe9".encode("latin-1"))
    (proj / "docs" / "b.md").write_text("This cure works.\n", encoding="utf-8")
    code, report, _ = run_json(["docs"])
    assert code == 2  # could not lint everything: must not look clean
    assert [e["path"] for e in report["errors"]] == ["docs/a.md"]
    assert matches(report) == ["cure"]  # the other file was still linted


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_bom_encodings_positions_in_code_points(proj: Path, codec: str) -> None:
    text = "# Titel ü\r\n\r\n本品根治糖尿病。\r\n\r\n😀 This cure works.\n"
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(codec, b"")
    data = bom + text.encode(codec)
    code, report, _ = lint_bytes(proj, "bom.md", data)
    assert code == 1, codec
    assert sorted(matches(report)) == ["cure", "根治"]
    assert_positions(text, report["findings"])  # BOM not counted; astral char is one column
    cure = next(f for f in report["findings"] if f["match"] == "cure")
    assert (cure["line"], cure["column"]) == (5, 8)


def test_utf16_without_bom_is_binary(proj: Path) -> None:
    code, report, _ = lint_bytes(proj, "u16.txt", "This cure works.\n".encode("utf-16-le"))
    assert code == 2
    assert "binary file" in report["errors"][0]["message"]


def test_mixed_line_endings(proj: Path) -> None:
    text = "One cure.\r\nTwo cure.\rThree cure.\nFour\r\n\r\nFive cure.\n"
    code, report, _ = lint_bytes(proj, "mixed.txt", text.encode())
    assert code == 1
    assert [(f["line"], f["column"]) for f in report["findings"]] == [(1, 5), (2, 5), (3, 7), (6, 6)]
    assert_positions(text, report["findings"])


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("empty.md", ""),
        ("blank.md", "   \n\t\n\r\n  \u3000\n"),
        ("code.md", "```\ncure\n```\n\n    indented cure\n\n`cure`\n"),
        ("empty.html", ""),
        ("tags.html", "<html><head><script>cure()</script><style>.cure{}</style></head><body><pre>cure</pre></body></html>"),
        ("empty.txt", ""),
    ],
)
def test_nothing_to_lint_is_clean(proj: Path, name: str, text: str) -> None:
    code, report, _ = lint_bytes(proj, name, text.encode())
    assert (code, report["findings"], report["errors"]) == (0, [], [])
    assert report["summary"]["files"] == 1


# ------------------------------------------------------------------ sizes

def test_five_megabyte_single_line(proj: Path) -> None:
    """Far over the block size spaCy is fed at once: cut into pieces, offsets kept."""
    filler = "the study measured sleep and blood pressure in adults over twelve weeks "
    text = (filler * (5_000_000 // len(filler) + 1))[:5_000_000] + "and this cure works. x" * 1 + "\n"
    start = time.monotonic()
    code, report, _ = lint_bytes(proj, "line.txt", text.encode())
    assert code == 1
    [finding] = report["findings"]
    assert (finding["line"], finding["column"]) == (1, 5_000_010)
    assert_positions(text, report["findings"])
    assert time.monotonic() - start < 120


def test_line_longer_than_nlp_max_length_is_linted() -> None:
    """A block longer than nlp.max_length (no file: the engine's own guard)."""
    from compliance_lint.engine import Linter
    from compliance_lint.nlp import get_nlp
    from compliance_lint.packs import load_registry
    from compliance_lint.sources.text import parse_text
    from compliance_lint.textmap import MAX_BLOCK_CHARS

    nlp = get_nlp("en")
    words = "plain words only "
    text = words * (nlp.max_length // len(words) + 2) + "a miracle cure\n"
    doc = parse_text(text)  # one line: one block longer than nlp.max_length
    assert max(len(b.text) for b in doc.blocks) > nlp.max_length > MAX_BLOCK_CHARS
    rules = [r for r in load_registry([]).all_rules() if r.kind == "phrase"][:1]
    Linter(rules).lint(doc)  # must not raise E088 (text longer than nlp.max_length)
    assert max(len(b.text) for b in doc.blocks) <= MAX_BLOCK_CHARS


def test_fifty_megabyte_file(proj: Path) -> None:
    para = "The study measured sleep and blood pressure in adults over twelve weeks.\n"
    text = para * (50_000_000 // len(para)) + "This cure works.\n"
    (proj / "big.txt").write_text(text, encoding="utf-8")
    assert (proj / "big.txt").stat().st_size >= 49_000_000
    start = time.monotonic()
    code, report, _ = run_json(["big.txt"])
    elapsed = time.monotonic() - start
    assert code == 1
    [finding] = report["findings"]
    assert (finding["line"], finding["column"], finding["match"]) == (text.count("\n"), 6, "cure")
    assert elapsed < 180


def test_over_the_size_limit_is_a_clear_error(proj: Path) -> None:
    from compliance_lint.runner import MAX_FILE_BYTES

    with open(proj / "huge.md", "wb") as fh:  # sparse: no 64 MB written to disk
        fh.truncate(MAX_FILE_BYTES + 1)
    code, report, result = run_json(["huge.md"])
    assert code == 2
    assert report["errors"] == [{"path": "huge.md", "message": "larger than 64 MB, skipped"}]
    one_line_error(result.stderr, "huge.md", "larger than 64 MB")


# ------------------------------------------------------------------ hostile Markdown

def test_unclosed_fence_is_linted_as_text(proj: Path) -> None:
    text = "Intro.\n\n```\nThis cure works.\n\nAnother miracle.\n"
    code, report, _ = lint_bytes(proj, "fence.md", text.encode())
    assert code == 1
    assert matches(report) == ["cure", "miracle"]
    assert_positions(text, report["findings"])
    closed = "Intro.\n\n```\nThis cure works.\n```\n"
    assert lint_bytes(proj, "closed.md", closed.encode())[0] == 0


@pytest.mark.parametrize(
    "shape",
    ["blockquote", "blockquote-spaced", "list", "list-indented", "ordered", "mixed"],
)
def test_ten_thousand_deep_nesting_is_still_linted(proj: Path, shape: str) -> None:
    n = 10_000
    text = {
        "blockquote": ">" * n + " deep cure here\n\nafter miracle\n",
        "blockquote-spaced": "> " * n + "deep cure here\n\nafter miracle\n",
        "list": "- " * n + "deep cure here\n\nafter miracle\n",
        "list-indented": "".join("  " * i + "- x\n" for i in range(400)) + "  " * 400 + "- deep cure here\n\nafter miracle\n",
        "ordered": "1. " * n + "deep cure here\n\nafter miracle\n",
        "mixed": "> - 1. " * (n // 3) + "deep cure here\n\nafter miracle\n",
    }[shape]
    code, report, _ = lint_bytes(proj, "deep.md", text.encode())
    assert code == 1
    assert matches(report) == ["cure", "miracle"], shape
    assert_positions(text, report["findings"])


def test_deep_nesting_with_a_small_python_stack() -> None:
    """RecursionError inside markdown-it falls back to plain text, never a crash."""
    text = "> " * 150 + "deep cure here\n"
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(250)
    try:
        doc = parse_markdown(text)
    finally:
        sys.setrecursionlimit(old)
    assert "deep cure here" in " ".join(b.text for b in doc.blocks)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 20_000 + "cure" + "]" * 20_000,
        "*" * 20_000 + "cure" + "*" * 20_000,
        "[a " * 5_000 + "cure " + "](x)" * 5_000,
        "![a " * 5_000 + "cure " + "](x)" * 5_000,
        "<a>" * 10_000 + "cure",
        "&amp;" * 10_000 + "cure",
        "`" * 3 + "x\n" + "cure ``` " * 3_000,
    ],
    ids=["brackets", "emphasis", "links", "images", "inline-html", "entities", "backticks"],
)
def test_hostile_inline_markdown(proj: Path, text: str) -> None:
    start = time.monotonic()
    code, report, _ = lint_bytes(proj, "inline.md", (text + "\n").encode())
    assert code == 1
    assert "cure" in matches(report)
    assert_positions(text + "\n", report["findings"])
    assert time.monotonic() - start < 60


def test_code_span_with_a_line_break_does_not_shift_positions(proj: Path) -> None:
    """Found by fuzz/run_fuzz.py: markdown-it turns the break inside `\r` into a space."""
    for text in ("`\r`100% effective\n", "`a\r\nb` then 100% effective\n", "`` x ` `` 100% effective\n"):
        code, report, _ = lint_bytes(proj, "span.md", text.encode())
        assert code == 1, text
        assert matches(report) == ["100% effective"], text
        assert_positions(text, report["findings"])


def test_hostile_mdx_is_linear(proj: Path) -> None:
    for unit in ("{", "{/*", "` ", "<A ", "{<A b={", "{`${"):
        text = unit * (100_000 // len(unit)) + " cure\n"
        start = time.monotonic()
        code, report, _ = lint_bytes(proj, "x.mdx", text.encode())
        assert time.monotonic() - start < 30, unit
        assert code == 1, unit
        assert matches(report) == ["cure"], unit


def test_thousands_of_suppression_comments(proj: Path) -> None:
    """3,000 directives and 3,000 findings in one file took 2.5 minutes (quadratic sweep)."""
    parts = []
    for i in range(3_000):
        target = "zrb.cure" if i % 2 else "zrb.other"
        parts.append(f"<!-- compliance-lint disable-next-line {target} -- reason {i} -->\n\nA cure here.\n")
    text = "\n".join(parts)
    start = time.monotonic()
    code, report, _ = lint_bytes(proj, "sup.md", text.encode())
    assert time.monotonic() - start < 60
    assert code == 1
    assert len(report["findings"]) == 3_000
    assert sum(f["suppressed"] for f in report["findings"]) == 1_500


def test_giant_table(proj: Path) -> None:
    rows = "".join(f"| row {i} cure | {'x' * (i % 7)} |\n" for i in range(8_000))
    text = "| a | b |\n|---|---|\n" + rows
    code, report, _ = lint_bytes(proj, "table.md", text.encode())
    assert code == 1
    assert len(report["findings"]) == 8_000
    assert_positions(text, report["findings"][:50] + report["findings"][-50:])


def test_front_matter_bombs_do_not_crash(proj: Path) -> None:
    deep = "---\ntitle: " + "[" * 5_000 + "\n---\n\nThis cure works.\n"
    laughs = "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" \
             "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n" \
             "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\ntitle: A miracle\n---\n\nThis cure works.\n"
    for name, text in (("deep.md", deep), ("laughs.md", laughs)):
        code, report, _ = lint_bytes(proj, name, text.encode())
        assert code == 1, name
        assert "cure" in matches(report), name
        assert_positions(text, report["findings"])


# ------------------------------------------------------------------ hostile HTML

@pytest.mark.parametrize(
    "html",
    [
        "<div>" * 10_000 + "deep cure" + "</div>" * 10_000,
        "<p>" * 10_000 + "deep cure",
        "<span><b><i>" * 5_000 + "deep cure",
        "<ul><li>" * 10_000 + "deep cure",
        "<table><tr><td>" * 3_000 + "deep cure",
    ],
    ids=["div", "p-unclosed", "inline", "list", "table"],
)
def test_ten_thousand_deep_html(proj: Path, html: str) -> None:
    code, report, _ = lint_bytes(proj, "deep.html", html.encode())
    assert code == 1
    assert matches(report) == ["cure"]
    assert_positions(html, report["findings"])


@pytest.mark.parametrize(
    "html",
    [
        "<!--x>" * 60_000,
        "<a" * 100_000,
        "</a" * 100_000,
        "</" * 100_000,
        "<![CDATA[x>" * 50_000,
        "<?x" * 100_000,
        "<a " + 'b="c" ' * 100_000,
        "<" * 300_000,
        "&" * 300_000,
        "<script>" + "x" * 300_000,
    ],
    ids=["comment-like", "open-tags", "end-tags", "slashes", "cdata", "pi", "attributes", "lt", "amp", "script"],
)
def test_quadratic_html_inputs_are_linear(proj: Path, html: str) -> None:
    """Inputs that made html.parser (before the 2025 fix) run for minutes."""
    text = "<p>This cure works.</p>" + html
    start = time.monotonic()
    code, report, _ = lint_bytes(proj, "hostile.html", text.encode())
    assert time.monotonic() - start < 20
    assert code == 1
    assert matches(report)[0] == "cure"
    assert_positions(text, report["findings"])


def test_unclosed_code_and_pre_do_not_hide_the_page(proj: Path) -> None:
    html = "<p>Run <code>make</p><p>This cure works.</p><pre>A miracle for all"
    code, report, _ = lint_bytes(proj, "open.html", html.encode())
    assert code == 1
    assert matches(report) == ["cure", "miracle"]
    assert_positions(html, report["findings"])
    # closed code and pre stay unlinted; an unclosed <script> hides the rest in a browser too
    html = "<p><code>cure</code></p><pre>cure</pre><script>var cure"
    assert lint_bytes(proj, "closed.html", html.encode())[0] == 0


def test_entities_and_invalid_references(proj: Path) -> None:
    html = "<p>c&#117;re &amp; c&#x75;re &bogus; &#99999999999; &#0; &amp</p><p>mir&shy;acle</p>"
    code, report, _ = lint_bytes(proj, "ent.html", html.encode())
    assert code == 1
    assert matches(report) == ["c&#117;re", "c&#x75;re", "mir&shy;acle"]
    assert_positions(html, report["findings"])
    md = "An &#99;ure, a mir&shy;acle.\n"
    code, report, _ = lint_bytes(proj, "ent.md", md.encode())
    assert matches(report) == ["&#99;ure", "mir&shy;acle"]
    assert_positions(md, report["findings"])


def test_json_ld_bombs(proj: Path) -> None:
    html = '<script type="application/ld+json">' + "[" * 100_000 + "</script><p>This cure works.</p>"
    code, report, _ = lint_bytes(proj, "ld.html", html.encode())
    assert code == 1
    assert matches(report) == ["cure"]


# ------------------------------------------------------------------ invisible characters and look-alikes

@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("It will cu\u200bre you.", "cu\u200bre"),        # zero-width space
        ("It will c\u200du\u200cre you.", "c\u200du\u200cre"),  # ZWJ / ZWNJ
        ("It will cu\u00adre you.", "cu\u00adre"),         # soft hyphen
        ("It will c\u202eure\u202c you.", "c\u202eure"),   # bidi override
        ("It will cu\u2066re\u2069 you.", "cu\u2066re"),   # bidi isolate
        ("It will cur\ufe0fe you.", "cur\ufe0fe"),         # variation selector
        ("It will cu\U000e0072re you.", "cu\U000e0072re"),  # tag character
        ("It will cu\u2060re you.", "cu\u2060re"),         # word joiner
        ("It will \uff43\uff55\uff52\uff45 you.", "\uff43\uff55\uff52\uff45"),  # full-width
        ("It will \u0441ure you.", "\u0441ure"),           # Cyrillic es
        ("It will cur\u0435 you.", "cur\u0435"),           # Cyrillic ie
        ("It will \U0001d41c\U0001d42e\U0001d42b\U0001d41e you.", "\U0001d41c\U0001d42e\U0001d42b\U0001d41e"),  # math bold
        ("本品能\u200b根\u200d治糖尿病。", "根\u200d治"),
        ("本品\u2f46毒副作用。", "\u2f46毒副作用"),            # Kangxi radical for 无
        ("本品能根\ufe00治。", "根\ufe00治"),
    ],
)
def test_invisible_and_lookalike_characters_do_not_hide_a_term(proj: Path, text: str, match: str) -> None:
    for name, wrap in (("t.md", "{}\n"), ("t.html", "<p>{}</p>"), ("t.txt", "{}\n")):
        source = wrap.format(text)
        code, report, _ = lint_bytes(proj, name, source.encode())
        assert code == 1, (name, text)
        assert matches(report) == [match], (name, text)
        assert_positions(source, report["findings"])


def test_json_report_escapes_nothing_it_should_not(proj: Path) -> None:
    text = "It will cu\u200bre you.\n"
    code, report, result = lint_bytes(proj, "zw.md", text.encode())
    raw = json.loads(result.stdout)
    assert raw["findings"][0]["match"] == "cu\u200bre"
    assert source_slice(text, raw["findings"][0]) == "cu\u200bre"


def test_stdin_with_bom_and_crlf(proj: Path) -> None:
    data = codecs.BOM_UTF8 + b"Line one.\r\nThis cure works.\r\n"
    result = run(["check", "--format", "json", "--stdin-filename", "in.md", "-"], input=data)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [(f["path"], f["line"], f["column"]) for f in report["findings"]] == [("in.md", 2, 6)]
