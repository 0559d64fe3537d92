"""--format html without a browser: self-contained, escaped, highlights at the right offsets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from outkit import run, setup_project

from compliance_lint.reporters.html import _link

HOSTILE = (
    'Intro <script>alert("pwned")</script> and <img src=x onerror=alert(1)>.\n'
    "This miracle tea cures colds & flu.\n"
    "</div></section><style>body{display:none}</style>\n\n"
    "A detox plan.\n"
)


@pytest.fixture()
def report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    setup_project(tmp_path)
    (tmp_path / "post.txt").write_text(HOSTILE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run(["check", "--format", "html", "post.txt"])
    assert result.exit_code == 1, result.output
    return result.stdout


def test_linted_text_is_escaped(report: str) -> None:
    assert report.count("<script>") == 1  # only the report's own script
    assert "<img" not in report and "<style>body{display:none}" not in report
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in report
    assert "&lt;img src=x onerror=alert(1)&gt;" in report
    assert "colds &amp; flu" in report


def test_self_contained(report: str) -> None:
    assert "<link" not in report
    assert not re.search(r"<[^>]*\ssrc=", report)
    assert "default-src 'none'" in report  # CSP: the page can load nothing
    assert "@import" not in report and "url(" not in report


def test_highlights_and_notes(report: str) -> None:
    assert re.search(r'<mark data-findings="warning:a" data-top="warning"[^>]*>miracle<sup>', report)
    assert re.search(r'<mark data-findings="error:a" data-top="error"[^>]*>cures<sup>', report)
    assert re.search(r'<mark data-findings="info:a" data-top="info"[^>]*>detox<sup>', report)
    assert '<a href="https://example.org/law/1" rel="noopener noreferrer" target="_blank">Test Act §1</a>' in report
    assert "Suggested rewrite: Say what was measured instead." in report
    assert 'id="filter-warning"' in report
    assert '<table class="summary" id="summary">' in report
    assert "<td>zout</td><td>cure_claim</td>" in report


def test_only_http_citations_become_links() -> None:
    assert "<a" not in _link("Evil", "javascript:alert(1)")
    assert _link("Law", "https://example.org/x?a=1&b=2").startswith('<a href="https://example.org/x?a=1&amp;b=2"')


def test_overlapping_findings_share_one_highlight(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    setup_project(tmp_path)
    # "cure" and "cures" both match the same characters; the highlight is not doubled.
    (tmp_path / "a.md").write_text("It cures.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    html = run(["check", "--format", "html", "a.md"]).stdout
    marks = re.findall(r"<mark [^>]*>(.*?)</mark>", html)
    assert "".join(re.sub(r"<sup>.*?</sup>", "", m) for m in marks) == "cures"
