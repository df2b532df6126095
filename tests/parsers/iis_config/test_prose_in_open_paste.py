"""The post's own sentences after a configuration pasted short are read as prose.

A paste of applicationHost.config or web.config often stops before its elements close; the
sentences that follow then stand inside an open element. IIS configuration elements hold no
text, so such text is the post's: it is kept as lines of prose, where a 403.x or a code it
names is read like any other sentence. Every configuration fixture is cut at three places
and followed by such a sentence.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from certtriage import analyze_text

from ...conftest import FIXTURES

CONFIGS = sorted(p for p in (FIXTURES / "iis-config").iterdir()
                 if p.suffix in (".config", ".xml"))
SENTENCE = "Since this change every user gets HTTP Error 403.16 - Forbidden."


def _cut(lines: list[str], share: float) -> str | None:
    """The lines up to the last tag's end at or before `share` of them (a paste stops between
    elements, not inside a tag's attributes); None when no tag ends there."""
    end = max(1, int(len(lines) * share))
    while end > 0 and not lines[end - 1].rstrip().endswith(">"):
        end -= 1
    return "\n".join(lines[:end]) if end else None


@pytest.mark.parametrize("share", [0.3, 0.5, 0.8])
@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_a_sentence_after_a_short_paste_is_read(path: Path, share: float) -> None:
    cut = _cut(path.read_text(encoding="utf-8").split("\n"), share)
    if cut is None or analyze_text(cut, path.name).kind != "iis-config":
        pytest.skip("cut before any IIS section ends")
    result = analyze_text(f"{cut}\n\n{SENTENCE}\n", path.name)
    assert result.kind == "iis-config"
    named = [f for f in result.findings if f.rule == "TKT003"]
    assert named and "403.16" in named[0].message
