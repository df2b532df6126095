"""`netsh http add sslcert` / `update sslcert` commands in a ticket set a binding: the settings
they name are read as `show sslcert` would print them, in every shape a ticket carries a
command (one line, wrapped over continuation lines, behind a prompt, quoted values, in prose, in
a code fence, two commands); settings the command leaves out stay unknown."""

from __future__ import annotations

import pytest

from certtriage import analyze_text
from certtriage.parsers.netsh_sslcert import sniff
from certtriage.parsers.netsh_sslcert.parser import parse

_HASH = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c"
_APP = "{4dc3e181-e14b-4a21-b022-59fc669b0914}"
_SETTINGS = ("verifyclientcertrevocation=disable sslctlstorename=ClientAuthIssuers "
             "clientcertnegotiation=enable urlretrievaltimeout=2000")
_ONE = f"netsh http add sslcert ipport=0.0.0.0:443 certhash={_HASH} appid={_APP} {_SETTINGS}"

SHAPES = {
    "one line": _ONE,
    "wrapped": (f"netsh http add sslcert ipport=0.0.0.0:443\n  certhash={_HASH} appid='{_APP}'\n"
                f"  {_SETTINGS}"),
    "caret continued": (f"netsh http add sslcert ipport=0.0.0.0:443 certhash={_HASH} ^\n"
                        f"  appid={_APP} {_SETTINGS}"),
    "prompt": f"PS C:\\Windows\\system32> {_ONE}",
    "quoted values": _ONE.replace(f"appid={_APP}", f'appid="{_APP}"'),
    "in prose": ("We rebound the certificate and switched revocation checking off for now:\n"
                 f"{_ONE}\nSince then the 403.13 errors are gone."),
    "fenced": f"```\n{_ONE}\n```",
    "update": _ONE.replace(" add ", " update "),
    "after a delete": f"netsh http delete sslcert ipport=0.0.0.0:443\n{_ONE}",
    "inline code": f"`{_ONE}`",
    "inline code in prose": f"I ran `{_ONE}` as admin.",
    # the command closing a sentence's parenthesis, its full stop after the last value
    "in a parenthesis": f"We rebound it (the old binding had no issuer store:\n{_ONE}).",
    "ending a sentence": f"The binding was set with {_ONE}.",
}


def test_a_short_timeout_counts_when_the_command_leaves_checking_on() -> None:
    text = _ONE.replace("verifyclientcertrevocation=disable", "verifyclientcertrevocation=enable")
    assert "HTP015" in {f.rule for f in analyze_text(text + "\n").findings}


@pytest.mark.parametrize("shape", SHAPES)
def test_a_command_sets_the_binding_it_names(shape: str) -> None:
    text = SHAPES[shape] + "\n"

    assert sniff(text)
    (binding,) = parse(text).bindings
    assert binding.command and (binding.kind, binding.endpoint) == ("ip_port", "0.0.0.0:443")
    assert (binding.certificate_hash, binding.application_id) == (_HASH, _APP)
    assert (binding.verify_revocation, binding.ctl_store_name, binding.url_retrieval_timeout,
            binding.negotiate_client_certificate) == (False, "ClientAuthIssuers", 2000, True)
    assert binding.usage_check is None and binding.cached_only is None  # not named: unknown

    rules = {f.rule for f in analyze_text(text).findings}
    assert {"HTP010", "HTP012"} <= rules, rules  # the short timeout counts only when checking


def test_two_commands_are_two_bindings() -> None:
    text = (f"netsh http add sslcert hostnameport=portal.contoso.com:443 certhash={_HASH} "
            f"appid={_APP} certstorename=MY\n{_ONE}\n")
    bindings = parse(text).bindings
    assert [(b.kind, b.endpoint, b.store_name) for b in bindings] == [
        ("hostname_port", "portal.contoso.com:443", "MY"), ("ip_port", "0.0.0.0:443", None)]


@pytest.mark.parametrize("text", [
    "Run netsh http add sslcert with the right certhash and appid.\n",
    "netsh http show sslcert\n",
    "netsh http delete sslcert ipport=0.0.0.0:443\n",
])
def test_a_command_without_its_binding_is_no_binding(text: str) -> None:
    assert not sniff(text)


def test_a_value_netsh_would_refuse_is_reported_not_read() -> None:
    log = parse(_ONE.replace("verifyclientcertrevocation=disable",
                             "verifyclientcertrevocation=off") + "\n")
    assert log.bindings[0].verify_revocation is None
    assert [u.reason for u in log.unparsed] == ["value of verifyclientcertrevocation not understood"]
