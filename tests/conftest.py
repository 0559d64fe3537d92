"""Shared pytest setup.

Every test runs with its own cache directory (COMPLIANCE_LINT_CACHE_DIR) so no
test reads a cache another run or a cloned repository left behind. Tests that
depend on config discovery chdir into ``tmp_path`` themselves
(``monkeypatch.chdir``). Add further shared fixtures below.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path_factory.mktemp("cl-cache")
    monkeypatch.setenv("COMPLIANCE_LINT_CACHE_DIR", str(cache))
    monkeypatch.delenv("COMPLIANCE_LINT_NO_CACHE", raising=False)  # an in-process `check --no-cache` sets it
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
