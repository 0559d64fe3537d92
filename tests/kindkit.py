"""Helpers for the tests that hold a kind's fast path against its plain path:
the bundled rules of one kind, paragraphs made of their examples, a one-block scan."""

from __future__ import annotations

from array import array

from compliance_lint.kinds.base import BlockScan, DocumentState
from compliance_lint.kinds.regex import CompiledRegex
from compliance_lint.models import Context, Rule
from compliance_lint.nlp import get_nlp
from compliance_lint.packs import load_registry
from compliance_lint.textmap import Block


def bundled_rules(kind: str, lang: str | None = None) -> list[Rule]:
    """Every bundled pack's rules of ``kind`` (those for ``lang`` when given)."""
    registry = load_registry()
    return [r for r in registry.rules(sorted(registry.packs)) if r.kind == kind and (lang is None or lang in r.languages)]


def regex_examples(sizes: tuple[int, ...]) -> dict[str, tuple[CompiledRegex, list[str]]]:
    """Per language, the bundled regex rules compiled, and paragraphs of ``k`` of their
    examples for each ``k`` in ``sizes`` (several examples per paragraph: items whose
    literals are in some sentences and not others)."""
    out = {}
    for lang in ("en", "zh"):
        here = bundled_rules("regex", lang)
        examples = [e for r in here for e in r.examples_bad + r.examples_good]
        joiner = "" if lang == "zh" else " "
        out[lang] = (CompiledRegex(here), [joiner.join(examples[i:i + k]) for k in sizes for i in range(0, len(examples), k)])
    return out


def block_scan(blocks: str | list[str], lang: str, index: int = 0, context: Context | None = None) -> BlockScan:
    """A document of the given block texts (one text: one block), offsets the identity,
    scanned at block ``index``, ready for a kind's ``find``."""
    texts = [blocks] if isinstance(blocks, str) else blocks
    made = [Block(t, array("q", range(len(t) + 1))) for t in texts]
    state = DocumentState(context=context or Context(), blocks=made, langs=[lang] * len(made))
    return BlockScan(index, made[index], get_nlp(lang)(texts[index]), lang, state)
