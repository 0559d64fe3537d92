"""Integrity checks for the knowledge-base data files in rules/kb/.

Loads the YAML directly (no project imports) and checks referential integrity,
allowed values, alias hygiene and a few approval facts that rules depend on.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

KB = Path(__file__).resolve().parents[1] / "rules" / "kb"

JURISDICTIONS = ("US", "EU", "CN", "UK", "AU")
STATUSES = {"approved", "not_approved", "withdrawn", "investigational", "cosmetic_ingredient", "diagnostic_only"}
WADA_STATUSES = {"prohibited", "monitored", "not_prohibited", "unclear"}
CONFIDENCE = {"V", "S", "U"}
KINDS = {"approved_indication", "marketing_claim"}
SINCE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# Statuses under which a block may list indications.
STATUSES_WITH_INDICATIONS = {"approved", "diagnostic_only", "withdrawn"}


@pytest.fixture(scope="module")
def substances_doc() -> dict:
    with (KB / "substances.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def conditions_doc() -> dict:
    with (KB / "conditions.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def substances(substances_doc) -> list[dict]:
    return substances_doc["substances"]


@pytest.fixture(scope="module")
def classes(substances_doc) -> list[dict]:
    return substances_doc["classes"]


@pytest.fixture(scope="module")
def descriptors(substances_doc) -> list[dict]:
    return substances_doc.get("descriptors", [])


@pytest.fixture(scope="module")
def conditions(conditions_doc) -> list[dict]:
    return conditions_doc["conditions"]


@pytest.fixture(scope="module")
def condition_ids(conditions) -> set[str]:
    return {c["id"] for c in conditions}


@pytest.fixture(scope="module")
def source_keys(substances_doc) -> set[str]:
    return set(substances_doc["meta"]["sources"])


def fold(text: str) -> str:
    """Case-fold only (what the matcher treats as the same string)."""
    return text.casefold()


def family(text: str) -> str:
    """Variant family: case, spaces and hyphens ignored (the matcher generates those variants)."""
    return re.sub(r"[\s\-\u2010\u2011\u2012\u2013]+", "", text.casefold())


def iter_blocks(substance: dict):
    """(jurisdiction, block) for the five main jurisdictions and any others."""
    for code, block in substance["approvals"].items():
        yield code, block
    for code, block in (substance.get("other_jurisdictions") or {}).items():
        yield code, block


def by_id(items: list[dict]) -> dict[str, dict]:
    return {item["id"]: item for item in items}


# --------------------------------------------------------------------------- meta


def test_meta(substances_doc, conditions_doc):
    meta = substances_doc["meta"]
    assert meta["schema_version"] == 1
    assert isinstance(meta["as_of"], str) and re.match(r"^\d{4}-\d{2}-\d{2}$", meta["as_of"])
    assert isinstance(meta["note"], str) and meta["note"]
    assert isinstance(meta["sources"], dict) and meta["sources"]
    assert "label" not in meta["sources"], "'label' is a reserved literal, not a source key"
    for key, value in meta["sources"].items():
        assert isinstance(value, str) and value.strip(), key
    assert conditions_doc["meta"]["schema_version"] == 1


# --------------------------------------------------------------------------- ids


def test_ids_unique(substances, classes, conditions, descriptors):
    for name, items in (("substance", substances), ("class", classes), ("condition", conditions), ("descriptor", descriptors)):
        ids = [item["id"] for item in items]
        dupes = {i for i in ids if ids.count(i) > 1}
        assert not dupes, f"duplicate {name} ids: {dupes}"
        for i in ids:
            assert re.match(r"^[a-z][a-z0-9_]*$", i), f"{name} id not snake_case: {i}"
    # Substances and classes are separate namespaces (the brief names both a class and a substance `insulin`).


def test_brief_substances_present(substances):
    required = {
        "semaglutide", "liraglutide", "dulaglutide", "exenatide", "lixisenatide", "tirzepatide", "retatrutide",
        "cagrilintide", "tesamorelin", "sermorelin", "cjc_1295", "ipamorelin", "hexarelin", "ghrp_2", "ghrp_6",
        "ibutamoren", "bpc_157", "thymosin_beta_4", "ghk_cu", "aod_9604", "mots_c", "bremelanotide",
        "melanotan_ii", "selank", "semax", "epitalon", "thymosin_alpha_1", "kisspeptin", "insulin",
        "pramlintide", "benaglutide", "mazdutide",
    }
    missing = required - {s["id"] for s in substances}
    assert not missing, f"substances missing: {missing}"


def test_brief_classes_present(classes):
    required = {"glp1_ra", "gip_glp1_agonist", "ghrh_analogue", "ghrp", "gh_secretagogue", "research_peptide",
                "amylin_analogue", "melanocortin_agonist", "insulin"}
    missing = required - {c["id"] for c in classes}
    assert not missing, f"classes missing: {missing}"


# --------------------------------------------------------------------------- classes


def test_classes_shape_and_includes(classes):
    class_ids = {c["id"] for c in classes}
    for cls in classes:
        assert isinstance(cls["name"], str) and cls["name"]
        assert isinstance(cls["en"], list) and cls["en"], cls["id"]
        assert isinstance(cls["zh"], list), cls["id"]
        for child in cls.get("includes", []) or []:
            assert child in class_ids, f"{cls['id']} includes unknown class {child}"
            assert child != cls["id"]
    # no cycles in includes
    graph = {c["id"]: set(c.get("includes", []) or []) for c in classes}

    def reach(start: str) -> set[str]:
        seen: set[str] = set()
        stack = list(graph[start])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(graph[node])
        return seen

    for cid in graph:
        assert cid not in reach(cid), f"class include cycle through {cid}"
    assert {"ghrh_analogue", "ghrp"} <= graph["gh_secretagogue"]


# --------------------------------------------------------------------------- substances


def test_substance_shape(substances, classes, source_keys):
    class_ids = {c["id"] for c in classes}
    for sub in substances:
        sid = sub["id"]
        assert isinstance(sub["name"], str) and sub["name"], sid
        assert sub["classes"] is not None and isinstance(sub["classes"], list), sid
        for cid in sub["classes"]:
            assert cid in class_ids, f"{sid}: unknown class {cid}"
        assert isinstance(sub["rx_only"], bool), f"{sid}: rx_only must be true or false (the loader defaults a missing/null value)"
        assert isinstance(sub["en"], list) and sub["en"], f"{sid}: needs English names"
        assert isinstance(sub["zh"], list), sid
        assert isinstance(sub["products"], list), sid
        for product in sub["products"]:
            assert isinstance(product["name"], str) and product["name"], sid
            assert isinstance(product.get("zh", []), list), f"{sid}/{product['name']}: zh must be a list"
        names = [p["name"] for p in sub["products"]]
        assert len(names) == len(set(names)), f"{sid}: duplicate product names"
        for key in sub.get("sources", []) or []:
            assert key in source_keys, f"{sid}: unknown source key {key}"
        assert sub["wada"]["status"] in WADA_STATUSES, f"{sid}: wada status {sub['wada']['status']}"
        assert sub["wada"].get("c") in CONFIDENCE, f"{sid}: wada needs c"


def test_every_jurisdiction_present(substances):
    for sub in substances:
        assert set(sub["approvals"]) == set(JURISDICTIONS), (
            f"{sub['id']}: approvals must have exactly {JURISDICTIONS}, got {sorted(sub['approvals'])}"
        )
        for code in sub.get("other_jurisdictions") or {}:
            assert code not in JURISDICTIONS, f"{sub['id']}: {code} belongs under approvals"


def test_blocks_and_indications(substances, condition_ids, source_keys):
    for sub in substances:
        products = {p["name"] for p in sub["products"]}
        for code, block in iter_blocks(sub):
            where = f"{sub['id']}/{code}"
            assert block["status"] in STATUSES, f"{where}: status {block['status']}"
            assert block.get("c") in CONFIDENCE, f"{where}: block needs c"
            indications = block.get("indications") or []
            if block["status"] in {"approved", "diagnostic_only"}:
                assert indications, f"{where}: {block['status']} without indications"
            if block["status"] not in STATUSES_WITH_INDICATIONS:
                assert not indications, f"{where}: {block['status']} block must not list indications"
            for note in block.get("notes", []) or []:
                assert isinstance(note, str)
            for ind in indications:
                assert ind["condition"] in condition_ids, f"{where}: unknown condition {ind['condition']}"
                assert ind.get("c") in CONFIDENCE, f"{where}/{ind['condition']}: c must be V/S/U"
                src = ind.get("source")
                assert src == "label" or src in source_keys, f"{where}/{ind['condition']}: bad source {src!r}"
                if "product" in ind:
                    assert ind["product"] in products, (
                        f"{where}/{ind['condition']}: product {ind['product']!r} not in products {sorted(products)}"
                    )
                if "since" in ind:
                    assert isinstance(ind["since"], str) and SINCE_RE.match(ind["since"]), (
                        f"{where}/{ind['condition']}: since must be a quoted YYYY[-MM[-DD]] string, got {ind['since']!r}"
                    )


def test_rx_only_flags(substances):
    subs = by_id(substances)
    # never-approved S4-type peptides must count as prescription-only (rx_promotion with include_unapproved)
    for sid in ("bpc_157", "cjc_1295", "ipamorelin", "thymosin_beta_4", "ghrp_6", "semaglutide", "tirzepatide"):
        assert subs[sid]["rx_only"] is True, sid
    assert subs["ghk_cu"]["rx_only"] is False


# --------------------------------------------------------------------------- aliases


def _alias_owners(substances, classes, descriptors):
    """(string, owner, list-name) for every name that identifies a substance, class, product or descriptor."""
    for sub in substances:
        owner = f"substance:{sub['id']}"
        for lang in ("en", "zh"):
            for alias in sub[lang]:
                yield alias, owner, f"{owner}.{lang}"
        for product in sub["products"]:
            yield product["name"], owner, f"{owner}.products"
            for zh in product.get("zh", []) or []:
                yield zh, owner, f"{owner}.products.zh"
    for cls in classes:
        owner = f"class:{cls['id']}"
        for lang in ("en", "zh"):
            for alias in cls[lang]:
                yield alias, owner, f"{owner}.{lang}"
    for desc in descriptors:
        owner = f"descriptor:{desc['id']}"
        for lang in ("en", "zh"):
            for alias in desc.get(lang, []) or []:
                yield alias, owner, f"{owner}.{lang}"


def test_alias_strings_are_nonempty_strings(substances, classes, descriptors):
    for alias, owner, _ in _alias_owners(substances, classes, descriptors):
        assert isinstance(alias, str) and alias.strip() == alias and alias, f"{owner}: bad alias {alias!r}"


def test_no_alias_shared_between_owners(substances, classes, descriptors):
    owners: dict[str, set[str]] = defaultdict(set)
    for alias, owner, _ in _alias_owners(substances, classes, descriptors):
        owners[fold(alias)].add(owner)
    clashes = {a: sorted(o) for a, o in owners.items() if len(o) > 1}
    assert not clashes, f"aliases owned by more than one substance/class/descriptor: {clashes}"


def test_no_alias_variant_family_shared_between_owners(substances, classes, descriptors):
    # "BPC-157" and "BPC 157" are the same to the matcher, so they must not point to different things.
    owners: dict[str, set[str]] = defaultdict(set)
    for alias, owner, _ in _alias_owners(substances, classes, descriptors):
        owners[family(alias)].add(owner)
    clashes = {a: sorted(o) for a, o in owners.items() if len(o) > 1}
    assert not clashes, f"alias variant families owned by more than one entry: {clashes}"


def test_one_spelling_per_variant_family(substances, classes, descriptors):
    # Within one list, hyphen/space/case variants are redundant: the matcher generates them.
    lists: dict[str, list[str]] = defaultdict(list)
    for alias, _, list_name in _alias_owners(substances, classes, descriptors):
        lists[list_name].append(alias)
    for list_name, aliases in lists.items():
        seen: dict[str, str] = {}
        for alias in aliases:
            key = family(alias)
            assert key not in seen, f"{list_name}: {alias!r} and {seen[key]!r} are the same variant family"
            seen[key] = alias


BANNED_ALIASES = {
    # ambiguous short forms and generic slang the brief rules out
    "sema", "reta", "tirz", "ipa", "ta1", "mt2", "tb4", "cjc", "bpc", "aedg", "kp-10", "pl-10", "tp-7",
    "skinny jab", "weight loss jab", "fat jab", "peptide therapy", "triple agonist", "dual agonist",
    "减肥针", "瘦瘦针", "减重针", "美黑针", "司美", "吻素", "亲吻素",
}


def test_no_banned_aliases(substances, classes):
    for alias, owner, _ in _alias_owners(substances, classes, []):
        assert fold(alias) not in BANNED_ALIASES, f"{owner}: alias {alias!r} is too generic or ambiguous"


def test_descriptors(descriptors, substances, classes):
    known = {s["id"] for s in substances} | {c["id"] for c in classes}
    ids = {d["id"] for d in descriptors}
    assert "weight_loss_injection" in ids
    for desc in descriptors:
        assert desc.get("en") or desc.get("zh"), desc["id"]
        both = {s["id"] for s in substances} & {c["id"] for c in classes}
        for ref in desc.get("refers_to", []) or []:
            assert ref in known, f"descriptor {desc['id']}: unknown refers_to {ref}"
            assert ref not in both, f"descriptor {desc['id']}: refers_to {ref} is both a substance and a class id"
    jab = by_id(descriptors)["weight_loss_injection"]
    assert "skinny jab" in jab["en"] and "减肥针" in jab["zh"] and "瘦瘦针" in jab["zh"]


def test_case_sensitive_entries_are_listed(substances_doc, conditions):
    for item in list(substances_doc["classes"]) + list(conditions):
        for entry in item.get("case_sensitive", []) or []:
            assert entry in item["en"] or entry in item["zh"], f"{item['id']}: case_sensitive {entry!r} not in en/zh"


def test_no_single_chinese_character(substances, classes, descriptors, conditions):
    cjk = re.compile(r"^[\u4e00-\u9fff]$")
    for alias, owner, _ in _alias_owners(substances, classes, descriptors):
        assert not cjk.match(alias), f"{owner}: single-character alias {alias!r}"
    for cond in conditions:
        for syn in cond["zh"]:
            assert not cjk.match(syn), f"{cond['id']}: single-character synonym {syn!r}"


# --------------------------------------------------------------------------- conditions


def test_condition_shape(conditions, condition_ids):
    for cond in conditions:
        cid = cond["id"]
        assert cond["kind"] in KINDS, f"{cid}: kind {cond['kind']}"
        for flag in ("disease", "serious", "tga_prohibited"):
            assert isinstance(cond[flag], bool), f"{cid}: {flag} must be a boolean"
        assert cond["c"] in CONFIDENCE, f"{cid}: c"
        assert isinstance(cond["implies"], list), cid
        for target in cond["implies"]:
            assert target in condition_ids and target != cid, f"{cid}: bad implies {target}"
        assert isinstance(cond["en"], list) and cond["en"], f"{cid}: needs English synonyms"
        assert isinstance(cond["zh"], list) and cond["zh"], f"{cid}: needs Chinese synonyms"
        for syn in cond["en"] + cond["zh"]:
            assert isinstance(syn, str) and syn and syn.strip() == syn, f"{cid}: bad synonym {syn!r}"
        if cond["tga_prohibited"]:
            assert cond["disease"] and cond["serious"], f"{cid}: prohibited representations are serious diseases"


def test_no_condition_synonym_shared(conditions):
    owners: dict[str, set[str]] = defaultdict(set)
    for cond in conditions:
        for syn in cond["en"] + cond["zh"]:
            owners[fold(syn)].add(cond["id"])
    clashes = {s: sorted(o) for s, o in owners.items() if len(o) > 1}
    assert not clashes, f"condition synonyms used by more than one condition: {clashes}"


def test_no_condition_synonym_family_shared(conditions):
    owners: dict[str, set[str]] = defaultdict(set)
    for cond in conditions:
        for syn in cond["en"] + cond["zh"]:
            owners[family(syn)].add(cond["id"])
    clashes = {s: sorted(o) for s, o in owners.items() if len(o) > 1}
    assert not clashes, f"condition synonym variant families used by more than one condition: {clashes}"


def test_condition_one_spelling_per_family(conditions):
    for cond in conditions:
        for lang in ("en", "zh"):
            seen: dict[str, str] = {}
            for syn in cond[lang]:
                key = family(syn)
                assert key not in seen, f"{cond['id']}.{lang}: {syn!r} and {seen[key]!r} are the same variant family"
                seen[key] = syn


BANNED_CONDITION_SYNONYMS = {
    # everyday words that usually are not about a condition
    "recovery", "performance", "focus", "memory", "stress", "mood", "cutting", "shred", "endurance", "stamina",
    "cognition", "bmi", "cholesterol", "immune system", "collagen", "tan", "aids", "ed", "hypertrophy",
    "telomere", "waistline", "kidney function", "liver detox", "body fat",
    "恢复", "体能", "耐力", "压力", "情绪", "认知", "记忆力", "专注力", "再生", "生发", "增高", "年轻化", "长寿",
    "成瘾", "多囊", "塑形", "体成分", "胶原蛋白", "紧致", "腰围", "肾功能", "护肝", "体脂率", "降压",
}


def test_no_banned_condition_synonyms(conditions):
    for cond in conditions:
        for syn in cond["en"] + cond["zh"]:
            assert fold(syn) not in BANNED_CONDITION_SYNONYMS, f"{cond['id']}: synonym {syn!r} is too generic"


def test_condition_and_alias_strings_disjoint(substances, classes, descriptors, conditions):
    aliases = {fold(a) for a, _, _ in _alias_owners(substances, classes, descriptors)}
    for cond in conditions:
        for syn in cond["en"] + cond["zh"]:
            assert fold(syn) not in aliases, f"{cond['id']}: {syn!r} is also a substance/class/descriptor name"


def test_required_conditions_present(condition_ids):
    required = {
        "type_2_diabetes", "type_1_diabetes", "diabetes_mellitus", "obesity_weight_management", "cosmetic_weight_loss",
        "visceral_fat", "fat_loss", "appetite_suppression", "cancer", "hiv_aids", "depression", "mental_illness",
        "alzheimers_dementia", "arthritis", "hypertension", "dyslipidemia", "pcos", "infertility",
        "erectile_dysfunction", "hair_loss", "skin_ageing", "sarcopenia", "anti_aging_longevity", "injury_healing",
        "gut_healing", "inflammatory_bowel_disease", "inflammation", "immune_support", "sleep_quality", "cognition",
        "fatty_liver", "mash", "metabolic_syndrome", "insulin_resistance", "prediabetes",
    }
    missing = required - condition_ids
    assert not missing, f"conditions missing: {missing}"


def test_condition_flags(conditions):
    conds = by_id(conditions)
    assert set(conds["diabetes_mellitus"]["implies"]) == {"type_2_diabetes", "type_1_diabetes"}
    assert "visceral_fat" not in conds["hiv_lipodystrophy"]["implies"]
    assert conds["weight_loss"]["implies"] == ["obesity_weight_management"]
    for cid in ("cancer", "hiv_aids", "mental_illness"):
        assert conds[cid]["tga_prohibited"], cid
    for cid in ("visceral_fat", "fat_loss", "appetite_suppression", "anti_aging_longevity", "muscle_growth",
                "sleep_quality", "skin_ageing", "weight_loss"):
        assert conds[cid]["disease"] is False, cid
    for cid in ("insulin_resistance", "prediabetes", "fatty_liver", "hypertension", "type_2_diabetes"):
        assert conds[cid]["disease"] is True, cid
    assert conds["obesity_weight_management"]["serious"] and conds["obesity_weight_management"]["c"] == "U"
    # generic weight-loss words map (via weight_loss -> implies) to obesity, as the research says
    assert {"weight loss", "lose weight"} <= set(conds["weight_loss"]["en"])
    assert {"减重", "减肥"} <= set(conds["weight_loss"]["zh"])


# --------------------------------------------------------------------------- key approval facts


def _on_label(sub: dict, code: str, condition: str, product: str | None = None) -> bool:
    block = sub["approvals"][code]
    if block["status"] != "approved":
        return False
    for ind in block.get("indications") or []:
        if ind["condition"] == condition and (product is None or ind.get("product") in (None, product)):
            return True
    return False


def test_key_facts(substances):
    subs = by_id(substances)
    sema, tirz, tesa, ta1 = subs["semaglutide"], subs["tirzepatide"], subs["tesamorelin"], subs["thymosin_alpha_1"]
    for code in JURISDICTIONS:
        assert not _on_label(sema, code, "obesity_weight_management", "Ozempic"), f"Ozempic weight approval in {code}?"
        assert not _on_label(subs["dulaglutide"], code, "obesity_weight_management")
        assert _on_label(tirz, code, "obesity_weight_management", "Zepbound" if code == "US" else "Mounjaro"), code
    for code in ("US", "EU", "CN", "UK", "AU"):
        assert _on_label(sema, code, "obesity_weight_management", "Wegovy"), code
    assert _on_label(subs["liraglutide"], "US", "obesity_weight_management", "Saxenda")
    assert not _on_label(tirz, "US", "obesity_weight_management", "Mounjaro")
    assert _on_label(tirz, "US", "obstructive_sleep_apnea", "Zepbound")
    assert {p["name"]: p["zh"] for p in tirz["products"]}["Mounjaro"] == ["穆峰达"]
    # tesamorelin: US only, HIV lipodystrophy only
    assert [c for c in JURISDICTIONS if tesa["approvals"][c]["status"] == "approved"] == ["US"]
    assert [i["condition"] for i in tesa["approvals"]["US"]["indications"]] == ["hiv_lipodystrophy"]
    # thymosin alpha-1: approved in CN for hepatitis B and vaccine response
    assert _on_label(ta1, "CN", "chronic_hepatitis_b") and _on_label(ta1, "CN", "vaccine_response_immunocompromised")
    assert ta1["approvals"]["US"]["status"] == "not_approved"
    assert _on_label(subs["mazdutide"], "CN", "obesity_weight_management", "Xinermei")
    # never-approved research peptides
    for sid in ("bpc_157", "cjc_1295", "ipamorelin", "thymosin_beta_4", "aod_9604", "melanotan_ii", "epitalon"):
        for code in JURISDICTIONS:
            assert subs[sid]["approvals"][code]["status"] != "approved", f"{sid} approved in {code}?"
    # no substance is approved for a pure marketing claim such as insulin resistance
    for sub in substances:
        for code in JURISDICTIONS:
            assert not _on_label(sub, code, "insulin_resistance"), sub["id"]
