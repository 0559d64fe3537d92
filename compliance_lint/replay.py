"""Replay the whole report of a run whose every input is unchanged.

The per-file result cache (``cache.py``) spares the linting of an unchanged
file, but a re-run of a large unchanged tree still decodes every cached
finding and renders the report again: for 2,000 articles and 60,000
findings that is most of a second. This layer keeps the rendered report of
the last run for each invocation (command-line options that shape the
report, configuration, rule set, tool and environment, working directory,
colour) together with a digest of the inputs (every file's display path and
bytes). When the same invocation sees the same inputs, the stored text and
exit status are the answer; anything else (a changed, added or removed
file) runs as usual and stores the new report.

Only plain runs are replayed: no ``--fix``/``--diff``, no baseline, no
stdin, no input errors, notices or warnings (they go to stderr, which is not
stored). ``--no-cache`` turns it off with the per-file cache.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from typing import Any

from compliance_lint import cache

FORMAT_VERSION = 1


def signature(*, fmt: str, color: bool, statistics: bool, fail_on: str, pack_ids: list[str], linter: Any, config: Any,
              files: list[tuple[str, bool]]) -> str:
    """What the report depends on besides the files' contents."""
    return cache.digest(
        "replay", FORMAT_VERSION, cache.environment_key(), fmt, color, statistics, fail_on, pack_ids, linter.rules_key(),
        asdict(config), os.getcwd(), os.environ.get("NO_COLOR") is not None, [p for p, _named in files],
    )[:40]


def inputs_digest(files: list[tuple[str, bool]]) -> str | None:
    """sha256 over every file's path and bytes; None if one cannot be read (the run reports it)."""
    h = hashlib.sha256()
    for path, named in files:
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError:
            return None
        h.update(f"{len(path)}:{path}:{int(named)}:{len(data)}:".encode("utf-8", "surrogateescape"))
        h.update(data)
    return h.hexdigest()


def lookup(sig: str, digest: str) -> tuple[str, int] | None:
    """The stored (report text, exit status) for this invocation if its inputs are the same."""
    data = cache.get_bytes("replay", sig, ".txt")
    if data is None:
        return None
    head, sep, body = data.partition(b"\n")
    try:
        entry = json.loads(head)
        text = body.decode("utf-8") if sep else None
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(entry, dict) or entry.get("v") != FORMAT_VERSION or entry.get("inputs") != digest:
        return None
    status = entry.get("status")
    if text is None or status not in (0, 1) or entry.get("length") != len(body):
        return None  # torn or foreign entry
    return text, status


def store(sig: str, digest: str, text: str, status: int) -> None:
    """One line of JSON (version, inputs digest, status, length), then the report as it was written."""
    try:
        body = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate in the report: not worth storing
        return
    head = json.dumps({"v": FORMAT_VERSION, "inputs": digest, "status": status, "length": len(body)}).encode("ascii")
    if cache.enabled():
        cache.put_bytes("replay", sig, ".txt", head + b"\n" + body)
