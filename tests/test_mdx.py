"""MDX: JSX, expressions and ESM are not linted; prose (also inside components) is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from outkit import run, setup_project

from compliance_lint.sources.mdx import blank_mdx

DOC = """\
---
title: A miracle tea
---
import { Chart } from './chart'
export const meta = {
  title: 'This miracle cures',
}

# Heading with detox

<Callout type="warning" title="miracle">
    Indented prose inside a component is a miracle.
</Callout>

<Button onClick={() => go({a: 1})}>Buy the detox now</Button>

<Box style={{color: 'red', label: 'miracle'}}>Styled cures text.</Box>

{
  cures(everything) // miracle
}

Inline {props.cures} expression and <Badge text="miracle" /> here, and a detox.

<Chart
  label="miracle cures"
  data={[1, 2]}
/>

<>
Fragment text says cures.
</>

{/* compliance-lint disable-next-line zout.percent -- approved by legal */}
It is 100% effective.

```jsx
<Foo>miracle in code</Foo>
```

Text with `code {miracle}` and \\{escaped braces\\} then miracle.
"""


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    setup_project(tmp_path)
    (tmp_path / "post.mdx").write_text(DOC, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def expected(needle: str, context: str) -> tuple[int, int, str]:
    """(line, column, match) of ``needle`` inside the first line holding ``context``."""
    lines = DOC.split("\n")
    n = next(i for i, line in enumerate(lines) if context in line)
    return n + 1, lines[n].index(context) + context.index(needle) + 1, needle


def test_mdx_prose_linted_code_not(project: Path) -> None:
    result = run(["check", "--format", "json", "post.mdx"])
    report = json.loads(result.stdout)
    got = [(f["line"], f["column"], f["match"]) for f in report["findings"] if not f["suppressed"]]
    want = sorted([
        expected("miracle", "title: A miracle tea"),
        expected("detox", "# Heading with detox"),
        expected("miracle", "Indented prose inside a component is a miracle."),
        expected("detox", "Buy the detox now"),
        expected("cures", "Styled cures text."),
        expected("detox", "and a detox."),
        expected("cures", "Fragment text says cures."),
        expected("miracle", "then miracle."),
    ])
    assert got == sorted(want)
    suppressed = [f for f in report["findings"] if f["suppressed"]]
    assert [(f["rule"], f.get("suppression_reason")) for f in suppressed] == [("zout.percent", "approved by legal")]


def test_blanking_keeps_offsets_and_line_breaks() -> None:
    text = 'A <X a="1\r\nb" c={{d: 1}}>t</X>\r\nimport x from "y"\r\n\r\nz {a\nb}\n'
    work, _ = blank_mdx(text)
    assert len(work) == len(text)
    assert [i for i, c in enumerate(work) if c in "\r\n"] == [i for i, c in enumerate(text) if c in "\r\n"]
    assert work.split() == ["A", "t", "z"]


def test_unclosed_braces_and_tags_stay_prose() -> None:
    work, _ = blank_mdx("Price < 5 and a { brace and <Thing without end\n")
    assert work == "Price < 5 and a { brace and <Thing without end\n"


def test_mdx_directive_comment_parsed() -> None:
    _, directives = blank_mdx("{/* compliance-lint disable zout.cure, zout.miracle -- ok */}\ntext\n")
    (d,) = directives
    assert (d.action, d.targets, d.reason) == ("disable", ("zout.cure", "zout.miracle"), "ok")
