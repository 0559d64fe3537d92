"""Helpers for the foundation tests: small rule packs in tmp dirs, a CLI runner.

The bundled packs under ``rules/`` change as they are written; tests that need
exact findings use the packs defined here, loaded through a config file with
``rule_paths:`` (the same route a user's own packs take).
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import Any

import click
from click.testing import CliRunner, Result

import compliance_lint.cli as cli_module

# Pack ids that no bundled pack uses.
PACK_A = "zta"
PACK_B = "ztb"

_RULE = """\
  - id: {id}
    kind: {kind}
    category: {category}
    severity: {severity}
    languages: [{languages}]
    message:
      en: "{message_en}"
{message_zh}    citation:
      text: "Test Instrument art. {n}"
      url: https://example.org/law/{n}
    rationale: "Test rationale for {id}."
    suggestion: "Rewrite suggestion for {id}."
    negation: {negation}
{body}    examples:
      bad:
{bad}
      good:
{good}
"""


def rule_yaml(
    rule_id: str,
    *,
    kind: str = "phrase",
    terms: list[str] | None = None,
    regex: str | None = None,
    category: str = "cure_claim",
    severity: str = "error",
    languages: tuple[str, ...] = ("en",),
    negation: str = "clears",
    bad: list[str] | None = None,
    good: list[str] | None = None,
    n: int = 1,
    extra: str = "",
    match: str = "lower",
) -> str:
    if kind == "phrase":
        body = f"    match: {match}\n    terms: {json.dumps(terms or [], ensure_ascii=False)}\n"
    elif kind == "regex":
        body = f"    regex: {json.dumps(regex)}\n"
    else:
        raise ValueError(kind)
    body += extra
    message_zh = '      zh: "测试信息：{match}"\n' if "zh" in languages else ""

    def items(values: list[str]) -> str:
        return "\n".join(f"        - {json.dumps(v, ensure_ascii=False)}" for v in values)

    return _RULE.format(
        id=rule_id, kind=kind, category=category, severity=severity, languages=", ".join(languages),
        message_en=f"{rule_id} found \\\"{{match}}\\\"", message_zh=message_zh, n=n, negation=negation,
        body=body, bad=items(bad or [f"x {(terms or ['x'])[0]} x"]), good=items(good or ["Nothing to see here."]),
    )


# Pack A: English and Chinese phrase rules with one rule per severity, one regex rule.
PACK_A_RULES = [
    rule_yaml(f"{PACK_A}.cure", terms=["cure", "reverse insulin resistance"], category="cure_claim", severity="error",
              bad=["This cure works."], good=["Nothing to see here."], n=1),
    rule_yaml(f"{PACK_A}.miracle", terms=["miracle"], category="absolute_term", severity="warning",
              bad=["A miracle pill."], n=2),
    rule_yaml(f"{PACK_A}.detox", terms=["detox"], category="other", severity="info", bad=["A detox tea."], n=3),
    rule_yaml(f"{PACK_A}.percent", kind="regex", regex=r"100% effective", category="efficacy_guarantee", severity="error",
              bad=["It is 100% effective."], good=["It is effective for some."], n=4),
    rule_yaml(f"{PACK_A}.zh-cure", terms=["根治"], category="cure_claim", severity="error", languages=("zh",),
              bad=["本品能根治糖尿病。"], good=["本品是一种膳食补充剂。"], n=5),
]

# Pack B: a second pack flagging the same span as pack A ("cure"), for grouping.
PACK_B_RULES = [
    rule_yaml(f"{PACK_B}.cure", terms=["cure"], category="disease_claim", severity="warning",
              bad=["This cure works."], n=6),
]


def write_pack(root: Path, pack_id: str, rules: list[str], *, languages: str = "[en, zh]", manifest_extra: str = "") -> Path:
    folder = root / pack_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.yaml").write_text(
        f'id: {pack_id}\ntitle: "Test pack {pack_id}"\njurisdiction: US\nversion: "1.0"\nas_of: "2026-01-01"\n'
        f"languages: {languages}\n{manifest_extra}",
        encoding="utf-8",
    )
    (folder / "rules.yaml").write_text("rules:\n" + "".join(rules), encoding="utf-8")
    return folder


def setup_project(root: Path, *, packs: tuple[str, ...] = (PACK_A,), config_extra: str = "") -> Path:
    """Write packs A and B under ``root/packs`` and a config selecting ``packs``."""
    write_pack(root / "packs", PACK_A, PACK_A_RULES)
    write_pack(root / "packs", PACK_B, PACK_B_RULES)
    config = root / ".compliance-lint.yaml"
    config.write_text(
        "rule_paths: [packs]\n" f"packs: [{', '.join(packs)}]\n" + textwrap.dedent(config_extra),
        encoding="utf-8",
    )
    return config


class _Main(click.Command):
    """Runs the real console-script entry point (``compliance_lint.cli:main``) under CliRunner.

    Invoking ``cli`` directly would bypass ``main``'s mapping of errors to exit
    status 2; this goes through the same code as the installed script.
    """

    def main(self, args: Any = None, prog_name: Any = None, **extra: Any) -> Any:  # type: ignore[override]
        old = sys.argv
        sys.argv = ["compliance-lint", *(args or [])]
        try:
            cli_module.main()
        finally:
            sys.argv = old


def run(args: list[str], input: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:
    runner = CliRunner()
    return runner.invoke(_Main("compliance-lint"), args, input=input, env=env, catch_exceptions=False)


def run_json(args: list[str], input: str | bytes | None = None) -> tuple[int, dict[str, Any], Result]:
    result = run(["check", "--format", "json", *args], input=input)
    return result.exit_code, json.loads(result.stdout), result


def findings_of(path: Path, text: str | bytes, *extra: str) -> list[dict[str, Any]]:
    """Write ``text`` to ``path`` and return its JSON findings (cwd must hold the config)."""
    if isinstance(text, str):
        path.write_bytes(text.encode("utf-8"))
    else:
        path.write_bytes(text)
    code, report, result = run_json([str(path), *extra])
    assert code in (0, 1), result.stderr
    return report["findings"]


# ---- independent position arithmetic (never taken from the tool's output) ----

def split_lines(text: str) -> list[int]:
    """Offsets where lines start; breaks are \\n, \\r\\n and a lone \\r."""
    starts = [0]
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\r":
            i += 2 if text[i + 1:i + 2] == "\n" else 1
            starts.append(i)
            continue
        if ch == "\n":
            starts.append(i + 1)
        i += 1
    return starts


def line_col(text: str, offset: int) -> tuple[int, int]:
    starts = split_lines(text)
    line = max(i for i, s in enumerate(starts) if s <= offset)
    return line + 1, offset - starts[line] + 1


def expected_position(text: str, needle: str, occurrence: int = 1, *, after: str | None = None) -> dict[str, Any]:
    """line/column/end_line/end_column/match of the n-th ``needle`` in ``text`` (after ``after``)."""
    pos = text.index(after) + len(after) if after else 0
    for _ in range(occurrence):
        start = text.index(needle, pos)
        pos = start + 1
    end = start + len(needle)
    line, col = line_col(text, start)
    end_line, end_col = line_col(text, end)
    return {"line": line, "column": col, "end_line": end_line, "end_column": end_col, "match": needle}


def position_of(finding: dict[str, Any]) -> dict[str, Any]:
    return {k: finding[k] for k in ("line", "column", "end_line", "end_column", "match")}


def slice_at(text: str, finding: dict[str, Any]) -> str:
    """The source text between a finding's start and (exclusive) end position."""
    starts = split_lines(text)
    start = starts[finding["line"] - 1] + finding["column"] - 1
    end = starts[finding["end_line"] - 1] + finding["end_column"] - 1
    return text[start:end]
