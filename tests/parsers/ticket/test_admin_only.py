"""A client certificate that works for an administrator only (TKT036: its private key is not
readable by the account), told in each language and paste shape a ticket brings it in, beside
a client certificate or a failed secure channel; and texts that only look alike."""

from __future__ import annotations

import html

import pytest

from certtriage import analyze_text

FAILED = "Invoke-WebRequest : The request was aborted: Could not create SSL/TLS secure channel."
#: How tickets say it works only for an administrator.
SAID = {
    "en, run as": "It works when I run PowerShell as administrator, not as a normal user.",
    "en, elevated": "From an elevated prompt the call succeeds; as the service account it fails.",
    "en, mode": "The handshake fails unless running the app in Administrator mode.",
    "de": "Als Administrator ausgeführt klappt es, als normaler Benutzer nicht.",
    "fr": "Lancé en tant qu'administrateur cela fonctionne, en utilisateur standard non.",
    "es": "Ejecutado como administrador funciona, con un usuario normal no.",
    "ru": "От имени администратора всё работает, от обычного пользователя нет.",
    "ja": "管理者として実行すると成功し、一般ユーザーでは失敗します。",
}
SHAPES = {
    "mail": lambda said, failed: f"Hi,\n\n{said}\n\n{failed}\n\nThanks\n",
    "quoted": lambda said, failed: f"> {said}\n> {failed}\n",
    "html": lambda said, failed: f"<p>{html.escape(said)}</p><pre>{html.escape(failed)}</pre>",
    "certificate named": lambda said, _: (f"Our client certificate is in LocalMachine\\My.\n"
                                          f"{said}\n"),
}


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("language", list(SAID))
def test_a_client_that_works_only_as_administrator_cannot_read_its_key(language: str,
                                                                       shape: str) -> None:
    result = analyze_text(SHAPES[shape](SAID[language], FAILED), "<ticket>")
    assert result.root_causes == ("private-key-inaccessible",), result.warnings
    assert [f.rule for f in result.findings if f.root_cause] == ["TKT036"]


@pytest.mark.parametrize("text", [
    "Run the installer as administrator, then import the root CA.\n",  # no client failure
    # an instruction to run a tool as an administrator, in a how-to about client certificates
    "Export the SCCM client certificate. Open a command prompt with elevated rights and type:\n"
    "certutil -verify -urlfetch client.cer\nIt fails with 0x80092013.\n",
    "In IIS, run mmc.exe as administrator and add the Certificates snap-in for the client "
    "certificate; then check for 0x80092013.\n",
    "We see elevated error rates since the client certificate change.\nThanks\n",
])
def test_what_only_looks_alike_names_no_key_access(text: str) -> None:
    result = analyze_text(text, "<ticket>")
    assert "TKT036" not in {f.rule for f in result.findings}
