"""--jobs: a process pool over files gives the same report, in the same order, as one process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from compliance_lint.config import Config
from compliance_lint.packs import load_registry
from compliance_lint.parallel import FileRunner
from compliance_lint.runner import build_linter

ROOT = Path(__file__).resolve().parent.parent

PACK = 'id: zpar\ntitle: "Parallel test"\njurisdiction: US\nversion: "1"\nas_of: "2026-01-01"\n'
RULES = """\
rules:
  - id: zpar.cure
    kind: phrase
    category: cure_claim
    severity: error
    message: {en: "cure {match}"}
    citation: {text: "T 1", url: "https://example.org/1"}
    rationale: r
    suggestion: s
    terms: [cure, miracle]
    examples: {bad: ["It cures it."], good: ["Plain."]}
"""


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "packs" / "zpar"
    folder.mkdir(parents=True)
    (folder / "pack.yaml").write_text(PACK, encoding="utf-8")
    (folder / "rules.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / ".compliance-lint.yaml").write_text("packs: [zpar]\nrule_paths: [packs]\n", encoding="utf-8")
    docs = tmp_path / "docs"
    for i in range(12):
        sub = docs / f"d{i % 3}"
        sub.mkdir(parents=True, exist_ok=True)
        body = "\n\n".join(f"Paragraph {j}: this {'cures' if (i + j) % 3 == 0 else 'helps'} a miracle {i}." for j in range(4))
        (sub / f"f{i:02d}.md").write_text(f"# Post {i}\n\n{body}\n", encoding="utf-8")
    return tmp_path


def _cli(args: list[str], cwd: Path, **kw) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "compliance_lint", *args], capture_output=True, text=True, cwd=str(cwd),
                          env=env, timeout=300, **kw)


def test_pool_results_match_one_process_in_order(project: Path) -> None:
    registry = load_registry([str(project / "packs")])
    linter = build_linter(registry, ["zpar"], Config())
    files = [(str(p), False) for p in sorted((project / "docs").rglob("*.md"))]
    serial = FileRunner(linter, Config(), files, jobs=1, use_cache=False)
    pooled = FileRunner(linter, Config(), files, jobs=2, use_cache=False)
    assert pooled.jobs == 2 and serial.jobs == 1
    a = [serial.lint_file(linter, Config(), p, n) for p, n in files]
    b = [pooled.lint_file(linter, Config(), p, n) for p, n in files]
    assert [r.path for r in b] == [p for p, _ in files]
    assert [[f.to_json() for f in r.findings] for r in a] == [[f.to_json() for f in r.findings] for r in b]
    assert b[0].document is not None and b[0].document.text.startswith("# Post")


def test_partly_cached_tree_keeps_order_and_pools_only_misses(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLIANCE_LINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("COMPLIANCE_LINT_NO_CACHE", raising=False)  # an in-process --no-cache elsewhere sets it
    registry = load_registry([str(project / "packs")])
    linter = build_linter(registry, ["zpar"], Config())
    files = [(str(p), False) for p in sorted((project / "docs").rglob("*.md"))]
    first = FileRunner(linter, Config(), files, jobs=2, use_cache=True)
    a = [first.lint_file(linter, Config(), p, n) for p, n in files]
    for path, _ in files[1::4]:  # change every fourth file: cache misses between hits
        Path(path).write_text(Path(path).read_text(encoding="utf-8") + "\nA miracle cure.\n", encoding="utf-8")
    second = FileRunner(linter, Config(), files, jobs=2, use_cache=True)
    pooled: list[list[int]] = []
    real_pooled = second._pooled
    monkeypatch.setattr(second, "_pooled", lambda idx: (pooled.append(list(idx)), real_pooled(idx))[1])
    b = [second.lint_file(linter, Config(), p, n) for p, n in files]
    serial = FileRunner(linter, Config(), files, jobs=1, use_cache=False)
    c = [serial.lint_file(linter, Config(), p, n) for p, n in files]
    assert [r.path for r in b] == [p for p, _ in files]
    assert [[f.to_json() for f in r.findings] for r in b] == [[f.to_json() for f in r.findings] for r in c]
    assert pooled == [list(range(1, len(files), 4))[1:]]  # the first miss is linted before the pool forks
    assert len(b[1].findings) > len(a[1].findings)
    third = FileRunner(linter, Config(), files, jobs=2, use_cache=True)
    monkeypatch.setattr(third, "_pooled", lambda idx: pytest.fail("an unchanged tree needs no pool"))
    assert [len(third.lint_file(linter, Config(), p, n).findings) for p, n in files] == [len(r.findings) for r in c]


def test_parent_lints_the_first_file_and_warms_before_forking(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    registry = load_registry([str(project / "packs")])
    linter = build_linter(registry, ["zpar"], Config())
    files = [(str(p), False) for p in sorted((project / "docs").rglob("*.md"))]
    runner = FileRunner(linter, Config(), files, jobs=2, use_cache=False)
    pooled: list[list[int]] = []
    seen_at_fork: list[set[str]] = []
    real_pooled = runner._pooled

    def spy(idx: list[int]):
        pooled.append(list(idx))
        seen_at_fork.append(set(linter._compiled))
        return real_pooled(idx)

    monkeypatch.setattr(runner, "_pooled", spy)
    got = [runner.lint_file(linter, Config(), p, n) for p, n in files]
    serial = FileRunner(linter, Config(), files, jobs=1, use_cache=False)
    want = [serial.lint_file(linter, Config(), p, n) for p, n in files]
    assert pooled == [list(range(1, len(files)))]
    assert "en" in seen_at_fork[0] and "en" in linter._prefilters
    assert [r.path for r in got] == [p for p, _ in files]
    assert [[f.to_json() for f in r.findings] for r in got] == [[f.to_json() for f in r.findings] for r in want]
    assert got[0].findings and got[0].document is not None and got[0].document.text.startswith("# Post")


def test_big_first_file_goes_to_the_pool(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import compliance_lint.parallel as parallel

    monkeypatch.setattr(parallel, "WARM_MAX_BYTES", 10)
    registry = load_registry([str(project / "packs")])
    linter = build_linter(registry, ["zpar"], Config())
    files = [(str(p), False) for p in sorted((project / "docs").rglob("*.md"))]
    runner = FileRunner(linter, Config(), files, jobs=2, use_cache=False)
    pooled: list[list[int]] = []
    real_pooled = runner._pooled
    monkeypatch.setattr(runner, "_pooled", lambda idx: (pooled.append(list(idx)), real_pooled(idx))[1])
    got = [runner.lint_file(linter, Config(), p, n) for p, n in files]
    assert pooled == [list(range(len(files)))]
    assert [r.path for r in got] == [p for p, _ in files]


def test_collector_is_back_on_after_the_pool_and_on_in_a_worker(project: Path) -> None:
    import gc

    import compliance_lint.parallel as parallel

    registry = load_registry([str(project / "packs")])
    linter = build_linter(registry, ["zpar"], Config())
    files = [(str(p), False) for p in sorted((project / "docs").rglob("*.md"))]
    runner = FileRunner(linter, Config(), files, jobs=2, use_cache=False)
    states = []
    got = []
    for p, n in files:
        got.append(runner.lint_file(linter, Config(), p, n))
        states.append(gc.isenabled())
    assert not all(states[:-1])  # off while results come in
    assert states[-1] and gc.isenabled()  # on again with the last one, before anyone closes the runner
    pooled_finding = next(r.findings[0] for r in got[1:] if r.findings)
    assert not any(o is pooled_finding for o in gc.get_objects())  # what came in is out of the collector's sight
    runner.close()
    assert gc.isenabled()
    stopped = FileRunner(linter, Config(), files, jobs=2, use_cache=False)
    stopped.lint_file(linter, Config(), *files[0])
    stopped.lint_file(linter, Config(), *files[1])
    assert not gc.isenabled()
    stopped.close()  # Ctrl-C between two results
    assert gc.isenabled()
    # a worker the pool forks while the parent's collector is off turns its own back on
    previous = signal.getsignal(signal.SIGINT)
    gc.disable()
    try:
        parallel._WORK["gc_enabled"] = True
        parallel._init_worker()
        assert gc.isenabled()
    finally:
        gc.enable()
        signal.signal(signal.SIGINT, previous)


def _payload(i: int) -> bytes:
    return bytes(20_000) + i.to_bytes(4, "little")


@pytest.mark.skipif(not hasattr(time, "pthread_getcpuclockid"), reason="thread CPU clocks are POSIX")
def test_quiet_pool_worker_handler_does_not_wake_per_result() -> None:
    import multiprocessing as mp

    from compliance_lint.parallel import _pool_class

    cls = _pool_class()
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    pool = cls(2, context=ctx)
    try:
        assert pool._outqueue._reader not in pool._get_sentinels()
        clock = time.pthread_getcpuclockid(pool._worker_handler.ident)
        before = time.clock_gettime(clock)
        got = list(pool.imap(_payload, range(3000)))
        spent = time.clock_gettime(clock) - before
        pool.close()
        pool.join()  # stops once closed and drained: the change notifier still wakes it
    finally:
        pool.terminate()
    assert got == [_payload(i) for i in range(3000)]
    assert spent < 0.05, spent


def test_quiet_pool_replaces_workers_that_exit() -> None:
    """Workers that leave after each task (maxtasksperchild=1) wake the worker handler by
    their sentinels, which replaces them: every task is done and the pool shuts down."""
    import multiprocessing as mp

    from compliance_lint.parallel import _pool_class

    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    pool = _pool_class()(2, maxtasksperchild=1, context=ctx)
    try:
        result = pool.map_async(abs, range(-12, 0), chunksize=1)
        assert result.get(timeout=60) == list(range(12, 0, -1))
        pool.close()
        pool.join()
    finally:
        pool.terminate()


def test_single_file_uses_no_pool(project: Path) -> None:
    registry = load_registry([str(project / "packs")])
    linter = build_linter(registry, ["zpar"], Config())
    runner = FileRunner(linter, Config(), [(str(project / "docs" / "d0" / "f00.md"), True)], jobs=8, use_cache=False)
    assert runner.jobs == 1


def test_cli_jobs_report_identical(project: Path) -> None:
    one = _cli(["check", "--no-cache", "--jobs", "1", "--format", "json", "docs"], project)
    two = _cli(["check", "--no-cache", "--jobs", "2", "--format", "json", "docs"], project)
    assert one.returncode == two.returncode == 1, one.stderr + two.stderr
    assert one.stdout == two.stdout
    assert '"zpar.cure"' in one.stdout


def _default_sigint() -> None:
    # A shell running the suite in the background (`cmd &`) hands its children an
    # ignored SIGINT; a terminal's Ctrl-C reaches a foreground process with the default.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_in_the_pool_exits_130_quietly(project: Path) -> None:
    docs = project / "many"
    docs.mkdir()
    text = "\n\n".join("This miracle cure works. " * 40 for _ in range(40))
    for i in range(400):
        (docs / f"m{i:03d}.md").write_text(text, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "compliance_lint", "check", "--no-cache", "--jobs", "2", "many"], cwd=str(project),
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=_default_sigint)
    time.sleep(4)
    if proc.poll() is not None:
        pytest.skip("finished before the interrupt")
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole foreground group
    _out, err = proc.communicate(timeout=120)
    if proc.returncode in (0, 1) and "interrupted" not in err:
        pytest.skip("finished before the interrupt arrived")
    assert proc.returncode == 130, err
    assert "Traceback" not in err


def test_one_changed_file_is_linted_without_a_pool(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLIANCE_LINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("COMPLIANCE_LINT_NO_CACHE", raising=False)
    registry = load_registry([str(project / "packs")])
    linter = build_linter(registry, ["zpar"], Config())
    files = [(str(p), False) for p in sorted((project / "docs").rglob("*.md"))]
    first = FileRunner(linter, Config(), files, jobs=2, use_cache=True)
    [first.lint_file(linter, Config(), p, n) for p, n in files]
    changed = Path(files[5][0])
    changed.write_text(changed.read_text(encoding="utf-8") + "\nOne more miracle cure.\n", encoding="utf-8")
    second = FileRunner(linter, Config(), files, jobs=2, use_cache=True)
    monkeypatch.setattr(second, "_pooled", lambda idx: pytest.fail("one miss needs no pool"))
    results = [second.lint_file(linter, Config(), p, n) for p, n in files]
    assert [r.path for r in results] == [p for p, _ in files]
    assert any("miracle cure" in f.sentence for f in results[5].findings)


def _finding(**changes: object) -> object:
    from compliance_lint.models import Finding

    values: dict[str, object] = dict(
        rule="zpar.cure", pack="zpar", category="cure_claim", severity="error", message="cure it",
        path="a.md", line=3, column=5, end_line=3, end_column=10, match="cures", citation="T 1",
        citation_url="https://example.org/1", suggestion="s", sentence="It cures it.", start=40, end=45,
        substance="BPC-157", notes=["negated"], fingerprint="0123456789abcdef", fix={"replace": "may help"},
    )
    values.update(changes)
    return Finding(**values)


def test_finding_survives_pickling_field_for_field() -> None:
    """Workers pickle findings as positional values (Finding.__reduce__): every field must come back."""
    import dataclasses
    import pickle

    original = _finding(suppressed=True, suppression_reason="reviewed", condition="obesity")
    copy = pickle.loads(pickle.dumps(original, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy == original
    assert dataclasses.asdict(copy) == dataclasses.asdict(original)
    assert copy.notes is not original.notes  # a fresh list, not shared state


def test_shared_strings_change_no_value() -> None:
    """_share_strings makes equal strings one object; values and the pickle's meaning are unchanged."""
    import pickle

    from compliance_lint.parallel import _share_strings

    a = _finding(sentence="".join(["It cures ", "it."]), rule="zpar.a")
    b = _finding(sentence="".join(["It cures ", "i", "t."]), rule="zpar.b")
    assert a.sentence is not b.sentence
    before = pickle.dumps([a, b])
    _share_strings([a, b])
    assert a.sentence is b.sentence and a.sentence == "It cures it."
    assert a.rule == "zpar.a" and b.rule == "zpar.b"
    assert pickle.loads(pickle.dumps([a, b])) == pickle.loads(before)
    assert len(pickle.dumps([a, b])) < len(before)
