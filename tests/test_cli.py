"""The command line: exit codes, errors, commands, the JSON and text reports, pipes, the demo drafts."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from lintkit import PACK_A, PACK_B, rule_yaml, run, run_json, setup_project, slice_at, write_pack

import compliance_lint

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "corpora" / "examples"
CURE = f"{PACK_A}.cure"
MIRACLE = f"{PACK_A}.miracle"
DETOX = f"{PACK_A}.detox"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    setup_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def cli_command() -> list[str]:
    """The installed console script when it sits next to this interpreter, else ``python -m``."""
    script = Path(sys.executable).parent / ("compliance-lint.exe" if os.name == "nt" else "compliance-lint")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "compliance_lint"]


def subprocess_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    # make the package importable when it is not installed (PYTHONPATH=. runs)
    root = str(Path(compliance_lint.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH", "")])])
    env.pop("NO_COLOR", None)
    env.pop("FORCE_COLOR", None)
    env.update(extra)
    return env


# --------------------------------------------------------------------- exit codes

@pytest.mark.parametrize(
    "text, fail_on, code",
    [
        ("Nothing to flag.\n", None, 0),
        ("A cure.\n", None, 1),           # error >= warning (default)
        ("A miracle.\n", None, 1),        # warning >= warning
        ("A detox tea.\n", None, 0),      # info < warning
        ("A cure.\n", "error", 1),
        ("A miracle.\n", "error", 0),
        ("A miracle.\n", "warning", 1),
        ("A detox tea.\n", "warning", 0),
        ("A detox tea.\n", "info", 1),
        ("Nothing to flag.\n", "info", 0),
        ("A cure.\n", "never", 0),
    ],
)
def test_exit_codes_and_fail_on(project: Path, text: str, fail_on: str | None, code: int) -> None:
    write(project / "a.md", text)
    args = ["check", "a.md"] + (["--fail-on", fail_on] if fail_on else [])
    assert run(args).exit_code == code
    assert run(["check", "--format", "json", *args[1:]]).exit_code == code


def test_missing_path_wins_over_findings(project: Path) -> None:
    write(project / "a.md", "A cure.\n")
    code, report, result = run_json(["a.md", "missing.md"])
    assert code == 2
    assert [f["rule"] for f in report["findings"]] == [CURE]
    assert report["errors"] == [{"path": "missing.md", "message": report["errors"][0]["message"]}]
    assert "no such file" in report["errors"][0]["message"]
    assert "missing.md" in result.stderr and "Traceback" not in result.stderr
    # text format: both reported too
    result = run(["check", "a.md", "missing.md"])
    assert result.exit_code == 2
    assert "a.md:1:3:" in result.stdout and "missing.md" in result.stdout + result.stderr


def test_missing_path_with_fail_on_never_is_still_2(project: Path) -> None:
    write(project / "a.md", "Nothing.\n")
    assert run(["check", "--fail-on", "never", "a.md", "missing.md"]).exit_code == 2


def test_usage_errors_are_exit_2(project: Path) -> None:
    write(project / "a.md", "x\n")
    for args in (["check", "--format", "yaml", "a.md"], ["check", "--fail-on", "sometimes", "a.md"],
                 ["check", "--no-such-option"], ["no-such-command"], ["check", "--pack", "nosuch", "a.md"]):
        result = run(args)
        assert result.exit_code == 2, args
        assert "Traceback" not in result.stderr


def test_default_path_is_cwd(project: Path) -> None:
    write(project / "docs" / "a.md", "A cure.\n")
    code, report, _ = run_json([])
    assert [Path(f["path"]).as_posix() for f in report["findings"]] == ["docs/a.md"]
    assert code == 1


def test_output_option_writes_file(project: Path) -> None:
    write(project / "a.md", "A cure.\n")
    (project / "out").mkdir()
    result = run(["check", "--format", "json", "--output", "out/report.json", "a.md"])
    assert result.exit_code == 1
    assert result.stdout == ""
    report = json.loads((project / "out" / "report.json").read_text(encoding="utf-8"))
    assert [f["rule"] for f in report["findings"]] == [CURE]


# --------------------------------------------------------------------- malformed rule packs

def _line_of(text: str, marker: str) -> int:
    return text[: text.index(marker)].count("\n") + 1


GOOD_RULE = rule_yaml("zbad.ok", terms=["tonic"], category="other", severity="warning", bad=["A tonic."])


@pytest.mark.parametrize(
    "mutate, marker, field",
    [
        (lambda r: r.replace("category: other", "category: cures"), "category: cures", "category"),
        (lambda r: r.replace("severity: warning", "severity: fatal"), "severity: fatal", "severity"),
        (lambda r: r.replace("severity: warning", "severity: no"), "severity: no", "severity"),
        (lambda r: r.replace("    match: lower\n", "    match: lower\n    colour: red\n"), "colour: red", "colour"),
        (lambda r: r.replace("languages: [en]", "languages: [fr]"), "languages: [fr]", "languages"),
        (lambda r: r.replace("id: zbad.ok", "id: other.ok"), "id: other.ok", "id"),
        (lambda r: r.replace("kind: phrase", "kind: magic"), "kind: magic", "kind"),
        (lambda r: r.replace("      url: https://example.org/law/1", "      url: ftp://example.org"), "url: ftp", "citation.url"),
        (lambda r: re.sub(r"    message:\n      en: .*\n", "", r), "  - id: zbad.ok", "message"),
        (lambda r: re.sub(r"    examples:\n(?:      .*\n|        .*\n)*", "", r), "  - id: zbad.ok", "examples"),
        (lambda r: r.replace('    terms: ["tonic"]', "    terms:\n      - yes"), "      - yes", "terms[0]"),
    ],
)
def test_malformed_rule_is_one_line_with_file_line_field(project: Path, mutate, marker: str, field: str) -> None:
    text = "rules:\n" + mutate(GOOD_RULE)
    folder = write_pack(project / "packs", "zbad", [])
    rules_file = write(folder / "rules.yaml", text)
    write(project / ".compliance-lint.yaml", "rule_paths: [packs]\npacks: [zbad]\n")
    write(project / "a.md", "A tonic.\n")
    for args in (["check", "a.md"], ["rules"], ["explain", "zbad.ok"], ["test"]):
        result = run(args)
        assert result.exit_code == 2, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        expected = f"{rules_file.resolve()}:{_line_of(text, marker)}: {field}:"
        assert expected in lines[0], (expected, lines[0])


def test_regex_that_re2_cannot_compile(project: Path) -> None:
    rule = rule_yaml("zbad.rx", kind="regex", regex="(?<=no )cure", category="other", bad=["x"])
    folder = write_pack(project / "packs", "zbad", [rule])
    write(project / ".compliance-lint.yaml", "rule_paths: [packs]\npacks: [zbad]\n")
    result = run(["rules"])
    assert result.exit_code == 2
    text = (folder / "rules.yaml").read_text(encoding="utf-8")
    assert f"rules.yaml:{_line_of(text, 'regex:')}: regex:" in result.stderr
    assert "engine: re" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "rules_text, line, field",
    [
        ("rules:\n  - id: zbad.x\n   kind: phrase\n", 3, "yaml"),                  # bad indentation
        ("rules:\n  - &a\n    id: zbad.x\n  - *a\n", 2, "yaml"),                   # anchors refused
        ("rules:\n  - id: zbad.x\n    id: zbad.y\n", 3, "id"),                     # duplicate key
        ("rulez: []\n", 1, "rules"),                                               # no rules: list
    ],
)
def test_malformed_yaml(project: Path, rules_text: str, line: int, field: str) -> None:
    folder = write_pack(project / "packs", "zbad", [])
    rules_file = write(folder / "rules.yaml", rules_text)
    write(project / ".compliance-lint.yaml", "rule_paths: [packs]\npacks: [zbad]\n")
    result = run(["rules"])
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert f"{rules_file.resolve()}:{line}: {field}:" in result.stderr


def test_malformed_manifest(project: Path) -> None:
    folder = write_pack(project / "packs", "zbad", [GOOD_RULE])
    manifest = write(folder / "pack.yaml", 'id: zbad\nversion: "1"\nas_of: "2026-01-01"\n')
    write(project / ".compliance-lint.yaml", "rule_paths: [packs]\npacks: [zbad]\n")
    result = run(["rules"])
    assert result.exit_code == 2
    assert f"{manifest.resolve()}:1: title: missing" in result.stderr
    assert "Traceback" not in result.stderr


def test_duplicate_rule_id(project: Path) -> None:
    folder = write_pack(project / "packs", "zbad", [GOOD_RULE, GOOD_RULE])
    write(project / ".compliance-lint.yaml", "rule_paths: [packs]\npacks: [zbad]\n")
    result = run(["rules"])
    text = (folder / "rules.yaml").read_text(encoding="utf-8")
    second = text.index("  - id: zbad.ok", text.index("  - id: zbad.ok") + 1)
    assert result.exit_code == 2
    assert f"rules.yaml:{text[:second].count(chr(10)) + 1}: id: duplicate rule id" in result.stderr


def test_extends_unknown_pack(project: Path) -> None:
    folder = write_pack(project / "packs", "zbad", [GOOD_RULE], manifest_extra="extends: nosuch\n")
    write(project / ".compliance-lint.yaml", "rule_paths: [packs]\npacks: [zbad]\n")
    result = run(["rules"])
    manifest = (folder / "pack.yaml").read_text(encoding="utf-8")
    assert result.exit_code == 2
    assert f"pack.yaml:{_line_of(manifest, 'extends:')}: extends: unknown pack 'nosuch'" in result.stderr


def test_debug_flag_shows_traceback(project: Path) -> None:
    folder = write_pack(project / "packs", "zbad", [])
    write(folder / "rules.yaml", "rules:\n  - id: zbad.x\n   kind: phrase\n")
    write(project / ".compliance-lint.yaml", "rule_paths: [packs]\npacks: [zbad]\n")
    proc = subprocess.run([*cli_command(), "--debug", "rules"], cwd=project, env=subprocess_env(),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "Traceback" in proc.stderr


# --------------------------------------------------------------------- extends

def test_user_pack_extends_another(project: Path) -> None:
    write_pack(project / "packs", "zext", [
        rule_yaml("zext.tonic", terms=["tonic"], category="other", severity="warning", bad=["A tonic."]),
    ], manifest_extra=f"extends: {PACK_A}\ndisable: [{DETOX}]\nseverity:\n  {MIRACLE}: error\n")
    write(project / ".compliance-lint.yaml", "rule_paths: [packs]\npacks: [zext]\n")
    write(project / "a.md", "A cure, a miracle, a detox tea and a tonic.\n")
    _, report, _ = run_json(["a.md"])
    assert [(f["rule"], f["severity"]) for f in report["findings"]] == [
        (CURE, "error"), (MIRACLE, "error"), ("zext.tonic", "warning"),
    ]
    # the base pack itself is unchanged
    _, report, _ = run_json(["--pack", PACK_A, "a.md"])
    assert [(f["rule"], f["severity"]) for f in report["findings"]] == [(CURE, "error"), (MIRACLE, "warning"), (DETOX, "info")]


# --------------------------------------------------------------------- version, rules, explain

def test_version() -> None:
    result = run(["--version"])
    assert result.exit_code == 0
    assert compliance_lint.__version__ in result.stdout
    assert re.fullmatch(r"\d+\.\d+(\.\d+)?([.-]?\w+)*", compliance_lint.__version__)


def test_help_lists_commands() -> None:
    result = run(["--help"])
    assert result.exit_code == 0
    for command in ("check", "rules", "explain", "test", "eval"):
        assert command in result.stdout


def test_rules_table_and_pack_filter(project: Path) -> None:
    result = run(["rules", "--pack", PACK_A])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["RULE", "SEVERITY", "KIND", "CATEGORY"]
    rows = [line.split() for line in lines[1:] if line.startswith(PACK_A + ".")]
    assert [r[0] for r in rows] == [CURE, MIRACLE, DETOX, f"{PACK_A}.percent", f"{PACK_A}.zh-cure"]
    assert rows[0][1:4] == ["error", "phrase", "cure_claim"]
    assert rows[3][1:4] == ["error", "regex", "efficacy_guarantee"]
    assert "5 rules in 1 pack" in result.stdout
    assert PACK_B not in result.stdout


def test_rules_lists_every_pack_with_pack_dot_slug_ids(project: Path) -> None:
    result = run(["rules"])
    assert result.exit_code == 0
    ids = [line.split()[0] for line in result.stdout.splitlines()[1:] if line.strip() and "." in line.split()[0]]
    assert {i.split(".", 1)[0] for i in ids} >= {PACK_A, PACK_B}
    assert all(re.fullmatch(r"[a-z0-9_-]+\.[a-z0-9_.-]+", i) for i in ids)


def test_rules_json(project: Path) -> None:
    result = run(["rules", "--pack", PACK_B, "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data == [{
        "id": f"{PACK_B}.cure", "pack": PACK_B, "kind": "phrase", "category": "disease_claim", "severity": "warning",
        "languages": ["en"], "citation": "Test Instrument art. 6", "citation_url": "https://example.org/law/6",
    }]


def test_rules_unknown_pack_is_exit_2(project: Path) -> None:
    result = run(["rules", "--pack", "nosuch"])
    assert result.exit_code == 2
    assert "nosuch" in result.stderr and "Traceback" not in result.stderr


def test_explain(project: Path) -> None:
    result = run(["explain", CURE])
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith(CURE)
    for needle in ('zta.cure found "{match}"', "Test rationale for zta.cure.", "Test Instrument art. 1",
                   "https://example.org/law/1", "Rewrite suggestion for zta.cure.", "This cure works.",
                   "Nothing to see here.", "cure_claim", "rules.yaml:2"):
        assert needle in out, needle


def test_explain_unknown_rule_is_exit_2(project: Path) -> None:
    result = run(["explain", "zta.nope"])
    assert result.exit_code == 2
    assert "zta.nope" in result.stderr and "Traceback" not in result.stderr


def test_explain_bundled_rule_from_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    listing = run(["rules", "--format", "json"])
    assert listing.exit_code == 0
    first = json.loads(listing.stdout)[0]["id"]
    result = run(["explain", first])
    assert result.exit_code == 0 and result.stdout.startswith(first)


# --------------------------------------------------------------------- the test command

def test_test_command_passes_on_a_good_pack_and_fixture(project: Path) -> None:
    write(project / "fixtures" / "a.md", (
        f"<!-- expect: {CURE} -->\nA cure.\n\n"
        f"<!-- ok: {PACK_A} -->\nNo claims here.\n\n"
        f"<!-- expect: {PACK_A}/absolute_term -->\n<!-- ok: {PACK_A}/cure_claim -->\nA miracle.\n\n"
        f"<!-- todo-expect: {PACK_A}/other -->\nA detox tea.\n"
    ))
    result = run(["test", "--pack", PACK_A, "fixtures"])
    assert result.exit_code == 0, result.stdout
    assert "0 failed" in result.stdout
    assert "1 known gaps" in result.stdout  # detox is info: never counts for expectations


def test_test_command_fails_on_broken_examples_and_fixtures(project: Path) -> None:
    write_pack(project / "packs", "zweak", [
        rule_yaml("zweak.x", terms=["tonic"], category="other", bad=["A potion."], good=["A tonic."]),
    ])
    write(project / ".compliance-lint.yaml", "rule_paths: [packs]\npacks: [zweak]\n")
    write(project / "fixtures" / "a.md", "<!-- expect: zweak.x -->\nNothing.\n\n<!-- expect: zweak.unknown -->\nA tonic.\n")
    result = run(["test", "--pack", "zweak", "fixtures"])
    assert result.exit_code == 1
    out = result.stdout
    assert "zweak.x: bad example not flagged" in out
    assert "zweak.x: good example flagged" in out
    assert "unknown rule 'zweak.unknown'" in out


def test_bundled_rule_examples_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every bundled rule's bad/good examples hold (no fixtures: an empty folder)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    result = run(["test", "empty"])
    assert result.exit_code == 0, result.stdout[-4000:]


def test_bundled_test_command_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    """`compliance-lint test` from the repository: every rule example and annotated fixture holds."""
    monkeypatch.chdir(REPO)
    result = run(["test"])
    assert result.exit_code == 0, result.stdout[-4000:]


# --------------------------------------------------------------------- JSON contract

CONTRACT_CATEGORIES = [
    "disease_claim", "cure_claim", "off_label", "unapproved_drug", "efficacy_guarantee",
    "safety_claim", "absolute_term", "comparative_claim", "testimonial",
    "weight_loss_claim", "fda_approval_misrepresentation", "research_use_only_evasion",
    "missing_disclaimer", "prescription_drug_promotion", "other",
]
POSITIVE = {"type": "integer", "minimum": 1}
REPORT_SCHEMA = {
    "type": "object",
    "required": ["version", "tool", "findings", "errors", "summary"],
    "properties": {
        "version": {"const": 1},
        "tool": {
            "type": "object",
            "required": ["name", "version", "packs"],
            "properties": {
                "name": {"const": "compliance-lint"},
                "version": {"type": "string", "minLength": 1},
                "packs": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        },
        "findings": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["rule", "pack", "category", "severity", "message", "path", "line", "column",
                             "end_line", "end_column", "match", "citation", "citation_url", "suggestion", "suppressed"],
                "properties": {
                    "rule": {"type": "string", "pattern": r"^[a-z0-9_-]+\.[^\s]+$"},
                    "pack": {"type": "string"},
                    "category": {"enum": CONTRACT_CATEGORIES},
                    "severity": {"enum": ["error", "warning", "info"]},
                    "message": {"type": "string", "minLength": 1},
                    "path": {"type": "string", "minLength": 1},
                    "line": POSITIVE, "column": POSITIVE, "end_line": POSITIVE, "end_column": POSITIVE,
                    "match": {"type": "string", "minLength": 1},
                    "citation": {"type": "string"},
                    "citation_url": {"type": "string"},
                    "suggestion": {"type": "string"},
                    "suppressed": {"type": "boolean"},
                },
            },
        },
        "errors": {
            "type": "array",
            "items": {"type": "object", "required": ["path", "message"],
                      "properties": {"path": {"type": "string"}, "message": {"type": "string"}}},
        },
        "summary": {
            "type": "object",
            "required": ["files", "findings", "by_severity"],
            "properties": {
                "files": {"type": "integer", "minimum": 0},
                "findings": {"type": "integer", "minimum": 0},
                "by_severity": {
                    "type": "object",
                    "required": ["error", "warning", "info"],
                    "properties": {k: {"type": "integer", "minimum": 0} for k in ("error", "warning", "info")},
                },
            },
        },
    },
}


def assert_contract(report: dict, sources: dict[str, str]) -> None:
    """The DESIGN contract, beyond types: order, slices, exclusive ends, counts."""
    jsonschema.validate(report, REPORT_SCHEMA)
    findings = report["findings"]
    keys = [(f["path"], f["line"], f["column"], f["rule"]) for f in findings]
    assert keys == sorted(keys), "findings must be sorted by path, line, column, rule"
    for f in findings:
        assert f["rule"].startswith(f["pack"] + ".")
        assert (f["end_line"], f["end_column"]) > (f["line"], f["column"])
        assert slice_at(sources[f["path"]], f) == f["match"], f
        if f["end_line"] == f["line"] and "\n" not in f["match"] and "\r" not in f["match"]:
            assert f["end_column"] - f["column"] == len(f["match"])  # exclusive end, code points
    live = [f for f in findings if not f["suppressed"]]
    assert report["summary"]["findings"] == len(live)
    assert report["summary"]["by_severity"] == {s: sum(f["severity"] == s for f in live) for s in ("error", "warning", "info")}


def test_json_report_contract(project: Path) -> None:
    setup_project(project, packs=(PACK_A, PACK_B))
    sources = {
        "b.md": "A 😀 cure.\r\n\r\nA miracle and a detox tea, 100% effective.\n",
        "a.md": f"<!-- compliance-lint disable {MIRACLE} -- ok -->\nA miracle cure.\n",
        "c.html": "<p>Tom &amp; a cure</p>\n",
    }
    for name, text in sources.items():
        write(project / name, text)
    code, report, _ = run_json(list(sources))
    assert_contract(report, sources)
    assert code == 1
    assert report["tool"]["packs"] == {PACK_A: "1.0", PACK_B: "1.0"}
    assert report["summary"]["files"] == 3
    assert report["errors"] == []
    f = next(f for f in report["findings"] if f["path"] == "b.md" and f["rule"] == CURE)
    assert {k: f[k] for k in ("rule", "pack", "category", "severity", "message", "path", "line", "column", "end_line",
                              "end_column", "match", "citation", "citation_url", "suggestion", "suppressed")} == {
        "rule": CURE, "pack": PACK_A, "category": "cure_claim", "severity": "error", "message": 'zta.cure found "cure"',
        "path": "b.md", "line": 1, "column": 5, "end_line": 1, "end_column": 9, "match": "cure",
        "citation": "Test Instrument art. 1", "citation_url": "https://example.org/law/1",
        "suggestion": "Rewrite suggestion for zta.cure.", "suppressed": False,
    }
    suppressed = [f for f in report["findings"] if f["suppressed"]]
    assert [(f["path"], f["rule"], f["suppression_reason"]) for f in suppressed] == [("a.md", MIRACLE, "ok")]


def test_json_paths_as_given(project: Path) -> None:
    write(project / "docs" / "sub" / "a.md", "A cure.\n")
    abs_path = str(project / "docs" / "sub" / "a.md")
    _, report, _ = run_json(["docs", abs_path, "./docs/sub/a.md"])
    assert [f["path"] for f in report["findings"]] == sorted([os.path.join("docs", "sub", "a.md"), abs_path, "./docs/sub/a.md"])


def test_json_errors_list(project: Path) -> None:
    code, report, _ = run_json(["nope.md", "gone/"])
    jsonschema.validate(report, REPORT_SCHEMA)
    assert sorted(e["path"] for e in report["errors"]) == ["gone/", "nope.md"]
    assert report["summary"]["files"] == 0 and code == 2


def test_json_is_deterministic(project: Path) -> None:
    write(project / "a.md", "A cure, a miracle and a detox.\n\n本品能根治糖尿病。\n")
    outputs = {run(["check", "--format", "json", "a.md"]).stdout for _ in range(3)}
    assert len(outputs) == 1


# --------------------------------------------------------------------- text report

def test_text_report(project: Path) -> None:
    setup_project(project, packs=(PACK_A, PACK_B))
    write(project / "t.md", "Intro.\n\nA cure and a detox tea.\n")
    result = run(["check", "t.md"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "\x1b[" not in result.stdout
    # several packs on one span: one location, the findings grouped under it (error first)
    assert lines[0] == 't.md:3:3: error [zta.cure] zta.cure found "cure"'
    assert lines[1].strip() == "cite: Test Instrument art. 1 <https://example.org/law/1>"
    assert lines[2] == " " * len("t.md:3:3:") + ' warning [ztb.cure] ztb.cure found "cure"'
    assert sum(line.startswith("t.md:3:3:") for line in lines) == 1
    assert "    | A »cure« and a detox tea." in lines
    assert "    = rewrite: Rewrite suggestion for zta.cure." in lines
    assert "    = rewrite: Rewrite suggestion for ztb.cure." in lines
    assert any(line.startswith("t.md:3:14: info [zta.detox]") for line in lines)
    assert lines[-1] == "3 findings in 1 file (1 error, 1 warning, 1 info)"


def test_text_report_summary_when_clean(project: Path) -> None:
    write(project / "a.md", "Nothing.\n")
    write(project / "b.md", "Nothing.\n")
    result = run(["check", "a.md", "b.md"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "0 findings in 2 files (0 error, 0 warning, 0 info)"


def test_text_report_lists_input_errors(project: Path) -> None:
    write(project / "a.md", "A cure.\n")
    result = run(["check", "a.md", "missing.md"])
    assert result.exit_code == 2
    assert result.stdout.splitlines()[-1].endswith("; 1 input error")


@pytest.mark.parametrize(
    "env, coloured",
    [({}, False), ({"FORCE_COLOR": "1"}, True), ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False), ({"NO_COLOR": ""}, False)],
)
def test_text_colour_only_when_forced(project: Path, env: dict, coloured: bool) -> None:
    write(project / "a.md", "A cure.\n")
    result = run(["check", "a.md"], env=env)
    assert ("\x1b[" in result.stdout) is coloured
    assert result.exit_code == 1


def test_no_colour_in_output_file_even_when_forced(project: Path) -> None:
    write(project / "a.md", "A cure.\n")
    run(["check", "--output", "report.txt", "a.md"], env={"FORCE_COLOR": "1"})
    assert "\x1b[" not in (project / "report.txt").read_text(encoding="utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
@pytest.mark.parametrize("no_color, coloured", [(False, True), (True, False)])
def test_text_colour_on_a_terminal(project: Path, no_color: bool, coloured: bool) -> None:
    import pty

    write(project / "a.md", "A cure.\n")
    master, slave = pty.openpty()
    env = subprocess_env(**({"NO_COLOR": "1"} if no_color else {}))
    try:
        proc = subprocess.run([*cli_command(), "check", "a.md"], cwd=project, env=env, stdout=slave,
                              stderr=subprocess.PIPE, timeout=120)
        os.close(slave)
        out = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    finally:
        os.close(master)
    assert proc.returncode == 1
    assert b"zta.cure" in out
    assert (b"\x1b[" in out) is coloured


def test_statistics(project: Path) -> None:
    write(project / "a.md", "A cure.\n\nA cure.\n\nA miracle.\n")
    result = run(["check", "--statistics", "a.md"])
    assert re.search(r"^2\s+zta\.cure\s+cure_claim$", result.stdout, re.MULTILINE)
    assert re.search(r"^1\s+zta\.miracle\s+absolute_term$", result.stdout, re.MULTILINE)


# --------------------------------------------------------------------- closed pipe

@pytest.mark.skipif(shutil.which("head") is None or shutil.which("bash") is None, reason="needs bash and head")
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_closed_pipe_is_quiet(project: Path, fmt: str) -> None:
    # far more output than a pipe buffer holds, so the writer really meets a closed pipe
    write(project / "big.md", "\n\n".join(f"Paragraph {i} has a cure and a miracle." for i in range(3000)))
    cmd = " ".join(f"'{c}'" for c in cli_command())
    proc = subprocess.run(["bash", "-c", f"{cmd} check --format {fmt} big.md 2>err.txt | head -1"],
                          cwd=project, env=subprocess_env(), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0
    assert len(proc.stdout.splitlines()) == 1
    err = (project / "err.txt").read_text(encoding="utf-8")
    assert "Traceback" not in err and "BrokenPipe" not in err and "Exception ignored" not in err, err


# --------------------------------------------------------------------- the demo drafts

def _copy_examples(dest: Path) -> dict[str, str]:
    shutil.copytree(EXAMPLES, dest / "examples")
    return {
        os.path.join("examples", p.name): p.read_text(encoding="utf-8-sig")
        for p in sorted((dest / "examples").iterdir()) if p.suffix in (".md", ".html", ".txt")
    }


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="corpora/examples missing")
def test_example_drafts_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    sources = _copy_examples(tmp_path)
    code, report, result = run_json(["examples"])
    assert code == 1
    assert "no markets configured" in result.stderr
    assert_contract(report, sources)
    assert {f["path"] for f in report["findings"]} == set(sources)
    packs = {f["pack"] for f in report["findings"]}
    assert len(packs) >= 2, packs
    assert "wada" not in report["tool"]["packs"]
    zh = [f for f in report["findings"] if "zh" in f["path"]]
    assert any(f["pack"] == "nmpa" for f in zh)
    text = run(["check", "examples"])
    assert text.exit_code == 1
    assert re.search(r"^\d+ findings in 2 files \(", text.stdout.splitlines()[-1])


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="corpora/examples missing")
def test_example_drafts_real_subprocess(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    sources = _copy_examples(tmp_path)
    proc = subprocess.run([*cli_command(), "check", "--format", "json", "examples"], cwd=tmp_path,
                          env=subprocess_env(), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    assert_contract(report, sources)
    # same input, same findings: the in-process run agrees exactly
    _, in_process, _ = run_json(["examples"])
    assert report["findings"] == in_process["findings"]


def test_output_into_missing_folder_is_exit_2(project: Path) -> None:
    write(project / "a.md", "A cure.\n")
    result = run(["check", "--output", "no/such/dir/report.json", "a.md"])
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "no/such/dir/report.json" in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX device files")
def test_output_to_a_device_writes_through_it(project: Path) -> None:
    """``--output /dev/null`` must not replace the device node (a rename would, as root)."""
    import stat

    write(project / "a.md", "A cure.\n")
    result = run(["check", "--output", os.devnull, "a.md"])
    assert result.exit_code == 1
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_output_through_a_symlink_keeps_the_link(project: Path) -> None:
    write(project / "a.md", "A cure.\n")
    (project / "reports").mkdir()
    os.symlink("reports/real.json", project / "link.json")
    result = run(["check", "--format", "json", "--output", "link.json", "a.md"])
    assert result.exit_code == 1
    assert (project / "link.json").is_symlink()
    assert json.loads((project / "reports" / "real.json").read_text(encoding="utf-8"))["findings"]


def test_output_new_file_permissions_follow_umask(project: Path) -> None:
    write(project / "a.md", "A cure.\n")
    old = os.umask(0o022)
    try:
        run(["check", "--output", "report.txt", "a.md"])
    finally:
        os.umask(old)
    assert (project / "report.txt").stat().st_mode & 0o777 == 0o644
