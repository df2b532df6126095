"""The text of a Word document (`word/document.xml` of a .docx), as a ticket's attachment
often holds pasted tool output between screenshots: one line per paragraph, line breaks and
tabs as the document has them, read with defusedxml's SAX reader (no entity or DTD is
expanded). Streamed rather than read into `text.xml`'s tree: only the text is wanted, and a
long document's tree (three elements a line) would pass that reader's element bound."""

from __future__ import annotations

from xml.sax import SAXException
from xml.sax.handler import ContentHandler

import defusedxml

from .xml import parse_sax

#: WordprocessingML's namespace: paragraphs, runs of text, breaks and tabs.
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_BREAKS = {(_W, "br"), (_W, "cr")}


class _Text(ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._in_text = False

    def startElementNS(self, name: tuple[str | None, str], qname: str | None,  # noqa: N802
                       attrs: object) -> None:
        if name == (_W, "t"):
            self._in_text = True
        elif name in _BREAKS:
            self.parts.append("\n")
        elif name == (_W, "tab"):
            self.parts.append("\t")

    def endElementNS(self, name: tuple[str | None, str], qname: str | None) -> None:  # noqa: N802
        if name == (_W, "t"):
            self._in_text = False
        elif name == (_W, "p"):
            self.parts.append("\n")

    def characters(self, content: str) -> None:
        if self._in_text:
            self.parts.append(content)


def document_text(xml: bytes) -> str:
    """The text of a `word/document.xml`; raises ValueError for XML that cannot be read."""
    handler = _Text()
    try:
        parse_sax(xml, handler, namespaces=True)
    except (SAXException, defusedxml.DefusedXmlException) as exc:
        raise ValueError(f"the document's XML cannot be read ({exc})") from exc
    return "".join(handler.parts)
