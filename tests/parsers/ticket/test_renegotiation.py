"""Renegotiation told in a ticket beside a client certificate: IIS asking for the certificate
after the request (TKT035), in each language and paste shape a ticket brings it in; without a
client certificate named, no ticket; with TLS 1.3 named beside a failure, TKT024 tells it."""

from __future__ import annotations

import html

import pytest

from certtriage import analyze_text

#: A sentence naming renegotiation, and one naming the client certificate, per language.
SAID = {
    "en": ("The server requests a TLS renegotiation after the HTTP request is sent.",
           "The app sends its client certificate but the call is reset."),
    "es": ("El servidor pide una renegociación TLS después de la petición.",
           "La aplicación envía su certificado de cliente y la conexión se corta."),
    "pt": ("O servidor faz uma renegociação TLS depois do pedido.",
           "O sistema envia o certificado do cliente e a conexão cai."),
    "fr": ("Le serveur lance une renégociation TLS après la requête.",
           "L'application envoie son certificat client et la connexion est coupée."),
    "de": ("Der Server startet nach der Anfrage eine TLS-Neuaushandlung.",
           "Die Anwendung sendet ihr Clientzertifikat, dann bricht die Verbindung ab."),
    "ru": ("Сервер запускает ренегоциацию TLS после запроса.",
           "Приложение отправляет клиентский сертификат, и соединение обрывается."),
    "zh": ("IIS 在收到请求后发起 TLS 重新协商。", "客户端证书已配置,但 rustls 连接被重置。"),
    "ja": ("IIS はリクエストの後で TLS の再ネゴシエーションを始めます。",
           "クライアント証明書を設定しましたが、接続がリセットされます。"),
    "rustls": ("The log shows RefuseRenegotiation after the hello_request.",
               "The IIS endpoint requires a client cert."),
    "request": ("The server sends hello_request; the client refuses renegotiation.",
                "The server probably wants to send its certificate_request then."),
    "mtls": ("curl -v shows the renegotiation and then 200 OK.",
             "Our Deno client uses mutual TLS against the IIS endpoint and gets a reset."),
}
SHAPES = {
    "mail": lambda a, b: f"Hi,\n\n{b}\n{a}\n\nThanks\n",
    "quoted": lambda a, b: f"> {b}\n> {a}\n",
    "html": lambda a, b: f"<p>{html.escape(b)}</p><p>{html.escape(a)}</p>",
    "one line": lambda a, b: f"{b} {a}\n",
}


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("language", list(SAID))
def test_renegotiation_beside_a_client_certificate_asks_for_the_handshake(
        language: str, shape: str) -> None:
    told, certificate = SAID[language]
    result = analyze_text(SHAPES[shape](told, certificate), "<ticket>")
    assert [f.rule for f in result.findings] == ["TKT035"], result.warnings
    assert result.verdict == "inconclusive" and result.iis_substatus == ()
    assert any("clientcertnegotiation=enable" in step.text for f in result.findings
               for step in f.remediation)


@pytest.mark.parametrize("language", list(SAID))
def test_renegotiation_without_a_client_certificate_is_no_ticket(language: str) -> None:
    told, _ = SAID[language]
    assert analyze_text(f"Hi,\n\n{told}\n\nThanks\n", "<ticket>").status == "unrecognized"


def test_tls13_named_beside_a_failure_is_told_by_its_own_rule() -> None:
    told, certificate = SAID["en"]
    failing = analyze_text(f"{certificate}\n{told}\nOver TLS 1.3 only it fails: "
                           "0x80090326.\n", "<ticket>")
    assert "TKT024" in {f.rule for f in failing.findings}
    assert "TKT035" not in {f.rule for f in failing.findings}
    named = analyze_text(f"{certificate}\n{told}\nWe use TLS 1.3.\n", "<ticket>")
    assert [f.rule for f in named.findings] == ["TKT035"]
