"""Models of HTTP.sys SSL bindings as `netsh http show sslcert` prints them.

One :class:`SslBinding` per binding (IP:port, Hostname:port for SNI, or a Central Certificate
Store port). Settings that decide how a client certificate is requested and validated are
typed fields; labels of newer Windows builds that certtriage does not interpret are kept as
text in `other`. Line numbers are kept for the binding and for each setting, so a finding can
point at the line it read.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ...models._base import Model
from ...models.common import Evidence, UnparsedLine

BindingKind = Literal["ip_port", "hostname_port", "ccs"]

#: The AppId IIS registers its HTTPS bindings under.
IIS_APP_ID = "{4dc3e181-e14b-4a21-b022-59fc669b0914}"

_ON = {"enabled", "set"}


class SslBinding(Model):
    """One HTTP.sys SSL binding."""

    kind: BindingKind
    """ip_port (`IP:port`), hostname_port (`Hostname:port`, SNI) or ccs (`Central Certificate
    Store`, a port served from the IIS Central Certificate Store)."""
    endpoint: str
    """The value of the first line: `0.0.0.0:443`, `portal.contoso.com:443`, or a port (ccs)."""
    certificate_hash: str | None = None
    """`Certificate Hash`: the SHA-1 thumbprint of the server certificate (None when absent or
    `(null)`)."""
    application_id: str | None = None
    """`Application ID`: the GUID of the application that owns the binding."""
    store_name: str | None = None
    """`Certificate Store Name`: the Local Machine store holding the server certificate."""
    verify_revocation: bool | None = None
    """`Verify Client Certificate Revocation`: whether client certificates are checked for
    revocation (DefaultCertCheckMode bit 0x1 clear)."""
    cached_only: bool | None = None
    """`Verify Revocation Using Cached Client Certificate Only`: whether only cached CRLs are
    used (DefaultCertCheckMode bit 0x2)."""
    usage_check: bool | None = None
    """`Usage Check`: whether the certificate's usage (EKU) is enforced (bit 0x10000 clear)."""
    revocation_freshness_time: int | None = None
    """`Revocation Freshness Time`, in seconds (0: not used)."""
    url_retrieval_timeout: int | None = None
    """`URL Retrieval Timeout` for CRL / OCSP downloads, in milliseconds (0: the default)."""
    ctl_identifier: str | None = None
    """`Ctl Identifier`: the certificate trust list naming the accepted CAs (None for `(null)`)."""
    ctl_store_name: str | None = None
    """`Ctl Store Name`: the store holding that list, or the binding's own issuer store."""
    ds_mapper: bool | None = None
    """`DS Mapper Usage`: whether client certificates are mapped to Active Directory accounts."""
    negotiate_client_certificate: bool | None = None
    """`Negotiate Client Certificate`: whether the certificate is asked for in the initial
    handshake (otherwise only later, by renegotiation)."""
    other: dict[str, str] = Field(default_factory=dict)
    """Other labels as printed (newer builds: `Reject Connections`, `Disable HTTP2`,
    `Disable TLS1.3` ...), label -> value text."""
    extended_properties: tuple[dict[str, str], ...] = ()
    """The `Extended Properties:` blocks of newer builds, one label -> value dict per block."""
    line: int
    """Line number of the binding's first line (its IP:port / Hostname:port line)."""
    field_lines: dict[str, int] = Field(default_factory=dict)
    """Line number of each setting: by field name for the typed settings, by label for the
    others."""
    command: bool = False
    """Set by a `netsh http add sslcert` / `update sslcert` command in the input rather than
    shown by `show sslcert`: only the settings the command names are known."""

    @property
    def description(self) -> str:
        """How reports name the binding: `binding 0.0.0.0:443`."""
        if self.kind == "hostname_port":
            name = f"binding {self.endpoint} (SNI)"
        elif self.kind == "ccs":
            name = f"Central Certificate Store binding on port {self.endpoint}"
        else:
            name = f"binding {self.endpoint}"
        return f"{name} as the netsh command in the input sets it" if self.command else name

    def is_set(self, label: str) -> bool:
        """Whether an `other` label (matched without regard to case) reads Set or Enabled."""
        wanted = " ".join(label.split()).lower()
        return any(" ".join(k.split()).lower() == wanted and v.strip().lower() in _ON
                   for k, v in self.other.items())

    def line_of(self, name: str) -> int:
        """The line of a setting (field name or label), else the binding's first line."""
        return self.field_lines.get(name, self.line)


class SslCertBindings(Evidence):
    """Everything read from one `netsh http show sslcert` output."""

    kind: Literal["netsh-sslcert"] = "netsh-sslcert"
    """Model tag."""
    header_line: int | None = None
    """Line of the `SSL Certificate bindings:` header (None when the paste starts later)."""
    bindings: tuple[SslBinding, ...] = ()
    """The bindings, in input order."""
    unparsed: tuple[UnparsedLine, ...] = ()
    """Lines kept but not placed."""
