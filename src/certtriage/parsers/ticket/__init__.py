"""A ticket: text that is no export of its own but holds evidence somewhere (an e-mail, a forum
post, a chat, notes), and the evidence a recognised input leaves around its main content.

`scan` splits the text into paragraphs and hands each to the formats' sniffers and parsers (a
Schannel message quoted in prose, an event XML block, a netsh binding, certutil lines), finds
the error codes and sub-statuses that stand alone in sentences (`mentions`), and counts the rest
as prose. Each piece keeps its line span and is diagnosed by its own format's rules. This module
recognises a ticket cheaply: a line that names an error code, a sub-status or an event.
"""

from __future__ import annotations

import re

#: .NET's X509ChainStatusFlags names (the CERT_TRUST_* error flags under other names) -> the
#: code CertVerifyCertificateChainPolicy returns for the flag. RevocationStatusUnknown is
#: CRYPT_E_NO_REVOCATION_CHECK alone and CRYPT_E_REVOCATION_OFFLINE beside OfflineRevocation
#: (`mentions.chain_statuses`).
CHAIN_STATUSES = {
    "NotTimeValid": "0x800b0101", "Revoked": "0x80092010", "NotSignatureValid": "0x80096004",
    "NotValidForUsage": "0x800b0110", "UntrustedRoot": "0x800b0109",
    "RevocationStatusUnknown": "0x80092012", "PartialChain": "0x800b010a",
    "OfflineRevocation": "0x80092013", "ExplicitDistrust": "0x800b0111",
}
#: Go's crypto/x509 errors (a Go server's `tls: failed to verify client's certificate: x509:
#: ...`, a Go client's `tls: failed to verify certificate: x509: ...`): the same checks as the
#: CryptoAPI codes they stand for here.
X509_ERRORS = {
    "x509: certificate signed by unknown authority": "0x800b0109",
    "x509: certificate has expired or is not yet valid": "0x800b0101",
    "x509: certificate specifies an incompatible key usage": "0x800b0110",
    "x509: certificate is not valid for any names": "0x800b010f",
}
#: A server's log line about the client certificate it checked with OpenSSL, with OpenSSL's
#: error number (`knowledge.openssl_errors`): nginx's `client SSL certificate verify error:
#: (26:unsupported certificate purpose)`, Apache mod_ssl's `Certificate Verification: Error
#: (20): unable to get local issuer certificate`.
SERVER_VERIFY = (r"\bclient SSL certificate verify error: \((?P<nginx>\d{1,3}):"
                 r"|\bCertificate Verification: Error \((?P<apache>\d{1,3})\)")
#: A server's log of a client certificate it refused, in words with no error number: HAProxy's
#: (`SSL client certificate not trusted`, `SSL client CA chain cannot be verified`).
SERVER_REFUSED = (r"\bSSL client certificate not trusted\b"
                  r"|\bSSL client CA chain cannot be verified\b")
#: Go's HTTP server logging a handshake it took (`http: TLS handshake error from ADDR: ...`):
#: Go's x509 errors on its line are about the client's certificate, not a server's.
GO_SERVER = r"\bTLS handshake error from\b"
#: The names that are no English word (`Revoked` is one): read wherever they stand.
COMPOUND_STATUSES = tuple(n for n in CHAIN_STATUSES if any(c.isupper() for c in n[1:]))
#: The errors Chromium browsers (Chrome, Edge) show about the client certificate, by name as
#: the error page and the developer tools print them (`net::ERR_...`; the page prints the name
#: in every language). Their numbers: -110, -117, -134, -135, -141, -164, -177. (A ticket is
#: sniffed by any name of their family, `ERR_SSL_CLIENT_AUTH_...`.) Firefox's (NSS) for a
#: client key that could not sign: `SSL_ERROR_SIGN_HASHES_FAILURE`.
BROWSER_ERRORS = (r"(?:ERR_(?:BAD_SSL_CLIENT_AUTH_CERT|SSL_CLIENT_AUTH_(?:CERT_NEEDED"
                  r"|PRIVATE_KEY_ACCESS_DENIED|CERT_NO_PRIVATE_KEY|SIGNATURE_FAILED"
                  r"|CERT_BAD_FORMAT|NO_COMMON_ALGORITHMS))|SSL_ERROR_SIGN_HASHES_FAILURE)")
#: A client key kept by a legacy CryptoAPI provider, which signs only with PKCS #1 v1.5 (the
#: Base, Strong and Enhanced providers with SHA-1 only, the RSA and AES one with SHA-2 too):
#: the provider named, or OpenSSL's CAPI engine signing with it.
LEGACY_PROVIDER = (r"\bMicrosoft (?:Enhanced|Strong|Base)(?: RSA and AES)? Cryptographic "
                   r"Provider\b|\bCAPI_RSA_SIGN\b|(?i:\blegacy CryptoAPI provider)")
#: A certificate whose private key was loaded for this process only (.NET's EphemeralKeySet,
#: Windows' PKCS12_NO_PERSIST_KEY, a certificate made from PEM files in .NET), which Schannel
#: cannot use for TLS on either side; and the TLS failure beside which it is why.
EPHEMERAL_KEY = (r"\bEphemeralKeySet\b|\bPKCS12_NO_PERSIST_KEY\b"
                 r"|\bX509Certificate2\.CreateFromPem(?:File)?\b")
TLS_FAILED = (r"\bSslStream\b|(?i:\bSchannel\b)|\bAcquireCredentialsHandle\b"
              r"|\bSEC_E_NO_CREDENTIALS\b|\b0x8009030[dDeE]\b|(?i:\bno private key\b"
              r"|\bno credentials are available)"
              r"|\bAuthenticationException\b|(?i:\bsecure channel\b|\bTLS handshake\b)")
#: A client's failure to sign its handshake: Schannel's SEC_E_ALGORITHM_MISMATCH, a provider's
#: NTE_BAD_ALGID (`cant create hash object`), NSS's and Chromium's signing errors, a TLS 1.2
#: signature scheme of SHA-1 alone.
SIGNING_FAILED = (r"\bSEC_E_ALGORITHM_MISMATCH\b|\b0x80090331\b|\bNTE_BAD_ALGID\b"
                  r"|\b0x80090008\b|\bcant create hash object\b|\bSSL_ERROR_SIGN_HASHES_FAILURE\b"
                  r"|\bERR_SSL_CLIENT_AUTH_(?:SIGNATURE_FAILED|NO_COMMON_ALGORITHMS)\b"
                  r"|\brsa_pkcs1_sha1\b")
#: The .NET Framework's failure to set up TLS as a client (`WebException`: "The request was
#: aborted: Could not create SSL/TLS secure channel."), in every language: "SSL/TLS" beside the
#: word for a channel (`SSL/TLS-Kanal`, `canal sécurisé SSL/TLS`, `SSL/TLS のセキュリティで保護
#: されているチャネル`, `SSL/TLS 安全通道`, `защищенный канал SSL/TLS`).
SECURE_CHANNEL = (r"SSL/TLS[^\n]{0,40}?(?i:secure channel|kanal|canal|チャネル|通道|канал)"
                  r"|(?i:secure channel|kanal|canal|チャネル|通道|канал)[^\n]{0,40}?SSL/TLS")
#: .NET's exception when the certificate of the other end fails its validation ("The remote
#: certificate is invalid according to the validation procedure"): its type, which no
#: language changes, with the word for certificate in its message (`远程证书无效`,
#: `Das Remotezertifikat ist ... ungültig`).
REMOTE_INVALID = (r"\bAuthenticationException\b[^\n]*?(?i:certificat|zertifikat|certyfikat"
                  r"|сертификат|証明書|证书|憑證|인증서)|(?i:\bremote certificate is invalid)")
#: A .NET server's own log or stack about a handshake it took (Kestrel's logger and connection
#: filters, SslStream authenticating as a server): beside it, "the remote certificate is
#: invalid" is about the client's certificate, which that server refused. Settings named in
#: a pasted configuration (`ClientCertificateMode`) say nothing of which side logged.
DOTNET_SERVER = (r"\bMicrosoft\.AspNetCore\.Server\.Kestrel\b|\bOnConnectionAsync\b"
                 r"|\bIConnectionAdapter\b|\bConnectionFilter\.OnConnection\b"
                 r"|\bAuthenticateAsServer(?:Async)?\b|\bHttpsConnection(?:Adapter|Middleware)\.")
#: A .NET client's own words about a connection it could not set up (HttpClient's, WebClient's):
#: with them in the text, "the remote certificate" stays the server's.
DOTNET_CLIENT = (r"(?i:\bThe SSL connection could not be established|\bHttpRequestException\b"
                 r"|\bWebException\b|\bHttpClient\b)")
#: WinHTTP's flags for a server certificate its client refused (the status of a
#: WINHTTP_CALLBACK_STATUS_SECURE_FAILURE): the revocation check that could not run, a revoked,
#: untrusted, expired or misnamed certificate, one of the wrong usage, another chain error.
WINHTTP_FLAG = (r"\bWINHTTP_CALLBACK_STATUS_FLAG_(?:CERT_REV_FAILED|CERT_REVOKED|INVALID_CA"
                r"|CERT_DATE_INVALID|CERT_CN_INVALID|CERT_WRONG_USAGE|INVALID_CERT"
                r"|SECURITY_CHANNEL_ERROR)\b")
#: Other clients' traces that end their choice of a certificate with none: .NET's (Core and
#: later, NetEventSource; and its SecureChannel's line), Java's (javax.net.debug).
CLIENT_TRACE_NONE = (r"(?i:\bNo eligible client certificate found|\bNo client certificate to "
                     r"choose from|\bno suitable certificate found\W{1,5}continuing without "
                     r"client authentication)")
#: .NET's trace dropping a certificate whose Enhanced Key Usage lacks Client Authentication.
CLIENT_TRACE_USAGE = (r"\bX509EnhancedKeyUsageExtension\b[^\n]{0,40}?(?i:is not valid for "
                      r"Client Authentication)")
#: A client that could not load or use its own certificate or key, so it sends none: curl's
#: error 58 (`CURLE_SSL_CERTPROBLEM`, by its number or its words `Problem with the local SSL
#: certificate`) and its messages for each TLS library
#: (OpenSSL: `could not load PEM client certificate`, `unable to set private key file`;
#: Schannel: `Failed to get certificate location`, `Failed to import cert file`; NSS: `unable to
#: load client cert: -8018`), OpenSSL's `s_client` (`unable to load client certificate`),
#: Python's `[SSL] PEM lib`, a Java key store it cannot open, and a .NET certificate built
#: from a `.cer` (the certificate alone, without its private key).
CLIENT_NOT_LOADED = (
    r"\bcurl: \(58\)|(?i:\bProblem with the local SSL certificate\b"
    r"|\bcould not load (?:PEM|ASN1|DER|P12|PKCS12)? ?client "
    r"(?:certificate|cert|key)|\bunable to (?:set|use|load) (?:the )?(?:client certificate|"
    r"client cert|client key|private key file)|\bschannel: Failed to (?:get certificate "
    r"location|import cert file|open cert store|read cert file)|\bunable to load client "
    r"certificate)|\[SSL\] PEM lib\b|\bKeystore was tampered with, or password was incorrect"
    r"|\bUnrecoverableKeyException\b|\bnew X509Certificate2\([^)\n]*\.[Cc]er\b")
#: A server, or a gateway in front of it, that logged no client certificate in the handshake:
#: its own words (`No client ssl certificate found in the request`, nginx's `No required SSL
#: certificate was sent`, `*No certificate provided*`, OpenSSL's `peer did not return a
#: certificate`, Go's `client didn't provide a certificate`, Java's `null cert chain` and
#: `Empty client certificate chain`, a ConfigMgr cloud management gateway's
#: `CMGConnector_ClientCertificateRequired`, AD FS's `ClientCertificateMissing` event: "... in a
#: context where no client certificate was available", nginx's error log line `client sent no
#: required SSL certificate`, WCF's trace `HttpsClientCertificateNotPresent`) or a verification
#: status of NONE as
#: gateways log it (`"mtls_status":"NONE"`, `SslClientVerify is NONE`, `SSL_CLIENT_VERIFY=NONE`).
SERVER_GOT_NONE = (
    r"(?i:\bNo (?:valid )?client (?:ssl |tls )?certificate (?:was )?(?:found|provided|"
    r"presented|sent|received)|\bNo required SSL certificate was sent|\bNo certificate "
    r"provided\b|\bpeer did not return a certificate|\bclient didn't provide a certificate"
    r"|\bnull cert chain\b|\bEmpty client certificate chain"
    r"|\bCMGConnector_ClientCertificateRequired\b|\bClientCertificateMissing\b"
    r"|\bclient sent no required SSL certificate|\bHttpsClientCertificateNotPresent\b"
    r"|\bno client certificate was available\b"
    r"|\b(?:mtls_status|ssl_?client_?verify)\b[\"'=:\s]{0,4}(?:is\s+)?[\"']?NONE\b)")
#: A client that refused the server's renegotiation, which is how IIS asks for a client
#: certificate after the request when its binding does not ask in the handshake: Go's
#: `local error: tls: no renegotiation` (its default), the TLS alert `no_renegotiation` (100)
#: received (`alert no renegotiation`, `alert: no_renegotiation`; the name alone is a list's),
#: OpenSSL's `no renegotiation` reason, Python's `[SSL: NO_RENEGOTIATION]` and BoringSSL's
#: reason code (`SSL routines:OPENSSL_internal:NO_RENEGOTIATION`).
RENEGOTIATION_REFUSED = (r"\btls: no renegotiation\b|\[SSL: NO_RENEGOTIATION\]"
                         r"|(?<=:)NO_RENEGOTIATION\b"  # BoringSSL's reason (`OPENSSL_internal:`)
                         r"|(?i:\balert:? no[_ ]renegotiation\b|\bSSL routines:[^\n]{0,60}?"
                         r"\bno renegotiation\b)")
#: A server that asked for a client certificate after a TLS 1.3 handshake and could not (TLS
#: 1.3's post-handshake authentication, which a client offers with an extension of its hello, or
#: never): Apache's `AH10158: cannot perform post-handshake authentication`, OpenSSL's
#: `SSL_verify_client_post_handshake:extension not received`, and the failure told in words
#: (`post-handshake authentication is not supported`, `PHA not enabled`).
POST_HANDSHAKE = (r"\bAH10158\b|\bSSL_verify_client_post_handshake\b"
                  r"|(?i:\bcannot perform post[-_ ]handshake[-_ ]auth\w*"
                  r"|\bpost[-_ ]handshake[-_ ]auth\w*[^\n.]{0,30}?\b(?:not|never|no longer) "
                  r"(?:be |been )?(?:supported|enabled|received|sent|offered|possible)"
                  r"|\bPHA (?:is )?not (?:supported|enabled))")
#: A proxy that refused to open the tunnel to the server (HTTP CONNECT): OpenSSL's s_client
#: (`HTTP CONNECT failed, reason= 403 Forbidden`), curl (`CONNECT tunnel failed, response
#: 403`, `Received HTTP code 403 from proxy after CONNECT`), a proxy's 407. The 403 on such a
#: line is the proxy's: no TLS handshake with the server took place.
PROXY_REFUSED = (r"(?i:\bHTTP CONNECT failed\b|\bCONNECT tunnel failed\b"
                 r"|\bfrom proxy after CONNECT\b|\bProxy CONNECT aborted\b"
                 r"|\b407 Proxy Authentication Required\b)")
#: A 403 without its sub-status, as a client shows it: IIS's page for remote clients (`403 -
#: Forbidden: Access is denied.`), .NET's exception in any language (`(403) Forbidden`,
#: `(403) Unzulässig`), WCF's (`The HTTP request was forbidden with client authentication
#: scheme 'Anonymous'`, and its translations, each named by its words for the client
#: authentication scheme), a status line or a sentence (`403 Forbidden`, `403 Verboten`,
#: `403 Interdit`, `403 Prohibido` ...).
FORBIDDEN = (r"\b403 - Forbidden: Access is denied|\(403\)\s?[^\W\d_]{3,}"
             r"|\bHTTP request was forbidden with client authentication scheme"
             r"|(?i:\bClientauthentifizierungsschema|\bsch[ée]ma d.authentification client"
             r"|\besquema de autenticaci[oó]n de cliente|\besquema de autentica[cç][aã]o de "
             r"cliente|\bschema di autenticazione client|\u30af\u30e9\u30a4\u30a2\u30f3\u30c8"
             r"\u8a8d\u8a3c\u30b9\u30ad\u30fc\u30e0|\u5ba2\u6237\u7aef\u8eab\u4efd\u9a8c\u8bc1"
             r"\u65b9\u6848)"
             r"|(?<![\d.])403 (?i:forbidden|verboten|interdit|prohibido|proibido|vietato"
             r"|\u0437\u0430\u043f\u0440\u0435\u0449\u0435\u043d\u043e)\b")
#: A token that only evidence carries: an HRESULT, a signed HRESULT, a symbol, a 403.x, an
#: event id of the catalog's providers, a certutil or event export keyword.
_EVIDENCE = re.compile(
    r"\b0x[0-9a-fA-F]{8}\b|-21474\d{5}|-2146\d{6}\b|\b(?:CRYPT|CERT|TRUST|SEC|SCARD)_[EW]_"
    r"|\bNTE_[A-Z]{3,}"  # a CryptoAPI provider's code: NTE_BAD_KEYSET, NTE_PERM
    r"|\b214[7-9]\d{6}\b"  # an HRESULT as an unsigned decimal (sc-win32-status, traces)
    r"|\((?:8009|800[bB])[0-9a-fA-F]{4}\)"  # a crypto HRESULT without its 0x, in parentheses
    r"|\bCERT_TRUST_\w+|(?<![\d.])40[13]\.\d{1,2}(?!\d|\.\d)|\b403 (?:7|1[23679])\b"
    # the status and a sub-status's title (`mentions.substatus_titles` reads which)
    r"|(?<![\d.])40[13](?![\d.])[^\d\n]{0,40}?(?i:client certificate|mapper denied)"
    r"|\b3688\d\b|\b3687\d\b|\b150(?:0\d|1\d|2[01])\b"
    r"|\bSchannel\b|<Events?\b|SSL Certificate bindings|CertUtil:|#Fields:"
    r"|X509ChainStatus|\bChainStatus\b|errors in the certificate chain"
    r"|\bx509: certificate (?:signed by unknown|has expired or|specifies an incompatible"
    r"|is not valid for any)"
    r"|\bERR_(?:BAD_SSL_CLIENT_AUTH_CERT|SSL_CLIENT_AUTH_[A-Z_]+)\b"  # any of a browser's
    r"|\bSSL_ERROR_SIGN_HASHES_FAILURE\b"
    # OpenSSL's errors by name, as Node and Python print them
    r"|\b(?:UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT"
    r"|UNABLE_TO_GET_ISSUER_CERT(?:_LOCALLY)?|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID)\b"
    r"|" + SECURE_CHANNEL + r"|" + REMOTE_INVALID + r"|" + WINHTTP_FLAG + r"|" + POST_HANDSHAKE
    + r"|" + RENEGOTIATION_REFUSED + r"|" + SERVER_VERIFY + r"|" + SERVER_REFUSED
    + r"|" + PROXY_REFUSED +
    # the System.Net trace of a .NET client choosing its certificate
    r"|\bLeft with \d+ client certificates? to choose from|\bserver has specified \d+ issuer"
    r"|" + CLIENT_TRACE_NONE + r"|" + CLIENT_TRACE_USAGE +  # other clients choosing theirs
    r"|" + CLIENT_NOT_LOADED + r"|" + SERVER_GOT_NONE +  # no certificate sent, and why
    r"|" + FORBIDDEN +  # a 403 without its sub-status
    # .NET's chain statuses whose names are no English word
    r"|\b(?:" + "|".join(COMPOUND_STATUSES) + r")\b",
)


#: TLS renegotiation named in a ticket's words (English, also inside a library's name for it
#: such as rustls' `RefuseRenegotiation`; Spanish, Portuguese, French, Italian, German, Russian,
#: Chinese, Japanese, Korean).
RENEGOTIATION = (r"(?i:re-?negotiat\w*|\u91cd\u65b0?\u534f\u5546|\u91cd\u65b0?\u5354\u5546"
                 r"|\u518d\u30cd\u30b4\u30b7\u30a8\u30fc\u30b7\u30e7\u30f3|\uc7ac\ud611\uc0c1"
                 r"|\brenegocia\w*|\bren[ée]gociation\w*|\brinegozia\w*"
                 r"|\bNeuaushandlung\w*|\b\u0440\u0435\u043d\u0435\u0433\u043e\u0446\u0438\w*"
                 r"|\b\u043f\u0435\u0440\u0435\u0441\u043e\u0433\u043b\u0430\u0441\w*)")
#: A client certificate named in a ticket's words: mutual TLS, the server's CertificateRequest,
#: or the words for a client's certificate in the languages tickets come in.
CLIENT_CERTIFICATE = (r"(?i:\bclient[- ]?cert\w*|\bmTLS\b|\bmutual TLS\b|\bcertificat\w* client"
                      r"|\bcertificate_?request\b"
                      r"|\bClientzertifikat\w*|\bcertificado\w* (?:de |do )?cliente"
                      r"|\bcertificato client|\u043a\u043b\u0438\u0435\u043d\u0442\u0441\u043a\w* "
                      r"\u0441\u0435\u0440\u0442\u0438\u0444\u0438\u043a\u0430\u0442"
                      r"|\u30af\u30e9\u30a4\u30a2\u30f3\u30c8\u8a3c\u660e\u66f8"
                      r"|\u5ba2\u6237\u7aef\u8bc1\u4e66)")


#: A client that works only as an administrator (an elevated prompt or process, `elevated` at
#: the end of a wrapped line, as Local Administrator, in Administrator mode), and not as an
#: ordinary user: in English and the languages Windows names "Run as administrator" in.
ADMIN_ONLY = (r"(?i:\b(?:as|run as|running as|in) (?:an? |the )?(?:local )?admin(?:istrator)?s?\b"
              r"|\bAdministrator mode\b|\belevated(?:\s+(?:prompt|PowerShell|cmd|command|process"
              r"|session|rights|privileges|mode|console|shell|token)\b|[ \t]*$)"
              r"|\bals Administrator\b|\ben tant qu.administrateur|\bcomo administrador"
              r"|\bcome amministratore|\u043e\u0442 \u0438\u043c\u0435\u043d\u0438 "
              r"\u0430\u0434\u043c\u0438\u043d\u0438\u0441\u0442\u0440\u0430\u0442\u043e\u0440\u0430"
              r"|\u7ba1\u7406\u8005\u3068\u3057\u3066|\u4ee5\u7ba1\u7406\u5458\u8eab\u4efd)")

#: The account it fails for, said beside it (an instruction to run a tool as an administrator
#: says none): an ordinary, standard or normal user, a service account, not (or unless) as an
#: administrator, in the same languages.
NOT_ADMIN = (r"(?i:\b(?:normal|standard|regular|ordinary|limited|non-?admin\w*) (?:user|account)"
             r"|\bnon-?admin\w*|\bservice account|\bnot (?:as |running as |run as |in )?(?:an? )?"
             r"admin|\bwithout admin|\bunless (?:it is |running |run |I run )"
             r"|\bnormaler Benutzer|\bStandardbenutzer|\butilisateur (?:standard|normal)"
             r"|\busuario (?:normal|est[aá]ndar)|\butente (?:normale|standard)"
             r"|\u043e\u0431\u044b\u0447\u043d\w+ "
             r"\u043f\u043e\u043b\u044c\u0437\u043e\u0432\u0430\u0442\u0435\u043b"
             r"|\u4e00\u822c\u30e6\u30fc\u30b6\u30fc|\u6a19\u6e96\u30e6\u30fc\u30b6\u30fc"
             r"|\u666e\u901a\u7528\u6237)")


def sniff(text: str) -> bool:
    """Whether some line of `text` carries a token that only evidence carries, Windows'
    message of an error code that names a cause (a code named only by its text), a fatal
    TLS alert named by its number, or renegotiation or a client that works only as an
    administrator named beside a client certificate, or a key loaded for the process only
    beside a TLS failure, or a client's line with OpenSSL's words for the check it failed."""
    if _EVIDENCE.search(text) is not None:
        return True
    from .mentions import (
        names_a_clients_openssl_error,
        names_a_code_by_message,
        names_a_substatus_page,
        names_admin_only,
        names_an_alert,
        names_ephemeral_key,
        names_renegotiation,
    )

    return (names_a_code_by_message(text) or names_an_alert(text)
            or names_a_substatus_page(text) or names_renegotiation(text)
            or names_admin_only(text) or names_ephemeral_key(text)
            or names_a_clients_openssl_error(text))
