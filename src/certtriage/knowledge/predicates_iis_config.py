"""Placeholder: predicates for this evidence format are added here."""
