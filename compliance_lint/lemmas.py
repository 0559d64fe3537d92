"""English inflections from spacy-lookups-data, expanded when rules compile.

Matching on lower-cased inflected forms with a PhraseMatcher is as exact as
lemmatising every document and far cheaper (DESIGN: Cost); the lookup table
is the same one spaCy's lookup lemmatizer uses.
"""

from __future__ import annotations

import gzip
import json
import os
from functools import lru_cache
from itertools import product

IRREGULAR_EXTRA = {"be": {"is", "are", "was", "were", "been", "being", "am"}}


@lru_cache(maxsize=1)
def _forms() -> dict[str, frozenset[str]]:
    import spacy_lookups_data

    path = os.path.join(os.path.dirname(spacy_lookups_data.__file__), "data", "en_lemma_lookup.json.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        table: dict[str, str] = json.load(fh)
    reverse: dict[str, set[str]] = {}
    for form, lemma in table.items():
        if form.islower() and lemma.islower():
            reverse.setdefault(lemma, set()).add(form)
    for lemma, extra in IRREGULAR_EXTRA.items():
        reverse.setdefault(lemma, set()).update(extra)
    return {k: frozenset(v) for k, v in reverse.items()}


@lru_cache(maxsize=1)
def _lemma_table() -> dict[str, str]:
    import spacy_lookups_data

    path = os.path.join(os.path.dirname(spacy_lookups_data.__file__), "data", "en_lemma_lookup.json.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def lemma(word: str) -> str:
    low = word.lower()
    return _lemma_table().get(low, low)


_REGULAR_ENDINGS = ("s", "ed", "ing")


def inflections(word: str) -> set[str]:
    """All forms of ``word`` (itself included) that the lookup table lemmatises to it.

    A word written in an inflected form is folded to its lemma only for regular
    verb and noun endings ("cures", "guaranteed"). The table also maps degrees
    and unrelated homographs to a lemma ("best" -> "well", "most" -> "much",
    "safest" -> "safe", "number" -> "numb"); folding those would make "the best"
    match "the well" and "number one" match "numb one".
    """
    low = word.lower()
    base = lemma(low)
    forms = {low}
    forms.update(_forms().get(low, ()))
    if base == low or low.endswith(_REGULAR_ENDINGS):
        forms.add(base)
        forms.update(_forms().get(base, ()))
    return forms


_EXPANDED: dict[str, list[str]] | None = None
_EXPANDED_NEW: list[bool] = [False]


def _expanded() -> dict[str, list[str]]:
    """Phrase expansions kept in the user cache (JSON, keyed by the tool's code and
    the lookups data version), so that a run need not load the lookup table."""
    global _EXPANDED
    if _EXPANDED is None:
        from compliance_lint import cache

        data = cache.get_json("plans", _expanded_key())
        _EXPANDED = data if isinstance(data, dict) else {}
        import atexit

        atexit.register(_save_expanded)
    return _EXPANDED


def _expanded_key() -> str:
    from compliance_lint import cache

    return cache.digest("inflections", cache.environment_key())[:40]


def _save_expanded() -> None:
    if _EXPANDED_NEW[0] and _EXPANDED is not None:
        from compliance_lint import cache

        cache.put_json("plans", _expanded_key(), _EXPANDED)
        _EXPANDED_NEW[0] = False


def expand_phrase(phrase: str, limit: int = 96) -> list[str]:
    """Inflect the first and last word of a phrase (verb + object, adjective + noun).

    Inflecting inner words ("insulins") only adds forms nobody writes.
    """
    store = _expanded()
    key = f"{limit}:{phrase}"
    got = store.get(key)
    if not isinstance(got, list):
        got = store[key] = _expand_phrase(phrase, limit)
        _EXPANDED_NEW[0] = True
    return list(got)


def _expand_phrase(phrase: str, limit: int) -> list[str]:
    words = phrase.lower().split()
    edges = {0, len(words) - 1}
    options = [
        sorted(inflections(w)) if i in edges and w.isalpha() and len(w) > 2 else [w]
        for i, w in enumerate(words)
    ]
    out: list[str] = []
    for combo in product(*options):
        out.append(" ".join(combo))
        if len(out) >= limit:
            break
    if phrase.lower() not in out:
        out.insert(0, phrase.lower())
    return out
