"""When two identities are the same certificate, and when a server's windows are one incident."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest

from certtriage.case.match import common_name, describe, dn, same_certificate, same_window
from certtriage.models.common import Identity

ISSUER = "CN=Contoso Issuing CA 01, DC=corp, DC=contoso, DC=com"
SUBJECT = "CN=Ivy Nakamura, OU=Research, DC=corp, DC=contoso, DC=com"


def _cert(**keys: object) -> Identity:
    return Identity(kind="certificate", where="test", **keys)  # type: ignore[arg-type]


#: Every way an input may show a certificate: (keys shown, what is compared).
SHAPES: dict[str, dict[str, object]] = {
    "thumbprint": {"thumbprint": "67 8f 70 49 3d 96 5b 00 c7 b1 9c 09 ae f7 d7 71 fa 27 5b ab"},
    "serial+issuer": {"serial": "005600004b95", "issuer": ISSUER},
    "subject": {"subject": SUBJECT},
    "cn only": {"subject": "Ivy Nakamura"},
    "upn": {"names": ("Other Name:Principal Name=ivy@corp.contoso.com",)},
}
#: The same shapes for another certificate.
OTHER: dict[str, dict[str, object]] = {
    "thumbprint": {"thumbprint": "933a2ff9e2213f695fe641a4149e82ddd0b01a52"},
    "serial+issuer": {"serial": "2d000000c8ae", "issuer": ISSUER},
    "subject": {"subject": "CN=Marta Novak, OU=Sales, DC=corp, DC=contoso, DC=com"},
    "cn only": {"subject": "Marta Novak"},
    "upn": {"names": ("Other Name:Principal Name=marta@corp.contoso.com",)},
}


@pytest.mark.parametrize(("left", "right"), list(itertools.product(SHAPES, repeat=2)))
def test_each_shape_matches_itself_and_never_another_certificate(left: str, right: str) -> None:
    same = same_certificate(_cert(**SHAPES[left]), _cert(**SHAPES[right]))
    other = same_certificate(_cert(**SHAPES[left]), _cert(**OTHER[right]))
    assert other is not True
    comparable = left == right or {left, right} <= {"subject", "cn only"}
    assert same is (True if comparable else None)


def test_a_strong_key_settles_it_whatever_the_subjects_say() -> None:
    renewed = same_certificate(
        _cert(thumbprint="aa" * 20, subject=SUBJECT), _cert(thumbprint="bb" * 20, subject=SUBJECT))
    assert renewed is False
    reissued = same_certificate(_cert(serial="01", issuer=ISSUER, subject=SUBJECT),
                                _cert(serial="02", subject=SUBJECT))
    assert reissued is False


def test_keys_are_compared_as_printed_anywhere() -> None:
    spaced = _cert(serial="56 00 00 4b 95", issuer="CN=Contoso Issuing CA 01,DC=corp,DC=contoso,DC=com")
    plain = _cert(serial="5600004B95", issuer=ISSUER)
    assert same_certificate(spaced, plain) is True
    assert dn(" CN = A ,  O=B ") == "cn=a,o=b"
    assert common_name(SUBJECT) == "Ivy Nakamura" and common_name("Ivy Nakamura") == "Ivy Nakamura"


def test_server_windows_are_one_incident_only_on_one_server_at_one_time() -> None:
    start = datetime(2025, 11, 3, 2, 0)
    log = Identity(kind="server", where="403.13", time=start, until=start + timedelta(hours=1))
    event = Identity(kind="server", where="event 36877", server="IIS01.contoso.com",
                     time=start + timedelta(minutes=30))
    assert same_window(log, event)
    assert not same_window(event, event.model_copy(update={"server": "WEB02"}))
    assert same_window(event, event.model_copy(update={"server": "iis01"}))
    later = log.model_copy(update={"time": start + timedelta(days=2), "until": None})
    assert not same_window(log, later)
    assert same_window(log, log.model_copy(update={"time": None}))


def test_zoned_times_compare_with_naive_ones() -> None:
    from datetime import UTC
    zoned = _cert(not_after=datetime(2026, 1, 1, 12, 0, tzinfo=UTC))
    assert zoned.not_after == datetime(2026, 1, 1, 12, 0)


def test_what_a_report_calls_it() -> None:
    assert describe(_cert(subject=SUBJECT, thumbprint="ab" * 20)) == "Ivy Nakamura (thumbprint abababab...)"
    assert describe(Identity(kind="server", where="x", status="403.13", server="IIS01",
                             time=datetime(2025, 11, 3, 2, 0))) == "403.13 on IIS01 from 2025-11-03 02:00"
    assert describe(None) == "a certificate the input does not name"
