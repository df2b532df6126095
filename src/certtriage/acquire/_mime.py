"""E-mail messages saved as files (`.eml`): read like an archive whose members are the
message's text bodies and attachments, decoded (`text.mail`). An attached message is a member
of its own, opened in turn (within the depth limit); an attached zip likewise."""

from __future__ import annotations

from ..text.mail import message_parts
from ._parts import Part, _PartsArchive


class _MimeArchive(_PartsArchive):
    """A mail read whole, its leaf parts listed in order."""

    what = "a mail message"

    def _parts(self, data: bytes) -> list[Part]:
        return [(name, body, None) for name, body, _ in message_parts(data)]
