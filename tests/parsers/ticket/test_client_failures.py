"""A .NET client's "Could not create SSL/TLS secure channel", in the languages the .NET Framework
prints it and the shapes a ticket brings it in: named, with what to collect, and never a cause.
"""

from __future__ import annotations

import pytest

from certtriage import analyze_text
from certtriage.knowledge.codes import code_tables

#: The message as the .NET Framework's language packs print it (the words around "SSL/TLS"
#: and the word for a channel differ; both are what the reader keys on).
MESSAGES = {
    "en": "The request was aborted: Could not create SSL/TLS secure channel.",
    "de": "Die Anfrage wurde abgebrochen: Es konnte kein geschützter SSL/TLS-Kanal erstellt "
          "werden.",
    "fr": "La demande a été abandonnée : Impossible de créer un canal sécurisé SSL/TLS.",
    "es": "Se anuló la solicitud: No se puede crear un canal seguro SSL/TLS.",
    "ja": "要求は中止されました: SSL/TLS のセキュリティで保護されているチャネルを作成できませんでした",
    "zh": "请求被中止: 未能创建 SSL/TLS 安全通道。",
    "ru": "Запрос был прерван: Не удалось создать защищенный канал SSL/TLS.",
}
SHAPES = {
    "exception": "System.Net.WebException: {m}\n   at System.Net.HttpWebRequest.GetResponse()\n",
    "powershell": "Invoke-WebRequest : {m}\nAt line:1 char:1\n",
    "sentence": "Since the renewal the job fails with \"{m}\" every night.\n",
    "quoted": "> {m}\n",
}


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("lang", list(MESSAGES))
def test_a_secure_channel_failure_is_named_and_decides_nothing(lang: str, shape: str) -> None:
    text = "Hi,\n\n" + SHAPES[shape].format(m=MESSAGES[lang]) + "\nThanks\n"
    result = analyze_text(text)
    assert (result.kind, result.verdict, result.root_causes) == ("ticket", "inconclusive", ())
    assert [f.rule for f in result.findings] == ["TKT017"]
    assert "36870" in result.next_steps[0] and "Manage Private Keys" in result.next_steps[0]


@pytest.mark.parametrize("text", [
    "The secure channel between this computer and the domain failed.",  # Netlogon's, no TLS
    "We disabled SSL/TLS 1.0 on the web farm last month.",
    "The SSL/TLS settings of the channel are documented in the wiki page of 2019 channel 7.",
])
def test_no_secure_channel_failure_without_both_words_side_by_side(text: str) -> None:
    assert "TKT017" not in {f.rule for f in analyze_text(text + "\n").findings}


def test_beside_the_evidence_of_the_cause_it_adds_nothing() -> None:
    record = ("Log Name:      System\nSource:        Schannel\nDate:          3/2/2026 8:14:09 AM\n"
              "Event ID:      36870\nLevel:         Error\nComputer:      app03.contoso.com\n"
              "Description:\nA fatal error occurred when attempting to access the TLS client "
              "credential private key. The error code returned from the cryptographic module is "
              "0x8009030D. The internal error state is 10003.\n")
    result = analyze_text(f"The job fails with: {MESSAGES['en']}\n\n{record}")
    assert "TKT017" not in {f.rule for f in result.findings}
    assert result.root_causes


def _trace(issuers: int, left: int, shape: str) -> str:
    """A .NET client's System.Net trace of choosing its certificate, as a post brings it."""
    prefix = "System.Net Information: 0 : [7420] SecureChannel#21536142 - "
    lines = [f"{prefix}Left with 1 client certificates to choose from.",
             f"{prefix}We have user-provided certificates. The server has specified {issuers} "
             "issuer(s). Looking for certificates that match any of the issuers.",
             f"{prefix}Left with {left} client certificates to choose from."]
    if shape == "timestamps":  # traceOutputOptions="DateTime" adds a line under each
        lines = [x for line in lines for x in (line, "    DateTime=2026-03-02T08:14:09.1234567Z")]
    body = "\n".join(lines)
    return {"plain": body, "timestamps": body,
            "quoted": "\n".join(f"> {line}" for line in lines),
            "fenced": f"```\n{body}\n```",
            "told": (f"In the trace the server has specified {issuers} issuer(s), and then it "
                     f"says: Left with {left} client certificates to choose from.")}[shape]


@pytest.mark.parametrize("shape", ["plain", "timestamps", "quoted", "fenced", "told"])
@pytest.mark.parametrize("issuers", [0, 1, 96, 137])
@pytest.mark.parametrize("left", [0, 1, 2])
def test_a_client_trace_left_with_no_certificate_is_no_certificate_sent(
        issuers: int, left: int, shape: str) -> None:
    result = analyze_text(f"Hi,\nthe API answers 403.\n\n{_trace(issuers, left, shape)}\n\nThanks\n")
    rules = {f.rule for f in result.findings}
    if left:
        assert "TKT018" not in rules
        return
    assert (result.verdict, result.root_causes) == ("fail", ("no-client-certificate",))
    assert result.iis_substatus == ("403.7",)
    finding = next(f for f in result.findings if f.rule == "TKT018")
    assert (f"the {issuers} issuer(s)" in finding.message) == (issuers > 0)


#: Other clients' traces of choosing a certificate for the server's request, each ending with
#: none to send, and the cause that left none: .NET (Core and later) dropping a certificate
#: whose usage lacks Client Authentication, .NET finding none eligible, Java finding no key
#: entry that fits.
OTHER_TRACES = {
    "dotnet-usage": (["Info: SslStream#4012 Certificate request received from the server.",
                      "Info: X509Certificate2#2267 IsValidClientCertificate For Certificate "
                      "2267 - current X509EnhancedKeyUsageExtension 8041 is not valid for "
                      "Client Authentication.",
                      "Info: X509Certificate2Collection#5131 GetEligibleClientCertificate No "
                      "eligible client certificate found.",
                      "Info: SecureChannel#4012 AcquireClientCredentials No client certificate "
                      "to choose from"], "missing-client-auth-eku"),
    "dotnet-none": (["Info: X509Certificate2Collection#5131 GetEligibleClientCertificate No "
                     "eligible client certificate found."], "no-client-certificate"),
    "java": (["*** CertificateRequest", "Cert Authorities:",
              "<CN=Fabrikam Partner CA 02, O=Fabrikam, C=US>",
              "Warning: no suitable certificate found - continuing without client "
              "authentication", "*** Certificate chain", "<Empty>"], "no-client-certificate"),
    "java-retyped": (["The proxy's debug log says **Warning: no suitable certificate found = "
                      "continuing without client authentication**"], "no-client-certificate"),
}
TRACE_SHAPES = {
    "plain": "\n".join,
    "quoted": lambda lines: "\n".join(f"> {line}" for line in lines),
    "fenced": lambda lines: "```\n" + "\n".join(lines) + "\n```",
    "timestamped": lambda lines: "\n".join(f"08:41:17.{i:03d} {line}"
                                           for i, line in enumerate(lines)),
}
AROUND = {
    "403.7 named": "Hi,\nthe API on web05 answers 403.7 to our job.\n\n{trace}\n\nThanks\n",
    "403 only": "Hi,\nthe API answers 403 since the renewal.\n\n{trace}\n\nThanks\n",
    "client named": ("Our HttpClient on APP07 gets 403 from IIS; InitializeSecurityContext "
                     "returned OK in the trace:\n\n{trace}\n"),
}


@pytest.mark.parametrize("around", list(AROUND))
@pytest.mark.parametrize("shape", list(TRACE_SHAPES))
@pytest.mark.parametrize("client", list(OTHER_TRACES))
def test_another_clients_trace_with_no_certificate_to_send(client: str, shape: str,
                                                           around: str) -> None:
    """A client that sent no certificate because none fitted the server's request: the cause
    its trace gives, and IIS's 403.7, its own lines and a named client program no reason to
    drop it (the server asked for the certificate)."""
    lines, cause = OTHER_TRACES[client]
    result = analyze_text(AROUND[around].format(trace=TRACE_SHAPES[shape](lines)))
    assert (result.verdict, result.root_causes) == ("fail", (cause,)), result.findings
    assert result.iis_substatus == ("403.7",)
    assert "TKT011" not in {f.rule for f in result.findings}  # the trace says why


@pytest.mark.parametrize("text", [
    "The template's certificate is not valid for Client Authentication, says the vendor's FAQ"
    " about its own product.",
    "No client certificate was configured for the health probe, which is fine.",
])
def test_prose_about_a_usage_or_a_missing_certificate_is_no_trace(text: str) -> None:
    rules = {f.rule for f in analyze_text(text + "\n").findings}
    assert not rules & {"TKT018", "TKT025"}


#: .NET's message for a server certificate its client rejects, as its language packs print it.
TRUST_MESSAGES = {
    "en": "The underlying connection was closed: Could not establish trust relationship for the "
          "SSL/TLS secure channel.",
    "pt": "A conexão subjacente estava fechada: Não foi possível estabelecer relação de "
          "confiança para o canal seguro de SSL/TLS.",
    "es": "Se ha terminado la conexión: No se puede establecer una relación de confianza para "
          "el canal seguro SSL/TLS con la autoridad 'edi.fabrikam.com'.",
    "de": "Die zugrunde liegende Verbindung wurde geschlossen: Für den geschützten SSL/TLS-Kanal "
          "konnte keine Vertrauensstellung hergestellt werden.",
    "fr": "La connexion sous-jacente a été fermée : Impossible d'établir une relation de "
          "confiance pour le canal sécurisé SSL/TLS.",
    "ru": "Базовое соединение закрыто: Не удалось установить доверительные отношения для "
          "защищенного канала SSL/TLS.",
}


#: .NET's exception about the other end's certificate, as a stack trace or a log prints it:
#: its type with the message in English, and the type with a message in another language.
REMOTE_INVALID = {
    "en": "System.Security.Authentication.AuthenticationException: The remote certificate is "
          "invalid according to the validation procedure.",
    "en-bare": "The remote certificate is invalid according to the validation procedure.",
    "zh": "System.Security.Authentication.AuthenticationException: 根据验证过程，远程证书无效。",
    "de": "System.Security.Authentication.AuthenticationException: Das Remotezertifikat ist "
          "laut Validierungsverfahren ungültig.",
    "ja": "System.Security.Authentication.AuthenticationException: 検証プロシージャによると、"
          "リモート証明書は無効です。",
    "ru": "System.Security.Authentication.AuthenticationException: Удаленный сертификат "
          "недействителен согласно результатам проверки подлинности.",
}


#: Every message that says a .NET client rejected the server's certificate, in each language.
REJECTED = {**{f"trust-{k}": v for k, v in TRUST_MESSAGES.items()},
            **{f"remote-{k}": v for k, v in REMOTE_INVALID.items()}}


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("message", list(REJECTED))
def test_a_trust_failure_is_the_server_certificate_rejected_by_the_client(message: str,
                                                                          shape: str) -> None:
    """Not the message that names nothing: the client says it did not trust the server's
    certificate (its secure-channel message with the word for trust, or .NET's exception about
    the remote certificate, whose type no language changes), which is no client certificate
    IIS rejected (no 403)."""
    text = "Hi,\n\n" + SHAPES[shape].format(m=REJECTED[message]) + "\nThanks\n"
    result = analyze_text(text)
    assert (result.verdict, result.root_causes, result.iis_substatus) == (
        "fail", ("server-certificate-rejected",), ())
    assert [f.rule for f in result.findings] == ["TKT019"]


@pytest.mark.parametrize("text", [
    "System.Security.Authentication.AuthenticationException: A call to SSPI failed, see inner "
    "exception.",  # the handshake failed, no word of a certificate
    "AuthenticationException: Authentication failed because the remote party has closed the "
    "transport stream.",
])
def test_an_authentication_exception_without_a_certificate_names_no_rejection(
        text: str) -> None:
    result = analyze_text(f"Hi,\n\n{text}\n\nThanks\n")
    assert "server-certificate-rejected" not in result.root_causes


#: A client's failure with its code a line or more away from the line that says it is a
#: client's: curl's line quoted and wrapped, a run told in two paragraphs.
_CLIENT_APART = {
    "quoted-wrapped": "> curl: (35) schannel: next InitializeSecurityContext failed:\n"
                      "> {symbol} ({hex})",
    "two-paragraphs": "curl: (35) schannel: next InitializeSecurityContext failed\n\n"
                      "The code in the verbose log is {hex}.",
}


@pytest.mark.parametrize("shape", list(_CLIENT_APART))
@pytest.mark.parametrize("value", ["0x80092013", "0x800b0109", "0x80092010"])
def test_a_clients_code_apart_from_its_client_line_is_still_the_clients(value: str,
                                                                         shape: str) -> None:
    code = code_tables().lookup(value)
    assert code is not None
    text = _CLIENT_APART[shape].format(hex=code.hex, symbol=code.symbol)
    result = analyze_text(text + "\n")
    assert (result.root_causes, result.iis_substatus) == ((code.cause,), ())
    # beside something of a server checking client certificates, the code stays the server's
    served = analyze_text(f"IIS answers 403.13 since Monday.\n\n{text}\n")
    assert served.iis_substatus


#: Codes that name no cause, as tickets quote them from the command that printed them.
_CAUSELESS = {
    "certutil": "CertUtil: -exportPFX command FAILED: {hex} (-{signed} {symbol})",
    "sentence": "The export keeps failing with {hex} since the move.",
    "symbol": "PowerShell says {symbol} when it opens the key.",
}


@pytest.mark.parametrize("shape", list(_CAUSELESS))
@pytest.mark.parametrize("value", ["0x80090016", "0x80090304"])
def test_a_code_that_names_no_cause_is_named_with_its_meaning(value: str, shape: str) -> None:
    code = code_tables().lookup(value)
    assert code is not None and code.cause is None
    text = _CAUSELESS[shape].format(hex=code.hex, signed=abs(code.signed), symbol=code.symbol)
    result = analyze_text(f"Hi,\n{text}\nThanks\n")
    assert (result.kind, result.verdict, result.root_causes) == ("ticket", "inconclusive", ())
    # certutil's own FAILED line: the code is that command's (TKT023), said with its meaning
    rule = "TKT023" if shape == "certutil" else "TKT020"
    finding = next(f for f in result.findings if f.rule == rule)
    if rule == "TKT020":
        assert code.meaning in finding.message and result.next_steps
    else:  # the command's code, by its name
        assert code.hex in finding.message and "-exportPFX" in finding.message
    # beside a code that names a cause, it adds nothing
    both = analyze_text(f"{text}\nand later 0x80092013 (CRYPT_E_REVOCATION_OFFLINE)\n")
    assert "TKT020" not in {f.rule for f in both.findings}


#: Schannel's codes for a credential it could not use, each way a text names it.
_CREDENTIAL_CODES = {
    "0x8009030d": ("SEC_E_UNKNOWN_CREDENTIALS",
                   "The credentials supplied to the package were not recognized"),
    "0x8009030e": ("SEC_E_NO_CREDENTIALS",
                   "No credentials are available in the security package"),
}
_CREDENTIAL_SHAPES = {
    "stack": "System.ComponentModel.Win32Exception ({upper}): {message}\n   at System.Net."
             "Security.SecureChannel.AcquireClientCredentials(Byte[]& thumbPrint)",
    "message-only": 'The call fails with "{message}." since the move to the new server.',
    "symbol": "The handshake fails with {symbol} on the batch server.",
    "quoted": "> Win32Exception: {message}",
}


@pytest.mark.parametrize("shape", list(_CREDENTIAL_SHAPES))
@pytest.mark.parametrize("code", list(_CREDENTIAL_CODES))
def test_a_credential_schannel_could_not_use_is_its_private_key(code: str, shape: str) -> None:
    """Named by number, symbol or message alone, Schannel's credential codes say the
    certificate's key could not be used: a cause of its own (TKT022), no 403, not a code that
    names nothing (TKT020)."""
    symbol, message = _CREDENTIAL_CODES[code]
    text = _CREDENTIAL_SHAPES[shape].format(upper="0x" + code[2:].upper(), symbol=symbol,
                                            message=message)
    result = analyze_text(f"Hi,\n\n{text}\n\nThanks\n")
    assert result.root_causes == ("private-key-inaccessible",), result.findings
    assert result.iis_substatus == ()
    assert "TKT020" not in {f.rule for f in result.findings}


@pytest.mark.parametrize("explained", [
    "",
    "\nCode {code} is an SSPI code; we looked it up.",
])
@pytest.mark.parametrize("code", ["2148074254", "2148074253"])
def test_a_credential_code_an_iis_log_gives_a_401_is_windows_authentications(
        code: str, explained: str) -> None:
    """The same codes as the Win32 status of an IIS log's 401 are Windows authentication's
    first, anonymous leg (the request after it succeeds), not a client certificate's key:
    no TKT022, whatever else the text says of the code; on a 403 they stay TKT022's."""
    line = ("2026-11-20 09:35:11 W3SVC1 POST /ccm_system_windowsauth/request - 80 - ccmhttp "
            "{status} {code}\n2026-11-20 09:35:13 W3SVC1 POST /ccm_system_windowsauth/request - "
            "80 CONTOSO\\WK02$ ccmhttp 200 0 0")
    explained = explained.format(code=code)
    challenged = analyze_text(f"The IIS log shows:\n\n{line.format(status='401 2', code=code)}"
                              f"{explained}\n", "<ticket>")
    assert "TKT022" not in {f.rule for f in challenged.findings}
    refused = analyze_text(f"The IIS log shows:\n\n{line.format(status='403 7', code=code)}"
                           f"{explained}\n", "<ticket>")
    assert "TKT022" in {f.rule for f in refused.findings}


#: A 403 without its sub-status, as clients show it.
FORBIDDEN = {
    "iis-remote-page": "403 - Forbidden: Access is denied.",
    "dotnet": "System.Net.WebException: The remote server returned an error: (403) Forbidden.",
    "dotnet-de": "Der Remoteserver hat einen Fehler zurückgegeben: (403) Unzulässig.",
    "powershell": "Invoke-WebRequest : The remote server returned an error: (403) Forbidden.",
    "wcf": "System.ServiceModel.Security.MessageSecurityException: The HTTP request was "
           "forbidden with client authentication scheme 'Anonymous'.",
    "curl": "< HTTP/1.1 403 Forbidden",
    "sentence": "The server responded with a 403 forbidden error.",
    # WCF's message in the display languages it is met in, each by its words for the scheme
    "wcf-de": "Die HTTP-Anforderung wurde mit dem Clientauthentifizierungsschema \u201eAnonym"
              "\u201c nicht zugelassen.",
    "wcf-fr": "La requ\u00eate HTTP a \u00e9t\u00e9 interdite avec le sch\u00e9ma "
              "d'authentification client \u00ab Anonymous \u00bb.",
    "wcf-es": "La solicitud HTTP se prohibi\u00f3 con el esquema de autenticaci\u00f3n de "
              "cliente 'Anonymous'.",
    "wcf-ja": "HTTP \u8981\u6c42\u306f\u3001\u30af\u30e9\u30a4\u30a2\u30f3\u30c8\u8a8d"
              "\u8a3c\u30b9\u30ad\u30fc\u30e0 'Anonymous' \u3067\u7981\u6b62\u3055\u308c"
              "\u3066\u3044\u307e\u3059\u3002",
    "status-de": "Der Remoteserver hat einen Fehler zur\u00fcckgegeben: 403 Verboten.",
    "status-fr": "Le serveur r\u00e9pond toujours 403 Interdit pour /api.",
}
AROUND_FORBIDDEN = {
    "alone": "{f}\n",
    "in a mail": "Hi,\n\nthe upload with the client certificate fails:\n\n{f}\n\nThanks\n",
    "quoted": "> {f}\n",
}


@pytest.mark.parametrize("around", list(AROUND_FORBIDDEN))
@pytest.mark.parametrize("shown", list(FORBIDDEN))
def test_a_403_without_its_substatus_asks_for_the_servers_log(shown: str, around: str) -> None:
    result = analyze_text(AROUND_FORBIDDEN[around].format(f=FORBIDDEN[shown]))
    assert (result.kind, result.verdict, result.root_causes) == ("ticket", "inconclusive", ())
    assert [f.rule for f in result.findings] == ["TKT027"]
    assert "sc-substatus" in result.next_steps[0]


@pytest.mark.parametrize("shown", list(FORBIDDEN))
@pytest.mark.parametrize("beside", ["The IIS log says 403.16 for these requests.",
                                    "The error code is 0x80092013."])
def test_beside_its_substatus_or_a_code_the_403_adds_nothing(shown: str, beside: str) -> None:
    result = analyze_text(f"{FORBIDDEN[shown]}\n{beside}\n")
    assert "TKT027" not in {f.rule for f in result.findings}
    assert result.root_causes or any(f.rule == "TKT004" for f in result.findings)


@pytest.mark.parametrize("text", ["We processed 4030 forbidden words in the filter list.",
                                  "Room 403 is forbidden to visitors."])
def test_no_403_without_the_status_and_its_word(text: str) -> None:
    assert "TKT027" not in {f.rule for f in analyze_text(text + "\n").findings}


#: WinHTTP's flags for a server certificate its client refused.
_WINHTTP_FLAGS = ["CERT_REV_FAILED", "CERT_REVOKED", "INVALID_CA", "CERT_DATE_INVALID",
                  "CERT_CN_INVALID", "CERT_WRONG_USAGE", "INVALID_CERT",
                  "SECURITY_CHANNEL_ERROR"]
_WINHTTP_SHAPES = {
    "log line": "2026-11-27 02:00:14 [ERROR] SSL error: WINHTTP_CALLBACK_STATUS_FLAG_{flag} "
                "from endpoint files.tailspintoys.com",
    "prose": "The sync agent keeps failing with WINHTTP_CALLBACK_STATUS_FLAG_{flag} since "
             "Friday.",
    "quoted": "> secure failure, status WINHTTP_CALLBACK_STATUS_FLAG_{flag}",
    "json": '{{"level": "error", "msg": "TLS failure", "flags": '
            '"WINHTTP_CALLBACK_STATUS_FLAG_{flag}"}}',
}


@pytest.mark.parametrize("shape", list(_WINHTTP_SHAPES))
@pytest.mark.parametrize("flag", _WINHTTP_FLAGS)
def test_a_winhttp_flag_is_the_server_certificate_refused_by_the_client(flag: str,
                                                                       shape: str) -> None:
    text = "Hi,\n\n" + _WINHTTP_SHAPES[shape].format(flag=flag) + "\n\nThanks\n"
    result = analyze_text(text, "<ticket>")
    assert "TKT034" in {f.rule for f in result.findings}
    assert result.root_causes == ("server-certificate-rejected",)
    assert result.iis_substatus == ()


def test_a_winhttp_flag_of_another_kind_is_no_refusal() -> None:
    result = analyze_text("The callback got WINHTTP_CALLBACK_STATUS_FLAG_RESOLVING_NAME.\n")
    assert "TKT034" not in {f.rule for f in result.findings}
