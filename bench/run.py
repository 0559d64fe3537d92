"""Benchmark compliance-lint against the spaCy tokenizer and proselint on a generated corpus.

    python bench/run.py [--size small|medium|large|N] [--runs N] [--jobs N]

Every figure is a whole process (interpreter start-up included), timed with
the operating system's accounting (``os.wait4``: wall, user+system CPU of the
process and its workers, peak resident memory), the median of ``--runs``
runs. Rates are words/s with words = whitespace-separated tokens of the raw
files (the same count for every tool), so the ratio columns compare like with
like. The reference is spaCy's blank English tokenizer alone, one Doc per raw
file, one process.

The package (``compliance_lint/`` and ``rules/``) is copied to a snapshot
first, so that edits made while the benchmark runs cannot invalidate its
caches halfway. Writes ``bench/out/bench.json`` and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import SIZES, generate  # noqa: E402

REF_TOKENIZER = r"""
import sys, spacy
nlp = spacy.blank("en")
n = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as fh:
        n += len(nlp.make_doc(fh.read()))
print(n)
"""

CLEAN_FILE = """---
title: "Meal prep for busy weeks"
---

# Meal prep for busy weeks

Most people find it easier to plan meals on the weekend and cook in batches.

- Buy vegetables on Saturday.
- Cook rice and lentils in bulk.
"""

BAD_FILE = """# Our program

Our protocol cures type 2 diabetes in just 8 weeks.
"""


# Each measured command is started by a small fresh interpreter that times it.
# Linux carries a process's peak RSS over fork and exec, so a child forked
# straight from this (large, after corpus generation) process reported this
# process's peak as its own; the launcher's own start-up is outside its timing.
LAUNCHER = r"""
import json, os, subprocess, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
t0 = time.perf_counter()
proc = subprocess.Popen(cmd)
_pid, status, ru = os.wait4(proc.pid, 0)
wall = time.perf_counter() - t0
with open(out, "w") as fh:
    json.dump({"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_mib": ru.ru_maxrss / 1024,
               "rc": os.waitstatus_to_exitcode(status)}, fh)
"""


def run_once(cmd: list[str], env: dict[str, str], cwd: str | None = None, stdout: int | None = subprocess.DEVNULL) -> dict[str, float]:
    fd, out = tempfile.mkstemp(prefix="cl-bench-", suffix=".json")
    os.close(fd)
    try:
        subprocess.run([sys.executable, "-c", LAUNCHER, out, *cmd], env=env, cwd=cwd, stdout=stdout,
                       stderr=subprocess.DEVNULL, check=False)
        return json.loads(Path(out).read_text(encoding="utf-8"))
    finally:
        os.unlink(out)


def measure(cmd: list[str], env: dict[str, str], runs: int, cwd: str | None = None, before: object = None) -> dict[str, float]:
    samples = []
    for _ in range(runs):
        if callable(before):
            before()
        samples.append(run_once(cmd, env, cwd))
    return {
        "wall": statistics.median(s["wall"] for s in samples),
        "wall_min": min(s["wall"] for s in samples),
        "wall_max": max(s["wall"] for s in samples),
        "cpu": statistics.median(s["cpu"] for s in samples),
        "rss_mib": max(s["rss_mib"] for s in samples),
        "rc": samples[-1]["rc"],
        "runs": runs,
    }


def snapshot(dest: Path) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copytree(ROOT / "compliance_lint", dest / "compliance_lint", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "rules", dest / "rules")
    return dest


def write_x10_pack(folder: Path, default_rules: int) -> int:
    """A user pack with 9x the default rule count of synthetic phrase rules (so x10 in all)."""
    import random

    rng = random.Random(10)
    verbs = ["melts", "detoxes", "rebuilds", "supercharges", "resets", "flushes", "rewires", "unlocks", "erases", "restores",
             "boosts", "shrinks", "dissolves", "repairs", "regrows", "purifies", "recharges", "stops", "blocks", "kills"]
    objects = ["belly fat", "visceral fat", "the liver", "your metabolism", "cellulite", "toxins", "inflammation", "joint damage",
               "brain fog", "hormone levels", "gut lining", "arterial plaque", "bad cholesterol", "cravings", "aging cells",
               "thyroid function", "the pancreas", "insulin spikes", "hair loss", "tendon tears", "scar tissue", "nerve pain"]
    n = 9 * default_rules
    lines = ["rules:"]
    for i in range(n):
        terms = sorted({f"{rng.choice(verbs)} {rng.choice(objects)}" for _ in range(rng.randint(2, 6))})
        lines += [
            f"  - id: bench10.rule-{i:04d}",
            "    kind: phrase",
            "    category: other",
            "    severity: warning",
            f"    message: \"Synthetic benchmark rule {i}: {{match}}\"",
            "    citation: {text: \"benchmark\", url: \"https://example.com\"}",
            "    rationale: Synthetic rule for the rules x10 benchmark.",
            "    suggestion: Rephrase.",
            "    terms: [" + ", ".join(json.dumps(t) for t in terms) + "]",
            "    examples:",
            f"      bad: [{json.dumps('This tea ' + terms[0] + ' fast.')}]",
            "      good: [\"Plain text.\"]",
        ]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.yaml").write_text('id: bench10\ntitle: "Benchmark x10"\njurisdiction: US\nversion: "1"\nas_of: "2026-01-01"\n', encoding="utf-8")
    (folder / "rules.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return n


def _full_runs(a: argparse.Namespace, results: dict, cl: list[str], base_env: dict[str, str], cwd: str, corpus: Path,
               work: Path, pkg: Path, runs: int) -> tuple[int, int, list[str], bool | None]:
    python = sys.executable
    cache = Path(base_env["COMPLIANCE_LINT_CACHE_DIR"])

    def clear_all() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    results["jobsN"] = measure(cl + ["--jobs", str(a.jobs), "--no-cache", str(corpus)], base_env, runs, cwd)
    results["cold"] = measure(cl + ["--jobs", str(a.jobs), str(corpus)], base_env, runs, cwd, before=clear_all)
    run_once(cl + ["--jobs", str(a.jobs), str(corpus)], base_env, cwd)  # fill the cache
    results["warm"] = measure(cl + ["--jobs", str(a.jobs), str(corpus)], base_env, runs, cwd)
    # The same with one file edited before each run: the stored report cannot be replayed,
    # every other file's findings come from the per-file cache, one file is linted.
    victim = sorted(corpus.rglob("*.md"))[0]
    original = victim.read_bytes()
    edits = iter(range(1, 1000))

    def touch_one() -> None:
        victim.write_bytes(original + f"\nEdit {next(edits)}: a walk after dinner helps.\n".encode())

    try:
        results["warm1"] = measure(cl + ["--jobs", str(a.jobs), str(corpus)], base_env, runs, cwd, before=touch_one)
    finally:
        victim.write_bytes(original)

    # Findings identical with the prefilter off (the full path)?
    same = None
    if not a.no_full_path:
        env_full = dict(base_env, COMPLIANCE_LINT_PREFILTER="0")
        results["full_path"] = measure(cl + ["--jobs", str(a.jobs), "--no-cache", str(corpus)], env_full, 1, cwd)
        outs = []
        for env in (base_env, env_full):
            target = work / f"findings-{len(outs)}.json"
            subprocess.run([python, "-m", "compliance_lint", "check", "--fail-on", "never", "--format", "json", "-o", str(target),
                            "--jobs", str(a.jobs), "--no-cache", str(corpus)], env=env, cwd=cwd, stderr=subprocess.DEVNULL, check=False)
            outs.append(json.loads(target.read_text(encoding="utf-8"))["findings"])
        same = outs[0] == outs[1]
        results["findings"] = {"count": len(outs[0])}

    # Rules x10: a user pack via the config's rule_paths.
    sys.path.insert(0, str(pkg))
    from compliance_lint.packs import default_pack_ids, load_registry

    reg = load_registry()
    defaults = default_pack_ids(reg)
    n_default = len(reg.rules(defaults))
    x10 = work / "x10"
    extra = write_x10_pack(x10 / "packs" / "bench10", n_default)
    (x10 / ".compliance-lint.yaml").write_text(
        "packs: [" + ", ".join([*defaults, "bench10"]) + "]\nrule_paths: [packs]\n", encoding="utf-8")
    cfg = ["--config", str(x10 / ".compliance-lint.yaml")]
    run_once(cl + cfg + ["--no-cache", str(corpus / "section-00")], base_env, cwd)  # warm its plans
    results["x10"] = measure(cl + cfg + ["--jobs", str(a.jobs), "--no-cache", str(corpus)], base_env, runs, cwd)
    return n_default, extra, defaults, same


def fmt_rate(x: float) -> str:
    return f"{x:,.0f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="compliance-lint benchmark")
    ap.add_argument("--size", default="medium", help="small | medium | large | a number of files")
    ap.add_argument("--runs", type=int, default=None, help="runs per measurement (median); default 3, small: 1")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--out", default=str(HERE / "out"))
    ap.add_argument("--no-proselint", action="store_true")
    ap.add_argument("--no-full-path", action="store_true", help="skip the run with the prefilter off")
    ap.add_argument("--no-snapshot", action="store_true", help="run the working tree, not a copy")
    ap.add_argument("--quick", action="store_true", help="smoke test: reference, --jobs 1 and start-up only, one run")
    a = ap.parse_args(argv)
    small = a.size == "small"
    runs = a.runs or (1 if small or a.quick else 3)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    size: str | int = a.size if a.size in SIZES else int(a.size)
    corpus = out / f"corpus-{a.size}"
    if not (corpus / ".done").exists():
        shutil.rmtree(corpus, ignore_errors=True)
        generate(corpus, size, seed=1)
        (corpus / ".done").write_text("1")
    files = sorted(str(p) for p in corpus.rglob("*.md"))
    words = sum(len(Path(f).read_text(encoding="utf-8").split()) for f in files)
    nbytes = sum(Path(f).stat().st_size for f in files)

    pkg = ROOT if a.no_snapshot else snapshot(out / "snapshot")
    python = sys.executable
    work = Path(tempfile.mkdtemp(prefix="cl-bench-"))
    cache = work / "cache"
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("COMPLIANCE_LINT_")}
    base_env.update(PYTHONPATH=str(pkg), COMPLIANCE_LINT_CACHE_DIR=str(cache), PYTHONHASHSEED="0")
    cwd = str(work)  # no .compliance-lint.yaml up from here
    cl = [python, "-m", "compliance_lint", "check", "--fail-on", "never", "--format", "json", "-o", os.devnull]
    results: dict[str, dict[str, float]] = {}

    # Warm the rule caches (prefilter plans) once; "cold" below means no per-file results cached.
    run_once(cl + ["--no-cache", str(corpus / "section-00")], base_env, cwd)
    results["tokenizer"] = measure([python, "-c", REF_TOKENIZER, *files], base_env, runs, cwd)
    results["jobs1"] = measure(cl + ["--jobs", "1", "--no-cache", str(corpus)], base_env, runs, cwd)
    same = None
    n_default = extra = 0
    defaults: list[str] = []
    if not a.quick:
        n_default, extra, defaults, same = _full_runs(a, results, cl, base_env, cwd, corpus, work, pkg, runs)
    sruns = 1 if a.quick else max(runs, 5)
    small_dir = work / "small"
    small_dir.mkdir()
    (small_dir / "clean.md").write_text(CLEAN_FILE, encoding="utf-8")
    (small_dir / "bad.md").write_text(BAD_FILE, encoding="utf-8")
    results["start_clean"] = measure(cl + ["--no-cache", str(small_dir / "clean.md")], base_env, sruns, cwd)
    results["start_bad"] = measure(cl + ["--no-cache", str(small_dir / "bad.md")], base_env, sruns, cwd)
    results["help"] = measure([python, "-m", "compliance_lint", "--help"], base_env, sruns, cwd)
    if not a.no_proselint and not a.quick and shutil.which("proselint", path=str(Path(python).parent)):
        results["proselint"] = measure([str(Path(python).parent / "proselint"), "check", str(corpus)], base_env, 1, cwd)

    tok = results["tokenizer"]["wall"]

    def row(name: str, key: str, note: str = "") -> str:
        r = results[key]
        rate = words / r["wall"]
        return (f"| {name} | {r['wall']:.2f} ({r['wall_min']:.2f}–{r['wall_max']:.2f}) | {r['cpu']:.2f} | {fmt_rate(rate)} | "
                f"{len(files) / r['wall']:,.1f} | {tok / r['wall']:.2f}× | {r['rss_mib']:.0f} | {note} |")

    lines = [
        f"Corpus: {len(files)} Markdown files, {words:,} words, {nbytes / 1e6:.1f} MB (`bench/corpus.py`, seed 1, size {a.size}); "
        f"{n_default or 'the'} default rules ({', '.join(defaults) or 'default packs'}); {a.jobs} jobs for \"all cores\"; median of {runs} run(s).",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}.",
        "",
        "| run (whole process) | wall s median (min–max) | CPU s | words/s | files/s | × tokenizer | peak MiB | |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
        row("spaCy blank tokenizer alone, one Doc per raw file, 1 process (reference)", "tokenizer"),
        row("check, default packs, `--jobs 1`, no result cache", "jobs1"),
    ]
    if not a.quick:
        lines += [
            row(f"check, default packs, `--jobs {a.jobs}`, no result cache", "jobsN"),
            row(f"check, cold cache (empty cache dir), `--jobs {a.jobs}`", "cold"),
            row(f"check, warm re-run (unchanged files: stored report replayed), `--jobs {a.jobs}`", "warm",
                f"{results['warm']['wall'] / results['cold']['wall']:.1%} of cold"),
            row(f"check, warm re-run with one file edited (per-file cache), `--jobs {a.jobs}`", "warm1",
                f"{results['warm1']['wall'] / results['cold']['wall']:.1%} of cold"),
            row(f"check, rules ×10 ({n_default + extra} rules), `--jobs {a.jobs}`", "x10", f"{results['x10']['wall'] / results['jobsN']['wall']:.2f}× default"),
        ]
    if "full_path" in results:
        lines.append(row(f"check, prefilter off (full path), `--jobs {a.jobs}`", "full_path",
                         f"findings identical: {'yes' if same else 'NO'} ({results['findings']['count']} findings)"))
    if "proselint" in results:
        lines.append(row("proselint 0.16 CLI, default checks", "proselint"))
    lines += [
        "",
        f"| start-up (whole process, median of {sruns}) | wall s | CPU s | peak MiB |",
        "|---|---:|---:|---:|",
    ]
    for name, key in (("`compliance-lint --help`", "help"), ("`check --no-cache` one small file, nothing to flag", "start_clean"),
                      ("`check --no-cache` one small file with a violation", "start_bad")):
        r = results[key]
        lines.append(f"| {name} | {r['wall']:.3f} | {r['cpu']:.3f} | {r['rss_mib']:.0f} |")
    table = "\n".join(lines)
    print(table)
    (out / "bench.json").write_text(json.dumps({"words": words, "files": len(files), "results": results, "identical": same,
                                                "table": table}, indent=2), encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
