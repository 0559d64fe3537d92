"""A lint run: which files, which rules, read, parse, lint, collect errors.

Kept separate from the CLI so tests, the ``test``/``eval`` commands and the
benchmark drive the same code path.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from compliance_lint.config import Config
from compliance_lint.engine import Linter
from compliance_lint.errors import ConfigError, LintError, RuleTimeoutError, SourceError
from compliance_lint.models import Context, Finding, InputError
from compliance_lint.packs import PackRegistry, default_pack_ids
from compliance_lint.sources import EXTENSIONS, SourceDocument, load_document
from compliance_lint.sources.base import SkippedFileError, display_path
from compliance_lint.sources.markdown import parse_markdown  # noqa: F401  (warm import for workers)

DEFAULT_EXTENSIONS = tuple(sorted(EXTENSIONS))
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache", ".ruff_cache", ".pytest_cache"})
MAX_FILE_BYTES = 64 * 1024 * 1024


@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    error: InputError | None = None
    notice: str | None = None
    document: SourceDocument | None = None
    # suppression comments that suppress nothing: reported, like ruff's unused noqa
    warnings: list[str] = field(default_factory=list)


@dataclass
class RunResult:
    files: list[FileResult]
    notices: list[str] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        out = [f for r in self.files for f in r.findings]
        out.sort(key=Finding.sort_key)
        return out

    @property
    def errors(self) -> list[InputError]:
        return [r.error for r in self.files if r.error]


def select_pack_ids(registry: PackRegistry, requested: list[str], config: Config) -> list[str]:
    ids = list(requested) or list(config.packs or []) or default_pack_ids(registry)
    where = "--pack" if requested else f"{config.path}: packs" if config.packs else "packs"
    for pid in ids:
        if pid not in registry.packs:
            raise ConfigError(f"{where}: unknown pack {pid!r} (available: {', '.join(sorted(registry.packs))})")
    return ids


def build_linter(registry: PackRegistry, pack_ids: list[str], config: Config, lang: str = "auto") -> Linter:
    rules = registry.rules(pack_ids)
    known = {r.id for r in registry.all_rules()} | {a for r in registry.all_rules() for a in r.aliases} | set(registry.packs)
    checked = {(key, where) for key, _, where in config.rule_refs}
    refs = list(config.rule_refs) + [(key, 0, "rules") for key in config.rules if (key, "rules") not in checked]
    for key, line, where in refs:
        base = key.split("/", 1)[0]
        if key not in known and base not in registry.packs:
            at = f"{config.path}:{line}" if line else f"{config.path}"
            raise ConfigError(f"{at}: {where}: unknown rule or pack {key!r}")
    from dataclasses import replace

    selected = []
    for rule in rules:
        level = (config.rules.get(rule.id) or next((config.rules[a] for a in rule.aliases if a in config.rules), None)
                 or config.rules.get(f"{rule.pack}/{rule.category}") or config.rules.get(rule.pack))
        if level == "off":
            continue
        if level:
            rule = replace(rule, severity=level)
        selected.append(rule)
    return Linter(selected, lang=lang)


def expand_paths(paths: list[str], config: Config, extensions: tuple[str, ...] | None = None) -> tuple[list[tuple[str, bool]], list[InputError], list[str]]:
    """Files to lint as (path, named_explicitly); errors for missing paths; notices."""
    exts = tuple(extensions or config.extensions or DEFAULT_EXTENSIONS)
    files: list[tuple[str, bool]] = []
    errors: list[InputError] = []
    notices: list[str] = []
    for arg in paths:
        if arg == "-":
            files.append(("-", True))
            continue
        try:
            st = os.stat(arg)
        except FileNotFoundError:
            errors.append(InputError(display_path(arg), "no such file or directory"))
            continue
        except OSError as exc:
            errors.append(InputError(display_path(arg), f"cannot access ({exc.strerror})"))
            continue
        if stat.S_ISDIR(st.st_mode):
            found = _walk(arg, exts, config, notices, errors)
            files.extend((f, False) for f in found)
        elif stat.S_ISREG(st.st_mode):
            if config.excluded(arg):
                continue
            files.append((arg, True))
        else:
            errors.append(InputError(display_path(arg), "not a regular file (FIFO, socket or device), skipped"))
    return files, errors, notices


def _walk(root: str, exts: tuple[str, ...], config: Config, notices: list[str], errors: list[InputError] | None = None) -> list[str]:
    """Files under ``root``, depth first in name order; symlinks followed, loops cut.

    A folder that cannot be read is an input error (its files were not linted);
    a symlink loop is a notice.

    An explicit stack, not ``os.walk``: before Python 3.12 that recurses once
    per level and a tree 1,000 folders deep raised RecursionError.
    """
    out: list[str] = []
    seen_dirs: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        dirpath = stack.pop()
        try:
            st = os.stat(dirpath)
        except OSError as exc:
            notices.append(f"{display_path(dirpath)}: cannot read directory ({exc.strerror})")
            continue
        ident = (st.st_dev, st.st_ino)
        if ident in seen_dirs:
            notices.append(f"{display_path(dirpath)}: symlink loop, skipped")
            continue
        seen_dirs.add(ident)
        try:
            with os.scandir(dirpath) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            if errors is None:
                notices.append(f"{display_path(dirpath)}: cannot read directory ({exc.strerror})")
            else:
                errors.append(InputError(display_path(dirpath), f"cannot read directory ({exc.strerror})"))
            continue
        subdirs: list[str] = []
        for entry in entries:
            path = os.path.join(dirpath, entry.name)
            try:
                is_dir = entry.is_dir()  # follows symlinks
            except OSError:
                is_dir = False
            if is_dir:
                if (
                    entry.name not in SKIP_DIRS
                    and not os.path.isfile(os.path.join(path, "pyvenv.cfg"))  # any virtual environment (.ci-venv, env, ...)
                    and not config.excluded(path)
                ):
                    subdirs.append(path)
                continue
            if Path(entry.name).suffix.lower() not in exts:
                continue
            if config.excluded(path):
                continue
            out.append(path)
        stack.extend(reversed(subdirs))
    return out


def read_input(path: str, stdin_bytes: bytes | None = None) -> bytes:
    if path == "-" or stdin_bytes is not None:
        return stdin_bytes or b""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise SkippedFileError(path, "not a regular file (FIFO, socket or device), skipped")
        if st.st_size > MAX_FILE_BYTES:
            raise SourceError(path, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, skipped")
        # O_NONBLOCK: a file swapped for a FIFO after the stat must not hang the run
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise SkippedFileError(path, "not a regular file (FIFO, socket or device), skipped")
            data = fh.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise SourceError(path, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, skipped")
        return data
    except FileNotFoundError:
        if os.path.islink(path):
            raise SkippedFileError(path, "broken symbolic link, skipped") from None
        raise SourceError(path, "no such file or directory") from None
    except PermissionError:
        raise SourceError(path, "permission denied") from None
    except IsADirectoryError:
        raise SourceError(path, "is a directory") from None
    except OSError as exc:
        raise SourceError(path, f"cannot read ({exc.strerror})") from None


def document_context(config: Config, doc: SourceDocument, override: Context | None = None, warnings: list[str] | None = None) -> Context:
    ctx = override or config.context
    fm = doc.front_matter.get("context") if isinstance(doc.front_matter, dict) else None
    if fm is not None and not isinstance(fm, dict) and warnings is not None:
        warnings.append(f"{doc.path}: front matter 'context' should be a mapping (audience, content, product, sport, markets); ignored")
    if isinstance(fm, dict):
        from compliance_lint.config import parse_context

        try:
            fm_ctx = parse_context(fm, lambda p: ConfigError(p))
        except ConfigError as exc:
            # a typo (product: suplement) must not silently switch product rules off
            if warnings is not None:
                warnings.append(f"{doc.path}: front matter context: {exc}; the document's context was ignored")
            return ctx
        ctx = ctx.merged({k: getattr(fm_ctx, k) for k in fm if k in ("audience", "content", "product", "sport", "markets")})
    said = "content" in getattr(config, "context_set", ()) or (override is not None and override.content != "advertising")
    if ctx.content == "advertising" and not said and not (isinstance(fm, dict) and "content" in fm):
        # Approved product information (PI, Medication Guide, SmPC, leaflet, CMI, 说明书)
        # rarely carries front matter: read the genre from its section titles (doctype.py).
        from compliance_lint import doctype

        # the prose, not the raw file: an HTML label's <head> must not push its title out of the opening
        if doctype.is_kind("\n".join(b.text for b in doc.blocks) or doc.text, "label"):
            ctx = ctx.merged({"content": "label"})
        elif doctype.is_kind(doc.text, "report"):
            # a warning letter, complaint, ruling or 通报 is no advertisement: its required
            # statements (fair balance, DSHEA disclaimer, 本品不能代替药物) are not due
            ctx = ctx.merged({"content": "education"})
    return ctx


def lint_file(linter: Linter, config: Config, path: str, named: bool, display: str | None = None, stdin_bytes: bytes | None = None, fmt: str | None = None) -> FileResult:
    shown = display or display_path(path)
    try:
        data = read_input(path, stdin_bytes)
        doc = load_document(shown, data, fmt)
    except SkippedFileError as exc:
        if named:
            return FileResult(shown, error=InputError(shown, exc.problem))
        return FileResult(shown, notice=f"{shown}: {exc.problem}")
    except SourceError as exc:
        return FileResult(shown, error=InputError(shown, exc.problem))
    except RecursionError:
        return FileResult(shown, error=InputError(shown, "input nested too deeply to parse"))
    notes: list[str] = []
    context = document_context(config, doc, warnings=notes)
    try:
        findings = linter.lint(doc, context, config.rule_changes_for(path) if path != "-" else {})
    except RuleTimeoutError as exc:
        return FileResult(shown, error=InputError(shown, str(exc)))
    except (LintError, KeyboardInterrupt):
        raise
    except Exception as exc:  # a bug must not hide the other files' findings
        if os.environ.get("COMPLIANCE_LINT_DEBUG"):
            raise
        return FileResult(shown, error=InputError(shown, f"internal error while linting ({type(exc).__name__}: {exc}); please report it, --debug shows a traceback"))
    if context.markets is not None:
        findings = [f for f in findings if f.pack in context.markets]
    return FileResult(shown, findings=findings, document=doc, warnings=notes + _unused_suppressions(shown, doc))


def _unused_suppressions(shown: str, doc: SourceDocument) -> list[str]:
    from compliance_lint.positions import LineIndex
    from compliance_lint.suppress import unused_directives

    unused = unused_directives(doc)
    if not unused:
        return []
    lines = LineIndex(doc.text)
    return [
        f"{shown}:{lines.line_col(d.offset)[0]}: suppression comment "
        f"'{d.action} {' '.join(d.targets) or '(all)'}' suppresses nothing; remove it or fix its target"
        for d in unused
    ]
