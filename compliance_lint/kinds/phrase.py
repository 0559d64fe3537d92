"""``phrase``: a term list matched on lower case or on lemmas, English and Chinese.

YAML keys:
  terms:    list of phrases (Chinese and English may be mixed; Latin terms are
            also matched inside Chinese text, at Latin word boundaries)
  match:    lemma (default; "cure" also hits cures/cured/curing) | lower
  unless:   phrases that, anywhere in the same sentence, mean the rule does not apply
  requires: phrases of which one must appear in the same sentence (context)
  subject:  none (default) | promoted — the sentence must be about a promoted
            thing: a substance, drug class or product descriptor from the
            knowledge base, or a product word ("our blend", 本品), in the
            sentence or carried over from earlier in the paragraph or section.
            Used for efficacy, safety and comparative claims, which are only
            claims when tied to a product or therapy.
            | product — a non-drug product: a product word in context (or a
            supplement/food/cosmetic page by context) and no known substance
            named in the sentence outside the match (disease claims for
            supplements: "the natural Ozempic" names Ozempic inside the match)
            | unapproved — the clause names something without approval in the
            pack's jurisdiction: a substance with no approval there, a word of
            the lexicon group ``unapproved_product_cues`` (compounded, research
            peptide, supplement ...), or, on a page whose context is
            ``product: compounded``, a substance by its molecule name rather
            than an approved brand ("FDA-approved" said of these)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from compliance_lint.kinds.base import BlockScan, CompiledKind, Hit, KindBase, sentence_chars, sentence_of
from compliance_lint.models import Rule
from compliance_lint.schema import Checker
from compliance_lint.textmap import normalise

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def norm_term(term: str) -> str:
    """Terms get the same normalisation as prose (width folding, quotes, dashes)."""
    from array import array

    text, _ = normalise(term, array("q", range(len(term))))
    return " ".join(text.split())


class ContextWords:
    """A set of phrases looked up in a sentence's lower-cased text, at word edges
    ([a-z0-9] must not touch a Latin letter or digit at either end of a phrase).
    One Aho-Corasick pass over the text; ``search`` returns the leftmost match."""

    def __init__(self, phrases: list[str]) -> None:
        self.phrases = [norm_term(p).lower() for p in phrases]
        uniq = sorted(set(self.phrases))
        self._empty = "" in uniq  # an empty phrase is found anywhere (as the regex did)
        self._forms = [p for p in uniq if p]
        self._lead = [p[:1].isalnum() and not has_cjk(p[:1]) for p in self._forms]
        self._trail = [p[-1:].isalnum() and not has_cjk(p[-1:]) for p in self._forms]
        self._ac: Any = None
        if self._forms:
            from ahocorasick_rs import AhoCorasick

            self._ac = AhoCorasick(self._forms)
        self.regex = self if uniq else None  # truthiness kept for callers

    def search(self, text: str) -> Any:
        if self.regex is None:
            return None
        from compliance_lint.semantic import WordMatch

        low = text.lower()
        if self._empty:
            return WordMatch(low, 0, 0)
        best: tuple[int, int] | None = None
        n = len(low)
        for i, s, e in self._ac.find_matches_as_indexes(low, overlapping=True):
            if self._lead[i] and s > 0 and low[s - 1] in _AZ09:
                continue
            if self._trail[i] and e < n and low[e] in _AZ09:
                continue
            if best is None or (s, -e) < (best[0], -best[1]):
                best = (s, e)
        return WordMatch(low, best[0], best[1]) if best else None

    def __bool__(self) -> bool:
        return self.regex is not None


_AZ09 = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


class Kind(KindBase):
    keys = ("terms", "match", "unless", "requires", "subject")

    @staticmethod
    def validate(rule: Rule, data: Any, checker: Checker) -> dict[str, Any]:
        terms = checker.string_list("terms", required=True)
        match = checker.choice("match", ("lemma", "lower"), default="lemma")
        unless = checker.string_list("unless")
        requires = checker.string_list("requires")
        subject = checker.choice("subject", ("none", "promoted", "product", "unapproved"), default="none")
        return {"terms": terms, "match": match, "unless": unless, "requires": requires, "subject": subject}

    @classmethod
    def compile(cls, rules: list[Rule], lang: str, env: Any) -> CompiledKind:
        return CompiledPhrases(rules, lang, env)


def term_variants(term: str, match: str, lang: str) -> list[str]:
    term = norm_term(term)
    if has_cjk(term) or match != "lemma" or lang != "en":
        return [term]
    from compliance_lint.lemmas import expand_phrase

    return expand_phrase(term)


class CompiledPhrases(CompiledKind):
    def __init__(self, rules: list[Rule], lang: str, env: Any) -> None:
        from spacy.matcher import PhraseMatcher

        nlp = env.nlp(lang)
        self.lang = lang
        self.rules = {r.id: r for r in rules}
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.unless = {r.id: ContextWords(r.spec["unless"]) for r in rules}
        self.requires = {r.id: ContextWords(r.spec["requires"]) for r in rules}
        self.literals: dict[str, tuple[str, ...]] = {}  # lower-cased term -> its token texts
        for rule in rules:
            variants: list[str] = []
            for term in rule.spec["terms"]:
                if lang == "en" and has_cjk(term):
                    continue
                variants.extend(term_variants(term, rule.spec["match"], lang))
            variants = sorted(set(variants))
            if variants:
                docs = list(nlp.tokenizer.pipe(variants))
                for v, d in zip(variants, docs, strict=True):
                    self.literals.setdefault(v.lower(), tuple(t.lower_ for t in d if not t.is_space))
                self.matcher.add(rule.id, docs)

    def triggers(self) -> list[str] | None:
        from compliance_lint.kinds.base import TokenTrigger
        from compliance_lint.prefilter import Confirmed

        out: list[Any] = []
        for v, toks in sorted(self.literals.items()):
            if len(toks) > 1:
                # the term's tokens in order, with or without space between (as the
                # PhraseMatcher sees them): "the best" is not woken by "the" and "best"
                # far apart, "#1" not by any "1"
                confirm = (r"\s*".join(re.escape(t) for t in toks), True)
                out.append(Confirmed((TokenTrigger(v),), confirm))
            else:
                out.append(TokenTrigger(v))
        return out

    def find(self, scan: BlockScan) -> Iterable[Hit]:
        doc = scan.doc
        text = scan.block.text
        seen: set[tuple[str, int, int]] = set()
        for match_id, start, end in _longest_per_rule(self.matcher(doc)):
            rule_id = doc.vocab.strings[match_id]
            span = doc[start:end]
            s, e = span.start_char, span.end_char
            if self.lang == "zh" and not _latin_edges_ok(text, s, e):
                continue
            key = (rule_id, s, e)
            if key in seen:
                continue
            seen.add(key)
            s0, s1 = sentence_chars(doc, s)
            sent = text[s0:s1]
            if self.unless[rule_id] and self.unless[rule_id].search(sent):
                continue
            if self.requires[rule_id] and not self.requires[rule_id].search(sent):
                continue
            rule = self.rules[rule_id]
            if rule.spec["subject"] == "promoted" and not _promoted_subject(scan, sent, s):
                continue
            if rule.spec["subject"] == "product" and not _product_subject(scan, sent, s, e):
                continue
            if rule.spec["subject"] == "unapproved" and not _unapproved_subject(scan, rule, s, e):
                continue
            yield Hit(rule, scan.index, s, e)


def _longest_per_rule(matches: Any) -> list[Any]:
    """Overlapping matches of one rule are one finding, the leftmost-longest
    (最低价 inside 全网最低价, 客户反馈 inside 老客户反馈)."""
    kept: list[Any] = []
    for m in sorted(matches, key=lambda m: (m[0], m[1], -(m[2] - m[1]))):
        if kept and kept[-1][0] == m[0] and m[1] < kept[-1][2]:
            continue
        kept.append(m)
    return kept


def _latin_edges_ok(text: str, start: int, end: int) -> bool:
    """In character-segmented Chinese, "cure" must not match inside "secure"."""
    if text[start].isascii() and text[start].isalnum() and start > 0:
        prev = text[start - 1]
        if prev.isascii() and prev.isalnum():
            return False
    if text[end - 1].isascii() and text[end - 1].isalnum() and end < len(text):
        nxt = text[end]
        if nxt.isascii() and nxt.isalnum():
            return False
    return True


def _promoted_subject(scan: BlockScan, sentence: str, pos: int) -> bool:
    from compliance_lint import semantic

    if semantic.subject_mentions(scan.state, scan.index, pos + 1):
        return True
    if scan.state.context.product is not None and scan.state.context.content != "education":
        return True  # a product page (front matter / config): its claims are the product's
    return semantic.product_word_in_context(scan.state, scan.index, sentence, scan.lang)


_NON_DRUG = ("supplement", "health_food", "food", "cosmetic")


def _product_subject(scan: BlockScan, sentence: str, start: int, end: int) -> bool:
    from compliance_lint import semantic

    sent = sentence_of(scan.doc, start)
    s0, s1 = sent.start_char, sent.end_char
    for m in semantic.mentions(scan.state, scan.index):
        if m.label == "SUBSTANCE" and s0 <= m.start < s1 and not (start <= m.start < end):
            return False
    if scan.state.context.product in _NON_DRUG:
        return True
    return semantic.product_word_in_context(scan.state, scan.index, sentence, scan.lang)


def _unapproved_subject(scan: BlockScan, rule: Rule, start: int, end: int) -> bool:
    from compliance_lint import semantic
    from compliance_lint.models import PACK_JURISDICTION

    jur = PACK_JURISDICTION.get(rule.pack)
    kb = semantic.kb()
    sent = sentence_of(scan.doc, start)
    s0, s1 = sent.start_char, sent.end_char
    stext = scan.block.text[s0:s1].lower()
    c0, c1 = semantic.clause_bounds(stext, start - s0, scan.lang)
    clause = stext[c0:c1]
    if semantic.cue(clause, "unapproved_product_cues"):
        return True
    ms = semantic.mentions(scan.state, scan.index)
    in_sent = [m for m in ms if m.label == "SUBSTANCE" and s0 <= m.start < s1]
    if semantic.cue(clause, "unapproved_product_generic") and not any(jur and kb.is_approved(m.id, jur) for m in in_sent):
        return True
    # the subject: substances in the clause outside the match ("same as Wegovy"
    # names the comparator inside the match), else one carried over
    # "the same active ingredient as Ozempic® and Wegovy®": brands coordinated
    # with the one inside the match are comparators too
    for m in sorted(in_sent, key=lambda m: m.start):
        if m.start >= end and _COMPARATOR_JOIN.match(scan.block.text[end:m.start]):
            end = m.end
    subs = [m for m in in_sent if s0 + c0 <= m.start < s0 + c1 and not (start <= m.start < end)]
    if not subs and (c0, c1) != (0, len(stext)):
        # a headline shape ("Compounded tirzepatide: the exact same medicine
        # as Mounjaro"): the subject may sit in the sentence's other clauses
        if semantic.cue(stext, "unapproved_product_cues"):
            return True
        subs = [m for m in in_sent if not (start <= m.start < end)]
    if not subs and not any(m.label in ("CLASS", "DESCRIPTOR") and s0 <= m.start < s1 for m in ms):
        subs = [m for m in semantic.subject_mentions(scan.state, scan.index, s0) if m.label == "SUBSTANCE" and not (start <= m.start < end)]
    if any(jur and not kb.is_approved(m.id, jur) for m in subs):
        return True
    if scan.state.context.product == "compounded" or _section_names_unapproved(scan):
        # on a compounded product's page (by context, or under a heading such as
        # "Compounded Semaglutide") the product is named by its molecule
        # ("our semaglutide") or not at all; an approved brand is not it
        return not subs or any(m.product is None for m in subs)
    if scan.state.context.product in _NON_DRUG:
        # a supplement or food page: the approval is said of the product unless an
        # approved medicine is named ("MHRA approved and NHS recommended: our capsule")
        return not subs
    return False


_COMPARATOR_JOIN = re.compile(r"^[\s®™*]*(?:,|and|or|&|/)[\s®™*]*(?:and\s+|or\s+)?$", re.IGNORECASE)


def _section_names_unapproved(scan: BlockScan) -> bool:
    """The nearest heading above, or the document's title (first heading or
    front-matter block), names a compounded or research product:
    "# Medical Weight Loss with Compounded Semaglutide"."""
    from compliance_lint import semantic

    blocks = scan.state.blocks
    for j in range(scan.index - 1, -1, -1):
        if blocks[j].kind == "heading":
            if semantic.cue(blocks[j].text.lower(), "unapproved_product_cues"):
                return True
            break
    for b in blocks[: scan.index]:
        if b.kind in ("heading", "front_matter"):
            return semantic.cue(b.text.lower(), "unapproved_product_cues")
    return False
