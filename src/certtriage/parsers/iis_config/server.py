"""IIS 7+ applicationHost.config / web.config -> :class:`ServerConfig`: the sites and their
bindings, the security settings of each configuration path, and the locked sections.

A file's own `<system.webServer>` and each `<location path=...>` give one path; only the
settings that decide how client certificates are requested and mapped are read
(`security/access@sslFlags` and the two certificate-mapping authentication sections).
"""

from __future__ import annotations

import re

from ...text.xml import Node
from .model import (
    SSL_FLAG_NAMES,
    AccessSection,
    DsMappingSection,
    IisMappingSection,
    IisSite,
    ManyToOneMapping,
    OneToOneMapping,
    PathConfig,
    SectionLock,
    ServerConfig,
    SiteBinding,
)
from .problems import Problems


def _bool(value: str | None) -> bool | None:
    if value is None:
        return None
    lowered = value.strip().lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    return None


_SSL_FLAG_BY_LOWER = {name.lower(): name for name in SSL_FLAG_NAMES}
#: Numeric sslFlags mirror the IIS 6 MD_ACCESS_* bits (schema values not re-verified).
_SSL_FLAG_BITS = {"Ssl": 8, "SslNegotiateCert": 32, "SslRequireCert": 64, "SslMapCert": 128,
                  "Ssl128": 256}


def _ssl_flags(node: Node, problems: Problems) -> AccessSection:
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
                 problems: Problems) -> PathConfig | None:
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


def read_server(top: list[Node], problems: Problems) -> ServerConfig:
    """The client-certificate settings of the top-level elements `top` of an IIS 7+ file or
    fragment (`<configuration>`, or pasted sections without it)."""
    sites: list[IisSite] = []
    paths: list[PathConfig] = []
    locks: list[SectionLock] = []

    # In document order, `<configuration>` opened where it is met: a loop, not a nested
    # function calling itself, which would hold itself in a cycle only the collector frees.
    pending = list(reversed(top))
    while pending:
        node = pending.pop()
        tag = node.tag
        if tag == "configuration":
            pending.extend(reversed(node.children))
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
        elif tag in ("security", "access"):  # pasted without the sections around it
            inner = node if tag == "security" else Node("security", {}, line=node.line,
                                                         children=[node])
            found = _path_config(Node("system.webServer", {}, line=node.line,
                                      children=[inner]), "", None, problems)
            if found:
                paths.append(found)
    return ServerConfig(sites=tuple(sites), paths=tuple(paths), section_locks=tuple(locks))
