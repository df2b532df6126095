"""Pydantic models of parsed evidence and of findings."""
