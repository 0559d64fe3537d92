"""``.compliance-lint.yaml``: found upward from the working directory.

Keys: packs, rules (id -> off | error | warning | info), exclude (globs, also
applied to files passed explicitly, as pre-commit passes them), per_path
(glob -> rules changes), rule_paths (user packs), context, fail_on, lang.
Relative paths resolve against the config file's folder. Unknown keys are an
error: a typo must not silently switch a check off.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from compliance_lint.errors import ConfigError, RulePackError
from compliance_lint.models import Context
from compliance_lint.schema import CONTEXT_VALUES
from compliance_lint.yamlpos import LocDict, load_yaml

CONFIG_NAME = ".compliance-lint.yaml"
KEYS = ("packs", "rules", "exclude", "per_path", "rule_paths", "context", "fail_on", "lang", "extensions")
LEVELS = ("off", "error", "warning", "info")
FAIL_ON = ("error", "warning", "info", "never")


@dataclass
class Config:
    path: str | None = None
    base: Path = field(default_factory=Path.cwd)
    packs: list[str] | None = None
    rules: dict[str, str] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    per_path: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    rule_paths: list[str] = field(default_factory=list)
    context: Context = field(default_factory=Context)
    # context keys the user set (config or --context): never overridden by
    # inference from the document's text (doctype.py)
    context_set: frozenset[str] = frozenset()
    fail_on: str | None = None
    lang: str | None = None
    extensions: list[str] | None = None
    # (rule id / pack / pack/category, line, field) of every rule reference, checked against the packs
    rule_refs: list[tuple[str, int, str]] = field(default_factory=list)

    def relpath(self, path: str) -> str:
        """``path`` relative to the config folder, with forward slashes (for globs)."""
        try:
            rel = os.path.relpath(os.path.abspath(path), self.base)
        except ValueError:
            rel = path
        return PurePosixPath(Path(rel)).as_posix()

    def excluded(self, path: str) -> bool:
        return any(glob_match(self.relpath(path), pattern) for pattern in self.exclude)

    def rule_changes_for(self, path: str) -> dict[str, str]:
        out: dict[str, str] = {}
        rel = self.relpath(path)
        for pattern, changes in self.per_path:
            if glob_match(rel, pattern):
                out.update(changes)
        return out


def glob_match(rel: str, pattern: str) -> bool:
    """gitignore-like: a pattern without a slash matches any path component."""
    pattern = pattern.strip()
    if pattern.endswith("/"):
        pattern += "**"
    if "/" not in pattern.rstrip("*"):
        parts = rel.split("/")
        return any(fnmatch.fnmatchcase(p, pattern) for p in parts) or fnmatch.fnmatchcase(rel, pattern)
    pattern = pattern.lstrip("/")
    if fnmatch.fnmatchcase(rel, pattern):
        return True
    if pattern.endswith("/**"):
        return rel.startswith(pattern[:-3] + "/") or rel == pattern[:-3]
    return fnmatch.fnmatchcase(rel, pattern.replace("**/", "*/")) or fnmatch.fnmatchcase(rel, pattern.replace("**/", ""))


def find_config(start: Path | None = None) -> Path | None:
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load_config(path: str | None = None, discover: bool = True) -> Config:
    if path is None:
        found = find_config() if discover else None
        if found is None:
            return Config()
        path = str(found)
    if not Path(path).is_file():
        raise ConfigError(f"{path}: config file not found")
    try:
        data = load_yaml(path)
    except RulePackError as exc:
        raise ConfigError(str(exc)) from None
    if data is None:
        data = LocDict()
        data.line = 1
        data.key_lines = {}
    if not isinstance(data, LocDict):
        raise ConfigError(f"{path}:1: expected a mapping of settings")
    base = Path(path).resolve().parent

    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(f"{path}:{data.line_of(key)}: {key}: {problem}")

    for key in data:
        if key not in KEYS:
            raise fail(key, f"unknown key (allowed: {', '.join(KEYS)})")
    cfg = Config(path=path, base=base)
    if "packs" in data:
        packs = data["packs"]
        if not isinstance(packs, list) or not all(isinstance(p, str) for p in packs):
            raise fail("packs", "expected a list of pack ids")
        cfg.packs = list(packs)
    cfg.rules = _rule_levels(data.get("rules"), lambda p: fail("rules", p))
    cfg.rule_refs = _refs(data.get("rules"), "rules")
    exclude = data.get("exclude") or []
    if not isinstance(exclude, list) or not all(isinstance(p, str) for p in exclude):
        raise fail("exclude", "expected a list of glob patterns")
    cfg.exclude = list(exclude)
    per_path = data.get("per_path") or {}
    if not isinstance(per_path, dict):
        raise fail("per_path", "expected a mapping glob -> {rule-id: off|error|warning|info}")
    for pattern, changes in per_path.items():
        cfg.per_path.append((pattern, _rule_levels(changes, lambda p, g=pattern: fail("per_path", f"{g}: {p}"))))
        cfg.rule_refs += _refs(changes, f"per_path: {pattern}")
    rule_paths = data.get("rule_paths") or []
    if not isinstance(rule_paths, list) or not all(isinstance(p, str) for p in rule_paths):
        raise fail("rule_paths", "expected a list of folders")
    cfg.rule_paths = [str((base / p).resolve()) for p in rule_paths]
    context = data.get("context") or {}
    if not isinstance(context, dict):
        raise fail("context", "expected a mapping (audience, content, product, sport, markets)")
    cfg.context = parse_context(context, lambda p: fail("context", p))
    cfg.context_set = frozenset(context)
    if "fail_on" in data:
        if isinstance(data["fail_on"], bool):
            raise fail("fail_on", f"got a boolean (YAML reads yes/no/on/off as booleans: quote it), expected one of: {', '.join(FAIL_ON)}")
        if data["fail_on"] not in FAIL_ON:
            raise fail("fail_on", f"got {data['fail_on']!r}, expected one of: {', '.join(FAIL_ON)}")
        cfg.fail_on = data["fail_on"]
    if "lang" in data:
        if data["lang"] not in ("auto", "en", "zh"):
            raise fail("lang", "expected auto, en or zh")
        cfg.lang = data["lang"]
    if "extensions" in data:
        exts = data["extensions"]
        if not isinstance(exts, list) or not all(isinstance(e, str) and e.startswith(".") for e in exts):
            raise fail("extensions", "expected a list like ['.md', '.html']")
        cfg.extensions = [e.lower() for e in exts]
    return cfg


def _refs(raw: Any, field_name: str) -> list[tuple[str, int, str]]:
    if not isinstance(raw, LocDict):
        return []
    return [(str(key), raw.line_of(key), field_name) for key in raw]


def _rule_levels(raw: Any, fail: Any) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise fail("expected a mapping rule-id -> off|error|warning|info")
    out: dict[str, str] = {}
    for key, value in raw.items():
        if value is False:
            value = "off"
        if value not in LEVELS:
            raise fail(f"{key}: got {value!r}, expected one of: {', '.join(LEVELS)}")
        out[str(key)] = value
    return out


def parse_context(raw: dict[str, Any], fail: Any) -> Context:
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "markets":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise fail("markets: expected a list of pack ids")
            values["markets"] = tuple(value)
            continue
        if key not in CONTEXT_VALUES:
            raise fail(f"unknown context key {key!r} (expected: {', '.join([*CONTEXT_VALUES, 'markets'])})")
        if value not in CONTEXT_VALUES[key]:
            raise fail(f"{key}: got {value!r}, expected one of: {', '.join(map(str, CONTEXT_VALUES[key]))}")
        values[key] = value
    return Context().merged(values)
