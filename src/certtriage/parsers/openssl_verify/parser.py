"""`openssl verify` output -> :class:`VerifyOutput`.

Read line by line, as `text.normalize` repairs the lines (quoting, backticks): a command line
(`openssl verify ... FILE`); for a certificate that fails, the subject line OpenSSL prints
before each error (`C = US, CN = x`; OpenSSL 1.0: `FILE: /C=US/CN=x`), the error (`error 20 at
0 depth lookup: WORDS`; 1.0 has no space after the colon), then `error FILE: verification
failed`; for one that verifies, `FILE: OK`, and with `-show_chain` its chain (`Chain:`,
`depth=N: SUBJECT (untrusted)`). OpenSSL writes errors to stderr and results to stdout, so a
paste of several files may show a file's errors before another's OK: errors belong to the next
failed result. Other lines are kept as unparsed.
"""

from __future__ import annotations

import re

from ...errors import ParseError
from ...models.common import UnparsedLine
from ...text.normalize import normalize
from . import _COMMAND, _OWN
from .model import ChainLink, VerifyError, VerifyOutput, VerifyResult

_COMMAND_LINE = re.compile(r"\bopenssl(?:\.exe)?\s+verify\b(?P<options>.*)$")
_PURPOSE = re.compile(r"\s-purpose\s+(?P<purpose>\S+)")
_ERROR = re.compile(r"^error (?P<code>\d{1,3}) at (?P<depth>\d{1,2}) depth lookup ?: ?"
                    r"(?P<text>.*?)\s*$")
_FAILED = re.compile(r"^error (?P<file>\S.*?): verification failed\s*$")
_OK = re.compile(r"^(?P<file>\S.*?): OK\s*$")
_CHAIN = re.compile(r"^depth=(?P<depth>\d{1,2}): (?P<subject>.*?)(?P<untrusted> \(untrusted\))?"
                    r"\s*$")
#: A subject as OpenSSL prints it before an error: `C = US, O = x, CN = y`, `/C=US/CN=y`, or
#: (OpenSSL 1.0) after the file's name, `FILE: /C=US/CN=y`.
_SUBJECT = re.compile(r"^(?:(?P<file>[^\s:][^:]*): )?(?P<subject>/[A-Za-z][\w.]*=.*"
                      r"|[A-Za-z][\w.]* ?= ?[^=]+(?:, [A-Za-z][\w.]* ?= ?[^=]+)*)$")


def parse(text: str) -> VerifyOutput:
    """Read `openssl verify` output; ParseError when `text` shows none of its lines."""
    if _OWN.search(text) is None and _COMMAND.search(text) is None:
        raise ParseError("no line of openssl verify output (`error N at D depth lookup`, "
                         "`verification failed`, a command with `FILE: OK`) in the input")
    reader = _Reader()
    normalized = normalize(text)  # quoting, backticks and blank lines undone
    for line, number in zip(normalized.lines, normalized.origin, strict=True):
        reader.line(line, number)
    return reader.result()


class _Reader:
    def __init__(self) -> None:
        self.command: str | None = None
        self.purpose: str | None = None
        self.results: list[VerifyResult] = []
        self.errors: list[VerifyError] = []  # errors of a file whose result is still to come
        self.subject: tuple[str, str | None] | None = None  # the last subject line, its file
        self.chain: list[ChainLink] | None = None  # a chain being read under `Chain:`
        self.unparsed: list[UnparsedLine] = []
        self.file: str | None = None  # the file OpenSSL 1.0 names before its errors

    def line(self, line: str, number: int) -> None:
        if self.chain is not None:
            link = _CHAIN.match(line)
            if link is not None:
                self.chain.append(ChainLink(
                    depth=int(link["depth"]), subject=link["subject"],
                    untrusted=bool(link["untrusted"]), line=number))
                return
            self._end_chain()
        command = _COMMAND_LINE.search(line)
        if command is not None:
            self._flush()
            self.command = line[command.start():]
            purpose = _PURPOSE.search(command["options"] + " ")
            self.purpose = purpose["purpose"] if purpose else None
            return
        error = _ERROR.match(line)
        if error is not None:
            subject, _ = self.subject or (None, None)
            self.errors.append(VerifyError(
                code=int(error["code"]), depth=int(error["depth"]), text=error["text"],
                subject=subject, line=number))
            self.subject = None
            return
        failed = _FAILED.match(line)
        if failed is not None:
            self._result(failed["file"], False, number)
            return
        ok = _OK.match(line)
        if ok is not None and _a_file(ok["file"], self.command is not None):
            self._result(ok["file"], True, number)
            return
        if line == "Chain:" and self.results and self.results[-1].ok:
            self.chain = []
            return
        named = _SUBJECT.match(line)
        if named is not None:
            self.subject = (named["subject"], named["file"])
            if named["file"]:
                self.file = named["file"]
            return
        self.unparsed.append(UnparsedLine(line=number, text=line[:200],
                                          reason="not a line of openssl verify output"))

    def _result(self, file: str, ok: bool, number: int) -> None:
        errors = () if ok else tuple(self.errors)
        if not ok:
            self.errors = []
        self.results.append(VerifyResult(file=file, ok=ok, errors=errors,
                                         line=errors[0].line if errors else number))
        self.subject = self.file = None

    def _end_chain(self) -> None:
        if self.chain is not None and self.results:
            last = self.results[-1]
            self.results[-1] = last.model_copy(update={"chain": tuple(self.chain)})
        self.chain = None

    def _flush(self) -> None:
        """Errors without their result line (cut off, or OpenSSL 1.0's): a result of a file
        the paste does not name, unless the subject line named it."""
        self._end_chain()
        if self.errors:
            self.results.append(VerifyResult(file=self.file, ok=None, errors=tuple(self.errors),
                                             line=self.errors[0].line))
            self.errors = []
        self.file = None

    def result(self) -> VerifyOutput:
        self._flush()
        return VerifyOutput(command=self.command, purpose=self.purpose,
                            results=tuple(self.results), unparsed=tuple(self.unparsed))


def _a_file(name: str, commanded: bool) -> bool:
    """Whether `name` before `: OK` is a file OpenSSL checked: quoted, or one word that looks
    like a path, or any one word after the command (not a sentence's `Status: OK`)."""
    name = name.strip()
    if name[:1] in "'\"" and name[-1:] == name[:1]:
        return True
    return " " not in name and (commanded or re.search(r"[./\\]", name) is not None)
