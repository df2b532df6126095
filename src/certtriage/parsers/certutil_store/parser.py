"""`certutil -store` and `certutil -v -store` dumps, and `certutil -dump` of a certificate file
(.cer, .pfx, .p7b) -> CertStoreDump.

The dump starts with the store (`Root "Trusted Root Certification Authorities"`), then one block
per certificate behind a `================ Certificate N ================` banner, and ends with
`CertUtil: -store command completed successfully.`. Labels are translated on non-English
systems, but the banners, `NotBefore` / `NotAfter`, hex values, OIDs and DN attribute names are
not: the parser keys on those and knows the English labels (plus a few translations) by name.

This module reads the lines around the certificate blocks (store header, echoed command, banners,
the final `CertUtil:` line) and assembles the dump; `block` places the lines inside a block
(`-v` sections included), `certificate` turns a block into its model, and `issuer_list` sizes
the trusted issuer list. Lines that neither place are kept as unparsed.
"""

from __future__ import annotations

import re

from ...errors import ParseError
from ...models.common import UnparsedLine
from ...text.normalize import normalize
from .block import Block, BlockReader
from .certificate import certificate
from .issuer_list import issuer_list_estimate
from .model import ISSUER_STORES, CertStoreDump

_BANNER = re.compile(r"^={8,}\s*(?P<word>[^=\s]+)\s+(?P<index>\d+)\s*={8,}$")
#: What the dump of a .pfx / .p7b prints around its certificates: the nesting of their
#: structure (`===== Begin Nesting Level 1 =====`, `----- End Nesting Level 1 -----`), their
#: element numbers, the password prompt and whether the file is encrypted (and the zh-CN
#: words of the nesting and the elements: `开始嵌套等级 1`, `结束嵌套等级 1`, `元素 0:`).
_STRUCTURE = re.compile(r"^(?:[=-]{8,}\s*"
                        r"(?:(?:Begin|End)\s+Nesting\s+Level|开始嵌套等级|结束嵌套等级)\s*\d+\s*[=-]{8,}"
                        r"|(?:Element|元素)\s*\d+:|Enter PFX password:.*"
                        r"|Certificates:\s*(?:Not )?Encrypted)$", re.IGNORECASE)
_X509 = re.compile(r"^X509 Certificate:", re.IGNORECASE)
#: certutil's verbs that dump certificates: -store, -verifystore, -dump (and none: a file).
_DUMP_VERB = re.compile(r"^-dump$", re.IGNORECASE)
_HEADER = re.compile(r'^(?P<store>[A-Za-z][\w.-]*(?: [A-Za-z][\w.-]*){0,4}) "(?P<display>[^"]*)"$')
_COMMAND = re.compile(r"^(?:PS )?(?:[A-Za-z]:\\[^>]*>\s*)?(?P<cmd>certutil(?:\.exe)?\s.*)$",
                      re.IGNORECASE)
_PROMPT = re.compile(r"^(?:PS )?[A-Za-z]:\\[^>]*>$")
_STORE_VERB = re.compile(r"^-(?:verify)?store$", re.IGNORECASE)
_TRAILER = re.compile(r"^CertUtil:\s*(?P<rest>.*)$", re.IGNORECASE)
_HRESULT = re.compile(r"\b0x[0-9a-fA-F]{8}\b")


def parse(text: str) -> CertStoreDump:
    """Parse a store dump; ValueError when the text has neither a store header nor a banner."""
    normalized = normalize(text)
    parser = _Parser()
    for line, number in zip(normalized.lines, normalized.origin, strict=True):
        parser.feed(line, number)
    return parser.finish()


def _dumps_a_file(verbs: list[str], command: str) -> bool:
    """Whether a certutil command line (its `-verbs`) dumps a certificate file: -dump, or no
    verb and an argument (certutil dumps the file it is given)."""
    return any(_DUMP_VERB.match(t) for t in verbs) or (not verbs and len(command.split()) > 1)


class _Parser:
    """Feeds normalised lines one at a time and builds the dump."""

    def __init__(self) -> None:
        self.store: str | None = None
        self.display: str | None = None
        self.command: str | None = None
        self.user: bool | None = None
        self.blocks: list[Block] = []
        self.block: Block | None = None
        self.reader = BlockReader()
        self.completed: bool | None = None
        self.error: str | None = None
        self.unparsed: list[UnparsedLine] = []
        self.seen_structure = False
        self.dump = False

    # -- dispatch --------------------------------------------------------------------------
    def feed(self, line: str, number: int) -> None:
        """Place one line."""
        if self._outside(line, number):
            return
        block = self.block
        if block is None:
            self._unplaced(line, number, "not part of a certutil -store dump")
            return
        block.end_line = number
        if not self.reader.read(block, line):
            self._unplaced(line, number, "not a certutil -store line this parser knows")

    def _outside(self, line: str, number: int) -> bool:
        """Lines that stand outside the certificate blocks: header, banners, command, trailer."""
        if _STRUCTURE.match(line):  # before the banner: a nesting level's looks like one
            self.dump = True
            return True
        banner = _BANNER.match(line)
        if banner:
            self.seen_structure = True
            self.block = Block(index=int(banner["index"]), line=number, end_line=number)
            self.blocks.append(self.block)
            self.reader.begin()
            return True
        if _PROMPT.match(line):
            return True  # a bare shell prompt before or after the output
        if _X509.match(line) and self.block is None:
            # a certificate file's dump: its certificate starts here, with no banner
            self.dump = self.seen_structure = True
            self.block = Block(index=len(self.blocks), line=number, end_line=number)
            self.blocks.append(self.block)
            self.reader.begin()
            return False  # the block reads the line too (a full dump, as -v prints)
        command = _COMMAND.match(line)
        if command:
            verbs = [t for t in command["cmd"].split()[1:] if t.startswith("-") and len(t) > 2]
            if _dumps_a_file(verbs, command["cmd"]):
                self.dump = True
            elif not any(_STORE_VERB.match(t) for t in verbs):
                return False
            self._command(command["cmd"])
            return True
        trailer = _TRAILER.match(line)
        if trailer:
            self._trailer(trailer["rest"])
            self.block = None
            return True
        if self.block is None and not self.blocks and self.display is None:
            header = _HEADER.match(line)
            if header:
                self.store, self.display = header["store"], header["display"]
                self.seen_structure = True
                return True
        return False

    def _command(self, command: str) -> None:
        self.command = command
        tokens = command.split()
        self.user = any(t.lower() == "-user" for t in tokens)
        for position, token in enumerate(tokens):
            if _STORE_VERB.match(token):
                rest = [t for t in tokens[position + 1:] if not t.startswith("-")]
                if rest and self.store is None:
                    self.store = rest[0].strip('"')
                break

    def _trailer(self, rest: str) -> None:
        lowered = rest.lower()
        if "completed successfully" in lowered or "erfolgreich" in lowered:
            self.completed = True
        elif "failed" in lowered or _HRESULT.search(rest) or self.completed is False:
            self.completed = False
            self.error = self.error or rest.strip()
        else:
            self.error = self.error or rest.strip()
            self.completed = False

    def _unplaced(self, line: str, number: int, reason: str) -> None:
        self.unparsed.append(UnparsedLine(line=number, text=line[:300], reason=reason))

    # -- result ----------------------------------------------------------------------------
    def finish(self) -> CertStoreDump:
        """The dump; ValueError when the input shows no store structure at all."""
        if not self.seen_structure:
            raise ParseError("no certutil -store header or certificate banner found")
        certificates = tuple(certificate(b) for b in self.blocks)
        issuer_list = None
        if (self.store or "").lower() in ISSUER_STORES:
            issuer_list = issuer_list_estimate(certificates)
        return CertStoreDump(
            store=self.store, store_display_name=self.display, command=self.command,
            user=self.user, verbose=self.reader.verbose, certificates=certificates,
            issuer_list=issuer_list, completed=self.completed, error=self.error,
            unparsed=tuple(self.unparsed), dump=self.dump and self.store is None,
        )
