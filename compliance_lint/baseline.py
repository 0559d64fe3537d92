"""``--baseline FILE`` / ``--write-baseline FILE``: adopt the tool on old content.

A baseline records today's findings so a run reports only new ones. Each
entry is (rule, path, fingerprint); the fingerprint hashes the rule, the
repository-relative path and the normalised sentence (lower case, runs of
white space folded) plus the occurrence number of that sentence for that rule
in the file. Line numbers play no part, so moving text around, or adding
paragraphs above it, does not resurrect old findings; editing the sentence
does (it is new text and gets reviewed). Paths are stored relative to the git
root (else the cwd) with forward slashes, so ``check docs/`` and
``check ./docs/a.md`` and pre-commit's ``docs/a.md`` all agree.

Suppressed findings are not recorded (the inline comment already signs them off).
The file is JSON with a ``version`` field, sorted, and written atomically.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from typing import Any

from compliance_lint.errors import ConfigError
from compliance_lint.models import Finding
from compliance_lint.reporters.paths import repo_relative

VERSION = 1


def _norm_sentence(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


def baseline_path(path: str) -> str:
    rel, _ = repo_relative(path)
    return rel


def fingerprints(findings: list[Finding]) -> list[tuple[str, str, str]]:
    """(rule, path, fingerprint) for each finding, in order."""
    seen: Counter[tuple[str, str, str]] = Counter()
    out = []
    for f in findings:
        path = baseline_path(f.path)
        basis = (f.rule, path, _norm_sentence(f.sentence or f.match))
        seen[basis] += 1
        digest = hashlib.sha256("\x00".join([*basis, str(seen[basis])]).encode("utf-8")).hexdigest()[:20]
        out.append((f.rule, path, digest))
    return out


class Baseline:
    def __init__(self, entries: list[dict[str, Any]], source: str = "") -> None:
        self.source = source
        self.entries = entries
        self.keys: Counter[tuple[str, str, str]] = Counter((e["rule"], e["path"], e["fingerprint"]) for e in entries)
        self.matched: Counter[tuple[str, str, str]] = Counter()

    @classmethod
    def load(cls, path: str) -> Baseline:
        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
        except FileNotFoundError:
            raise ConfigError(f"--baseline {path}: no such file (create it with --write-baseline)") from None
        except OSError as exc:
            raise ConfigError(f"--baseline {path}: cannot read ({exc.strerror})") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"--baseline {path}: not valid JSON ({exc})") from None
        if not isinstance(data, dict) or data.get("version") != VERSION:
            raise ConfigError(f"--baseline {path}: expected a compliance-lint baseline with \"version\": {VERSION}")
        entries = data.get("findings")
        if not isinstance(entries, list):
            raise ConfigError(f"--baseline {path}: \"findings\" must be a list")
        for i, e in enumerate(entries):
            if not isinstance(e, dict) or not all(isinstance(e.get(k), str) for k in ("rule", "path", "fingerprint")):
                raise ConfigError(f"--baseline {path}: findings[{i}] needs string fields rule, path and fingerprint")
        return cls(entries, path)

    @classmethod
    def from_findings(cls, findings: list[Finding]) -> Baseline:
        live = [f for f in findings if not f.suppressed]
        entries = [
            {"rule": rule, "path": path, "fingerprint": fp, "match": f.match}
            for f, (rule, path, fp) in zip(live, fingerprints(live), strict=True)
        ]
        entries.sort(key=lambda e: (e["path"], e["rule"], e["fingerprint"]))
        return cls(entries)

    def write(self, path: str, tool_version: str) -> None:
        from compliance_lint.safewrite import atomic_write_text

        data = {
            "version": VERSION,
            "tool": {"name": "compliance-lint", "version": tool_version},
            "findings": self.entries,
        }
        atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")

    def filter(self, findings: list[Finding]) -> tuple[list[Finding], int]:
        """Findings not in the baseline, and how many were left out."""
        live = [f for f in findings if not f.suppressed]
        known = set()
        for f, key in zip(live, fingerprints(live), strict=True):
            if self.matched[key] < self.keys[key]:
                self.matched[key] += 1
                known.add(id(f))
        kept = [f for f in findings if id(f) not in known]
        return kept, len(known)

    def stale(self) -> int:
        """Baseline entries that matched nothing in this run (fixed or edited text)."""
        return sum((self.keys - self.matched).values())


def apply(results: list[Any], baseline: str | None, write_to: str | None, tool_version: str) -> tuple[Baseline | None, list[str]]:
    """Filter ``results`` (``runner.FileResult``) in place; returns the baseline and notices."""
    notices: list[str] = []
    if write_to:
        all_findings = [f for r in results for f in r.findings]
        base = Baseline.from_findings(all_findings)
        base.write(write_to, tool_version)
        notices.append(f"wrote {len(base.entries)} finding{'s' if len(base.entries) != 1 else ''} to baseline {write_to}")
    elif baseline:
        base = Baseline.load(baseline)
    else:
        return None, notices
    linted_paths = {baseline_path(r.path) for r in results if r.document is not None}
    hidden = 0
    for r in results:
        r.findings, n = base.filter(r.findings)
        hidden += n
    if hidden and not write_to:
        notices.append(f"{hidden} finding{'s' if hidden != 1 else ''} in the baseline not reported")
    stale_by_path: dict[str, int] = defaultdict(int)
    for (_rule, path, _fp), n in (base.keys - base.matched).items():
        if path in linted_paths:
            stale_by_path[path] += n
    stale = sum(stale_by_path.values())
    if stale:
        notices.append(
            f"{stale} baseline entr{'ies' if stale != 1 else 'y'} no longer match (fixed or edited); "
            "refresh with --write-baseline"
        )
    return base, notices


def refilter(base: Baseline | None, results: list[Any], paths: set[str]) -> None:
    """Apply ``base`` again to re-linted files (after --fix)."""
    if base is None:
        return
    rel = {baseline_path(p) for p in paths}
    for key in list(base.matched):
        if key[1] in rel:
            del base.matched[key]
    for r in results:
        if r.path in paths:
            r.findings, _ = base.filter(r.findings)
