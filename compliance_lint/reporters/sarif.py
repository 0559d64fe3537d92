"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning and SARIF viewers.

- ``tool.driver.rules``: the rules that produced a finding, with the rationale,
  help (message, citation, suggested rewrite) and the citation URL as helpUri.
- results: level error / warning / note; region in Unicode code points
  (``run.columnKind``), end exclusive as SARIF wants; artifact URIs relative to
  the git root (``%SRCROOT%``) with forward slashes.
- ``partialFingerprints["complianceLint/v1"]``: ``Finding.fingerprint`` (rule +
  path + normalised sentence), so moving text does not re-open an alert.
- suppressed findings stay, with ``suppressions: [{kind: inSource}]``.
- input errors: ``executionSuccessful: false`` and tool execution notifications.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from compliance_lint.models import Finding
from compliance_lint.reporters import Report
from compliance_lint.reporters.paths import artifact_uri, base_for, is_pseudo

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/compliance-lint/"
FINGERPRINT_KEY = "complianceLint/v1"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
SRCROOT = "%SRCROOT%"


def _placeholders(template: str) -> str:
    return template.replace("{match}", "…").replace("{substance}", "the substance").replace("{condition}", "the condition")


def _http(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def _rule_descriptor(rule_id: str, rule: Any, sample: Finding) -> dict[str, Any]:
    if rule is not None:
        pack, category, severity = rule.pack, rule.category, rule.severity
        message = _placeholders(rule.message_for("en"))
        rationale = " ".join((rule.rationale or "").split()) or message
        citation, url = rule.citation.text, rule.citation.url
        suggestion = rule.suggestion
    else:  # a finding whose rule is not in the run's rule table (document-level or meta findings)
        pack, category, severity = sample.pack, sample.category, sample.severity
        message = sample.message
        rationale = sample.message
        citation, url = sample.citation, sample.citation_url
        suggestion = sample.suggestion
    name = rule_id.split(".", 1)[-1]
    cite_md = f"[{citation}]({url})" if url and _http(url) else citation
    help_text = f"{message}\n\nWhy: {rationale}\n\nCitation: {citation}" + (f" <{url}>" if url else "")
    help_md = f"**{message}**\n\n{rationale}\n\n**Citation:** {cite_md}"
    if suggestion:
        help_text += f"\n\nSuggested rewrite: {suggestion}"
        help_md += f"\n\n**Suggested rewrite:** {suggestion}"
    desc: dict[str, Any] = {
        "id": rule_id,
        "name": name,
        "shortDescription": {"text": message},
        "fullDescription": {"text": rationale},
        "help": {"text": help_text, "markdown": help_md},
        "defaultConfiguration": {"level": LEVELS.get(severity, "warning")},
        "properties": {"tags": [pack, category], "pack": pack, "category": category},
    }
    if url and _http(url):
        desc["helpUri"] = url
    return desc


def _location(path: str) -> dict[str, Any]:
    uri, relative = artifact_uri(path)
    loc: dict[str, Any] = {"uri": uri}
    if relative and not is_pseudo(path):
        loc["uriBaseId"] = SRCROOT
    return loc


def _result(f: Finding, index: int) -> dict[str, Any]:
    region: dict[str, Any] = {
        "startLine": f.line,
        "startColumn": f.column,
        "endLine": max(f.end_line, f.line),
        "endColumn": max(f.end_column, 1),
    }
    if f.match:
        region["snippet"] = {"text": f.match}
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": index,
        "level": LEVELS.get(f.severity, "warning"),
        "message": {"text": f.message},
        "locations": [{"physicalLocation": {"artifactLocation": _location(f.path), "region": region}}],
        "properties": {"pack": f.pack, "category": f.category, "citation": f.citation},
    }
    if f.citation_url:
        result["properties"]["citationUrl"] = f.citation_url
    if f.suggestion:
        result["properties"]["suggestion"] = f.suggestion
    if f.notes:
        result["properties"]["notes"] = list(f.notes)
    if f.fingerprint:
        result["partialFingerprints"] = {FINGERPRINT_KEY: f.fingerprint}
    if f.suppressed:
        suppression: dict[str, Any] = {"kind": "inSource"}
        if f.suppression_reason:
            suppression["justification"] = f.suppression_reason
        result["suppressions"] = [suppression]
    if f.fix and isinstance(f.fix.get("replacement"), str):
        safe = bool(f.fix.get("safe"))
        result["fixes"] = [{
            "description": {"text": f"Replace with {f.fix['replacement']!r}" + ("" if safe else " (unsafe: review the result)")},
            "artifactChanges": [{
                "artifactLocation": _location(f.path),
                "replacements": [{
                    "deletedRegion": {k: region[k] for k in ("startLine", "startColumn", "endLine", "endColumn")},
                    "insertedContent": {"text": f.fix["replacement"]},
                }],
            }],
            "properties": {"safe": safe},
        }]
    return result


def as_dict(report: Report) -> dict[str, Any]:
    order: list[str] = []
    samples: dict[str, Finding] = {}
    for f in report.findings:
        if f.rule not in samples:
            samples[f.rule] = f
            order.append(f.rule)
    order.sort()
    index = {rid: i for i, rid in enumerate(order)}
    rules = [_rule_descriptor(rid, report.rules.get(rid), samples[rid]) for rid in order]
    results = [_result(f, index[f.rule]) for f in report.findings]
    notifications: list[dict[str, Any]] = []
    for e in report.errors:
        n: dict[str, Any] = {"level": "error", "message": {"text": f"{e.path}: {e.message}"}}
        if not is_pseudo(e.path):
            n["locations"] = [{"physicalLocation": {"artifactLocation": _location(e.path)}}]
        notifications.append(n)
    for notice in report.notices:
        notifications.append({"level": "note", "message": {"text": notice}})
    invocation: dict[str, Any] = {"executionSuccessful": not report.errors}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "compliance-lint",
                "version": report.tool_version,
                "semanticVersion": report.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": rules,
                "properties": {"packs": dict(sorted(report.packs.items()))},
            }
        },
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    bases = {base_for(f.path) for f in report.findings if not is_pseudo(f.path)}
    if len(bases) == 1:
        root = bases.pop()
        run["originalUriBaseIds"] = {SRCROOT: {"uri": Path(root).as_uri().rstrip("/") + "/"}}
    elif not bases:
        root = base_for(os.path.join(os.getcwd(), "-"))
        run["originalUriBaseIds"] = {SRCROOT: {"uri": Path(root).as_uri().rstrip("/") + "/"}}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: Report) -> str:
    from compliance_lint.reporters.json_report import dumps_indented

    return dumps_indented(as_dict(report))
