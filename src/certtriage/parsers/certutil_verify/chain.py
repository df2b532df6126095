"""The chain summary of certutil -verify output: the `CERT_CHAIN_CONTEXT` banner and the
`ChainContext.*` / `SimpleChain.*` status and revocation-freshness lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...models.common import ChainSummary
from .._values import decode_status, parse_duration
from .state import Reading


@dataclass
class _Summary:
    scope: str
    line: int
    info: int | None = None
    error: int | None = None
    freshness: str | None = None

    def model(self) -> ChainSummary:
        return ChainSummary.trusted(
            scope=self.scope,
            info_status=decode_status("info", self.info) if self.info is not None else None,
            error_status=decode_status("error", self.error) if self.error is not None else None,
            freshness=self.freshness,
            freshness_seconds=parse_duration(self.freshness) if self.freshness else None,
            line=self.line,
        )


class ChainLines:
    """Reads the chain summary lines; owns one summary per scope (chain context, simple
    chain), whose status bits add up over their lines."""

    def __init__(self, reading: Reading) -> None:
        self.reading = reading
        self.summaries: dict[str, _Summary] = {}

    def models(self) -> tuple[ChainSummary, ...]:
        """The summaries, in the order their scopes first appeared."""
        return tuple(s.model() for s in self.summaries.values())

    def _summary(self, text: str, line: int) -> _Summary:
        self.reading.phase = "chain"
        scope = "chain_context" if text.startswith("ChainContext") else "simple_chain"
        if scope not in self.summaries:
            self.summaries[scope] = _Summary(scope=scope, line=line)
        return self.summaries[scope]

    def on_chain_banner(self, text: str, line: int) -> None:
        self.reading.phase = "chain"
        self.reading.current = None

    def on_chain_status(self, text: str, line: int) -> None:
        summary = self._summary(text, line)
        found = self.reading.status_bit(text, line)
        if found:
            field_, value = found
            setattr(summary, field_, (getattr(summary, field_) or 0) | value)

    def on_freshness(self, text: str, line: int) -> None:
        self._summary(text, line).freshness = text.split(":", 1)[1].strip()
