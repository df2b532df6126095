"""The services other than IIS that a text can say it is about (data in `data/services.toml`).

IIS's 403 sub-statuses follow from a chain's failure only where IIS checked the chain. A text
whose prose names another service that checks certificates (LDAPS, a VPN, RADIUS, smart card
logon ...) and never names IIS gets no sub-status; the cause stays what the evidence says.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from importlib import resources

from pydantic import BaseModel, ConfigDict, model_validator

from .._cache import load_toml


class _Names(BaseModel):
    """Patterns that name something, and texts that show how each is written."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    names: tuple[str, ...]
    examples: tuple[str, ...]

    @model_validator(mode="after")
    def _each_name_shown(self) -> _Names:
        for pattern in self.names:
            compiled = re.compile(pattern)
            if not any(compiled.search(example) for example in self.examples):
                raise ValueError(f"no example shows how {pattern!r} is written")
        return self


class Service(_Names):
    """A service other than IIS that checks certificates."""

    id: str
    name: str
    tells: str


class Named(BaseModel):
    """A service a line names: which, where, and the words that name it."""

    model_config = ConfigDict(frozen=True)

    service: Service
    line: int
    token: str


class ServiceTable(BaseModel):
    """The table as the data file holds it: what names IIS, and each other service."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    iis: _Names
    client: Service
    service: tuple[Service, ...]


@functools.cache
def service_table() -> ServiceTable:
    """The table of `data/services.toml`, validated."""
    path = resources.files("certtriage.knowledge") / "data" / "services.toml"
    return ServiceTable.model_validate(load_toml(path.read_bytes(), "services"))


#: The SSPI call a server makes to check what a client sent: a text naming it is about a server
#: checking certificates (IIS or another), not about a client.
SERVER_CALL = "AcceptSecurityContext"


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str],
                         tuple[tuple[Service, re.Pattern[str]], ...]]:
    table = service_table()
    return (re.compile("|".join(table.iis.names)), re.compile("|".join(table.client.names)),
            tuple((s, re.compile("|".join(s.names))) for s in table.service))


def names_iis(text: str) -> bool:
    """Whether `text` names IIS (or HTTP.sys, its configuration, its log, a 403 sub-status)."""
    return _patterns()[0].search(text) is not None


def client_call() -> re.Pattern[str]:
    """What marks a TLS client's own line about the certificate a server sent it."""
    return _patterns()[1]


def service_named(lines: Iterable[tuple[int, str]], *, client: bool = True) -> Named | None:
    """The first service other than IIS that one of the prose `lines` (number, text) names;
    failing that (and with `client`), the first line of a TLS client's own."""
    lines = list(lines)
    services = _patterns()[2]
    for number, text in lines:
        for service, pattern in services:
            found = pattern.search(text)
            if found is not None:
                return Named(service=service, line=number, token=found.group(0))
    if client:
        for number, text in lines:
            found = client_call().search(text)
            if found is not None:
                return Named(service=service_table().client, line=number, token=found.group(0))
    return None
