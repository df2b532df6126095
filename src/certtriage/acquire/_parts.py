"""An archive whose members are read whole when it is opened: a mail (`_mime`) or an Outlook
message (`_msg`), decoded into its parts in memory (it must fit there), each part then a
member read from memory."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from ._archive import _Archive, _Handle, _Listing, _Member, slices
from ._detect import _HEAD, _classify, _streamed
from ._model import AcquireError

#: One part: its name, its bytes, and why it is not read (None when it is).
Part = tuple[str, bytes, str | None]


class _PartsHandle(_Handle):
    def __init__(self, stream: BinaryIO, parts: list[Part]) -> None:
        super().__init__(stream)
        self.parts = parts


class _PartsArchive(_Archive):
    """Its parts listed in order; `_parts` decodes them from the whole file's bytes."""

    #: What the file is, for the reason of one too large to hold.
    what = "a message"

    def _parts(self, data: bytes) -> list[Part]:
        raise NotImplementedError

    def _open(self, stream: BinaryIO) -> _Handle:
        limit = self.limits.max_memory_bytes
        data = stream.read(limit + 1)
        if len(data) > limit:
            raise AcquireError(f"{self.what} of more than the {limit:,} bytes held in memory")
        return _PartsHandle(stream, self._parts(data))

    def _list(self, handle: _Handle) -> _Listing:
        assert isinstance(handle, _PartsHandle)
        members: list[_Member] = []
        left_out = 0
        for index, (name, body, skipped) in enumerate(handle.parts):
            if len(members) >= self.limits.max_members:
                left_out += 1
                continue
            head = body[:_HEAD]
            members.append(_Member(name, len(body), index, skipped=skipped,
                                   kind=None if skipped else _classify(name, head),
                                   sniffed=True, streamed=_streamed(head)))
        return _Listing(members, None, left_out)

    def _chunks(self, handle: _Handle, member: _Member, step: int) -> Iterator[bytes]:
        assert isinstance(handle, _PartsHandle)
        return slices(handle.parts[member.ref][1], step)
