"""Phrase matching on lemmas: inflections fold, unrelated words do not."""

from __future__ import annotations

from pathlib import Path

import pytest
from lintkit import rule_yaml, run_json, write_pack


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_pack(tmp_path / "packs", "zlem", [
        rule_yaml("zlem.cure", terms=["cure", "reverse insulin resistance"], match="lemma", bad=["It cures."]),
        rule_yaml("zlem.best", terms=["the best", "number one", "most effective", "safest"], match="lemma",
                  category="absolute_term", bad=["The best tea."], n=2),
        rule_yaml("zlem.promise", terms=["guaranteed"], match="lemma", category="efficacy_guarantee", bad=["Guaranteed."], n=3),
    ])
    (tmp_path / ".compliance-lint.yaml").write_text("rule_paths: [packs]\npacks: [zlem]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def matches(project: Path, text: str) -> list[tuple[str, str]]:
    (project / "a.md").write_text(text, encoding="utf-8")
    _, report, _ = run_json(["a.md"])
    return [(f["rule"].split(".")[1], f["match"]) for f in report["findings"]]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("It cures, it cured, it is curing.", [("cure", "cures"), ("cure", "cured"), ("cure", "curing")]),
        ("It reverses insulin resistance.", [("cure", "reverses insulin resistance")]),
        ("A Cure.", [("cure", "Cure")]),
        ("We guarantee it; results guaranteed.", [("promise", "guarantee"), ("promise", "guaranteed")]),
        ("The best tea, our number one pick, the most effective and safest.",
         [("best", "The best"), ("best", "number one"), ("best", "most effective"), ("best", "safest")]),
        # degrees and homographs the lookup table folds together are not the same word
        ("What the well-known studies show.", []),
        ("Numb one hand; a much effective plan; a safe dose; a better life.", []),
    ],
)
def test_lemma_matching(project: Path, text: str, expected: list) -> None:
    assert matches(project, text) == expected
