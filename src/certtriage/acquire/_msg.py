"""Outlook messages (.msg, a compound file): read like an archive whose members are the
message's text (subject and body) and its attachments, with `olefile`. A mail dragged out of
Outlook into a ticket's folder is one of these; its body often holds pasted certutil output,
its attachments the files.

Properties are streams named by their tag (`__substg1.0_<id><type>`): the body in Unicode
(`1000001F`) or in the message's code page (`1000001E`, read as cp1252), its HTML form
(`10130102`) when there is no plain body; each attachment a storage
`__attach_version1.0_#NNNNNNNN` with its data (`37010102`) and file name (`3707001F`, else
`3704001F`). An attached Outlook message (`3701000D`, a storage) is listed as not read.
"""

from __future__ import annotations

import io
from typing import Any

from ._model import AcquireError
from ._parts import Part, _PartsArchive

_PROPERTY = "__substg1.0_"
_ATTACHMENT = "__attach_version1.0_#"
#: The name the message's own text is listed under.
TEXT_NAME = "message.txt"


class _MsgArchive(_PartsArchive):
    """A message read whole: its text, then its attachments."""

    what = "an Outlook message"

    def _parts(self, data: bytes) -> list[Part]:
        parts = _message_parts(data)
        if parts is None:
            raise AcquireError("a compound file that holds no Outlook message (a legacy "
                               "Office file?)")
        return parts


def outlook_parts(data: bytes) -> list[Part] | None:
    """The parts of an Outlook message given as bytes (see `_parts`); None for a compound
    file that is no message (a legacy Office file) or cannot be read."""
    try:
        return _message_parts(data)
    except Exception:  # noqa: BLE001 - damaged: the caller reads the bytes as they are
        return None


def _message_parts(data: bytes) -> list[Part] | None:
    """The parts of the compound file `data`, None when it holds no Outlook message; raises
    what `olefile` raises for a damaged one."""
    import olefile  # here: only a run that meets an Outlook message needs it

    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        return _parts(ole) if _is_message(ole) else None


def _is_message(ole: Any) -> bool:
    return any(entry[-1].startswith(_PROPERTY) for entry in ole.listdir())


def _parts(ole: Any) -> list[Part]:
    """(name, bytes, why not read) of the message's text and of each attachment."""
    subject = _text(ole, [], "0037")
    body = _text(ole, [], "1000")
    if not body and ole.exists(f"{_PROPERTY}10130102"):
        body = ole.openstream(f"{_PROPERTY}10130102").read().decode("utf-8", "replace")
    parts: list[Part] = []
    if subject or body:
        parts.append((TEXT_NAME, f"Subject: {subject}\n\n{body}".encode(), None))
    storages = sorted({entry[0] for entry in ole.listdir(streams=True, storages=True)
                       if entry[0].startswith(_ATTACHMENT)})
    for number, storage in enumerate(storages, start=1):
        name = (_text(ole, [storage], "3707") or _text(ole, [storage], "3704")
                or f"attachment-{number}.bin")
        if ole.exists(f"{storage}/{_PROPERTY}3701000D"):
            parts.append((name, b"", "an attached Outlook message (not read: save it as a "
                                     "file and pass that)"))
        elif ole.exists(f"{storage}/{_PROPERTY}37010102"):
            parts.append((name, ole.openstream([storage, f"{_PROPERTY}37010102"]).read(), None))
    return parts


def _text(ole: Any, storage: list[str], tag: str) -> str:
    """A string property: Unicode (`001F`), else 8-bit (`001E`, read as cp1252); '' if none."""
    for kind, encoding in (("001F", "utf-16-le"), ("001E", "cp1252")):
        path = [*storage, f"{_PROPERTY}{tag}{kind}"]
        if ole.exists("/".join(path)):
            return str(ole.openstream(path).read().decode(encoding, "replace").rstrip("\0"))
    return ""
