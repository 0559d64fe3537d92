"""Offsets in a decoded file -> 1-based line and column in Unicode code points.

Line breaks are ``\\n``, ``\\r\\n`` and a lone ``\\r`` (DESIGN: JSON contract).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

_BREAK = re.compile(r"\r\n?|\n")
_plus_one = (1).__add__
# Longer texts are not split into lines (a copy of the whole text) to be indexed.
_SPLIT_MAX = 1 << 22


class LineIndex:
    """Maps character offsets of ``text`` to (line, column), both 1-based."""

    def __init__(self, text: str) -> None:
        if "\r" in text or len(text) > _SPLIT_MAX:
            # One regex pass: linear even for a 50 MB file of a million lines.
            starts = [0]
            starts.extend(m.end() for m in _BREAK.finditer(text))
        else:
            # Only \n breaks: each line starts one past the end of the one before
            # (C-level accumulate over the line lengths; the last sum is dropped).
            starts = list(accumulate(map(_plus_one, map(len, text.split("\n"))), initial=0))
            starts.pop()
        n = len(text)
        self.starts = starts
        self.length = n

    def line_col(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, self.length))
        line = bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def line_start(self, line: int) -> int:
        """Offset of the first character of 1-based ``line``."""
        return self.starts[max(0, min(line - 1, len(self.starts) - 1))]

    def line_count(self) -> int:
        return len(self.starts)
