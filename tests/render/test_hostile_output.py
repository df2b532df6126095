"""Text from the inputs cannot act on whoever reads a report, in any format.

Every class of hostile string (terminal escape sequences, C0 and C1 controls, DEL, bidi
overrides, HTML, Markdown syntax, spreadsheet formulas, bytes of a non-UTF-8 file name) is put
in every place an input reaches a report (file name, subject, URL, case name, event fields,
reasons), and every output format must show it inert: no raw control character anywhere, no
tag or link made from it, no cell a spreadsheet would evaluate, JSON that keeps its value.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from certtriage import analyze_bytes
from certtriage.models.findings import (
    CaseCertificate,
    CaseResult,
    InputResult,
    Report,
    TimelineEntry,
)
from certtriage.render import OutputFormat, render
from certtriage.render.escape import FORMULA_STARTS, json_safe, one_line, visible
from certtriage.render.json import SCHEMA_VERSION
from certtriage.render.jsonl import encoded_jsonl_input
from certtriage.render.markdown import _code, _line, _text

from ..conftest import FIXTURES

#: One string per class of hostile text; each names itself with a marker so it can be found.
HOSTILE = {
    "csi-clear-screen": "\x1b[2J\x1b[3J\x1b[H",
    "osc-window-title": "\x1b]0;pwned\x07",
    "osc8-hidden-link": "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "c1-csi": "\x9b2J\x9b31m",
    "c1-osc-st": "\x9d0;title\x9c",
    "c0-bell-backspace-cr": "\x07\x08\x0b\x0c\rover",
    "delete": "ab\x7fc",
    "bidi-override": "\u202egnp.exe\u202c\u2066x\u2069\u200f",
    "line-separators": "a\u2028b\u2029c\x85d",
    "html-img": "<img src=x onerror=alert(1)>",
    "html-script": "<script>alert(1)</script>",
    "html-entity": "&#x202e;&lt;b&gt;&amp;",
    "md-link": "[click here](http://evil.example/)",
    "md-image": "![x](http://evil.example/pixel.png)",
    "md-autolink": "<http://evil.example/>",
    "md-emphasis": "**bold** _it_ ~~gone~~ $x$",
    "md-code-break": "``` `x` `` y`",
    "md-table-break": "a | b | c",
    "md-list-start": "- item",
    "md-ordered-start": "1. item",
    "md-setext": "===",
    "md-heading": "# heading",
    "formula-equals": '=HYPERLINK("http://evil.example","x")',
    "formula-plus": "+1+cmd|' /C calc'!A0",
    "formula-minus": "-2+3",
    "formula-at": "@SUM(1+1)",
    "formula-tab": "\t=1+1",
    "formula-cr": "\r=1+1",
    "non-utf8-bytes": "name-\udcff\udcfe.txt",
}
MARKER = "HOSTILE"
_TEMPLATE = (FIXTURES / "certutil/revocation-offline/leaf-cdp-ldap-and-http-failed-older-format.txt")
#: Control characters no report may carry raw (tab and line feed are ordinary layout).
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
                 "\u2066-\u2069\ud800-\udfff]")
#: The escape sequences certtriage itself writes with `--color`: SGR colours and OSC 8 links.
OWN_SEQUENCES = re.compile(r"\x1b\[[0-9;]*m|\x1b\]8;;[^\x1b\x07]*\x1b\\")


def _hostile_report(value: str) -> Report:
    """A report with `value` in a file name, a subject, a URL, a case name, an event and a
    reason."""
    one_token = value.replace(" ", "_").replace("\n", "_")
    text = _TEMPLATE.read_text().replace("Ana Souza", f"Ana {MARKER} {value}").replace(
        "https://crl.fabrikam-partners.net/CRL/fbent1.crl",
        f"https://crl.fabrikam-partners.net/{MARKER}{one_token}.crl")
    analysed = analyze_bytes(text.encode("utf-8", "surrogateescape"), f"{MARKER}{value}.txt")
    event = {"provider": f"Schannel{value}", "event_id": f"36887{value}", "level": value,
             "time": value, "codes": [value]}
    events = InputResult(source=f"events-{value}.evtx", kind="events-text", status="parsed",
                         verdict="inconclusive", events=(event,), warnings=(value,),
                         next_steps=())
    unread = InputResult(source=f"{value}.bin", kind="unknown", status="unrecognized",
                         error=f"not certutil output: {value}")
    case = f"case-{value}"
    inputs = tuple(r.model_copy(update={"case": case}) for r in (analysed, events, unread))
    certificates = tuple(CaseCertificate(label=f"{n} {value}", sources=(f"{value}.txt",),
                                         root_causes=("cdp-unreachable",), symptoms=(value,))
                         for n in range(2))
    timeline = tuple(TimelineEntry(time=datetime(2025, 11, 3, 1, n), kind=kind,
                                   what=f"{kind} {value}", source=f"{value}.log", utc=True)
                     for n, kind in enumerate(("crl-next-update", "first-failure")))
    return Report(version="0", verdict="fail", inputs=inputs, cases=(CaseResult(
        case=case, verdict="fail", root_causes=("cdp-unreachable",), notes=(value,),
        files=3, parsed=2, skipped=1, certificates=certificates, timeline=timeline),))


class _Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def _no_tag_or_link_from_the_input(html: str, allowed: set[str]) -> None:
    for tag, attrs in _tags(html):
        assert tag in allowed, (tag, attrs)
        assert not any(name.startswith("on") or name == "src" for name in attrs), (tag, attrs)
        assert "evil" not in (attrs.get("href") or ""), (tag, attrs)


_MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_MARKDOWN_TAGS = {"h1", "h2", "h3", "p", "em", "strong", "code", "table", "thead", "tbody",
                  "tr", "th", "td", "ul", "ol", "li", "a", "br", "blockquote", "details",
                  "summary", "i"}
_HTML_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "span",
              "section", "table", "tr", "th", "td", "ul", "ol", "li", "b", "i", "code", "div",
              "a", "br", "details", "summary", "strong"}


def _check(fmt: OutputFormat, out: str, value: str) -> None:
    bare = OWN_SEQUENCES.sub("", out) if fmt is OutputFormat.TEXT else out
    assert not RAW.search(bare), (fmt, RAW.search(bare))
    if fmt is OutputFormat.JSON:
        data = json.loads(out)
        assert data["inputs"][0]["source"] == f"{MARKER}{value}.txt"  # the value, unchanged
        assert data["cases"][0]["notes"] == [value]
    elif fmt is OutputFormat.JSONL:
        rows = [json.loads(line) for line in out.splitlines()]
        assert rows[0]["source"] == f"{MARKER}{value}.txt" and len(rows) == 4
    elif fmt is OutputFormat.CSV:
        rows = list(csv.reader(io.StringIO(out)))
        assert len(rows) == 4 and all(len(row) == len(rows[0]) for row in rows)
        assert all(cell[:1] not in FORMULA_STARTS for row in rows for cell in row), rows
        assert rows[3][1].lstrip("'") == visible(f"{value}.bin")
    elif fmt is OutputFormat.HTML:
        _no_tag_or_link_from_the_input(out, _HTML_TAGS)
        assert one_line(value).replace("\\t", "\t")[:6] in __import__("html").unescape(out)
    elif fmt is OutputFormat.MARKDOWN:
        _no_tag_or_link_from_the_input(_MARKDOWN.render(out), _MARKDOWN_TAGS)
    else:
        assert "\x1b" not in bare


@pytest.mark.parametrize("fmt", list(OutputFormat), ids=lambda f: f.value)
@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_text_is_inert_in_every_format(name: str, fmt: OutputFormat) -> None:
    value = HOSTILE[name]
    report = _hostile_report(value)
    for options in ({}, {"color": True, "links": True, "details": True}):
        _check(fmt, render(report, fmt, **options), value)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_markdown_text_and_code_spans_hold_any_string_literally(name: str) -> None:
    value = HOSTILE[name]
    shown = " ".join(visible(value).split())
    assert _MARKDOWN.render(_line(value)) == f"<p>{_html(shown)}</p>\n"
    assert _MARKDOWN.render(f"- {_line(value)}") == f"<ul>\n<li>{_html(shown)}</li>\n</ul>\n"
    assert _MARKDOWN.render(f"x {_text(value)}") == f"<p>x {_html(shown)}</p>\n"
    assert _MARKDOWN.render(_code(value)) == f"<p><code>{_html(shown)}</code></p>\n"
    table = _MARKDOWN.render(f"| a | b |\n|---|---|\n| {_code(value, cell=True)} | z |\n")
    assert f"<td><code>{_html(shown)}</code></td>\n<td>z</td>" in table


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace(
        '"', "&quot;")


@pytest.mark.parametrize(("text", "shown"), [
    ("\x1b[2J", "\\x1b[2J"), ("\x9b", "\\x9b"), ("\x7f", "\\x7f"), ("\r", "\\x0d"),
    ("\u202e", "\\u202e"), ("\udcff", "\\xff"), ("\ud800", "\\ud800"), ("a\tb\nc", "a\tb\nc"),
    ("C:\\Users\\x", "C:\\Users\\x"), ("证书 ü", "证书 ü"),
])
def test_the_escape_convention(text: str, shown: str) -> None:
    assert visible(text) == shown
    assert one_line("a\tb\nc") == "a\\tb\\nc"


def _legal(value: str) -> str:
    """`value` as a file name can hold it (no `/`, no NUL)."""
    return value.replace("/", "_").replace("\x00", "_")


def _one_of_each_kind() -> list[Path]:
    """Two inputs of each kind the fixtures hold."""
    picked = []
    for kind in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        files = sorted(p for p in kind.rglob("*") if p.is_file() and p.suffix != ".md"
                       and ".golden" not in p.name and p.name != "expected.json")
        picked.extend(files[:2])
    return picked


def test_every_kind_of_input_named_and_filled_with_hostile_text_leaks_nothing(
        tmp_path: Path) -> None:
    """One batch: each hostile class in a file name and inside two fixtures of different
    kinds (certutil, events, EVTX, IIS, netsh, registry, stores, certificates, tickets)."""
    from certtriage.batch import batch

    fixtures = _one_of_each_kind()
    case = tmp_path / _legal(f"case-{HOSTILE['osc-window-title']}{HOSTILE['html-script']}")
    case.mkdir()
    for n, (name, value) in enumerate(HOSTILE.items()):
        for shift in (0, 7):
            fixture = fixtures[(n + shift) % len(fixtures)]
            data = fixture.read_bytes()
            if fixture.suffix in (".txt", ".log", ".xml", ".config", ".reg", ".json", ""):
                hostile = value.encode("utf-8", "surrogateescape")
                data = data.replace(b"ontoso", b"ontoso" + hostile).replace(
                    b"abrikam", b"abrikam" + hostile)
            (case / _legal(f"{name}-{shift}-{value}{fixture.suffix}")).write_bytes(data)
    report = batch([str(case)], jobs=1)
    assert len(report.inputs) == 2 * len(HOSTILE)
    for fmt in OutputFormat:
        out = render(report, fmt, color=True, links=True, details=True)
        bare = OWN_SEQUENCES.sub("", out) if fmt is OutputFormat.TEXT else out
        leak = RAW.search(bare)
        assert leak is None, (fmt, bare[max(leak.start() - 80, 0):leak.start() + 80])
        if fmt is OutputFormat.CSV:
            cells = [c for row in csv.reader(io.StringIO(out)) for c in row]
            assert all(c[:1] not in FORMULA_STARTS for c in cells)
        elif fmt is OutputFormat.HTML:
            _no_tag_or_link_from_the_input(out, _HTML_TAGS)
        elif fmt is OutputFormat.MARKDOWN:
            _no_tag_or_link_from_the_input(_MARKDOWN.render(out), _MARKDOWN_TAGS)
        elif fmt is OutputFormat.JSON:
            assert json.loads(out)["cases"][0]["case"] == str(case)


def test_rule_texts_are_markdown_without_raw_html() -> None:
    """Why, fix and where are written as Markdown and shown as written: a `<name>` in them
    must be in a code span, or a ticket would swallow it as a tag."""
    from certtriage.engine import rulebook

    for rule in rulebook().rules:
        for text in (rule.why, *(s.text for s in rule.fix), *(s.where for s in rule.fix)):
            tags = {tag for tag, _ in _tags(_MARKDOWN.render(text or ""))}
            assert tags <= {"p", "code", "em", "strong", "ul", "ol", "li", "a"}, (rule.code,
                                                                                  text)


@pytest.mark.parametrize("fmt", list(OutputFormat), ids=lambda f: f.value)
@pytest.mark.parametrize("name", ["csi-clear-screen", "html-entity", "md-emphasis",
                                  "c1-csi", "bidi-override"])
def test_redaction_finds_names_as_each_format_shows_them(fmt: OutputFormat, name: str) -> None:
    from certtriage import report
    from certtriage.redact import redact

    subject = f"Smith&Wesson_Lab {HOSTILE[name]}"
    text = _TEMPLATE.read_text().replace("Ana Souza", subject)
    analysed = report([analyze_bytes(text.encode(), "subject.txt")])
    assert "Smith" in render(analysed, fmt)
    assert "Smith" not in redact(render(analysed, fmt), analysed)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(
    ["a", " ", "\"", "\\", "\t", "\x00", "\x1b", "\x7f", "\x85", "\x9b", "\u00e9", "\u061c",
     "\u200e", "\u2028", "\u202e", "\u2066", "\udc80", "\udcff", "\u4e2d"]), max_size=40))
def test_json_safe_escapes_the_same_whether_or_not_the_text_is_plain_ascii(text: str) -> None:
    """The shortcut for a document with nothing to escape gives what escaping each one does
    (the lone surrogates drawn are the ones a non-UTF-8 file name gives: U+DC80 to U+DCFF)."""
    document = json.dumps({"value": text}, ensure_ascii=False)
    escaped = json_safe(document)
    assert escaped == re.sub("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
                             "\u2066-\u2069\ud800-\udfff]",
                             lambda m: f"\\u{ord(m.group()):04x}", document)
    assert json.loads(escaped) == json.loads(document)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(
    ["a", "\"", "\\", "\t", "\x00", "\x1b", "\x7e", "\x7f", "\x80", "\x9f", "\xa0", "\u00fc",
     "\u061b", "\u061c", "\u061d", "\u200d", "\u200e", "\u200f", "\u2010", "\u2027", "\u2028",
     "\u202e", "\u202f", "\u2065", "\u2066", "\u2069", "\u206a", "\u4e2d", "\U0001f512"]),
    max_size=40))
def test_a_json_lines_record_escapes_what_json_safe_escapes(text: str) -> None:
    """A record whose text is past ASCII but holds nothing to escape is written as the
    serialiser gave it: byte for byte what escaping the whole record gives, whatever it holds
    (characters next to each escaped range drawn too)."""
    result = InputResult(source=text, kind="unknown", status="error", error=text)
    body = InputResult.__pydantic_serializer__.to_json(result, exclude={"model"}).decode()
    line = encoded_jsonl_input(result)
    assert line == (f'{{"type":"input","schema_version":{SCHEMA_VERSION},'
                    + json_safe(body[1:]) + "\n").encode()
    assert json.loads(line)["source"] == text
