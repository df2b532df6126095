"""E-mail messages (RFC 5322 with MIME), as a ticket's evidence often arrives: a certutil dump
pasted into the body of a mail (quoted-printable turns every `=` into `=3D` and folds long lines
with `=` at their end), or attached as a file. `looks_like_message` tells a saved message by
its header fields; `message_parts` gives its parts decoded from their transfer encoding
(base64, quoted-printable) with the standard library's `email` package, imported only then.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from email.message import Message

#: The first bytes of a compound file, the container of an Outlook message (.msg) and of
#: legacy Office files.
COMPOUND_FILE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: A header field at the start of a line: its name, a colon.
_FIELD = re.compile(rb"^[!-9;-~]{1,76}:", re.MULTILINE)
#: Fields only a MIME message carries at its top level, at a line's start (lower case).
_MIME_FIELDS = re.compile(rb"\n(?:mime-version|content-type|content-transfer-encoding):")
#: Fields every message has, one of which a message named `.eml` without a MIME field shows.
_MESSAGE_FIELDS = re.compile(rb"\n(?:from|to|subject|date|received|message-id|return-path):")
#: Header lines a message starts with before a suffix alone is trusted.
_HEADER_LINES = 2
#: File name of a body part without one, by its content type.
_SUFFIXES = {"text/plain": ".txt", "text/html": ".html", "message/rfc822": ".eml",
             "text/xml": ".xml", "application/xml": ".xml"}


def looks_like_message(name: str, head: bytes) -> bool:
    """Whether a file is an e-mail message: its first lines are header fields, and either one
    of them is a MIME field or the name ends in `.eml` and one is a field every message has.
    (Text that only quotes a mail's headers, as a forwarded mail in a ticket does, has no MIME
    field.)"""
    if not head[:1].isalpha() or _FIELD.match(head) is None:
        return False
    low = head.lower()
    if (b"mime-version:" not in low and b"content-type:" not in low
            and b"content-transfer-encoding:" not in low and not name.lower().endswith(".eml")):
        # No MIME field anywhere in it, and not named as a message: most files that open
        # with a label (a certutil dump's `Issuer:`) end here, in a third of the time that
        # reading the header block takes (a batch tells every file it reads).
        return False
    if b"\r" in head:  # (a two-byte search takes a text's length in time, found or not)
        head = head.replace(b"\r\n", b"\n")
    end = head.find(b"\n\n")
    block = head if end < 0 else head[:end]
    lines = [line for line in block.split(b"\n", 8)[:8] if line]
    fields = sum(1 for line in lines if _FIELD.match(line) or line[:1] in (b" ", b"\t"))
    if fields < min(_HEADER_LINES, len(lines)):
        return False
    # The fields are searched for in the lower-cased block, each after a line break: a line
    # that opens with a label and goes on indented (a certutil dump's `Issuer:`) makes the
    # whole text one block, which a case-blind pattern anchored at line starts read four
    # times slower.
    lowered = b"\n" + block.lower()
    if _MIME_FIELDS.search(lowered) is not None:
        return True
    return name.lower().endswith(".eml") and _MESSAGE_FIELDS.search(lowered) is not None


def message_parts(data: bytes) -> list[tuple[str, bytes, str]]:
    """(name, bytes, content type) of each part of a message that holds content, in order
    (see `_leaves`)."""
    from email import policy
    from email.parser import BytesParser

    message = BytesParser(policy=policy.default).parsebytes(data)
    return list(_leaves(message))


def _leaves(message: Message) -> Iterator[tuple[str, bytes, str]]:
    """(name, bytes, content type) of every part that holds content, in order: text bodies as
    UTF-8 (from their declared charset), attachments as sent, an attached message as its own
    bytes (its parts are read when it is opened in turn)."""
    from email import policy
    from email.message import Message

    stack: list[Message] = [message]
    number = 0
    while stack:
        part = stack.pop()
        number += 1
        content_type = part.get_content_type()
        if content_type == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                yield (_name(part, number, content_type), inner[0].as_bytes(policy=policy.SMTP),
                       content_type)
        elif part.is_multipart():
            payload = part.get_payload()
            stack.extend(reversed([p for p in payload if isinstance(p, Message)]))
        else:
            yield _name(part, number, content_type), _body(part, content_type), content_type


def _body(part: Message, content_type: str) -> bytes:
    from email.message import EmailMessage

    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    if content_type.startswith("text/") and isinstance(part, EmailMessage) and \
            not part.is_attachment():
        try:
            return str(part.get_content()).encode("utf-8")
        except (LookupError, UnicodeError, ValueError):  # an unknown or lying charset
            return data
    return data


def _name(part: Message, number: int, content_type: str) -> str:
    name = part.get_filename()
    if name:
        return str(name)
    return f"part-{number}{_SUFFIXES.get(content_type, '.bin')}"
