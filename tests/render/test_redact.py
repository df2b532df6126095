"""--redact: names from the input become pseudonyms in every output format."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from certtriage.cli import app

from ..conftest import FIXTURES

runner = CliRunner()
CASES = {
    "certutil/revocation-offline/leaf-cdp-name-not-resolved.txt":
        ["Noah Castillo", "noah.castillo", "pki.corp.contoso.com", "Contoso Issuing CA 01",
         "Contoso%20Issuing%20CA%2001", "Contoso User Authentication"],
    "events/copy-details/schannel-36885.txt": ["IIS01.contoso.com"],
}


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "html", "csv", "jsonl"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_names_do_not_survive_redaction(name: str, fmt: str) -> None:
    path = str(FIXTURES / name)
    plain = runner.invoke(app, ["analyze", "-f", fmt, path]).stdout
    redacted = runner.invoke(app, ["analyze", "--redact", "-f", fmt, path]).stdout
    for secret in CASES[name]:
        if secret in plain:
            assert secret not in redacted, secret
    assert redacted != plain
    if fmt == "json":
        assert json.loads(redacted)["verdict"] == json.loads(plain)["verdict"]


def test_pseudonyms_are_stable_and_words_are_not_cut() -> None:
    path = str(FIXTURES / "certutil/revocation-offline/leaf-cdp-name-not-resolved.txt")
    out = runner.invoke(app, ["analyze", "--redact", path]).stdout
    assert "completed successfully" in " ".join(out.split())  # "com" of DC=com is not a name
    assert out.count("host-1") >= 2  # the same CDP host everywhere it appears
