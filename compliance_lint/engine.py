"""The linting engine: blocks -> spaCy Docs -> kind matchers -> filters -> findings.

Rules are compiled once per (rule set, language) and reused for every
document. The filters every kind shares live here: language, context
(``when``), negation / hedging / attribution, per-path overrides and
suppression comments.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from compliance_lint import doctype, marks
from compliance_lint.kinds import get_kind
from compliance_lint.kinds.base import BlockScan, CompiledKind, DocumentState, Hit, sentence_chars
from compliance_lint.models import SEVERITIES, Context, Finding, Rule
from compliance_lint.nlp import detect_lang, get_nlp, make_docs
from compliance_lint.positions import LineIndex
from compliance_lint.sources.base import SourceDocument
from compliance_lint.suppress import apply_suppressions
from compliance_lint.textmap import split_long_blocks

LOWER = {"error": "warning", "warning": "info", "info": "info"}
# Categories that approved product information (content: label) states as a matter of course.
LABEL_TEXT = frozenset({"disease_claim", "prescription_drug_promotion", "comparative_claim", "weight_loss_claim",
                        "testimonial", "missing_disclaimer", "other"})


@dataclass
class Environment:
    """What kinds may use while compiling: spaCy pipelines and the knowledge base."""

    _kb: Any = None

    def nlp(self, lang: str) -> Any:
        return get_nlp(lang)

    @property
    def kb(self) -> Any:
        if self._kb is None:
            from compliance_lint.kb import load_kb

            self._kb = load_kb()
        return self._kb


@dataclass
class Linter:
    """A compiled rule set. Build once, lint many documents."""

    rules: list[Rule]
    lang: str = "auto"
    env: Environment = field(default_factory=Environment)
    _compiled: dict[str, list[CompiledKind]] = field(default_factory=dict)
    # Skip the NLP pipeline for blocks no rule can fire on (prefilter.py).
    # None: on, unless the environment says COMPLIANCE_LINT_PREFILTER=0.
    prefilter: bool | None = None
    _prefilters: dict[str, Any] = field(default_factory=dict)
    _rules_key: str | None = None

    def prefilter_on(self) -> bool:
        if self.prefilter is None:
            import os

            self.prefilter = os.environ.get("COMPLIANCE_LINT_PREFILTER", "1") not in ("0", "false", "off", "no")
        return self.prefilter

    def rules_key(self) -> str:
        """A digest of everything in this rule set that can change findings."""
        if self._rules_key is None:
            from dataclasses import asdict

            from compliance_lint.cache import digest, environment_key

            self._rules_key = digest(environment_key(), self.lang, [asdict(r) for r in self.rules], _kb_stamp())[:40]
        return self._rules_key

    def prefilter_for(self, lang: str) -> Any:
        """The trigger scanner for ``lang``: from the user cache, else built from the compiled kinds."""
        if lang not in self._prefilters:
            from compliance_lint import cache
            from compliance_lint.prefilter import Plan, Prefilter, build_plan

            key = cache.digest(self.rules_key(), "plan", lang)[:40]
            plan = None
            data = cache.get_json("plans", key)
            if data is not None:
                try:
                    plan = Plan.from_json(data)
                except (KeyError, TypeError, ValueError, IndexError):
                    cache.warn(f"ignoring unreadable cache entry for plan {key[:12]}")
            if plan is None:
                plan = build_plan(self.compiled(lang), lang, get_nlp(lang))
                cache.put_json("plans", key, plan.to_json())
            self._prefilters[lang] = Prefilter(plan)
        return self._prefilters[lang]

    def selection(self, doc: SourceDocument, langs: list[str]) -> list[frozenset[int]] | None:
        """Per block, the compiled kinds (indices into ``compiled(lang)``) that need it;
        a block no kind needs skips the NLP pipeline. None = every kind, every block (prefilter off)."""
        if not self.prefilter_on():
            return None
        return [self.prefilter_for(lg).kinds_needing(b.text, b.kind) for b, lg in zip(doc.blocks, langs, strict=True)]


    def compiled(self, lang: str) -> list[CompiledKind]:
        if lang not in self._compiled:
            by_kind: dict[str, list[Rule]] = defaultdict(list)
            for rule in self.rules:
                if rule.enabled and (lang in rule.languages or _latin_rule_in_zh(rule, lang)):
                    by_kind[rule.kind].append(rule)
            self._compiled[lang] = [get_kind(kind).compile(rules, lang, self.env) for kind, rules in sorted(by_kind.items())]
        return self._compiled[lang]

    def warm(self, lang: str) -> None:
        """Build now what linting ``lang`` text builds on first need: the spaCy pipeline,
        the compiled kinds, the prefilter (a pool's parent does this once before forking)."""
        get_nlp(lang)
        self.compiled(lang)
        self.prefilter_for(lang)

    def block_langs(self, doc: SourceDocument) -> list[str]:
        if self.lang in ("en", "zh"):
            return [self.lang] * len(doc.blocks)
        return [detect_lang(b.text) for b in doc.blocks]

    def lint(self, doc: SourceDocument, context: Context | None = None, rule_changes: dict[str, str] | None = None) -> list[Finding]:
        context = context or Context()
        doc.blocks = split_long_blocks(doc.blocks)  # no block near nlp.max_length
        langs = self.block_langs(doc)
        state = DocumentState(context=context, blocks=doc.blocks, langs=langs)
        from compliance_lint.prefilter import forget_confirmed

        forget_confirmed()
        selected = self.selection(doc, langs)
        any_triggered = selected is None or any(selected)
        if selected is not None and len(set(langs)) == 1:
            # per kind, the blocks holding its triggers: a document-level finish() need
            # not look anywhere else (kinds/required.py). Only in a one-language document:
            # a kind's finish() also reads blocks of the other language, whose plan has
            # other rules' triggers.
            state.triggered = {}
            for i, (kinds, lg) in enumerate(zip(selected, langs, strict=True)):
                compiled_here = self.compiled(lg) if kinds else ()
                for k in kinds:
                    state.triggered.setdefault(type(compiled_here[k]), set()).add(i)
        spacy_docs: dict[int, Any] = _LazyDocs(doc.blocks, langs)
        if selected is not None:
            # kinds with only a document-level finish() never need a block's Doc
            selected = [kinds - self.prefilter_for(lg).finish_only if kinds else kinds for kinds, lg in zip(selected, langs, strict=True)]
        for lang in sorted(set(langs)):
            idx = [i for i, lg in enumerate(langs) if lg == lang and (selected is None or selected[i])]
            if not idx:
                continue
            nlp = get_nlp(lang)
            for i, sdoc in zip(idx, make_docs(nlp, [doc.blocks[i].text for i in idx]), strict=True):
                spacy_docs[i] = sdoc
        state.memory["docs"] = spacy_docs
        # A regulator's report (warning letter, ruling, 通报): every quotation in it is reported (doctype.py).
        state.memory["report"] = doctype.is_kind(doc.text, "report")
        hits: list[Hit] = []
        for i, block in enumerate(doc.blocks):
            wanted = None if selected is None else selected[i]
            if wanted is not None and not wanted:
                continue
            lang = langs[i]
            scan = BlockScan(i, block, spacy_docs[i], lang, state)
            for k, compiled in enumerate(self.compiled(lang)):
                if wanted is None or k in wanted:
                    hits.extend(compiled.find(scan))
        # Document-level hooks: skipped only when no block holds any trigger and
        # every kind with a finish() hook declared triggers (none can fire).
        if any_triggered or any(self.prefilter_for(lg).plan.finish_untriggered for lg in set(langs) or {"en"}):
            for lang in sorted(set(langs)) or ["en"]:
                for compiled in self.compiled(lang):
                    hits.extend(compiled.finish(state, hits))
        forget_confirmed()
        findings = self._findings(doc, state, hits, rule_changes or {})
        apply_suppressions(doc, findings, {a: r.id for r in self.rules for a in r.aliases} or None)
        findings.sort(key=Finding.sort_key)
        return findings

    def _findings(self, doc: SourceDocument, state: DocumentState, hits: list[Hit], changes: dict[str, str]) -> list[Finding]:
        lines = LineIndex(doc.text)
        out: list[Finding] = []
        seen: set[tuple[str, int, int]] = set()
        report = bool(state.memory.get("report"))
        occurrences: dict[str, int] = defaultdict(int)
        # The packs repeat a rule per jurisdiction: several hits share a span (a
        # quarter of the attribution questions were new). Per rule its context
        # test, and per span (block, start, end) whether it is attributed.
        context_ok: dict[str, bool] = {}
        attributed: dict[tuple[int, int, int], bool] = {}
        # Per span, where it is (sentence, line and column, original offsets): the same
        # for every rule that hit it (c500: 19,026 hits; the packs repeat rules).
        spans: dict[tuple[int, int, int], _SpanFacts] = {}
        for hit in hits:
            rule = hit.rule
            block = doc.blocks[hit.block]
            lang = state.langs[hit.block]
            ok = context_ok.get(rule.id)
            if ok is None:
                ok = context_ok[rule.id] = _context_ok(rule, state.context)
            if not ok:
                continue
            level = changes.get(rule.id) or changes.get(rule.pack) or changes.get(f"{rule.pack}/{rule.category}")
            if level == "off":
                continue
            key = (rule.id, hit.block, hit.start)
            if key in seen:
                continue
            seen.add(key)
            span_key = (hit.block, hit.start, hit.end)
            at = spans.get(span_key)
            if at is None:
                at = spans[span_key] = _SpanFacts.of(doc, block, state.memory["docs"][hit.block], hit.start, hit.end, lines)
            s_text, rs, re_ = at.sentence, at.rs, at.re_
            severity = hit.severity or rule.severity
            notes = list(hit.notes)
            if not hit.negation_checked and rule.negation != "none" and marks.negated(s_text, rs, re_, lang):
                if rule.negation == "clears":
                    continue
                severity = LOWER[severity]
                notes.append("negated")
            if rule.hedging != "none" and marks.hedged(s_text, rs, re_, lang):
                if rule.hedging == "clears":
                    continue
                severity = LOWER[severity]
                notes.append("hedged")
            attribution = rule.attribution
            if attribution == "none" and report and rule.kind != "required":
                attribution = "lowers"  # a quoted testimonial in a warning letter is the seller's, not the writer's
            if attribution != "none":
                quoted = attributed.get(span_key)
                if quoted is None:
                    quoted = attributed[span_key] = (
                        marks.attributed(s_text, rs, re_, lang, report=report, block=block.text, span=(hit.start, hit.end))
                        or (report and _in_blockquote(doc.text, block.span(hit.start, hit.end)[0]))
                    )
            if attribution != "none" and quoted:
                if attribution == "clears":
                    continue
                severity = "info"
                notes.append("attributed: reported or quoted, not the writer's own claim")
            if state.context.content == "label" and rule.category in LABEL_TEXT and "label" not in rule.when.get("content", ()):
                # Approved product information (PI, SmPC, leaflet, CMI, 说明书) states uses ("to treat
                # obstructive sleep apnea"), trial comparisons and frequencies as approved text; claims a
                # real label never makes (cure, safe for everyone, off-label uses) still count.
                severity = "info"
                notes.append("label: approved product information")
            if level in SEVERITIES:
                severity = level
            match = at.match
            message = _render(rule.message_for(lang), match, hit, lang)
            fp_basis = f"{rule.id}\x00{doc.path}\x00{at.norm}"
            occurrences[fp_basis] += 1
            fingerprint = hashlib.sha256(f"{fp_basis}\x00{occurrences[fp_basis]}".encode()).hexdigest()[:16]
            out.append(
                Finding(
                    rule=rule.id, pack=rule.pack, category=rule.category, severity=severity,
                    message=message, path=doc.path, line=at.line, column=at.col, end_line=at.end_line,
                    end_column=at.end_col, match=match, citation=rule.citation.text,
                    citation_url=rule.citation.url, suggestion=rule.suggestion,
                    sentence=at.stripped, start=at.start, end=at.end, substance=hit.substance,
                    condition=hit.condition, notes=notes, fingerprint=fingerprint,
                    fix=rule.fix,
                )
            )
        return out


@dataclass(slots=True)
class _SpanFacts:
    """What ``_findings`` reads about a hit's span whatever the rule: its sentence (text, and
    the span's offsets in it), original offsets, line and column, matched text, and the
    sentence as the fingerprint normalises it."""

    sentence: str
    rs: int
    re_: int
    start: int
    end: int
    line: int
    col: int
    end_line: int
    end_col: int
    match: str
    stripped: str
    norm: str

    @staticmethod
    def of(doc: SourceDocument, block: Any, sdoc: Any, hit_start: int, hit_end: int, lines: LineIndex) -> _SpanFacts:
        s0, s1 = sentence_chars(sdoc, hit_start)
        s_text = block.text[s0:s1]  # the sentence's text: the Doc was made from the block text
        start, end = block.span(hit_start, hit_end)
        line, col = lines.line_col(start)
        end_line, end_col = lines.line_col(end)
        return _SpanFacts(s_text, hit_start - s0, hit_end - s0, start, end, line, col, end_line, end_col,
                          doc.text[start:end], s_text.strip(), _norm_sentence(s_text))


class _LazyDocs(dict):
    """Block index -> spaCy Doc; a block the prefilter skipped is tokenized on first access."""

    def __init__(self, blocks: list[Any], langs: list[str]) -> None:
        super().__init__()
        self._blocks = blocks
        self._langs = langs

    def __missing__(self, index: int) -> Any:
        if not isinstance(index, int) or not 0 <= index < len(self._blocks):
            raise KeyError(index)
        sdoc = next(make_docs(get_nlp(self._langs[index]), [self._blocks[index].text]))
        self[index] = sdoc
        return sdoc

    def get(self, index: Any, default: Any = None) -> Any:
        try:
            return self[index]
        except KeyError:
            return default


def _kb_stamp() -> list[Any]:
    """Sizes and mtimes of the knowledge-base files the semantic kinds read."""
    try:
        from compliance_lint.packs import kb_dir

        root = kb_dir()
        # the lexicon (claim verbs, cues) feeds the prefilter's triggers too: a stale plan skips blocks
        files = sorted(root.glob("*")) + sorted((root.parent / "lexicon").glob("*"))
        return [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in files if p.is_file()]
    except Exception:
        return []


def _in_blockquote(text: str, offset: int) -> bool:
    """Is ``offset`` in a block quote (Markdown "> ..." line, HTML <blockquote>)? In a regulator's report such
    a block reproduces the ad or testimonial complained of."""
    line_start = text.rfind("\n", 0, offset) + 1
    if text[line_start:offset].lstrip(" \t").startswith(">"):
        return True
    low = text[max(0, offset - 20000):offset].lower()  # HTML: inside an open <blockquote>
    return low.rfind("<blockquote") > low.rfind("</blockquote")


def _latin_rule_in_zh(rule: Rule, lang: str) -> bool:
    return False


def _context_ok(rule: Rule, context: Context) -> bool:
    for key, allowed in rule.when.items():
        value = getattr(context, key)
        if value not in allowed:
            return False
    return True


def _render(template: str, match: str, hit: Hit, lang: str = "en") -> str:
    # Plain key substitution, never str.format: user text must not be evaluated.
    substance, condition = hit.substance, hit.condition
    if lang == "zh":
        # a Chinese message names the product and condition in Chinese (司美格鲁肽, 胰岛素抵抗),
        # not by the knowledge base's English names
        names = _zh_names()
        substance = names.get((substance or "").lower(), substance)
        condition = names.get((condition or "").lower(), condition)
    return (
        template.replace("{match}", match)
        .replace("{substance}", substance or ("本品" if lang == "zh" else "this product"))
        .replace("{condition}", condition or ("该病症" if lang == "zh" else "this condition"))
    )


_ZH_NAMES: dict[str, str] | None = None


def _zh_names() -> dict[str, str]:
    """English knowledge-base names (substances, products, classes, conditions) -> Chinese."""
    global _ZH_NAMES
    if _ZH_NAMES is None:
        from compliance_lint.kb import load_kb

        kb = load_kb()
        out: dict[str, str] = {}
        for c in kb.conditions.values():
            if c.zh and c.en:
                out.setdefault(c.en[0].lower(), c.zh[0])
            if c.zh:
                out.setdefault(c.id.replace("_", " "), c.zh[0])
        for k in kb.classes.values():
            if k.zh:
                out[k.name.lower()] = k.zh[0]
        for s in kb.substances.values():
            if s.zh:
                out[s.name.lower()] = s.zh[0]
            for product, zh in s.products.items():
                if zh:
                    out[product.lower()] = zh[0]
        _ZH_NAMES = out
    return _ZH_NAMES


@lru_cache(maxsize=2048)
def _norm_sentence(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())
