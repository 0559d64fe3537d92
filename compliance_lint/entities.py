"""SUBSTANCE, PRODUCT, CLASS, DESCRIPTOR and CONDITION mentions from the knowledge base.

Matched on the normalised, lower-cased block text with one compiled
alternation per entity table (no spaCy needed, so the cheap pre-scan can see
every block): case-insensitive, with hyphen/space variants ("CJC 1295",
"BPC157", "GLP 1"), plurals and possessives for English names, literal
matching for Chinese names. Overlaps resolve to the longest mention, which is
how "type 2 diabetes" wins over "diabetes".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from compliance_lint.kb import KnowledgeBase

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Mention:
    label: str  # SUBSTANCE | CLASS | DESCRIPTOR | CONDITION
    id: str
    start: int
    end: int
    product: str | None = None
    text: str = ""


def _key(text: str) -> str:
    t = text.lower().replace("’", "'")
    t = re.sub(r"'s$", "", t)
    return re.sub(r"[\s\-_/\"]", "", t)


def _variant_regex(name: str) -> str:
    """Regex for one name: separators optional between parts, plural/possessive."""
    name = name.lower().strip()
    if _CJK.search(name):
        parts = re.split(r"[\s\-]+", name)
        return r"[\s\-]?".join(re.escape(p) for p in parts if p)
    parts = [p for p in re.split(r"[\s\-_]+", name) if p]
    # a separator between letters and digits may be absent ("bpc157", "glp1")
    # a quotation mark may close or open between the words of a name (our "Wolverine" blend)
    body = r"\"?[\s\-]?\"?".join(re.escape(p) for p in parts)
    body = re.sub(r"(?<=[a-z])(?=\d)", r"[\\s\\-]?", body) if len(parts) == 1 else body
    suffix = r"(?:'s|s'|s|es)?" if name[-1:].isalpha() else r"(?:'s|s)?"  # "GLP-1s"
    if re.search(r"[a-z][^aeiou\s\-]y$", name):
        body, suffix = body[:-1], r"(?:y's|y|ies)"  # "hamstring injury" / "hamstring injuries"
    return rf"(?<![a-z0-9]){body}{suffix}(?![a-z0-9])"


_AZ09 = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


class EntityIndex:
    """Compiled mention finder over the knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.lookup: dict[str, tuple[str, str, str | None]] = {}
        names: list[str] = []

        def add(name: str, label: str, ident: str, product: str | None = None) -> None:
            if not name or len(name.strip()) < 2:
                return
            k = _key(name)
            if k in self.lookup and self.lookup[k][0] == "CONDITION" and label != "CONDITION":
                pass
            elif k in self.lookup:
                return
            self.lookup[k] = (label, ident, product)
            names.append(name)

        for s in kb.substances.values():
            for name in [s.name, *s.en, *s.zh]:
                add(name, "SUBSTANCE", s.id)
            for product, zh_names in s.products.items():
                add(product, "SUBSTANCE", s.id, product)
                for z in zh_names:
                    add(z, "SUBSTANCE", s.id, product)
        for c in kb.classes.values():
            for name in [*c.en, *c.zh]:
                add(name, "CLASS", c.id)
        for d in kb.descriptors:
            for name in [*(d.get("en") or []), *(d.get("zh") or [])]:
                add(str(name), "DESCRIPTOR", str(d.get("id")))
        for cond in kb.conditions.values():
            for name in [*cond.en, *cond.zh]:
                add(name, "CONDITION", cond.id)
        ordered = sorted(set(names), key=lambda n: (-len(n), n))
        self._ordered = ordered
        self._regex: Any = None  # the whole alternation, compiled on first use (~0.4 s)
        # Every match starts with its name's first literal piece: find those with
        # one Aho-Corasick pass and try the regex only there (same matches as
        # finditer over the whole text, a hundred times faster).
        self._alts = [(_first_literal(n), _variant_regex(n)) for n in ordered]
        firsts = sorted({f for f, _rx in self._alts if f})
        self._first_ids = {f: i for i, f in enumerate(firsts)}
        self._sub: dict[frozenset[int], Any] = {}
        # first pieces all of whose names' patterns begin with (?<![a-z0-9]): a start
        # right after a letter or digit cannot match (most starts of common pieces)
        unedged = {f for f, alt in self._alts if not alt.startswith("(?<![a-z0-9])")}
        self._edged = {i for f, i in self._first_ids.items() if f not in unedged}
        self._starts: Any = None
        # the automaton's patterns: first pieces, the short ones with the character
        # that may follow them ("t2d" starts "t2", "t-2", "t 2": not every "t");
        # _owner maps a pattern to the index of its first piece
        patterns, self._owner = _start_patterns(firsts, ordered)
        if firsts and all(f for f, _rx in self._alts):
            try:
                from ahocorasick_rs import AhoCorasick

                self._starts = AhoCorasick(patterns)
            except ImportError:  # pragma: no cover
                self._starts = None
        self.literals = sorted({n.lower() for n in names})

    @property
    def regex(self) -> Any:
        if self._regex is None and self._ordered:
            self._regex = re.compile("|".join(alt for _f, alt in self._alts))
        return self._regex

    def _matches(self, low: str) -> Any:
        if self._starts is None:
            yield from self.regex.finditer(low)
            return
        starts: dict[int, set[int]] = {}
        edged, owner = self._edged, self._owner
        for k, s, _e in self._starts.find_matches_as_indexes(low, overlapping=True):
            i = owner[k]
            if i in edged and s > 0 and low[s - 1] in _AZ09:
                continue  # every name starting with this piece needs a word edge before it
            starts.setdefault(s, set()).add(i)
        pos = 0
        for p in sorted(starts):
            if p < pos:
                continue
            # Only the alternatives whose first piece is here can match here;
            # keeping their order keeps the regex's choice.
            key = frozenset(starts[p])
            rx = self._sub.get(key)
            if rx is None:
                firsts = self._starts_literals(key)
                rx = re.compile("|".join(alt for f, alt in self._alts if f in firsts))
                self._sub[key] = rx
            m = rx.match(low, p)
            if m:
                yield m
                pos = m.end()

    def _starts_literals(self, ids: frozenset[int]) -> set[str]:
        return {f for f, i in self._first_ids.items() if i in ids}

    def find(self, text: str) -> list[Mention]:
        if not self._ordered:
            return []
        low = text.lower()
        out: list[Mention] = []
        for m in self._matches(low):
            k = _key(m.group(0))
            entry = self.lookup.get(k) or next((self.lookup[c] for c in _singulars(k) if c in self.lookup), None)
            if entry is None:
                continue
            label, ident, product = entry
            out.append(Mention(label, ident, m.start(), m.end(), product, text[m.start():m.end()]))
        return out


def _first_literal(name: str) -> str:
    """The literal text every match of ``_variant_regex(name)`` starts with."""
    name = name.lower().strip()
    if _CJK.search(name):
        parts = [p for p in re.split(r"[\s\-]+", name) if p]
        return parts[0] if parts else ""
    parts = [p for p in re.split(r"[\s\-_]+", name) if p]
    if not parts:
        return ""
    if len(parts) == 1:
        first = re.split(r"(?<=[a-z])(?=\d)", parts[0])[0]
        return first[:-1] if re.search(r"[a-z][^aeiou]y$", first) and first == parts[0] else first
    return parts[0]


# what \s matches (str.isspace; none above U+3000, IDEOGRAPHIC SPACE: tests/test_semantic_equivalence.py)
_WHITESPACE = frozenset(chr(c) for c in range(0x3001) if chr(c).isspace())
_SHORT_FIRST = 3  # first pieces this long or shorter get their next character in the automaton


def _start_patterns(firsts: list[str], names: list[str]) -> tuple[list[str], list[int]]:
    """Aho-Corasick patterns for the first pieces (``firsts``, in order) and,
    for each pattern, the index of its piece.

    A short piece is common inside other text ("t" of "T2D" starts a quarter
    of all words): where every name starting with it goes on with a separator
    and a known character, the piece is looked for with each such continuation
    instead ("t2", "t 2", "t-2" ...). That finds the same starts minus those
    where no name can match, so the regex tried at each start chooses as before.
    """
    follows: dict[str, set[str] | None] = {}
    for n in names:
        f = _first_literal(n)
        if f and len(f) <= _SHORT_FIRST:
            got = follows.get(f, set())
            more = _continuations(n, f)
            follows[f] = None if got is None or more is None else got | more
    patterns: list[str] = []
    owner: list[int] = []
    for i, f in enumerate(firsts):
        more = follows.get(f)
        for p in [f + c for c in sorted(more)] if more else [f]:
            patterns.append(p)
            owner.append(i)
    return patterns, owner


def _continuations(name: str, first: str) -> set[str] | None:
    """What may follow ``first`` in a match of ``_variant_regex(name)``, up to and
    including the first character of the name's next piece (None: anything, as
    when the name may end after ``first``)."""
    name = name.lower().strip()
    if _CJK.search(name):
        return None
    seps = ("", "-", *_WHITESPACE)
    parts = [p for p in re.split(r"[\s\-_]+", name) if p]
    if len(parts) > 1 and parts[0] == first:  # p0"?[\s\-]?"?p1
        return {q1 + sep + q2 + parts[1][0] for q1 in ("", '"') for sep in seps for q2 in ("", '"')}
    if len(parts) == 1:
        pieces = re.split(r"(?<=[a-z])(?=\d)", parts[0])
        if len(pieces) > 1 and pieces[0] == first:  # letters[\s\-]?digits
            return {sep + pieces[1][0] for sep in seps}
    return None


def _singulars(k: str) -> list[str]:
    out = [k[: -len(suffix)] for suffix in ("s'", "es", "s") if k.endswith(suffix)]
    if k.endswith("ies"):
        out.append(k[:-3] + "y")  # "injuries" -> "injury"
    return out


def entity_index(kb: KnowledgeBase) -> EntityIndex:
    index = kb.__dict__.get("_entity_index")
    if index is None:
        index = EntityIndex(kb)
        kb.__dict__["_entity_index"] = index
    return index
