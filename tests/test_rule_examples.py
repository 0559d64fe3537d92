"""Every bundled rule's ``bad`` examples trigger it and its ``good`` examples do not.

One test per rule and example, so a failure names the rule and the sentence.
"""

from __future__ import annotations

import pytest

from compliance_lint.annotations import counted
from compliance_lint.config import Config
from compliance_lint.harness import LinterCache, lint_example
from compliance_lint.packs import load_registry

REGISTRY = load_registry()
CACHE = LinterCache(REGISTRY, Config())
CASES = [
    pytest.param(rule.id, kind, text, id=f"{rule.id}-{kind}{i}")
    for rule in REGISTRY.all_rules()
    for kind, texts in (("bad", rule.examples_bad), ("good", rule.examples_good))
    for i, text in enumerate(texts)
]


def test_every_rule_has_bad_and_good_examples() -> None:
    missing = [r.id for r in REGISTRY.all_rules() if not r.examples_bad or not r.examples_good]
    assert not missing


def test_all_seven_packs_exist() -> None:
    assert {"nmpa", "fda", "ftc", "eu", "uk", "tga", "wada"} <= set(REGISTRY.packs)


@pytest.mark.parametrize(("rule_id", "kind", "text"), CASES)
def test_rule_example(rule_id: str, kind: str, text: str) -> None:
    rule = REGISTRY.find_rule(rule_id)
    assert rule is not None
    # as `compliance-lint test` does: an info rule's own findings count at its own level
    hits = [f for f in lint_example(CACHE, rule.pack, text, rule.when) if f.rule == rule_id and (counted(f) or (rule.severity == "info" and not f.suppressed))]
    if kind == "bad":
        assert hits, f"{rule_id} should flag: {text}"
    else:
        assert not hits, f"{rule_id} should not flag {[h.match for h in hits]} in: {text}"
