"""Acquire: the paths a user gives become an ordered stream of inputs (`Source`), safely.

A batch run points certtriage at a ticket's attachments: files, folders, zips (TSS bundles),
nested zips, tars and gzip files. :func:`iter_sources` walks them and yields one `Source` per file
or archive member, with a display name (`origin`) that says where it came from. It never raises
for a bad input: whatever cannot be read becomes a `Source` whose `skipped` says why.

Safety
    Nothing is extracted: archive members are read when `Source.load()` or `Source.path` asks
    for them, small ones into memory, large ones and EVTX (streamed by the pipeline) into a
    private temporary copy (a folder only this user can read, removed after use). Member names
    are displayed, never used as paths, so `../../x` or `/etc/x` cannot land anywhere. Only
    regular files are read: symbolic and hard links, devices, fifos and sockets are reported,
    not followed or opened, and a file is checked again once open (a fifo swapped in after the
    walk cannot block the run). Nothing from the input is executed or fetched.

Limits (`Limits`), each named in the reason of what it stopped
    Every read is bounded while reading, and every decompression runs a chunk at a time against
    the member limit and the ratio limit (zip members, gzip and tar.gz streams, sparse tar
    members), so a bomb is refused after a few MiB, never inflated to find out. Counts come from
    the entries actually read, never from an archive's own claims (a zip's end record). Budgets
    are fair: each archive file may give at most `max_ratio` times its size (its own limit), a
    case at most `max_total_bytes`; an entry that does not fit is skipped with the limit that
    stopped it, and later entries that fit are still read, so one file cannot starve a case.

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
    but are passed on as plain files (`_DOCUMENT_SUFFIXES`), except Word documents, whose text
    is read as one member (`_docx`, `text.wordml`). An e-mail message saved as a file
    (header fields first, one of them a MIME field, or an `.eml` name) is read as an archive of
    its text bodies and attachments, decoded from base64 or quoted-printable (`_mime`,
    `text.mail`); an Outlook message (a compound file named `.msg`) likewise, with `olefile`
    (`_msg`). A zip whose central directory is gone (a cut upload) is listed from its local
    headers as far as they go.

Memory
    Listing keeps only names and offsets. A loader holds its archive, which it reopens on demand:
    at most a few archives stay open at once (`_archive._OpenArchives`), a small nested archive
    is re-read from its parent when it is needed again (a large one is read from its temporary
    copy), and a gzip stream keeps restart points so a tar.gz member can be read in any order
    without decompressing from the start each time.

Modules
    `_model` (Limits, Source, AcquireError, names and limits as shown), `_case` (one argument
    walked, in order), `_folder` (folders on disk, regular files only), `_budget` (the case's
    and each archive's budget), `_detect` (what a file is), `_archive` (the archive base, the
    open archives), `_content` (a member's bytes: memory or a temporary copy), `_spill` (the
    private temporary copies), `_inflate` (chunked decompression), `_zip` with `_zip_central`
    (the central directory, overlaps) and `_zip_local` (damaged zips from their local
    headers), `_tar`, `_gzip` (gzip and the seekable reader).
"""

from __future__ import annotations

from ._case import iter_sources
from ._model import AcquireError, Limits, Source

__all__ = ["AcquireError", "Limits", "Source", "iter_sources"]
