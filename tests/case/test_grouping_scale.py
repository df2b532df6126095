"""Grouping a case's findings by certificate looks up the few groups that share a key with a
new identity instead of comparing it with every group: the same groups as comparing all
pairs, with work that grows with the inputs, not with their square."""

from __future__ import annotations

import random

import pytest

from certtriage import case as case_module
from certtriage.case import match
from certtriage.models.common import Identity

_Unit = case_module._Unit


def _identity(rng: random.Random) -> Identity:
    """A certificate identity drawn from small pools, so that keys collide often."""
    pick = rng.random
    return Identity(
        kind="certificate", where="chain element [0][0]", element=0,
        thumbprint=rng.choice(["AA11", "BB22", "CC33"]) if pick() < 0.3 else None,
        serial=rng.choice(["01", "02", "03"]) if pick() < 0.4 else None,
        issuer=rng.choice(["CN=Contoso CA", "cn = contoso ca", "CN=Fabrikam CA"])
        if pick() < 0.5 else None,
        subject=rng.choice(["CN=Kim Akers, O=Contoso", "cn=kim akers,o=contoso", "Kim Akers",
                            "CN=Pat Lee", "OU=Web, O=Contoso", "pat lee"])
        if pick() < 0.7 else None,
        names=tuple(rng.sample(["kim@contoso.com", "web.contoso.com", "PAT@contoso.com"],
                               rng.randint(0, 2))),
    )


def _every_pair(units: list[_Unit]) -> list[list[_Unit]]:
    """Groups by comparing a new unit with every group (the reference)."""
    certs: list[list[_Unit]] = []
    for unit in units:
        joined = [g for g in certs
                  if any(match.any_same(u.certificates, unit.certificates) for u in g)]
        merged = [unit] + [u for g in joined for u in g]
        certs = [g for g in certs if all(g is not j for j in joined)] + [merged]
    return certs


def _shape(groups: list[list[_Unit]]) -> set[frozenset[str]]:
    return {frozenset(u.source for u in g) for g in groups}


@pytest.mark.parametrize("seed", range(40))
def test_the_index_groups_as_comparing_every_pair_does(seed: int) -> None:
    rng = random.Random(seed)
    units = [_Unit(f"{i}.txt", tuple(_identity(rng) for _ in range(rng.randint(1, 2))))
             for i in range(rng.randint(2, 30))]
    units = [u for u in units if u.certificates]
    assert _shape(case_module._groups(units)) == _shape(_every_pair(units))


def test_many_different_certificates_are_grouped_without_comparing_every_pair(
        monkeypatch: pytest.MonkeyPatch) -> None:
    compared = 0
    real = match.same_certificate

    def counting(a: Identity, b: Identity) -> bool | None:
        nonlocal compared
        compared += 1
        return real(a, b)

    monkeypatch.setattr(match, "same_certificate", counting)
    units = [_Unit(f"{i}.txt", (Identity(kind="certificate", where="file", element=0,
                                         thumbprint=f"{i:040X}", subject=f"CN=User {i}"),))
             for i in range(2000)]
    groups = case_module._groups(units)
    assert len(groups) == 2000
    assert compared == 0  # no two share a key: nothing to compare (every pair: 2 million)
