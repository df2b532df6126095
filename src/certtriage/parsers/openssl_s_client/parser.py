"""`openssl s_client` output -> :class:`SClientOutput`.

The output is blocks between `---` lines: the connection and verify lines, `Certificate
chain` (`N s:subject` then `i:issuer`), `Server certificate` (a PEM block, then `subject=` and
`issuer=`), `Acceptable client certificate CA names` (one name a line, up to the next heading)
or `No client certificate CA names sent`, the certificate request's types and signature
algorithms, the handshake summary and `SSL-Session:`. Names print as `C = US, CN = x` (OpenSSL
1.1 and later) or `/C=US/CN=x` (earlier). An alert the server sent ends the run with an error
line (`...:sslv3 alert bad certificate:...:SSL alert number 42`). Only the lines that tell what
the server asked and answered are kept; prose around the output is kept as unparsed lines.
"""

from __future__ import annotations

import re

from ...errors import ParseError
from ...knowledge.alert_names import named_alerts
from ...models.common import UnparsedLine
from . import _CA_NAMES, _OWN
from .model import AlertLine, CaName, ChainCertificate, SClientOutput, VerifyError

_QUOTE = re.compile(r"^[ \t]*(?:>[ \t]?)+")
_COMMAND = re.compile(r"\bopenssl(?:\.exe)?\s+s_client\b.*$", re.IGNORECASE)
_CHAIN_SUBJECT = re.compile(r"^\s*(?P<depth>\d+)\s+s:\s*(?P<name>.*?)\s*$")
_CHAIN_ISSUER = re.compile(r"^\s*i:\s*(?P<name>.*?)\s*$")
_NEW = re.compile(r"^(?:New|Reused),\s*(?P<protocol>TLSv1(?:\.[0-3])?|SSLv3),\s*Cipher is\s+"
                  r"(?P<cipher>\S+)")
_SESSION = re.compile(r"^\s*(?P<label>Protocol|Cipher)\s*:\s*(?P<value>\S+)")
_VERIFY = re.compile(r"^\s*Verify return code:\s*(?P<code>\d+)\s*(?:\((?P<text>[^)]*)\))?")
#: s_client's own check of the server's chain: the depth it is at, then each error it found
#: there (`verify error:num=20:unable to get local issuer certificate`).
_DEPTH = re.compile(r"^depth=(?P<depth>\d+)\b")
_VERIFY_ERROR = re.compile(r"^verify error:num=(?P<code>\d+):(?P<text>.*?)\s*$")
_ALERT_NUMBER = re.compile(r"\bSSL alert number (?P<code>\d{1,3})\b", re.IGNORECASE)
#: Lines that end the CA names: the next heading, a rule, the request's own lines.
_AFTER_NAMES = re.compile(r"^(?:---|Client Certificate Types:|Requested Signature Algorithms:"
                          r"|Shared Requested Signature Algorithms:|Peer signing digest:"
                          r"|Peer signature type:|Server Temp Key:|SSL handshake has read)")
_CERT_OPTION = re.compile(r"\s-cert\s")
_REQUEST = re.compile(r"^(?:Client Certificate Types|Requested Signature Algorithms):")
#: A line of a name: `/C=US/...` or `TYPE = value, ...` (types are letters, digits, dots).
_NAME_LINE = re.compile(r"^(?:/[A-Za-z][\w.]*=|[A-Za-z][\w.]*\s?=\s?\S)")


def parse(text: str) -> SClientOutput:
    """Read s_client output; ParseError when `text` shows none of its lines."""
    if not (_CA_NAMES.search(text) or _OWN.search(text)):
        raise ParseError("no line of openssl s_client output (CA names, CONNECTED(...), "
                         "Certificate chain, SSL-Session:) in the input")
    reader = _Reader()
    for number, raw in enumerate(text.split("\n"), start=1):
        reader.line(_QUOTE.sub("", raw).rstrip(), number)
    return reader.result()


class _Reader:
    def __init__(self) -> None:
        self.command: str | None = None
        self.protocol: str | None = None
        self.cipher: str | None = None
        self.chain: list[ChainCertificate] = []
        self.ca_names: list[CaName] | None = None
        self.ca_line: int | None = None
        self.requested = False
        self.verify: tuple[int, str | None] | None = None
        self.alerts: list[AlertLine] = []
        self.depth: int | None = None
        self.verify_errors: list[VerifyError] = []
        self.unparsed: list[UnparsedLine] = []
        self.in_names = False
        self.in_pem = False

    def line(self, text: str, number: int) -> None:
        stripped = text.strip()
        if self.in_pem:
            self.in_pem = "-----END" not in stripped
            return
        if stripped.startswith("-----BEGIN"):
            self.in_pem = True
            return
        if self.in_names:
            if not stripped or _AFTER_NAMES.match(stripped):
                self.in_names = False
            elif _NAME_LINE.match(stripped):
                assert self.ca_names is not None
                self.ca_names.append(CaName(name=stripped, line=number))
                return
            else:
                self.in_names = False
        self._other(stripped, number)

    def _other(self, stripped: str, number: int) -> None:
        if stripped == "Acceptable client certificate CA names":
            self.ca_names, self.ca_line, self.in_names = [], number, True
            self.requested = True
            return
        if stripped == "No client certificate CA names sent":
            self.ca_names, self.ca_line = [], number
            return
        if _REQUEST.match(stripped):
            self.requested = True
            return
        command = _COMMAND.search(stripped)
        # the command itself, with its options, over a title or a sentence that names it
        if command is not None and (self.command is None or " -" not in self.command):
            self.command = command.group(0)
            return
        if (m := _DEPTH.match(stripped)) is not None:
            self.depth = int(m["depth"])
            return
        if (m := _VERIFY_ERROR.match(stripped)) is not None:
            self.verify_errors.append(VerifyError(depth=self.depth, code=int(m["code"]),
                                                  text=m["text"], line=number))
            return
        if (m := _CHAIN_SUBJECT.match(stripped)) is not None:
            self.chain.append(ChainCertificate(depth=int(m["depth"]), subject=m["name"],
                                               line=number))
            return
        if (m := _CHAIN_ISSUER.match(stripped)) is not None and self.chain:
            last = self.chain[-1]
            if last.issuer is None:
                self.chain[-1] = last.model_copy(update={"issuer": m["name"]})
            return
        if (m := _NEW.match(stripped)) is not None:
            self.protocol, self.cipher = m["protocol"], m["cipher"]
            return
        if (m := _SESSION.match(stripped)) is not None:
            if m["label"] == "Protocol":
                self.protocol = self.protocol or m["value"]
            else:
                self.cipher = self.cipher or m["value"]
            return
        if (m := _VERIFY.match(stripped)) is not None:
            self.verify = (int(m["code"]), m["text"])
            return
        if self._alert(stripped, number):
            return
        if not (_OWN.match(stripped) or stripped == "---" or not stripped
                or _looks_like_output(stripped)):
            self.unparsed.append(UnparsedLine(line=number, text=stripped[:300],
                                              reason="not a line of openssl s_client output"))

    def _alert(self, stripped: str, number: int) -> bool:
        numbered = _ALERT_NUMBER.search(stripped)
        named = named_alerts(stripped)
        code = int(numbered["code"]) if numbered else (named[0][1] if named else None)
        if code is None:
            return False
        words = named[0][0] if named else f"SSL alert number {code}"
        if not any(a.code == code and a.line == number for a in self.alerts):
            self.alerts.append(AlertLine(code=code, text=words, line=number))
        return True

    def result(self) -> SClientOutput:
        verify_code, verify_text = self.verify if self.verify else (None, None)
        sent = None if self.command is None else bool(_CERT_OPTION.search(self.command))
        return SClientOutput(
            command=self.command, sent_certificate=sent, protocol=self.protocol,
            cipher=self.cipher,
            chain=tuple(self.chain),
            ca_names=tuple(self.ca_names) if self.ca_names is not None else None,
            ca_names_line=self.ca_line, certificate_requested=self.requested,
            verify_code=verify_code, verify_text=verify_text,
            verify_errors=tuple(self.verify_errors), alerts=tuple(self.alerts),
            unparsed=tuple(self.unparsed))


#: The other lines s_client prints (depth and verify lines, the session block's labels):
#: read, not kept.
_OUTPUT_LINE = re.compile(
    r"^(?:depth=\d+|verify (?:return|error):|subject=|issuer=|Server certificate|Server public "
    r"key|Secure Renegotiation|Compression:|Expansion:|No ALPN|ALPN protocol|Early data|"
    r"Verification(?: error)?:|Peer |Server Temp Key|Shared |[A-Za-z -]+:(?:\s|$)|\d+ s:|"
    r"[0-9A-F]{4} - |[av]:(?:PKEY|NotBefore)|[0-9A-Fa-f]+:error:[0-9A-Fa-f]+:|Can't use "
    r"SSL_get_servername)")


def _looks_like_output(stripped: str) -> bool:
    return _OUTPUT_LINE.match(stripped) is not None
