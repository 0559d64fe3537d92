"""Plain data passed between the stages: rules, packs, context, findings.

Dataclasses only; behaviour lives in the modules named for what they do.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any

CATEGORIES: tuple[str, ...] = (
    "disease_claim",
    "cure_claim",
    "off_label",
    "unapproved_drug",
    "efficacy_guarantee",
    "safety_claim",
    "absolute_term",
    "comparative_claim",
    "testimonial",
    "weight_loss_claim",
    "fda_approval_misrepresentation",
    "research_use_only_evasion",
    "missing_disclaimer",
    "prescription_drug_promotion",
    "other",
)

SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}
EFFECTS: tuple[str, ...] = ("clears", "lowers", "none")
PACK_JURISDICTION = {
    "nmpa": "CN",
    "fda": "US",
    "ftc": "US",
    "eu": "EU",
    "uk": "UK",
    "tga": "AU",
    "wada": None,
}


@dataclass(frozen=True)
class Citation:
    """Where the rule comes from: instrument + article, and an official URL."""

    text: str
    url: str = ""


@dataclass
class Rule:
    """One rule as written in a pack, with its kind-specific spec kept raw.

    The kind module compiles ``spec``; everything a reviewer reads (message,
    citation, rationale, suggestion, examples) is common to every kind.
    """

    id: str
    pack: str
    kind: str
    category: str
    severity: str
    languages: tuple[str, ...]
    message: dict[str, str]
    citation: Citation
    rationale: str
    suggestion: str
    negation: str = "clears"
    hedging: str = "none"
    attribution: str = "lowers"
    fix: dict[str, Any] | None = None
    when: dict[str, Any] = field(default_factory=dict)
    examples_bad: list[str] = field(default_factory=list)
    examples_good: list[str] = field(default_factory=list)
    aliases: tuple[str, ...] = ()
    spec: dict[str, Any] = field(default_factory=dict)
    source_path: str = ""
    source_line: int = 0
    enabled: bool = True

    def message_for(self, lang: str) -> str:
        return self.message.get(lang) or self.message.get("en") or next(iter(self.message.values()))


@dataclass
class Pack:
    """A folder of rules with a manifest (``pack.yaml``)."""

    id: str
    title: str
    jurisdiction: str | None
    version: str
    as_of: str
    path: str
    extends: str | None = None
    languages: tuple[str, ...] = ("en",)
    rules: list[Rule] = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    """What kind of document this is; rules may condition on it (DESIGN: Context)."""

    audience: str = "public"
    content: str = "advertising"
    product: str | None = None
    sport: bool = False
    markets: tuple[str, ...] | None = None

    def merged(self, overrides: dict[str, Any]) -> Context:
        values = {
            "audience": self.audience,
            "content": self.content,
            "product": self.product,
            "sport": self.sport,
            "markets": self.markets,
        }
        for key, value in overrides.items():
            if key == "markets" and value is not None:
                value = tuple(value)
            values[key] = value
        return Context(**values)


@dataclass
class Finding:
    """One reported problem, positioned in the original file (1-based, code points)."""

    rule: str
    pack: str
    category: str
    severity: str
    message: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    match: str
    citation: str
    citation_url: str
    suggestion: str
    suppressed: bool = False
    suppression_reason: str | None = None
    sentence: str = ""
    start: int = 0
    end: int = 0
    substance: str | None = None
    condition: str | None = None
    notes: list[str] = field(default_factory=list)
    fingerprint: str = ""
    fix: dict[str, Any] | None = None

    # Findings sort by path, line, column, rule (``findings.sort(key=Finding.sort_key)``);
    # a C-level getter: a big tree sorts 60,000 of them.
    sort_key = staticmethod(attrgetter("path", "line", "column", "rule"))

    def __reduce__(self) -> tuple[type[Finding], tuple[Any, ...]]:
        """Pickle as the field values, rebuilt by ``__init__``.

        Pool workers send every finding to the parent: the default pickle of a
        dataclass (a state dict per object) made a 2,000-file run's 63,695
        findings 46 MB and cost the parent 0.5 s of CPU to load, taken from the
        workers on a two-core machine; positional values are a third of the
        bytes and load twice as fast.
        """
        return (Finding, _finding_values(self))

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule": self.rule,
            "pack": self.pack,
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "match": self.match,
            "citation": self.citation,
            "citation_url": self.citation_url,
            "suggestion": self.suggestion,
            "suppressed": self.suppressed,
            "sentence": self.sentence,
            "fingerprint": self.fingerprint,
        }
        if self.suppression_reason:
            data["suppression_reason"] = self.suppression_reason
        if self.substance:
            data["substance"] = self.substance
        if self.condition:
            data["condition"] = self.condition
        if self.notes:
            data["notes"] = list(self.notes)
        if self.fix:
            data["fix"] = dict(self.fix)
        return data


# The keys of a Finding as cache.finding_to_json writes them (asdict).
FINDING_FIELDS = frozenset(f.name for f in fields(Finding))
_finding_values = attrgetter(*(f.name for f in fields(Finding)))  # in field order, for Finding.__reduce__


@dataclass
class InputError:
    """A named input that could not be read; reported, and the run exits 2."""

    path: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}
