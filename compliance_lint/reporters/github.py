"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

``::error file=PATH,line=L,col=C,endLine=L2,endColumn=C2,title=TITLE::MESSAGE``
(``warning`` for warnings, ``notice`` for info). Data escapes ``%``, CR and LF;
property values additionally ``:`` and ``,`` (as the Actions toolkit does).
A finding spanning lines carries no col/endColumn: GitHub only honours columns
on a single line. Suppressed findings are not emitted. Paths are relative to
the git root, as annotations expect.
"""

from __future__ import annotations

from compliance_lint.models import Finding
from compliance_lint.reporters import Report
from compliance_lint.reporters.paths import repo_relative

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: dict[str, object], message: str) -> str:
    props = ",".join(f"{k}={escape_property(str(v))}" for k, v in properties.items() if v is not None)
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def _annotation(f: Finding) -> str:
    path, _ = repo_relative(f.path)
    props: dict[str, object] = {"file": path, "line": f.line}
    single = f.end_line == f.line
    if single:
        props["col"] = f.column
    props["endLine"] = f.end_line
    if single:
        props["endColumn"] = f.end_column
    props["title"] = f"{f.rule} ({f.category})"
    body = f.message
    cite = f.citation + (f" <{f.citation_url}>" if f.citation_url else "")
    if cite:
        body += f"\nCitation: {cite}"
    if f.suggestion:
        body += f"\nRewrite: {f.suggestion}"
    return command(COMMANDS.get(f.severity, "warning"), props, body)


def render(report: Report) -> str:
    lines = [_annotation(f) for f in report.findings if not f.suppressed]
    for e in report.errors:
        path, _ = repo_relative(e.path)
        lines.append(command("error", {"file": path, "title": "compliance-lint: input error"}, e.message))
    return "".join(line + "\n" for line in lines)
