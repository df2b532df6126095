"""Acquire: the paths a user gives become an ordered stream of inputs (`Source`), safely.

A batch run points certtriage at a ticket's attachments: files, folders, zips (TSS bundles),
nested zips, tars and gzip files. :func:`iter_sources` walks them and yields one `Source` per file
or archive member, with a display name (`origin`) that says where it came from. It never raises
for a bad input: whatever cannot be read becomes a `Source` whose `skipped` says why.

Safety
    Nothing is written to disk and nothing is extracted: archive members are read into memory, and
    only when `Source.load()` asks for them. Member names are displayed, never used as paths, so
    `../../x` or `/etc/x` cannot land anywhere. Symbolic and hard links, devices and fifos are
    reported, not followed or opened. Sizes are checked before anything is read and every read is
    bounded (`Limits`); zip members that compress more than `Limits.max_ratio` are refused unread.
    Nothing from the input is executed or fetched.

Order
    Arguments in the order given. Inside a folder and inside an archive, entries come sorted by
    relative path compared component by component, in code-point order (case-sensitive): a
    subfolder is walked where its name sorts among the files, so `a/x` comes before `a.txt` and
    `a/b.txt` before `a-c.txt`. Archive member names are split on `/` the same way. Entries about an
    archive as a whole (members left out, damage found while listing) follow its members.

Archives
    Recognised by their first bytes: zip (`PK\\x03\\x04`, `PK\\x05\\x06`, or a `.zip` name, which
    also finds self-extracting zips), gzip (a tar inside makes it a .tar.gz, anything else is one
    compressed member), tar (a valid header block). 7z, cab, rar, bzip2 and xz are recognised by
    magic or name and reported as not read. Office documents, jars and app packages are zips too,
    but are passed on as plain files (`_DOCUMENT_SUFFIXES`). A zip whose central directory is gone
    (a cut upload) is listed from its local headers as far as they go.

Memory
    Listing keeps only names and offsets. A loader holds its archive, which it reopens on demand:
    at most a few archives stay open at once (`_archive._OpenArchives`), a nested archive is re-read
    from its parent when it is needed again, and a gzip stream keeps restart points so a tar.gz
    member can be read in any order without decompressing from the start each time.

Modules
    `_model` (Limits, Source, AcquireError, names as shown), `_case` (one argument walked, in
    order), `_folder` (folders on disk), `_budget` (the case byte budget, the open archives),
    `_detect` (what a file is), `_archive` (the archive base), `_zip` and `_zip_local` (zips,
    damaged ones from their local headers), `_tar`, `_gzip` (gzip and the seekable reader).
"""

from __future__ import annotations

from ._case import iter_sources
from ._model import AcquireError, Limits, Source

__all__ = ["AcquireError", "Limits", "Source", "iter_sources"]
