"""Lines of certutil output whose kind the grammar could not name, and fields no block claims.

Such a line may still be something known in other words: a translated or -scinfo verdict, a
two-argument -verify check, a -scinfo / -dcinfo line in words, a -urlcache count, a retrieval
status or URL line whose -urlfetch section a paste lost. Whatever is none of these is kept as
unparsed.
"""

from __future__ import annotations

import re

from .retrieval import NO_URL
from .services import Services
from .state import Reading
from .trailer import TrailerLines
from .urlfetch import URL_LINE, UrlfetchLines

#: A URL alone on a line (outside a retrieval report the grammar does not name it).
_BARE_URL = re.compile(r"^(?:https?|ldaps?|file|ftp)://\S+$", re.IGNORECASE)
#: A distinguished name (`CN=..., DC=...`).
_DN = re.compile(r"^(?:OID\.)?[A-Za-z][A-Za-z0-9.]*=")


class OtherLines:
    """Reads OTHER and ERROR lines, stray -urlfetch lines, and fields no block kind placed."""

    def __init__(self, reading: Reading, trailer: TrailerLines, urlfetch: UrlfetchLines,
                 services: Services) -> None:
        self.reading = reading
        self.trailer = trailer
        self.urlfetch = urlfetch
        self.services = services

    def _in_words(self, text: str, line: int) -> bool:
        """A verdict, check or -scinfo / -dcinfo line in words; False when `text` is none."""
        services = self.services
        return (self.trailer.verdict(text) or services.pair.check(text, line)
                or services.listing.phrase(text) or services.dcinfo.phrase(text))

    def on_other(self, text: str, line: int) -> None:
        reading = self.reading
        if self._in_words(text, line):
            return
        if _BARE_URL.match(text):
            self.on_bare_url(text, line)
        elif (record := self.urlfetch.status_record(text, "unknown", line)) is not None:
            reading.element().checks.append(record)
        elif URL_LINE.match(text) and (check := self.urlfetch.last_check()) is not None:
            self.urlfetch.attach_url(check, text, line)
        elif reading.l10n.context_line(text):
            self.trailer.note(text)
            if reading.variant == "verify" and not text.startswith("0x"):
                reading.variant = "scinfo"
        else:
            reading.unplaced(text, line, "unrecognised line")

    def on_error_line(self, text: str, line: int) -> None:
        """`ERROR: ...`: a failed two-argument -verify check, else an error with its code."""
        if self.services.pair.check(text, line) or self.services.listing.phrase(text):
            return
        if self.reading.code(text, line) is not None:
            self.trailer.on_hresult_line(text, line)
        else:
            self.reading.unplaced(text, line, "error line not understood")

    # Lines that only occur inside a url_check reach here when a paste lost their section.
    def on_url_status(self, text: str, line: int) -> None:
        self.on_other(text, line)

    def on_url_line(self, text: str, line: int) -> None:
        self.on_other(text, line)

    def on_bare_url(self, text: str, line: int) -> None:
        """A URL outside a retrieval report: the URL of a status line a paste parted from its
        section, else a -urlcache entry (or, in the end, an unplaced line)."""
        check = self.urlfetch.last_check()
        if (check is not None and check.get("url") is None
                and check.get("status") not in NO_URL
                and self.reading.command.trailer.get("completed") is None):
            # (a check that found no URL has none to part from, and after the command's last
            # line the URL is another command's: a -urlcache listing pasted below)
            self.urlfetch.attach_url(check, text, line)
        else:
            self.services.urlcache.url(text, line)

    def field(self, text: str, label: str, line: int) -> None:
        """A `Label: value` line that no block kind placed."""
        value = text.split(":", 1)[1].strip()
        services = self.services
        if (self.trailer.scinfo_verdict(text) or self._in_words(text, line)
                or services.dcinfo.field(label, value, line)
                or services.urlcache.field(label, value, line)):
            return
        if self.reading.mode == "chain_hashes" and _DN.match(value):
            self.trailer.on_missing_issuer(text, line)  # `Missing Issuer: <DN>` in words
        elif label == "Error retrieving URL" and (check := self.urlfetch.last_check()) is not None:
            self.urlfetch.attach_error(check, text, line)
        elif self.reading.l10n.context_line(text) or (
                self.reading.variant == "scinfo" and label.isdigit()):
            self.trailer.note(text)
        else:
            self.reading.unplaced(text, line, "unrecognised field")
