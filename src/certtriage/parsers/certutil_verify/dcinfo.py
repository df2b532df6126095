"""certutil -dcinfo around its chains: the domain controllers tested and their store sections.

`*** Testing DC[0]: DC01` starts a domain controller; `** Enterprise Root Certificates for DC
DC01` and `** KDC Certificates for DC DC01` start its store sections. A store section lists its
certificates (`Certificate 0:` ...), says when it holds none (`No certificates in Enterprise
Root store!`, an error line with the store's code), and the KDC section counts its
certificates (`1 KDC certificates for DC01`). Each KDC certificate's chain is verified as a run
of its own; the runs record which DC and store they belong to.
"""

from __future__ import annotations

import re
from typing import Any

from ...models.common import HResult
from .commands import DcStore, DcTest, ListedCertificate
from .state import Command

_TESTING = re.compile(r"\[(?P<index>\d+)\]\s*:\s*(?P<name>.+)$")
_COUNT = re.compile(r"^(?P<n>\d+) KDC certificates? for (?P<dc>.+)$")


class DcinfoLines:
    """Reads the -dcinfo headings and store lines; owns the DCs and stores."""

    def __init__(self, command: Command) -> None:
        self.command = command
        self.tests: list[dict[str, Any]] = []
        self.stores: list[dict[str, Any]] = []
        self.listed: list[tuple[str, int]] = []
        """`0: DC01` lines before the first DC: the DC list, if the output is -dcinfo's."""

    # ---- models -------------------------------------------------------------------------------
    def test_models(self) -> tuple[DcTest, ...]:
        """The domain controllers tested (the DC list lines become unplaced lines when the
        output is not -dcinfo's after all)."""
        if self.command.variant != "dcinfo":
            for text, line in self.listed:
                self.command.unplaced(text, line, "unrecognised field")
        return tuple(DcTest(**t) for t in self.tests)

    def store_models(self) -> tuple[DcStore, ...]:
        """The store sections, with the certificates listed in each."""
        return tuple(DcStore(**{k: tuple(v) if isinstance(v, list) else v for k, v in s.items()})
                     for s in self.stores)

    def attach(self, context: dict[str, Any], certificate: ListedCertificate | None,
               errors: tuple[HResult, ...]) -> None:
        """What a run without a chain leaves to its heading: a listed certificate, an error."""
        store = self.stores[context["store"]] if "store" in context else None
        test = self.tests[context["dc"]] if "dc" in context else None
        if certificate is not None and store is not None:
            store["certificates"].append(certificate)
        target = store if store is not None else test
        if errors and target is not None and target.get("error") is None:
            target["error"] = errors[0]

    def label(self, context: dict[str, Any], number: int | None) -> str:
        """How a run of a store section is named (`KDC certificate 0 of DC01`)."""
        store = self.stores[context["store"]] if "store" in context else {}
        kind = "KDC certificate" if store.get("kind") == "kdc" else "certificate"
        where = store.get("computer") or "the domain controller"
        return f"{kind} {number if number is not None else '?'} of {where}"

    # ---- line kinds ---------------------------------------------------------------------------
    def on_dc_header(self, text: str, line: int) -> None:
        self.command.variant = "dcinfo"
        body = text.lstrip("* ").strip()
        found = _TESTING.search(body)
        name = found["name"].strip() if found else body.rsplit(" ", 1)[-1]
        self.tests.append({"index": int(found["index"]) if found else None, "computer": name,
                           "line": line})
        self.command.run.context = {"dc": len(self.tests) - 1}

    def on_dc_store(self, text: str, line: int) -> None:
        self.command.variant = "dcinfo"
        title = text.lstrip("* ").strip()
        meaning = self.command.l10n.dcinfo_line(title)
        dc = self.tests[-1]["computer"] if self.tests else title.rsplit(" ", 1)[-1]
        kind = meaning if meaning in ("enterprise_root", "kdc") else "other"
        self.stores.append({"computer": dc, "kind": kind, "title": title, "certificates": [],
                            "line": line})
        context = dict(self.command.run.context)
        context["store"] = len(self.stores) - 1
        self.command.run.context = context

    def on_kdc_count(self, text: str, line: int) -> None:
        found = _COUNT.match(text)
        store = self._store("kdc")
        if found and store is not None:
            store["count"] = int(found["n"])
        else:
            self.command.note(text)

    # ---- for the other units ----------------------------------------------------------------
    def phrase(self, text: str) -> bool:
        """A -dcinfo line in words (a store said to be empty); False when `text` is none."""
        if self.command.l10n.dcinfo_line(text) != "store_empty":
            return False
        store = self._store("enterprise_root") or self._store(None)
        if store is not None:
            store["empty"] = True
        self.command.note(text)
        return True

    def field(self, label: str, value: str, line: int) -> bool:
        """A DC of the list at the top (`0: DC01`); False for any other field."""
        if not label.isdigit() or self.command.variant not in ("verify", "dcinfo") or self.tests:
            return False
        self.listed.append((f"{label}: {value}", line))
        return True

    def _store(self, kind: str | None) -> dict[str, Any] | None:
        """The store section the current run is in, if it is of `kind` (any when None)."""
        index = self.command.run.context.get("store")
        if index is None:
            return None
        store = self.stores[index]
        return store if kind is None or store["kind"] == kind else None
