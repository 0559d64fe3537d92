"""SARIF, GitHub annotations, JUnit XML and --statistics, through the CLI."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest
from outkit import SAMPLE, run, run_process, setup_project

from compliance_lint.reporters.github import escape_data, escape_property

DATA = Path(__file__).parent / "data"


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    setup_project(tmp_path)
    docs = tmp_path / "docs" / "sub dir"
    docs.mkdir(parents=True)
    (docs / "post.md").write_text(
        SAMPLE + "\n<!-- compliance-lint disable-next-line zout.cure -- approved by legal 2026-11 -->\nIt cures colds.\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path / "docs")
    return tmp_path


def sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    assert schema["$schema"].startswith("http://json-schema.org/draft-04/")
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


# ---------------------------------------------------------------- SARIF

def test_sarif_valid_and_complete(project: Path) -> None:
    result = run(["check", "--format", "sarif", "sub dir/post.md", "missing.md", "--config", str(project / ".compliance-lint.yaml")])
    assert result.exit_code == 2  # the missing input wins
    log = json.loads(result.stdout)
    sarif_validator().validate(log)
    assert log["version"] == "2.1.0"
    (run_,) = log["runs"]
    assert run_["columnKind"] == "unicodeCodePoints"
    driver = run_["tool"]["driver"]
    assert driver["name"] == "compliance-lint" and driver["version"] and driver["informationUri"].startswith("https://")
    rules = {r["id"]: r for r in driver["rules"]}
    cure = rules["zout.cure"]
    assert cure["fullDescription"]["text"] == "Cure claims make a product a drug."
    assert cure["helpUri"] == "https://example.org/law/1"
    assert "Test Act §1" in cure["help"]["text"] and "Say what was measured instead." in cure["help"]["markdown"]
    assert "[Test Act §1](https://example.org/law/1)" in cure["help"]["markdown"]
    assert cure["properties"]["tags"] == ["zout", "cure_claim"]
    assert cure["defaultConfiguration"]["level"] == "error"
    assert rules["zout.detox"]["defaultConfiguration"]["level"] == "note"

    results = run_["results"]
    for r in results:
        assert driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
        loc = r["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"] == {"uri": "docs/sub%20dir/post.md", "uriBaseId": "%SRCROOT%"}
        assert len(r["partialFingerprints"]["complianceLint/v1"]) >= 8
    by_rule = {}
    for r in results:
        by_rule.setdefault(r["ruleId"], []).append(r)
    cure_live, cure_suppressed = by_rule["zout.cure"]
    text = SAMPLE
    col = text.splitlines()[2].index("cures") + 1
    assert cure_live["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 3, "startColumn": col, "endLine": 3, "endColumn": col + len("cures"), "snippet": {"text": "cures"},
    }
    assert cure_live["level"] == "error" and "suppressions" not in cure_live
    assert cure_suppressed["suppressions"] == [{"kind": "inSource", "justification": "approved by legal 2026-11"}]
    assert by_rule["zout.miracle"][0]["level"] == "warning"
    assert by_rule["zout.detox"][0]["level"] == "note"
    # A rule with a fix carries a SARIF fix.
    fix = by_rule["zout.miracle"][0]["fixes"][0]
    assert fix["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == "notable"

    invocation = run_["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    assert any("missing.md" in n["message"]["text"] and n["level"] == "error" for n in notes)
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.resolve().as_uri() + "/"


def test_sarif_clean_run_is_valid_and_successful(project: Path) -> None:
    clean = project / "clean.md"
    clean.write_text("Our tea is a pleasant drink.\n", encoding="utf-8")
    result = run(["check", "--format", "sarif", str(clean), "--config", str(project / ".compliance-lint.yaml")])
    assert result.exit_code == 0, result.output
    log = json.loads(result.stdout)
    sarif_validator().validate(log)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_sarif_outside_git_is_relative_to_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    setup_project(tmp_path)
    (tmp_path / "a.md").write_text("It cures colds.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    from compliance_lint.reporters import paths

    if paths.git_root(str(tmp_path)) is not None:
        pytest.skip("tmp dir is inside a git work tree")
    log = json.loads(run(["check", "--format", "sarif", "./a.md"]).stdout)
    assert log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "a.md"


def test_sarif_fingerprint_survives_moving_lines(project: Path) -> None:
    post = project / "docs" / "sub dir" / "post.md"
    before = json.loads(run(["check", "--format", "sarif", str(post)]).stdout)
    post.write_text("\n\nNew intro paragraph.\n\n" + post.read_text(encoding="utf-8"), encoding="utf-8")
    after = json.loads(run(["check", "--format", "sarif", str(post)]).stdout)

    def prints(log: dict) -> list[str]:
        return sorted(r["partialFingerprints"]["complianceLint/v1"] for r in log["runs"][0]["results"])

    assert prints(before) == prints(after)
    assert before["runs"][0]["results"][0]["locations"] != after["runs"][0]["results"][0]["locations"]


# ---------------------------------------------------------------- GitHub

def test_github_escaping() -> None:
    assert escape_data("100% a\r\nb") == "100%25 a%0D%0Ab"
    assert escape_data("a:b,c") == "a:b,c"
    assert escape_property("x:y,z%\n") == "x%3Ay%2Cz%25%0A"


def test_github_annotations(project: Path) -> None:
    result = run(["check", "--format", "github", "sub dir/post.md"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert all(line.startswith("::") for line in lines)
    kinds = [line.split(" ", 1)[0] for line in lines]
    assert kinds.count("::error") == 2  # cure + 100% effective; the suppressed cure is not emitted
    assert "::warning" in kinds and "::notice" in kinds
    cure = next(line for line in lines if "zout.cure" in line)
    col = SAMPLE.splitlines()[2].index("cures") + 1
    assert cure.startswith(f"::error file=docs/sub dir/post.md,line=3,col={col},endLine=3,endColumn={col + 5},title=zout.cure (cure_claim)::")
    message = cure.split("::", 2)[2]
    assert "\n" not in message and "%0ACitation%3A" not in message and "%0ACitation: Test Act §1" in message
    assert "approved by legal" not in result.stdout


def test_github_multiline_finding_omits_columns(project: Path) -> None:
    post = project / "docs" / "two.md"
    post.write_text("It will reverse insulin\nresistance fast.\n", encoding="utf-8")
    result = run(["check", "--format", "github", str(post)])
    (line,) = [x for x in result.stdout.splitlines() if "zout.cure" in x]
    props = line.split("::")[1].split(" ", 1)[1]
    keys = [p.split("=", 1)[0] for p in props.split(",")]
    assert keys == ["file", "line", "endLine", "title"]
    assert "line=1," in props and "endLine=2," in props


# ---------------------------------------------------------------- JUnit

def test_junit_valid_against_xsd(project: Path) -> None:
    from lxml import etree

    clean = project / "docs" / "clean.md"
    clean.write_text("A pleasant drink.\n", encoding="utf-8")
    (project / "docs" / "ctrl.md").write_text("It cures \x01 colds.\n", encoding="utf-8")
    result = run(["check", "--format", "junit", "sub dir/post.md", "clean.md", "ctrl.md", "nope.md"])
    assert result.exit_code == 2
    schema = etree.XMLSchema(etree.parse(str(DATA / "junit.xsd")))
    doc = etree.fromstring(result.stdout.encode("utf-8"))
    schema.assertValid(doc)
    suites = {s.get("name"): s for s in doc.findall("testsuite")}
    post = suites["sub dir/post.md"]
    cases = post.findall("testcase")
    assert len(cases) == 5  # one per finding, suppressed included
    assert post.get("failures") == "3"  # cure + 100% + miracle; detox is info
    assert post.get("skipped") == "1"
    failure = next(c for c in cases if c.get("name").startswith("zout.cure")).find("failure")
    assert failure.get("type") == "zout.cure" and "Test Act §1" in failure.text
    assert suites["clean.md"].get("failures") == "0" and suites["clean.md"].find("testcase").get("name") == "no findings"
    assert suites["nope.md"].get("errors") == "1"
    assert doc.get("errors") == "1"


# ---------------------------------------------------------------- --statistics

def test_statistics_text_and_json(project: Path) -> None:
    text = run(["check", "--statistics", "sub dir/post.md"]).stdout
    stats = [line for line in text.splitlines() if line.strip().startswith("1  zout.")]
    assert {line.split()[1] for line in stats} == {"zout.cure", "zout.miracle", "zout.detox", "zout.percent"}
    data = json.loads(run(["check", "--format", "json", "--statistics", "sub dir/post.md"]).stdout)
    assert data["statistics"] == [
        {"rule": "zout.cure", "category": "cure_claim", "count": 1},
        {"rule": "zout.detox", "category": "other", "count": 1},
        {"rule": "zout.miracle", "category": "absolute_term", "count": 1},
        {"rule": "zout.percent", "category": "efficacy_guarantee", "count": 1},
    ]
    assert "statistics" not in json.loads(run(["check", "--format", "json", "sub dir/post.md"]).stdout)


def test_machine_formats_through_real_process(project: Path) -> None:
    """The installed-style entry point (python -m) writes SARIF with --output."""
    out = project / "report.sarif"
    proc = run_process(["check", "--format", "sarif", "--output", str(out), "docs/sub dir/post.md"], cwd=project)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == b""
    sarif_validator().validate(json.loads(out.read_text(encoding="utf-8")))


def test_json_text_is_the_standard_library_layout(monkeypatch) -> None:
    """orjson writes the report; the text is what json.dumps(indent=2, ensure_ascii=False) gives."""
    import json as _json
    import sys as _sys

    from compliance_lint.reporters.json_report import dumps_indented

    data = {"version": 1, "findings": [{"rule": "x.y", "message": "“引号” é \\ \"q\"", "line": 3, "notes": [], "fix": None,
                                        "ok": True}], "errors": [], "summary": {"by_severity": {"error": 1}}}
    fast = dumps_indented(data)
    assert fast == _json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    monkeypatch.setitem(_sys.modules, "orjson", None)  # not installed: the stdlib path
    assert dumps_indented(data) == fast
    assert dumps_indented({"s": "\ud800"}) == _json.dumps({"s": "\ud800"}, ensure_ascii=False, indent=2) + "\n"
