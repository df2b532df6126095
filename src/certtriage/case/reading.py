"""What a case reads of one input, taken from its result where the input was analysed.

A batch folds each input's result into its case (`CaseFold`), and what the fold reads of a
result is small: the input's status and verdict, its relevant findings (errors and root
causes) by what they say and the identities they are about, the moments its identities
show, and what the contradiction check compares. :func:`read` takes just that, in plain
values: an identity as the tuple of its field values (`match.values`), made a model again
(`match.identity`) only where the case keeps it, for the first input that shows it. A worker
process sends this reading back instead of the result's models: building the models again
was most of what taking a result in cost the process that folds the cases: a dump's result
(5.8 models) took 15 us to pickle and 18 us to unpickle, its reading with the result's
summary 8 and 5 us. The one process every input passes through so does less for each.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ..models.common import Identity
from ..models.findings import Finding, InputResult, InputStatus, Severity, Verdict
from .contradictions import rejected, shown_leaves
from .match import ByValues, Values, keyed, values
from .timeline import UTC_KINDS, Seen, moments_of


class Said(NamedTuple):
    """What a finding says, as a case groups inputs by it and ranks its causes."""

    rule: str
    cause: str
    severity: Severity
    root_cause: bool
    iis_substatus: tuple[str, ...]


class Group(NamedTuple):
    """An input's relevant findings about one set of identities."""

    about: tuple[Values, ...]
    said: tuple[Said, ...]
    server: bool
    """About a server's window and no certificate: never taken for a copy of another's."""
    identities: tuple[Identity, ...] | None = None
    """The identities `about` holds the values of, in the process that read them (not sent
    to another: it makes them again, for the first input that shows them)."""

    def __reduce__(self) -> tuple[Any, ...]:
        return Group, (self.about, self.said, self.server)


class Reading(NamedTuple):
    """What a case reads of one input (see the module's docstring)."""

    source: str
    status: InputStatus
    verdict: Verdict | None
    warned: bool
    """Whether a finding of the input is a warning (the run's exit code reads it)."""
    groups: tuple[Group, ...] = ()
    moments: tuple[Seen, ...] = ()
    """As `timeline.moments_of` gives them."""
    leaves: tuple[Values, ...] = ()
    """The client certificates its chains show (for the contradiction check) ..."""
    passes: bool = False
    """... whether it is a chain that validates ..."""
    rejects: tuple[tuple[tuple[Values, ...], str], ...] = ()
    """... and, a server's log, the (certificates, cause) of each chain failure it logs."""


def read(result: InputResult) -> Reading:
    """What a case reads of `result`."""
    findings = result.findings
    warned = any(f.severity == "warning" for f in findings)
    if result.status not in ("parsed", "partial"):
        return Reading(result.source, result.status, result.verdict, warned)
    utc = result.kind in UTC_KINDS
    # Findings about the same identities, by the identities' values: equal for equal
    # identities, and compared as plain tuples (a model's own `==` is Python code). Each
    # identity of the input is zoned, and its values taken, once (most findings of an input
    # are about its leaf).
    zoned: dict[int, tuple[Identity, Values]] = {}
    mine: dict[tuple[Values, ...], tuple[tuple[Identity, ...], list[Said]]] = {}
    for finding in findings:
        if finding.cause == "ok" or not (finding.root_cause or finding.severity == "error"):
            continue
        ids, parts = [], []
        for shown in about(result, finding):
            got = zoned.get(id(shown))
            if got is None:
                got = zoned[id(shown)] = ((shown, values(shown)) if shown.utc is not None
                                          else _in_zone(shown, utc))
            ids.append(got[0])
            parts.append(got[1])
        said = Said(finding.rule, finding.cause, finding.severity, finding.root_cause,
                    finding.iis_substatus)
        key = tuple(parts)
        held = mine.get(key)
        if held is None:
            mine[key] = (tuple(ids), [said])
        else:
            held[1].append(said)
    groups = tuple(
        Group(key, tuple(said),
              any(i.kind == "server" for i in ids) and not any(keyed(i) for i in ids), ids)
        for key, (ids, said) in mine.items())
    leaves, passes = shown_leaves(result)
    rejects = tuple((tuple(values(i) for i in shown), cause)
                    for shown, cause in rejected(result, about))
    return Reading(result.source, result.status, result.verdict, warned, groups,
                   tuple(moments_of(result)),
                   tuple(values(i) for i in leaves), passes, rejects)


def about(result: InputResult, finding: Finding) -> tuple[Identity, ...]:
    """The identities of `result` that `finding` is about (see the package's docstring)."""
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
    element = finding.element
    if element is None:  # no element named: the chain's leaf
        leaf = [i for i in chain if i.element in (0, None)]
        return tuple(leaf) or tuple(chain)
    # the element named, then the leaf (unless it is the element named)
    named = [i for i in chain if i.element == element]
    leaf = [i for i in chain if i.element in (0, None) and i.element != element]
    return tuple(named + leaf) or tuple(chain)


def _zone(identity: Identity, utc: bool) -> tuple[Identity, Values]:
    zoned = identity.model_copy(update={"utc": utc})
    return zoned, values(zoned)


#: `identity` with its zone set, and its values: one copy for the many inputs of a case that
#: show the same certificate (a copy costs more than finding an equal identity's).
_in_zone = ByValues(_zone)
