"""What `openssl verify` printed: for each file it checked, whether the chain verified, the
errors it stopped at and, with `-show_chain`, the chain it built."""

from __future__ import annotations

from ...models._base import Model
from ...models.common import Evidence, UnparsedLine


class VerifyError(Model):
    """One `error N at D depth lookup: WORDS` line."""

    code: int
    """OpenSSL's X509_V_ERR number (20: unable to get local issuer certificate)."""
    depth: int
    """The chain position it was found at (0: the certificate checked)."""
    text: str
    """Its words, as printed."""
    subject: str | None = None
    """The subject of the certificate at that depth, from the line OpenSSL prints before the
    error; None when the paste does not show it."""
    line: int


class ChainLink(Model):
    """One `depth=N: SUBJECT` line of `-show_chain`."""

    depth: int
    subject: str
    untrusted: bool
    """Marked `(untrusted)`: the certificate came from the input (the file or `-untrusted`),
    not from the trust store; it says nothing against the certificate."""
    line: int


class VerifyResult(Model):
    """The check of one file."""

    file: str | None
    """The file as printed; None when the paste cut its result line off."""
    ok: bool | None
    """`FILE: OK` (True), `verification failed` (False); None when the result line is not in
    the paste (errors without it)."""
    errors: tuple[VerifyError, ...] = ()
    chain: tuple[ChainLink, ...] = ()
    line: int
    """The result line (the first error's when there is none)."""


class VerifyOutput(Evidence):
    """An `openssl verify` run (or several in one paste)."""

    command: str | None = None
    """The (last) command line, when the paste shows it."""
    purpose: str | None = None
    """`-purpose`'s value (`sslclient`, `sslserver`); None when not given or not shown."""
    results: tuple[VerifyResult, ...] = ()
    unparsed: tuple[UnparsedLine, ...] = ()

    def client_purpose(self) -> bool:
        """Whether the certificates were checked for a TLS client's use."""
        return (self.purpose or "").casefold() == "sslclient"

    def not_iis(self) -> str | None:
        if self.purpose is None or self.client_purpose():
            return None
        return (f"openssl verify checked the certificate for another use than a TLS client's "
                f"(-purpose {self.purpose})")
