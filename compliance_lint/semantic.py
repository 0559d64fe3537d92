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


_AZ09 = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_WS_RUN = re.compile(r"\s+")
_ODD_WS = re.compile(r"\s\s|[^\S ]")  # anything but single plain spaces


class WordMatch:
    """What ``WordMatcher.search``/``finditer``/``match`` return (a ``re.Match`` subset)."""

    __slots__ = ("_start", "_end", "string")

    def __init__(self, string: str, start: int, end: int) -> None:
        self.string = string
        self._start = start
        self._end = end

    def start(self, group: int = 0) -> int:
        return self._start

    def end(self, group: int = 0) -> int:
        return self._end

    def span(self, group: int = 0) -> tuple[int, int]:
        return self._start, self._end

    def group(self, group: int = 0) -> str:
        return self.string[self._start:self._end]

    def __getitem__(self, group: int) -> str:
        return self.group(group)

    def __repr__(self) -> str:
        return f"<WordMatch span={self.span()} match={self.group()!r}>"


_VIEWS: dict[str, tuple[str, Any]] = {}  # the kinds ask many matchers about one sentence


def _collapsed(seg: str) -> tuple[str, Any]:
    """``seg`` with every run of whitespace as one space, and the view's offsets
    in ``seg`` (None when they are the same)."""
    got = _VIEWS.get(seg)
    if got is None:
        if len(_VIEWS) >= 64:
            _VIEWS.clear()
        got = _VIEWS[seg] = _collapse(seg)
    return got


def _collapse(seg: str) -> tuple[str, Any]:
    if not _ODD_WS.search(seg):
        return seg, None
    view = _WS_RUN.sub(" ", seg)
    if len(view) == len(seg):  # single tabs or line breaks: same offsets
        return view, None
    return view, _OffsetMap(seg)


class _OffsetMap:
    """Offsets in ``seg`` of the characters of its collapsed view, built on first use."""

    __slots__ = ("_seg", "_map")

    def __init__(self, seg: str) -> None:
        self._seg = seg
        self._map: list[int] | None = None

    def __getitem__(self, i: int) -> int:
        if self._map is None:
            seg = self._seg
            omap: list[int] = []
            last = 0
            for m in _WS_RUN.finditer(seg):
                a, b = m.span()
                omap.extend(range(last, a + 1))
                last = b
            omap.extend(range(last, len(seg)))
            self._map = omap
        return self._map[i]


def _squeezed(seg: str) -> tuple[str, list[int]]:
    """``seg`` without whitespace, and the view's offsets in ``seg``."""
    parts: list[str] = []
    omap: list[int] = []
    last = 0
    for m in _WS_RUN.finditer(seg):
        a, b = m.span()
        parts.append(seg[last:a])
        omap.extend(range(last, a))
        last = b
    parts.append(seg[last:])
    omap.extend(range(last, len(seg)))
    return "".join(parts), omap


class WordMatcher:
    """Lexicon words found with Aho-Corasick, as the regex alternation it replaces
    would: the words are lower case and matched as given (callers lower-case
    the text); Latin words only at word edges (no [a-z0-9] before or after),
    words of a phrase across any run of whitespace; Chinese words with no edge
    check and at most one whitespace character between their characters (根　治);
    leftmost-longest, non-overlapping. ``search``/``finditer``/``match`` take
    ``pos``/``endpos`` like ``re.Pattern`` (the edge check looks before ``pos``).
    """

    def __init__(self, latin: list[str], cjk: list[str]) -> None:
        from ahocorasick_rs import AhoCorasick

        self.latin = sorted(set(latin))
        self.cjk = sorted(set(cjk))
        self._lead = [f[:1].isalnum() for f in self.latin]
        self._trail = [f[-1:].isalnum() for f in self.latin]
        self._latin_ac = AhoCorasick(self.latin) if self.latin else None
        self._cjk_ac = AhoCorasick(self.cjk) if self.cjk else None

    def _candidates(self, text: str, pos: int, endpos: int) -> list[tuple[int, int]]:
        seg = text if pos == 0 and endpos == len(text) else text[pos:endpos]
        out: list[tuple[int, int]] = []
        if self._latin_ac is not None:
            view, omap = _collapsed(seg)
            lead, trail = self._lead, self._trail
            for i, s, e in self._latin_ac.find_matches_as_indexes(view, overlapping=True):
                if omap is not None:
                    s, e = omap[s], omap[e - 1] + 1
                s += pos
                e += pos
                if lead[i] and s > 0 and text[s - 1] in _AZ09:
                    continue
                if trail[i] and e < endpos and text[e] in _AZ09:
                    continue
                out.append((s, e))
        if self._cjk_ac is not None and not seg.isascii():
            if _WS_RUN.search(seg):
                view, omap = _squeezed(seg)
                for _i, s, e in self._cjk_ac.find_matches_as_indexes(view, overlapping=True):
                    if all(omap[k + 1] - omap[k] <= 2 for k in range(s, e - 1)):
                        out.append((pos + omap[s], pos + omap[e - 1] + 1))
            else:
                out.extend((pos + s, pos + e) for _i, s, e in self._cjk_ac.find_matches_as_indexes(seg, overlapping=True))
        return out

    def tagged_candidates(self, text: str) -> list[tuple[int, int, int]]:
        """``_candidates(text, 0, len(text))`` with the form each was found as:
        (i, start, end), ``i`` indexing ``self.latin + self.cjk``. For a matcher
        built from several matchers' forms, whose answers it gives in one scan
        (kinds/required.py); ``_candidates`` itself stays as lean as it was."""
        out: list[tuple[int, int, int]] = []
        endpos = len(text)
        if self._latin_ac is not None:
            view, omap = _collapsed(text)
            lead, trail = self._lead, self._trail
            for i, s, e in self._latin_ac.find_matches_as_indexes(view, overlapping=True):
                if omap is not None:
                    s, e = omap[s], omap[e - 1] + 1
                if lead[i] and s > 0 and text[s - 1] in _AZ09:
                    continue
                if trail[i] and e < endpos and text[e] in _AZ09:
                    continue
                out.append((i, s, e))
        if self._cjk_ac is not None and not text.isascii():
            n_latin = len(self.latin)
            if _WS_RUN.search(text):
                view, omap = _squeezed(text)
                for i, s, e in self._cjk_ac.find_matches_as_indexes(view, overlapping=True):
                    if all(omap[k + 1] - omap[k] <= 2 for k in range(s, e - 1)):
                        out.append((n_latin + i, omap[s], omap[e - 1] + 1))
            else:
                out.extend((n_latin + i, s, e) for i, s, e in self._cjk_ac.find_matches_as_indexes(text, overlapping=True))
        return out

    def _matches(self, text: str, pos: int, endpos: int) -> tuple[WordMatch, ...]:
        """The leftmost-longest, non-overlapping matches in ``text[pos:endpos]``."""
        cands = self._candidates(text, pos, endpos)
        if not cands:
            return ()
        cands.sort(key=lambda se: (se[0], -se[1]))
        out: list[WordMatch] = []
        last = -1
        for s, e in cands:
            if s >= last:
                out.append(WordMatch(text, s, e))
                last = e
        return tuple(out)

    def _all(self, text: str, pos: int, endpos: int | None) -> tuple[WordMatch, ...]:
        """``_matches`` with ``pos``/``endpos`` clamped as ``re`` does, remembered for
        sentence-sized texts: the kinds ask the same matchers about the same
        sentences (each rule, each mention, each kind; and boilerplate recurs)."""
        n = len(text)
        endpos = n if endpos is None else max(0, min(endpos, n))
        pos = max(0, pos)
        if pos >= endpos:
            return ()
        if n > _MEMO_TEXT:
            return self._matches(text, pos, endpos)
        return _memo_matches(self, text, pos, endpos)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> list[WordMatch]:
        return list(self._all(text, pos, endpos))

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> WordMatch | None:
        found = self._all(text, pos, endpos)
        return found[0] if found else None  # the leftmost, longest there

    def match(self, text: str, pos: int = 0, endpos: int | None = None) -> WordMatch | None:
        found = self._all(text, pos, endpos)
        return found[0] if found and found[0].start() == max(0, pos) else None

    def __repr__(self) -> str:
        return f"<WordMatcher {len(self.latin)} Latin, {len(self.cjk)} Chinese>"


class MatcherUnion:
    """Several ``WordMatcher``s answered from one scan of a text.

    One matcher holds every form of all of them; each form found is credited to
    the matchers that have it. A matcher's candidates are exactly the union's
    candidates found as its own forms (the edge checks and the whitespace views
    depend on the form and the text alone), so its ``search`` is the leftmost,
    then longest, of them and its ``finditer`` their ``leftmost_longest``.
    Used where several matchers are asked about the same text (the packs'
    copies of a rule with their own words): one Aho-Corasick pass instead of one
    per matcher.
    """

    def __init__(self, matchers: list[WordMatcher]) -> None:
        self.matchers = list({id(rx): rx for rx in matchers}.values())
        latin = sorted({f for rx in self.matchers for f in rx.latin})
        cjk = sorted({f for rx in self.matchers for f in rx.cjk})
        self._all = WordMatcher(latin, cjk) if latin or cjk else None
        owners: dict[tuple[bool, str], list[int]] = {}
        for k, rx in enumerate(self.matchers):
            for f in rx.latin:
                owners.setdefault((False, f), []).append(k)
            for f in rx.cjk:
                owners.setdefault((True, f), []).append(k)
        self._owners = [tuple(owners[(False, f)]) for f in latin] + [tuple(owners[(True, f)]) for f in cjk]

    def candidates(self, text: str) -> list[list[tuple[int, int]]]:
        """Per matcher (in ``self.matchers`` order), its ``_candidates(text, 0, len(text))``, unordered."""
        out: list[list[tuple[int, int]]] = [[] for _ in self.matchers]
        if self._all is not None:
            owners = self._owners
            for i, s, e in self._all.tagged_candidates(text):
                for k in owners[i]:
                    out[k].append((s, e))
        return out

    def firsts(self, text: str) -> dict[int, tuple[int, int]]:
        """Per matcher id, ``rx.search(text)``'s (start, end); matchers without a match left out."""
        best: dict[int, tuple[int, int]] = {}
        for rx, cands in zip(self.matchers, self.candidates(text), strict=True):
            if cands:
                s, neg_e = min((s, -e) for s, e in cands)
                best[id(rx)] = (s, -neg_e)
        return best


def leftmost_longest(cands: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``WordMatcher._matches``'s choice among candidates: leftmost, then longest, not overlapping."""
    out: list[tuple[int, int]] = []
    last = -1
    for s, e in sorted(cands, key=lambda se: (se[0], -se[1])):
        if s >= last:
            out.append((s, e))
            last = e
    return out


_MEMO_TEXT = 4096  # longer texts (whole blocks, documents) are not remembered


@lru_cache(maxsize=4096)
def _memo_matches(matcher: WordMatcher, text: str, pos: int, endpos: int) -> tuple[WordMatch, ...]:
    """``matcher._matches`` remembered; a matcher never changes (``word_regex``
    keeps them), and the key holds the matcher itself, so no id is reused."""
    return matcher._matches(text, pos, endpos)


def word_forms(words: list[str], inflect: bool) -> tuple[list[str], list[str]]:
    """The Latin forms (words of a phrase joined by one space) and the Chinese
    words (whitespace removed) that ``word_regex`` looks for."""
    latin: list[str] = []
    cjk: list[str] = []
    for w in words:
        w = w.lower().strip()
        if not w:
            continue
        if _CJK.search(w):
            cjk.append("".join(w.split()))
            continue
        forms = [w]
        if inflect:
            from compliance_lint.lemmas import expand_phrase

            forms = expand_phrase(w)
        latin.extend(" ".join(f.split()) for f in forms)
    return latin, cjk


def _word_regex(words: list[str], inflect: bool) -> WordMatcher | None:
    latin, cjk = word_forms(words, inflect)
    if not latin and not cjk:
        return None
    return WordMatcher(latin, cjk)


@lru_cache(maxsize=256)
def word_regex(words: tuple[str, ...], inflect: bool = True) -> WordMatcher | None:
    """The words (``inflect``: with their inflected forms) as a ``WordMatcher``."""
    return _word_regex(list(words), inflect)


_LEXICON_MEMO: dict[tuple[str, str | None], tuple[Any, tuple[str, ...]]] = {}


def lexicon_words(group_path: str, lang: str | None = None) -> list[str]:
    """``verbs.cure`` -> the English and/or Chinese words of that lexicon entry."""
    lexicon = kb().lexicon
    memo = _LEXICON_MEMO.get((group_path, lang))
    if memo is not None and memo[0] is lexicon:  # the kinds ask per sentence
        return list(memo[1])
    out = _lexicon_words(lexicon, group_path, lang)
    _LEXICON_MEMO[(group_path, lang)] = (lexicon, tuple(out))
    return out


def _lexicon_words(lexicon: Any, group_path: str, lang: str | None) -> list[str]:
    node: Any = lexicon
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


@lru_cache(maxsize=8192)
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
    return _has_product_word(text, id(kb().lexicon))


@lru_cache(maxsize=4096)
def _has_product_word(text: str, _lexicon: int) -> bool:
    """Remembered per text (each claim rule asks about the same sentence and the blocks before it)."""
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
    return _cue(text, group, id(kb().lexicon))


@lru_cache(maxsize=8192)
def _cue(text: str, group: str, _lexicon: int) -> bool:
    """``cue`` remembered per sentence: several kinds ask the same ("research_cues"
    of each sentence naming a medicine); keyed by the lexicon loaded."""
    rx = word_regex(tuple(lexicon_words(group)), True)
    return bool(rx and rx.search(text.lower()))
