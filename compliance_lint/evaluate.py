"""``compliance-lint eval``: precision / recall / F1 on annotated corpora.

Unit (DESIGN.md): an annotated line x (pack, category). TP: an error/warning
finding of that pack and category starting on an ``expect`` line; FN: none;
FP: one on an ``ok`` line (a pack-wide ``ok: fda`` counts each offending
category once). Unannotated lines are not scored; info findings never count.
Micro-averaged per pack and per category. ``todo-`` annotations are scored
like the others: the corpus is honest about hard cases.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

import click

from compliance_lint.annotations import annotated_files, counted
from compliance_lint.config import Config
from compliance_lint.harness import LinterCache, lint_annotated
from compliance_lint.packs import load_registry


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class EvalResult:
    by_pack: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    by_category: dict[tuple[str, str], Score] = field(default_factory=lambda: defaultdict(Score))
    errors: list[str] = field(default_factory=list)
    items: int = 0


def score(cache: LinterCache, paths: list[str], packs: list[str] | None = None) -> EvalResult:
    result = EvalResult()
    for path in annotated_files(paths, skip_dirs=("examples",)):
        annotations, findings = lint_annotated(cache, path)
        by_line: dict[int, list] = defaultdict(list)
        for f in findings:
            if counted(f):
                by_line[f.line].append(f)
        for a in annotations:
            result.items += 1
            on_line = by_line.get(a.line, [])
            for t in a.targets:
                if packs and t.pack not in packs:
                    continue
                if a.kind == "expect":
                    cats = [t.category] if t.category else sorted({f.category for f in on_line if f.pack == t.pack}) or ["(any)"]
                    if t.rule:
                        rule = cache.registry.find_rule(t.rule)
                        cats = [rule.category] if rule else ["(unknown)"]
                    for cat in cats:
                        hit = any(f.pack == t.pack and f.category == cat and (not t.rule or f.rule == t.rule) for f in on_line)
                        s_pack, s_cat = result.by_pack[t.pack], result.by_category[(t.pack, cat)]
                        if hit:
                            s_pack.tp += 1
                            s_cat.tp += 1
                        else:
                            s_pack.fn += 1
                            s_cat.fn += 1
                            result.errors.append(f"FN {path}:{a.line}: expected {t.pack}/{cat}")
                else:
                    bad = {f.category for f in on_line if t.matches(f)}
                    for cat in sorted(bad):
                        result.by_pack[t.pack].fp += 1
                        result.by_category[(t.pack, cat)].fp += 1
                        example = next(f for f in on_line if t.matches(f) and f.category == cat)
                        result.errors.append(f"FP {path}:{a.line}: {example.rule} on {example.match!r}")
                    # make sure the pack appears even with a perfect score
                    result.by_pack[t.pack]
    return result


def run_eval(paths: list[str], packs: list[str], config: Config, fmt: str = "text", show_errors: bool = False, min_f1: float | None = None) -> int:
    registry = load_registry(config.rule_paths)
    cache = LinterCache(registry, config)
    result = score(cache, paths, packs or None)
    if fmt == "json":
        click.echo(json.dumps(as_json(result), indent=2))
    else:
        click.echo(render_table(result, markdown=fmt == "markdown"))
        if show_errors:
            for line in result.errors:
                click.echo(line)
    if min_f1 is not None and any(s.f1 < min_f1 for s in result.by_pack.values()):
        return 1
    return 0


def as_json(result: EvalResult) -> dict:
    def row(s: Score) -> dict:
        return {"tp": s.tp, "fp": s.fp, "fn": s.fn, "precision": round(s.precision, 4), "recall": round(s.recall, 4), "f1": round(s.f1, 4)}

    return {
        "packs": {p: row(s) for p, s in sorted(result.by_pack.items())},
        "categories": {f"{p}/{c}": row(s) for (p, c), s in sorted(result.by_category.items())},
        "items": result.items,
    }


def render_table(result: EvalResult, markdown: bool = False) -> str:
    rows = [("pack", "category", "TP", "FP", "FN", "precision", "recall", "F1")]
    for pack, s in sorted(result.by_pack.items()):
        rows.append((pack, "(all)", str(s.tp), str(s.fp), str(s.fn), f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}"))
        for (p, cat), cs in sorted(result.by_category.items()):
            if p == pack:
                rows.append(("", cat, str(cs.tp), str(cs.fp), str(cs.fn), f"{cs.precision:.3f}", f"{cs.recall:.3f}", f"{cs.f1:.3f}"))
    if markdown:
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))) for r in rows)
