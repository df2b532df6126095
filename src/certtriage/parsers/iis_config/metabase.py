"""The IIS 6 metabase (metabase.xml) -> :class:`Metabase`: the web service key /LM/W3SVC and
each site /LM/W3SVC/<id> with the keys below it.

Every element with a `Location` is a metabase key; its properties are its attributes plus any
`<Custom Name=... Value=...>` children. A site's values come from its own IIsWebServer key, else
from /LM/W3SVC, else the IIS default; its client-certificate setting is the strongest one that
any key of the site sets or inherits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ...text.xml import Node
from .model import (
    ACCESS_SSL_BITS,
    AccessSslFlags,
    ClientCertMode,
    Metabase,
    MetabaseKey,
    MetabaseService,
    MetabaseSite,
)
from .problems import Problems

_SITE_PATH = re.compile(r"^/LM/W3SVC/(\d+)(?:/(.*))?$", re.IGNORECASE)
_SERVICE_PATH = re.compile(r"^/LM/W3SVC$", re.IGNORECASE)
#: CertCheckMode is metabase property 2160; a `<Custom>` child may carry it by ID.
_CUSTOM_IDS = {"2160": "CertCheckMode"}


def _int(value: str | None, name: str, node: Node, problems: Problems) -> int | None:
    if value is None or not value.strip():
        return None
    raw = value.strip()
    try:
        return int(raw, 16) if raw.lower().startswith("0x") else int(raw)
    except ValueError:
        problems.add(node.line, f"{name} value {raw!r} is not a number")
        return None


_ACCESS_BY_LOWER = {name.lower(): (name, bit) for name, bit in ACCESS_SSL_BITS.items()}


def _access_ssl(node: Node, problems: Problems) -> AccessSslFlags | None:
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


def read_metabase(root: Node, fragment: bool, problems: Problems) -> Metabase:
    """The web service settings of the metabase keys under `root`; `fragment` says that the
    input is a paste, where a setting no key makes is not shown rather than the default."""
    keys = _keys(root, problems)
    service_key = next((k for k in keys if _SERVICE_PATH.match(k.location)), None)
    service = _service(service_key, problems) if service_key is not None else None
    by_site: dict[str, list[_Key]] = {}
    for key in keys:
        if key.site_id is not None:
            by_site.setdefault(key.site_id, []).append(key)
    sites = []
    for site_id, site_keys in by_site.items():
        sites.append(_site(site_id, site_keys, service, service_key, fragment, problems))
    sites.sort(key=lambda s: s.line)
    return Metabase(service=service, sites=tuple(sites))


def _keys(root: Node, problems: Problems) -> list[_Key]:
    """Every element with a Location, in file order, with its properties and AccessSSLFlags."""
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
    return keys


def _service(service_key: _Key, problems: Problems) -> MetabaseService:
    """The /LM/W3SVC key's settings, which every site inherits."""
    probe = service_key.probe()
    return MetabaseService(
        location=service_key.location,
        cert_check_mode=_int(probe.attr("CertCheckMode"), "CertCheckMode", probe, problems),
        access_ssl_flags=service_key.flags,
        revocation_freshness_time=_int(probe.attr("RevocationFreshnessTime"),
                                       "RevocationFreshnessTime", probe, problems),
        revocation_url_retrieval_timeout=_int(probe.attr("RevocationURLRetrievalTimeout"),
                                              "RevocationURLRetrievalTimeout", probe, problems),
        line=service_key.node.line,
    )


def _site(site_id: str, site_keys: list[_Key], service: MetabaseService | None,
          service_key: _Key | None, fragment: bool, problems: Problems) -> MetabaseSite:
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
