"""compliance-lint: a deterministic, offline linter for health-marketing content."""

__version__ = "0.1.0"
