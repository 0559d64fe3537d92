"""The progress bar shows only for people: text format, a terminal, more than a few files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from outkit import run_process, setup_project

from compliance_lint import progress


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


class Closed(io.StringIO):
    def isatty(self) -> bool:
        raise ValueError("I/O operation on closed file")


@pytest.mark.parametrize(
    ("fmt", "n", "stream", "env", "expected"),
    [
        ("text", 50, Tty(), {}, True),
        ("text", progress.MIN_FILES + 1, Tty(), {}, True),
        ("text", progress.MIN_FILES, Tty(), {}, False),
        ("text", 50, io.StringIO(), {}, False),
        ("text", 50, Closed(), {}, False),
        ("json", 50, Tty(), {}, False),
        ("sarif", 50, Tty(), {}, False),
        ("github", 50, Tty(), {}, False),
        ("junit", 50, Tty(), {}, False),
        ("html", 50, Tty(), {}, False),
        ("text", 50, Tty(), {"TERM": "dumb"}, False),
        ("text", 50, Tty(), {"COMPLIANCE_LINT_NO_PROGRESS": "1"}, False),
    ],
)
def test_should_show(fmt: str, n: int, stream: io.StringIO, env: dict[str, str], expected: bool) -> None:
    assert progress.should_show(fmt, n, stream, env) is expected


def test_track_passes_items_through_without_a_terminal() -> None:
    assert list(progress.track(range(20), "text")) == list(range(20))


def test_no_progress_output_when_piped(tmp_path: Path) -> None:
    setup_project(tmp_path)
    for i in range(progress.MIN_FILES + 3):
        (tmp_path / f"f{i}.md").write_text("A miracle.\n", encoding="utf-8")
    proc = run_process(["check", "."], cwd=tmp_path)
    assert proc.returncode == 1
    assert b"Linting" not in proc.stderr and b"\r" not in proc.stderr


def test_progress_drawn_on_a_terminal(tmp_path: Path) -> None:
    """stderr on a pseudo-terminal: the bar is drawn there; stdout (a pipe) holds only the report."""
    import os
    import pty
    import subprocess
    import sys

    from outkit import REPO_ROOT

    setup_project(tmp_path)
    for i in range(progress.MIN_FILES + 3):
        (tmp_path / f"f{i}.md").write_text("A miracle.\n", encoding="utf-8")
    master, slave = pty.openpty()
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), TERM="xterm")
    env.pop("COMPLIANCE_LINT_NO_PROGRESS", None)
    proc = subprocess.Popen([sys.executable, "-m", "compliance_lint", "check", "."], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    out = proc.stdout.read() if proc.stdout else b""
    assert proc.wait(timeout=300) == 1
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    err = b"".join(chunks)
    assert b"Linting" in err and b"8/8" in err
    assert b"Linting" not in out and b"warning [zout.miracle]" in out
