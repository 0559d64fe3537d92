"""The pre-commit hook, run by the real ``pre-commit try-repo`` against this checkout.

try-repo clones the repository (HEAD plus uncommitted changes to tracked files),
builds a fresh virtualenv with the package and its dependencies (spaCy
included), and runs the hook on the files given: slow, so marked ``slow``, but
it runs by default and in CI. PRE_COMMIT_HOME points into the tmp dir.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from outkit import REPO_ROOT, setup_project

pytestmark = pytest.mark.slow


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") and k not in ("PRE_COMMIT", "VIRTUAL_ENV")}
    env["PRE_COMMIT_HOME"] = str(home)
    env["PRE_COMMIT_COLOR"] = "never"
    env["NO_COLOR"] = "1"
    return env


def _try_repo(content: Path, home: Path, *files: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO_ROOT), "compliance-lint", "--verbose", "--files", *files],
        cwd=content, env=_env(home), capture_output=True, text=True, timeout=1800,
    )


def test_pre_commit_try_repo(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    assert (REPO_ROOT / ".pre-commit-hooks.yaml").is_file()
    if not (REPO_ROOT / ".git").exists():
        pytest.skip(f"{REPO_ROOT} is not a git checkout (try-repo needs one)")
    content = tmp_path / "content"
    content.mkdir()
    _git(content, "init", "-q")
    _git(content, "config", "user.name", "Compliance Test")
    _git(content, "config", "user.email", "compliance-test@example.org")
    setup_project(content, config_extra="exclude: ['drafts/ignored.md']\n")
    (content / "bad.md").write_text("# Launch\n\nOur tea cures colds.\n", encoding="utf-8")
    (content / "good.md").write_text("# Launch\n\nOur tea is a pleasant drink.\n", encoding="utf-8")
    (content / "drafts").mkdir()
    (content / "drafts" / "ignored.md").write_text("This miracle is excluded by the config.\n", encoding="utf-8")
    # What a user would commit (try-repo writes its own config and ignores this one).
    (content / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {REPO_ROOT}\n  rev: HEAD\n  hooks:\n  - id: compliance-lint\n", encoding="utf-8"
    )
    _git(content, "add", ".")
    _git(content, "commit", "-q", "-m", "content")

    # Two independent try-repo runs (each builds its own environment): run them side by side.
    with ThreadPoolExecutor(max_workers=2) as pool:
        bad_future = pool.submit(_try_repo, content, tmp_path / "home-bad", "bad.md", "drafts/ignored.md")
        good_future = pool.submit(_try_repo, content, tmp_path / "home-good", "good.md", "drafts/ignored.md")
        bad, good = bad_future.result(), good_future.result()

    bad_out = bad.stdout + bad.stderr
    assert bad.returncode == 1, bad_out
    assert "compliance-lint" in bad_out and "Failed" in bad_out
    assert "bad.md:3:9: error [zout.cure]" in bad_out
    assert "drafts/ignored.md:" not in bad_out  # the config's exclude applies to files passed explicitly

    good_out = good.stdout + good.stderr
    assert good.returncode == 0, good_out
    assert "Passed" in good_out
    assert "[zout." not in good_out
