"""Certificate files: .cer / .crt / .p7b, DER or PEM (UTF-8 or UTF-16).

This module recognises the format cheaply, from the bytes alone; `parser` reads it with
`cryptography`, `model` holds what it is, `predicates` what the rules in
`knowledge/rules/certificate_file/` may ask of it.
"""

from __future__ import annotations

import codecs
import re

#: How far into the input the sniffer looks for a PEM marker (bytes).
SNIFF_WINDOW = 16 * 1024


#: PEM labels read as certificates, and the ones read as PKCS #7 bundles.
_CERT_LABELS = ("CERTIFICATE", "X509 CERTIFICATE")


_PKCS7_LABELS = ("PKCS7",)


_MARKERS = tuple(f"-----BEGIN {label}-----" for label in (*_CERT_LABELS, *_PKCS7_LABELS))


_MARKER_BYTES = tuple(
    (marker.encode(encoding), encoding)
    for marker in _MARKERS
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)

#: What every marker holds in each encoding: `-----BEGIN ` in ASCII, and `B\0E\0G\0I\0N`,
#: which is in `BEGIN` encoded as UTF-16 of either byte order. A text holding neither holds no
#: marker, and is told so in two searches instead of one per marker and encoding (nine).
_MARKER_CORES = (b"-----BEGIN ", "BEGIN".encode("utf-16-le")[:-1])


#: Inputs that may hold a PEM marker but are something else (EVTX, zip, gzip, PDF, a registry
#: hive, a Windows executable).
_OTHER_MAGIC = (b"ElfFile", b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08", b"\x1f\x8b", b"%PDF",
                b"regf", b"MZ")


#: The DER encoding of the PKCS #7 SignedData OID, 1.2.840.113549.1.7.2.
_SIGNED_DATA = bytes.fromhex("06092a864886f70d010702")


# ---- sniffing ----------------------------------------------------------------------------------
def _header(data: bytes, pos: int) -> tuple[int, int, int] | None:
    """(tag, header size, content length) of the DER element at `pos` (definite lengths only):
    enough to tell a certificate's first bytes from other binary input."""
    if pos + 2 > len(data):
        return None
    first = data[pos + 1]
    if first < 0x80:
        return data[pos], 2, first
    size = first & 0x7F
    if not 1 <= size <= 4 or pos + 2 + size > len(data):
        return None
    return data[pos], 2 + size, int.from_bytes(data[pos + 2:pos + 2 + size], "big")


def _looks_der_certificate(data: bytes) -> bool:
    """SEQUENCE { SEQUENCE (TBSCertificate) { [0] { INTEGER version 0..2 }, INTEGER serial ..."""
    outer = _header(data, 0)
    if outer is None or outer[0] != 0x30:
        return False
    tbs = _header(data, outer[1])
    if tbs is None or tbs[0] != 0x30 or tbs[1] + tbs[2] > outer[2]:
        return False
    start = outer[1] + tbs[1]
    version = data[start:start + 5]
    return (len(version) == 5 and version[:4] == b"\xa0\x03\x02\x01" and version[4] <= 2
            and data[start + 5:start + 6] == b"\x02")


def _looks_der_pkcs7(data: bytes) -> bool:
    """SEQUENCE (definite or indefinite length) starting with the SignedData OID."""
    return data[:1] == b"\x30" and data.find(_SIGNED_DATA, 0, 20) in range(2, 7)


def _pem_marker_at(head: bytes) -> bool:
    """Whether a certificate or PKCS #7 BEGIN marker appears in `head` after text only."""
    if not any(core in head for core in _MARKER_CORES):
        return False
    for marker, encoding in _MARKER_BYTES:
        pos = head.find(marker)
        if pos < 0:
            continue
        if encoding == "ascii":
            if b"\x00" not in head[:pos]:
                return True
            continue
        prefix = head[:pos]
        for bom in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            if prefix.startswith(bom):
                prefix = prefix[2:]
        try:
            text = prefix.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return True
    return False


def sniff_bytes(data: bytes) -> bool:
    """A DER certificate or PKCS #7 bundle, or PEM certificate text (UTF-8 or UTF-16) that is
    no `openssl s_client` output (whose PEM block is the server's certificate, shown in the
    course of a handshake: that format reads it)."""
    if not data or data.startswith(_OTHER_MAGIC):
        return False
    if _looks_der_certificate(data) or _looks_der_pkcs7(data):
        return True
    if not _pem_marker_at(data[:SNIFF_WINDOW]):
        return False
    from ..openssl_s_client import sniff_bytes as s_client  # its sniffer alone: a regex

    return not s_client(data[:SNIFF_WINDOW * 4]) and not _beside_evidence(data[:AROUND_WINDOW])


#: A PEM block begun and ended on one line with no base64 between (from after `BEGIN `): what
#: a post shows in place of a certificate or key it left out (`... `, `<snip>`, `[removed]`).
_PLACEHOLDER = re.compile(r"[A-Z0-9 #]+-----[^A-Za-z0-9+/=]*(?:[A-Za-z]{1,12}[^A-Za-z0-9+/=]+)*"
                          r"-----END [A-Z0-9 #]+-----.*")

#: How much of a text input is looked at for evidence around its PEM blocks.
AROUND_WINDOW = 256 * 1024


def _beside_evidence(data: bytes) -> bool:
    """Whether the text outside the PEM blocks of `data` is evidence a text format reads (a
    certutil paste, an event, a log, a post naming a code): then the input is that, with a
    certificate in it, which the ticket reader takes as one of its pieces. A certificate file's
    own lines (OpenSSL's `subject=` and `Bag Attributes`, a note) are no such evidence, and
    neither is `openssl x509 -text`'s printout of the certificate, unless its PEM block was
    cut short (then the printout is all there is to read). A text whose every block is a
    placeholder begun and ended on one line (`-----BEGIN CERTIFICATE----- ... -----END
    CERTIFICATE-----`) holds no certificate: it is text too, read as a text format can."""
    from ...text.decode import decode  # the text as every text format reads it

    outside, inside, placeholders = [], False, True
    for line in decode(data).text.splitlines():
        if "-----BEGIN " in line:
            before, _, after = line.partition("-----BEGIN ")
            outside.append(before)
            # a block begun and ended on one line: a placeholder (`... `) or base64 run on
            inside = "-----END " not in after
            if inside or _PLACEHOLDER.fullmatch(after) is None:
                placeholders = False
            else:
                outside.append(after.split("-----END ", 1)[1].partition("-----")[2])
        elif "-----END " in line:
            inside = False
        elif not inside:
            outside.append(line)
    cut = inside  # a block that never ended
    rest = "\n".join(outside)
    if placeholders:  # every block elided: no certificate, whatever else the text is
        return True
    if not rest.strip():
        return False
    from .. import FORMATS, FormatId  # their sniffers alone: cheap, and asked only of PEM text

    return any(f.reads == "text" and (cut or f.id is not FormatId.OPENSSL_X509)
               and f.sniff(rest) for f in FORMATS)
