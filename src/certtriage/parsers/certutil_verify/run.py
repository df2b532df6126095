"""Runs: one output may verify several certificates, each with its own chain blocks.

-scinfo verifies each certificate of a card (`==== Certificate 0 ====`), -dcinfo each KDC
certificate of each domain controller (`Certificate 0:`), and a paste may hold two -verify
runs back to back. A :class:`Run` holds the units that read one chain (identity, chain summary,
elements, hashes, retrievals, verdicts) and what -scinfo / -dcinfo said about its certificate;
:class:`Runs` starts a new one where the output moves on to the next certificate, and keeps the
finished ones. The command's own state (its verb and final lines, unplaced lines) is shared.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .chain import ChainLines
from .element import ElementLines
from .hashes import HashLines
from .identity import IdentityLines
from .model import CertutilVerify
from .other import OtherLines
from .services import Services
from .state import Command, ElementDraft, Reading
from .trailer import TrailerLines
from .urlfetch import UrlfetchLines

Handler = Callable[[str, int], None]


_READERS: dict[type, tuple[tuple[str, str], ...]] = {}


def _readers(cls: type) -> tuple[tuple[str, str], ...]:
    """(line kind, method name) of a unit class's `on_<kind>` methods (found once per class)."""
    found = _READERS.get(cls)
    if found is None:
        found = _READERS[cls] = tuple(
            (name[3:].upper(), name) for name in dir(cls) if name.startswith("on_"))
    return found


#: Per combination of unit classes: each line kind's reader, as (unit position, method name).
_TABLES: dict[tuple[type, ...], dict[str, tuple[int, str]]] = {}


def handlers(*units: object) -> dict[str, Handler]:
    """Each unit's `on_<kind>` methods by the terminal they read (a kind has one reader).

    The table of which unit reads which kind is made once per combination of unit classes;
    a run's bound methods are looked up as its lines first need them (a dump shows about a
    third of the kinds)."""
    types = tuple(type(unit) for unit in units)
    table = _TABLES.get(types)
    if table is None:
        table = {}
        for position, cls in enumerate(types):
            for kind, name in _readers(cls):
                assert kind not in table, f"two readers for {kind} lines"
                table[kind] = (position, name)
        _TABLES[types] = table
    return _Bound(units, table)


class _Bound(dict[str, Handler]):
    """The readers of one run's units, bound on first use."""

    def __init__(self, units: tuple[object, ...], table: dict[str, tuple[int, str]]) -> None:
        super().__init__()
        self.units, self.table = units, table

    def __missing__(self, kind: str) -> Handler:
        position, name = self.table[kind]  # KeyError: no unit reads `kind`
        bound: Handler = getattr(self.units[position], name)
        self[kind] = bound
        return bound


class Run:
    """The units that read one chain, and what the output said about its certificate."""

    def __init__(self, command: Command, services: Services, kind: str,
                 number: int | None = None) -> None:
        self.reading = reading = Reading(command, kind=kind, number=number)
        command.current = reading
        self.trailer = TrailerLines(reading)
        self.urlfetch = UrlfetchLines(reading)
        self.hashes = HashLines(reading)
        other = OtherLines(reading, self.trailer, self.urlfetch, services)
        self.identity = IdentityLines(reading, self.trailer, self.hashes, services)
        self.chain = ChainLines(reading)
        self.elements = ElementLines(reading, self.identity, self.hashes, other, services)
        self.handlers = handlers(self.trailer, self.urlfetch, self.hashes, other,
                                 self.identity, self.chain, self.elements, *services.units())

    @property
    def kind(self) -> str:
        """lead (before any certificate), card, listed, verify, dc_test or dc_store."""
        return self.reading.kind

    @property
    def number(self) -> int | None:
        """The certificate's number in a -scinfo / -dcinfo listing."""
        return self.reading.number

    def has_chain(self) -> bool:
        """Whether the run shows a chain verification (status, elements, verdicts, errors);
        the error lines of a -dcinfo heading are the heading's, not a chain's."""
        verdicts = any(v for k, v in self.trailer.fields.items() if k != "notes")
        errors = bool(self.trailer.errors) and self.kind not in ("dc_test", "dc_store")
        return bool(self.chain.summaries or self.reading.elements or self.hashes.hashes
                    or self.hashes.echo or self.identity.started or verdicts or errors)

    def model(self, label: str | None, certificate: Any, command: dict[str, Any] | None,
              started: bool | None = None, **extra: Any) -> CertutilVerify:
        """This run's chain as a model (the command's lines when `command` is given, `extra`
        fields of the whole output); complete when `started` (else its own start) and its
        final line are in the input."""
        reading = self.reading
        elements, echo = self._elements()
        trailer = self.trailer.model(command)
        started = self.identity.started if started is None else started
        fields: dict[str, Any] = {"variant": reading.variant, "line_count": reading.lines, **extra}
        return CertutilVerify.trusted(
            **fields,
            label=label,
            certificate=certificate,
            identity=self.identity.model(),
            preamble=self.identity.preamble_model(),
            chain=self.chain.models(),
            elements=tuple(e.build() for e in elements),
            echo=echo.build() if echo else None,
            hashes=self.hashes.model(),
            errors=tuple(self.trailer.errors),
            trailer=trailer,
            elided=tuple(self.trailer.elided),
            complete=started and trailer.completed is not None,
        )

    def _elements(self) -> tuple[list[ElementDraft], ElementDraft | None]:
        """The chain elements and the certificate echo: a first element without index or status
        before indexed ones is the certificate printed before the chain, not an element."""
        elements = list(self.reading.elements)
        echo = self.hashes.echo
        if elements and elements[0].index is None and not elements[0].has_status() and any(
            e.index is not None for e in elements
        ):
            lead = elements.pop(0)
            echo = echo or lead
        return elements, echo


class Runs:
    """The runs of one output: the current one and those finished."""

    def __init__(self, command: Command, services: Services) -> None:
        self.command = command
        self.services = services
        self.current = Run(command, services, "lead")
        self.finished: list[Run] = []

    def start(self, kind: str, number: int | None = None) -> Run:
        """Finish the current run and start one of `kind` (in the same -dcinfo store)."""
        context = dict(self.current.reading.context)
        self.finished.append(self.current)
        self.current = Run(self.command, self.services, kind, number)
        self.current.reading.context = context
        return self.current

    def all(self) -> list[Run]:
        """Every run, the current one last."""
        return [*self.finished, self.current]
