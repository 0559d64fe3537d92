"""``rx_promotion``: a prescription-only medicine advertised to the public.

YAML keys:
  jurisdiction:       US | CN | EU | UK | AU (default: the pack's)
  include_unapproved: also count prescription-only substances with no approval
                      here (Australia schedules BPC-157, CJC-1295 ... as S4)
  descriptors:        count product descriptors ("weight-loss jab", 减肥针) too (default true)
  cues:               extra promotion words besides the lexicon's promotion_cues
  cue_mode:           all (default: lexicon promotion_cues and endorsement_cues, claim verbs and ``cues``) |
                      own (only ``cues``: for editorial text, where words such as
                      "treatment" or "dose" are not promotion but a price, a
                      booking link or a discount code are)
  substances:         substance ids counted as prescription-only here whatever
                      the knowledge base's rx_only says (e.g. peptides that the
                      Australian Poisons Standard lists in Schedule 4)
  schedules:          schedule codes (e.g. [S3, S4, S8]): a substance whose
                      ``approvals.<jurisdiction>.schedule`` in the knowledge base is
                      one of them counts, approved or not (Australia: s 42DL(1)(f)
                      bars references to S3/S4/S8 substances in ads to the public)
  neighbours:         true: a cue in the previous or next sentence of the same
                      paragraph also counts ("Thinking about Wegovy? Our partner
                      clinic offers a free first consult.") (default false)
  condition_cue:      true: a condition named in the sentence, not negated, counts as a cue:
                      the medicine is presented for a use ("Ozempic summer body incoming")
                      (default false; risk and research sentences are skipped anyway)
  anaphora:           true: "the jab", "my pen", "your injection" with no product
                      named in the sentence stands for the last prescription-only
                      product or descriptor named earlier in the section (default false)

A mention of a prescription-only substance, brand or descriptor, in a sentence
with a promotion cue (price, booking, order, start, delivery, offer ...) that is
not negated. A class or descriptor counts only when it stands for some
prescription-only substance that counts here ("research peptides" in the EU
name no authorised medicine). A question about how a medicine works ("how does
semaglutide slow digestion?") is not promotion by itself. Disease-awareness text that names no product, and promoting a
consultation without naming the medicine, do not match. Use ``when`` to limit
the rule to public advertising.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from compliance_lint import marks, semantic
from compliance_lint.kinds.base import BlockScan, CompiledKind, Hit, KindBase
from compliance_lint.kinds.off_label import JURISDICTIONS
from compliance_lint.models import PACK_JURISDICTION, Rule
from compliance_lint.schema import Checker

_RISK_INFO = re.compile(
    r"\b(?:side[- ]effects?|adverse (?:effects?|reactions?|events?))\s+(?:of\s+[\w-]+(?:\s+(?:and|or)\s+[\w-]+)?\s+)?"
    r"(?:include|includes|are|were|such as|may include|can include)\b|\b(?:may|can|could|might) cause\b|\brisk of\b|"
    r"\bcontraindicated\b|\bdo not (?:use|take)\b|\b(?:is|are) (?:very |quite |fairly )?(?:common|uncommon|rare)\b|不良反应(?:包括|有|为|主要)|副作用(?:包括|有|为|主要)|禁用|慎用"
)
# Every match of _RISK_INFO holds one of these (the sentence is lower-cased, the
# pattern case-sensitive): a substring test rules out most sentences before the
# pattern, whose word edges ``re`` tries at every position (0.5% of a run's CPU).
_RISK_HINTS = ("side", "adverse", " cause", "risk of", "contraindicated", "do not ", "common", "rare",
               "不良反应", "副作用", "禁用", "慎用")


def _risk_info(stext: str) -> bool:
    """``_RISK_INFO.search(stext)`` is not None."""
    return any(h in stext for h in _RISK_HINTS) and _RISK_INFO.search(stext) is not None


# "how does X work?", "how is it made?": a question about a mechanism ("why
# struggle with X when Y ...?" is rhetorical and stays promotion)
_MECHANISM_Q = re.compile(r"\bhow\s+(?:\w+\s+){0,4}?(?:does|do|did|is|are|works?)\b|怎么起作用|如何起作用|作用机制")
# "the jab", "my weekly pen": a product noun pointing back to a named medicine
_PRODUCT_ANAPHOR = re.compile(r"\b(?:the|my|your|this|that|our)\s+(?:weekly\s+|daily\s+|first\s+|starter\s+|next\s+)?(?:jab|jabs|pen|pens|injection|injections|shot|shots)\b")
_ANAPHOR_NOUNS = ("jab", "pen", "injection", "shot")  # one is in every match of _PRODUCT_ANAPHOR (asked per sentence)
# "was first authorised in Europe for type 2 diabetes in 2018": a condition named in
# an approval fact is the label, not a pitch (condition_cue)
_APPROVAL_FACT = re.compile(r"\b(?:authori[sz]ed|approved|licensed|registered|indicated)\b")
# weight-loss talk around "the jab" / "my pen"
_WEIGHT_TALK = re.compile(r"\b(?:\d+(?:[.,]\d+)?\s*(?:kg|kilos?|lbs?|pounds?|stones?)|weight|slim\w*|skinny|dress sizes?|jeans sizes?)\b")
@lru_cache(maxsize=4096)
def _cued(rx: Any, stext: str, lang: str) -> bool:
    """``CompiledRx._cued`` for one cue matcher: pure, remembered (the rules of
    every pack ask about the same sentences, and boilerplate recurs)."""
    question = stext.rstrip().endswith(("?", "？")) and _MECHANISM_Q.search(stext) and not _SELLING.search(stext)
    if question:
        return False
    return any(not marks.negated(stext, cm.start(), cm.end(), lang) for cm in rx.finditer(stext))


@lru_cache(maxsize=4096)
def _cued_all(union: semantic.MatcherUnion, stext: str, lang: str) -> tuple[bool, ...]:
    """``_cued(rx, stext, lang)`` of every matcher of ``union`` (in its order), from one
    scan of the sentence: the packs' rules have six cue matchers (five of seven
    rules also ask about the neighbouring sentences), mostly the same lexicon
    words, and a scan per matcher was most of ``find``'s cue work."""
    question = stext.rstrip().endswith(("?", "？")) and _MECHANISM_Q.search(stext) and not _SELLING.search(stext)
    if question:
        return (False,) * len(union.matchers)
    return tuple(any(not marks.negated(stext, s, e, lang) for s, e in semantic.leftmost_longest(cands))
                 for cands in union.candidates(stext))


_SELLING = re.compile(r"[£$€¥]\s?\d|\b(?:buy|order|book|booking|price|from \d|per month|a month|discount|offer|in stock|delivered|subscribe|lock in|today)\b|购买|下单|价格|优惠|预约|套餐")


class Kind(KindBase):
    keys = ("jurisdiction", "include_unapproved", "descriptors", "cues", "cue_mode", "substances", "schedules", "neighbours", "anaphora", "condition_cue")

    @staticmethod
    def validate(rule: Rule, data: Any, checker: Checker) -> dict[str, Any]:
        jur = data.get("jurisdiction") or PACK_JURISDICTION.get(rule.pack)
        if jur not in JURISDICTIONS:
            raise checker.fail("jurisdiction", f"expected one of {', '.join(JURISDICTIONS)}")
        for key in ("include_unapproved", "descriptors", "neighbours", "anaphora", "condition_cue"):
            if key in data and not isinstance(data[key], bool):
                raise checker.fail(key, "expected true or false")
        return {
            "jurisdiction": jur,
            "include_unapproved": bool(data.get("include_unapproved", False)),
            "descriptors": bool(data.get("descriptors", True)),
            "cues": checker.string_list("cues"),
            "cue_mode": checker.choice("cue_mode", ("all", "own"), default="all"),
            "substances": checker.string_list("substances"),
            "schedules": checker.string_list("schedules"),
            "neighbours": bool(data.get("neighbours", False)),
            "anaphora": bool(data.get("anaphora", False)),
            "condition_cue": bool(data.get("condition_cue", False)),
        }

    @classmethod
    def compile(cls, rules: list[Rule], lang: str, env: Any) -> CompiledKind:
        return CompiledRx(rules, lang)


def _cue_words(rule: Rule) -> list[str]:
    """The words that make a sentence naming the medicine promotion, for ``rule``."""
    if rule.spec.get("cue_mode") == "own":
        return list(rule.spec["cues"])
    return (semantic.lexicon_words("promotion_cues") + semantic.lexicon_words("endorsement_cues")
            + semantic.resolve_words(["@cure", "@treat"]) + rule.spec["cues"]
            + ["£", "$", "€", "¥", "a$", "start", "get", "ask", "switch", "delivered"])


class CompiledRx(CompiledKind):
    def __init__(self, rules: list[Rule], lang: str) -> None:
        self.rules = rules
        self.lang = lang
        self.cue_rx = {r.id: semantic.word_regex(tuple(_cue_words(r)), True) for r in rules}
        # the distinct cue matchers, asked about a sentence in one scan (``_cued_all``)
        self._cues = semantic.MatcherUnion([rx for rx in self.cue_rx.values() if rx is not None])
        slot = {id(rx): k for k, rx in enumerate(self._cues.matchers)}
        self._slot = {rid: None if rx is None else slot[id(rx)] for rid, rx in self.cue_rx.items()}

    def triggers(self) -> list[str] | None:
        from compliance_lint.prefilter import Confirmed, entity_triggers, name_parts, words_confirm

        # find() needs a mention in the block of a medicine some rule counts (or a
        # descriptor / class where rules take those), and a promotion cue in it:
        # one of the rules' cue words, or a condition where a rule takes that as cue
        kb = semantic.kb()
        counting = {sid for sid in kb.substances for r in self.rules if self._substance_counts(r, kb, sid)}
        descriptors = any(r.spec["descriptors"] for r in self.rules)
        cues: list[str] = []
        for r in self.rules:
            cues.extend(_cue_words(r))
        conditions: list[str] = []
        if any(r.spec.get("condition_cue") for r in self.rules):
            conditions = name_parts([n for c in kb.conditions.values() for n in [*c.en, *c.zh]])
        confirm = words_confirm(cues, True, literals=conditions)
        if confirm is None:
            return []
        out = entity_triggers(("SUBSTANCE", "DESCRIPTOR", "CLASS"), confirm,
                              keep=lambda label, ident: ident in counting if label == "SUBSTANCE" else descriptors)
        if out is not None and any(r.spec.get("anaphora") for r in self.rules):
            from compliance_lint.kinds.base import TokenTrigger

            # whole tokens, so "open" or "happen" do not wake the pipeline
            out = out + [Confirmed((TokenTrigger(w),), confirm) for w in ("jab", "jabs", "pen", "pens", "injection", "injections", "shot", "shots")]
        return out

    def find(self, scan: BlockScan) -> Iterable[Hit]:
        kb = semantic.kb()
        ms = [m for m in semantic.mentions(scan.state, scan.index) if m.label in ("SUBSTANCE", "DESCRIPTOR", "CLASS")]
        anaphora = any(r.spec.get("anaphora") for r in self.rules)
        if not ms and not anaphora:
            return
        low = scan.low
        sents = scan.sentences
        # rules with the same cue words share one matcher: ask it once per sentence,
        # and only about sentences that name a medicine (or their neighbours)
        texts = [low[a:b] for a, b in sents]
        memo: dict[int, tuple[bool, ...]] = {}
        cues, slots, lang = self._cues, self._slot, self.lang

        def is_cued(rule: Rule, j: int) -> bool:
            slot = slots[rule.id]
            if slot is None:
                return False
            got = memo.get(j)
            if got is None:
                got = memo[j] = _cued_all(cues, texts[j], lang)
            return got[slot]
        for si, (s0, s1) in enumerate(sents):
            here = [m for m in ms if s0 <= m.start < s1]
            stext = low[s0:s1]
            carried = []
            if not here and anaphora:
                carried = self._carried(scan, stext, s0)
            if not here and not carried:
                continue
            if semantic.cue(stext, "research_cues"):
                continue
            # risk information ("the most common side effects of semaglutide are
            # nausea ...") is what a lawful leaflet says, not promotion, unless
            # the same sentence sells (price, order, book)
            if _risk_info(stext) and not _SELLING.search(stext):
                continue
            for rule in self.rules:
                cue_ok = is_cued(rule, si)
                if not cue_ok and rule.spec.get("condition_cue") and not _APPROVAL_FACT.search(stext):
                    cue_ok = any(c.label == "CONDITION" and s0 <= c.start < s1 and not marks.negated(stext, c.start - s0, c.end - s0, self.lang)
                                 for c in semantic.mentions(scan.state, scan.index))
                if not cue_ok and rule.spec.get("neighbours"):
                    # the cue may sit in the sentence before or after, in the same paragraph
                    cue_ok = any(is_cued(rule, j) for j in (si - 1, si + 1) if 0 <= j < len(sents))
                if not cue_ok:
                    continue
                cands = here if here else (carried if rule.spec.get("anaphora") else [])
                for m in cands:
                    if not self._stands_for_rx(rule, kb, m):
                        continue
                    if marks.negated(stext, m.start - s0, m.end - s0, self.lang):
                        continue
                    s = kb.substances.get(m.id)
                    yield Hit(rule, scan.index, m.start, m.end, substance=m.product or (s.name if s else m.text), negation_checked=True)
                    break

    def _cued(self, rule: Rule, stext: str) -> bool:
        """A promotion cue in this sentence that is not negated (and not a mechanism question).
        (``find`` asks ``_cued_all`` instead: the same answer for every rule at once.)"""
        rx = self.cue_rx[rule.id]
        return False if rx is None else _cued(rx, stext, self.lang)

    def _carried(self, scan: BlockScan, stext: str, s0: int) -> list[Any]:
        """ "the jab", "my pen": the product named last in the section, at the noun."""
        from compliance_lint.entities import Mention

        am = _PRODUCT_ANAPHOR.search(stext) if any(n in stext for n in _ANAPHOR_NOUNS) else None
        if am is None:
            return []
        prev = [m for m in semantic.subject_mentions(scan.state, scan.index, s0) if m.label in ("SUBSTANCE", "DESCRIPTOR", "CLASS")]
        out = [Mention(m.label, m.id, s0 + am.start(), s0 + am.end(), m.product, stext[am.start():am.end()]) for m in prev]
        if _WEIGHT_TALK.search(stext) and any(d.get("id") == "weight_loss_injection" for d in semantic.kb().descriptors):
            # "down 11 lb on the jab": in weight-loss talk the jab is a weight-loss injection
            out.append(Mention("DESCRIPTOR", "weight_loss_injection", s0 + am.start(), s0 + am.end(), None, stext[am.start():am.end()]))
        return out

    def _stands_for_rx(self, rule: Rule, kb: Any, m: Any) -> bool:
        """Does this mention name (or stand for) a prescription-only medicine that counts here?"""
        if m.label == "SUBSTANCE":
            return self._substance_counts(rule, kb, m.id)
        if not rule.spec["descriptors"]:
            return False
        if m.label == "CLASS":
            ids = kb.members(m.id)
        else:
            d = next((d for d in kb.descriptors if d.get("id") == m.id), None)
            refs = [str(x) for x in (d or {}).get("refers_to") or []]
            ids = [x for r in refs for x in ([r] if r in kb.substances else kb.members(r))]
        return not ids or any(self._substance_counts(rule, kb, sid) for sid in ids)

    @staticmethod
    def _substance_counts(rule: Rule, kb: Any, sid: str) -> bool:
        jur = rule.spec["jurisdiction"]
        if sid in rule.spec.get("substances", ()):
            return True
        if rule.spec.get("schedules") and kb.schedule(sid, jur) in rule.spec["schedules"]:
            return True
        if not kb.is_rx(sid):
            return False
        return kb.is_approved(sid, jur) or rule.spec["include_unapproved"]
