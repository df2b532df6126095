"""`openssl x509 -text` output: a certificate as OpenSSL prints it, read as a dump of it.

Support engineers on Linux and macOS, and people behind gateways, paste `openssl x509 -in
user.crt -text -noout` where Windows people paste `certutil -dump`: the same facts (issuer,
validity, Extended Key Usage, CRL and AIA URLs, basic constraints), printed under OpenSSL's
labels. `-purpose`, `-fingerprint`, `-subject`, `-issuer` and `-dates` print lines of their own,
read too. This module recognises the output cheaply; `parser` reads it into the dump model the
`certutil -dump` reader fills (`model`), so the rules about a dumped certificate apply to both;
`predicates` holds what only OpenSSL prints (its own purpose check).
"""

from __future__ import annotations

import re

#: How much of an input the sniffer looks at.
SNIFF_CHARS = 64 * 1024

#: Lines only OpenSSL prints for a certificate: its extension and key headings, its spelling
#: of NotAfter, its purpose table, its names for the TLS usages and its one-line options'
#: output (`notAfter=...`, `SHA1 Fingerprint=...`).
_OWN = re.compile(
    r"^[ \t>`]*(?:X509v3 (?:extensions|[A-Z][A-Za-z ]+):|Subject Public Key Info:"
    r"|Not After ?:|Certificate purposes:|SSL client : (?:Yes|No)\b"
    r"|(?:[^\n]*\b)?TLS Web (?:Client|Server) Authentication\b"
    r"|not(?:Before|After)=[A-Z][a-z]{2} [ \d]\d \d\d:|SHA(?:1|256) Fingerprint=)",
    re.MULTILINE)


def sniff(text: str) -> bool:
    """Two kinds of line only OpenSSL prints for a certificate."""
    kinds = set()
    for match in _OWN.finditer(text[:SNIFF_CHARS]):
        kinds.add(match.group(0).strip(" \t>`")[:9])
        if len(kinds) >= 2:
            return True
    return False
