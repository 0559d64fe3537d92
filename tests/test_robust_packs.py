"""Rule packs and configuration are code-like input: malformed ones fail loudly.

Every schema error class: the message names the file, the line, the field and
what was expected; exit status 2; exactly one line on stderr, no traceback.
YAML is plain data only (no tags, no anchors/aliases: no alias bombs), and a
user regex cannot hang the linter (RE2 by default; ``engine: re`` runs under a
time budget).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from robustkit import _MANIFEST, make_project, run, run_json

from compliance_lint.kinds import kind_names
from compliance_lint.schema import COMMON_KEYS


def rule(**over: str | None) -> str:
    """One rule (zrb.x, phrase) as YAML; ``key=None`` drops a key, other values replace it."""
    base: dict[str, str] = {
        "id": "zrb.x", "kind": "phrase", "category": "cure_claim", "severity": "error", "languages": "[en]",
        "message": '"m {match}"', "citation": '{text: "T", url: "https://example.org/"}', "rationale": '"r"',
        "suggestion": '"s"', "terms": "[cure]", "examples": '{bad: ["A cure."], good: ["Fine."]}',
    }
    for key, value in over.items():
        if value is None:
            base.pop(key, None)
        else:
            base[key] = value
    return "rules:\n  - " + "\n    ".join(f"{k}: {v}" for k, v in base.items()) + "\n"


CASES: dict[str, dict[str, str | bytes]] = {
 "rule-missing-id": {"packs/zrb/rules.yaml": rule(id=None)},
 "rule-bad-id": {"packs/zrb/rules.yaml": rule(id="fda.x")},
 "unknown-kind": {"packs/zrb/rules.yaml": rule(kind="magic")},
 "unknown-category": {"packs/zrb/rules.yaml": rule(category="cures")},
 "unknown-severity": {"packs/zrb/rules.yaml": rule(severity="fatal")},
 "missing-severity": {"packs/zrb/rules.yaml": rule(severity=None)},
 "boolean-severity": {"packs/zrb/rules.yaml": rule(severity="no")},
 "boolean-rationale": {"packs/zrb/rules.yaml": rule(rationale="no")},
 "boolean-term": {"packs/zrb/rules.yaml": rule(terms="[cure, no]")},
 "wrong-type-rationale": {"packs/zrb/rules.yaml": rule(rationale="[a, b]")},
 "unknown-language": {"packs/zrb/rules.yaml": rule(languages="[fr]")},
 "message-missing": {"packs/zrb/rules.yaml": rule(message=None)},
 "message-no-zh": {"packs/zrb/rules.yaml": rule(languages="[en, zh]", message='{en: "m"}')},
 "citation-missing": {"packs/zrb/rules.yaml": rule(citation=None)},
 "citation-bad-url": {"packs/zrb/rules.yaml": rule(citation='{text: "T", url: "ftp://x"}')},
 "citation-unknown-key": {"packs/zrb/rules.yaml": rule(citation='{text: "T", link: "https://x"}')},
 "negation-bad": {"packs/zrb/rules.yaml": rule(negation="sometimes")},
 "fix-bad": {"packs/zrb/rules.yaml": rule(fix='{replacement: 3, safe: true}')},
 "fix-safe-bad": {"packs/zrb/rules.yaml": rule(fix='{replacement: "x", safe: "yes"}')},
 "when-unknown": {"packs/zrb/rules.yaml": rule(when='{country: us}')},
 "when-bad-value": {"packs/zrb/rules.yaml": rule(when='{audience: kids}')},
 "examples-missing": {"packs/zrb/rules.yaml": rule(examples=None)},
 "examples-no-good": {"packs/zrb/rules.yaml": rule(examples='{bad: ["x"]}')},
 "unknown-key": {"packs/zrb/rules.yaml": rule(colour="red")},
 "duplicate-id": {"packs/zrb/rules.yaml": rule() + rule()[len("rules:\n"):]},
 "terms-missing": {"packs/zrb/rules.yaml": rule(terms=None)},
 "match-bad": {"packs/zrb/rules.yaml": rule(match="fuzzy")},
 "bad-regex-re2": {"packs/zrb/rules.yaml": rule(kind="regex", terms=None, regex='"(?<=a)b"')},
 "bad-regex-re": {"packs/zrb/rules.yaml": rule(kind="regex", terms=None, regex='"(unclosed"', engine="re")},
 "bad-engine": {"packs/zrb/rules.yaml": rule(kind="regex", terms=None, regex='"a"', engine="pcre")},
 "bad-matcher": {"packs/zrb/rules.yaml": rule(kind="pattern", terms=None, patterns='[[{LOWER: cure, OP: "%"}]]')},
 "bad-matcher-attr": {"packs/zrb/rules.yaml": rule(kind="pattern", terms=None, patterns='[[{COLOUR: red}]]')},
 "rule-not-mapping": {"packs/zrb/rules.yaml": "rules:\n  - just a string\n"},
 "no-rules-list": {"packs/zrb/rules.yaml": "rule:\n  - id: zrb.x\n"},
 "top-level-key": {"packs/zrb/rules.yaml": rule() + "extra: 1\n"},
 "yaml-syntax": {"packs/zrb/rules.yaml": "rules:\n  - id: [unclosed\n"},
 "yaml-duplicate-key": {"packs/zrb/rules.yaml": rule(kind="phrase\n    kind: phrase")},
 "yaml-anchor": {"packs/zrb/rules.yaml": "defaults: &d {severity: error}\nrules: []\n"},
 "yaml-laughs": {"packs/zrb/rules.yaml": "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\ni: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\nrules: *i\n"},
 "yaml-python-tag": {"packs/zrb/rules.yaml": "rules: !!python/object/apply:os.system ['echo pwned']\n"},
 "yaml-not-utf8": {"packs/zrb/rules.yaml": b"rules:\n  - id: caf\xe9\n"},
 "yaml-deep": {"packs/zrb/rules.yaml": "rules: " + "[" * 10000 + "\n"},
 "manifest-missing-id": {"packs/zrb/pack.yaml": _MANIFEST.replace("id: zrb\n", "")},
 "manifest-unknown-key": {"packs/zrb/pack.yaml": _MANIFEST + "owner: me\n"},
 "manifest-bad-id": {"packs/zrb/pack.yaml": _MANIFEST.replace("id: zrb", "id: Zrb!")},
 "manifest-bool-title": {"packs/zrb/pack.yaml": _MANIFEST.replace('title: "Robustness test pack"', "title: no")},
 "manifest-language": {"packs/zrb/pack.yaml": _MANIFEST.replace("[en, zh]", "[en, fr]")},
 "extends-unknown": {"packs/zrb/pack.yaml": _MANIFEST + "extends: nope\n"},
 "extends-cycle": {"packs/zrb/pack.yaml": _MANIFEST + "extends: zrc\n", "packs/zrc/pack.yaml": _MANIFEST.replace("id: zrb", "id: zrc") + "extends: zrb\n", "packs/zrc/rules.yaml": "rules: []\n"},
 "extends-self": {"packs/zrb/pack.yaml": _MANIFEST + "extends: zrb\n"},
 "disable-unknown": {"packs/zrc/pack.yaml": _MANIFEST.replace("id: zrb", "id: zrc") + "extends: zrb\ndisable: [zrb.nope]\n", "packs/zrc/rules.yaml": "rules: []\n"},
 "relevel-bad": {"packs/zrc/pack.yaml": _MANIFEST.replace("id: zrb", "id: zrc") + "extends: zrb\nseverity: {zrb.cure: fatal}\n", "packs/zrc/rules.yaml": "rules: []\n"},
 "duplicate-pack": {"packs/zrc/pack.yaml": _MANIFEST, "packs/zrc/rules.yaml": "rules: []\n"},
 "config-unknown-key": {".compliance-lint.yaml": "rule_paths: [packs]\npacks: [zrb]\nfail_on_warnings: true\n"},
 "config-unknown-pack": {".compliance-lint.yaml": "rule_paths: [packs]\npacks: [zrb, nope]\n"},
 "config-packs-type": {".compliance-lint.yaml": "rule_paths: [packs]\npacks: zrb\n"},
 "config-rule-level": {".compliance-lint.yaml": "rule_paths: [packs]\npacks: [zrb]\nrules: {zrb.cure: loud}\n"},
 "config-unknown-rule": {".compliance-lint.yaml": "rule_paths: [packs]\npacks: [zrb]\nrules: {zrb.nope: off}\n"},
 "config-exclude-type": {".compliance-lint.yaml": "rule_paths: [packs]\npacks: [zrb]\nexclude: '*.md'\n"},
 "config-per-path": {".compliance-lint.yaml": "rule_paths: [packs]\npacks: [zrb]\nper_path: ['*.md']\n"},
 "config-rule-paths": {".compliance-lint.yaml": "rule_paths: [nowhere]\npacks: [zrb]\n"},
 "config-context-key": {".compliance-lint.yaml": "rule_paths: [packs]\npacks: [zrb]\ncontext: {reader: kids}\n"},
 "config-context-value": {".compliance-lint.yaml": "rule_paths: [packs]\npacks: [zrb]\ncontext: {audience: kids}\n"},
 "config-fail-on": {".compliance-lint.yaml": "rule_paths: [packs]\npacks: [zrb]\nfail_on: sometimes\n"},
 "config-fail-on-bool": {".compliance-lint.yaml": "rule_paths: [packs]\npacks: [zrb]\nfail_on: no\n"},
 "config-lang": {".compliance-lint.yaml": "rule_paths: [packs]\npacks: [zrb]\nlang: fr\n"},
 "config-extensions": {".compliance-lint.yaml": "rule_paths: [packs]\npacks: [zrb]\nextensions: [md]\n"},
 "config-yaml": {".compliance-lint.yaml": "packs: [zrb\n"},
 "config-anchor": {".compliance-lint.yaml": "rule_paths: &p [packs]\npacks: [zrb]\n"},
 "config-not-mapping": {".compliance-lint.yaml": "- packs\n"},
}

EXPECTED = {
    'rule-missing-id': '{root}/packs/zrb/rules.yaml:2: id: missing (expected a string)',
    'rule-bad-id': "{root}/packs/zrb/rules.yaml:2: id: 'fda.x' must look like 'zrb.slug' (pack id, dot, slug)",
    'unknown-kind': "{root}/packs/zrb/rules.yaml:3: kind: unknown kind 'magic', expected one of: {kinds}",
    'unknown-category': "{root}/packs/zrb/rules.yaml:4: category: unknown category 'cures', expected one of: disease_claim, cure_claim, off_label, unapproved_drug, efficacy_guarantee, safety_claim, absolute_term, comparative_claim, testimonial, weight_loss_claim, fda_approval_misrepresentation, research_use_only_evasion, missing_disclaimer, prescription_drug_promotion, other",
    'unknown-severity': "{root}/packs/zrb/rules.yaml:5: severity: got 'fatal', expected one of: error, warning, info",
    'missing-severity': '{root}/packs/zrb/rules.yaml:2: severity: missing (expected one of: error, warning, info)',
    'boolean-severity': '{root}/packs/zrb/rules.yaml:5: severity: got a boolean (YAML reads yes/no/on/off as booleans: quote it), expected one of: error, warning, info',
    'boolean-rationale': '{root}/packs/zrb/rules.yaml:9: rationale: expected a string, got a boolean (YAML reads yes/no/on/off as booleans: quote it)',
    'boolean-term': '{root}/packs/zrb/rules.yaml:11: terms[1]: expected a string, got a boolean (quote yes/no/on/off)',
    'wrong-type-rationale': '{root}/packs/zrb/rules.yaml:9: rationale: expected a string, got a list',
    'unknown-language': "{root}/packs/zrb/rules.yaml:6: languages: unknown language 'fr', expected: en, zh",
    'message-missing': '{root}/packs/zrb/rules.yaml:2: message: missing (expected a string or a mapping with en and zh)',
    'message-no-zh': "{root}/packs/zrb/rules.yaml:7: message: rule lints Chinese text: add a Chinese message under 'zh'",
    'citation-missing': "{root}/packs/zrb/rules.yaml:2: citation: missing (expected {text: 'instrument, article', url: 'https://...'})",
    'citation-bad-url': "{root}/packs/zrb/rules.yaml:8: citation.url: expected an http(s) URL, got 'ftp://x'",
    'citation-unknown-key': '{root}/packs/zrb/rules.yaml:8: citation.link: unknown key (expected text, url)',
    'negation-bad': "{root}/packs/zrb/rules.yaml:13: negation: got 'sometimes', expected one of: clears, lowers, none",
    'fix-bad': '{root}/packs/zrb/rules.yaml:13: fix.replacement: expected a string (may be empty to delete)',
    'fix-safe-bad': '{root}/packs/zrb/rules.yaml:13: fix.safe: expected true or false',
    'when-unknown': '{root}/packs/zrb/rules.yaml:13: when.country: unknown context key (expected: audience, content, product, sport)',
    'when-bad-value': "{root}/packs/zrb/rules.yaml:13: when.audience: got 'kids', expected one of: public, hcp",
    'examples-missing': "{root}/packs/zrb/rules.yaml:2: examples: missing (expected a mapping with 'bad' and 'good' lists)",
    'examples-no-good': '{root}/packs/zrb/rules.yaml:12: examples.good: missing (expected a list of strings)',
    'unknown-key': "{root}/packs/zrb/rules.yaml:13: colour: unknown key for kind 'phrase' (allowed: {phrase_keys})",
    'duplicate-id': "{root}/packs/zrb/rules.yaml:13: id: duplicate rule id 'zrb.x'",
    'terms-missing': '{root}/packs/zrb/rules.yaml:2: terms: missing (expected a list of strings)',
    'match-bad': "{root}/packs/zrb/rules.yaml:13: match: got 'fuzzy', expected one of: lemma, lower",
    'bad-regex-re2': '{root}/packs/zrb/rules.yaml:12: regex: does not compile with re2: invalid perl operator: (?<= (RE2 has no lookarounds or backreferences; use engine: re if you need them)',
    'bad-regex-re': '{root}/packs/zrb/rules.yaml:12: regex: does not compile with re: missing ), unterminated subpattern at position 0',
    'bad-engine': "{root}/packs/zrb/rules.yaml:13: engine: got 'pcre', expected one of: re2, re",
    'bad-matcher': '{root}/packs/zrb/rules.yaml:12: patterns[0]: not a valid spaCy Matcher pattern:…',
    'bad-matcher-attr': '{root}/packs/zrb/rules.yaml:12: patterns[0]: not a valid spaCy Matcher pattern:…',
    'rule-not-mapping': '{root}/packs/zrb/rules.yaml:2: rules[0]: expected a mapping with id, kind, category, ...',
    'no-rules-list': "{root}/packs/zrb/rules.yaml:1: rules: expected a mapping with a 'rules:' list",
    'top-level-key': "{root}/packs/zrb/rules.yaml:13: extra: unknown top-level key (expected only 'rules')",
    'yaml-syntax': "{root}/packs/zrb/rules.yaml:3: yaml: invalid YAML: did not find expected ',' or ']'",
    'yaml-duplicate-key': '{root}/packs/zrb/rules.yaml:4: kind: duplicate key',
    'yaml-anchor': '{root}/packs/zrb/rules.yaml:1: yaml: anchors and aliases are not allowed (they are how YAML alias bombs work): write the value out',
    'yaml-laughs': '{root}/packs/zrb/rules.yaml:1: yaml: anchors and aliases are not allowed (they are how YAML alias bombs work): write the value out',
    'yaml-python-tag': "{root}/packs/zrb/rules.yaml:1: yaml: tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed: plain YAML values only",
    'yaml-not-utf8': '{root}/packs/zrb/rules.yaml:2: file: not valid UTF-8 (byte 0xe9 at offset 18); save the file as UTF-8',
    'yaml-deep': '{root}/packs/zrb/rules.yaml:1: yaml: invalid YAML: exceeded maximum nesting depth',
    'manifest-missing-id': '{root}/packs/zrb/pack.yaml:1: id: missing (expected a string)',
    'manifest-unknown-key': '{root}/packs/zrb/pack.yaml:7: owner: unknown key (allowed: as_of, description, disable, extends, id, jurisdiction, languages, severity, title, version)',
    'manifest-bad-id': "{root}/packs/zrb/pack.yaml:1: id: 'Zrb!': use lower-case letters, digits, - or _",
    'manifest-bool-title': '{root}/packs/zrb/pack.yaml:2: title: expected a string, got a boolean (YAML reads yes/no/on/off as booleans: quote it)',
    'manifest-language': "{root}/packs/zrb/pack.yaml:6: languages: unknown language 'fr', expected: en, zh",
    'extends-unknown': "{root}/packs/zrb/pack.yaml:7: extends: unknown pack 'nope' (known: {known})",
    'extends-cycle': '{root}/packs/zrc/pack.yaml:7: extends: cycle: zrb -> zrc -> zrb',
    'extends-self': '{root}/packs/zrb/pack.yaml:7: extends: cycle: zrb -> zrb',
    'disable-unknown': "{root}/packs/zrc/pack.yaml:8: disable: unknown rule 'zrb.nope' in 'zrb'",
    'relevel-bad': "{root}/packs/zrc/pack.yaml:8: severity.zrb.cure: got 'fatal', expected error, warning or info",
    'duplicate-pack': "{root}/packs/zrc/pack.yaml:1: id: pack id 'zrb' is already defined by {root}/packs/zrb",
    'config-unknown-key': '{root}/.compliance-lint.yaml:3: fail_on_warnings: unknown key (allowed: packs, rules, exclude, per_path, rule_paths, context, fail_on, lang, extensions)',
    'config-unknown-pack': "{root}/.compliance-lint.yaml: packs: unknown pack 'nope' (available: {known})",
    'config-packs-type': '{root}/.compliance-lint.yaml:2: packs: expected a list of pack ids',
    'config-rule-level': "{root}/.compliance-lint.yaml:3: rules: zrb.cure: got 'loud', expected one of: off, error, warning, info",
    'config-unknown-rule': "{root}/.compliance-lint.yaml:3: rules: unknown rule or pack 'zrb.nope'",
    'config-exclude-type': '{root}/.compliance-lint.yaml:3: exclude: expected a list of glob patterns',
    'config-per-path': '{root}/.compliance-lint.yaml:3: per_path: expected a mapping glob -> {rule-id: off|error|warning|info}',
    'config-rule-paths': '{root}/nowhere: rule_paths: not a pack folder (no pack.yaml) nor a folder of packs',
    'config-context-key': "{root}/.compliance-lint.yaml:3: context: unknown context key 'reader' (expected: audience, content, product, sport, markets)",
    'config-context-value': "{root}/.compliance-lint.yaml:3: context: audience: got 'kids', expected one of: public, hcp",
    'config-fail-on': "{root}/.compliance-lint.yaml:3: fail_on: got 'sometimes', expected one of: error, warning, info, never",
    'config-fail-on-bool': '{root}/.compliance-lint.yaml:3: fail_on: got a boolean (YAML reads yes/no/on/off as booleans: quote it), expected one of: error, warning, info, never',
    'config-lang': '{root}/.compliance-lint.yaml:3: lang: expected auto, en or zh',
    'config-extensions': "{root}/.compliance-lint.yaml:3: extensions: expected a list like ['.md', '.html']",
    'config-yaml': "{root}/.compliance-lint.yaml:2: yaml: invalid YAML: did not find expected ',' or ']'",
    'config-anchor': '{root}/.compliance-lint.yaml:1: yaml: anchors and aliases are not allowed (they are how YAML alias bombs work): write the value out',
    'config-not-mapping': '{root}/.compliance-lint.yaml:1: expected a mapping of settings',
}


def _phrase_keys() -> str:
    from compliance_lint.kinds import get_kind

    return ", ".join(sorted(COMMON_KEYS | set(get_kind("phrase").keys)))


def _setup(root: Path, files: dict[str, str | bytes]) -> None:
    make_project(root)
    (root / "a.md").write_text("A cure.\n", encoding="utf-8")
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_schema_error_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    root = tmp_path.resolve()
    _setup(root, CASES[name])
    monkeypatch.chdir(root)
    known = _known_after_fix(root, name)
    result = run(["check", "a.md"])
    assert result.exit_code == 2, (name, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    expected = (EXPECTED[name].replace("{root}", str(root)).replace("{kinds}", ", ".join(kind_names()))
                .replace("{known}", known).replace("{phrase_keys}", _phrase_keys()))
    got = lines[0].removeprefix("compliance-lint: error: ")
    if expected.endswith("…"):
        assert got.startswith(expected[:-1]), got
    elif name == "yaml-deep":  # the pure-Python YAML loader words it differently
        assert got in (expected, expected.replace("exceeded maximum nesting depth", "nested too deeply")), got
    else:
        assert got == expected


def _known_after_fix(root: Path, name: str) -> str:
    """Pack ids the message lists: every bundled pack plus the test pack."""
    from compliance_lint.packs import bundled_rules_dir

    bundled = [p.name for p in bundled_rules_dir().iterdir() if (p / "pack.yaml").is_file()]
    return ", ".join(sorted({*bundled, "zrb"}))


def test_every_error_names_a_line(tmp_path: Path) -> None:
    """Apart from files named as a whole (a folder, a config key resolved elsewhere), every message has file:line."""
    whole_file = {"config-rule-paths", "config-unknown-pack"}
    for name, message in EXPECTED.items():
        if name in whole_file:
            continue
        where = message.split(": ", 1)[0]
        assert where.rsplit(":", 1)[1].isdigit(), (name, message)


def test_missing_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(["check", "--config", "nope.yaml", "."])
    assert result.exit_code == 2
    assert result.stderr.strip() == "compliance-lint: error: nope.yaml: config file not found"


def test_unknown_pack_on_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = run(["check", "--pack", "nope", "."])
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("compliance-lint: error: --pack: unknown pack 'nope' (available: ")


def test_rules_and_explain_commands_fail_the_same_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _setup(tmp_path, CASES["unknown-severity"])
    monkeypatch.chdir(tmp_path)
    for args in (["rules"], ["explain", "zrb.x"], ["test"]):
        result = run(args)
        assert result.exit_code == 2, args
        assert "severity: got 'fatal'" in result.stderr
        assert "Traceback" not in result.stderr


# ------------------------------------------------------------------ YAML is data

def test_python_tags_never_execute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "pwned"
    _setup(tmp_path, {"packs/zrb/rules.yaml": f"rules: !!python/object/apply:os.system ['touch {marker}']\n",
                      ".compliance-lint.yaml": "rule_paths: [packs]\npacks: [zrb]\n"})
    monkeypatch.chdir(tmp_path)
    result = run(["check", "a.md"])
    assert result.exit_code == 2
    assert "is not allowed: plain YAML values only" in result.stderr
    assert not marker.exists()
    (tmp_path / ".compliance-lint.yaml").write_text(f"packs: !!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8")
    assert run(["check", "a.md"]).exit_code == 2
    assert not marker.exists()


def test_billion_laughs_refused_quickly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _setup(tmp_path, CASES["yaml-laughs"])
    monkeypatch.chdir(tmp_path)
    start = time.monotonic()
    result = run(["check", "a.md"])
    assert time.monotonic() - start < 10
    assert result.exit_code == 2
    assert "rules.yaml:1: yaml: anchors and aliases are not allowed" in result.stderr


def test_oversized_rule_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from compliance_lint.yamlpos import MAX_BYTES

    _setup(tmp_path, {"packs/zrb/extra.yaml": "# " + "x" * MAX_BYTES + "\n"})
    monkeypatch.chdir(tmp_path)
    result = run(["check", "a.md"])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"compliance-lint: error: {tmp_path}/packs/zrb/extra.yaml: file: larger than {MAX_BYTES} bytes"


# ------------------------------------------------------------------ user regexes cannot hang

CATASTROPHIC = "(a+)+$"
EVIL_TEXT = "Warning: " + "a" * 40 + "!\n"


def _regex_project(root: Path, engine: str, pattern: str = CATASTROPHIC) -> None:
    _setup(root, {"packs/zrb/extra.yaml": rule(id="zrb.slow", kind="regex", terms=None, regex=repr(pattern).replace("'", '"'),
                                                   engine=engine)})
    (root / "evil.md").write_text(EVIL_TEXT, encoding="utf-8")


def test_catastrophic_pattern_is_linear_on_re2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _regex_project(tmp_path, "re2")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "long.md").write_text("a" * 90_000 + "!\n\n" + "aaaa\n", encoding="utf-8")
    start = time.monotonic()
    code, report, _ = run_json(["evil.md", "long.md"])
    assert time.monotonic() - start < 20
    assert code == 1
    assert {f["path"] for f in report["findings"] if f["rule"] == "zrb.slow"} == {"long.md"}


def test_catastrophic_pattern_on_backtracking_re_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from compliance_lint.kinds.regex import RE_BUDGET_SECONDS

    _regex_project(tmp_path, "re")
    monkeypatch.chdir(tmp_path)
    start = time.monotonic()
    code, report, result = run_json(["evil.md", "a.md"])
    assert time.monotonic() - start < 20 * RE_BUDGET_SECONDS
    assert code == 2
    [error] = report["errors"]
    assert error["path"] == "evil.md"
    assert error["message"].startswith(f"rule zrb.slow (engine: re) ran longer than {RE_BUDGET_SECONDS:g} s on one sentence and was stopped")
    assert "without nested quantifiers, or use engine: re2" in error["message"]
    assert [f["path"] for f in report["findings"]] == ["a.md"]  # the other file is still linted
    assert "compliance-lint: error: evil.md: rule zrb.slow" in result.stderr


def test_catastrophic_pattern_on_re_in_worker_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _regex_project(tmp_path, "re")
    monkeypatch.chdir(tmp_path)
    for i in range(20):
        (tmp_path / f"ok{i}.md").write_text("A cure.\n", encoding="utf-8")
    code, report, _ = run_json(["--jobs", "2", "."])
    assert code == 2
    assert [e["path"] for e in report["errors"]] == ["./evil.md"]
    assert len(report["findings"]) == 21


def test_ordinary_re_patterns_are_unaffected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _regex_project(tmp_path, "re", r"(?<=very )cure")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "b.md").write_text("A very cure.\n", encoding="utf-8")
    code, report, _ = run_json(["b.md"])
    assert code == 1
    assert [(f["rule"], f["match"]) for f in report["findings"] if f["rule"] == "zrb.slow"] == [("zrb.slow", "cure")]
