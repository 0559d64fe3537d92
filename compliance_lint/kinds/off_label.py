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
from collections.abc import Iterable
from typing import Any

from compliance_lint import marks, semantic
from compliance_lint.entities import Mention
from compliance_lint.kinds.base import BlockScan, CompiledKind, Hit, KindBase
from compliance_lint.models import PACK_JURISDICTION, Rule
from compliance_lint.schema import Checker

JURISDICTIONS = ("US", "CN", "EU", "UK", "AU")
_ANAPHOR = re.compile(r"\b(?:it|its|it's|this|these|they|them|the (?:medicine|drug|injection|jab|pen|shot|treatment))\b|它|该药|此药|这款|这种")
# A condition followed by a denial that it is an approved use (减肥并不在它的适应症范围内).
_ZH_NOT_APPROVED_AFTER = re.compile(r"[^，,。；;！!？?]{0,4}(?:并|也|都)?(?:不在|不属于|不是|并非|不包括|未获批|没有获批|未被批准|不用于)[^。；;！!？?]{0,12}(?:适应症|获批|批准|说明书|范围)")
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
        from compliance_lint.prefilter import Confirmed, entity_triggers, name_parts, regex_literals, words_confirm

        # find() needs a use in the block (a condition, a descriptor that carries
        # one, a weight result) and a medicine it is said of: a substance or class
        # named in the block, or an anaphor with a claim verb
        kb = semantic.kb()
        subjects = [n for s in kb.substances.values() for n in [s.name, *s.en, *s.zh, *s.products, *(z for zs in s.products.values() for z in zs)]]
        subjects += [n for c in kb.classes.values() for n in [*c.en, *c.zh]]
        confirm = words_confirm(semantic.resolve_words(["@cure", "@treat", "@root_cause"]), True, literals=name_parts(subjects))
        if confirm is None:
            return entity_triggers()
        out = entity_triggers(("CONDITION", "DESCRIPTOR"), confirm)
        weight = regex_literals(_EN_WEIGHT_AMOUNT.pattern)
        if out is None or weight is None:
            return entity_triggers()
        return out + [Confirmed(term, confirm) for term in weight]

    @property
    def verb_rx(self) -> Any:
        if not hasattr(self, "_verb_rx"):
            self._verb_rx = semantic.word_regex(tuple(semantic.resolve_words(["@cure", "@treat", "@root_cause"])), True)
        return self._verb_rx

    def find(self, scan: BlockScan) -> Iterable[Hit]:
        kb = semantic.kb()
        ms = semantic.mentions(scan.state, scan.index)
        conds = [m for m in ms if m.label == "CONDITION"] + _descriptor_conditions(kb, ms) + _weight_amounts(kb, scan.block.text, scan.low)
        conds.sort(key=lambda m: m.start)
        if not conds:
            return
        low = scan.low
        question_conds: list[Any] = []
        for s0, s1 in scan.sentences:
            sconds = [m for m in conds if s0 <= m.start < s1]
            # "Struggling with PCOS? Our Mounjaro protocol gets your cycles back":
            # a question naming a condition sets the topic of the answer after it
            lead_in, question_conds = question_conds, (sconds if low[s0:s1].rstrip().endswith(("?", "？")) else [])
            if not sconds and lead_in and any(m.label in ("SUBSTANCE", "CLASS") and s0 <= m.start < s1 for m in ms):
                # placed at the answer's start (zero width), so offsets stay inside this sentence
                sconds = [Mention(c.label, c.id, s0, s0, c.product, c.text) for c in lead_in]
            if not sconds:
                continue
            stext = low[s0:s1]
            # A population word (患者, "patients with") marks the condition next
            # to it as who is treated, not what for: that condition is dropped,
            # the rest of the sentence is still checked (诺和泰用于多囊卵巢综合征患者的减重).
            pop_spans = _population_spans(stext)
            # "for your patients with PCOS" offers the medicine to that population:
            # not the "patients with" of a warning
            # (each pattern searched only where its literal word is: "with", "label")
            offer_spans = [(m.start(), m.end()) for m in _EN_FOR_POPULATION.finditer(stext)] if self.lang == "en" and "with" in stext else []
            if semantic.cue(stext, "research_cues") or semantic.cue(_blank(stext, pop_spans + offer_spans), "adverse_cues"):
                continue
            if "label" in stext and _EN_CALLED_OFF_LABEL.search(stext):
                continue  # "using Ozempic for weight loss is off-label": the text names the use as off-label
            all_conds = sconds  # population conditions still qualify an approval (HIV lipodystrophy)
            sconds = [c for c in sconds if not _is_population(stext, c.start - s0, c.end - s0, pop_spans)]
            if not sconds:
                continue
            subjects = [m for m in ms if m.label in ("SUBSTANCE", "CLASS") and s0 <= m.start < s1]
            # "insulin resistance ... respond less to insulin": the hormone named
            # inside a condition is not a drug being promoted
            cond_texts = [c.text.lower() for c in sconds]
            subjects = [m for m in subjects if not any(m.text.lower() in t and len(t) > len(m.text) for t in cond_texts)]
            # "insulin-producing cells", "respond to insulin", "your own GLP-1": the hormone, not a drug
            subjects = [m for m in subjects if not _endogenous(stext, m.start - s0, m.end - s0)]
            inherited = False
            if not subjects and _ANAPHOR.search(stext):
                # a subject carried over from earlier text only when this
                # sentence points back to it ("it", "this medicine", "the jab")
                subjects = [m for m in semantic.subject_mentions(scan.state, scan.index, s0) if m.label in ("SUBSTANCE", "CLASS")]
                inherited = True
                # and only when it claims something of the condition ("it reverses
                # insulin resistance"), not when "it" is the condition itself
                # ("insulin resistance does not hurt, which is why it goes unnoticed")
                if self.verb_rx is None or not self.verb_rx.search(stext):
                    subjects = []
            if not subjects:
                continue
            for rule in self.rules:
                jur = rule.spec["jurisdiction"]
                # Several products in one sentence ("诺和泰用于2型糖尿病，诺和盈获批用于
                # 体重管理"), stating approvals: a condition approved for any of them is
                # an approval fact, not an off-label use of the others.
                approved_any: set[str] = set()
                if len(subjects) > 1 and semantic.cue(stext, "approval_cues"):
                    approved_any = {c.id for c in all_conds for s in subjects if self._approved(kb, s, jur, c.id)}
                for subj in subjects:
                    if not inherited and _subject_negated(stext, subj.start - s0, subj.end - s0, self.lang):
                        continue  # the subject must not be negated either ("not Ozempic", 别迷信生长肽)
                    approved_here = [c.id for c in all_conds if self._approved(kb, subj, jur, c.id)]
                    label = scan.state.context.content == "label"
                    if label:
                        # approved product information states its own market's approval, which may be
                        # another than this pack's (an Australian CMI read with the nmpa pack)
                        approved_here += [c.id for c in all_conds for j in JURISDICTIONS if j != jur and self._approved(kb, subj, j, c.id)]
                    excl = None if inherited or label else _outside_population(kb, subj, jur, stext, s0, all_conds, self.lang)
                    if excl is not None:
                        # "Ozempic ... no diabetes needed": promoted to people outside the approved population
                        yield Hit(rule, scan.index, min(subj.start, excl.start), max(subj.end, excl.end),
                                  substance=subj.product or _name(kb, subj),
                                  condition=f"people without {_cname(kb, excl.id)} (outside its approved population)",
                                  negation_checked=True)
                        break
                    for cond in sconds:
                        if cond.id in approved_here or cond.id in approved_any:
                            continue
                        if any(cond.id in QUALIFIED_BY.get(a, ()) for a in approved_here):
                            continue
                        if subj.label == "SUBSTANCE" and not kb.is_approved(subj.id, jur):
                            continue  # no approval at all: the unapproved rule's business
                        rel_c = cond.start - s0
                        if marks.negated(stext, rel_c, cond.end - s0, self.lang):
                            continue
                        if (not inherited and self.lang == "en" and semantic.cue(stext, "approval_cues")
                                and semantic.clause_bounds(stext, rel_c, "en") != semantic.clause_bounds(stext, subj.start - s0, "en")):
                            continue  # approval facts: "it is approved only for type 2 diabetes, while Wegovy ..."
                        if self.lang == "zh" and _ZH_NOT_APPROVED_AFTER.match(stext, cond.end - s0):
                            continue  # 单纯想减肥并不在它的适应症范围内
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


_CJK = re.compile(r"[\u3400-\u9fff]")


_EN_WEIGHT_AMOUNT = re.compile(
    r"\b(?:down|lost|lose|losing|shed|dropped)\s+(?:\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|a|half a)\s*"
    r"(?:kg|kilos?|kilograms?|lbs?|pounds?|stones?)\b", re.IGNORECASE)


# Every match's unit holds one of these in ``text.lower()``: "kg", "lb", "pound",
# "tone" (stone), or "lo" after an i (kilo); under IGNORECASE ``re`` also takes
# "ı" and "İ" (lower-cased "i̇") for i, and "K" (lower-cased "k") for k.
_UNIT_HINTS = ("kg", "lb", "pound", "tone", "ilo", "ılo", "\u0307lo")


def _may_hold_weight_amount(low: str) -> bool:
    """False when ``_EN_WEIGHT_AMOUNT`` cannot match the text whose lower case is ``low``.

    The pattern, case-insensitive with a word edge to test at every position,
    cost a sixth of ``find`` over whole blocks; most blocks name no unit."""
    return any(h in low for h in _UNIT_HINTS)


def _weight_amounts(kb: Any, text: str, low: str | None = None) -> list[Any]:
    """A weight result ("down 14 kg", "lost two stone") names weight loss as the use (English).
    ``low``: ``text.lower()`` if the caller has it."""
    from compliance_lint.entities import Mention

    if "weight_loss" not in kb.conditions:
        return []
    if not _may_hold_weight_amount(text.lower() if low is None else low):
        return []
    return [Mention("CONDITION", "weight_loss", m.start(), m.end(), None, m.group()) for m in _EN_WEIGHT_AMOUNT.finditer(text)]


def _descriptor_conditions(kb: Any, ms: list[Any]) -> list[Any]:
    """A product descriptor names a use too: 减肥针 / "weight loss jab" carries 减肥 / weight loss."""
    from compliance_lint.entities import Mention

    out = []
    for m in ms:
        if m.label != "DESCRIPTOR":
            continue
        text = m.text.lower()
        best = None
        for c in kb.conditions.values():
            for name in [*c.en, *c.zh]:
                i = text.find(name.lower()) if len(name) > 1 else -1
                if i >= 0 and (best is None or len(name) > best[2] - best[1]):
                    best = (c.id, i, i + len(name))
        if best:
            cid, a, b = best
            out.append(Mention("CONDITION", cid, m.start + a, m.start + b, None, m.text[a:b]))
    return out


def _population_spans(stext: str) -> list[tuple[int, int]]:
    """Chinese population words (患者, 人群 ...). English ones ("patients with") stay
    adverse cues that skip the whole sentence, as before."""
    rx = semantic.word_regex(tuple(semantic.lexicon_words("population_cues", "zh")), False)
    return [(m.start(), m.end()) for m in rx.finditer(stext)] if rx else []


def _subject_negated(stext: str, a: int, b: int, lang: str) -> bool:
    """A negator right before the subject itself (not Ozempic, 别迷信"生长肽"), not
    one earlier in the clause (Doesn't matter, our doctors prescribe Ozempic)."""
    if lang == "zh":
        lead = stext[max(0, a - 8):a]
    else:
        lead = " ".join(stext[:a].split()[-2:]) + " "
    return marks.negated(lead + stext[a:b], len(lead), len(lead) + b - a, lang)


def _blank(stext: str, spans: list[tuple[int, int]]) -> str:
    chars = list(stext)
    for a, b in spans:
        for i in range(a, b):
            chars[i] = " "
    return "".join(chars)


def _is_population(stext: str, cs: int, ce: int, spans: list[tuple[int, int]]) -> bool:
    """A population word right after the condition (2型糖尿病患者, 免疫功能低下者) or
    right before it ("patients with type 2 diabetes")."""
    if stext[ce:ce + 1] == "者":
        return True
    for a, b in spans:
        if _CJK.match(stext, a):
            if 0 <= a - ce <= 1:  # Chinese: the population word follows (…患者)
                return True
        elif 0 <= cs - b <= 1:  # English: it precedes ("patients with …")
            return True
    return False



def _name(kb: Any, m: Any) -> str:
    s = kb.substances.get(m.id)
    if s:
        return s.name
    c = kb.classes.get(m.id)
    return c.name if c else m.text


def _cname(kb: Any, cid: str) -> str:
    c = kb.conditions.get(cid)
    return c.en[0] if c and c.en else cid.replace("_", " ")


# An approved indication that defines who may be treated, and conditions that
# name the same population ("without HIV" for tesamorelin's HIV lipodystrophy).
POPULATION_OF = {"hiv_lipodystrophy": {"hiv_aids"}}
# A medicine offered "for (your) patients with X": with no other condition named, X is the use.
_EN_FOR_POPULATION = re.compile(r"\bfor\s+(?:your\s+|our\s+|the\s+|all\s+|any\s+)?(?:[\w-]+\s+)?(?:patients|people|adults|women|men|clients|anyone)\s+with\b")
_EN_CALLED_OFF_LABEL = re.compile(r"\b(?:is|are|be|been|being|considered|counts?\s+as|remains?|would\s+be)\s+(?:\w+\s+)?off[- ]label\b")
_EN_POP_NEG_AFTER = re.compile(r"\s*(?:or not|optional|not required|not needed|not necessary)\b")
# Negation of having the condition (not of a claim verb: "does not reverse diabetes").
_EN_POP_NEG_BEFORE = re.compile(
    r"(?:\bwithout|\bno|\bnot\s+(?:just|only)\s+for|\b(?:don't|do\s+not|doesn't|does\s+not|didn't)\s+(?:even\s+)?have|"
    r"\bnever\s+(?:even\s+)?(?:had|have\s+had|been\s+diagnosed\s+with)|\bhaven't\s+(?:got|had)|\bwhether\s+or\s+not\s+you\s+have|"
    r"\bfree\s+of|\bnon-?)\s+(?:(?:a|any|an|even|the|actual|real)\s+)?$"
    r"|\bnon-$"  # "your non-diabetic patients"
)
_EN_NOT_PROMOTION = re.compile(
    r"\b(?:approved|approval|indicated|label(?:l?ed)?|off[- ]label|should not|must not|do not use|don't use|not for use|"
    r"not recommended|never use|is not for|isn't for|are not for|aren't for|not meant for|not intended)\b"
)


def _outside_population(kb: Any, subj: Any, jur: str, stext: str, s0: int, conds: list[Any], lang: str) -> Any:
    """A condition that defines the substance's approved population, negated in a
    promotion ("no diabetes needed", "I don't even have diabetes", "not just for HIV
    patients"): the product is promoted to people outside its approval (English)."""
    if lang != "en" or subj.label != "SUBSTANCE" or not kb.is_approved(subj.id, jur):
        return None
    if _EN_NOT_PROMOTION.search(stext):
        return None  # an approval statement, a label limit or a warning, not an offer
    approved = set(kb.approved_conditions(subj.id, jur, subj.product))
    for c in conds:
        in_population = kb.approved_for(subj.id, jur, c.id, subj.product) or any(c.id in POPULATION_OF.get(a, ()) for a in approved)
        if not in_population:
            continue
        rs, re_ = c.start - s0, c.end - s0
        if _EN_POP_NEG_BEFORE.search(stext[max(0, rs - 40):rs]) or _EN_POP_NEG_AFTER.match(stext, re_):
            return c
    return None


_EN_HORMONE_AFTER = re.compile(
    r"[\s-]*(?:producing|secreting|secretion|release|production|levels?|sensitivity|signal(?:l)?ing|receptors?|"
    r"resistance|spikes?|response|output|surges?|hormone)\b"
)
_EN_HORMONE_BEFORE = re.compile(
    r"(?:\b(?:to|of|your|the body's|body's|own|natural|naturally|endogenous|makes?|made|produces?|produced|releases?|"
    r"released|secretes?|secreted|more|less|extra)\s+)$"
)


def _endogenous(stext: str, start: int, end: int) -> bool:
    """The hormone named by a drug word ("insulin-producing cells", "react weakly to insulin")."""
    word = stext[start:end]
    if word in ("胰岛素", "胰高血糖素", "glp-1", "glp1"):
        # 促进餐后胰岛素分泌, 胰岛素水平, 自身胰岛素: the body's hormone
        if _ZH_HORMONE_AFTER.match(stext, end) or _ZH_HORMONE_BEFORE.search(stext[max(0, start - 8):start]):
            return True
    if word not in ("insulin", "glp-1", "glp1", "glp 1", "amylin", "ghrelin"):
        return False
    return bool(_EN_HORMONE_AFTER.match(stext, end) or _EN_HORMONE_BEFORE.search(stext[max(0, start - 30):start]))


_ZH_HORMONE_AFTER = re.compile(r"\s*(?:的)?(?:分泌|释放|水平|敏感|抵抗|受体|生成|产生|浓度)")
_ZH_HORMONE_BEFORE = re.compile(r"(?:促进|刺激|增加|减少|抑制|自身|内源性|身体|体内|分泌)(?:餐后)?\s*$")
