"""A case is diagnosed as its inputs' results arrive: copies of the same findings about the same
certificate are held once (with every file named), and the diagnosis is the one the whole list
of results gives, in any order of arrival that keeps the files' order."""

from __future__ import annotations

import functools
import json
import pickle
import random
import shutil
from pathlib import Path

import pytest

import certtriage.case as case_module
from certtriage.batch import BatchRun
from certtriage.case import LISTED, CaseFold, diagnose_case
from certtriage.case.match import identity, values
from certtriage.case.reading import read
from certtriage.models.findings import InputResult
from certtriage.pipeline import analyze_path
from certtriage.render import OutputFormat, render

from ..conftest import FIXTURES

REVOKED = FIXTURES / "certutil/revoked/leaf-revoked-key-compromise.txt"
OFFLINE = FIXTURES / "certutil/revocation-offline/leaf-cdp-name-not-resolved.txt"


def _sweep(tmp_path: Path, copies: int) -> Path:
    folder = tmp_path / "sweep"
    folder.mkdir()
    for i in range(copies):
        shutil.copy(REVOKED, folder / f"revoked-{i:03}.txt")
    shutil.copy(OFFLINE, folder / "zz-offline.txt")
    return folder


def test_copies_of_one_failure_are_held_once_and_counted(tmp_path: Path) -> None:
    folder = _sweep(tmp_path, 30)
    fold = CaseFold(str(folder))
    run = BatchRun([folder])
    for result in run.inputs():
        fold.add(result)
    assert len(fold._units) == 2  # the 30 copies, and the other certificate
    case = fold.result()
    [revoked] = [c for c in case.certificates if "revoked" in c.root_causes]
    assert revoked.files == 30
    assert revoked.sources == tuple(str(folder / f"revoked-{i:03}.txt") for i in range(LISTED))
    assert any(n.startswith("revoked is confirmed by 30 files about ") for n in case.notes)
    assert case.files == case.parsed == 31


def test_the_fold_gives_what_the_list_gives(tmp_path: Path) -> None:
    folder = _sweep(tmp_path, 5)
    run = BatchRun([folder])
    results = list(run.inputs())
    assert run.cases() == [diagnose_case(str(folder), results)]
    thrice = diagnose_case(str(folder), results[:1] * 3)  # one file thrice: no confirmation
    assert [c.sources for c in thrice.certificates] == [(results[0].source,)]
    assert not any("confirmed" in n for n in thrice.notes)


def test_a_case_diagnosed_from_readings_sent_between_processes_is_the_same() -> None:
    """Every fixture folder diagnosed as a case from what it reads of each input, as a worker
    process sends it (pickled: identities as their values, made again where the case keeps
    them), is diagnosed as from the whole results; and the reading says what a streamed run's
    exit code reads of the input."""
    for folder in sorted({p.parent for p in FIXTURES.rglob("*") if p.is_file()}):
        results = list(BatchRun([folder]).inputs())
        fold = CaseFold(str(folder), repeats=True)
        for result in results:
            fold.take(pickle.loads(pickle.dumps(read(result))))
        assert fold.result() == diagnose_case(str(folder), results), folder
        assert [(r.verdict, r.warned) for r in map(read, results)] \
            == [(r.verdict, any(f.severity == "warning" for f in r.findings))
                for r in results], folder


_PASSING = "certutil/pass/three-element-client-auth-urlfetch.txt"
_REJECTING = "events/message-only/schannel-36877-offline.txt"


@pytest.mark.parametrize(("names", "contradicts"), [
    ((_PASSING, _REJECTING), True),
    ((_REJECTING, _PASSING), True),
    ((_PASSING, _REJECTING, "certutil/revoked/leaf-revoked-key-compromise.txt"), False),
    ((_PASSING, "evtx/capi2-synthetic-run.evtx"), False),
])
def test_a_contradiction_reads_the_same_from_readings_sent(names: tuple[str, ...],
                                                           contradicts: bool) -> None:
    """A passing chain next to a log that rejects it (or another certificate's), as a case
    finds it from readings sent between processes and from the results."""
    results = [analyze_path(str(FIXTURES / name)) for name in names]
    fold = CaseFold("case", repeats=True)
    for result in results:
        fold.take(pickle.loads(pickle.dumps(read(result))))
    case = fold.result()
    assert case == diagnose_case("case", results)
    assert any("HTTP.sys validates as SYSTEM" in n for n in case.notes) == contradicts


def test_an_identity_is_made_again_from_its_values_as_it_was() -> None:
    """What a reading sends of an identity (its values) makes an equal identity, with the
    fields it had set (every identity of every fixture)."""
    seen = 0
    for path in sorted(p for p in FIXTURES.rglob("*") if p.is_file()):
        for ident in analyze_path(str(path)).identities:
            made = identity(values(ident))
            assert made == ident and hash(made) == hash(ident), path
            assert made.model_dump() == ident.model_dump(), path
            seen += 1
    assert seen > 100


def test_a_reading_sends_no_models() -> None:
    """A reading pickles as plain values: no pydantic model travels (building them again was
    what receiving a result cost)."""
    for result in _mix():
        data = pickle.dumps(read(result))
        assert b"pydantic" not in data and b"certtriage.models" not in data


_MIX = ("revoked/leaf-revoked-key-compromise.txt", "revocation-offline/cdp-http-404.txt",
        "revocation-offline/leaf-cdp-name-not-resolved.txt", "fragments/trailer-only-offline.txt",
        "fragments/trailer-only-failed-untrusted.txt", "aia/aia-failed-issuer-present-locally.txt")


@functools.cache
def _mix() -> tuple[InputResult, ...]:
    found = [analyze_path(str(FIXTURES / "certutil" / name)) for name in _MIX]
    found.append(analyze_path(str(FIXTURES / "iis-logs/iis10-revocation-offline-burst.log")))
    return tuple(found)


def _inputs(seed: int) -> list[InputResult]:
    """A case of up to 80 inputs drawn from one to four kinds (copies of one finding past the
    number a row names, fragments naming no certificate, a server log), some given twice."""
    rng = random.Random(seed)
    kinds = rng.sample(_mix(), rng.randint(1, 4))
    given: list[InputResult] = []
    for n in range(rng.randint(1, 80)):
        if given and rng.random() < 0.15:
            given.append(rng.choice(given))  # the same file again
        else:
            given.append(rng.choice(kinds).model_copy(update={"source": f"f{n:02}.txt"}))
    return given


@pytest.mark.parametrize("seed", range(40))
def test_a_row_names_its_first_files_and_counts_them_all(
        seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fold that names `LISTED` files a row and counts the rest gives what naming every
    file gives: the same rows, the first names, every file counted once however often it
    came, the same notes."""
    results = _inputs(seed)
    got = diagnose_case("case", results)
    monkeypatch.setattr(case_module, "LISTED", len(results) + 1)
    every = diagnose_case("case", results)
    assert len(got.certificates) == len(every.certificates)
    for row, whole in zip(got.certificates, every.certificates):
        assert row.sources == whole.sources[:LISTED]
        assert row.files == whole.files == len(whole.sources) == len(set(whole.sources))
        assert row.model_copy(update={"sources": ()}) == whole.model_copy(update={"sources": ()})
    assert got.model_copy(update={"certificates": ()}) == every.model_copy(
        update={"certificates": ()})


@pytest.mark.parametrize("fmt", [OutputFormat.TEXT, OutputFormat.MARKDOWN, OutputFormat.HTML,
                                 OutputFormat.JSON])
def test_a_sweep_row_names_ten_files_and_says_how_many_more(
        tmp_path: Path, fmt: OutputFormat) -> None:
    folder = _sweep(tmp_path, LISTED + 15)
    report = BatchRun([folder]).report()
    [revoked] = [c for c in report.cases[0].certificates if "revoked" in c.root_causes]
    assert (revoked.files, len(revoked.sources)) == (LISTED + 15, LISTED)
    shown = render(report, fmt)
    if fmt is OutputFormat.JSON:
        [case] = json.loads(shown)["cases"]
        [row] = [c for c in case["certificates"] if "revoked" in c["root_causes"]]
        assert row["files"] == LISTED + 15 and len(row["sources"]) == LISTED
        return
    more = shown.index("and 15 more")
    row = shown[shown.rindex("revoked-000.txt", 0, more):more]
    assert f"revoked-{LISTED - 1:03}.txt" in row and f"revoked-{LISTED:03}.txt" not in row
