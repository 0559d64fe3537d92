"""Validation of the fields every rule has, whatever its kind.

Errors name the file, the line, the field and what was expected. Kind-specific
keys are validated by the kind module (``kinds/<kind>.py``).
"""

from __future__ import annotations

from typing import Any

from compliance_lint.errors import RulePackError
from compliance_lint.models import CATEGORIES, EFFECTS, SEVERITIES, Citation, Rule
from compliance_lint.yamlpos import LocDict, line_of

COMMON_KEYS = frozenset(
    {
        "id", "kind", "category", "severity", "languages", "message", "citation",
        "rationale", "suggestion", "negation", "hedging", "attribution", "fix",
        "when", "examples", "aliases", "description", "unverified",
    }
)
LANGUAGES = ("en", "zh")
CONTEXT_VALUES = {
    "audience": ("public", "hcp"),
    "content": ("advertising", "education", "label"),
    "product": ("drug", "compounded", "supplement", "health_food", "device", "food", "cosmetic", "service"),
    "sport": (True, False),
}


def kind_of(value: Any) -> str:
    """A YAML reader's name for a value's type (never a Python class name)."""
    if isinstance(value, bool):
        return "a boolean (YAML reads yes/no/on/off as booleans: quote it)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, (int, float)):
        return f"a number ({value!r})"
    return f"{value!r}"


class Checker:
    """Small helpers that raise positioned ``RulePackError``s."""

    def __init__(self, path: str, data: Any) -> None:
        self.path = path
        self.data = data

    def fail(self, field: str, problem: str, key: Any = None, obj: Any = None) -> RulePackError:
        target = self.data if obj is None else obj
        return RulePackError(self.path, line_of(target, key if key is not None else field), field, problem)

    def string(self, key: str, required: bool = True, obj: Any = None, field: str | None = None) -> str:
        data = self.data if obj is None else obj
        name = field or key
        if key not in data or data[key] is None:
            if required:
                raise RulePackError(self.path, line_of(data), name, "missing (expected a string)")
            return ""
        value = data[key]
        if isinstance(value, bool):
            raise self.fail(name, "expected a string, got a boolean (YAML reads yes/no/on/off as booleans: quote it)", key, data)
        if not isinstance(value, (str, int, float)):
            raise self.fail(name, f"expected a string, got {kind_of(value)}", key, data)
        text = str(value).strip()
        if required and not text:
            raise self.fail(name, "must not be empty", key, data)
        return text

    def choice(self, key: str, options: tuple[Any, ...], default: Any = None, obj: Any = None, field: str | None = None) -> Any:
        data = self.data if obj is None else obj
        name = field or key
        if key not in data:
            if default is None:
                raise RulePackError(self.path, line_of(data), name, f"missing (expected one of: {', '.join(map(str, options))})")
            return default
        value = data[key]
        if value is False and "none" in options:
            value = "none"
        if isinstance(value, bool) and not any(isinstance(o, bool) for o in options):
            raise self.fail(name, f"got {kind_of(value)}, expected one of: {', '.join(map(str, options))}", key, data)
        if value not in options:
            raise self.fail(name, f"got {value!r}, expected one of: {', '.join(map(str, options))}", key, data)
        return value

    def string_list(self, key: str, required: bool = False, obj: Any = None, field: str | None = None) -> list[str]:
        data = self.data if obj is None else obj
        name = field or key
        if key not in data or data[key] is None:
            if required:
                raise RulePackError(self.path, line_of(data), name, "missing (expected a list of strings)")
            return []
        value = data[key]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise self.fail(name, f"expected a list of strings, got {kind_of(value)}", key, data)
        out: list[str] = []
        for i, item in enumerate(value):
            if isinstance(item, bool):
                raise RulePackError(self.path, line_of(value, i), f"{name}[{i}]", "expected a string, got a boolean (quote yes/no/on/off)")
            if not isinstance(item, (str, int, float)) or not str(item).strip():
                raise RulePackError(self.path, line_of(value, i), f"{name}[{i}]", "expected a non-empty string")
            out.append(str(item))
        if required and not out:
            raise self.fail(name, "must not be empty", key, data)
        return out


def parse_rule(path: str, data: Any, pack_id: str, pack_languages: tuple[str, ...], index: int) -> Rule:
    """Build a ``Rule`` from its YAML mapping; kind-specific keys stay in ``spec``."""
    from compliance_lint.kinds import get_kind, kind_names

    if not isinstance(data, LocDict):
        raise RulePackError(path, line_of(data), f"rules[{index}]", "expected a mapping with id, kind, category, ...")
    c = Checker(path, data)
    rule_id = c.string("id")
    if not rule_id.startswith(pack_id + ".") or len(rule_id) <= len(pack_id) + 1:
        raise c.fail("id", f"{rule_id!r} must look like '{pack_id}.slug' (pack id, dot, slug)")
    kind_name = c.string("kind")
    if kind_name not in kind_names():
        raise c.fail("kind", f"unknown kind {kind_name!r}, expected one of: {', '.join(kind_names())}")
    category = c.string("category")
    if category not in CATEGORIES:
        raise c.fail("category", f"unknown category {category!r}, expected one of: {', '.join(CATEGORIES)}")
    severity = c.choice("severity", SEVERITIES)
    languages = tuple(c.string_list("languages")) or pack_languages
    for lang in languages:
        if lang not in LANGUAGES:
            raise c.fail("languages", f"unknown language {lang!r}, expected: {', '.join(LANGUAGES)}")
    message = _message(c, data, languages)
    citation = _citation(c, data)
    rationale = c.string("rationale")
    suggestion = c.string("suggestion")
    effects = tuple(EFFECTS)
    negation = c.choice("negation", effects, default="clears")
    hedging = c.choice("hedging", effects, default="none")
    attribution = c.choice("attribution", effects, default="lowers")
    fix = _fix(c, data)
    when = _when(c, data)
    bad, good = _examples(c, data)
    aliases = tuple(c.string_list("aliases"))
    kind = get_kind(kind_name)
    allowed = COMMON_KEYS | set(kind.keys)
    for key in data:
        if key not in allowed:
            raise c.fail(key, f"unknown key for kind {kind_name!r} (allowed: {', '.join(sorted(allowed))})", key)
    spec = {k: v for k, v in data.items() if k in kind.keys}
    rule = Rule(
        id=rule_id, pack=pack_id, kind=kind_name, category=category, severity=severity,
        languages=languages, message=message, citation=citation, rationale=rationale,
        suggestion=suggestion, negation=negation, hedging=hedging, attribution=attribution,
        fix=fix, when=when, examples_bad=bad, examples_good=good, aliases=aliases,
        spec=spec, source_path=path, source_line=data.line,
    )
    rule.spec = kind.validate(rule, data, c)
    return rule


def _message(c: Checker, data: LocDict, languages: tuple[str, ...]) -> dict[str, str]:
    raw = data.get("message")
    if isinstance(raw, str) and raw.strip():
        return {"en": raw.strip()}
    if isinstance(raw, dict):
        out = {}
        for lang in raw:
            if lang not in LANGUAGES:
                raise c.fail("message", f"unknown language {lang!r} (expected en, zh)", lang, raw)
            out[lang] = c.string(lang, obj=raw, field=f"message.{lang}")
        if "en" not in out:
            raise c.fail("message", "needs an English text under 'en'")
        if "zh" in languages and "zh" not in out:
            raise c.fail("message", "rule lints Chinese text: add a Chinese message under 'zh'")
        return out
    raise c.fail("message", "missing (expected a string or a mapping with en and zh)")


def _citation(c: Checker, data: LocDict) -> Citation:
    raw = data.get("citation")
    if isinstance(raw, str) and raw.strip():
        return Citation(raw.strip())
    if isinstance(raw, dict):
        text = c.string("text", obj=raw, field="citation.text")
        url = c.string("url", required=False, obj=raw, field="citation.url")
        if url and not url.startswith(("http://", "https://")):
            raise c.fail("citation.url", f"expected an http(s) URL, got {url!r}", "url", raw)
        for key in raw:
            if key not in ("text", "url"):
                raise c.fail(f"citation.{key}", "unknown key (expected text, url)", key, raw)
        return Citation(text, url)
    raise c.fail("citation", "missing (expected {text: 'instrument, article', url: 'https://...'})")


def _fix(c: Checker, data: LocDict) -> dict[str, Any] | None:
    raw = data.get("fix")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise c.fail("fix", "expected a mapping {replacement: '...', safe: true|false}")
    replacement = raw.get("replacement")
    if not isinstance(replacement, str):
        raise c.fail("fix.replacement", "expected a string (may be empty to delete)", "replacement", raw)
    safe = raw.get("safe", False)
    if not isinstance(safe, bool):
        raise c.fail("fix.safe", "expected true or false", "safe", raw)
    for key in raw:
        if key not in ("replacement", "safe"):
            raise c.fail(f"fix.{key}", "unknown key (expected replacement, safe)", key, raw)
    return {"replacement": replacement, "safe": safe}


def _when(c: Checker, data: LocDict) -> dict[str, Any]:
    raw = data.get("when")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise c.fail("when", "expected a mapping of context keys (audience, content, product, sport)")
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in CONTEXT_VALUES:
            raise c.fail(f"when.{key}", f"unknown context key (expected: {', '.join(CONTEXT_VALUES)})", key, raw)
        values = value if isinstance(value, list) else [value]
        for v in values:
            if v not in CONTEXT_VALUES[key]:
                raise c.fail(f"when.{key}", f"got {v!r}, expected one of: {', '.join(map(str, CONTEXT_VALUES[key]))}", key, raw)
        out[key] = tuple(values)
    return out


def _examples(c: Checker, data: LocDict) -> tuple[list[str], list[str]]:
    raw = data.get("examples")
    if not isinstance(raw, dict):
        raise c.fail("examples", "missing (expected a mapping with 'bad' and 'good' lists)")
    bad = c.string_list("bad", required=True, obj=raw, field="examples.bad")
    good = c.string_list("good", required=True, obj=raw, field="examples.good")
    for key in raw:
        if key not in ("bad", "good"):
            raise c.fail(f"examples.{key}", "unknown key (expected bad, good)", key, raw)
    return bad, good
