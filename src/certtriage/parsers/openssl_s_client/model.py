"""What an `openssl s_client` run shows: the server's chain, the CAs it names for a client
certificate, the alerts it sent, the session."""

from __future__ import annotations

from ...models._base import Model
from ...models.common import Evidence, UnparsedLine


class ChainCertificate(Model):
    """One certificate of the chain the server sent (`Certificate chain`, `0 s:... i:...`)."""

    depth: int
    """Its place in the chain, 0 for the server's own."""
    subject: str
    """Its subject, as printed (`CN = portal.contoso.com` or `/CN=portal.contoso.com`)."""
    issuer: str | None = None
    """Its issuer, as printed."""
    line: int
    """The line of its subject."""


class CaName(Model):
    """One CA the server names for client certificates."""

    name: str
    """The distinguished name, as printed."""
    line: int


class AlertLine(Model):
    """An alert the server sent, as s_client prints the error it ended with."""

    code: int
    """The alert's number (RFC 8446 6), from `SSL alert number N` or its name."""
    text: str
    """The line's words about it (`sslv3 alert bad certificate`)."""
    line: int


class VerifyError(Model):
    """An error s_client's own check of the server's chain found (`verify error:num=N:...`)."""

    depth: int | None
    """The chain position it was found at (the `depth=N` line before it; 0: the server's own
    certificate), None when the paste does not show it."""
    code: int
    """OpenSSL's X509_V_ERR number (20: unable to get local issuer certificate)."""
    text: str
    """Its words, as printed."""
    line: int


class SClientOutput(Evidence):
    """An `openssl s_client` run."""

    command: str | None = None
    """The command line, when the paste shows it."""
    sent_certificate: bool | None = None
    """Whether s_client was given a client certificate (`-cert`): None when the paste shows
    no command line."""
    protocol: str | None = None
    """The protocol of the session (`TLSv1.3`)."""
    cipher: str | None = None
    """Its cipher suite."""
    chain: tuple[ChainCertificate, ...] = ()
    """The certificates the server sent."""
    ca_names: tuple[CaName, ...] | None = None
    """The CAs the server names for client certificates; () for `No client certificate CA
    names sent`; None when the output shows neither line."""
    ca_names_line: int | None = None
    """The line of the heading (or of the no-names line)."""
    certificate_requested: bool = False
    """Whether the output shows the server's certificate request: CA names, or the
    certificate types and signature algorithms it asked for."""
    verify_code: int | None = None
    """`Verify return code: N`: how s_client judged the server's chain (0: ok)."""
    verify_text: str | None = None
    """Its words (`unable to get local issuer certificate`)."""
    verify_errors: tuple[VerifyError, ...] = ()
    """What s_client's check of the server's chain found, in order (s_client goes on after
    each: its check decides nothing about the handshake)."""
    alerts: tuple[AlertLine, ...] = ()
    """Alerts the server sent."""
    unparsed: tuple[UnparsedLine, ...] = ()
    """Lines kept but not placed (the output's other lines are read and not kept)."""
