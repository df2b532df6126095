"""The units that read what belongs to the whole command rather than to one chain: -scinfo's
readers and card certificates, -dcinfo's domain controllers and stores, the two-argument
-verify, -urlcache, and the command line. The chain units of every run reach them through
:class:`Services`.
"""

from __future__ import annotations

from typing import NamedTuple

from .dcinfo import DcinfoLines
from .invocation import InvocationLines
from .listing import ListingLines
from .pair import PairLines
from .state import Command
from .urlcache import UrlcacheLines


class Services(NamedTuple):
    """The command's units."""

    listing: ListingLines
    dcinfo: DcinfoLines
    pair: PairLines
    urlcache: UrlcacheLines
    invocation: InvocationLines

    @classmethod
    def of(cls, command: Command) -> Services:
        """Fresh units for `command`."""
        return cls(ListingLines(command), DcinfoLines(command), PairLines(command),
                   UrlcacheLines(command), InvocationLines(command))

    def units(self) -> tuple[object, ...]:
        """Every unit, for the handler table."""
        return (self.listing, self.dcinfo, self.pair, self.urlcache, self.invocation)
