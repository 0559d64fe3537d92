"""A JSON report written to a file (-o) is orjson's bytes as they are: the same bytes as the
text report encoded, for every input the text path handles."""

from __future__ import annotations

import json
import sys

import pytest

from compliance_lint.models import Finding, InputError
from compliance_lint.reporters import FORMATS, Report, render, render_output
from compliance_lint.reporters.json_report import dumps_indented, dumps_indented_output


def _finding(i: int, **kw: object) -> Finding:
    values: dict = dict(rule=f"zp.r{i % 3}", pack="zp", category="cure_claim", severity=("error", "warning", "info")[i % 3],
                        message=f"“{i}” é \\ \"q\" 司美格鲁肽 \U0001f600", path=f"docs/ü {i // 4}.md", line=i + 1, column=2,
                        end_line=i + 1, end_column=9, match="cures\u2028x", citation="Act §1", citation_url="https://e/1",
                        suggestion="s\n\tt", sentence="It cures.\x00", fingerprint=f"{i:016x}",
                        suppressed=i % 5 == 0, suppression_reason="legal" if i % 5 == 0 else None,
                        substance="x" if i % 2 else None, notes=["negated"] if i % 4 == 1 else [],
                        fix={"replacement": "helps", "safe": True} if i % 6 == 0 else None)
    values.update(kw)
    return Finding(**values)


def _report(findings: list[Finding], statistics: bool = False) -> Report:
    return Report(findings=findings, errors=[InputError("missing.md", "no such file or directory")],
                  files=["docs/a.md"], tool_version="9.9", packs={"zp": "1", "aa": "2"}, statistics=statistics)


@pytest.mark.parametrize("statistics", [False, True])
def test_json_output_bytes_are_the_text_report_encoded(statistics: bool) -> None:
    report = _report([_finding(i) for i in range(40)], statistics)
    out = render_output("json", report)
    assert isinstance(out, bytes)
    assert out == render("json", report).encode("utf-8")
    assert out.decode("utf-8") == json.dumps(json.loads(out), ensure_ascii=False, indent=2) + "\n"


def test_slow_path_stays_text(monkeypatch: pytest.MonkeyPatch) -> None:
    assert dumps_indented_output({"s": "\ud800"}) == dumps_indented({"s": "\ud800"})
    assert isinstance(dumps_indented_output({"s": "\ud800"}), str)
    report = _report([_finding(1)])
    fast = render_output("json", report)
    monkeypatch.setitem(sys.modules, "orjson", None)  # not installed: the standard library's text
    slow = render_output("json", report)
    assert isinstance(slow, str) and slow.encode("utf-8") == fast


@pytest.mark.parametrize("fmt", sorted(set(FORMATS) - {"json"}))
def test_other_formats_render_output_is_their_text(fmt: str) -> None:
    report = _report([_finding(i) for i in range(5)])
    assert render_output(fmt, report) == render(fmt, report)


def test_cli_file_output_equals_stdout(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from compliance_lint.cli import cli

    doc = tmp_path / "post.md"
    doc.write_text("# Post\n\nThis supplement cures diabetes — “guaranteed”. 本品可以治愈糖尿病。\n", encoding="utf-8")
    monkeypatch.setenv("COMPLIANCE_LINT_CACHE_DIR", str(tmp_path / "cache"))
    runner = CliRunner()
    shown = runner.invoke(cli, ["check", "--no-cache", "--format", "json", "--fail-on", "never", str(doc)])
    written = runner.invoke(cli, ["check", "--no-cache", "--format", "json", "--fail-on", "never", "-o", str(tmp_path / "r.json"), str(doc)])
    assert shown.exit_code == written.exit_code == 0, shown.output + written.output
    assert '"findings": [\n    {' in shown.stdout
    assert (tmp_path / "r.json").read_bytes() == shown.stdout_bytes
