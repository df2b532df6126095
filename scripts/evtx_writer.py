"""A minimal writer of Windows XML Event Log (EVTX) files, for building test fixtures.

Only what the fixtures need: no real EVTX file with Schannel events is public, so certtriage
builds its own (``scripts/make_evtx_fixtures.py``, the only user of this module) and its tests
prove them by reading them back with the ``evtx`` package. Stdlib only.

Layout written (little-endian throughout; see libyal's "Windows XML Event Log (EVTX) format"):

* **File header**, 4096 bytes: ``ElfFile\\0``, first/last chunk number, next record id, header
  size 128, format 3.1, header block size 4096, chunk count, flags 0 (clean), CRC32 of bytes
  0-119.
* **Chunks**, 65536 bytes each: a 512-byte header (``ElfChnk\\0``, first/last record number and
  id, header size 128, last-record and free-space offsets, CRC32 of the records data, flags 1 as
  Windows writes them, CRC32 of header bytes 0-119 + 128-511, the 64-bucket common-string table
  and the 32-bucket template table), then records, then zeros.
* **Records**: ``2a 2a 00 00``, size, record id, FILETIME, BinXML, size again; padded to 8 bytes.
* **BinXML**, as Windows writes it: a fragment header and one *template instance*. The template
  definition (the whole ``<Event>`` tree, with a substitution for every typed value) is written
  inline the first time a shape is used in a chunk and referenced by its chunk offset afterwards;
  element and attribute names are stored once per chunk (inline at first use, referenced after)
  and chained into the common-string table by ``hash % 64``. One difference from Windows:
  ``UserData`` is written into the template itself rather than as a nested BinXML (0x21) value;
  it renders the same.

Name hash: ``h = h * 65599 + code unit`` over the UTF-16 code units, low 16 bits (checked
against real chunks). The template-table bucket Windows uses is not known; we use ``id % 32``.
"""

from __future__ import annotations

import hashlib
import struct
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

FILE_HEADER_SIZE = 4096
CHUNK_SIZE = 65536
CHUNK_HEADER_SIZE = 512
EVENT_NS = "http://schemas.microsoft.com/win/2004/08/events/event"

# BinXML value types used here (libyal: "Value types").
STRING, UINT8, UINT16, UINT32, UINT64 = 0x01, 0x04, 0x06, 0x08, 0x0A
BOOL, BINARY, GUID, FILETIME, SID, HEX32, HEX64 = 0x0D, 0x0E, 0x0F, 0x11, 0x13, 0x14, 0x15

_EPOCH_1601 = datetime(1601, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Typed:
    """A value with an explicit BinXML type (plain str/int/bytes/bool values are typed for you)."""

    type: int
    value: object


def u8(v: int) -> Typed: return Typed(UINT8, v)
def u16(v: int) -> Typed: return Typed(UINT16, v)
def u32(v: int) -> Typed: return Typed(UINT32, v)
def u64(v: int) -> Typed: return Typed(UINT64, v)
def hex32(v: int) -> Typed: return Typed(HEX32, v)
def hex64(v: int) -> Typed: return Typed(HEX64, v)
def filetime(v: datetime) -> Typed: return Typed(FILETIME, v)
def sid(v: str) -> Typed: return Typed(SID, v)
def guid(v: str) -> Typed: return Typed(GUID, v)


@dataclass(frozen=True)
class Literal:
    """A string written into the template itself (as Windows does for names, channel, computer)."""

    text: str


@dataclass
class Element:
    """An XML element: ``attrs`` are (name, value) pairs, ``children`` are Elements or values."""

    name: str
    attrs: list[tuple[str, object]] = field(default_factory=list)
    children: list[object] = field(default_factory=list)


@dataclass
class EventRecord:
    """One event. The payload is ``user_data`` if given, else ``EventData`` built from
    ``event_data`` ((name or None, value) pairs -> ``<Data Name=..>``) and ``binary``
    (-> ``<Binary>``); with neither it is an empty ``<EventData/>``, which is how Windows
    stores an event that has no template (``records_json`` shows ``"EventData": null``).
    ``None`` for version/opcode/process_id leaves that element out (classic EventLog events)."""

    record_id: int
    time: datetime
    provider_name: str
    event_id: int
    level: int
    keywords: int
    channel: str
    computer: str
    provider_guid: str | None = None
    event_source_name: str | None = None
    qualifiers: int | None = None
    version: int | None = 0
    task: int = 0
    opcode: int | None = 0
    correlation: bool = True
    process_id: int | None = None
    thread_id: int = 0
    user_sid: str | None = None
    event_data: list[tuple[str | None, object]] | None = None
    binary: bytes | None = None
    user_data: Element | None = None


def name_hash(name: str) -> int:
    """The 16-bit hash stored with every BinXML name."""
    h = 0
    for unit in struct.unpack(f"<{len(name.encode('utf-16-le')) // 2}H", name.encode("utf-16-le")):
        h = (h * 65599 + unit) & 0xFFFFFFFF
    return h & 0xFFFF


def to_filetime(t: datetime) -> int:
    """100-ns intervals since 1601-01-01 UTC (naive datetimes are taken as UTC)."""
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    d = t - _EPOCH_1601
    return (d.days * 86400 + d.seconds) * 10_000_000 + d.microseconds * 10


def _typed(v: object) -> Typed:
    if isinstance(v, Typed):
        return v
    if isinstance(v, str):
        return Typed(STRING, v)
    if isinstance(v, bool):
        return Typed(BOOL, v)
    if isinstance(v, int):
        return Typed(UINT32 if 0 <= v < 1 << 32 else UINT64, v)
    if isinstance(v, bytes):
        return Typed(BINARY, v)
    raise TypeError(f"cannot store {v!r} in BinXML")


def _encode(t: Typed) -> bytes:
    v = t.value
    fmt = {UINT8: "<B", UINT16: "<H", UINT32: "<I", UINT64: "<Q", HEX32: "<I", HEX64: "<Q",
           BOOL: "<I"}.get(t.type)
    if fmt:
        return struct.pack(fmt, int(v))  # type: ignore[call-overload]
    if t.type == STRING:
        return str(v).encode("utf-16-le")
    if t.type == BINARY:
        return bytes(v)  # type: ignore[call-overload]
    if t.type == FILETIME:
        assert isinstance(v, datetime)
        return struct.pack("<Q", to_filetime(v))
    if t.type == GUID:
        return uuid.UUID(str(v)).bytes_le
    if t.type == SID:  # S-1-<authority>-<sub>...: revision, count, 48-bit BE authority, LE subs
        parts = [int(p) for p in str(v).split("-")[1:]]
        return (struct.pack("<BB", parts[0], len(parts) - 2) + parts[1].to_bytes(6, "big")
                + b"".join(struct.pack("<I", s) for s in parts[2:]))
    raise ValueError(f"unsupported value type {t.type:#x}")


def _event_tree(r: EventRecord) -> Element:
    """The record as an element tree: Literal strings stay in the template, the rest are values."""
    provider = [("Name", Literal(r.provider_name))]
    if r.provider_guid:
        provider.append(("Guid", Literal(r.provider_guid)))
    if r.event_source_name:
        provider.append(("EventSourceName", Literal(r.event_source_name)))
    system: list[object] = [Element("Provider", list(provider))]
    qual: list[tuple[str, object]] = []
    if r.qualifiers is not None:
        qual.append(("Qualifiers", u16(r.qualifiers)))
    system.append(Element("EventID", qual, [u16(r.event_id)]))
    if r.version is not None:
        system.append(Element("Version", [], [u8(r.version)]))
    system += [Element("Level", [], [u8(r.level)]), Element("Task", [], [u16(r.task)])]
    if r.opcode is not None:
        system.append(Element("Opcode", [], [u8(r.opcode)]))
    system += [Element("Keywords", [], [hex64(r.keywords)]),
               Element("TimeCreated", [("SystemTime", filetime(r.time))]),
               Element("EventRecordID", [], [u64(r.record_id)])]
    if r.correlation:
        system.append(Element("Correlation"))
    if r.process_id is not None:
        system.append(Element("Execution", [("ProcessID", u32(r.process_id)),
                                            ("ThreadID", u32(r.thread_id))]))
    system += [Element("Channel", [], [Literal(r.channel)]),
               Element("Computer", [], [Literal(r.computer)]),
               Element("Security", [("UserID", sid(r.user_sid))] if r.user_sid else [])]
    if r.user_data is not None:
        payload = Element("UserData", [], [r.user_data])
    else:
        data: list[object] = [
            Element("Data", [("Name", Literal(n))] if n is not None else [], [v])
            for n, v in (r.event_data or [])
        ]
        if r.binary is not None:
            data.append(Element("Binary", [], [Typed(BINARY, r.binary)]))
        payload = Element("EventData", [], data)
    return Element("Event", [("xmlns", Literal(EVENT_NS))],
                   [Element("System", [], system), payload])


def _shape(node: object, values: list[Typed]) -> object:
    """A hashable key for the template shape; collects the substitution values in write order."""
    if isinstance(node, Element):
        attrs = tuple((n, _shape(v, values)) for n, v in node.attrs)
        return (node.name, attrs, tuple(_shape(c, values) for c in node.children))
    if isinstance(node, Literal):
        return ("L", node.text)
    t = _typed(node)
    values.append(t)
    return ("S", t.type)


class _Chunk:
    """One chunk being filled; ``add`` returns False (and undoes itself) when a record won't fit."""

    def __init__(self) -> None:
        self.buf = bytearray(CHUNK_HEADER_SIZE)
        self.names: dict[str, int] = {}
        self.templates: dict[object, tuple[int, int]] = {}
        self.strings = [0] * 64
        self.template_table = [0] * 32
        self.ids: list[int] = []
        self.last_offset = 0

    def _u32(self, v: int) -> None:
        self.buf += struct.pack("<I", v)

    def _patch(self, pos: int, v: int) -> None:
        self.buf[pos:pos + 4] = struct.pack("<I", v)

    def _name(self, name: str) -> None:
        if name in self.names:
            self._u32(self.names[name])
            return
        off = len(self.buf) + 4
        self._u32(off)
        h = name_hash(name)
        self.buf += struct.pack("<IHH", self.strings[h % 64], h, len(name))
        self.buf += name.encode("utf-16-le") + b"\0\0"
        self.strings[h % 64] = off
        self.names[name] = off

    def _content(self, node: object, index: list[int]) -> None:
        if isinstance(node, Element):
            self._element(node, index)
        elif isinstance(node, Literal):
            self.buf += struct.pack("<BBH", 0x05, STRING, len(node.text))
            self.buf += node.text.encode("utf-16-le")
        else:  # normal substitution: token, value index, value type
            self.buf += struct.pack("<BHB", 0x0D, index[0], _typed(node).type)
            index[0] += 1

    def _element(self, el: Element, index: list[int]) -> None:
        self.buf += struct.pack("<BH", 0x41 if el.attrs else 0x01, 0xFFFF)  # dependency id: none
        size_pos = len(self.buf)
        self._u32(0)
        self._name(el.name)
        if el.attrs:
            list_pos = len(self.buf)
            self._u32(0)
            for i, (name, value) in enumerate(el.attrs):
                self.buf.append(0x46 if i < len(el.attrs) - 1 else 0x06)
                self._name(name)
                self._content(value, index)
            self._patch(list_pos, len(self.buf) - list_pos - 4)
        if el.children:
            self.buf.append(0x02)  # close start element
            for child in el.children:
                self._content(child, index)
            self.buf.append(0x04)  # end element
        else:
            self.buf.append(0x03)  # close empty element
        self._patch(size_pos, len(self.buf) - size_pos - 4)

    def add(self, r: EventRecord) -> bool:
        saved = (len(self.buf), dict(self.names), dict(self.templates), list(self.strings),
                 list(self.template_table))
        start = len(self.buf)
        tree = _event_tree(r)
        values: list[Typed] = []
        key = _shape(tree, values)
        self.buf += bytes(24) + b"\x0f\x01\x01\x00"  # record header (patched below), fragment
        if key in self.templates:
            tid, def_off = self.templates[key]
            self.buf += struct.pack("<BBII", 0x0C, 0x01, tid, def_off)
        else:
            digest = hashlib.md5(repr(key).encode(), usedforsecurity=False).digest()
            tid = struct.unpack("<I", digest[:4])[0]
            def_off = len(self.buf) + 10
            self.buf += struct.pack("<BBII", 0x0C, 0x01, tid, def_off)
            self._u32(self.template_table[tid % 32])  # next template in this bucket
            self.buf += digest
            size_pos = len(self.buf)
            self._u32(0)
            self.buf += b"\x0f\x01\x01\x00"
            self._element(tree, [0])
            self.buf.append(0x00)  # end of stream
            self._patch(size_pos, len(self.buf) - size_pos - 4)
            self.template_table[tid % 32] = def_off
            self.templates[key] = (tid, def_off)
        data = [_encode(v) for v in values]
        self._u32(len(values))
        for v, d in zip(values, data):
            self.buf += struct.pack("<HBB", len(d), v.type, 0)
        self.buf += b"".join(data) + b"\x00"  # values, end of stream
        self.buf += bytes(-(len(self.buf) - start + 4) % 8)
        size = len(self.buf) - start + 4
        self._u32(size)
        self.buf[start:start + 24] = struct.pack("<4sIQQ", b"**\0\0", size, r.record_id,
                                                 to_filetime(r.time))
        if len(self.buf) > CHUNK_SIZE:
            n, self.names, self.templates, self.strings, self.template_table = saved
            del self.buf[n:]
            return False
        self.ids.append(r.record_id)
        self.last_offset = start
        return True

    def finish(self) -> bytes:
        free = len(self.buf)
        head = struct.pack("<8sQQQQIIII", b"ElfChnk\0", self.ids[0], self.ids[-1], self.ids[0],
                           self.ids[-1], 128, self.last_offset, free,
                           zlib.crc32(self.buf[CHUNK_HEADER_SIZE:free]))
        head += bytes(120 - len(head)) + struct.pack("<I", 1)  # chunk flags as Windows sets them
        tables = struct.pack("<64I", *self.strings) + struct.pack("<32I", *self.template_table)
        crc = zlib.crc32(head[:120] + tables)
        out = head + struct.pack("<I", crc) + tables + self.buf[CHUNK_HEADER_SIZE:]
        return bytes(out) + bytes(CHUNK_SIZE - len(out))


def build_evtx(records: list[EventRecord], max_records_per_chunk: int | None = None) -> bytes:
    """The bytes of an EVTX file holding ``records`` in the order given.

    A chunk is closed when the next record does not fit, or after ``max_records_per_chunk``
    records (a fixture device to make a small log span several chunks).
    """
    chunks: list[_Chunk] = []
    for r in records:
        full = (not chunks or (max_records_per_chunk is not None
                               and len(chunks[-1].ids) >= max_records_per_chunk))
        if full or not chunks[-1].add(r):
            chunks.append(_Chunk())
            if not chunks[-1].add(r):
                raise ValueError(f"record {r.record_id} does not fit in an empty chunk")
    next_id = records[-1].record_id + 1 if records else 1
    head = struct.pack("<8sQQQIHHHH", b"ElfFile\0", 0, max(len(chunks) - 1, 0), next_id, 128,
                       1, 3, FILE_HEADER_SIZE, len(chunks))
    head += bytes(120 - len(head)) + struct.pack("<I", 0)  # flags: clean (not dirty, not full)
    head += struct.pack("<I", zlib.crc32(head[:120]))
    return head + bytes(FILE_HEADER_SIZE - len(head)) + b"".join(c.finish() for c in chunks)


def write_evtx(path: str | Path, records: list[EventRecord],
               max_records_per_chunk: int | None = None) -> None:
    """Write ``records`` to ``path`` as an EVTX file (see ``build_evtx``)."""
    Path(path).write_bytes(build_evtx(records, max_records_per_chunk))
