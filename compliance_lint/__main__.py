"""Allow ``python -m compliance_lint``."""

from compliance_lint.cli import main

if __name__ == "__main__":  # pragma: no cover
    main()
