"""The kinds' plain paths as they were before this round's shortcuts, kept as
references for tests/test_kinds_fast.py (each fast path must find the same)."""

from __future__ import annotations

from collections.abc import Iterable

from compliance_lint import marks, semantic
from compliance_lint.entities import Mention
from compliance_lint.kinds.base import BlockScan, Hit
from compliance_lint.kinds.unapproved import _ANAPHOR, _OUR, CompiledUnapproved, _descriptor_substances


class PlainUnapproved(CompiledUnapproved):
    """``find`` with every sentence's strong cue worked out up front."""

    def find(self, scan: BlockScan) -> Iterable[Hit]:
        kb = semantic.kb()
        ms = [m for m in semantic.mentions(scan.state, scan.index) if m.label == "SUBSTANCE"]
        ms = sorted(ms + _descriptor_substances(kb, semantic.mentions(scan.state, scan.index)), key=lambda m: m.start)
        carry_generic = any(r.spec.get("carry_generic") for r in self.rules)
        if not ms and not carry_generic:
            return
        low = scan.low
        sents = scan.sentences
        block_strong = self._ruo_block_strong(low, sents)
        strong = [self._strong(low[a:b]) for a, b in sents]
        for si, (s0, s1) in enumerate(sents):
            here = [m for m in ms if s0 <= m.start < s1]
            carried = False
            stext = low[s0:s1]
            near_strong = any(strong[j] for j in (si - 1, si + 1) if 0 <= j < len(sents))
            if not here and carry_generic and self.generic_rx is not None and not semantic.cue(stext, "research_cues"):
                # "Not sure which peptide you need? Email us ... a protocol": a generic
                # product word in a selling sentence stands for the section's substance
                gm = self.generic_rx.search(stext)
                if gm and (strong[si] or near_strong):
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
            if not promoted and not carried and block_strong and not semantic.cue(stext, "research_cues"):
                promoted = True  # "TB-500 科研试剂，非人用。下单附赠注射器…"
            neighbour_ok = not carried and near_strong and not semantic.cue(stext, "research_cues")
            for rule in self.rules:
                own = self.own_rx.get(rule.id)
                if rule.spec.get("cues"):
                    if own is None or not any(not marks.negated(stext, cm.start(), cm.end(), self.lang) for cm in own.finditer(stext)):
                        continue
                elif not promoted and not (neighbour_ok and rule.spec.get("neighbours")) and not (
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
