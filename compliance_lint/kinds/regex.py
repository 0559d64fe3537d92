"""``regex``: a regular expression over each sentence, for numbers and shapes.

YAML keys:
  regex:   the pattern (matched on the normalised sentence text)
  engine:  re2 (default: linear time, no lookarounds, cannot hang) | re
  ignorecase: true (default) | false
  unless / requires: as for ``phrase``
  subject: none (default) | promoted | product | unapproved: as for ``phrase``
  A group named ``match`` (``(?P<match>...)``) narrows the reported span (and
  the text negation and hedging look before) to that group: "compounded
  semaglutide is not (?P<match>FDA-approved)" is then negated.
  scope:   sentence (default) | block — with ``block`` the pattern runs over the
           whole paragraph, for cues split across sentences ("For research use
           only. Typical protocol: 250 mcg ..."); unless/requires then look at
           the paragraph too

With ``engine: re`` (Python's backtracking engine) the rule may use lookarounds;
the match runs on one sentence at a time (capped at MAX_SENTENCE_FOR_RE
characters) under a hard time budget: a search that runs longer than
RE_BUDGET_SECONDS (catastrophic backtracking, "(a+)+$") is stopped by a timer
signal and the file is reported as not fully linted (exit 2), naming the rule.
The budget needs the main thread (as in the CLI and its worker processes);
elsewhere only the length cap applies. RE2 (the default) needs no budget.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from operator import itemgetter
from typing import Any

from compliance_lint.kinds.base import BlockScan, CompiledKind, Hit, KindBase, _bounds
from compliance_lint.kinds.phrase import ContextWords
from compliance_lint.models import Rule
from compliance_lint.schema import Checker

MAX_SENTENCE_FOR_RE = 5000
_FIRST = itemgetter(0)
RE_BUDGET_SECONDS = 1.0


class _Expired(Exception):
    pass


def _on_alarm(signum: int, frame: Any) -> None:
    raise _Expired()


_ALARM_READY = False  # our SIGALRM handler is installed (``alarm_handler``)


@contextmanager
def alarm_handler() -> Iterator[None]:
    """Install the budget's SIGALRM handler once for a stretch of searches.

    Installing it per search cost more than the searches themselves (the
    ``signal`` module's enum conversions), so a block's scan installs it once
    and ``guarded_matches`` only arms and disarms the timer.
    """
    global _ALARM_READY
    import signal
    import threading

    if _ALARM_READY or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    _ALARM_READY = True
    try:
        yield
    finally:
        _ALARM_READY = False
        signal.signal(signal.SIGALRM, previous)


def guarded_matches(rule: Rule, rx: Any, text: str) -> Iterable[Any]:
    """``rx.finditer(text)``; for ``engine: re`` all matches are collected under
    the time budget and a runaway search raises ``RuleTimeoutError``."""
    if rule.spec["engine"] == "re2":
        return rx.finditer(text)
    if not _ALARM_READY:
        with alarm_handler():
            if not _ALARM_READY:  # not the main thread: only the length cap applies
                return list(rx.finditer(text))
            return guarded_matches(rule, rx, text)
    import signal

    try:
        signal.setitimer(signal.ITIMER_REAL, RE_BUDGET_SECONDS)
        try:
            return list(rx.finditer(text))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Expired:
        from compliance_lint.errors import RuleTimeoutError

        raise RuleTimeoutError(
            f"rule {rule.id} (engine: re) ran longer than {RE_BUDGET_SECONDS:g} s on one sentence and was stopped; "
            f"the file was not fully linted. Rewrite the pattern ({rule.source_path}:{rule.source_line}) without "
            "nested quantifiers, or use engine: re2"
        ) from None


_UNANCHORED: Any = None  # re2._Anchor.UNANCHORED, looked up on first use (re2 is imported lazily)


def found_in(rx: Any, data: bytes) -> bool:
    """``rx.search(data) is not None`` for an RE2 pattern and UTF-8 bytes.

    The wrapper's ``search`` runs a generator and builds a match object around
    the one C call: 60% of a block gate's search time (5.6 us against 2.2 us
    per search on a 400-character block). The C call is made directly, as the
    wrapper makes it for bytes (pos 0, endpos len), when the wrapper exposes it
    (``re2._Regexp._regexp``); otherwise through ``search``."""
    global _UNANCHORED
    regexp = getattr(rx, "_regexp", None)
    if regexp is not None and _UNANCHORED is None:
        import re2

        _UNANCHORED = getattr(getattr(re2, "_Anchor", None), "UNANCHORED", False)
    if regexp is None or _UNANCHORED is False:
        return rx.search(data) is not None
    return regexp.Match(_UNANCHORED, data, 0, len(data))[0][0] >= 0


def compile_pattern(pattern: str, engine: str, ignorecase: bool) -> Any:
    if engine == "re2":
        import re2

        options = re2.Options()
        options.case_sensitive = not ignorecase
        options.log_errors = False
        options.max_mem = 64 << 20  # large alternations: keep RE2 on its DFA (prefilter.compile_confirm)
        return re2.compile(pattern, options)
    return re.compile(pattern, re.IGNORECASE if ignorecase else 0)


class Kind(KindBase):
    keys = ("regex", "engine", "ignorecase", "unless", "requires", "scope", "subject")

    @staticmethod
    def validate(rule: Rule, data: Any, checker: Checker) -> dict[str, Any]:
        pattern = checker.string("regex")
        engine = checker.choice("engine", ("re2", "re"), default="re2")
        ignorecase = data.get("ignorecase", True)
        if not isinstance(ignorecase, bool):
            raise checker.fail("ignorecase", "expected true or false")
        try:
            compile_pattern(pattern, engine, ignorecase)
        except Exception as exc:  # re.error, re2.error
            hint = " (RE2 has no lookarounds or backreferences; use engine: re if you need them)" if engine == "re2" else ""
            detail = exc.args[0] if exc.args else exc
            if isinstance(detail, bytes):  # re2 reports bytes
                detail = detail.decode("utf-8", "replace")
            raise checker.fail("regex", f"does not compile with {engine}: {detail}{hint}") from None
        return {
            "regex": pattern,
            "engine": engine,
            "ignorecase": ignorecase,
            "unless": checker.string_list("unless"),
            "requires": checker.string_list("requires"),
            "scope": checker.choice("scope", ("sentence", "block"), default="sentence"),
            "subject": checker.choice("subject", ("none", "promoted", "product", "unapproved"), default="none"),
        }

    @classmethod
    def compile(cls, rules: list[Rule], lang: str, env: Any) -> CompiledKind:
        return CompiledRegex(rules)


class CompiledRegex(CompiledKind):
    def __init__(self, rules: list[Rule]) -> None:
        self.items = [
            (
                r,
                compile_pattern(r.spec["regex"], r.spec["engine"], r.spec["ignorecase"]),
                ContextWords(r.spec["unless"]),
                ContextWords(r.spec["requires"]),
            )
            for r in rules
        ]
        self._groups = [_match_group(rx) for _r, rx, *_ in self.items]
        self._uses_re = frozenset(i for i, (r, *_) in enumerate(self.items) if r.spec["engine"] != "re2")
        self._has_block = any(r.spec.get("scope") == "block" for r, *_ in self.items)
        self._dnfs, gates, self._lits, self._lit_ac = _literal_gates([r for r, *_ in self.items])
        self._always_idx = [i for i, g in enumerate(gates) if g is None]
        # literal id -> items: each literal set of a pattern is represented by
        # its longest literal (a necessary condition, cheap to test per sentence)
        self._by_lit: dict[int, list[int]] = {}
        # and literal id -> (item, the set's other literals) for each set it represents:
        # the item may match only where one of its sets is there whole
        self._rest_by_lit: dict[int, dict[int, list[frozenset[int]]]] = {}
        for idx, gate in enumerate(gates):
            for term in gate or ():
                key = max(term, key=lambda i: (len(self._lits[i]), self._lits[i]))
                rests = self._rest_by_lit.setdefault(key, {}).setdefault(idx, [])
                if term - {key} not in rests:
                    rests.append(term - {key})
            for lit in {max(term, key=lambda i: (len(self._lits[i]), self._lits[i])) for term in gate or ()}:
                self._by_lit.setdefault(lit, []).append(idx)
        self._item_lits = [frozenset().union(*gate) if gate else frozenset() for gate in gates]
        # Per item, its pattern without zero-width assertions (prefilter.relaxed_pattern):
        # one search of the whole block rules the item out for every sentence in it.
        from compliance_lint.prefilter import relaxed_pattern

        self._relaxed = [relaxed_pattern(r.spec["regex"]) for r, *_ in self.items]
        self._gate_keys = [None if relaxed is None else (relaxed, bool(r.spec["ignorecase"]))
                           for relaxed, (r, *_) in zip(self._relaxed, self.items, strict=True)]
        # items whose matching is the same (pattern, engine, case, unless, requires; the
        # packs repeat rules per jurisdiction) share their matches: index of the first
        firsts: dict[tuple[Any, ...], int] = {}
        self._same_as = [firsts.setdefault((r.spec["regex"], r.spec["engine"], r.spec["ignorecase"], tuple(r.spec["unless"]),
                                            tuple(r.spec["requires"])), i) for i, (r, *_) in enumerate(self.items)]

    def _block_gate(self, idx: int, text: str) -> bool:
        """May item ``idx`` match anywhere in the block ``text``? (relaxed pattern, RE2).

        One question at a time, through the prefilter's remembered answers;
        ``_gated`` answers the same for all of a block's items at once (tested
        to agree)."""
        from compliance_lint.prefilter import confirms

        relaxed = self._relaxed[idx]
        return relaxed is None or confirms(text, relaxed, bool(self.items[idx][0].spec["ignorecase"]))

    def _gated(self, runnable: list[int], text: str) -> list[int]:
        """The items of ``runnable`` whose relaxed pattern matches the block ``text``
        (``_block_gate`` of each, answered in one go).

        Most blocks hold some item's literal but not its pattern (86% of the
        questions on the benchmark corpus). ``confirms`` takes a ``str``, which
        RE2 encodes to UTF-8 on every search: here the block is encoded once and
        each distinct relaxed pattern searched in the bytes. (An RE2 set of all
        the patterns answered in one pass, but only once its DFA was built: in
        a fresh worker that cost more than the searches it saved.)"""
        from compliance_lint.prefilter import _CONFIRMED, compile_confirm

        data: bytes | None = None
        answers: dict[tuple[str, bool], bool] = {}
        out = []
        for idx in runnable:
            key = self._gate_keys[idx]
            if key is None:
                out.append(idx)
                continue
            ok = answers.get(key)
            if ok is None:
                # the prefilter asked some of these questions about this block already
                # (a fifth on the benchmark corpus): its remembered answers, read only
                ok = _CONFIRMED.get((text, *key))
                if ok is None:
                    rx = compile_confirm(*key)
                    if rx is True:
                        ok = True
                    else:
                        if data is None:
                            data = text.encode("utf-8")  # as re2 itself encodes a str
                        ok = found_in(rx, data)
                answers[key] = ok
            if ok:
                out.append(idx)
        return out

    def _runnable(self, low: str, occurrences: list[tuple[int, int, int]] | None = None) -> list[int]:
        """The items (indices, in order) that may match in ``low`` (lower-cased
        text): those without literals, and those all of one of whose literal
        sets (every match contains all of one, ``prefilter.regex_literals``)
        are there. ``occurrences``: the literals already found (id, start, end) in ``low``.

        An item is looked up by each set's longest literal, then its sets are
        checked whole: half of the block gates' RE2 searches on the benchmark
        corpus were for items with only some literals of each set there."""
        if self._lit_ac is None:
            return list(range(len(self.items)))
        if occurrences is None:
            occurrences = self._lit_ac.find_matches_as_indexes(low, overlapping=True)
        present = set(map(_FIRST, occurrences))
        return sorted(self._whole(present, set(self._always_idx)))

    def _whole(self, present: set[int], found: set[int], among: set[int] | None = None) -> set[int]:
        """``found`` plus the items (of ``among``, if given) one of whose literal sets is
        wholly in ``present`` (literal ids)."""
        rest_by_lit = self._rest_by_lit
        for lit in present:
            rests_of = rest_by_lit.get(lit)
            if rests_of is None:
                continue
            for idx, rests in rests_of.items():
                if idx in found or (among is not None and idx not in among):
                    continue
                for rest in rests:
                    if rest <= present:
                        found.add(idx)
                        break
        return found

    def triggers(self) -> list[str] | None:
        from compliance_lint.prefilter import Confirmed

        out: list[Any] = []
        for (rule, _rx, _unless, requires), lits, relaxed in zip(self.items, self._dnfs, self._relaxed, strict=True):
            if lits is None:  # regex_literals of each rule, parsed once (_literal_gates)
                return None
            confirm = None if relaxed is None else (relaxed, bool(rule.spec["ignorecase"]))
            terms = [tuple(term) for term in lits]
            phrases = requires.phrases if requires else []
            if phrases and all(p.strip() for p in phrases) and len(terms) * len(phrases) <= 4000:
                # "requires" words must be there too (ContextWords: the phrase as a
                # substring of the lower-cased text, edges checked later)
                terms = [(*term, p) for term in terms for p in sorted(set(phrases))]
            out.extend(Confirmed(term, confirm) for term in terms)
        return out

    def find(self, scan: BlockScan) -> Iterable[Hit]:
        text = scan.block.text
        low = scan.low  # shared with the other kinds
        occurrences = self._lit_ac.find_matches_as_indexes(low, overlapping=True) if self._lit_ac is not None else None
        runnable = self._runnable(low, occurrences)
        if runnable:
            runnable = self._gated(runnable, text)
        if not runnable:
            return
        if len(low) != len(text):
            occurrences = None  # lower-casing moved offsets (İ -> i̇): sentences are scanned on their own
        if self._uses_re.isdisjoint(runnable):
            # RE2 needs no time budget: installing the SIGALRM handler (the signal
            # module's enum conversions) cost a tenth of find on RE2-only blocks
            yield from self._find(scan, runnable, occurrences)
            return
        with alarm_handler():
            yield from self._find(scan, runnable, occurrences)

    def _find(self, scan: BlockScan, runnable: list[int], occurrences: list[tuple[int, int, int]] | None = None) -> Iterable[Hit]:
        items = self.items
        if self._has_block:
            text = scan.block.text
            sample_re = text[:MAX_SENTENCE_FOR_RE]
            for idx in runnable:
                rule, rx, unless, requires = items[idx]
                if rule.spec.get("scope") != "block":
                    continue
                if unless and unless.search(text):
                    continue
                if requires and not requires.search(text):
                    continue
                for m in guarded_matches(rule, rx, text if rule.spec["engine"] == "re2" else sample_re):
                    a, b = _span_in(m, self._groups[idx])
                    if b > a and _subject_ok(scan, rule, text, a, b):
                        yield Hit(rule, scan.index, a, b)
        in_sentence = [idx for idx in runnable if items[idx][0].spec.get("scope") != "block"]
        if not in_sentence:
            return
        block_text = scan.block.text
        starts, ends, _tok_starts, _tok_ends = _bounds(scan.doc)  # shared with the engine's sentence_chars
        todo = self._sentence_items(in_sentence, occurrences, starts, ends, block_text)
        for i in sorted(todo):
            wanted = todo[i]
            base = starts[i]
            text = block_text[base:ends[i]]  # sent.text, without joining tokens
            spans_of: dict[int, list[tuple[int, int]]] = {}  # the same pattern in several packs: matched once
            for idx in in_sentence:
                if idx not in wanted:
                    continue
                rule, rx, unless, requires = items[idx]
                same = self._same_as[idx]
                spans = spans_of.get(same)
                if spans is None:
                    spans = spans_of[same] = []
                    if not (unless and unless.search(text)) and not (requires and not requires.search(text)):
                        sample = text if rule.spec["engine"] == "re2" else text[:MAX_SENTENCE_FOR_RE]
                        group = self._groups[idx]
                        spans.extend(_span_in(m, group) for m in guarded_matches(rule, rx, sample))
                for a, b in spans:
                    if b > a and _subject_ok(scan, rule, text, base + a, base + b):
                        yield Hit(rule, scan.index, base + a, base + b)

    def _sentence_items(self, in_sentence: list[int], occurrences: list[tuple[int, int, int]] | None,
                        starts: list[int], ends: list[int], block_text: str) -> dict[int, set[int]]:
        """Per sentence (index into ``starts``/``ends``), the items of ``in_sentence``
        to search in it: those with one of their literals wholly inside it.

        Built from the block's literal occurrences, each placed in its sentence
        by bisection, rather than by asking every sentence about every item:
        most sentences of a block that holds a literal hold none; an item
        needs all the literals of one of its sets in the sentence (as
        ``_runnable``). A lone item is searched in every sentence (there is
        nothing to choose between)."""
        if len(in_sentence) == 1:
            return {i: set(in_sentence) for i in range(len(starts))}
        wanted = set(in_sentence)
        todo: dict[int, set[int]] = {}
        if occurrences is None:  # sentences scanned on their own
            for i, (a, b) in enumerate(zip(starts, ends, strict=True)):
                here = wanted.intersection(self._runnable(block_text[a:b].lower()))
                if here:
                    todo[i] = here
            return todo
        always = wanted.intersection(self._always_idx)
        if always:
            todo = {i: set(always) for i in range(len(starts))}
        # the literals that stand for a wanted item (most occurrences are of others)
        by_lit = self._by_lit
        items_of = {lit: here for lit in set(map(_FIRST, occurrences)) if lit in by_lit and (here := wanted.intersection(by_lit[lit]))}
        if not items_of:
            return todo
        # per sentence, the wanted items' literals wholly inside it (an item needs all
        # of one of its sets there); most occurrences are of other items' literals
        relevant = frozenset().union(*[self._item_lits[idx] for idx in wanted])
        inside: dict[int, set[int]] = {}
        for lit, s, e in [o for o in occurrences if o[0] in relevant]:
            i = bisect_right(starts, s) - 1
            if i < 0 or e > ends[i]:
                continue  # not wholly inside one sentence
            inside.setdefault(i, set()).add(lit)
        for i, present in inside.items():
            if not items_of.keys().isdisjoint(present):
                here = self._whole(present, todo.get(i, set()), wanted)
                if here:
                    todo[i] = here
        return todo


def _literal_gates(rules: list[Rule]) -> tuple[list[Any], list[list[frozenset[int]] | None], list[str], Any]:
    """Per rule, the literal sets (OR of AND) every match of its pattern contains,
    as ids into one Aho-Corasick automaton; None (always run) when the pattern
    yields no literals (``prefilter.regex_literals``, conservative). The parse
    is kept in the user cache (JSON), keyed by the patterns and the tool's code."""
    from compliance_lint import cache

    patterns = [(r.spec["regex"], bool(r.spec["ignorecase"])) for r in rules]
    key = cache.digest("regex-gates", cache.environment_key(), patterns)
    dnfs = cache.get_json("plans", key)
    if not isinstance(dnfs, list) or len(dnfs) != len(rules):
        from compliance_lint.prefilter import regex_literals

        dnfs = [regex_literals(pattern, ignorecase) for pattern, ignorecase in patterns]
        cache.put_json("plans", key, dnfs)
    ids: dict[str, int] = {}
    gates: list[list[frozenset[int]] | None] = []
    for dnf in dnfs:
        if not dnf:
            gates.append(None)
            continue
        gates.append([frozenset(ids.setdefault(lit, len(ids)) for lit in term) for term in dnf])
    if not ids:
        return dnfs, gates, [], None
    try:
        from ahocorasick_rs import AhoCorasick
    except ImportError:  # pragma: no cover - ahocorasick-rs is a dependency
        return dnfs, [None] * len(rules), [], None
    return dnfs, gates, list(ids), AhoCorasick(list(ids))


def _span(rx: Any, m: Any) -> tuple[int, int]:
    """The match, or its group named ``match`` when the pattern has one that took part."""
    return _span_in(m, _match_group(rx))


def _match_group(rx: Any) -> int | None:
    """The number of ``rx``'s group named ``match``, if it has one (RE2 builds
    ``groupindex`` anew on every access: asked once per item, not per match)."""
    return (getattr(rx, "groupindex", None) or {}).get("match")


def _span_in(m: Any, group: int | None) -> tuple[int, int]:
    """``_span`` of a match of a pattern whose ``_match_group`` is ``group``."""
    if group is not None and m.start(group) >= 0:
        return m.start(group), m.end(group)
    return m.start(), m.end()


def _subject_ok(scan: BlockScan, rule: Rule, sentence: str, start: int, end: int) -> bool:
    mode = rule.spec.get("subject", "none")
    if mode == "none":
        return True
    from compliance_lint.kinds import phrase

    if mode == "promoted":
        # the claim's subject may follow it ("Studies prove CJC-1295 doubles ...")
        from compliance_lint import semantic
        from compliance_lint.kinds.base import sentence_of

        sent = sentence_of(scan.doc, start)
        if any(m.label in ("SUBSTANCE", "CLASS", "DESCRIPTOR") and sent.start_char <= m.start < sent.end_char
               for m in semantic.mentions(scan.state, scan.index)):
            return True
        return phrase._promoted_subject(scan, sentence, start)
    if mode == "product":
        return phrase._product_subject(scan, sentence, start, end)
    return phrase._unapproved_subject(scan, rule, start, end)
