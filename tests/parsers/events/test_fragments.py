"""Part of a CAPI2 event's XML, as articles and posts show it, reads as the event it is part of.

Every CAPI2 event of the XML fixtures is rendered in each shape a post cuts it to: its
`<UserData>` alone, its CAPI2 element alone, its chain elements alone, the whole event cut off
inside a tag, with lines left out as `[...]`, the CAPI2 element below the labels of an
Event Viewer copy with `[...]` between them, and with its attributes' quotation marks made
typographic by a word processor or a blog. Each must give the event's id and the chain
validation facts it keeps: its chain elements, result and URL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest

from certtriage import analyze_text
from certtriage.parsers.events.event import Event
from certtriage.parsers.events.text import parse
from certtriage.text.xml import mend_fragment, read_xml

from ...conftest import FIXTURES

_EVENT = re.compile(r"<Event[ >].*?</Event>", re.DOTALL)


def _capi2_events() -> Iterator[tuple[str, str]]:
    for path in sorted((FIXTURES / "events").rglob("*.xml")):
        for index, match in enumerate(_EVENT.finditer(path.read_text(encoding="utf-8"))):
            if "Microsoft-Windows-CAPI2" in match[0] and "<UserData>" in match[0]:
                yield f"{path.stem}#{index}", match[0]


EVENTS = list(_capi2_events())


def _between(xml: str, start: str, end: str) -> str:
    first = xml.index(start)
    return xml[first:xml.index(end, first) + len(end)]


def _root(xml: str) -> str:
    name = re.search(r"<UserData>\s*<(\w+)", xml)[1]  # type: ignore[index]
    return _between(xml, f"<{name}", f"</{name}>")


def userdata(xml: str) -> str:
    return _between(xml, "<UserData>", "</UserData>")


def root(xml: str) -> str:
    return _root(xml)


def elements(xml: str) -> str:
    """The chain elements and what follows the chain, as the post shows the part that failed
    (a chain build's, else the CAPI2 element's insides)."""
    part = _root(xml)
    if "<ChainElement>" not in part:
        return part
    first = part.index("<ChainElement>")
    return part[first:part.rindex("</")]


def cut(xml: str) -> str:
    """The event cut off inside the tag after its UserData's last element closed."""
    closing = xml.index("</UserData>")
    return xml[:closing] + "<Something attr=\"cut"


def elided(xml: str) -> str:
    """The event with its auxiliary lines (and the XML's closing lines) left out as `[...]`."""
    lines = xml.split("\n")
    out = ["[...]" if re.search(r"<(?:CorrelationAuxInfo|EventAuxInfo|Flags|Correlation)\b", ln)
           else ln for ln in lines]
    return "\n".join(out)


def labelled(xml: str) -> str:
    """The CAPI2 element below the labels of an Event Viewer copy of the event."""
    event_id = re.search(r"<EventID>(\d+)</EventID>", xml)[1]  # type: ignore[index]
    return ("Log Name:      Microsoft-Windows-CAPI2/Operational\n"
            "Source:        Microsoft-Windows-CAPI2\n"
            "Date:         11/3/2026 9:14:02 AM\n"
            f"Event ID:      {event_id}\n"
            "Level:         Error\n"
            "Computer:      IIS01.contoso.com\n"
            "[...]\n" + _root(xml) + "\n")


_ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')


def typographic(xml: str) -> str:
    """The attributes quoted as a word processor makes quotation marks: “x”."""
    return _ATTRIBUTE.sub("\\1=\u201c\\2\u201d", xml)


def german(xml: str) -> str:
    """The attributes quoted as German typography does: „x“."""
    return _ATTRIBUTE.sub("\\1=\u201e\\2\u201c", xml)


def blogged(xml: str) -> str:
    """Opening and closing marks alike (“x“), and in a tag of several attributes the first
    one's closing mark lost before the next: `ProcessID=“584 ThreadID=“604“`."""
    def tag(match: re.Match[str]) -> str:
        attributes = list(_ATTRIBUTE.finditer(match[0]))
        text = _ATTRIBUTE.sub("\\1=\u201c\\2\u201c", match[0])
        if len(attributes) > 1:
            first = f"{attributes[0][1]}=\u201c{attributes[0][2]}\u201c"
            text = text.replace(first, first[:-1], 1)
        return text

    return re.sub(r"<[^<>]+>", tag, xml)


SHAPES: dict[str, Callable[[str], str]] = {
    "userdata": userdata, "root": root, "elements": elements, "cut": cut, "elided": elided,
    "labelled": labelled, "typographic": typographic, "german": german, "blogged": blogged}


def _one(text: str) -> Event:
    log = parse(text)
    assert len(log.events) == 1, [(e.event_id, e.span) for e in log.events]
    return log.events[0]


def test_the_fixtures_hold_capi2_events_of_every_kind() -> None:
    ids = {int(re.search(r"<EventID>(\d+)", xml)[1]) for _, xml in EVENTS}  # type: ignore[index]
    assert {11, 30, 41, 42, 53} <= ids


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(("name", "xml"), EVENTS, ids=[n for n, _ in EVENTS])
def test_a_part_of_the_xml_reads_as_its_event(name: str, xml: str, shape: str) -> None:
    whole = _one(xml)
    part = _one(SHAPES[shape](xml))
    assert whole.capi2 is not None and part.capi2 is not None
    if shape != "elements" or "<ChainElement>" not in xml:
        assert part.event_id == whole.event_id
    assert part.capi2.elements == whole.capi2.elements
    assert part.capi2.url == whole.capi2.url
    if shape != "elements":
        assert part.capi2.result == whole.capi2.result
        assert part.capi2.subject == whole.capi2.subject
    if shape == "labelled":
        assert part.time == "11/3/2026 9:14:02 AM" and part.computer == "IIS01.contoso.com"


@pytest.mark.parametrize(("name", "xml"), EVENTS, ids=[n for n, _ in EVENTS])
def test_the_labelled_part_gets_the_event_s_diagnosis(name: str, xml: str) -> None:
    whole = analyze_text(xml, name)
    part = analyze_text(labelled(xml), name)
    assert part.kind == whole.kind == "event-log"
    assert part.verdict == whole.verdict
    assert set(part.root_causes) == set(whole.root_causes)
    assert {f.cause for f in part.findings} == {f.cause for f in whole.findings}


@pytest.mark.parametrize("shape", ["userdata", "root", "elements", "typographic", "blogged"])
@pytest.mark.parametrize(("name", "xml"), EVENTS, ids=[n for n, _ in EVENTS])
def test_a_part_alone_in_a_post_is_recognised_and_diagnosed(name: str, xml: str,
                                                           shape: str) -> None:
    whole = analyze_text(xml, name)
    part = analyze_text("The CAPI2 log shows:\n\n" + SHAPES[shape](xml), name)
    assert part.kind == "event-log"
    assert part.verdict == whole.verdict
    assert set(part.root_causes) == set(whole.root_causes)


def test_a_cut_chain_element_with_prose_around_it_is_diagnosed() -> None:
    text = ("The CAPI2 log showed this for the failing login:\n\n"
            "Event ID:      11\nLevel:         Error\n[...]\n"
            "        <ChainElement>\n"
            '          <Certificate fileRef="AB.cer" subjectName="Contoso Root CA" />\n'
            "          [...]\n"
            "          <TrustStatus>\n"
            '            <ErrorStatus value="20" CERT_TRUST_IS_UNTRUSTED_ROOT="true" />\n'
            '            <InfoStatus value="10C" />\n'
            "          </TrustStatus>\n"
            "        </ChainElement>\n"
            "      </CertificateChain>\n"
            "    </CertGetCertificateChain>\n"
            "Any idea what is wrong?\n")
    result = analyze_text(text, "post")
    assert result.kind == "event-log" and result.verdict == "fail"
    assert "untrusted-root" in result.root_causes
    assert [e["event_id"] for e in result.events] == [11]


@pytest.mark.parametrize(("tag", "mended"), [
    ('<Execution ProcessID=\u201c584 ThreadID=\u201c604\u201c />',
     '<Execution ProcessID="584" ThreadID="604" />'),
    ('<Certificate fileRef=\u201eAB.cer\u201c subjectName=\u201eCN=A, O=B C\u201c/>',
     '<Certificate fileRef="AB.cer" subjectName="CN=A, O=B C"/>'),
    ('<Data Name=\u00abx\u00bb>say \u201chi\u201d</Data>', '<Data Name="x">say \u201chi\u201d</Data>'),
])
def test_typographic_quotation_marks_of_attributes_are_straightened(tag: str,
                                                                    mended: str) -> None:
    assert mend_fragment(tag) == mended


@pytest.mark.parametrize("xml", [
    "</a><b x=\"1\">t &amp; u & v</c>\n[...]\n<d><e/>\n  <f y=\"cut",
    "<a><b></a>", "<!-- x --><?pi?><a>\n<![CDATA[ <z> ]]></a>",
    '<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>',
    "text only < and > and &", "<a\n b='1'\n>x</a>\n…\n</q>",
])
def test_a_mended_fragment_is_well_formed_and_keeps_its_lines(xml: str) -> None:
    mended = mend_fragment(xml)
    assert mended.count("\n") == xml.count("\n")
    reading = read_xml(f"<w>{mended}</w>")
    assert reading.error_line is None or "&e;" in xml  # an undeclared entity is refused
    assert "ENTITY" not in mended and "passwd" not in mended
