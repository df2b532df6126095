"""A root Windows distrusts is reported untrusted, revoked and explicitly distrusted at once:
the distrust is the cause, the other two its symptoms (importing the root, or looking for a CRL
above it, would not help)."""

from __future__ import annotations

from certtriage import analyze_text

from ...conftest import FIXTURES

_WEAK = (FIXTURES / "events" / "xml" / "capi2-11-weak-signature.xml").read_text(encoding="utf-8")
_CLEAN = '<ErrorStatus value="0" />'
_ROOT_DISTRUSTED = ('<ErrorStatus value="4000024" CERT_TRUST_IS_REVOKED="true" '
                    'CERT_TRUST_IS_UNTRUSTED_ROOT="true" CERT_TRUST_IS_EXPLICIT_DISTRUST="true" />')


def _distrusted_root_event() -> str:
    """The fixture's chain, made clean but for its root, which Windows distrusts."""
    text = _WEAK.replace('<ErrorStatus value="100008" CERT_TRUST_IS_NOT_SIGNATURE_VALID="true" '
                         'CERT_TRUST_HAS_WEAK_SIGNATURE="true" />', _CLEAN)
    text = text.replace(_CLEAN, _ROOT_DISTRUSTED, 1)  # the chain's own status
    root = text.rindex(_CLEAN)
    return text[:root] + _ROOT_DISTRUSTED + text[root + len(_CLEAN):]


def test_the_distrust_of_a_root_is_the_cause_and_the_rest_its_symptoms() -> None:
    result = analyze_text(_distrusted_root_event(), "capi2.xml")
    assert result.root_causes == ("explicit-distrust",), result.findings
    symptoms = {f.rule: f for f in result.findings if f.explained_by}
    assert {"CHN001", "REV020"} <= set(symptoms), result.findings
    assert all(f.explained_by == ("CHN005",) for f in symptoms.values())
