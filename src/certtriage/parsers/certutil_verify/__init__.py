"""certutil -verify [-urlfetch] output (one or two arguments), certutil -scinfo, -dcinfo and
-urlcache output, and fragments of them down to a final line.

This module recognises the format cheaply; `parser` reads it with the grammar
`grammars/certutil_verify.lark`, `model` holds what it is, `predicates` what the rules in
`knowledge/rules/certutil_verify/` may ask of it. CAPI2 event runs are expressed in this
format's model too (see `parsers.events.capi2`), so its rules diagnose them as well.
"""

from __future__ import annotations

import re

#: How much of an input the sniffer looks at.
SNIFF_CHARS = 256 * 1024

# Tokens certutil prints (in English whatever the display language, or its verdict lines) at
# the start of a line (after indentation, quote / prompt prefixes or a backtick), so documents
# that merely quote them mid-line (a README, a JSON report) are not taken for certutil output.
# A final line counts only for the verbs read here: `certutil -store` output is another format.
_CERTUTIL = re.compile(
    r"^[ \t]*(?:[>%][ \t]*)*`?(?:"
    r"CertContext\[\d+\]\[\d+\]"
    r"|(?:ChainContext|SimpleChain|Element)\.dw(?:Info|Error)Status"
    r"|-+ ?CERT_CHAIN_CONTEXT|dwFlags = CA_VERIFY_FLAGS_|CertGetCertificateChain\(dw"
    r"|ERROR: Verifying leaf certificate revocation status"
    r"|Leaf certificate (?:is REVOKED|revocation check passed)"
    r"|Cannot check leaf certificate revocation status"
    r"|Certificate is REVOKED\s*$|Verifies against UNTRUSTED root|Incomplete certificate chain"
    r"|Expired certificate\s*$|Missing Issuer: |Revocation check skipped\b"
    # a section banner, its first words in any language (`证书 CDP`, `基 CRL CDP`)
    r"|[-\u2014]{8,}[ \t]*[^\s-][^\n]{0,30}?[ \t]+(?:AIA|CDP|OCSP)[ \t]*[-\u2014]{8,}"
    r"|Error retrieving URL:"
    r"|CertUtil ?: -(?:verify|SCInfo|DCInfo|URLCache)\b"
    r"|Issuing CA Cert(?:Issuer|Subject):"
    r"|--- [^:\n]{1,20}: SCARD_STATE_|\*\*\* Testing DC\["
    r"|Win(?:Http|INet) \S[^:\n]*: \d+\s*$"
    r")",
    re.MULTILINE,
)
#: The verdict of the two-argument -verify (`<file> verifies as issued by <file> -- ...`),
#: looked for only when the phrase is in the text at all.
_PAIR_VERDICT = re.compile(
    r"^[^\n]+ (?:verifies|does NOT verify) as issued by [^\n]+ \S{1,2} Revocation check",
    re.MULTILINE)
_MD_ESCAPE = re.compile(r"\\([_*\[\]#])")


def sniff(text: str) -> bool:
    """Whether `text` holds certutil output this format reads: a chain dump of -verify, -scinfo
    or -dcinfo, a two-argument -verify, a -urlcache listing, or only their last lines.

    Markdown escapes and em-dash banners are undone on a copy first, so a pasted fragment that
    only has its section banners left is still recognised.
    """
    sample = text[:SNIFF_CHARS]
    if "\\" in sample or "\u2014" in sample:
        sample = _MD_ESCAPE.sub(r"\1", sample).replace("\u2014", "--")
    # Most dumps are told by the line of their first status word (`ChainContext.dwInfoStatus`,
    # `Element.dwErrorStatus`): that line is tried first, where the search would try each
    # line before it (a dump's certificate fields take a score of lines).
    status = sample.find(".dw")
    if status >= 0 and _CERTUTIL.match(sample, sample.rfind("\n", 0, status) + 1):
        return True
    if _CERTUTIL.search(sample) is not None:
        return True
    return " as issued by " in sample and _PAIR_VERDICT.search(sample) is not None
