"""The frozen, strict base that every certtriage model derives from."""

# Annotations are evaluated as the module runs (not postponed): pydantic reads every field's
# type, and each annotation left a string costs it a compile (CONTRIBUTING.md, start-up).
from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    """Immutable model: unknown fields are rejected.

    Field docstrings document the fields for readers; they are not made descriptions
    (`use_attribute_docstrings`), which nothing reads at run time and which costs reading and
    parsing each model's source at import, about a third of defining the classes.

    Validators and serializers are built on a model's first use (`defer_build`), not when the
    class is defined: a paste uses about a third of the models, and building the rest cost
    about a tenth of answering it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)
