"""Packaging proof: the wheel carries the rule packs and works outside the repository.

Builds the wheel with ``python -m build --wheel``, installs it with pip into a
fresh virtual environment (no system site-packages: dependencies come from
PyPI), and runs the installed console script from a temporary directory, so
nothing can be found in the source checkout by accident (DESIGN: Traps,
Packaging). Slow (one to two minutes, mostly pip), and part of the default run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "corpora" / "examples" / "peptide-therapy-metabolic-health.md"
ZH_EXAMPLE = REPO / "corpora" / "examples" / "zh-peptide-post.md"
SEVEN_PACKS = {"nmpa", "fda", "ftc", "eu", "uk", "tga", "wada"}


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSAFEPATH", "NO_COLOR", "FORCE_COLOR")}
    env.update(extra)
    return env


def _run(cmd: list[str], cwd: Path, timeout: int = 900, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=_clean_env(**env), capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build the wheel and install it into a fresh venv; returns paths."""
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    build = _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO)], cwd=root, timeout=900)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    wheels = sorted(dist.glob("compliance_lint-*.whl"))
    assert len(wheels) == 1, wheels
    venv = root / "venv"
    made = _run([sys.executable, "-m", "venv", str(venv)], cwd=root)
    assert made.returncode == 0, made.stderr
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    pip = _run([str(python), "-m", "pip", "install", "--disable-pip-version-check", str(wheels[0])], cwd=root, timeout=1500)
    assert pip.returncode == 0, pip.stdout[-3000:] + pip.stderr[-3000:]
    work = root / "work"  # outside the repository: no ./rules, no config
    work.mkdir()
    cache = root / "cache"
    cache.mkdir()
    return {"root": root, "wheel": wheels[0], "python": python,
            "script": bindir / ("compliance-lint.exe" if os.name == "nt" else "compliance-lint"),
            "work": work, "cache": cache}


def _cli(installed: dict[str, Path], *args: str) -> subprocess.CompletedProcess[str]:
    return _run([str(installed["script"]), *args], cwd=installed["work"], timeout=600,
                COMPLIANCE_LINT_CACHE_DIR=str(installed["cache"]))


def test_wheel_carries_the_rule_packs(installed: dict[str, Path]) -> None:
    import zipfile

    names = zipfile.ZipFile(installed["wheel"]).namelist()
    for pack in SEVEN_PACKS:
        assert f"compliance_lint/rules/{pack}/pack.yaml" in names, pack
    assert any(n.startswith("compliance_lint/rules/kb/") for n in names)
    # the installed package loads its own copy, not the checkout's
    probe = _run([str(installed["python"]), "-c",
                  "import compliance_lint, compliance_lint.packs as p; print(compliance_lint.__file__); print(p.bundled_rules_dir())"],
                 cwd=installed["work"])
    assert probe.returncode == 0, probe.stderr
    module_file, rules_dir = probe.stdout.strip().splitlines()
    venv = str(installed["root"] / "venv")
    assert module_file.startswith(venv) and rules_dir.startswith(venv), probe.stdout
    assert str(REPO) not in probe.stdout


def test_installed_check_on_an_example_draft(installed: dict[str, Path]) -> None:
    draft = installed["work"] / EXAMPLE.name
    shutil.copyfile(EXAMPLE, draft)
    shutil.copyfile(ZH_EXAMPLE, installed["work"] / ZH_EXAMPLE.name)
    proc = _cli(installed, "check", "--format", "json", draft.name, ZH_EXAMPLE.name)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    assert report["version"] == 1 and report["errors"] == []
    packs = {f["pack"] for f in report["findings"]}
    assert len(packs) >= 2, packs
    assert set(report["tool"]["packs"]) == SEVEN_PACKS - {"wada"}
    text = draft.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    for f in report["findings"]:
        if f["path"] == draft.name and f["line"] == f["end_line"]:
            assert lines[f["line"] - 1][f["column"] - 1:f["end_column"] - 1] == f["match"]


def test_installed_rules_lists_all_seven_packs(installed: dict[str, Path]) -> None:
    proc = _cli(installed, "rules")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.rstrip().endswith("in 7 packs"), proc.stdout[-300:]
    listed = {line.split()[0].split(".", 1)[0] for line in proc.stdout.splitlines()[1:] if line.strip() and "." in line.split()[0]}
    assert listed == SEVEN_PACKS, SEVEN_PACKS - listed
    for pack in sorted(SEVEN_PACKS):
        one = _cli(installed, "rules", "--pack", pack)
        assert one.returncode == 0, (pack, one.stderr)


def test_installed_version_and_explain(installed: dict[str, Path]) -> None:
    version = _cli(installed, "--version")
    assert version.returncode == 0 and "compliance-lint" in version.stdout
    listing = json.loads(_cli(installed, "rules", "--format", "json").stdout)
    first = listing[0]["id"]
    explain = _cli(installed, "explain", first)
    assert explain.returncode == 0 and explain.stdout.startswith(first)
