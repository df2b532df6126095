"""A piece of evidence read from its own lines (a Schannel message in a mail, a netsh block
or a trace in a post) is diagnosed with its own line numbers; its findings point at the
input's lines: every span of a finding about a piece lies inside that piece, on the line the
piece's own reading names, moved by where the piece stands in the post."""

from __future__ import annotations

import re

import pytest

from certtriage import analyze_text

from ...conftest import FIXTURES

_PIECE = re.compile(r"^lines? (\d+)(?:-(\d+))? \(([\w-]+)\)$")

#: Two pieces of evidence a post quotes, one after the other.
POSTS = {
    "event copy, trace": ("events/copy-details/schannel-36887-alert-46.txt",
                          "iis-freb/fr000017-untrusted-root.xml"),
    "36885 copy, trace": ("events/copy-details/schannel-36885-no-xml.txt",
                          "iis-freb/fr000021-revocation-offline.xml"),
    "netsh, trace": ("netsh/revocation-disabled.txt", "iis-freb/fr000009-expired.xml"),
    "registry, trace": ("registry/event-logging-1.txt",
                        "iis-freb/fr000004-no-client-certificate.xml"),
    "certutil, Schannel message": (
        "certutil/revocation-offline/subordinate-ca-cdp-unreachable-four-level.txt",
        "events/message-only/schannel-36877-offline.txt"),
}
#: Prose above the pieces: its length moves them down the post.
ABOVE = {"short": "Hi team,\n\n",
         "long": "Hi team,\n\n" + "".join(f"Line {i} of what we tried so far, no luck.\n"
                                        for i in range(9)) + "\nHere it is:\n\n"}


def _quoted(path: str) -> str:
    text = (FIXTURES / path).read_text()
    if text.startswith("<?xml"):  # a trace as copied from the browser: from its root on
        text = text[text.index("<failedRequest"):]
    return text.strip("\n")


def _spans(text: str) -> set[tuple[str, int, int]]:
    return {(f.rule, s.start, s.end) for f in analyze_text(text).findings for s in f.evidence}


@pytest.mark.parametrize("above", list(ABOVE))
@pytest.mark.parametrize("post", list(POSTS))
def test_a_finding_about_a_piece_points_at_the_posts_line(post: str, above: str) -> None:
    first_piece, second_piece = (_quoted(p) for p in POSTS[post])
    text = (ABOVE[above] + first_piece + "\n\nAnd this one:\n\n" + second_piece
            + "\n\nThanks,\nKim\n")
    lines = text.split("\n")
    checked = 0
    for finding in analyze_text(text).findings:
        match = _PIECE.match(finding.context or "")
        if match is None or match.group(3) == "mentions":
            continue
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        own = _spans("\n".join(lines[first - 1:last]) + "\n")
        for span in finding.evidence:
            assert first <= span.start <= span.end <= last, (finding.rule, span)
            assert lines[span.start - 1].strip()  # a line of the piece, never a blank one
            moved = (finding.rule, span.start - first + 1, span.end - first + 1)
            assert moved in own, (moved, own)
            checked += 1
    assert checked, "a piece was read, with evidence"
