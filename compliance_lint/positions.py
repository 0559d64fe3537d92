"""Offsets in a decoded file -> 1-based line and column in Unicode code points.

Line breaks are ``\\n``, ``\\r\\n`` and a lone ``\\r`` (DESIGN: JSON contract).
"""

from __future__ import annotations

from bisect import bisect_right


class LineIndex:
    """Maps character offsets of ``text`` to (line, column), both 1-based."""

    def __init__(self, text: str) -> None:
        starts = [0]
        i = 0
        n = len(text)
        find_n = text.find
        while True:
            j_n = find_n("\n", i)
            j_r = find_n("\r", i)
            if j_n < 0 and j_r < 0:
                break
            if j_r >= 0 and (j_n < 0 or j_r < j_n):
                nxt = j_r + 2 if j_r + 1 < n and text[j_r + 1] == "\n" else j_r + 1
            else:
                nxt = j_n + 1
            starts.append(nxt)
            i = nxt
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
