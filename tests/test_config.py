"""``.compliance-lint.yaml``: discovery, keys, errors, and front-matter context."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lintkit import PACK_A, PACK_B, rule_yaml, run, run_json, setup_project, write_pack

CURE = f"{PACK_A}.cure"
MIRACLE = f"{PACK_A}.miracle"
DETOX = f"{PACK_A}.detox"


def rules_in(report: dict) -> list[tuple[str, str]]:
    return [(f["rule"], f["severity"]) for f in report["findings"]]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


DOC = "A cure.\n\nA miracle.\n\nA detox tea.\n"


# --------------------------------------------------------------------- discovery

def test_config_discovered_upward_from_cwd(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    setup_project(project)
    deep = project / "content" / "posts"
    write(deep / "a.md", DOC)
    monkeypatch.chdir(deep)
    code, report, result = run_json(["a.md"])
    assert report["tool"]["packs"] == {PACK_A: "1.0"}
    assert rules_in(report) == [(CURE, "error"), (MIRACLE, "warning"), (DETOX, "info")]
    assert "no markets configured" not in result.stderr


def test_nearest_config_wins(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    setup_project(project)
    write(project / "sub" / ".compliance-lint.yaml", f"rule_paths: [../packs]\npacks: [{PACK_B}]\n")
    write(project / "sub" / "a.md", DOC)
    monkeypatch.chdir(project / "sub")
    _, report, _ = run_json(["a.md"])
    assert report["tool"]["packs"] == {PACK_B: "1.0"}


def test_no_config_means_every_bundled_pack_but_wada_and_a_hint(project: Path) -> None:
    write(project / "a.md", "Hello.\n")
    code, report, result = run_json(["a.md"])
    assert set(report["tool"]["packs"]) == {"nmpa", "fda", "ftc", "eu", "uk", "tga"}
    assert "no markets configured" in result.stderr
    assert code == 0


def test_explicit_config_option(project: Path) -> None:
    setup_project(project / "settings")
    write(project / "a.md", DOC)
    # relative rule_paths resolve against the config file's folder, not the cwd
    _, report, _ = run_json(["--config", "settings/.compliance-lint.yaml", "a.md"])
    assert report["tool"]["packs"] == {PACK_A: "1.0"}
    assert [r for r, _ in rules_in(report)] == [CURE, MIRACLE, DETOX]


def test_explicit_config_beats_discovered(project: Path) -> None:
    setup_project(project)
    write(project / "other.yaml", f"rule_paths: [packs]\npacks: [{PACK_B}]\n")
    write(project / "a.md", DOC)
    _, report, _ = run_json(["--config", "other.yaml", "a.md"])
    assert report["tool"]["packs"] == {PACK_B: "1.0"}


def test_missing_config_file_is_exit_2(project: Path) -> None:
    write(project / "a.md", DOC)
    result = run(["check", "--config", "nope.yaml", "a.md"])
    assert result.exit_code == 2
    assert "nope.yaml" in result.stderr and "Traceback" not in result.stderr


# --------------------------------------------------------------------- errors

@pytest.mark.parametrize(
    "body, line, key",
    [
        ("packs: [zta]\nrule_paths: [packs]\nfail_onn: error\n", 3, "fail_onn"),
        ("# comment\nrule_paths: [packs]\n\nexcludes: ['*.md']\n", 4, "excludes"),
        ("rule_paths: [packs]\ncontext:\n  audience: public\npacks: [zta]\nfoo: 1\n", 5, "foo"),
    ],
)
def test_unknown_key_is_exit_2_with_file_line_key(project: Path, body: str, line: int, key: str) -> None:
    setup_project(project)
    config = write(project / ".compliance-lint.yaml", body)
    write(project / "a.md", DOC)
    result = run(["check", "a.md"])
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert re.search(rf"{re.escape(str(config))}:{line}: {key}: unknown key", lines[0]), lines[0]


@pytest.mark.parametrize(
    "body, line, key",
    [
        ("rule_paths: [packs]\nfail_on: sometimes\n", 2, "fail_on"),
        ("rule_paths: [packs]\npacks: zta\n", 2, "packs"),
        ("rule_paths: [packs]\nrules:\n  zta.cure: loud\n", 2, "rules"),
        ("rule_paths: [packs]\ncontext:\n  audience: kids\n", 2, "context"),
        ("rule_paths: [packs]\ncontext:\n  colour: red\n", 2, "context"),
        ("rule_paths: [packs]\nexclude: '*.md'\n", 2, "exclude"),
        ("rule_paths: [packs]\nlang: fr\n", 2, "lang"),
    ],
)
def test_bad_values_are_exit_2_with_file_line_key(project: Path, body: str, line: int, key: str) -> None:
    setup_project(project)
    config = write(project / ".compliance-lint.yaml", body)
    write(project / "a.md", DOC)
    result = run(["check", "a.md"])
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert f"{config}:{line}: {key}:" in result.stderr


def test_invalid_yaml_is_exit_2_with_line(project: Path) -> None:
    config = write(project / ".compliance-lint.yaml", "packs: [fda\nrules: {\n")
    write(project / "a.md", DOC)
    result = run(["check", "a.md"])
    assert result.exit_code == 2
    assert str(config) in result.stderr and "Traceback" not in result.stderr


def test_unknown_rule_in_rules_is_exit_2_with_line(project: Path) -> None:
    config = setup_project(project, config_extra=f"rules:\n  {CURE}: off\n  zta.nonexistent: off\n")
    write(project / "a.md", DOC)
    result = run(["check", "a.md"])
    assert result.exit_code == 2
    assert f"{config}:5: rules: unknown rule or pack 'zta.nonexistent'" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_rule_in_per_path_is_exit_2_with_line(project: Path) -> None:
    config = setup_project(project, config_extra=f"per_path:\n  'legacy/**':\n    {CURE}: off\n    zta.typo: off\n")
    write(project / "a.md", DOC)
    result = run(["check", "a.md"])
    assert result.exit_code == 2
    assert f"{config}:6: per_path: legacy/**: unknown rule or pack 'zta.typo'" in result.stderr
    assert "Traceback" not in result.stderr


def test_rules_accept_a_renamed_rules_old_id(project: Path) -> None:
    write_pack(project / "packs", "zal", [
        rule_yaml("zal.cure-claim", terms=["cure"], bad=["A cure."], extra="    aliases: [zal.cure]\n"),
    ])
    write(project / ".compliance-lint.yaml", "rule_paths: [packs]\npacks: [zal]\nrules:\n  zal.cure: warning\n")
    write(project / "a.md", "A cure.\n")
    code, report, result = run_json(["a.md"])
    assert [(f["rule"], f["severity"]) for f in report["findings"]] == [("zal.cure-claim", "warning")], result.stderr


def test_unknown_pack_in_packs_is_exit_2(project: Path) -> None:
    write(project / ".compliance-lint.yaml", "packs: [nosuchpack]\n")
    write(project / "a.md", DOC)
    result = run(["check", "a.md"])
    assert result.exit_code == 2
    assert "nosuchpack" in result.stderr and "Traceback" not in result.stderr


# --------------------------------------------------------------------- keys

def test_packs_key_and_pack_option(project: Path) -> None:
    setup_project(project, packs=(PACK_A, PACK_B))
    write(project / "a.md", "A cure.\n")
    _, report, _ = run_json(["a.md"])
    assert sorted(f["rule"] for f in report["findings"]) == [CURE, f"{PACK_B}.cure"]
    _, report, _ = run_json(["--pack", PACK_B, "a.md"])
    assert [f["rule"] for f in report["findings"]] == [f"{PACK_B}.cure"]
    assert report["tool"]["packs"] == {PACK_B: "1.0"}


def test_rules_off_and_severity(project: Path) -> None:
    setup_project(project, config_extra=f"rules:\n  {CURE}: off\n  {MIRACLE}: error\n  {DETOX}: warning\n")
    write(project / "a.md", DOC)
    code, report, _ = run_json(["a.md"])
    assert rules_in(report) == [(MIRACLE, "error"), (DETOX, "warning")]


def test_rules_by_pack_and_category(project: Path) -> None:
    setup_project(project, packs=(PACK_A, PACK_B), config_extra=f"rules:\n  {PACK_A}/absolute_term: info\n  {PACK_B}: off\n")
    write(project / "a.md", DOC)
    _, report, _ = run_json(["a.md"])
    assert rules_in(report) == [(CURE, "error"), (MIRACLE, "info"), (DETOX, "info")]


def test_rules_accept_yaml_false_as_off(project: Path) -> None:
    setup_project(project, config_extra=f"rules:\n  {CURE}: false\n")
    write(project / "a.md", DOC)
    _, report, _ = run_json(["a.md"])
    assert CURE not in [f["rule"] for f in report["findings"]]


def test_exclude_applies_to_folder_walk_and_explicit_files(project: Path) -> None:
    setup_project(project, config_extra="exclude:\n  - 'drafts/**'\n  - '*.skip.md'\n  - vendor/\n")
    write(project / "docs" / "a.md", "A cure.\n")
    write(project / "docs" / "b.skip.md", "A cure.\n")
    write(project / "drafts" / "c.md", "A cure.\n")
    write(project / "vendor" / "d.md", "A cure.\n")
    _, report, _ = run_json(["."])
    assert sorted({Path(f["path"]).as_posix() for f in report["findings"]}) == ["docs/a.md"]
    # pre-commit passes files explicitly: excludes still apply
    code, report, _ = run_json(["drafts/c.md", "docs/b.skip.md", "vendor/d.md"])
    assert report["findings"] == [] and report["errors"] == []
    assert code == 0


def test_exclude_relative_to_config_when_run_from_subfolder(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    setup_project(project, config_extra="exclude: ['drafts/**']\n")
    write(project / "drafts" / "c.md", "A cure.\n")
    monkeypatch.chdir(project / "drafts")
    code, report, _ = run_json(["c.md"])
    assert report["findings"] == [] and code == 0


def test_per_path(project: Path) -> None:
    setup_project(project, config_extra=(
        "per_path:\n"
        "  'legacy/**':\n"
        f"    {CURE}: off\n"
        "  '*.faq.md':\n"
        f"    {MIRACLE}: error\n"
    ))
    write(project / "legacy" / "old.md", DOC)
    write(project / "docs" / "help.faq.md", DOC)
    write(project / "docs" / "new.md", DOC)
    _, report, _ = run_json(["legacy", "docs"])
    by_path: dict[str, list] = {}
    for f in report["findings"]:
        by_path.setdefault(Path(f["path"]).as_posix(), []).append((f["rule"], f["severity"]))
    assert by_path["legacy/old.md"] == [(MIRACLE, "warning"), (DETOX, "info")]
    assert by_path["docs/help.faq.md"] == [(CURE, "error"), (MIRACLE, "error"), (DETOX, "info")]
    assert by_path["docs/new.md"] == [(CURE, "error"), (MIRACLE, "warning"), (DETOX, "info")]


def test_rule_paths_folder_of_packs_or_single_pack(project: Path) -> None:
    write_pack(project / "mine", "zmine", [rule_yaml("zmine.tonic", terms=["tonic"], category="other", severity="warning", bad=["A tonic."])])
    write(project / ".compliance-lint.yaml", "rule_paths: [mine/zmine]\npacks: [zmine]\n")
    write(project / "a.md", "A tonic.\n")
    code, report, _ = run_json(["a.md"])
    assert [f["rule"] for f in report["findings"]] == ["zmine.tonic"]
    assert code == 1


def test_rule_paths_missing_folder_is_exit_2(project: Path) -> None:
    write(project / ".compliance-lint.yaml", "rule_paths: [nowhere]\n")
    write(project / "a.md", DOC)
    result = run(["check", "a.md"])
    assert result.exit_code == 2
    assert "nowhere" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "config_fail_on, option, code",
    [
        (None, [], 1),                       # default warning: the warning fails
        ("error", [], 0),                    # only warnings and info in this doc
        ("error", ["--fail-on", "info"], 1),  # the option beats the config
        ("info", [], 1),
        ("never", [], 0),
        ("never", ["--fail-on", "warning"], 1),
    ],
)
def test_fail_on(project: Path, config_fail_on: str | None, option: list, code: int) -> None:
    setup_project(project, config_extra=f"fail_on: {config_fail_on}\n" if config_fail_on else "")
    write(project / "a.md", "A miracle.\n\nA detox tea.\n")
    got, _, _ = run_json([*option, "a.md"])
    assert got == code


def test_lang_key(project: Path) -> None:
    setup_project(project, config_extra="lang: zh\n")
    write(project / "a.md", "This cure is 根治 for sure.\n")
    _, report, _ = run_json(["a.md"])
    assert [f["rule"] for f in report["findings"]] == [f"{PACK_A}.zh-cure"]


# --------------------------------------------------------------------- context

def _context_pack(root: Path) -> None:
    when = "    when:\n"
    write_pack(root / "packs", "zctx", [
        rule_yaml("zctx.supplement-only", terms=["boosts immunity"], category="disease_claim", severity="error",
                  extra=when + "      product: [supplement]\n", bad=["It boosts immunity."], n=1),
        rule_yaml("zctx.public-only", terms=["prescription strength"], category="prescription_drug_promotion",
                  severity="error", extra=when + "      audience: public\n", bad=["Prescription strength formula."], n=2),
        rule_yaml("zctx.sport-only", terms=["peptide stack"], category="other", severity="warning",
                  extra=when + "      sport: [true]\n", bad=["Our peptide stack."], n=3),
        rule_yaml("zctx.ads-only", terms=["limited offer"], category="other", severity="warning",
                  extra=when + "      content: [advertising]\n", bad=["A limited offer."], n=4),
    ])


CTX_DOC = "It boosts immunity.\n\nPrescription strength formula.\n\nOur peptide stack.\n\nA limited offer.\n"


def ctx_rules(report: dict) -> list[str]:
    return [f["rule"].split(".", 1)[1] for f in report["findings"]]


def test_context_defaults(project: Path) -> None:
    """audience public, content advertising, product unset, sport false."""
    _context_pack(project)
    write(project / ".compliance-lint.yaml", "rule_paths: [packs]\npacks: [zctx]\n")
    write(project / "a.md", CTX_DOC)
    _, report, _ = run_json(["a.md"])
    assert ctx_rules(report) == ["public-only", "ads-only"]


def test_context_from_config(project: Path) -> None:
    _context_pack(project)
    write(project / ".compliance-lint.yaml", (
        "rule_paths: [packs]\npacks: [zctx]\n"
        "context:\n  product: supplement\n  audience: hcp\n  sport: true\n  content: education\n"
    ))
    write(project / "a.md", CTX_DOC)
    _, report, _ = run_json(["a.md"])
    assert ctx_rules(report) == ["supplement-only", "sport-only"]


def test_front_matter_context_overrides_config(project: Path) -> None:
    _context_pack(project)
    write(project / ".compliance-lint.yaml", "rule_paths: [packs]\npacks: [zctx]\ncontext:\n  product: supplement\n")
    write(project / "drug.md", "---\ncontext:\n  product: drug\n  sport: true\n---\n" + CTX_DOC)
    write(project / "plain.md", CTX_DOC)
    _, report, _ = run_json(["drug.md", "plain.md"])
    by_path: dict[str, list] = {}
    for f in report["findings"]:
        by_path.setdefault(f["path"], []).append(f["rule"].split(".", 1)[1])
    # front matter replaces product, adds sport; audience and content keep the config / default values
    assert by_path["drug.md"] == ["public-only", "sport-only", "ads-only"]
    assert by_path["plain.md"] == ["supplement-only", "public-only", "ads-only"]


def test_context_option(project: Path) -> None:
    _context_pack(project)
    write(project / ".compliance-lint.yaml", "rule_paths: [packs]\npacks: [zctx]\n")
    write(project / "a.md", CTX_DOC)
    _, report, _ = run_json(["--context", "product=supplement", "--context", "audience=hcp", "a.md"])
    assert ctx_rules(report) == ["supplement-only", "ads-only"]


def test_front_matter_markets_limit_packs(project: Path) -> None:
    setup_project(project, packs=(PACK_A, PACK_B))
    write(project / "us.md", f"---\ncontext:\n  markets: [{PACK_B}]\n---\nA cure.\n")
    _, report, _ = run_json(["us.md"])
    assert [f["rule"] for f in report["findings"]] == [f"{PACK_B}.cure"]


def test_config_markets_limit_packs(project: Path) -> None:
    setup_project(project, packs=(PACK_A, PACK_B), config_extra=f"context:\n  markets: [{PACK_A}]\n")
    write(project / "a.md", "A cure.\n")
    _, report, _ = run_json(["a.md"])
    assert [f["rule"] for f in report["findings"]] == [CURE]
