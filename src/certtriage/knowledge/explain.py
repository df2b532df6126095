"""`certtriage explain CODE`: what a code, flag, sub-status, setting or rule means.

Accepts an HRESULT in any printed form (0x80092013, -2146885613, 2148081683, the symbol), a
Win32 / WinINet code (12007), a CERT_TRUST_* flag, an IIS sub-status (403.13), a rule code or
name, or a cause id, and lists the rules that involve it.
"""

from __future__ import annotations

import functools
import re
import tomllib
from importlib import resources
from typing import cast

from ..models._base import Model
from .codes import code_tables, to_signed
from .rulebook import Rulebook
from .schema import Rule


class Explanation(Model):
    """What was asked about and what it means."""

    query: str
    """The text asked about."""
    kind: str
    """hresult, trust-flag, iis-substatus, rule, cause, or unknown."""
    title: str
    """The canonical name."""
    facts: tuple[tuple[str, str], ...] = ()
    """Label / value pairs (hex, decimal forms, message, meaning...)."""
    rules: tuple[str, ...] = ()
    """Codes of rules that involve it."""


_SUBSTATUS = re.compile(r"^(\d{3})[. ](\d{1,2})$")


def explain(query: str, rulebook: Rulebook) -> Explanation:
    """Explain `query` with the rules of `rulebook`; kind `unknown` when nothing matches."""
    q = query.strip()
    for attempt in (_rule, _cause, _substatus, _trust_flag, _setting, _code):
        found = attempt(q, rulebook)
        if found is not None:
            return found
    return Explanation(query=q, kind="unknown", title=q)


def _rule(q: str, rulebook: Rulebook) -> Explanation | None:
    rule = rulebook.get(q)
    if rule is None:
        return None
    return Explanation(query=q, kind="rule", title=f"{rule.code} {rule.name}", facts=(
        ("Title", rule.title), ("Cause", rule.cause), ("Severity", rule.severity),
        ("IIS", ", ".join(rule.iis_substatus) or "-"), ("Why", " ".join(rule.why.split())),
        *((f"Fix {n}", s.text + (f" ({s.where})" if s.where else ""))
          for n, s in enumerate(rule.fix, start=1)),
    ), rules=(rule.code,))


def _cause(q: str, rulebook: Rulebook) -> Explanation | None:
    rules = [r for r in rulebook.rules if r.cause == q.lower()]
    if not rules:
        return None
    return Explanation(query=q, kind="cause", title=q.lower(), facts=tuple(
        (r.code, r.title) for r in rules), rules=tuple(r.code for r in rules))


def _substatus(q: str, rulebook: Rulebook) -> Explanation | None:
    m = _SUBSTATUS.match(q)
    info = code_tables().substatus(f"{m[1]}.{m[2]}") if m else None
    if info is None:
        return None
    rules = [r.code for r in rulebook.rules if info.code in r.iis_substatus]
    facts = [("Meaning", info.title), *(("Cause", c) for c in info.causes)]
    for status in info.win32_status:
        known = code_tables().lookup(status)
        facts.append(("sc-win32-status", f"{status}" + (f" = {known.hex} {known.symbol}"
                                                          if known else "")))
    return Explanation(query=q, kind="iis-substatus", title=f"HTTP {info.code}",
                       facts=tuple(facts), rules=tuple(rules))


@functools.cache
def _settings() -> dict[str, dict[str, object]]:
    path = resources.files("certtriage.knowledge") / "data" / "settings.toml"
    table: dict[str, dict[str, object]] = {}
    for row in tomllib.loads(path.read_text(encoding="utf-8"))["setting"]:
        for name in (row["name"], *row.get("aliases", ())):
            table[name.casefold()] = row
    return table


def _setting(q: str, rulebook: Rulebook) -> Explanation | None:
    row = _settings().get(q.strip().casefold())
    if row is None:
        return None
    known = {r.code for r in rulebook.rules}
    facts = [("Where", str(row["where"])), ("Meaning", str(row["meaning"]))]
    values = cast(list[str], row.get("values", []))
    if row.get("bits") == "cert_check_mode":
        values = [f"{b.value:#x} {b.constant}: {b.meaning}" if b.value else f"0: {b.meaning} "
                  "(default)" for b in code_tables().cert_check_modes]
    facts.extend(("Value", str(v)) for v in values)
    rules = tuple(c for c in cast(list[str], row.get("rules", [])) if c in known)
    return Explanation(query=q, kind="setting", title=str(row["name"]), facts=tuple(facts),
                       rules=rules)


def _trust_flag(q: str, rulebook: Rulebook) -> Explanation | None:
    flag = code_tables().trust_flag(q.upper())
    if flag is None:
        return None
    facts = [("Field", f"dw{flag.field.title()}Status"), ("Value", f"0x{flag.value:x}"),
             ("Meaning", flag.meaning)]
    if flag.policy_hresult:
        facts.append(("Policy error", flag.policy_hresult))
    if flag.iis:
        facts.append(("IIS", flag.iis))
    rules = [r.code for r in rulebook.rules if _mentions(r, flag=flag.name)]
    return Explanation(query=q, kind="trust-flag", title=flag.name, facts=tuple(facts),
                       rules=tuple(rules))


def _code(q: str, rulebook: Rulebook) -> Explanation | None:
    token: str | int = q
    if re.fullmatch(r"-?\d+", q):
        token = int(q)
    code = code_tables().lookup(token)
    if code is None:
        return None
    facts = [("Hex", code.hex), ("Signed (certutil)", str(to_signed(code.value))),
             ("Unsigned (IIS sc-win32-status)", str(code.value))]
    if code.win32 is not None:
        facts.append(("Win32", str(code.win32)))
    if code.aliases:
        facts.append(("Also", ", ".join(code.aliases)))
    if code.message:
        facts.append(("Message", code.message))
    facts.append(("Meaning", code.meaning))
    flags = [f.name for f in code_tables().error_flags if f.policy_hresult == code.symbol]
    if flags:
        facts.append(("Chain flag", ", ".join(flags)))
    rules = [r.code for r in rulebook.rules
             if _mentions(r, code=code.hex) or any(_mentions(r, flag=f) for f in flags)]
    return Explanation(query=q, kind="hresult", title=code.symbol, facts=tuple(facts),
                       rules=tuple(rules))


def _mentions(rule: Rule, *, flag: str | None = None, code: str | None = None) -> bool:
    for condition in rule.when:
        args = condition.args
        if flag and (args.get("flag") == flag or flag in (args.get("flags") or [])
                     or flag in (args.get("chain_flags") or [])):
            return True
        if code and code.lower() in [c.lower() for c in args.get("codes") or []]:
            return True
    return False
