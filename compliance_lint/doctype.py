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
    low = text[:SCAN_CHARS].lower()
    return sorted(m.start() for rx in _hallmarks(kind) if (m := rx.search(low)))


# A label opens with its genre ("Medication Guide", "HIGHLIGHTS OF PRESCRIBING
# INFORMATION", "Package leaflet", "Consumer Medicine Information", 【药品名称】);
# an ad that ends with a brief summary or Important Safety Information copied
# from the label carries the same titles only after its own claims.
LABEL_OPENING = 800
LABEL_OPENING_SHARE = 0.2


def is_kind(text: str, kind: str) -> bool:
    found = _positions(text, kind)
    if len(found) < THRESHOLD:
        return False
    if kind == "label":
        return found[0] <= max(LABEL_OPENING, int(len(text) * LABEL_OPENING_SHARE))
    return True
