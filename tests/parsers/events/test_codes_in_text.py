"""Only error codes in an event's text count as its codes.

An Application Error record says `Faulting application name: w3wp.exe, version: 10.0.17763.1,
time stamp: 0x5f7c1e2a`: eight hex digits that are no error code. Read as codes, they put the
record among the certificate events. Codes of failure (0x8... to 0xF...) and Win32 errors
written in eight digits (0x0000...) count; other hex values do not.
"""

from __future__ import annotations

import pytest

from certtriage import analyze_text

RECORD = ("TimeCreated      : 3/22/2022 1:12:54 PM\nId               : {id}\n"
          "ProviderName     : {provider}\nLevelDisplayName : Error\n"
          "MachineName      : APP01.contoso.com\nMessage          : {message}\n")
APPLICATION_ERROR = ("Faulting application name: w3wp.exe, version: 10.0.17763.1, time stamp: "
                     "0x5f7c1e2a Faulting module name: KERNELBASE.dll, version: 10.0.17763.2565, "
                     "time stamp: 0x2bd748bf Fault offset: 0x0012a2b3")


def _events(provider: str, event_id: int, message: str) -> list[dict[str, object]]:
    return list(analyze_text(RECORD.format(provider=provider, id=event_id, message=message),
                             "x").events)


def test_hex_values_that_are_no_codes_make_no_certificate_event() -> None:
    events = _events("Application Error", 1000, APPLICATION_ERROR)
    assert events == [] or all(not e["codes"] for e in events)


@pytest.mark.parametrize(("text", "code"), [
    ("The chain ended in an untrusted root 0x800b0109.", "0x800b0109"),
    ("Status 0xC0000022 was returned.", "0xc0000022"),
    ("Error 0x00000005 (access denied).", "0x00000005"),
])
def test_error_codes_still_count(text: str, code: str) -> None:
    events = analyze_text(RECORD.format(provider="Application Error", id=1000, message=text),
                          "x").model.events  # type: ignore[union-attr]
    assert code in events[0].codes
