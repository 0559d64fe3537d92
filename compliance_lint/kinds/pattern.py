"""``pattern``: spaCy Matcher token patterns written in YAML.

YAML keys:
  patterns: a list of patterns; each pattern is a list of token specs exactly as
            spaCy's Matcher takes them ({LOWER: ...}, {LEMMA: {IN: [...]}}, OP, ...)

Matcher cost grows with the number of patterns (about 45 ns per pattern per
token): prefer ``phrase`` for literal lists and keep token patterns few.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from compliance_lint.kinds.base import BlockScan, CompiledKind, Hit, KindBase
from compliance_lint.models import Rule
from compliance_lint.schema import Checker


def _plain(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    return obj


def uses_lemma(patterns: Any) -> bool:
    return "LEMMA" in repr(patterns)


class Kind(KindBase):
    keys = ("patterns",)

    @staticmethod
    def validate(rule: Rule, data: Any, checker: Checker) -> dict[str, Any]:
        raw = data.get("patterns")
        if not isinstance(raw, list) or not raw or not all(isinstance(p, list) and p for p in raw):
            raise checker.fail("patterns", "expected a non-empty list of token patterns (each a list of token specs)")
        patterns = _plain(raw)
        import spacy
        from spacy.matcher import Matcher

        matcher = Matcher(spacy.blank("en").vocab, validate=True)
        for i, pattern in enumerate(patterns):
            try:
                matcher.add(f"p{i}", [pattern])
            except (ValueError, KeyError, TypeError) as exc:
                first = str(exc).strip().splitlines()
                detail = " ".join(line.strip() for line in first[:4])
                raise checker.fail(f"patterns[{i}]", f"not a valid spaCy Matcher pattern: {detail}", i, raw) from None
        return {"patterns": patterns}

    @classmethod
    def compile(cls, rules: list[Rule], lang: str, env: Any) -> CompiledKind:
        return CompiledPatterns(rules, lang, env)


class CompiledPatterns(CompiledKind):
    def __init__(self, rules: list[Rule], lang: str, env: Any) -> None:
        from spacy.matcher import Matcher

        nlp = env.nlp(lang)
        self.rules = {r.id: r for r in rules}
        self.matcher = Matcher(nlp.vocab)
        self.needs_lemma = any(uses_lemma(r.spec["patterns"]) for r in rules)
        for rule in rules:
            self.matcher.add(rule.id, rule.spec["patterns"], greedy="LONGEST")
        self.lang = lang

    def triggers(self) -> list[str] | None:
        from compliance_lint.prefilter import pattern_triggers

        out: list[str] = []
        for rule in self.rules.values():
            for pattern in rule.spec["patterns"]:
                trig = pattern_triggers(pattern, self.lang)
                if trig is None:
                    return None
                out.extend(trig)
        return out


    def find(self, scan: BlockScan) -> Iterable[Hit]:
        doc = scan.doc
        if self.needs_lemma and scan.lang == "en":
            from compliance_lint.nlp import lemmatize

            lemmatize(doc)
        for match_id, start, end in self.matcher(doc):
            rule_id = doc.vocab.strings[match_id]
            span = doc[start:end]
            yield Hit(self.rules[rule_id], scan.index, span.start_char, span.end_char)
