"""--baseline / --write-baseline through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from outkit import run, setup_project

OLD = "# Old post\n\nOur tea cures colds.\n\nA miracle blend.\n"


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    setup_project(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "old.md").write_text(OLD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def rules_of(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [f["rule"] for f in json.loads(result.stdout)["findings"]]


def test_write_then_only_new_findings(project: Path) -> None:
    result = run(["check", "--write-baseline", "baseline.json", "docs"])
    assert result.exit_code == 0, result.output
    assert "wrote 2 findings to baseline baseline.json" in result.stderr
    data = json.loads((project / "baseline.json").read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert [(e["rule"], e["path"]) for e in data["findings"]] == [("zout.cure", "docs/old.md"), ("zout.miracle", "docs/old.md")]
    assert all(len(e["fingerprint"]) >= 16 for e in data["findings"])

    # Nothing new: clean run.
    result = run(["check", "--format", "json", "--baseline", "baseline.json", "docs"])
    assert result.exit_code == 0 and rules_of(result) == []
    assert "2 findings in the baseline not reported" in result.stderr

    # Move the old text down and add a new claim: only the new one is reported.
    post = project / "docs" / "old.md"
    post.write_text("# Intro\n\nA new paragraph.\n\nIt is 100% effective.\n\n" + OLD, encoding="utf-8")
    result = run(["check", "--format", "json", "--baseline", "baseline.json", "docs"])
    assert result.exit_code == 1
    assert rules_of(result) == ["zout.percent"]


def test_same_file_named_differently_matches(project: Path) -> None:
    run(["check", "--write-baseline", "baseline.json", "docs"])
    for spelling in ("docs/old.md", "./docs/old.md", str(project / "docs" / "old.md"), "./docs/"):
        result = run(["check", "--format", "json", "--baseline", "baseline.json", spelling])
        assert result.exit_code == 0, (spelling, result.output)
    # From a subfolder too (paths are relative to the git root, else the cwd) -- here: the cwd.


def test_editing_the_sentence_resurrects_it(project: Path) -> None:
    run(["check", "--write-baseline", "baseline.json", "docs"])
    post = project / "docs" / "old.md"
    post.write_text(OLD.replace("Our tea cures colds.", "Our new tea cures colds fast."), encoding="utf-8")
    result = run(["check", "--format", "json", "--baseline", "baseline.json", "docs"])
    assert rules_of(result) == ["zout.cure"]
    assert "1 baseline entry no longer match" in result.stderr


def test_whitespace_and_case_changes_do_not(project: Path) -> None:
    run(["check", "--write-baseline", "baseline.json", "docs"])
    post = project / "docs" / "old.md"
    post.write_text(OLD.replace("Our tea cures colds.", "Our  tea\ncures COLDS."), encoding="utf-8")
    assert rules_of(run(["check", "--format", "json", "--baseline", "baseline.json", "docs"])) == []


def test_repeated_sentence_counts(project: Path) -> None:
    post = project / "docs" / "old.md"
    post.write_text("Our tea cures colds.\n", encoding="utf-8")
    run(["check", "--write-baseline", "baseline.json", "docs"])
    post.write_text("Our tea cures colds.\n\nOur tea cures colds.\n", encoding="utf-8")
    result = run(["check", "--format", "json", "--baseline", "baseline.json", "docs"])
    assert rules_of(result) == ["zout.cure"]
    assert json.loads(result.stdout)["findings"][0]["line"] == 3


def test_suppressed_findings_are_not_recorded(project: Path) -> None:
    post = project / "docs" / "old.md"
    post.write_text("<!-- compliance-lint disable-next-line zout.cure -- ok -->\nOur tea cures colds.\n", encoding="utf-8")
    run(["check", "--write-baseline", "baseline.json", "docs"])
    assert json.loads((project / "baseline.json").read_text(encoding="utf-8"))["findings"] == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("not json", "not valid JSON"),
        ('{"version": 99, "findings": []}', '"version": 1'),
        ('{"version": 1, "findings": [{"rule": 1}]}', "findings[0]"),
    ],
)
def test_bad_baseline_is_a_usage_error(project: Path, content: str | None, message: str) -> None:
    if content is not None:
        (project / "baseline.json").write_text(content, encoding="utf-8")
    result = run(["check", "--baseline", "baseline.json", "docs"])
    assert result.exit_code == 2
    assert message in result.stderr


def test_baseline_with_fix(project: Path) -> None:
    run(["check", "--write-baseline", "baseline.json", "docs"])
    post = project / "docs" / "old.md"
    post.write_text(OLD + "\nIt is 100% effective.\n", encoding="utf-8")
    result = run(["check", "--format", "json", "--fix", "--baseline", "baseline.json", "docs"])
    # The new finding was fixed; the old miracle was not touched (baselined findings are not reported, so not fixed).
    assert post.read_text(encoding="utf-8") == OLD + "\nIt is effective for some people.\n"
    assert result.exit_code == 0, result.output
    assert rules_of(result) == []
