"""engine._findings works out a hit's place (sentence, offsets, line and column, match) once per
span and shares it among the rules that hit the same span. Every finding's place must still be
the one computed for it alone."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from lintkit import line_col

from compliance_lint import engine
from compliance_lint.config import Config
from compliance_lint.models import Context
from compliance_lint.packs import default_pack_ids, load_registry
from compliance_lint.runner import build_linter
from compliance_lint.sources import load_document

SENTENCES = [
    "This supplement cures diabetes.",
    "Our tea is clinically proven to reverse type 2 diabetes in 30 days.",
    "Semaglutide without a prescription, guaranteed weight loss!",
    "It does not cure cancer.",
    "Doctors say it may help treat arthritis.",
    "“It cured my asthma,” one customer wrote.",
    "Ozempic is 100% safe with no side effects.",
    "本品可以治愈糖尿病。",
    "Buy ivermectin online to treat COVID-19.",
    "A plain sentence about the weather.",
]


@pytest.fixture(scope="module")
def linter() -> engine.Linter:
    config = Config()
    registry = load_registry(config.rule_paths)
    return build_linter(registry, default_pack_ids(registry), config)


def _document(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(3, 9)):
        para = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 4)))
        parts.append(rng.choice(["", "# ", "- ", "> "]) + para)
    return rng.choice(["\n", "\r\n", "\r"]).join(parts) + "\n"


@pytest.mark.parametrize("seed", range(12))
def test_each_finding_has_its_own_place(linter: engine.Linter, seed: int) -> None:
    text = _document(random.Random(seed))
    doc = load_document("doc.md", text.encode("utf-8"))
    findings = linter.lint(doc, Context())
    assert findings
    shared = Counter((f.start, f.end) for f in findings)
    for f in findings:
        assert (f.line, f.column) == line_col(doc.text, f.start)
        assert (f.end_line, f.end_column) == line_col(doc.text, f.end)
        assert f.match == doc.text[f.start:f.end]
        assert f.sentence and f.sentence == f.sentence.strip()
    if seed == 0:
        assert max(shared.values()) > 1  # several rules on one span: the shared place is exercised


def test_span_facts_match_the_plain_computation(linter: engine.Linter) -> None:
    from compliance_lint.kinds.base import sentence_chars
    from compliance_lint.positions import LineIndex

    text = _document(random.Random(99))
    doc = load_document("doc.md", text.encode("utf-8"))
    linter.lint(doc, Context())  # splits long blocks as lint does
    lines = LineIndex(doc.text)
    docs = engine._LazyDocs(doc.blocks, linter.block_langs(doc))
    for b, block in enumerate(doc.blocks):
        for start in range(0, len(block.text), 3):
            end = min(len(block.text), start + 1 + start % 7)
            at = engine._SpanFacts.of(doc, block, docs[b], start, end, lines)
            s0, s1 = sentence_chars(docs[b], start)
            s_text = block.text[s0:s1]
            o0, o1 = block.span(start, end)
            assert (at.sentence, at.rs, at.re_) == (s_text, start - s0, end - s0)
            assert (at.start, at.end, at.match) == (o0, o1, doc.text[o0:o1])
            assert (at.line, at.col, at.end_line, at.end_col) == (*lines.line_col(o0), *lines.line_col(o1))
            assert at.stripped == s_text.strip() and at.norm == engine._norm_sentence(s_text)
