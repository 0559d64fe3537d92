"""Error types that end a run with exit status 2 and one clear line.

Every user-facing error carries enough context (file, line, field) to be fixed
without reading a traceback; the CLI prints ``str(error)`` and nothing else.
"""

from __future__ import annotations


class LintError(Exception):
    """Base class: a problem the user must fix (exit 2)."""


class ConfigError(LintError):
    """A malformed or unknown configuration key, glob or value."""


class RulePackError(LintError):
    """A rule pack that does not follow the schema.

    The message reads ``path:line: field: problem (expected ...)`` so editors can
    jump to it.
    """

    def __init__(self, path: str, line: int | None, field: str, problem: str) -> None:
        self.path = path
        self.line = line
        self.field = field
        self.problem = problem
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {field}: {problem}")


class SourceError(LintError):
    """An input file that cannot be read or decoded."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class RuleTimeoutError(LintError):
    """A rule's backtracking regex (``engine: re``) ran past its time budget on one
    input: that file is reported as not fully linted (exit 2), the others go on."""
