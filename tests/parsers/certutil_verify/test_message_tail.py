"""A certutil tail pasted without the lines above it: `CertUtil: <message>` names the leaf's
error by Windows' text alone, before `-verify command completed successfully`. The message of
every code that names a cause is read as that code, in each way a tail is pasted; a message
whose code the output also prints is not counted twice."""

from __future__ import annotations

import itertools

import pytest

from certtriage import analyze_text
from certtriage.knowledge.codes import code_tables

CODES = ["0x80092013", "0x800b0109", "0x80092010", "0x800b0101", "0x800b010a"]
SHAPES = (
    "CertUtil: {m}\n\nCertUtil: -verify command completed successfully.\n",
    "> CertUtil: {m}\n>\n> CertUtil: -verify command completed successfully.\n",
    "```\nCertUtil: {m}\n\nCertUtil: -verify command completed successfully.\n```\n",
    "CertUtil: {m}\r\nCertUtil: -verify command completed successfully.\r\n",
)


@pytest.mark.parametrize(("code", "shape"), list(itertools.product(CODES, SHAPES)))
def test_a_tail_naming_an_error_by_its_message_names_its_cause(code: str, shape: str) -> None:
    known = code_tables().lookup(code)
    assert known is not None and known.cause is not None
    result = analyze_text(shape.format(m=known.message), "<tail>")
    assert result.kind == "certutil-verify"
    assert code in result.hresults
    assert known.cause in result.root_causes, (result.root_causes, shape)


def test_a_message_beside_its_own_code_is_one_error() -> None:
    text = ("ERROR: Verifying leaf certificate revocation status returned The revocation "
            "function was unable to check revocation because the revocation server was "
            "offline. 0x80092013 (-2146885613 CRYPT_E_REVOCATION_OFFLINE)\n"
            "CertUtil: The revocation function was unable to check revocation because the "
            "revocation server was offline.\n\nCertUtil: -verify command completed "
            "successfully.\n")
    result = analyze_text(text, "<tail>")
    assert result.root_causes == ("revocation-offline",)
    assert result.model is not None and not result.model.errors  # the ERROR line holds it


def test_a_message_of_no_known_code_names_nothing() -> None:
    result = analyze_text("CertUtil: The system cannot find the file specified.\n\n"
                          "CertUtil: -verify command completed successfully.\n", "<tail>")
    assert result.verdict == "inconclusive"
