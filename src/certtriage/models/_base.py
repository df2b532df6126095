"""The frozen, strict base that every certtriage model derives from, and the root of each
format's model."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from .common import ChainElement

#: A chain a report may draw: its title, the context its findings carry (None: the input
#: itself), and its elements, leaf first.
ShownChain = tuple[str, "str | None", "tuple[ChainElement, ...]"]


class Model(BaseModel):
    """Immutable model: unknown fields are rejected, field docstrings become descriptions."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class Evidence(Model):
    """The root model of an input format: what an input's result asks of every format.

    Every root model also has an `unparsed` field: the lines it kept but could not place.
    """

    def reading_notes(self) -> list[str]:
        """What to tell about how the input was read, beyond its unparsed lines."""
        return []

    def read_whole(self) -> bool:
        """False when the input is a fragment (its start or its end is missing)."""
        return True

    def error_codes(self) -> tuple[str, ...] | None:
        """Every error code in the input in order of appearance, or None to take the codes of
        the findings."""
        return None

    def event_rows(self) -> tuple[dict[str, object], ...]:
        """The events the input holds, one row each (event inputs only)."""
        return ()

    def chains(self) -> tuple[ShownChain, ...]:
        """The chains the input shows."""
        return ()

    def summary_lines(self) -> tuple[str, ...]:
        """Sentences that summarise the input beyond its findings."""
        return ()

