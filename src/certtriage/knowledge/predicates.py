"""The closed vocabulary that rule conditions may use.

A predicate takes the parsed document and a binding (what earlier conditions of the rule
matched: an element, a URL check, an error code) and yields zero or more refined bindings. A
rule fires once per binding left after all its `when` conditions, unless an `unless`
condition matches that binding. New logic means a new named predicate here, with a unit test,
never code in a rule file.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, get_args, get_type_hints

from pydantic import TypeAdapter

from ..models.common import ChainElement, HResult, UrlCheck, UrlSection, UrlStatus
from ..parsers.certutil_verify.model import CertutilVerify, Trailer
from ..parsers.events.model import Event, EventLog

CLIENT_AUTH_OID = "1.3.6.1.5.5.7.3.2"
ANY_EKU_OID = "2.5.29.37.0"


@dataclass(frozen=True)
class Binding:
    """What a rule's conditions have matched so far."""

    element: ChainElement | None = None
    index: int | None = None
    check: UrlCheck | None = None
    hresult: HResult | None = None
    flag: str | None = None
    event: Event | None = None
    values: dict[str, str] = field(default_factory=dict)

    def key(self) -> tuple[Any, ...]:
        """Identity of a binding, for de-duplicating findings."""
        return (
            self.index,
            id(self.element) if self.index is None else None,
            self.check.url if self.check else None,
            self.check.span.start if self.check else None,
            self.hresult.hex if self.hresult else None,
            id(self.event) if self.event is not None else None,
            # configuration and log formats bind their items through values
            tuple(sorted(self.values.items())),
        )


Predicate = Callable[..., Iterator[Binding]]
PREDICATES: dict[str, Predicate] = {}


def predicate(fn: Predicate) -> Predicate:
    """Register `fn` under its name."""
    PREDICATES[fn.__name__] = fn
    return fn


def check_args(name: str, args: dict[str, Any]) -> None:
    """Reject arguments the predicate does not take (raised as a rule-file error)."""
    params = inspect.signature(PREDICATES[name]).parameters
    allowed = {n for n, p in params.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}
    required = {
        n for n, p in params.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is inspect.Parameter.empty
    }
    unknown = set(args) - allowed
    if unknown:
        raise ValueError(f"predicate {name!r} takes no argument {sorted(unknown)[0]!r}")
    missing = required - set(args)
    if missing:
        raise ValueError(f"predicate {name!r} needs argument {sorted(missing)[0]!r}")
    hints = get_type_hints(PREDICATES[name])
    for arg, value in args.items():
        TypeAdapter(hints[arg]).validate_python(value, strict=True)
        _check_vocabulary(arg, value)


_SECTIONS = set(get_args(UrlSection))
_STATUSES = set(get_args(UrlStatus))


def _check_vocabulary(arg: str, value: Any) -> None:
    """Names in arguments must exist: a misspelt flag would otherwise never match."""
    from .codes import code_tables

    items = value if isinstance(value, list) else [value]
    for item in items:
        if arg in ("flag", "flags", "chain_flags") and code_tables().trust_flag(item) is None:
            raise ValueError(f"{arg}: unknown CERT_TRUST flag {item!r}")
        if arg == "codes" and code_tables().lookup(item) is None:
            raise ValueError(f"codes: unknown error code {item!r}")
        if arg == "sections" and item not in _SECTIONS:
            raise ValueError(f"sections: {item!r} is not one of {sorted(_SECTIONS)}")
        if arg == "statuses" and item not in _STATUSES:
            raise ValueError(f"statuses: {item!r} is not one of {sorted(_STATUSES)}")
        if arg == "trailer" and item not in Trailer.model_fields:
            raise ValueError(f"trailer: {item!r} is not a verdict attribute")
        if arg == "bind" and item not in ("leaf", "last", "none"):
            raise ValueError("bind: must be leaf, last or none")
        if arg == "direction" and item not in ("received", "generated"):
            raise ValueError("direction: must be received or generated")


# ---- facts about a document ---------------------------------------------------------------
def all_hresults(doc: CertutilVerify) -> list[HResult]:
    """Every error code in the document, in line order, first occurrence of each code."""
    found: list[HResult] = []
    for element in (*doc.elements, *((doc.echo,) if doc.echo else ())):
        for check in element.url_checks:
            if check.error and check.error.hresult:
                found.append(check.error.hresult)
    found.extend(doc.errors)
    for extra in (doc.trailer.leaf_revocation_error, doc.trailer.failed_hresult):
        if extra is not None:
            found.append(extra)
    seen: set[str] = set()
    ordered = []
    for hresult in sorted(found, key=lambda h: h.line):
        if hresult.hex not in seen:
            seen.add(hresult.hex)
            ordered.append(hresult)
    return ordered


def leaf_evidence(doc: CertutilVerify) -> bool:
    """Whether the trailer speaks about the leaf (revoked / revocation error on the leaf)."""
    t = doc.trailer
    return t.leaf_revoked or t.leaf_revocation_error is not None or t.certificate_revoked


def leaf(doc: CertutilVerify) -> ChainElement | None:
    """Element 0, else a lone headless element the trailer attributes to the leaf, else the echo."""
    for element in doc.elements:
        if element.index == 0:
            return element
    headless = [e for e in doc.elements if e.index is None]
    if len(headless) == 1 and len(doc.elements) == 1 and leaf_evidence(doc):
        return headless[0]
    return doc.echo


def chain_status_is_known(doc: CertutilVerify) -> bool:
    """Whether the input shows the chain's status at all."""
    return (
        any(s.error_status is not None or s.info_status is not None for s in doc.chain)
        or any(e.error_status is not None for e in doc.elements)
        or doc.trailer.scinfo_chain_status is not None
    )


def error_bits(doc: CertutilVerify) -> bool:
    """Whether any status in the document carries an error bit."""
    chain = doc.chain_error
    if chain is not None and chain.value:
        return True
    if doc.trailer.scinfo_chain_status:
        return True
    return any(e.error_status is not None and e.error_status.value for e in doc.elements)


def _element_index(doc: CertutilVerify, element: ChainElement, bind: str) -> int | None:
    if element.index is not None:
        return element.index
    if bind == "leaf" and element is leaf(doc):
        return 0
    return None


# ---- predicates ---------------------------------------------------------------------------
@predicate
def trust_error(
    doc: CertutilVerify,
    b: Binding,
    *,
    flag: str,
    codes: list[str] | None = None,
    trailer: list[str] | None = None,
    bind: str = "none",
) -> Iterator[Binding]:
    """Elements whose dwErrorStatus carries `flag`.

    When no element carries it (a fragment, or a chain-only flag), one binding if the chain
    status, one of `codes` or one of the `trailer` verdict attributes reports it. `bind` says
    which element such a chain-level report is about: `leaf`, `last` (where the chain ends)
    or `none`.
    """
    codes_lower = {c.lower() for c in codes or ()}
    code = next((h for h in all_hresults(doc) if h.hex in codes_lower), None)
    hits = [e for e in doc.elements if e.error_status and flag in e.error_status.flags]
    if b.element is not None:
        hits = [e for e in hits if e is b.element]
    for hit in hits:
        yield replace(b, element=hit, index=_element_index(doc, hit, bind),
                      flag=flag, hresult=b.hresult or code)
    if hits:
        return
    chain = doc.chain_error
    scinfo = doc.trailer.scinfo_chain_status
    reported = (
        (chain is not None and flag in chain.flags)
        or code is not None
        or any(getattr(doc.trailer, name) for name in trailer or ())
        or (scinfo is not None and _scinfo_has(scinfo, flag))
    )
    if not reported:
        return
    element: ChainElement | None = None
    if bind == "leaf" and not leaf_evidence(doc):
        bind = "none"
    if bind == "leaf":
        element = leaf(doc)
    elif bind == "last" and doc.elements:
        element = doc.elements[-1]
    index = None
    if element is not None:
        index = element.index if element.index is not None else (0 if bind == "leaf" else None)
    elif bind == "leaf":
        index = 0
    yield replace(b, element=element, index=index, flag=flag, hresult=b.hresult or code)


def _scinfo_has(value: int, flag: str) -> bool:
    from .codes import code_tables

    return any(f.name == flag for f in code_tables().decode_status("error", value))


@predicate
def url_check(
    doc: CertutilVerify, b: Binding, *, sections: list[str], statuses: list[str]
) -> Iterator[Binding]:
    """Each -urlfetch retrieval in one of `sections` whose status is one of `statuses`."""
    elements = [b.element] if b.element is not None else list(doc.elements)
    for element in elements:
        for check in element.url_checks:
            if check.section in sections and check.status in statuses:
                hresult = check.error.hresult if check.error else None
                yield replace(b, element=element, index=element.index, check=check,
                              hresult=hresult)


@predicate
def element_healthy(
    doc: CertutilVerify, b: Binding, *, flags: list[str], chain_flags: list[str] | None = None
) -> Iterator[Binding]:
    """The bound element's status is known and has none of `flags`, and the chain status
    (when `chain_flags` is given) is known and has none of those."""
    element = b.element
    if element is None or element.error_status is None:
        return
    if any(f in element.error_status.flags for f in flags):
        return
    if chain_flags:
        chain = doc.chain_error
        if chain is None and not any(s.info_status for s in doc.chain):
            return
        if chain is not None and any(f in chain.flags for f in chain_flags):
            return
    yield b


@predicate
def leaf_eku(doc: CertutilVerify, b: Binding, *, lacks: str) -> Iterator[Binding]:
    """The leaf's valid application policies are known and do not include `lacks`.

    Known means: the leaf element's Application[n] lines, or the Verified Application
    Policies list. A CA certificate being verified, `All`, or anyExtendedKeyUsage never match.
    """
    t = doc.trailer
    if t.cert_kind == "ca" or t.verified_application_all:
        return
    element = leaf(doc)
    policies = element.policies if element is not None else ()
    ekus = [p for p in policies if p.kind == "application"]
    if not ekus and t.verified_application:
        ekus = list(t.verified_application)
    if not ekus:
        return
    oids = {p.oid for p in ekus}
    if lacks in oids or ANY_EKU_OID in oids:
        return
    names = ", ".join(f"{p.oid} {p.name}".strip() for p in ekus)
    yield replace(b, element=element, index=0, values={**b.values, "ekus": names})


@predicate
def client_auth_demanded(doc: CertutilVerify, b: Binding) -> Iterator[Binding]:
    """The run asked for Client Authentication: a 1.3.6.1.5.5.7.3.2 policy argument, or the
    smart-card logon check of certutil -scinfo failed."""
    requested = any(p.oid == CLIENT_AUTH_OID for p in doc.preamble.requested_policies)
    if requested or doc.trailer.scinfo_logon_chain == "invalid":
        yield b


@predicate
def chain_status_known(doc: CertutilVerify, b: Binding, *, value: bool = True) -> Iterator[Binding]:
    """The input shows (value=true) or does not show (false) the chain's status."""
    if chain_status_is_known(doc) == value:
        yield b


@predicate
def chain_clean(doc: CertutilVerify, b: Binding) -> Iterator[Binding]:
    """The chain status is known and nothing reports an error: no error bit, no error line,
    no revoked or revocation-error verdict, no failed -scinfo chain."""
    t = doc.trailer
    if (
        chain_status_is_known(doc)
        and not error_bits(doc)
        and not doc.errors
        and not leaf_evidence(doc)
        and not t.incomplete_chain
        and not t.missing_issuer
        and not t.untrusted_root
        and t.failed_hresult is None
        and t.scinfo_chain != "invalid"
    ):
        yield b


@predicate
def chain_failed(doc: CertutilVerify, b: Binding) -> Iterator[Binding]:
    """Something in the input reports a failed chain: an error bit, an error line or a
    revoked / revocation-error verdict."""
    t = doc.trailer
    if error_bits(doc) or doc.errors or leaf_evidence(doc) or t.incomplete_chain:
        yield b


@predicate
def certutil_completed(
    doc: CertutilVerify, b: Binding, *, outcome: str = "success"
) -> Iterator[Binding]:
    """certutil's final line says `outcome` (success or failed)."""
    if doc.trailer.completed == outcome:
        yield b


@predicate
def code(doc: CertutilVerify, b: Binding, *, codes: list[str]) -> Iterator[Binding]:
    """An error code among `codes` appears anywhere in the input."""
    wanted = {c.lower() for c in codes}
    for hresult in all_hresults(doc):
        if hresult.hex in wanted:
            yield replace(b, hresult=hresult)
            return


# ---- event-log predicates -------------------------------------------------------------------
@predicate
def event(
    doc: EventLog, b: Binding, *, ids: list[int], providers: list[str] | None = None
) -> Iterator[Binding]:
    """Each event with one of `ids` (from one of `providers`, when given)."""
    wanted = set(providers or ())
    for item in doc.events:
        if item.event_id in ids and (not wanted or item.provider in wanted):
            yield replace(b, event=item)


@predicate
def alert(
    doc: EventLog,
    b: Binding,
    *,
    direction: str,
    alerts: list[int] | None = None,
    not_alerts: list[int] | None = None,
) -> Iterator[Binding]:
    """Schannel fatal-alert events: `received` (36887) or `generated` (36888), with an alert
    number among `alerts` (any when not given) and not among `not_alerts`."""
    event_id = 36887 if direction == "received" else 36888
    for item in doc.events:
        if item.provider != "Schannel" or item.event_id != event_id:
            continue
        code_ = item.alert_code
        if alerts is not None and code_ not in alerts:
            continue
        if not_alerts is not None and code_ in not_alerts:
            continue
        yield replace(b, event=item)


#: Predicate modules of the configuration and log formats (see formats.py); importing them
#: registers their predicates.
PREDICATE_MODULES = (
    "certtriage.parsers.netsh_sslcert.predicates",
    "certtriage.parsers.schannel_registry.predicates",
    "certtriage.parsers.iis_config.predicates",
    "certtriage.parsers.iis_w3c_log.predicates",
    "certtriage.parsers.certutil_store.predicates",
    "certtriage.parsers.certificate_file.predicates",
)


def load_predicate_modules() -> None:
    """Import every format's predicate module (each registers its predicates)."""
    import importlib

    for name in PREDICATE_MODULES:
        importlib.import_module(name)


def predicate_fn(name: str) -> Predicate:
    """The predicate called `name`; format modules are imported on first need, so a run that
    reads only certutil output never imports the others."""
    fn = PREDICATES.get(name)
    if fn is None:
        load_predicate_modules()
        fn = PREDICATES[name]
    return fn
