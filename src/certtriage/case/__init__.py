"""One case of a batch run: its inputs' findings grouped by what they are about, each group
diagnosed on its own, then the case summed up.

A finding is about the identities its input shows for it (the chain element it names and its
chain's leaf, the certificate file entry or store entry of its context, the server window of
its event or log lines). Findings are linked (as cause and symptom, or as a confirmation) only
within one group:

* certificate findings join when their identities match (`match.same_certificate`);
* findings whose input names no certificate join the case's certificate when it has one at
  most, and stay on their own otherwise;
* a server's log (IIS W3C, Schannel, HTTP.sys events) joins the certificate seen on the same
  server in the same window, or the case's only certificate; else the windows of the same
  server group together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..clock import now
from ..engine import rulebook, worst_verdict
from ..models.common import Identity
from ..models.findings import (
    SEVERITY_RANK,
    CaseCertificate,
    CaseResult,
    Finding,
    InputResult,
)
from .contradictions import contradictions
from .match import any_same, describe, keyed, match_keys, same_window, strongest
from .timeline import UTC_KINDS, timeline
from .validity import judge


@dataclass
class _Unit:
    """The findings of one input about one set of identities."""

    source: str
    about: tuple[Identity, ...]
    findings: list[Finding] = field(default_factory=list)

    @property
    def certificates(self) -> list[Identity]:
        return [i for i in self.about if keyed(i)]

    @property
    def servers(self) -> list[Identity]:
        return [i for i in self.about if i.kind == "server"]


def about(result: InputResult, finding: Finding) -> tuple[Identity, ...]:
    """The identities of `result` that `finding` is about (see the module docstring)."""
    ids = result.identities
    if finding.event_id is not None:
        hits = [i for i in ids if i.event_id == finding.event_id]
        if hits:
            return tuple(hits)
    if finding.context:
        chain = [i for i in ids if i.context and i.context in finding.context]
    else:
        chain = [i for i in ids if i.context is None]
    chain = chain or list(ids)
    named = [i for i in chain if finding.element is not None and i.element == finding.element]
    leaf = [i for i in chain if i.element in (0, None) and i not in named]
    return tuple(named + leaf) or tuple(chain)


def _units(read: list[InputResult]) -> list[_Unit]:
    """The case's relevant findings (errors and each input's root causes) by input and
    identities, in input order."""
    units: dict[tuple[str, tuple[Identity, ...]], _Unit] = {}
    for result in read:
        for finding in result.findings:
            if finding.cause == "ok" or not (finding.root_cause or finding.severity == "error"):
                continue
            ids = _zoned(about(result, finding), result.kind in UTC_KINDS)
            units.setdefault((result.source, ids), _Unit(result.source, ids)).findings.append(
                finding)
    return list(units.values())


def _zoned(ids: tuple[Identity, ...], utc: bool) -> tuple[Identity, ...]:
    """The identities with their zone: as they say, else as their input kind gives it."""
    return tuple(i if i.utc is not None else i.model_copy(update={"utc": utc}) for i in ids)


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


def _diagnose(group: list[_Unit]) -> _Diagnosis:
    """One group's root causes, symptoms, sub-statuses and notes."""
    graph = rulebook().cause_graph
    shown = strongest(i for u in group for i in u.about)
    named = shown is not None and (shown.kind == "server" or keyed(shown))
    label = describe(shown) if named else f"a certificate {_name(group[0].source)} does not name"
    seen_in: dict[str, list[str]] = {}
    for unit in group:
        for f in unit.findings:
            if f.severity == "error" or f.root_cause:
                found = seen_in.setdefault(f.cause, [])
                found.extend([unit.source] if unit.source not in found else [])
    findings = [f for u in group for f in u.findings]
    severity = {c: max(SEVERITY_RANK[f.severity] for f in findings if f.cause == c)
                for c in seen_in}
    roots = list(dict.fromkeys(f.cause for f in findings if f.root_cause))
    symptoms = [c for c in roots if any(c in graph.get(o, ()) for o in roots if o != c)]
    roots = sorted((c for c in roots if c not in symptoms),
                   key=lambda c: (-severity[c], -len(seen_in[c])))
    notes = [f"{cause} is confirmed by {len(files)} files about {label}: {', '.join(files[:4])}"
             for cause, files in seen_in.items() if len(files) > 1 and cause in roots]
    for root in roots:
        for symptom in sorted(graph.get(root, ())):
            others = [s for s in seen_in.get(symptom, ()) if s not in seen_in[root]]
            if others:
                notes.append(f"{root} ({seen_in[root][0]}) is confirmed from the other side: "
                             f"{symptom} in {', '.join(others[:3])} (both about {label})")
    iis = tuple(dict.fromkeys(s for f in findings if f.cause in roots and f.severity == "error"
                              for s in f.iis_substatus))
    validity = judge((i for u in group for i in u.about), now().replace(tzinfo=None))
    notes.extend(v.said for v in validity)
    certificate = CaseCertificate(
        label=label, identity=shown if named else None,
        sources=tuple(dict.fromkeys(u.source for u in group)), root_causes=tuple(roots),
        iis_substatus=iis, symptoms=tuple(symptoms), validity=validity)
    top = max((severity[c] for c in roots), default=0)
    return _Diagnosis(certificate, notes, (-top, -max((len(seen_in[c]) for c in roots),
                                                      default=0)))


def _name(source: str) -> str:
    """The file name of an input (its member name inside an archive)."""
    return source.replace("\\", "/").rsplit("!", 1)[-1].rsplit("/", 1)[-1]


def diagnose_case(case: str, results: list[InputResult]) -> CaseResult:
    """Combine a case's files: group findings by certificate, rank each group's root causes,
    mark symptoms and confirmations within a group, note contradictions."""
    read = [r for r in results if r.status in ("parsed", "partial")]
    diagnoses = sorted((_diagnose(g) for g in _groups(_units(read))), key=lambda d: d.rank)
    certificates = [d.certificate for d in diagnoses]
    roots = list(dict.fromkeys(c for cert in certificates for c in cert.root_causes))
    symptoms = [c for cert in certificates for c in cert.symptoms if c not in roots]
    notes = [n for d in diagnoses for n in d.notes]
    if len(certificates) > 1:
        notes.insert(0, f"{len(certificates)} different certificates or server logs in this "
                     "case, each diagnosed on its own; findings are linked only within one: "
                     + "; ".join(c.label for c in certificates))
    notes.extend(contradictions(read, about))
    verdict = worst_verdict(r.verdict for r in read)
    if not read:
        notes.append("nothing in this case was recognised: no certutil output or event log")
    if not roots and verdict == "pass":
        roots = ["ok"]
    return CaseResult(
        case=case, verdict=verdict, root_causes=tuple(roots),
        iis_substatus=tuple(dict.fromkeys(s for c in certificates for s in c.iis_substatus)),
        symptoms=tuple(dict.fromkeys(symptoms)), notes=tuple(notes),
        certificates=tuple(certificates), timeline=timeline(read), files=len(results),
        parsed=len(read), skipped=sum(r.status in ("skipped", "unrecognized") for r in results),
        failed=sum(r.status == "error" for r in results),
    )


__all__ = ["about", "diagnose_case"]
