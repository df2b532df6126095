"""Put back the line breaks of tool output whose lines were run together.

Output copied from a page that showed it as a paragraph (a forum post without a code block, a
web form's plain rendering) arrives as one long line: each line follows the one before it
after a blank. A line that long holding several marks of one kind of output is split again
where that output's lines begin:

* certutil (-verify, -scinfo, -dcinfo, -store): at the starts the grammar's line terminals
  read (grammars/certutil_verify.lark), identifiers, numbers and structure first (banners, a
  retrieval's status, in any language; dashes and quotes as a page's typography turned
  them; quote marks left between lines dropped), then the English labels certutil prints. A
  label in another language is not split off: it stays on the line before it, where the
  grammar reads what it can;
* netsh http show sslcert: after each `label : value` (a value is one word, or `Not Set`);
* a registry export or `reg query`: before each key and each value;
* an IIS W3C log: before each directive, and a record after every as many fields as the
  `#Fields` directive names.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

#: A line at least this long may hold several lines run together (a real line of these tools'
#: output is shorter, but for an LDAP URL of up to about 300 characters).
LONG = 300
#: Marks of one kind of output such a line must hold for it to be split (of netsh's label
#: colons, twice as many).
MARKS = 4

_LONG_LINE = re.compile(rf"^[^\n]{{{LONG}}}", re.MULTILINE)  # tried at line starts only
#: The marks of certutil output counted.
_MARK = (r"CertContext\[\d|(?:ChainContext|SimpleChain|Element)\.dw|CERT_TRUST_|-{8,}|={8,}"
         r"|\[\d+\.\d+\] |\" Time: -?\d|\((?:sha1|md5|sha256)\):")

#: Dashes as certutil prints them (`=` in -store and -scinfo banners), or as a page's
#: typography turned them (en and em dashes).
_D = "[-\u2013\u2014=]"
#: Quotes, straight or turned.
_Q = "[\"\u201c\u201d\u201e\u2033]"
#: A banner of dashes around a short title (in any language), or a rule of dashes alone: a
#: line of its own.
_BANNER = (rf"{_D}{{3,}}[ \t]*[^\s\-\u2013\u2014=][^\n\-\u2013\u2014=]{{0,40}}?[ \t]*{_D}{{3,}}"
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
    r"---[ \t]+\w[\w ]{0,12}:",
    r"(?:Provider|Key Container|ProviderType|Flags|KeySpec)[ \t]*=",
    r"Serial Number:",
    r"(?:Non-root|Root) Certificate\b",
    r"Performing ",
    r"(?:Public|Private) key ",
    r"(?:Cannot open the|No) AT_\w+ key ",
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
    # certutil -store, and -dump of a certificate file: what follows a certificate's fields
    r"X509 Certificate:",
    r"No key provider information",
    r"Cannot find the certificate",
    r"Signature matches Public Key",
    r"Unique container name:",
    r"Private key is ",
    r"Encryption test ",
    # a -v dump's extensions: each one's header, the usages' headings and each usage by name
    r"Certificate Extensions:[ \t]*\d",
    r"\d+(?:\.\d+){2,}:[ \t]+Flags[ \t]*=",
    r"(?:Enhanced )?Key Usage\b",
    r"[A-Z][A-Za-z -]{1,40}?\((?:\d+\.){3,}\d+\)",
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


def _header_names(text: str, header_name: re.Pattern[str], name_part: re.Pattern[str]) -> str:
    """`text` with each header name's parts on lines of their own."""

    def parts(match: re.Match[str]) -> str:
        return match.group(1) + "\n" + name_part.sub("\n", match.group(2))

    return header_name.sub(parts, text)


# ---- netsh http show sslcert, a registry export, an IIS W3C log -----------------------------
#: A netsh label's colon and its value (`Certificate Hash : 4e53...`), and the GUID of a
#: binding's application ID, which every netsh listing of bindings holds.
_NETSH_MARK = r"[ \t]:[ \t]+\S"
_NETSH_GUID = r"\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-"
_NETSH_SPLIT = (r"([ \t]:[ \t]+(?:Not Set|\S+)|\w:)[ \t]+(?=\S)")  # after a value, or a bare label
#: A registry key (`HKEY_...`, `[HKEY_...]`), a value of `reg query` (`Name  REG_DWORD  0x1`)
#: or of a .reg file (`"Name"=dword:...`, `@=...`).
_REGISTRY_MARK = r"\[?HKEY_[A-Z_]+|\bREG_[A-Z_]+\b|\"[^\"\n]*\"=|@="
_REGISTRY_SPLIT = (r"[ \t]+(?=\[HKEY_|(?<!\[)HKEY_[A-Z_]+\\|\"[^\"\n]*\"=|@="
                   r"|[^\s\\]+[ \t]+REG_[A-Z_]+\b)")
#: A W3C log's directive (`#Fields:`) and a record's date and time.
_W3C_MARK = r"#Fields:|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"
_W3C_DIRECTIVE = r"[ \t]+(?=#[A-Za-z-]+:)"
#: A field name of `#Fields:` (`date`, `cs-uri-stem`, `cs(User-Agent)`); a value never looks so.
_W3C_FIELD = r"[a-z]+(?:-[a-z0-9]+)*(?:\([A-Za-z-]+\))?"


@functools.cache
def _compiled(*sources: str) -> tuple[re.Pattern[str], ...]:
    """Patterns compiled on their first use (not at import)."""
    return tuple(re.compile(source) for source in sources)


def _certutil(line: str) -> str:
    banner_line, start, status_end, header_name, name_part = _compiled(
        _BANNER_LINE, _START, _STATUS_END, _HEADER_NAME, _NAME_PART)  # 4 ms, once
    pieces = banner_line.split(line)  # text, banner, text, ...: banners on lines of their own
    for at in range(0, len(pieces), 2):
        split = start.sub("\n\\1", " " + pieces[at]).lstrip()  # a piece may open with one
        split = status_end.sub("\\1\n", split)
        pieces[at] = _header_names(split, header_name, name_part)
    return "\n".join(piece for piece in pieces if piece.strip())


def _netsh(line: str) -> str:
    banner_line, split = _compiled(_BANNER_LINE, _NETSH_SPLIT)
    pieces = banner_line.split(line)
    for at in range(0, len(pieces), 2):
        pieces[at] = split.sub("\\1\n", pieces[at].strip())
    return "\n".join(piece for piece in pieces if piece.strip())


def _registry(line: str) -> str:
    """Each key and value on its own line; a `reg query` value line indented under its key
    again, as `reg query` prints it (a .reg file's `"Name"=` lines are not indented)."""
    (split,) = _compiled(_REGISTRY_SPLIT)
    lines = split.sub("\n", line).strip().split("\n")
    return "\n".join(f"    {x}" if " REG_" in x and not x.startswith(("HKEY_", "[", '"', "@"))
                     else x for x in lines)


def _w3c(line: str) -> str:
    """Each directive on its own line, and after `#Fields:` a record every as many values as
    it names fields (a value holds no blank: W3C writes one as `+`)."""
    directive, field = _compiled(_W3C_DIRECTIVE, _W3C_FIELD)
    out: list[str] = []
    for piece in directive.split(line.strip()):
        if not piece.startswith("#Fields:"):
            out.append(piece)
            continue
        words = piece.split()
        names = 1
        while names < len(words) and field.fullmatch(words[names]):
            names += 1
        fields = names - 1
        out.append(" ".join(words[:names]))
        values = words[names:]
        if words[1:3] == ["date", "time"]:
            # records that open with their date and time start there, whatever a short (cut)
            # record before them held
            out.extend(r.strip() for r in _RECORD_START.split(" ".join(values)) if r.strip())
            continue
        for first in range(0, len(values), max(fields, 1)):
            out.append(" ".join(values[first:first + max(fields, 1)]))
    return "\n".join(out)


#: Where a W3C record that opens with its date and time starts.
_RECORD_START = re.compile(r" (?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d )")


def _kind(line: str) -> Callable[[str], str] | None:
    """How to split `line` (None when it holds no output run together)."""
    if len(line) < LONG:
        return None
    certutil, netsh, guid, registry, w3c = _compiled(_MARK, _NETSH_MARK, _NETSH_GUID,
                                                     _REGISTRY_MARK, _W3C_MARK)
    if len(certutil.findall(line)) >= MARKS:
        return _certutil
    if len(netsh.findall(line)) >= 2 * MARKS and guid.search(line):
        return _netsh
    if "HKEY_" in line and len(registry.findall(line)) >= MARKS:
        return _registry
    if "#Fields:" in line and len(w3c.findall(line)) >= 2:
        return _w3c
    return None


def may_be_joined(text: str) -> bool:
    """Whether `text` has a line that holds several lines of output run together."""
    if _LONG_LINE.search(text) is None:  # at memory speed: most texts end here
        return False
    return any(_kind(line) is not None for line in text.split("\n"))


def undo_joined(text: str) -> tuple[str, int]:
    """The text with every line of output run together split where its lines begin, and how
    many line breaks were put back."""
    if _LONG_LINE.search(text) is None:
        return text, 0
    lines = text.split("\n")
    restored = 0
    for index, line in enumerate(lines):
        split = _kind(line)
        if split is not None:
            lines[index] = split(line)
            restored += lines[index].count("\n")
    return "\n".join(lines), restored
