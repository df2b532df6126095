"""The closed vocabulary that rule conditions may use, and what a match carries.

A predicate takes the parsed document and a binding (what earlier conditions of the rule
matched) and yields zero or more refined bindings. A rule fires once per binding left after all
its `when` conditions, unless an `unless` condition matches that binding. New logic means a new
named predicate with a unit test, never code in a rule file.

Each format registers its predicates in its own `parsers/<format>/predicates.py`, with the
:func:`predicate` decorator, and names there the binding its rules start from (`START`). The
engine knows only :class:`Binding`: a format's subclass says what counts as the same match
(:meth:`Binding.key`) and what a finding made of it shows (:meth:`Binding.facts`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple, get_type_hints

from pydantic import TypeAdapter

from ..models.common import ChainElement, HResult, Span

CLIENT_AUTH_OID = "1.3.6.1.5.5.7.3.2"
ANY_EKU_OID = "2.5.29.37.0"


class Facts(NamedTuple):
    """What a finding shows about one match: the values its message may name, and the
    finding's own fields."""

    fill: dict[str, str]
    """Placeholder values for the rule's message template."""
    element: int | None = None
    """The chain element (0 = leaf) or item index the match is about."""
    role: str | None = None
    """leaf, subordinate CA, root CA ..."""
    subject: str | None = None
    """That certificate's subject."""
    url: str | None = None
    """The URL at fault."""
    hresult: str | None = None
    """The error code the match is about."""
    event_id: int | None = None
    """The event the match is about."""
    time: str | None = None
    """That event's time as exported."""
    alert_code: int | None = None
    """Its TLS alert number."""
    context: str | None = None
    """Where in the input (an SSL binding, a site, a CAPI2 run ...)."""
    spans: tuple[Span, ...] = ()
    """Input lines that justify the finding."""
    codes: tuple[str, ...] = ()
    """Error codes that may name a more specific cause (a rule's `cause_by_code`)."""


def describe_element(role: str | None, element: ChainElement | None, index: int | None,
                     subject: str | None) -> str:
    """`the subordinate CA [0][1] (CN=...)`, or a plain phrase when the position is unknown."""
    if index is None:
        base = "a certificate of the chain (its CertContext header is not in the input)"
        return f"{base[:-1]}, {subject})" if subject else base
    chain = element.chain_index if element is not None and element.chain_index else 0
    label = {"leaf": "the leaf certificate"}.get(role or "", f"the {role or 'certificate'}")
    return f"{label} [{chain}][{index}]" + (f" ({subject})" if subject else "")


@dataclass(frozen=True)
class Binding:
    """What a rule's conditions have matched so far: an item or chain element by index, a
    certificate seen as a chain element, an error code, and named values for the message."""

    index: int | None = None
    element: ChainElement | None = None
    hresult: HResult | None = None
    values: dict[str, str] = field(default_factory=dict)

    def key(self) -> tuple[Any, ...]:
        """Identity of a binding, for de-duplicating findings."""
        return (
            self.index,
            id(self.element) if self.index is None and self.element is not None else None,
            self.hresult.hex if self.hresult else None,
            tuple(sorted(self.values.items())),
        )

    def facts(self, doc: Any) -> Facts:
        """What a finding made of this binding shows."""
        subject = self.element.subject if self.element is not None else None
        fill = {
            "who": describe_element(None, self.element, self.index, subject),
            "index": str(self.index) if self.index is not None else "?",
            "subject": subject or "subject not in the input",
            "role": "certificate",
            "hresult": self.hresult.hex if self.hresult else "",
            "symbol": (self.hresult.symbol or "") if self.hresult else "",
            **self.values,
        }
        spans = []
        if self.element is not None:
            spans.append(self.element.span)
        if self.hresult is not None and self.hresult.line:
            spans.append(Span.trusted(start=self.hresult.line, end=self.hresult.line))
        return Facts(
            fill=fill, element=self.index, subject=subject, url=self.values.get("url"),
            hresult=self.hresult.hex if self.hresult else None,
            context=self.values.get("context"), spans=tuple(spans),
            codes=(self.hresult.hex,) if self.hresult else (),
        )


class Part(NamedTuple):
    """A piece of an input evaluated as evidence of its own, with the rules of another kind
    (a CAPI2 run inside an event log is evaluated like certutil output)."""

    kind: str
    """The kind the piece's rules name in `applies_to` (`capi2-run`)."""
    model: Any
    """The piece as a model."""
    start: Binding
    """The binding its rules start from."""
    context: str
    """Where the piece is in the input, shown on each of its findings."""
    not_iis: str | None = None
    """Why the check the piece shows is not IIS's (a client checking a server, another
    process), said on its findings instead of IIS's 403 sub-statuses; None when it may be."""
    place: Callable[[Span], Span] | None = None
    """Where a span of the model's lines stands in the input, for a piece read from its own
    lines alone; None when the model's line numbers are the input's."""


Predicate = Callable[..., Iterator[Binding]]
PREDICATES: dict[str, Predicate] = {}


def predicate(fn: Predicate) -> Predicate:
    """Register `fn` under its name."""
    PREDICATES[fn.__name__] = fn
    return fn


#: What a document must show for some predicates to match at all, by predicate name:
#: `needs(**args)` gives the signals (any hashable keys) one of which the document must show
#: for the predicate to yield anything from a binding about no element, and `shows(doc)` the
#: signals a document shows. A rule whose first condition cannot match is not evaluated.
Signals = frozenset[Hashable]
SIGNALS: dict[str, tuple[Callable[..., Signals], Callable[[Any], Signals]]] = {}


def signals(name: str, needs: Callable[..., Signals], shows: Callable[[Any], Signals]) -> None:
    """Register what predicate `name` needs of a document (see `SIGNALS`)."""
    SIGNALS[name] = (needs, shows)


#: Names that argument values must come from, per argument name: filled by the format
#: modules (`vocabulary`), checked when a rule file is validated.
_VOCABULARY: dict[str, Callable[[Any], str | None]] = {}


def vocabulary(arg: str) -> Callable[[Callable[[Any], str | None]], Callable[[Any], str | None]]:
    """Register a check for the values of argument `arg`: it returns a problem or None."""
    def register(check: Callable[[Any], str | None]) -> Callable[[Any], str | None]:
        if _VOCABULARY.setdefault(arg, check) is not check:
            raise ValueError(f"argument {arg!r} already has a vocabulary")
        return check
    return register


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
        check = _VOCABULARY.get(arg)
        for item in value if isinstance(value, list) else [value]:
            problem = check(item) if check is not None else None
            if problem:
                raise ValueError(f"{arg}: {problem}")


def _trust_flag(item: Any) -> str | None:
    from .codes import code_tables

    return None if code_tables().trust_flag(item) else f"unknown CERT_TRUST flag {item!r}"


def _error_code(item: Any) -> str | None:
    from .codes import code_tables

    return None if code_tables().lookup(item) else f"unknown error code {item!r}"


# Names every format may use in arguments: CERT_TRUST flags and error codes.
for _arg in ("flag", "flags", "chain_flags"):
    vocabulary(_arg)(_trust_flag)
vocabulary("codes")(_error_code)
