"""Paths the linter must survive: missing, unreadable, special, looping, undecodable, deep.

Named inputs that cannot be read are errors (exit 2, one line on stderr that
names the file, the other files still linted); things met in a folder walk
that are not text (binary, FIFO, broken link) are skipped with a notice.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import urllib.parse
from pathlib import Path

import pytest
from robustkit import child, env_for_child, make_project, one_line_error, run, run_json


@pytest.fixture()
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    make_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.md").write_text("This cure works.\n", encoding="utf-8")
    return tmp_path


def test_missing_path(proj: Path) -> None:
    code, report, result = run_json(["ok.md", "nope.md", "no/such/dir"])
    assert code == 2
    assert report["errors"] == [
        {"path": "nope.md", "message": "no such file or directory"},
        {"path": "no/such/dir", "message": "no such file or directory"},
    ]
    assert [f["path"] for f in report["findings"]] == ["ok.md"]  # the rest still linted
    one_line_error(result.stderr, "nope.md", "no such file or directory")


# ------------------------------------------------------------------ permissions

def _without_dac_override() -> list[str] | None:
    """Run as root but subject to file permissions (drop CAP_DAC_OVERRIDE / READ_SEARCH)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


def _run_unprivileged(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    import sys

    prefix = _without_dac_override()
    if prefix is None:
        pytest.skip("running as root without setpriv: file permissions cannot be enforced")
    return subprocess.run([*prefix, sys.executable, "-m", "compliance_lint", *args], cwd=cwd, env=env_for_child(),
                          capture_output=True, timeout=300)


def test_unreadable_file_is_an_error_real_permissions(proj: Path) -> None:
    secret = proj / "secret.md"
    secret.write_text("A miracle.\n", encoding="utf-8")
    secret.chmod(0)
    try:
        proc = _run_unprivileged(["check", "--format", "json", "ok.md", "secret.md"], proj)
    finally:
        secret.chmod(0o644)
    assert proc.returncode == 2, proc.stderr
    report = json.loads(proc.stdout)
    assert report["errors"] == [{"path": "secret.md", "message": "permission denied"}]
    assert [f["match"] for f in report["findings"]] == ["cure"]
    one_line_error(proc.stderr.decode(), "secret.md", "permission denied")


def test_unreadable_folder_in_a_walk_is_an_error(proj: Path) -> None:
    (proj / "docs" / "locked").mkdir(parents=True)
    (proj / "docs" / "a.md").write_text("A cure.\n", encoding="utf-8")
    (proj / "docs" / "locked" / "b.md").write_text("A miracle.\n", encoding="utf-8")
    (proj / "docs" / "locked").chmod(0)
    try:
        proc = _run_unprivileged(["check", "--format", "json", "docs"], proj)
    finally:
        (proj / "docs" / "locked").chmod(0o755)
    assert proc.returncode == 2, proc.stderr
    report = json.loads(proc.stdout)
    assert report["errors"] == [{"path": "docs/locked", "message": "cannot read directory (Permission denied)"}]
    assert [f["path"] for f in report["findings"]] == ["docs/a.md"]


def test_permission_error_mapped_in_process(proj: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same mapping without a child process (the branch taken when open() is refused)."""
    import builtins

    real_open = os.open

    def refuse(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(path).endswith("secret.md"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    (proj / "secret.md").write_text("A miracle.\n", encoding="utf-8")
    monkeypatch.setattr(os, "open", refuse)
    assert builtins.open is not None
    code, report, result = run_json(["secret.md", "ok.md"])
    assert code == 2
    assert report["errors"] == [{"path": "secret.md", "message": "permission denied"}]
    one_line_error(result.stderr, "secret.md", "permission denied")


# ------------------------------------------------------------------ special files and links

def test_fifo_named_is_an_error_and_never_blocks(proj: Path) -> None:
    os.mkfifo(proj / "pipe.md")
    proc = child(["check", "--format", "json", "pipe.md", "ok.md"], proj, timeout=120)
    assert proc.returncode == 2
    report = json.loads(proc.stdout)
    assert report["errors"] == [{"path": "pipe.md", "message": "not a regular file (FIFO, socket or device), skipped"}]
    one_line_error(proc.stderr.decode(), "pipe.md", "not a regular file")


def test_fifo_and_broken_link_in_a_walk_are_notices(proj: Path) -> None:
    docs = proj / "docs"
    docs.mkdir()
    os.mkfifo(docs / "pipe.md")
    (docs / "dangling.md").symlink_to(docs / "nowhere.md")
    (docs / "a.md").write_text("A cure.\n", encoding="utf-8")
    proc = child(["check", "--format", "json", "docs"], proj, timeout=120)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report["errors"] == []
    assert [f["path"] for f in report["findings"]] == ["docs/a.md"]
    err = proc.stderr.decode()
    assert "notice: docs/pipe.md: not a regular file (FIFO, socket or device), skipped" in err
    assert "notice: docs/dangling.md: broken symbolic link, skipped" in err


def test_device_named(proj: Path) -> None:
    code, report, _ = run_json(["/dev/null", "ok.md"])
    assert code == 2
    assert report["errors"] == [{"path": "/dev/null", "message": "not a regular file (FIFO, socket or device), skipped"}]


def test_symlink_loops_end(proj: Path) -> None:
    docs = proj / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "sub" / "a.md").write_text("A cure.\n", encoding="utf-8")
    (docs / "sub" / "up").symlink_to("..")
    (docs / "self").symlink_to(".")
    (docs / "x").symlink_to("y")
    (docs / "y").symlink_to("x")  # a link loop that is no directory at all
    proc = child(["check", "--format", "json", "docs"], proj, timeout=120)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert [f["path"] for f in report["findings"]] == ["docs/sub/a.md"]
    assert "symlink loop, skipped" in proc.stderr.decode()
    assert "Traceback" not in proc.stderr.decode()


def test_very_deep_tree(proj: Path) -> None:
    """1,200 levels: os.walk recursed once per level (RecursionError before Python 3.12)."""
    fd = os.open(".", os.O_RDONLY)
    try:
        os.mkdir("deep")
        os.chdir("deep")
        for _ in range(1_200):
            os.mkdir("d")
            os.chdir("d")
        Path("x.md").write_text("A cure.\n", encoding="utf-8")
    finally:
        os.fchdir(fd)
        os.close(fd)
    try:
        code, report, _ = run_json(["deep"])
        assert code == 1
        [finding] = report["findings"]
        assert finding["path"] == "deep/" + "d/" * 1_200 + "x.md"
    finally:
        _remove_deep("deep", 1_200)


def _remove_deep(top: str, depth: int) -> None:
    """Bottom-up, iteratively: shutil.rmtree (and pytest's tmp cleanup) recurse per level."""
    fd = os.open(".", os.O_RDONLY)
    try:
        os.chdir(top)
        for _ in range(depth):
            os.chdir("d")
        os.remove("x.md")
        for _ in range(depth):
            os.chdir("..")
            os.rmdir("d")
    finally:
        os.fchdir(fd)
        os.close(fd)
    os.rmdir(top)


def test_folder_with_a_text_extension_is_walked(proj: Path) -> None:
    (proj / "notes.md").mkdir()
    (proj / "notes.md" / "a.md").write_text("A cure.\n", encoding="utf-8")
    code, report, _ = run_json(["notes.md"])
    assert code == 1
    assert [f["path"] for f in report["findings"]] == ["notes.md/a.md"]


# ------------------------------------------------------------------ undecodable file names

BAD = b"bad\xff\xfe name.md"


def _bad_file(folder: Path) -> None:
    with open(os.path.join(os.fsencode(folder), BAD), "wb") as fh:
        fh.write("This cure works. 本品根治糖尿病。\n\nDone.\n".encode())


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit", "html"])
def test_undecodable_file_name_in_every_format(proj: Path, fmt: str) -> None:
    (proj / "docs").mkdir()
    _bad_file(proj / "docs")
    result = run(["check", "--format", fmt, "docs"])
    assert result.exit_code == 1, result.stderr
    assert "Traceback" not in result.stderr
    shown = "docs/bad\\xff\\xfe name.md"
    forms = (shown, json.dumps(shown)[1:-1], urllib.parse.quote(shown))
    assert any(form in result.stdout for form in forms), result.stdout


def test_undecodable_file_name_named_and_missing(proj: Path) -> None:
    _bad_file(proj)
    code, report, _ = run_json([os.fsdecode(BAD), os.fsdecode(b"gone\xff.md")])
    assert code == 2
    assert [f["path"] for f in report["findings"]] == ["bad\\xff\\xfe name.md"]
    assert report["errors"] == [{"path": "gone\\xff.md", "message": "no such file or directory"}]


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"}, {"LANG": "C", "LC_ALL": "C"}, {"PYTHONIOENCODING": "latin-1"}])
def test_undecodable_names_and_chinese_on_a_narrow_terminal(proj: Path, env: dict[str, str]) -> None:
    (proj / "docs").mkdir()
    _bad_file(proj / "docs")
    (proj / "docs" / "a.md").write_text("本品根治糖尿病。\n", encoding="utf-8")
    for fmt in ("text", "json"):
        proc = child(["check", "--format", fmt, "docs", os.fsdecode(b"docs/missing\xff.md")], proj, env=env_for_child(**env))
        assert proc.returncode == 2, proc.stderr
        err = proc.stderr.decode("utf-8", "replace")
        assert "Traceback" not in err
        assert "docs/missing\\xff.md: no such file or directory" in err
        out = proc.stdout.decode("utf-8", "replace")
        assert "bad\\xff\\xfe name.md" in out.replace("\\\\", "\\")
        if fmt == "json":
            report = json.loads(proc.stdout.decode("utf-8"))
            assert "根治" in [f["match"] for f in report["findings"]]


def test_stat_error_on_a_walked_entry_does_not_crash(proj: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (proj / "docs").mkdir()
    (proj / "docs" / "a.md").write_text("A cure.\n", encoding="utf-8")
    (proj / "docs" / "b.md").write_text("A miracle.\n", encoding="utf-8")
    real_stat = os.stat

    def flaky(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(path).endswith("b.md"):
            raise OSError(5, "Input/output error", str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", flaky)
    code, report, result = run_json(["docs"])
    assert code == 2
    assert report["errors"] == [{"path": "docs/b.md", "message": "cannot read (Input/output error)"}]
    assert [f["path"] for f in report["findings"]] == ["docs/a.md"]
    assert stat.S_ISDIR(real_stat(proj / "docs").st_mode)
