"""Undo the markup a ticket or a web page wraps evidence in: HTML copies and Markdown.

Evidence copied from a web page arrives as HTML (`<br>` at line ends, `<p>` per line,
`&quot;`, `&lt;Event&gt;`, `<blockquote>`, `<pre>`); from a wiki or a chat as Markdown (fenced
blocks, bold labels, headings). :func:`undo_markup` turns both back into the plain text the
tools printed, before any format is sniffed, and says what it undid. Only HTML tag names are
removed, so the XML of an event export (`<Event>`, `<Data Name=...>`) is kept; Markdown is
undone line by line so line numbers stay those of the input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: HTML elements a copied page wraps text in (never an event or IIS XML element name).
_HTML_TAGS = (
    "a|abbr|b|big|blockquote|body|br|caption|center|cite|code|dd|del|dfn|div|dl|dt|em|font|"
    "h[1-6]|head|hr|html|i|img|ins|kbd|li|mark|meta|ol|p|pre|q|s|samp|small|span|strike|strong|"
    "sub|sup|table|tbody|td|tfoot|th|thead|title|tr|tt|u|ul|var|wbr"
)
#: (`<I>` and `<S>` before a name's attribute are a certificate mapping's issuer and subject,
#: as altSecurityIdentities and the KDC's events write them: `X509:<I>DC=com,...<S>CN=x`.)
_TAG = re.compile(rf"(?!<[IS]>[A-Za-z][\w.]{{0,15}}=)</?(?:{_HTML_TAGS})\b[^<>]*>",
                  re.IGNORECASE)
#: Tags that end a line where they stand.
_BREAK = re.compile(r"(?:<br\s*/?>|</(?:p|div|li|tr|h[1-6]|blockquote|pre|dd|dt)\s*>|<hr\b[^>]*>)"
                    r"[ \t]*\n?", re.IGNORECASE)
_CELL = re.compile(r"</t[dh]\s*>", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{1,7}|#x[0-9a-fA-F]{1,6});")
#: Any other element: XML of the input's own (an event export, a configuration file).
_ELEMENT = re.compile(r"<[A-Za-z][\w.:-]*[\s/>]")
#: How many HTML tags or entities make a text an HTML copy (one `&amp;` in prose does not).
_HTML_SIGNS = 2

#: A fence line: the fence, then nothing but a language tag (```` ```powershell ````), or the
#: first line of the block written on the fence's own line (```` ```CONNECTED(00000005) ````).
_FENCE = re.compile(r"^([ \t>]*)(?:```|~~~)(?:[ \t]*[\w+#.-]*[ \t]*$|(?P<glued>[^`\n]+)$)")
#: The last line of a block with the closing fence written at its end (`verify return:1````).
_CLOSED = re.compile(r"^(?P<line>.*\S)[ \t]*(?:```|~~~)[ \t]*$")
_HEADING = re.compile(r"^([ \t>]*)#{1,6}[ \t]+")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
#: A heading on a line after the first (the line break in the pattern: no `^` tried at every
#: character).
_ANY_HEADING = re.compile("\n" + _HEADING.pattern.removeprefix("^"))


@dataclass
class Unmarked:
    """A text with its markup undone, and what was undone."""

    text: str
    html_lines: int = 0
    """Lines of the input that held HTML tags or entities (0: not an HTML copy)."""
    markdown_lines: list[int] = field(default_factory=list)
    """Lines whose Markdown (a fence, a heading, bold) was removed."""

    def notes(self) -> list[str]:
        """One sentence per kind of markup undone, for the input's warnings."""
        found = []
        if self.html_lines:
            found.append(f"read as an HTML copy: tags and entities undone on {self.html_lines} "
                         "line(s)")
        if self.markdown_lines:
            found.append(f"Markdown undone on {len(self.markdown_lines)} line(s) (fences, "
                         "headings, bold)")
        return found


def looks_like_html(text: str) -> bool:
    """Whether `text` is an HTML copy: page tags more than in passing, or entities in a text
    with no tag of its own (an XML file escapes `&` and quotes too, but has its own tags)."""
    head = text[:65536]
    tags = 0
    for _ in _TAG.finditer(head):
        tags += 1
        if tags >= _HTML_SIGNS:
            return True
    if _ELEMENT.search(_TAG.sub("", head)):
        return False
    return tags + len(_ENTITY.findall(head)) >= _HTML_SIGNS


def undo_markup(text: str) -> Unmarked:
    """The plain text behind an HTML or Markdown copy (the text itself when it has neither)."""
    unmarked = Unmarked(text)
    if ("<" in text or "&" in text) and looks_like_html(text):
        unmarked.text, unmarked.html_lines = _undo_html(text)
    text = unmarked.text
    # A one-character test first: searching for a run of one character is several times
    # slower than for the character alone, and most texts have neither.
    if ("`" in text and "```" in text) or ("~" in text and "~~~" in text) or (
            "#" in text and _may_have_heading(text)) or ("*" in text and _BOLD.search(text)):
        unmarked.text, unmarked.markdown_lines = _undo_markdown(text)
    return unmarked


def _may_have_heading(text: str) -> bool:
    """Whether some line starts as a Markdown heading (the lines `_undo_markdown` changes)."""
    return _HEADING.match(text) is not None or _ANY_HEADING.search(text) is not None


def _undo_html(text: str) -> tuple[str, int]:
    """Tags that end a line become line ends, other page tags go, entities are decoded."""
    import html  # here: its table of entities is built only for text that is a page

    touched = sum(1 for line in text.split("\n") if _TAG.search(line) or _ENTITY.search(line))
    text = _BREAK.sub("\n", text)
    text = _CELL.sub("\t", text)
    text = _TAG.sub("", text)
    text = html.unescape(text).replace("\u00a0", " ")
    return text, touched


def _undo_markdown(text: str) -> tuple[str, list[int]]:
    """Fence lines become blank, headings and bold markers go; line numbers stay. List bullets
    stay: Event Viewer's friendly view marks its tree with `+` and `-` the same way, and each
    reader knows its own."""
    lines = text.split("\n")
    changed = []
    in_fence = False
    for number, line in enumerate(lines, start=1):
        fence = _FENCE.match(line)
        if fence is not None:
            in_fence = not in_fence
            lines[number - 1] = fence.group(1) + fence.group("glued") if fence.group(
                "glued") else ""
            changed.append(number)
            continue
        if in_fence:
            closed = _CLOSED.match(line) if "`" in line or "~" in line else None
            if closed is not None and "```" not in closed.group("line"):
                in_fence = False
                lines[number - 1] = closed.group("line")
                changed.append(number)
            continue  # inside a fence the tool's own text stands as it was printed
        new = _HEADING.sub(r"\1", line)
        new = _BOLD.sub(r"\1", new)
        if new != line:
            lines[number - 1] = new
            changed.append(number)
    return "\n".join(lines), changed
