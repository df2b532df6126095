"""IIS configuration: the IIS 6 metabase.xml, and IIS 7+ applicationHost.config / web.config.

This module recognises the format cheaply; `parser` reads it (with `metabase` for IIS 6 and
`server` for IIS 7+), `model` holds what it is, `predicates` what the rules in
`knowledge/rules/iis_config/` may ask of it.
"""

from __future__ import annotations

import re

#: How much of an input the sniffer looks at: applicationHost.config declares its section
#: groups in the first few KB, but a web.config may carry a long appSettings block first.
SNIFF_CHARS = 64 * 1024


_METABASE_SIGN = re.compile(r"XML_Metabase|<IIsWeb(?:Server|Service|VirtualDir|Directory)\b",
                            re.IGNORECASE)


_IIS7_SIGN = re.compile(
    r"<system\.(?:webServer|applicationHost)\b"
    r"|<sectionGroup\s+name\s*=\s*[\"']system\.(?:webServer|applicationHost)[\"']"
    r"|<access\s[^<>]*\bsslFlags\s*="  # the access section pasted alone
)


_EVENT_XML = re.compile(r"<Events?[\s>/]")


def sniff(text: str) -> bool:
    """An IIS metabase or IIS 7+ configuration: metabase element names, a
    `<system.webServer>` / `<system.applicationHost>` section, or an `<access sslFlags=...>`
    element pasted alone. Event XML is never claimed."""
    head = text[:SNIFF_CHARS]
    if "<" not in head or _EVENT_XML.search(head):
        return False
    return bool(_METABASE_SIGN.search(head) or _IIS7_SIGN.search(head))
