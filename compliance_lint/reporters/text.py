"""``--format text``: for people. path:line:col, severity, rule, message, the
sentence with the match marked, the suggestion; findings of several packs on the
same span grouped; colour only on a terminal and never with NO_COLOR."""

from __future__ import annotations

from collections import Counter, defaultdict

from compliance_lint.models import Finding
from compliance_lint.reporters import Report

COLORS = {"error": "31", "warning": "33", "info": "36", "dim": "2", "bold": "1", "match": "4"}


def _c(text: str, code: str, on: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if on else text


def _marked(f: Finding, on: bool) -> str:
    sentence = f.sentence
    idx = sentence.find(f.match) if f.match else -1
    if idx < 0:
        norm_match = " ".join(f.match.split())
        idx = sentence.find(norm_match)
        length = len(norm_match)
    else:
        length = len(f.match)
    if idx < 0:
        return sentence
    left, mid, right = sentence[:idx], sentence[idx:idx + length], sentence[idx + length:]
    if len(left) > 80:
        left = "…" + left[-79:]
    if len(right) > 80:
        right = right[:79] + "…"
    return f"{left}{_c('»' + mid + '«', COLORS['bold'], on)}{right}"


def render(report: Report) -> str:
    on = report.color
    lines: list[str] = []
    groups: dict[tuple[str, int, int, int, int], list[Finding]] = defaultdict(list)
    for f in report.findings:
        groups[(f.path, f.line, f.column, f.end_line, f.end_column)].append(f)
    for (path, line, col, _el, _ec), items in groups.items():
        items.sort(key=lambda f: (-("error", "warning", "info").index(f.severity) if False else ("error", "warning", "info").index(f.severity), f.rule))
        head = items[0]
        for i, f in enumerate(items):
            sev = _c(f.severity, COLORS[f.severity], on) if not f.suppressed else _c("suppressed", COLORS["dim"], on)
            where = f"{path}:{line}:{col}:" if i == 0 else " " * len(f"{path}:{line}:{col}:")
            lines.append(f"{where} {sev} [{f.rule}] {f.message}")
            lines.append(f"    cite: {f.citation}" + (f" <{f.citation_url}>" if f.citation_url else ""))
            if f.notes:
                lines.append(f"    note: {'; '.join(f.notes)}")
            if f.suppressed and f.suppression_reason:
                lines.append(f"    suppressed: {f.suppression_reason}")
        lines.append(f"    | {_marked(head, on)}")
        suggestions = list(dict.fromkeys(f.suggestion for f in items if f.suggestion))
        for s in suggestions[:3]:
            lines.append(f"    = rewrite: {s}")
        lines.append("")
    for e in report.errors:
        lines.append(f"{e.path}: {_c('error', COLORS['error'], on)}: {e.message}")
    if report.statistics:
        lines.append(_statistics(report))
    counts = report.by_severity()
    suppressed = sum(1 for f in report.findings if f.suppressed)
    total = sum(counts.values())
    summary = (
        f"{total} finding{'s' if total != 1 else ''} in {len(report.files)} file{'s' if len(report.files) != 1 else ''}"
        f" ({counts['error']} error, {counts['warning']} warning, {counts['info']} info"
        + (f", {suppressed} suppressed" if suppressed else "")
        + ")"
    )
    if report.errors:
        summary += f"; {len(report.errors)} input error{'s' if len(report.errors) != 1 else ''}"
    lines.append(_c(summary, COLORS["bold"], on))
    return "\n".join(lines) + "\n"


def _statistics(report: Report) -> str:
    counts = Counter((f.rule, f.category) for f in report.findings if not f.suppressed)
    if not counts:
        return ""
    width = max(len(str(n)) for n in counts.values())
    rows = [f"{n:>{width}}  {rule:<40} {cat}" for (rule, cat), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return "\n".join(rows) + "\n"
