"""TLS alerts as TLS clients print one they received, for tests of every reader of them
(tickets, `certtriage explain`)."""

from __future__ import annotations

#: Alert -> its name as OpenSSL spells it, as NSS and as Go do, and its cause.
NAMED_ALERTS = {
    48: ("unknown ca", "UNKNOWN_CA", "unknown certificate authority", "untrusted-root"),
    42: ("bad certificate", "BAD_CERT", "bad certificate", "signature-invalid"),
    45: ("certificate expired", "EXPIRED_CERT", "expired certificate", "not-time-valid"),
    44: ("certificate revoked", "REVOKED_CERT", "revoked certificate", "revoked"),
    46: ("certificate unknown", "CERTIFICATE_UNKNOWN", "unknown certificate",
         "certificate-unknown"),
    70: ("protocol version", "PROTOCOL_VERSION", "protocol version not supported",
         "protocol-version-mismatch"),
    116: ("certificate required", "RX_CERTIFICATE_REQUIRED", "certificate required",
          "no-client-certificate"),
}
#: Alert -> NSS's message of it, as Firefox shows it without the code.
NSS_MESSAGES = {
    48: "Peer does not recognize and trust the CA that issued your certificate.",
    42: "SSL peer cannot verify your certificate.",
    45: "SSL peer rejected your certificate as expired.",
    44: "SSL peer rejected your certificate as revoked.",
    46: "SSL peer had some unspecified issue with the certificate it received.",
    70: "Peer reports incompatible or unsupported protocol version.",
    116: "SSL received a certificate_required alert.",
}
#: How TLS clients print an alert they received (`{spaced}` OpenSSL's name, `{under}` the
#: registry's, `{nss}`, `{go}`, `{number}`, `{message}` NSS's message, `{reason}` OpenSSL's
#: and BoringSSL's reason code).
CLIENT_PRINTS = {
    "curl-openssl": "curl: (56) OpenSSL SSL_read: error:14094418:SSL routines:ssl3_read_bytes:"
                    "tlsv1 alert {spaced}, errno 0",
    "openssl-s_client": "140735:error:14094412:SSL routines:ssl3_read_bytes:sslv3 alert "
                        "{spaced}:../ssl/record/rec_layer_s3.c:1543:",
    "python": "ssl.SSLError: [SSL: TLSV1_ALERT] tlsv1.2 alert {spaced} (_ssl.c:1129)",
    "openssl3-tls13": "curl: (56) OpenSSL SSL_read: error:0A00045C:SSL routines::tlsv13 alert "
                      "{spaced}, errno 0",
    "python-tls13": "ssl.SSLError: [SSL: TLSV13_ALERT] tlsv13 alert {spaced} (_ssl.c:2580)",
    "firefox": "Secure Connection Failed. Error code: SSL_ERROR_{nss}_ALERT",
    "java": "javax.net.ssl.SSLHandshakeException: Received fatal alert: {under}",
    "bouncy-castle": "org.bouncycastle.tls.TlsFatalAlertReceived: {under}({number})",
    "go": "Get \"https://portal.contoso.com/\": remote error: tls: {go}",
    "envoy-boringssl": "upstream connect error or disconnect/reset before headers. transport "
                       "failure reason: TLS error: 268436500:SSL routines:OPENSSL_internal:"
                       "{reason}",
    "firefox-message": "Secure Connection Failed\n\nAn error occurred during a connection to "
                       "portal.contoso.com. {message}",
    "firefox-message-respaced": "An error occurred during a connection to portal.contoso.com.\n"
                                "{message_lower}",
}


def printed(alert: int, shape: str) -> str:
    """Alert `alert` as the client of `shape` prints it."""
    spaced, nss, go, _ = NAMED_ALERTS[alert]
    message = NSS_MESSAGES[alert]
    # the reason code's prefix is the version that defined the alert (SSL 3, TLS 1)
    version = "TLSV1" if alert in (48, 70, 116) else "SSLV3"
    reason = f"{version}_ALERT_{spaced.upper().replace(' ', '_')}"
    return CLIENT_PRINTS[shape].format(spaced=spaced, nss=nss, go=go, reason=reason,
                                       under=spaced.replace(" ", "_"), number=alert,
                                       message=message,
                                       message_lower="  ".join(message.lower().split(" ", 2)))
