"""``Prefilter.kinds_needing`` (scan, key and second-literal index, lazy probes)
agrees with the plan read literally: a requirement holds when all its atoms
occur at their word edges, one of its group's cue words occurs and its confirm
regex matches."""

from __future__ import annotations

import functools
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance_lint.config import Config
from compliance_lint.packs import default_pack_ids, load_registry
from compliance_lint.prefilter import _UNSAFE, Plan, Prefilter, _minimal, confirms, forget_confirmed
from compliance_lint.runner import build_linter


def reference_kinds(plan: Plan, text: str, block_kind: str = "paragraph") -> frozenset[int]:
    """The kinds whose requirements ``text`` holds, every requirement tested in full."""
    every = frozenset(range(len(plan.kinds)))
    if block_kind in plan.always_blocks or _UNSAFE.search(text):
        return every
    zh = plan.lang == "zh"
    low = text.lower()
    if zh:
        low = "".join(low.split())

    @functools.cache
    def present(atom: int) -> bool:
        lit, cs, ce = plan.atoms[atom]
        if zh:
            return lit in low
        i = low.find(lit)
        while i >= 0:
            e = i + len(lit)
            if not ((cs and i > 0 and low[i - 1].isalpha()) or (ce and e < len(low) and low[e].isalpha())):
                return True
            i = low.find(lit, i + 1)
        return False

    woken = set(plan.always_kinds)
    req_group = plan.req_group or [-1] * len(plan.requirements)
    for req, cid, kind, gid in zip(plan.requirements, plan.req_confirm, plan.req_kind, req_group, strict=True):
        if not all(present(a) for a in req):
            continue
        if gid >= 0 and not any(plan.atoms[a][0] in low for a in plan.groups[gid]):
            continue
        if cid >= 0 and not confirms(text, *plan.confirms[cid]):
            continue
        woken.add(kind)
    return frozenset(woken)


# A small plan exercising each path: edged and plain atoms, scanned (rare) and
# unscanned (short, common) literals, a key shared by kinds, requirements filed
# under a second literal, groups whose words contain one another, confirms.
ATOMS = [
    ("cure", True, True), ("cure", False, False), ("rate", False, False), ("of", False, False), ("1", False, False),
    ("month", False, False), ("weight", True, False), ("the", True, True), ("best", True, True), ("research", False, False),
    ("mice", False, False), ("in", True, True), ("#", False, False), ("i", False, False), ("inject", False, False),
    ("injection", False, False), ("on", False, False), ("plan", False, False), ("planning", False, False), ("d", False, False),
]
SMALL = Plan(
    lang="en",
    atoms=ATOMS,
    requirements=[(0,), (1, 2), (2, 3, 4), (5, 6), (5, 9), (5, 9, 10), (7, 8), (9, 10, 11), (4, 12), (5,), (6,), (10,), (2,)],
    req_confirm=[-1, -1, 0, -1, 1, -1, -1, -1, 2, -1, -1, -1, -1],
    confirms=[(r"rate of \d", True), (r"research\W+month", True), (r"#\s*1", True)],
    req_kind=[0, 1, 1, 2, 2, 3, 4, 3, 4, 5, 5, 6, 6],
    req_group=[-1, -1, -1, -1, -1, 0, -1, -1, -1, 1, 2, 1, 2],
    groups=[[14, 15], [13, 16], [17, 18, 19]],
    kinds=[f"k{i}" for i in range(7)],
)
WORDS = [a[0] for a in ATOMS] + ["cured", "secure", "rates", "months", "weights", "bestest", "theme", "Mice", "CURE",
                                 "injections", "plans", "ſ", "rate of 5", "# 1", "research - month", "x", "q"]
SEPS = ["", " ", "  ", "-", ".", "\n", "a", "s", "1"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPS)), max_size=14))
def test_small_plan_agrees_with_reference(parts: list[tuple[str, str]]) -> None:
    text = "".join(w + s for w, s in parts)
    forget_confirmed()
    assert Prefilter(SMALL).kinds_needing(text) == reference_kinds(SMALL, text), text


def test_small_plan_zh() -> None:
    plan = Plan.from_json({**SMALL.to_json(), "lang": "zh"})
    pf = Prefilter(plan)
    for text in ["cure rate of 1", "c u r e", "re search mo nth", "研究 month", "plan ning", "in ject", "", "月"]:
        assert pf.kinds_needing(text) == reference_kinds(plan, text), text


def test_minimal_group_literals() -> None:
    assert _minimal(["inject", "injection", "on", "i"]) == ["i", "on"]
    assert _minimal(["plan", "planning", "lan"]) == ["lan"]


@pytest.fixture(scope="module")
def bundled_plans() -> list[Plan]:
    registry = load_registry()
    linter = build_linter(registry, default_pack_ids(registry), Config())
    return [linter.prefilter_for(lang).plan for lang in ("en", "zh")]


def _vocabulary(plan: Plan) -> list[str]:
    """The plan's own literals (spelled as written and capitalised), so that random
    text reaches keys, second literals, groups and confirms."""
    lits = sorted({a[0] for a in plan.atoms})
    return lits + [x.capitalize() for x in lits[::7]] + [x.upper() for x in lits[::11]]


@pytest.mark.parametrize("lang_index", [0, 1])
def test_bundled_plans_agree_with_reference(bundled_plans: list[Plan], lang_index: int) -> None:
    plan = bundled_plans[lang_index]
    pf = Prefilter(plan)
    vocab = _vocabulary(plan)

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.tuples(st.sampled_from(vocab), st.sampled_from([" ", "", "-", ". ", "s ", "\n", " 12 ", "%"])),
                    max_size=25))
    def check(parts: list[tuple[str, str]]) -> None:
        text = "".join(w + s for w, s in parts)
        forget_confirmed()
        assert pf.kinds_needing(text) == reference_kinds(plan, text), text

    check()


def test_bundled_plans_agree_on_requirement_texts(bundled_plans: list[Plan]) -> None:
    """Each requirement's own literals, in a sentence: many requirements hold, some only just."""
    for plan in bundled_plans:
        pf = Prefilter(plan)
        sep = "" if plan.lang == "zh" else " "
        for i, req in enumerate(plan.requirements[::90]):
            words = [plan.atoms[a][0] for a in req]
            for text in (sep.join(words), "x".join(words), f"We saw {sep.join(reversed(words))} in 3 months, 25% of 1."):
                forget_confirmed()
                assert pf.kinds_needing(text) == reference_kinds(plan, text), (i, text)


def test_common_short_literals_are_not_scanned(bundled_plans: list[Plan]) -> None:
    """The scan holds no one-letter cue words: they are looked up only when a requirement needs them."""
    pf = Prefilter(bundled_plans[0])
    assert not [lit for lit in pf.literals if len(lit.strip()) == 1 and lit.isascii() and re.fullmatch(r"[a-z]", lit)
                and lit not in pf._key_lits]
