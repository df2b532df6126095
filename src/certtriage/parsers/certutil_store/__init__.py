"""`certutil -store` dumps: the certificates of a store, their keys and EKUs, and the issuer list a
server would send.

This module recognises the format cheaply; `parser` reads it, `issuer_list` estimates the
trusted issuer list a store's subject names make, `model` holds what it is, `predicates` what
the rules in `knowledge/rules/certutil_store/` may ask of it.
"""

from __future__ import annotations

import re

#: How much of the input the sniffer reads.
SNIFF_CHARS = 8192


_BANNER_ANYWHERE = re.compile(r"^[ \t>]*={8,}[ \t]*[^=\s]+[ \t]+\d+[ \t]*={8,}[ \t]*$",
                              re.MULTILINE)


_HEADER = re.compile(r'^(?P<store>[A-Za-z][\w.-]*(?: [A-Za-z][\w.-]*){0,4}) "(?P<display>[^"]*)"$')


_STORE_TRAILER = re.compile(r"^[ \t>]*CertUtil: -(?:verify)?store\b", re.MULTILINE | re.IGNORECASE)


#: Other certutil outputs that print certificate banners: -verify chains, -scinfo card
#: dumps.
_OTHER_OUTPUTS = ("CertContext[", "ChainContext.", "CERT_CHAIN_CONTEXT",
                  "Analyzing card in reader", "Smart Card Resource Manager")

#: `certutil -dump` of one certificate file: its `X509 Certificate:` line, and a line of the
#: certificate's (its validity, its extensions) or the command's final line.
_X509 = re.compile(r"^[ \t>]*X509 Certificate:", re.MULTILINE | re.IGNORECASE)
_VALIDITY = re.compile(r"^[ \t>]*(?:NotAfter\b|Certificate Extensions:|CertUtil: -dump\b)",
                       re.MULTILINE | re.IGNORECASE)


def sniff(text: str) -> bool:
    """Certificate banners (or a store header and a `-store` trailer), or a certificate file's
    `certutil -dump`, in the first 8 KB.

    certutil -verify and -scinfo output and anything else without them are left to other
    parsers. The dump of a .pfx or .p7b is a store's with nesting levels in its banners.
    """
    head = text[:SNIFF_CHARS]
    if any(token in head for token in _OTHER_OUTPUTS):
        return False
    if _BANNER_ANYWHERE.search(head):
        return True
    if _X509.search(head) and _VALIDITY.search(head):
        return True
    lines = [line.strip(" \t>") for line in head.splitlines() if line.strip()]
    for line in lines[:3]:
        if _HEADER.match(line):
            return bool(_STORE_TRAILER.search(head))
    return False
