"""``--fix`` / ``--unsafe-fixes`` / ``--diff``: apply rules' replacement text.

A rule may carry ``fix: {replacement: "...", safe: true|false}``. Only safe
fixes are applied unless ``--unsafe-fixes`` (an "unsafe" replacement can still
be a violation: "cures" -> "may support" may remain a disease claim).

- Suppressed findings are never fixed; nor is anything in a file whose format
  is not plain text (Word files), nor stdin.
- Overlapping fixes: the first (by position, then rule id) wins; the rest wait
  for the next run.
- If the match starts with a capital and the replacement with a lower-case
  letter, the replacement is capitalised ("Miracle" -> "Notable").
- In HTML files the replacement is HTML-escaped.
- The file is re-encoded with its original encoding and BOM; line endings
  and every byte outside the replaced spans stay as they were. Before writing,
  the file is read again and must still be exactly what was linted, otherwise
  it is left alone (it changed under us). Writes are atomic.
"""

from __future__ import annotations

import codecs
import difflib
import html
from dataclasses import dataclass, field
from typing import Any

from compliance_lint.models import Finding

TEXT_FORMATS = frozenset({"markdown", "mdx", "html", "text"})
_BOM = {
    "utf-8": codecs.BOM_UTF8,
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
    "utf-32-le": codecs.BOM_UTF32_LE,
    "utf-32-be": codecs.BOM_UTF32_BE,
}


@dataclass
class FileFix:
    path: str
    old_text: str
    new_text: str
    applied: list[Finding] = field(default_factory=list)


@dataclass
class FixSummary:
    files: list[FileFix] = field(default_factory=list)
    unsafe_skipped: int = 0
    notices: list[str] = field(default_factory=list)

    @property
    def applied(self) -> int:
        return sum(len(f.applied) for f in self.files)


def encode(text: str, encoding: str, bom: bool) -> bytes:
    return (_BOM.get(encoding, b"") if bom else b"") + text.encode(encoding)


def _replacement(f: Finding, fmt: str) -> str:
    new = str(f.fix["replacement"]) if f.fix else ""
    if f.match[:1].isupper() and new[:1].islower():
        new = new[0].upper() + new[1:]
    if fmt == "html":
        new = html.escape(new, quote=False)
    return new


def eligible(f: Finding, unsafe: bool) -> bool:
    return bool(f.fix) and not f.suppressed and isinstance(f.fix.get("replacement"), str) and (unsafe or bool(f.fix.get("safe")))


def plan_file(doc: Any, findings: list[Finding], unsafe: bool) -> tuple[FileFix | None, int]:
    """The fixed text of one document; (None, n) when nothing applies. n = unsafe fixes skipped."""
    unsafe_skipped = sum(1 for f in findings if f.fix and not f.suppressed and not f.fix.get("safe") and not unsafe)
    if doc is None or doc.format not in TEXT_FORMATS:
        return None, unsafe_skipped
    text = doc.text
    chosen: list[Finding] = []
    last_end = -1
    for f in sorted((f for f in findings if eligible(f, unsafe)), key=lambda f: (f.start, f.end, f.rule)):
        if f.start < last_end or f.end < f.start or text[f.start:f.end] != f.match or f.start == f.end:
            continue
        chosen.append(f)
        last_end = f.end
    if not chosen:
        return None, unsafe_skipped
    pieces: list[str] = []
    pos = 0
    for f in chosen:
        pieces.append(text[pos:f.start])
        pieces.append(_replacement(f, doc.format))
        pos = f.end
    pieces.append(text[pos:])
    new_text = "".join(pieces)
    if new_text == text:
        return None, unsafe_skipped
    return FileFix(doc.path, text, new_text, chosen), unsafe_skipped


def plan(results: list[Any], unsafe: bool, skip: frozenset[str] = frozenset()) -> FixSummary:
    """Fixes for every linted file (``runner.FileResult`` objects); ``skip``: names that are not files (stdin)."""
    summary = FixSummary()
    for r in results:
        if r.document is None or r.error is not None or not r.findings:
            continue
        if r.path in skip or r.path in ("-", "<stdin>") or getattr(r.document, "path", r.path) != r.path:
            continue
        fix, skipped = plan_file(r.document, r.findings, unsafe)
        summary.unsafe_skipped += skipped
        if fix is not None:
            fix.path = r.path
            summary.files.append(fix)
    return summary


def unified_diff(fix: FileFix) -> str:
    a = fix.old_text.splitlines(keepends=True)
    b = fix.new_text.splitlines(keepends=True)
    lines = difflib.unified_diff(a, b, fromfile=f"a/{fix.path.lstrip('/')}", tofile=f"b/{fix.path.lstrip('/')}")
    out = []
    for line in lines:
        if not line.endswith(("\n", "\r")):
            line += "\n\\ No newline at end of file\n"
        out.append(line)
    return "".join(out)


def write(summary: FixSummary, documents: dict[str, Any]) -> list[FileFix]:
    """Write every planned fix atomically; returns the files written."""
    from compliance_lint.safewrite import atomic_write_bytes

    written: list[FileFix] = []
    for fix in summary.files:
        doc = documents[fix.path]
        try:
            with open(fix.path, "rb") as fh:
                current = fh.read()
        except OSError as exc:
            summary.notices.append(f"{fix.path}: not fixed (cannot read: {exc.strerror})")
            continue
        if current != encode(fix.old_text, doc.encoding, doc.bom):
            summary.notices.append(f"{fix.path}: not fixed (the file changed while it was linted, or does not round-trip)")
            continue
        try:
            data = encode(fix.new_text, doc.encoding, doc.bom)
        except UnicodeEncodeError:
            summary.notices.append(f"{fix.path}: not fixed (the replacement cannot be encoded as {doc.encoding})")
            continue
        try:
            atomic_write_bytes(fix.path, data)
        except OSError as exc:  # disk full, read-only file or folder: the file is left as it was
            summary.notices.append(f"{fix.path}: not fixed (cannot write: {exc.strerror or exc})")
            continue
        written.append(fix)
    return written


def run_fixes(results: list[Any], linter: Any, config: Any, *, unsafe: bool, diff: bool,
              stdin_name: str | None = None) -> tuple[list[Any], str, list[str]]:
    """Apply (or, with ``diff``, only show) fixes for a lint run.

    Returns (results, diff_text, notices). Files that were fixed are linted
    again so the report shows what is left, at its new positions.
    """
    summary = plan(results, unsafe, frozenset([stdin_name]) if stdin_name else frozenset())
    documents = {r.path: r.document for r in results if r.document is not None}
    if diff:
        text = "".join(unified_diff(f) for f in summary.files)
        n = summary.applied
        notice = f"{n} fix{'es' if n != 1 else ''} available in {len(summary.files)} file{'s' if len(summary.files) != 1 else ''}"
        if summary.unsafe_skipped:
            notice += f" ({summary.unsafe_skipped} more with --unsafe-fixes)"
        return results, text, [notice]
    written = write(summary, documents)
    n = sum(len(f.applied) for f in written)
    notice = f"fixed {n} finding{'s' if n != 1 else ''} in {len(written)} file{'s' if len(written) != 1 else ''}"
    if summary.unsafe_skipped:
        notice += f" ({summary.unsafe_skipped} more with --unsafe-fixes)"
    if written:
        from compliance_lint.runner import lint_file

        redo = {f.path for f in written}
        results = [lint_file(linter, config, r.path, True) if r.path in redo else r for r in results]
    return results, "", [*summary.notices, notice]
