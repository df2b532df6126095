"""Word documents (.docx): a zip read with the zip reader and its limits, whose one member
here is the document's text (`text.wordml`), one line per paragraph. A ticket's attachment
often is such a document, tool output pasted between screenshots."""

from __future__ import annotations

from collections.abc import Iterator

from ..text.wordml import document_text
from ._archive import _collect, _Handle, _Listing, _Member, slices
from ._model import _OUT_CHUNK, _describe
from ._zip import _ZipArchive

#: The part of a .docx that holds the body of the document.
_BODY = "word/document.xml"
#: The name the document's text is listed under (after the document's own name).
TEXT_NAME = "document.txt"


class _DocxArchive(_ZipArchive):
    """The document's text as one member; nothing else of the package is read."""

    _text: bytes = b""

    def _list(self, handle: _Handle) -> _Listing:
        listing = super()._list(handle)
        body = next((m for m in listing.members if m.name == _BODY), None)
        if body is None:
            return _Listing([], listing.problem or f"a Word document without {_BODY}")
        if body.skipped is not None:
            return _Listing([_Member(TEXT_NAME, body.size, None, skipped=body.skipped)])
        limit = self.limits.max_memory_bytes
        try:
            xml = _collect(super()._chunks(handle, body, _OUT_CHUNK), limit + 1)
            if len(xml) > limit:
                raise ValueError(f"its text is more than the {limit:,} bytes held in memory")
            self._text = document_text(xml).encode("utf-8")
        except Exception as exc:  # noqa: BLE001 - damaged or refused: say why, keep the batch
            return _Listing([_Member(TEXT_NAME, body.size, None,
                                     skipped=f"unreadable: {_describe(exc)}")])
        return _Listing([_Member(TEXT_NAME, len(self._text), None, sniffed=True)])

    def _chunks(self, handle: _Handle, member: _Member, step: int) -> Iterator[bytes]:
        return slices(self._text, step)
