"""-scinfo: a card certificate whose key certutil could not open, in every wording of that
line certutil_l10n.toml knows, is a key the client cannot use (SCD003), unless another key
test of the same certificate succeeded."""

from __future__ import annotations

import functools

import pytest

from certtriage import analyze_text
from certtriage.knowledge.l10n import certutil_l10n

from ...conftest import FIXTURES

FIXTURE = FIXTURES / "certutil" / "scinfo" / "scinfo-key-not-opened.txt"
READER = "Fabrikam Token OTP+CCID 0"
_SUCCEEDED = ("Performing AT_KEYEXCHANGE public key matching test...\n"
              "Public key matching test succeeded\n"
              "Private key verifies\n")


@functools.cache
def _base() -> tuple[str, str]:
    """The fixture with its two key lines cut out, and the text they stood in."""
    text = FIXTURE.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines(keepends=True) if line.startswith("Cannot open")]
    return text, "".join(lines)


def _wordings() -> list[str]:
    """Every line the key-missing table starts with, completed as certutil prints it."""
    prefixes = [p for p, meaning in certutil_l10n().scinfo if meaning == "no_key"]
    return [p + ("AT_SIGNATURE key for reader" if p.endswith("the ") else "") for p in prefixes]


@pytest.mark.parametrize("wording", _wordings())
@pytest.mark.parametrize("tested", [False, True], ids=["no-key-test", "other-key-verified"])
def test_a_key_certutil_could_not_open_is_unusable(wording: str, tested: bool) -> None:
    text, old = _base()
    new = f"{wording}: {READER}\n" + (_SUCCEEDED if tested else "")
    result = analyze_text(text.replace(old, new))
    rules = {f.rule for f in result.findings}
    if tested:
        assert "SCD003" not in rules and result.verdict == "pass"
    else:
        assert "SCD003" in rules and result.root_causes == ("client-key-unusable",)


def test_without_the_key_lines_the_card_passes() -> None:
    text, old = _base()
    result = analyze_text(text.replace(old, ""))
    assert "SCD003" not in {f.rule for f in result.findings}


EMPTY = FIXTURES / "certutil" / "scinfo" / "scinfo-card-shows-no-certificate.txt"


@pytest.mark.parametrize("wording", _wordings())
def test_a_section_with_no_certificate_is_a_card_that_presents_none(wording: str) -> None:
    """No subject, a `(null)` container and keys that cannot be opened: the minidriver
    presents no certificate (SCD004), not a certificate whose key is missing (SCD003)."""
    text = EMPTY.read_text(encoding="utf-8")
    reader = "Woodgrove USB Token Reader 0"
    old = "".join(line for line in text.splitlines(keepends=True)
                  if line.startswith("Cannot open"))
    result = analyze_text(text.replace(old, f"{wording}: {reader}\n"))
    rules = {f.rule for f in result.findings}
    assert "SCD004" in rules and "SCD003" not in rules
    assert result.root_causes == ("smart-card-error",)
    with_subject = analyze_text(FIXTURE.read_text(encoding="utf-8"))
    assert "SCD004" not in {f.rule for f in with_subject.findings}
