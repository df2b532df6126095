"""A case's summary line quotes the input that shows its first root cause best: a chain dump
that points at the failing element, not a note in the ticket that only names the cause,
wherever the note sorts among the files and however it is written."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from certtriage import analyze_bytes
from certtriage.batch import batch
from certtriage.render import view

from ..conftest import FIXTURES

#: cause -> (a certutil dump that shows it on a chain element, the code a note names it by)
DUMPS = {
    "revoked": ("revoked/leaf-revoked-key-compromise.txt", "0x80092010"),
    "partial-chain": ("partial-chain/renewed-root-self-issued.txt", "0x800b010a"),
    "untrusted-root": ("untrusted-root/private-root-not-in-store.txt", "0x800b0109"),
    "not-time-valid": ("not-time-valid/leaf-expired.txt", "0x800b0101"),
    "revocation-offline": ("fragments/trailer-only-offline.txt", "0x80092013"),
}

#: The ways a ticket names the code: a sentence, quoted in a reply, in HTML, as a bullet, in
#: German.
NOTES = {
    "plain": "Hello,\nthe login fails and certutil reports {code} for the user certificate.\n",
    "quoted": "On Monday you wrote:\n> the login fails with {code}\n> since this morning\n",
    "html": "<p>Hello,</p><p>certutil reports <b>{code}</b> for the user certificate.</p>\n",
    "bullet": "Findings so far:\n- IIS answers 403\n- certutil: error {code}\n",
    "german": "Hallo,\ndie Anmeldung schlägt fehl, certutil meldet {code} für das Zertifikat.\n",
}

#: Where the notes sort among the files of the case: before the dump, after it, around it.
ORDERS = {"before": ("a-note",), "after": ("z-note",), "around": ("a-note", "z-note")}


@pytest.mark.parametrize(("cause", "shape", "order"),
                         list(itertools.product(DUMPS, NOTES, ORDERS)))
def test_the_case_line_quotes_the_dump_not_the_note(tmp_path: Path, cause: str, shape: str,
                                                     order: str) -> None:
    dump, code = DUMPS[cause]
    note = NOTES[shape].format(code=code).encode()
    alone = analyze_bytes(note, "note.txt")
    assert alone.root_causes[:1] == (cause,), alone.root_causes  # the note names the cause

    case = tmp_path / "case"
    case.mkdir()
    shutil.copy(FIXTURES / "certutil" / dump, case / "m-dump.txt")
    for name in ORDERS[order]:
        (case / f"{name}.txt").write_bytes(note)

    report = batch([case])
    summary = view.build(report).cases[0].summary

    assert report.cases[0].root_causes[0] == cause
    assert summary.endswith(f"; in {case / 'm-dump.txt'})"), summary
    assert f"{cause} at [" in summary, summary


def test_among_equal_evidence_the_first_file_is_quoted(tmp_path: Path) -> None:
    case = tmp_path / "case"
    case.mkdir()
    for name in ("b-first.txt", "c-second.txt"):
        shutil.copy(FIXTURES / "certutil" / DUMPS["revoked"][0], case / name)

    summary = view.build(batch([case])).cases[0].summary

    assert summary.endswith(f"; in {case / 'b-first.txt'})"), summary
