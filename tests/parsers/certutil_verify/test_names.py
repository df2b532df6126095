"""A certificate's name is attribute=value pairs in every language: a `Subject:` or `Issuer:`
line above certutil output that holds none (a mail's header, a sentence) names no
certificate."""

from __future__ import annotations

import pytest

from certtriage import analyze_text

TAIL = ("ERROR: Verifying leaf certificate revocation status returned The revocation function "
        "was unable to check revocation because the revocation server was offline. 0x80092013 "
        "(-2146885613 CRYPT_E_REVOCATION_OFFLINE)\n"
        "CertUtil: -verify command completed successfully.\n")


@pytest.mark.parametrize("header", [
    "Subject: RE: client certificate login broken on WEB01",
    "Subject: AW: Zertifikatsanmeldung",
    "Issuer: our PKI team",
    "Subject: [EXTERNAL] 403.13 since Monday",
])
def test_a_header_that_holds_no_name_names_no_certificate(header: str) -> None:
    result = analyze_text(f"{header}\n\n{TAIL}")
    assert result.root_causes == ("revocation-offline",)
    names = [e.subject for e in result.model.elements] + [e.issuer for e in result.model.elements]
    assert not any(n and header.split(": ", 1)[1] in n for n in names)


@pytest.mark.parametrize("line", ["  Subject: CN=Avery Lee, OU=Staff, DC=contoso, DC=com",
                                  "  Subject: EMPTY (CN=)",
                                  "  Issuer: CN=Contoso Issuing CA 2, DC=contoso, DC=com"])
def test_a_name_line_still_names_the_certificate(line: str) -> None:
    result = analyze_text(f"{line}\n{TAIL}")
    value = line.split(": ", 1)[1]
    assert any(value in (e.subject or "", e.issuer or "") for e in result.model.elements)
