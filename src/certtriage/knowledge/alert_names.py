"""TLS alerts by name, as TLS clients print one they received: OpenSSL (`tlsv1 alert unknown
ca`, `sslv3 alert bad certificate`, TLS 1.3's `tlsv13 alert certificate required`), NSS
(`SSL_ERROR_UNKNOWN_CA_ALERT`, `SSL_ERROR_RX_CERTIFICATE_REQUIRED_ALERT`: RX_ for received, on
the alerts TLS 1.3 added), Java (`Received fatal alert: bad_certificate`), Bouncy Castle
(`TlsFatalAlertReceived: certificate_unknown(46)`), Go (`remote error: tls: unknown
certificate authority`) and OpenSSL's and BoringSSL's reason codes as Envoy and gRPC log them
(`SSLV3_ALERT_CERTIFICATE_REVOKED`, `TLSV1_ALERT_UNKNOWN_CA`); NSS's message for the alert
where a browser shows it without the code (`SSL peer cannot verify your certificate.`). Read
in tickets (`parsers/ticket`) and by `certtriage explain`."""

from __future__ import annotations

import functools
import re

#: NSS's message of each alert it received that a client certificate or the handshake can
#: draw (lib/ssl/SSLerrs.h; English only: NSS does not translate them), as a pattern -> the
#: alert's name.
_NSS_MESSAGES = {
    r"SSL peer cannot verify your certificate": "bad_certificate",
    r"SSL peer does not support certificates of the type it received": "unsupported_certificate",
    r"SSL peer rejected your certificate as revoked": "certificate_revoked",
    r"SSL peer rejected your certificate as expired": "certificate_expired",
    r"SSL peer had some unspecified issue with the certificate it received": "certificate_unknown",
    r"Peer does not recognize and trust the CA that issued your certificate": "unknown_ca",
    r"Peer received a valid certificate, but access was denied": "access_denied",
    r"SSL peer was unable to negotiate an acceptable set of security parameters":
        "handshake_failure",
    r"Peer reports failure of signature verification or key exchange": "decrypt_error",
    r"Peer reports incompatible or unsupported protocol version": "protocol_version",
    r"SSL received a certificate_required alert": "certificate_required",
}
_BY_MESSAGE = {pattern.lower(): name for pattern, name in _NSS_MESSAGES.items()}

_ALERT_NAMED = re.compile(r"\b(?:ssl|tls)v(?:13|[1-3])(?:\.\d)? alert "
                          r"(?P<spaced>[a-z]+(?: [a-z]+){0,3})"
                          r"|\bSSL_ERROR_(?:RX_)?(?P<nss>[A-Z_]+?)_ALERT\b"
                          r"|\bReceived fatal alert: (?P<java>[a-z_]+)"
                          r"|\bTlsFatalAlert(?:Received)?: (?P<bc>[a-z_]+)\(\d{1,3}\)"
                          r"|\bremote error: tls: (?P<go>[a-z]+(?: [a-z]+){0,3})"
                          # OpenSSL's and BoringSSL's reason codes (Envoy, gRPC, Chromium logs)
                          r"|\b(?:SSL_R_)?(?:SSL|TLS)V(?:13|1|3)_ALERT_(?P<reason>[A-Z_]+)\b"
                          r"|(?P<message>(?i:"
                          + "|".join(m.replace(" ", r"\s+") for m in _NSS_MESSAGES) + "))")
#: Other spellings of the alert names: NSS's short forms, Go's wording.
_OTHER_NAMES = {"bad_cert": "bad_certificate", "unsupported_cert": "unsupported_certificate",
                "revoked_cert": "certificate_revoked", "expired_cert": "certificate_expired",
                "revoked_certificate": "certificate_revoked",
                "expired_certificate": "certificate_expired",
                "unknown_certificate": "certificate_unknown",
                "unknown_certificate_authority": "unknown_ca",
                "protocol_version_not_supported": "protocol_version",
                "insufficient_security_level": "insufficient_security",
                "error_decoding_message": "decode_error",
                "error_decrypting_message": "decrypt_error"}


def named_alerts(text: str) -> list[tuple[str, int]]:
    """(the text as written, the alert's number) of each alert `text` names as a client prints
    it; close_notify (0), which ends a session, is none."""
    found = []
    for match in _ALERT_NAMED.finditer(text):
        message = match.group("message")
        if message:
            code = _alerts_by_name().get(_BY_MESSAGE[" ".join(message.lower().split())])
        else:
            named = next(n for n in match.group("spaced", "nss", "java", "bc", "go", "reason")
                         if n)
            code = _alert_named(named.lower().replace(" ", "_").split("_"))
        if code:
            found.append((match.group(0), code))
    return found


@functools.cache
def _alerts_by_name() -> dict[str, int]:
    from .catalog import event_knowledge

    return {name: code for code, name in event_knowledge().alerts.items()}


def _alert_named(words: list[str]) -> int | None:
    """The alert the longest run of `words` from the first names ("unknown ca" of "unknown
    ca errno"), the other spellings read as the names."""
    by_name = _alerts_by_name()
    for end in range(len(words), 0, -1):
        name = "_".join(words[:end])
        code = by_name.get(_OTHER_NAMES.get(name, name))
        if code is not None:
            return code
    return None
