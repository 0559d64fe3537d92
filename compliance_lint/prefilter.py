"""Skip the NLP pipeline for blocks no rule can fire on, and each kind for blocks it cannot fire on.

Every compiled kind names the literal triggers without which none of its rules
can fire (``CompiledKind.triggers()``). One Aho-Corasick scan over a block's
lower-cased text finds them; a block runs only the kinds whose triggers it
holds, and is tokenized only if one of them needs its Doc. Findings are
identical to the full path (``Linter(prefilter=False)`` or
``COMPLIANCE_LINT_PREFILTER=0``); the property tests in
``tests/test_prefilter.py`` check that.

Triggers come in these shapes:

- a plain ``str``: a substring that must occur in ``block.text.lower()``
  (no word-edge check). Safe for any matcher: regexes, entity finders.
- a ``TokenTrigger`` (a ``str`` subclass): a phrase of whole spaCy tokens, as
  a ``PhraseMatcher`` or ``Matcher`` sees them. The plan tokenizes it once
  (with the language's tokenizer) and requires every token to occur at a
  place where the tokenizer could have put a token edge. English: a token
  starting (ending) with a letter cannot follow (precede) a letter except
  inside a tokenizer special case ("can|not", "gon|na", "He|d."), which is
  allowed for. Chinese: whitespace between tokens is ignorable, so text and
  triggers are compared with whitespace removed, without edge checks.
- a tuple of those: all must occur (AND).
- ``Confirmed(tuple, confirm)``: the tuple, and ``confirm`` too: either a
  regex (pattern, ignorecase) that must match the block's text (a regex rule's
  pattern without its zero-width assertions, ``relaxed_pattern``; a phrase's
  tokens in order), or ``AnyOf`` substrings of which one must occur (a kind's
  cue words), found by the same scan.

Each requirement is filed under its least common literal (its "key"); only
keys are scanned for, the rest are looked up when a key is there. A kind
returning ``None`` opts out: every block of that language runs it. Kinds may
also name block kinds they always need (``always_blocks``). Kinds with only a
document-level ``finish()`` never cause tokenization; their triggers decide
whether ``finish()`` runs and which blocks it reads.

The plan for a rule set is plain JSON (strings and flags), so it is cached in
the user cache directory and the scan runs without importing spaCy.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

PLAN_VERSION = 6

# Characters whose case mapping depends on context or differs between
# str.lower() per token and per text, or that case-insensitive regex engines
# fold onto ASCII letters (long s, Kelvin sign, dotted/dotless i, sigma):
# a block containing any of them is always processed.
_UNSAFE = re.compile("[\u017f\u212a\u0130\u0131\u03a3\u03c2\u03c3\u1e9e]")


def _has_alnum(s: str) -> bool:
    return any(c.isalnum() for c in s)


@dataclass
class Plan:
    """What one language's rules need: JSON-serialisable."""

    lang: str
    atoms: list[tuple[str, bool, bool]] = field(default_factory=list)  # literal, check start edge, check end edge
    requirements: list[tuple[int, ...]] = field(default_factory=list)  # OR of ANDs of atom ids
    # Per requirement, an index into ``confirms`` or -1: a regex (with its
    # zero-width assertions removed, ``relaxed_pattern``) that must also match
    # the block's text, so a common literal ("down", "rate") does not wake the
    # pipeline for a pattern that cannot match there.
    req_confirm: list[int] = field(default_factory=list)
    confirms: list[tuple[str, bool]] = field(default_factory=list)  # pattern, ignorecase
    # Per requirement, the kind (index into ``kinds``) it wakes: a block runs only
    # the kinds whose own triggers it holds. Kinds that opted out: ``always_kinds``.
    req_kind: list[int] = field(default_factory=list)
    always_kinds: list[int] = field(default_factory=list)
    # Kinds with only a document-level finish() (no per-block find()): their
    # triggers decide whether finish() runs, never whether a block is tokenized.
    finish_only: list[int] = field(default_factory=list)
    # Per requirement, an index into ``groups`` or -1: atoms of which at least one
    # must also be there (a kind's cue words, ``AnyOf``), found by the same scan.
    req_group: list[int] = field(default_factory=list)
    groups: list[list[int]] = field(default_factory=list)
    always_blocks: list[str] = field(default_factory=list)
    finish: bool = False  # some kind has a document-level finish() hook
    finish_untriggered: bool = False  # ... and opted out of triggers: always run finish()
    kinds: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "v": PLAN_VERSION, "lang": self.lang,
            "atoms": [list(a) for a in self.atoms], "requirements": [list(r) for r in self.requirements],
            "req_confirm": self.req_confirm, "confirms": [list(c) for c in self.confirms],
            "req_kind": self.req_kind, "always_kinds": self.always_kinds, "finish_only": self.finish_only,
            "req_group": self.req_group, "groups": self.groups,
            "always_blocks": self.always_blocks, "finish": self.finish,
            "finish_untriggered": self.finish_untriggered, "kinds": self.kinds,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        if data.get("v") != PLAN_VERSION:
            raise ValueError("plan version")
        return cls(
            lang=str(data["lang"]),
            atoms=[(str(a[0]), bool(a[1]), bool(a[2])) for a in data["atoms"]],
            requirements=[tuple(int(i) for i in r) for r in data["requirements"]],
            req_confirm=[int(c) for c in data["req_confirm"]],
            confirms=[(str(c[0]), bool(c[1])) for c in data["confirms"]],
            req_kind=[int(k) for k in data["req_kind"]], always_kinds=[int(k) for k in data["always_kinds"]],
            finish_only=[int(k) for k in data["finish_only"]],
            req_group=[int(g) for g in data["req_group"]], groups=[[int(a) for a in g] for g in data["groups"]],
            always_blocks=[str(k) for k in data["always_blocks"]], finish=bool(data["finish"]),
            finish_untriggered=bool(data["finish_untriggered"]), kinds=[str(k) for k in data.get("kinds", [])],
        )


# --- building a plan (needs the compiled kinds, hence spaCy) ---------------------

_EDGE_PIECES: dict[int, tuple[frozenset[str], frozenset[str]]] = {}


def _edge_pieces(tokenizer: Any) -> tuple[frozenset[str], frozenset[str]]:
    """Pieces of tokenizer special cases that split between two letters.

    "cannot" -> "can" "not": "not" may start right after a letter, "can" may
    end right before one.
    """
    key = id(tokenizer)
    if key not in _EDGE_PIECES:
        starts: set[str] = set()
        ends: set[str] = set()
        for pieces in tokenizer.rules.values():
            orths = [p.get(65, p.get("ORTH")) if isinstance(p, dict) else p for p in pieces]
            for a, b in zip(orths, orths[1:], strict=False):
                if a and b and a[-1].isalpha() and b[0].isalpha():
                    ends.add(a.lower())
                    starts.add(b.lower())
        _EDGE_PIECES[key] = (frozenset(starts), frozenset(ends))
    return _EDGE_PIECES[key]


def _free_start(lit: str, starts: frozenset[str]) -> bool:
    return any(lit.startswith(p) and not _has_alnum(lit[len(p):]) for p in starts)


def _free_end(lit: str, ends: frozenset[str]) -> bool:
    return any(lit.endswith(p) and not _has_alnum(lit[: -len(p)]) for p in ends)


class PlanBuilder:
    def __init__(self, lang: str, nlp: Any = None) -> None:
        self.lang = lang
        self.nlp = nlp
        self.plan = Plan(lang)
        self._atoms: dict[tuple[str, bool, bool], int] = {}
        self._reqs: set[tuple[tuple[int, ...], int, int, int]] = set()
        self._confirms: dict[tuple[str, bool], int] = {}
        self._groups: dict[tuple[int, ...], int] = {}
        self._group_of: dict[AnyOf, int] = {}
        self._tok_cache: dict[str, tuple[int, ...] | None] = {}

    def atom(self, lit: str, check_start: bool = False, check_end: bool = False) -> int:
        key = (lit, check_start, check_end)
        if key not in self._atoms:
            self._atoms[key] = len(self.plan.atoms)
            self.plan.atoms.append(key)
        return self._atoms[key]

    def requirement(self, trigger: Any) -> tuple[int, ...] | None:
        """Atom ids that must all be present; None when the trigger gives no literal."""
        from compliance_lint.kinds.base import TokenTrigger

        if isinstance(trigger, (tuple, list, frozenset)):
            ids: set[int] = set()
            for part in trigger:
                req = self.requirement(part)
                if req is not None:
                    ids.update(req)
            return tuple(sorted(ids)) if ids else None
        if self.lang == "zh":
            lit = "".join(trigger.lower().split())
            return (self.atom(lit),) if lit else None
        if not isinstance(trigger, TokenTrigger):
            lit = trigger.lower()
            return (self.atom(lit),) if lit.strip() else None
        if trigger in self._tok_cache:
            return self._tok_cache[trigger]
        starts, ends = _edge_pieces(self.nlp.tokenizer)
        pieces = [t.lower_ for t in self.nlp.make_doc(str(trigger)) if not t.is_space and t.text.strip()]
        useful = [p for p in pieces if _has_alnum(p)] or pieces
        out: tuple[int, ...] | None = None
        if useful:
            ids = set()
            for p in useful:
                cs = p[0].isalpha() and not _free_start(p, starts)
                ce = p[-1].isalpha() and not _free_end(p, ends)
                ids.add(self.atom(p, cs, ce))
            out = tuple(sorted(ids))
        self._tok_cache[trigger] = out
        return out

    def add_kind(self, compiled: Any) -> None:
        from compliance_lint.kinds.base import CompiledKind

        plan = self.plan
        kind_index = len(plan.kinds)
        plan.kinds.append(type(compiled).__module__ + "." + type(compiled).__name__)
        has_finish = bool(getattr(compiled, "document_level", False)) or type(compiled).finish is not CompiledKind.finish
        plan.finish = plan.finish or has_finish
        if has_finish and type(compiled).find is CompiledKind.find:
            plan.finish_only.append(kind_index)
        plan.always_blocks = sorted(set(plan.always_blocks) | set(getattr(compiled, "always_blocks", ()) or ()))
        triggers = compiled.triggers()
        reqs = []
        for trig in triggers or ():
            req = self.requirement(trig)
            if req is None:
                triggers = None
                break
            reqs.append((req, trig))
        if triggers is None:
            plan.always_kinds.append(kind_index)
            plan.finish_untriggered = plan.finish_untriggered or has_finish
            return
        for req, trig in reqs:
            confirm = getattr(trig, "confirm", None)
            cid = gid = -1
            if isinstance(confirm, AnyOf):
                gid = self.group(confirm)
            elif confirm is not None:
                if confirm not in self._confirms:
                    self._confirms[confirm] = len(plan.confirms)
                    plan.confirms.append(confirm)
                cid = self._confirms[confirm]
            self._reqs.add((req, cid, kind_index, gid))

    def group(self, words: AnyOf) -> int:
        """The group id for ``words`` (plain substrings; a CJK word in an English
        plan by its first character, since prose may space its characters)."""
        known = self._group_of.get(words)
        if known is not None:  # the same cue words for each of a kind's hundreds of entity names
            return known
        ids: set[int] = set()
        for w in words:
            lit = w.lower()
            if self.lang == "zh":
                lit = "".join(lit.split())
            elif _CJK_CHAR.search(lit):
                lit = lit.strip()[:1]
            if lit.strip():
                ids.add(self.atom(lit))
        key = tuple(sorted(ids))
        if key not in self._groups:
            self._groups[key] = len(self.plan.groups)
            self.plan.groups.append(list(key))
        self._group_of[words] = self._groups[key]
        return self._groups[key]

    def build(self) -> Plan:
        plan = self.plan
        # A requirement that is a superset of an unconfirmed single one of the same kind adds nothing.
        reqs = sorted(self._reqs, key=lambda rckg: (len(rckg[0]), rckg))
        singles = {(r[0], k) for r, c, k, g in reqs if len(r) == 1 and c < 0 and g < 0}
        kept = [(r, c, k, g) for r, c, k, g in reqs if (len(r) == 1 and c < 0 and g < 0) or not any((a, k) in singles for a in r)]
        plan.requirements = [r for r, _c, _k, _g in kept]
        plan.req_confirm = [c for _r, c, _k, _g in kept]
        plan.req_kind = [k for _r, _c, k, _g in kept]
        plan.req_group = [g for _r, _c, _k, g in kept]
        return plan


def build_plan(compiled: list[Any], lang: str, nlp: Any = None) -> Plan:
    builder = PlanBuilder(lang, nlp)
    for ck in compiled:
        builder.add_kind(ck)
    return builder.build()


# --- scanning ----------------------------------------------------------------

# Blocks whose selection ``Prefilter.kinds_needing`` remembers (then starts over),
# and the longest text it remembers: 8 million characters at most. (The repeated
# blocks of the benchmark corpus are all under 700 characters.)
_MEMO_SIZE = 8192
_MEMO_MAX_CHARS = 1000

# Words too common to be a requirement's key atom, or to be scanned for at all (Prefilter.__init__).
_COMMON = frozenset(
    "a an and are as at be but by can do for from get has have he i if in is it its me my no not of on or our "
    "she so than that the their them they this to up us was we were will with you your 1 2 3 10 100 s t ll".split()
)

# A requirement as the plan gives it, filed under its key atom: its other
# atoms (rarest first), its confirm id or -1, its group id or -1.
_PlanReq = tuple[tuple[int, ...], int, int]
# ... and as ``_Probe.holds`` tests it: the scanned literals that must be there
# (no edge check: a set test on the scan), the unscanned ones (``in`` tests),
# the atoms whose word edges must be checked, confirm id, group id.
_Req = tuple[frozenset[str], tuple[str, ...], tuple[int, ...], int, int]
# Per key atom and kind: (kind, woken by the key alone, requirements to test
# one by one, requirements filed under a second scanned literal, those literals).
_Entry = tuple[int, bool, tuple[_Req, ...], dict[str, tuple[_Req, ...]], frozenset[str]]


def _rarity(lit: str) -> tuple[bool, int]:
    """How unlikely a literal is to occur in a block: not a common word first, then longer."""
    core = lit.strip()
    return (core not in _COMMON, len(core))


def _scannable(lit: str) -> bool:
    """Is ``lit`` rare enough for the scan? One- and two-letter literals and
    common words occur in nearly every block: scanning for them costs a match
    per occurrence (over 300,000 in 500 articles), looking them up costs one
    ``in`` test per block, and only when a requirement gets that far."""
    core = lit.strip()
    return core not in _COMMON and (len(core) >= 3 or (len(core) == 2 and not core.isascii()))


def _minimal(literals: list[str]) -> list[str]:
    """The literals that contain no other one: "one of them occurs" holds iff
    one of these occurs (a literal holding another cannot occur without it).
    Shortest first: the likeliest to occur are tested first."""
    lits = sorted(set(literals), key=lambda x: (len(x), x))
    try:
        from ahocorasick_rs import AhoCorasick
    except ImportError:  # pragma: no cover - ahocorasick-rs is a dependency
        return _minimal_plain(lits)
    if not lits:
        return []
    # Each literal scanned for all of them (one automaton): a cue-word group of
    # 2,400 words took 20 ms of every process's start-up by substring tests.
    ac = AhoCorasick(lits)
    return [lit for lit in lits if all(lits[i] == lit for i, _s, _e in ac.find_matches_as_indexes(lit, overlapping=True))]


def _minimal_plain(lits: list[str]) -> list[str]:
    """``_minimal`` by substring tests (``lits`` distinct, shortest first)."""
    out: list[str] = []
    kept: set[str] = set()
    sizes: list[int] = []
    for lit in lits:
        if not any(lit[i:i + n] in kept for n in sizes for i in range(len(lit) - n + 1)):
            out.append(lit)
            kept.add(lit)
            if not sizes or sizes[-1] != len(lit):
                sizes.append(len(lit))
    return out


class Prefilter:
    """The compiled scanner for one plan: ``needs(text)`` says whether a block needs NLP.

    One Aho-Corasick scan gives the set of "scanned" literals a block holds:
    every requirement's key literal, and the other literals rare enough to be
    worth it (``_scannable``). The rest is decided per block only when a
    requirement gets that far (``_Probe``): word edges, short or common
    literals, cue-word groups, confirm regexes, each at most once. A
    requirement with a second scanned literal is filed under it too, so of the
    dozens filed under a common key ("month", "research") only those whose
    second literal is also there are looked at.
    """

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.always_blocks = frozenset(plan.always_blocks)
        self.checks = plan.atoms
        self.n_kinds = len(plan.kinds)
        self.all_kinds = frozenset(range(self.n_kinds))
        self.always_kinds = frozenset(plan.always_kinds)
        self.finish_only = frozenset(plan.finish_only)
        self.zh = plan.lang == "zh"
        atoms = plan.atoms
        # Chinese is compared with whitespace removed and without edge checks.
        self._edged = [not self.zh and (cs or ce) for _lit, cs, ce in atoms]
        # Atoms by how unlikely they are to occur (``_rarity``; later atoms first on
        # ties), as integers: ``max`` over 12,000 requirements compares these.
        self._rank = [0] * len(atoms)
        for pos, a in enumerate(sorted(range(len(atoms)), key=lambda a: (_rarity(atoms[a][0]), -a))):
            self._rank[a] = pos
        rank = self._rank.__getitem__
        # Each requirement is filed under its key atom, the least likely to occur.
        # Its tests are put together on the first block holding the key literal
        # (``_keys_of``): most keys never occur in a run, and this is per process.
        self._filed: dict[str, dict[int, list[tuple[int, tuple[int, ...], int, int]]]] = {}
        req_group = plan.req_group or [-1] * len(plan.requirements)
        for r, c, k, g in zip(plan.requirements, plan.req_confirm, plan.req_kind, req_group, strict=True):
            key = max(r, key=rank) if len(r) > 1 else r[0]
            self._filed.setdefault(atoms[key][0], {}).setdefault(key, []).append((k, r, c, g))
        minimal_groups = [_minimal([atoms[a][0] for a in g]) for g in plan.groups]
        scannable = {lit for lit, _cs, _ce in atoms if _scannable(lit)}
        scanned = set(self._filed)
        scanned.update(lit for a in set().union(*plan.requirements) if (lit := atoms[a][0]) in scannable)
        scanned.update(lit for lits in minimal_groups for lit in lits if lit in scannable)
        self._scanned = frozenset(scanned)
        # Per group: its scanned literals (a set test on the scan), the rest
        # (``in`` tests, single characters first: "i" answers most English blocks).
        self._groups = [(frozenset(lit for lit in lits if lit in scanned), tuple(lit for lit in lits if lit not in scanned))
                        for lits in minimal_groups]
        self._key_lits = frozenset(self._filed)
        self._keys_at: dict[str, tuple[tuple[int, int, bool, _Entry], ...]] = {}
        self.literals = sorted(scanned)
        self._confirm_src = plan.confirms
        self._testers: list[Callable[[bytes], bool] | None] = [None] * len(plan.confirms)
        self._memo: dict[str, frozenset[int]] = {}
        self._ac: Any = None
        self.engine = "none"
        if self.literals and len(self.always_kinds) < self.n_kinds:
            try:
                from ahocorasick_rs import AhoCorasick

                self._ac = AhoCorasick(self.literals, store_patterns=True)
                self.engine = "aho-corasick"
            except ImportError:  # pragma: no cover - ahocorasick-rs is a dependency
                self.engine = "str.find"

    def _keys_of(self, lit: str) -> tuple[tuple[int, int, bool, _Entry], ...]:
        """The entries (per kind) of the key atoms spelled ``lit``, each with its
        kind, its atom and whether the atom's word edges are to be checked: one
        flat tuple, so the block loop has one level less."""
        got = self._keys_at.get(lit)
        if got is None:
            flat: list[tuple[int, int, bool, _Entry]] = []
            for key, filed in self._filed[lit].items():
                by_kind: dict[int, set[_PlanReq]] = {}
                for k, r, c, g in filed:
                    others = tuple(sorted((a for a in r if a != key), key=self._rank.__getitem__, reverse=True))
                    by_kind.setdefault(k, set()).add((others, c, g))
                edged = self._edged[key]
                flat.extend((k, key, edged, self._entry(k, reqs)) for k, reqs in sorted(by_kind.items()))
            got = self._keys_at[lit] = tuple(flat)
        return got

    def _req(self, others: tuple[int, ...], cid: int, gid: int, known: str = "") -> _Req:
        """A requirement's remaining tests, cheapest kind first; ``known``: a literal already found."""
        atoms = self.plan.atoms
        need = frozenset(atoms[a][0] for a in others if not self._edged[a] and atoms[a][0] in self._scanned) - {known}
        plain = tuple(atoms[a][0] for a in others if not self._edged[a] and atoms[a][0] not in self._scanned)
        edged = tuple(a for a in others if self._edged[a])
        return (need, plain, edged, cid, gid)

    def _entry(self, kind: int, reqs: set[_PlanReq]) -> _Entry:
        """One kind's requirements under one key atom, as ``kinds_needing`` tests them."""
        atoms = self.plan.atoms
        if any(not others and c < 0 and g < 0 for others, c, g in reqs):
            return (kind, True, (), {}, frozenset())
        direct: list[_Req] = []
        by_second: dict[str, list[_Req]] = {}
        for others, c, g in sorted(reqs, key=lambda ocg: (len(ocg[0]) + (ocg[1] >= 0) + (ocg[2] >= 0), ocg)):
            second = next((atoms[a][0] for a in others if atoms[a][0] in self._scanned), None)
            if second is None:
                direct.append(self._req(others, c, g))
            else:
                by_second.setdefault(second, []).append(self._req(others, c, g, second))
        return (kind, False, tuple(direct), {lit: tuple(v) for lit, v in by_second.items()}, frozenset(by_second))

    def _found(self, low: str) -> set[str]:
        """The scanned literals that occur in ``low`` (substrings, overlaps included)."""
        if self._ac is not None:
            return set(self._ac.find_matches_as_strings(low, overlapping=True))
        return {lit for lit in self.literals if lit in low}

    def needs(self, text: str, block_kind: str = "paragraph") -> bool:
        """Does any kind need this block (and so the NLP pipeline)?"""
        return bool(self.kinds_needing(text, block_kind))

    def kinds_needing(self, text: str, block_kind: str = "paragraph") -> frozenset[int]:
        """The kinds (indices into ``plan.kinds``) whose triggers this block holds.

        Remembered per text (a pure function of it): documents share
        paragraphs (disclaimers, footers, table headers; 43% of the blocks of
        the benchmark corpus repeat one seen before)."""
        if block_kind in self.always_blocks:
            return self.all_kinds
        if len(text) > _MEMO_MAX_CHARS:
            return self.select(text)
        got = self._memo.get(text)
        if got is None:
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            got = self._memo[text] = self.select(text)
        return got

    def select(self, text: str) -> frozenset[int]:
        """``kinds_needing`` for a block of no ``always_blocks`` kind, worked out."""
        always = self.always_kinds
        if len(always) == self.n_kinds or not self.literals:
            return always
        if not text.isascii() and _UNSAFE.search(text):
            return self.all_kinds
        low = text.lower()
        if self.zh:
            low = "".join(low.split())
        found = self._found(low)
        keys = found.intersection(self._key_lits)
        if not keys:
            return always
        probe = _Probe(self, text, low, found)
        keys_at = self._keys_at
        woken = set(always)
        present = probe.atoms
        for lit in keys:
            for k, key, edged, (_k, free, direct, by_second, seconds) in keys_at.get(lit) or self._keys_of(lit):
                if k in woken:
                    continue
                if edged:
                    got = present.get(key)
                    if not (probe.present(key) if got is None else got):
                        continue
                hit = free or (bool(direct) and probe.holds(direct))
                if not hit and not found.isdisjoint(seconds):
                    for second in found.intersection(seconds):
                        if probe.holds(by_second[second]):
                            hit = True
                            break
                if hit:
                    woken.add(k)
                    if len(woken) == self.n_kinds:
                        return self.all_kinds
        return frozenset(woken)


class _Probe:
    """What one block holds beyond the scan, each answer worked out at most once
    and only when a requirement asks: an atom at its word edges, a cue-word
    group, a confirm regex."""

    __slots__ = ("pf", "text", "low", "found", "atoms", "groups", "tried", "data")

    def __init__(self, pf: Prefilter, text: str, low: str, found: set[str]) -> None:
        self.pf = pf
        self.text = text
        self.low = low
        self.found = found
        self.atoms: dict[int, bool] = {}
        self.groups: dict[int, bool] = {}
        self.tried: dict[int, bool] = {}
        self.data: bytes | None = None  # the text as UTF-8, once a confirm needs it

    def holds(self, reqs: tuple[_Req, ...]) -> bool:
        """Does any of ``reqs`` hold (their key, and the literal they are filed under, being there)?"""
        found = self.found
        low = self.low
        tried = self.tried
        atoms = self.atoms
        for need, plain, edged, cid, gid in reqs:
            if need and not need.issubset(found):
                continue
            if cid >= 0 and tried.get(cid) is False:
                continue  # the rule's pattern already failed here (another of its literal sets)
            ok = True
            for lit in plain:
                if lit not in low:
                    ok = False
                    break
            if ok:
                for a in edged:
                    got = atoms.get(a)
                    if not (self.present(a) if got is None else got):
                        ok = False
                        break
            if not ok or (gid >= 0 and not self.group(gid)):
                continue  # a literal is missing, or none of the kind's cue words is there
            if cid < 0 or self.confirmed(cid):
                return True
        return False

    def present(self, a: int) -> bool:
        """Does atom ``a`` occur at the word edges it must?"""
        got = self.atoms.get(a)
        if got is None:
            lit, cs, ce = self.pf.checks[a]
            got = False
            if lit not in self.pf._scanned or lit in self.found:
                low = self.low
                n = len(low)
                i = low.find(lit)
                while i >= 0:
                    e = i + len(lit)
                    if not ((cs and i > 0 and low[i - 1].isalpha()) or (ce and e < n and low[e].isalpha())):
                        got = True
                        break
                    i = low.find(lit, i + 1)
            self.atoms[a] = got
        return got

    def group(self, gid: int) -> bool:
        """Does one of group ``gid``'s cue words occur (as a substring)?"""
        got = self.groups.get(gid)
        if got is None:
            scanned, rest = self.pf._groups[gid]
            low = self.low
            got = self.groups[gid] = not self.found.isdisjoint(scanned) or any(lit in low for lit in rest)
        return got

    def confirmed(self, cid: int) -> bool:
        """Does confirm ``cid`` (a relaxed regex) match the block's text?"""
        got = self.tried.get(cid)
        if got is None:
            if self.data is None:
                self.data = self.text.encode()
            # Straight to RE2 (not through ``confirms``' per-document memory: the
            # probe remembers per block, ``kinds_needing`` per text).
            test = self.pf._testers[cid]
            if test is None:
                test = self.pf._testers[cid] = confirm_tester(*self.pf._confirm_src[cid])
            got = self.tried[cid] = test(self.data)
        return got


# --- helpers for kinds ----------------------------------------------------------


class AnyOf(tuple):
    """A ``Confirmed`` trigger's condition "one of these substrings occurs"
    (lower-cased, no word-edge check): scanned with the other literals."""

    __slots__ = ()


_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class Confirmed(tuple):
    """An AND-trigger (tuple of literals) that also needs ``confirm``: a regex
    (pattern, ignorecase) matching somewhere in the block's original text, or
    ``AnyOf`` substrings of which one must occur in it."""

    confirm: tuple[str, bool] | AnyOf | None = None

    def __new__(cls, items: Any, confirm: tuple[str, bool] | AnyOf | None) -> Confirmed:
        obj = super().__new__(cls, items)
        obj.confirm = confirm
        return obj


def relaxed_pattern(pattern: str) -> str | None:
    """``pattern`` with every zero-width assertion removed (``\\b``, ``^``, ``$``,
    ``\\A``, lookarounds); None when it cannot be read safely.

    Removing an assertion only widens what the pattern matches, and what is
    left matches a string if it matches any of its substrings. So if the rule's
    pattern matches inside a sentence, the relaxed pattern matches the block
    that holds the sentence, whatever the sentence's edges: a safe test of a
    whole block before the pipeline splits it.
    """
    if "\\Q" in pattern:
        return None
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = False
    while i < n:
        c = pattern[i]
        if c == "\\":
            pair = pattern[i:i + 2]
            if not in_class and pair[1:] in ("b", "B", "A", "Z", "z", "G"):
                i += 2
                continue
            out.append(pair)
            i += 2
            continue
        if in_class:
            if pattern.startswith("[:", i):
                end = pattern.find(":]", i + 2)
                if end < 0:
                    return None
                out.append(pattern[i:end + 2])
                i = end + 2
                continue
            if c == "]":
                in_class = False
            out.append(c)
            i += 1
            continue
        if c == "[":
            in_class = True
            out.append(c)
            i += 1
            for lead in ("^", "]"):  # "[^]...]" and "[]...]": a literal "]"
                if pattern.startswith(lead, i):
                    out.append(lead)
                    i += 1
            continue
        if c in "^$":
            i += 1
            continue
        if pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
            end = _group_end(pattern, i)
            if end < 0:
                return None
            i = end + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _group_end(pattern: str, start: int) -> int:
    """Index of the ")" closing the group opened at ``start``; -1 if unbalanced."""
    depth = 0
    i, n = start, len(pattern)
    in_class = False
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
            if pattern.startswith("^", i + 1):
                i += 1
            if pattern.startswith("]", i + 1):
                i += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def compile_confirm(pattern: str, ignorecase: bool) -> Any:
    """The relaxed pattern compiled with RE2 (linear time); True (no test) when RE2 cannot read it."""
    key = (pattern, ignorecase)
    rx = _CONFIRM_RX.get(key)
    if rx is None:
        import re2

        options = re2.Options()
        options.case_sensitive = not ignorecase
        options.log_errors = False
        # Cue-word confirms are alternations of thousands of inflected forms: with
        # RE2's default 8 MiB the DFA runs out and falls back to the NFA, 12x slower.
        options.max_mem = 64 << 20
        try:
            rx = re2.compile(pattern, options)
        except Exception:
            rx = True
        _CONFIRM_RX[key] = rx
    return rx


_CONFIRM_RX: dict[tuple[str, bool], Any] = {}
_CONFIRMED: dict[tuple[str, str, bool], bool] = {}
_TESTERS: dict[tuple[str, bool], Callable[[bytes], bool]] = {}


def _always(_data: bytes) -> bool:
    return True


def confirm_tester(pattern: str, ignorecase: bool) -> Callable[[bytes], bool]:
    """``data -> does the confirm regex match these UTF-8 bytes`` (``compile_confirm(...).search``).

    Calls RE2's ``Match`` directly: the wrapper's ``search`` runs a generator
    and builds a match object per call, about half of the 3 us a (mostly
    failing) confirm costs on a paragraph (32,000 per 500 articles)."""
    key = (pattern, ignorecase)
    test = _TESTERS.get(key)
    if test is None:
        rx = compile_confirm(pattern, ignorecase)
        if rx is True:
            test = _always
        else:
            match = getattr(getattr(rx, "_regexp", None), "Match", None)
            anchor = getattr(getattr(type(getattr(rx, "_regexp", None)), "Anchor", None), "UNANCHORED", None)
            if match is None or anchor is None:  # pragma: no cover - another google-re2 layout
                search = rx.search

                def test(data: bytes) -> bool:
                    return search(data) is not None
            else:
                def test(data: bytes) -> bool:
                    return match(anchor, data, 0, len(data))[0][0] >= 0
        test = _TESTERS[key] = test
    return test


def confirms(text: str, pattern: str, ignorecase: bool, data: bytes | None = None) -> bool:
    """Does the confirm regex match ``text``? Remembered for the blocks of the
    current document (``forget_confirmed``), for the regex kind's one-question
    block gate; the prefilter's probe asks ``confirm_tester`` directly and
    remembers per block. ``data``: ``text`` as UTF-8, if the caller has it."""
    key = (text, pattern, ignorecase)
    got = _CONFIRMED.get(key)
    if got is None:
        if len(_CONFIRMED) > 50_000:
            _CONFIRMED.clear()
        # Searched as UTF-8 bytes (what the wrapper passes RE2 anyway): a str search
        # also maps every match offset back to characters, a third of its cost here.
        got = _CONFIRMED[key] = confirm_tester(pattern, ignorecase)(text.encode() if data is None else data)
    return got


def forget_confirmed() -> None:
    """Drop the remembered answers (called per document: they are only reused within one)."""
    _CONFIRMED.clear()


def name_parts(names: list[str]) -> list[str]:
    """Substring triggers for names matched with optional separators and suffixes.

    "insulin resistance" may be written "insulin-resistance" or
    "insulinresistance", "GLP-1" as "glp1": each of its parts is a necessary
    substring, so the longest part is a safe trigger.
    """
    out: set[str] = set()
    for name in names:
        parts = [p for p in re.split(r"[\s\-_/.'’]+", name.lower()) if p]
        if not parts:
            continue
        out.add(max(parts, key=len))
    return sorted(out)


def regex_literals(pattern: str, ignorecase: bool = True) -> list[tuple[str, ...]] | None:
    """Triggers for a regex: alternatives (OR) of literal sets (AND) that every match contains.

    Parsed with Python's regex parser; RE2-only syntax that cannot be read
    opts out (None). Literals are lower-cased (the scan is over lower-cased text).
    """
    if "\\Q" in pattern:
        return None
    if re.search(r"\\[pP]|\[:", pattern):
        # RE2 Unicode and POSIX classes: never literals; stand in \w (valid in
        # and out of brackets) so Python's parser can read the rest.
        if "\\\\" in pattern:
            return None
        pattern = re.sub(r"\\[pP](?:\{[^}]*\}|[A-Za-z])|\[:\^?[a-z]+:\]", r"\\w", pattern)
    try:
        from re import _parser as sre_parse  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_parse  # type: ignore[no-redef]
    try:
        parsed = sre_parse.parse(pattern, re.IGNORECASE if ignorecase else 0)
    except Exception:
        return None
    _exact, dnf = _seq_info(list(parsed))
    if not dnf:
        return None
    out: list[tuple[str, ...]] = []
    for term in dnf:
        # Characters a case-insensitive engine may fold onto others ("µ" also
        # matches Greek "Μ"/"μ") are not compared: keep the longest run of
        # ASCII or caseless characters of each literal.
        lits = tuple(sorted({r for r in (_fold_safe(x.lower()) for x in term) if r.strip()}))
        if not lits:
            return None
        out.append(lits)
    return sorted(set(out))


def _fold_safe(lit: str) -> str:
    runs = [lit]
    if not lit.isascii():
        runs = []
        cur = ""
        for c in lit:
            if c.isascii() or c.lower() == c.upper() == c:
                cur += c
            else:
                runs.append(cur)
                cur = ""
        runs.append(cur)
    return max(runs, key=len) if runs else ""


_MAX_SET = 64
DNF = frozenset  # a DNF: frozenset of terms; a term: frozenset of literals that must all occur


def _term_score(term: frozenset[str]) -> int:
    return max((len(x) for x in term), default=0)


def _dnf_score(dnf: Any) -> tuple[int, int]:
    return (min((_term_score(t) for t in dnf), default=0), -len(dnf))


def _and(a: Any, b: Any) -> Any:
    return frozenset(x | y for x in a for y in b)


def _from_strings(strings: set[str]) -> Any:
    return frozenset(frozenset({s}) for s in strings)


def _item_info(op: Any, av: Any) -> tuple[set[str] | None, Any]:
    """(the exact strings the item matches if few, a DNF of literals every match contains)."""
    from re import _constants as c  # type: ignore[attr-defined]

    if op is c.LITERAL:
        s = {chr(av)}
        return s, _from_strings(s)
    if op is c.IN:
        chars: set[str] = set()
        for iop, iav in av:
            if iop is c.LITERAL:
                chars.add(chr(iav))
            elif iop is c.RANGE and iav[1] - iav[0] < 8:
                chars.update(chr(x) for x in range(iav[0], iav[1] + 1))
            else:
                return None, None
        return (chars, _from_strings(chars)) if chars else (None, None)
    if op is c.SUBPATTERN:
        return _seq_info(list(av[-1]))
    if op is c.BRANCH:
        exacts: set[str] | None = set()
        terms: set[frozenset[str]] | None = set()
        for branch in av[1]:
            e, d = _seq_info(list(branch))
            exacts = (exacts | e) if (exacts is not None and e is not None) else None
            terms = (terms | set(d)) if (terms is not None and d) else None
        if exacts is not None and len(exacts) > _MAX_SET:
            exacts = None
        if terms is not None and len(terms) > 4 * _MAX_SET:
            terms = None
        return exacts, (frozenset(terms) if terms else None)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):
        lo, hi, sub = av
        if lo == 0:
            return None, None
        e, d = _seq_info(list(sub))
        return (e if lo == hi == 1 else None), d
    if op is getattr(c, "ATOMIC_GROUP", None):
        return _seq_info(list(av))
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return {""}, None
    return None, None


def _seq_info(items: list[Any]) -> tuple[set[str] | None, Any]:
    factors: list[Any] = []
    run: set[str] = {""}
    full: set[str] | None = {""}
    for op, av in items:
        e, d = _item_info(op, av)
        if e is not None:
            prod = {x + y for x in run for y in e}
            if len(prod) <= _MAX_SET:
                run = prod
                full = {x + y for x in full for y in e} if full is not None and len(full) * len(e) <= _MAX_SET else None
                continue
        if any(run):
            factors.append(_from_strings({x for x in run}) if all(run) else None)
        if d:
            factors.append(d)
        full = None
        run = set(e) if e is not None and len(e) <= _MAX_SET else {""}
    if any(run) and all(run):
        factors.append(_from_strings(run))
    factors = [f for f in factors if f and all(t and all(t) for t in f)]
    if not factors:
        return full, None
    # AND the most selective factors while the expansion stays small.
    factors.sort(key=_dnf_score, reverse=True)
    dnf = factors[0]
    for f in factors[1:]:
        nxt = _and(dnf, f)
        if len(nxt) > _MAX_SET:
            continue
        dnf = nxt
    return full, dnf


def _mandatory(spec: dict[str, Any]) -> bool:
    op = spec.get("OP")
    if op in (None, "1", "+"):
        return True
    m = re.fullmatch(r"\{(\d*)(?:,(\d*))?\}", str(op))
    return bool(m and m.group(1) and int(m.group(1)) >= 1)


def _spec_values(spec: dict[str, Any], lang: str) -> list[str] | None:
    """Token texts (lower-cased) that a token spec can match, if it says so literally."""
    best: list[str] | None = None
    for attr, value in spec.items():
        key = str(attr).upper()
        if key == "OP":
            continue
        if isinstance(value, str):
            values = [value]
        elif isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list) and all(isinstance(v, str) for v in value["IN"]):
            values = list(value["IN"])
        else:
            continue
        if key in ("LOWER", "ORTH", "TEXT"):
            vals = sorted({v.lower() for v in values})
        elif key == "LEMMA" and lang == "en":
            vals = sorted({f for v in values for f in lemma_forms(v)})
        else:
            continue
        if not vals:
            continue
        if best is None or _dnf_score(_from_strings(set(vals))) > _dnf_score(_from_strings(set(best))):
            best = vals
    return best


@lru_cache(maxsize=1)
def _reverse_lemmas() -> dict[str, frozenset[str]]:
    from compliance_lint.lemmas import _lemma_table

    rev: dict[str, set[str]] = {}
    for form, lem in _lemma_table().items():
        if form == form.lower():
            rev.setdefault(lem, set()).add(form)
    return {k: frozenset(v) for k, v in rev.items()}


def lemma_forms(lemma_value: str) -> set[str]:
    """Lower-cased token texts whose lookup lemma (``lemmas.lemma``) is ``lemma_value``."""
    from compliance_lint.lemmas import _lemma_table

    table = _lemma_table()
    forms = set(_reverse_lemmas().get(lemma_value, ()))
    low = lemma_value.lower()
    if table.get(low, low) == lemma_value:
        forms.add(low)
    return forms


def pattern_triggers(pattern: list[dict[str, Any]], lang: str) -> list[Any] | None:
    """Token triggers for one Matcher pattern: its mandatory literal tokens (AND), alternatives (OR)."""
    from compliance_lint.kinds.base import TokenTrigger

    factors = []
    for spec in pattern:
        if not isinstance(spec, dict) or not _mandatory(spec):
            continue
        vals = _spec_values(spec, lang)
        if vals:
            factors.append(_from_strings(set(vals)))
    if not factors:
        return None
    factors.sort(key=_dnf_score, reverse=True)
    dnf = factors[0]
    for f in factors[1:]:
        nxt = _and(dnf, f)
        if len(nxt) <= _MAX_SET:
            dnf = nxt
    return [tuple(TokenTrigger(v) for v in sorted(term)) for term in sorted(dnf, key=sorted)]


def entity_triggers(labels: tuple[str, ...] | None = None, confirm: tuple[str, bool] | None = None,
                    keep: Any = None) -> list[tuple[str, ...]] | None:
    """Triggers for kinds that need a knowledge-base mention in the block.

    A name matches with optional separators between its parts (and between
    letters and digits) and an optional plural or possessive ending, so all
    its pieces occur verbatim in any mention of it: one AND-trigger per name.
    ``labels`` keeps the names of those mention labels (a name's label is the
    one a mention of it gets), ``keep(label, ident)`` those the kind can act
    on; ``confirm`` adds a regex every such block must also match
    (``words_confirm``: the kind's cue words).
    """
    from compliance_lint import semantic
    from compliance_lint.entities import _key, entity_index

    index = entity_index(semantic.kb())
    out: set[tuple[str, ...]] = set()
    for name in index.literals:
        if labels is not None or keep is not None:
            entry = index.lookup.get(_key(name))
            if entry is None or (labels is not None and entry[0] not in labels) or (keep is not None and not keep(entry[0], entry[1])):
                continue
        pieces = name_pieces(name)
        if not pieces:
            return None
        out.add(pieces)
    if confirm is None:
        return sorted(out)
    return [Confirmed(p, confirm) for p in sorted(out)]


def words_confirm(words: list[str], inflect: bool = True, plain: list[str] = (), literals: list[str] = ()) -> AnyOf | None:
    """A ``Confirmed`` condition for "one of these lexicon words occurs": the
    forms ``semantic.word_regex(words, inflect)`` (and ``word_regex(plain,
    False)``) look for, each by its longest word, as plain substrings (wider than
    the matcher's word edges, so safe), plus the substrings ``literals``. None
    when there is nothing to look for."""
    from compliance_lint.semantic import word_forms

    latin, cjk = word_forms(list(words), inflect)
    latin2, cjk2 = word_forms(list(plain), False)
    out = {max(form.split(), key=len) for form in latin + latin2 if form.split()}
    out |= {w for w in cjk + cjk2 if w}
    out |= {x.lower() for x in literals if x.strip()}
    return AnyOf(sorted(out)) if out else None


def name_pieces(name: str) -> tuple[str, ...]:
    """The literal pieces of a knowledge-base name as ``entities._variant_regex`` matches it."""
    name = name.lower().strip()
    if re.search(r"[\u3400-\u9fff\uf900-\ufaff]", name):
        return tuple(sorted({p for p in re.split(r"[\s\-]+", name) if p}))
    parts = [p for p in re.split(r"[\s\-_]+", name) if p]
    if len(parts) == 1:
        parts = [p for p in re.split(r"(?<=[a-z])(?=\d)", parts[0]) if p]
    if parts and re.search(r"[a-z][^aeiou]y$", parts[-1]):
        parts[-1] = parts[-1][:-1]  # "injury" also matches as "injuries" (entities._variant_regex)
    return tuple(sorted(set(parts)))


def word_triggers(words: list[str], inflect: bool = True) -> list[tuple[str, ...]]:
    """Triggers for ``semantic.word_regex(words, inflect)``: the words of every form (AND)."""
    out: set[tuple[str, ...]] = set()
    for w in words:
        w = w.lower().strip()
        if not w:
            continue
        if re.search(r"[\u3400-\u9fff\uf900-\ufaff]", w):
            out.add((w,))
            continue
        forms = [w]
        if inflect:
            from compliance_lint.lemmas import expand_phrase

            forms = expand_phrase(w)
        for f in forms:
            parts = tuple(sorted(set(f.split())))
            if parts:
                out.add(parts)
    return sorted(out)
