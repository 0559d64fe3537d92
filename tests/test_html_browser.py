"""The HTML report in a real browser (Chromium from Debian, driven by Playwright).

Skips when /usr/bin/chromium is missing, except under CI=true where a missing
browser is a failure (.ci/apt-packages lists what CI installs). Never runs
``playwright install``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from outkit import REPO_ROOT, run, setup_project

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]

pytestmark = pytest.mark.browser


def _require_browser() -> None:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing under CI=true: install the packages in .ci/apt-packages")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium chromium-driver)")


def test_html_report_in_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _require_browser()
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    setup_project(tmp_path)
    (tmp_path / "post.md").write_text(
        "# A miracle tea\n\nOur tea cures colds. It is 100% effective.\n\nTry the detox <b>plan</b>.\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "report.html"
    result = run(["check", "--format", "html", "--output", str(out), "post.md"])
    assert result.exit_code == 1, result.output

    shot = REPO_ROOT / "test-artifacts" / "html-report.png"
    shot.parent.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("requestfailed", lambda r: errors.append(f"request: {r.url}"))
            page.goto(out.as_uri())

            cure_mark = page.locator('mark[data-top="error"]', has_text="cures")
            assert cure_mark.is_visible()
            cure_note = page.locator(".note.sev-error", has_text='"cures" is a cure claim')
            assert cure_note.is_visible()
            assert cure_note.locator("a", has_text="Test Act §1").get_attribute("href") == "https://example.org/law/1"
            assert cure_note.locator(".rw").inner_text() == "Suggested rewrite: Say what was measured instead."
            warning_mark = page.locator("mark", has_text="miracle")
            warning_note = page.locator(".note.sev-warning", has_text='"miracle" is an absolute term')
            assert warning_mark.get_attribute("data-top") == "warning"
            assert warning_note.is_visible()
            assert page.locator("#summary").is_visible()

            page.uncheck("#filter-warning")
            assert warning_note.is_hidden()
            assert warning_mark.get_attribute("data-top") == ""
            assert page.locator(".note.sev-warning:visible").count() == 0
            assert cure_note.is_visible() and cure_mark.is_visible()
            page.screenshot(path=str(shot), full_page=True)

            page.check("#filter-warning")
            assert warning_note.is_visible()
            assert warning_mark.get_attribute("data-top") == "warning"
            assert errors == []
        finally:
            browser.close()
    assert shot.stat().st_size > 1000
