"""Per-file result cache: hits, keys, corrupt entries, --no-cache, clean (cache dir isolated by conftest)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from compliance_lint import cache
from compliance_lint.config import Config
from compliance_lint.packs import load_registry
from compliance_lint.parallel import LazyDocument, lint_one
from compliance_lint.runner import build_linter

ROOT = Path(__file__).resolve().parent.parent

PACK = 'id: zcache\ntitle: "Cache test"\njurisdiction: US\nversion: "1"\nas_of: "2026-01-01"\n'
RULES = """\
rules:
  - id: zcache.cure
    kind: phrase
    category: cure_claim
    severity: error
    message: {en: "cure {match}"}
    citation: {text: "T 1", url: "https://example.org/1"}
    rationale: r
    suggestion: s
    terms: [cure]
    examples: {bad: ["It cures it."], good: ["Plain."]}
"""


@pytest.fixture()
def setup(tmp_path: Path) -> tuple:
    folder = tmp_path / "packs" / "zcache"
    folder.mkdir(parents=True)
    (folder / "pack.yaml").write_text(PACK, encoding="utf-8")
    (folder / "rules.yaml").write_text(RULES, encoding="utf-8")
    registry = load_registry([str(folder)])
    linter = build_linter(registry, ["zcache"], Config())
    doc = tmp_path / "post.md"
    doc.write_text("# Title\n\nThis cures everything.\n", encoding="utf-8")
    return linter, doc, tmp_path


def _result_files() -> list[Path]:
    root = cache.cache_dir() / "results"
    return sorted(root.rglob("*.json")) if root.exists() else []


def test_cache_dir_comes_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLIANCE_LINT_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert cache.cache_dir() == tmp_path / "elsewhere"


def test_second_lint_comes_from_cache(setup: tuple) -> None:
    linter, doc, _ = setup
    first = lint_one(linter, Config(), str(doc), True, use_cache=True)
    assert len(_result_files()) == 1
    second = lint_one(linter, Config(), str(doc), True, use_cache=True)
    assert isinstance(second.document, LazyDocument)
    assert [f.to_json() for f in first.findings] == [f.to_json() for f in second.findings]
    assert second.findings[0].rule == "zcache.cure"
    assert second.document.text.startswith("# Title")  # parsed again on demand


def test_changed_content_or_context_misses(setup: tuple) -> None:
    linter, doc, _ = setup
    lint_one(linter, Config(), str(doc), True, use_cache=True)
    doc.write_text("# Title\n\nA cure.\n", encoding="utf-8")
    again = lint_one(linter, Config(), str(doc), True, use_cache=True)
    assert [f.match for f in again.findings] == ["cure"]
    cfg = Config()
    cfg.per_path = [("*.md", {"zcache.cure": "warning"})]
    other = lint_one(linter, cfg, str(doc), True, use_cache=True)
    assert {f.severity for f in other.findings} == {"warning"}
    assert len(_result_files()) == 3


def test_corrupt_entry_is_ignored_with_a_warning(setup: tuple, capsys: pytest.CaptureFixture[str]) -> None:
    linter, doc, _ = setup
    lint_one(linter, Config(), str(doc), True, use_cache=True)
    (entry,) = _result_files()
    entry.write_bytes(b"\x00not json{")
    again = lint_one(linter, Config(), str(doc), True, use_cache=True)
    assert [f.rule for f in again.findings] == ["zcache.cure"]
    assert "ignoring unreadable cache entry" in capsys.readouterr().err
    entry.write_text('{"v": 1, "findings": [{"bogus": 1}]}', encoding="utf-8")
    assert [f.rule for f in lint_one(linter, Config(), str(doc), True, use_cache=True).findings] == ["zcache.cure"]


def test_no_cache_reads_and_writes_nothing(setup: tuple, monkeypatch: pytest.MonkeyPatch) -> None:
    linter, doc, _ = setup
    monkeypatch.setenv("COMPLIANCE_LINT_NO_CACHE", "1")
    lint_one(linter, Config(), str(doc), True, use_cache=cache.enabled())
    assert _result_files() == []


def _cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "compliance_lint", *args], capture_output=True, text=True, cwd=str(cwd), env=env, timeout=300)


def test_cli_no_cache_and_clean(setup: tuple) -> None:
    _linter, doc, tmp = setup
    (tmp / ".compliance-lint.yaml").write_text("packs: [zcache]\nrule_paths: [packs]\n", encoding="utf-8")
    r = _cli(["check", "--no-cache", "post.md"], tmp)
    assert r.returncode == 1, r.stderr
    assert _result_files() == []
    r = _cli(["check", "post.md"], tmp)
    assert r.returncode == 1 and len(_result_files()) == 1
    r2 = _cli(["check", "post.md"], tmp)
    assert r2.returncode == 1 and r2.stdout == r.stdout
    r = _cli(["clean"], tmp)
    assert r.returncode == 0 and "removed" in r.stdout
    assert not cache.cache_dir().exists()
    assert "nothing to remove" in _cli(["clean"], tmp).stdout


def _finding(**kw: object) -> object:
    from compliance_lint.models import Finding

    base = dict(rule="p.r", pack="p", category="cure_claim", severity="error", message="m 根治", path="a/b.md",
                line=3, column=1, end_line=3, end_column=5, match="cure", citation="§1", citation_url="https://x",
                suggestion="s")
    base.update(kw)
    return Finding(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("extra", [
    {},
    {"notes": ["negated", "hedged"], "substance": "semaglutide", "condition": None, "suppressed": True,
     "suppression_reason": "ok", "fix": {"replacement": "may help", "spans": [[1, 2]], "safe": False}},
    {"sentence": "Emoji 💊 and \u2028 separators\ttabs", "fingerprint": "ab" * 8, "start": 10, "end": 99},
])
def test_result_entry_bytes_equal_the_asdict_encoding(setup: tuple, extra: dict) -> None:
    """put_result serialises the dataclasses directly; the bytes must be what asdict + dumps gave."""
    from dataclasses import asdict

    findings = [_finding(**extra), _finding(rule="p.s", line=9)]
    cache.put_result("k" * 40, findings)
    [entry] = _result_files()
    assert entry.read_bytes() == cache._dumps({"v": 1, "findings": [asdict(f) for f in findings]})
    assert cache.get_result("k" * 40) == findings


def test_result_entry_with_a_lone_surrogate_takes_the_slow_path(setup: tuple) -> None:
    from dataclasses import asdict

    findings = [_finding(match="\udcff")]  # orjson refuses it; the stdlib encoder keeps it
    cache.put_result("s" * 40, findings)
    [entry] = _result_files()
    assert entry.read_bytes() == cache._dumps({"v": 1, "findings": [asdict(f) for f in findings]})
    assert b"\xed\xb3\xbf" in entry.read_bytes()  # written (surrogatepass); a later read ignores it with a warning


def test_entries_are_written_whole_and_leave_no_temporary_file(setup: tuple, monkeypatch: pytest.MonkeyPatch) -> None:
    cache.put_bytes("results", "ab" * 20, ".json", b'{"v":1,"findings":[]}')
    entry = cache.cache_dir() / "results" / "ab" / ("ab" * 20 + ".json")
    assert entry.read_bytes() == b'{"v":1,"findings":[]}'
    # the folder removed behind the process's back (it remembers having made it): made again
    import shutil

    shutil.rmtree(cache.cache_dir())
    cache.put_bytes("results", "ab" * 20, ".json", b"second")
    assert entry.read_bytes() == b"second"
    # a write that fails half-way keeps the old entry and removes its temporary file
    real_replace = os.replace

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    cache.put_bytes("results", "ab" * 20, ".json", b"third")  # a warning, not a failure
    monkeypatch.setattr(os, "replace", real_replace)
    assert entry.read_bytes() == b"second"
    assert sorted(p.name for p in entry.parent.iterdir()) == [entry.name]
