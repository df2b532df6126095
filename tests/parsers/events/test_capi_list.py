"""CAPI2 events listed by PowerShell with their XML (`Get-CapiTaskIDEvents | Format-List`):
every CAPI2 XML fixture, rendered as that listing at several console widths and in a mail, is
read as the same events with the same diagnosis as its XML."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from certtriage import analyze_path, analyze_text
from certtriage.models.findings import InputResult

from ...conftest import FIXTURES

_XML = sorted((FIXTURES / "events" / "xml").glob("capi2-*.xml"))
_EVENT = re.compile(r"<Event\b.*?</Event>", re.DOTALL)
_USER_DATA = re.compile(r"<UserData>\s*(.*?)\s*</UserData>", re.DOTALL)
_TIME = re.compile(r'SystemTime="(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)')
_ID = re.compile(r"<EventID>(\d+)</EventID>")


def _listing(xml: str, width: int) -> str:
    """The events of an XML export as the script lists them: the UserData element on one
    line, wrapped under its label at the console's width."""
    records = []
    for event in _EVENT.findall(xml):
        body = " ".join(line.strip() for line in _USER_DATA.search(event)[1].split("\n"))  # type: ignore[index]
        year, month, day, hour, minute, second = _TIME.search(event).groups()  # type: ignore[union-attr]
        label = " " * 8 + "DetailedMessage : "
        lines = textwrap.wrap(body, width - len(label), break_long_words=False,
                              break_on_hyphens=False)
        records.append("\n".join([
            f"        TimeCreated     : {int(month)}/{int(day)}/{year} {hour}:{minute}:{second}",
            f"        ID              : {_ID.search(event)[1]}",  # type: ignore[index]
            "        RecordType      : Error",
            label + lines[0], *(" " * len(label) + line for line in lines[1:])]))
    return "\n\n".join(records) + "\n"


def _answer(result: InputResult) -> tuple[object, ...]:
    return (sorted(e["event_id"] for e in result.events), result.verdict,
            sorted(result.root_causes), result.iis_substatus, result.hresults)


@pytest.mark.parametrize("width", [100, 120, 200])
@pytest.mark.parametrize("path", _XML, ids=lambda p: p.name)
def test_a_listing_is_read_as_its_xml(path: Path, width: int) -> None:
    listed = analyze_text(_listing(path.read_text(encoding="utf-8"), width), "list.txt")
    assert listed.kind == "event-log" and listed.status == "parsed", listed.warnings
    assert _answer(listed) == _answer(analyze_path(path))


@pytest.mark.parametrize("path", _XML, ids=lambda p: p.name)
def test_a_listing_in_a_mail_is_read_as_its_xml(path: Path) -> None:
    text = ("Hi, the CAPI2 log for the failing logon, as the script printed it:\n\n"
            + _listing(path.read_text(encoding="utf-8"), 120)
            + "\nThanks for looking.\n")
    assert _answer(analyze_text(text, "mail.txt")) == _answer(analyze_path(path))
