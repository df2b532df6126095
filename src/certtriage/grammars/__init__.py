"""Lark grammars shipped with the package (resource names only)."""

CERTUTIL_VERIFY = "certutil_verify.lark"
EVENTS = "events.lark"
