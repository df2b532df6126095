"""The pieces that stop a run on a signal, one by one (the whole is in tests/cli/test_signals)."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from certtriage._signals import Interrupted, handled, stop_on_signals


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _pid() -> int:
    return os.getpid()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_raises_once_and_the_handlers_come_back(signum: int) -> None:
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    hook = sys.unraisablehook
    with stop_on_signals():
        with pytest.raises(Interrupted) as stopped:
            os.kill(os.getpid(), signum)
            time.sleep(5)  # the handler runs before this ends
        assert stopped.value.exit_code == 128 + signum
        handled()
        os.kill(os.getpid(), signum)  # in hand: ignored while the run stops
        time.sleep(0.1)
    assert {s: signal.getsignal(s) for s in before} == before
    assert sys.unraisablehook is hook


def test_an_interrupt_python_had_to_drop_is_raised_again() -> None:
    class Finalized:
        def __del__(self) -> None:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.5)  # the handler raises here, inside __del__: Python drops it

    with stop_on_signals(), pytest.raises(Interrupted):
        Finalized()
        time.sleep(5)  # raised again by the watchdog within about a second
