"""Report formats: one module per format, each exposing ``render(report) -> str``."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from compliance_lint.models import Finding, InputError

FORMATS = {
    "text": "compliance_lint.reporters.text",
    "json": "compliance_lint.reporters.json_report",
    "sarif": "compliance_lint.reporters.sarif",
    "github": "compliance_lint.reporters.github",
    "junit": "compliance_lint.reporters.junit",
    "html": "compliance_lint.reporters.html",
}


@dataclass
class Report:
    """Everything a reporter may show."""

    findings: list[Finding]
    errors: list[InputError]
    files: list[str]
    tool_version: str
    packs: dict[str, str]
    color: bool = False
    statistics: bool = False
    documents: dict[str, Any] = field(default_factory=dict)
    rules: dict[str, Any] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)

    def by_severity(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            if not f.suppressed:
                counts[f.severity] += 1
        return counts


def render(fmt: str, report: Report) -> str:
    return importlib.import_module(FORMATS[fmt]).render(report)


def render_output(fmt: str, report: Report) -> str | bytes:
    """``render(fmt, report)``, or its UTF-8 encoding where a format makes bytes first
    (``json``: see ``json_report.render_output``); for writing to a file."""
    module = importlib.import_module(FORMATS[fmt])
    fast = getattr(module, "render_output", None)
    return fast(report) if fast is not None else module.render(report)
