"""A client key kept by a legacy CryptoAPI provider, named beside a failure to sign the
handshake, is why the key is unusable (TKT042), with the key storage provider as the fix: each
provider's name with each client's failure, in the shapes tickets bring them; the provider
named without a failure, or a failure without the provider, is not that."""

from __future__ import annotations

import html

import pytest

from certtriage import analyze_text

PROVIDERS = {
    "enhanced": "Provider = Microsoft Enhanced Cryptographic Provider v1.0",
    "strong": "provider name Microsoft Strong Cryptographic Provider",
    "base": "Key container provider: Microsoft Base Cryptographic Provider v1.0",
    "aes": "Provider = Microsoft Enhanced RSA and AES Cryptographic Provider",
    "openssl capi": "error:89070063:lib(137):CAPI_RSA_SIGN:cant create hash object:e_capi.c:858",
}
FAILURES = {
    "schannel": "InitializeSecurityContext failed: SEC_E_ALGORITHM_MISMATCH (0x80090331)",
    "firefox": "Firefox shows the error code SSL_ERROR_SIGN_HASHES_FAILURE",
    "chrome": "Edge shows ERR_SSL_CLIENT_AUTH_SIGNATURE_FAILED",
    "scheme": "SEC_E_ALGORITHM_MISMATCH: the key allows only rsa_pkcs1_sha1",
}
SHAPES = {
    "mail": lambda a, b: f"Hi,\n\nsince the move the login fails:\n\n{b}\n\nThe key:\n{a}\n\nBen\n",
    "quoted": lambda a, b: f"> {b}\n> {a}\n",
    "html": lambda a, b: f"<p>{html.escape(b)}</p><pre>{html.escape(a)}</pre>",
}


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("failure", list(FAILURES))
@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_a_legacy_providers_key_beside_a_failed_signature_is_why(provider: str, failure: str,
                                                                 shape: str) -> None:
    result = analyze_text(SHAPES[shape](PROVIDERS[provider], FAILURES[failure]), "<ticket>")
    assert result.root_causes == ("client-key-unusable",), result.findings
    root = next(f for f in result.findings if f.root_cause)
    assert root.rule == "TKT042"
    assert "Key Storage Provider" in root.remediation[0].text


@pytest.mark.parametrize("provider", list(PROVIDERS)[:4])
def test_the_provider_named_without_a_failure_to_sign_is_no_such_finding(provider: str) -> None:
    text = (f"The user's certificate, from certutil -user -store My:\n{PROVIDERS[provider]}\n"
            "Encryption test passed\nThe portal answers 403.16 since Monday.\n")
    assert "TKT042" not in {f.rule for f in analyze_text(text, "<ticket>").findings}


@pytest.mark.parametrize("failure", list(FAILURES))
def test_a_failure_to_sign_without_the_provider_is_no_such_finding(failure: str) -> None:
    result = analyze_text(f"Since Monday: {FAILURES[failure]}.\n", "<ticket>")
    assert "TKT042" not in {f.rule for f in result.findings}
