"""Every finding maps to the exact line and column of the original file.

Positions are 1-based Unicode code points, a BOM is not counted, line breaks
are \\n, \\r\\n and a lone \\r; ``end_column`` is exclusive and ``match`` is the
slice of the source between start and end (DESIGN: JSON contract). Expected
positions are computed here from the source string (``lintkit.expected_position``),
never copied from the tool's output.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lintkit import PACK_A, expected_position, findings_of, position_of, setup_project, slice_at


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    setup_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint(project: Path, name: str, text: str | bytes) -> list[dict]:
    return [f for f in findings_of(project / name, text) if f["pack"] == PACK_A]


def assert_positions(text: str, findings: list[dict], expected: list[tuple]) -> None:
    """``expected``: (rule suffix, needle[, occurrence[, after]]) in document order."""
    want = []
    for item in expected:
        rule, needle, occurrence, after = (*item, 1, None, None)[:4] if len(item) < 3 else (*item, None)[:4]
        want.append({"rule": f"{PACK_A}.{rule}", **expected_position(text, needle, occurrence, after=after)})
    got = [{"rule": f["rule"], **position_of(f)} for f in findings]
    assert sorted(got, key=lambda d: (d["line"], d["column"], d["rule"])) == want
    for f in findings:
        assert slice_at(text, f) == f["match"], f


# --------------------------------------------------------------------- line breaks

@pytest.mark.parametrize("name", ["doc.md", "doc.txt", "doc.html"])
def test_crlf_line_breaks(project: Path, name: str) -> None:
    if name.endswith(".html"):
        text = "<html>\r\n<body>\r\n<p>This is a cure.</p>\r\n<p>Another\r\nmiracle here.</p>\r\n</body></html>\r\n"
    else:
        text = "Intro line.\r\n\r\nThis is a cure.\r\nAnother\r\nmiracle here.\r\n"
    assert_positions(text, lint(project, name, text), [("cure", "cure"), ("miracle", "miracle")])


@pytest.mark.parametrize("name", ["doc.md", "doc.txt"])
def test_lone_cr_line_breaks(project: Path, name: str) -> None:
    text = "First line.\r\rThe cure is here.\rA miracle, too.\r"
    findings = lint(project, name, text)
    assert_positions(text, findings, [("cure", "cure"), ("miracle", "miracle")])
    assert [f["line"] for f in findings] == [3, 4]


def test_mixed_line_breaks(project: Path) -> None:
    text = "One.\n\nTwo.\r\n\r\nThree.\r\rA cure\nand a\r\nmiracle\rand cure.\n"
    findings = lint(project, "doc.txt", text)
    assert_positions(text, findings, [("cure", "cure"), ("miracle", "miracle"), ("cure", "cure", 2)])
    assert [f["line"] for f in findings] == [7, 9, 10]


def test_bom_not_counted(project: Path) -> None:
    text = "A cure for all.\nSecond miracle.\n"
    findings = lint(project, "doc.md", b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert_positions(text, findings, [("cure", "cure"), ("miracle", "miracle")])
    assert (findings[0]["line"], findings[0]["column"]) == (1, 3)


def test_utf16_with_bom(project: Path) -> None:
    text = "Plain text.\r\nA miracle cure.\r\n"
    findings = lint(project, "doc.txt", b"\xff\xfe" + text.encode("utf-16-le"))
    assert_positions(text, findings, [("miracle", "miracle"), ("cure", "cure")])


# --------------------------------------------------------------------- characters

def test_tabs_count_as_one_column(project: Path) -> None:
    text = "Text\twith\ta\tcure.\n\nKey:\t\tmiracle\n"
    assert_positions(text, lint(project, "doc.md", text), [("cure", "cure"), ("miracle", "miracle")])


def test_emoji_astral_characters_are_one_column(project: Path) -> None:
    text = "😀😀 This 👍🏽 cure works. 🎉 miracle\n\n👨‍👩‍👧 family 𝄞 cure\n"
    findings = lint(project, "doc.md", text)
    assert_positions(text, findings, [("cure", "cure"), ("miracle", "miracle"), ("cure", "cure", 2)])
    # 😀 is one code point (two UTF-16 units, four bytes); 👍🏽 is two (emoji + skin-tone modifier)
    assert findings[0]["column"] == 12


def test_cjk_text_columns(project: Path) -> None:
    text = "中文标题行\n\n药品 The cure works for many people today.\n\n本品能根治糖尿病，效果显著。\n"
    findings = lint(project, "doc.md", text)
    assert_positions(text, findings, [("cure", "cure"), ("zh-cure", "根治")])
    assert findings[1]["column"] == 4


def test_fullwidth_and_zero_width_characters_map_back(project: Path) -> None:
    # full-width letters are folded for matching; a zero-width space inside a word is dropped;
    # the match still covers the original characters
    text = "A ｃｕｒｅ today.\n\nA mir\u200bacle today.\n"
    assert_positions(text, lint(project, "doc.md", text), [("cure", "ｃｕｒｅ"), ("miracle", "mir\u200bacle")])


# --------------------------------------------------------------------- entities

def test_html_entities_in_markdown(project: Path) -> None:
    text = (
        "Tom &amp; Jerry found a cure.\n\n"
        "A&nbsp;miracle here.\n\n"
        "We reverse&nbsp;insulin resistance.\n\n"
        "Numeric &#109;iracle and hex &#x6D;iracle.\n"
    )
    assert_positions(text, lint(project, "doc.md", text), [
        ("cure", "cure"),
        ("miracle", "miracle"),
        ("cure", "reverse&nbsp;insulin resistance"),
        ("miracle", "&#109;iracle"),
        ("miracle", "&#x6D;iracle"),
    ])


def test_html_entities_in_html(project: Path) -> None:
    text = "<p>Tom&nbsp;&amp;&nbsp;Jerry: a cure &#8212; a &#109;iracle!</p>\n<p>caf&eacute; cure</p>\n"
    assert_positions(text, lint(project, "doc.html", text), [
        ("cure", "cure"),
        ("miracle", "&#109;iracle"),
        ("cure", "cure", 2),
    ])


# --------------------------------------------------------------------- Markdown structure

def test_nested_emphasis(project: Path) -> None:
    text = "This is a ***cure***.\n\nAnd _**miracle**_ here.\n\nA **cure _inside_** and *miracle*.\n"
    assert_positions(text, lint(project, "doc.md", text), [
        ("cure", "cure"),
        ("miracle", "miracle"),
        ("cure", "cure", 2),
        ("miracle", "miracle", 2),
    ])


def test_phrase_across_emphasis_covers_the_markup(project: Path) -> None:
    text = "We reverse **insulin** resistance fast.\n"
    assert_positions(text, lint(project, "doc.md", text), [("cure", "reverse **insulin** resistance")])


def test_list_items(project: Path) -> None:
    text = "Intro:\n\n- first item\n- a cure here\n  1. nested miracle\n  2. plain\n* star cure\n\n10. numbered miracle\n"
    assert_positions(text, lint(project, "doc.md", text), [
        ("cure", "cure"),
        ("miracle", "miracle"),
        ("cure", "cure", 2),
        ("miracle", "miracle", 2),
    ])


def test_block_quotes(project: Path) -> None:
    text = "> quoted cure\n> still quoted miracle\n>\n> > nested cure\n"
    assert_positions(text, lint(project, "doc.md", text), [
        ("cure", "cure"),
        ("miracle", "miracle"),
        ("cure", "cure", 2),
    ])


def test_tables(project: Path) -> None:
    text = "| Name | Claim |\n|---|---|\n| Blend | a cure |\n| Tea | miracle |\n|`cure`| x |\n"
    assert_positions(text, lint(project, "doc.md", text), [("cure", "cure"), ("miracle", "miracle")])


def test_headings(project: Path) -> None:
    text = "# The cure\n\nSetext miracle\n==============\n\n### Closed cure ###\n"
    assert_positions(text, lint(project, "doc.md", text), [
        ("cure", "cure"),
        ("miracle", "miracle"),
        ("cure", "cure", 2),
    ])


def test_link_text_linted_link_target_never(project: Path) -> None:
    text = (
        "See [a cure](https://example.org/cure-miracle) and [ref miracle][r].\n\n"
        "![miracle photo](/img/cure.png)\n\n"
        "[r]: https://cure.example/miracle\n"
    )
    assert_positions(text, lint(project, "doc.md", text), [
        ("cure", "cure"),
        ("miracle", "miracle", 2),
        ("miracle", "miracle", 3),
    ])


# --------------------------------------------------------------------- front matter

FRONT_MATTER = """\
---
title: The cure
description: "A \\"miracle\\" blend"
summary: >
  folded text about
  a cure here
excerpt: 'single ''quoted'' miracle'
tags: [cure, miracle]
slug: miracle-cure
author: Dr Cure
context:
  product: supplement
---
Body text.
"""


def test_front_matter_prose_fields_only(project: Path) -> None:
    text = FRONT_MATTER
    assert_positions(text, lint(project, "doc.md", text), [
        ("cure", "cure"),
        ("miracle", "miracle"),
        ("cure", "cure", 1, "summary:"),
        ("miracle", "miracle", 1, "excerpt:"),
    ])


def test_front_matter_crlf(project: Path) -> None:
    text = FRONT_MATTER.replace("\n", "\r\n")
    findings = lint(project, "doc.md", text)
    assert_positions(text, findings, [
        ("cure", "cure"),
        ("miracle", "miracle"),
        ("cure", "cure", 1, "summary:"),
        ("miracle", "miracle", 1, "excerpt:"),
    ])


# --------------------------------------------------------------------- never linted

NEVER_MD = """\
Inline `cure` code and ``a miracle`` code.

```
fenced cure
```

~~~python
miracle = "cure"
~~~

    indented cure code

Visit https://example.org/cure-miracle or www.cure.example today.

Autolink <https://cure.example/miracle> and <info@miracle.example>.

Tag <span class="cure" data-x="miracle">plain</span> text.

<script>var cure = "miracle";</script>

<style>.cure { content: "miracle"; }</style>

<!-- a comment about a cure -->
"""


def test_markdown_code_urls_markup_never_linted(project: Path) -> None:
    assert lint(project, "doc.md", NEVER_MD) == []


NEVER_HTML = """\
<!DOCTYPE html>
<html><head>
<title>Plain title</title>
<script>var cure = "miracle";</script>
<style>.cure { content: "miracle"; }</style>
<meta name="keywords-x" content="cure">
<link rel="stylesheet" href="cure.css">
</head><body>
<!-- a cure in a comment -->
<p class="cure" id="miracle">Plain <code>cure</code> and <a href="https://cure.example/miracle">link</a>.</p>
<pre>preformatted cure</pre>
<p>Visit https://example.org/cure today.</p>
</body></html>
"""


def test_html_scripts_styles_comments_tags_never_linted(project: Path) -> None:
    assert lint(project, "doc.html", NEVER_HTML) == []


def test_html_attributes_alt_title_meta_description_linted(project: Path) -> None:
    text = (
        "<html><head>\n"
        '<meta name="description" content="Our miracle blend">\n'
        '<meta property="og:description" content="A cure">\n'
        "</head><body>\n"
        '<img src="cure.png" alt="a miracle pill">\n'
        "<a href=\"/cure\" title='the cure'>Shop</a>\n"
        "</body></html>\n"
    )
    assert_positions(text, lint(project, "doc.html", text), [
        ("miracle", "miracle"),
        ("cure", "cure", 1, "og:description"),
        ("miracle", "miracle", 1, "alt="),
        ("cure", "cure", 1, "title="),
    ])


def test_html_block_inside_markdown(project: Path) -> None:
    text = "Intro.\n\n<div>\n<p>Our cure</p>\n<img alt=\"miracle\" src=\"x.png\">\n</div>\n\nAfter.\n"
    assert_positions(text, lint(project, "doc.md", text), [("cure", "cure"), ("miracle", "miracle")])


def test_multi_line_match_end_position(project: Path) -> None:
    text = "We reverse\ninsulin\r\nresistance today.\n"
    findings = lint(project, "doc.txt", text)
    assert_positions(text, findings, [("cure", "reverse\ninsulin\r\nresistance")])
    assert (findings[0]["line"], findings[0]["end_line"]) == (1, 3)


def test_every_finding_on_a_realistic_document_is_a_source_slice(project: Path) -> None:
    text = (
        "---\ntitle: \"Miracle & cure\"\n---\n\n# A *miracle* cure\r\n\r\n"
        "> 😀 Our **cure** works;\tit's a [miracle](https://x.example/cure).\r\n\r\n"
        "| a | b |\n|---|---|\n| cure &amp; miracle | 中文 cure |\n\n"
        "- item with `cure` and a real cure\n"
    )
    findings = lint(project, "doc.md", text)
    assert len(findings) >= 8
    for f in findings:
        assert slice_at(text, f) == f["match"]
        assert f["match"].lower().replace("*", "") in ("cure", "miracle")


def test_inline_html_attributes_in_markdown_linted(project: Path) -> None:
    text = 'Text <img alt="a miracle" src="x.png"> and <b>cure</b> here.\n'
    assert_positions(text, lint(project, "doc.md", text), [("miracle", "miracle"), ("cure", "cure")])
