"""Inputs of one case that disagree about one certificate: a chain that validates where the
certificate was run through certutil, and a server's log that shows it rejected."""

from __future__ import annotations

from collections.abc import Callable

from ..engine import rulebook
from ..models.common import Identity
from ..models.findings import Finding, InputResult
from ..parsers import by_id
from .match import any_same, keyed

About = Callable[[InputResult, Finding], tuple[Identity, ...]]


def _evidence(result: InputResult) -> str | None:
    """What the input's format is evidence of (chain, log ...), None for unread inputs."""
    try:
        return by_id(result.kind).evidence
    except ValueError:
        return None


def _leaves(result: InputResult) -> list[Identity]:
    return [i for i in result.identities if keyed(i) and i.element in (0, None)]


class Contradictions:
    """A chain that passes next to a log that shows the server rejecting the same client
    certificate's chain (a log that names no certificate: when the case has only one),
    gathered one input at a time. What is kept: each distinct leaf of a passing chain and each
    distinct (certificate, cause) of a rejecting log, with the first input that shows it, and
    up to two of the case's certificates."""

    def __init__(self, about: About) -> None:
        self._about = about
        self._chains: dict[tuple[Identity, ...], str] = {}
        self._logs: dict[tuple[tuple[Identity, ...], str], str] = {}
        self._certificates: list[Identity] = []

    def add(self, result: InputResult) -> None:
        """Read one input (parsed or partial)."""
        leaves = _leaves(result)
        for leaf in leaves:
            if len(self._certificates) < 2 and not any_same([leaf], self._certificates):
                self._certificates.append(leaf)
        evidence = _evidence(result)
        if evidence == "chain" and result.verdict == "pass":
            self._chains.setdefault(tuple(leaves), result.source)
        elif evidence == "log":
            book = rulebook()
            for finding in result.findings:
                if finding.severity != "error" or book.category_of(finding.cause) != "chain":
                    continue
                shown = tuple(i for i in self._about(result, finding) if keyed(i))
                self._logs.setdefault((shown, finding.cause), result.source)

    def notes(self) -> list[str]:
        """The first contradiction, in the order of the inputs (none: [])."""
        single = len(self._certificates) <= 1
        for leaves, chain in self._chains.items():
            for (shown, cause), log in self._logs.items():
                if any_same(shown, leaves) if shown else single:
                    return [_note(chain, log, cause)]
        return []


def contradictions(read: list[InputResult], about: About) -> list[str]:
    """The contradictions of a case's inputs (see :class:`Contradictions`)."""
    found = Contradictions(about)
    for result in read:
        found.add(result)
    return found.notes()


def _note(chain: str, log: str, cause: str) -> str:
    return (
        f"certutil passes in {chain}, but {log} shows the server rejecting a "
        f"client certificate ({cause}): HTTP.sys validates as SYSTEM with its own "
        "binding settings (revocation, cached-only, CTL, usage check). Run certutil on the "
        "server as SYSTEM and compare `netsh http show sslcert`."
    )
