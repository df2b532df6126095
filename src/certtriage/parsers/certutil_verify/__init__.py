"""certutil -verify [-urlfetch] output, and the chain part of certutil -scinfo / -dcinfo.

This module recognises the format cheaply; `parser` reads it with the grammar
`grammars/certutil_verify.lark`, `model` holds what it is, `predicates` what the rules in
`knowledge/rules/certutil_verify/` may ask of it. CAPI2 event runs are expressed in this
format's model too (see `parsers.events.capi2`), so its rules diagnose them as well.
"""

from __future__ import annotations

import re

#: How much of an input the sniffer looks at.
SNIFF_CHARS = 256 * 1024

# Tokens certutil prints in English whatever the display language, at the start of a line
# (after indentation, quote / prompt prefixes or a backtick), so documents that merely quote
# them mid-line (a README, a JSON report) are not taken for certutil output.
_CERTUTIL = re.compile(
    r"^[ \t]*(?:[>%][ \t]*)*`?(?:"
    r"CertContext\[\d+\]\[\d+\]"
    r"|(?:ChainContext|SimpleChain|Element)\.dw(?:Info|Error)Status"
    r"|-+ ?CERT_CHAIN_CONTEXT|dwFlags = CA_VERIFY_FLAGS_|CertGetCertificateChain\(dw"
    r"|ERROR: Verifying leaf certificate revocation status"
    r"|Leaf certificate (?:is REVOKED|revocation check passed)"
    r"|[-\u2014]{8,}\s*(?:Certificate|Base CRL)\s+(?:AIA|CDP|OCSP)\s*[-\u2014]{8,}"
    r"|Error retrieving URL:"
    r"|CertUtil: -verify"
    r")",
    re.MULTILINE,
)


def sniff(text: str) -> bool:
    """Whether `text` holds certutil chain output.

    Markdown escapes and em-dash banners are undone on a copy first, so a pasted fragment that
    only has its section banners left is still recognised.
    """
    sample = text[:SNIFF_CHARS]
    if "\\" in sample or "\u2014" in sample:
        sample = sample.replace("\\_", "_").replace("\u2014", "--")
    return _CERTUTIL.search(sample) is not None
