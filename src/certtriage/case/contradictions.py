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


def _one_certificate(read: list[InputResult]) -> bool:
    """Whether the case shows one certificate at most (as leaves of chains and runs)."""
    leaves: list[Identity] = []
    for result in read:
        for leaf in _leaves(result):
            if not any_same([leaf], leaves):
                leaves.append(leaf)
                if len(leaves) > 1:
                    return False  # a second certificate decides it
    return True


def contradictions(read: list[InputResult], about: About) -> list[str]:
    """A chain that passes next to a log that shows the server rejecting the same client
    certificate's chain (a log that names no certificate: when the case has only one)."""
    book = rulebook()
    passing = [r for r in read if _evidence(r) == "chain" and r.verdict == "pass"]
    single = _one_certificate(read)
    for chain in passing:
        for log in (r for r in read if _evidence(r) == "log"):
            for finding in log.findings:
                if finding.severity != "error" or book.category_of(finding.cause) != "chain":
                    continue
                shown = [i for i in about(log, finding) if keyed(i)]
                if any_same(shown, _leaves(chain)) if shown else single:
                    return [_note(chain, log, finding)]
    return []


def _note(chain: InputResult, log: InputResult, finding: Finding) -> str:
    return (
        f"certutil passes in {chain.source}, but {log.source} shows the server rejecting a "
        f"client certificate ({finding.cause}): HTTP.sys validates as SYSTEM with its own "
        "binding settings (revocation, cached-only, CTL, usage check). Run certutil on the "
        "server as SYSTEM and compare `netsh http show sslcert`."
    )
