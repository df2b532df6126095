"""The layout rules of tests/README.md, checked: test folders follow src/, and scripts/ and
tests/ never import each other (tests run a script as a program instead)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import ROOT

TESTS = ROOT / "tests"
SCRIPTS = ROOT / "scripts"
PARSERS = ROOT / "src" / "certtriage" / "parsers"


def _packages(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()
            if p.is_dir() and (p / "__init__.py").exists() and not p.name.startswith("_")}


def _python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def _imported(tree: ast.AST) -> set[str]:
    """Top-level names of absolute imports (relative imports stay inside their own tree)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _path_hacks(tree: ast.AST) -> list[str]:
    """`sys.path` edits and imports of a file by its path, as source text."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "path" and isinstance(
                node.value, ast.Name) and node.value.id == "sys":
            found.append(ast.unparse(node))
        if isinstance(node, ast.Attribute) and node.attr == "spec_from_file_location":
            found.append(ast.unparse(node))
    return found


def test_one_test_folder_per_format_package() -> None:
    assert _packages(TESTS / "parsers") == _packages(PARSERS)


def test_every_test_folder_is_a_package() -> None:
    # Test modules import `from ..conftest import ...`, which needs a package at every level.
    folders = [p for p in TESTS.rglob("*") if p.is_dir() and p.name != "__pycache__"
               and "__pycache__" not in p.parts]
    assert [p for p in folders if not (p / "__init__.py").exists()] == []


@pytest.mark.parametrize("path", _python_files(TESTS), ids=lambda p: str(p.relative_to(TESTS)))
def test_tests_do_not_import_scripts(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    scripts = {p.stem for p in SCRIPTS.glob("*.py")} | {"scripts"}
    assert _imported(tree) & scripts == set()
    assert _path_hacks(tree) == []


@pytest.mark.parametrize("path", _python_files(SCRIPTS), ids=lambda p: p.name)
def test_scripts_do_not_import_tests(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    tests = {p.stem for p in TESTS.glob("*.py")} | {p.name for p in TESTS.iterdir()
                                                    if p.is_dir()} | {"tests"}
    assert _imported(tree) & tests == set()
    source = path.read_text(encoding="utf-8")
    assert '"tests"' not in source and "'tests'" not in source, "no path into tests/"
