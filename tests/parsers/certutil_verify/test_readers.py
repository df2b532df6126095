"""Each line kind of the grammar has one reader in a run, bound when a line first needs it."""

from __future__ import annotations

import pytest

from certtriage.knowledge.l10n import certutil_l10n
from certtriage.parsers.certutil_verify.lines import tables
from certtriage.parsers.certutil_verify.run import Run
from certtriage.parsers.certutil_verify.services import Services
from certtriage.parsers.certutil_verify.state import Command
from certtriage.text.normalize import normalize


def _run() -> Run:
    command = Command(normalize(""), certutil_l10n())
    return Run(command, Services.of(command), "lead")


def test_every_line_kind_but_a_section_header_has_a_reader() -> None:
    known = tables()
    assert known is not None
    run = _run()
    kinds = set(known.priority) - {"SECTION_HEADER"}  # a section is read as a whole
    for kind in sorted(kinds):
        reader = run.handlers[kind]
        owner = reader.__self__  # type: ignore[attr-defined]
        assert reader.__func__ is getattr(type(owner), f"on_{kind.lower()}")  # type: ignore[attr-defined]
        assert run.handlers[kind] is reader  # bound once


def test_readers_are_bound_to_their_own_run() -> None:
    first, second = _run(), _run()
    assert first.handlers["FIELD"].__self__ is first.elements  # type: ignore[attr-defined]
    assert second.handlers["FIELD"].__self__ is second.elements  # type: ignore[attr-defined]
    assert "ELEMENT_STATUS" not in first.handlers  # not bound before a line needs it


def test_a_kind_without_a_reader_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        _run().handlers["NO_SUCH_KIND"]
