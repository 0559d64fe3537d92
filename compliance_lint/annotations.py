"""Annotated fixtures: ``<!-- expect: ... -->`` / ``<!-- ok: ... -->`` comments.

The format (docs/annotations.md) is shared by ``compliance-lint test`` and
``compliance-lint eval``: an annotation applies to the next non-blank line that
is not itself an annotation; targets are rule ids, ``pack/category`` or packs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from compliance_lint.models import CATEGORIES, SEVERITY_RANK, Finding

_ANNOT = re.compile(r"<!--\s*(todo-)?(expect|ok)\s*:\s*(.*?)\s*-->", re.IGNORECASE)
ANNOTATED_EXTENSIONS = (".md", ".markdown", ".mdx", ".html", ".htm")


@dataclass(frozen=True)
class Target:
    pack: str
    category: str | None = None
    rule: str | None = None

    @classmethod
    def parse(cls, text: str) -> Target:
        text = text.strip()
        if "/" in text:
            pack, _, category = text.partition("/")
            return cls(pack, category)
        if "." in text:
            return cls(text.split(".", 1)[0], None, text)
        return cls(text)

    def matches(self, f: Finding) -> bool:
        if f.pack != self.pack:
            return False
        if self.rule:
            return f.rule == self.rule
        if self.category:
            return f.category == self.category
        return True

    def label(self) -> str:
        return self.rule or (f"{self.pack}/{self.category}" if self.category else self.pack)


@dataclass
class Annotation:
    kind: str  # expect | ok
    todo: bool
    targets: tuple[Target, ...]
    line: int  # the annotated line (1-based)
    comment_line: int


def parse_annotations(text: str) -> list[Annotation]:
    lines = text.splitlines()
    out: list[Annotation] = []
    pending: list[tuple[str, bool, tuple[Target, ...], int]] = []
    for i, line in enumerate(lines, start=1):
        found = list(_ANNOT.finditer(line))
        if found and not _ANNOT.sub("", line).strip():
            for m in found:
                targets = tuple(Target.parse(t) for t in re.split(r"[,;]\s*", m.group(3)) if t.strip())
                pending.append((m.group(2).lower(), bool(m.group(1)), targets, i))
            continue
        if not line.strip():
            continue
        for kind, todo, targets, cline in pending:
            out.append(Annotation(kind, todo, targets, i, cline))
        pending = []
    return out


def validate_targets(annotations: list[Annotation], known_rules: set[str], known_packs: set[str], path: str) -> list[str]:
    problems = []
    for a in annotations:
        for t in a.targets:
            if t.pack not in known_packs:
                problems.append(f"{path}:{a.comment_line}: unknown pack {t.pack!r} in annotation")
            elif t.rule and t.rule not in known_rules:
                problems.append(f"{path}:{a.comment_line}: unknown rule {t.rule!r} in annotation")
            elif t.category and t.category not in CATEGORIES:
                problems.append(f"{path}:{a.comment_line}: unknown category {t.category!r} in annotation")
    return problems


def counted(f: Finding) -> bool:
    """Findings that count for expectations: error/warning, not suppressed."""
    return not f.suppressed and SEVERITY_RANK[f.severity] >= SEVERITY_RANK["warning"]


def annotated_files(paths: list[str], skip_dirs: tuple[str, ...] = ()) -> list[str]:
    out: list[str] = []
    for p in paths:
        if os.path.isfile(p):
            out.append(p)
            continue
        for dirpath, dirnames, filenames in os.walk(p):
            dirnames[:] = sorted(d for d in dirnames if d not in skip_dirs and not d.startswith("."))
            for name in sorted(filenames):
                if Path(name).suffix.lower() in ANNOTATED_EXTENSIONS:
                    out.append(os.path.join(dirpath, name))
    return out
