"""One spaCy ``Language`` per language, built once per process and reused.

English: ``spacy.blank("en")`` + sentencizer; the lookup lemmatizer (tables from
spacy-lookups-data) is applied only to Docs a lemma-based token pattern needs,
because it costs as much as tokenizing. Chinese: ``spacy.blank("zh")`` with the
default character segmenter (no model download; pkuseg is never used) +
sentencizer with Chinese sentence punctuation.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from typing import Any

ZH_PUNCT = ["。", "！", "？", "!", "?", "；", ";", "…", "\n"]
EN_PUNCT = [".", "!", "?", ";", "。", "！", "？", "…"]


# --- importing spaCy without its command line --------------------------------
#
# ``spacy/__init__.py`` does ``from .cli.info import info``, and importing
# ``spacy.cli`` imports every spaCy command (typer, weasel, httpx, jinja2,
# requests, ...): about a third of ``import spacy`` (0.2 s of 0.55 s), paid by
# every ``check`` that lints anything, for a CLI we never call. So, before the
# first ``import spacy`` of the process (and only if spaCy is not imported
# yet), a finder at the front of ``sys.meta_path`` answers for ``spacy.cli``
# and ``spacy.cli.info`` with light stand-ins:
#
# - ``spacy.cli``: a package whose ``__path__`` is the real ``spacy/cli``
#   folder, so real submodules (``spacy.cli.download`` ...) still import; any
#   other attribute asked of it runs the real ``spacy/cli/__init__.py`` in it
#   first (PEP 562 ``__getattr__``), so ``spacy.cli.download(...)`` works;
# - ``spacy.cli.info``: ``info`` (re-exported as ``spacy.info``) runs the real
#   module on first call, then the real function.
#
# While spaCy's own import runs (until it reaches its ``.cli`` line), the same
# finder also declines ``pydantic.v1``: confection (via thinc) imports it only to
# recognise pydantic-v1 config schemas, which neither spaCy 3 nor thinc use (both
# are on pydantic 2), and handles its absence itself; it cost 0.04 s. Afterwards
# ``import pydantic.v1`` works as usual.
#
# The finder removes itself once both stand-ins are loaded. Anything unexpected
# (another spaCy layout, an error during the import) falls back to a plain
# import, and COMPLIANCE_LINT_PLAIN_SPACY=1 turns all this off.

_SPACY_CLI = ("spacy.cli", "spacy.cli.info")
_SKIPPED_DURING_SPACY_IMPORT = ("pydantic.v1",)


class _LightSpacyCli:
    """Meta-path finder and loader for the two stand-in modules (see above)."""

    def __init__(self, cli_dir: str) -> None:
        self.cli_dir = cli_dir
        self.loaded: set[str] = set()

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname in _SKIPPED_DURING_SPACY_IMPORT and "spacy" in sys.modules and not self.loaded:
            raise ModuleNotFoundError(f"{fullname} is not imported while spaCy is (compliance_lint.nlp)", name=fullname)
        if fullname not in _SPACY_CLI or fullname in self.loaded:
            return None
        from importlib.machinery import ModuleSpec

        is_pkg = fullname == "spacy.cli"
        spec = ModuleSpec(fullname, self, is_package=is_pkg)
        if is_pkg:
            spec.submodule_search_locations = [self.cli_dir]
        return spec

    def create_module(self, spec: Any) -> None:
        return None  # the default module object

    def exec_module(self, module: Any) -> None:
        name = module.__name__
        self.loaded.add(name)
        if name == "spacy.cli":
            real = os.path.join(self.cli_dir, "__init__.py")

            def __getattr__(attr: str) -> Any:  # noqa: N807 (PEP 562)
                if attr.startswith("__"):
                    raise AttributeError(attr)
                _run_real(module, real)
                try:
                    return module.__dict__[attr]
                except KeyError:
                    raise AttributeError(f"module 'spacy.cli' has no attribute {attr!r}") from None

            module.__getattr__ = __getattr__
        else:
            real = os.path.join(self.cli_dir, "info.py")

            def info(*args: Any, **kwargs: Any) -> Any:
                package = sys.modules.get("spacy.cli")
                if package is not None:
                    getattr(package, "setup_cli", None)  # the real spacy.cli first, as a plain import would
                _run_real(module, real)
                return module.__dict__["info"](*args, **kwargs)

            info.__doc__ = "spacy.info, loaded on first call (compliance_lint.nlp)."
            module.info = info
        if self.loaded.issuperset(_SPACY_CLI):
            self.uninstall()

    def uninstall(self) -> None:
        try:
            sys.meta_path.remove(self)
        except ValueError:
            pass


def _run_real(module: Any, path: str) -> None:
    """Run the real source of a stand-in module in its namespace, once."""
    if module.__dict__.get("_compliance_lint_real"):
        return
    module._compliance_lint_real = True
    module.__file__ = path
    with open(path, "rb") as fh:
        code = compile(fh.read(), path, "exec")
    exec(code, module.__dict__)


_light_cli: _LightSpacyCli | None = None


def _install_light_spacy_cli() -> None:
    global _light_cli
    if "spacy" in sys.modules or _light_cli is not None or os.environ.get("COMPLIANCE_LINT_PLAIN_SPACY"):
        return
    try:
        from importlib.util import find_spec

        spec = find_spec("spacy")
        locations = list(spec.submodule_search_locations or []) if spec else []
        cli_dir = os.path.join(locations[0], "cli") if locations else ""
        if not (os.path.isfile(os.path.join(cli_dir, "__init__.py")) and os.path.isfile(os.path.join(cli_dir, "info.py"))):
            return
        _light_cli = _LightSpacyCli(cli_dir)
        sys.meta_path.insert(0, _light_cli)
    except Exception:
        _light_cli = None


def import_spacy() -> Any:
    """``import spacy``, without importing ``spacy.cli`` or ``pydantic.v1`` (see above)."""
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    _install_light_spacy_cli()
    before = set(sys.modules)
    try:
        import spacy

        return spacy
    except Exception:
        if _light_cli is None:
            raise
    # the stand-ins got in the way: forget them and whatever half-imported, then import plainly
    _light_cli.uninstall()
    for name in set(sys.modules) - before:
        if name == "spacy" or name.startswith("spacy."):
            del sys.modules[name]
    import spacy

    return spacy


# Installed when this module is imported, because other modules (the kinds)
# ``import spacy`` themselves and may do so before get_nlp() is first called.
_install_light_spacy_cli()


@cache
def get_nlp(lang: str) -> Any:
    spacy = import_spacy()

    if lang == "zh":
        nlp = spacy.blank("zh")
        nlp.add_pipe("sentencizer", config={"punct_chars": ZH_PUNCT})
    else:
        nlp = _blank_en()
        nlp.add_pipe("sentencizer", config={"punct_chars": EN_PUNCT})
        _bound_token_length(nlp)
    nlp.add_pipe(_bounded_sentences_factory())
    nlp.max_length = 2_000_000
    return nlp


def make_docs(nlp: Any, texts: Iterable[str]) -> Iterator[Any]:
    """``nlp.pipe(texts)`` for the pipelines ``get_nlp`` builds: each text's Doc
    made and passed through every component in turn.

    ``Language.pipe`` chains generators, batches and error handlers around
    components that are all per-Doc here (sentencizer, bounded sentences):
    for a document's few blocks that machinery cost a sixth of the tokenizing.
    """
    steps = [proc for _name, proc in nlp.pipeline]
    make_doc = nlp.make_doc
    for text in texts:
        doc = make_doc(text)
        for proc in steps:
            doc = proc(doc)
        yield doc


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


def _blank_en() -> Any:
    """``spacy.blank("en")`` whose tokenizer also splits off CITATION_SUFFIXES.

    Built with those suffixes from the start (an English subclass whose Defaults
    carry them), not by setting ``tokenizer.suffix_search`` afterwards: that
    setter reloads all special cases and the default suffix regex would be
    compiled for nothing (0.05 s at start-up). Same tokenizer as
    ``_split_citation_markers(spacy.blank("en"))``; any problem -> that.
    """
    try:
        from spacy.lang.en import English

        class _Defaults(English.Defaults):  # type: ignore[misc,valid-type]
            suffixes = list(CITATION_SUFFIXES) + list(English.Defaults.suffixes or [])

        class _English(English):  # type: ignore[misc,valid-type]
            Defaults = _Defaults

        return _English.from_config({}, vocab=True)
    except Exception:
        nlp = import_spacy().blank("en")
        _split_citation_markers(nlp)
        return nlp


@lru_cache(maxsize=1)
def _lemmatizer() -> Any:
    spacy = import_spacy()

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
