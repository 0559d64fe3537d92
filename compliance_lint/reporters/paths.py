"""Repository-relative paths for machine formats (SARIF, GitHub annotations).

Code scanning and annotations want a path relative to the repository root with
forward slashes. A finding's path is as given on the command line (relative to
the cwd or absolute); we resolve it and make it relative to the git work tree
that contains it, else to the cwd. Paths outside both stay absolute.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote


@lru_cache(maxsize=256)
def git_root(folder: str) -> str | None:
    """The nearest folder at or above ``folder`` holding ``.git`` (dir or file)."""
    p = Path(folder)
    for candidate in (p, *p.parents):
        if (candidate / ".git").exists():
            return str(candidate)
    return None


def is_pseudo(path: str) -> bool:
    """``<stdin>`` and similar names that are not files on disk."""
    return path.startswith("<") and path.endswith(">")


def base_for(path: str) -> str:
    """The folder ``path`` is reported relative to: its git root, else the cwd."""
    absolute = os.path.abspath(path)
    return git_root(os.path.dirname(absolute)) or os.getcwd()


def repo_relative(path: str) -> tuple[str, bool]:
    """(path with forward slashes, whether it is relative to ``base_for(path)``)."""
    if is_pseudo(path):
        return path, True
    absolute = os.path.abspath(path)
    base = base_for(path)
    rel = os.path.relpath(absolute, base)
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return absolute.replace(os.sep, "/"), False
    return rel.replace(os.sep, "/"), True


def artifact_uri(path: str) -> tuple[str, bool]:
    """A URI reference for SARIF: (uri, relative_to_srcroot)."""
    rel, relative = repo_relative(path)
    if relative:
        return quote(rel, safe="/"), True
    return Path(rel).as_uri() if os.path.isabs(rel) else quote(rel, safe="/"), False
