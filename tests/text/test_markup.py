"""HTML and Markdown copies of evidence read as the evidence itself.

Every text fixture of certutil output and of event exports is rendered as a web page would
copy it (line breaks as `<br>`, one `<p>` per line, a `<pre>` block, a `<blockquote>`, entities
for quotes and angle brackets) and as a wiki or chat would (a fenced block under a heading,
bold labels): each copy must give the diagnosis of the original.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

import pytest

from certtriage import analyze_text
from certtriage.text.markup import looks_like_html, undo_markup

from ..conftest import FIXTURES

_SOURCES = sorted(
    [p for p in (FIXTURES / "certutil").rglob("*.txt") if p.parent.name != "damaged"]
    + [p for p in (FIXTURES / "events").rglob("*") if p.suffix in (".txt", ".xml")
       and p.parent.name not in ("damaged", "csv", "tsv")]
)


def _lines(text: str) -> list[str]:
    return text.rstrip("\n").split("\n")


def _br(text: str) -> str:
    return "\n".join(f"{html.escape(line, quote=True)}<br>" for line in _lines(text))


def _paragraphs(text: str) -> str:
    return "\n".join(f"<p>{html.escape(line, quote=True)}</p>" for line in _lines(text))


def _pre(text: str) -> str:
    return f'<div class="code"><pre><code>{html.escape(text, quote=True)}</code></pre></div>'


def _blockquote(text: str) -> str:
    body = "<br />\n".join(html.escape(line) for line in _lines(text))
    return f"<p>The server shows this:</p>\n<blockquote>\n{body}\n</blockquote>\n<p>Thanks</p>"


def _fenced(text: str) -> str:
    return f"### Output from the server\n\n```text\n{text.rstrip()}\n```\n"


def _glued(text: str) -> str:
    """A fenced block whose fences were typed on its first and last lines."""
    return f"The output:\n```{text.strip()}```\nThanks\n"


COPIES: dict[str, Callable[[str], str]] = {
    "br": _br, "paragraphs": _paragraphs, "pre": _pre, "blockquote": _blockquote,
    "fenced": _fenced, "glued-fences": _glued,
}


def _facts(text: str) -> tuple[object, ...]:
    result = analyze_text(text, "<copy>")
    return (result.kind, result.verdict, set(result.root_causes),
            [e["event_id"] for e in result.events], result.failing_element)


@pytest.mark.parametrize("source", _SOURCES, ids=[str(p.relative_to(FIXTURES)) for p in _SOURCES])
def test_every_copy_gives_the_original_diagnosis(source: Path) -> None:
    original = source.read_text(encoding="utf-8")
    expected = _facts(original)
    for name, copy in COPIES.items():
        assert _facts(copy(original)) == expected, name


def test_what_was_undone_is_said() -> None:
    text = "Verified &quot;Base CRL (1a)&quot; Time: 0<br>\nFailed &quot;AIA&quot; Time: 0<br>"
    unmarked = undo_markup(text)
    assert unmarked.text.splitlines()[0] == 'Verified "Base CRL (1a)" Time: 0'
    assert unmarked.html_lines == 2 and "HTML copy" in unmarked.notes()[0]


def test_xml_of_the_input_is_never_taken_for_html() -> None:
    xml = ('<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>'
           '<Provider Name="Schannel" /><EventID>36887</EventID></System><EventData>'
           '<Data Name="AlertDesc">46</Data></EventData></Event>')
    config = '<configuration><location path="a&amp;b"><system.webServer><security>' \
             '<access sslFlags="Ssl, SslNegotiateCert" /></security></system.webServer>' \
             '</location></configuration>'
    for text in (xml, config):
        assert not looks_like_html(text)
        assert undo_markup(text).text == text


def test_escaped_xml_on_a_page_becomes_xml() -> None:
    page = ("<p>Event XML:</p><pre>&lt;Event xmlns=&quot;http://schemas.microsoft.com/win/2004"
            "/08/events/event&quot;&gt;&lt;System&gt;&lt;Provider Name=&quot;Schannel&quot; /&gt;"
            "&lt;EventID&gt;36887&lt;/EventID&gt;&lt;/System&gt;&lt;EventData&gt;&lt;Data "
            "Name=&quot;AlertDesc&quot;&gt;48&lt;/Data&gt;&lt;/EventData&gt;&lt;/Event&gt;</pre>")
    result = analyze_text(page, "<page>")
    assert [e["event_id"] for e in result.events] == [36887]
    assert result.root_causes == ("untrusted-root",)


def test_markdown_keeps_line_numbers_and_friendly_xml_markers() -> None:
    text = "## Event 36888\n**Source:** Schannel\n- <Event xmlns=\"x\">\n```\nkept **as is**\n```"
    lines = undo_markup(text).text.split("\n")
    assert lines == ["Event 36888", "Source: Schannel", '- <Event xmlns="x">', "",
                     "kept **as is**", ""]


@pytest.mark.parametrize(("text", "lines"), [
    ("```CONNECTED(00000005)\ndepth=0\nverify return:1```", ["CONNECTED(00000005)",
                                                            "depth=0", "verify return:1"]),
    ("> ```powershell\n> Get-ChildItem\n> ```", ["", "> Get-ChildItem", ""]),
    ("```\nCertUtil: -verify command FAILED: 0x80092013 ```\nafter", [
        "", "CertUtil: -verify command FAILED: 0x80092013", "after"]),
])
def test_a_fence_typed_on_the_blocks_own_line_keeps_that_line(text: str,
                                                               lines: list[str]) -> None:
    assert undo_markup(text).text.split("\n") == lines


#: Certificate mappings as altSecurityIdentities and the KDC's events write them: `<I>` before
#: the issuer's name, `<S>` before the subject's.
_MAPPINGS = [
    "X509:<I>DC=com,DC=contoso,CN=Contoso Issuing CA<S>DC=com,DC=contoso,CN=Megan Bowen",
    "X509N:<S>CN=HPC Pack 2016 Communication",
    "X509:<I>C=US,O=Fabrikam,CN=Fabrikam CA<SR>0a1b2c3d",
    "X509:<S>E=megan@contoso.com,CN=Megan Bowen",
]


@pytest.mark.parametrize("mapping", _MAPPINGS)
@pytest.mark.parametrize("page", [False, True], ids=["text", "in an HTML copy"])
def test_a_certificate_mappings_issuer_and_subject_marks_are_no_html(mapping: str,
                                                                      page: bool) -> None:
    text = f"Account Name:\t{mapping}\n"
    if page:
        text = f"<p>The KDC logged:</p><p>Account Name: {mapping}</p><br>\n"
    undone = undo_markup(text).text
    assert mapping in undone
    assert (undo_markup(text).html_lines > 0) == page
