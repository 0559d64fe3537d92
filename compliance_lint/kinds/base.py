"""The contract between the engine and a rule kind.

A kind validates its own YAML keys at load time, and compiles all rules of
that kind for one language into one matcher object (one PhraseMatcher for all
phrase rules, one Matcher for all pattern rules) that finds ``Hit``s in a
block. Negation, hedging, attribution, context and suppression are applied by
the engine afterwards, uniformly for every kind.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

    from compliance_lint.models import Context, Rule
    from compliance_lint.schema import Checker
    from compliance_lint.textmap import Block


@dataclass
class Hit:
    """A candidate finding in one block, in prose character offsets."""

    rule: Rule
    block: int
    start: int
    end: int
    substance: str | None = None
    condition: str | None = None
    negation_checked: bool = False
    notes: list[str] = field(default_factory=list)
    severity: str | None = None


@dataclass
class BlockScan:
    """What a kind sees of one block: the prose, its spaCy Doc and the document.

    The engine hands one BlockScan to every kind that runs on the block, so
    what several kinds derive from it (the lower-cased text, the sentence
    spans) is computed once, here.
    """

    index: int
    block: Block
    doc: Doc
    lang: str
    state: DocumentState

    @cached_property
    def low(self) -> str:
        """The block's text, lower-cased (the semantic kinds match on it)."""
        return self.block.text.lower()

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """(start_char, end_char) of each sentence of the Doc: ``doc.sents``
        without making a Span per sentence for each kind."""
        starts, ends, _tok_starts, _tok_ends = _bounds(self.doc)
        return list(zip(starts, ends, strict=True))


@dataclass
class DocumentState:
    """Document-wide facts shared by kinds (context, entities seen so far)."""

    context: Context
    blocks: list[Block]
    langs: list[str]
    memory: dict[str, Any] = field(default_factory=dict)
    # Per compiled-kind class, the blocks whose text holds one of its triggers
    # (prefilter.py); None when every block may (prefilter off, or a document in
    # two languages, whose plans differ). A document-level finish() reads only these.
    triggered: dict[type, set[int]] | None = None

    def blocks_triggering(self, kind: type) -> set[int] | None:
        """The blocks that may hold a trigger of ``kind`` (None: any block)."""
        return None if self.triggered is None else self.triggered.get(kind, set())


class TokenTrigger(str):
    """A trigger matched as whole spaCy tokens (at possible token edges), not as a substring.

    For kinds that match with a PhraseMatcher or Matcher; see ``prefilter.py``.
    """

    __slots__ = ()


class CompiledKind:
    """All rules of one kind for one language, ready to match."""

    document_level: ClassVar[bool] = False
    # Block kinds ("heading", ...) this kind must see even without a trigger,
    # e.g. because a heading resets the subject carried across sentences.
    always_blocks: ClassVar[frozenset[str]] = frozenset()

    def triggers(self) -> list[str] | None:
        """Literals without which no rule here can fire in a block; None = always run.

        The prefilter (``prefilter.py``) runs the NLP pipeline and ``find`` only
        on blocks where some trigger occurs. A plain ``str`` must occur as a
        substring of ``block.text.lower()``; a ``TokenTrigger`` as whole tokens.
        ``find`` may rely on state from earlier blocks only if those blocks hold
        a trigger too (or are of a kind in ``always_blocks``); a skipped block's
        Doc is still built on demand through ``state.memory["docs"]``.
        """
        return None

    def find(self, scan: BlockScan) -> Iterable[Hit]:
        return ()

    def finish(self, state: DocumentState, hits: list[Hit]) -> Iterable[Hit]:
        """Document-level hook after every block was scanned."""
        return ()


class KindBase:
    keys: ClassVar[tuple[str, ...]] = ()

    @staticmethod
    def validate(rule: Rule, data: Any, checker: Checker) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def compile(cls, rules: list[Rule], lang: str, env: Any) -> CompiledKind:
        raise NotImplementedError


def sentence_of(doc: Doc, start_char: int) -> Span:
    """The sentence containing ``start_char``.

    Sentence bounds are computed once per Doc and searched by bisection: a
    block with thousands of sentences and thousands of hits stays linear.
    """
    starts, ends, tok_starts, tok_ends = _bounds(doc)
    i = bisect_right(starts, start_char) - 1
    if i >= 0 and start_char < ends[i]:
        return doc[tok_starts[i]:tok_ends[i]]
    return doc[:]


def sentence_chars(doc: Doc, start_char: int) -> tuple[int, int]:
    """``sentence_of(doc, start_char)``'s (start_char, end_char), without making a Span."""
    starts, ends, _tok_starts, _tok_ends = _bounds(doc)
    i = bisect_right(starts, start_char) - 1
    if i >= 0 and start_char < ends[i]:
        return starts[i], ends[i]
    whole = doc[:]
    return whole.start_char, whole.end_char


def _bounds(doc: Doc) -> tuple[list[int], list[int], list[int], list[int]]:
    bounds = doc.user_data.get("_sentence_bounds")
    if bounds is None:
        sents = list(doc.sents)
        bounds = ([s.start_char for s in sents], [s.end_char for s in sents], [s.start for s in sents], [s.end for s in sents])
        doc.user_data["_sentence_bounds"] = bounds
    return bounds
