"""The friendly view of CAPI2 event 53 from newer Windows builds carries the network's state
(`AdditionalInfo` / `NetworkConnectivityStatus`) before the failed action: the event reads as
it does without it, the retrieval's action, error and result kept in their place."""

from __future__ import annotations

import pytest

from certtriage import analyze_text

from ...conftest import FIXTURES

EVENT = FIXTURES / "events" / "friendly-view" / "capi2-53-crl-unreachable.txt"
BLOCK = ["  - AdditionalInfo ", "", "  - NetworkConnectivityStatus ", "",
         "   [ value]  1 ", "   [ _SENSAPI_NETWORK_ALIVE_LAN]  true ", ""]


@pytest.mark.parametrize("before", ["Flags", "EventAuxInfo", "Error", "Result"])
def test_the_network_state_block_leaves_the_retrieval_whole(before: str) -> None:
    lines = EVENT.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip().startswith(f"- {before}")
              or line.strip().startswith(f"{before} "))
    alone = analyze_text("\n".join(lines))
    with_block = analyze_text("\n".join([*lines[:at], *BLOCK, *lines[at:]]))
    assert alone.root_causes and with_block.root_causes == alone.root_causes
    assert with_block.verdict == alone.verdict
