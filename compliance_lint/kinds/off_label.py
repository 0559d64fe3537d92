"""``off_label``: a drug promoted for a condition outside its approvals here.

YAML keys:
  jurisdiction: US | CN | EU | UK | AU (default: the pack's)

A SUBSTANCE (or a product of it, or a drug class) and a CONDITION in one
sentence, unless the condition is negated or named as a risk, side effect or
population ("may cause", "patients with"), or the sentence reports research, where the knowledge base has no
approval of that substance/product for that condition in the jurisdiction.
Approvals are per product ("Ozempic for weight loss" is off-label in the US,
Wegovy is not) and may be limited to a population (tesamorelin: abdominal fat
in HIV-associated lipodystrophy). Accurate approval statements, negations and
research reporting are not promotion.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from compliance_lint import marks, semantic
from compliance_lint.kinds.base import BlockScan, CompiledKind, Hit, KindBase
from compliance_lint.models import PACK_JURISDICTION, Rule
from compliance_lint.schema import Checker

JURISDICTIONS = ("US", "CN", "EU", "UK", "AU")
_ANAPHOR = re.compile(r"\b(?:it|its|it's|this|these|they|them|the (?:medicine|drug|injection|jab|pen|shot|treatment))\b|它|该药|此药|这款|这种")
# Conditions that only qualify an approved population, not a new use.
QUALIFIED_BY = {
    "hiv_lipodystrophy": {"visceral_fat", "fat_loss"},
    "type_2_diabetes": {"cardiovascular_risk_reduction", "chronic_kidney_disease"},
    "obesity_weight_management": {"cardiovascular_risk_reduction", "obstructive_sleep_apnea", "visceral_fat", "fat_loss", "appetite_suppression"},
}


def jurisdiction_of(rule: Rule, data: Any, checker: Checker) -> str:
    jur = data.get("jurisdiction") or PACK_JURISDICTION.get(rule.pack)
    if jur not in JURISDICTIONS:
        raise checker.fail("jurisdiction", f"expected one of {', '.join(JURISDICTIONS)} (no default for pack {rule.pack!r})")
    return str(jur)


class Kind(KindBase):
    keys = ("jurisdiction",)

    @staticmethod
    def validate(rule: Rule, data: Any, checker: Checker) -> dict[str, Any]:
        return {"jurisdiction": jurisdiction_of(rule, data, checker)}

    @classmethod
    def compile(cls, rules: list[Rule], lang: str, env: Any) -> CompiledKind:
        return CompiledOffLabel(rules, lang)


class CompiledOffLabel(CompiledKind):
    def __init__(self, rules: list[Rule], lang: str) -> None:
        self.rules = rules
        self.lang = lang

    def triggers(self) -> list[str] | None:
        from compliance_lint.prefilter import entity_triggers

        return entity_triggers()  # find() needs a condition mention in the block

    def find(self, scan: BlockScan) -> Iterable[Hit]:
        kb = semantic.kb()
        ms = semantic.mentions(scan.state, scan.index)
        conds = [m for m in ms if m.label == "CONDITION"]
        if not conds:
            return
        low = scan.block.text.lower()
        for sent in scan.doc.sents:
            s0, s1 = sent.start_char, sent.end_char
            sconds = [m for m in conds if s0 <= m.start < s1]
            if not sconds:
                continue
            stext = low[s0:s1]
            if semantic.cue(stext, "research_cues") or semantic.cue(stext, "adverse_cues"):
                continue
            subjects = [m for m in ms if m.label in ("SUBSTANCE", "CLASS") and s0 <= m.start < s1]
            inherited = False
            if not subjects and _ANAPHOR.search(stext):
                # a subject carried over from earlier text only when this
                # sentence points back to it ("it", "this medicine", "the jab")
                subjects = [m for m in semantic.subject_mentions(scan.state, scan.index, s0) if m.label in ("SUBSTANCE", "CLASS")]
                inherited = True
            if not subjects:
                continue
            for rule in self.rules:
                jur = rule.spec["jurisdiction"]
                for subj in subjects:
                    approved_here = [c.id for c in sconds if self._approved(kb, subj, jur, c.id)]
                    for cond in sconds:
                        if cond.id in approved_here:
                            continue
                        if any(cond.id in QUALIFIED_BY.get(a, ()) for a in approved_here):
                            continue
                        if subj.label == "SUBSTANCE" and not kb.is_approved(subj.id, jur):
                            continue  # no approval at all: the unapproved rule's business
                        rel_c = cond.start - s0
                        if marks.negated(stext, rel_c, cond.end - s0, self.lang):
                            continue
                        if inherited:
                            start, end = cond.start, cond.end
                        else:
                            start, end = min(subj.start, cond.start), max(subj.end, cond.end)
                        # the subject must not be negated either ("not Ozempic")
                        hit = Hit(rule, scan.index, start, end, substance=subj.product or _name(kb, subj), condition=_cname(kb, cond.id), negation_checked=True)
                        yield hit
                        break
                    else:
                        continue
                    break

    @staticmethod
    def _approved(kb: Any, subj: Any, jur: str, cond: str) -> bool:
        if subj.label == "CLASS":
            return kb.class_approved_for(subj.id, jur, cond)
        return kb.approved_for(subj.id, jur, cond, subj.product)


def _name(kb: Any, m: Any) -> str:
    s = kb.substances.get(m.id)
    if s:
        return s.name
    c = kb.classes.get(m.id)
    return c.name if c else m.text


def _cname(kb: Any, cid: str) -> str:
    c = kb.conditions.get(cid)
    return c.en[0] if c and c.en else cid.replace("_", " ")
