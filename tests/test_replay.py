"""A re-run over unchanged inputs replays the stored report (replay.py); any change lints again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lintkit import run, setup_project


@pytest.fixture()
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    setup_project(tmp_path)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# A\n\nThis cure works.\n", encoding="utf-8")
    (docs / "b.md").write_text("# B\n\nA walk after dinner.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return docs


def _no_linting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record any file that is linted (or read from the per-file cache) instead of replayed."""
    import compliance_lint.parallel as parallel

    touched: list[str] = []
    real = parallel.FileRunner.lint_file

    def spy(self, linter, config, path, named, *a, **k):  # noqa: ANN001, ANN202
        touched.append(path)
        return real(self, linter, config, path, named, *a, **k)

    monkeypatch.setattr(parallel.FileRunner, "lint_file", spy)
    return touched


def test_unchanged_inputs_replay_the_report(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = run(["check", "--format", "json", "docs"])
    assert first.exit_code == 1
    touched = _no_linting(monkeypatch)
    second = run(["check", "--format", "json", "docs"])
    assert touched == []
    assert second.exit_code == 1
    assert second.stdout == first.stdout
    assert json.loads(second.stdout)["summary"]["findings"] >= 1


def test_a_changed_file_is_linted_again(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(["check", "--format", "json", "docs"])
    (tree / "a.md").write_text("# A\n\nThis tea tastes of mint.\n", encoding="utf-8")
    touched = _no_linting(monkeypatch)
    again = run(["check", "--format", "json", "docs"])
    assert touched  # not replayed
    assert again.exit_code == 0
    assert json.loads(again.stdout)["findings"] == []


def test_options_that_shape_the_report_are_part_of_the_key(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    as_json = run(["check", "--format", "json", "docs"])
    as_text = run(["check", "docs"])
    assert as_text.stdout != as_json.stdout and "cure" in as_text.stdout
    never = run(["check", "--fail-on", "never", "docs"])
    assert never.exit_code == 0 and as_text.exit_code == 1
    touched = _no_linting(monkeypatch)
    assert run(["check", "docs"]).stdout == as_text.stdout
    assert run(["check", "--fail-on", "never", "docs"]).exit_code == 0
    assert touched == []


def test_no_cache_and_fixes_never_replay(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(["check", "--format", "json", "docs"])
    touched = _no_linting(monkeypatch)
    run(["check", "--no-cache", "--format", "json", "docs"])
    assert touched
    touched.clear()
    run(["check", "--format", "json", "--baseline", "none.json", "docs"])
    assert touched


def test_an_added_file_is_linted(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(["check", "--format", "json", "docs"])
    (tree / "c.md").write_text("A cure for all.\n", encoding="utf-8")
    again = run(["check", "--format", "json", "docs"])
    paths = {f["path"] for f in json.loads(again.stdout)["findings"]}
    assert any(p.endswith("c.md") for p in paths)


def test_a_torn_entry_is_ignored(tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    first = run(["check", "--format", "json", "docs"])
    entries = list((Path(os.environ["COMPLIANCE_LINT_CACHE_DIR"]) / "replay").rglob("*.txt"))
    assert len(entries) == 1
    data = entries[0].read_bytes()
    entries[0].write_bytes(data[: len(data) // 2])  # cut short, as by a full disk
    touched = _no_linting(monkeypatch)
    again = run(["check", "--format", "json", "docs"])
    assert touched and again.stdout == first.stdout


def test_the_key_is_the_same_in_every_process(tree: Path) -> None:
    """A config with context keys (a set inside the config) gives one stored report, whatever
    the string hash seed of the process: keys built from sets must not depend on their order."""
    import os
    import subprocess
    import sys

    root = tree.parent
    with (root / ".compliance-lint.yaml").open("a", encoding="utf-8") as fh:
        fh.write("context:\n  product: supplement\n  audience: public\n  content: advertising\n")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    outs = []
    for seed in ("1", "2", "3"):
        proc = subprocess.run([sys.executable, "-m", "compliance_lint", "check", "--format", "json", "docs"], cwd=str(root),
                              env=dict(env, PYTHONHASHSEED=seed), capture_output=True, text=True, timeout=300)
        assert proc.returncode == 1, proc.stderr
        outs.append(proc.stdout)
    assert outs[0] == outs[1] == outs[2]
    entries = list((Path(os.environ["COMPLIANCE_LINT_CACHE_DIR"]) / "replay").rglob("*.txt"))
    assert len(entries) == 1
