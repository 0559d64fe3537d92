"""The knowledge base: substances, products, classes, conditions, approvals.

Loaded from ``rules/kb/*.yaml`` (data that changes when regulators act; the
files carry as-of dates and sources) and ``rules/lexicon/lexicon.yaml`` (claim
verbs and context cues). Queries answer the questions the semantic kinds ask:
is this condition an approved indication of this substance or product in this
jurisdiction; does this substance have any approval there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from compliance_lint.errors import RulePackError


@dataclass
class Indication:
    condition: str
    product: str | None = None
    population: str = ""


@dataclass
class Approval:
    status: str
    indications: list[Indication] = field(default_factory=list)
    # Scheduling under the jurisdiction's poisons / prescription rules, where the
    # knowledge base records it (Australia: Poisons Standard "S3", "S4", "S8").
    schedule: str = ""


@dataclass
class Substance:
    id: str
    name: str
    classes: list[str]
    rx_only: bool
    en: list[str]
    zh: list[str]
    products: dict[str, list[str]]  # product name -> Chinese names
    approvals: dict[str, Approval]
    wada: dict[str, Any]


@dataclass
class Condition:
    id: str
    kind: str
    disease: bool
    serious: bool
    tga_prohibited: bool
    implies: list[str]
    en: list[str]
    zh: list[str]


@dataclass
class DrugClass:
    id: str
    name: str
    en: list[str]
    zh: list[str]
    includes: list[str]


@dataclass
class KnowledgeBase:
    substances: dict[str, Substance]
    conditions: dict[str, Condition]
    classes: dict[str, DrugClass]
    descriptors: list[dict[str, Any]]
    lexicon: dict[str, Any]
    as_of: str = ""

    def members(self, class_id: str) -> list[str]:
        """Substances of a class, including its sub-classes."""
        ids = {class_id}
        frontier = [class_id]
        while frontier:
            c = self.classes.get(frontier.pop())
            for sub in c.includes if c else []:
                if sub not in ids:
                    ids.add(sub)
                    frontier.append(sub)
        return [s.id for s in self.substances.values() if ids & set(s.classes)]

    def condition_ids(self, condition: str) -> set[str]:
        """A condition and what it implies ("diabetes" counts as type 2 diabetes)."""
        out = {condition}
        c = self.conditions.get(condition)
        if c:
            out.update(c.implies)
        return out

    def approved_for(self, substance: str, jurisdiction: str, condition: str, product: str | None = None) -> bool:
        s = self.substances.get(substance)
        if s is None:
            return False
        approval = s.approvals.get(jurisdiction)
        if approval is None or approval.status != "approved":
            return False
        wanted = self.condition_ids(condition)
        for ind in approval.indications:
            if ind.condition not in wanted:
                continue
            if product is None or ind.product is None or ind.product == product:
                return True
        return False

    def class_approved_for(self, class_id: str, jurisdiction: str, condition: str) -> bool:
        return any(self.approved_for(s, jurisdiction, condition) for s in self.members(class_id))

    def is_approved(self, substance: str, jurisdiction: str) -> bool:
        s = self.substances.get(substance)
        if s is None:
            return False
        a = s.approvals.get(jurisdiction)
        return bool(a and a.status == "approved")

    def schedule(self, substance: str, jurisdiction: str) -> str:
        """The substance's schedule there ("S4"), or "" when none is recorded."""
        s = self.substances.get(substance)
        a = s.approvals.get(jurisdiction) if s else None
        return a.schedule if a else ""

    def is_rx(self, substance: str) -> bool:
        s = self.substances.get(substance)
        return bool(s and s.rx_only)

    def approved_conditions(self, substance: str, jurisdiction: str, product: str | None = None) -> list[str]:
        s = self.substances.get(substance)
        if not s or jurisdiction not in s.approvals:
            return []
        return sorted({i.condition for i in s.approvals[jurisdiction].indications if product is None or i.product in (None, product)})


def _load(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError) as exc:
        raise RulePackError(str(path), None, "kb", f"cannot load knowledge base: {exc}") from None


def _strs(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value if v is not None and not isinstance(v, bool)]


KB_FILES = (("kb", "substances.yaml"), ("kb", "conditions.yaml"), ("lexicon", "lexicon.yaml"))


@lru_cache(maxsize=4)
def load_kb(root: str | None = None) -> KnowledgeBase:
    """The knowledge base under ``root`` (default: the bundled rules folder).

    Kept in the user cache (``packs/``, pickle) keyed by the three files' paths,
    sizes, mtimes and contents and the tool's code (``kb_key``): parsing the
    YAML is most of a one-file run's knowledge-base cost. Errors are not cached.
    """
    from compliance_lint import cache
    from compliance_lint.packs import bundled_rules_dir

    base = Path(root) if root else bundled_rules_dir()
    return cache.pickled("packs", kb_key(base), KnowledgeBase, lambda: _build(base))


def kb_key(base: Path) -> str | None:
    """Cache key of the knowledge base read from ``base``; None: do not cache."""
    import hashlib

    from compliance_lint import cache

    if not cache.rules_enabled():
        return None
    try:
        parts: list[Any] = [cache.environment_key(), "kb", 1, str(base), str(base.resolve())]
        for sub, name in KB_FILES:
            path = base / sub / name
            st = path.stat()
            parts.append((sub, name, st.st_size, st.st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest()))
        return cache.digest(*parts)[:40]
    except OSError:
        return None  # unreadable: _build reports it


def _build(base: Path) -> KnowledgeBase:
    subs_doc = _load(base / "kb" / "substances.yaml") or {}
    cond_doc = _load(base / "kb" / "conditions.yaml") or {}
    lexicon = _load(base / "lexicon" / "lexicon.yaml") or {}
    conditions: dict[str, Condition] = {}
    for c in cond_doc.get("conditions") or []:
        conditions[c["id"]] = Condition(
            id=c["id"], kind=c.get("kind", "marketing_claim"), disease=bool(c.get("disease", False)),
            serious=bool(c.get("serious", False)), tga_prohibited=bool(c.get("tga_prohibited", False)),
            implies=_strs(c.get("implies")), en=_strs(c.get("en")), zh=_strs(c.get("zh")),
        )
    classes: dict[str, DrugClass] = {}
    for c in subs_doc.get("classes") or []:
        classes[c["id"]] = DrugClass(c["id"], c.get("name", c["id"]), _strs(c.get("en")), _strs(c.get("zh")), _strs(c.get("includes")))
    substances: dict[str, Substance] = {}
    for s in subs_doc.get("substances") or []:
        approvals: dict[str, Approval] = {}
        for jur, a in (s.get("approvals") or {}).items():
            a = a or {}
            inds = [
                Indication(i.get("condition") or i.get("id"), i.get("product"), str(i.get("population") or i.get("note") or ""))
                for i in (a.get("indications") or [])
            ]
            approvals[jur] = Approval(str(a.get("status", "not_approved")), inds, str(a.get("schedule") or ""))
        products = {}
        for p in s.get("products") or []:
            products[str(p["name"])] = _strs(p.get("zh"))
        substances[s["id"]] = Substance(
            id=s["id"], name=s.get("name", s["id"]), classes=_strs(s.get("classes") or s.get("class")),
            rx_only=bool(s.get("rx_only", True)), en=_strs(s.get("en") or s.get("aliases_en")),
            zh=_strs(s.get("zh") or s.get("aliases_zh")), products=products, approvals=approvals,
            wada=dict(s.get("wada") or {}),
        )
    meta = subs_doc.get("meta") or {}
    return KnowledgeBase(substances, conditions, classes, list(subs_doc.get("descriptors") or []), lexicon, str(meta.get("as_of", "")))
