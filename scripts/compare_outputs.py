"""Snapshot and compare the JSON report of every fixture and every real-corpus file.

A restructuring must not change behaviour. Run `snapshot DIR` before it and again after it into
another folder, then `compare OLD NEW`: it prints one line per input whose JSON changed and a
summary that holds only counts and a digest (never the content, since the real corpus holds
real names and must stay out of the repository).

Usage:
    python scripts/compare_outputs.py snapshot DIR
    python scripts/compare_outputs.py compare OLD NEW
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CERTTRIAGE_SHARED", ROOT.parent / "shared"))
sys.path.insert(0, str(ROOT / "src"))

#: The analysis time that certificate-file findings quote: masked, it differs between runs.
_NOW = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, the current time")

#: Fixture files that are not inputs (goldens, expectations, notes).
_NOT_INPUTS = (".json", ".md")


def inputs() -> list[tuple[str, Path]]:
    """(group, path) of every input: fixtures first, then the real corpus and EVTX files."""
    found = [("fixtures", p) for p in sorted((ROOT / "fixtures").rglob("*"))
             if p.is_file() and not p.name.endswith(_NOT_INPUTS)]
    found += [("fixtures", p) for p in sorted((ROOT / "fixtures").iterdir()) if p.is_dir()]
    for sub in ("corpus/real", "corpus/evtx"):
        base = SHARED / sub
        if base.is_dir():
            found += [("shared", p) for p in sorted(base.rglob("*"))
                      if p.is_file() and p.suffix in (".txt", ".evtx")]
    return found


def report_json(path: Path) -> str:
    """The `--format json` report of one input (a folder: of a batch run), as the CLI writes it."""
    from certtriage import analyze_path, report
    from certtriage.batch import batch
    from certtriage.render import OutputFormat, render

    full = batch([path]) if path.is_dir() else report([analyze_path(path)])
    text = render(full, OutputFormat.JSON)
    return _NOW.sub("<now>, the current time", text)


def _key(group: str, path: Path) -> str:
    base = ROOT / "fixtures" if group == "fixtures" else SHARED
    return f"{group}/{path.relative_to(base)}"


def snapshot(folder: Path) -> int:
    """Write one JSON file per input into `folder` (outside the repository)."""
    folder.mkdir(parents=True, exist_ok=True)
    for group, path in inputs():
        name = hashlib.sha256(_key(group, path).encode()).hexdigest()[:20]
        (folder / f"{name}.json").write_text(
            json.dumps({"input": _key(group, path), "report": report_json(path)}),
            encoding="utf-8")
    return 0


def compare(old: Path, new: Path) -> int:
    """Print the inputs whose report changed, then a summary; non-zero when any changed."""
    changed, same, missing = [], 0, 0
    digest = hashlib.sha256()
    for before in sorted(old.glob("*.json")):
        after = new / before.name
        a = json.loads(before.read_text(encoding="utf-8"))
        if not after.exists():
            missing += 1
            print(f"missing: {a['input']}")
            continue
        b = json.loads(after.read_text(encoding="utf-8"))
        digest.update(b["report"].encode())
        if a["report"] == b["report"]:
            same += 1
        else:
            changed.append(a["input"])
            print(f"changed: {a['input']}")
    print(f"{same} identical, {len(changed)} changed, {missing} missing; "
          f"sha256 of the new reports {digest.hexdigest()[:16]}")
    return 1 if changed or missing else 0


def main(argv: list[str]) -> int:
    """Command-line entry."""
    if len(argv) == 2 and argv[0] == "snapshot":
        return snapshot(Path(argv[1]))
    if len(argv) == 3 and argv[0] == "compare":
        return compare(Path(argv[1]), Path(argv[2]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
