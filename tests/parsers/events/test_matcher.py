"""The catalog's matcher (`knowledge.catalog.find_messages`) on the ways tickets carry a message:
wrapped, quoted, behind prefixes, with HTML leftovers, cut short; and the event ids and
providers named next to it."""

from __future__ import annotations

import pytest

from certtriage.knowledge.catalog import FoundMessage, find_messages

M36877 = ("The certificate received from the remote client application has not validated "
          "correctly. The error code is 0x800b0109. The attached data contains the client "
          "certificate.")
M36888 = ("A fatal alert was generated and sent to the remote endpoint. This may result in "
          "termination of the connection. The TLS protocol defined fatal alert code is 48.")


_HALF = M36877.index(" correctly")
_A, _B = M36877[:_HALF], M36877[_HALF + 1:]


def _one(text: str) -> FoundMessage:
    found = [f for f in find_messages(text) if f.match != "mention"]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("text", [
    M36877,
    f'The server logs "{M36877}" for every login.',
    f"The server logs \u201c{M36877}\u201d for every login.",
    f"The server logs '{M36877}' for every login.",
    f"> {_A}\n> {_B}",
    f"- {M36877}",
    f"1. {M36877}",
    f"## {M36877}",
    f"**Description:** {M36877}",
    f"Description: {M36877}",
    f"{_A}  \n{_B}  ",
    f"{_A}\\\n{_B}\\",
    f"<p>{_A}<br>\n{_B}</p>",
    f"`{M36877}`",
    "The certificate received from the remote client application has not validated "
    "correctly. The error code is **0x800b0109**. The attached data contains the client "
    "certificate.",
])
def test_a_message_is_found_however_a_ticket_carries_it(text: str) -> None:
    found = _one(text)
    assert (found.provider, found.event_id, found.match) == ("Schannel", 36877, "template")
    assert found.slots == {"ErrorCode": "0x800b0109"}


def test_html_entities_are_undone() -> None:
    text = ("&lt;p&gt;The certificate received from the remote server does not contain the "
            "expected name. It is therefore not possible to determine whether we are connecting"
            " to the correct server. The server name we were expecting is "
            "api.fabrikam.com. The TLS connection request has failed. The attached data "
            "contains the server certificate.&lt;/p&gt; &quot;quoted&quot;&nbsp;here")
    assert _one(text).slots == {"Name": "api.fabrikam.com"}


def test_the_lines_of_a_wrapped_message_are_its_span() -> None:
    words = M36877.split()
    lines = [" ".join(words[:9]), " ".join(words[9:18]), " ".join(words[18:])]
    text = "Hello,\n\nthe log says\n" + "\n".join(lines) + "\nBye"
    found = _one(text)
    assert (found.start, found.end) == (4, 6)


@pytest.mark.parametrize(("text", "slots"), [
    ("The certificate received from the remote client application has not validated correc...",
     {}),
    ("A fatal alert was generated and sent to the remote endpoint. This may result in term\u2026",
     {}),
    ("A fatal alert was generated and sent to the remote endpoint. This may result in "
     "termination of the connection. The TLS protocol defined fatal alert code is 48....",
     {"AlertDesc": "48"}),
    ('the server logs "The certificate received from the remote client application has not '
     'validated correctly." and nothing else', {}),
    ("An TLS 1.0 connection request was received from a remote client application, but non...",
     {"Protocol": "TLS 1.0"}),
])
def test_a_message_cut_short_is_found_by_its_head(text: str, slots: dict[str, str]) -> None:
    found = find_messages(text)[0]
    assert found.slots == slots
    assert found.match in ("cut", "template")


def test_a_short_or_unrelated_head_is_not_a_message() -> None:
    assert find_messages("The certificate received from...") == []
    assert find_messages("The certificate received from the remote client application was "
                         "fine, thanks") == []


@pytest.mark.parametrize("label", [
    "Event ID: 36888", "EventID>36888<", "Id : 36888", "Schannel 36888", "SChannel error 36888",
    "Event 36888, source Schannel", "### Event ID 36888 (Schannel)", "EID 36888",
])
def test_an_event_id_named_next_to_a_message_binds_to_it(label: str) -> None:
    found = _one(f"{label}\n{M36888}")
    assert found.event_id == 36888 and found.bound == 1


def test_an_id_decides_between_events_that_share_a_text() -> None:
    text = ("No suitable default server credential exists on this system. This will prevent "
            "server applications that expect to make use of the system default credentials from"
            " accepting SSL connections. An example of such an application is the directory "
            "server. Applications that manage their own credentials, such as the internet "
            "information server, are not affected by this.")
    assert {_one(text).event_id, *(i for _, i in _one(text).candidates)} == {36872, 36886}
    assert _one(f"Event ID: 36872\n{text}").event_id == 36872
    assert _one("Source: crypt32\nEvent ID: 8\nFailed auto update retrieval of third-party "
                "root list sequence number from: <http://ctldl.windowsupdate.com/x/"
                "authrootseq.txt> with error: This network connection does not exist."
                ).provider == "crypt32"


def test_the_capi2_sentence_needs_an_id() -> None:
    sentence = 'For more details for this event, please refer to the "Details" section'
    assert find_messages(sentence) == []
    found = _one(f"Event ID 41 (CAPI2)\n{sentence}")
    assert (found.provider, found.event_id) == ("Microsoft-Windows-CAPI2", 41)


def test_a_provider_and_id_in_prose_are_an_event_with_the_numbers_named() -> None:
    found = find_messages("We also see SChannel 36887 (alert 46) on the client and EID 36888/48 "
                          "on web01, and Schannel 36877 with 0x80092013 on the server.")
    assert [(f.event_id, f.match, f.slots) for f in found] == [
        (36887, "mention", {"AlertDesc": "46"}), (36888, "mention", {"AlertDesc": "48"}),
        (36877, "mention", {"ErrorCode": "0x80092013"})]


def test_a_translated_message_under_a_heading_keeps_its_numbers() -> None:
    found = find_messages("### Schannel 36887\nEine schwerwiegende Warnung wurde vom "
                          "Remoteendpunkt empfangen. Der Warnungscode ist 46.")
    assert [(f.event_id, f.slots) for f in found] == [(36887, {"AlertDesc": "46"})]


def test_an_id_alone_needs_its_provider_unless_only_one_provider_uses_it() -> None:
    assert find_messages("Event ID: 100") == []
    assert [f.event_id for f in find_messages("CertificationAuthority event 100")] == [100]
    assert [f.provider for f in find_messages("Event ID: 15021")] == [
        "Microsoft-Windows-HttpEvent"]


# ---- messages seen in other languages, with synthetic values ---------------------------------
def test_the_zh_cn_36876_with_its_sspi_caller() -> None:
    found = _one("Schannel ID 36876\n没有正确验证从远程服务器上收到的证书。错误代码为 0x800b0109。"
                 "TLS 连接请求失败。所附数据包含服务器证书。\n SSPI 客户端进程 sync.exe （PID： 4188）。")
    assert (found.event_id, found.lang, found.bound) == (36876, "zh-CN", 1)
    assert found.slots == {"ErrorCode": "0x800b0109", "CallerProcessImageName": "sync.exe",
                           "CallerProcessId": "4188"}


def test_the_french_alert_tail_takes_its_id_from_the_line_above() -> None:
    text = "le code d'alerte irrécupérable défini par le protocole de tls est 42"
    alone = _one(text)
    assert {(alone.provider, alone.event_id), *alone.candidates} == {
        ("Schannel", 36887), ("Schannel", 36888)}
    found = _one(f"Schannel 36887 :\n{text}")
    assert (found.event_id, found.slots, found.lang) == (36887, {"AlertDesc": "42"}, "fr-FR")


def test_the_english_sspi_caller_sentence_is_part_of_the_message() -> None:
    found = _one(f"{M36877} The SSPI client process is C:\\Program Files\\Tailspin\\agent.exe "
                 f"(PID: 912).")
    assert found.slots["CallerProcessImageName"] == "C:\\Program Files\\Tailspin\\agent.exe"
    assert found.slots["CallerProcessId"] == "912"


def test_large_prose_is_read_without_messages_in_it() -> None:
    prose = "Dear team, the certificate we received from the CA looks fine to me.\n" * 5000
    assert find_messages(prose) == []
    assert len(find_messages(prose + M36877 + "\n" + prose)) == 1


def test_event_data_pasted_next_to_a_cut_message_fills_its_slots() -> None:
    found = _one("The certificate received from the remote client application has not validated "
                 "correctly...\n&lt;Data Name=&quot;ErrorCode&quot;&gt;0x800b010a&lt;/Data&gt;")
    assert (found.event_id, found.match, found.slots) == (36877, "cut", {"ErrorCode": "0x800b010a"})


# ---- an alert event named without its provider, in prose of any language ---------------------
#: "<the event word> <id> <an alert word> <number>" as tickets write it; the event word varies
#: and is not what the reader keys on (the id and a TLS alert number after it are).
_ALERT_PROSE = (
    "l'authentification échoue, l'événement {id} montre l'alerte {n}.",
    "die Anmeldung schlägt fehl: Ereignis {id}, schwerwiegende Warnung {n}",
    "el evento {id} aparece con la alerta TLS {n} en el servidor",
    "nel registro c'è l'evento {id} con avviso {n}",
    "イベント {id} が記録され、アラート {n} が返されました",
    "we keep seeing {id} with TLS alert {n} on the web servers",
)


@pytest.mark.parametrize(("template", "event_id", "alert"), [
    (t, i, n) for t in _ALERT_PROSE for i in (36887, 36888) for n in ("40", "42", "46", "48")])
def test_an_alert_event_named_in_any_language_is_a_mention(template: str, event_id: int,
                                                            alert: str) -> None:
    found = find_messages(template.format(id=event_id, n=alert))
    assert [(f.provider, f.event_id, f.match, f.slots.get("AlertDesc")) for f in found] == [
        ("Schannel", event_id, "mention", alert)]


#: A number after the id that counts the events (or the machines): no alert, whatever the
#: language, the alert-like number or the words about TLS around it.
_COUNTED = (
    "Event ID {id}, {n} times an hour since client certificates were enabled",
    "Schannel {id} logged {n}x today (TLS handshake)",
    "das Ereignis {id} kommt {n} mal pro Stunde (TLS)",
    "l'événement Schannel {id} apparaît {n} fois par heure",
    "el evento {id} de Schannel se registra {n} veces por hora (TLS)",
    "Schannel のイベント {id} が {n}回 記録されました",
    "Event ID {id} on {n} servers since Monday",
)


@pytest.mark.parametrize(("template", "event_id", "count"), [
    (t, i, n) for t in _COUNTED for i in (36887, 36888) for n in ("40", "46", "48")])
def test_a_count_after_an_alert_event_is_not_its_alert(template: str, event_id: int,
                                                        count: str) -> None:
    found = find_messages(template.format(id=event_id, n=count))
    assert [(f.event_id, f.slots.get("AlertDesc")) for f in found] == [(event_id, None)]


@pytest.mark.parametrize("text", [
    "ticket 36887 opened for 48 users",  # no alert, warning, TLS or SSL on the line
    "the TLS bundle a36887 shipped to 48 sites",  # not the id alone
    "TLS alert 48 in request 36887.5",
])
def test_a_number_like_an_alert_event_is_no_mention(text: str) -> None:
    assert find_messages(text) == []
