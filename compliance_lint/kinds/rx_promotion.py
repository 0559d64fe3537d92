"""``rx_promotion``: a prescription-only medicine advertised to the public.

YAML keys:
  jurisdiction:       US | CN | EU | UK | AU (default: the pack's)
  include_unapproved: also count prescription-only substances with no approval
                      here (Australia schedules BPC-157, CJC-1295 ... as S4)
  descriptors:        count product descriptors ("weight-loss jab", 减肥针) too (default true)
  cues:               extra promotion words besides the lexicon's promotion_cues
  cue_mode:           all (default: lexicon promotion_cues, claim verbs and ``cues``) |
                      own (only ``cues``: for editorial text, where words such as
                      "treatment" or "dose" are not promotion but a price, a
                      booking link or a discount code are)
  substances:         substance ids counted as prescription-only here whatever
                      the knowledge base's rx_only says (e.g. peptides that the
                      Australian Poisons Standard lists in Schedule 4)

A mention of a prescription-only substance, brand or descriptor, in a sentence
with a promotion cue (price, booking, order, start, delivery, offer ...) that is
not negated. Disease-awareness text that names no product, and promoting a
consultation without naming the medicine, do not match. Use ``when`` to limit
the rule to public advertising.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from compliance_lint import marks, semantic
from compliance_lint.kinds.base import BlockScan, CompiledKind, Hit, KindBase
from compliance_lint.kinds.off_label import JURISDICTIONS
from compliance_lint.models import PACK_JURISDICTION, Rule
from compliance_lint.schema import Checker

_RISK_INFO = re.compile(
    r"\b(?:side[- ]effects?|adverse (?:effects?|reactions?|events?))\s+(?:of\s+[\w-]+(?:\s+(?:and|or)\s+[\w-]+)?\s+)?"
    r"(?:include|includes|are|were|such as|may include|can include)\b|\b(?:may|can|could|might) cause\b|\brisk of\b|"
    r"\bcontraindicated\b|\bdo not (?:use|take)\b|不良反应(?:包括|有|为|主要)|副作用(?:包括|有|为|主要)|禁用|慎用"
)
_SELLING = re.compile(r"[£$€¥]\s?\d|\b(?:buy|order|book|booking|price|from \d|per month|a month|discount|offer|in stock|delivered|subscribe)\b|购买|下单|价格|优惠|预约|套餐")


class Kind(KindBase):
    keys = ("jurisdiction", "include_unapproved", "descriptors", "cues", "cue_mode", "substances")

    @staticmethod
    def validate(rule: Rule, data: Any, checker: Checker) -> dict[str, Any]:
        jur = data.get("jurisdiction") or PACK_JURISDICTION.get(rule.pack)
        if jur not in JURISDICTIONS:
            raise checker.fail("jurisdiction", f"expected one of {', '.join(JURISDICTIONS)}")
        for key in ("include_unapproved", "descriptors"):
            if key in data and not isinstance(data[key], bool):
                raise checker.fail(key, "expected true or false")
        return {
            "jurisdiction": jur,
            "include_unapproved": bool(data.get("include_unapproved", False)),
            "descriptors": bool(data.get("descriptors", True)),
            "cues": checker.string_list("cues"),
            "cue_mode": checker.choice("cue_mode", ("all", "own"), default="all"),
            "substances": checker.string_list("substances"),
        }

    @classmethod
    def compile(cls, rules: list[Rule], lang: str, env: Any) -> CompiledKind:
        return CompiledRx(rules, lang)


class CompiledRx(CompiledKind):
    def __init__(self, rules: list[Rule], lang: str) -> None:
        self.rules = rules
        self.lang = lang
        self.cue_rx = {
            r.id: semantic.word_regex(tuple(r.spec["cues"]), True) if r.spec.get("cue_mode") == "own" else
            semantic.word_regex(tuple(semantic.lexicon_words("promotion_cues") + semantic.resolve_words(["@cure", "@treat"]) + r.spec["cues"] + ["£", "$", "€", "¥", "a$", "start", "get", "ask", "switch", "delivered", "today", "now"]), True)
            for r in rules
        }

    def triggers(self) -> list[str] | None:
        from compliance_lint.prefilter import entity_triggers

        return entity_triggers()  # find() needs a mention in the block

    def find(self, scan: BlockScan) -> Iterable[Hit]:
        kb = semantic.kb()
        ms = [m for m in semantic.mentions(scan.state, scan.index) if m.label in ("SUBSTANCE", "DESCRIPTOR", "CLASS")]
        if not ms:
            return
        low = scan.block.text.lower()
        for sent in scan.doc.sents:
            s0, s1 = sent.start_char, sent.end_char
            here = [m for m in ms if s0 <= m.start < s1]
            if not here:
                continue
            stext = low[s0:s1]
            if semantic.cue(stext, "research_cues"):
                continue
            # risk information ("the most common side effects of semaglutide are
            # nausea ...") is what a lawful leaflet says, not promotion, unless
            # the same sentence sells (price, order, book)
            if _RISK_INFO.search(stext) and not _SELLING.search(stext):
                continue
            for rule in self.rules:
                jur = rule.spec["jurisdiction"]
                rx = self.cue_rx[rule.id]
                cue_ok = False
                if rx is not None:
                    for cm in rx.finditer(stext):
                        if not marks.negated(stext, cm.start(), cm.end(), self.lang):
                            cue_ok = True
                            break
                if not cue_ok:
                    continue
                for m in here:
                    if m.label == "DESCRIPTOR" and not rule.spec["descriptors"]:
                        continue
                    if m.label == "SUBSTANCE" and m.id in rule.spec.get("substances", ()):
                        pass
                    elif m.label == "SUBSTANCE":
                        if not kb.is_rx(m.id):
                            continue
                        if not kb.is_approved(m.id, jur) and not rule.spec["include_unapproved"]:
                            continue
                    if m.label == "CLASS" and not rule.spec["descriptors"]:
                        continue
                    if marks.negated(stext, m.start - s0, m.end - s0, self.lang):
                        continue
                    s = kb.substances.get(m.id)
                    yield Hit(rule, scan.index, m.start, m.end, substance=m.product or (s.name if s else m.text), negation_checked=True)
                    break
