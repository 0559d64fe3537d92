"""Start-up work kept out of one-file runs (issue #6): the cached rule registry and
knowledge base, spaCy imported without its command line, no spaCy for a clean file,
the command line's exit without interpreter teardown. No timings here (bench/ measures).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import asdict
from pathlib import Path

import pytest

from compliance_lint import cache, packs
from compliance_lint.errors import RulePackError
from compliance_lint.packs import load_registry

ROOT = Path(__file__).resolve().parent.parent

PACK = 'id: zstart\ntitle: "Start-up test"\njurisdiction: US\nversion: "1"\nas_of: "2026-01-01"\n'
RULE = """\
rules:
  - id: zstart.cure
    kind: phrase
    category: cure_claim
    severity: error
    message: {{en: "{message}"}}
    citation: {{text: "T 1", url: "https://example.org/1"}}
    rationale: r
    suggestion: s
    terms: [cure]
    examples: {{bad: ["It cures it."], good: ["Plain."]}}
"""


def _write_pack(root: Path, message: str = "cure {match}") -> Path:
    folder = root / "packs" / "zstart"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.yaml").write_text(PACK, encoding="utf-8")
    (folder / "rules.yaml").write_text(RULE.format(message=message), encoding="utf-8")
    return folder


class _Counter:
    """Counts real (uncached) registry loads."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = packs._load_folders

        def counting(folders: list[Path]) -> packs.PackRegistry:
            self.calls += 1
            return real(folders)

        monkeypatch.setattr(packs, "_load_folders", counting)


def _snapshot(registry: packs.PackRegistry) -> dict:
    return {
        pid: (asdict(p), dict(registry.raw[pid]), registry.raw[pid].line, registry.raw[pid].key_lines)
        for pid, p in registry.packs.items()
    }


def _child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH", "")])])
    for name in ("COMPLIANCE_LINT_DEBUG", "COMPLIANCE_LINT_NO_CACHE", "COMPLIANCE_LINT_PLAIN_SPACY", "COMPLIANCE_LINT_FULL_EXIT"):
        env.pop(name, None)
    env.update(extra)
    return env


# --- the registry cache ---------------------------------------------------------


def test_second_load_comes_from_the_cache_and_equals_a_fresh_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _write_pack(tmp_path)
    counter = _Counter(monkeypatch)
    first = load_registry([str(folder)])
    assert counter.calls == 1
    assert list((cache.cache_dir() / "packs").rglob("*.pickle"))
    second = load_registry([str(folder)])
    assert counter.calls == 1  # from the cache
    assert second is not first
    assert _snapshot(second) == _snapshot(first)
    assert [asdict(r) for r in second.all_rules()] == [asdict(r) for r in first.all_rules()]
    assert packs.default_pack_ids(second) == packs.default_pack_ids(first)
    monkeypatch.setenv("COMPLIANCE_LINT_NO_CACHE", "all")
    fresh = load_registry([str(folder)])
    assert counter.calls == 2
    assert _snapshot(fresh) == _snapshot(second)


def test_editing_a_pack_file_invalidates_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _write_pack(tmp_path, "old text {match}")
    counter = _Counter(monkeypatch)
    assert load_registry([str(folder)]).find_rule("zstart.cure").message["en"] == "old text {match}"
    rules = folder / "rules.yaml"
    st = rules.stat()
    # same size, same mtime: only the contents' hash tells
    rules.write_text(RULE.format(message="new text {match}"), encoding="utf-8")
    os.utime(rules, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert rules.stat().st_size == st.st_size
    assert load_registry([str(folder)]).find_rule("zstart.cure").message["en"] == "new text {match}"
    assert counter.calls == 2
    # a new rule file is read too
    (folder / "more.yaml").write_text(RULE.replace("zstart.cure", "zstart.more").format(message="more"), encoding="utf-8")
    assert load_registry([str(folder)]).find_rule("zstart.more") is not None
    assert counter.calls == 3
    assert load_registry([str(folder)]).find_rule("zstart.more") is not None
    assert counter.calls == 3


def test_pack_path_as_given_is_part_of_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _write_pack(tmp_path)
    monkeypatch.chdir(tmp_path)
    relative = load_registry(["packs/zstart"])
    absolute = load_registry([str(folder)])
    assert relative.packs["zstart"].path == "packs/zstart"
    assert absolute.packs["zstart"].path == str(folder)
    assert absolute.find_rule("zstart.cure").source_path == str(folder / "rules.yaml")


def _error_of(folder: Path) -> str:
    with pytest.raises(RulePackError) as info:
        load_registry([str(folder)])
    return str(info.value)


def test_a_broken_pack_reports_the_same_error_with_a_cache_present(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _write_pack(tmp_path)
    load_registry([str(folder)])  # a good load is cached
    rules = folder / "rules.yaml"
    good = rules.read_text(encoding="utf-8")
    rules.write_text(good.replace("category: cure_claim", "category: no_such_category"), encoding="utf-8")
    with_cache = _error_of(folder)
    assert f"{rules}:4: category: " in with_cache and "no_such_category" in with_cache
    assert _error_of(folder) == with_cache  # failures are not cached
    monkeypatch.setenv("COMPLIANCE_LINT_NO_CACHE", "all")
    assert _error_of(folder) == with_cache
    monkeypatch.delenv("COMPLIANCE_LINT_NO_CACHE")
    rules.write_text(good, encoding="utf-8")
    assert load_registry([str(folder)]).find_rule("zstart.cure") is not None


def test_a_broken_pack_exits_2_with_file_line_field_on_every_run(tmp_path: Path) -> None:
    folder = _write_pack(tmp_path)
    (tmp_path / ".compliance-lint.yaml").write_text("rule_paths: [packs]\npacks: [zstart]\n", encoding="utf-8")
    (tmp_path / "post.md").write_text("# T\n\nThis cures it.\n", encoding="utf-8")
    env = _child_env(COMPLIANCE_LINT_CACHE_DIR=str(tmp_path / "cache"))

    def check() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "compliance_lint", "check", "--no-cache", "post.md"], cwd=tmp_path,
                              env=env, capture_output=True, text=True, timeout=300)

    assert check().returncode == 1  # fills the cache
    rules = folder / "rules.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("severity: error", "severity: fatal"), encoding="utf-8")
    runs = [check(), check()]
    for r in runs:
        assert r.returncode == 2, r.stderr
        assert "rules.yaml:5: severity: " in r.stderr and "fatal" in r.stderr
    assert runs[0].stderr == runs[1].stderr


def test_knowledge_base_is_cached_and_equal(monkeypatch: pytest.MonkeyPatch) -> None:
    from compliance_lint import kb

    calls = []
    real = kb._build
    monkeypatch.setattr(kb, "_build", lambda base: calls.append(base) or real(base))
    first = kb.load_kb.__wrapped__()
    second = kb.load_kb.__wrapped__()
    assert len(calls) == 1
    assert asdict(second) == asdict(first)


# --- spaCy without spacy.cli ------------------------------------------------------


def _python(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script)], env=_child_env(**env), capture_output=True,
                          text=True, timeout=300, cwd=str(ROOT))


PIPELINES = """
    import json, sys
    from compliance_lint.nlp import get_nlp
    en, zh = get_nlp("en"), get_nlp("zh")
    out = {
        "en": [t.text for t in en("It cures diabetes[1] fast. Really(2)!")],
        "sents": [s.text for s in en("It cures diabetes. It works.").sents],
        "zh": [s.text for s in zh("本品根治糖尿病。效果好").sents],
        "cli_loaded": sorted(m for m in ("typer", "weasel", "httpx", "jinja2") if m in sys.modules),
    }
"""


def test_spacy_pipelines_work_without_importing_spacy_cli() -> None:
    r = _python(PIPELINES + """
    import spacy
    out["info"] = callable(spacy.info)
    out["v1_by_spacy"] = "pydantic.v1" in sys.modules
    import pydantic.v1  # still importable afterwards
    out["v1_later"] = hasattr(pydantic.v1, "BaseModel")
    print(json.dumps(out))
    """)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["en"] == ["It", "cures", "diabetes", "[1]", "fast", ".", "Really", "(2)", "!"]
    assert out["sents"] == ["It cures diabetes.", "It works."]
    assert out["zh"] == ["本品根治糖尿病。", "效果好"]
    assert out["cli_loaded"] == []
    assert out["info"] is True
    assert out["v1_by_spacy"] is False and out["v1_later"] is True


def test_the_real_spacy_cli_is_still_there_when_asked_for() -> None:
    r = _python("""
    import json, sys
    from compliance_lint.nlp import get_nlp
    get_nlp("en")
    import spacy
    import spacy.cli
    info = spacy.info(silent=True)
    print(json.dumps({"version": info.get("spacy_version"), "download": callable(spacy.cli.download),
                      "submodule": __import__("spacy.cli.download", fromlist=["x"]).download is spacy.cli.download}))
    """)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    import importlib.metadata

    assert out == {"version": importlib.metadata.version("spacy"), "download": True, "submodule": True}


def test_same_tokens_with_and_without_the_stand_ins() -> None:
    script = PIPELINES + """
    print(json.dumps([out["en"], out["sents"], out["zh"], "typer" in sys.modules or "spacy.cli" not in sys.modules]))
    """
    light = _python(script)
    plain = _python(script, COMPLIANCE_LINT_PLAIN_SPACY="1")
    assert light.returncode == 0 and plain.returncode == 0, light.stderr + plain.stderr
    assert json.loads(light.stdout)[:3] == json.loads(plain.stdout)[:3]
    assert json.loads(plain.stdout)[3] is True  # plain import: the real spacy.cli


def test_a_failing_stand_in_falls_back_to_a_plain_import() -> None:
    r = _python("""
    import json, sys
    import compliance_lint.nlp as nlp
    def boom(self, module):
        raise RuntimeError("injected")
    nlp._LightSpacyCli.exec_module = boom
    en = nlp.get_nlp("en")
    print(json.dumps([[t.text for t in en("It cures diabetes[1].")], nlp._light_cli in sys.meta_path]))
    """)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == [["It", "cures", "diabetes", "[1]", "."], False]


# --- whole runs -------------------------------------------------------------------------


def _importtime_run(cwd: Path, env: dict[str, str], name: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "compliance_lint", "check", "--no-cache", name],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def _imported(stderr: str) -> set[str]:
    return {line.rsplit("|", 1)[-1].strip() for line in stderr.splitlines() if line.startswith("import time:")}


def test_check_of_a_clean_file_does_not_import_spacy_and_a_flagged_one_not_spacy_cli(tmp_path: Path) -> None:
    (tmp_path / "clean.md").write_text(
        '---\ntitle: "Meal prep"\n---\n\n# Meal prep for busy weeks\n\n'
        "Most people find it easier to plan meals on the weekend and cook in batches.\n\n- Buy vegetables on Saturday.\n",
        encoding="utf-8")
    (tmp_path / "bad.md").write_text("# Our program\n\nOur protocol cures type 2 diabetes in just 8 weeks.\n", encoding="utf-8")
    env = _child_env(COMPLIANCE_LINT_CACHE_DIR=str(tmp_path / "cache"))
    first = _importtime_run(tmp_path, env, "bad.md")  # fills the rule caches
    assert first.returncode == 1, first.stderr
    clean = _importtime_run(tmp_path, env, "clean.md")
    assert clean.returncode == 0, clean.stderr
    assert not {m for m in _imported(clean.stderr) if m == "spacy" or m.startswith("spacy.")}
    bad = _importtime_run(tmp_path, env, "bad.md")
    assert bad.returncode == 1, bad.stderr
    assert "cures type 2 diabetes" in bad.stdout and "findings in 1 file" in bad.stdout
    assert bad.stdout == first.stdout
    mods = _imported(bad.stderr)
    assert "spacy" in mods
    assert not mods & {"typer", "weasel", "spacy.cli.download", "spacy.cli._util"}


def test_the_command_line_runs_exit_handlers_and_flushes_before_its_quick_exit(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_text("# T\n\nOur protocol cures type 2 diabetes.\n", encoding="utf-8")
    marker = tmp_path / "atexit-ran"
    script = textwrap.dedent(f"""
        import atexit, sys
        from compliance_lint.cli import main
        atexit.register(lambda: open({str(marker)!r}, "w").write("yes"))
        sys.argv = ["compliance-lint", "check", "--no-cache", "--format", "json", "bad.md"]
        main()
    """)
    env = _child_env(COMPLIANCE_LINT_CACHE_DIR=str(tmp_path / "cache"))
    r = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 1, r.stderr
    assert json.loads(r.stdout)["findings"]  # the whole report arrived
    assert marker.read_text() == "yes"
    # the phrase expansions (lemmas.py, saved by an exit handler) reached the cache: {"96:cure": [...], ...}
    saved = [json.loads(p.read_text(encoding="utf-8")) for p in (Path(env["COMPLIANCE_LINT_CACHE_DIR"]) / "plans").rglob("*.json")]
    assert any(isinstance(d, dict) and d and all(k.split(":", 1)[0].isdigit() for k in d) for d in saved)
