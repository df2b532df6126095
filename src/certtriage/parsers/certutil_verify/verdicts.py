"""Predicates about the lines that decide an outcome on their own.

A paste often holds only certutil's last lines. `CertUtil: -verify command FAILED: 0x...`,
`ERROR: Verifying leaf certificate revocation status returned ... 0x...` and an error line
before the verdicts name the failure by their error code; `Leaf certificate revocation check
passed` (or -scinfo's `Chain validates`) with no line reporting an error is a pass. What a code
means is decided by its family in the code tables (a code they do not know, by its facility).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any, get_args

from ...knowledge.codes import code_tables
from ...knowledge.codes.tables import Family
from ...knowledge.predicates import Binding, predicate, vocabulary
from ...models.common import HResult
from .binding import ChainBinding, chain_shown_whole, error_bits, failure_reported, leaf
from .model import CertutilVerify

_LINES = ("failed", "leaf", "error")
_FAMILIES = (*get_args(Family), "unknown")
#: HRESULT facility -> the family of codes the tables do not know.
_FACILITY = {7: "win32", 9: "crypt", 11: "cert", 16: "scard", 25: "http"}
_VARIANTS = get_args(CertutilVerify.model_fields["variant"].annotation)


@vocabulary("decisive_lines")
def _line(item: Any) -> str | None:
    return None if item in _LINES else f"{item!r} is not one of {list(_LINES)}"


@vocabulary("code_families")
def _family(item: Any) -> str | None:
    return None if item in _FAMILIES else f"{item!r} is not one of {list(_FAMILIES)}"


@vocabulary("forms")
def _variant(item: Any) -> str | None:
    return None if item in _VARIANTS else f"{item!r} is not one of {list(_VARIANTS)}"


@vocabulary("except_codes")
def _not_code(item: Any) -> str | None:
    return None if code_tables().lookup(item) else f"unknown error code {item!r}"


def family_of(code: HResult) -> str:
    """The family of a code: from the tables, else from its facility, else `unknown`."""
    known = code_tables().by_value(code.value)
    if known is not None:
        return known.family
    return _FACILITY.get((code.value >> 16) & 0x1FFF, "unknown")


def _text(code: HResult) -> str:
    """What a code means: the tables' text (a FAILED line prints none of its own), else the
    text printed with it."""
    known = code_tables().by_value(code.value)
    return (known.message if known is not None and known.message else code.message) or (
        "no message printed")


def _decisive(doc: CertutilVerify, lines: list[str]) -> Iterator[tuple[HResult, str]]:
    t = doc.trailer
    if "failed" in lines and t.failed_hresult is not None:
        yield t.failed_hresult, "failed"
    if "leaf" in lines and t.leaf_revocation_error is not None:
        yield t.leaf_revocation_error, "leaf"
    if "error" in lines:
        yield from ((h, "error") for h in doc.errors)


@predicate
def decisive_code(
    doc: CertutilVerify,
    b: ChainBinding,
    *,
    decisive_lines: list[str],
    code_families: list[str],
    codes: list[str] | None = None,
    except_codes: list[str] | None = None,
) -> Iterator[Binding]:
    """Each error code a decisive line reports: certutil's FAILED line (`failed`), the leaf's
    revocation check (`leaf`), an error line before the verdicts (`error`); of a family among
    `code_families` or among `codes`, and not among `except_codes`. A code of the leaf check is
    bound to the leaf."""
    wanted = {c.lower() for c in codes or ()}
    excluded = {c.lower() for c in except_codes or ()}
    seen: set[str] = set()
    for code, where in _decisive(doc, decisive_lines):
        if code.hex in excluded or code.hex in seen:
            continue
        if code.hex not in wanted and family_of(code) not in code_families:
            continue
        seen.add(code.hex)
        element = leaf(doc) if where == "leaf" else None
        values = {**b.values, "code_name": code.symbol or code.hex, "code_text": _text(code)}
        yield replace(b, hresult=code, element=element, index=0 if where == "leaf" else None,
                      values=values)


@predicate
def trailer_passes(doc: CertutilVerify, b: ChainBinding) -> Iterator[Binding]:
    """The input does not show the whole chain's status (`chain_shown_whole`), but certutil's
    verdict lines report a pass (`Leaf certificate revocation check passed`, -scinfo's `Chain
    validates`) and no line reports an error or a failure."""
    t = doc.trailer
    passed = t.leaf_revocation_passed or t.scinfo_chain == "valid"
    if (passed and not chain_shown_whole(doc) and not error_bits(doc) and not doc.errors
            and not failure_reported(doc, logon=False)):
        yield b


@predicate
def output_form(doc: CertutilVerify, b: ChainBinding, *, forms: list[str]) -> Iterator[Binding]:
    """The output is of one of `forms` (verify, pair, scinfo, dcinfo, urlcache)."""
    if doc.variant in forms:
        yield b
