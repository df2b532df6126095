"""Event exports in other languages and from other tools: labels translated (or WMI's), the
message in a wording no catalog entry holds, the alert number still read from it.

A generator renders one Schannel alert event under every label set of
`knowledge/data/event_labels.toml`, dressed and plain, with the message under its
description label or right below the last label, and checks the event id, provider, computer
and alert come back.
"""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from certtriage import analyze_text
from certtriage.knowledge.catalog import first_alert
from certtriage.parsers.events.labels import translate

_DATA = tomllib.loads((resources.files("certtriage.knowledge") / "data" /
                       "event_labels.toml").read_text(encoding="utf-8"))
_VIEWER = _DATA["event_viewer"]
#: One label per language, by position in each list (every list is at least this long).
_LANGUAGES = min(len(v) for v in _VIEWER.values())
#: Messages in wordings the catalog does not hold; {alert} is the alert number.
_MESSAGES = [
    "The remote end sent a fatal alert. Its TLS code: {alert}. Internal status: 1205",
    "Es wurde eine schwerwiegende Warnung empfangen: {alert}.",
    "\u30b3\u30fc\u30c9\u306f {alert} \u3067\u3059\u3002\u72b6\u614b\u306f 1203 \u3067\u3059\u3002",
]


def _record(position: int, event_id: int, message: str, *, dressed: bool,
            labelled_message: bool) -> str:
    def label(english: str) -> str:
        texts = _VIEWER[english]
        text = texts[position % len(texts)]
        return f"**{text}:**" if dressed else f"{text}:"

    lines = [f"{label('Log Name')} System", f"{label('Source')} Schannel",
             f"{label('Event ID')} {event_id}", f"{label('Level')} Error",
             f"{label('Computer')} WEB07.contoso.local"]
    if labelled_message:
        lines += [label("Description"), message]
    else:
        lines += [message]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("position", range(_LANGUAGES))
@pytest.mark.parametrize("event_id", [36887, 36888])
@pytest.mark.parametrize("wording", range(len(_MESSAGES)))
@pytest.mark.parametrize("dressed", [False, True], ids=["plain", "bold"])
@pytest.mark.parametrize("labelled", [True, False], ids=["described", "below-labels"])
def test_a_translated_export_gives_its_event_and_alert(
        position: int, event_id: int, wording: int, dressed: bool, labelled: bool) -> None:
    alert = (40, 42, 46, 48, 70)[position % 5]
    text = _record(position, event_id, _MESSAGES[wording].format(alert=alert), dressed=dressed,
                   labelled_message=labelled)
    result = analyze_text(text)
    assert result.kind == "event-log", text
    (event,) = result.events
    assert (event["event_id"], event["provider"], event["alert_code"]) == (
        event_id, "Schannel", alert), text
    assert event["computer"] == "WEB07.contoso.local"


def _laid_out(position: int, message: str, layout: str) -> str:
    """A 36888 record under one language's labels, laid out as a web page's table is copied:
    a label and its value on lines of their own, or as rows of a two-column table."""
    rows = [(_VIEWER[english][position % len(_VIEWER[english])], value) for english, value in (
        ("Log Name", "System"), ("Source", "Schannel"), ("Event ID", "36888"),
        ("Level", "Error"), ("Computer", "WEB07.contoso.local"))]
    description = _VIEWER["Description"][position % len(_VIEWER["Description"])]
    if layout == "alternate":
        return "".join(f"{label}\n{value}\n" for label, value in rows) + (
            f"{description}:\n{message}\n")
    return "".join(f"| {label} | {value} |\n" for label, value in [*rows, (description, message)])


@pytest.mark.parametrize("position", range(_LANGUAGES))
@pytest.mark.parametrize("layout", ["alternate", "table"])
def test_a_translated_record_laid_out_as_a_table_gives_its_event(position: int,
                                                                 layout: str) -> None:
    alert = (40, 42, 46, 48, 70)[position % 5]
    text = _laid_out(position, _MESSAGES[position % len(_MESSAGES)].format(alert=alert), layout)
    (event,) = analyze_text(text).events
    assert (event["event_id"], event["alert_code"], event["computer"]) == (
        36888, alert, "WEB07.contoso.local"), text


#: Records under labels Event Viewer's copy does not use, and what each gives: a WMI
#: listing; Japanese, Chinese and Korean posts that write the labels without the blank Event
#: Viewer puts in them (and older Japanese builds' ログ名 and カテゴリ).
_OTHER_LABELS = {
    "wmi": ("LogFile:System\nEvent Type: Error\nCategory: 0\nComputer Name: APP09\n"
            "Event Code: 36888\nMessage: A fatal alert, TLS code 20, status 960\n"
            "Source Name: Schannel\nTime Written: 2025/05/02 6:40:13\nUser: SYSTEM\n",
            (36888, 20, "APP09", "System")),
    **{f"cjk {label}": (f"ログ名: System\nソース: Schannel\n{label}: 36888\nカテゴリ: 0\n"
                        "コンピュータ: WEB07.contoso.local\n説明:\n"
                        "致命的な警告が生成されました: 48。内部エラーの状態は 1205 です\n",
                        (36888, 48, "WEB07.contoso.local", "System"))
       for label in ("イベントID", "イベント ID", "事件ID", "이벤트ID")},
    # French builds and articles: "ID d'événement", "Source de l'événement"
    "fr": ("Source de l'événement : Schannel\nID d'événement : 36888\nOrdinateur : WEB07\n"
           "Description :\nUne alerte irrécupérable a été générée : 48.\n",
           (36888, 48, "WEB07", None)),
}


@pytest.mark.parametrize("shape", _OTHER_LABELS)
def test_a_record_under_other_labels_is_one_event(shape: str) -> None:
    text, expected = _OTHER_LABELS[shape]
    (event,) = analyze_text(text).events
    assert (event["event_id"], event["alert_code"], event["computer"],
            event.get("channel")) == expected


@pytest.mark.parametrize(("line", "expected"), [
    ("Ereignis-ID:   36887", "Event ID: 36887"),
    ("\u30a4\u30d9\u30f3\u30c8 ID\uff1a36887", "Event ID: 36887"),
    ("ID de l\u2019\u00e9v\u00e9nement : 36887", "Event ID: 36887"),
    ("- **Quelle:** Schannel", "Source: Schannel"),
    ("Event Code: 36888", "Event ID: 36888"),
    ("Subject: CN=web", "Subject: CN=web"),
    ("no label here", "no label here"),
])
def test_translate_maps_only_known_labels(line: str, expected: str) -> None:
    assert translate(line) == expected


@pytest.mark.parametrize(("text", "alert"), [
    ("code: 70. Windows SChannel error status: 105", "70"),
    ("TLS 1.2 alert 48", "48"),
    ("status 1203, then 42", "42"),
    ("nothing that is an alert: 7, 1203, 999", None),
])
def test_first_alert_skips_versions_and_other_numbers(text: str, alert: str | None) -> None:
    assert first_alert(text) == alert


#: The label Event Viewer's copy puts above the event's XML, as a label that names XML in any
#: language is read (only the first two were seen in real output; the rest stand for the
#: shape: a short label with the word XML in it).
_XML_LABELS = ["Event Xml:", "Ereignis-XML:", "XML de l'\u00e9v\u00e9nement :",
               "\u30a4\u30d9\u30f3\u30c8 XML:", "XML \u0441\u043e\u0431\u044b\u0442\u0438\u044f:"]


def _xml(event_id: int, alert: int) -> str:
    return ('<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">\n'
            f'  <System>\n    <Provider Name="Schannel" />\n    <EventID>{event_id}</EventID>\n'
            '    <TimeCreated SystemTime="2025-03-14T08:12:44.0412222Z" />\n'
            '    <EventRecordID>40412</EventRecordID>\n'
            '    <Computer>WEB07.contoso.local</Computer>\n  </System>\n'
            f'  <EventData>\n    <Data Name="AlertDesc">{alert}</Data>\n  </EventData>\n'
            '</Event>\n')


@pytest.mark.parametrize("position", range(0, _LANGUAGES, 3))
@pytest.mark.parametrize("xml_label", _XML_LABELS)
@pytest.mark.parametrize("fenced", [False, True], ids=["plain", "fenced"])
def test_a_copy_with_its_xml_is_one_event_in_any_language(position: int, xml_label: str,
                                                          fenced: bool) -> None:
    """Event Viewer's "Copy details as text": the labels and message, then the same event's
    XML under its label (in a ticket, often as two Markdown code blocks)."""
    record = _record(position, 36887, _MESSAGES[1].format(alert=51), dressed=False,
                     labelled_message=True)
    text = (f"```\n{record}{xml_label}\n```\n```xml\n{_xml(36887, 51)}```\n" if fenced
            else f"{record}{xml_label}\n{_xml(36887, 51)}")

    result = analyze_text(text)

    (event,) = result.events
    assert (event["event_id"], event["alert_code"], event["data"].get("AlertDesc")) == (
        36887, 51, "51"), text


def test_xml_under_a_label_of_no_record_is_its_own_event() -> None:
    """The label joins the XML to a record above it only: a sentence naming XML above an
    export stays prose, and the export is read as it is."""
    text = f"Here is what the XML export says:\n\n{_xml(36888, 48)}"

    result = analyze_text(text)

    (event,) = result.events
    assert (event["event_id"], event["alert_code"]) == (36888, 48)


#: Windows Server 2003's labels, in the languages posts show them in: event type, source,
#: category, id, date, time, user, computer, description.
_LABELS_2003 = {
    "de": ("Ereignistyp", "Ereignisquelle", "Ereigniskategorie", "Ereignis-ID", "Datum",
           "Uhrzeit", "Benutzer", "Computer", "Beschreibung"),
    "th": ("ชนิดเหตุการณ์", "แหล่งของเหตุการณ์", "ประเภทเหตุการณ์", "รหัสเหตุการณ์", "วัน", "เวลา",
           "ผู้ใช้", "คอมพิวเตอร์", "คำอธิบาย"),
}


@pytest.mark.parametrize("lang", list(_LABELS_2003))
def test_the_2003_event_viewer_text_in_another_language_is_one_record(lang: str) -> None:
    """Windows Server 2003's layout (`Ereignistyp:` ... `Uhrzeit:`, the message after
    `Beschreibung:` on the same line), under each language's labels; the message in the
    system's language, read by its provider and id."""
    kind, source, category, event_id, date, time, user, computer, description = (
        _LABELS_2003[lang])
    text = (f"{kind}: Warnung\n{source}: Schannel\n{category}: Keine\n"
            f"{event_id}: 36885\n{date}: 14.03.2025\n{time}: 09:12:44\n{user}: N/A\n"
            f"{computer}: WEB07\n\n{description}: Beim Anfordern der Clientauthentifizierung "
            "sendet dieser Server eine Liste vertrauensw\u00fcrdiger Zertifizierungsstellen.\n")

    result = analyze_text(text)

    assert (result.status, result.root_causes) == ("parsed", ("issuer-list-truncated",))
    (event,) = result.events
    assert (event["event_id"], event["computer"], event["time"]) == (
        36885, "WEB07", "14.03.2025 09:12:44")


_LEVELS = tomllib.loads((resources.files("certtriage.knowledge") / "data" /
                         "event_levels.toml").read_text(encoding="utf-8"))
_LEVEL_CASES = [(level, word) for level, words in _LEVELS.items() for word in words]


def _record_at(level: str, date: str, alert: str = "46") -> str:
    return ("Log Name:      System\nSource:        Schannel\n"
            f"Date:          {date}\nEvent ID:      36887\nLevel:         {level}\n"
            "Computer:      web01.contoso.com\nDescription:\nA fatal alert was received from the "
            f"remote endpoint. The TLS protocol defined fatal alert code is {alert}.\n")


@pytest.mark.parametrize(("level", "word"), _LEVEL_CASES,
                         ids=[f"{level}-{word}" for level, word in _LEVEL_CASES])
@pytest.mark.parametrize("case", ["as-listed", "upper", "lower"])
def test_a_level_in_another_language_reads_as_its_level(level: str, word: str,
                                                        case: str) -> None:
    printed = {"as-listed": word, "upper": word.upper(), "lower": word.lower()}[case]
    if printed.casefold() != word.casefold():
        pytest.skip("Turkish case: the upper case of dotless i folds to a dotted one")
    result = analyze_text(_record_at(printed, "3/2/2026 8:14:09 AM"))
    assert [e["level"] for e in result.events] == [level]


@pytest.mark.parametrize("date", ["YYYY/MM/DD HH:MM:SS", "<date and time>", "dd.mm.yyyy hh:mm"])
def test_a_placeholder_date_is_no_time_and_an_alert_without_its_number_decides_nothing(
        date: str) -> None:
    """A page explaining the event prints placeholders where the time and the alert go: no
    occurrence is shown, so nothing is decided."""
    result = analyze_text(_record_at("Error", date, alert="XX"))
    assert [e.get("time") for e in result.events] == [None]
    assert result.verdict == "inconclusive" and result.root_causes == ()
