"""Predicates over codes mentioned in prose (:class:`Mentions`), and the pieces of a ticket,
each diagnosed as evidence of its own format."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from ...knowledge.predicates import Binding, Facts, Part, predicate
from ...models.common import HResult, Piece
from .model import Mention, Mentions, Ticket


def piece_part(piece: Piece) -> Part:
    """A piece as a part: its model, its format's rules and start binding, its line span."""
    from .. import FORMATS

    fmt = next((f for f in FORMATS if f.id.value == piece.kind), None)
    module = fmt.predicates() if fmt is not None else None
    start = getattr(module, "START", None) or Binding()
    return Part(kind=piece.kind, model=piece.model, start=start, context=piece.label,
                place=piece.place if piece.numbers else None)


def parts(ticket: Ticket) -> Iterator[Part]:
    """Each piece of the ticket."""
    for piece in ticket.pieces:
        yield piece_part(piece)


@predicate
def mentioned_code(doc: Mentions, b: Binding, *, codes: list[str] | None = None,
                   client: bool | None = None, causeless: bool = False,
                   command: bool = False,
                   unless_logged: list[str] | None = None) -> Iterator[Binding]:
    """Each code among `codes` that the text names (once per code, at its first mention); with
    no `codes`, each code that names a cause in the code tables (with `causeless`, each that
    names none: the binding holds its meaning). `client`: only codes a TLS client reports
    (true) or only the others (false). A code a certutil command that checks no client's
    chain failed with is only named with `command` (and then only such codes). A code an IIS
    log line gives a request of a status among `unless_logged` (`401`: Windows
    authentication's own challenge) is that request's, wherever else the text names it."""
    if not isinstance(doc, Mentions):
        return
    from ...knowledge.codes import code_tables

    tables = code_tables()
    wanted = {c.lower() for c in codes} if codes is not None else {
        m.value for m in doc.mentions
        if (known := tables.lookup(m.value)) and (command or bool(known.cause) != causeless)}
    if unless_logged:
        wanted -= {m.value for m in doc.mentions if m.logged_status is not None
                   and m.logged_status.split(".")[0] in unless_logged}
    seen: set[str] = set()
    for mention in doc.mentions:
        if client is not None and mention.client != client:
            continue
        if (mention.command is not None) != command:
            continue
        if mention.kind == "code" and mention.value in wanted and mention.value not in seen:
            seen.add(mention.value)
            code = code_tables().hresult(int(mention.value, 16), mention.line)
            known = tables.lookup(mention.value)
            yield replace(b, hresult=code, values={
                **b.values, "named": _named(mention, code), "line": str(mention.line),
                "meaning": known.meaning if known is not None else "",
                "verb": mention.command or ""})


def _named(mention: Mention, code: HResult) -> str:
    """The code as the text names it, and what it is when the text spells it otherwise:
    `0x80092013 CRYPT_E_REVOCATION_OFFLINE`, `-2146885613 (0x80092013 CRYPT_E_...)`,
    `0x80092013 CRYPT_E_REVOCATION_OFFLINE by its message`."""
    known = f"{code.hex} {code.symbol or ''}".strip()
    if mention.token.lower() in (code.hex, (code.symbol or "").lower()):
        return known
    if " " in mention.token.strip():  # Windows' message for the code, not a spelling of it
        return f"{known} by its message"
    return f"{mention.token} ({known})"


@predicate
def mentioned_retrieval(doc: Mentions, b: Binding, *, sections: list[str]) -> Iterator[Binding]:
    """Each failed retrieval the text names whose section is among `sections` (once per URL)."""
    if not isinstance(doc, Mentions):
        return
    from ...knowledge.codes import code_tables

    seen: set[str] = set()
    for mention in doc.mentions:
        if mention.kind == "retrieval" and mention.section in sections and (
                mention.token not in seen):
            seen.add(mention.token)
            code = code_tables().hresult(int(mention.value, 16), mention.line)
            yield replace(b, hresult=code, values={**b.values, "url": mention.token,
                                                   "line": str(mention.line)})


@dataclass(frozen=True)
class AlertBinding(Binding):
    """A match on a fatal TLS alert named in prose: the alert decides the cause."""

    alert: int | None = None

    def facts(self, doc: Any) -> Facts:
        """The binding's facts, with the alert."""
        return super().facts(doc)._replace(alert_code=self.alert)


@predicate
def mentioned_alert(doc: Mentions, b: Binding, *, alerts: list[int] | None = None,
                    not_alerts: list[int] | None = None,
                    received: bool | None = None,
                    unless_received: list[int] | None = None) -> Iterator[Binding]:
    """Each fatal TLS alert the text names without the event that logged it (once each), with
    a number among `alerts` (any when not given) and not among `not_alerts`; with `received`,
    only those a client printed as received from the server (true) or the others (false);
    those among `unless_received` only when no client printed them as received."""
    if not isinstance(doc, Mentions):
        return
    from ...knowledge.catalog import event_knowledge

    names = event_knowledge().alerts
    for value in dict.fromkeys(m.value for m in doc.mentions if m.kind == "alert"):
        mention = next(m for m in doc.mentions if m.kind == "alert" and m.value == value)
        alert = int(value)
        if (alerts is not None and alert not in alerts) or alert in (not_alerts or ()):
            continue
        if received is not None and mention.received != received:
            continue
        if mention.received and alert in (unless_received or ()):
            continue
        yield AlertBinding(index=b.index, element=b.element, hresult=b.hresult, values={
            **b.values, "alert": value, "alert_name": names.get(alert, "an unassigned alert"),
            "token": mention.token, "line": str(mention.line)}, alert=alert)


@predicate
def mentioned_browser_error(doc: Mentions, b: Binding, *, names: list[str]) -> Iterator[Binding]:
    """Each error among `names` a Chromium browser showed about the client certificate that the
    text names (once each, at its first mention)."""
    if not isinstance(doc, Mentions):
        return
    seen: set[str] = set()
    for mention in doc.mentions:
        if mention.kind == "browser" and mention.value in names and mention.value not in seen:
            seen.add(mention.value)
            yield replace(b, values={**b.values, "named": mention.value,
                                     "line": str(mention.line)})


@predicate
def mentioned_client_failure(doc: Mentions, b: Binding, *, names: list[str]) -> Iterator[Binding]:
    """A TLS client's failure among `names` that the text names (at its first mention)."""
    if not isinstance(doc, Mentions):
        return
    mention = next((m for m in doc.mentions
                    if m.kind == "client-failure" and m.value in names), None)
    if mention is not None:
        yield replace(b, values={**b.values, "named": mention.token, "line": str(mention.line)})


@predicate
def mentioned_server_failure(doc: Mentions, b: Binding, *, names: list[str]) -> Iterator[Binding]:
    """A TLS server's refusal among `names` that the text names (at its first mention)."""
    if not isinstance(doc, Mentions):
        return
    mention = next((m for m in doc.mentions
                    if m.kind == "server-failure" and m.value in names), None)
    if mention is not None:
        yield replace(b, values={**b.values, "named": mention.token, "line": str(mention.line)})


@predicate
def mentioned_protocol(doc: Mentions, b: Binding, *, names: list[str],
                       alone: bool = False) -> Iterator[Binding]:
    """The first mention of a protocol among `names` (`tls1.3`, `renegotiation`), when the
    text also names a failure (a code, a sub-status, an alert, a browser's or a client's
    error); with `alone`, whether it does or not."""
    if not isinstance(doc, Mentions):
        return
    failed = alone or any(m.kind != "protocol" for m in doc.mentions)
    mention = next((m for m in doc.mentions if m.kind == "protocol" and m.value in names), None)
    if mention is not None and failed:
        yield replace(b, values={**b.values, "line": str(mention.line), "named": mention.token})


@predicate
def mentioned_context(doc: Mentions, b: Binding, *, names: list[str]) -> Iterator[Binding]:
    """The first mention of the context a client fails in among `names` (`admin-only`)."""
    if not isinstance(doc, Mentions):
        return
    mention = next((m for m in doc.mentions if m.kind == "context" and m.value in names), None)
    if mention is not None:
        yield replace(b, values={**b.values, "line": str(mention.line), "named": mention.token})


@predicate
def traced_no_client_certificate(doc: Mentions, b: Binding) -> Iterator[Binding]:
    """A .NET client's trace that ends its choice of a certificate with none left: how many
    issuers the server named before it (the last count above that line)."""
    if not isinstance(doc, Mentions):
        return
    issuers = None
    for mention in doc.mentions:
        if mention.kind != "client-trace":
            continue
        name, _, count = mention.value.partition("=")
        if name == "issuers":
            issuers = count
        elif name == "left" and count == "0":
            named = (f"the {issuers} issuer(s) the server named" if issuers not in (None, "0")
                     else "the server's request, which named no issuer" if issuers == "0"
                     else "the server's request")
            yield replace(b, values={**b.values, "line": str(mention.line), "matched": named})
            return


@predicate
def traced_certificate_not_for_client_auth(doc: Mentions, b: Binding) -> Iterator[Binding]:
    """A client's trace that drops a certificate because its Enhanced Key Usage lacks Client
    Authentication (the first such line)."""
    if not isinstance(doc, Mentions):
        return
    for mention in doc.mentions:
        if mention.kind == "client-trace" and mention.value == "usage=0":
            yield replace(b, values={**b.values, "line": str(mention.line),
                                     "said": mention.token})
            return


@predicate
def no_client_certificate_sent(doc: Mentions, b: Binding, *, why: str) -> Iterator[Binding]:
    """The first line saying no client certificate was sent, `why`: the client could not load
    its own (`not-loaded`) or the server logged that none arrived (`none-received`)."""
    if not isinstance(doc, Mentions):
        return
    for mention in doc.mentions:
        if mention.kind == "no-certificate" and mention.value == why:
            yield replace(b, values={**b.values, "line": str(mention.line),
                                     "said": mention.token})
            return


@predicate
def mentioned_substatus(doc: Mentions, b: Binding, *, substatus: str | None = None,
                        among: list[str] | None = None, other_than: list[str] | None = None,
                        about_certificates: bool | None = None) -> Iterator[Binding]:
    """Each IIS sub-status the text names (once each); only `substatus`, or those `among`, or
    every one but those `other_than`, when given; with `about_certificates`, only those IIS
    gives for a client certificate (true: and those the code tables do not know) or only the
    others (false: 403.14, 403.6 ...)."""
    if not isinstance(doc, Mentions):
        return
    for value in dict.fromkeys(m.value for m in doc.mentions if m.kind == "substatus"):
        if substatus is not None and value != substatus or value in (other_than or ()):
            continue
        if among is not None and value not in among:
            continue
        if about_certificates is not None and _about_certificates(value) != about_certificates:
            continue
        line = next(m.line for m in doc.mentions if m.value == value)
        yield replace(b, values={**b.values, "substatus": value, "line": str(line),
                                 "meaning": _substatus_meaning(value)})


@predicate
def mentioned_forbidden(doc: Mentions, b: Binding) -> Iterator[Binding]:
    """The text shows a 403 without its sub-status (the first line that does)."""
    if not isinstance(doc, Mentions):
        return
    for mention in doc.mentions:
        if mention.kind == "forbidden":
            yield replace(b, values={**b.values, "line": str(mention.line),
                                     "said": mention.token})
            return


@predicate
def listed_substatuses(doc: Mentions, b: Binding) -> Iterator[Binding]:
    """The text lists many sub-statuses (`mentions.LISTED_SUBSTATUSES`): once, with them."""
    if not isinstance(doc, Mentions):
        return
    listed = [m for m in doc.mentions if m.kind == "listed-substatus"]
    if listed:
        values = list(dict.fromkeys(m.value for m in listed))
        yield replace(b, values={**b.values, "count": str(len(values)),
                                 "listed": ", ".join(values), "line": str(listed[0].line),
                                 "last": str(listed[-1].line)})


def _about_certificates(value: str) -> bool:
    """Whether IIS gives the sub-status for a client certificate: the code tables list its
    causes; a sub-status they do not know may be."""
    from ...knowledge.codes import code_tables

    known = code_tables().substatus(value)
    return known is None or bool(known.causes)


def _substatus_meaning(value: str) -> str:
    from ...knowledge.codes import code_tables

    known = code_tables().substatus(value)
    # the published titles keep their own punctuation: some end in a full stop
    return known.title.rstrip(".") if known is not None else "a sub-status certtriage does not know"


@predicate
def mentions_beside_evidence(doc: Mentions, b: Binding, *, value: bool = True) -> Iterator[Any]:
    """The text also holds evidence that can say what failed (value=true: a check's output, a
    log), or nothing of the kind, settings at most (false)."""
    if isinstance(doc, Mentions) and doc.beside_evidence == value:
        yield b
