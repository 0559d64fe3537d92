"""Long fuzz run: the properties of tests/test_fuzz_*.py with many more inputs.

Not part of the default pytest run. Usage (from the repository root):

    PYTHONPATH=. /work/venv/bin/python fuzz/run_fuzz.py                 # 20,000 inputs per target
    PYTHONPATH=. /work/venv/bin/python fuzz/run_fuzz.py --examples 2000 --targets parse,pipeline

Targets:
  parse     Markdown / HTML / plain text parsers: never raise, every prose
            character maps back to the source character that produced it
  bytes     arbitrary bytes through decoding and parsing: a document or a
            clean SourceError, nothing else
  pipeline  parse + NLP + the test pack: every finding inside the document,
            ``match`` equal to the source slice at (line, column), the rule's
            term inside the match
  lines     the same prose with \\n, \\r\\n and \\r line breaks: the same findings

Prints how many inputs each target tried and exits 1 with the shrunk failing
input when a property fails. Uses Hypothesis (no coverage-guided engine is
installed here; atheris would plug into the same property functions).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("COMPLIANCE_LINT_CACHE_DIR", tempfile.mkdtemp(prefix="cl-fuzz-cache-"))

from fuzzkit import InProcess, documents, findings_property, formats, parse_property  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from compliance_lint.errors import SourceError  # noqa: E402
from compliance_lint.sources import load_document  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=20_000, help="inputs per target (default 20000)")
    parser.add_argument("--targets", default="parse,bytes,pipeline,lines")
    parser.add_argument("--seed", type=int, default=None, help="fixed seed for a reproducible run")
    args = parser.parse_args()
    counts: dict[str, int] = {}
    common = dict(max_examples=args.examples, deadline=None, database=None, derandomize=False,
                  suppress_health_check=list(HealthCheck), phases=[Phase.generate, Phase.shrink])
    linter = InProcess(Path(tempfile.mkdtemp(prefix="cl-fuzz-")))

    def target_parse() -> None:
        @settings(**common)
        @given(documents, formats)
        def prop(text: str, fmt: str) -> None:
            counts["parse"] = counts.get("parse", 0) + 1
            parse_property(text, fmt)
        prop()

    def target_bytes() -> None:
        @settings(**common)
        @given(st.binary(max_size=2_000), st.sampled_from(["x.md", "x.html", "x.txt", "x.mdx"]))
        def prop(data: bytes, name: str) -> None:
            counts["bytes"] = counts.get("bytes", 0) + 1
            try:
                load_document(name, data)
            except SourceError:
                pass
        prop()

    def target_pipeline() -> None:
        @settings(**common)
        @given(documents, formats)
        def prop(text: str, fmt: str) -> None:
            counts["pipeline"] = counts.get("pipeline", 0) + 1
            out = linter.lint(text, fmt)
            if out is not None:
                findings_property(*out)
        prop()

    def target_lines() -> None:
        @settings(**common)
        @given(documents, formats, st.sampled_from(["\r\n", "\r"]))
        def prop(text: str, fmt: str, newline: str) -> None:
            counts["lines"] = counts.get("lines", 0) + 1
            body = text.replace("\r\n", "\n").replace("\r", "\n")
            a = linter.lint(body, fmt)
            b = linter.lint(body.replace("\n", newline), fmt)
            if a is None or b is None:
                return
            findings_property(*b)
            norm = [(f["rule"], f["match"].replace("\r\n", "\n").replace("\r", "\n")) for f in b[1]]
            assert [(f["rule"], f["match"]) for f in a[1]] == norm
        prop()

    targets = {"parse": target_parse, "bytes": target_bytes, "pipeline": target_pipeline, "lines": target_lines}
    failed = False
    for name in args.targets.split(","):
        start = time.monotonic()
        try:
            if args.seed is not None:
                from hypothesis import seed

                seed(args.seed)(targets[name])()
            else:
                targets[name]()
            status = "ok"
        except Exception as exc:  # the shrunk failing input is in the message
            status = f"FAILED: {type(exc).__name__}: {exc}"
            failed = True
        print(f"{name:9s} {counts.get(name, 0):7d} inputs  {time.monotonic() - start:7.1f} s  {status}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
