"""`openssl s_client` output: what a server answers in the TLS handshake, seen from a client.

Support engineers run `openssl s_client -connect host:443` to see whether a server asks for a
client certificate and which CAs it names for one (`Acceptable client certificate CA names`,
or `No client certificate CA names sent`), and what an alert from the server says when a
certificate is refused. This module recognises the output cheaply; `parser` reads it, `model`
holds what it is, `predicates` what the rules in `knowledge/rules/openssl_s_client/` may ask.
"""

from __future__ import annotations

import re

#: How much of an input the sniffer looks at.
SNIFF_CHARS = 64 * 1024

#: Lines only s_client prints: the CA names heading (or its absence), its connection line,
#: the chain heading, the handshake summary and the session block; after a quote mark or the
#: fence of a Markdown block typed on the same line (`` ```CONNECTED(00000005) ``).
_OWN = re.compile(
    r"^[ \t>]*(?:```|~~~)?(?:Acceptable client certificate CA names"
    r"|No client certificate CA names sent"
    r"|CONNECTED\([0-9A-Fa-f]+\)|Certificate chain|SSL handshake has read \d+ bytes"
    r"|SSL-Session:|Client Certificate Types:|Requested Signature Algorithms:"
    r"|(?:New|Reused), (?:TLSv1(?:\.[0-3])?|SSLv3)\b)",
    re.MULTILINE)
#: The two lines that answer the question s_client is run for: alone, each is enough.
_CA_NAMES = re.compile(r"^[ \t>]*(?:```|~~~)?(?:Acceptable client certificate CA names|No client "
                       r"certificate CA names sent)[ \t]*$", re.MULTILINE)


def sniff(text: str) -> bool:
    """The CA names heading (or its absence), or two other lines only s_client prints."""
    sample = text[:SNIFF_CHARS]
    if _CA_NAMES.search(sample):
        return True
    return len({m.group(0).strip(" \t>`~")[:12] for m in _OWN.finditer(sample)}) >= 2


def sniff_bytes(head: bytes) -> bool:
    """The same, on the first bytes of an input (the certificate-file sniffer leaves such an
    input to this format: the PEM block in it is the server's certificate)."""
    return sniff(head.decode("utf-8", "replace"))
