"""``required``: a mandatory statement that must be present when a trigger appears.

YAML keys:
  triggers:   phrases (inflected) whose presence makes the statement mandatory
  trigger_entities: optional list: rx (any prescription-only substance mention),
              rx_approved (a prescription-only substance with an approval in the
              pack's jurisdiction: fair-balance rules, where unapproved peptides
              are another rule's business), or substance ids
  entity_context: any (default) | promotion — with promotion, an entity mention
              triggers only in a paragraph that also makes a claim or offer
              (a claim verb or a lexicon promotion cue: "helps adults lose
              weight", "lowers A1C", "book a visit"), so a news item that only
              names a drug does not owe a risk statement
  statements: the mandatory text(s); any one present satisfies the rule. Matched
              ignoring case, spacing and punctuation, so line breaks and
              full-width commas do not matter.

Document level: the finding points at the first trigger. Use ``when`` to say
for which documents (product type, content, audience) the statement is due.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from compliance_lint import semantic
from compliance_lint.kinds.base import CompiledKind, DocumentState, Hit, KindBase
from compliance_lint.models import PACK_JURISDICTION, Rule
from compliance_lint.schema import Checker

_STRIP = re.compile(r"[\W_]+", re.UNICODE)
# The ASCII characters ``[\W_]`` matches: deleted from ASCII text in one C pass.
_ASCII_STRIP = bytes(c for c in range(128) if not chr(c).isalnum())


def squash(text: str) -> str:
    """``text`` lower-cased, with everything but letters and digits removed.

    Squashed once per document that holds a trigger: the regex substitution
    over a whole document cost more than all the trigger searches, so ASCII
    text (most documents) is squashed by ``bytes.translate`` instead, and
    other text has its whitespace (most of what goes) split away first."""
    if text.isascii():
        return text.encode("ascii").translate(None, _ASCII_STRIP).decode("ascii").lower()
    return _STRIP.sub("", "".join(text.lower().split()))


class Kind(KindBase):
    keys = ("triggers", "trigger_entities", "statements", "entity_context")

    @staticmethod
    def validate(rule: Rule, data: Any, checker: Checker) -> dict[str, Any]:
        triggers = checker.string_list("triggers")
        entities = checker.string_list("trigger_entities")
        if not triggers and not entities:
            raise checker.fail("triggers", "missing (expected trigger phrases or trigger_entities)")
        return {
            "triggers": triggers, "trigger_entities": entities, "statements": checker.string_list("statements", required=True),
            "entity_context": checker.choice("entity_context", ("any", "promotion"), default="any"),
        }

    @classmethod
    def compile(cls, rules: list[Rule], lang: str, env: Any) -> CompiledKind:
        return CompiledRequired(rules, lang)


class CompiledRequired(CompiledKind):
    document_level = True

    def __init__(self, rules: list[Rule], lang: str) -> None:
        self.rules = rules
        self.lang = lang
        self.trigger_rx = {r.id: semantic.word_regex(tuple(r.spec["triggers"]), True) for r in rules}
        self.statements = {r.id: [squash(s) for s in r.spec["statements"]] for r in rules}
        self._keys = _TriggerKeys([rx for rx in self.trigger_rx.values() if rx is not None])
        self._scan = semantic.MatcherUnion([rx for rx in self.trigger_rx.values() if rx is not None])

    def triggers(self) -> list[str] | None:
        """finish() fires only on a trigger phrase or a trigger entity somewhere in the text."""
        from compliance_lint.prefilter import entity_triggers, word_triggers

        out: list[str] = []
        for rule in self.rules:
            out.extend(word_triggers(rule.spec["triggers"]))
            if rule.spec["trigger_entities"]:
                ents = entity_triggers()
                if ents is None:
                    return None
                out.extend(ents)
        return out

    def finish(self, state: DocumentState, hits: list[Hit]) -> Iterable[Hit]:
        done = state.memory.setdefault("required_done", set())
        kb = semantic.kb()
        for rule in self.rules:
            if rule.id in done:
                continue
            done.add(rule.id)
            first = self._first_trigger(rule, state, kb)
            if first is None:
                continue
            whole = state.memory.get("required_whole")
            if whole is None:  # the statement search text, once per document and only when a trigger is there
                whole = state.memory["required_whole"] = squash(" ".join(b.text for b in state.blocks))
            if any(s and s in whole for s in self.statements[rule.id]):
                continue
            block, start, end = first
            yield Hit(rule, block, start, end, negation_checked=True)

    def _first_trigger(self, rule: Rule, state: DocumentState, kb: Any) -> tuple[int, int, int] | None:
        # Prefer a trigger in body text: a heading or front-matter title that
        # names the product ("Pharmacy medicine advertisement") is not where
        # the statement is missing.
        orders = state.memory.get("required_orders")
        if orders is None:  # the same for every rule of the document
            # with the prefilter on, only blocks holding one of this kind's triggers can hold a rule's trigger
            allowed = state.blocks_triggering(type(self))
            body = [i for i, b in enumerate(state.blocks) if b.kind not in ("heading", "front_matter") and (allowed is None or i in allowed)]
            rest = [i for i, b in enumerate(state.blocks) if b.kind in ("heading", "front_matter") and (allowed is None or i in allowed)]
            orders = state.memory["required_orders"] = (body, rest)
        for order in orders:
            found = self._scan_trigger(rule, state, kb, order)
            if found is not None:
                return found
        return None

    def _scan_trigger(self, rule: Rule, state: DocumentState, kb: Any, order: list[int]) -> tuple[int, int, int] | None:
        rx = self.trigger_rx[rule.id]
        ents = rule.spec["trigger_entities"]
        for i in order:
            block = state.blocks[i]
            if block.kind == "heading" and not rx:
                continue
            cands = []
            if rx is not None:
                # packs repeat a rule's trigger words: one search per matcher and block
                first = self._firsts(state, i).get(id(rx))
                if first is not None:
                    cands.append(first)
            if ents and (rule.spec.get("entity_context") != "promotion" or _block_promotes(state, i)):
                for m in semantic.mentions(state, i):
                    if m.label != "SUBSTANCE":
                        continue
                    if ("rx" in ents and kb.is_rx(m.id)) or m.id in ents or (
                        "rx_approved" in ents and kb.is_rx(m.id) and kb.is_approved(m.id, PACK_JURISDICTION.get(rule.pack) or "")
                    ):
                        cands.append((m.start, m.end))
            if cands:
                s, e = min(cands)
                return i, s, e
        return None


    def _firsts(self, state: DocumentState, index: int) -> dict[int, tuple[int, int]]:
        """Per trigger matcher (by id) that matches in block ``index``, its first
        match there (``rx.search``'s span), worked out once per document and block.

        The blocks read hold one rule's trigger, rarely one matcher's alone: the
        key-word scan (``_TriggerKeys``) rules out a block for every matcher at
        once, and otherwise one scan of all matchers' forms (``semantic.MatcherUnion``)
        answers every matcher, instead of a search per matcher (finish 0.84 -> 0.61
        us/word on the benchmark corpus)."""
        done: dict[int, dict[int, tuple[int, int]]] = state.memory.setdefault("required_firsts", {}).setdefault(id(self), {})
        got = done.get(index)
        if got is None:
            keys = self._keys
            if any(keys.may_match(rx, state, index) for rx in self._scan.matchers):
                got = self._scan.firsts(_lower(state, index))
            else:
                got = {}
            done[index] = got
        return got


class _TriggerKeys:
    """Which trigger matchers may match in a block, from one scan of it.

    A ``WordMatcher`` finds a Latin form only where every word of the form
    occurs in the lower-cased text (its words are matched across whitespace,
    never through other characters), so the longest word of each form is a
    necessary substring. The blocks ``finish`` reads hold some rule's trigger,
    rarely most rules' triggers: one scan of a block for the key words of
    every matcher rules out most of the per-rule searches. Matchers with
    Chinese words (matched across whitespace inside words) are always searched.
    """

    def __init__(self, matchers: list[Any]) -> None:
        ids: dict[str, int] = {}
        self._keys: dict[int, frozenset[int] | None] = {}
        for rx in matchers:
            if rx.cjk:
                self._keys[id(rx)] = None
                continue
            self._keys[id(rx)] = frozenset(ids.setdefault(max(form.split(), key=len), len(ids)) for form in rx.latin if form.split())
        self._ac = None
        if ids:
            from ahocorasick_rs import AhoCorasick

            self._ac = AhoCorasick(list(ids))

    def present(self, low: str) -> set[int]:
        """The key words (ids) that occur in ``low``."""
        return {i for i, _s, _e in self._ac.find_matches_as_indexes(low, overlapping=True)} if self._ac is not None else set()

    def may_match(self, rx: Any, state: DocumentState, index: int) -> bool:
        """May ``rx`` match in block ``index``'s lower-cased text? (False: it cannot.)"""
        keys = self._keys.get(id(rx))
        if keys is None:
            return True
        # per scanner (a document in two languages has one per language's rules)
        found: dict[int, set[int]] = state.memory.setdefault("required_keys", {}).setdefault(id(self), {})
        present = found.get(index)
        if present is None:
            present = found[index] = self.present(_lower(state, index))
        return not keys.isdisjoint(present)


def _lower(state: DocumentState, index: int) -> str:
    """Block ``index``'s lower-cased text, computed once per document (every rule scans it)."""
    low: dict[int, str] = state.memory.setdefault("required_lower", {})
    if index not in low:
        low[index] = state.blocks[index].text.lower()
    return low[index]


def _block_promotes(state: DocumentState, index: int) -> bool:
    """``_promotes`` of block ``index``, once per document."""
    done: dict[int, bool] = state.memory.setdefault("required_promotes", {})
    if index not in done:
        done[index] = _promotes(state.blocks[index].text)
    return done[index]


@cache
def _promotion_words() -> tuple[str, ...]:
    return tuple(semantic.resolve_words(["@cure", "@treat"]) + semantic.lexicon_words("promotion_cues"))


def _promotes(text: str) -> bool:
    """A claim verb or promotion cue in the paragraph (not negated)."""
    from compliance_lint import marks

    rx = semantic.word_regex(_promotion_words(), True)
    low = text.lower()
    return bool(rx and any(not marks.negated(low, m.start(), m.end(), "en") for m in rx.finditer(low)))
