"""Suppression comments: ``disable`` / ``enable`` ranges and ``disable-next-line``.

In compliance work a suppression is a sign-off: the reason after ``--`` is kept
on the finding, suppressed findings stay visible in machine formats, and a
directive that suppresses nothing is reported (``unused_directives``).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

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


def apply_suppressions(doc: SourceDocument, findings: list[Finding], aliases: dict[str, str] | None = None) -> None:
    """Mark suppressed findings. One sweep over findings in position order, with
    the block each ``disable-next-line`` covers found by bisection: thousands of
    directives and findings in one file took minutes when every finding replayed
    every directive and scanned every block.

    ``aliases`` maps a renamed rule's old id to its id: a sign-off written
    against the old id keeps working (DESIGN: renames keep the old id)."""
    if not doc.directives:
        return
    if aliases:
        for d in doc.directives:
            if any(t in aliases for t in d.targets):
                d.targets = tuple(aliases.get(t, t) for t in d.targets)
    directives = sorted(doc.directives, key=lambda d: d.offset)
    block_starts = sorted(b.offsets[0] for b in doc.blocks if len(b.offsets))
    # disable-next-line: the block after the comment, [nxt, following)
    next_line: dict[int, list[Directive]] = {}
    for d in directives:
        if d.action != "disable-next-line":
            continue
        k = bisect_left(block_starts, d.end)
        if k < len(block_starts):
            next_line.setdefault(block_starts[k], []).append(d)
    ranges = [d for d in directives if d.action in ("disable", "enable")]
    active: dict[str, Directive] = {}
    j = 0
    for finding in sorted(findings, key=lambda f: f.start):
        while j < len(ranges) and ranges[j].offset <= finding.start:
            d = ranges[j]
            if d.action == "disable":
                for t in d.targets or ("all",):
                    active[t] = d
            elif d.targets:
                for t in d.targets:
                    active.pop(t, None)
            else:
                active.clear()
            j += 1
        hit = next((d for t, d in active.items() if target_matches(t, finding)), None)
        if hit is None:
            k = bisect_right(block_starts, finding.start) - 1
            for d in next_line.get(block_starts[k], ()) if k >= 0 else ():
                if d.offset <= finding.start and any(target_matches(t, finding) for t in (d.targets or ("all",))):
                    hit = d
                    break
        if hit is not None:
            hit.used = True
            finding.suppressed = True
            finding.suppression_reason = hit.reason or None


def unused_directives(doc: SourceDocument) -> list[Directive]:
    return [d for d in doc.directives if d.action != "enable" and not d.used]
