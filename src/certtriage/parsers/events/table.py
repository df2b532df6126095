"""PowerShell's table of events: `Get-WinEvent` (its default view) and `Format-Table`.

```
   ProviderName: Schannel

TimeCreated                      Id LevelDisplayName Message
-----------                      -- ---------------- -------
3/14/2025 9:12:44 AM          36888 Error            A fatal alert was generated and sent to ...
```

`Get-EventLog` prints `Index Time EntryType Source InstanceID Message`; its InstanceID holds
the event id in its low 16 bits (HTTP.sys 15021 shows as 3221240493).

The header names the columns (PowerShell's property names, never translated); a dash line
underlines them; `ProviderName:` group headers name the provider of the rows below. Rows are
read by the order of the columns, not their widths (pastes lose the alignment). The message
shows only its first line, cut with `...` (or `…`) at the console width; `Format-Table -Wrap`
continues it on indented lines below. Cut messages are read by the matcher.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_COLUMNS = {
    "TimeCreated": r"\S.*?", "ProviderName": r"\S+", "Id": r"\d{1,5}",
    "LevelDisplayName": r"\S+", "Level": r"\d", "MachineName": r"\S+", "RecordId": r"\d+",
    "LogName": r"\S+", "Message": r".*?",
    # Get-EventLog (the classic cmdlet): its InstanceID carries the qualifiers in its high bits.
    "Index": r"\d+", "Time": r"\S.*?", "Source": r"\S.*?",
    "EntryType": r"Error|Warning|Information|SuccessAudit|FailureAudit|0",
    "InstanceID": r"\d{1,10}",
}
_HEADER = re.compile(r"^\s*(?:(?:" + "|".join(_COLUMNS) + r")(?:\s+|$))+$")
_RULE = re.compile(r"^\s*-+(?:\s+-+)*\s*$")
_GROUP = re.compile(r"^\s*ProviderName\s*:\s*(\S.*?)\s*$")


@dataclass
class Row:
    """One event of a table."""

    first: int
    """Line index of the row."""
    last: int
    """Line index of its last continuation line."""
    values: dict[str, str] = field(default_factory=dict)
    provider: str | None = None
    """From the `ProviderName:` group header above it, or its own column."""


def header(line: str) -> list[str] | None:
    """The column names of a table header line (with Id and Message), or None."""
    if not _HEADER.match(line):
        return None
    names = line.split()
    return names if {"Id", "InstanceID"} & set(names) and "Message" in names else None


def tables(lines: list[str]) -> tuple[list[Row], set[int]]:
    """Every row of every table in `lines`, and the line indexes the tables take."""
    rows: list[Row] = []
    taken: set[int] = set()
    group: tuple[int, str] | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        if m := _GROUP.match(line):
            group = (index, m.group(1))
        elif (names := header(line)) and index + 1 < len(lines) and _RULE.match(lines[index + 1]):
            provider = None
            if group and index - group[0] <= 3:
                provider = group[1]
                taken.add(group[0])
            found: list[Row] = []
            end = _rows(lines, index + 2, names, provider, found)
            rows.extend(found)
            taken |= set(range(index, end))
            index = end
            continue
        index += 1
    return rows, taken


def _rows(lines: list[str], index: int, names: list[str], provider: str | None,
          rows: list[Row]) -> int:
    """Read rows from line `index`; the index of the first line after the table."""
    pattern = re.compile(r"^\s*" + r"\s+".join(f"(?P<{n}>(?:{_COLUMNS[n]}))" for n in names)
                         + r"\s*$")
    while index < len(lines):
        line = lines[index]
        m = pattern.match(line) if line.strip() else None
        if m is not None:
            row = Row(index, index, {k: v.strip() for k, v in m.groupdict().items() if v},
                      provider=provider)
            rows.append(row)
        elif line[:1].isspace() and line.strip() and rows and rows[-1].last == index - 1:
            rows[-1].values["Message"] = f"{rows[-1].values.get('Message', '')} {line.strip()}"
            rows[-1].last = index
        else:
            break
        index += 1
    return index
