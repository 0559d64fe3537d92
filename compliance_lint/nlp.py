"""One spaCy ``Language`` per language, built once per process and reused.

English: ``spacy.blank("en")`` + sentencizer; the lookup lemmatizer (tables from
spacy-lookups-data) is applied only to Docs a lemma-based token pattern needs,
because it costs as much as tokenizing. Chinese: ``spacy.blank("zh")`` with the
default character segmenter (no model download; pkuseg is never used) +
sentencizer with Chinese sentence punctuation.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

ZH_PUNCT = ["。", "！", "？", "!", "?", "；", ";", "…", "\n"]
EN_PUNCT = [".", "!", "?", ";", "。", "！", "？", "…"]


@cache
def get_nlp(lang: str) -> Any:
    import spacy

    if lang == "zh":
        nlp = spacy.blank("zh")
        nlp.add_pipe("sentencizer", config={"punct_chars": ZH_PUNCT})
    else:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer", config={"punct_chars": EN_PUNCT})
        _split_citation_markers(nlp)
    nlp.max_length = 2_000_000
    return nlp


# Footnote and citation markers glued to a word ("cures diabetes[1]", "cure[^2]",
# "cure(3)", "cure¹") must not hide the word from the matchers.
CITATION_SUFFIXES = (r"\[\^?\d{1,3}\]", r"\(\d{1,3}\)", r"\^\d{1,3}", r"[\u00b9\u00b2\u00b3\u2070-\u2079]+", r"[*†‡§]+")


def _split_citation_markers(nlp: Any) -> None:
    from spacy.util import compile_suffix_regex

    suffixes = list(CITATION_SUFFIXES) + list(nlp.Defaults.suffixes or [])
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search


@lru_cache(maxsize=1)
def _lemmatizer() -> Any:
    import spacy

    nlp = spacy.blank("en")
    lem = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return lem


def lemmatize(doc: Any) -> Any:
    """Fill ``token.lemma_`` with the lookup table (case-insensitive fallback)."""
    if doc.user_data.get("lemmatized"):
        return doc
    from compliance_lint.lemmas import lemma

    for token in doc:
        token.lemma_ = lemma(token.text)
    doc.user_data["lemmatized"] = True
    return doc


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def detect_lang(text: str) -> str:
    """Chinese or English for one block, by dominant script.

    A block is Chinese when its Han characters outnumber its Latin words: an
    English paragraph naming 司美格鲁肽 stays English, a Chinese sentence with
    "(Ozempic)" in it stays Chinese.
    """
    han = len(_HAN.findall(text))
    if not han:
        return "en"
    words = len(_LATIN_WORD.findall(text))
    return "zh" if han >= words else "en"
