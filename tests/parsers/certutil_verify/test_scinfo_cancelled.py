"""A PIN prompt cancelled during `certutil -scinfo` is no fault of the card.

-scinfo asks for the card's PIN for its key tests; pressing Esc makes the test print `test
FAILED: The action was cancelled by the user. 0x8010006e (... SCARD_W_CANCELLED_BY_USER)`
while the card, the reader and the chain checks go on. Every -scinfo fixture with a key test
is given that line after its matching test: its diagnosis stays its own, and no smart-card
error is named.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from certtriage import analyze_text

from ...conftest import FIXTURES

CANCELLED = ("AES256+RSAES_OAEP(RSA:CNG) test FAILED: The action was cancelled by the user. "
             "0x8010006e (-2146434962 SCARD_W_CANCELLED_BY_USER)")
WITH_KEY_TEST = sorted(p for p in (FIXTURES / "certutil" / "scinfo").glob("*.txt")
                       if "matching test succeeded" in p.read_text(encoding="utf-8"))


def test_the_class_is_there() -> None:
    assert len(WITH_KEY_TEST) >= 3


@pytest.mark.parametrize("path", WITH_KEY_TEST, ids=lambda p: p.stem)
def test_a_cancelled_pin_prompt_changes_no_diagnosis(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    alone = analyze_text(text, path.name)
    cancelled = analyze_text(text.replace("matching test succeeded\n",
                                          f"matching test succeeded\n{CANCELLED}\n"), path.name)
    assert cancelled.verdict == alone.verdict
    assert set(cancelled.root_causes) == set(alone.root_causes)
    assert cancelled.iis_substatus == alone.iis_substatus
    assert "smart-card-error" not in {f.cause for f in cancelled.findings}
