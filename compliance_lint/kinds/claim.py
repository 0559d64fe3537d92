"""``claim``: a claim verb group acting on a CONDITION in the same clause.

YAML keys:
  verbs:      lexicon groups (@cure, @treat, @root_cause) and/or literal verbs
  conditions: any (default) | disease | serious | tga_prohibited | marketing | list of condition ids
  subject:    promoted (default: a substance, class, product word or one carried
              over from earlier in the paragraph or section) | product (a product
              word, not a known drug: supplements, blends, programmes) | any
  window:     words (English) or characters x 3 (Chinese) between verb and condition (default 6)
  after:      optional words or lexicon groups accepted only AFTER the condition, as a
              state it ends in ("my insulin resistance is gone", "fatty liver gone for
              good", "blood sugar back to normal"); matched literally, not inflected,
              after an optional copula and up to two adverbs
  verb_in_condition: optional true: a condition named by a verb phrase that is itself a
              claim verb of the rule ("lower blood pressure", "boost fertility",
              "protect your heart") is a claim without another verb ("clinically shown to
              lower blood pressure")
  unless_before: optional words that, right before the condition (up to two words
              earlier), take it out of the rule: "mild anxiety", "occasional
              sleeplessness" are not serious forms (TGA)
  only:       optional: hedged — report only claims the writer hedges ("may reverse",
              "early research suggests ... could prevent"), for rules whose point is
              that hedging does not fix a claim (FTC); set the rule's hedging: none

Direction matters: the verb must act on the condition ("reverses insulin
resistance", "a cure for diabetes", "diabetes can be reversed", 根治糖尿病).
"GH can induce insulin resistance" has no claim verb; "diet can reverse
prediabetes" has a lifestyle subject and is not a product claim.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from compliance_lint import marks, semantic
from compliance_lint.kinds.base import BlockScan, CompiledKind, Hit, KindBase
from compliance_lint.models import Rule
from compliance_lint.schema import Checker

NON_DRUG_PRODUCTS = ("supplement", "health_food", "food", "cosmetic")
_PASSIVE = r"(?:is|are|was|were|be|been|being|get|gets|got|can be|could be|will be)\s+(?:\w+\s+){0,2}"
_PASSIVE_AUX = r"(?:can be|could be|will be|may be|might be|is|are|was|were|been|being|be|gets|get|got)\s+"


def condition_filter(spec: Any, kb: Any) -> set[str] | None:
    if spec in (None, "any"):
        return None
    conds = kb.conditions
    if spec == "disease":
        return {c for c, v in conds.items() if v.disease}
    if spec == "serious":
        return {c for c, v in conds.items() if v.serious}
    if spec == "tga_prohibited":
        return {c for c, v in conds.items() if v.tga_prohibited}
    if spec == "marketing":
        return {c for c, v in conds.items() if v.kind == "marketing_claim"}
    return set(spec)


class Kind(KindBase):
    keys = ("verbs", "conditions", "subject", "window", "after", "only", "verb_in_condition", "unless_before")

    @staticmethod
    def validate(rule: Rule, data: Any, checker: Checker) -> dict[str, Any]:
        verbs = checker.string_list("verbs", required=True)
        conditions = data.get("conditions", "any")
        if not (conditions in ("any", "disease", "serious", "tga_prohibited", "marketing") or (isinstance(conditions, list) and all(isinstance(c, str) for c in conditions))):
            raise checker.fail("conditions", "expected any, disease, serious, tga_prohibited, marketing, or a list of condition ids")
        subject = checker.choice("subject", ("promoted", "product", "any"), default="promoted")
        window = data.get("window", 6)
        if not isinstance(window, int) or window < 1:
            raise checker.fail("window", "expected a positive integer")
        after = checker.string_list("after")
        only = checker.choice("only", ("any", "hedged"), default="any")
        if "verb_in_condition" in data and not isinstance(data["verb_in_condition"], bool):
            raise checker.fail("verb_in_condition", "expected true or false")
        return {"verbs": verbs, "conditions": conditions if isinstance(conditions, str) else list(conditions), "subject": subject, "window": window, "after": after, "only": only,
                "verb_in_condition": bool(data.get("verb_in_condition", False)),
                "unless_before": checker.string_list("unless_before")}

    @classmethod
    def compile(cls, rules: list[Rule], lang: str, env: Any) -> CompiledKind:
        return CompiledClaims(rules, lang)


class CompiledClaims(CompiledKind):
    def __init__(self, rules: list[Rule], lang: str) -> None:
        kb = semantic.kb()
        self.lang = lang
        self.items = []
        for r in rules:
            words = semantic.resolve_words(r.spec["verbs"])
            rx = semantic.word_regex(tuple(words), True)
            after = semantic.resolve_words(r.spec.get("after") or [])
            after_rx = semantic.word_regex(tuple(after), False) if after else None
            self.items.append((r, rx, condition_filter(r.spec["conditions"], kb), after_rx))
        # every hit needs one of the rules' verbs (or "after" words) in its sentence:
        # one search for all of them skips the sentences that have none
        self._all_verbs = sorted({w for r in rules for w in semantic.resolve_words(r.spec["verbs"])})
        self._all_after = sorted({w for r in rules for w in semantic.resolve_words(r.spec.get("after") or [])})
        self._any_verb = [m for m in (semantic.word_regex(tuple(self._all_verbs), True),
                                      semantic.word_regex(tuple(self._all_after), False) if self._all_after else None) if m is not None]
        self.unless_before = {r.id: re.compile(r"(?<![a-z])(?:" + "|".join(re.escape(w.lower()) for w in r.spec["unless_before"]) + r")\s+(?:\S+\s+)?$")
                              for r in rules if r.spec.get("unless_before")}

    def triggers(self) -> list[str] | None:
        from compliance_lint.prefilter import entity_triggers, words_confirm

        # find() needs a condition mention in the block, and one of the rules'
        # claim verbs (or "after" words) in the same sentence
        confirm = words_confirm(self._all_verbs, True, self._all_after)
        if confirm is None:
            return []
        return entity_triggers(("CONDITION",), confirm)

    def find(self, scan: BlockScan) -> Iterable[Hit]:
        conds = [m for m in semantic.mentions(scan.state, scan.index) if m.label == "CONDITION"]
        if not conds:
            return
        text = scan.block.text
        low = scan.low
        lang = self.lang
        for s0, s1 in scan.sentences:
            in_sent = [m for m in conds if s0 <= m.start < s1]
            if not in_sent:
                continue
            stext = low[s0:s1]
            if not any(m.search(stext) for m in self._any_verb):
                continue
            subject_ok: dict[tuple[str, int], bool] = {}  # the rules' verbs often start at the same place
            for rule, rx, allowed, after_rx in self.items:
                if rx is None:
                    continue
                for m in in_sent:
                    if allowed is not None and m.id not in allowed:
                        continue
                    ub = self.unless_before.get(rule.id)
                    if ub is not None and ub.search(stext, max(0, m.start - s0 - 40), m.start - s0):
                        continue  # "mild anxiety": a qualifier that takes the condition out of the rule
                    if lang == "en" and _structure_function(stext, m.start - s0, m.end - s0):
                        continue
                    verb = _verb_for(rx, stext, m.start - s0, m.end - s0, rule.spec["window"], after_rx, lang)
                    if verb is None and rule.spec.get("verb_in_condition"):
                        vm = rx.match(stext, m.start - s0)  # "lower blood pressure": the mention starts with a claim verb
                        if vm and vm.end() <= m.end - s0:
                            verb = (vm.start(), vm.end())
                    if verb is None:
                        continue
                    vs, ve = verb
                    key = (rule.spec["subject"], vs)
                    ok = subject_ok.get(key)
                    if ok is None:
                        ok = subject_ok[key] = self._subject_ok(rule, scan, stext, s0, vs)
                    if not ok:
                        continue
                    start, end = min(vs, m.start - s0) + s0, max(ve, m.end - s0) + s0
                    if rule.spec.get("only") == "hedged" and (
                        not marks.hedged(text[s0:s1], start - s0, end - s0, lang) or semantic.cue(stext, "research_cues")
                    ):
                        continue  # hedged claims only; research being reported is not the writer's claim
                    yield Hit(rule, scan.index, start, end, condition=_cond_name(m.id), substance=_subject_name(scan, start))
                    break

    def _subject_ok(self, rule: Rule, scan: BlockScan, stext: str, s0: int, vs: int) -> bool:
        """Does the clause of the verb at ``vs`` have the subject the rule asks for?
        (Depends on the rule only through its ``subject`` mode.)"""
        mode = rule.spec["subject"]
        if mode == "any":
            return True
        clause_start, _ = semantic.clause_bounds(stext, vs, self.lang)
        lead = stext[clause_start:vs]
        if semantic.lifestyle_subject(lead):
            return False
        if mode != "product" and semantic.subject_mentions(scan.state, scan.index, s0 + vs):
            return True
        # on a page about a non-drug product (front matter / config context),
        # the product is the subject of its claims
        has_word = scan.state.context.product in NON_DRUG_PRODUCTS or semantic.product_word_in_context(scan.state, scan.index, stext, self.lang)
        if mode == "product":
            own = [m for m in semantic.mentions(scan.state, scan.index) if m.label == "SUBSTANCE" and s0 <= m.start < s0 + len(stext)]
            return has_word and not own
        return has_word


_WORD = re.compile(r"\S+")
_GLUED = re.compile(r"-[a-z]")
_ZH_POSTPOSED = re.compile(r"^[被得到可以能够就也都已]*$")
_PASSIVE_AFTER = re.compile(r"\s+" + _PASSIVE_AUX)
_ADVERBS = re.compile(r"(?:(?:\w+ly|also|even|now|often|finally|fully|quickly)\s+){0,2}")
_STATE_LEAD = re.compile(
    r"\s*(?:(?:flare-?ups?|symptoms?|attacks?|episodes?|pain|problems?|issues?)\s+)?"
    r"(?:(?:is|are|was|were|will be|has been|have been|had been|got|gets|went|be)\s+)?(?:\w+ly\s+){0,2}")


@lru_cache(maxsize=8192)
def _verb_for(rx: Any, stext: str, cs: int, ce: int, window: int, after_rx: Any, lang: str) -> tuple[int, int] | None:
    """The claim verb (sentence offsets) acting on the condition at ``cs``-``ce``.

    A pure function of its arguments (matchers never change), remembered: each
    rule asks about each condition of a sentence, and boilerplate recurs.
    """
    c0, c1 = semantic.clause_bounds(stext, cs, lang)
    if lang == "zh":
        lo = max(c0, cs - window * 3)
        best = None
        for vm in rx.finditer(stext, lo, cs):
            best = (vm.start(), vm.end())
        if best:
            return best
        # post-posed: 糖尿病被根治 / 胰岛素抵抗得到逆转
        after = stext[ce:min(c1, ce + 8)]
        vm = rx.search(after)
        if vm and _ZH_POSTPOSED.match(after[: vm.start()]):
            return ce + vm.start(), ce + vm.end()
        return None
    before = stext[c0:cs]
    words = list(_WORD.finditer(before))
    lo = c0 + words[-window].start() if len(words) >= window else c0
    best = None
    for vm in rx.finditer(stext, lo, cs):
        # a verb glued into a compound modifier is no verb ("end-stage kidney disease")
        if vm.end() <= cs and not _GLUED.match(stext[vm.end():vm.end() + 2]):
            best = (vm.start(), vm.end())
    if best:
        return best
    after = stext[ce:c1]
    pm = _PASSIVE_AFTER.match(after)
    if pm:
        # the verb may follow the auxiliary after up to two adverbs
        # ("can be completely reversed"): try each word start in turn
        am = _ADVERBS.match(after[pm.end():])
        vm = rx.match(after, pm.end() + am.end()) if am else None
        if vm:
            return ce + vm.start(), ce + vm.end()
    if after_rx is not None:
        sm = _STATE_LEAD.match(after)
        vm = after_rx.match(after, sm.end() if sm else 0)
        if vm:
            return ce + vm.start(), ce + vm.end()
    return None


def _cond_name(cid: str) -> str:
    c = semantic.kb().conditions.get(cid)
    return (c.en[0] if c and c.en else cid.replace("_", " "))


def _subject_name(scan: BlockScan, pos: int) -> str | None:
    subj = semantic.subject_mentions(scan.state, scan.index, pos + 1)
    if not subj:
        return None
    m = subj[-1]
    s = semantic.kb().substances.get(m.id)
    return m.product or (s.name if s else m.text)


_SF_BEFORE = re.compile(r"\b(?:normal|healthy|already[- ]normal)\s+$")
_SF_AFTER = re.compile(
    r"\s+(?:levels?\s+)?(?:that\s+are\s+)?(?:already\s+)?(?:within|in)\s+(?:the\s+)?normal\s+range"
    r"|\s+(?:in|among|for)\s+healthy\s+(?:adults|people|individuals|men|women)"
)


@lru_cache(maxsize=4096)
def _structure_function(stext: str, cs: int, ce: int) -> bool:
    """A function named as healthy or normal ("supports healthy insulin sensitivity",
    "blood sugar already within the normal range"): a structure/function claim
    about healthy people, not a claim about the condition (21 CFR 101.93(g))."""
    return bool(_SF_BEFORE.search(stext[max(0, cs - 20):cs]) or _SF_AFTER.match(stext, ce))
