"""XML from a customer -> a small element tree with line numbers, through defusedxml.

Every XML input (event exports, IIS configuration) is read here, with defusedxml's SAX reader:
entity declarations and external references are refused, nothing is fetched. The tree is built
with an explicit stack and walked without recursion, so a hostile nesting depth cannot exhaust
the interpreter's stack; elements deeper than `MAX_DEPTH` are counted, not kept. The tree holds
at most `MAX_ELEMENTS` elements, so its memory is bounded whatever the input: the elements past
that are counted too. A reader that wants the children of the root one at a time (an export of
many events) passes `records`: each is offered when it closes, and not kept once taken.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler

import defusedxml.sax
from defusedxml import DefusedXmlException

from ..errors import RefusedInput

#: Elements nested deeper than this are counted and left out of the tree.
MAX_DEPTH = 256
#: Elements held in one tree at a time; those past it are counted and left out.
MAX_ELEMENTS = 50_000


@dataclass(slots=True)
class Node:
    """An XML element: local name, attributes, the text before its first child, line, children."""

    name: str
    attrs: dict[str, str] = field(default_factory=dict)
    text: str | None = None
    line: int = 0
    children: list[Node] = field(default_factory=list)

    @property
    def tag(self) -> str:
        """The local name in lower case (pastes and Windows versions vary the case)."""
        return self.name.lower()

    def attr(self, key: str) -> str | None:
        """An attribute, matched without regard to case."""
        wanted = key.lower()
        return next((v for k, v in self.attrs.items() if k.lower() == wanted), None)

    def find(self, name: str) -> Node | None:
        """First child called `name`."""
        return next((c for c in self.children if c.name == name), None)

    def findall(self, name: str) -> list[Node]:
        """Children called `name`."""
        return [c for c in self.children if c.name == name]

    def path(self, *names: str) -> Node | None:
        """Descend through children by name."""
        node: Node | None = self
        for name in names:
            node = node.find(name) if node is not None else None
        return node

    def walk(self) -> Iterator[Node]:
        """This node and every node below it, depth first, in document order."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


@dataclass
class XmlReading:
    """What the reader made of a text: the tree, text between the root's children, and where
    it stopped when the XML was not well-formed."""

    root: Node
    loose: dict[int, str] = field(default_factory=dict)
    """Text directly inside the root element, by line (prose around a pasted fragment)."""
    error_line: int | None = None
    """Where the XML stopped being well-formed (None when it was read to the end)."""
    error_column: int | None = None
    """The column of that error."""
    error: str = ""
    """The reader's message for that."""
    too_deep: int = 0
    """Elements left out because they were nested deeper than `MAX_DEPTH`."""
    deep_line: int | None = None
    """The line of the first element left out for its depth."""
    too_many: int = 0
    """Elements left out because the tree already held `MAX_ELEMENTS`."""
    many_line: int | None = None
    """The line of the first element left out for that."""

    def limits(self) -> list[tuple[int, str]]:
        """One (line, sentence) per limit that left elements out, naming the limit and the
        count (never a silent cut)."""
        found = []
        if self.too_deep:
            found.append((self.deep_line or 1, f"{self.too_deep} XML element(s) nested deeper "
                          f"than the limit of {MAX_DEPTH} levels were skipped"))
        if self.too_many:
            found.append((self.many_line or 1, f"{self.too_many} XML element(s) past the limit "
                          f"of {MAX_ELEMENTS:,} elements were skipped"))
        return found


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1].rsplit("}", 1)[-1]


class _Builder(ContentHandler):
    """SAX events -> Node tree, with an explicit stack."""

    def __init__(self, max_depth: int, max_elements: int,
                 records: Callable[[Node], bool] | None, prose: bool = False) -> None:
        super().__init__()
        self.prose = prose  # text inside any element, not only the root, is loose text
        self.root: Node | None = None
        self.stack: list[Node] = []
        self.depth = 0
        self.max_depth, self.max_elements, self.records = max_depth, max_elements, records
        self.held = 0
        self.too_deep = self.too_many = 0
        self.deep_line: int | None = None
        self.many_line: int | None = None
        self.skipping = 0
        """Depth at which an element left out for the element limit started (0: none)."""
        self.loose: dict[int, str] = {}
        self.text: list[str] = []
        self._locator: Any = None

    def setDocumentLocator(self, locator: Any) -> None:  # noqa: N802 - SAX's name
        self._locator = locator

    def _line(self) -> int:
        return int(self._locator.getLineNumber()) if self._locator is not None else 1

    def _close_text(self) -> None:
        if self.stack and self.text:
            node = self.stack[-1]
            if node.text is None and not node.children:
                node.text = "".join(self.text).strip() or None
        self.text = []

    def _kept(self) -> bool:
        """Whether the element just opened (at `self.depth`) goes into the tree."""
        if self.skipping:  # inside an element left out: its children are left out with it
            self.too_many += 1
            return False
        if self.depth > self.max_depth:
            self.too_deep += 1
            self.deep_line = self.deep_line or self._line()
            return False
        if self.held >= self.max_elements:
            self.too_many += 1
            self.many_line = self.many_line or self._line()
            self.skipping = self.depth
            return False
        return True

    def startElement(self, name: str, attrs: Any) -> None:  # noqa: N802 - SAX's name
        self.depth += 1
        if not self._kept():
            return
        self._close_text()
        node = Node(_local(name), {_local(k): v for k, v in attrs.items()}, line=self._line())
        self.held += 1
        if self.stack:
            self.stack[-1].children.append(node)
        elif self.root is None:
            self.root = node
        self.stack.append(node)

    def endElement(self, name: str) -> None:  # noqa: N802 - SAX's name
        self.depth -= 1
        if self.skipping:
            if self.depth < self.skipping:
                self.skipping = 0
            return
        if self.depth >= self.max_depth:
            return
        self._close_text()
        if self.stack:
            node = self.stack.pop()
            if len(self.stack) == 1:
                self._hand_over(node)

    def _hand_over(self, node: Node) -> None:
        """A child of the root closed: offer it to `records`, and drop it from the tree when
        taken."""
        if self.records is not None and self.records(node):
            self.stack[0].children.pop()
            self.held -= sum(1 for _ in node.walk())

    def characters(self, content: str) -> None:
        if self.depth > self.max_depth or self.skipping or not self.stack:
            return
        node = self.stack[-1]
        if node.text is None and not node.children:
            self.text.append(content)
        if (len(self.stack) == 1 or self.prose) and content.strip():
            line = self._line()
            for offset, piece in enumerate(content.split("\n")):
                if piece.strip():
                    number = line + offset
                    self.loose[number] = (self.loose.get(number, "") + " " + piece.strip()).strip()


def read_xml(xml: str, max_depth: int = MAX_DEPTH, *,
             records: Callable[[Node], bool] | None = None, prose: bool = False) -> XmlReading:
    """Read `xml` into a tree; a text that stops being well-formed gives the tree read so far.

    With `records`, each child of the root is offered to it when it closes and left out of the
    tree when it returns True (so a long export is held one record at a time). With `prose`,
    text inside any element is kept as loose text too (a format whose elements hold none:
    there it is the post's prose, caught inside an element a paste left open). Raises
    :class:`RefusedInput` for entity declarations and external references.
    """
    builder = _Builder(max_depth, MAX_ELEMENTS, records, prose)
    # Where the text stops being well-formed, read inside the handler: an exception kept in
    # a local would hold this frame, and the frame the exception, in a cycle.
    error: tuple[int, int, str] | None = None
    try:
        parse_sax(xml.encode("utf-8"), builder)
    except SAXParseException as exc:
        error = (int(exc.getLineNumber() or 1), int(exc.getColumnNumber() or 0),
                 str(exc.getMessage()))
        _forget(exc)
    except DefusedXmlException as exc:
        raise RefusedInput(f"refused: the XML declares entities or external references "
                           f"({type(exc).__name__})") from None
    builder._close_text()
    reading = XmlReading(builder.root or Node(""), builder.loose, too_deep=builder.too_deep,
                         deep_line=builder.deep_line, too_many=builder.too_many,
                         many_line=builder.many_line)
    if error is not None:
        reading.error_line, reading.error_column, reading.error = error
    return reading


def parse_sax(data: bytes, handler: ContentHandler, *, namespaces: bool = False) -> None:
    """Feed `data` to `handler` through defusedxml's SAX reader (no entity, DTD or external
    reference is resolved); raises as the reader does. The reader is closed however it ends:
    one stopped by an error still holds its expat parser, whose handlers are the reader's
    own methods, a cycle that would keep both (and the handler) until the collector ran."""
    parser = defusedxml.sax.make_parser()
    if namespaces:
        parser.setFeature("http://xml.org/sax/features/namespaces", True)
    parser.setContentHandler(handler)
    try:
        parser.parse(io.BytesIO(data))
    finally:
        try:
            parser.close()
        except Exception as exc:  # noqa: BLE001 - the error it stopped at, raised again
            _forget(exc)


def _forget(exc: BaseException | None) -> None:
    """Drop the tracebacks of `exc` and of the exceptions it was raised from: the SAX reader
    keeps the exception it raises in a local of a frame that its traceback holds."""
    while exc is not None:
        exc.__traceback__ = None
        exc = exc.__context__


# ---- fragments --------------------------------------------------------------------------------
#: One piece of a pasted fragment: a comment, processing instruction, CDATA section or
#: declaration (all dropped); a start, end or empty tag whose attributes are whole (name,
#: the attributes, `/` for an empty one); a tag cut short or malformed (dropped); a `<` that
#: opens none; or text.
_PIECE_OF_XML = re.compile(
    r"<!--.*?(?:-->|\Z)|<\?.*?(?:\?>|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<![^<>]*>?"
    r"|<(/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*)\s*(/?)>"
    r"|<[/A-Za-z_][^<]*|<|[^<]+", re.DOTALL)
#: A line that stands for left-out XML in an article or post: `[...]`, `...`, `…`, `(...)`.
_ELISION = re.compile(r"^[ \t]*(?:\[[ \t]*(?:\.{2,}|…)[ \t]*\]|\([ \t]*(?:\.{2,}|…)[ \t]*\)"
                      r"|\.{3,}|…)[ \t]*$", re.MULTILINE)


def is_elision(line: str) -> bool:
    """Whether `line` stands for left-out XML (`[...]`, `...`, `…`, `(...)`)."""
    return _ELISION.match(line) is not None


#: Quotation marks a word processor or a blog puts where XML has `"`.
_TYPOGRAPHIC = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"
_TO_STRAIGHT = str.maketrans({mark: '"' for mark in _TYPOGRAPHIC})
#: A start tag with attributes that holds one of those marks.
_TAG_TYPOGRAPHIC = re.compile(r"<[A-Za-z_][\w.:-]*\s[^<>]*?[" + _TYPOGRAPHIC + r"][^<>]*>")
_TAG_PARTS = re.compile(r"<(?P<name>[A-Za-z_][\w.:-]*)(?P<body>.*?)(?P<end>\s*/?>)$", re.DOTALL)
_ATTRIBUTE_START = re.compile(r"(?<![^\s\"])([A-Za-z_][\w.:-]*)\s*=\s*\"")


def straighten_quotes(xml: str) -> str:
    """The attributes of tags whose quotation marks a word processor or a blog made
    typographic (`Name=“Schannel“`, `Name=„x“`) quoted with `"` again; where the closing mark
    was lost before the next attribute (`ProcessID=“584 ThreadID=“604“`), the value ends
    there. Tags without such marks, and all text between tags, stay as they are."""
    if not any(mark in xml for mark in _TYPOGRAPHIC):
        return xml
    return _TAG_TYPOGRAPHIC.sub(_straightened, xml)


def _straightened(match: re.Match[str]) -> str:
    parts = _TAG_PARTS.match(match[0].translate(_TO_STRAIGHT))
    if parts is None:
        return match[0]
    body = parts["body"]
    starts = list(_ATTRIBUTE_START.finditer(body))
    if not starts:
        return match[0]
    attributes = []
    for index, start in enumerate(starts):
        stop = starts[index + 1].start() if index + 1 < len(starts) else len(body)
        value = body[start.end():stop].rstrip()
        value = value.removesuffix('"').replace('"', "&quot;")
        attributes.append(f' {start[1]}="{value}"')
    return f"<{parts['name']}{''.join(attributes)}{parts['end']}"


_LONE_AMP = re.compile(r"&(?![A-Za-z][A-Za-z0-9]*;|#\d+;|#x[0-9A-Fa-f]+;)")


def mend_fragment(xml: str) -> str:
    """A well-formed version of an XML fragment cut out of a larger document, as articles and
    posts show one: it may start inside an element (end tags with no start are dropped), stop
    before its elements close (they are closed at the end), leave parts out (`[...]` lines are
    dropped), end inside a tag (dropped) or have its attributes' quotation marks made
    typographic (`straighten_quotes`). The result is a sequence of elements, not one
    document: read it inside a wrapper element. Every line stays where it was."""
    text = straighten_quotes(_ELISION.sub("", xml))
    out: list[str] = []
    open_: list[str] = []
    for piece in _PIECE_OF_XML.finditer(text):
        whole, name = piece[0], piece[2]
        if name is None:
            if not whole.startswith("<"):
                out.append(_LONE_AMP.sub("&amp;", whole).replace(">", "&gt;"))
            else:  # dropped, but not its line breaks
                out.append("&lt;" if whole == "<" else "\n" * whole.count("\n"))
        elif piece[1]:  # an end tag: closes its element and any left open inside it
            if name in open_:
                while (inner := open_.pop()) != name:
                    out.append(f"</{inner}>")
                out.append(whole)
        else:
            out.append(whole)
            if not piece[4]:
                open_.append(name)
    out.extend(f"</{name}>" for name in reversed(open_))
    return "".join(out)
