"""``--format html``: one self-contained page for a regulatory reviewer.

Each document's text is shown line by line with the findings highlighted in
place (colour by severity; overlapping findings share a highlight coloured by
the most severe). Next to each line: the message, the citation (linked), the
suggested rewrite and any fix. A summary table counts findings by pack and
category; checkboxes hide a severity (or suppressed findings) everywhere.

No external assets: CSS and JS are inline, and a Content-Security-Policy
forbids loading anything. Everything from the linted text, the rule packs or
the paths is HTML-escaped; only http(s) citation URLs become links.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from html import escape
from typing import Any

from compliance_lint.models import SEVERITY_RANK, Finding
from compliance_lint.positions import LineIndex
from compliance_lint.reporters import Report

SEVERITIES = ("error", "warning", "info")

CSS = """
:root { --error:#d1242f; --error-bg:#ffd7d5; --warning:#9a6700; --warning-bg:#fff1a8;
        --info:#0969da; --info-bg:#ddf4ff; --muted:#57606a; --line:#d0d7de; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
header { background: #fff; border-bottom: 1px solid var(--line); padding: 16px 24px; position: sticky; top: 0; z-index: 2; }
header h1 { font-size: 20px; margin: 0 0 4px; }
.meta { color: var(--muted); font-size: 13px; }
.filters { margin-top: 8px; display: flex; gap: 16px; flex-wrap: wrap; }
.filters label { cursor: pointer; user-select: none; }
main { padding: 16px 24px; max-width: 1500px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 0 0 20px; padding: 12px 16px; }
h2 { font-size: 17px; margin: 4px 0 12px; word-break: break-all; }
table.summary { border-collapse: collapse; font-size: 14px; }
table.summary th, table.summary td { border: 1px solid var(--line); padding: 4px 10px; text-align: left; }
table.summary td.n { text-align: right; font-variant-numeric: tabular-nums; }
.doc { display: grid; grid-template-columns: 3.5em minmax(0, 1fr) minmax(280px, 38%); font-size: 14px; }
.ln { color: var(--muted); text-align: right; padding-right: 10px; font-family: ui-monospace, monospace; font-size: 12px; user-select: none; }
.tx { white-space: pre-wrap; overflow-wrap: anywhere; padding: 1px 8px; border-left: 1px solid var(--line); }
.nt { padding: 1px 0 1px 10px; }
.row-flagged .tx { background: #fafbfc; }
mark { background: none; color: inherit; border-radius: 2px; padding: 0 1px; }
mark[data-top="error"] { background: var(--error-bg); box-shadow: inset 0 -2px var(--error); }
mark[data-top="warning"] { background: var(--warning-bg); box-shadow: inset 0 -2px var(--warning); }
mark[data-top="info"] { background: var(--info-bg); box-shadow: inset 0 -2px var(--info); }
mark[data-top="suppressed"] { outline: 1px dashed var(--muted); }
mark sup { font-size: 10px; color: var(--muted); }
.note { border-left: 4px solid var(--line); background: #fff; margin: 2px 0 8px; padding: 4px 8px; font-size: 13px; }
.note.sev-error { border-color: var(--error); }
.note.sev-warning { border-color: var(--warning); }
.note.sev-info { border-color: var(--info); }
.note.suppressed { opacity: .7; border-style: dashed; }
.badge { display: inline-block; font-size: 11px; font-weight: 600; text-transform: uppercase; padding: 0 5px; border-radius: 3px; color: #fff; }
.badge.error { background: var(--error); } .badge.warning { background: var(--warning); } .badge.info { background: var(--info); }
.badge.supp { background: var(--muted); }
.rule { font-family: ui-monospace, monospace; font-size: 12px; }
.msg { font-weight: 600; margin: 2px 0; }
.cite, .rw, .fx, .why { margin: 2px 0; }
.rw { color: #1a7f37; }
.empty { color: var(--muted); font-style: italic; }
.errors li { color: var(--error); }
body.hide-error .note.sev-error:not(.suppressed),
body.hide-warning .note.sev-warning:not(.suppressed),
body.hide-info .note.sev-info:not(.suppressed),
body.hide-suppressed .note.suppressed { display: none; }
"""

JS = """
(function () {
  var rank = {error: 3, warning: 2, info: 1};
  function enabled(kind) { return !document.body.classList.contains('hide-' + kind); }
  function refresh() {
    document.querySelectorAll('mark[data-findings]').forEach(function (m) {
      var top = '', best = 0;
      m.getAttribute('data-findings').split(' ').forEach(function (item) {
        var parts = item.split(':'), sev = parts[0], supp = parts[1] === 's';
        if (supp) { if (enabled('suppressed') && !top) { top = 'suppressed'; } return; }
        if (enabled(sev) && rank[sev] > best) { best = rank[sev]; top = sev; }
      });
      m.setAttribute('data-top', top);
    });
  }
  document.querySelectorAll('.filters input[type=checkbox]').forEach(function (box) {
    box.addEventListener('change', function () {
      document.body.classList.toggle('hide-' + box.getAttribute('data-kind'), !box.checked);
      refresh();
    });
  });
  refresh();
})();
"""


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _link(text: str, url: str) -> str:
    if url.startswith(("http://", "https://")):
        return f'<a href="{_e(url)}" rel="noopener noreferrer" target="_blank">{_e(text or url)}</a>'
    return _e(text) + (f" ({_e(url)})" if url else "")


def _note(f: Finding, number: int) -> str:
    sev = f.severity if f.severity in SEVERITIES else "warning"
    classes = f"note sev-{sev}" + (" suppressed" if f.suppressed else "")
    badge = f'<span class="badge {sev}">{_e(sev)}</span>'
    if f.suppressed:
        badge += ' <span class="badge supp">suppressed</span>'
    parts = [
        f'<div class="{classes}" id="finding-{number}" data-severity="{sev}" data-rule="{_e(f.rule)}">',
        f'{badge} <span class="rule">#{number} {_e(f.rule)}</span> <span class="meta">{_e(f.category)} · {f.line}:{f.column}</span>',
        f'<div class="msg">{_e(f.message)}</div>',
    ]
    if f.citation or f.citation_url:
        parts.append(f'<div class="cite">Citation: {_link(f.citation, f.citation_url)}</div>')
    if f.suggestion:
        parts.append(f'<div class="rw">Suggested rewrite: {_e(f.suggestion)}</div>')
    if f.fix and isinstance(f.fix.get("replacement"), str):
        safe = "safe" if f.fix.get("safe") else "unsafe"
        parts.append(f'<div class="fx">Fix ({safe}): replace “{_e(f.match)}” with “{_e(f.fix["replacement"])}”</div>')
    if f.notes:
        parts.append(f'<div class="why meta">Note: {_e("; ".join(f.notes))}</div>')
    if f.suppressed and f.suppression_reason:
        parts.append(f'<div class="why meta">Sign-off: {_e(f.suppression_reason)}</div>')
    parts.append("</div>")
    return "".join(parts)


def _top(items: list[tuple[int, Finding]]) -> str:
    active = [f for _, f in items if not f.suppressed]
    if active:
        return max(active, key=lambda f: SEVERITY_RANK.get(f.severity, 0)).severity
    return "suppressed" if items else ""


def _line_html(text: str, lo: int, hi: int, spans: list[tuple[int, int, int, Finding]]) -> str:
    """Text of [lo, hi) with every finding overlapping it highlighted."""
    bounds = {lo, hi}
    for s, e, _, _ in spans:
        bounds.add(min(max(s, lo), hi))
        bounds.add(min(max(e, lo), hi))
    cuts = sorted(bounds)
    out: list[str] = []
    starts_here = defaultdict(list)
    for s, e, n, f in spans:
        if s == e and lo <= s <= hi:
            starts_here[s].append((n, f))
    for a, b in zip(cuts, [*cuts[1:], None], strict=True):
        for n, f in starts_here.get(a, []):
            sev = f.severity if f.severity in SEVERITIES else "warning"
            out.append(
                f'<mark class="point" data-findings="{sev}:{"s" if f.suppressed else "a"}" data-top="{_top([(n, f)])}">'
                f'⚑<sup><a href="#finding-{n}">{n}</a></sup></mark>'
            )
        if b is None or a >= b:
            continue
        covering = [(n, f) for s, e, n, f in spans if s < b and e > a]
        chunk = _e(text[a:b])
        if not covering:
            out.append(chunk)
            continue
        data = " ".join(f"{f.severity if f.severity in SEVERITIES else 'warning'}:{'s' if f.suppressed else 'a'}" for _, f in covering)
        first = [n for s, e, n, f in spans if s == a and s < e]
        sup = "".join(f'<sup><a href="#finding-{n}">{n}</a></sup>' for n in first)
        out.append(f'<mark data-findings="{data}" data-top="{_top(covering)}" title="{_e(" | ".join(f.rule for _, f in covering))}">{chunk}{sup}</mark>')
    return "".join(out)


def _document(path: str, doc: Any, findings: list[tuple[int, Finding]]) -> str:
    text = doc.text if doc is not None else ""
    index = LineIndex(text)
    starts = index.starts + [len(text)]
    spans = [(max(0, f.start), max(f.start, f.end), n, f) for n, f in findings]
    notes_by_line: dict[int, list[str]] = defaultdict(list)
    for n, f in findings:
        notes_by_line[f.line].append(_note(f, n))
    rows: list[str] = []
    count = index.line_count()
    if count > 1 and starts[count - 1] == len(text):
        count -= 1  # the empty "line" after a final line break
    for i in range(count):
        lo, nxt = starts[i], starts[i + 1]
        hi = nxt
        while hi > lo and text[hi - 1] in "\r\n":
            hi -= 1
        line_spans = [sp for sp in spans if (sp[0] < hi and sp[1] > lo) or (sp[0] == sp[1] and lo <= sp[0] <= hi)]
        notes = notes_by_line.get(i + 1, [])
        cls = "row-flagged" if notes else ""
        rows.append(
            f'<div class="ln {cls}">{i + 1}</div><div class="tx {cls}">{_line_html(text, lo, hi, line_spans)}</div>'
            f'<div class="nt {cls}">{"".join(notes)}</div>'
        )
    # Findings placed past the last line (should not happen) are still listed.
    extra = [_note(f, n) for n, f in findings if f.line > index.line_count()]
    counts = Counter(f.severity for _, f in findings if not f.suppressed)
    head = ", ".join(f"{counts[s]} {s}" for s in SEVERITIES if counts[s]) or "no findings"
    return (
        f'<section class="document" data-path="{_e(path)}"><h2>{_e(path)} <span class="meta">({head})</span></h2>'
        f'<div class="doc">{"".join(rows)}</div>{"".join(extra)}</section>'
    )


def _summary(report: Report) -> str:
    table: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for f in report.findings:
        table[(f.pack, f.category)]["suppressed" if f.suppressed else f.severity] += 1
    if not table:
        return '<p class="empty">No findings.</p>'
    head = "<tr><th>Pack</th><th>Category</th><th>Errors</th><th>Warnings</th><th>Info</th><th>Suppressed</th></tr>"
    rows = []
    for (pack, category), c in sorted(table.items()):
        rows.append(
            f"<tr><td>{_e(pack)}</td><td>{_e(category)}</td>"
            + "".join(f'<td class="n">{c[k]}</td>' for k in ("error", "warning", "info", "suppressed"))
            + "</tr>"
        )
    total = Counter()
    for c in table.values():
        total.update(c)
    rows.append(
        '<tr><th colspan="2">Total</th>' + "".join(f'<td class="n">{total[k]}</td>' for k in ("error", "warning", "info", "suppressed")) + "</tr>"
    )
    return f'<table class="summary" id="summary">{head}{"".join(rows)}</table>'


def render(report: Report) -> str:
    numbered = list(enumerate(report.findings, start=1))
    by_path: dict[str, list[tuple[int, Finding]]] = defaultdict(list)
    for n, f in numbered:
        by_path[f.path].append((n, f))
    paths = list(dict.fromkeys([*report.files, *by_path]))
    counts = report.by_severity()
    suppressed = sum(1 for f in report.findings if f.suppressed)
    packs = ", ".join(f"{_e(k)} {_e(v)}" for k, v in sorted(report.packs.items()))
    filters = "".join(
        f'<label><input type="checkbox" id="filter-{k}" data-kind="{k}" checked> {label}</label>'
        for k, label in (
            ("error", f"Errors ({counts['error']})"),
            ("warning", f"Warnings ({counts['warning']})"),
            ("info", f"Info ({counts['info']})"),
            ("suppressed", f"Suppressed ({suppressed})"),
        )
    )
    errors = ""
    if report.errors:
        errors = '<section><h2>Inputs not linted</h2><ul class="errors">' + "".join(
            f"<li>{_e(e.path)}: {_e(e.message)}</li>" for e in report.errors
        ) + "</ul></section>"
    docs = []
    for path in paths:
        doc = report.documents.get(path)
        docs.append(_document(path, doc, by_path.get(path, [])))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "script-src 'unsafe-inline'; img-src data:\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>compliance-lint report</title><style>{CSS}</style></head><body>"
        f"<header><h1>compliance-lint report</h1><div class=\"meta\">compliance-lint {_e(report.tool_version)} · packs: {packs or 'none'} · "
        f"{len(paths)} file{'s' if len(paths) != 1 else ''} · {sum(counts.values())} findings"
        f"{f' · {len(report.errors)} input errors' if report.errors else ''}</div>"
        f"<div class=\"filters\">Show: {filters}</div></header><main>"
        f"<section><h2>Summary by pack and category</h2>{_summary(report)}</section>{errors}"
        f"{''.join(docs)}</main><script>{JS}</script></body></html>\n"
    )
