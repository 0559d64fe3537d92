"""Lint many files: per-file result cache, a process pool, results in input order.

``FileRunner(linter, config, files, jobs).lint_file`` is called like
``runner.lint_file`` for each file in order. With more than one file and more
than one job, a pool of worker processes (fork where available, so each worker
starts from the parent's loaded rules) lints the files ahead; each worker
builds its spaCy pipeline and matchers once, on first need, and sends back
only findings (plain data). The parent hands results out in input order.
Workers ignore SIGINT: Ctrl-C reaches the parent only, which stops the pool;
the CLI turns it into exit status 130 without a traceback.

Results come from the cache (``cache.py``) when the file's bytes, the rule
set, the config/context that applies to it and the tool are unchanged. Parsed
documents are not sent between processes: ``FileResult.document`` is then a
``LazyDocument`` that parses the file again only if a reporter or ``--fix``
asks for it.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Any

from compliance_lint import cache
from compliance_lint.errors import SourceError
from compliance_lint.runner import FileResult, lint_file, read_input
from compliance_lint.sources.base import display_path

# Files per pool task: small enough to balance two workers, large enough that
# the parent is not woken for every file.
CHUNK = 4


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


class LazyDocument:
    """Stands in for a parsed document; parses the file on first attribute access."""

    def __init__(self, path: str, fmt: str | None = None) -> None:
        self._path = path
        self._fmt = fmt
        self._doc: Any = None

    def _load(self) -> Any:
        if self._doc is None:
            from compliance_lint.sources import load_document

            self._doc = load_document(display_path(self._path), read_input(self._path), self._fmt)
        return self._doc

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._load(), name)


_CONTEXT_KEYS: dict[tuple[Any, ...], str] = {}


def context_key(config: Any, path: str) -> str:
    """The digest of what in the config applies to ``path``: the same for most files, so remembered."""
    changes = config.rule_changes_for(path)
    memo = (repr(config.context), tuple(sorted(changes.items())), config.path)
    key = _CONTEXT_KEYS.get(memo)
    if key is None:
        key = _CONTEXT_KEYS[memo] = cache.digest(asdict(config.context), changes, config.path)[:40]
    return key


def _lookup(linter: Any, config: Any, path: str) -> tuple[bytes, str | None, FileResult | None]:
    """(the file's bytes, its result-cache key, the cached result or None).

    The key is None when the cache itself failed: a cache problem must never
    cost a file its findings. Reading the file may raise ``SourceError``.
    """
    data = read_input(path)
    try:
        key = cache.result_key(data, linter.rules_key(), context_key(config, path), path)
        found = cache.get_result(key)
    except Exception:
        if os.environ.get("COMPLIANCE_LINT_DEBUG"):
            raise
        return data, None, None
    if found is None:
        return data, key, None
    return data, key, FileResult(display_path(path), findings=found, document=LazyDocument(path))


def cached_result(linter: Any, config: Any, path: str) -> FileResult | None:
    """The cached result for ``path`` if there is one (None on a miss or any problem)."""
    try:
        return _lookup(linter, config, path)[2]
    except Exception:  # unreadable file: lint_one reports it
        if os.environ.get("COMPLIANCE_LINT_DEBUG"):
            raise
        return None


def lint_one(linter: Any, config: Any, path: str, named: bool, use_cache: bool) -> FileResult:
    """``runner.lint_file`` with the per-file result cache in front."""
    if not use_cache:
        return lint_file(linter, config, path, named)
    try:
        data, key, found = _lookup(linter, config, path)
    except SourceError:
        return lint_file(linter, config, path, named)
    if found is not None:
        return found
    result = lint_file(linter, config, path, named, stdin_bytes=data)
    if key is not None and result.error is None and result.notice is None and not result.warnings:
        cache.put_result(key, result.findings)
    return result


# --- the pool ----------------------------------------------------------------------


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except (ValueError, TypeError):  # not the main thread, or interpreter shutdown
        yield
        return
    try:
        yield
    finally:
        try:
            signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)
        except (ValueError, TypeError):
            pass


_WORK: dict[str, Any] = {}


def _init_worker(state: dict[str, Any] | None = None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _WORK.get("gc_enabled"):  # a worker forked again while the parent collects results (see _pooled)
        import gc

        gc.enable()
    if state is not None:  # spawn: rebuild the linter from its rules
        from compliance_lint.engine import Linter

        _WORK.update(state)
        _WORK["linter"] = Linter(state.pop("rules"), lang=state.pop("lang"), prefilter=state.pop("prefilter"))


def _work(index: int) -> tuple[int, FileResult]:
    path, named = _WORK["files"][index]
    result = lint_one(_WORK["linter"], _WORK["config"], path, named, _WORK["use_cache"])
    result.document = None  # the parent re-reads it if anything needs it
    _share_strings(result.findings)
    freeze_once()
    return index, result


def _share_strings(findings: list[Any]) -> None:
    """Make equal strings of one file's findings one object before they are pickled.

    Six packs flag the same sentence, with the same path and often the same
    message or citation, each finding holding its own copy; pickle writes an
    object it has seen as a back-reference, so the result sent to the parent
    shrinks (18 MB instead of 46 MB for 63,695 findings) and is quicker to write.
    """
    if len(findings) < 2:
        return
    seen: dict[str, str] = {}
    for f in findings:
        f.path = seen.setdefault(f.path, f.path)
        f.sentence = seen.setdefault(f.sentence, f.sentence)
        f.message = seen.setdefault(f.message, f.message)
        f.match = seen.setdefault(f.match, f.match)
        f.citation = seen.setdefault(f.citation, f.citation)
        f.suggestion = seen.setdefault(f.suggestion, f.suggestion)


_FROZEN = False


def freeze_once() -> None:
    """After a process's first file, move what it has loaded out of the garbage collector's sight.

    The spaCy pipelines, the knowledge base and the compiled rules live until
    the process ends, yet every full collection walked them again (a third of
    the collector's time in a 500-file run). ``gc.freeze`` puts the objects that
    exist now in a permanent generation; later garbage is collected as before.
    """
    global _FROZEN
    if not _FROZEN:
        import gc

        _FROZEN = True
        gc.freeze()



# The parent lints the first file before forking only when it is small: a big
# first file would keep the second core idle while the parent works alone.
WARM_MAX_BYTES = 256 * 1024


def _forks() -> bool:
    import multiprocessing as mp

    return "fork" in mp.get_all_start_methods()


def _small(path: str) -> bool:
    try:
        return os.stat(path).st_size <= WARM_MAX_BYTES
    except OSError:
        return False


_POOL_CLASS: Any = None


def _pool_class() -> Any:
    """``multiprocessing.pool.Pool`` whose worker-handler thread does not wake for every result.

    The standard pool's worker handler waits on the workers' sentinels, its change
    notifier and the result queue's reader. The last is readable from the moment a
    worker writes a result until the result handler has read all of it, and the
    worker handler spins on it meanwhile (c2000: 0.5-0.6 s CPU in the parent, taken
    from the workers on two cores). It has nothing to do with results: it replaces
    workers that exit (their sentinels wake it) and stops once the pool is closed or
    its last task is done (both put on the change notifier). So it waits on those
    only. Without the expected private method, this is the standard pool.
    """
    global _POOL_CLASS
    if _POOL_CLASS is None:
        from multiprocessing.pool import Pool

        class _QuietPool(Pool):
            def _get_sentinels(self) -> list[Any]:
                notifier = getattr(self, "_change_notifier", None)
                reader = getattr(notifier, "_reader", None)
                if reader is None:
                    return super()._get_sentinels()  # type: ignore[misc]
                return [reader]

        _POOL_CLASS = _QuietPool if hasattr(Pool, "_get_sentinels") else Pool
    return _POOL_CLASS


class FileRunner:
    """Lints ``files`` (a list of (path, named)) with a pool and the cache; hands results out in order."""

    def __init__(self, linter: Any, config: Any, files: list[tuple[str, bool]], jobs: int | None = None,
                 use_cache: bool | None = None) -> None:
        self.linter = linter
        self.config = config
        self.files = files
        self.use_cache = cache.enabled() if use_cache is None else use_cache
        real = [f for f in files if f[0] != "-"]
        want = default_jobs() if not jobs else jobs
        self.jobs = max(1, min(want, len(real)))
        self._results: Iterator[tuple[int, FileResult]] | None = None
        self._pool: Any = None
        self._index = {i: f for i, f in enumerate(files)}

    def lint_file(self, linter: Any, config: Any, path: str, named: bool, display: str | None = None,
                  stdin_bytes: bytes | None = None, fmt: str | None = None) -> FileResult:
        """Same call as ``runner.lint_file``; files must be asked for in the order given."""
        if path == "-" or display is not None or stdin_bytes is not None or fmt is not None or self.jobs <= 1:
            if path == "-" or display is not None or stdin_bytes is not None or fmt is not None:
                return lint_file(linter, config, path, named, display=display, stdin_bytes=stdin_bytes, fmt=fmt)
            result = lint_one(linter, config, path, named, self.use_cache)
            freeze_once()
            if result.error is None and result.notice is None and not result.warnings and result.document is not None:
                # the parsed document (text, blocks, an offset per character) is parsed again
                # if a reporter or --fix asks for it: a big tree's documents stay out of memory
                result.document = LazyDocument(path)
            return result
        if self._results is None:
            self._results = self._start()
        for index, result in self._results:
            if self.files[index][0] == path:
                if result.error is None and result.notice is None and not result.warnings:
                    result.document = LazyDocument(path)
                return result
        # Not one the pool was given (should not happen): lint it here.
        return lint_one(linter, config, path, named, self.use_cache)

    def close(self) -> None:
        """Stop the pool now (Ctrl-C or an error between two results).

        Without this, an interrupt raised while the caller handles a result leaves the
        generator suspended and the pool alive; at exit multiprocessing then waits for
        the workers (which ignore SIGINT) to finish every file.
        """
        results, self._results = self._results, None
        if results is not None:
            close = getattr(results, "close", None)
            if close is not None:
                close()

    def _start(self) -> Iterator[tuple[int, FileResult]]:
        indices = [i for i, (p, _n) in enumerate(self.files) if p != "-"]
        cached: dict[int, FileResult] = {}
        if self.use_cache and cache.has_results():
            # Cached results are read here, before any worker starts: a re-run of an
            # unchanged tree needs no pool at all, and the workers get only the misses.
            # (An empty cache, as on a first run, costs no lookups.)
            for i in indices:
                found = cached_result(self.linter, self.config, self.files[i][0])
                if found is not None:
                    cached[i] = found
        misses = [i for i in indices if i not in cached]
        if len(misses) > 1 and _forks() and _small(self.files[misses[0]][0]):
            # The first miss is linted here, before the pool forks: the workers then
            # start with spaCy imported, the pipelines built and the rules compiled
            # (and whatever a document's first lint loads lazily), which each of them
            # otherwise did itself (~1.3 s CPU per worker; c500: 8.2-8.9 s CPU for
            # the whole run before, 7.2-7.7 after, and no later). A first file that
            # needed no spaCy (no trigger) still warms its language's pipeline.
            first = misses.pop(0)
            cached[first] = lint_one(self.linter, self.config, self.files[first][0], self.files[first][1], self.use_cache)
            try:
                self.linter.warm(self.linter.lang if self.linter.lang in ("en", "zh") else "en")
            except Exception:  # a worker meets the same problem linting a file, and reports it there
                if os.environ.get("COMPLIANCE_LINT_DEBUG"):
                    raise
            freeze_once()
        if len(misses) == 1:  # one changed file: a pool would only add its start-up
            cached[misses[0]] = lint_one(self.linter, self.config, self.files[misses[0]][0], self.files[misses[0]][1], self.use_cache)
            misses = []
        pooled = self._pooled(misses) if misses else iter(())
        try:
            for i in indices:  # in input order: the pool returns the misses in order too
                yield (i, cached[i]) if i in cached else next(pooled)
            for _ in pooled:  # let the pool close and join
                pass
        finally:
            close = getattr(pooled, "close", None)
            if close is not None:
                close()

    def _pooled(self, indices: list[int]) -> Iterator[tuple[int, FileResult]]:
        import multiprocessing as mp

        state = {"files": self.files, "config": self.config, "use_cache": self.use_cache}
        if "fork" in mp.get_all_start_methods():
            ctx = mp.get_context("fork")
            _WORK.clear()
            _WORK.update(state, linter=self.linter)
            pool = _pool_class()(self.jobs, initializer=_init_worker, context=ctx)
        else:  # pragma: no cover - Windows, and macOS where fork is unsafe
            ctx = mp.get_context("spawn")
            state.update(rules=self.linter.rules, lang=self.linter.lang, prefilter=self.linter.prefilter)
            pool = _pool_class()(self.jobs, initializer=_init_worker, initargs=(state,), context=ctx)
        self._pool = pool
        # While results come in, the parent only keeps them (they live until the report
        # is written): every collection walked the findings received so far, a quarter of
        # the parent's CPU besides the loading itself (c2000: parent CPU while the pool
        # runs 1.3-1.6 -> 1.0-1.2 s). Cycles made meanwhile are collected once the
        # collector is back on: with the last result (the caller may never ask past
        # it), or when the pool stops early.
        import gc

        gc_enabled = _WORK["gc_enabled"] = gc.isenabled()
        gc.disable()
        try:
            results = pool.imap(_work, indices, chunksize=CHUNK if len(indices) > 8 * self.jobs else 1)
            for k, item in enumerate(results, 1):
                if k == len(indices) and gc_enabled:
                    # what came in stays until the report is written: out of the collector's
                    # sight, or its first collection after this walked all of it (the
                    # global sort's key tuples set one off: 0.04 -> 0.10 s on c2000)
                    gc.freeze()
                    gc.enable()
                yield item
        except BaseException:
            # A second Ctrl-C (or a worker's) during terminate() left the pool half
            # torn down and join() waited forever: finish the cleanup first.
            with _sigint_ignored():
                pool.terminate()
                pool.join()
            raise
        else:
            pool.close()
            pool.join()
        finally:
            self._pool = None
            if gc_enabled:
                gc.enable()
