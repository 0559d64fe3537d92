"""Property-based tests over decoding, the source parsers and the offset maps.

Moderate example counts keep the default run fast; ``fuzz/run_fuzz.py`` runs
the same properties with many more inputs.
"""

from __future__ import annotations

from array import array

from fuzzkit import documents, formats, parse_property
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from robustkit import line_starts

from compliance_lint.errors import SourceError
from compliance_lint.positions import LineIndex
from compliance_lint.sources import load_document
from compliance_lint.textmap import Block, normalise, split_long_blocks

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(documents, formats)
def test_parsers_never_raise_and_every_character_maps_back(text: str, fmt: str) -> None:
    parse_property(text, fmt)


@FAST
@given(st.binary(max_size=300), st.sampled_from(["x.md", "x.html", "x.txt"]))
def test_arbitrary_bytes_decode_or_are_refused_cleanly(data: bytes, name: str) -> None:
    try:
        doc = load_document(name, data)
    except SourceError as exc:
        assert exc.problem.startswith(("not valid UTF-8: byte 0x", "binary file", "cannot decode as utf-"))
        return
    for block in doc.blocks:
        assert all(0 <= o < len(doc.text) for o in block.offsets[: len(block.text)])


@FAST
@given(st.lists(st.sampled_from(["a", "b", " ", "\n", "\r", "\r\n", "é", "本", "😀"]), max_size=60).map("".join))
def test_line_index_agrees_with_an_independent_count(text: str) -> None:
    index = LineIndex(text)
    starts = line_starts(text)
    for offset in range(len(text) + 1):
        line = max(i for i, s in enumerate(starts) if s <= offset)
        assert index.line_col(offset) == (line + 1, offset - starts[line] + 1)


@FAST
@given(st.lists(st.sampled_from(["word", " ", ". ", "。", "，", "x" * 7, "本品", "\u200b", "ｃ"]), max_size=80).map("".join),
       st.integers(min_value=4, max_value=40))
def test_split_long_blocks_keeps_text_and_offsets(text: str, limit: int) -> None:
    norm, offsets = normalise(text, array("q", range(len(text))))
    if not norm:
        return
    block = Block(norm, offsets)
    pieces = split_long_blocks([block], limit)
    assert "".join(p.text for p in pieces) == block.text
    assert all(len(p.text) <= limit for p in pieces)
    joined = array("q")
    for p in pieces:
        assert len(p.offsets) == len(p.text) + 1
        joined.extend(p.offsets[: len(p.text)])
    assert joined == block.offsets[: len(block.text)]
    assert pieces[-1].offsets[-1] == block.offsets[-1]


# ------------------------------------------------------------------ suppressions: fast sweep == reference

def _reference_suppressions(doc, findings):  # type: ignore[no-untyped-def]
    """The original quadratic algorithm, kept as the specification."""
    from compliance_lint.suppress import target_matches

    directives = sorted(doc.directives, key=lambda d: d.offset)
    block_starts = sorted(b.offsets[0] for b in doc.blocks if len(b.offsets))
    out = []
    for finding in findings:
        active = {}
        for d in directives:
            if d.offset > finding.start:
                break
            if d.action == "disable":
                for t in d.targets or ("all",):
                    active[t] = d
            elif d.action == "enable":
                if d.targets:
                    for t in d.targets:
                        active.pop(t, None)
                else:
                    active.clear()
        hit = next((d for t, d in active.items() if target_matches(t, finding)), None)
        if hit is None:
            for d in directives:
                if d.action != "disable-next-line" or d.offset > finding.start:
                    continue
                nxt = next((s for s in block_starts if s >= d.end), None)
                if nxt is None:
                    continue
                following = next((s for s in block_starts if s > nxt), None)
                if finding.start >= nxt and (following is None or finding.start < following) and \
                        any(target_matches(t, finding) for t in (d.targets or ("all",))):
                    hit = d
                    break
        out.append(None if hit is None else hit.reason)
    return out


@FAST
@given(st.lists(st.tuples(st.sampled_from(["disable", "enable", "disable-next-line"]),
                          st.lists(st.sampled_from(["zrb", "zrb.cure", "zrb.other", "zrb/cure_claim", "all"]), max_size=2),
                          st.integers(0, 200)), max_size=12),
       st.lists(st.integers(0, 200), max_size=12, unique=True),
       st.lists(st.tuples(st.integers(0, 200), st.sampled_from(["zrb.cure", "zrb.other"])), max_size=15))
def test_suppression_sweep_matches_the_reference(directives, starts, hits) -> None:  # type: ignore[no-untyped-def]
    from compliance_lint.models import Finding
    from compliance_lint.sources.base import Directive, SourceDocument
    from compliance_lint.suppress import apply_suppressions

    blocks = [Block("x", array("q", [s, s + 1])) for s in sorted(starts)]
    dirs = [Directive(a, tuple(t), o, o + 5, reason=f"d{i}") for i, (a, t, o) in enumerate(directives)]
    doc = SourceDocument(text="", blocks=blocks, directives=dirs)
    findings = [Finding(rule=r, pack="zrb", category="cure_claim", severity="error", message="", path="p", line=1, column=1,
                        end_line=1, end_column=2, match="x", citation="", citation_url="", suggestion="", start=s, end=s + 1)
                for s, r in hits]
    expected = _reference_suppressions(doc, findings)
    apply_suppressions(doc, findings)
    assert [f.suppression_reason for f in findings] == expected  # the same directive wins
