"""A report walked into plain data (`models._base.json_data`) is what pydantic's own
`model_dump(mode="json")` gives, value for value and type for type.

The walk shows a model by its own class's fields, so every model class is checked for a field
that could hold a subclass of the class it declares (pydantic's serializer would show the
declared class's fields there) unless declared `SerializeAsAny`; and the two dumps are compared
over every fixture of every format, every real file (skipped without ../shared), every fixture
folder as a case and generated certutil inputs.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import typing
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field, SerializeAsAny

import certtriage
from certtriage import analyze_bytes
from certtriage.batch import BatchRun
from certtriage.models._base import Model, json_data
from certtriage.pipeline import report
from certtriage.render import OutputFormat, render
from certtriage.render.json import SCHEMA_VERSION, report_dict

from ..conftest import FIXTURES, REAL
from ..parsers.certutil_verify.generated import CHUNK, INDENT


def _same(value: BaseModel) -> None:
    walked, dumped = json_data(value), value.model_dump(mode="json")
    assert walked == dumped
    # the same types too (1 and True, 1 and 1.0 are equal in Python, not in JSON)
    assert json.dumps(walked, ensure_ascii=False) == json.dumps(dumped, ensure_ascii=False)


def _inputs(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".json"
                  and p.name not in ("README.md", "MANIFEST.json"))


@pytest.mark.parametrize("path", _inputs(FIXTURES), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_fixture(path: Path) -> None:
    _same(report([analyze_bytes(path.read_bytes(), path.name)]))


@pytest.mark.real_corpus
@pytest.mark.parametrize("path", _inputs(REAL) if REAL.is_dir() else [],
                         ids=lambda p: p.name[:40])
def test_every_real_file(path: Path) -> None:
    _same(report([analyze_bytes(path.read_bytes(), path.name)]))


def test_every_fixture_folder_as_a_case() -> None:
    for folder in sorted({p.parent for p in _inputs(FIXTURES)}):
        run = BatchRun([folder])
        results = list(run.inputs())
        _same(report(results).model_copy(update={"cases": tuple(run.cases())}))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(INDENT, CHUNK), max_size=30))
def test_generated_certutil_inputs(chunks: list[tuple[str, list[str]]]) -> None:
    text = "\n".join(i + line for i, lines in chunks for line in lines) + "\n"
    _same(report([analyze_bytes(text.encode(), "generated.txt")]))


def test_the_json_report_is_the_dump_with_its_schema_version() -> None:
    path = FIXTURES / "certutil/revocation-offline/leaf-cdp-name-not-resolved.txt"
    full = report([analyze_bytes(path.read_bytes(), path.name)])
    data = json.loads(render(full, OutputFormat.JSON))
    assert data.pop("schema_version") == SCHEMA_VERSION
    dumped = full.model_dump(mode="json")
    for case in data["cases"]:
        case.pop("timeline_summary")
    assert data == dumped
    assert "model" not in report_dict(full, include_model=False)["inputs"][0]


# ---- values of every kind --------------------------------------------------------------------
class _Base(Model):
    name: str


class _Derived(_Base):
    extra_field: int


class _Kinds(Model):
    when: datetime
    naive: datetime
    offset: datetime
    day: date
    raw: bytes
    ratio: float
    counted: dict[int, str]
    tags: frozenset[str]
    pair: tuple[int, bool]
    nested: tuple[_Base, ...]
    anything: Any
    shown_as_it_is: SerializeAsAny[_Base]
    maybe: Annotated[_Base, SerializeAsAny()] | None
    hidden: str = Field(exclude=True)


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")
    known: int


def test_values_of_every_kind_are_dumped_as_pydantic_dumps_them() -> None:
    derived = _Derived(name="b", extra_field=2)
    value = _Kinds(
        when=datetime(2026, 12, 1, 8, 30, tzinfo=UTC), naive=datetime(2026, 12, 1, 8, 30, 1, 5),
        offset=datetime(2026, 1, 2, tzinfo=timezone(timedelta(hours=-5))), day=date(2026, 3, 4),
        raw=b"bytes \xc3\xa9", ratio=float("inf"), counted={2: "two", 1: "one"},
        tags=frozenset({"b", "a", "c"}), pair=(1, True), nested=(_Base(name="a"),),
        anything={"model": _Base(name="x"), "list": [1, 2.5, None]}, shown_as_it_is=derived,
        maybe=derived, hidden="not shown")
    _same(value)
    assert "hidden" not in json_data(value)
    assert json_data(value)["shown_as_it_is"] == {"name": "b", "extra_field": 2}
    _same(_Open(known=1, more="allowed"))  # type: ignore[call-arg]


# ---- the walk's one assumption, checked on every model class -----------------------------------
def _every_model_class() -> list[type[BaseModel]]:
    for module in pkgutil.walk_packages(certtriage.__path__, "certtriage."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    found: list[type[BaseModel]] = []
    todo: list[type[BaseModel]] = [Model]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return [cls for cls in found if cls.__module__.startswith("certtriage.")]


def _declared_models(annotation: Any, as_any: bool = False) -> list[tuple[type, bool]]:
    """The model classes a field's annotation names, each with whether it is declared
    `SerializeAsAny` there."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        inner, *meta = typing.get_args(annotation)
        return _declared_models(inner, as_any or any(isinstance(m, SerializeAsAny)
                                                     for m in meta))
    if origin is not None:
        return [found for arg in typing.get_args(annotation)
                for found in _declared_models(arg, as_any)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [(annotation, as_any)]
    return []


def test_no_field_may_hold_a_subclass_of_the_model_it_declares_unless_shown_as_any() -> None:
    classes = _every_model_class()
    assert len(classes) > 50  # every format's models are among them
    wrong = []
    for cls in classes:
        for name, field in cls.__pydantic_fields__.items():
            as_any = any(isinstance(m, SerializeAsAny) for m in field.metadata)
            for declared, shown_as_any in _declared_models(field.annotation, as_any):
                subclasses = [c for c in classes if c is not declared and issubclass(c, declared)
                              and not c.__module__.startswith("tests.")]
                if subclasses and not shown_as_any:
                    wrong.append(f"{cls.__name__}.{name}: {declared.__name__} has subclasses "
                                 f"{[c.__name__ for c in subclasses][:3]}")
    assert wrong == []
