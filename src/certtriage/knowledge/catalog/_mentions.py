"""Event ids and providers named in text: `Event ID: 36887`, `EventID>36887<`, `Id : 36887`,
`Schannel 36876`, `SChannel error 36887`, `Event 36885, source Schannel`, `### Event ID 36888
(Schannel)`, `EID 36888/48`, `Source: Schannel`.

A mention binds to a message found next to it (it says which of several events sharing a text
it is, or confirms the one found), or stands alone: a provider named with an event id (or a
labelled id only one provider uses) is an event even when its message is in a language the
catalog has no wording for; the numbers around it (alert, state, an HRESULT) fill its slots.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import NamedTuple

_PROVIDER = (
    r"(?P<prov>microsoft-windows-schannel|schannel|secure\s+channel|"
    r"microsoft-windows-httpevent|httpevent|http\.sys|microsoft-windows-capi2|capi2|crypt32|"
    r"microsoft-windows-certificationauthority|certificationauthority|certification\s+authority|"
    r"certsvc)"
)
_LABEL = r"(?:event\s*ids?|eventids?|event\s*#|events?|eids?|instanceid|ids?)"
#: Substrings a line must hold to be searched for a mention (cheap prefilter).
KEYWORDS = ("schannel", "secure channel", "httpevent", "http.sys", "capi2", "crypt32",
            "certificationauthority", "certification authority", "certsvc", "event", "eid",
            "id ", "id:", "36887", "36888")


#: What a line naming a Schannel alert event without its provider also says, in the languages
#: Windows ships (a stem: `alert` is in alerte, alerta, Alertcode): an alert, a warning (the
#: German and Italian messages' word for it), TLS or SSL.
ALERT_STEMS = ("alert", "tls", "ssl", "warnung", "avviso", "aviso", "waarschuwing",
               "\u30a2\u30e9\u30fc\u30c8", "\u8b66\u62a5", "\u8b66\u793a",
               "\u043f\u0440\u0435\u0434\u0443\u043f\u0440\u0435\u0436\u0434")


class _Patterns(NamedTuple):
    ids: tuple[re.Pattern[str], ...]
    ids_of: tuple[tuple[str, re.Pattern[str]], ...]
    """Event ids a provider's name beside them identifies whatever the words between (a
    translated "event", a hyphen, a table column): Schannel's 36864-36929 and HTTP.sys's
    15000-15399."""
    provider_only: re.Pattern[str]
    alert: re.Pattern[str]
    slash: re.Pattern[str]
    state: re.Pattern[str]
    digit: re.Pattern[str]
    code: re.Pattern[str]
    number: re.Pattern[str]
    alert_event: re.Pattern[str]
    """The segment of a line that starts at the id of a Schannel alert event."""
    alert_id: re.Pattern[str]
    """The id of a Schannel alert event standing alone (no digit, letter or dot around it)."""
    counted: re.Pattern[str]
    """The word after a number, `times` when it is a word for times (a count, not an alert)."""
    listed: re.Pattern[str]
    """One more id of a list after an id (`, 36888`, ` and 36888`; a record's `36888/36874`
    label is its reader's)."""


@functools.cache
def _patterns() -> _Patterns:
    """The expressions, compiled when a text is first searched for mentions or numbers (a
    certutil paste never is: about 3 ms of its start-up)."""
    return _Patterns(
        ids=(re.compile(_PROVIDER + r"\W{0,3}(?:(?:event|error|warning|id|eid|source)\W{0,3})"
                        r"{0,3}(?P<id>\d{1,5})\b", re.IGNORECASE),
             re.compile(r"\b" + _LABEL + r"\s*(?:[:#=>]|is|no\.?)?\s*(?P<id>\d{1,5})\b"
                        r"(?:\W{1,4}(?:source\W{0,3})?" + _PROVIDER + ")?", re.IGNORECASE),
             re.compile(r"\b(?P<id>\d{4,5})\b\W{0,4}(?:(?:from|source|by|provider|logged)"
                        r"\W{0,3}){1,3}" + _PROVIDER, re.IGNORECASE)),
        ids_of=(("schannel", re.compile(r"(?<!\d)(?P<id>36[89]\d\d)(?!\d)")),
                ("http", re.compile(r"(?<!\d)(?P<id>15[0-3]\d\d)(?!\d)"))),
        provider_only=re.compile(r"(?:source|provider(?:\s*name)?|providername|event\s*source"
                                 r"|logname)\W{0,4}" + _PROVIDER, re.IGNORECASE),
        alert=re.compile(r"\balert(?:\s*(?:code|desc\w*|number|no\.?))?\s*[:#=]?\s*"
                         r"(?P<v>\d{1,3})\b", re.IGNORECASE),
        slash=re.compile(r"\b3688[78]\s*/\s*(?P<v>\d{1,3})\b"),
        state=re.compile(r"\b(?:error\s*)?state\s*(?:is\s*)?[:#=]?\s*(?P<v>\d{1,6})\b",
                         re.IGNORECASE),
        digit=re.compile(r"\d"),
        code=re.compile(r"\b0[xX][0-9A-Fa-f]{8}\b"),
        number=re.compile(r"(?<![\w./:#-])(\d{1,3})(?![\w/:#-]|\.\d)"),
        alert_event=re.compile(r"3688[78]\b"),
        alert_id=re.compile(r"(?<![\w.])3688[78](?![\w.])"),
        counted=re.compile(r"\s*(?:(?P<times>(?:times?|x|\u00d7|mal|fois|veces|vezes|volte|keer"
                           r"|g\u00e5nger|razy|\u0440\u0430\u0437\w*)(?!\w)|[\u56de\u6b21\u5ea6])"
                           r"|[^\W\d_])", re.IGNORECASE),
        listed=re.compile(r"\s*(?:,|&|\band\b|\bor\b|\bund\b|\bet\b|\by\b|\be\b|\u3001)"
                          r"\s*(?P<id>\d{4,5})\b(?![-.,/:]\d)"),
    )


#: TLS alert numbers (RFC 5246 section 7.2, RFC 8446 section 6).
TLS_ALERTS = frozenset({0, 10, 20, 21, 22, 30, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50,
                         51, 60, 70, 71, 80, 86, 90, 100, 109, 110, 111, 112, 113, 114, 115,
                         116, 120})


@dataclass
class Mention:
    """An event id (and perhaps its provider) named on one line."""

    line: int
    """Index of the line (0-based)."""
    event_id: int | None
    provider: str | None
    """As written (lower case); None when only the id is named."""
    heading: bool = False
    """The line holds little besides the mention (a heading, a label)."""
    values: dict[str, str] = field(default_factory=dict)
    """Numbers named with it: AlertDesc, ErrorState, ErrorCode."""
    used: bool = False


def find_mentions(lines: list[str], flat: str, starts: list[int]) -> list[Mention]:
    """Mentions on every line that holds one of the keywords."""
    hot: set[int] = set()
    for keyword in KEYWORDS:
        position = flat.find(keyword)
        while position != -1:
            hot.add(_line_of(starts, position))
            position = flat.find(keyword, position + len(keyword))
    found: list[Mention] = []
    for index in sorted(hot):
        found.extend(mentions_in(lines[index], index))
    return found


def mentions_in(line: str, index: int) -> list[Mention]:
    """The mentions on one line (one per event id; a provider alone is a mention too); each
    takes the numbers named between it and the next mention."""
    patterns = _patterns()
    spans: dict[int, tuple[int, int, str | None]] = {}
    for pattern in patterns.ids if patterns.digit.search(line) else ():
        for m in pattern.finditer(line):
            number, provider = int(m.group("id")), (m.group("prov") or "").lower() or None
            start, end, known = spans.get(number, (m.start(), m.end(), None))
            spans[number] = (min(start, m.start()), max(end, m.end()), known or provider)
    for _, end, provider in list(spans.values()):
        # the ids listed after it: `36874, 36888`, `36874 and 36888`
        while (more := patterns.listed.match(line, end)) is not None:
            spans.setdefault(int(more.group("id")), (more.start("id"), more.end(), provider))
            end = more.end()
    if not spans:
        spans = _by_numbers(line)
    if not spans:
        alone = patterns.provider_only.search(line)
        return [Mention(index, None, alone.group("prov").lower())] if alone else []
    ordered = sorted(spans.items(), key=lambda item: item[1][0])
    low, high = ordered[0][1][0], max(end for _, end, _ in spans.values())
    heading = len(ordered) == 1 and len(line[:low].split()) + len(line[high:].split()) <= 3
    out = []
    for position, (number, (start, _, provider)) in enumerate(ordered):
        stop = ordered[position + 1][1][0] if position + 1 < len(ordered) else len(line)
        out.append(Mention(index, number, provider, heading=heading,
                           values=numbers(line[start:stop])))
    return out


def _by_numbers(line: str) -> dict[int, tuple[int, int, str | None]]:
    """An id of a provider's range on a line that names the provider, in any language; or,
    without it, the id of a Schannel alert event (36887, 36888) followed on its line by a TLS
    alert number, on a line that speaks of an alert or of TLS (`ALERT_STEMS`): "l'événement
    36887 montre l'alerte 48", whatever the word for event ("ticket 36887 for 48 users" is
    none)."""
    patterns = _patterns()
    lowered = line.lower()
    spans: dict[int, tuple[int, int, str | None]] = {}
    for provider, ids in patterns.ids_of:
        if provider not in lowered:
            continue
        for m in ids.finditer(line):
            spans.setdefault(int(m.group("id")), (m.start(), m.end(), provider))
    if not spans and any(stem in lowered for stem in ALERT_STEMS):
        for m in patterns.alert_id.finditer(line):
            if first_alert(line[m.end():]) is not None:
                spans.setdefault(int(m.group(0)), (m.start(), m.end(), "schannel"))
    return spans


def numbers(text: str) -> dict[str, str]:
    """AlertDesc, ErrorState and ErrorCode named in a line of prose or a label."""
    patterns = _patterns()
    values: dict[str, str] = {}
    for name, pattern in (("AlertDesc", patterns.alert), ("AlertDesc", patterns.slash),
                          ("ErrorState", patterns.state)):
        m = pattern.search(text)
        if m and name not in values:
            values[name] = m.group("v")
    event = patterns.alert_event.search(text)
    if "AlertDesc" not in values and event is not None:
        # A translated message or prose after the id of 36887 / 36888 ("... alerta TLS fatal
        # 48", "... : 45").
        alert = _alert_after_id(text[event.end():])
        if alert is not None:
            values["AlertDesc"] = alert
    code = patterns.code.search(text)
    if code:
        values["ErrorCode"] = code.group(0)
    return values


def first_alert(text: str) -> str | None:
    """The first number of `text` that is a TLS alert: the alert of a 36887 / 36888 message in
    any language or wording, where the number comes before Schannel's own error status."""
    return next((n for n in _patterns().number.findall(text) if int(n) in TLS_ALERTS), None)


def _alert_after_id(text: str) -> str | None:
    """The alert of prose after the id of 36887 / 36888: its first number that is a TLS alert,
    unless that number counts something. A count is followed by a word for times (`36887, 48
    times an hour`, `48 fois`, `48回`), or, on a line that names no alert, warning, TLS or SSL,
    by any word (`36887 on 48 servers`); a translated message's alert ends its sentence or
    stands before its name (`... code is 48.`, `(48)`, `48 unknown_ca` after `alert`)."""
    patterns = _patterns()
    for m in patterns.number.finditer(text):
        if int(m.group(1)) not in TLS_ALERTS:
            continue
        after = patterns.counted.match(text, m.end())
        if after is None:
            return m.group(1)
        if after.group("times") or not any(s in text.lower() for s in ALERT_STEMS):
            return None
        return m.group(1)
    return None


def last_small_number(text: str) -> str | None:
    """The last number of 0-255 in a sentence (an alert code in a translated message)."""
    found = [n for n in _patterns().number.findall(text) if int(n) <= 255]
    return found[-1] if found else None


def _line_of(starts: list[int], offset: int) -> int:
    from bisect import bisect_right

    return bisect_right(starts, offset) - 1
