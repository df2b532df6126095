"""The services other than IIS that a text can say it is about (data in `data/services.toml`).

IIS's 403 sub-statuses follow from a chain's failure only where IIS checked the chain. A text
whose prose names another service that checks certificates (LDAPS, a VPN, RADIUS, smart card
logon ...) and never names IIS gets no sub-status; the cause stays what the evidence says.

The table is validated by pydantic models when it is first read, and kept validated in the
cache folder as plain tuples: a paste answered from the cache builds no model class (the
models are made inside :func:`validate`, which only a cache miss or a test calls).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from importlib import resources
from typing import Any, NamedTuple

from .._cache import kept

#: The SSPI call a server makes to check what a client sent: a text naming it is about a server
#: checking certificates (IIS or another), not about a client.
SERVER_CALL = "AcceptSecurityContext"


class Service(NamedTuple):
    """A service other than IIS that checks certificates, or (`client`) a client's own check
    of a server's or a signer's certificate."""

    id: str
    name: str
    tells: str
    names: tuple[str, ...]
    examples: tuple[str, ...]
    client: bool = False


class ServiceTable(NamedTuple):
    """What names IIS (its patterns and examples), the client's own lines, the services."""

    iis_names: tuple[str, ...]
    iis_examples: tuple[str, ...]
    client: Service
    services: tuple[Service, ...]


class Named(NamedTuple):
    """A service a line names: which, where, and the words that name it."""

    service: Service
    line: int
    token: str


def validate(data: dict[str, Any]) -> ServiceTable:
    """The table of the parsed TOML `data`, checked (pydantic's ValidationError when it is
    wrong): every pattern compiles and one of its entry's examples shows how it is written."""
    from pydantic import BaseModel, ConfigDict, model_validator

    class _Names(BaseModel):
        model_config = ConfigDict(frozen=True, extra="forbid")

        names: tuple[str, ...]
        examples: tuple[str, ...]

        @model_validator(mode="after")
        def _each_name_shown(self) -> _Names:
            for pattern in self.names:
                compiled = _compiled((pattern,))
                if not any(compiled.search(example) for example in self.examples):
                    raise ValueError(f"no example shows how {pattern!r} is written")
            return self

    class _Service(_Names):
        id: str
        name: str
        tells: str
        client: bool = False

    class _Table(BaseModel):
        model_config = ConfigDict(frozen=True, extra="forbid")

        iis: _Names
        client: _Service
        service: tuple[_Service, ...]

    table = _Table.model_validate(data)

    def plain(s: _Service) -> Service:
        return Service(s.id, s.name, s.tells, s.names, s.examples, s.client)

    return ServiceTable(table.iis.names, table.iis.examples, plain(table.client),
                        tuple(plain(s) for s in table.service))


@functools.cache
def service_table() -> ServiceTable:
    """The table of `data/services.toml`, validated (kept in the cache folder)."""
    raw = (resources.files("certtriage.knowledge") / "data" / "services.toml").read_bytes()

    def build() -> ServiceTable:
        import tomllib

        return validate(tomllib.loads(raw.decode("utf-8")))

    # the kept tuples' shape is this module's: a new version of it reads the table again
    from .._version import __version__

    return kept("services", [__version__.encode(), raw], ServiceTable, build)


def _compiled(names: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern of `names`. Word boundaries are ASCII's: a name written next to Chinese or
    Japanese text (`VPN连接`, `.appxの`) stands apart from it as from a space."""
    return re.compile("|".join(names), re.ASCII)


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str],
                         tuple[tuple[Service, re.Pattern[str]], ...]]:
    table = service_table()
    return (_compiled(table.iis_names), _compiled(table.client.names),
            tuple((s, _compiled(s.names)) for s in table.services))


def names_iis(text: str) -> bool:
    """Whether `text` names IIS (or HTTP.sys, its configuration, its log, a 403 sub-status)."""
    return _patterns()[0].search(text) is not None


def client_call() -> re.Pattern[str]:
    """What marks a TLS client's own line about the certificate a server sent it."""
    return _patterns()[1]


def service_named(lines: Iterable[tuple[int, str]], *, client: bool = True) -> Named | None:
    """The first service other than IIS that one of the prose `lines` (number, text) names;
    failing that, the first line of a TLS client's own. Without `client` (a server's log or
    call is beside them), a client's own check counts for nothing."""
    lines = list(lines)
    services = [(s, p) for s, p in _patterns()[2] if client or not s.client]
    for number, text in lines:
        for service, pattern in services:
            found = pattern.search(text)
            if found is not None:
                return Named(service, number, found.group(0))
    if client:
        for number, text in lines:
            found = client_call().search(text)
            if found is not None:
                return Named(service_table().client, number, found.group(0))
    return None
