"""Finding and loading rule packs: bundled ones and a user's own.

A pack is a folder with ``pack.yaml`` (id, title, jurisdiction, version,
as_of, optional extends) and rule files (``*.yaml`` with a ``rules:`` list).
Bundled packs ship inside the wheel (``compliance_lint/rules``); in a source
checkout they are the top-level ``rules/`` folder. The current directory is
never searched, so a test run from the repository cannot hide a broken wheel.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compliance_lint.errors import RulePackError
from compliance_lint.models import PACK_JURISDICTION, SEVERITIES, Pack, Rule
from compliance_lint.schema import LANGUAGES, Checker, parse_rule
from compliance_lint.yamlpos import LocDict, load_yaml

PACK_KEYS = frozenset({"id", "title", "jurisdiction", "version", "as_of", "extends", "languages", "description", "disable", "severity"})
DEFAULT_EXCLUDED = ("wada",)


def bundled_rules_dir() -> Path:
    here = Path(__file__).resolve().parent
    inside = here / "rules"
    if (inside / "fda" / "pack.yaml").is_file():
        return inside
    checkout = here.parent / "rules"
    if (checkout / "fda" / "pack.yaml").is_file():
        return checkout
    raise RulePackError(str(inside), None, "rules", "bundled rule packs not found: the installation is broken (reinstall compliance-lint)")


def kb_dir() -> Path:
    return bundled_rules_dir() / "kb"


@dataclass
class PackRegistry:
    """All packs that can be selected, by id, after ``extends`` is resolved."""

    packs: dict[str, Pack] = field(default_factory=dict)
    raw: dict[str, LocDict] = field(default_factory=dict)

    def rules(self, ids: list[str]) -> list[Rule]:
        out: list[Rule] = []
        seen: set[str] = set()
        for pack_id in ids:
            for rule in self.packs[pack_id].rules:
                if rule.id not in seen:
                    seen.add(rule.id)
                    out.append(rule)
        return out

    def find_rule(self, rule_id: str) -> Rule | None:
        for pack in self.packs.values():
            for rule in pack.rules:
                if rule.id == rule_id or rule_id in rule.aliases:
                    return rule
        return None

    def all_rules(self) -> list[Rule]:
        return self.rules(sorted(self.packs))

    def digest(self, ids: list[str]) -> str:
        h = hashlib.sha256()
        for pack_id in sorted(ids):
            h.update(self.packs[pack_id].path.encode())
            for path in sorted(Path(self.packs[pack_id].path).glob("*.yaml")):
                h.update(path.read_bytes())
        return h.hexdigest()[:16]


def load_registry(extra_paths: list[str] | None = None) -> PackRegistry:
    """Every pack: bundled ones, then those under ``extra_paths`` (``rule_paths``).

    A successful load is kept in the user cache (``packs/``, pickle), keyed by
    the pack files' paths, sizes, mtimes and contents plus the tool's code and
    environment (``registry_key``): parsing and validating the YAML costs about
    0.1 s, more than the rest of a one-file run's set-up. Editing, adding or
    removing a pack file changes the key. Failures are never cached, so a broken
    pack reports its error (file:line: field) on every run.
    """
    from compliance_lint import cache

    folders = _pack_folders(extra_paths)
    return cache.pickled("packs", registry_key(folders), PackRegistry, lambda: _load_folders(folders))


def _pack_folders(extra_paths: list[str] | None) -> list[Path]:
    folders = [p for p in sorted(bundled_rules_dir().iterdir()) if (p / "pack.yaml").is_file()]
    for extra in extra_paths or []:
        path = Path(extra)
        if (path / "pack.yaml").is_file():
            folders.append(path)
        elif path.is_dir():
            folders.extend(p for p in sorted(path.iterdir()) if (p / "pack.yaml").is_file())
        else:
            raise RulePackError(str(path), None, "rule_paths", "not a pack folder (no pack.yaml) nor a folder of packs")
    return folders


def registry_key(folders: list[Path]) -> str | None:
    """Cache key of the registry loaded from ``folders``; None: do not cache.

    Covers what ``_load_folders`` reads (every ``*.yaml`` of each folder: path,
    size, mtime, SHA-256 of the contents) and the knowledge-base / lexicon files
    (sizes, mtimes), plus ``cache.environment_key()`` (tool version and source
    fingerprint, Python, spaCy): a change to any of them is a new key.
    """
    from compliance_lint import cache

    if not cache.rules_enabled():
        return None
    try:
        parts: list[Any] = [cache.environment_key(), "registry", 1]
        for folder in folders:
            parts.append((str(folder), str(folder.resolve())))  # as given: it is in Pack.path and in error messages
            for path in sorted(folder.glob("*.yaml")):
                st = path.stat()
                parts.append((path.name, st.st_size, st.st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest()))
        root = bundled_rules_dir()
        for sub in ("kb", "lexicon"):
            for path in sorted((root / sub).glob("*")):
                st = path.stat()
                parts.append((sub, path.name, st.st_size, st.st_mtime_ns))
        return cache.digest(*parts)[:40]
    except (OSError, RulePackError):
        return None  # unreadable: the plain load reports what is wrong


def _load_folders(folders: list[Path]) -> PackRegistry:
    registry = PackRegistry()
    pending: list[tuple[Pack, LocDict]] = []
    for folder in folders:
        pack, manifest = _load_pack(folder)
        if pack.id in registry.packs:
            raise RulePackError(str(folder / "pack.yaml"), manifest.line_of("id"), "id", f"pack id {pack.id!r} is already defined by {registry.packs[pack.id].path}")
        registry.packs[pack.id] = pack
        registry.raw[pack.id] = manifest
        pending.append((pack, manifest))
    for pack, manifest in pending:
        if pack.extends:
            _apply_extends(registry, pack, manifest, [])
    return registry


def _load_pack(folder: Path) -> tuple[Pack, LocDict]:
    manifest_path = str(folder / "pack.yaml")
    manifest = load_yaml(manifest_path)
    if not isinstance(manifest, LocDict):
        raise RulePackError(manifest_path, 1, "pack", "expected a mapping with id, title, jurisdiction, version, as_of")
    c = Checker(manifest_path, manifest)
    for key in manifest:
        if key not in PACK_KEYS:
            raise c.fail(key, f"unknown key (allowed: {', '.join(sorted(PACK_KEYS))})", key)
    pack_id = c.string("id")
    if not pack_id.replace("-", "").replace("_", "").isalnum() or not pack_id.islower():
        raise c.fail("id", f"{pack_id!r}: use lower-case letters, digits, - or _")
    languages = tuple(c.string_list("languages")) or ("en",)
    for lang in languages:
        if lang not in LANGUAGES:
            raise c.fail("languages", f"unknown language {lang!r}, expected: {', '.join(LANGUAGES)}")
    jurisdiction = manifest.get("jurisdiction", PACK_JURISDICTION.get(pack_id))
    pack = Pack(
        id=pack_id,
        title=c.string("title"),
        jurisdiction=str(jurisdiction) if jurisdiction else None,
        version=c.string("version"),
        as_of=c.string("as_of"),
        path=str(folder),
        extends=c.string("extends", required=False) or None,
        languages=languages,
    )
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "pack.yaml":
            continue
        data = load_yaml(str(path))
        if data is None:
            continue
        if not isinstance(data, LocDict) or not isinstance(data.get("rules"), list):
            raise RulePackError(str(path), getattr(data, "line", 1), "rules", "expected a mapping with a 'rules:' list")
        for key in data:
            if key != "rules":
                raise RulePackError(str(path), data.line_of(key), key, "unknown top-level key (expected only 'rules')")
        for i, item in enumerate(data["rules"]):
            if not isinstance(item, LocDict):
                raise RulePackError(str(path), data["rules"].line_of(i), f"rules[{i}]", "expected a mapping with id, kind, category, ...")
            rule = parse_rule(str(path), item, pack_id, languages, i)
            if any(r.id == rule.id for r in pack.rules):
                raise RulePackError(str(path), rule.source_line, "id", f"duplicate rule id {rule.id!r}")
            pack.rules.append(rule)
    return pack, manifest


def _apply_extends(registry: PackRegistry, pack: Pack, manifest: LocDict, chain: list[str]) -> None:
    path = str(Path(pack.path) / "pack.yaml")
    base_id = pack.extends
    if base_id in chain or base_id == pack.id:
        raise RulePackError(path, manifest.line_of("extends"), "extends", f"cycle: {' -> '.join([*chain, pack.id, base_id or ''])}")
    base = registry.packs.get(base_id or "")
    if base is None:
        raise RulePackError(path, manifest.line_of("extends"), "extends", f"unknown pack {base_id!r} (known: {', '.join(sorted(registry.packs))})")
    if base.extends and not getattr(base, "_extended", False):
        _apply_extends(registry, base, registry.raw[base.id], [*chain, pack.id])
    own_ids = {r.id for r in pack.rules}
    inherited = [_copy_rule(r) for r in base.rules if r.id not in own_ids]
    disabled = _id_list(manifest, "disable", path)
    relevel = manifest.get("severity") or {}
    if not isinstance(relevel, dict):
        raise RulePackError(path, manifest.line_of("severity"), "severity", "expected a mapping rule-id -> error|warning|info")
    known = {r.id for r in inherited} | own_ids
    for rule_id in disabled:
        if rule_id not in known:
            raise RulePackError(path, manifest.line_of("disable"), "disable", f"unknown rule {rule_id!r} in {base_id!r}")
    for rule_id, level in relevel.items():
        if rule_id not in known:
            raise RulePackError(path, relevel.line_of(rule_id), f"severity.{rule_id}", "unknown rule")
        if level not in SEVERITIES:
            raise RulePackError(path, relevel.line_of(rule_id), f"severity.{rule_id}", f"got {level!r}, expected error, warning or info")
    rules = [r for r in inherited if r.id not in disabled] + [r for r in pack.rules if r.id not in disabled]
    for rule in rules:
        if rule.id in relevel:
            rule.severity = relevel[rule.id]
    pack.rules = rules
    if not pack.jurisdiction:
        pack.jurisdiction = base.jurisdiction
    pack._extended = True  # type: ignore[attr-defined]


def _copy_rule(rule: Rule) -> Rule:
    from dataclasses import replace

    return replace(rule)


def _id_list(manifest: LocDict, key: str, path: str) -> list[str]:
    value = manifest.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RulePackError(path, manifest.line_of(key), key, "expected a list of rule ids")
    return list(value)


def default_pack_ids(registry: PackRegistry) -> list[str]:
    """With no configuration: every bundled pack but wada (sport-only)."""
    bundled = bundled_rules_dir()
    return sorted(
        pid for pid, p in registry.packs.items()
        if pid not in DEFAULT_EXCLUDED and Path(p.path).parent == bundled
    )


def pack_of(rule_id: str) -> str:
    return rule_id.split(".", 1)[0]


def describe(pack: Pack) -> dict[str, Any]:
    return {"id": pack.id, "title": pack.title, "jurisdiction": pack.jurisdiction, "version": pack.version, "as_of": pack.as_of}
