"""Text output as a terminal shows it: at 80 and 200 columns and piped, nothing that can be
copied (a URL, a subject, an issuer) is split across lines, no line ends in a space, the
report starts with a rule and ends with the one-line summary; colours and links on request."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from certtriage import analyze_path, report
from certtriage.render.term import urls
from certtriage.render.view import build

from ..conftest import FIXTURES
from ..helpers.cli import ANSI, certtriage

#: Every committed text input certtriage diagnoses (the class: each is laid out the same way;
#: EVTX files give the same report as their text exports and take seconds each).
INPUTS = sorted(
    p for folder in ("certutil", "events", "iis-logs", "netsh", "registry", "stores",
                     "iis-config")
    for p in (FIXTURES / folder).rglob("*")
    if p.is_file() and p.suffix not in (".json", ".md") and "golden" not in p.name)
SHAPES = {"80 columns": {"COLUMNS": "80"}, "200 columns": {"COLUMNS": "200"}, "piped": {}}
#: One input of each kind of layout, tried in every shape (the class is tried at 80 columns).
KINDS = [FIXTURES / f for f in (
    "certutil/revocation-offline/subordinate-ca-cdp-unreachable-four-level.txt",
    "certutil/partial-chain/missing-intermediate-aia-unreachable.txt",
    "events/xml/events-export.xml", "iis-logs/iis10-revocation-offline-burst.log",
    "stores/root-over-limit.txt", "evtx/capi2-synthetic-run.evtx")]
CASES = [(p, "80 columns") for p in INPUTS] + [
    (p, shape) for p in KINDS for shape in ("200 columns", "piped")]


@functools.cache
def _expected(path: Path) -> tuple[frozenset[str], frozenset[str], str]:
    """The URLs and the names (subjects, issuers) the report about `path` shows, and its
    summary line."""
    result = analyze_path(path)
    item = build(report([result])).inputs[0]
    groups = item.roots + item.others
    texts = [item.summary, *item.notes, *(m for g in groups for m in g.messages),
             *(g.why for g in groups), *(s.text for g in groups for s in g.fix),
             *(r.url for g in groups for r in g.references)]
    found_urls = {t[a:b] for t in texts for a, b in urls(t)}
    found_urls |= {c.target for ch in item.chains for e in ch.elements for c in e.checks
                   if c.target.startswith(("http", "ldap", "file"))}
    names = {v for v in item.keep if " " in v}
    return frozenset(found_urls), frozenset(names), item.summary


def _split(value: str, text: str, joiner: str) -> bool:
    """Whether `value` occurs in `text` only once its lines are joined (it was broken)."""
    whole = sum(line.count(value) for line in text.splitlines())
    joined = re.sub(r"[ \t]*\n[ \t]*(?:[│├└─|`-]+[ \t]*)*", joiner, text)
    return joined.count(value) > whole


@pytest.mark.parametrize(("path", "shape"), CASES,
                         ids=[f"{p.relative_to(FIXTURES)}-{s}" for p, s in CASES])
def test_nothing_copyable_split_rule_first_summary_last(path: Path, shape: str) -> None:
    ran = certtriage("analyze", str(path), env=SHAPES[shape])
    found_urls, names, summary = _expected(path)
    for url in found_urls:
        assert not _split(url, ran.out, ""), url
    for name in names:
        assert not _split(name, ran.out, " "), name
    lines = ran.lines
    width = int(SHAPES[shape].get("COLUMNS", "80"))
    assert lines[0].startswith("─── certtriage ") and len(lines[0]) == width
    assert lines[-1] == summary
    assert [n for n, line in enumerate(lines) if line != line.rstrip()] == []
    assert "\x1b" not in ran.out  # piped: no colour unless asked for


@pytest.mark.parametrize("width", [80, 200])
def test_lines_fit_unless_something_whole_needs_the_room(width: int) -> None:
    path = FIXTURES / "certutil/revocation-offline/subordinate-ca-cdp-unreachable-four-level.txt"
    ran = certtriage("analyze", str(path), env={"COLUMNS": str(width)})
    found_urls, names, _ = _expected(path)
    wide = [line for line in ran.lines[:-1] if len(line) > width]
    for line in wide:  # only a URL, a name, a path or a command that cannot be broken
        assert any(v in line for v in found_urls | names | {str(path)}) or "`" in line, line


def test_wrapped_prose_keeps_its_indent() -> None:
    path = FIXTURES / "certutil/revocation-offline/leaf-cdp-name-not-resolved.txt"
    lines = certtriage("analyze", str(path), env={"COLUMNS": "80"}).lines
    start = lines.index("   Fix:")
    steps = lines[start + 1:lines.index("   See:")]
    assert steps[0].startswith("     1. ")
    assert all(line.startswith(("     ", "        ")) for line in steps)
    assert all(re.match(r"     \d\. |        \S", line) for line in steps)


def test_several_inputs_end_with_one_summary_each() -> None:
    paths = [FIXTURES / "certutil/revocation-offline/leaf-cdp-name-not-resolved.txt",
             FIXTURES / "certutil/pass/three-element-client-auth-urlfetch.txt"]
    ran = certtriage("analyze", *map(str, paths))
    items = build(report([analyze_path(p) for p in paths])).inputs
    assert ran.lines[-2:] == [f"{p}: {i.summary}" for p, i in zip(paths, items)]
    assert ran.lines[-3].startswith("Overall: FAIL")


def test_brief_is_the_first_fix_and_the_summary() -> None:
    path = FIXTURES / "certutil/partial-chain/missing-intermediate-aia-unreachable.txt"
    ran = certtriage("analyze", "--brief", str(path))
    item = build(report([analyze_path(path)])).inputs[0]
    assert ran.lines[0].startswith("─── certtriage")
    assert ran.lines[1].startswith("Fix first: Install the issuing CA certificates")
    assert ran.lines[-1] == item.summary
    assert "missing issuer: CN=Contoso Partner Issuing CA, O=Contoso Ltd, C=US" in item.summary
    assert "failed: http://corppki/aia/Contoso%20Partner%20Issuing%20CA.crt" in item.summary
    assert len(ran.lines) < 8


@pytest.mark.parametrize(("fixture", "lead"), [
    ("tickets/substatus-only.txt", "Next: "),
    ("tickets/forbidden-without-substatus.txt", "Next: "),
    ("iis-freb/fr000017-untrusted-root.xml", "Fix first: "),
])
def test_brief_leads_with_a_fix_only_where_a_failure_is_shown(fixture: str, lead: str) -> None:
    """An input that decides nothing asks for evidence: its first step is what to collect."""
    ran = certtriage("analyze", "--brief", str(FIXTURES / fixture))
    assert ran.lines[1].startswith(lead)


def test_batch_ends_with_a_summary_per_case(tmp_path: Path) -> None:
    cases = []
    for name, fixture in (("a", "certutil/revoked/leaf-revoked-key-compromise.txt"),
                          ("b", "certutil/pass/ocsp-verified.txt")):
        case = tmp_path / name
        case.mkdir()
        (case / "verify.txt").write_bytes((FIXTURES / fixture).read_bytes())
        cases.append(str(case))
    ran = certtriage("batch", "-q", *cases)
    assert ran.lines[-2].startswith(f"{cases[0]}: FAIL  revoked at [0][0] ")
    assert ran.lines[-1].startswith(f"{cases[1]}: PASS  ")
    brief = certtriage("batch", "-q", "--brief", *cases)
    assert brief.lines[-2:] == ran.lines[-2:] and len(brief.lines) == 4


SUBORDINATE = FIXTURES / "certutil/revocation-offline/subordinate-ca-cdp-unreachable-four-level.txt"


@pytest.mark.parametrize(("env", "args", "coloured"), [
    ({}, [], False),
    ({}, ["--color", "always"], True),
    ({"FORCE_COLOR": "1"}, [], True),
    ({"FORCE_COLOR": "1"}, ["--color", "never"], False),
    ({"NO_COLOR": "1"}, ["--color", "always"], True),
    ({"TERM": "dumb", "FORCE_COLOR": "1"}, [], True),
])
def test_colour_follows_the_option_then_the_environment(env: dict[str, str], args: list[str],
                                                        coloured: bool) -> None:
    ran = certtriage("analyze", *args, str(SUBORDINATE), env=env)
    assert ("\x1b[" in ran.out) is coloured
    assert ANSI.sub("", ran.out) == certtriage("analyze", str(SUBORDINATE)).out


def test_the_failing_element_and_url_are_the_brightest() -> None:
    ran = certtriage("analyze", "--color", "always", str(SUBORDINATE))
    brightest = re.findall(r"\x1b\[1;91m(.*?)\x1b\[0m", ran.out)
    assert "[0][1] " in brightest and "CN=Litware Subordinate CA 3, DC=corp, DC=litwareinc, DC=com" in brightest
    failed = {u for u in brightest if u.startswith(("http", "ldap"))}
    verified = {line.split("Verified")[1].split()[0]
                for line in ANSI.sub("", ran.out).splitlines() if " Verified " in line}
    assert failed and not failed & verified  # a URL that worked is never drawn as failing
    allowed = ("[0][1] ", "CN=Litware Subordinate CA 3", "  <- root cause", "http", "ldap")
    assert all(b.startswith(allowed) for b in brightest), brightest
    assert "\x1b[2;1m" not in ran.out and "\x1b[1;2m" not in ran.out  # never bold and dim


def test_links_are_osc8_with_the_whole_url() -> None:
    ran = certtriage("analyze", "--color", "always", str(SUBORDINATE),
                     env={"FORCE_HYPERLINK": "1"})
    targets = re.findall(r"\x1b\]8;;([^\x1b]+)\x1b\\", ran.out)
    assert "http://pki.litwareinc.com/cdp/Litware%20Subordinate%20CA%203.crl" in targets or (
        targets and all(t.startswith(("http", "ldap", "file")) for t in targets))
    plain = certtriage("analyze", str(SUBORDINATE), env={"FORCE_HYPERLINK": "0"})
    assert "\x1b]8;;" not in plain.out


def test_rules_is_one_whole_line_per_rule_without_padding() -> None:
    from certtriage.engine import rulebook

    ran = certtriage("rules", env={"COLUMNS": "80"})
    book = rulebook()
    assert len(ran.lines) == len(book.rules)
    for line, rule in zip(ran.lines, book.rules):
        assert line.split()[:3] == [rule.code, rule.cause, rule.severity]
        assert line.endswith(rule.title) and line == line.rstrip()
    crl = [line for line in ran.lines if "crl" in line.lower()]
    assert crl and all(re.match(r"[A-Z]{3}\d{3}  ", line) for line in crl)


@pytest.mark.parametrize("query", ["0x80092013", "REV001", "36885", "CertCheckMode"])
def test_explain_and_rule_pages_have_no_trailing_spaces(query: str) -> None:
    for args in (["explain", query], ["rules", "REV001"]):
        ran = certtriage(*args, env={"COLUMNS": "80"})
        assert ran.code == 0 and ran.out
        assert [line for line in ran.lines if line != line.rstrip()] == []
