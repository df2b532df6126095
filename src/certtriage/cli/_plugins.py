"""Pydantic plugins stay off in the command line's process.

A pydantic plugin (an entry point of the `pydantic` group, installed beside certtriage) is
handed every value a model validates: here the customer's certificates, names and URLs. The
command line promises that nothing from the input goes anywhere but the chosen output, so it
turns plugins off with pydantic's own switch, `PYDANTIC_DISABLE_PLUGINS`, unless that variable
is set already (set it, even empty, and pydantic loads what it names as usual).

With plugins off, pydantic's plugin loader has nothing to find, yet importing it imports the
package metadata reader (`importlib.metadata`, and the e-mail and zip modules behind it):
about a twentieth of the start-up of a paste. So the loader's place is taken by a module that
answers "no plugins" and hands any other name to the real loader, imported then.
"""

from __future__ import annotations

import importlib
import os
import sys
import types

SWITCH = "PYDANTIC_DISABLE_PLUGINS"
LOADER = "pydantic.plugin._loader"


class _NoPlugins(types.ModuleType):
    """The plugin loader while plugins are off."""

    def get_plugins(self) -> tuple[()]:
        """No plugin, as the real loader answers when the switch says all are off."""
        return ()

    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):  # the import system asking (`__path__`): not the loader's
            raise AttributeError(name)
        if sys.modules.get(LOADER) is self:
            del sys.modules[LOADER]
        return getattr(importlib.import_module(LOADER), name)


def disable() -> None:
    """Turn pydantic plugins off for this process and the processes it starts, unless the
    switch is set already."""
    if SWITCH in os.environ:
        return
    os.environ[SWITCH] = "__all__"
    sys.modules.setdefault(LOADER, _NoPlugins(LOADER))
