"""Models made without validation (`Model.trusted`) are the models validation makes.

Every call of `trusted` is made twice here, trusted and validated, and the test fails on the
first value validation would refuse or change (a list where a tuple is declared, a string
for a number, a name outside a `Literal`), and on any field set one way and not the other:
over every fixture of every format, every real file (skipped without ../shared) and
generated certutil inputs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from certtriage import analyze_bytes
from certtriage.batch import batch
from certtriage.models._base import Model
from certtriage.models.common import Identity, Span, UrlCheck
from certtriage.pipeline import report
from certtriage.render import OutputFormat, render, render_input

from ..conftest import FIXTURES, REAL
from ..parsers.certutil_verify.generated import CHUNK, INDENT

_TRUSTED = Model.__dict__["trusted"].__func__


def difference(a: Any, b: Any, where: str = "") -> str | None:
    """Where `a` (trusted) and `b` (validated) first differ, in value or type; None if
    nowhere."""
    if type(a) is not type(b):
        return f"{where or 'model'}: {type(a).__name__} {a!r:.80} != {type(b).__name__} {b!r:.80}"
    if isinstance(a, BaseModel):
        if a.model_fields_set != b.model_fields_set:
            return f"{where}: fields set {sorted(a.model_fields_set)} != {sorted(b.model_fields_set)}"
        if list(a.__dict__) != list(b.__dict__):
            return f"{where}: field order {list(a.__dict__)} != {list(b.__dict__)}"
        for name in type(a).model_fields:
            found = difference(getattr(a, name), getattr(b, name), f"{where}.{name}")
            if found:
                return found
        return None
    if isinstance(a, tuple | list):
        if len(a) != len(b):
            return f"{where}: {len(a)} items != {len(b)}"
        return next((d for i, (x, y) in enumerate(zip(a, b))
                     if (d := difference(x, y, f"{where}[{i}]"))), None)
    if isinstance(a, dict):
        if list(a) != list(b):
            return f"{where}: keys {list(a)} != {list(b)}"
        return next((d for k in a if (d := difference(a[k], b[k], f"{where}[{k!r}]"))), None)
    if isinstance(a, datetime) and a.tzinfo != b.tzinfo:
        return f"{where}: zone {a.tzinfo} != {b.tzinfo}"
    return None if a == b else f"{where}: {a!r:.80} != {b!r:.80}"


class Checked:
    """`Model.trusted` made both ways, each difference kept (the pipeline reports an
    exception as an input's error, so a raise would not reach the test)."""

    def __init__(self) -> None:
        self.calls = 0
        self.differences: list[str] = []
        self.made: set[str] = set()

    def __call__(self, cls: type[Model], **values: Any) -> Model:
        self.calls += 1
        self.made.add(cls.__name__)
        trusted = _TRUSTED(cls, **values)
        try:
            validated = cls(**values)
        except ValidationError as exc:
            self.differences.append(f"{cls.__name__} refused by validation: {exc}")
            return trusted
        found = difference(trusted, validated, cls.__name__)
        if found:
            self.differences.append(found)
        return trusted


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> Iterator[Checked]:
    check = Checked()
    monkeypatch.setattr(Model, "trusted", classmethod(check))
    yield check


def _inputs(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".json"
                  and p.name not in ("README.md", "MANIFEST.json"))


def _assert_same(checked: Checked, data: bytes, name: str) -> None:
    result = analyze_bytes(data, name)
    assert result.status != "error" or "internal" not in (result.error or ""), result.error
    assert checked.differences == [], checked.differences[0]


@pytest.mark.parametrize("path", _inputs(FIXTURES), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_fixture(checked: Checked, path: Path) -> None:
    _assert_same(checked, path.read_bytes(), path.name)


def test_a_certutil_input_is_made_through_trusted(checked: Checked) -> None:
    """The check above sees the calls: a dump's models are made through `trusted`."""
    path = FIXTURES / "certutil/revocation-offline/leaf-cdp-name-not-resolved.txt"
    _assert_same(checked, path.read_bytes(), path.name)
    assert checked.calls >= 20


@pytest.mark.real_corpus
@pytest.mark.parametrize("path", _inputs(REAL) if REAL.is_dir() else [],
                         ids=lambda p: p.name[:40])
def test_every_real_file(checked: Checked, path: Path) -> None:
    _assert_same(checked, path.read_bytes(), path.name)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(INDENT, CHUNK), max_size=30))
def test_generated_certutil_inputs(checked: Checked,
                                   chunks: list[tuple[str, list[str]]]) -> None:
    text = "\n".join(i + line for i, lines in chunks for line in lines) + "\n"
    _assert_same(checked, text.encode(), "generated.txt")


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "markdown", "html"])
def test_a_report_of_every_fixture_rendered(checked: Checked, fmt: str) -> None:
    """The report of a run and an input rendered alone are made through `trusted` too."""
    results = [analyze_bytes(path.read_bytes(), path.name)
               for path in _inputs(FIXTURES / "certutil")[:20]]
    rendered = [render_input(OutputFormat(fmt), True, result) for result in results]
    render(report(results), OutputFormat(fmt))
    assert all(rendered)
    assert checked.differences == [], checked.differences[0]


# ---- what the check itself catches -----------------------------------------------------------
def test_every_fixture_folder_diagnosed_as_a_case(checked: Checked) -> None:
    """A case's rows (`CaseCertificate`) are made through `trusted` too: every fixture folder
    as one case, and all of them together (rows joined across folders)."""
    for folder in sorted({p.parent for p in _inputs(FIXTURES)}):
        batch([folder])
    batch([FIXTURES])
    assert "CaseCertificate" in checked.made
    assert checked.differences == [], checked.differences[0]


def test_the_check_catches_what_validation_changes_or_refuses(checked: Checked) -> None:
    from certtriage.models.common import Policy

    Policy.trusted(kind="application", oid="1.2", name="x", line=1)
    assert checked.differences == []
    Policy.trusted(kind="application", oid="1.2", name="x", line="1")  # coerced to a number
    assert "Policy.line: str '1' != int 1" in checked.differences.pop()
    span = Span(start=1, end=1)
    UrlCheck.trusted(section="cdp", status="failed", status_text="x", object_kind="base_crl",
                     object_text="y", span=span, url_index=0)  # refused: not a string
    assert "UrlCheck refused by validation" in checked.differences.pop()
    assert checked.differences == []


def test_types_and_fields_set_are_compared() -> None:
    assert difference((1,), [1]) is not None
    assert difference(1, True) is not None
    assert difference(Span(start=1, end=2), Span(start=1, end=2)) is None
    assert difference(Span(start=1, end=2), Span(start=1, end=3)) is not None


# ---- trusted on its own ------------------------------------------------------------------------
def test_trusted_is_validation_for_good_values() -> None:
    values = {"section": "cdp", "status": "failed", "status_text": "x",
              "object_kind": "base_crl", "object_text": "y", "span": Span(start=1, end=2),
              "url": "http://pki.contoso.example/root.crl"}
    made, validated = UrlCheck.trusted(**values), UrlCheck(**values)
    assert made == validated and difference(made, validated) is None
    assert made.model_dump_json() == validated.model_dump_json()
    assert hash(made) == hash(validated)


def test_unknown_and_missing_fields_raise() -> None:
    with pytest.raises(TypeError, match="unknown fields"):
        Span.trusted(start=1, end=1, width=3)
    with pytest.raises(TypeError, match=r"missing fields \['end'\]"):
        Span.trusted(start=1)


def test_a_model_with_validators_is_validated() -> None:
    """Identity normalises its hash: made through `trusted`, it is still normalised."""
    made = Identity.trusted(kind="certificate", where="w", thumbprint="AB CD")
    assert made.thumbprint == "abcd"


#: Hashes, serials and times as inputs print them, and as `Identity` keeps them.
_DIGITS = st.text("0123456789abcdefABCDEF :-", max_size=12)
_TIME = st.none() | st.datetimes(timezones=st.none() | st.just(UTC) | st.just(
    timezone(timedelta(hours=-5))))


@settings(max_examples=500)
@given(st.none() | _DIGITS, st.none() | _DIGITS, _TIME, _TIME)
def test_an_identity_in_normal_form_is_made_as_validation_makes_it(
        thumbprint: str | None, serial: str | None, not_before: datetime | None,
        not_after: datetime | None) -> None:
    """`Identity` says which values its validators would leave as they are; those are made
    without validation, and the identity is the one validation gives. Its own normal form
    (what validation gave) always counts as such."""
    values = {"kind": "certificate", "where": "chain element [0][0]", "thumbprint": thumbprint,
              "serial": serial, "not_before": not_before, "not_after": not_after}
    validated = Identity(**values)
    assert difference(_TRUSTED(Identity, **values), validated) is None
    normal = {name: getattr(validated, name) for name in values}
    assert Identity._normal_values(normal)
    assert difference(_TRUSTED(Identity, **normal), validated) is None


def test_a_frozen_model_stays_frozen() -> None:
    made = Span.trusted(start=1, end=1)
    with pytest.raises(ValidationError):
        made.start = 2  # type: ignore[misc]


def test_a_report_of_a_callers_values_is_validated() -> None:
    """`certtriage.report` takes what a library caller gives it: anything but this package's
    own results is validated as before."""
    import certtriage

    class Lookalike:
        verdict = "pass"

    with pytest.raises(ValidationError):
        certtriage.report([Lookalike()])  # type: ignore[list-item]
    made = certtriage.report([analyze_bytes(b"certutil: nothing", "a.txt")])
    assert made == type(made)(**dict(made))
