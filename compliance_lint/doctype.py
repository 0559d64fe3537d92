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


def _positions(text: str, kind: str) -> list[int]:
    """Where each hallmark found first occurs (sorted): one Aho-Corasick pass
    with the same edge and whitespace rules as ``_hallmarks``' regexes."""
    from compliance_lint.semantic import _collapsed

    # full-width colons as the prose has them after width folding (适应症： -> 适应症:)
    low = text[:SCAN_CHARS].lower().replace("：", ":")
    ac, owners, empty = _hallmark_scanner(kind)
    first: dict[int, int] = {}
    if ac is not None:
        view, omap = _collapsed(low)
        n = len(low)
        for i, s, e in ac.find_matches_as_indexes(view, overlapping=True):
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
    return sorted([0] * empty + list(first.values()))


@lru_cache(maxsize=8)
def _hallmark_scanner(kind: str) -> tuple[Any, list[list[tuple[int, bool, bool]]], int]:
    """The hallmarks of ``kind`` as one Aho-Corasick automaton over their words
    joined by single spaces (matched on text whose whitespace runs are single
    spaces): per pattern, the (hallmark, lead check, trail check) it stands
    for; and the number of empty hallmarks (found at 0 in any text)."""
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
