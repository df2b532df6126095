"""`--redact`: replace customer names in a rendered report with stable pseudonyms.

What counts as a name is taken from the parsed inputs themselves: the values of
distinguished names (CN, OU, O, DC, L, S, E ...; not C), host names in URLs, e-mail and UPN
addresses, computer and site names. Each distinct value gets a pseudonym (`name-1`,
`host-2`, `mail-3`) used everywhere in the report, so the diagnosis still reads: the same
certificate is the same pseudonym in the chain, the findings and the JSON. Rule texts, codes,
URLs' paths and numbers are kept.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from .models.findings import Report
from .parsers import redaction_fields

_DN_VALUE = re.compile(
    r"\b(?:CN|OU|O|L|S|ST|DC|E|EMAIL|STREET|SERIALNUMBER|OID\.[\d.]+)=([^,\n\"<>|;+]+)",
    re.IGNORECASE,
)
_URL_HOST = re.compile(r"\b(?:https?|ldaps?|ftp|file)://([^/\s\"'<>:?]+)", re.IGNORECASE)
_MAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
#: Shorter values (com, net, de, IT ...) identify no one and would match too much.
_MIN_LENGTH = 4


def _strings(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, str(k))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item, key)
    elif isinstance(value, str):
        yield key, value


def sensitive_values(report: Report) -> dict[str, str]:
    """Every name found in the report's inputs -> its kind (name, host or mail)."""
    found: dict[str, str] = {}
    name_keys = redaction_fields()
    for result in report.inputs:
        data = [result.model.model_dump(mode="json") if result.model is not None else {},
                list(result.events)]
        for key, text in _strings(data):
            for mail in _MAIL.findall(text):
                found.setdefault(mail, "mail")
            for host in _URL_HOST.findall(text):
                found.setdefault(host, "host")
            for name in _DN_VALUE.findall(text):
                name = name.strip()
                if "#" not in name:  # already redacted in the paste
                    found.setdefault(name, "name")
            if key.lower() in name_keys and text.strip():
                found.setdefault(text.strip(), "name" if key == "template" else "host")
    return {k: v for k, v in found.items() if len(k) >= _MIN_LENGTH and not k.isdigit()}


def _shown_forms(value: str) -> set[str]:
    """`value` as the formats write it: control characters shown, escaped for Markdown, HTML
    and JSON (a name with `&`, `_` or an escape sequence in it is still found)."""
    from .render.escape import json_safe, visible
    from .render.markdown import inert

    forms = {visible(value), *inert(value), html.escape(visible(value), quote=True),
             json_safe(json.dumps(value, ensure_ascii=False)[1:-1])}
    return {form for form in forms if form and form != value}


def redact(text: str, report: Report) -> str:
    """`text` (a rendered report) with every sensitive value replaced by its pseudonym."""
    values = sensitive_values(report)
    if not values:
        return text
    counters: dict[str, int] = {}
    names: dict[str, str] = {}
    for value, kind in sorted(values.items()):
        counters[kind] = counters.get(kind, 0) + 1
        names[value] = f"{kind}-{counters[kind]}"
        # the same name inside a URL path: Contoso%20Issuing%20CA.crl
        if " " in value:
            names.setdefault(quote(value), names[value])
        for shown in _shown_forms(value):  # as each format writes it: AT\&T, AT&amp;T
            names.setdefault(shown, names[value])
    alternatives = "|".join(re.escape(v) for v in sorted(names, key=len, reverse=True))
    # whole values only: "corp" must not eat "corporate"
    pattern = re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})(?![A-Za-z0-9])")
    return pattern.sub(lambda m: names[m.group(0)], text)
