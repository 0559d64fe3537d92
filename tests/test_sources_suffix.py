"""``format_for`` reads a file name's suffix without making a PurePath, as PurePath reads it."""

from __future__ import annotations

from pathlib import PurePath

from hypothesis import example, given, settings
from hypothesis import strategies as st

from compliance_lint.sources import _POSIX, _suffix, format_for


@settings(max_examples=1000, deadline=None)
@given(st.text(st.sampled_from("a.M/\\ d\x00é"), max_size=14))
@example("x.md/.")
@example("a/..md")
@example("a/b.")
@example("..")
@example("a/.md")
def test_suffix_same_as_pure_path(path: str) -> None:
    assert _suffix(path) == PurePath(path).suffix


def test_suffix_shortcut_taken_on_posix() -> None:
    assert _POSIX == (type(PurePath()).__name__ == "PurePosixPath" and _POSIX)
    assert format_for("/tmp/c/article.MD") == "markdown"
    assert format_for("notes.mdx") == "mdx"
    assert format_for("x.md/.") == "markdown"
    assert format_for("README") == "text"
