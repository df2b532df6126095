"""One input's result, built once for every format: status, verdict, root causes, codes,
events, pieces, warnings and findings (the input's own, its parts', and those of the pieces of
other evidence found beside its main content)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .engine import evaluate, rulebook, verdict
from .models.common import Piece, UnparsedLine
from .models.findings import Finding, InputResult
from .parsers import Format, FormatId
from .parsers.ticket.scan import decides, prose_lines, scan
from .text.decode import Document, decode
from .text.framing import may_be_framed, may_be_quoted, undo_escapes, undo_gutter, undo_quotes
from .text.joined import may_be_joined, undo_joined
from .text.limits import cut_note, keep_lines
from .text.mail import COMPOUND_FILE, looks_like_message, message_parts
from .text.markup import undo_markup

if TYPE_CHECKING:  # the table of services loads on first use, not at start-up
    from .knowledge.services import Named

#: Characters of a text looked at for a mail's header fields (many `Received:` lines come
#: before its MIME fields).
_MAIL_HEAD = 8192


@dataclass
class Input:
    """One input on its way through the pipeline: its bytes (or the file to stream) and, once
    a text format asks, its decoded text."""

    source: str
    head: bytes
    data: bytes | None = None
    path: Path | None = None
    text: str | None = None
    document: Document | None = field(default=None, repr=False)
    markup: list[str] = field(default_factory=list)
    """What undoing HTML or Markdown changed (read as warnings)."""
    cut: str = ""
    """What a format's line limit left out of the text (read as a warning)."""
    mail: bool = False
    """The text is the text parts of an e-mail message the input was (`reframed`)."""
    unread: str = ""
    """The mail's other parts, left to `batch` (`reframed`): "2 other part(s) (a.zip, b.evtx)"."""

    def probe(self, fmt: Format) -> Any:
        """What `fmt`'s sniffer and parser read: the first bytes, the bytes, or the text
        (decoded once, on the first text format's request); None when this input has none."""
        if fmt.reads == "stream":
            return self.head
        if fmt.reads == "bytes":
            return self.data
        if self.text is None and self.data is not None:
            self.document = decode(self.data, self.source)
            self._unmark(self.document.text)
        return self.text

    def keep_lines(self, fmt: Format) -> None:
        """Cut the text at `fmt`'s line limit, counting what is left out."""
        if self.text is None or fmt.max_lines is None:
            return
        self.text, left_out = keep_lines(self.text, fmt.max_lines)
        if left_out:
            self.cut = cut_note(left_out, fmt.max_lines, fmt.title)

    def _unmark(self, text: str) -> None:
        unmarked = undo_markup(text)
        self.text, self.markup = unmarked.text, unmarked.notes()

    def reframed(self, *, stamps: bool = True) -> Input | None:
        """This input with what an export or a log put around its text undone (`framing`:
        a mail's encodings, a string value's escapes, a gutter of time stamps (unless not
        `stamps`) or line numbers, quote marks; `joined`: a tool's lines run together into
        one), or None when its text has none of them. The caller keeps the copy only if a
        format recognises it."""
        if self.text is None:
            return None
        notes: list[str] = []
        text = self.text
        message = self._message()
        unread = ""
        if message is not None:
            said, texts, others = message
            unread = _others(others) if others else ""
            notes.append(f"read as {said.format(len(texts))}"
                         + (f"; {unread} {LEFT_TO_BATCH}" if unread else ""))
            unmarked = undo_markup("\n\n".join(texts))
            text = unmarked.text
            notes.extend(unmarked.notes())
        elif not (may_be_framed(text) or may_be_joined(text) or may_be_quoted(text)):
            return None
        text, escaped = undo_escapes(text)
        text, gutter, what = undo_gutter(text, stamps=stamps)
        text, quoted = undo_quotes(text)
        text, joined = undo_joined(text)
        if escaped:
            notes.append(f"read as a string value written out: its escaped line breaks undone "
                         f"on {escaped} line(s)")
        if gutter:
            notes.append(f"read without the {what} in front of {gutter} line(s)")
        if quoted:
            notes.append(f"read without the quote marks in front of {quoted} line(s)")
        if joined:
            notes.append(f"read with {joined} line break(s) put back: its lines had been run "
                         "together")
        return replace(self, text=text, markup=[*self.markup, *notes],
                       mail=message is not None, unread=unread) if notes else None

    def _message(self) -> tuple[str, list[str], list[str]] | None:
        """When the input is a mail (an Outlook .msg, or a MIME message): how to say so, the
        text of its parts to read, and the names of the other parts, left to `batch` (which
        opens a message as an archive). A mail's plain text is read (its HTML only when it has
        none); an Outlook message's text and text attachments."""
        assert self.text is not None
        if self.data is not None and self.data.startswith(COMPOUND_FILE):
            from .acquire._msg import outlook_parts  # here: olefile, for an Outlook message

            parts = outlook_parts(self.data)
            if parts:
                texts, unread = [], []
                for name, body, skipped in parts:
                    if skipped is None and body and b"\0" not in body[:4096]:
                        texts.append(body.decode("utf-8", "replace"))
                    else:
                        unread.append(name)
                return "an Outlook message: {} text part(s)", texts, unread
        if not looks_like_message(self.source,
                                  self.text[:_MAIL_HEAD].encode("utf-8", "replace")):
            return None
        try:
            found = message_parts(self.text.encode("utf-8", "surrogateescape"))
        except Exception:  # noqa: BLE001 - not a message after all: read as it stands
            return None
        plain = [part for part in found if part[2].startswith("text/") and part[2] != "text/html"]
        chosen = plain or [part for part in found if part[2] == "text/html"]
        if not chosen:
            return None
        return ("an e-mail message: {} text part(s) decoded",
                [body.decode("utf-8", "replace") for _, body, _ in chosen],
                [part[0] for part in found if all(part is not c for c in chosen)])


#: What is said of the parts of a mail that `analyze` does not read.
LEFT_TO_BATCH = "not read here (certtriage batch reads attachments)"
#: Names of a mail's unread parts given in its note; the rest are counted.
_NAMED_PARTS = 5


def _others(names: list[str]) -> str:
    """The parts of a mail not read, by name (the first few)."""
    shown = ", ".join(names[:_NAMED_PARTS])
    more = len(names) - _NAMED_PARTS
    return f"{len(names)} other part(s) ({shown}{f' and {more} more' if more > 0 else ''})"


def _findings(fmt: Format, model: Any, pieces: list[Piece]) -> list[Finding]:
    """The input's findings, then those of each of its parts (each linked on its own): the
    parts its format names, then the pieces found beside its main content."""
    book = rulebook()
    module = fmt.predicates()
    findings = evaluate(model, book, fmt.id.value, getattr(module, "START", None))
    parts = list(getattr(module, "parts", lambda _: ())(model))
    if pieces:  # other evidence beside the input's own (most inputs have none)
        from .parsers.ticket.predicates import piece_part

        parts.extend(piece_part(p) for p in pieces)
    for part in parts:
        found = evaluate(part.model, book, part.kind, part.start, part.context)
        if part.place is not None:  # read from its lines alone: their lines in the input
            found = [f.model_copy(update={"evidence": tuple(map(part.place, f.evidence))})
                     for f in found]
        if part.not_iis:  # the part's check is not IIS's: IIS's sub-statuses do not follow
            found = _not_iis(found, f"{part.not_iis}: {_NOT_APPLY} to it")
        findings.extend(found)
    if parts:
        findings.sort(key=lambda f: (not f.root_cause, f.cause == "ok"))
    return findings


def _named_first(findings: list[Finding], named: set[str]) -> list[Finding]:
    """Where the input says which sub-status clients got, the root causes that give it come
    first, and one that gives another says so: what the clients saw tells the causes apart."""
    if not named:
        return findings
    said = " or ".join(sorted(named))
    out: list[tuple[bool, Finding]] = []
    for finding in findings:
        other = bool(finding.root_cause and finding.iis_substatus
                     and not named & set(finding.iis_substatus))
        if other:
            gives = " or ".join(finding.iis_substatus)
            finding = finding.model_copy(update={"message": f"{finding.message} The input says "
                                                 f"clients got {said}; this cause gives {gives}."})
        out.append((other, finding))
    roots = [f for other, f in sorted(out, key=lambda o: o[0]) if f.root_cause]
    ranked = iter(roots)  # the root causes in their new order, in the places roots stood
    return [next(ranked) if f.root_cause else f for _, f in out]


#: Formats that are IIS's own: an input holding one is about IIS. (A `netsh http` binding is
#: HTTP.sys's, which AD FS and WinRM share: the prose may still say whose it is.)
_IIS_FORMATS = frozenset({FormatId.IIS_CONFIG.value, FormatId.IIS_W3C_LOG.value})
#: Logs a server's events can be in: beside one, a client's line does not make the text a
#: client's.
_SERVER_LOGS = frozenset({FormatId.EVENT_LOG.value, FormatId.EVTX.value})


def _elsewhere(findings: list[Finding], item: Input, fmt: Format, model: Any,
               pieces: list[Piece]) -> list[Finding]:
    """Where the input's prose says it is about a service other than IIS (LDAPS, a VPN,
    RADIUS, smart card logon ...) or holds a TLS client's own line (and no server's call or
    log), and nothing in it names IIS, the findings give no 403 sub-status, and say why:
    those are what IIS answers a client with. The whole text is searched for IIS only when
    the evidence or its prose says something else (a paste's few prose lines are cheap to
    read, the whole of it is not)."""
    from .knowledge.services import SERVER_CALL, names_iis, service_named

    text = item.text
    kinds = _kinds(fmt, model, pieces)
    if kinds & _IIS_FORMATS:
        return findings
    # the evidence itself is another process's check, or a client's (an event beside a paste
    # may say so for the whole of it)
    why = model.not_iis() or next((w for p in pieces if (w := p.model.not_iis())), None)
    if not why and text is not None:
        # a client's line beside a server's log or its SSPI call: a server checked, IIS or not
        server = SERVER_CALL in text or bool(kinds & _SERVER_LOGS) or any(
            m.server_asked() for m in (model, *(p.model for p in (*model.own_pieces(),
                                                                  *pieces))))
        named = service_named(_prose(text, fmt, model, pieces), client=not server)
        if named is not None:
            why = (f"The text is {_about(named)}: {_NOT_APPLY} there, but the check fails the "
                   f"same way; {named.service.tells}")
    if not why or text is not None and names_iis(text):
        return findings
    return _not_iis(findings, why)


def _steps_elsewhere(item: Input, fmt: Format, model: Any, pieces: list[Piece]) -> str | None:
    """Where the steps to collect more evidence apply, when the text is about a server other
    than IIS and names no IIS: they are written for IIS and Windows."""
    from .knowledge.services import names_iis, service_named

    text = item.text
    if text is None or _kinds(fmt, model, pieces) & _IIS_FORMATS or names_iis(text):
        return None
    named = service_named(_prose(text, fmt, model, pieces), client=False)
    if named is None:
        return None
    return (f"the text is {_about(named)}: {named.service.tells}; the steps to collect below are "
            "written for IIS and Windows: collect the same evidence from that server")


def _kinds(fmt: Format, model: Any, pieces: list[Piece]) -> set[str]:
    """The formats the input was read as: its own and its pieces'."""
    return {fmt.id.value, *(p.kind for p in (*model.own_pieces(), *pieces))}


def _about(named: Named) -> str:
    """`about <the service> (line N: `token`), not IIS`."""
    return (f"about {named.service.name} (line {named.line}: `{named.token}`), not IIS")


#: What a finding about a check that is not IIS's says of its IIS text.
_NOT_APPLY = "what this says of IIS and its 403 sub-statuses does not apply"


def _not_iis(findings: list[Finding], why: str) -> list[Finding]:
    """The findings without IIS's 403 sub-statuses, each that gave one saying `why`."""
    return [f.model_copy(update={"iis_substatus": (), "message": f"{f.message} {why}."})
            if f.iis_substatus else f for f in findings]


def _prose(text: str, fmt: Format, model: Any, pieces: list[Piece]) -> list[tuple[int, str]]:
    """The lines of the input `text` that no format read as structure, as (number, text): a
    ticket's prose and the sentences its codes are named in, the lines around an export."""
    taken = {n for p in (*model.own_pieces(), *pieces) if p.kind != "mentions"
             for n in range(p.first_line, p.last_line + 1)}
    if fmt.id is FormatId.TICKET:
        return [(n, line) for n, line in enumerate(text.split("\n"), 1)
                if n not in taken and line.strip()]
    return [(u.line, u.text) for u in model.unparsed if u.line not in taken]


def _beside(item: Input, fmt: Format,
            model: Any) -> tuple[list[Piece], list[UnparsedLine], int]:
    """Pieces of other evidence among the lines the format could not place, the unparsed lines
    left that are no prose, and how many lines of prose there were (prose is counted, not
    reported line by line)."""
    unparsed = list(model.unparsed)
    if not unparsed or item.text is None or fmt.id is FormatId.TICKET:
        return [], unparsed, 0
    lines = item.text.split("\n")
    candidates = [(u.line, lines[u.line - 1]) for u in unparsed
                  if u.foreign and 0 < u.line <= len(lines)]
    found = scan(candidates, skip=frozenset({fmt.id}), beside_evidence=decides(fmt, model))
    taken = {n for p in found.pieces for n in range(p.first_line, p.last_line + 1)}
    prose = prose_lines(found.prose)
    left = [u for u in unparsed if u.line not in taken and u.line not in prose]
    return found.pieces, left, len(prose)


def build_result(item: Input, fmt: Format, model: Any, claimed: list[Piece]) -> InputResult:
    """The one result of an input: status, verdict, root causes, codes, warnings, findings."""
    pieces, unparsed, prose = _beside(item, fmt, model)
    prose += model.prose_count()
    pieces = sorted([*claimed, *pieces], key=lambda p: p.first_line)
    named = {s for m in (model, *(p.model for p in pieces)) for s in m.named_substatuses()}
    findings = _named_first(_findings(fmt, model, pieces), named)
    if any(f.iis_substatus for f in findings):
        findings = _elsewhere(findings, item, fmt, model, pieces)
    warnings = [f"line {u.line}: {u.reason}: {u.text[:80]}" for u in unparsed[:MAX_LISTED]]
    if len(unparsed) > MAX_LISTED:
        warnings.append(f"... and {len(unparsed) - MAX_LISTED} more line(s) that could not be "
                        "placed")
    warnings.extend(model.reading_notes())
    status = "parsed" if not warnings and not item.cut and model.read_whole() else "partial"
    if prose:
        warnings.append(f"{prose} line(s) of prose around the evidence were not read as evidence")
    shows_outcome = getattr(fmt.predicates(), "shows_outcome", lambda _: True)(model)
    buried = _buried(item, len(unparsed) + prose)
    if buried:
        warnings.append(buried)
    # A pass needs the whole input read: lines past a limit may hold the failure.
    result_verdict = verdict(findings, shows_outcome, buried=bool(buried or item.cut))
    roots = [f for f in findings if f.root_cause and f.cause != "ok"]
    roots = roots or [f for f in findings if f.cause == "ok"][:1]
    codes = model.error_codes()
    if codes is None:
        codes = tuple(dict.fromkeys(f.hresult for f in findings if f.hresult))
    codes = tuple(dict.fromkeys((*codes, *(c for p in pieces for c in p.model.error_codes()
                                            or ()))))
    next_steps: tuple[str, ...] = ()
    if result_verdict == "inconclusive":
        next_steps = tuple(dict.fromkeys(  # each once, though several findings ask for it
            s.text for f in findings if f.cause == "insufficient-evidence"
            for s in f.remediation))
        elsewhere = _steps_elsewhere(item, fmt, model, pieces) if next_steps else None
        if elsewhere:
            warnings.append(elsewhere)
    document = item.document
    if fmt.reads == "text":
        warnings[:0] = decoding_warnings(item)
    encoding = (document.encoding if document is not None and fmt.reads == "text"
                else "binary" if fmt.reads == "stream" else None)
    return InputResult.trusted(
        source=item.source, kind=fmt.id.value, status=status, encoding=encoding,
        verdict=result_verdict, root_causes=tuple(dict.fromkeys(f.cause for f in roots)),
        failing_element=next((f.element for f in roots if f.element is not None), None),
        iis_substatus=tuple(dict.fromkeys(s for f in roots for s in f.iis_substatus)),
        hresults=codes, warnings=tuple(warnings), next_steps=next_steps,
        findings=tuple(findings), model=model,
        events=(*model.event_rows(), *(row for p in pieces for row in p.model.event_rows())),
        pieces=(*model.own_pieces(), *pieces),
        identities=(*model.identities(), *(i for p in (*model.own_pieces(), *pieces)
                                            for i in p.model.identities())),
    )


#: Unparsed lines listed one by one in an input's warnings; the rest are counted.
MAX_LISTED = 50
#: Unread lines beyond this many, and this share of the input, bury what was read.
BURIED_LINES = 200
BURIED_SHARE = 0.9


def _buried(item: Input, unread: int) -> str:
    """Why what was read cannot stand for the input (empty when it can): a clean chain among
    overwhelming text that could not be read says nothing about what the input is about."""
    if unread < BURIED_LINES or item.text is None:
        return ""
    total = sum(1 for line in item.text.split("\n") if line.strip())
    if unread < BURIED_SHARE * total:
        return ""
    return (f"{unread} of {total} lines could not be read: what was read may not be what the "
            "input is about, so it decides nothing")


def decoding_warnings(item: Input, markup: bool = True) -> list[str]:
    """What decoding (and, for an input that was read, undoing markup) changed."""
    document = item.document
    notes = list(item.markup) if markup else []
    if item.cut:
        notes.append(item.cut)
    if document is None or not document.replaced:
        return notes
    return [f"some bytes were not valid {document.encoding} and were replaced", *notes]
