"""Rule kinds: one module per kind, found by name, imported only when used.

Adding a kind means adding a module here with a ``Kind`` class (see
``kinds/base.py``) and one line in ``KIND_MODULES``.
"""

from __future__ import annotations

import importlib
from typing import Any

KIND_MODULES = {
    "phrase": "compliance_lint.kinds.phrase",
    "pattern": "compliance_lint.kinds.pattern",
    "regex": "compliance_lint.kinds.regex",
    "claim": "compliance_lint.kinds.claim",
    "off_label": "compliance_lint.kinds.off_label",
    "unapproved": "compliance_lint.kinds.unapproved",
    "required": "compliance_lint.kinds.required",
    "rx_promotion": "compliance_lint.kinds.rx_promotion",
}


def kind_names() -> tuple[str, ...]:
    return tuple(KIND_MODULES)


def get_kind(name: str) -> Any:
    return importlib.import_module(KIND_MODULES[name]).Kind
