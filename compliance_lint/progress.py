"""A progress bar on stderr for long interactive runs.

Shown only when a person is watching: the report format is ``text``, stderr is
a terminal, and there are more than a few files. Never for machine formats
(json, sarif, github, junit, html), never in pipes, CI logs or pre-commit
(stderr is not a terminal there), and never with ``COMPLIANCE_LINT_NO_PROGRESS``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import IO, TypeVar

T = TypeVar("T")

MIN_FILES = 5


def should_show(fmt: str, n_files: int, stream: IO[str] | None = None, env: dict[str, str] | None = None) -> bool:
    """Whether to draw a progress bar for ``n_files`` files reported as ``fmt``."""
    env = os.environ if env is None else env
    if fmt != "text" or n_files <= MIN_FILES:
        return False
    if env.get("COMPLIANCE_LINT_NO_PROGRESS") or env.get("TERM") == "dumb":
        return False
    stream = sys.stderr if stream is None else stream
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # closed or replaced streams
        return False


def track(items: Iterable[T], fmt: str, label: str = "Linting") -> Iterator[T]:
    """Yield ``items``, drawing a bar on stderr when :func:`should_show` says so."""
    seq = list(items)
    if not should_show(fmt, len(seq)):
        yield from seq
        return
    import click

    with click.progressbar(seq, label=label, file=sys.stderr, show_pos=True, width=30) as bar:
        yield from bar
