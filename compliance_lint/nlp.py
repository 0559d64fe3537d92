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
        _bound_token_length(nlp)
    nlp.add_pipe(_bounded_sentences_factory())
    nlp.max_length = 2_000_000
    return nlp


# A "sentence" with no sentence punctuation can be a whole 100k-character block;
# kinds and filters do per-hit work proportional to the sentence, so thousands of
# hits in it were quadratic (an unclosed fence of "cure ``` " repeated: a minute).
# Sentences longer than MAX_SENT_TOKENS are cut, at a comma, colon or space in
# their last quarter where there is one. Real sentences are far shorter.
MAX_SENT_TOKENS = 400
_SOFT_BREAKS = frozenset({",", "，", "、", ":", "：", "-", "—", "|", "·"})


def _bounded_sentences_factory() -> str:
    from spacy.language import Language

    name = "compliance_lint_bounded_sentences"
    if not Language.has_factory(name):
        Language.component(name, func=_bound_sentences)
    return name


def _bound_sentences(doc: Any) -> Any:
    if len(doc) <= MAX_SENT_TOKENS:
        return doc
    floor = MAX_SENT_TOKENS * 3 // 4
    for start, end in [(sent.start, sent.end) for sent in doc.sents]:
        while end - start > MAX_SENT_TOKENS:
            cut = start + MAX_SENT_TOKENS
            for k in range(cut - 1, start + floor, -1):
                token = doc[k]
                if token.is_space or token.text in _SOFT_BREAKS or token.whitespace_:
                    cut = k + 1
                    break
            doc[cut].is_sent_start = True
            start = cut
    return doc


# spaCy's English tokenizer strips prefixes and suffixes one at a time from the
# whole remaining string: a whitespace-free run of 4,000 "[" or emoji takes 3 s,
# 20,000 over a minute (worse than quadratic). Runs longer than LONG_RUN are
# tokenized in slices of at most RUN_SLICE characters, cut after punctuation
# where there is some; the Doc's text stays identical.
LONG_RUN = 128
RUN_SLICE = 100
_LONG_RUN_RE = re.compile(r"\S{" + str(LONG_RUN + 1) + ",}")
_CUT = re.compile(r"[\w\u3400-\u9fff]")


def _bound_token_length(nlp: Any) -> None:
    from spacy.attrs import SENT_START
    from spacy.tokens import Doc

    tokenizer = nlp.tokenizer
    plain = nlp.make_doc

    def make_doc(text: str) -> Any:
        if len(text) <= LONG_RUN or not _LONG_RUN_RE.search(text):
            return plain(text)
        pieces: list[str] = []
        pos = 0
        for m in _LONG_RUN_RE.finditer(text):
            if m.start() > pos:
                pieces.append(text[pos:m.start()])
            start, end = m.start(), m.end()
            while start < end:
                cut = min(end, start + RUN_SLICE)
                if cut < end:
                    back = cut
                    while back > start + RUN_SLICE // 2 and _CUT.match(text, back - 1):
                        back -= 1
                    if back > start + RUN_SLICE // 2:
                        cut = back
                if cut == end and text[end:end + 1] == " ":
                    cut += 1  # the space stays the last token's whitespace, as without slicing
                    end += 1
                pieces.append(text[start:cut])
                start = cut
            pos = end
        if pos < len(text):
            pieces.append(text[pos:])
        if len(text) > nlp.max_length:
            plain(text)  # the usual E088 error, as before
        doc = Doc.from_docs([tokenizer(p) for p in pieces], ensure_whitespace=False)
        # from_docs marks each piece's first token as a sentence start: undo, so
        # the sentencizer decides as it would on the unsliced text.
        starts = doc.to_array([SENT_START])
        starts[1:] = 0
        doc.from_array([SENT_START], starts)
        return doc

    nlp.make_doc = make_doc


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
