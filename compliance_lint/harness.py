"""Shared by ``test`` and ``eval``: lint annotated files with the packs they name."""

from __future__ import annotations

from pathlib import Path

from compliance_lint.annotations import Annotation, parse_annotations
from compliance_lint.config import Config
from compliance_lint.engine import Linter
from compliance_lint.models import Finding
from compliance_lint.packs import PackRegistry
from compliance_lint.runner import build_linter, document_context
from compliance_lint.sources import load_document


class LinterCache:
    """One compiled linter per pack set, reused across files."""

    def __init__(self, registry: PackRegistry, config: Config) -> None:
        self.registry = registry
        self.config = config
        self._linters: dict[tuple[str, ...], Linter] = {}

    def get(self, packs: tuple[str, ...]) -> Linter:
        if packs not in self._linters:
            self._linters[packs] = build_linter(self.registry, list(packs), self.config)
        return self._linters[packs]


def lint_annotated(cache: LinterCache, path: str, packs: tuple[str, ...] | None = None) -> tuple[list[Annotation], list[Finding]]:
    data = Path(path).read_bytes()
    text = data.decode("utf-8-sig", errors="replace")
    annotations = parse_annotations(text)
    if packs is None:
        packs = tuple(sorted({t.pack for a in annotations for t in a.targets if t.pack in cache.registry.packs}))
    if not packs:
        return annotations, []
    doc = load_document(path, data)
    context = document_context(cache.config, doc)
    findings = cache.get(packs).lint(doc, context)
    if context.markets is not None:
        findings = [f for f in findings if f.pack in context.markets or f.pack in packs]
    return annotations, findings


def lint_example(cache: LinterCache, pack: str, text: str, when: dict) -> list[Finding]:
    """Lint a rule example as a Markdown document, in the context the rule requires."""
    from compliance_lint.models import Context

    doc = load_document("<example>.md", text.encode("utf-8"))
    overrides = {k: v[0] for k, v in when.items()}
    context = document_context(cache.config, doc, Context().merged(overrides))
    if overrides and not doc.front_matter.get("context"):
        context = context.merged(overrides)
    return cache.get((pack,)).lint(doc, context)
