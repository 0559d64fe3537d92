"""Suppression comments in Markdown and HTML (DESIGN: Suppression)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lintkit import PACK_A, PACK_B, run, run_json, setup_project

CURE = f"{PACK_A}.cure"
MIRACLE = f"{PACK_A}.miracle"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    setup_project(tmp_path, packs=(PACK_A, PACK_B))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint(project: Path, name: str, text: str) -> tuple[int, dict]:
    (project / name).write_text(text, encoding="utf-8")
    code, report, result = run_json([name])
    assert report["errors"] == [], result.stderr
    return code, report


def state(report: dict, pack: str | None = PACK_A) -> list[tuple[int, str, bool]]:
    """(line, rule, suppressed) for the findings of one pack."""
    return [(f["line"], f["rule"], f["suppressed"]) for f in report["findings"] if pack is None or f["pack"] == pack]


def test_disable_enable_range_markdown(project: Path) -> None:
    text = (
        "A cure.\n"                                          # 1
        "\n"
        f"<!-- compliance-lint disable {CURE} -->\n"         # 3
        "Another cure and a miracle.\n"                      # 4
        "\n"
        "- a list cure\n"                                    # 6
        "\n"
        "<!-- compliance-lint enable -->\n"                  # 8
        "\n"
        "Final cure.\n"                                      # 10
    )
    _, report = lint(project, "a.md", text)
    assert state(report) == [
        (1, CURE, False),
        (4, CURE, True),
        (4, MIRACLE, False),
        (6, CURE, True),
        (10, CURE, False),
    ]


def test_bare_enable_ends_every_disable_named_enable_ends_one(project: Path) -> None:
    text = (
        f"<!-- compliance-lint disable {CURE} -->\n"      # 1
        f"<!-- compliance-lint disable {MIRACLE} -->\n"   # 2
        "A cure and a miracle.\n"                         # 3
        "\n"
        f"<!-- compliance-lint enable {CURE} -->\n"       # 5
        "A cure and a miracle.\n"                         # 6
        "\n"
        "<!-- compliance-lint enable -->\n"               # 8
        "A cure and a miracle.\n"                         # 9
    )
    _, report = lint(project, "a.md", text)
    assert state(report) == [
        (3, CURE, True), (3, MIRACLE, True),
        (6, CURE, False), (6, MIRACLE, True),
        (9, CURE, False), (9, MIRACLE, False),
    ]


@pytest.mark.parametrize(
    "target, suppressed",
    [
        (CURE, {CURE}),
        (f"{CURE},{MIRACLE}", {CURE, MIRACLE}),
        (f"{CURE}, {PACK_B}.cure", {CURE, f"{PACK_B}.cure"}),
        (PACK_A, {CURE, MIRACLE}),
        (PACK_B, {f"{PACK_B}.cure"}),
        (f"{PACK_A}/absolute_term", {MIRACLE}),
        (f"{PACK_B}/disease_claim", {f"{PACK_B}.cure"}),
        (f"{PACK_A}/disease_claim", set()),
        ("", {CURE, MIRACLE, f"{PACK_B}.cure"}),  # bare disable: everything
    ],
)
def test_targets_rule_pack_category(project: Path, target: str, suppressed: set) -> None:
    text = f"<!-- compliance-lint disable {target} -->\nA cure and a miracle.\n"
    code, report = lint(project, "a.md", text)
    got = {f["rule"] for f in report["findings"] if f["suppressed"]}
    assert got == suppressed
    assert {f["rule"] for f in report["findings"]} == {CURE, MIRACLE, f"{PACK_B}.cure"}


def test_disable_next_line_affects_only_the_next_block(project: Path) -> None:
    text = (
        "A cure first.\n"                                            # 1
        "\n"
        f"<!-- compliance-lint disable-next-line {CURE} -->\n"       # 3
        "A cure here,\n"                                             # 4
        "and the same paragraph's cure.\n"                           # 5
        "\n"
        "The next paragraph's cure.\n"                               # 7
    )
    _, report = lint(project, "a.md", text)
    assert state(report) == [(1, CURE, False), (4, CURE, True), (5, CURE, True), (7, CURE, False)]


def test_disable_next_line_before_heading_and_list(project: Path) -> None:
    text = (
        f"<!-- compliance-lint disable-next-line {PACK_A} -->\n"  # 1
        "# A cure heading\n"                                      # 2
        "\n"
        "- a cure item\n"                                         # 4
    )
    _, report = lint(project, "a.md", text)
    assert state(report) == [(2, CURE, True), (4, CURE, False)]


def test_reason_after_double_dash_is_kept(project: Path) -> None:
    text = (
        f"<!-- compliance-lint disable-next-line {CURE} -- approved by legal 2026-11 -->\n"
        "A cure.\n"
        "\n"
        f"<!-- compliance-lint disable {MIRACLE} -- quoted from the FDA warning letter -->\n"
        "A miracle.\n"
    )
    _, report = lint(project, "a.md", text)
    reasons = {f["rule"]: f.get("suppression_reason") for f in report["findings"] if f["pack"] == PACK_A}
    assert reasons == {CURE: "approved by legal 2026-11", MIRACLE: "quoted from the FDA warning letter"}


def test_suppressed_findings_listed_but_not_counted(project: Path) -> None:
    text = f"<!-- compliance-lint disable {PACK_A}, {PACK_B} -- reviewed -->\nA cure and a miracle.\n"
    code, report = lint(project, "a.md", text)
    assert len(report["findings"]) == 3
    assert all(f["suppressed"] is True for f in report["findings"])
    assert report["summary"]["findings"] == 0
    assert report["summary"]["by_severity"] == {"error": 0, "warning": 0, "info": 0}
    assert code == 0
    # text format shows them as suppressed, still exit 0
    result = run(["check", "a.md"])
    assert result.exit_code == 0
    assert "suppressed" in result.stdout and "reviewed" in result.stdout


def test_partly_suppressed_still_fails(project: Path) -> None:
    text = f"<!-- compliance-lint disable {CURE} -->\nA cure and a miracle.\n"
    code, report = lint(project, "a.md", text)
    assert code == 1
    assert report["summary"]["findings"] == 2


def test_directive_inside_code_is_not_a_directive(project: Path) -> None:
    text = f"```html\n<!-- compliance-lint disable {PACK_A} -->\n```\n\nA cure.\n"
    _, report = lint(project, "a.md", text)
    assert state(report) == [(5, CURE, False)]


def test_html_disable_enable_and_next_line(project: Path) -> None:
    text = (
        "<html><body>\n"                                                  # 1
        "<p>A cure.</p>\n"                                                # 2
        f"<!-- compliance-lint disable {CURE} -- legal ok -->\n"          # 3
        "<p>A cure and a miracle.</p>\n"                                  # 4
        "<!-- compliance-lint enable -->\n"                               # 5
        f"<!-- compliance-lint disable-next-line {PACK_A}/absolute_term -->\n"  # 6
        "<p>A miracle cure.</p>\n"                                        # 7
        "<p>Another miracle.</p>\n"                                       # 8
        "</body></html>\n"
    )
    code, report = lint(project, "a.html", text)
    assert state(report) == [
        (2, CURE, False),
        (4, CURE, True),
        (4, MIRACLE, False),
        (7, MIRACLE, True),
        (7, CURE, False),
        (8, MIRACLE, False),
    ]
    assert next(f for f in report["findings"] if f["line"] == 4 and f["rule"] == CURE)["suppression_reason"] == "legal ok"


def test_mdx_comment_directive(project: Path) -> None:
    text = f"import X from './x'\n\n{{/* compliance-lint disable-next-line {CURE} -- ok */}}\nA cure.\n\nA cure.\n"
    _, report = lint(project, "a.mdx", text)
    assert state(report) == [(4, CURE, True), (6, CURE, False)]


def test_directives_do_not_apply_to_other_files(project: Path) -> None:
    (project / "b.md").write_text("A cure.\n", encoding="utf-8")
    (project / "a.md").write_text(f"<!-- compliance-lint disable {PACK_A} -->\nA cure.\n", encoding="utf-8")
    _, report, _ = run_json(["a.md", "b.md"])
    assert [(f["path"], f["suppressed"]) for f in report["findings"] if f["pack"] == PACK_A] == [("a.md", True), ("b.md", False)]
