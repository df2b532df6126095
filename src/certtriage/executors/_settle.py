"""The memory of a long run kept flat, in a process that is the run's own.

Over the first few thousand inputs of a run, a process's memory rises by about 1.5 MiB and
then stays there. That is not what the run keeps (the objects alive grow by about 0.1 MiB):
it is the interpreter's free lists, the tuples, lists, dicts and other objects kept for
reuse once freed (up to two thousand tuples of each length), filling as inputs come and go
and holding pages of the allocator's arenas. Only a full collection of the garbage
collector empties them, and a full collection walks every object of the process: about
8 ms with the command line's modules loaded, 40 us an input when run every 200 inputs.

So, in a process that only runs this run (the command line's, a worker's), once the first
input is analysed (imports, grammar tables and rules are loaded by then: what lives as long
as the process), everything alive is set apart from the collector (`gc.freeze`), without a
collection first: the interpreter's own collections have run all through the imports, and
one more found nothing to free in 11 ms of walking 36,000 objects. Then every :data:`EVERY`
inputs a full collection empties the free lists while walking only what was made since
(every 100 inputs held no less memory than every 200 and measured about 1 % slower, the
lists refilled twice as often). What the first inputs load on first use (the event catalog,
line and value caches filling: about 11,000 objects after a certutil dump) is set apart once
more after the first of those collections: walked by each of them, it made a full
collection take 3.5 ms instead of under one. Cyclic garbage made after that is collected as
before, and an object set apart is still freed as soon as nothing refers to it.

A full collection also walks every result alive at that moment: the command line's process
settles between two groups of inputs (`_serial`), when the group before has been written
and let go, not in the middle of one, whose results (thousands of objects each) made a
collection take 0.4-0.8 ms instead of about 0.35 (6,000 dumps: 31 -> 10 ms in all).

The youngest generation is then collected after 7,000 new objects instead of the
interpreter's 700: a run holds a group of results between their analysis and their
rendering (`_serial`; a worker its chunk's), and at 700 the collector walked them about 900
times in 6,000 dumps (0.13 s), 24 times at 7,000 (`-j 1` 3-4 % faster; 20,000 gave no more).

None of this is done where the run shares its process (a library call, a test's runner):
setting a host's objects apart, or its collector's pace, is the host's decision.
"""

from __future__ import annotations

import gc

#: Inputs analysed between two full collections.
EVERY = 200
#: Objects made (and not yet freed) between two collections of the youngest generation:
#: ten times the interpreter's default of 700.
YOUNG = 7000


class Settle:
    """Called with the inputs analysed in this process since the last call (in a pool's
    parent, once per result taken in: unpickled results fill the free lists there); see the
    module's docstring.
    Worker processes always settle; the command line's process when it is its own. A pool's
    parent sets its state apart before it starts the workers: forked from it, they then share
    those pages without their collector writing to each one (a collection marks every object
    it walks), which cost about 1 % of a `-j 2` run when each worker set them apart itself."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, inputs: int = 1) -> None:
        """`inputs` more analysed: set apart after the first call, collect whenever the count
        passes a multiple of `EVERY`."""
        before = self.count
        self.count += inputs
        if before == 0:
            gc.freeze()
            gc.set_threshold(YOUNG, *gc.get_threshold()[1:])
        elif self.count // EVERY > before // EVERY:
            gc.collect()
            if before < EVERY:  # what the first inputs loaded: set apart as well
                gc.freeze()
