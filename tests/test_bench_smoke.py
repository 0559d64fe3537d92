"""The benchmark runs end to end on a tiny corpus (no timings asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_corpus_generator_is_seeded(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from bench.corpus import generate

    a = generate(tmp_path / "a", 5, seed=3)
    b = generate(tmp_path / "b", 5, seed=3)
    assert [p.read_text(encoding="utf-8") for p in a] == [p.read_text(encoding="utf-8") for p in b]
    text = "\n".join(p.read_text(encoding="utf-8") for p in a)
    assert text.startswith("---\ntitle:") and "\n## " in text


def test_bench_quick_pass_prints_table(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--size", "3", "--quick", "--no-snapshot", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=600, cwd=str(tmp_path),
    )
    assert proc.returncode == 0, proc.stderr
    assert "| run (whole process) |" in proc.stdout
    assert "spaCy blank tokenizer alone" in proc.stdout
    assert "`--jobs 1`" in proc.stdout
    assert "one small file with a violation" in proc.stdout
    assert (tmp_path / "bench.json").is_file()
