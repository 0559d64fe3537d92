"""Accuracy gate: each pack's F1 on its labelled corpus stays at or above 0.9.

Scored exactly as ``compliance-lint eval`` scores (DESIGN.md: annotated line x
(pack, category), info findings never count).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance_lint.config import Config
from compliance_lint.evaluate import score
from compliance_lint.harness import LinterCache
from compliance_lint.packs import load_registry

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
PACKS = ["nmpa", "fda", "ftc", "eu", "uk", "tga", "wada"]
MIN_F1 = 0.9


@pytest.fixture(scope="module")
def result():
    cache = LinterCache(load_registry(), Config())
    return score(cache, [str(CORPORA / p) for p in PACKS])


@pytest.mark.parametrize("pack", PACKS)
def test_pack_f1(result, pack: str) -> None:
    s = result.by_pack[pack]
    assert s.tp + s.fn >= 30, f"{pack}: too few expected findings in the corpus ({s.tp + s.fn})"
    assert s.f1 >= MIN_F1, f"{pack}: F1 {s.f1:.3f} (P {s.precision:.3f}, R {s.recall:.3f}) below {MIN_F1}"


@pytest.mark.parametrize("pack", PACKS)
def test_corpus_size_and_balance(pack: str) -> None:
    from compliance_lint.annotations import parse_annotations

    items = ok = 0
    for path in (CORPORA / pack).rglob("*.md"):
        for a in parse_annotations(path.read_text(encoding="utf-8")):
            if any(t.pack == pack for t in a.targets):
                items += 1
                ok += a.kind == "ok"
    assert items >= 80
    assert ok / items >= 0.4
