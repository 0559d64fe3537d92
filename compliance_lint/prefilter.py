"""Skip the NLP pipeline for blocks no rule can fire on.

Every compiled kind names the literal triggers without which none of its rules
can fire (``CompiledKind.triggers()``). One Aho-Corasick scan over a block's
lower-cased text finds them; only blocks with a satisfied trigger are
tokenized and matched. Findings are identical to the full path
(``Linter(prefilter=False)`` or ``COMPLIANCE_LINT_PREFILTER=0``); the property
tests in ``tests/test_prefilter.py`` check that.

Triggers come in two shapes:

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

A kind returning ``None`` opts out: every block of that language is processed.
Kinds may also name block kinds they always need (``always_blocks``, e.g.
headings that reset a cross-sentence context). Document-level kinds
(``finish``) still run whenever anything was selected, and always when they
opted out of triggers.

The plan for a rule set is plain JSON (strings and flags), so it is cached in
the user cache directory and the scan runs without importing spaCy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

PLAN_VERSION = 1

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
    always: bool = False
    atoms: list[tuple[str, bool, bool]] = field(default_factory=list)  # literal, check start edge, check end edge
    requirements: list[tuple[int, ...]] = field(default_factory=list)  # OR of ANDs of atom ids
    always_blocks: list[str] = field(default_factory=list)
    finish: bool = False  # some kind has a document-level finish() hook
    finish_untriggered: bool = False  # ... and opted out of triggers: always run finish()
    kinds: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "v": PLAN_VERSION, "lang": self.lang, "always": self.always,
            "atoms": [list(a) for a in self.atoms], "requirements": [list(r) for r in self.requirements],
            "always_blocks": self.always_blocks, "finish": self.finish,
            "finish_untriggered": self.finish_untriggered, "kinds": self.kinds,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        if data.get("v") != PLAN_VERSION:
            raise ValueError("plan version")
        return cls(
            lang=str(data["lang"]), always=bool(data["always"]),
            atoms=[(str(a[0]), bool(a[1]), bool(a[2])) for a in data["atoms"]],
            requirements=[tuple(int(i) for i in r) for r in data["requirements"]],
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
        self._reqs: set[tuple[int, ...]] = set()
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
        plan.kinds.append(type(compiled).__module__ + "." + type(compiled).__name__)
        has_finish = bool(getattr(compiled, "document_level", False)) or type(compiled).finish is not CompiledKind.finish
        plan.finish = plan.finish or has_finish
        plan.always_blocks = sorted(set(plan.always_blocks) | set(getattr(compiled, "always_blocks", ()) or ()))
        triggers = compiled.triggers()
        if triggers is None:
            plan.always = True
            plan.finish_untriggered = plan.finish_untriggered or has_finish
            return
        for trig in triggers:
            req = self.requirement(trig)
            if req is None:
                plan.always = True
                plan.finish_untriggered = plan.finish_untriggered or has_finish
                return
            self._reqs.add(req)

    def build(self) -> Plan:
        plan = self.plan
        # A requirement that is a superset of another adds nothing.
        reqs = sorted(self._reqs, key=len)
        singles = {r[0] for r in reqs if len(r) == 1}
        plan.requirements = [r for r in reqs if len(r) == 1 or not singles.intersection(r)]
        return plan


def build_plan(compiled: list[Any], lang: str, nlp: Any = None) -> Plan:
    builder = PlanBuilder(lang, nlp)
    for ck in compiled:
        builder.add_kind(ck)
    return builder.build()


# --- scanning ----------------------------------------------------------------


class Prefilter:
    """The compiled scanner for one plan: ``needs(text)`` says whether a block needs NLP."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.always = plan.always
        self.always_blocks = frozenset(plan.always_blocks)
        lits: dict[str, list[int]] = {}
        for i, (lit, _cs, _ce) in enumerate(plan.atoms):
            lits.setdefault(lit, []).append(i)
        self.literals = list(lits)
        self.atoms_of = [lits[lit] for lit in self.literals]
        self.checks = plan.atoms
        self.single = frozenset(r[0] for r in plan.requirements if len(r) == 1)
        multi: dict[int, list[frozenset[int]]] = {}
        for r in plan.requirements:
            if len(r) > 1:
                fr = frozenset(r)
                for a in r:
                    multi.setdefault(a, []).append(fr)
        self.multi = multi
        self._ac: Any = None
        self.engine = "none"
        if self.literals and not self.always:
            try:
                from ahocorasick_rs import AhoCorasick

                self._ac = AhoCorasick(self.literals)
                self.engine = "aho-corasick"
            except ImportError:  # pragma: no cover - ahocorasick-rs is a dependency
                self.engine = "str.find"

    def _matches(self, low: str) -> Any:
        if self._ac is not None:
            return self._ac.find_matches_as_indexes(low, overlapping=True)
        out = []
        for pid, lit in enumerate(self.literals):
            start = low.find(lit)
            while start >= 0:
                out.append((pid, start, start + len(lit)))
                start = low.find(lit, start + 1)
        return out

    def needs(self, text: str, block_kind: str = "paragraph") -> bool:
        if self.always or block_kind in self.always_blocks:
            return True
        if not self.literals:
            return False
        if not text.isascii() and _UNSAFE.search(text):
            return True
        low = text.lower()
        zh = self.plan.lang == "zh"
        if zh:
            low = "".join(low.split())
        n = len(low)
        found: set[int] = set()
        checks = self.checks
        single = self.single
        multi = self.multi
        for pid, s, e in self._matches(low):
            for a in self.atoms_of[pid]:
                if a in found:
                    continue
                if not zh:
                    _lit, cs, ce = checks[a]
                    if cs and s > 0 and low[s - 1].isalpha():
                        continue
                    if ce and e < n and low[e].isalpha():
                        continue
                if a in single:
                    return True
                found.add(a)
                for req in multi.get(a, ()):
                    if req <= found:
                        return True
        return False


# --- helpers for kinds ----------------------------------------------------------


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


def entity_triggers() -> list[tuple[str, ...]] | None:
    """Triggers for kinds that need a knowledge-base mention in the block.

    A name matches with optional separators between its parts (and between
    letters and digits) and an optional plural or possessive ending, so all
    its pieces occur verbatim in any mention of it: one AND-trigger per name.
    """
    from compliance_lint import semantic
    from compliance_lint.entities import entity_index

    index = entity_index(semantic.kb())
    out: set[tuple[str, ...]] = set()
    for name in index.literals:
        pieces = name_pieces(name)
        if not pieces:
            return None
        out.add(pieces)
    return sorted(out)


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
