"""What sentences name: error codes in every spelling people write them (`0x80092013`,
`80092013`, `-2146885613`, `2148081683`, `CRYPT_E_REVOCATION_OFFLINE`, or only Windows' message
for the code), IIS sub-statuses, retrievals retyped from certutil (`Failed "CDP" ...
0x80072efd ... http://...`), and fatal TLS alerts named without the event that logged them
(`a fatal Schannel error (48)`, `TLS alert 46`), and the errors Chromium browsers (Chrome, Edge)
show about the client certificate (`ERR_BAD_SSL_CLIENT_AUTH_CERT`).

Only codes the code tables know count: a number that merely looks like a code names nothing.
"""

from __future__ import annotations

import itertools
import re
from functools import cache

from ...knowledge.alert_names import named_alerts
from ...knowledge.catalog import TLS_ALERTS
from ...knowledge.codes import CodeTables, ErrorCode, code_tables
from ...knowledge.codes.messages import code_by_message, message_index
from ...knowledge.openssl_errors import PURPOSE_BOUND, X509_V_ERRORS, X509_V_TEXTS
from ...knowledge.services import SERVER_CALL, client_call, names_iis
from ..certutil_verify.model import CHAIN_VERBS
from . import (
    ADMIN_ONLY,
    BROWSER_ERRORS,
    CHAIN_STATUSES,
    CLIENT_CERTIFICATE,
    CLIENT_NOT_LOADED,
    CLIENT_TRACE_NONE,
    CLIENT_TRACE_USAGE,
    COMPOUND_STATUSES,
    DOTNET_CLIENT,
    DOTNET_SERVER,
    EPHEMERAL_KEY,
    FORBIDDEN,
    GO_SERVER,
    LEGACY_PROVIDER,
    NOT_ADMIN,
    POST_HANDSHAKE,
    PROXY_REFUSED,
    REMOTE_INVALID,
    RENEGOTIATION,
    RENEGOTIATION_REFUSED,
    SECURE_CHANNEL,
    SERVER_GOT_NONE,
    SERVER_REFUSED,
    SERVER_VERIFY,
    SIGNING_FAILED,
    TLS_FAILED,
    WINHTTP_FLAG,
    X509_ERRORS,
)
from .model import Mention, Mentions

Line = tuple[int, str]

_SYMBOL_OR_HEX = re.compile(
    r"(?<![\w-])(?:0x[0-9a-fA-F]{8}|-21474[0-8]\d{4}|-214[0-6]\d{6}"
    r"|(?:CRYPT|CERT|TRUST|SEC|SCARD)_[EW]_[A-Z0-9_]+|NTE_[A-Z][A-Z0-9_]+)(?![\w])")
#: A code written without its 0x, or as an unsigned decimal: only with a boundary on both sides
#: (a thumbprint or a serial holds such runs inside longer ones).
_BARE = re.compile(r"(?<![\w.-])(?:[89][0-9a-fA-F]{7}|2147\d{6}|2148\d{6}|2149\d{6}|4\d{9})"
                   r"(?!\w|\.\w)")  # a sentence's full stop may follow, not a dotted part
#: A sub-status such as 403.16, also at the end of a sentence (`... get 403.16.`), but not
#: inside a longer dotted number (a version, an address).
_SUBSTATUS = re.compile(r"(?<![\d.])(40[13])\.(\d{1,2})(?!\d|\.\d)")
#: The same as an IIS log writes it, status and sub-status apart: `403 16` (the sub-statuses of
#: client certificates only, a number after 403 is otherwise too common in prose).
_SUBSTATUS_SPACED = re.compile(r"(?<![\d.])(403) (7|1[23679])(?!\d|\.\d)")
_URL = re.compile(r"\b(?:https?|ldap)://[^\s\"'<>)\]]+", re.IGNORECASE)
#: Retrieval failures: the WinINet / WinHTTP codes and HTTP status codes of a failed download.
_RETRIEVAL_FAMILIES = frozenset({"wininet", "http"})
#: A TLS alert number after the word alert (or a translation) or after "fatal ... error": `alert
#: 48`, `alert code: 46`, `alerte fatale 48`, `fatal Schannel error (48)`, `fatal alert (40)`.
_ALERT_NUMBER = re.compile(
    r"\b(?:alert[ae]?|warnung|fatal\w*(?:\s+[\w-]+){0,2}\s+(?:error|alert[ae]?))"
    r"(?:\s+(?!\d)[\w']+){0,2}?\s*[:#=]?\s*\(?\s*(?P<alert>\d{1,3})\b(?![.,]\d)",
    re.IGNORECASE)
#: What makes a line about TLS (an alert number elsewhere is a monitoring alert, a ticket's).
_TLS_WORDS = re.compile(r"schannel|\btls\b|\bssl\b|secure channel|handshake|ldaps|https",
                        re.IGNORECASE)
#: A .NET client's failure to trust the server, in any language: the secure-channel message
#: with the word for trust (`trust relationship`, `relação de confiança`, `Vertrauensstellung`,
#: `relation de confiance`, `relación de confianza`, `доверительные отношения`).
_TRUST_WORD = re.compile(r"(?i:trust|confian|vertrauen|fiducia|zaufan|довери|信頼|信任|신뢰)")
#: A browser's error about the client certificate (`BROWSER_ERRORS`), `net::` before it or not.
_BROWSER = re.compile(r"\b(?:net::)?(?P<name>" + BROWSER_ERRORS + r")\b")
#: TLS 1.3 named (`TLS 1.3`, `TLSv1.3`, `TLS1.3`): it asks for client certificates only in its
#: handshake, and for RSA-PSS signatures from the client's key.
_TLS13 = re.compile(r"(?<![\w.])TLS\s?v?1\.3(?![\d.])", re.IGNORECASE)
#: Renegotiation named, in a text that names a client certificate (`names_renegotiation`).
_RENEGOTIATION = re.compile(RENEGOTIATION)
_CLIENT_CERTIFICATE = re.compile(CLIENT_CERTIFICATE)
#: A client that works only as an administrator (`ADMIN_ONLY`), in a text that names a client
#: certificate or a client's secure-channel failure.
_ADMIN_ONLY = re.compile(ADMIN_ONLY)
_NOT_ADMIN = re.compile(NOT_ADMIN)
#: .NET's exception about the other end's certificate (`REMOTE_INVALID`).
_REMOTE_INVALID = re.compile(REMOTE_INVALID)
#: A .NET server's log or stack (`DOTNET_SERVER`), and a .NET client's words (`DOTNET_CLIENT`).
_DOTNET_SERVER = re.compile(DOTNET_SERVER)
_DOTNET_CLIENT = re.compile(DOTNET_CLIENT)
#: A server's own lines about the client certificate it checked: with OpenSSL's number
#: (`SERVER_VERIFY`), in words (`SERVER_REFUSED`), or Go's server logging a handshake.
_SERVER_VERIFY = re.compile(SERVER_VERIFY)
_SERVER_REFUSED = re.compile(SERVER_REFUSED)
_GO_SERVER = re.compile(GO_SERVER)
#: A proxy's refusal to open the tunnel (`PROXY_REFUSED`): the 403 on its line is the proxy's.
_PROXY_REFUSED = re.compile(PROXY_REFUSED)
#: A legacy CryptoAPI provider named (`LEGACY_PROVIDER`), and a client's failure to sign
#: (`SIGNING_FAILED`): together, the provider's key is why.
_LEGACY_PROVIDER = re.compile(LEGACY_PROVIDER)
_SIGNING_FAILED = re.compile(SIGNING_FAILED)
#: A key loaded for the process only (`EPHEMERAL_KEY`), beside a TLS failure (`TLS_FAILED`).
_EPHEMERAL_KEY = re.compile(EPHEMERAL_KEY)
_TLS_FAILED = re.compile(TLS_FAILED)
#: .NET's messages for a certificate that failed its validation, or that a validation
#: callback refused (Kestrel installs one), whichever side's it is.
_REMOTE_MESSAGE = re.compile(r"(?i:\bremote certificate (?:is invalid|was rejected by the "
                             r"provided RemoteCertificateValidationCallback))")
_WINHTTP_FLAG = re.compile(WINHTTP_FLAG)
#: A server's failed ask for a client certificate after a TLS 1.3 handshake (`POST_HANDSHAKE`).
_POST_HANDSHAKE = re.compile(POST_HANDSHAKE)
#: A client's refusal of the server's renegotiation (`RENEGOTIATION_REFUSED`).
_RENEGOTIATION_REFUSED = re.compile(RENEGOTIATION_REFUSED)
#: The .NET Framework's System.Net trace of a client choosing its certificate: how many issuers
#: the server's request named, and how many of the client's certificates matched them.
_TRACE_ISSUERS = re.compile(r"\bserver has specified (\d+) issuer\(s\)", re.IGNORECASE)
_TRACE_LEFT = re.compile(r"\bLeft with (\d+) client certificates? to choose from", re.IGNORECASE)
#: Other clients' traces that end their choice with no certificate, and .NET's dropping one
#: whose usage lacks Client Authentication.
_TRACE_NONE = re.compile(CLIENT_TRACE_NONE)
_TRACE_USAGE = re.compile(CLIENT_TRACE_USAGE)
#: No client certificate sent: the client could not load its own (`CLIENT_NOT_LOADED`), or the
#: server logged that none arrived (`SERVER_GOT_NONE`).
_NO_CERTIFICATE = (("not-loaded", re.compile(CLIENT_NOT_LOADED)),
                   ("none-received", re.compile(SERVER_GOT_NONE)))
#: A 403 shown without its sub-status (`FORBIDDEN`).
_FORBIDDEN = re.compile(FORBIDDEN)
#: A status with a sub-status of three digits (`403.503`, `404.503`: those IIS modules such as
#: IP and Domain Restrictions log): a line that names one shows its status with a sub-status.
_MODULE_SUBSTATUS = re.compile(r"(?<![\d.])4\d\d\.\d{3}(?![\d.])")
#: A .NET client's failure to set up TLS (`SECURE_CHANNEL`): one that names no cause, or, with
#: the word for trust on its line, the server's certificate rejected (`_TRUST_WORD`).
_SECURE_CHANNEL = re.compile(SECURE_CHANNEL)
#: The ids of the Schannel alert events: a line naming one is read as that event instead.
_ALERT_EVENT_ID = re.compile(r"(?<!\d)3688[78](?!\d)")
_SECTION_WORDS = (("ocsp", ("ocsp",)), ("aia", ("aia", ".crt", ".cer", ".p7c", "cacert")),
                  ("cdp", ("cdp", ".crl", "base crl", "delta crl")))


#: A text naming this many sub-statuses or more lists them (a table copied from IIS's
#: documentation, a glossary): none of them is the one clients got.
LISTED_SUBSTATUSES = 5


def find_mentions(lines: list[Line], beside_evidence: bool) -> Mentions | None:
    """Codes, sub-statuses and retrieval failures named in `lines`; None when there are none."""
    tables = code_tables()
    # a TLS client's own line (`knowledge/data/services.toml`, [client]) makes a code on it the
    # client's, about the server's certificate; beside what names a server checking
    # certificates (IIS, the server's SSPI call), only such a line does
    client_line = client_call()
    found: list[Mention] = []
    a_client_line = False
    certificate_named = any(_CLIENT_CERTIFICATE.search(text) for _, text in lines)
    # a client's failure to tell the context of: its certificate named, or its secure channel
    client_failed = certificate_named or any(_SECURE_CHANNEL.search(text) for _, text in lines)
    # ... and only for an administrator: an account it fails for is said too
    admin_only = client_failed and any(_NOT_ADMIN.search(text) for _, text in lines)
    # a client key in a legacy provider, beside a failure to sign with it
    legacy_key = any(_SIGNING_FAILED.search(text) for _, text in lines)
    # a key loaded for the process only, beside a TLS failure
    tls_failed = any(_TLS_FAILED.search(text) for _, text in lines)
    # a .NET server's log, no .NET client's words: the remote certificate is the client's
    dotnet_server = (any(_DOTNET_SERVER.search(text) for _, text in lines)
                     and not any(_DOTNET_CLIENT.search(text) for _, text in lines))
    for number, text in lines:
        codes = _codes(text, tables)
        marked = client_line.search(text) is not None
        if marked:  # a client's own line: OpenSSL's words for the check it failed are codes
            codes += [(token, known) for token, hex_ in openssl_texts(text)
                      if (known := tables.lookup(hex_)) is not None
                      and all(known.hex != c.hex for _, c in codes)]
        client = marked and not dotnet_server and _GO_SERVER.search(text) is None
        a_client_line = a_client_line or client
        found.extend(Mention(line=number, token=token, kind="code", value=code.hex,
                             client=client, logged_status=_logged_status(text, token))
                     for token, code in codes)
        found.extend(_retrievals(number, text, [c for _, c in codes]))
        substatuses = [Mention(line=number, token=m.group(0), kind="substatus",
                               value=f"{m.group(1)}.{m.group(2)}")
                       for pattern in (_SUBSTATUS, _SUBSTATUS_SPACED)
                       for m in pattern.finditer(text)]
        titled = substatuses or _titled_substatuses(number, text, tables)
        found.extend(titled)
        proxy = _PROXY_REFUSED.search(text)
        if proxy is not None:  # the proxy refused the tunnel: its 403 is no server's answer
            found.append(Mention(line=number, token=proxy.group(0), kind="client-failure",
                                 value="proxy-refused"))
        elif not titled and not _MODULE_SUBSTATUS.search(text):  # a 403 alone (once a line)
            found.extend(Mention(line=number, token=m.group(0), kind="forbidden", value="403")
                         for m in itertools.islice(_FORBIDDEN.finditer(text), 1))
        found.extend(_alerts(number, text))
        found.extend(Mention(line=number, token=m.group(0), kind="browser", value=m["name"])
                     for m in _BROWSER.finditer(text))
        channel = [Mention(line=number, token=m.group(0), kind="client-failure",
                           value="trust-relationship" if _TRUST_WORD.search(text)
                           else "secure-channel")
                   for m in itertools.islice(_SECURE_CHANNEL.finditer(text), 1)]
        found.extend(Mention(line=number, token=m.group(0), kind="server-failure",
                             value="client-certificate-untrusted")
                     for m in itertools.islice(_SERVER_REFUSED.finditer(text), 1))
        if dotnet_server:  # the server's message about the client's certificate
            found.extend(channel)
            found.extend(Mention(line=number, token=m.group(0), kind="server-failure",
                                 value="client-certificate-invalid")
                         for m in itertools.islice(_REMOTE_MESSAGE.finditer(text), 1))
        else:
            found.extend(channel or [
                Mention(line=number, token=m.group(0), kind="client-failure",
                        value="trust-relationship")
                for m in itertools.islice(_REMOTE_INVALID.finditer(text), 1)])
        found.extend(Mention(line=number, token=m.group(0), kind="client-failure",
                             value="winhttp-flag")
                     for m in itertools.islice(_WINHTTP_FLAG.finditer(text), 1))
        found.extend(Mention(line=number, token=m.group(0), kind="client-trace",
                             value=f"{name}={int(m.group(1))}")
                     for name, pattern in (("issuers", _TRACE_ISSUERS), ("left", _TRACE_LEFT))
                     for m in pattern.finditer(text))
        found.extend(Mention(line=number, token=m.group(0), kind="client-trace", value=value)
                     for value, pattern in (("left=0", _TRACE_NONE), ("usage=0", _TRACE_USAGE))
                     for m in itertools.islice(pattern.finditer(text), 1))
        found.extend(Mention(line=number, token=m.group(0).replace('"', "").strip(),
                             kind="no-certificate",
                             value=value)
                     for value, pattern in _NO_CERTIFICATE
                     for m in itertools.islice(pattern.finditer(text), 1))
        found.extend(Mention(line=number, token=m.group(0), kind="protocol", value="tls1.3")
                     for m in itertools.islice(_TLS13.finditer(text), 1))
        # the first of each on a line, where the text holds what makes it count
        for kind, value, pattern, counts in (
                ("protocol", "post-handshake", _POST_HANDSHAKE, True),
                ("protocol", "renegotiation-refused", _RENEGOTIATION_REFUSED, True),
                ("protocol", "renegotiation", _RENEGOTIATION, certificate_named),
                ("context", "admin-only", _ADMIN_ONLY, admin_only),
                ("context", "ephemeral-key", _EPHEMERAL_KEY, tls_failed),
                ("context", "legacy-provider", _LEGACY_PROVIDER, legacy_key)):
            first = pattern.search(text) if counts else None
            if first is not None:
                found.append(Mention(line=number, token=first.group(0), kind=kind, value=value))
    # .NET prints each chain status with its own message: the message of a status's code on
    # the status's line is that status again (RevocationStatusUnknown's, beside the offline
    # pair that makes it the offline code), not another code
    own = {(number, CHAIN_STATUSES[name]) for number, text in lines
           for name in _CHAIN_STATUS.findall(text)}
    found.extend(_by_message(lines, {(m.line, m.value) for m in found} | own))
    if not found:
        return None
    if a_client_line and not beside_evidence and not any(
            names_iis(text) or SERVER_CALL in text or _GO_SERVER.search(text)
            for _, text in lines):
        # a client's text with nothing of a server checking certificates: every code in it is
        # that client's (a line of it wrapped or quoted apart from its code, another run)
        found = [m.model_copy(update={"client": True}) if m.kind == "code" else m
                 for m in found]
    listed = {m.value for m in found if m.kind == "substatus"}
    if len(listed) >= LISTED_SUBSTATUSES:  # a table of sub-statuses, not what clients got
        found = [m.model_copy(update={"kind": "listed-substatus"}) if m.kind == "substatus"
                 else m for m in found]
    verbs = _failed_verbs(lines)
    commands = {m.value: verbs[m.line] for m in found if m.kind == "code" and m.line in verbs}
    if commands:  # a code certutil's own command failed with, wherever else it is named
        found = [m.model_copy(update={"command": commands[m.value]}) if m.kind == "code"
                 and m.value in commands else m for m in found]
    on_client = {m.value for m in found if m.kind == "code" and m.client}
    if on_client:  # a code a client reported is that client's, wherever else it is named
        found = [m.model_copy(update={"client": True}) if m.kind == "code"
                 and m.value in on_client and not m.client else m for m in found]
    offline = CHAIN_STATUSES["OfflineRevocation"]
    unknown = CHAIN_STATUSES["RevocationStatusUnknown"]
    if any(m.kind == "code" and m.value == offline for m in found):
        # the unknown status said beside the offline one, a line or a paragraph apart (.NET's
        # pair, curl's trust error and its code, an exception's summary and its reason, by
        # name, number or message): the same failure, by its offline code
        found = [m.model_copy(update={"value": offline}) if m.kind == "code" and (
            m.token in _UNKNOWN_STATUS or m.value == unknown) else m for m in found]
    found.sort(key=lambda m: m.line)
    return Mentions(mentions=tuple(found), beside_evidence=beside_evidence)


#: certutil's final line of a verb that failed (`CertUtil: -generateSSTFromWU command FAILED:
#: 0x80092010`).
_COMMAND_FAILED = re.compile(r"\bCertUtil:\s*-(?P<verb>\w+)\s+command\s+FAILED", re.IGNORECASE)


def _failed_verbs(lines: list[Line]) -> dict[int, str]:
    """Line -> the verb of certutil's `command FAILED` line, for the verbs that check no
    client's chain."""
    found = ((n, _COMMAND_FAILED.search(text)) for n, text in lines if "FAILED" in text.upper())
    return {n: m["verb"] for n, m in found
            if m is not None and m["verb"].casefold() not in CHAIN_VERBS}


def _codes(text: str, tables: CodeTables) -> list[tuple[str, ErrorCode]]:
    """The known codes a line names, in order, each spelling once; .NET's chain status names
    (`chain_statuses`) and CERT_TRUST error flag names (`trust_flag_names`) as the code the
    chain policy returns for their flag."""
    out: list[tuple[str, ErrorCode]] = []
    for pattern in (_SYMBOL_OR_HEX, _BARE):
        for match in pattern.finditer(text):
            token = match.group(0)
            spelled = "0x" + token if _is_bare_hex(token) else token
            known = tables.lookup(spelled)
            if known is not None and all(known.hex != c.hex for _, c in out):
                out.append((token, known))
    for token, hex_ in (*chain_statuses(text), *trust_flag_names(text, tables),
                        *x509_errors(text), *server_verify_errors(text),
                        *openssl_names(text)):
        known = tables.lookup(hex_)
        if known is not None and all(known.hex != c.hex for _, c in out):
            out.append((token, known))
    return out


#: The names of a revocation status that is not known: beside the offline code, they are it.
_UNKNOWN_STATUS = frozenset({"RevocationStatusUnknown", "CERT_TRUST_REVOCATION_STATUS_UNKNOWN"})
_CHAIN_STATUS = re.compile(r"\b(" + "|".join(CHAIN_STATUSES) + r")\b")
#: Where a one-word name (Revoked) is a status, not English: in a list of statuses, or after
#: the type's name.
_STATUS_CONTEXT = re.compile(
    r"X509ChainStatus|chain ?status|\bNoError\b|errors in the certificate chain", re.IGNORECASE)


def chain_statuses(text: str) -> list[tuple[str, str]]:
    """(name, code) of each .NET chain status a line names: a compound name (PartialChain,
    OfflineRevocation ...) anywhere, a one-word one (Revoked) among other statuses or after
    the type's name."""
    found = _CHAIN_STATUS.findall(text)
    if not found:
        return []
    in_context = len(set(found)) > 1 or _STATUS_CONTEXT.search(text) is not None
    offline = "OfflineRevocation" in found
    return [(name, CHAIN_STATUSES["OfflineRevocation"] if name == "RevocationStatusUnknown"
             and offline else CHAIN_STATUSES[name]) for name in dict.fromkeys(found)
            if in_context or name in COMPOUND_STATUSES]


def server_verify_errors(text: str) -> list[tuple[str, str]]:
    """(the line's words for it, code) of each OpenSSL verification error a server logged
    about the client certificate it checked (`SERVER_VERIFY`), as the CryptoAPI code of the
    same check (a purpose error is the client's usage: the server checked a client's)."""
    if "erif" not in text:
        return []
    found = []
    for match in _SERVER_VERIFY.finditer(text):
        _, code = X509_V_ERRORS.get(int(match["nginx"] or match["apache"]), (None, None))
        if code is not None:
            found.append((match.group(0), code))
    return found


_OPENSSL_TEXT = re.compile(r"(?i)\b(?:" + "|".join(
    re.escape(words) for words in sorted(X509_V_TEXTS, key=len, reverse=True)) + r")\b")
#: The names of OpenSSL's errors as Node and Python print them (`UNABLE_TO_VERIFY_LEAF_SIGNATURE`,
#: `SELF_SIGNED_CERT_IN_CHAIN`, `CERT_HAS_EXPIRED`), read wherever they stand.
#: (Names of three words and more: `INVALID_CA` and `CERT_REVOKED` stand in other names too;
#: the purpose's error, whose purpose is not said, is left out.)
_OPENSSL_NAME = re.compile(r"\b(?:" + "|".join(
    name for number, (name, code) in X509_V_ERRORS.items()
    if code and name.count("_") >= 2 and number not in PURPOSE_BOUND) + r")\b")


def openssl_texts(text: str) -> list[tuple[str, str]]:
    """(words, code) of each OpenSSL verification error a client's line names in words, as
    the CryptoAPI code of the same check (the purpose error is left out: whose purpose is not
    said)."""
    found = []
    for match in _OPENSSL_TEXT.finditer(text):
        number = X509_V_TEXTS[" ".join(match.group(0).lower().split())]
        _, code = X509_V_ERRORS[number]
        if code is not None and number not in PURPOSE_BOUND:
            found.append((match.group(0), code))
    return found


#: OpenSSL's errors by name -> the CryptoAPI code of the same check.
_OPENSSL_CODES = {name: code for name, code in X509_V_ERRORS.values() if code is not None}


def openssl_names(text: str) -> list[tuple[str, str]]:
    """(name, code) of each OpenSSL verification error a line names by its name."""
    if "_" not in text:
        return []
    return [(m.group(0), _OPENSSL_CODES[m.group(0)]) for m in _OPENSSL_NAME.finditer(text)]


def x509_errors(text: str) -> list[tuple[str, str]]:
    """(error, code) of each of Go's crypto/x509 errors a line names (`X509_ERRORS`)."""
    if "x509: certificate" not in text:
        return []
    return [(error, code) for error, code in X509_ERRORS.items() if error in text]


_TRUST_FLAG = re.compile(r"\bCERT_TRUST_[A-Z_]+\b")


def trust_flag_names(text: str, tables: CodeTables) -> list[tuple[str, str]]:
    """(name, code) of each CERT_TRUST error flag a line names (`... ended at
    CERT_TRUST_REVOCATION_STATUS_UNKNOWN`) that the chain policy reports with a code; as with
    .NET's names, the unknown revocation status beside the offline flag is the offline code."""
    names = dict.fromkeys(_TRUST_FLAG.findall(text))
    offline = "CERT_TRUST_IS_OFFLINE_REVOCATION" in names
    out = []
    for name in names:
        flag = tables.trust_flag(name)
        if flag is None or flag.field != "error" or flag.policy_hresult is None:
            continue
        if offline and name == "CERT_TRUST_REVOCATION_STATUS_UNKNOWN":
            continue  # said by the offline flag's own code
        known = tables.lookup(flag.policy_hresult)
        if known is not None:
            out.append((name, known.hex))
    return out


#: The status and sub-status an IIS log line gives a request, right before its Win32 status.
_STATUS_BEFORE = re.compile(r"(?<![\w.])([1-5]\d\d) (\d{1,3})[ \t]+$")


def _logged_status(text: str, token: str) -> str | None:
    """The `status.substatus` a line logs `token` with, when `token` stands as a request's
    sc-win32-status (`... 401 2 2148074254`); None otherwise."""
    at = text.find(token)
    found = _STATUS_BEFORE.search(text, 0, at) if at > 0 else None
    return f"{found[1]}.{found[2]}" if found else None


def names_renegotiation(text: str) -> bool:
    """Whether `text` names TLS renegotiation and a client certificate (a ticket telling how
    the server asks for one)."""
    return _RENEGOTIATION.search(text) is not None and (
        _CLIENT_CERTIFICATE.search(text) is not None)


def names_a_clients_openssl_error(text: str) -> bool:
    """Whether a line of `text` is a client's own with OpenSSL's words for a failed check."""
    if _OPENSSL_TEXT.search(text) is None:
        return False
    marker = client_call()
    return any(marker.search(line) and _OPENSSL_TEXT.search(line) for line in text.split("\n"))


def names_ephemeral_key(text: str) -> bool:
    """Whether `text` names a key loaded for the process only beside a TLS failure."""
    return _EPHEMERAL_KEY.search(text) is not None and _TLS_FAILED.search(text) is not None


def names_admin_only(text: str) -> bool:
    """Whether `text` says a client certificate works only for an administrator."""
    return _ADMIN_ONLY.search(text) is not None and (
        _CLIENT_CERTIFICATE.search(text) is not None) and _NOT_ADMIN.search(text) is not None


def names_an_alert(text: str) -> bool:
    """Whether a line of `text` names a fatal TLS alert without its event (a ticket)."""
    return any(_alerts(0, line) for line in text.splitlines() if _ALERT_WORD.search(line))


#: What a line naming a fatal TLS alert holds: the word (or a translation), Go's prefix of an
#: alert the other side sent (`remote error: tls: bad certificate`), or NSS's word for the side
#: that sent it (`SSL peer cannot verify your certificate.`).
_ALERT_WORD = re.compile(r"alert|warnung|remote error|\bpeer\b", re.IGNORECASE)


#: A server's log line about a handshake (nginx's `while SSL handshaking, client: ...`,
#: Apache's `AH02008:`, Go's `TLS handshake error from ...`): an alert named on it is one the
#: server received from its client.
_SERVER_LOG_LINE = re.compile(r"while SSL handshaking|\bclient: \d|\bAH\d{5}:"
                              r"|\bTLS handshake error from\b")
#: Spellings both sides print alike (Java's `Received fatal alert:`, Bouncy Castle's): a Java
#: server logs the alert a browser sent it in the same words as a client the server's.
_EITHER_SIDE = ("Received fatal alert", "TlsFatalAlert")


def _named_alerts(number: int, text: str) -> list[Mention]:
    server = _SERVER_LOG_LINE.search(text) is not None
    return [Mention(line=number, token=token, kind="alert", value=str(code),
                    received=not server and not token.startswith(_EITHER_SIDE))
            for token, code in named_alerts(text)]


def _alerts(number: int, text: str) -> list[Mention]:
    """Fatal TLS alerts a line about TLS names by number, or by name as TLS clients print
    them, without the id of the event that logged them (each number once)."""
    if _ALERT_EVENT_ID.search(text):
        return []
    found: dict[str, Mention] = {}
    for mention in _named_alerts(number, text) if _ALERT_WORD.search(text) else ():
        found.setdefault(mention.value, mention)
    if found or not _TLS_WORDS.search(text):
        return list(found.values())
    for match in _ALERT_NUMBER.finditer(text):
        alert = str(int(match.group("alert")))
        if int(alert) in TLS_ALERTS and alert != "0" and alert not in found:  # 0 ends a session
            found[alert] = Mention(line=number, token=match.group(0).strip(), kind="alert",
                                   value=alert)
    return list(found.values())


def _titled_substatuses(number: int, text: str, tables: CodeTables) -> list[Mention]:
    """Sub-statuses a line names by the status and IIS's title of the sub-status, or by a
    sentence of its error page, on a line that names none by number: `403 - Forbidden: Client
    certificate revoked` is 403.13, `... requires your browser to have a Secure Sockets Layer
    (SSL) client certificate ...` 403.7."""
    pattern, by_title = substatus_titles(tables)
    found: list[Mention] = []
    for match in pattern.finditer(text):
        code = by_title.get((match["status"], " ".join(match["title"].split()).lower()))
        if code is not None and all(m.value != code for m in found):
            found.append(Mention(line=number, token=match.group(0), kind="substatus",
                                 value=code))
    pages, by_page = page_texts(tables)
    for match in pages.finditer(text):
        code = by_page[" ".join(match.group(0).split()).lower()]
        if all(m.value != code for m in found):
            found.append(Mention(line=number, token=match.group(0), kind="substatus",
                                 value=code))
    return found


@cache
def page_texts(tables: CodeTables) -> tuple[re.Pattern[str], dict[str, str]]:
    """A pattern of the sentences of IIS's error pages that name a sub-status (`page_texts`),
    loose on spaces and letter case; and each sentence (single-spaced, lower case) -> its
    sub-status."""
    by_page = {" ".join(t.split()).lower(): s.code for s in tables.substatuses
               for t in s.page_texts}
    alternation = "|".join(r"\s+".join(map(re.escape, t.split()))
                           for t in sorted(by_page, key=len, reverse=True))
    return re.compile(alternation or r"(?!)", re.IGNORECASE), by_page


def names_a_substatus_page(text: str) -> bool:
    """Whether `text` holds a sentence of IIS's error page that names a sub-status."""
    return page_texts(code_tables())[0].search(text) is not None


@cache
def substatus_titles(tables: CodeTables) -> tuple[re.Pattern[str], dict[tuple[str, str], str]]:
    """A pattern of a status (403, 401) and, a few words after it with no number between, a
    title IIS gives a client-certificate sub-status (`Error 403 - Forbidden: Client Certificate
    Required.`); and (status, title) -> sub-status."""
    by_title = {(s.code.split(".")[0], " ".join(s.title.rstrip(".").split()).lower()): s.code
                for s in tables.substatuses
                if "certificate" in s.title.lower() or "mapper" in s.title.lower()}
    words = sorted({title for _, title in by_title}, key=len, reverse=True)
    alternation = "|".join(r"\s+".join(map(re.escape, t.split())) for t in words)
    return re.compile(rf"(?<![\d.])(?P<status>40[13])(?![\d.])[^\d\n]{{0,40}}?"
                      rf"(?P<title>{alternation})\b", re.IGNORECASE), by_title


def _is_bare_hex(token: str) -> bool:
    return len(token) == 8 and not token.isdigit()


def _retrievals(number: int, text: str, codes: list[ErrorCode]) -> list[Mention]:
    """A download that failed, retyped from certutil or a log: a retrieval code and a URL on
    one line. What was fetched (CDP, AIA, OCSP) comes from the words and the URL."""
    failure = next((c for c in codes if c.family in _RETRIEVAL_FAMILIES), None)
    url = _URL.search(text)
    if failure is None or url is None:
        return []
    lowered = text.lower()
    section = next((name for name, words in _SECTION_WORDS if any(w in lowered for w in words)),
                   None)
    if section is None:
        return []
    return [Mention(line=number, token=url.group(0), kind="retrieval", value=failure.hex,
                    section=section)]


def names_a_code_by_message(text: str) -> bool:
    """Whether `text` holds Windows' message of a code that names a cause."""
    return code_by_message(text) is not None


def _by_message(lines: list[Line], named: set[tuple[int, str]]) -> list[Mention]:
    """Codes named only by their message: each paragraph is read as one text, so a message
    wrapped over lines is found; the mention stands on the line where the message starts."""
    pattern, by_text = message_index()
    found: list[Mention] = []
    for paragraph in _paragraphs(lines):
        joined = " ".join(text for _, text in paragraph)
        starts = _line_starts(paragraph)
        for match in pattern.finditer(joined):
            code = by_text[" ".join(match.group(0).split()).lower()]
            line = next(n for n, at in reversed(starts) if at <= match.start())
            if (line, code.hex) not in named and all(
                    m.value != code.hex for m in found):
                found.append(Mention(line=line, token=match.group(0)[:60], kind="code",
                                     value=code.hex))
    return found


def _paragraphs(lines: list[Line]) -> list[list[Line]]:
    runs: list[list[Line]] = []
    for number, text in lines:
        if runs and runs[-1][-1][0] == number - 1 and text.strip():
            runs[-1].append((number, text))
        elif text.strip():
            runs.append([(number, text)])
    return runs


def _line_starts(paragraph: list[Line]) -> list[tuple[int, int]]:
    """(line number, offset in the joined paragraph) of each line."""
    starts, at = [], 0
    for number, text in paragraph:
        starts.append((number, at))
        at += len(text) + 1
    return starts
