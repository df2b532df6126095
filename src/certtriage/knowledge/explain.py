"""`certtriage explain CODE`: what a code, flag, sub-status, event, alert, setting or rule means.

It reads every spelling certtriage itself reads or prints: an HRESULT as 0x80092013,
80092013 (CAPI2 XML), -2146885613 (certutil), 2148081683 (IIS sc-win32-status), the symbol,
or certutil's whole `0x80092013 (-2146885613 CRYPT_E_REVOCATION_OFFLINE)`; a Win32 or
WinHTTP code (12007, labelled as such, with its HRESULT form); a CERT_TRUST flag with or
without its prefix; an IIS sub-status (403.13, `403 13` as W3C logs split it, HTTP 403.13);
an event id (36885, `Schannel 36885`); a TLS alert by number or name (40, handshake_failure);
a setting; a rule code or name; or a cause id. A number with several meanings (50 is an alert
and a Win32 code) is explained by its likeliest one and lists the others under `also`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from importlib import resources
from typing import Any, cast

from .._cache import load_toml
from ..models._base import Model
from ..models.findings import FixStep
from .alert_names import named_alerts
from .catalog import event_knowledge
from .codes import ErrorCode, code_tables, to_signed
from .rulebook import Rulebook
from .schema import Rule


class Explanation(Model):
    """What was asked about and what it means."""

    query: str
    """The text asked about."""
    kind: str
    """hresult, win32, winhttp, ldap, trust-flag, iis-substatus, iis-status, event, tls-alert,
    browser-error, setting, rule, cause, or unknown."""
    title: str
    """The canonical name."""
    facts: tuple[tuple[str, str], ...] = ()
    """Label / value pairs (hex, decimal forms, message, meaning...)."""
    rules: tuple[str, ...] = ()
    """Codes of rules that involve it."""
    also: tuple[str, ...] = ()
    """Other meanings of the same text (a number that is also an alert or an event id)."""


Attempt = Callable[[str, Rulebook], Explanation | None]

_SUBSTATUS = re.compile(r"(?:HTTP\s*)?(\d{3})\s*[.,\s]\s*(\d{1,3})", re.IGNORECASE)
_STATUS = re.compile(r"(?:HTTP\s*)?(\d{3})|\.(\d{1,3})", re.IGNORECASE)
_EVENT = re.compile(r"(?:(?P<provider>[A-Za-z][\w-]*)\s+)?(?:event\s*(?:id)?\s*:?\s*)?"
                    r"(?P<id>\d{1,5})", re.IGNORECASE)
_ALERT_WORDS = re.compile(r"^(?:(?:tls|ssl|fatal|alert)[\s_-]+)+", re.IGNORECASE)
_TOKEN = re.compile(r"0x[0-9a-f]+|-?\d+|[a-z_][a-z0-9_]*", re.IGNORECASE)
_HEX = re.compile(r"(?:0x)?([0-9a-f]{1,8})h?", re.IGNORECASE)
_FAMILY_KIND = {"win32": "win32", "wininet": "winhttp", "ldap": "ldap"}
_FAMILY_LABEL = {"win32": "Win32 error", "wininet": "WinHTTP / WinINet error",
                 "ldap": "LDAP error"}
_WIN32_MAX = 0xFFFF


def explain(query: str, rulebook: Rulebook) -> Explanation:
    """Explain `query` with the rules of `rulebook`; kind `unknown` when nothing matches."""
    q = query.strip().strip("\"'`").strip()
    found = _whole(q, rulebook)
    if found is None:  # a line copied whole: try its codes and names one by one
        for token in sorted(_TOKEN.findall(q), key=lambda t: not t.lower().startswith("0x")):
            if token != q and (found := _whole(token, rulebook)) is not None:
                break
    if found is None:
        return Explanation(query=q, kind="unknown", title=q)
    return found.model_copy(update={"query": q})


def _whole(q: str, rulebook: Rulebook) -> Explanation | None:
    attempts: tuple[Attempt, ...] = (_rule, _cause, _substatus, _trust_flag, _setting, _alert,
                                     _browser_error, _number, _code)
    for attempt in attempts:
        found = attempt(q, rulebook)
        if found is not None:
            return found
    return None


def _rule(q: str, rulebook: Rulebook) -> Explanation | None:
    rule = rulebook.get(q)
    if rule is None:
        return None
    return Explanation(query=q, kind="rule", title=f"{rule.code} {rule.name}", facts=(
        ("Title", rule.title), ("Cause", rule.cause), ("Severity", rule.severity),
        ("IIS", ", ".join(rule.iis_substatus) or "-"), ("Why", " ".join(rule.why.split())),
        *((("Fix first", _CAUSE_FIX),) if rule.cause_fix else ()),
        *_steps("Otherwise", rule.fix_otherwise),
        *_steps("Fix", rule.fix),
    ), rules=(rule.code,))


#: What a rule with `cause_fix` gives first.
_CAUSE_FIX = ("the steps of the cause the error code names (`certtriage explain <code>` shows "
              "them); when it names none with steps of its own, the steps marked Otherwise")


def _browser_error(q: str, rulebook: Rulebook) -> Explanation | None:
    """An error a Chromium browser shows about the client certificate (`net::` or not): the
    rule that reads it, its cause and steps."""
    name = q.upper().removeprefix("NET::")
    rule = next((r for r in rulebook.rules for c in r.when
                 if c.predicate == "mentioned_browser_error" and name in c.args["names"]), None)
    if rule is None:
        return None
    return Explanation(query=q, kind="browser-error", title=name, facts=(
        ("Shown by", "Chrome, Edge and other Chromium browsers (net::" + name + ")"),
        ("Means", rule.title), ("Cause", rule.cause),
        ("IIS", ", ".join(rule.iis_substatus) or "- (the handshake fails before IIS)"),
        *_steps("Fix", rule.fix)), rules=(rule.code,))


def _cause(q: str, rulebook: Rulebook) -> Explanation | None:
    rules = [r for r in rulebook.rules if r.cause == q.lower()]
    if not rules:
        return None
    return Explanation(query=q, kind="cause", title=q.lower(), facts=tuple(
        (r.code, r.title) for r in rules), rules=tuple(r.code for r in rules))


def _substatus(q: str, rulebook: Rulebook) -> Explanation | None:
    m = _SUBSTATUS.fullmatch(q)
    if m is None:
        return _status(q, rulebook)
    info = code_tables().substatus(f"{m[1]}.{m[2]}")
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


def _status(q: str, rulebook: Rulebook) -> Explanation | None:
    """`403` (every sub-status of it) or `.13` (the sub-status of 403)."""
    m = _STATUS.fullmatch(q)
    if m is None:
        return None
    if m[2] is not None:
        return _substatus(f"403.{m[2]}", rulebook)
    known = [s for s in code_tables().substatuses if s.status == int(m[1])]
    if not known:
        return None
    rules = [r.code for r in rulebook.rules if any(s.code in r.iis_substatus for s in known)]
    return Explanation(query=q, kind="iis-status", title=f"HTTP {m[1]}", facts=tuple(
        (s.code, s.title) for s in known), rules=tuple(rules))


@functools.cache
def _settings() -> dict[str, dict[str, object]]:
    path = resources.files("certtriage.knowledge") / "data" / "settings.toml"
    table: dict[str, dict[str, object]] = {}
    for row in load_toml(path.read_bytes(), "settings")["setting"]:
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
    tables = code_tables()
    flag = tables.trust_flag(q) or tables.trust_flag(f"CERT_TRUST_{q}")
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


def _alert(q: str, rulebook: Rulebook) -> Explanation | None:
    """A TLS alert by name (`handshake_failure`, `TLS alert 40`, `unknown ca`), or as a TLS
    client prints one it received (`tlsv13 alert certificate required`, `remote error: tls:
    bad certificate`: `alert_names`)."""
    text = _ALERT_WORDS.sub("", q).strip().lower().replace(" ", "_").replace("-", "_")
    alerts = event_knowledge().alerts
    if text.isdigit() and text != q:
        number: int | None = int(text) if int(text) in alerts else None
    else:
        number = next((n for n, name in alerts.items() if name == text), None)
    if number is None:
        number = next((code for _, code in named_alerts(q)), None)
    return None if number is None else _alert_number(q, number, rulebook)


def _alert_number(q: str, number: int, rulebook: Rulebook) -> Explanation:
    name = event_knowledge().alerts[number]
    facts = [("Number", str(number)), ("Name", name),
             ("Logged as", "Schannel 36887 by the side that received it, 36888 by the side "
              "that sent it")]
    causes = sorted({r.cause_by_alert[str(number)] for r in rulebook.rules
                     if str(number) in r.cause_by_alert})
    if causes:
        facts.append(("Cause id", ", ".join(causes)))
    rules = [r.code for r in rulebook.rules if _about_alert(r, number)]
    return Explanation(query=q, kind="tls-alert", title=f"TLS alert {number} ({name})",
                       facts=tuple(facts), rules=tuple(rules))


def _about_alert(rule: Rule, number: int) -> bool:
    for condition in rule.when:
        args = condition.args
        if condition.predicate == "alert" and (
                number in (args.get("alerts") or ()) or (
                    "alerts" not in args and number not in (args.get("not_alerts") or ()))):
            return True
    return str(number) in rule.cause_by_alert


def _number(q: str, rulebook: Rulebook) -> Explanation | None:
    """A bare number (or `event 36885`, `Schannel 36885`): each meaning it has, the likeliest
    first: an HRESULT in hex (8 digits), then for 1000 and above an event id before a code,
    below it a TLS alert, then a Win32 / WinHTTP code or HRESULT, then an event id."""
    m = _EVENT.fullmatch(q)
    bare = re.fullmatch(r"[+-]?\d+", q) is not None
    if m is None and not bare:
        return None
    ranked: list[tuple[int, Explanation]] = []
    if re.fullmatch(r"\d{8}", q) and (code := code_tables().lookup(f"0x{q}")) is not None:
        ranked.append((0, _code_explanation(q, code, rulebook, hresult=True)))
    if m is not None:
        late = int(m["id"]) < 1000
        ranked.extend((3 if late else 1, e) for e in _events(q, int(m["id"]), m["provider"],
                                                             rulebook))
    if bare:
        number = int(q)
        if 0 <= number <= 255 and number in event_knowledge().alerts:
            ranked.append((1, _alert_number(q, number, rulebook)))
        if (code := code_tables().lookup(number)) is not None:
            ranked.append((2, _code_explanation(q, code, rulebook,
                                                hresult=abs(number) > _WIN32_MAX)))
    if not ranked:
        return None
    ranked.sort(key=lambda pair: pair[0])
    first, *others = (e for _, e in ranked)
    return first.model_copy(update={"also": tuple(f"{o.title} ({o.kind})" for o in others)})


def _events(q: str, number: int, provider: str | None, rulebook: Rulebook) -> list[Explanation]:
    """The events with this id, of the named provider or of every provider certtriage reads."""
    knowledge = event_knowledge()
    names = sorted(knowledge.providers)
    if provider is not None and provider.lower() not in ("event", "id", "eventid"):
        names = [provider]
    found = []
    for name in names:
        event = knowledge.get(name, number)
        if event is not None:
            found.append(_event_explanation(q, event, rulebook))
    return found


def _event_explanation(q: str, event: Any, rulebook: Rulebook) -> Explanation:
    facts = [("Provider", event.provider), ("Event ID", str(event.id)), ("Level", event.level),
             ("Summary", event.summary)]
    facts.extend(("Message", " ".join(t.split())) for t in event.templates[:1])
    if event.fields:
        facts.append(("Fields", ", ".join(event.fields)))
    rules = [r.code for r in rulebook.rules if _about_event(r, event.id)]
    return Explanation(query=q, kind="event", title=f"{event.provider} event {event.id}",
                       facts=tuple(facts), rules=tuple(rules))


def _about_event(rule: Rule, number: int) -> bool:
    for condition in (*rule.when, *rule.unless):
        for key, value in condition.args.items():
            if "id" in key and (value == number or isinstance(value, list) and number in value):
                return True
    return number >= 1000 and re.search(rf"\bevent {number}\b", rule.message) is not None


def _code(q: str, rulebook: Rulebook) -> Explanation | None:
    """An error code by symbol, in hex (with or without 0x), or as `WIN32: 12007`; asked
    for by its Win32 number or name it is explained as a Win32 / WinHTTP code."""
    code = code_tables().lookup(q)
    m = _HEX.fullmatch(q)
    if code is None and m is not None and not q.isdigit():
        code = code_tables().lookup(f"0x{m[1]}")
    if code is None:
        return None
    small = m is not None and int(m[1], 16) <= _WIN32_MAX
    named = code.win32 is not None and q.upper() in code.names and code.family in _FAMILY_KIND
    hresult = not (small or named or q.upper().startswith("WIN32"))
    return _code_explanation(q, code, rulebook, hresult=hresult)


def _code_explanation(q: str, code: ErrorCode, rulebook: Rulebook, *,
                      hresult: bool) -> Explanation:
    """An error code; `hresult` False when it was asked about as a Win32 / WinHTTP code."""
    facts = []
    kind = "hresult"
    if code.win32 is not None and not hresult:
        kind = _FAMILY_KIND.get(code.family, "win32")
        facts.append(("Code", f"{code.win32} ({_FAMILY_LABEL.get(code.family, 'Win32 error')})"))
    facts += [("Hex", code.hex), ("Signed (certutil)", str(to_signed(code.value))),
              ("Unsigned (IIS sc-win32-status)", str(code.value))]
    if code.win32 is not None and hresult:
        facts.append(("Win32", f"{code.win32} ({_FAMILY_LABEL.get(code.family, 'Win32 error')})"))
    if code.aliases:
        facts.append(("Also", ", ".join(code.aliases)))
    if code.message:
        facts.append(("Message", code.message))
    facts.append(("Meaning", code.meaning))
    flags = [f.name for f in code_tables().error_flags if f.policy_hresult == code.symbol]
    if flags:
        facts.append(("Chain flag", ", ".join(flags)))
    remedy = rulebook.remedy_of.get(code.cause) if code.cause else None
    if code.cause:
        facts.append(("Cause", code.cause + (f" (its steps: rule {remedy.code})" if remedy
                                             else "")))
    if remedy is not None:  # the steps a finding of that cause gives (`Rule.cause_fix`)
        facts += _steps("Fix", remedy.fix)
    rules = [r.code for r in rulebook.rules
             if _mentions(r, code=code.hex) or any(_mentions(r, flag=f) for f in flags)]
    return Explanation(query=q, kind=kind, title=code.symbol, facts=tuple(facts),
                       rules=tuple(rules))


def _steps(label: str, steps: tuple[FixStep, ...]) -> list[tuple[str, str]]:
    """Remediation steps as numbered facts (`label n`)."""
    return [(f"{label} {n}" if len(steps) > 1 else label,
             s.text + (f" ({s.where})" if s.where else "")) for n, s in enumerate(steps, 1)]


def _mentions(rule: Rule, *, flag: str | None = None, code: str | None = None) -> bool:
    if code and code.lower() in {c.lower() for c in rule.cause_by_code}:
        return True
    for condition in rule.when:
        args = condition.args
        if flag and (args.get("flag") == flag or flag in (args.get("flags") or [])
                     or flag in (args.get("chain_flags") or [])):
            return True
        if code and code.lower() in [c.lower() for c in args.get("codes") or []]:
            return True
    return False
