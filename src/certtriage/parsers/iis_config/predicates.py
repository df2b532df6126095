"""Predicates over IIS configuration files (format `iis-config`: metabase.xml,
applicationHost.config, web.config).

Each predicate yields at most one binding that lists every matching site or path: the engine
de-duplicates bindings by chain element, URL check, code and event, none of which a
configuration file has, so one binding per item would be folded into one finding anyway. The
binding's values carry the texts of the rule messages (`sites`, `paths`, ...), a `context`
naming the sites or paths, and `count`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any, Literal

from ...knowledge.predicates import Binding, predicate
from .model import (
    IisConfig,
    IisMappingSection,
    Metabase,
    MetabaseSite,
    PathConfig,
    ServerConfig,
    cert_check_bit,
    cert_check_mode_text,
    describe_cert_check_mode,
    revocation_of,
)


# ---- shared helpers -------------------------------------------------------------------------
def _metabase(doc: Any) -> Metabase | None:
    return doc.metabase if isinstance(doc, IisConfig) else None


def _server(doc: Any) -> ServerConfig | None:
    return doc.server if isinstance(doc, IisConfig) else None


def _names(items: list[str]) -> str:
    """`A`, `A and B`, `A, B and C`."""
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _bind(b: Binding, context: str, count: int, **values: str) -> Binding:
    return replace(b, values={**b.values, **values, "context": context, "count": str(count)})


def _at(site: MetabaseSite) -> str:
    """`site CDB (/LM/W3SVC/690402, line 1)`."""
    if site.server_comment:
        return f"site {site.server_comment} ({site.location}, line {site.line})"
    return f"site {site.location} (line {site.line})"


def _site_context(sites: list[MetabaseSite]) -> str:
    labels = [s.label.removeprefix("site ") for s in sites]
    return ("site " if len(labels) == 1 else "sites ") + ", ".join(labels)


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


# ---- IIS 6 metabase ---------------------------------------------------------------------------
def _client_cert_sites(mb: Metabase) -> list[MetabaseSite]:
    """Sites where client certificates are requested, or may be (a fragment that shows an
    HTTPS site but not its AccessSSLFlags)."""
    return [s for s in mb.sites if s.client_certificates in ("accept", "require")
            or (s.client_certificates is None and s.has_ssl)]


def _mode_phrase(doc: IisConfig, site: MetabaseSite) -> str:
    """`CertCheckMode=1 (revocation checking off)`, or where the value in force comes from."""
    mode = site.effective_cert_check_mode
    words = describe_cert_check_mode(mode)
    if site.cert_check_mode_source == "site":
        return f"{cert_check_mode_text(mode)} ({words})"
    if site.cert_check_mode_source == "/LM/W3SVC":
        return f"{cert_check_mode_text(mode)} inherited from /LM/W3SVC ({words})"
    unseen = doc.fragment and doc.metabase is not None and doc.metabase.service is None
    return f"no CertCheckMode ({words}, the default" + (
        "; /LM/W3SVC is not in the input, and a value set there would apply)" if unseen else ")")


_ORDER = {"off": 0, "cache-only": 1, "online": 2}


@predicate
def iis_metabase_revocation_differs(doc: IisConfig, b: Binding) -> Iterator[Binding]:
    """Sites that take client certificates check revocation differently (off, cached CRLs
    only, online): the same certificate can then pass on one site and get 403.13 on
    another. Values: `sites` (each site with its setting in force), `consequence`."""
    mb = _metabase(doc)
    if mb is None:
        return
    sites = _client_cert_sites(mb)
    if len({s.revocation for s in sites}) < 2:
        return
    ordered = sorted(sites, key=lambda s: (_ORDER[s.revocation], s.line))
    summary = "; ".join(f"{_at(s)} has {_mode_phrase(doc, s)}" for s in ordered)
    online = [s.name for s in ordered if s.revocation == "online"]
    cached = [s.name for s in ordered if s.revocation == "cache-only"]
    off = [s.name for s in ordered if s.revocation == "off"]
    parts = []
    if online:
        one = len(online) == 1
        parts.append(
            f"{'Only ' if one else ''}{_names(online)} "
            f"{_plural(len(online), 'downloads', 'download')}"
            f" CRLs: when a CRL cannot be fetched (CDP unreachable, blocked by a proxy or "
            f"firewall, retrieval timeout), {'it answers' if one else 'they answer'} 403.13.")
    if cached:
        one = len(cached) == 1
        parts.append(
            f"{_names(cached)} {'uses' if one else 'use'} only CRLs already cached on the server: "
            f"{'it does' if one else 'they do'} not depend on the download, but "
            f"{'answers' if one else 'answer'} 403.13 once a cached CRL is missing or expired.")
    if off:
        one = len(off) == 1
        parts.append(
            f"{_names(off)} never {'checks' if one else 'check'} revocation: "
            f"{'it accepts' if one else 'they accept'} the same certificates, revoked ones "
            f"included.")
    yield _bind(b, _site_context(ordered), len(ordered), sites=summary,
                consequence=" ".join(parts))


def _setting_of(mode: int, setting: str) -> bool:
    """Whether a CertCheckMode value makes `setting`."""
    if setting == "no-usage-check":
        return bool(mode & cert_check_bit("MD_CERT_NO_USAGE_CHECK"))
    return revocation_of(mode) == {"revocation-off": "off", "cache-only": "cache-only"}[setting]


@predicate
def iis_metabase_cert_check(
    doc: IisConfig, b: Binding, *,
    setting: Literal["revocation-off", "cache-only", "no-usage-check"],
) -> Iterator[Binding]:
    """Sites taking client certificates whose CertCheckMode in force (own or inherited) turns
    revocation checking off (bit 0x1), limits it to cached CRLs (0x2) or turns the usage check
    off (0x10000). A metabase with no site but a /LM/W3SVC that sets it matches too. Values:
    `sites`."""
    mb = _metabase(doc)
    if mb is None:
        return
    hits = [s for s in _client_cert_sites(mb)
            if _setting_of(s.effective_cert_check_mode, setting)]
    if hits:
        items = "; ".join(f"{_at(s)}: {_mode_phrase(doc, s)}" for s in hits)
        yield _bind(b, _site_context(hits), len(hits), sites=items)
        return
    service = mb.service
    if not mb.sites and service is not None and service.cert_check_mode is not None:
        mode = service.cert_check_mode
        if _setting_of(mode, setting):
            items = (f"{service.location} (line {service.line}): {cert_check_mode_text(mode)} "
                     f"({describe_cert_check_mode(mode)}), inherited by every site that does "
                     f"not set its own")
            yield _bind(b, f"web service {service.location}", 1, sites=items)


def _flags_phrase(site: MetabaseSite) -> str:
    flags = site.client_certificates_flags
    if flags is None:
        return "no AccessSSLFlags"
    where = site.client_certificates_at or site.location
    inherited = " (inherited from /LM/W3SVC)" if where.lower() == "/lm/w3svc" else ""
    return f'AccessSSLFlags="{flags.text}" on {where}{inherited} (line {flags.line})'


@predicate
def iis_metabase_client_certs(
    doc: IisConfig, b: Binding, *, mode: Literal["accept", "require"]
) -> Iterator[Binding]:
    """Sites whose strongest client-certificate setting is `mode`: require
    (AccessSSLRequireCert) or accept (AccessSSLNegotiateCert without it). Values: `sites`."""
    mb = _metabase(doc)
    if mb is None:
        return
    hits = [s for s in mb.sites if s.client_certificates == mode]
    if hits:
        items = "; ".join(f"{s.label}: {_flags_phrase(s)}" for s in hits)
        yield _bind(b, _site_context(hits), len(hits), sites=items)


@predicate
def iis_metabase_ssl_without_secure_binding(doc: IisConfig, b: Binding) -> Iterator[Binding]:
    """Sites whose AccessSSLFlags ask for SSL or client certificates while the site (its
    IIsWebServer key is in the input) has no SecureBindings. Values: `sites`."""
    mb = _metabase(doc)
    if mb is None:
        return
    hits = []
    for site in mb.sites:
        if not site.has_server_key or site.secure_bindings:
            continue
        flags = [k.access_ssl_flags for k in site.keys]
        if site.access_ssl_flags is not None:
            flags.insert(0, site.access_ssl_flags)
        elif site.client_certificates_flags is not None:
            flags.insert(0, site.client_certificates_flags)
        asking = [f for f in flags if f.ssl or f.negotiate_cert or f.require_cert]
        if asking:
            hits.append((site, asking[0]))
    if hits:
        items = "; ".join(
            f'{_at(s)}: AccessSSLFlags="{f.text}" (line {f.line}), '
            f"ServerBindings {', '.join(s.server_bindings) or 'none'}" for s, f in hits)
        yield _bind(b, _site_context([s for s, _ in hits]), len(hits), sites=items)


# ---- IIS 7+ -----------------------------------------------------------------------------------
def _where(doc: IisConfig, path: PathConfig) -> str:
    if path.in_location and path.path:
        return f'location "{path.path}"'
    if doc.kind == "applicationHost.config":
        return "every site (server level)"
    if doc.kind == "web.config":
        return "this web.config's folder"
    return "the pasted section"


def _paths_context(doc: IisConfig, paths: list[PathConfig]) -> str:
    return "; ".join(dict.fromkeys(_where(doc, p) for p in paths))


@predicate
def iis_ssl_flags(
    doc: IisConfig, b: Binding, *, mode: Literal["accept", "require"]
) -> Iterator[Binding]:
    """Paths whose `<access sslFlags>` makes client certificates `mode`: require
    (SslRequireCert) or accept (SslNegotiateCert without SslRequireCert). Values: `paths`."""
    server = _server(doc)
    if server is None:
        return
    hits = [p for p in server.paths if p.access is not None and p.access.text is not None
            and p.access.client_cert_mode == mode]
    if hits:
        items = "; ".join(f'{_where(doc, p)}: sslFlags="{p.access.text}" (line {p.access.line})'
                          for p in hits if p.access is not None)
        yield _bind(b, _paths_context(doc, hits), len(hits), paths=items)


@predicate
def iis_web_config_sets_locked_section(doc: IisConfig, b: Binding) -> Iterator[Binding]:
    """A web.config sets security/access or a client-certificate mapping section, which
    applicationHost.config locks by default (overrideModeDefault="Deny"). Values: `sections`."""
    server = _server(doc)
    if server is None or doc.kind != "web.config":
        return
    items = []
    hits = []
    for path in server.paths:
        found = []
        if path.access is not None and path.access.text is not None:
            found.append(f"system.webServer/security/access (sslFlags, line {path.access.line})")
        if path.iis_mapping is not None:
            found.append("system.webServer/security/authentication/"
                         "iisClientCertificateMappingAuthentication "
                         f"(line {path.iis_mapping.line})")
        if path.ds_mapping is not None:
            found.append("system.webServer/security/authentication/"
                         f"clientCertificateMappingAuthentication (line {path.ds_mapping.line})")
        if found:
            hits.append(path)
            items.extend(found)
    if items:
        yield _bind(b, _paths_context(doc, hits), len(items), sections="; ".join(items))


def _is_ancestor(parent: PathConfig, child: PathConfig) -> bool:
    if parent is child:
        return False
    if not parent.path:
        return True
    return child.path.lower().startswith(parent.path.lower() + "/")


def _mapping_counts(section: IisMappingSection) -> str:
    """`0 one-to-one; 1 many-to-one, 0 enabled` (with `kind disabled` where it is)."""
    parts = []
    for label, items, kind_on in (
            ("one-to-one", section.one_to_one, section.one_to_one_enabled),
            ("many-to-one", section.many_to_one, section.many_to_one_enabled)):
        enabled = sum(1 for m in items if m.enabled)
        text = f"{len(items)} {label}"
        if enabled != len(items):
            text += f", {enabled} enabled"
        if not kind_on:
            text += f" ({label}Mappings disabled)"
        parts.append(text)
    return "; ".join(parts)


@predicate
def iis_cert_mapping_without_mappings(doc: IisConfig, b: Binding) -> Iterator[Binding]:
    """Paths where iisClientCertificateMappingAuthentication is enabled but no enabled mapping
    of an enabled kind exists there or (in the same file, unless cleared) above it. Values:
    `paths`, `note` (what the file cannot show)."""
    server = _server(doc)
    if server is None:
        return
    hits = []
    for path in server.paths:
        section = path.iis_mapping
        if section is None or section.enabled is not True:
            continue
        total = section.usable_mappings
        if not section.clears_inherited:
            total += sum(p.iis_mapping.usable_under(section) for p in server.paths
                         if p.iis_mapping is not None and _is_ancestor(p, path))
        if total == 0:
            hits.append(path)
    if not hits:
        return
    items = "; ".join(f'{_where(doc, p)}: <iisClientCertificateMappingAuthentication '
                      f'enabled="true"> (line {p.iis_mapping.line}: '
                      f"{_mapping_counts(p.iis_mapping)})"
                      for p in hits if p.iis_mapping is not None)
    note = ""
    if doc.kind != "applicationHost.config":
        note = (" This file alone cannot show mappings that applicationHost.config defines for "
                "the same path; those are inherited unless a `<clear />` drops them.")
    yield _bind(b, _paths_context(doc, hits), len(hits), paths=items, note=note)


@predicate
def iis_many_to_one_deny(doc: IisConfig, b: Binding) -> Iterator[Binding]:
    """Enabled many-to-one mappings with permissionMode Deny, in a mapping section not
    switched off. Values: `mappings`."""
    server = _server(doc)
    if server is None:
        return
    items = []
    hits = []
    for path in server.paths:
        section = path.iis_mapping
        if section is None or section.enabled is False or not section.many_to_one_enabled:
            continue
        for mapping in section.many_to_one:
            if mapping.enabled and mapping.permission_mode == "Deny":
                name = f'"{mapping.name}"' if mapping.name else "(unnamed)"
                items.append(f"{name} at {_where(doc, path)} (line {mapping.line}, "
                             f"{mapping.rules} {_plural(mapping.rules, 'rule', 'rules')})")
                hits.append(path)
    if items:
        yield _bind(b, _paths_context(doc, hits), len(items), mappings="; ".join(items))


@predicate
def iis_ds_mapping_enabled(doc: IisConfig, b: Binding) -> Iterator[Binding]:
    """Paths where clientCertificateMappingAuthentication (Active Directory mapping) is
    enabled. Values: `paths`."""
    server = _server(doc)
    if server is None:
        return
    hits = [p for p in server.paths if p.ds_mapping is not None and p.ds_mapping.enabled]
    if hits:
        items = "; ".join(f'{_where(doc, p)}: <clientCertificateMappingAuthentication '
                          f'enabled="true" /> (line {p.ds_mapping.line})'
                          for p in hits if p.ds_mapping is not None)
        yield _bind(b, _paths_context(doc, hits), len(hits), paths=items)


@predicate
def iis_ssl_without_https_binding(doc: IisConfig, b: Binding) -> Iterator[Binding]:
    """sslFlags ask for SSL or client certificates on a site whose bindings (listed in this
    applicationHost.config) include no https binding. Values: `sites`."""
    server = _server(doc)
    if server is None or not server.sites:
        return
    items = []
    names = []
    for path in server.paths:
        access = path.access
        if access is None or not {"Ssl", "SslNegotiateCert", "SslRequireCert"} & set(
                access.ssl_flags):
            continue
        head = path.path.split("/", 1)[0].lower()
        targets = [s for s in server.sites
                   if (not path.path or s.name.lower() == head) and s.bindings]
        for site in targets:
            if site.has_https:
                continue
            bindings = ", ".join(f"{x.protocol} {x.binding_information}" for x in site.bindings)
            items.append(f'site "{site.name}" (line {site.line}; bindings: {bindings}), by '
                         f'{_where(doc, path)}: sslFlags="{access.text}" (line {access.line})')
            names.append(f'site "{site.name}"')
    if items:
        yield _bind(b, ", ".join(dict.fromkeys(names)), len(items), sites="; ".join(items))
