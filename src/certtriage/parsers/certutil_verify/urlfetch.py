"""The retrieval report of certutil -verify -urlfetch.

Each element's report has sections (`----  Certificate AIA  ----`, `CDP`, `Base CRL CDP`,
`OCSP`), and in each section one status line per URL (`Verified "Certificate (0)" Time: 0
<sha1>`) followed by its error and URL lines. The grammar nests them (`section`, `url_check`);
this module turns each status line and its detail into one retrieval record of the element.

Status words, object words and the error line's label are translated; the shape of a status
line (`<word(s)> "<object>" <label>: <n>`) and of its error (a code with a WIN32 / WinHttp
detail) are not. A status word no table knows is kept as printed, and read as `failed` when an
error follows it.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from ...models.common import RetrievalError
from .lines import Line, Section
from .state import ElementDraft, Reading, span

# Written so no two quantifiers can share the same spaces: linear on hostile long lines.
_URL_STATUS = re.compile(
    r'^(?P<status>[^"]*[^"\s])\s*"(?P<obj>[^"]*)"\s+[^":\s][^":]*:\s*(?P<time>\d+)'
    r"(?:\s+(?P<hash>[0-9a-fA-F]{40}|\(null\)))?$"
)
#: `[0.0] http://...`: a URL line of a retrieval.
URL_LINE = re.compile(r"^\[(?P<index>\d+(?:\.\d+)+)\]\s+(?P<url>.+)$")
_OBJECT_REF = re.compile(r"\((?P<ref>[^()]*)\)\s*$")


@functools.lru_cache(maxsize=256)
def _section_kind(header: str) -> str:
    """The section a header line opens (kept: a dump prints the same few headers, each
    element's in turn)."""
    words = header.strip().strip("-").split()
    if len(words) >= 2 and words[-2].upper() == "CRL" and words[-1].upper() == "CDP":
        return "base_crl_cdp"
    last = words[-1].upper() if words else ""
    return {"AIA": "aia", "CDP": "cdp", "OCSP": "ocsp"}.get(last, "unknown")


@functools.lru_cache(maxsize=1024)
def _status_line(text: str) -> tuple[str, str, str, str, str | None, int, str | None] | None:
    """What a retrieval's status line prints (kept for the last thousand lines, about 0.6 KiB
    each: each element's report repeats the same few): its status as printed and as looked up
    (case-folded), its object as printed and as looked up, the object's reference, the time,
    the object's hash; None for no status line."""
    m = _URL_STATUS.match(text)
    if not m:
        return None
    status_text = m["status"].strip()
    obj_text = m["obj"].strip()
    ref = _OBJECT_REF.search(obj_text)
    kind_text = obj_text[:ref.start()] if ref else obj_text
    obj_hash = m["hash"] if m["hash"] and m["hash"] != "(null)" else None
    return (status_text, status_text.casefold(), m["obj"], kind_text.strip().casefold(),
            ref["ref"] if ref else None, int(m["time"]), obj_hash.lower() if obj_hash else None)


class UrlfetchLines:
    """Reads -urlfetch sections into the retrieval records of the open element."""

    def __init__(self, reading: Reading) -> None:
        self.reading = reading

    def section(self, section: Section) -> None:
        """One section: its header, then each URL's status line with its detail lines."""
        header = section.header
        self.reading.crl = None
        kind = _section_kind(header.text)
        elem = self.reading.element()
        elem.touch(self.reading.lineno(header))
        for check in section.checks:
            self._check(elem, kind, check)

    def _check(self, elem: ElementDraft, section: str, lines: list[Line]) -> None:
        first = self.reading.lineno(lines[0])
        record = self.status_record(lines[0].text, section, first)
        if record is None:
            self.reading.unplaced(lines[0].text, first, "retrieval status line not understood")
            return
        elem.checks.append(record)
        for item in lines[1:]:
            line = self.reading.lineno(item)
            text = item.text
            if item.kind == "RETRIEVAL_ERROR":
                self.attach_error(record, text, line)
            else:
                self.attach_url(record, text, line)
            elem.touch(line)

    def status_record(self, text: str, section: str, line: int) -> dict[str, Any] | None:
        """The retrieval record that a status line starts; None when `text` is none."""
        read = _status_line(text)
        if read is None:
            return None
        status_text, status_key, object_text, object_key, ref, time, obj_hash = read
        l10n = self.reading.l10n
        return {
            "section": section,
            "status": l10n.status.get(status_key, "unknown"),
            "status_text": status_text,
            "object_kind": l10n.object.get(object_key, "unknown"),
            "object_text": object_text,
            "object_ref": ref,
            "time": time,
            "object_hash": obj_hash,
            "span": span(line, line),
        }

    def attach_url(self, record: dict[str, Any], text: str, line: int) -> None:
        """Give `record` its URL (a second URL for one record is kept as unparsed)."""
        m = URL_LINE.match(text)
        if record.get("url") is not None:
            self.reading.unplaced(text, line, "second URL for one retrieval")
            return
        record["url"], record["url_index"] = (m["url"].strip(), m["index"]) if m else (text, None)
        record["span"] = span(record["span"].start, line)

    def attach_error(self, record: dict[str, Any], text: str, line: int) -> None:
        """Give `record` the error of an `Error retrieving URL:` line (in any language: the
        label is whatever stands before the first colon ahead of the code)."""
        head = text.split("0x", 1)[0]
        detail = text.split(":", 1)[1].strip() if ":" in head else text
        parsed = self.reading.code(detail, line)
        hresult, win32 = parsed if parsed else (None, None)
        message = hresult.message if hresult else detail
        record["error"] = RetrievalError.trusted(message=message, hresult=hresult, win32=win32)
        record["span"] = span(record["span"].start, line)
        if record["status"] == "unknown":
            record["status"] = "failed"

    def last_check(self) -> dict[str, Any] | None:
        """The latest retrieval record of the open (else the last) element."""
        reading = self.reading
        elem = reading.current or (reading.elements[-1] if reading.elements else None)
        return elem.checks[-1] if elem and elem.checks else None

    def on_retrieval_error(self, text: str, line: int) -> None:
        """An error line that a paste parted from its section: it belongs to the last record."""
        check = self.last_check()
        if check is None:
            self.reading.unplaced(text, line, "retrieval error without its status line")
        else:
            self.attach_error(check, text, line)
