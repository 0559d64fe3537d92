"""Writes and interruptions: --output and --fix are atomic, the cache survives Ctrl-C,
a closed pipe or a narrow terminal ends quietly.

Failures are injected where the operating system would report them (fsync,
the temporary file's write, mkstemp, a SIGKILL at fsync time) and, where a
real one is possible (/dev/full, file permissions enforced on root by
dropping CAP_DAC_OVERRIDE with setpriv), for real.
"""

from __future__ import annotations

import codecs
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from robustkit import REPO_ROOT, child, env_for_child, make_project, one_line_error, run

import compliance_lint.safewrite as safewrite

FIX_RULE = """\
  - id: zrb.guarantee
    kind: phrase
    category: efficacy_guarantee
    severity: error
    languages: [en, zh]
    message: {en: "guarantee: {match}", zh: "保证：{match}"}
    citation: {text: "Test Instrument", url: "https://example.org/law"}
    rationale: "Test rationale."
    suggestion: "Test suggestion."
    negation: none
    attribution: none
    match: lower
    terms: [guaranteed, "保证治愈"]
    fix: {replacement: "possible", safe: true}
    examples: {bad: ["Results guaranteed."], good: ["Nothing to see here."]}
"""


@pytest.fixture()
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    make_project(tmp_path, extra_rules=FIX_RULE)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.md").write_text("This cure works.\n", encoding="utf-8")
    return tmp_path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".compliance-lint-"))


# ------------------------------------------------------------------ --output

OLD_REPORT = b'{"old": "report"}\n'


def _fail_fsync(fd: int) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


class _FullFile:
    """Stands in for the temporary file: every write fails like a full disk."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __enter__(self) -> _FullFile:
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("where", ["write", "fsync", "mkstemp", "replace"])
def test_output_failure_keeps_the_old_report(proj: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    (proj / "report.json").write_bytes(OLD_REPORT)
    if where == "write":
        monkeypatch.setattr(safewrite.os, "fdopen", lambda fd, mode: _FullFile(fd))
    elif where == "fsync":
        monkeypatch.setattr(safewrite.os, "fsync", _fail_fsync)
    elif where == "mkstemp":
        def refuse(*a: object, **k: object) -> None:
            raise PermissionError(errno.EACCES, "Permission denied")
        monkeypatch.setattr(safewrite.tempfile, "mkstemp", refuse)
    else:
        def cross(*a: object) -> None:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        monkeypatch.setattr(safewrite.os, "replace", cross)
    result = run(["check", "--format", "json", "--output", "report.json", "a.md"])
    assert result.exit_code == 2
    problem = {"write": "No space left on device", "fsync": "No space left on device",
               "mkstemp": "Permission denied", "replace": "Invalid cross-device link"}[where]
    assert one_line_error(result.stderr, "--output report.json", problem)
    assert (proj / "report.json").read_bytes() == OLD_REPORT
    assert leftovers(proj) == []


def test_output_to_a_full_device_is_a_clear_error(proj: Path) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    result = run(["check", "--output", "/dev/full", "a.md"])
    assert result.exit_code == 2
    one_line_error(result.stderr, "/dev/full", "No space left on device")


def test_output_replaces_atomically_and_keeps_mode(proj: Path) -> None:
    (proj / "report.json").write_bytes(OLD_REPORT)
    os.chmod(proj / "report.json", 0o640)
    code = run(["check", "--format", "json", "--output", "report.json", "a.md"]).exit_code
    assert code == 1
    assert json.loads((proj / "report.json").read_text(encoding="utf-8"))["findings"][0]["match"] == "cure"
    assert (proj / "report.json").stat().st_mode & 0o777 == 0o640
    assert leftovers(proj) == []


def _without_dac_override() -> list[str] | None:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    return None if setpriv is None else [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


def test_output_permission_denied_for_real(proj: Path) -> None:
    prefix = _without_dac_override()
    if prefix is None:
        pytest.skip("running as root without setpriv: file permissions cannot be enforced")
    (proj / "out").mkdir()
    (proj / "out" / "report.json").write_bytes(OLD_REPORT)
    (proj / "ro.json").write_bytes(OLD_REPORT)
    os.chmod(proj / "ro.json", 0o444)
    os.chmod(proj / "out", 0o555)
    try:
        for target in ("out/report.json", "ro.json"):
            proc = subprocess.run([*prefix, sys.executable, "-m", "compliance_lint", "check", "--output", target, "a.md"],
                                  cwd=proj, env=env_for_child(), capture_output=True, timeout=300)
            assert proc.returncode == 2, proc.stderr
            one_line_error(proc.stderr.decode(), f"--output {target}", "Permission denied")
    finally:
        os.chmod(proj / "out", 0o755)
    assert (proj / "out" / "report.json").read_bytes() == OLD_REPORT
    assert (proj / "ro.json").read_bytes() == OLD_REPORT
    assert leftovers(proj) == leftovers(proj / "out") == []


_KILL_AT_FSYNC = """
import os, signal, sys
import compliance_lint.safewrite as sw
def die(fd):
    os.kill(os.getpid(), signal.SIGKILL)
sw.os.fsync = die
from compliance_lint.cli import main
sys.argv = ["compliance-lint", *sys.argv[1:]]
main()
"""


def test_output_killed_during_write_keeps_the_old_report(proj: Path) -> None:
    (proj / "report.json").write_bytes(OLD_REPORT)
    proc = subprocess.run([sys.executable, "-c", _KILL_AT_FSYNC, "check", "--format", "json", "--output", "report.json", "a.md"],
                          cwd=proj, env=env_for_child(), capture_output=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL
    assert (proj / "report.json").read_bytes() == OLD_REPORT
    # the temporary file may stay behind after SIGKILL; the next run replaces the report normally
    assert run(["check", "--format", "json", "--output", "report.json", "a.md"]).exit_code == 1
    assert json.loads((proj / "report.json").read_text(encoding="utf-8"))["findings"]


# ------------------------------------------------------------------ --fix: bytes preserved

CASES = {
    "utf8-crlf.md": ("utf-8", False, "Intro line.\r\n\r\nResults guaranteed.\r\nSecond line\rthird\n\nAlso guaranteed here.\r\n"),
    "utf8-bom.txt": ("utf-8", True, "Café ☕ — results guaranteed.\n\t  trailing   \n"),
    "utf16le-bom.md": ("utf-16-le", True, "# Titre\r\n\r\nRésultats guaranteed, 本品保证治愈.\r\n"),
    "utf16be-bom.html": ("utf-16-be", True, "<p>Results &amp; guaranteed.</p>\r\n<p>x</p>"),
}
BOMS = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}


def _expected_bytes(text: str, encoding: str, bom: bool) -> bytes:
    """The file with every replaced span re-encoded and every other byte as it was."""
    fixed = text.replace("guaranteed", "possible").replace("保证治愈", "possible")
    return (BOMS[encoding] if bom else b"") + fixed.encode(encoding)


@pytest.mark.parametrize("name", sorted(CASES))
def test_fix_preserves_every_byte_outside_the_replaced_spans(proj: Path, name: str) -> None:
    encoding, bom, text = CASES[name]
    original = (BOMS[encoding] if bom else b"") + text.encode(encoding)
    (proj / name).write_bytes(original)
    result = run(["check", "--fix", "--format", "json", name])
    assert "Traceback" not in result.stderr
    after = (proj / name).read_bytes()
    assert after == _expected_bytes(text, encoding, bom)
    assert after != original
    assert leftovers(proj) == []
    # and the report shows what is left, at its new positions
    report = json.loads(result.stdout)
    assert all(f["rule"] != "zrb.guarantee" for f in report["findings"])


@pytest.mark.parametrize("where", ["write", "fsync", "replace"])
def test_fix_failure_keeps_the_original_file(proj: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    encoding, bom, text = CASES["utf8-crlf.md"]
    original = text.encode(encoding)
    (proj / "f.md").write_bytes(original)
    (proj / "g.md").write_bytes(b"Also guaranteed.\n")
    if where == "write":
        monkeypatch.setattr(safewrite.os, "fdopen", lambda fd, mode: _FullFile(fd))
    elif where == "fsync":
        monkeypatch.setattr(safewrite.os, "fsync", _fail_fsync)
    else:
        def cross(*a: object) -> None:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        monkeypatch.setattr(safewrite.os, "replace", cross)
    result = run(["check", "--fix", "--format", "json", "f.md", "g.md"])
    assert "Traceback" not in result.stderr
    assert result.exit_code == 1  # the findings are still there, so the run still fails
    assert (proj / "f.md").read_bytes() == original
    assert (proj / "g.md").read_bytes() == b"Also guaranteed.\n"
    assert "f.md: not fixed (cannot write:" in result.stderr
    assert leftovers(proj) == []
    report = json.loads(result.stdout)
    assert any(f["rule"] == "zrb.guarantee" and f["path"] == "f.md" for f in report["findings"])


def test_fix_killed_during_write_keeps_the_original(proj: Path) -> None:
    original = b"Results guaranteed.\r\n"
    (proj / "f.md").write_bytes(original)
    proc = subprocess.run([sys.executable, "-c", _KILL_AT_FSYNC, "check", "--fix", "f.md"],
                          cwd=proj, env=env_for_child(), capture_output=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL
    assert (proj / "f.md").read_bytes() == original


def test_fix_read_only_file_for_real(proj: Path) -> None:
    prefix = _without_dac_override()
    if prefix is None:
        pytest.skip("running as root without setpriv: file permissions cannot be enforced")
    (proj / "f.md").write_bytes(b"Results guaranteed.\n")
    os.chmod(proj / "f.md", 0o444)
    proc = subprocess.run([*prefix, sys.executable, "-m", "compliance_lint", "check", "--fix", "f.md"],
                          cwd=proj, env=env_for_child(), capture_output=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert "f.md: not fixed (cannot write: Permission denied)" in proc.stderr.decode()
    assert (proj / "f.md").read_bytes() == b"Results guaranteed.\n"


# ------------------------------------------------------------------ Ctrl-C, the pool, the cache

_INTERRUPT_AFTER = """
import os, signal, sys
import compliance_lint.runner as runner
real = runner.lint_file
count = {"n": 0}
def counting(*args, **kwargs):
    count["n"] += 1
    if count["n"] == 4:
        os.killpg(os.getpgrp(), signal.SIGINT)  # what Ctrl-C does: the whole foreground group
    return real(*args, **kwargs)
runner.lint_file = counting
import compliance_lint.parallel as parallel
parallel.lint_file = counting
from compliance_lint.cli import main
sys.argv = ["compliance-lint", *sys.argv[1:]]
main()
"""


def _many_files(proj: Path, n: int = 60) -> None:
    docs = proj / "docs"
    docs.mkdir()
    for i in range(n):
        (docs / f"f{i:03d}.md").write_text(f"# Post {i}\n\nThis cure works {i}. Results guaranteed.\n\n本品保证治愈。\n",
                                           encoding="utf-8")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_leaves_no_output_and_no_broken_cache(proj: Path, tmp_path_factory: pytest.TempPathFactory, jobs: str) -> None:
    _many_files(proj)
    cache = tmp_path_factory.mktemp("cache")
    env = env_for_child(COMPLIANCE_LINT_CACHE_DIR=str(cache))
    proc = subprocess.Popen([sys.executable, "-c", _INTERRUPT_AFTER, "check", "--jobs", jobs, "--format", "json",
                             "--output", "report.json", "docs"], cwd=proj, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 130, err
    assert err.decode().strip().splitlines()[-1] == "compliance-lint: interrupted"
    assert b"Traceback" not in err
    assert not (proj / "report.json").exists()
    assert leftovers(proj) == []
    # the cache the interrupted run left behind gives the same answer as no cache at all
    warm = child(["check", "--jobs", jobs, "--format", "json", "docs"], proj, env=env)
    cold = child(["check", "--jobs", jobs, "--format", "json", "--no-cache", "docs"], proj, env=env)
    assert warm.returncode == cold.returncode == 1
    assert json.loads(warm.stdout)["findings"] == json.loads(cold.stdout)["findings"]
    assert b"Traceback" not in warm.stderr + cold.stderr


def test_torn_cache_entries_are_ignored(proj: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    _many_files(proj, 5)
    cache = tmp_path_factory.mktemp("cache")
    env = env_for_child(COMPLIANCE_LINT_CACHE_DIR=str(cache))
    first = child(["check", "--format", "json", "docs"], proj, env=env)
    entries = [p for p in cache.rglob("*") if p.is_file()]
    assert entries
    for p in entries:  # a power cut mid-write: every entry torn
        p.write_bytes(p.read_bytes()[: max(1, p.stat().st_size // 2)])
    again = child(["check", "--format", "json", "docs"], proj, env=env)
    assert again.returncode == first.returncode == 1
    assert json.loads(again.stdout)["findings"] == json.loads(first.stdout)["findings"]
    assert b"Traceback" not in again.stderr


# ------------------------------------------------------------------ pipes and terminals

@pytest.mark.parametrize("jobs", ["1", "2"])
def test_closed_pipe_ends_quietly(proj: Path, jobs: str) -> None:
    _many_files(proj, 40)
    proc = subprocess.Popen([sys.executable, "-m", "compliance_lint", "check", "--jobs", jobs, "docs"], cwd=proj,
                            env=env_for_child(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()  # like `| head -1`
    proc.stdout.close()
    err = proc.stderr.read()
    proc.wait(timeout=300)
    assert first.startswith(b"docs/f000.md:")
    assert err == b"" or (b"Traceback" not in err and b"Broken pipe" not in err and b"BrokenPipe" not in err), err


def test_closed_pipe_in_a_shell(proj: Path) -> None:
    _many_files(proj, 40)
    script = f"{sys.executable} -m compliance_lint check --format json docs | head -c 10"
    proc = subprocess.run(["sh", "-c", script], cwd=proj, env=env_for_child(), capture_output=True, timeout=300)
    assert proc.stdout == b'{\n  "versi'
    assert proc.stderr == b"", proc.stderr


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"}, {"PYTHONIOENCODING": "latin-1"}, {"LANG": "C", "LC_ALL": "C"}])
def test_narrow_terminal_encoding(proj: Path, env: dict[str, str]) -> None:
    (proj / "zh.md").write_text("本品保证治愈糖尿病。\n", encoding="utf-8")
    text = child(["check", "zh.md"], proj, env=env_for_child(**env))
    assert text.returncode == 1
    assert b"Traceback" not in text.stderr
    assert b"zh.md:1:3:" in text.stdout
    shown = text.stdout.decode("utf-8", "replace")
    assert "保证治愈" in shown or "\\u4fdd\\u8bc1\\u6cbb\\u6108" in shown
    js = child(["check", "--format", "json", "zh.md"], proj, env=env_for_child(**env))
    assert js.returncode == 1
    assert [f["match"] for f in json.loads(js.stdout.decode("utf-8"))["findings"]] == ["保证治愈"]


def test_debug_flag_shows_the_traceback(proj: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = textwrap.dedent("""
        import sys
        import compliance_lint.engine as engine
        def boom(self, *a, **k):
            raise RuntimeError("injected failure")
        engine.Linter.lint = boom
        from compliance_lint.cli import main
        sys.argv = ["compliance-lint", *sys.argv[1:]]
        main()
    """)
    quiet = subprocess.run([sys.executable, "-c", script, "check", "--jobs", "1", "--no-cache", "a.md"], cwd=proj,
                           env=env_for_child(), capture_output=True, timeout=300)
    assert quiet.returncode == 2
    assert b"Traceback" not in quiet.stderr
    assert b"a.md: internal error while linting (RuntimeError: injected failure)" in quiet.stderr
    loud = subprocess.run([sys.executable, "-c", script, "--debug", "check", "--jobs", "1", "--no-cache", "a.md"],
                          cwd=proj, env=env_for_child(), capture_output=True, timeout=300)
    assert b"Traceback" in loud.stderr
    assert b"RuntimeError: injected failure" in loud.stderr
    assert str(REPO_ROOT)
