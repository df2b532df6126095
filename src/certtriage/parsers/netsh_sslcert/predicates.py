"""Predicates over HTTP.sys SSL bindings (`netsh http show sslcert`, :class:`SslCertBindings`).

Each yields one binding per matching SSL binding, bound to it (so a later condition or an
`unless` looks at the same SSL binding), with these values for messages:

* `context`: `binding 0.0.0.0:443`, `binding portal.contoso.com:443 (SNI)` ...;
* `endpoint`, `hash` (certificate hash or `none`), `app_id`;
* `line`: the line of the setting the predicate read;
* predicate-specific values named in each docstring.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any, Literal

from ...knowledge.predicates import Binding, predicate
from .model import SslBinding, SslCertBindings

BoolSetting = Literal[
    "verify_revocation", "cached_only", "usage_check", "ds_mapper", "negotiate_client_certificate",
]


@dataclass(frozen=True)
class SslBindingMatch(Binding):
    """A rule binding tied to one SSL binding (`item`: its index in the output).

    The engine de-duplicates a rule's bindings by `key()`, which knows chain elements, URL
    checks and events but not configuration items: without the index, two SSL bindings with
    the same fault would give one finding.
    """

    item: int | None = None

    def key(self) -> tuple[Any, ...]:
        """The base identity plus the SSL binding."""
        return (*super().key(), self.item)


def _candidates(doc: SslCertBindings, b: Binding) -> Iterator[tuple[int, SslBinding]]:
    """Every binding, or the one a match is already about (taken by its index, not searched)."""
    item = b.item if isinstance(b, SslBindingMatch) else None
    if item is None:
        yield from enumerate(doc.bindings)
    elif 0 <= item < len(doc.bindings):
        yield item, doc.bindings[item]


def _bind(b: Binding, index: int, entry: SslBinding, line: int, **extra: str) -> Binding:
    values = {
        **b.values,
        "context": entry.description,
        "endpoint": entry.endpoint,
        "hash": entry.certificate_hash or "none",
        "app_id": entry.application_id or "not shown",
        "line": str(line),
        **extra,
    }
    if isinstance(b, SslBindingMatch):
        return replace(b, item=index, values=values)
    return SslBindingMatch(index=b.index, element=b.element, hresult=b.hresult, values=values,
                           item=index)


@predicate
def sslcert_setting(
    doc: SslCertBindings, b: Binding, *, setting: BoolSetting, value: bool
) -> Iterator[Binding]:
    """Each SSL binding whose on/off `setting` (a field of SslBinding) is printed and equals
    `value`. Adds `setting_text` (`Enabled` / `Disabled`)."""
    for index, entry in _candidates(doc, b):
        current = getattr(entry, setting)
        if current is not None and current == value:
            yield _bind(b, index, entry, entry.line_of(setting),
                        setting_text="Enabled" if current else "Disabled")


@predicate
def sslcert_url_timeout_below(
    doc: SslCertBindings, b: Binding, *, below_ms: int
) -> Iterator[Binding]:
    """Each SSL binding with a URL Retrieval Timeout set (non-zero: 0 means the default) and
    lower than `below_ms` milliseconds. Adds `timeout` and `threshold` (ms)."""
    for index, entry in _candidates(doc, b):
        timeout = entry.url_retrieval_timeout
        if timeout is not None and 0 < timeout < below_ms:
            yield _bind(b, index, entry, entry.line_of("url_retrieval_timeout"),
                        timeout=str(timeout), threshold=str(below_ms))


@predicate
def sslcert_ctl(doc: SslCertBindings, b: Binding) -> Iterator[Binding]:
    """Each SSL binding with a Ctl Identifier or a Ctl Store Name. Adds `ctl` (a phrase naming
    both) and `ctl_store`."""
    for index, entry in _candidates(doc, b):
        if entry.ctl_identifier is None and entry.ctl_store_name is None:
            continue
        if entry.ctl_identifier and entry.ctl_store_name:
            ctl = (f"the certificate trust list `Ctl Identifier : {entry.ctl_identifier}` in "
                   f"`Ctl Store Name : {entry.ctl_store_name}`")
        elif entry.ctl_identifier:
            ctl = (f"the certificate trust list `Ctl Identifier : {entry.ctl_identifier}` "
                   "(no Ctl Store Name)")
        else:
            ctl = f"the issuer store `Ctl Store Name : {entry.ctl_store_name}` (no Ctl Identifier)"
        field = "ctl_identifier" if entry.ctl_identifier else "ctl_store_name"
        yield _bind(b, index, entry, entry.line_of(field), ctl=ctl,
                    ctl_store=entry.ctl_store_name or "not set")


@predicate
def sslcert_labels_set(
    doc: SslCertBindings, b: Binding, *, labels: list[str]
) -> Iterator[Binding]:
    """Each SSL binding on which every one of `labels` (newer-build labels such as
    `Disable TLS1.3`, kept in `other`) reads Set or Enabled."""
    for index, entry in _candidates(doc, b):
        if labels and all(entry.is_set(label) for label in labels):
            yield _bind(b, index, entry, entry.line_of(labels[0]))
