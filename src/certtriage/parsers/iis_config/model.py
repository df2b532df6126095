"""Models of IIS configuration files: the IIS 6 metabase (metabase.xml) and the IIS 7+
applicationHost.config / web.config.

Both kinds are one format (`iis-config`); :class:`IisConfig` says which kind a file is and
holds either a :class:`Metabase` or a :class:`ServerConfig`. Only the settings that decide
how client certificates are requested, validated and mapped are kept; passwords and
certificate blobs of mapping rules are never stored.

Facts (iis-client-cert.md, sections 4 and 6):

* IIS 6 `CertCheckMode` (metabase ID 2160) is a bit mask: 0 (or absent) checks revocation
  online, 0x1 turns revocation checking off, 0x2 uses cached CRLs only, 0x4 re-fetches CRLs
  after `RevocationFreshnessTime`, 0x10000 turns the usage (EKU) check off. It is inherited
  from `/LM/W3SVC` by every site that does not set it.
* IIS 6 `AccessSSLFlags`: 0x8 AccessSSL, 0x20 AccessSSLNegotiateCert, 0x40
  AccessSSLRequireCert, 0x80 AccessSSLMapCert, 0x100 AccessSSL128.
* IIS 7+ `system.webServer/security/access@sslFlags`: Ssl, SslNegotiateCert, SslRequireCert,
  SslMapCert, Ssl128; IIS Manager's Ignore / Accept / Require are none / SslNegotiateCert /
  SslNegotiateCert + SslRequireCert.
"""

from __future__ import annotations

from typing import Literal

from ...models._base import Model
from ...models.common import Evidence, UnparsedLine

IisConfigKind = Literal["metabase", "applicationHost.config", "web.config", "iis7-fragment"]
ClientCertMode = Literal["ignore", "accept", "require"]
Revocation = Literal["online", "cache-only", "off"]

# ---- IIS 6 metabase -------------------------------------------------------------------------
#: AccessSSLFlags names as metabase.xml writes them, and their bits (iiscnfg.h MD_ACCESS_*).
ACCESS_SSL_BITS: dict[str, int] = {
    "AccessSSL": 0x8,
    "AccessSSLNegotiateCert": 0x20,
    "AccessSSLRequireCert": 0x40,
    "AccessSSLMapCert": 0x80,
    "AccessSSL128": 0x100,
}


def cert_check_bit(constant: str) -> int:
    """The value of a CertCheckMode bit, by its constant (the bits are data: `iis.toml`)."""
    from ...knowledge.codes import code_tables

    return code_tables().cert_check_mode_bit(constant).value


def revocation_of(mode: int) -> Revocation:
    """How a CertCheckMode value checks revocation (0x1 wins; the bits are exclusive)."""
    if mode & cert_check_bit("MD_CERT_NO_REVOC_CHECK"):
        return "off"
    if mode & cert_check_bit("MD_CERT_CACHE_RETRIEVAL_ONLY"):
        return "cache-only"
    return "online"


def describe_cert_check_mode(mode: int) -> str:
    """A CertCheckMode value in words, bit by bit (never "any value > 0 disables"): the
    revocation bit that wins (or the default), then the others, then unknown bits."""
    from ...knowledge.codes import code_tables

    tables = code_tables()
    bits = tables.cert_check_mode_bits(mode)
    revocation = {"off": "MD_CERT_NO_REVOC_CHECK", "cache-only": "MD_CERT_CACHE_RETRIEVAL_ONLY",
                  "online": "MD_CERT_CHECK_REVOCATION_FRESHNESS_TIME"}[revocation_of(mode)]
    first = tables.cert_check_mode_bit(revocation)
    if not mode & first.value:
        first = tables.cert_check_mode_bit("MD_CERT_CHECK_MODE_DEFAULT")
    exclusive = {cert_check_bit(c) for c in ("MD_CERT_NO_REVOC_CHECK",
                                              "MD_CERT_CACHE_RETRIEVAL_ONLY",
                                              "MD_CERT_CHECK_REVOCATION_FRESHNESS_TIME")}
    parts = [first.phrase, *(b.phrase for b in bits if b.value not in exclusive)]
    unknown = mode & ~sum(b.value for b in tables.cert_check_modes)
    if unknown:
        parts.append(f"unknown bits 0x{unknown:X}")
    return ", ".join(parts)


def cert_check_mode_text(mode: int) -> str:
    """`CertCheckMode=1`, or `CertCheckMode=65537 (0x10001)` for values with high bits."""
    return f"CertCheckMode={mode}" + (f" (0x{mode:X})" if mode > 9 else "")


class AccessSslFlags(Model):
    """An IIS 6 AccessSSLFlags value, decoded."""

    text: str
    """The value as written: a number or names joined with `|`."""
    value: int
    """The bits."""
    names: tuple[str, ...]
    """The set bits by name (AccessSSL, AccessSSLNegotiateCert, ...)."""
    line: int
    """Line of the metabase key that sets it."""

    @property
    def ssl(self) -> bool:
        """0x8: SSL required."""
        return bool(self.value & 0x8)

    @property
    def negotiate_cert(self) -> bool:
        """0x20: client certificates are requested (accepted)."""
        return bool(self.value & 0x20)

    @property
    def require_cert(self) -> bool:
        """0x40: client certificates are required."""
        return bool(self.value & 0x40)

    @property
    def map_cert(self) -> bool:
        """0x80: client certificates are mapped to Windows accounts."""
        return bool(self.value & 0x80)

    @property
    def client_cert_mode(self) -> ClientCertMode:
        """ignore, accept (negotiate) or require."""
        if self.require_cert:
            return "require"
        return "accept" if self.negotiate_cert else "ignore"


class MetabaseKey(Model):
    """A key below a site (a virtual directory, directory or file) that sets AccessSSLFlags."""

    location: str
    """Its metabase path, e.g. /LM/W3SVC/1/ROOT."""
    key_type: str
    """The element name: IIsWebVirtualDir, IIsWebDirectory, IIsWebFile ..."""
    access_ssl_flags: AccessSslFlags
    """The flags it sets."""
    line: int
    """Line of its element."""


class MetabaseService(Model):
    """The /LM/W3SVC key (IIsWebService): values every site inherits unless it sets its own."""

    location: str
    """Its metabase path as written."""
    cert_check_mode: int | None = None
    """CertCheckMode set here (None when absent)."""
    access_ssl_flags: AccessSslFlags | None = None
    """AccessSSLFlags set here."""
    revocation_freshness_time: int | None = None
    """RevocationFreshnessTime set here."""
    revocation_url_retrieval_timeout: int | None = None
    """RevocationURLRetrievalTimeout set here."""
    line: int
    """Line of the element."""


class MetabaseSite(Model):
    """One IIS 6 web site (/LM/W3SVC/<id>) with its client-certificate settings."""

    location: str
    """Its metabase path as written, e.g. /LM/W3SVC/690402."""
    site_id: str
    """The numeric site identifier from the path."""
    server_comment: str | None = None
    """ServerComment: the site's name in IIS Manager."""
    server_bindings: tuple[str, ...] = ()
    """ServerBindings (ip:port:host), plain HTTP."""
    secure_bindings: tuple[str, ...] = ()
    """SecureBindings (ip:port:host), HTTPS."""
    ssl_cert_hash: str | None = None
    """SSLCertHash: thumbprint of the server certificate."""
    ssl_store_name: str | None = None
    """SSLStoreName: the store holding it (MY)."""
    cert_check_mode: int | None = None
    """CertCheckMode set on the site itself (None when the site does not set it)."""
    effective_cert_check_mode: int = 0
    """The value in force: the site's own, else the one of /LM/W3SVC, else 0 (the default)."""
    cert_check_mode_source: Literal["site", "/LM/W3SVC", "default"] = "default"
    """Where the value in force comes from."""
    revocation_freshness_time: int | None = None
    """RevocationFreshnessTime in force (site, else /LM/W3SVC), when set."""
    revocation_url_retrieval_timeout: int | None = None
    """RevocationURLRetrievalTimeout in force (site, else /LM/W3SVC), when set."""
    access_ssl_flags: AccessSslFlags | None = None
    """AccessSSLFlags set on the site key itself."""
    keys: tuple[MetabaseKey, ...] = ()
    """Keys below the site that set AccessSSLFlags (usually the ROOT virtual directory)."""
    client_certificates: ClientCertMode | None = None
    """The strongest client-certificate setting in force anywhere in the site (inherited
    values included); None when the input does not show it (a fragment without
    AccessSSLFlags)."""
    client_certificates_at: str | None = None
    """The metabase path where that strongest setting is made (or inherited from)."""
    client_certificates_flags: AccessSslFlags | None = None
    """The AccessSSLFlags that make that setting (None when none is set: 0 applies)."""
    has_server_key: bool = True
    """Whether the input has the site's own IIsWebServer key; when not (a fragment of its
    virtual directories), its bindings and CertCheckMode are not shown."""
    line: int
    """Line of the IIsWebServer element (or of the first key of the site in a fragment)."""

    @property
    def name(self) -> str:
        """ServerComment, else the path."""
        return self.server_comment or self.location

    @property
    def label(self) -> str:
        """`site CDB (/LM/W3SVC/690402)`."""
        if self.server_comment:
            return f"site {self.server_comment} ({self.location})"
        return f"site {self.location}"

    @property
    def requires_client_cert(self) -> bool | None:
        """Whether some path of the site requires a client certificate (None: not shown)."""
        return None if self.client_certificates is None else self.client_certificates == "require"

    @property
    def has_ssl(self) -> bool:
        """It has an HTTPS binding or a server certificate."""
        return bool(self.secure_bindings or self.ssl_cert_hash)

    @property
    def revocation(self) -> Revocation:
        """How revocation is checked for client certificates on this site."""
        return revocation_of(self.effective_cert_check_mode)

    @property
    def usage_check(self) -> bool:
        """Whether the certificate usage (EKU) is checked."""
        return not self.effective_cert_check_mode & cert_check_bit("MD_CERT_NO_USAGE_CHECK")


class Metabase(Model):
    """The web service part of an IIS 6 metabase."""

    service: MetabaseService | None = None
    """The /LM/W3SVC key, when the input has it."""
    sites: tuple[MetabaseSite, ...] = ()
    """Web sites in file order."""


# ---- IIS 7+ applicationHost.config / web.config ---------------------------------------------
SSL_FLAG_NAMES = ("None", "Ssl", "SslNegotiateCert", "SslRequireCert", "SslMapCert", "Ssl128")


class SiteBinding(Model):
    """One `<binding>` of a site."""

    protocol: str
    """http, https, net.tcp ..."""
    binding_information: str
    """ip:port:host as written (`*:443:`)."""
    ssl_flags: str | None = None
    """The binding's own sslFlags attribute (SNI / central store), as written."""
    line: int
    """Line of the element."""


class IisSite(Model):
    """One `<site>` of applicationHost.config."""

    name: str
    """The site name (`Default Web Site`)."""
    id: str | None = None
    """Its id."""
    bindings: tuple[SiteBinding, ...] = ()
    """Its bindings."""
    line: int
    """Line of the element."""

    @property
    def has_https(self) -> bool:
        """Whether one binding is https."""
        return any(b.protocol.lower() == "https" for b in self.bindings)


class AccessSection(Model):
    """`system.webServer/security/access`."""

    text: str | None = None
    """sslFlags as written (None when the element has no sslFlags attribute)."""
    ssl_flags: tuple[str, ...] = ()
    """The flags by name (Ssl, SslNegotiateCert, SslRequireCert, SslMapCert, Ssl128)."""
    line: int
    """Line of the element."""

    @property
    def client_cert_mode(self) -> ClientCertMode:
        """IIS Manager's Ignore / Accept / Require."""
        if "SslRequireCert" in self.ssl_flags:
            return "require"
        return "accept" if "SslNegotiateCert" in self.ssl_flags else "ignore"


class OneToOneMapping(Model):
    """An `<add>` of oneToOneMappings (the certificate and password are not kept)."""

    user_name: str | None = None
    """The Windows account it maps to."""
    enabled: bool = True
    """Its enabled attribute (default true)."""
    line: int
    """Line of the element."""


class ManyToOneMapping(Model):
    """An `<add>` of manyToOneMappings (the password is not kept)."""

    name: str | None = None
    """The mapping's name."""
    enabled: bool = True
    """Its enabled attribute (default true)."""
    permission_mode: Literal["Allow", "Deny"] = "Allow"
    """Allow (1, the default) or Deny (2): Deny refuses the certificates the rules match."""
    user_name: str | None = None
    """The Windows account it maps to."""
    rules: int = 0
    """How many `<rules><add>` match certificate fields."""
    line: int
    """Line of the element."""


class IisMappingSection(Model):
    """`system.webServer/security/authentication/iisClientCertificateMappingAuthentication`."""

    enabled: bool | None = None
    """Its enabled attribute (None when not set here; the default is false)."""
    one_to_one_enabled: bool = True
    """oneToOneCertificateMappingsEnabled (default true)."""
    many_to_one_enabled: bool = True
    """manyToOneCertificateMappingsEnabled (default true)."""
    one_to_one: tuple[OneToOneMapping, ...] = ()
    """One-to-one mappings defined here."""
    many_to_one: tuple[ManyToOneMapping, ...] = ()
    """Many-to-one mappings defined here."""
    clears_inherited: bool = False
    """A `<clear />` in either collection drops inherited mappings."""
    line: int
    """Line of the element."""

    @property
    def usable_mappings(self) -> int:
        """Enabled mappings of the enabled kinds defined here."""
        return self.usable_under(self)

    def usable_under(self, kinds: IisMappingSection) -> int:
        """Enabled mappings defined here, counting only the kinds that `kinds` (the section
        in force where they are inherited) enables."""
        count = 0
        if kinds.one_to_one_enabled:
            count += sum(1 for m in self.one_to_one if m.enabled)
        if kinds.many_to_one_enabled:
            count += sum(1 for m in self.many_to_one if m.enabled)
        return count


class DsMappingSection(Model):
    """`system.webServer/security/authentication/clientCertificateMappingAuthentication`
    (Active Directory mapping through the DS mapper)."""

    enabled: bool | None = None
    """Its enabled attribute (None when not set here)."""
    line: int
    """Line of the element."""


class PathConfig(Model):
    """The security settings of one configuration path: the file's own `<system.webServer>`
    or one `<location path=...>` block."""

    path: str = ""
    """The location path (`Default Web Site/app`); empty for the file's own level."""
    in_location: bool = False
    """Whether it comes from a `<location>` element."""
    override_mode: str | None = None
    """The location's overrideMode (Allow / Deny), when set."""
    access: AccessSection | None = None
    """security/access, when set here."""
    iis_mapping: IisMappingSection | None = None
    """security/authentication/iisClientCertificateMappingAuthentication, when set here."""
    ds_mapping: DsMappingSection | None = None
    """security/authentication/clientCertificateMappingAuthentication, when set here."""
    line: int
    """Line of the `<location>` or `<system.webServer>` element."""


class SectionLock(Model):
    """A `<section>` declaration of configSections with an overrideModeDefault."""

    section: str
    """Full section path, e.g. system.webServer/security/access."""
    override_mode_default: str
    """Deny (locked for web.config files) or Allow."""
    line: int
    """Line of the element."""


class ServerConfig(Model):
    """What an IIS 7+ configuration file says about client certificates."""

    sites: tuple[IisSite, ...] = ()
    """Sites with their bindings (applicationHost.config)."""
    paths: tuple[PathConfig, ...] = ()
    """Security settings per path, in file order (only paths that set one of them)."""
    section_locks: tuple[SectionLock, ...] = ()
    """Section declarations with an overrideModeDefault (applicationHost.config)."""

    def locked(self, section: str) -> SectionLock | None:
        """The declaration of `section` when it is locked (overrideModeDefault Deny)."""
        for lock in self.section_locks:
            if lock.section.lower() == section.lower() and lock.override_mode_default == "Deny":
                return lock
        return None


class IisConfig(Evidence):
    """One IIS configuration input: a metabase.xml (IIS 6) or an applicationHost.config /
    web.config (IIS 7+), whole or as a pasted fragment."""

    kind: IisConfigKind
    """metabase, applicationHost.config, web.config, or iis7-fragment (a pasted
    `<system.webServer>` / `<location>` block without its file around it)."""
    fragment: bool = False
    """The input has no `<configuration>` root (a paste): missing keys mean "not shown", not
    "default"."""
    metabase: Metabase | None = None
    """The IIS 6 settings (kind metabase)."""
    server: ServerConfig | None = None
    """The IIS 7+ settings (the other kinds)."""
    unparsed: tuple[UnparsedLine, ...] = ()
    """Lines kept but not placed: text around the XML, values that could not be read, the
    place where malformed XML stopped the reading."""
