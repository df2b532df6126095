"""The frozen, strict base that every certtriage model derives from."""

# Annotations are evaluated as the module runs (not postponed): pydantic reads every field's
# type, and each annotation left a string costs it a compile (CONTRIBUTING.md, start-up).
import copy
from typing import Any, Self

from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticUndefined, to_jsonable_python


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

    @classmethod
    def trusted(cls, **values: Any) -> Self:
        """The model of `values` that its caller made to the field types itself (a parser's or
        the engine's own values), not validated again: what `cls(**values)` gives for them.
        A process that only makes a model this way never builds its validator (about half a
        millisecond a model: a paste's text answer takes 0.93x the time, json 0.97x); made
        again and again, it costs what validating does (pydantic-core's validation of a
        small model is as fast as any Python code that sets its fields).

        Unknown or missing fields still raise `TypeError`. A model with validators of its own
        (which change values: `Identity` normalises hashes and times) is validated, unless it
        says the values are in the form its validators leave them in already (a classmethod
        `_normal_values(values) -> bool`).
        The test suite runs every fixture, every real file and generated inputs with each of
        these calls validated as well, and fails on the first value validation would change
        or refuse (tests/models/test_trusted.py)."""
        plan = _PLANS.get(cls) or _plan(cls)
        if plan.validated and not (plan.normal is not None and plan.normal(values)):
            return cls(**values)
        data = {**plan.template, **values}
        if len(data) != plan.size or not values.keys() >= plan.required:  # unknown, missing
            raise TypeError(f"{cls.__name__}: unknown fields {sorted(values.keys() - plan.names)}"
                            f", missing fields {sorted(plan.required - values.keys())}")
        for name, make in plan.made:
            if name not in values:
                data[name] = make()
        model = _new(cls)
        _set(model, "__dict__", data)
        _set_fields(model, set(values))
        _set_extra(model, None)
        _set_private(model, None)
        return model


class _Plan:
    """What `Model.trusted` needs of a class, read once from its fields."""

    __slots__ = ("made", "names", "normal", "required", "size", "template", "validated")

    def __init__(self, cls: type[Model]) -> None:
        fields = cls.__pydantic_fields__
        decorators = cls.__pydantic_decorators__
        self.validated = bool(decorators.field_validators or decorators.model_validators
                              or cls.__private_attributes__
                              or cls.model_post_init is not BaseModel.model_post_init)
        self.normal = getattr(cls, "_normal_values", None) if self.validated else None
        self.names = frozenset(fields)
        self.required = frozenset(n for n, f in fields.items() if f.is_required())
        self.template: dict[str, Any] = {}  # every field, in order: its default, or a hole
        made: list[tuple[str, Any]] = []
        for name, field in fields.items():
            default = field.default
            self.template[name] = None if default is PydanticUndefined else default
            if field.default_factory is not None:
                made.append((name, field.default_factory))
            elif default is not PydanticUndefined and not _immutable(default):
                made.append((name, lambda d=default: copy.deepcopy(d)))  # as validation does
        self.made = tuple(made)
        self.size = len(self.template)


def _immutable(value: Any) -> bool:
    """Whether a default can be shared by every model (frozen values; no list or dict)."""
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _plan(cls: type[Model]) -> _Plan:
    plan = _PLANS[cls] = _Plan(cls)
    return plan


_PLANS: dict[type[Model], _Plan] = {}
_new = object.__new__
_set = object.__setattr__
#: The setters of `BaseModel`'s own slots, taken once (a model's attribute lookup each time
#: through `object.__setattr__` cost a tenth of making a small model).
_set_fields = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def json_data(value: Any) -> Any:
    """`value` as plain JSON data: for a model, what `model_dump(mode="json")` gives, without
    building the model's serializer (a paste's json answer built the serializers of its
    report's models, its input's parsed models among them, on the first dump: about 5 ms of
    a 100 ms answer; this walk takes a tenth of a millisecond).

    Models, tuples, lists, sets and dicts are walked here; a model gives its fields in their
    declared order, the excluded left out (a model with extra fields is dumped by pydantic).
    Every other value goes to pydantic-core's own encoder of plain values, which writes
    times, bytes, enums, floats and non-string keys exactly as a model's serializer does. A
    model is shown by its own class's fields: a field that may hold a subclass of the class
    it declares is declared `SerializeAsAny`, as pydantic's serializer reads it then
    (tests/models/test_json_data.py checks every model class for this, and compares the
    two dumps over every fixture, every real file and generated inputs)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if isinstance(value, BaseModel):
        if value.__pydantic_extra__:
            return value.model_dump(mode="json")
        shown = _SHOWN.get(kind) or _shown(kind)
        values = value.__dict__
        return {name: json_data(values[name]) for name in shown}
    if kind is tuple or kind is list or kind is frozenset or kind is set:
        return [json_data(item) for item in value]
    if kind is dict and all(type(key) is str for key in value):
        return {key: json_data(item) for key, item in value.items()}
    return to_jsonable_python(value)


def _shown(cls: type[BaseModel]) -> tuple[str, ...]:
    shown = _SHOWN[cls] = tuple(name for name, field in cls.__pydantic_fields__.items()
                                if not field.exclude)
    return shown


_SHOWN: dict[type[BaseModel], tuple[str, ...]] = {}
