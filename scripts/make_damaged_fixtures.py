"""Derive damaged variants of chosen clean certutil fixtures.

Real evidence reaches certtriage through PowerShell redirection, ticket systems, forums and
Markdown renderers, and each of those damages the text in its own way. This script applies one
kind of damage at a time to a few clean fixtures and writes the results to
``fixtures/certutil/damaged/<case>-<kind>.txt``, plus ``damaged/MANIFEST.json`` that names the
source and damage of every output.

Stdlib only, deterministic and idempotent: running it again rewrites nothing that is already
up to date. Usage:

* ``python scripts/make_damaged_fixtures.py``: write the damaged fixtures and the manifest;
* ``... --check``: write nothing, print ``stale: <path>`` for every file that differs from what
  would be written, exit 1 if there is any;
* ``... --apply OUT FILE...``: apply every lossless kind of damage to each FILE (UTF-8 text,
  such as the real corpus in ``../shared``, which must stay out of the repository) and write
  the results under the folder OUT, with ``OUT/index.json`` naming each one. The test suite runs this (as a
  program, never importing this module) to damage the real pastes at test time.
"""

from __future__ import annotations

import codecs
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "certutil"
OUT = FIXTURES / "damaged"

OFFLINE = "revocation-offline/leaf-cdp-name-not-resolved.txt"
PASSING = "pass/three-element-client-auth-urlfetch.txt"
GERMAN = "localized/de-de-revocation-offline.txt"

#: (source fixture, damage kinds applied to it)
PLAN: tuple[tuple[str, tuple[str, ...]], ...] = (
    (OFFLINE, (
        "utf16le-bom", "utf16le-nobom", "crlf", "cr-only", "doubled-blank-lines",
        "lost-indentation", "quoted", "markdown", "wrapped-hresult", "truncated", "elided",
        "redacted",
    )),
    (PASSING, (
        "utf16le-bom", "utf16be-bom", "crlf", "doubled-blank-lines", "lost-indentation",
        "percent-prefixed", "markdown", "truncated", "redacted",
    )),
    (GERMAN, ("wrapped-hresult", "cp1252")),
)

#: Damage that removes information, so the source's expected diagnosis may not fully carry over.
LOSSY = frozenset({"truncated", "elided", "redacted"})

URL = re.compile(r"\b(?:https?|ldap)://\S+")
HRESULT_AT_END = re.compile(r"^(\s*)(.*?\S)\s+(0x[0-9a-fA-F]{8} \([^)]*\))\s*$")
DASH_RUN = re.compile(r"-{2,}")


# --- text damage (LF text in, LF text out) ------------------------------------------------
def _lines(text: str) -> list[str]:
    return text.rstrip("\n").split("\n")


def _join(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def doubled_blank_lines(text: str) -> str:
    """A blank line after every line, as a docx or HTML page pasted into Markdown leaves it."""
    return "".join(f"{line}\n\n" for line in _lines(text))


def lost_indentation(text: str) -> str:
    return _join([line.lstrip() for line in _lines(text)])


def quoted(text: str) -> str:
    """Markdown block quote: `> ` before every line, a bare `>` on blank lines."""
    return _join([f"> {line}" if line else ">" for line in _lines(text)])


def percent_prefixed(text: str) -> str:
    """A shell-transcript prompt, `% `, before every line (blank lines keep the prefix)."""
    return _join([f"% {line}" for line in _lines(text)])


def _wordpress_dashes(run: str) -> str:
    """Smart-dash conversion of a run of hyphens: `---` becomes an em dash, `--` an en dash."""
    em, rest = divmod(len(run), 3)
    return "\u2014" * em + {0: "", 1: "-", 2: "\u2013"}[rest]


def _markdown_line(line: str) -> str:
    urls: list[str] = []

    def stash(match: re.Match[str]) -> str:
        urls.append(match.group(0))
        return f"\0{len(urls) - 1}\0"

    line = URL.sub(stash, line)
    line = line.replace("_", "\\_")
    line = re.sub(r'"([^"]*)"', "\u201c\\1\u201d", line)
    if DASH_RUN.search(line):
        indent = line[: len(line) - len(line.lstrip())]
        body = re.sub(r" {2,}", " ", line.strip())
        line = indent + DASH_RUN.sub(lambda m: _wordpress_dashes(m.group(0)), body)
    for n, url in enumerate(urls):
        wrapped = f"<{url}>" if url.startswith("http") else f"`{url}`"
        line = line.replace(f"\0{n}\0", wrapped)
    return f"{line}  " if line.strip() else line


def markdown(text: str) -> str:
    """A page rendered through a Markdown/blog editor and copied back out.

    Underscores escaped, HTTP URLs in angle brackets and LDAP URLs in backticks, smart quotes
    around status objects, hyphen runs turned into em/en dashes with collapsed spaces, and two
    trailing spaces (a Markdown line break) on every non-blank line.
    """
    return _join([_markdown_line(line) for line in _lines(text)])


def wrapped_hresult(text: str) -> str:
    """Every `0x........ (...)` code moved to its own line after its message."""
    out: list[str] = []
    for line in _lines(text):
        match = HRESULT_AT_END.match(line)
        if match:
            indent, message, code = match.groups()
            out += [f"{indent}{message}", f"{indent}{code}"]
        else:
            out.append(line)
    return _join(out)


def truncated(text: str) -> str:
    """Cut part-way through (about 62 %), inside a word, with no final newline."""
    cut = int(len(text) * 0.62)
    while not (text[cut - 1].isalnum() and text[cut].isalnum()):
        cut += 1
    return text[:cut]


def elided(text: str) -> str:
    """The whole second chain element replaced by a line `...`."""
    lines = _lines(text)
    start = lines.index(next(line for line in lines if line.startswith("CertContext[0][1]")))
    end = lines.index(next(line for line in lines if line.startswith("CertContext[0][2]")))
    return _join(lines[:start] + ["..."] + lines[end:])


def _redact_url(match: re.Match[str]) -> str:
    url = match.group(0)
    if url.startswith("ldap"):
        return url  # its DN is redacted by the CN=/DC= rule
    scheme, rest = url.split("://", 1)
    path = rest.split("/")[1:]
    if path:
        _stem, dot, ext = path[-1].rpartition(".")
        path[-1] = f"xxxx.{ext}" if dot else "xxxx"
    return f"{scheme}://" + "/".join(["xxxx", *path])


def redacted(text: str) -> str:
    """Host names, CNs and domain components replaced the way people scrub a paste."""
    text = URL.sub(_redact_url, text)
    text = re.sub(r"\b(CN|DC)=[^,\n?]+", r"\1=###", text)
    text = re.sub(r"(Principal Name=|RFC822 Name=)[^,\s]+", r"\1xxxx@xxxx", text)
    text = re.sub(r"(DNS Name=)[^,\s]+", r"\1xxxx", text)
    return text


TEXT_DAMAGE: dict[str, Callable[[str], str]] = {
    "doubled-blank-lines": doubled_blank_lines,
    "lost-indentation": lost_indentation,
    "quoted": quoted,
    "percent-prefixed": percent_prefixed,
    "markdown": markdown,
    "wrapped-hresult": wrapped_hresult,
    "truncated": truncated,
    "elided": elided,
    "redacted": redacted,
}


# --- byte damage (encoding and line endings) ---------------------------------------------------
def _crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


BYTE_DAMAGE: dict[str, Callable[[str], bytes]] = {
    "utf16le-bom": lambda t: codecs.BOM_UTF16_LE + _crlf(t).encode("utf-16-le"),
    "utf16le-nobom": lambda t: _crlf(t).encode("utf-16-le"),
    "utf16be-bom": lambda t: codecs.BOM_UTF16_BE + _crlf(t).encode("utf-16-be"),
    "crlf": lambda t: _crlf(t).encode("utf-8"),
    "cr-only": lambda t: t.replace("\n", "\r").encode("utf-8"),
    "cp1252": lambda t: _crlf(t).encode("cp1252"),
}


def damage(text: str, kind: str) -> bytes:
    if kind in BYTE_DAMAGE:
        return BYTE_DAMAGE[kind](text)
    return TEXT_DAMAGE[kind](text).encode("utf-8")


def outputs() -> dict[Path, bytes]:
    """Every damaged fixture and the manifest: path -> bytes."""
    files: dict[Path, bytes] = {}
    manifest = []
    for source, kinds in PLAN:
        text = (FIXTURES / source).read_text(encoding="utf-8")
        case = Path(source).stem
        for kind in kinds:
            name = f"{case}-{kind}.txt"
            files[OUT / name] = damage(text, kind)
            manifest.append({"file": f"damaged/{name}", "source": source, "damage": kind,
                             "lossy": kind in LOSSY})
    files[OUT / "MANIFEST.json"] = (json.dumps(manifest, indent=1) + "\n").encode("utf-8")
    return files


def write(check: bool) -> int:
    """Write the fixtures (or with `check`, list the stale ones); return 1 if `check` found any."""
    stale = 0
    files = outputs()
    for path, data in files.items():
        if path.exists() and path.read_bytes() == data:
            continue
        stale += 1
        if check:
            print(f"stale: {path.relative_to(ROOT)}")
        else:
            OUT.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    if not check:
        print(f"{len(files) - 1} damaged fixtures in {OUT} ({stale} files written)")
    return 1 if stale and check else 0


def apply(out: Path, sources: list[Path]) -> int:
    """Every lossless kind of damage applied to each of `sources`, written under `out`.

    Lossy damage is left out: it removes information, so the diagnosis may change, and
    `elided` assumes the shape of a certutil chain. `out/<n>/<kind>.bin` holds the damaged
    bytes of the n-th source; `out/index.json` holds ``{"kinds": {kind: lossy} (every kind
    known, applied or not), "outputs": [{"source", "damage", "file", "error"}]}`` where `file`
    is relative to `out`, or null with `error` set when the damage cannot encode the text
    (cp1252 and characters outside it).
    """
    kinds = {kind: kind in LOSSY for kind in sorted((*BYTE_DAMAGE, *TEXT_DAMAGE))}
    entries: list[dict[str, object]] = []
    for n, source in enumerate(sources):
        text = source.read_text(encoding="utf-8")
        (out / str(n)).mkdir(parents=True, exist_ok=True)
        for kind in (k for k, lossy in kinds.items() if not lossy):
            entry: dict[str, object] = {"source": str(source), "damage": kind, "file": None,
                                        "error": None}
            try:
                data = damage(text, kind)
            except UnicodeEncodeError as exc:
                entry["error"] = str(exc)
            else:
                entry["file"] = f"{n}/{kind}.bin"
                (out / str(n) / f"{kind}.bin").write_bytes(data)
            entries.append(entry)
    index = {"kinds": kinds, "outputs": entries}
    (out / "index.json").write_text(json.dumps(index, indent=1) + "\n", encoding="utf-8")
    return 0


def main(argv: list[str]) -> int:
    """Command-line entry (see the module docstring)."""
    if argv[:1] == ["--apply"] and len(argv) >= 2:
        return apply(Path(argv[1]), [Path(a) for a in argv[2:]])
    if argv in ([], ["--check"]):
        return write(check=bool(argv))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
