"""Every catalog event rendered in every shape a ticket brings it in, with synthetic values.

`cases()` builds, from the catalog itself, one `Case` per event (its newest wording in English)
plus one per other wording; `SHAPES` renders a case into the text of each export shape
(Event Viewer copies with and without their XML, the friendly view, the 2003 text, wevtutil,
Format-List, CSV, TSV, XML, the friendly XML, the Get-WinEvent and Get-EventLog tables, the JSON
of PowerShell, the evtx tools, Winlogbeat, Log Analytics and Splunk) and
each way a ticket carries a message (alone, quoted in a sentence, under a Markdown heading,
after a bold label, behind quote markers, wrapped at 80 columns, with trailing double spaces,
with backslash line breaks, as HTML). Names and values are made up.
"""

from __future__ import annotations

import html
import json
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field

from certtriage.knowledge.catalog import EventDef, Wording, event_knowledge

HOST = "WEB07.contoso.com"
#: Values by field name; `EVENT_VALUES` overrides them per event.
VALUES = {
    "ErrorCode": "0x800b010a", "Error": "0x80090016", "AlertDesc": "46", "ErrorState": "1205",
    "ErrorStatus": "10001", "Type": "server", "Protocol": "TLS 1.2", "Name": "portal.contoso.com",
    "TargetName": "", "Endpoint": "0.0.0.0:443", "UrlPrefix": "https://+:443/Reports/",
    "DeviceObject": "\\Device\\Http\\ReqQueue", "Package": "Kerberos",
    "ModuleName": "Microsoft Software Key Storage Provider", "CertFlags": "0",
    "CipherSuite": "0xc030", "Cipher": "AES", "CipherStrength": "256", "MAC": "SHA1",
    "Exchange": "ECDH", "ExchangeStrength": "384", "ContextHandle": "0x1f6b7d3a0c0",
    "LocalCertSubjectName": "CN=portal.contoso.com",
    "RemoteCertSubjectName": "CN=Kim Akers, OU=Staff, DC=contoso, DC=com",
    "CSPName": "Microsoft RSA SChannel Cryptographic Provider", "CSPType": "24",
    "KeyName": "te-WebServer-7f3a2c1e", "KeyType": "34", "KeyFlags": "0",
    "Path": "C:\\Windows\\System32\\config\\systemprofile\\ticketkeys",
    "FailureReason": "The server name or address could not be resolved",
    "OcspUrl": "http://ocsp.woodgrove.com/ocsp", "ThisUpdate": "2025-02-10T08:00:00Z",
    "NextUpdate": "2025-02-17T08:00:00Z", "URL": "http://pki.fabrikam.com/cdp/Fabrikam-CA.crl",
    "Subject": "CN=Fabrikam Root CA, O=Fabrikam", "Issuer": "CN=Fabrikam Issuing CA 2",
    "Thumbprint": "3B7A1F0C52E94D86A1B0C7E3F2D5968A4E1B7C20",
    "EffectiveDate": "Friday, March 14, 2025 6:09:48 PM", "Threshold": "50", "Minutes": "60",
    "CACommonName": "Adatum Issuing CA", "CACertIdentifier": "1", "RequestId": "4711",
    "SubjectName": "ADATUM\\WEB07$",
    "AdditionalInformation": "Error Verifying Request Signature or Signing Certificate",
    "Reason": "The permissions on the certificate template do not allow the current user to "
              "enroll for this type of certificate. 0x80094012 (-2146877422 "
              "CERTSRV_E_TEMPLATE_DENIED)",
    "CAKeyIdentifier": "0", "ErrorMessageText": "Access is denied. 0x80070005 (WIN32: 5 "
                                                "ERROR_ACCESS_DENIED)",
    "Param4": "", "Param5": "", "AdditionalErrorMessage": "", "HostName": "PKI02.adatum.com",
    "NumberOfAttempts": "10", "Chain": "0", "Store": "Enterprise Root", "Certificate": "7",
}
EVENT_VALUES: dict[tuple[str, int], dict[str, str]] = {
    ("Schannel", 36876): {"ErrorCode": "0x80092013"},
    ("Schannel", 36877): {"ErrorCode": "0x800b0109"},
    ("Schannel", 36878): {"ErrorCode": "0x80090325"},
    ("Schannel", 36879): {"ErrorCode": "0x8009030d"},
    ("Schannel", 36870): {"ErrorCode": "0x8009030d"},
    ("Schannel", 36871): {"Type": "client", "ErrorState": "10013"},
    ("Schannel", 36888): {"AlertDesc": "48"},
    ("Microsoft-Windows-CertificationAuthority", 100): {"ErrorCode": (
        "The revocation function was unable to check revocation because the revocation server "
        "was offline. 0x80092013 (-2146885613 CRYPT_E_REVOCATION_OFFLINE)")},
    ("Microsoft-Windows-CertificationAuthority", 48): {"ErrorCode": (
        "The revocation function was unable to check revocation because the revocation server "
        "was offline. 0x80092013 (-2146885613 CRYPT_E_REVOCATION_OFFLINE)")},
}
_CA_ERROR = ("A certificate chain could not be built to a trusted root authority. 0x800b010a "
             "(-2146762486 CERT_E_CHAINING)")
_LEVEL = {"error": ("Error", 2), "warning": ("Warning", 3), "information": ("Information", 4)}


@dataclass(frozen=True)
class Case:
    """One event in one wording, with the values it is rendered with."""

    event: EventDef
    wording: Wording
    values: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, int]:
        return (self.event.provider, self.event.id)

    @property
    def message(self) -> str:
        """The message Windows renders (0x%1 templates take the code without its 0x)."""
        out = ""
        for kind, value in self.wording.pieces():
            if kind == "text":
                out += value
                continue
            text = self.values.get(value, "")
            out += text[2:] if out.endswith("0x") and text.startswith("0x") else text
        return out

    @property
    def level(self) -> tuple[str, int]:
        return _LEVEL[self.wording.level]

    @property
    def generic(self) -> bool:
        """The text names no event by itself: only an id next to it does."""
        return self.wording.generic

    def shown(self, first_line: bool = False) -> dict[str, str]:
        """The values its message shows (on its first line only, for a table)."""
        template = self.wording.text.split("%n")[0] if first_line else self.wording.text
        from certtriage.knowledge.catalog._data import pieces

        return {name: self.values[name] for kind, name in pieces(template, self.wording.fields)
                if kind == "slot" and self.values.get(name)}


def _values(event: EventDef) -> dict[str, str]:
    values = {name: VALUES.get(name, "") for name in event.fields}
    if event.kind("ErrorCode") == "errortext" and "ErrorCode" in values:
        values["ErrorCode"] = _CA_ERROR
    return {**values, **EVENT_VALUES.get((event.provider, event.id), {})}


def _main(event: EventDef) -> Wording:
    english = [w for w in event.wordings if w.lang == "en" and w.level == event.level]
    return (english or list(event.wordings))[-1]


def cases() -> list[Case]:
    """Every event in its newest English wording."""
    return [Case(e, _main(e), _values(e)) for e in event_knowledge().definitions()]


def wording_cases() -> list[Case]:
    """Every other wording of every event (older Windows versions, other languages)."""
    return [Case(e, w, _values(e)) for e in event_knowledge().definitions()
            for w in e.wordings if w is not _main(e)]


def shared(case: Case) -> set[tuple[str, int]]:
    """The events whose wordings have exactly this case's text."""
    text = " ".join(case.wording.text.split())
    return {(e.provider, e.id) for e in event_knowledge().definitions()
            for w in e.wordings if " ".join(w.text.split()) == text}


# ---- export shapes ---------------------------------------------------------------------------
def _xml(case: Case, friendly: bool = False) -> str:
    mark = "- " if friendly else ""
    data = "".join(f'    <Data Name="{k}">{html.escape(v)}</Data>\n'
                   for k, v in case.values.items())
    payload = f"  {mark}<EventData>\n{data}  </EventData>\n" if data else ""
    return (f'{mark}<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">\n'
            f"  {mark}<System>\n"
            f'    <Provider Name="{case.event.provider}" />\n'
            f"    <EventID>{case.event.id}</EventID>\n    <Level>{case.level[1]}</Level>\n"
            '    <TimeCreated SystemTime="2025-03-14T08:12:44.0412222Z" />\n'
            f"    <EventRecordID>40412</EventRecordID>\n    <Channel>System</Channel>\n"
            f"    <Computer>{HOST}</Computer>\n  </System>\n{payload}</Event>\n")


def _friendly_view(case: Case) -> str:
    lines = ["+ System", "", "  - Provider", "", f"   [ Name]  {case.event.provider} ", "",
             f"   EventID {case.event.id} ", "", f"   Level {case.level[1]} ", "",
             "  - TimeCreated", "", "   [ SystemTime]  2025-03-14T08:12:44.0412222Z ", "",
             "   EventRecordID 40412 ", "", "   Channel System ", "", f"   Computer {HOST} ", ""]
    if case.values:
        lines += ["- EventData ", ""] + [f"  {k} {v} " for k, v in case.values.items()]
    return "\n".join(lines) + "\n"


def _general(case: Case, description: bool = True) -> str:
    level = case.level[0]
    text = (f"Log Name:      System\nSource:        {case.event.provider}\n"
            f"Date:          3/14/2025 9:12:44 AM\nEvent ID:      {case.event.id}\n"
            f"Task Category: None\nLevel:         {level}\nKeywords:      \n"
            f"User:          SYSTEM\nComputer:      {HOST}\n")
    return text + (f"Description:\n{case.message}\n" if description else "")


def copy_with_xml(case: Case) -> str:
    return _general(case) + "Event Xml:\n" + _xml(case)


def copy_without_xml(case: Case) -> str:
    return _general(case)


def copy_with_friendly_view(case: Case) -> str:
    return _general(case) + "Event Xml:\n" + _friendly_view(case)


def legacy_2003(case: Case) -> str:
    return (f"Event Type:\t{case.level[0]}\nEvent Source:\t{case.event.provider}\n"
            f"Event Category:\tNone\nEvent ID:\t{case.event.id}\nDate:\t\t3/14/2005\n"
            f"Time:\t\t9:12:44 AM\nUser:\t\tN/A\nComputer:\tWEB07\nDescription:\n"
            f"{case.message}\n")


def wevtutil_text(case: Case) -> str:
    return (f"Event[0]:\n  Log Name: System\n  Source: {case.event.provider}\n"
            f"  Date: 2025-03-14T09:12:44.0410000Z\n  Event ID: {case.event.id}\n  Task: N/A\n"
            f"  Level: {case.level[0]}\n  Opcode: N/A\n  Keyword: N/A\n  User: S-1-5-18\n"
            f"  User Name: NT AUTHORITY\\SYSTEM\n  Computer: {HOST}\n  Description:\n"
            f"{case.message}\n")


def format_list(case: Case) -> str:
    lines: list[str] = []
    for paragraph in case.message.split("\n"):
        lines += textwrap.wrap(paragraph, 105, break_on_hyphens=False) or [""]
    body = ("\n" + " " * 15).join(lines)
    return (f"\nTimeCreated  : 3/14/2025 9:12:44 AM\nProviderName : {case.event.provider}\n"
            f"Id           : {case.event.id}\nMessage      : {body}\n\n\n")


def _save_as(case: Case, separator: str) -> str:
    description = case.message.replace('"', '""')
    return (f"Level{separator}Date and Time{separator}Source{separator}Event ID{separator}"
            f"Task Category\n{case.level[0]}{separator}3/14/2025 9:12:44 AM{separator}"
            f"{case.event.provider}{separator}{case.event.id}{separator}None{separator}"
            f'"{description}\n"\n')


def csv_export(case: Case) -> str:
    return _save_as(case, ",")


def tsv_export(case: Case) -> str:
    return _save_as(case, "\t")


def xml_export(case: Case) -> str:
    return _xml(case)


def friendly_xml(case: Case) -> str:
    return _xml(case, friendly=True)


def friendly_view(case: Case) -> str:
    return _friendly_view(case)


def winevent_table(case: Case, width: int = 0) -> str:
    """`Get-WinEvent`'s table: the message's first line, cut with `...` when there is more
    (or, with `width`, where the console ends)."""
    first, _, rest = case.message.partition("\n")
    cut = len(first) > width - 50 if width else bool(rest.strip())
    shown = (first[:width - 53] if width else first) + ("..." if cut else "")
    return (f"\n   ProviderName: {case.event.provider}\n\nTimeCreated                      Id "
            f"LevelDisplayName Message\n-----------                      -- ---------------- "
            f"-------\n3/14/2025 9:12:44 AM {case.event.id:>14} {case.level[0]:<16} {shown}\n\n")


def get_eventlog(case: Case) -> str:
    """`Get-EventLog`: the classic cmdlet's table (the id is the InstanceID's low 16 bits; a
    classic HTTP.sys event shows its qualifiers in the high ones)."""
    first, _, rest = case.message.partition("\n")
    qualifiers = 0xC000 if case.event.provider.endswith("HttpEvent") and case.level[1] == 2 else 0
    instance = (qualifiers << 16) | case.event.id
    return (f"\n   Index Time          EntryType   Source                 InstanceID Message\n"
            f"   ----- ----          ---------   ------                 ---------- -------\n"
            f"   40412 Mar 14 09:12  {case.level[0]:<11} {case.event.provider:<22} {instance:>10}"
            f" {first}{'...' if rest.strip() else ''}\n\n")


# ---- JSON, as each tool writes it -------------------------------------------------------------
def _properties(case: Case) -> list[str]:
    """The event's values in its template's order (how `Properties` and `ReplacementStrings`
    hold them)."""
    return [case.values.get(name, "") for name in case.event.fields]


def winevent_json(case: Case) -> str:
    """`Get-WinEvent ... | ConvertTo-Json` in Windows PowerShell 5.1: an array of one record,
    `/Date(ms)/` times, the values as `Properties`."""
    record = {
        "Id": case.event.id, "Version": 0, "Qualifiers": None, "Level": case.level[1],
        "RecordId": 40412, "ProviderName": case.event.provider, "LogName": "System",
        "ProcessId": 788, "MachineName": HOST, "UserId": {"Value": "S-1-5-18"},
        "TimeCreated": "/Date(1741939964041)/", "LevelDisplayName": case.level[0],
        "Message": case.message, "Properties": [{"Value": v} for v in _properties(case)],
    }
    return json.dumps([record], indent=4).replace("/Date", "\\/Date").replace(")/", ")\\/")


def eventlog_json(case: Case) -> str:
    """`Get-EventLog ... | ConvertTo-Json`: `Source`, `EventID`, the enum as a number,
    `ReplacementStrings`."""
    entry = {"error": 1, "warning": 2, "information": 4}[case.wording.level]
    return json.dumps({
        "EventID": case.event.id, "MachineName": HOST, "Index": 40412, "Category": "(0)",
        "EntryType": entry, "Message": case.message, "Source": case.event.provider,
        "ReplacementStrings": _properties(case), "InstanceId": case.event.id,
        "TimeGenerated": "/Date(1741939964000)/", "UserName": None}, indent=2)


def evtx_dump_json(case: Case) -> str:
    """The Rust `evtx` tools' JSON dump (`#attributes`), after a line naming the record."""
    record = {"Event": {
        "#attributes": {"xmlns": "http://schemas.microsoft.com/win/2004/08/events/event"},
        "System": {
            "Provider": {"#attributes": {"Name": case.event.provider}},
            "EventID": {"#attributes": {"Qualifiers": 0}, "#text": case.event.id},
            "Level": case.level[1],
            "TimeCreated": {"#attributes": {"SystemTime": "2025-03-14T08:12:44.041222Z"}},
            "EventRecordID": 40412, "Channel": "System", "Computer": HOST},
        **({"EventData": dict(case.values)} if case.values else {})}}
    return "Record 40412\n" + json.dumps(record, indent=2) + "\n"


def winlogbeat_json(case: Case) -> str:
    """A Winlogbeat / Elastic document on one line (ECS names, `winlog.event_data`)."""
    return json.dumps({
        "@timestamp": "2025-03-14T08:12:44.041Z",
        "event": {"code": str(case.event.id), "provider": case.event.provider, "kind": "event"},
        "log": {"level": case.level[0].lower()}, "host": {"name": HOST.lower()},
        "agent": {"id": "6f1f2a2e-58c1-4c47-9a4c-1d0a7c3e9b10", "type": "winlogbeat"},
        "winlog": {"channel": "System", "event_id": str(case.event.id),
                   "provider_name": case.event.provider, "computer_name": HOST,
                   "record_id": 40412, "event_data": dict(case.values)},
        "message": case.message}) + "\n"


def sentinel_json(case: Case) -> str:
    """A Log Analytics `Event` row exported as JSON: the data as its XML column."""
    data = "".join(f'<Data Name="{k}">{html.escape(v)}</Data>' for k, v in case.values.items())
    return json.dumps([{
        "TimeGenerated": "2025-03-14T08:12:44.041Z", "Source": case.event.provider,
        "EventLog": "System", "Computer": HOST, "EventLevelName": case.level[0],
        "EventID": case.event.id, "RenderedDescription": case.message,
        "EventData": '<DataItem type="System.XmlData" time="2025-03-14T08:12:44.041Z" '
                     'sourceHealthServiceId="00000000-0000-0000-0000-000000000000">'
                     '<EventData xmlns="http://schemas.microsoft.com/win/2004/08/events/event">'
                     f"{data}</EventData></DataItem>",
    }], indent=2)


def splunk_json(case: Case) -> str:
    """A Splunk search result exported as JSON: the message, no data."""
    return json.dumps({"preview": False, "result": {
        "_time": "2025-03-14T09:12:44.000+01:00", "host": "WEB07", "LogName": "System",
        "SourceName": case.event.provider, "EventCode": str(case.event.id),
        "Type": case.level[0], "ComputerName": HOST, "Message": case.message}})


# ---- a message in a ticket -------------------------------------------------------------------
def message_only(case: Case) -> str:
    return case.message + "\n"


def quoted_in_prose(case: Case) -> str:
    opening, closing = [('"', '"'), ("\u201c", "\u201d"), ("'", "'")][case.event.id % 3]
    flat = " ".join(case.message.split())
    return f"Since Monday the server logs {opening}{flat}{closing} about once per login.\n"


def markdown_heading(case: Case) -> str:
    quoted = "\n".join(f"> {line}" if line else ">" for line in case.message.split("\n"))
    return f"### Event ID {case.event.id} ({case.event.provider})\n\n{quoted}\n"


def bold_label(case: Case) -> str:
    return (f"**{case.event.provider} {case.event.id} ({case.level[0]}):** "
            f"{case.message}\n")


def quote_markers(case: Case) -> str:
    lines = [f"Event {case.event.id}, source {case.event.provider}", *case.message.split("\n")]
    return "\n".join(f"> {line}" for line in lines) + "\n"


def _wrapped(case: Case) -> list[str]:
    lines: list[str] = []
    for paragraph in case.message.split("\n"):
        lines += textwrap.wrap(paragraph, 80, break_long_words=False,
                               break_on_hyphens=False) or [""]
    return lines


def wrapped_80(case: Case) -> str:
    return "\n".join(_wrapped(case)) + "\n"


def trailing_spaces(case: Case) -> str:
    return "".join(f"{line}  \n" for line in _wrapped(case))


def backslash_breaks(case: Case) -> str:
    return "".join(f"{line}\\\n" for line in _wrapped(case))


def html_copy(case: Case) -> str:
    body = "<br />\n".join(html.escape(line) for line in case.message.split("\n"))
    return (f"<p><b>Source:</b> {case.event.provider}<br />\n<b>Event ID:</b> {case.event.id}"
            f"<br />\n<b>Description:</b> {body}</p>\n")


def markdown_table(case: Case) -> str:
    """A post's two-column Markdown table of the event, the message flattened into its cell."""
    rows = [("Log Name", "System"), ("Source", case.event.provider), ("Event ID", case.event.id),
            ("Level", case.level[0]), ("Computer", HOST),
            ("Description", " ".join(case.message.split()))]
    return ("| Field | Value |\n|---|---|\n"
            + "".join(f"| {label} | {value} |\n" for label, value in rows))


def pipe_rows(case: Case) -> str:
    """A reference page's rows as a post copies them: labels with their colons, cells closed
    by a bar only, the id with its hexadecimal beside it."""
    rows = [("Event log:", "System"), ("Event Source:", case.event.provider),
            ("Event ID:", f"{case.event.id} (0x{case.event.id:X})"),
            ("Event type:", case.level[0]), ("Message:", " ".join(case.message.split()))]
    return "".join(f"{label} | {value} |\n" for label, value in rows)


def alternate_lines(case: Case) -> str:
    """Event Viewer's General fields copied from a web page's table: each label on a line of
    its own, its value on the next, the message under its label."""
    rows = [("Log Name", "System"), ("Source", case.event.provider),
            ("Date", "3/14/2025 9:12:44 AM"), ("Event ID", str(case.event.id)),
            ("Level", case.level[0]), ("Computer", HOST)]
    return "".join(f"{label}\n{value}\n" for label, value in rows) + (
        f"Description:\n{case.message}\n")


Shape = Callable[[Case], str]
#: Shapes that carry the event's data besides its message (EventData or its friendly view).
WITH_DATA: dict[str, Shape] = {
    "copy-details+xml": copy_with_xml, "copy-details+friendly-view": copy_with_friendly_view,
    "xml": xml_export, "friendly-xml": friendly_xml, "friendly-view": friendly_view,
    "json/winevent": winevent_json, "json/eventlog": eventlog_json,
    "json/evtx-dump": evtx_dump_json, "json/winlogbeat": winlogbeat_json,
    "json/sentinel": sentinel_json,
}
#: Shapes that name the provider and id and carry the message.
WITH_ID: dict[str, Shape] = {
    "copy-details": copy_without_xml, "legacy-text": legacy_2003, "wevtutil-text": wevtutil_text,
    "format-list": format_list, "csv": csv_export, "tsv": tsv_export,
    "winevent-table": winevent_table, "get-eventlog": get_eventlog,
    "markdown-heading": markdown_heading,
    "bold-label": bold_label, "quote-markers": quote_markers, "html": html_copy,
    "markdown-table": markdown_table, "pipe-rows": pipe_rows, "alternate-lines": alternate_lines,
    "json/splunk": splunk_json,
}
#: Shapes that carry the message alone: the catalog has to know which event it is.
MESSAGE_ONLY: dict[str, Shape] = {
    "message-only": message_only, "quoted-in-prose": quoted_in_prose, "wrapped-80": wrapped_80,
    "trailing-spaces": trailing_spaces, "backslash-breaks": backslash_breaks,
}
SHAPES = {**WITH_DATA, **WITH_ID, **MESSAGE_ONLY}
