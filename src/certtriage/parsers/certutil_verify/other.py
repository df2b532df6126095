"""Lines of certutil -verify output whose kind the grammar could not name, and fields no block
claims.

Such a line may still be something known in other words: a translated or -scinfo verdict, a
retrieval status or URL line whose -urlfetch section a paste lost, a -scinfo / -dcinfo context
line. Whatever is none of these is kept as unparsed.
"""

from __future__ import annotations

from .state import Reading
from .trailer import TrailerLines
from .urlfetch import URL_LINE, UrlfetchLines


class OtherLines:
    """Reads OTHER lines and stray -urlfetch lines, and fields that no block kind placed."""

    def __init__(self, reading: Reading, trailer: TrailerLines, urlfetch: UrlfetchLines) -> None:
        self.reading = reading
        self.trailer = trailer
        self.urlfetch = urlfetch

    def on_other(self, text: str, line: int) -> None:
        reading = self.reading
        if self.trailer.verdict(text):
            return
        if (record := self.urlfetch.status_record(text, "unknown", line)) is not None:
            reading.element().checks.append(record)
        elif URL_LINE.match(text) and (check := self.urlfetch.last_check()) is not None:
            self.urlfetch.attach_url(check, text, line)
        elif reading.l10n.context_line(text):
            self.trailer.note(text)
            if reading.variant == "verify" and not text.startswith("0x"):
                reading.variant = "scinfo"
        else:
            reading.unplaced(text, line, "unrecognised line")

    # Lines that only occur inside a url_check reach here when a paste lost their section.
    def on_url_status(self, text: str, line: int) -> None:
        self.on_other(text, line)

    def on_url_line(self, text: str, line: int) -> None:
        self.on_other(text, line)

    on_bare_url = on_url_line

    def field(self, text: str, label: str, line: int) -> None:
        """A `Label: value` line that no block kind placed."""
        if self.trailer.scinfo_verdict(text):
            return
        if label == "Error retrieving URL" and (check := self.urlfetch.last_check()) is not None:
            self.urlfetch.attach_error(check, text, line)
        elif self.reading.l10n.context_line(text) or (
                self.reading.variant == "scinfo" and label.isdigit()):
            self.trailer.note(text)
        else:
            self.reading.unplaced(text, line, "unrecognised field")
