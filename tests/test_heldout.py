"""Held-out documents in real-world genres hold their annotations.

``tests/heldout/`` holds texts written in the styles the tool meets in the
wild and was not tuned on: regulators' published quotes of violating claims
(FDA warning letter, FTC complaint, ASA ruling, TGA infringement notice, SAMR
case report), approved labels and patient information (US Medication Guide and
prescribing information, EU package leaflet, Australian CMI, Chinese 说明书),
and promotional pages with the violations regulators cite. Every ``expect`` /
``ok`` annotation must hold, exactly as ``compliance-lint test tests/heldout``
checks them; known gaps are marked ``todo-`` and only reported.

Label documents are also checked with front matter removed (real labels carry
none): they must then still produce no error or warning under any pack.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from compliance_lint.annotations import counted
from compliance_lint.config import Config
from compliance_lint.harness import LinterCache
from compliance_lint.packs import load_registry
from compliance_lint.runner import document_context
from compliance_lint.sources import load_document
from compliance_lint.testing import check_fixtures

HELDOUT = Path(__file__).resolve().parent / "heldout"
FILES = sorted([*HELDOUT.glob("*.md"), *HELDOUT.glob("*.html")])
LABELS = [p for p in FILES if re.search(r"^\s+content:\s*label\s*$", p.read_text(encoding="utf-8"), re.M)]
PACKS = ("eu", "fda", "ftc", "nmpa", "tga", "uk")


@pytest.fixture(scope="module")
def cache() -> LinterCache:
    return LinterCache(load_registry(), Config())


def test_heldout_set_is_there() -> None:
    assert len(FILES) >= 8
    assert len(LABELS) >= 4


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_heldout_annotations_hold(cache: LinterCache, path: Path) -> None:
    checked, failures, _todos = check_fixtures(cache, [str(path)])
    assert checked > 0, f"{path.name}: no annotations"
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("path", LABELS, ids=lambda p: p.stem)
def test_label_without_front_matter_is_clean(cache: LinterCache, path: Path) -> None:
    text = re.sub(r"\A---\n.*?\n---\n", "\n", path.read_text(encoding="utf-8"), flags=re.S)
    doc = load_document(path.name, text.encode("utf-8"))
    findings = cache.get(PACKS).lint(doc, document_context(cache.config, doc))
    bad = [f"{f.line}: {f.rule} {f.match!r}" for f in findings if counted(f)]
    assert not bad, f"{path.name} (no front matter):\n" + "\n".join(bad)
