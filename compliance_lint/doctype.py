"""What kind of document this is, read from its text.

Two kinds change how findings are read, and real documents of both kinds
rarely carry front matter:

- ``label``: approved product information (US prescribing information and
  Medication Guides, EU SmPC and package leaflets, Australian CMI, Chinese
  说明书). Indications, contraindications and side effects are the approved
  text, not promotion. When the front matter does not say ``content:``,
  ``runner.document_context`` sets ``content: label`` for such a document.
- ``report``: a regulator's or court's account of someone else's claims
  (FDA warning letters, FTC complaints, ASA rulings, TGA infringement
  notices, SAMR case reports). Quoted claims there are reported, not made;
  the engine reads every quotation in such a document as attributed.

A document is of a kind when it carries at least ``THRESHOLD`` distinct
hallmarks of it (section titles and fixed formulas of the genre, listed in
``rules/lexicon/lexicon.yaml`` under ``document_kinds``): one hallmark alone
("see the Medication Guide", "FDA warning letter") is what ads and news say too.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import Any

THRESHOLD = 3


@lru_cache(maxsize=8)
def _hallmarks(kind: str) -> tuple[re.Pattern[str], ...]:
    from compliance_lint.semantic import lexicon_words

    out = []
    for word in lexicon_words(f"document_kinds.{kind}"):
        body = r"\s+".join(re.escape(x) for x in str(word).lower().split())
        lead = r"(?<![a-z0-9])" if word[:1].isalnum() and word[:1].isascii() else ""
        trail = r"(?![a-z0-9])" if word[-1:].isalnum() and word[-1:].isascii() else ""
        out.append(re.compile(lead + body + trail))
    return tuple(out)


# Hallmarks are section titles and fixed formulas found early in any real label
# or report; scanning a 50 MB file with every pattern took a minute.
SCAN_CHARS = 1_000_000


def hallmarks(text: str, kind: str) -> int:
    """How many distinct hallmarks of ``kind`` the text carries (first ``SCAN_CHARS``)."""
    return len(_positions(text, kind))


# The kinds runner.document_context and the engine ask about. Each document is
# asked up to four questions about two texts (its prose: label, not_label; its
# file text: report, twice): one scan per text answers them all. At most
# _RECENT_TEXTS scanned prefixes (SCAN_CHARS each) are kept.
_KINDS = ("label", "not_label", "report")
_RECENT_TEXTS = 4
_recent: dict[str, dict[str, list[int]]] = {}


def _positions(text: str, kind: str) -> list[int]:
    """Where each hallmark of ``kind`` found first occurs (sorted).

    For the usual kinds, read from one scan of ``text`` for all of them,
    remembered for the last few texts; ``_scan_kind`` is the same for one kind."""
    if kind not in _KINDS:
        return _scan_kind(text, kind)
    scanned = text[:SCAN_CHARS]  # all a scan reads; the text itself when shorter (no copy)
    found = _recent.get(scanned)
    if found is None:
        if len(_recent) >= _RECENT_TEXTS:
            _recent.clear()
        found = _recent[scanned] = _scan_all(scanned)
    return found[kind]


def _view(text: str) -> tuple[str, str, Any]:
    """The text as the hallmarks are matched: lower-cased (first ``SCAN_CHARS``),
    full-width colons as the prose has them after width folding (适应症： -> 适应症:),
    and its view with whitespace runs as single spaces (leading and trailing
    ones dropped: no hallmark starts or ends with a space), with the view's
    offsets in it (None when they are the same).

    ``str.split`` (the same whitespace as ``\\s``) and ``join`` make the view
    in a sixth of the time of a ``re.sub`` over a whole document."""
    low = text[:SCAN_CHARS].lower().replace("：", ":")
    view = " ".join(low.split())
    return low, view, None if len(view) == len(low) else _WordOffsets(low)


class _WordOffsets:
    """Offsets in ``low`` of the word characters of its view (``_view``), found
    on first use: most documents hold no hallmark to place."""

    __slots__ = ("_low", "_view_starts", "_starts")

    def __init__(self, low: str) -> None:
        self._low = low
        self._view_starts: list[int] = []
        self._starts: list[int] = []

    def __getitem__(self, i: int) -> int:
        if not self._starts:
            starts = self._starts
            view_starts = self._view_starts
            at = 0
            for m in _WORD.finditer(self._low):
                starts.append(m.start())
                view_starts.append(at)
                at += m.end() - m.start() + 1
        k = bisect_right(self._view_starts, i) - 1
        return self._starts[k] + i - self._view_starts[k]


_WORD = re.compile(r"\S+")


def _scan_kind(text: str, kind: str) -> list[int]:
    """Where each hallmark of ``kind`` found first occurs (sorted): one Aho-Corasick pass
    with the same edge and whitespace rules as ``_hallmarks``' regexes."""
    ac, owners, empty = _hallmark_scanner(kind)
    first: dict[int, int] = {}
    if ac is not None:
        low, view, omap = _view(text)
        _first_hits(ac.find_matches_as_indexes(view, overlapping=True), owners, low, omap, first)
    return sorted([0] * empty + list(first.values()))


def _scan_all(text: str) -> dict[str, list[int]]:
    """``_scan_kind(text, kind)`` for every kind of ``_KINDS``, in one pass."""
    ac, owners, empties = _all_kinds_scanner()
    firsts: dict[tuple[str, int], int] = {}
    if ac is not None:
        low, view, omap = _view(text)
        _first_hits(ac.find_matches_as_indexes(view, overlapping=True), owners, low, omap, firsts)
    out: dict[str, list[int]] = {kind: [0] * empties[kind] for kind in _KINDS}
    for (kind, _word), start in firsts.items():
        out[kind].append(start)
    for positions in out.values():
        positions.sort()
    return out


def _first_hits(matches: list[tuple[int, int, int]], owners: list[list[tuple[Any, bool, bool]]], low: str, omap: Any,
                first: dict[Any, int]) -> None:
    """Record in ``first`` where each hallmark (owner key) first occurs, from
    automaton ``matches`` in the collapsed view of ``low``, checking word edges."""
    n = len(low)
    for i, s, e in matches:
        if omap is not None:
            s, e = omap[s], omap[e - 1] + 1
        for word, lead, trail in owners[i]:
            if word in first and first[word] <= s:
                continue
            if lead and s > 0 and low[s - 1] in _AZ09:
                continue
            if trail and e < n and low[e] in _AZ09:
                continue
            first[word] = s


@lru_cache(maxsize=1)
def _all_kinds_scanner() -> tuple[Any, list[list[tuple[tuple[str, int], bool, bool]]], dict[str, int]]:
    """``_hallmark_scanner`` of every kind of ``_KINDS`` as one automaton; owners
    keyed by (kind, hallmark)."""
    owners: dict[str, list[tuple[tuple[str, int], bool, bool]]] = {}
    empties: dict[str, int] = {}
    for kind in _KINDS:
        kind_owners, empties[kind] = _hallmark_owners(kind)
        for form, entries in kind_owners.items():
            owners.setdefault(form, []).extend(((kind, n), lead, trail) for n, lead, trail in entries)
    if not owners:
        return None, [], empties
    from ahocorasick_rs import AhoCorasick

    return AhoCorasick(list(owners)), list(owners.values()), empties


@lru_cache(maxsize=8)
def _hallmark_owners(kind: str) -> tuple[dict[str, list[tuple[int, bool, bool]]], int]:
    """The hallmarks of ``kind`` as the automaton's patterns: their words joined
    by single spaces (matched on text whose whitespace runs are single spaces),
    each with the (hallmark, lead check, trail check) it stands for; and the
    number of empty hallmarks (found at 0 in any text)."""
    from compliance_lint.semantic import lexicon_words

    owners: dict[str, list[tuple[int, bool, bool]]] = {}
    empty = 0
    for n, word in enumerate(lexicon_words(f"document_kinds.{kind}")):
        word = str(word)
        form = " ".join(word.lower().split()).replace("：", ":")
        if not form:
            empty += 1
            continue
        lead = word[:1].isalnum() and word[:1].isascii()
        trail = word[-1:].isalnum() and word[-1:].isascii()
        owners.setdefault(form, []).append((n, lead, trail))
    return owners, empty


@lru_cache(maxsize=8)
def _hallmark_scanner(kind: str) -> tuple[Any, list[list[tuple[int, bool, bool]]], int]:
    """``_hallmark_owners(kind)`` as one Aho-Corasick automaton (None when there
    are no patterns), the owners per pattern, and the number of empty hallmarks."""
    owners, empty = _hallmark_owners(kind)
    if not owners:
        return None, [], empty
    from ahocorasick_rs import AhoCorasick

    return AhoCorasick(list(owners)), list(owners.values()), empty


_AZ09 = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


# A label opens with its genre ("Medication Guide", "HIGHLIGHTS OF PRESCRIBING
# INFORMATION", "Package leaflet", "Consumer Medicine Information", 【药品名称】);
# an ad that ends with a brief summary or Important Safety Information copied
# from the label carries the same titles only after its own claims.
LABEL_OPENING = 250
LABEL_OPENING_SHARE = 0.02


def is_kind(text: str, kind: str) -> bool:
    found = _positions(text, kind)
    if len(found) < THRESHOLD:
        return False
    if kind == "label":
        if _positions(text, "not_label"):
            return False
        return found[0] <= max(LABEL_OPENING, int(len(text) * LABEL_OPENING_SHARE))
    return True
