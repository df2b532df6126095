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

This module prepares the text, reads the XML and decides which kind of file it is; `metabase`
reads an IIS 6 metabase, `server` an IIS 7+ file, and both report what they cannot read through
`problems`.
"""

from __future__ import annotations

import re

from ...errors import ParseError
from ...text.chars import PASTE_CHARS
from ...text.xml import Node, XmlReading, read_xml
from .metabase import read_metabase
from .model import IisConfig, IisConfigKind
from .problems import Problems
from .server import read_server

_WRAPPER = "certtriage-fragment"
_XML_DECL = re.compile(r"<\?xml[^>]*\?>")
_QUOTED = re.compile(r"^[ \t]*>[ \t]?", re.MULTILINE)
#: A line with text that does not start with `>` (found without splitting the text in lines).
_UNQUOTED = re.compile(r"^[^\S\n]*[^\s>]", re.MULTILINE)
#: A bare `&` in text around a pasted fragment (repaired, with the characters of
#: `text.chars.PASTE_CHARS`, when the XML does not read as it is).
_BARE_AMP = re.compile(r"&(?![A-Za-z][A-Za-z0-9]*;|#\d+;|#x[0-9A-Fa-f]+;)")

_METABASE_ELEMENTS = {"mbproperty", "iis_global", "iiscomputer", "iiswebservice", "iiswebserver",
                      "iiswebvirtualdir", "iiswebdirectory", "iiswebfile"}
_IIS7_ELEMENTS = {"system.webserver", "system.applicationhost", "location", "configsections"}


def _prepare(text: str) -> str:
    """Drop the BOM, an e-mail quote prefix (`> `) that every non-blank line carries (such a
    paste would otherwise read as tags closed early), and the XML declaration (the text is
    already decoded, so a declared encoding would mislead the reader), keeping every line
    where it was."""
    text = text.lstrip("\ufeff")
    if _QUOTED.search(text) and not _UNQUOTED.search(text):
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


def _lone_access(top: list[Node]) -> bool:
    """Whether `top` holds the access section pasted alone (`<access sslFlags=...>`, or inside
    its `<security>`): IIS's own attribute names it."""
    return any(n.attr("sslFlags") is not None
               for t in top if t.tag in ("security", "access")
               for n in ([t] if t.tag == "access" else t.children) if n.tag == "access")


def _kind(top: list[Node], everything: list[Node]) -> IisConfigKind | None:
    tags = {n.tag for n in everything}
    if tags & _METABASE_ELEMENTS or any(
            "xml_metabase" in (n.attr("xmlns") or "").lower() for n in top):
        return "metabase"
    if not tags & (_IIS7_ELEMENTS | {"sites"}) and not _lone_access(top):
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
    reading = _read(_prepare(text))
    wrapped = reading.root.tag in (_WRAPPER, "")
    top = reading.root.children if wrapped else [reading.root]
    kind = _kind(top, [n for t in top for n in t.walk()])
    if kind is None:
        if reading.error_line is not None:
            raise ParseError(f"not well-formed XML at line {reading.error_line}: "
                             f"{reading.error}")
        raise ParseError("no IIS metabase key or IIS configuration section in the XML")
    problems = _problems(text, reading)
    fragment = not (len(top) == 1 and top[0].tag == "configuration")
    if kind == "metabase":
        metabase = read_metabase(reading.root, fragment, problems)
        if not metabase.sites and metabase.service is None:
            raise ParseError("metabase XML without any /LM/W3SVC key (no web service settings)")
        return IisConfig(kind=kind, fragment=fragment, metabase=metabase,
                         unparsed=tuple(sorted(problems.items, key=lambda u: u.line)))
    server = read_server(top, problems)
    return IisConfig(kind=kind, fragment=fragment, server=server,
                     unparsed=tuple(sorted(problems.items, key=lambda u: u.line)))


def _read(prepared: str) -> XmlReading:
    """The XML as it is, or a repaired copy when that reads further."""
    # IIS configuration elements hold attributes and elements, no text: text inside one is
    # the post's own, read as prose
    reading = read_xml(_wrap(prepared), prose=True)
    if reading.error_line is not None:
        repaired = read_xml(_wrap(_repair(prepared)), prose=True)
        if repaired.error_line is None or repaired.error_line > reading.error_line:
            reading = repaired
    return reading


def _problems(text: str, reading: XmlReading) -> Problems:
    """The reading's own problems: text around the elements, and where the XML stopped."""
    lines = text.split("\n")
    problems = Problems(lines)
    for number, loose in sorted(reading.loose.items()):
        problems.add(number, "text outside the XML elements", loose)
    for number, limit in reading.limits():
        problems.add(number, limit)
    if reading.error_line is not None:
        past_end = reading.error_line >= len(lines)
        reason = ("the XML ends inside an element (a truncated paste?); what came before was read"
                  if past_end else f"not well-formed XML ({reading.error}); "
                  "nothing after this point was read")
        problems.add(reading.error_line, reason)
    return problems
