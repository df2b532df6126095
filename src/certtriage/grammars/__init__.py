"""Lark grammars shipped with the package (resource names only)."""

CERTUTIL_VERIFY = "certutil_verify.lark"
EVENT_TEXT = "event_text.lark"
