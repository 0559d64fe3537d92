"""Suppression comments: ``disable`` / ``enable`` ranges and ``disable-next-line``.

In compliance work a suppression is a sign-off: the reason after ``--`` is kept
on the finding, suppressed findings stay visible in machine formats, and a
directive that suppresses nothing is reported (``unused_directives``).
"""

from __future__ import annotations

from compliance_lint.models import Finding
from compliance_lint.sources.base import Directive, SourceDocument


def target_matches(target: str, finding: Finding) -> bool:
    """A target is a rule id, a pack id, ``pack/category``, or ``all``."""
    if target in ("all", "*"):
        return True
    if "/" in target:
        pack, _, category = target.partition("/")
        return finding.pack == pack and finding.category == category
    if "." in target:
        return finding.rule == target
    return finding.pack == target


def apply_suppressions(doc: SourceDocument, findings: list[Finding]) -> None:
    if not doc.directives:
        return
    directives = sorted(doc.directives, key=lambda d: d.offset)
    block_starts = sorted(b.offsets[0] for b in doc.blocks if len(b.offsets))
    for finding in findings:
        active: dict[str, Directive] = {}
        for d in directives:
            if d.offset > finding.start:
                break
            if d.action == "disable":
                for t in d.targets or ("all",):
                    active[t] = d
            elif d.action == "enable":
                if d.targets:
                    for t in d.targets:
                        active.pop(t, None)
                else:
                    active.clear()
        hit = next((d for t, d in active.items() if target_matches(t, finding)), None)
        if hit is None:
            for d in directives:
                if d.action != "disable-next-line" or d.offset > finding.start:
                    continue
                nxt = next((s for s in block_starts if s >= d.end), None)
                if nxt is None:
                    continue
                following = next((s for s in block_starts if s > nxt), None)
                in_next = finding.start >= nxt and (following is None or finding.start < following)
                if in_next and any(target_matches(t, finding) for t in (d.targets or ("all",))):
                    hit = d
                    break
        if hit is not None:
            hit.used = True
            finding.suppressed = True
            finding.suppression_reason = hit.reason or None


def unused_directives(doc: SourceDocument) -> list[Directive]:
    return [d for d in doc.directives if d.action != "enable" and not d.used]
