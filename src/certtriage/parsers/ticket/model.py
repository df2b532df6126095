"""Models of a ticket: the pieces of evidence found in a text, and codes mentioned in prose."""

# Annotations are evaluated as the module runs (not postponed): pydantic reads every field's
# type, and each annotation left a string costs it a compile (CONTRIBUTING.md, start-up).
from typing import Literal

from ...models._base import Model
from ...models.common import Evidence, Piece, ShownChain, UnparsedLine


class Mention(Model):
    """An error code, a sub-status, a failed retrieval, a fatal TLS alert, a browser's error
    about the client certificate or a TLS client's failure named in a sentence."""

    line: int
    """The line it stands on."""
    token: str
    """The text as written (`0x80092013`, `-2146885613`, `CRYPT_E_REVOCATION_OFFLINE`, `403.13`,
    or the URL of a retrieval)."""
    kind: Literal["code", "substatus", "listed-substatus", "forbidden", "retrieval", "alert",
                  "browser", "client-failure", "client-trace", "no-certificate", "protocol",
                  "context", "server-failure"]
    """What it names (`listed-substatus`: a sub-status in a list of many, a table of what
    each means rather than the one clients got)."""
    value: str
    """The code as 0x and eight hex digits, the sub-status as `403.13`, the alert's number, the
    browser's error by its name (`ERR_BAD_SSL_CLIENT_AUTH_CERT`), the client failure by its
    name (`secure-channel`, `trust-relationship`), a .NET server's refusal of the client's
    certificate (`client-certificate-invalid`), a client's trace line by what it counts
    (`issuers=137`, `left=0`), no client certificate sent because the client could not load
    its own (`not-loaded`) or as the server logged it (`none-received`), a protocol version
    that bears on client certificates (`tls1.3`, or `renegotiation` told beside a client
    certificate), the context a client fails in (`admin-only`: it works only as an
    administrator; `legacy-provider`: its key is a legacy CryptoAPI provider's), a 403
    without its sub-status as `403`."""
    section: Literal["cdp", "aia", "ocsp"] | None = None
    """For a retrieval: what was fetched."""
    client: bool = False
    """Named on a line where a TLS client reports it (InitializeSecurityContext, the call a
    client makes; a server's is AcceptSecurityContext): about a server's certificate."""
    received: bool = False
    """For an alert: named as only a TLS client prints one it received (OpenSSL's, NSS's, Go's
    words; not Java's, which servers print alike), on no server's log line: the server sent
    it, about the client's certificate."""
    logged_status: str | None = None
    """For a code: the status of the request an IIS log line gives it as its Win32 status
    (`401.2` for `... 401 2 2148074254`)."""
    command: str | None = None
    """The certutil verb that failed with the code (`generateSSTFromWU`), when the text says
    one that checks no certificate of a client did: the code is that command's."""


class Mentions(Evidence):
    """The codes and sub-statuses a text names outside any structured evidence."""

    kind: Literal["mentions"] = "mentions"
    """Model tag."""
    mentions: tuple[Mention, ...] = ()
    """What is named, in line order."""
    beside_evidence: bool = False
    """Whether the text also holds evidence that can say what failed, the output of a check or a
    log (a mention then decides nothing); settings alone do not count."""
    unparsed: tuple[UnparsedLine, ...] = ()
    """Always empty: a line without a mention is prose, counted by the ticket."""

    def error_codes(self) -> tuple[str, ...]:
        """The error codes named, in line order."""
        return tuple(dict.fromkeys(m.value for m in self.mentions
                                   if m.kind in ("code", "retrieval")))

    def server_asked(self) -> bool:
        """A client's trace of choosing a certificate for the server's request, its failure to
        load the certificate it was to send, or the server's line that none arrived."""
        return any(m.kind in ("client-trace", "no-certificate") for m in self.mentions)

    def named_substatuses(self) -> tuple[str, ...]:
        """The sub-statuses named, in line order."""
        return tuple(dict.fromkeys(m.value for m in self.mentions if m.kind == "substatus"))


class Ticket(Evidence):
    """A text that is no export of its own: the pieces of evidence it holds, and its prose."""

    kind: Literal["ticket"] = "ticket"
    """Model tag."""
    pieces: tuple[Piece, ...] = ()
    """The pieces found, in line order."""
    prose_lines: int = 0
    """Non-blank lines that are no evidence (counted, not reported one by one)."""
    unparsed: tuple[UnparsedLine, ...] = ()
    """Always empty: what no piece took is prose."""

    def prose_count(self) -> int:
        """The lines no piece took."""
        return self.prose_lines

    def own_pieces(self) -> tuple[Piece, ...]:
        """The pieces found."""
        return self.pieces

    def error_codes(self) -> tuple[str, ...]:
        """The codes of every piece, in line order."""
        codes = (c for p in self.pieces for c in (p.model.error_codes() or ()))
        return tuple(dict.fromkeys(codes))

    def named_substatuses(self) -> tuple[str, ...]:
        """The sub-statuses every piece names."""
        return tuple(dict.fromkeys(s for p in self.pieces for s in p.model.named_substatuses()))

    def not_iis(self) -> str | None:
        """The reason its pieces give, when every piece that is evidence gives one."""
        reasons = [p.model.not_iis() for p in self.pieces if p.kind != "mentions"]
        return reasons[0] if reasons and all(reasons) else None

    def event_rows(self) -> tuple[dict[str, object], ...]:
        """The events of every piece."""
        return tuple(row for p in self.pieces for row in p.model.event_rows())

    def chains(self) -> tuple[ShownChain, ...]:
        """The chains of every piece."""
        return tuple(chain for p in self.pieces for chain in p.model.chains())

    def summary_lines(self) -> tuple[str, ...]:
        """What was found where."""
        return tuple(f"{p.label}: {p.lines} line(s)" for p in self.pieces)
