"""``--format json``: the contract object of DESIGN.md (version 1)."""

from __future__ import annotations

import json

from compliance_lint.reporters import Report


def as_dict(report: Report) -> dict:
    return {
        "version": 1,
        "tool": {"name": "compliance-lint", "version": report.tool_version, "packs": dict(sorted(report.packs.items()))},
        "findings": [f.to_json() for f in report.findings],
        "errors": [e.to_json() for e in report.errors],
        "summary": {
            "files": len(report.files),
            "findings": sum(1 for f in report.findings if not f.suppressed),
            "suppressed": sum(1 for f in report.findings if f.suppressed),
            "by_severity": report.by_severity(),
        },
    }


def statistics(report: Report) -> list[dict]:
    """Counts per rule of unsuppressed findings, most frequent first (``--statistics``)."""
    from collections import Counter

    counts = Counter((f.rule, f.category) for f in report.findings if not f.suppressed)
    return [{"rule": r, "category": c, "count": n} for (r, c), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def render(report: Report) -> str:
    data = as_dict(report)
    if report.statistics:
        data["statistics"] = statistics(report)
    return dumps_one_per_line(data)


def dumps_one_per_line(data: dict) -> str:
    """Indented JSON whose list items (findings, errors...) take one line each.

    ``json.dumps(indent=2)`` runs the pure-Python encoder: for 60,000 findings
    that took longer than reading them back from the result cache. Each item
    is encoded by the C encoder instead; the text is still one valid JSON
    object, and one finding per line reads (and greps) well.
    """
    lines = ["{"]
    items = list(data.items())
    for n, (key, value) in enumerate(items):
        comma = "," if n < len(items) - 1 else ""
        head = f"  {json.dumps(key)}: "
        if isinstance(value, list) and value:
            body = ",\n".join("    " + json.dumps(v, ensure_ascii=False) for v in value)
            lines.append(f"{head}[\n{body}\n  ]{comma}")
        else:
            text = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
            lines.append(f"{head}{text}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"
