"""The user cache: prefilter plans, loaded rule packs, per-file results.

Where: ``COMPLIANCE_LINT_CACHE_DIR`` if set, else the user cache directory
(platformdirs ``user_cache_dir("compliance-lint")``, or ``$XDG_CACHE_HOME`` /
``~/.cache``). Never a folder inside the repository being linted: a cache
that arrived with a checkout is never read.

- ``plans/``: prefilter plans (JSON: trigger literals and flags), so that a
  run whose files hold no trigger never imports spaCy.
- ``packs/``: the loaded rule registry and knowledge base (pickle, only ever
  read from the user cache directory, keyed by their files' paths, sizes,
  mtimes and hashes; a pack that fails to load is never stored).
- ``results/``: findings per file (JSON), keyed by the file's content hash, the
  rule set, the config/context that applies to it and the tool's code.

Every key includes the tool version, a fingerprint of the tool's own source
files, the Python version and the spaCy version, so upgrading anything starts
afresh. Entries are written atomically; an unreadable or corrupt entry is
ignored with a warning and rebuilt, never a failure. ``compliance-lint clean``
removes the whole directory; ``check --no-cache`` neither reads nor writes
per-file results (``COMPLIANCE_LINT_NO_CACHE=all``: nothing at all).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from compliance_lint import __version__

APP = "compliance-lint"
_warned: set[str] = set()


def cache_dir() -> Path:
    env = os.environ.get("COMPLIANCE_LINT_CACHE_DIR")
    if env:
        return Path(env)
    try:
        from platformdirs import user_cache_dir

        return Path(user_cache_dir(APP, appauthor=False))
    except ImportError:
        pass
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / APP
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / APP / "Cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / APP


def enabled() -> bool:
    """Per-file results are cached unless ``--no-cache`` (COMPLIANCE_LINT_NO_CACHE=1).

    Compiled rule data (plans, packs) is keyed by content and always cached;
    ``COMPLIANCE_LINT_NO_CACHE=all`` turns that off too.
    """
    return os.environ.get("COMPLIANCE_LINT_NO_CACHE", "") in ("", "0")


def rules_enabled() -> bool:
    return os.environ.get("COMPLIANCE_LINT_NO_CACHE", "") != "all"


def _dist_version(name: str) -> str:
    try:
        from importlib.metadata import version

        return version(name)
    except Exception:
        return "?"


def _package_stamp(module: str, dist: str) -> str:
    """An installed package's version and the size and mtime of its ``__init__.py``
    and ``about.py``, found without importing it.

    Cheaper than ``importlib.metadata`` (importing it and scanning site-packages
    cost 0.015-0.025 s of every run, more than the rest of this key), and any
    upgrade or reinstall rewrites those files. Falls back to the metadata.
    """
    try:
        from importlib.util import find_spec

        spec = find_spec(module)
        if spec is None or not spec.origin or not spec.submodule_search_locations:
            return _dist_version(dist)
        folder = os.path.dirname(spec.origin)
        parts = []
        version = ""
        for name in ("__init__.py", "about.py"):
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
            if name == "about.py":
                with open(path, encoding="utf-8", errors="replace") as fh:
                    for line in fh:
                        if line.startswith("__version__"):
                            version = line.split("=", 1)[-1].strip().strip("\"'")
                            break
        if not version:
            return _dist_version(dist)
        return f"{version}|{'|'.join(parts)}"
    except Exception:
        return _dist_version(dist)


@lru_cache(maxsize=1)
def environment_key() -> str:
    """Tool version + source fingerprint + Python + spaCy + lookups versions."""
    h = hashlib.sha256()
    h.update(f"{__version__}|{sys.version}|{_package_stamp('spacy', 'spacy')}|{_package_stamp('spacy_lookups_data', 'spacy-lookups-data')}".encode())
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        try:
            st = path.stat()
        except OSError:
            continue
        h.update(f"{path.relative_to(root)}|{st.st_size}|{st.st_mtime_ns}".encode())
    return h.hexdigest()[:20]


def _stable(value: Any) -> Any:
    """JSON stand-in for what json cannot encode. Sets are sorted: their order
    follows the per-process string hash seed, and a key that changes from one
    run to the next is a cache that never hits."""
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    return str(value)


def digest(*parts: Any) -> str:
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes):
            h.update(part)
        else:
            # surrogatepass: a file name with undecodable bytes must not crash the key
            h.update(json.dumps(part, sort_keys=True, default=_stable, ensure_ascii=False).encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


def _path(namespace: str, key: str, suffix: str) -> Path:
    return cache_dir() / namespace / key[:2] / f"{key}{suffix}"


def warn(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        print(f"compliance-lint: warning: {message}", file=sys.stderr)


def _on(namespace: str) -> bool:
    return enabled() if namespace in ("results", "replay") else rules_enabled()


def get_json(namespace: str, key: str) -> Any:
    data = get_bytes(namespace, key, ".json")
    if data is None:
        return None
    try:
        return _loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        warn(f"ignoring unreadable cache entry {_path(namespace, key, '.json')} ({exc.__class__.__name__})")
        return None


def get_bytes(namespace: str, key: str, suffix: str) -> bytes | None:
    if not _on(namespace):
        return None
    path = _path(namespace, key, suffix)
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        warn(f"ignoring unreadable cache entry {path} ({exc.__class__.__name__})")
        return None


def put_json(namespace: str, key: str, value: Any) -> None:
    if not _on(namespace):
        return
    put_bytes(namespace, key, ".json", _dumps(value))


def _loads(data: bytes) -> Any:
    """JSON from bytes: orjson (a warm re-run reads thousands of entries), else the stdlib."""
    try:
        import orjson
    except ImportError:
        return json.loads(data.decode("utf-8"))
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise ValueError(str(exc)) from None


def _dumps(value: Any) -> bytes:
    try:
        import orjson

        return orjson.dumps(value)
    except (ImportError, TypeError, ValueError):  # not installed, or a lone surrogate / huge integer
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


# Folders this process made or found: an ``mkdir`` per entry (raising and catching
# FileExistsError) was a third of writing a run's entries into an empty cache.
_MADE_DIRS: set[Path] = set()


def put_bytes(namespace: str, key: str, suffix: str, data: bytes) -> None:
    path = _path(namespace, key, suffix)
    try:
        if path.parent not in _MADE_DIRS:
            path.parent.mkdir(parents=True, exist_ok=True)
            _MADE_DIRS.add(path.parent)
        from compliance_lint.safewrite import atomic_write_own

        try:
            atomic_write_own(str(path), data)
        except FileNotFoundError:  # the folder went away (``clean`` meanwhile): make it again
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_own(str(path), data)
    except OSError as exc:
        warn(f"cannot write the cache in {cache_dir()} ({exc.strerror or exc}); continuing without it")


def pickled(namespace: str, key: str | None, kind: type, build: Any) -> Any:
    """``build()``, kept as a pickle under ``key`` (None: not cached); a cached
    value that is not a ``kind`` is rebuilt. Exceptions from ``build`` are not
    cached: the next run reports them again."""
    if key is not None:
        got = get_pickle(namespace, key)
        if isinstance(got, kind):
            return got
    value = build()
    if key is not None:
        put_pickle(namespace, key, value)
    return value


def get_pickle(namespace: str, key: str) -> Any:
    """Unpickle only from the user cache directory, never from a checkout."""
    if not _on(namespace):
        return None
    path = _path(namespace, key, ".pickle")
    try:
        import pickle

        with open(path, "rb") as fh:
            return pickle.load(fh)
    except FileNotFoundError:
        return None
    except Exception as exc:  # corrupt, truncated, or from an incompatible version
        warn(f"ignoring unreadable cache entry {path} ({exc.__class__.__name__})")
        return None


def put_pickle(namespace: str, key: str, value: Any) -> None:
    if not _on(namespace):
        return
    import pickle

    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return
    put_bytes(namespace, key, ".pickle", data)


def clean() -> tuple[Path, bool]:
    """Remove the cache directory; returns (path, whether anything was removed)."""
    import shutil

    root = cache_dir()
    if not root.exists():
        return root, False
    shutil.rmtree(root)
    _MADE_DIRS.clear()
    return root, True


# --- per-file results -----------------------------------------------------------


def finding_to_json(f: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(f)


def finding_from_json(data: dict[str, Any]) -> Any:
    from compliance_lint.models import FINDING_FIELDS, Finding

    if data.keys() == FINDING_FIELDS:
        # every field present, as finding_to_json wrote it: fill the instance
        # directly (Finding(**data) was a seventh of a warm re-run)
        f = object.__new__(Finding)
        f.__dict__.update(data)
        return f
    return Finding(**data)


def result_key(content: bytes, rules_key: str, context_key: str, display: str) -> str:
    return digest(environment_key(), hashlib.sha256(content).hexdigest(), rules_key, context_key, display)[:40]


def has_results() -> bool:
    """Is there any per-file result in the cache? (No: every lookup would miss.)"""
    try:
        return any((cache_dir() / "results").iterdir())
    except OSError:
        return False


def get_result(key: str) -> list[Any] | None:
    data = get_json("results", key)
    if data is None:
        return None
    try:
        if not isinstance(data, dict) or data.get("v") != 1:
            raise ValueError("format")
        return [finding_from_json(f) for f in data["findings"]]
    except (KeyError, TypeError, ValueError) as exc:
        warn(f"ignoring unreadable cache entry for results {key[:12]} ({exc.__class__.__name__})")
        return None


def put_result(key: str, findings: list[Any]) -> None:
    """Store a file's findings (what ``finding_to_json`` gives, as JSON).

    orjson writes a dataclass as its fields in order, the same bytes as
    ``asdict`` then ``dumps`` (tested); ``asdict`` deep-copies every finding,
    which was 0.54 s of CPU per 500 files on a run with an empty cache.
    """
    if not _on("results"):
        return
    value = {"v": 1, "findings": findings}
    try:
        import orjson

        data = orjson.dumps(value)
    except (ImportError, TypeError, ValueError):
        data = _dumps({"v": 1, "findings": [finding_to_json(f) for f in findings]})
    put_bytes("results", key, ".json", data)
