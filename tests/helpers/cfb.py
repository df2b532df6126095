"""A small writer of compound files (the OLE2 container of Outlook's .msg), for tests: storages
and streams from a nested dict, streams under 4,096 bytes in the mini stream (64-byte
sectors), the others in 512-byte sectors, siblings chained to the right. Enough for
`olefile` to read; not a general writer."""

from __future__ import annotations

import struct

SECTOR, MINI, CUTOFF = 512, 64, 4096
FREE, END, FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NONE = 0xFFFFFFFF

Tree = dict[str, "bytes | Tree"]


def compound_file(tree: Tree) -> bytes:
    """The bytes of a compound file holding `tree` (names to bytes for streams, to dicts for
    storages)."""
    entries: list[dict[str, object]] = [{"name": "Root Entry", "type": 5, "children": []}]

    def add(node: Tree, parent: int) -> None:
        for name, value in node.items():
            index = len(entries)
            entries.append({"name": name, "type": 1 if isinstance(value, dict) else 2,
                            "children": [], "data": b"" if isinstance(value, dict) else value})
            entries[parent]["children"].append(index)  # type: ignore[union-attr]
            if isinstance(value, dict):
                add(value, index)

    add(tree, 0)
    sectors: list[bytes] = []
    fat: list[int] = []

    def place(data: bytes) -> int:
        if not data:
            return END
        first = len(sectors)
        count = -(-len(data) // SECTOR)
        for i in range(count):
            sectors.append(data[i * SECTOR:(i + 1) * SECTOR].ljust(SECTOR, b"\0"))
            fat.append(first + i + 1 if i < count - 1 else END)
        return first

    mini: list[bytes] = []
    minifat: list[int] = []
    for entry in entries[1:]:
        data = entry.get("data", b"")
        assert isinstance(data, bytes)
        if not data or len(data) >= CUTOFF:
            entry["start"] = place(data)
            continue
        entry["start"] = first = len(mini)
        count = -(-len(data) // MINI)
        for i in range(count):
            mini.append(data[i * MINI:(i + 1) * MINI].ljust(MINI, b"\0"))
            minifat.append(first + i + 1 if i < count - 1 else END)
    stream = b"".join(mini)
    entries[0]["start"], entries[0]["data"] = place(stream), stream
    minifat_bytes = struct.pack(f"<{len(minifat)}I", *minifat)
    minifat_bytes += struct.pack("<I", FREE) * ((-len(minifat_bytes) % SECTOR) // 4)
    first_minifat = place(minifat_bytes)
    directory = b"".join(_entry(entries, i) for i in range(len(entries)))
    directory += b"\0" * (-len(directory) % SECTOR)
    first_directory = place(directory)
    fat_sectors = -(-(len(sectors) + 1) * 4 // SECTOR)
    while -(-(len(sectors) + fat_sectors) * 4 // SECTOR) > fat_sectors:
        fat_sectors += 1
    first_fat = len(sectors)
    fat.extend([FAT_SECTOR] * fat_sectors)
    table = struct.pack(f"<{len(fat)}I", *fat)
    table += struct.pack("<I", FREE) * ((fat_sectors * SECTOR - len(table)) // 4)
    sectors.extend(table[i * SECTOR:(i + 1) * SECTOR] for i in range(fat_sectors))
    difat = [first_fat + i for i in range(fat_sectors)] + [FREE] * (109 - fat_sectors)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, fat_sectors, first_directory, 0, CUTOFF,
                            first_minifat, len(minifat_bytes) // SECTOR, END, 0)
              + struct.pack("<109I", *difat))
    return header + b"".join(sectors)


def _entry(entries: list[dict[str, object]], index: int) -> bytes:
    entry = entries[index]
    name = str(entry["name"]).encode("utf-16-le") + b"\0\0"
    children = entry["children"]
    assert isinstance(children, list)
    child = children[0] if children else NONE
    right = NONE
    for siblings in (e["children"] for e in entries):
        assert isinstance(siblings, list)
        if index in siblings:
            at = siblings.index(index)
            right = siblings[at + 1] if at + 1 < len(siblings) else NONE
    data = entry.get("data", b"")
    assert isinstance(data, bytes)
    return (name.ljust(64, b"\0") + struct.pack("<HBB", len(name), entry["type"], 1)
            + struct.pack("<III", NONE, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
            + struct.pack("<IIII", entry["start"], len(data), 0, 0))[:128]
