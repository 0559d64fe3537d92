"""``--format junit``: JUnit XML for CI test-report views.

One ``<testsuite>`` per linted file, one ``<testcase>`` per finding (as ruff
does); errors and warnings are ``<failure>``s, info findings pass, suppressed
findings are ``<skipped>`` with the reason. A file with no findings gets one
passing test case so it shows as checked. Unreadable inputs are ``<error>``s.
Characters XML 1.0 cannot carry are replaced, so linted text never breaks the file.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from compliance_lint.models import Finding
from compliance_lint.reporters import Report

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _x(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _body(f: Finding) -> str:
    lines = [f"{f.path}:{f.line}:{f.column}: {f.severity} [{f.rule}] {f.message}", f"match: {f.match}"]
    lines.append(f"citation: {f.citation}" + (f" <{f.citation_url}>" if f.citation_url else ""))
    if f.suggestion:
        lines.append(f"rewrite: {f.suggestion}")
    if f.notes:
        lines.append(f"note: {'; '.join(f.notes)}")
    return _x("\n".join(lines))


def render(report: Report) -> str:
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        by_file[f.path].append(f)
    names = list(dict.fromkeys([*report.files, *by_file]))
    root = ET.Element("testsuites", name="compliance-lint")
    total = failures = errors = 0
    for path in names:
        findings = by_file.get(path, [])
        suite = ET.SubElement(root, "testsuite", name=_x(path), file=_x(path))
        s_fail = s_skip = 0
        for f in findings:
            case = ET.SubElement(suite, "testcase", name=_x(f"{f.rule} at {f.line}:{f.column}"), classname=_x(path), time="0")
            if f.suppressed:
                s_skip += 1
                ET.SubElement(case, "skipped", message=_x("suppressed" + (f": {f.suppression_reason}" if f.suppression_reason else "")))
            elif f.severity in ("error", "warning"):
                s_fail += 1
                failure = ET.SubElement(case, "failure", type=f.rule, message=_x(f.message))
                failure.text = _body(f)
            else:
                out = ET.SubElement(case, "system-out")
                out.text = _body(f)
        if not findings:
            ET.SubElement(suite, "testcase", name="no findings", classname=_x(path), time="0")
        tests = max(len(findings), 1)
        suite.set("tests", str(tests))
        suite.set("failures", str(s_fail))
        suite.set("errors", "0")
        suite.set("skipped", str(s_skip))
        suite.set("time", "0")
        total += tests
        failures += s_fail
    for e in report.errors:
        suite = ET.SubElement(root, "testsuite", name=_x(e.path), file=_x(e.path), tests="1", failures="0", errors="1", skipped="0", time="0")
        case = ET.SubElement(suite, "testcase", name="read input", classname=_x(e.path), time="0")
        err = ET.SubElement(case, "error", type="input-error", message=_x(e.message))
        err.text = _x(f"{e.path}: {e.message}")
        total += 1
        errors += 1
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", str(errors))
    root.set("time", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
