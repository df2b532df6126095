"""The version, in one place (the package, reports and the rulebook cache read it)."""

__version__ = "0.1.0"
