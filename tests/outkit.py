"""Helpers for the output / integration tests: a test rule pack with fixes, CLI runners.

The pack lives in a tmp dir and is loaded through ``rule_paths:`` so these tests
do not depend on the bundled packs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from lintkit import run  # noqa: F401  (re-exported for the tests that import it from here)

REPO_ROOT = Path(__file__).resolve().parent.parent
PACK = "zout"

RULES = f"""\
rules:
  - id: {PACK}.cure
    kind: phrase
    category: cure_claim
    severity: error
    languages: [en, zh]
    message:
      en: "\\"{{match}}\\" is a cure claim"
      zh: "“{{match}}”是治愈声明"
    citation:
      text: "Test Act §1"
      url: https://example.org/law/1
    rationale: "Cure claims make a product a drug."
    suggestion: "Say what was measured instead."
    match: lower
    terms: [cure, cures, "reverse insulin resistance", 根治]
    fix: {{replacement: "may help with", safe: false}}
    examples:
      bad: ["This cures colds."]
      good: ["Nothing here."]
  - id: {PACK}.miracle
    kind: phrase
    category: absolute_term
    severity: warning
    languages: [en]
    message:
      en: "\\"{{match}}\\" is an absolute term"
    citation:
      text: "Test Act §2"
      url: https://example.org/law/2
    rationale: "Absolute terms overstate."
    suggestion: "Use a measured word."
    match: lower
    terms: [miracle]
    fix: {{replacement: "notable", safe: true}}
    examples:
      bad: ["A miracle pill."]
      good: ["Nothing here."]
  - id: {PACK}.detox
    kind: phrase
    category: other
    severity: info
    languages: [en]
    message:
      en: "\\"{{match}}\\" is vague"
    citation:
      text: "Test Act §3"
      url: https://example.org/law/3
    rationale: "Detox is not a defined effect."
    suggestion: "Describe the ingredient."
    match: lower
    terms: [detox]
    examples:
      bad: ["A detox tea."]
      good: ["Nothing here."]
  - id: {PACK}.percent
    kind: regex
    category: efficacy_guarantee
    severity: error
    languages: [en]
    message:
      en: "\\"{{match}}\\" guarantees efficacy"
    citation:
      text: "Test Act §4"
      url: https://example.org/law/4
    rationale: "Nothing is 100% effective."
    suggestion: "Report the measured effect."
    regex: "100% effective"
    fix: {{replacement: "effective for some people", safe: true}}
    examples:
      bad: ["It is 100% effective."]
      good: ["It helps some."]
"""


def setup_project(root: Path, config_extra: str = "") -> Path:
    """Write the test pack under ``root/packs/zout`` and a config selecting it."""
    folder = root / "packs" / PACK
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.yaml").write_text(
        f'id: {PACK}\ntitle: "Output test pack"\njurisdiction: US\nversion: "9.9"\nas_of: "2026-01-01"\nlanguages: [en, zh]\n',
        encoding="utf-8",
    )
    (folder / "rules.yaml").write_text(RULES, encoding="utf-8")
    config = root / ".compliance-lint.yaml"
    config.write_text(f"rule_paths: [packs]\npacks: [{PACK}]\n" + textwrap.dedent(config_extra), encoding="utf-8")
    return config


# One CLI runner for every test kit: lintkit.run (console-script entry point under CliRunner).


def run_process(args: list[str], cwd: Path, env: dict[str, str] | None = None, input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """The real tool in a child process (``python -m compliance_lint``)."""
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + full_env.get("PYTHONPATH", "")
    full_env.pop("NO_COLOR", None)
    if env:
        full_env.update(env)
    return subprocess.run([sys.executable, "-m", "compliance_lint", *args], cwd=cwd, env=full_env, input=input,
                          capture_output=True, timeout=300)


SAMPLE = (
    "# A miracle for you\n"
    "\n"
    "Our tea cures colds. It is 100% effective & <b>safe</b>.\n"
    "\n"
    "Try our detox plan.\n"
)
