"""The internal error state of a Schannel message in a language the catalog has no wording
for, and a heading that names the event above its record.

Schannel names the state last in its 36871 and 36888 messages, in every language; a record
whose message no wording matched took no state ("state not shown"). A heading naming the
event (`Event ID 36871 overview`) over the record was counted as a second occurrence.
"""

from __future__ import annotations

import pytest

from certtriage import analyze_text

#: 36871 messages in other languages, with `{s}` for the state (and their end as pasted:
#: with or without the closing mark, a line of prose after it).
MESSAGES_36871 = (
    "TLS クライアント 資格情報を作成しているときに致命的なエラーが発生しました。内部エラーの状態は {s} です",
    "Beim Erstellen von TLS-Clientanmeldeinformationen ist ein schwerwiegender Fehler "
    "aufgetreten. Der interne Fehlerstatus lautet {s}.",
    "Une erreur irrécupérable s'est produite lors de la création d'informations "
    "d'identification client TLS. L'état d'erreur interne est {s}.",
    "Se produjo un error grave al crear una credencial de cliente TLS. El estado de error "
    "interno es {s}",
)
STATES = (10013, 10010, 10011, 10001)
ENDS = ("", "。", "\nThis error means the TLS connection could not be set up.")


def _record(message: str, event_id: int = 36871) -> str:
    return ("Log Name:      System\nSource:        Schannel\nDate:          3/2/2026 8:14:09 AM\n"
            f"Event ID:      {event_id}\nLevel:         Error\nComputer:      web01.contoso.com\n"
            f"Description:\n{message}\n")


@pytest.mark.parametrize("end", ENDS, ids=["bare", "mark", "prose"])
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("message", MESSAGES_36871, ids=["ja", "de", "fr", "es"])
def test_a_translated_36871_keeps_its_state(message: str, state: int, end: str) -> None:
    result = analyze_text(_record(message.format(s=state) + end), "x")
    (event,) = result.model.events  # type: ignore[union-attr]
    assert event.error_state == state


def test_a_translated_36888_keeps_its_alert_and_its_state() -> None:
    message = ("Une alerte irrécupérable a été générée et envoyée au point de terminaison "
               "distant. Cela peut entraîner l'arrêt de la connexion. Le code d'alerte "
               "irrécupérable défini par le protocole TLS est 40. L'état d'erreur est 1205.")
    (event,) = analyze_text(_record(message, 36888), "x").model.events  # type: ignore[union-attr]
    assert (event.alert_code, event.error_state) == (40, 1205)


@pytest.mark.parametrize("heading", ["イベント ID 36871 の概要", "Event ID 36871 explained",
                                     "## Schannel 36871"])
def test_a_heading_over_the_record_is_no_second_event(heading: str) -> None:
    text = f"{heading}\n\n" + _record(MESSAGES_36871[0].format(s=10013))
    result = analyze_text(text, "x")
    assert [e.event_id for e in result.model.events] == [36871]  # type: ignore[union-attr]


def test_a_mention_that_tells_more_stays() -> None:
    text = ("We also saw Schannel 36888 with alert 48 an hour before.\n\n"
            + _record("A fatal alert was generated and sent to the remote endpoint. This may "
                      "result in termination of the connection. The TLS protocol defined "
                      "fatal error code is 40. The Windows SChannel error state is 1205.",
                      36888))
    events = analyze_text(text, "x").model.events  # type: ignore[union-attr]
    assert sorted(e.alert_code for e in events) == [40, 48]


_SIDE_WORDS = {"client": ("客户端", "クライアント", "cliente", "клиент", "Client"),
               "server": ("服务器", "サーバー", "servidor", "serveur", "Server")}


@pytest.mark.parametrize("side", list(_SIDE_WORDS))
@pytest.mark.parametrize("event_id", [36869, 36870, 36871])
def test_the_side_of_a_credential_reads_in_every_language(event_id: int, side: str) -> None:
    """Schannel writes a credential's `Type` in the display language: the side is the same
    (and so are the rules that ask for it) whatever the word."""
    from .shapes import cases, xml_export

    case = next(c for c in cases() if c.event.provider == "Schannel" and c.event.id == event_id)
    english = analyze_text(xml_export(case.__class__(case.event, case.wording,
                                                     {**case.values, "Type": side})), "en")
    for word in _SIDE_WORDS[side]:
        values = {**case.values, "Type": word}
        result = analyze_text(xml_export(case.__class__(case.event, case.wording, values)), word)
        assert result.events[0]["data"]["Type"] == side
        assert ({f.rule for f in result.findings}, result.root_causes) == (
            {f.rule for f in english.findings}, english.root_causes)
