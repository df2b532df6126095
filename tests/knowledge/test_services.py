"""A text about another service than IIS (LDAPS, a VPN, RADIUS, smart card logon ...) gets no
403 sub-status: those are what IIS answers a client with.

Every way the service table shows a name written (`examples`, each pattern has one) is tried
in every shape a paste brings prose in, around each kind of evidence that gives a sub-status;
with IIS named anywhere beside it, the sub-statuses stand.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pydantic import ValidationError

from certtriage import analyze_text
from certtriage.knowledge.services import Service, service_named, service_table, validate
from certtriage.models.findings import InputResult

from ..conftest import FIXTURES

SERVICES = service_table().services


#: Evidence that gives a sub-status on its own, one of each kind of input.
BASES: dict[str, str] = {
    "certutil": (FIXTURES / "certutil" / "revocation-offline"
                 / "subordinate-ca-cdp-unreachable-four-level.txt").read_text("utf-8"),
    "events": (FIXTURES / "events" / "message-only" / "schannel-36877-offline.txt"
               ).read_text("utf-8"),
    "ca-list": (FIXTURES / "events" / "copy-details" / "schannel-36885.txt").read_text("utf-8"),
    "ticket": "Since Monday the check fails with 0x800B0109 (CERT_E_UNTRUSTEDROOT).\n",
}

#: Where prose stands around the evidence, as tickets and posts put it.
SHAPES: dict[str, Callable[[str, str], str]] = {
    "heading": lambda base, said: f"{said} logons fail\n\n{base}",
    "sentence after": lambda base, said: f"{base}\n\nThis is what we see on the {said} side.\n",
    # a name right next to Chinese text, no space between (the words are "logging on with it
    # fails")
    "chinese prose": lambda base, said: f"用户通过{said}登录时失败。\n\n{base}",
    "quoted mail": lambda base, said: (f"Hi,\n\nusers of {said} cannot log on.\n\n"
                                       + "".join(f"> {line}\n" for line in base.splitlines())
                                       + "\nRegards\n"),
}

CASES = [pytest.param(service, example, id=f"{service.id}-{example}")
         for service in SERVICES for example in service.examples]
CLIENT = service_table().client
#: The bases that are no server's log: beside them, a client's own line makes the text a
#: client's.
NOT_LOGS = ("certutil", "ticket")


@pytest.mark.parametrize("base", list(BASES))
def test_each_base_gives_a_sub_status_on_its_own(base: str) -> None:
    assert analyze_text(BASES[base]).iis_substatus


def _told(plain: InputResult, said: InputResult, service: Service) -> None:
    """`said` gives no sub-status where `plain` did; each of its findings by a rule that gave
    one in `plain` says which service the text is about instead. Its causes are `plain`'s
    (and what a client's line names itself: .NET's trust failure)."""
    assert set(plain.root_causes) <= set(said.root_causes)
    assert said.iis_substatus == ()
    assert not any(f.iis_substatus for f in said.findings)
    gave = {f.rule for f in plain.findings if f.iis_substatus}
    told = [f for f in said.findings if f.rule in gave]
    assert all(service.name in f.message and "not IIS" in f.message for f in told)


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("base", list(BASES))
@pytest.mark.parametrize(("service", "example"), CASES)
def test_a_text_about_another_service_gets_no_sub_status(service: Service, example: str,
                                                          base: str, shape: str) -> None:
    plain = analyze_text(BASES[base])
    said = analyze_text(SHAPES[shape](BASES[base], example))
    if service.client and base not in NOT_LOGS:  # beside a server's log, a server checked
        assert said.iis_substatus == plain.iis_substatus
        return
    _told(plain, said, service)
    assert said.root_causes == plain.root_causes
    assert any(service.name in f.message for f in said.findings)


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("base", list(BASES))
@pytest.mark.parametrize("example", CLIENT.examples)
def test_a_clients_own_line_makes_a_text_the_clients_unless_a_server_logged(
        example: str, base: str, shape: str) -> None:
    """curl's, git's or .NET's line about the server's certificate: the text is a client's,
    and no 403 follows; beside a server's log, a server checked a certificate (IIS or not)."""
    plain = analyze_text(BASES[base])
    said = analyze_text(SHAPES[shape](BASES[base], example))
    if base in NOT_LOGS:  # curl's line names the client program as well: either is told
        named = service_named([(1, example)])
        assert named is not None and named.service in (CLIENT, *SERVICES)
        _told(plain, said, named.service)
    else:
        assert said.iis_substatus == plain.iis_substatus


@pytest.mark.parametrize("iis", service_table().iis_examples)
@pytest.mark.parametrize(("service", "example"), CASES[::3])
def test_iis_named_beside_another_service_keeps_the_sub_status(service: Service, example: str,
                                                              iis: str) -> None:
    base = BASES["certutil"]
    text = SHAPES["heading"](base, example) + f"\nThe site runs on {iis} as before.\n"
    assert analyze_text(text).iis_substatus == analyze_text(base).iis_substatus


@pytest.mark.parametrize(("old", "new"), [
    # a certificate's name, not the text's service
    ("CN=Grace Okonkwo, OU=Users", "CN=VPN Users, OU=RADIUS"),
    # a host in a URL (acronyms are matched in capitals only)
    ("http://crl.litwareinc.com/pki/Litware%20Subordinate%20CA%203.crl",
     "http://nps.litwareinc.com/pki/Litware%20Subordinate%20CA%203.crl"),
])
def test_a_name_inside_the_evidence_is_no_service(old: str, new: str) -> None:
    base = BASES["certutil"]
    assert old in base
    changed = analyze_text(base.replace(old, new))
    assert changed.iis_substatus == analyze_text(base).iis_substatus
    assert not any("not IIS" in f.message for f in changed.findings)


def test_a_name_without_an_example_of_how_it_is_written_is_refused() -> None:
    import tomllib
    from importlib import resources

    path = resources.files("certtriage.knowledge") / "data" / "services.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert validate(data) == service_table()
    data["service"][0]["names"].append(r"\bNOT-SHOWN\b")
    with pytest.raises(ValidationError, match="no example shows"):
        validate(data)


@pytest.mark.parametrize("line", [
    "curl --cert client.pem --key client.key https://portal.contoso.com/ gets the same answer",
    "With curl -E client.pem https://portal.contoso.com/ it is the same.",
])
def test_curl_sending_a_certificate_of_its_own_is_a_client_of_a_checking_server(
        line: str) -> None:
    """curl with `--cert` is the client whose certificate a server checks, not a client
    checking a server's: the text stays one a server's sub-status may follow from."""
    base = BASES["certutil"]
    assert analyze_text(f"{line}\n\n{base}").iis_substatus == analyze_text(base).iis_substatus


@pytest.mark.parametrize(("text", "elsewhere"), [
    ("Azure App Service answers Error 403: Forbidden: Client Certificate Required.\n", True),
    ("Our nginx answers 403 Forbidden to the partner's client certificate.\n", True),
    ("IIS answers 403 Forbidden to the partner's client certificate.\n", False),
    ("The portal answers 403 Forbidden to the partner's client certificate.\n", False),
])
def test_steps_to_collect_say_where_they_apply_when_the_server_is_not_iis(
        text: str, elsewhere: bool) -> None:
    result = analyze_text(text)
    assert result.verdict == "inconclusive" and result.next_steps
    said = [w for w in result.warnings if "the steps to collect below are written for IIS" in w]
    assert bool(said) == elsewhere, result.warnings


#: Schannel's message of an event only a TLS client logs (36876: the server's certificate did
#: not validate), and one only a server logs (36877: the client's did not).
_CLIENT_EVENT = ("The certificate received from the remote server has not validated correctly. "
                 "The error code is 0x80092013. The TLS connection request has failed. The "
                 "attached data contains the server certificate.")
_SERVER_EVENT = ("The certificate received from the remote client application has not "
                 "validated correctly. The error code is 0x80092013. The attached data contains "
                 "the client certificate.")


#: 36875: the client had no certificate to send, its own: IIS answers it with 403.7.
_CLIENT_OWN_EVENT = ("The remote server has requested TLS client authentication, but no "
                     "suitable client certificate could be found. An anonymous connection will "
                     "be attempted. This TLS connection request may succeed or fail, depending "
                     "on the server's policy settings.")


@pytest.mark.parametrize(("event", "iis"), [(_CLIENT_EVENT, False), (_SERVER_EVENT, True),
                                            (_CLIENT_OWN_EVENT, True)])
def test_a_clients_schannel_event_beside_a_paste_makes_it_the_clients_check(event: str,
                                                                            iis: bool) -> None:
    """certutil's output of a server's certificate with the client's 36876 beside it is the
    client's check: no 403. With the server's 36877 it is IIS's."""
    paste = (FIXTURES / "certutil" / "revocation-offline"
             / "subordinate-ca-cdp-unreachable-four-level.txt").read_text(encoding="utf-8")
    result = analyze_text(f"The System log shows:\n\n{event}\n\nand certutil says:\n\n{paste}")
    assert result.kind == "certutil-verify"
    assert bool(result.iis_substatus) == iis, result.iis_substatus
