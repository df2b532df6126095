"""E-mail messages saved as files (`.eml`): read like an archive whose members are the
message's text bodies and attachments, decoded (`text.mail`). An attached message is a member
of its own, opened in turn (within the depth limit); an attached zip likewise."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from ..text.mail import message_parts
from ._archive import _Archive, _Handle, _Listing, _Member
from ._detect import _HEAD, _classify, _streamed
from ._model import AcquireError


class _MimeHandle(_Handle):
    def __init__(self, stream: BinaryIO, parts: list[tuple[str, bytes]]) -> None:
        super().__init__(stream)
        self.parts = parts


class _MimeArchive(_Archive):
    """A message read whole (it must fit in memory), its leaf parts listed in order."""

    def _open(self, stream: BinaryIO) -> _Handle:
        limit = self.limits.max_memory_bytes
        data = stream.read(limit + 1)
        if len(data) > limit:
            raise AcquireError(f"a mail message of more than the {limit:,} bytes held in memory")
        return _MimeHandle(stream, [(name, body) for name, body, _ in message_parts(data)])

    def _list(self, handle: _Handle) -> _Listing:
        assert isinstance(handle, _MimeHandle)
        members: list[_Member] = []
        left_out = 0
        for index, (name, body) in enumerate(handle.parts):
            if len(members) >= self.limits.max_members:
                left_out += 1
                continue
            head = body[:_HEAD]
            members.append(_Member(name, len(body), index, kind=_classify(name, head),
                                   sniffed=True, streamed=_streamed(head)))
        return _Listing(members, None, left_out)

    def _chunks(self, handle: _Handle, member: _Member, step: int) -> Iterator[bytes]:
        assert isinstance(handle, _MimeHandle)
        body = handle.parts[member.ref][1]
        for start in range(0, len(body), step):
            yield body[start:start + step]
