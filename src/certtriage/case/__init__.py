"""One case of a batch run: its inputs' findings grouped by what they are about, each group
diagnosed on its own, then the case summed up.

A finding is about the identities its input shows for it (the chain element it names and its
chain's leaf, the certificate file entry or store entry of its context, the server window of
its event or log lines). Findings are linked (as cause and symptom, or as a confirmation) only
within one group:

* certificate findings join when their identities match (`match.same_certificate`);
* findings whose input names no certificate join the case's certificate when it has one at
  most, and stay on their own otherwise (inputs that show the same such findings, together:
  one row for a sweep of fragments, not one per file);
* a server's log (IIS W3C, Schannel, HTTP.sys events) joins the certificate seen on the same
  server in the same window, or the case's only certificate; else the windows of the same
  server group together.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import InitVar, dataclass, field
from datetime import datetime
from heapq import merge
from itertools import groupby, islice
from typing import Any

from ..clock import now
from ..engine import rulebook, worst_verdict
from ..models.common import Identity
from ..models.findings import (
    SEVERITY_RANK,
    CaseCertificate,
    CaseResult,
    InputResult,
    Verdict,
)
from .contradictions import Contradictions
from .match import any_same, describe, identity, keyed, match_keys, same_window, strongest
from .reading import Reading, Said, about, read
from .timeline import Timeline
from .validity import judge

#: Files a row of a case names, in order; the others are counted (`CaseCertificate.files`).
LISTED = 10


@dataclass
class _Unit:
    """The findings of one input about one set of identities, and the other inputs that gave
    the same findings about the same certificate (a sweep of copies is held once): each by
    its number in the case, the first `LISTED` by name as well."""

    source: str
    about: tuple[Identity, ...]
    findings: list[Said] = field(default_factory=list)
    number: InitVar[int] = 0
    """The number of the first input (in the case, from 0)."""
    numbers: array[int] = field(init=False)
    """The numbers of the inputs that show these findings, in order (one int each)."""
    names: list[str] = field(init=False)
    """The names of the first `LISTED` of them."""

    def __post_init__(self, number: int) -> None:
        self.numbers, self.names = array("I", [number]), [self.source]

    def add(self, number: int, name: str) -> None:
        """One more input showing these findings (nothing when it is one of them already)."""
        numbers = self.numbers
        at = len(numbers) if number > numbers[-1] else bisect_left(numbers, number)
        if at < len(numbers) and numbers[at] == number:
            return
        numbers.insert(at, number)
        if at < LISTED:
            self.names.insert(at, name)
            del self.names[LISTED:]

    @property
    def certificates(self) -> list[Identity]:
        return [i for i in self.about if keyed(i)]

    @property
    def servers(self) -> list[Identity]:
        return [i for i in self.about if i.kind == "server"]


class _Shown:
    """The inputs behind some units, each once: counted, tested and named in the order the
    units and their inputs come. Names are known for each unit's first `LISTED` inputs,
    which always hold the first `LISTED` of all (until a unit has that many named, every
    input it has is named)."""

    def __init__(self, units: list[_Unit]) -> None:
        self.units = units
        self.count = (len(units[0].numbers) if len(units) == 1  # distinct already: most rows
                      else sum(1 for n, _ in groupby(merge(*(u.numbers for u in units)))))

    def __len__(self) -> int:
        return self.count

    def __contains__(self, number: int) -> bool:
        for unit in self.units:
            at = bisect_left(unit.numbers, number)
            if at < len(unit.numbers) and unit.numbers[at] == number:
                return True
        return False

    def named(self) -> Iterator[tuple[int, str]]:
        """(number, name) of the inputs whose names are known, each once, in order."""
        seen: set[int] = set()
        for unit in self.units:
            for number, name in zip(unit.numbers, unit.names):
                if number not in seen:
                    seen.add(number)
                    yield number, name

    def first(self, count: int | None = None) -> list[str]:
        """The names of the first `count` (at most, and by default, `LISTED`) inputs."""
        count = LISTED if count is None else count
        if len(self.units) == 1:
            return self.units[0].names[:count]
        return [name for _, name in islice(self.named(), count)]


def _groups(units: list[_Unit]) -> list[list[_Unit]]:
    """Units joined into groups, each about one certificate (or one server window)."""
    groups: dict[int, list[_Unit]] = {}  # certificate groups by number, in creation order
    index: dict[str, set[int]] = {}  # match key -> the groups holding an identity with it
    keys_of: dict[int, set[str]] = {}  # group -> its match keys
    blank: dict[str, list[_Unit]] = {}
    servers: list[_Unit] = []
    for number, unit in enumerate(units):
        if unit.certificates:
            keys = {k for i in unit.certificates for k in match_keys(i)}
            near = sorted({g for k in keys for g in index.get(k, ())})
            joined = [g for g in near
                      if any(any_same(u.certificates, unit.certificates) for u in groups[g])]
            groups[number] = [unit] + [u for g in joined for u in groups.pop(g)]
            keys_of[number] = keys.union(*(keys_of.pop(g) for g in joined))
            for key in keys_of[number]:
                index.setdefault(key, set()).difference_update(joined)
                index[key].add(number)
        elif unit.servers:
            servers.append(unit)
        else:
            blank.setdefault(unit.source, []).append(unit)
    certs = list(groups.values())
    if len(certs) <= 1 and blank:
        certs = [[*(certs[0] if certs else []), *(u for g in blank.values() for u in g)]]
    else:
        certs.extend(blank.values())
    order = {id(u): n for n, u in enumerate(units)}
    ordered = [sorted(g, key=lambda u: order[id(u)]) for g in _attach(certs, servers)]
    return sorted(ordered, key=lambda g: order[id(g[0])])


def _attach(certs: list[list[_Unit]], servers: list[_Unit]) -> list[list[_Unit]]:
    """Server windows joined to the certificate seen on that server at that time, or to the
    case's only certificate; the others grouped by server and window."""
    logs: list[list[_Unit]] = []
    for unit in servers:
        seen = [g for g in certs if any(i.server and same_window(i, s) for u in g
                                        for i in u.certificates for s in unit.servers)]
        alone = len(certs) == 1 and all(same_window(i, s) for u in certs[0]
                                         for i in u.certificates for s in unit.servers)
        target = seen[0] if len(seen) == 1 else certs[0] if alone else None
        if target is None:
            target = next((g for g in logs if any(same_window(a, b) for u in g
                                                  for a in u.servers for b in unit.servers)),
                          None)
            if target is None:
                logs.append(target := [])
        target.append(unit)
    return [g for g in (*certs, *logs) if g]


@dataclass
class _Diagnosis:
    certificate: CaseCertificate
    notes: list[str]
    rank: tuple[int, int]


def _diagnose(group: list[_Unit], at: datetime) -> _Diagnosis:
    """One group's root causes, symptoms, sub-statuses and notes; validity judged `at` (the
    time of analysis, naive UTC)."""
    graph = rulebook().cause_graph
    shown = strongest(i for u in group for i in u.about)
    named = shown is not None and (shown.kind == "server" or keyed(shown))
    files = _Shown(group)
    first = files.first(1)[0]
    label = (describe(shown) if named
             else f"a certificate {_name(first)} does not name" if len(files) == 1
             else f"a certificate {_name(first)} and {len(files) - 1} more files do not name")
    units_of: dict[str, list[_Unit]] = {}  # cause -> the units that show it, in order
    for unit in group:
        for f in unit.findings:
            if f.severity == "error" or f.root_cause:
                units = units_of.setdefault(f.cause, [])
                if not units or units[-1] is not unit:
                    units.append(unit)
    seen_in = {cause: _Shown(units) for cause, units in units_of.items()}
    findings = [f for u in group for f in u.findings]
    severity = {c: max(SEVERITY_RANK[f.severity] for f in findings if f.cause == c)
                for c in seen_in}
    roots = list(dict.fromkeys(f.cause for f in findings if f.root_cause))
    symptoms = [c for c in roots if any(c in graph.get(o, ()) for o in roots if o != c)]
    roots = sorted((c for c in roots if c not in symptoms),
                   key=lambda c: (-severity[c], -len(seen_in[c])))
    said = f"is confirmed by {{}} files about {label}" if named else (
        "is shown alike by {} files that name no certificate")
    notes = [f"{cause} {said.format(len(shows))}: {', '.join(shows.first(4))}"
             for cause, shows in seen_in.items() if len(shows) > 1 and cause in roots]
    for root in roots:
        for symptom in sorted(graph.get(root, ())):
            if symptom not in seen_in:
                continue
            # Examples by name, among the names held (every one while no unit has more than
            # `LISTED` inputs).
            others = [name for number, name in seen_in[symptom].named()
                      if number not in seen_in[root]][:3]
            if others:
                notes.append(f"{root} ({seen_in[root].first(1)[0]}) is confirmed from the "
                             f"other side: {symptom} in {', '.join(others)} "
                             f"(both about {label})")
    iis = tuple(dict.fromkeys(s for f in findings if f.cause in roots and f.severity == "error"
                              for s in f.iis_substatus))
    validity = judge((i for u in group for i in u.about), at)
    notes.extend(v.said for v in validity)
    certificate = CaseCertificate.trusted(
        label=label, identity=shown if named else None,
        sources=tuple(files.first()), files=len(files), root_causes=tuple(roots),
        iis_substatus=iis, symptoms=tuple(symptoms), validity=validity)
    top = max((severity[c] for c in roots), default=0)
    return _Diagnosis(certificate, notes, (-top, -max((len(seen_in[c]) for c in roots),
                                                      default=0)))


def _name(source: str) -> str:
    """The file name of an input (its member name inside an archive)."""
    return source.replace("\\", "/").rsplit("!", 1)[-1].rsplit("/", 1)[-1]


class CaseFold:
    """One case diagnosed from its inputs' results taken one at a time, as a batch streams
    them (or what the case reads of each, `reading.read`, as worker processes send it).
    Kept of each input: its counts, what its relevant findings (errors and root causes) say
    with the identities they are about, and what the timeline and the contradiction check
    gather (distinct moments and certificates, not inputs); an input that
    passes cleanly adds nothing that grows, and one that repeats findings already held (about
    the same certificate, or naming none) adds only its number (an int; its name too while
    fewer than `LISTED` inputs of those findings are named)."""

    def __init__(self, case: str, *, repeats: bool = False) -> None:
        self.case = case
        self.files = self.parsed = self.skipped = self.failed = 0
        #: When an input may come more than once (its path given twice): each name's number,
        #: so that a file is counted once, however often it comes. Otherwise inputs are
        #: numbered as they come and no name is held for it.
        self._numbers: dict[str, int] | None = {} if repeats else None
        self._verdicts: set[Verdict | None] = set()
        self._units: list[_Unit] = []
        #: A unit about a certificate by its identities and findings, so that a later input
        #: showing the same is counted in it instead of held again.
        self._shapes: dict[tuple[Any, ...], _Unit] = {}
        self._timeline = Timeline()
        self._contradictions = Contradictions()

    def add(self, result: InputResult) -> None:
        """Take one input's result."""
        self.take(read(result))

    def take(self, reading: Reading) -> None:
        """Take what the case reads of one input (`reading.read`: from its result, where it
        was analysed)."""
        source = reading.source
        number = self.files
        if self._numbers is not None:
            number = self._numbers.setdefault(source, len(self._numbers))
        self.files += 1
        if reading.status in ("skipped", "unrecognized"):
            self.skipped += 1
        elif reading.status == "error":
            self.failed += 1
        if reading.status not in ("parsed", "partial"):
            return
        self.parsed += 1
        self._verdicts.add(reading.verdict)
        for group in reading.groups:
            shape = (group.about, group.said)
            # Another copy of findings already held (about the same certificate, or naming
            # none and no server either) is kept as a name only: a sweep of copies, or of
            # fragments that show the same failure, holds each finding once.
            same = None if group.server else self._shapes.get(shape)
            if same is not None:
                same.add(number, source)
                continue
            unit = _Unit(source, group.identities or tuple(map(identity, group.about)),
                         list(group.said), number)
            self._units.append(unit)
            self._shapes.setdefault(shape, unit)
        self._timeline.take(reading.moments, source)
        self._contradictions.take(reading.leaves, reading.passes, reading.rejects, source)

    def result(self) -> CaseResult:
        """The case's diagnosis: group findings by certificate, rank each group's root causes,
        mark symptoms and confirmations within a group, note contradictions."""
        units = self._units
        at = now().replace(tzinfo=None)  # one time of analysis for every group of the case
        diagnoses = sorted((_diagnose(g, at) for g in _groups(units)), key=lambda d: d.rank)
        certificates = [d.certificate for d in diagnoses]
        roots = list(dict.fromkeys(c for cert in certificates for c in cert.root_causes))
        symptoms = [c for cert in certificates for c in cert.symptoms if c not in roots]
        notes = [n for d in diagnoses for n in d.notes]
        if len(certificates) > 1:
            notes.insert(0, f"{len(certificates)} different certificates or server logs in "
                         "this case, each diagnosed on its own; findings are linked only "
                         "within one: " + "; ".join(c.label for c in certificates))
        notes.extend(self._contradictions.notes())
        verdict = worst_verdict(self._verdicts)
        if not self.parsed:
            notes.append("nothing in this case was recognised: no certutil output or event log")
        if not roots and verdict == "pass":
            roots = ["ok"]
        return CaseResult(
            case=self.case, verdict=verdict, root_causes=tuple(roots),
            iis_substatus=tuple(dict.fromkeys(s for c in certificates for s in c.iis_substatus)),
            symptoms=tuple(dict.fromkeys(symptoms)), notes=tuple(notes),
            certificates=tuple(certificates), timeline=self._timeline.entries(),
            files=self.files, parsed=self.parsed, skipped=self.skipped, failed=self.failed,
        )


def diagnose_case(case: str, results: list[InputResult]) -> CaseResult:
    """A case's diagnosis from all its inputs' results (see :class:`CaseFold`); an input that
    comes more than once counts once."""
    fold = CaseFold(case, repeats=True)
    for result in results:
        fold.add(result)
    return fold.result()


__all__ = ["LISTED", "CaseFold", "about", "diagnose_case"]
