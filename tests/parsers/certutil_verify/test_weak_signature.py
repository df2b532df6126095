"""A weak signature is the cause of the signature failure it comes with.

Windows marks a signature whose hash its weak-crypto policy refuses with
CERT_TRUST_HAS_WEAK_SIGNATURE (0x100000), and usually as not verifying
(CERT_TRUST_IS_NOT_SIGNATURE_VALID, 0x8) too. The fix is a reissue with a strong hash, not a
new copy of a "corrupt" certificate: the weak signature is the root cause, the failed
signature its symptom. The certutil fixture of a bad signature is given the weak flag in each
place certutil prints it; a CAPI2 fixture has it too.
"""

from __future__ import annotations

import pytest

from certtriage import analyze_path, analyze_text

from ...conftest import FIXTURES

BAD = FIXTURES / "certutil" / "signature-invalid" / "leaf-bad-signature.txt"
WEAK = "CERT_TRUST_HAS_WEAK_SIGNATURE (0x100000)"


def _weak(text: str, where: str) -> str:
    if where == "element":
        return text.replace("CertContext[0][0]: dwInfoStatus=102 dwErrorStatus=8",
                            "CertContext[0][0]: dwInfoStatus=102 dwErrorStatus=100008").replace(
            "  Element.dwErrorStatus = CERT_TRUST_IS_NOT_SIGNATURE_VALID (0x8)\n",
            "  Element.dwErrorStatus = CERT_TRUST_IS_NOT_SIGNATURE_VALID (0x8)\n"
            f"  Element.dwErrorStatus = {WEAK}\n")
    return text.replace(
        "ChainContext.dwErrorStatus = CERT_TRUST_IS_NOT_SIGNATURE_VALID (0x8)\n",
        "ChainContext.dwErrorStatus = CERT_TRUST_IS_NOT_SIGNATURE_VALID (0x8)\n"
        f"ChainContext.dwErrorStatus = {WEAK}\n")


@pytest.mark.parametrize("where", ["element", "chain"])
def test_the_weak_signature_is_the_root_cause(where: str) -> None:
    text = BAD.read_text(encoding="utf-8")
    given = _weak(text, where)
    assert given != text
    result = analyze_text(given, BAD.name)
    assert result.verdict == "fail"
    assert result.root_causes == ("weak-signature",)
    assert "403.16" in result.iis_substatus
    symptoms = {f.cause for f in result.findings if not f.root_cause}
    assert "signature-invalid" in symptoms


def test_a_signature_that_only_fails_stays_signature_invalid() -> None:
    assert analyze_path(BAD).root_causes == ("signature-invalid",)


def test_a_capi2_chain_with_a_weak_signature() -> None:
    result = analyze_path(FIXTURES / "events" / "xml" / "capi2-11-weak-signature.xml")
    assert result.root_causes == ("weak-signature",)
    assert result.failing_element == 0
