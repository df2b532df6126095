"""IIS configuration files -> :class:`IisConfig`: the IIS 6 metabase.xml and the IIS 7+
applicationHost.config / web.config, whole files or pasted fragments.

XML is read by `text.xml` (defusedxml: entities and external references are refused), so every
element keeps the line it starts on. Pastes are accepted as they come from articles and
tickets: two `<IIsWebServer>` elements without the `<configuration>` root, attributes
separated by blank lines, `Location ="..."` with a space before `=`, text such as
"Working Site:" around the XML (kept as unparsed lines). When the XML is not well-formed, what
was read before the fault is kept and the fault is reported as an unparsed line; when
typographic quotes, no-break spaces (web pages), a bare `&` or e-mail quoting are the cause, a
repaired copy is read instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ...errors import ParseError
from ...models.common import UnparsedLine
from ...text.chars import PASTE_CHARS
from ...text.xml import Node, read_xml
from .model import (
    ACCESS_SSL_BITS,
    SSL_FLAG_NAMES,
    AccessSection,
    AccessSslFlags,
    ClientCertMode,
    DsMappingSection,
    IisConfig,
    IisConfigKind,
    IisMappingSection,
    IisSite,
    ManyToOneMapping,
    Metabase,
    MetabaseKey,
    MetabaseService,
    MetabaseSite,
    OneToOneMapping,
    PathConfig,
    SectionLock,
    ServerConfig,
    SiteBinding,
)

_WRAPPER = "certtriage-fragment"
_XML_DECL = re.compile(r"<\?xml[^>]*\?>")
_QUOTED = re.compile(r"^[ \t]*>[ \t]?", re.MULTILINE)
#: A bare `&` in text around a pasted fragment (repaired, with the characters of
#: `text.chars.PASTE_CHARS`, when the XML does not read as it is).
_BARE_AMP = re.compile(r"&(?![A-Za-z][A-Za-z0-9]*;|#\d+;|#x[0-9A-Fa-f]+;)")

_METABASE_ELEMENTS = {"mbproperty", "iis_global", "iiscomputer", "iiswebservice", "iiswebserver",
                      "iiswebvirtualdir", "iiswebdirectory", "iiswebfile"}
_IIS7_ELEMENTS = {"system.webserver", "system.applicationhost", "location", "configsections"}
_SITE_PATH = re.compile(r"^/LM/W3SVC/(\d+)(?:/(.*))?$", re.IGNORECASE)
_SERVICE_PATH = re.compile(r"^/LM/W3SVC$", re.IGNORECASE)
#: CertCheckMode is metabase property 2160; a `<Custom>` child may carry it by ID.
_CUSTOM_IDS = {"2160": "CertCheckMode"}
_MAX_TEXT = 300


def _prepare(text: str) -> str:
    """Drop the BOM, an e-mail quote prefix (`> `) that every non-blank line carries (such a
    paste would otherwise read as tags closed early), and the XML declaration (the text is
    already decoded, so a declared encoding would mislead the reader), keeping every line
    where it was."""
    text = text.lstrip("\ufeff")
    lines = [line for line in text.split("\n") if line.strip()]
    if lines and all(line.lstrip().startswith(">") for line in lines):
        text = _QUOTED.sub("", text)
    return _XML_DECL.sub(lambda m: "\n" * m.group(0).count("\n"), text)


def _wrap(text: str) -> str:
    if "<!DOCTYPE" in text:
        return text  # a DOCTYPE must come first; such a file is read as it is
    return f"<{_WRAPPER}>{text}</{_WRAPPER}>"


def _repair(text: str) -> str:
    """Undo paste damage: typographic quotes, no-break spaces, a bare `&` in surrounding
    text."""
    return _BARE_AMP.sub("&amp;", text.translate(PASTE_CHARS))


# ---- values -----------------------------------------------------------------------------------
class _Problems:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.items: list[UnparsedLine] = []

    def add(self, line: int, reason: str, text: str | None = None) -> None:
        line = max(1, min(line, len(self.lines) or 1))
        if text is None:
            text = self.lines[line - 1] if self.lines else ""
        self.items.append(UnparsedLine(line=line, text=text.strip()[:_MAX_TEXT], reason=reason))


def _int(value: str | None, name: str, node: Node, problems: _Problems) -> int | None:
    if value is None or not value.strip():
        return None
    raw = value.strip()
    try:
        return int(raw, 16) if raw.lower().startswith("0x") else int(raw)
    except ValueError:
        problems.add(node.line, f"{name} value {raw!r} is not a number")
        return None


def _bool(value: str | None) -> bool | None:
    if value is None:
        return None
    lowered = value.strip().lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    return None


# ---- IIS 6 metabase ---------------------------------------------------------------------------
_ACCESS_BY_LOWER = {name.lower(): (name, bit) for name, bit in ACCESS_SSL_BITS.items()}


def _access_ssl(node: Node, problems: _Problems) -> AccessSslFlags | None:
    raw = node.attr("AccessSSLFlags")
    if raw is None:
        return None
    text = " ".join(raw.split())
    value = 0
    if re.fullmatch(r"\s*(?:0x[0-9A-Fa-f]+|\d+)\s*", raw):
        value = _int(raw, "AccessSSLFlags", node, problems) or 0
    else:
        for part in re.split(r"[|,+\s]+", raw):
            if not part:
                continue
            known = _ACCESS_BY_LOWER.get(part.lower())
            if known is None:
                problems.add(node.line, f"AccessSSLFlags: unknown flag {part!r}")
                continue
            value |= known[1]
    names = tuple(name for name, bit in ACCESS_SSL_BITS.items() if value & bit)
    return AccessSslFlags(text=text, value=value, names=names, line=node.line)


def _effective_props(node: Node) -> dict[str, str]:
    """The node's attributes plus `<Custom Name=... Value=...>` children (case-folded keys)."""
    props = {k.lower(): v for k, v in node.attrs.items()}
    for child in node.children:
        if child.tag != "custom":
            continue
        name = child.attr("Name") or _CUSTOM_IDS.get((child.attr("ID") or "").strip(), "")
        value = child.attr("Value")
        if name and value is not None:
            props.setdefault(name.lower(), value)
    return props


def _norm_location(location: str) -> str:
    return location.strip().rstrip("/")


def _bindings(value: str | None) -> tuple[str, ...]:
    return tuple(value.split()) if value else ()


@dataclass
class _Key:
    node: Node
    location: str
    props: dict[str, str]
    flags: AccessSslFlags | None
    site_id: str | None = None
    """The site the key belongs to (None for keys outside /LM/W3SVC/<id>)."""
    below_site: bool = False
    """Whether it is a key below the site's own key (a virtual directory ...)."""

    def probe(self) -> Node:
        """A node whose attributes are the key's properties (Custom children included)."""
        return Node(self.node.name, self.props, line=self.node.line)


def _metabase(root: Node, fragment: bool, problems: _Problems) -> Metabase:
    keys: list[_Key] = []
    for node in root.walk():
        location = node.attr("Location")
        if location is None or node.tag == "custom":
            continue
        props = _effective_props(node)
        probe = Node(node.name, props, line=node.line)
        key = _Key(node, _norm_location(location), props, _access_ssl(probe, problems))
        match = _SITE_PATH.match(key.location)
        if match:
            key.site_id, key.below_site = match.group(1), bool(match.group(2))
        keys.append(key)

    service_key = next((k for k in keys if _SERVICE_PATH.match(k.location)), None)
    service = None
    if service_key is not None:
        probe = service_key.probe()
        service = MetabaseService(
            location=service_key.location,
            cert_check_mode=_int(probe.attr("CertCheckMode"), "CertCheckMode", probe, problems),
            access_ssl_flags=service_key.flags,
            revocation_freshness_time=_int(probe.attr("RevocationFreshnessTime"),
                                           "RevocationFreshnessTime", probe, problems),
            revocation_url_retrieval_timeout=_int(probe.attr("RevocationURLRetrievalTimeout"),
                                                  "RevocationURLRetrievalTimeout", probe,
                                                  problems),
            line=service_key.node.line,
        )

    by_site: dict[str, list[_Key]] = {}
    for key in keys:
        if key.site_id is not None:
            by_site.setdefault(key.site_id, []).append(key)

    sites = []
    for site_id, site_keys in by_site.items():
        sites.append(_site(site_id, site_keys, service, service_key, fragment, problems))
    sites.sort(key=lambda s: s.line)
    return Metabase(service=service, sites=tuple(sites))


def _site(site_id: str, site_keys: list[_Key], service: MetabaseService | None,
          service_key: _Key | None, fragment: bool, problems: _Problems) -> MetabaseSite:
    tops = [k for k in site_keys if not k.below_site]
    own = next((k for k in tops if k.node.tag == "iiswebserver"), tops[0] if tops else None)
    first = min(site_keys, key=lambda k: k.node.line)
    probe = own.probe() if own else None

    def prop(name: str) -> str | None:
        return probe.attr(name) if probe is not None else None

    def number(name: str) -> int | None:
        return _int(prop(name), name, probe, problems) if probe is not None else None

    mode = number("CertCheckMode")
    source: Literal["site", "/LM/W3SVC", "default"] = "default"
    effective = 0
    if mode is not None:
        effective, source = mode, "site"
    elif service is not None and service.cert_check_mode is not None:
        effective, source = service.cert_check_mode, "/LM/W3SVC"
    freshness = number("RevocationFreshnessTime")
    timeout = number("RevocationURLRetrievalTimeout")
    if service is not None:
        freshness = freshness if freshness is not None else service.revocation_freshness_time
        timeout = timeout if timeout is not None else service.revocation_url_retrieval_timeout

    below = sorted((k for k in site_keys if k is not own and k.flags is not None),
                   key=lambda k: k.location.lower())
    mode_at = _client_cert_mode(own, below, service, service_key, fragment)
    location = own.location if own else f"/LM/W3SVC/{site_id}"
    return MetabaseSite(
        location=location, site_id=site_id,
        server_comment=prop("ServerComment"),
        server_bindings=_bindings(prop("ServerBindings")),
        secure_bindings=_bindings(prop("SecureBindings")),
        ssl_cert_hash=(prop("SSLCertHash") or "").strip() or None,
        ssl_store_name=(prop("SSLStoreName") or "").strip() or None,
        cert_check_mode=mode, effective_cert_check_mode=effective,
        cert_check_mode_source=source,
        revocation_freshness_time=freshness, revocation_url_retrieval_timeout=timeout,
        access_ssl_flags=own.flags if own else None,
        keys=tuple(MetabaseKey(location=k.location, key_type=k.node.name,
                               access_ssl_flags=k.flags, line=k.node.line)
                   for k in below if k.flags is not None),
        client_certificates=mode_at[0] if mode_at else None,
        client_certificates_at=mode_at[1].location if mode_at and mode_at[1] else (
            location if mode_at else None),
        client_certificates_flags=mode_at[1].flags if mode_at and mode_at[1] else None,
        has_server_key=own is not None,
        line=own.node.line if own else first.node.line,
    )


_RANK = {"ignore": 0, "accept": 1, "require": 2}


def _client_cert_mode(own: _Key | None, below: list[_Key], service: MetabaseService | None,
                      service_key: _Key | None, fragment: bool,
                      ) -> tuple[ClientCertMode, _Key | None] | None:
    """The strongest client-certificate setting in force in the site, and the key that sets it.

    Each key inherits AccessSSLFlags from the nearest key above it that sets them (the site,
    then /LM/W3SVC). A whole metabase without any AccessSSLFlags means 0 (ignore: no key sets
    it); a fragment without them does not show the setting (None).
    """
    candidates: list[tuple[ClientCertMode, _Key]] = []
    if own is not None and own.flags is not None:
        candidates.append((own.flags.client_cert_mode, own))
    elif service_key is not None and service_key.flags is not None:
        candidates.append((service_key.flags.client_cert_mode, service_key))
    for key in below:
        if key.flags is not None:
            candidates.append((key.flags.client_cert_mode, key))
    if not candidates:
        return None if fragment else ("ignore", None)
    return max(candidates, key=lambda c: _RANK[c[0]])


# ---- IIS 7+ -----------------------------------------------------------------------------------
_SSL_FLAG_BY_LOWER = {name.lower(): name for name in SSL_FLAG_NAMES}
#: Numeric sslFlags mirror the IIS 6 MD_ACCESS_* bits (schema values not re-verified).
_SSL_FLAG_BITS = {"Ssl": 8, "SslNegotiateCert": 32, "SslRequireCert": 64, "SslMapCert": 128,
                  "Ssl128": 256}


def _ssl_flags(node: Node, problems: _Problems) -> AccessSection:
    raw = node.attr("sslFlags")
    if raw is None:
        return AccessSection(text=None, ssl_flags=(), line=node.line)
    names: list[str] = []
    if re.fullmatch(r"\s*\d+\s*", raw):
        value = int(raw)
        names = [name for name, bit in _SSL_FLAG_BITS.items() if value & bit]
    else:
        for part in re.split(r"[,|\s]+", raw):
            if not part:
                continue
            known = _SSL_FLAG_BY_LOWER.get(part.lower())
            if known is None:
                problems.add(node.line, f"sslFlags: unknown flag {part!r}")
            elif known != "None" and known not in names:
                names.append(known)
    return AccessSection(text=" ".join(raw.split()), ssl_flags=tuple(names), line=node.line)


def _iis_mapping(node: Node) -> IisMappingSection:
    one: list[OneToOneMapping] = []
    many: list[ManyToOneMapping] = []
    clears = False
    for child in node.children:
        if child.tag == "onetoonemappings":
            for item in child.children:
                if item.tag == "clear":
                    clears = True
                elif item.tag == "add":
                    one.append(OneToOneMapping(user_name=item.attr("userName"),
                                               enabled=_bool(item.attr("enabled")) is not False,
                                               line=item.line))
        elif child.tag == "manytoonemappings":
            for item in child.children:
                if item.tag == "clear":
                    clears = True
                elif item.tag == "add":
                    mode = (item.attr("permissionMode") or "Allow").strip().lower()
                    rules = sum(1 for r in item.children if r.tag == "rules"
                                for a in r.children if a.tag == "add")
                    many.append(ManyToOneMapping(
                        name=item.attr("name"), enabled=_bool(item.attr("enabled")) is not False,
                        permission_mode="Deny" if mode in ("deny", "2") else "Allow",
                        user_name=item.attr("userName"), rules=rules, line=item.line))
    return IisMappingSection(
        enabled=_bool(node.attr("enabled")),
        one_to_one_enabled=_bool(node.attr("oneToOneCertificateMappingsEnabled")) is not False,
        many_to_one_enabled=_bool(node.attr("manyToOneCertificateMappingsEnabled")) is not False,
        one_to_one=tuple(one), many_to_one=tuple(many), clears_inherited=clears, line=node.line,
    )


def _path_config(web: Node, path: str, location: Node | None,
                 problems: _Problems) -> PathConfig | None:
    access = iis_mapping = ds_mapping = None
    for security in (c for c in web.children if c.tag == "security"):
        for child in security.children:
            if child.tag == "access":
                access = _ssl_flags(child, problems)
            elif child.tag == "authentication":
                for auth in child.children:
                    if auth.tag == "iisclientcertificatemappingauthentication":
                        iis_mapping = _iis_mapping(auth)
                    elif auth.tag == "clientcertificatemappingauthentication":
                        ds_mapping = DsMappingSection(enabled=_bool(auth.attr("enabled")),
                                                      line=auth.line)
    if access is None and iis_mapping is None and ds_mapping is None:
        return None
    return PathConfig(
        path=path, in_location=location is not None,
        override_mode=location.attr("overrideMode") if location is not None else None,
        access=access, iis_mapping=iis_mapping, ds_mapping=ds_mapping,
        line=location.line if location is not None else web.line,
    )


def _section_locks(node: Node, prefix: str, out: list[SectionLock]) -> None:
    for child in node.children:
        name = (child.attr("name") or "").strip()
        if child.tag == "sectiongroup" and name:
            _section_locks(child, f"{prefix}{name}/", out)
        elif child.tag == "section" and name:
            mode = child.attr("overrideModeDefault")
            if mode is not None:
                out.append(SectionLock(section=f"{prefix}{name}",
                                       override_mode_default=mode.strip().capitalize(),
                                       line=child.line))


def _sites(host: Node) -> list[IisSite]:
    sites = []
    for group in (c for c in host.children if c.tag == "sites"):
        for site in (c for c in group.children if c.tag == "site"):
            bindings = tuple(
                SiteBinding(protocol=(b.attr("protocol") or "").strip(),
                            binding_information=(b.attr("bindingInformation") or "").strip(),
                            ssl_flags=b.attr("sslFlags"), line=b.line)
                for bs in site.children if bs.tag == "bindings"
                for b in bs.children if b.tag == "binding"
            )
            sites.append(IisSite(name=site.attr("name") or "", id=site.attr("id"),
                                 bindings=bindings, line=site.line))
    return sites


def _server(top: list[Node], problems: _Problems) -> ServerConfig:
    sites: list[IisSite] = []
    paths: list[PathConfig] = []
    locks: list[SectionLock] = []

    def visit(node: Node) -> None:
        tag = node.tag
        if tag == "configuration":
            for child in node.children:
                visit(child)
        elif tag == "configsections":
            _section_locks(node, "", locks)
        elif tag == "system.applicationhost":
            sites.extend(_sites(node))
        elif tag == "system.webserver":
            found = _path_config(node, "", None, problems)
            if found:
                paths.append(found)
        elif tag == "location":
            path = (node.attr("path") or "").strip().strip("/")
            path = "" if path == "." else path
            for child in node.children:
                if child.tag == "system.webserver":
                    found = _path_config(child, path, node, problems)
                    if found:
                        paths.append(found)
        elif tag == "sites":
            host = Node("system.applicationHost", {}, line=node.line, children=[node])
            sites.extend(_sites(host))

    for node in top:
        visit(node)
    return ServerConfig(sites=tuple(sites), paths=tuple(paths), section_locks=tuple(locks))


# ---- entry point ------------------------------------------------------------------------------
def _kind(top: list[Node], everything: list[Node]) -> IisConfigKind | None:
    tags = {n.tag for n in everything}
    if tags & _METABASE_ELEMENTS or any(
            "xml_metabase" in (n.attr("xmlns") or "").lower() for n in top):
        return "metabase"
    if not tags & (_IIS7_ELEMENTS | {"sites"}):
        return None
    if "system.applicationhost" in tags or any(
            (n.attr("name") or "") == "system.applicationHost"
            for n in everything if n.tag == "sectiongroup"):
        return "applicationHost.config"
    if len(top) == 1 and top[0].tag == "configuration":
        return "web.config"
    return "iis7-fragment"


def parse(text: str) -> IisConfig:
    """Read an IIS metabase.xml or applicationHost.config / web.config (or a paste of one)."""
    if not text.strip():
        raise ParseError("the input is empty")
    prepared = _prepare(text)
    reading = read_xml(_wrap(prepared))
    if reading.error_line is not None:
        repaired = read_xml(_wrap(_repair(prepared)))
        if repaired.error_line is None or repaired.error_line > reading.error_line:
            reading = repaired
    wrapped = reading.root.tag in (_WRAPPER, "")
    top = reading.root.children if wrapped else [reading.root]
    everything = [n for t in top for n in t.walk()]
    kind = _kind(top, everything)
    if kind is None:
        if reading.error_line is not None:
            raise ParseError(f"not well-formed XML at line {reading.error_line}: "
                             f"{reading.error}")
        raise ParseError("no IIS metabase key or IIS configuration section in the XML")

    lines = text.split("\n")
    problems = _Problems(lines)
    for number, loose in sorted(reading.loose.items()):
        problems.add(number, "text outside the XML elements", loose)
    if reading.error_line is not None:
        past_end = reading.error_line >= len(lines)
        reason = ("the XML ends inside an element (a truncated paste?); what came before was read"
                  if past_end else f"not well-formed XML ({reading.error}); "
                  "nothing after this point was read")
        problems.add(reading.error_line, reason)

    fragment = not (len(top) == 1 and top[0].tag == "configuration")
    if kind == "metabase":
        metabase = _metabase(reading.root, fragment, problems)
        if not metabase.sites and metabase.service is None:
            raise ParseError("metabase XML without any /LM/W3SVC key (no web service settings)")
        return IisConfig(kind=kind, fragment=fragment, metabase=metabase,
                         unparsed=tuple(sorted(problems.items, key=lambda u: u.line)))
    server = _server(top, problems)
    return IisConfig(kind=kind, fragment=fragment, server=server,
                     unparsed=tuple(sorted(problems.items, key=lambda u: u.line)))
