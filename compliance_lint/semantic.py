"""Shared machinery of the semantic kinds: mentions per block, claim verbs,
subjects carried across sentences, clause boundaries.

Kept separate from the kinds so claim, off_label, unapproved and phrase rules
with a subject requirement agree on what a mention, a claim verb and a
subject are.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from compliance_lint.entities import Mention, entity_index
from compliance_lint.kb import KnowledgeBase, load_kb
from compliance_lint.kinds.base import DocumentState

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
CLAUSE_EN = re.compile(r"[;:()]|,\s*(?:but|whereas|while|although|though|yet|which)\b|\b(?:but|however|although|whereas|while)\b|\s[-–—]\s")
CLAUSE_ZH = re.compile(r"[；;：:。！？!?（）()]|但是|然而|不过")


def kb() -> KnowledgeBase:
    return load_kb()


def mentions(state: DocumentState, index: int) -> list[Mention]:
    """Knowledge-base mentions in block ``index`` (computed once per block)."""
    cache: dict[int, list[Mention]] = state.memory.setdefault("mentions", {})
    if index not in cache:
        found = entity_index(kb()).find(state.blocks[index].text)
        found.sort(key=lambda m: (m.start, -(m.end - m.start)))
        kept: list[Mention] = []
        last_end = -1
        for m in found:
            if m.start >= last_end:
                kept.append(m)
                last_end = m.end
        cache[index] = kept
    return cache[index]


def _word_regex(words: list[str], inflect: bool) -> re.Pattern[str] | None:
    parts: list[str] = []
    for w in words:
        w = w.lower().strip()
        if not w:
            continue
        if _CJK.search(w):
            # a space slipped between Chinese characters (根　治, an evasion and a
            # typesetting habit) does not break the word
            parts.append(r"\s?".join(re.escape(ch) for ch in w))
            continue
        forms = [w]
        if inflect:
            from compliance_lint.lemmas import expand_phrase

            forms = expand_phrase(w)
        for f in forms:
            body = r"\s+".join(re.escape(x) for x in f.split())
            lead = r"(?<![a-z0-9])" if f[:1].isalnum() else ""
            trail = r"(?![a-z0-9])" if f[-1:].isalnum() else ""
            parts.append(lead + body + trail)
    if not parts:
        return None
    parts = sorted(set(parts), key=len, reverse=True)
    return re.compile("|".join(parts))


@lru_cache(maxsize=256)
def word_regex(words: tuple[str, ...], inflect: bool = True) -> re.Pattern[str] | None:
    return _word_regex(list(words), inflect)


def lexicon_words(group_path: str, lang: str | None = None) -> list[str]:
    """``verbs.cure`` -> the English and/or Chinese words of that lexicon entry."""
    node: Any = kb().lexicon
    for part in group_path.split("."):
        node = node.get(part, {}) if isinstance(node, dict) else {}
    if isinstance(node, list):
        return [str(x) for x in node]
    out: list[str] = []
    for lg in ("en", "zh"):
        if lang in (None, lg):
            out.extend(str(x) for x in node.get(lg, []) or [])
    return out


def resolve_words(spec: list[str], section: str = "verbs") -> list[str]:
    """Words named in a rule: ``@cure`` means the lexicon group, others are literal."""
    out: list[str] = []
    for item in spec:
        if item.startswith("@"):
            name = item[1:]
            out.extend(lexicon_words(f"{section}.{name}"))
            if section == "verbs":
                out.extend(lexicon_words(f"claim_nouns.{name}"))
        else:
            out.append(item)
    return out


def clause_bounds(text: str, pos: int, lang: str) -> tuple[int, int]:
    """The clause around ``pos`` in a sentence (start, end)."""
    rx = CLAUSE_ZH if lang == "zh" else CLAUSE_EN
    start, end = 0, len(text)
    for m in rx.finditer(text):
        if m.end() <= pos:
            start = m.end()
        elif m.start() >= pos:
            end = m.start()
            break
    return start, end


def subject_mentions(state: DocumentState, index: int, before: int) -> list[Mention]:
    """Substances, classes and descriptors the text at ``before`` in block
    ``index`` may refer to: in the same block before that point, else the
    nearest earlier block of the same section (headings included)."""
    labels = ("SUBSTANCE", "CLASS", "DESCRIPTOR")
    own = [m for m in mentions(state, index) if m.label in labels and m.start < before]
    if own:
        return own[-1:]
    for j in range(index - 1, max(-1, index - 12), -1):
        found = [m for m in mentions(state, j) if m.label in labels]
        if found:
            return found[-1:]
        if state.blocks[j].kind == "heading":
            break
    return []


def has_product_word(text: str, lang: str) -> bool:
    rx = word_regex(tuple(lexicon_words("product_words")), False)
    return bool(rx and rx.search(text.lower()))


def product_word_in_context(state: DocumentState, index: int, sentence: str, lang: str) -> bool:
    if has_product_word(sentence, lang):
        return True
    for j in range(index - 1, max(-1, index - 6), -1):
        if has_product_word(state.blocks[j].text, lang):
            return True
        if state.blocks[j].kind == "heading":
            break
    return False


def lifestyle_subject(clause_before_verb: str) -> bool:
    rx = word_regex(tuple(lexicon_words("lifestyle_subjects")), False)
    return bool(rx and rx.search(clause_before_verb.lower()))


def cue(text: str, group: str) -> bool:
    rx = word_regex(tuple(lexicon_words(group)), True)
    return bool(rx and rx.search(text.lower()))
