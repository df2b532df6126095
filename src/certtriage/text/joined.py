"""Put back the line breaks of certutil output whose lines were run together.

A dump copied from a page that showed it as a paragraph (a forum post without a code block, a
web form's plain rendering) arrives as one long line: each line of the output follows the one
before it after a blank. A line that long holding several marks of certutil's chain output
(`CertContext[`, `Element.dw...`, `CERT_TRUST_...`, banners of dashes, `[0.0] ` URL indices,
a retrieval's `"..." Time: N`) is split again where a line of that output begins: at the
starts the grammar's line terminals read (grammars/certutil_verify.lark) in -verify, -scinfo
and -dcinfo output, identifiers, numbers and structure first (in any language; dashes and
quotes as a page's typography turned them, quote marks left between lines dropped), then
the English labels certutil prints. A label in another language is not split off: it stays
on the line before it, where the grammar reads what it can.
"""

from __future__ import annotations

import functools
import re

#: A line at least this long may hold several lines run together (a real line of certutil
#: output is shorter, but for an LDAP URL of up to about 300 characters).
LONG = 300
#: Marks of certutil chain output that such a line must hold for it to be split.
MARKS = 4

_LONG_LINE = re.compile(rf"^[^\n]{{{LONG}}}", re.MULTILINE)  # tried at line starts only
#: The marks counted.
_MARK = (r"CertContext\[\d|(?:ChainContext|SimpleChain|Element)\.dw|CERT_TRUST_|-{8,}"
         r"|\[\d+\.\d+\] |\" Time: -?\d")

#: Dashes as certutil prints them, or as a page's typography turned them (en and em dashes).
_D = "[-\u2013\u2014]"
#: Quotes, straight or turned.
_Q = "[\"\u201c\u201d\u201e\u2033]"
#: A banner of dashes around a short title (in any language), or a rule of dashes alone: a
#: line of its own.
_BANNER = (rf"{_D}{{3,}}[ \t]*[^\s\-\u2013\u2014][^\n\-\u2013\u2014]{{0,40}}?[ \t]*{_D}{{3,}}"
           rf"(?=\s|$)|{_D}{{8,}}(?=\s|$)")
#: A retrieval's status: a word (two for certutil's own `No URLs` and `Wrong Issuer`), a
#: quoted name, a word, a colon and a number (`Verified "Certificate (0)" Time: 0`, in any
#: language); and where it ends, after the hash or `(null)` that may follow.
_STATUS = (rf"(?:No URLs?|Wrong Issuer|[^\s\"\u201c\u201d]+) {_Q}[^\"\n\u201c\u201d]*{_Q}"
           r" [^\s:\"]+: -?\d")
_AFTER_STATUS = r"[ \t]+(?:[0-9a-fA-F]{40}|\(null\))"
_STATUS_END = (rf"({_Q} [^\s:\"]+: -?\d+(?:{_AFTER_STATUS}|(?!{_AFTER_STATUS})))"
               r"[ \t]+(?=\S)")
_STARTS = [
    r"CertContext\[\d+\]\[\d+\]:",
    r"(?:ChainContext|SimpleChain|Element)\.dw\w+",
    r"CertGetCertificateChain\(dw\w+\)",
    r"\[\d+(?:\.\d+)+\][ \t]",
    r"(?<!\] )<?(?:https?|ldaps?|file|ftp)://",  # a URL alone (not after its index)
    _STATUS,
    r"(?:dwFlags|ChainFlags)[ \t]*=",
    r"HCCE_[A-Z_]+",
    r"CERT_CHAIN_POLICY_[A-Z0-9_]+",
    r"(?:Application|Issuance|EV)\[\d+\][ \t]*=",
    r"(?:Delta )?CRL[ \t]+(?:\(null\)|[0-9a-fA-F]+):",
    r"[A-Za-z][A-Za-z ]{0,20}\((?:sha1|md5|sha256)\):",
    r"\d+ KDC certificates? for ",
    r"CertUtil ?:",
    r"ERROR:",
    r"Error retrieving URL:",
    r"Missing Issuer:",
    r"Exclude leaf cert:",
    r"Full chain:",
    r"Chain:[ \t]+[0-9a-fA-F]{40}",
    r"Cert Serial Number:",
    r"(?<![\w-])(?<!Missing )(?<!Cert )(?:Issuer|NotBefore|NotAfter|Subject|Serial|"
    r"SubjectAltName|Template|Cert|ThisUpdate|NextUpdate|CRL):",
    r"Cert is an? ",
    r"Certificate is REVOKED",
    r"Leaf certificate ",
    r"Cannot check leaf ",
    r"Cannot find certificate:",
    r"Verifies against ",
    r"Revocation check skipped",
    r"Incomplete certificate chain",
    r"Expired certificate",
    r"Verified (?:Issuance|Application) Policies:",
    # certutil -scinfo: a card's fields and steps around the chain it dumps
    r"={3,}",
    r"---[ \t]+\w[\w ]{0,12}:",
    r"(?:Provider|Key Container|ProviderType|Flags|KeySpec)[ \t]*=",
    r"Serial Number:",
    r"(?:Non-root|Root) Certificate\b",
    r"Performing ",
    r"(?:Public|Private) key ",
    r"Chain validates",
    r"Smart Card Logon:",
    r"Analyzing card ",
    r"Readers:",
    r"Current reader/card status:",
    # certutil -dcinfo: a DC's stores around the chains it dumps
    r"\*{2,3}[ \t]+\w",
    r"No certificates in ",
    r"Enterprise Root store:",
    r"Certificate \d+:",
    r"Certificate Template Name",
]
#: Where a line begins: the blanks (and quote marks) before it, and the start itself, which the
#: match takes so that no word inside it (`Hash(` of `Name Hash(`) is taken for another start.
_START = r"[ \t]+(?:[>%][ \t]*)*(" + "|".join(f"(?:{s})" for s in _STARTS) + ")"
#: A banner with the blanks and quote marks around it: a line of its own.
_BANNER_LINE = rf"[ \t]*(?:[>%][ \t]*)*({_BANNER})[ \t]*(?:[>%][ \t]*)*"


#: A name of the dump's header run onto its label's line: `Issuer: CN=A B DC=corp DC=com`, its
#: parts one to a line in the output (a name in a chain element, one line, has commas).
_HEADER_NAME = (r"(?m)^((?:Cert)?(?:Issuer|Subject):)[ \t]+"
                r"((?:[A-Za-z][A-Za-z0-9.]*=[^,=\n]*?[ \t]+)+[A-Za-z][A-Za-z0-9.]*=[^,=\n]*)$")
_NAME_PART = r"[ \t]+(?=[A-Za-z][A-Za-z0-9.]*=)"
_SOURCES = (_BANNER_LINE, _START, _STATUS_END, _HEADER_NAME, _NAME_PART)


@functools.cache
def _marks() -> re.Pattern[str]:
    """`_MARK`, compiled when a long line is first looked at (not at import)."""
    return re.compile(_MARK)


@functools.cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    """The patterns in the order of `_SOURCES`, compiled when a line run together is first
    split (4 ms: not at import)."""
    return tuple(re.compile(source) for source in _SOURCES)


def _header_names(text: str, header_name: re.Pattern[str], name_part: re.Pattern[str]) -> str:
    """`text` with each header name's parts on lines of their own."""

    def parts(match: re.Match[str]) -> str:
        return match.group(1) + "\n" + name_part.sub("\n", match.group(2))

    return header_name.sub(parts, text)


def _run_together(line: str) -> bool:
    return len(line) >= LONG and len(_marks().findall(line)) >= MARKS


def may_be_joined(text: str) -> bool:
    """Whether `text` has a line that holds several lines of certutil output run together."""
    if _LONG_LINE.search(text) is None:  # at memory speed: most texts end here
        return False
    return any(_run_together(line) for line in text.split("\n"))


def undo_joined(text: str) -> tuple[str, int]:
    """The text with every run-together line of certutil output split where its lines begin,
    and how many line breaks were put back."""
    if not may_be_joined(text):
        return text, 0
    banner_line, start, status_end, header_name, name_part = _patterns()
    lines = text.split("\n")
    restored = 0
    for index, line in enumerate(lines):
        if not _run_together(line):
            continue
        pieces = banner_line.split(line)  # text, banner, text, ...: banners on lines of their own
        for at in range(0, len(pieces), 2):
            split = start.sub("\n\\1", " " + pieces[at]).lstrip()  # a piece may open with one
            split = status_end.sub("\\1\n", split)
            pieces[at] = _header_names(split, header_name, name_part)
        lines[index] = "\n".join(piece for piece in pieces if piece.strip())
        restored += lines[index].count("\n")
    return "\n".join(lines), restored
