"""`openssl x509 -text` output -> :class:`X509Text`.

OpenSSL prints a certificate as labelled lines, a label's value on its own line or on the lines
under it: `Certificate:` starts one; `Serial Number:`, `Issuer:`, `Not Before:` / `Not After :`,
`Subject:`, then `X509v3 extensions:`, each extension a heading (`X509v3 Extended Key Usage:`,
`Authority Information Access:`, a dotted OID for one OpenSSL has no name for) over its values.
Indentation is lost in most pastes, so the lines are read by their labels, not their depth:
a value line belongs to the last heading. `-purpose` adds `Certificate purposes:` and a
`NAME : Yes|No` line per purpose; `-fingerprint`, `-subject`, `-issuer`, `-dates` print one
`name=value` line each. A PEM block (without `-noout`) is the certificate again and is passed
over. Lines of no certificate are kept as unparsed.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from ...errors import ParseError
from ...models.common import UnparsedLine
from ...text.normalize import normalize
from ..certutil_store.model import Eku
from . import _OWN
from .model import PrintedCertificate, Purpose, X509Text

#: OpenSSL's names for the Extended Key Usages (its `obj_mac.h` long names) -> OIDs.
EKU_OIDS = {
    "TLS Web Server Authentication": "1.3.6.1.5.5.7.3.1",
    "TLS Web Client Authentication": "1.3.6.1.5.5.7.3.2",
    "Code Signing": "1.3.6.1.5.5.7.3.3",
    "E-mail Protection": "1.3.6.1.5.5.7.3.4",
    "IPSec End System": "1.3.6.1.5.5.7.3.5",
    "IPSec Tunnel": "1.3.6.1.5.5.7.3.6",
    "IPSec User": "1.3.6.1.5.5.7.3.7",
    "Time Stamping": "1.3.6.1.5.5.7.3.8",
    "OCSP Signing": "1.3.6.1.5.5.7.3.9",
    "ipsec Internet Key Exchange": "1.3.6.1.5.5.7.3.17",
    "SSH Client": "1.3.6.1.5.5.7.3.21",
    "SSH Server": "1.3.6.1.5.5.7.3.22",
    "Any Extended Key Usage": "2.5.29.37.0",
    "PKINIT Client Auth": "1.3.6.1.5.2.3.4",
    "Signing KDC Response": "1.3.6.1.5.2.3.5",
    "Microsoft Smartcard Login": "1.3.6.1.4.1.311.20.2.2",
    "Microsoft Smartcardlogin": "1.3.6.1.4.1.311.20.2.2",
    "Microsoft Encrypted File System": "1.3.6.1.4.1.311.10.3.4",
    "Microsoft Server Gated Crypto": "1.3.6.1.4.1.311.10.3.3",
    "Microsoft Trust List Signing": "1.3.6.1.4.1.311.10.3.1",
    "Microsoft Individual Code Signing": "1.3.6.1.4.1.311.2.1.21",
    "Microsoft Commercial Code Signing": "1.3.6.1.4.1.311.2.1.22",
    "Netscape Server Gated Crypto": "2.16.840.1.113730.4.1",
}
_EKU_BY_FOLDED = {name.casefold(): oid for name, oid in EKU_OIDS.items()}

#: A label line: a name OpenSSL prints, a dotted OID, or an extension heading; `critical` after
#: an extension's colon; the value when it stands on the same line.
_LABEL = re.compile(
    r"^(?P<label>Certificate|Data|Version|Serial Number|Signature Algorithm|Signature Value"
    r"|Issuer|Validity|Not Before|Not After|Subject|Subject Public Key Info"
    r"|Public Key Algorithm|(?:RSA |EC )?Public-Key|Modulus|Exponent|pub|ASN1 OID|NIST CURVE"
    r"|X509v3 extensions|X509v3 [A-Z][A-Za-z ]+|Authority Information Access"
    r"|Netscape [A-Z][A-Za-z ]+"
    r"|CT Precertificate SCTs|Signed Certificate Timestamp|Certificate purposes"
    r"|\d+(?:\.\d+){2,})\s*:\s*(?P<critical>critical\b)?\s*(?P<value>.*)$")
_ONE_LINE = re.compile(r"^(?P<name>subject|issuer|notBefore|notAfter|serial"
                       r"|SHA1 Fingerprint|SHA256 Fingerprint)\s*=\s*(?P<value>.*)$")
_PURPOSE = re.compile(r"^(?P<name>[A-Za-z/][\w /-]*?)\s+:\s+(?P<answer>Yes|No)\b")
_SERIAL_INLINE = re.compile(r"^(?P<decimal>\d+)\s*\(0x(?P<hex>[0-9a-fA-F]+)\)")
_HEX_PAIRS = re.compile(r"^(?:[0-9a-fA-F]{2}:)+[0-9a-fA-F]{2}:?$")
_URI = re.compile(r"\bURI:(?P<url>\S+)")
_AIA = re.compile(r"^(?P<kind>CA Issuers|OCSP)\s*-\s*URI:(?P<url>\S+)", re.IGNORECASE)
_COMMAND = re.compile(r"\bopenssl(?:\.exe)?\s+x509\b.*$", re.IGNORECASE)
_TIME = re.compile(r"^(?P<month>[A-Z][a-z]{2})\s+(?P<day>\d{1,2})\s+(?P<hms>\d\d:\d\d:\d\d)"
                   r"(?:\.\d+)?\s+(?P<year>\d{4})(?:\s+GMT)?$")


def parse(text: str) -> X509Text:
    """Read the certificates OpenSSL printed; ParseError when `text` shows none of its lines."""
    if not _OWN.search(text):
        raise ParseError("no line of openssl x509 output (X509v3 extensions, Not After, "
                         "Certificate purposes) in the input")
    reader = _Reader()
    normalized = normalize(text)
    for line, number in zip(normalized.lines, normalized.origin, strict=True):
        reader.line(line, number)
    return reader.result()


def _hex_serial(text: str) -> str | None:
    inline = _SERIAL_INLINE.match(text)
    if inline:
        digits = inline["hex"].lower()
        return digits if len(digits) % 2 == 0 else "0" + digits
    if _HEX_PAIRS.match(text):
        return text.replace(":", "").lower()
    return None


def _name(printed: str) -> str:
    """A name as OpenSSL prints it (`C = US, O = Contoso, CN = x` or `/C=US/O=Contoso/CN=x`),
    with `=` unspaced as certutil prints it; the order stays OpenSSL's (most general first)."""
    printed = printed.strip()
    if printed.startswith("/"):
        return ", ".join(p for p in printed.split("/") if p)
    return re.sub(r"\s*=\s*", "=", printed)


def _time(printed: str) -> datetime | None:
    m = _TIME.match(" ".join(printed.split()))
    if m is None:
        return None
    try:
        return datetime.strptime(f"{m['month']} {m['day']} {m['hms']} {m['year']}",
                                 "%b %d %H:%M:%S %Y")
    except ValueError:
        return None


class _Reader:
    def __init__(self) -> None:
        self.certificates: list[dict[str, Any]] = []
        self.current: dict[str, Any] | None = None
        self.heading: str | None = None
        self.unparsed: list[UnparsedLine] = []
        self.in_pem = False
        self.in_purposes = False
        self.command: str | None = None
        self.last = 0

    def _cert(self, number: int, new: bool = False) -> dict[str, Any]:
        if self.current is None or new:
            self.current = {"line": number, "end_line": number}
            self.certificates.append(self.current)
        return self.current

    def line(self, text: str, number: int) -> None:
        if number > self.last + 1:  # a blank line: OpenSSL prints none inside a certificate
            self.heading, self.in_purposes = None, False
        self.last = number
        if self.in_pem:
            self.in_pem = "-----END" not in text
            return
        if text.startswith("-----BEGIN"):
            self.in_pem = "-----END" not in text[10:]
            return
        if self._purpose(text, number) or self._one_line(text, number):
            return
        command = _COMMAND.search(text)
        if command is not None and (self.command is None or " -" not in self.command):
            self.command = command.group(0)
            return
        label = _LABEL.match(text)
        if label is not None:
            self._label(label["label"], label["value"].strip(), number)
            return
        if self.heading is not None and self.current is not None:
            self._value(text, number)
            return
        self.unparsed.append(UnparsedLine(line=number, text=text[:300],
                                          reason="not a line of openssl x509 output"))

    def _purpose(self, text: str, number: int) -> bool:
        if not self.in_purposes:
            return False
        m = _PURPOSE.match(text)
        if m is None:
            self.in_purposes = False
            return False
        cert = self._cert(number)
        cert.setdefault("purposes", []).append(
            Purpose(name=m["name"].strip(), allowed=m["answer"] == "Yes", line=number))
        cert["end_line"] = number
        return True

    def _one_line(self, text: str, number: int) -> bool:
        m = _ONE_LINE.match(text)
        if m is None:
            return False
        name, value = m["name"], m["value"].strip()
        cert = self._cert(number)
        if name in ("subject", "issuer") and name in cert:
            cert = self._cert(number, new=True)  # a second certificate's -subject
        if name in ("subject", "issuer"):
            cert[name] = _name(value)
        elif name in ("notBefore", "notAfter"):
            key = "not_before" if name == "notBefore" else "not_after"
            cert[key], cert[key + "_at"] = value, _time(value)
        elif name == "serial":
            cert["serial"] = value.lower() if re.fullmatch(r"[0-9A-Fa-f]+", value) else None
        elif name == "SHA1 Fingerprint":
            cert["thumbprint"] = value.replace(":", "").lower()
        cert["end_line"] = number
        self.heading = None
        return True

    def _label(self, label: str, value: str, number: int) -> None:
        if label == "Certificate":
            # the printout starts a certificate, unless one-line options printed before it
            # (`-fingerprint -text`) already started this one
            fresh = self.current is None or self.current.get("printed", False)
            self._cert(number, new=fresh)["printed"] = True
            self.heading = None
            return
        # a certificate prints its extensions once: a second heading is another certificate's
        # (fragments of two printouts quoted one after the other)
        again = label == "X509v3 extensions" and self.current is not None and (
            self.current.get("extensions", False))
        cert = self._cert(number, new=again)
        cert["end_line"] = number
        self.heading = label
        if label == "X509v3 extensions":
            cert["extensions"] = True
            self.heading = None
        if label == "Certificate purposes":
            self.in_purposes = True
            self.heading = None
        elif label == "Serial Number" and value:
            cert["serial"] = _hex_serial(value)
        elif label == "Signature Algorithm" and value and "signature_algorithm" not in cert:
            cert["signature_algorithm"] = value
        elif label in ("Issuer", "Subject") and value:
            cert[label.lower()] = _name(value)
        elif label in ("Not Before", "Not After") and value:
            key = "not_before" if label == "Not Before" else "not_after"
            cert[key], cert[key + "_at"] = value, _time(value)
        elif label == "X509v3 Extended Key Usage":
            cert["ekus"] = []
        elif label == "X509v3 Key Usage":
            cert["key_usage"] = []
        if value and label not in ("Serial Number", "Issuer", "Subject", "Not Before",
                                   "Not After", "Signature Algorithm"):
            self._value(value, number)

    def _value(self, text: str, number: int) -> None:
        cert = self.current
        assert cert is not None
        cert["end_line"] = number
        heading = self.heading
        if heading == "Serial Number" and cert.get("serial") is None:
            cert["serial"] = _hex_serial(text)
        elif heading == "X509v3 Extended Key Usage":
            for name in (n.strip() for n in text.split(",")):
                if name:
                    oid = name if re.fullmatch(r"\d+(?:\.\d+)+", name) else (
                        _EKU_BY_FOLDED.get(name.casefold(), name))
                    cert["ekus"].append(Eku(oid=oid, name=None if oid == name else name))
        elif heading == "X509v3 Key Usage":
            cert["key_usage"].extend(n.strip() for n in text.split(",") if n.strip())
        elif heading == "X509v3 Basic Constraints":
            flag = re.search(r"\bCA:(TRUE|FALSE)\b", text)
            if flag:
                cert["is_ca"] = flag[1] == "TRUE"
        elif heading == "X509v3 CRL Distribution Points":
            cert.setdefault("cdp_urls", []).extend(m["url"] for m in _URI.finditer(text))
        elif heading == "Authority Information Access":
            aia = _AIA.match(text)
            if aia:
                key = "ocsp_urls" if aia["kind"].upper() == "OCSP" else "aia_urls"
                cert.setdefault(key, []).append(aia["url"])

    def result(self) -> X509Text:
        certificates = tuple(self._certificate(index, fields)
                             for index, fields in enumerate(self.certificates, start=1))
        return X509Text(command=self.command, certificates=certificates,
                        unparsed=tuple(self.unparsed))

    @staticmethod
    def _certificate(index: int, f: dict[str, Any]) -> PrintedCertificate:
        f.pop("printed", None)
        f.pop("extensions", None)
        subject, issuer = f.get("subject"), f.get("issuer")
        if subject is not None and issuer is not None:
            f["self_signed"] = subject.replace(" ", "") == issuer.replace(" ", "")
        for key in ("ekus", "key_usage", "purposes", "cdp_urls", "aia_urls", "ocsp_urls"):
            if key in f:
                f[key] = tuple(f[key])
        return PrintedCertificate(index=index, **f)
