"""A certificate whose key was loaded for the process only, named beside a TLS failure, is why
Schannel finds no key (TKT043): each way a program loads such a key, beside each way the
failure shows, in the shapes tickets bring them; the loading named alone, or a TLS failure
alone, is not that."""

from __future__ import annotations

import html

import pytest

from certtriage import analyze_text

LOADED = {
    "flag": ("var cert = new X509Certificate2(pfx, password, "
             "X509KeyStorageFlags.EphemeralKeySet);"),
    "pem": 'var cert = X509Certificate2.CreateFromPemFile("client.crt", "client.key");',
    "native": "PFXImportCertStore(&blob, L\"\", PKCS12_NO_PERSIST_KEY);",
}
FAILED = {
    "no credentials": ("System.ComponentModel.Win32Exception (0x8009030E): No credentials "
                       "are available in the security package"),
    "authentication": ("System.Security.Authentication.AuthenticationException: "
                       "Authentication failed, see inner exception."),
    "event log": "The Schannel event in the System log says there is no private key.",
    "sslstream": "SslStream.AuthenticateAsClient throws for the backend call.",
}
SHAPES = {
    "mail": lambda a, b: f"Hi,\n\nwe load the certificate with\n\n    {a}\n\nand get\n\n{b}\n",
    "quoted": lambda a, b: f"> {a}\n> {b}\n",
    "html": lambda a, b: f"<pre>{html.escape(a)}</pre><p>{html.escape(b)}</p>",
}


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("failed", list(FAILED))
@pytest.mark.parametrize("loaded", list(LOADED))
def test_a_key_for_the_process_only_beside_a_tls_failure_is_why(loaded: str, failed: str,
                                                                 shape: str) -> None:
    result = analyze_text(SHAPES[shape](LOADED[loaded], FAILED[failed]), "<ticket>")
    assert result.root_causes == ("ephemeral-private-key",), result.findings
    root = next(f for f in result.findings if f.root_cause)
    assert root.rule == "TKT043" and "Pkcs12" in root.remediation[0].text


@pytest.mark.parametrize("loaded", list(LOADED))
def test_the_loading_named_without_a_tls_failure_is_no_evidence(loaded: str) -> None:
    text = f"Our signing tool loads the key with\n\n    {LOADED[loaded]}\n\nIt works.\n"
    assert analyze_text(text, "<ticket>").status == "unrecognized"


def test_a_tls_failure_without_such_a_key_is_not_that() -> None:
    result = analyze_text(FAILED["no credentials"] + "\n", "<ticket>")
    assert "TKT043" not in {f.rule for f in result.findings}
