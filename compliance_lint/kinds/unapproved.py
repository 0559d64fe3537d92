"""``unapproved``: a substance with no approval here, presented as a treatment,
a protocol, or something to obtain or take.

YAML keys:
  jurisdiction: US | CN | EU | UK | AU (default: the pack's)
  status_from:  approvals (default) | wada — with ``wada``, a substance counts
                when its WADA status is in ``statuses`` (e.g. [prohibited])
  statuses:     for status_from: wada, which statuses count (default [prohibited])
  substances:   optional list of substance ids to limit the rule to
  sport_words:  optional; when the document context is not sport-facing, one of
                these must appear in the block
  neighbours:   true: a strong cue (buy, order, dose, protocol ...) in the previous or
                next sentence of the same paragraph also presents the substance
                ("We now supply CJC-1295 to prescribers; order forms are attached.")
                (default false)
  carry_generic: true: a sentence that names no substance but a generic product word
                ("which peptide you need", "our peptide stack", "sold as a research
                chemical") with a strong cue in it or next to it presents the
                substance named last in the section (default false)
  extra_cues:   optional words that, not negated, also present the substance for this
                rule, besides the built-in cues (forum usage in sport: "run", "ran")
  cues:         optional; when given, only these words (not negated) make a sentence
                a presentation, instead of the built-in promotion and claim cues:
                for rules about how the substance is presented ("NMPA-approved
                tesamorelin", "FDA-approved BPC-157")

A product descriptor counts as the substance it stands for when that is a
single substance or a fixed combination ("Wolverine blend": BPC-157 and TB-500).
Praise, safety and comparison wording (lexicon group ``endorsement_cues``:
"the safest peptide", "hits harder than GH") presents a substance too.

A substance whose status here is ``cosmetic_ingredient`` (GHK-Cu) counts only
with an injection/dosing/purchase cue or a disease named in the sentence: a
cosmetic serum is lawful, an injectable or a disease claim is not. A sentence
that points back with an anaphor (它, 该药, "it") carries the substance of an
earlier sentence in the paragraph; in a paragraph labelled research-use-only,
a dosing or purchase cue in any sentence presents the substance named in it.

Neutral statements of status ("BPC-157 is not approved"), negated offers and
research reporting ("studied in rats") are not presentations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from compliance_lint import marks, semantic
from compliance_lint.entities import Mention
from compliance_lint.kinds.base import BlockScan, CompiledKind, Hit, KindBase
from compliance_lint.kinds.off_label import _ANAPHOR, JURISDICTIONS
from compliance_lint.models import PACK_JURISDICTION, Rule
from compliance_lint.schema import Checker

_OUR = re.compile(r"\b(?:our|my)\s+(?:[a-z0-9-]+\s+)?$")
STRONG_PROMOTION = ("buy", "order", "shop", "add to cart", "in stock", "for sale", "dose", "dosing", "dosage", "protocol",
                    "mcg", "inject", "injection", "subq", "reconstitute", "stack", "cycle", "购买", "下单", "注射", "剂量", "疗程", "现货")


class Kind(KindBase):
    keys = ("jurisdiction", "status_from", "statuses", "substances", "sport_words", "cues", "neighbours", "carry_generic", "extra_cues")

    @staticmethod
    def validate(rule: Rule, data: Any, checker: Checker) -> dict[str, Any]:
        status_from = checker.choice("status_from", ("approvals", "wada"), default="approvals")
        jur = data.get("jurisdiction") or PACK_JURISDICTION.get(rule.pack)
        if status_from == "approvals" and jur not in JURISDICTIONS:
            raise checker.fail("jurisdiction", f"expected one of {', '.join(JURISDICTIONS)}")
        return {
            "jurisdiction": jur,
            "status_from": status_from,
            "statuses": checker.string_list("statuses") or ["prohibited"],
            "substances": checker.string_list("substances"),
            "sport_words": checker.string_list("sport_words"),
            "cues": checker.string_list("cues"),
            "extra_cues": checker.string_list("extra_cues"),
            "neighbours": bool(data.get("neighbours", False)),
            "carry_generic": bool(data.get("carry_generic", False)),
        }

    @classmethod
    def compile(cls, rules: list[Rule], lang: str, env: Any) -> CompiledKind:
        return CompiledUnapproved(rules, lang)


class CompiledUnapproved(CompiledKind):
    def __init__(self, rules: list[Rule], lang: str) -> None:
        self.rules = rules
        self.lang = lang
        words = semantic.resolve_words(["@cure", "@treat"]) + semantic.lexicon_words("promotion_cues") + semantic.lexicon_words("endorsement_cues")
        self.cue_rx = semantic.word_regex(tuple(words), True)
        self.strong_rx = semantic.word_regex(STRONG_PROMOTION, True)
        self.sport_rx = {r.id: semantic.word_regex(tuple(r.spec["sport_words"]), True) for r in rules}
        self.own_rx = {r.id: semantic.word_regex(tuple(r.spec.get("cues") or ()), False) for r in rules}
        self.extra_rx = {r.id: semantic.word_regex(tuple(r.spec.get("extra_cues") or ()), True) for r in rules}
        self.ruo_rx = semantic.word_regex(tuple(semantic.lexicon_words("ruo_cues")), False)
        generic = ["peptide", "peptides", "research peptide", "research chemical", "research chemicals", *semantic.lexicon_words("unapproved_product_generic")]
        self.generic_rx = semantic.word_regex(tuple(generic), False)

    def _counts(self, rule: Rule, sid: str) -> bool:
        kb = semantic.kb()
        if rule.spec["substances"] and sid not in rule.spec["substances"]:
            return False
        if rule.spec["status_from"] == "wada":
            s = kb.substances.get(sid)
            return bool(s and str(s.wada.get("status")) in rule.spec["statuses"])
        return not kb.is_approved(sid, rule.spec["jurisdiction"])

    def triggers(self) -> list[str] | None:
        from compliance_lint.prefilter import entity_triggers

        # find() needs a mention in the block of a substance some rule here counts
        # (not approved in its jurisdiction, a WADA status), or of a descriptor
        counting = {sid for sid in semantic.kb().substances for r in self.rules if self._counts(r, sid)}
        out = entity_triggers(("SUBSTANCE", "DESCRIPTOR"), keep=lambda label, ident: label == "DESCRIPTOR" or ident in counting)
        if out is not None and any(r.spec.get("carry_generic") for r in self.rules):
            from compliance_lint.kinds.base import TokenTrigger

            # or a generic product word (carry_generic), as whole tokens
            out = out + [(TokenTrigger(w),) for w in ("peptide", "peptides", "research chemical", "research chemicals")]
        return out

    def find(self, scan: BlockScan) -> Iterable[Hit]:
        kb = semantic.kb()
        ms = [m for m in semantic.mentions(scan.state, scan.index) if m.label == "SUBSTANCE"]
        ms = sorted(ms + _descriptor_substances(kb, semantic.mentions(scan.state, scan.index)), key=lambda m: m.start)
        carry_generic = any(r.spec.get("carry_generic") for r in self.rules)
        if not ms and not carry_generic:
            return
        low = scan.low
        sents = scan.sentences
        # A strong cue per sentence, asked only where a sentence's mention (or its
        # neighbour's, or the paragraph's research-use notice) needs it: working it
        # out for every sentence up front was a third of find (most name nothing).
        strong: list[bool | None] = [None] * len(sents)

        def strong_at(j: int) -> bool:
            got = strong[j]
            if got is None:
                a, b = sents[j]
                got = strong[j] = self._strong(low[a:b])
            return got

        def near_strong(si: int) -> bool:
            return any(strong_at(j) for j in (si - 1, si + 1) if 0 <= j < len(sents))

        block_strong: list[bool] = []  # _ruo_block_strong, once and only if asked

        def ruo_block_strong() -> bool:
            if not block_strong:
                block_strong.append(self.ruo_rx is not None and self.strong_rx is not None and self.ruo_rx.search(low) is not None
                                    and any(strong_at(j) for j in range(len(sents))))
            return block_strong[0]

        for si, (s0, s1) in enumerate(sents):
            here = [m for m in ms if s0 <= m.start < s1]
            carried = False
            stext = low[s0:s1]
            if not here and carry_generic and self.generic_rx is not None and not semantic.cue(stext, "research_cues"):
                # "Not sure which peptide you need? Email us ... a protocol": a generic
                # product word in a selling sentence stands for the section's substance
                gm = self.generic_rx.search(stext)
                if gm and (strong_at(si) or near_strong(si)):
                    prev = [m for m in semantic.subject_mentions(scan.state, scan.index, s0) if m.label == "SUBSTANCE"]
                    if prev:
                        last = prev[-1]
                        here = [Mention(last.label, last.id, s0 + gm.start(), s0 + gm.end(), last.product, stext[gm.start():gm.end()])]
                        carried = True
                        for rule in self.rules:
                            if not rule.spec.get("carry_generic") or rule.spec.get("cues"):
                                continue
                            if rule.spec["sport_words"] and not scan.state.context.sport:
                                continue
                            if self._counts(rule, last.id):
                                s = kb.substances.get(last.id)
                                yield Hit(rule, scan.index, here[0].start, here[0].end, substance=s.name if s else last.text, negation_checked=True)
                        continue
            if not here:
                # "替莫瑞林是…类似物。它能让内脏脂肪迅速消失": the anaphor carries the substance
                am = _ANAPHOR.search(stext)
                earlier = [m for m in ms if m.start < s0]
                if am is None or not earlier:
                    continue
                last = earlier[-1]
                here = [Mention(last.label, last.id, s0 + am.start(), s0 + am.end(), last.product, stext[am.start():am.end()])]
                carried = True
            promoted = self._promoted(stext, scan, s0, s1)
            if carried:
                # a carried subject needs an explicit claim or offer, not a bare condition
                # ("...; in the US it is licensed only for ..." is a status fact)
                promoted = self._cued(stext) and not semantic.cue(stext, "approval_cues") and not semantic.cue(stext, "research_cues")
            if not promoted and not carried:
                # "our GHRP-6 is made in ...": a seller's own product is an offer
                promoted = any(_OUR.search(low[max(s0, m.start - 24):m.start]) for m in here)
            if not promoted and not carried and ruo_block_strong() and not semantic.cue(stext, "research_cues"):
                promoted = True  # "TB-500 科研试剂，非人用。下单附赠注射器…"
            neighbour_ok: bool | None = None  # asked only for a rule taking neighbours, when not promoted
            for rule in self.rules:
                own = self.own_rx.get(rule.id)
                if rule.spec.get("cues"):
                    if own is None or not any(not marks.negated(stext, cm.start(), cm.end(), self.lang) for cm in own.finditer(stext)):
                        continue
                elif not promoted and not (rule.spec.get("neighbours") and (
                        neighbour_ok if neighbour_ok is not None
                        else (neighbour_ok := not carried and near_strong(si) and not semantic.cue(stext, "research_cues")))) and not (
                        self.extra_rx.get(rule.id) is not None and not semantic.cue(stext, "research_cues")
                        and any(not marks.negated(stext, cm.start(), cm.end(), self.lang) for cm in self.extra_rx[rule.id].finditer(stext))):
                    continue
                if rule.spec["sport_words"] and not scan.state.context.sport:
                    rx = self.sport_rx[rule.id]
                    if rx is None or not rx.search(low):
                        continue
                for m in here:
                    if not self._counts(rule, m.id):
                        continue
                    if not rule.spec.get("cues") and self._cosmetic_only(rule, m.id, stext, scan, s0, s1):
                        continue
                    if not carried and marks.negated(stext, m.start - s0, m.end - s0, self.lang):
                        continue
                    s = kb.substances.get(m.id)
                    yield Hit(rule, scan.index, m.start, m.end, substance=s.name if s else m.text, negation_checked=True)
                    break

    def _cosmetic_only(self, rule: Rule, sid: str, stext: str, scan: BlockScan, s0: int, s1: int) -> bool:
        """A cosmetic ingredient (GHK-Cu) without an injection/dosing cue or a disease."""
        if rule.spec["status_from"] != "approvals":
            return False
        s = semantic.kb().substances.get(sid)
        a = s.approvals.get(rule.spec["jurisdiction"]) if s else None
        if a is None or a.status != "cosmetic_ingredient":
            return False
        if self.strong_rx and any(not marks.negated(stext, m.start(), m.end(), self.lang) for m in self.strong_rx.finditer(stext)):
            return False
        kb = semantic.kb()
        for c in semantic.mentions(scan.state, scan.index):
            if c.label == "CONDITION" and s0 <= c.start < s1 and kb.conditions.get(c.id) and kb.conditions[c.id].disease:
                if not marks.negated(stext, c.start - s0, c.end - s0, self.lang):
                    return False
        return True

    def _strong(self, stext: str) -> bool:
        """A strong offer or dosing cue (buy, order, dose, protocol ...), not negated."""
        if self.strong_rx is None:
            return False
        return any(not marks.negated(stext, m.start(), m.end(), self.lang) for m in self.strong_rx.finditer(stext))

    def _cued(self, stext: str) -> bool:
        for rx in (self.strong_rx, self.cue_rx):
            if rx and any(not marks.negated(stext, m.start(), m.end(), self.lang) for m in rx.finditer(stext)):
                return True
        return False

    def _ruo_block_strong(self, low: str, sents: list[tuple[int, int]]) -> bool:
        """A research-use-only paragraph with a dosing or purchase cue in some sentence."""
        if self.ruo_rx is None or self.strong_rx is None or not self.ruo_rx.search(low):
            return False
        for a, b in sents:
            stext = low[a:b]
            for m in self.strong_rx.finditer(stext):
                if not marks.negated(stext, m.start(), m.end(), self.lang):
                    return True
        return False

    def _promoted(self, stext: str, scan: BlockScan, s0: int, s1: int) -> bool:
        # only a strong cue that is not negated counts (切勿自行注射 is a warning, not an offer)
        strong = next((m for m in self.strong_rx.finditer(stext) if not marks.negated(stext, m.start(), m.end(), self.lang)), None) if self.strong_rx else None
        extrapolated = _extrapolated(stext)
        if semantic.cue(stext, "research_cues") and not strong and not extrapolated:
            return False
        if extrapolated:
            return True
        if strong and not marks.negated(stext, strong.start(), strong.end(), self.lang):
            return True
        if self.cue_rx:
            for cm in self.cue_rx.finditer(stext):
                if not marks.negated(stext, cm.start(), cm.end(), self.lang):
                    return True
        conds = [m for m in semantic.mentions(scan.state, scan.index) if m.label == "CONDITION" and s0 <= m.start < s1]
        return any(not marks.negated(stext, c.start - s0, c.end - s0, self.lang) for c in conds)


def _extrapolation_rx() -> Any:
    return semantic.word_regex(tuple(semantic.lexicon_words("extrapolation_cues")), False)


def _extrapolated(stext: str) -> bool:
    """Research reporting applied to the reader ("in rats ..., so it will fix your knee")."""
    rx = _extrapolation_rx()
    if rx is None:
        return False
    return any(not marks.negated(stext, m.start(), m.end(), "en") for m in rx.finditer(stext))


def _descriptor_substances(kb: Any, ms: list[Any]) -> list[Any]:
    """A descriptor that stands for named substances ("Wolverine blend": BPC-157 +
    TB-500, "tanning injection": melanotan II) as a mention of its first one;
    descriptors for a whole class ("weight-loss jab") are left out."""
    out = []
    for m in ms:
        if m.label != "DESCRIPTOR":
            continue
        d = next((d for d in kb.descriptors if d.get("id") == m.id), None)
        refs = [str(x) for x in (d or {}).get("refers_to") or []]
        if refs and all(r in kb.substances for r in refs):
            out.append(Mention("SUBSTANCE", refs[0], m.start, m.end, None, m.text))
    return out
