"""Predicates over `openssl s_client` output (:class:`SClientOutput`).

Values they add for messages: `line` (where the output says it), and the predicate-specific
values named in each docstring.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from ...knowledge.predicates import Binding, predicate
from .model import SClientOutput

#: Names listed by name in a message before "and N more".
LIST_LIMIT = 8
#: The most a CertificateRequest's list of CA names holds (Schannel cuts it at 16 KB).
LIST_BYTES = 16384


@predicate
def sclient_no_ca_names(doc: SClientOutput, b: Binding) -> Iterator[Binding]:
    """The output says `No client certificate CA names sent`."""
    if isinstance(doc, SClientOutput) and doc.ca_names == ():
        yield replace(b, values={**b.values, "line": str(doc.ca_names_line),
                                 "requested": _ASKED if doc.certificate_requested
                                 else _NOT_ASKED})


#: What `No client certificate CA names sent` says, by whether a certificate request came (its
#: `Client Certificate Types` or `Requested Signature Algorithms` lines): s_client prints the
#: line whenever no names came, asked or not.
_ASKED = ("asked for a client certificate and named no CAs: a client then chooses among all "
          "its certificates (on Windows, Schannel's SendTrustedIssuerList 0, the default from "
          "Windows Server 2012)")
_NOT_ASKED = ("did not ask for a client certificate in this handshake: no certificate request "
              "came (s_client prints that line whenever no CA names came, and no `Client "
              "Certificate Types` line follows it); a server that asks after the HTTP request, "
              "as IIS does without Negotiate Client Certificate, or not at all, looks like this")


@predicate
def sclient_ca_names(doc: SClientOutput, b: Binding, *,
                     over_percent: int | None = None) -> Iterator[Binding]:
    """The server names CAs for client certificates (with `over_percent`: names whose DER
    size, as a CertificateRequest carries them, fills more than that share of its 16 KB).
    Adds `count`, `names` (the first few), `bytes` (the estimated size) and `percent`."""
    if not isinstance(doc, SClientOutput) or not doc.ca_names:
        return
    size = sum(_der_size(n.name) + 2 for n in doc.ca_names)
    if over_percent is not None and size * 100 <= LIST_BYTES * over_percent:
        return
    shown = [n.name for n in doc.ca_names[:LIST_LIMIT]]
    more = len(doc.ca_names) - len(shown)
    yield replace(b, values={
        **b.values, "line": str(doc.ca_names_line), "count": str(len(doc.ca_names)),
        "names": "; ".join(shown) + (f"; and {more} more" if more else ""),
        "bytes": str(size), "percent": str(round(100 * size / LIST_BYTES))})


@predicate
def sclient_alert(doc: SClientOutput, b: Binding, *, alerts: list[int],
                  unsent: list[int] | None = None, given: bool = False) -> Iterator[Binding]:
    """Each alert the server sent of `alerts`, or of `unsent` when the command line shows
    s_client was given no client certificate; with `given`, only when it was given one or the
    paste does not show. Adds `alert`, `alert_text` and `line`."""
    if not isinstance(doc, SClientOutput) or (given and doc.sent_certificate is False):
        return
    also = set(unsent or ()) if doc.sent_certificate is False else set()
    for alert in doc.alerts:
        if alert.code in alerts or alert.code in also:
            yield replace(b, values={**b.values, "alert": str(alert.code),
                                     "alert_text": alert.text, "line": str(alert.line)})


@predicate
def sclient_verify_errors(doc: SClientOutput, b: Binding) -> Iterator[Binding]:
    """s_client's own check of the server's chain found errors. Adds `errors` (each as
    `text (code) at depth N`, in order, once each), `line` (of the first) and `whose` (the
    server's own certificate, a CA certificate of its chain, or both)."""
    if not isinstance(doc, SClientOutput) or not doc.verify_errors:
        return
    seen: dict[tuple[int | None, int], str] = {}
    for error in doc.verify_errors:
        at = f" at depth {error.depth}" if error.depth is not None else ""
        seen.setdefault((error.depth, error.code), f"{error.text} ({error.code}){at}")
    depths = {depth for depth, _ in seen}
    whose = ("the server's own certificate" if depths == {0} else
             "a CA certificate of the server's chain" if 0 not in depths and None not in depths
             else "the server's chain")
    yield replace(b, values={**b.values, "errors": "; ".join(seen.values()),
                             "line": str(doc.verify_errors[0].line), "whose": whose})


_CONNECT = re.compile(r"\s-connect[\s=]+(?P<host>\[[^\]]+\]|[^\s:]+)(?::\d+)?")
_SERVERNAME = re.compile(r"\s-servername[\s=]+(?P<name>\S+)")


@predicate
def sclient_sni_mismatch(doc: SClientOutput, b: Binding) -> Iterator[Binding]:
    """The command sends a server name (`-servername`) other than the host it connects to.
    Adds `host` and `sni`."""
    if not isinstance(doc, SClientOutput) or doc.command is None:
        return
    host, name = _CONNECT.search(doc.command), _SERVERNAME.search(doc.command)
    if host is None or name is None:
        return
    connected, sni = host["host"].strip("[]").lower(), name["name"].lower().rstrip(".")
    if connected != sni and not re.fullmatch(r"[\d.]+|[0-9a-f:]+", connected):
        yield replace(b, values={**b.values, "host": connected, "sni": sni})


def _der_size(name: str) -> int:
    """The DER length of a name s_client prints (`C = US, CN = x` or `/C=US/CN=x`)."""
    from ..certutil_store.issuer_list import name_der_length

    if name.startswith("/"):
        parts = [p for p in name.split("/") if p]
        dn = ", ".join(parts)
    else:
        dn = ", ".join(part.replace(" = ", "=", 1) for part in _parts(name))
    return name_der_length(dn)[0]


def _parts(name: str) -> list[str]:
    """`C = US, O = A, B, CN = x` split into its attributes (a comma inside a value stays)."""
    return [p.strip() for p in re.split(r",\s*(?=[A-Za-z][\w.]*\s?=\s?)", name) if p.strip()]
