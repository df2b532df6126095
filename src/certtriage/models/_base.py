"""The frozen, strict base that every certtriage model derives from."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    """Immutable model: unknown fields are rejected.

    Field docstrings document the fields for readers; they are not made descriptions
    (`use_attribute_docstrings`), which nothing reads at run time and which costs reading and
    parsing each model's source at import, about a third of defining the classes.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
