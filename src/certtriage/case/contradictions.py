"""Inputs of one case that disagree about one certificate: a chain that validates where the
certificate was run through certutil, and a server's log that shows it rejected."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..engine import rulebook
from ..models.common import Identity
from ..models.findings import Finding, InputResult
from ..parsers import by_id
from .match import Values, any_same, identity, keyed

About = Callable[[InputResult, Finding], tuple[Identity, ...]]


def _evidence(result: InputResult) -> str | None:
    """What the input's format is evidence of (chain, log ...), None for unread inputs."""
    try:
        return by_id(result.kind).evidence
    except ValueError:
        return None


def _leaves(result: InputResult) -> list[Identity]:
    return [i for i in result.identities if keyed(i) and i.element in (0, None)]


def shown_leaves(result: InputResult) -> tuple[list[Identity], bool]:
    """The client certificates an input's chains show, and whether it is a chain that
    validates."""
    return _leaves(result), _evidence(result) == "chain" and result.verdict == "pass"


def rejected(result: InputResult, about: About) -> list[tuple[tuple[Identity, ...], str]]:
    """A server's log: the certificates (those it names) and cause of each chain failure it
    logs; none for another input."""
    if _evidence(result) != "log":
        return []
    book = rulebook()
    return [(tuple(i for i in about(result, finding) if keyed(i)), finding.cause)
            for finding in result.findings
            if finding.severity == "error" and book.category_of(finding.cause) == "chain"]


class Contradictions:
    """A chain that passes next to a log that shows the server rejecting the same client
    certificate's chain (a log that names no certificate: when the case has only one),
    gathered one input at a time. What is kept: each distinct leaf of a passing chain and each
    distinct (certificate, cause) of a rejecting log, with the first input that shows it, and
    up to two of the case's certificates."""

    def __init__(self) -> None:
        self._chains: dict[tuple[Values, ...], str] = {}
        self._logs: dict[tuple[tuple[Values, ...], str], str] = {}
        self._certificates: list[Identity] = []
        self._seen: list[Values] = []
        """The values of the certificates kept."""

    def take(self, leaves: tuple[Values, ...], passes: bool,
             rejects: Iterable[tuple[tuple[Values, ...], str]], source: str) -> None:
        """One input as `reading.read` gives it: its leaves (as `match.values`), whether it is
        a chain that validates, and the failures a log shows."""
        for leaf in leaves:
            if len(self._certificates) >= 2:
                break
            if leaf not in self._seen:  # the same values: the same certificate
                certificate = identity(leaf)
                if not any_same([certificate], self._certificates):
                    self._certificates.append(certificate)
                    self._seen.append(leaf)
        if passes:
            self._chains.setdefault(leaves, source)
        for key in rejects:
            self._logs.setdefault(key, source)

    def notes(self) -> list[str]:
        """The first contradiction, in the order of the inputs (none: [])."""
        single = len(self._certificates) <= 1
        for leaves, chain in self._chains.items():
            for (shown, cause), log in self._logs.items():
                if any_same(map(identity, shown), map(identity, leaves)) if shown else single:
                    return [_note(chain, log, cause)]
        return []


def _note(chain: str, log: str, cause: str) -> str:
    return (
        f"certutil passes in {chain}, but {log} shows the server rejecting a "
        f"client certificate ({cause}): HTTP.sys validates as SYSTEM with its own "
        "binding settings (revocation, cached-only, CTL, usage check). Run certutil on the "
        "server as SYSTEM and compare `netsh http show sslcert`."
    )
