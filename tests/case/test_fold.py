"""A case is diagnosed as its inputs' results arrive: copies of the same findings about the same
certificate are held once (with every file named), and the diagnosis is the one the whole list
of results gives, in any order of arrival that keeps the files' order."""

from __future__ import annotations

import shutil
from pathlib import Path

from certtriage.batch import BatchRun
from certtriage.case import CaseFold, diagnose_case

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
    assert len(revoked.sources) == 30
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


def test_a_case_reads_nothing_a_result_for_the_case_leaves_out() -> None:
    """Every fixture folder diagnosed as a case from its results as `for_case` keeps them
    (what a worker process sends back once it has written the input's output) is diagnosed
    as from the whole results."""
    for folder in sorted({p.parent for p in FIXTURES.rglob("*") if p.is_file()}):
        results = list(BatchRun([folder]).inputs())
        kept = [r.for_case() for r in results]
        assert diagnose_case(str(folder), kept) == diagnose_case(str(folder), results), folder
        assert sum(len(r.model_dump_json()) for r in kept) <= sum(
            len(r.model_dump_json()) for r in results)
