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
