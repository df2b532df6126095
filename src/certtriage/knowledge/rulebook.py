"""Load and validate every rule file once; index the rules by code."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .._cache import kept, model_versions
from ..errors import RulebookError
from .schema import Category, Rule


@dataclass(frozen=True)
class Rulebook:
    """All rules, in code order, with lookups."""

    rules: tuple[Rule, ...]
    sources: dict[str, str]
    """Rule code -> the file it was read from (relative to the rules folder)."""

    def get(self, code: str) -> Rule | None:
        """The rule with `code` (case-insensitive), or by its name."""
        wanted = code.strip()
        for rule in self.rules:
            if rule.code == wanted.upper() or rule.name == wanted.lower():
                return rule
        return None

    @property
    def causes(self) -> tuple[str, ...]:
        """Every cause id the rules can report."""
        return tuple(sorted({rule.cause for rule in self.rules}))

    # Derived once per loaded rulebook (cached_property writes the instance __dict__, which a
    # frozen dataclass allows), so evaluating an input does not rebuild them.
    @functools.cached_property
    def explains(self) -> dict[str, frozenset[str]]:
        """Rule code -> the codes of the rules whose findings it explains."""
        return {rule.code: frozenset(rule.explains) for rule in self.rules}

    @functools.cached_property
    def explainers(self) -> dict[str, tuple[str, ...]]:
        """Rule code -> the codes of the rules that explain its findings."""
        found: dict[str, list[str]] = {}
        for rule in self.rules:
            for code in rule.explains:
                found.setdefault(code, []).append(rule.code)
        return {code: tuple(rules) for code, rules in found.items()}

    @functools.cached_property
    def _by_kind(self) -> dict[str, tuple[Rule, ...]]:
        kinds = {kind for rule in self.rules for kind in rule.applies_to}
        return {kind: tuple(r for r in self.rules if kind in r.applies_to) for kind in kinds}

    def for_kind(self, kind: str) -> tuple[Rule, ...]:
        """The rules that read evidence of `kind` (a format id or a part kind), in code order."""
        return self._by_kind.get(kind, ())

    @functools.cached_property
    def _categories(self) -> dict[str, Category]:
        found = {c: cat for rule in self.rules for c, cat in rule.cause_categories.items()}
        found.update({rule.cause: rule.category for rule in reversed(self.rules)})
        return found

    def category_of(self, cause: str) -> Category | None:
        """What a cause is about (the `category` its rules declare), None for unknown causes."""
        return self._categories.get(cause)

    @functools.cached_property
    def substatus_of(self) -> dict[str, tuple[str, ...]]:
        """Cause -> the IIS 403.x of the first error rule that reports it as a failed chain;
        a finding whose cause a code or an alert names takes that cause's sub-status."""
        found: dict[str, tuple[str, ...]] = {}
        for rule in self.rules:
            if rule.iis_substatus and rule.category == "chain" and rule.severity == "error":
                found.setdefault(rule.cause, rule.iis_substatus)
        return found

    @functools.cached_property
    def remedy_of(self) -> dict[str, Rule]:
        """Cause -> the rule whose steps remedy it when an error code names it (`cause_fix`):
        the first error rule reporting it that reads a certutil chain dump, where the playbook
        gives each chain failure its whole remediation; else the first error rule reporting
        it from a failed chain. A rule that takes its steps from a code itself is none."""
        first: dict[str, Rule] = {}
        dumps: dict[str, Rule] = {}
        for rule in self.rules:
            if rule.severity != "error" or rule.category != "chain" or rule.cause_fix:
                continue
            first.setdefault(rule.cause, rule)
            if "certutil-verify" in rule.applies_to:
                dumps.setdefault(rule.cause, rule)
        return {**first, **dumps}

    @functools.cached_property
    def cause_graph(self) -> dict[str, frozenset[str]]:
        """Cause -> the causes that its rules explain."""
        cause_of = {rule.code: rule.cause for rule in self.rules}
        graph: dict[str, set[str]] = {}
        for rule in self.rules:
            for code in rule.explains:
                graph.setdefault(rule.cause, set()).add(cause_of[code])
        return {cause: frozenset(found) for cause, found in graph.items()}


def _files(root: Path | Traversable, prefix: str = "") -> list[tuple[str, Path | Traversable]]:
    """(path relative to the rules folder, file) of every rule file: `<format>/[<topic>/]*.toml`,
    in name order."""
    if isinstance(root, Path):
        return [(rel, Path(path)) for rel, path in _paths(os.fspath(root), prefix)]
    found: list[tuple[str, Path | Traversable]] = []
    for item in sorted(root.iterdir(), key=lambda p: p.name):
        if item.is_dir() and not item.name.startswith(("_", ".")):
            found.extend(_files(item, f"{prefix}{item.name}/"))
        elif prefix and item.name.endswith(".toml"):
            found.append((f"{prefix}{item.name}", item))
    return found


def _paths(folder: str, prefix: str = "") -> list[tuple[str, str]]:
    """`_files` of a folder on disk, as (relative path, path): every run hashes the rule
    files to find the cached rulebook, and walking them with `pathlib` cost more than
    reading them."""
    found: list[tuple[str, str]] = []
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.is_dir() and not entry.name.startswith(("_", ".")):
                found.extend(_paths(entry.path, f"{prefix}{entry.name}/"))
            elif prefix and entry.name.endswith(".toml"):
                found.append((f"{prefix}{entry.name}", entry.path))
    return found


def _location(error: Any) -> str:
    return ".".join(str(part) for part in error["loc"]) or "(file)"


def load_rulebook_from(root: Path | Traversable, predicates: Mapping[str, object]) -> Rulebook:
    """Read and validate every `<format>/[<topic>/]<CODE>-<name>.toml` under `root`; predicate
    names must be among `predicates` (every format's vocabulary)."""
    import tomllib  # here: a run whose rulebook comes from the cache never parses TOML

    rules: list[Rule] = []
    sources: dict[str, str] = {}
    for rel, item in _files(root):
        try:
            data = tomllib.loads(item.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise RulebookError(f"{rel}: not valid TOML: {exc}") from None
        try:
            rule = Rule.model_validate(data, context={"predicates": predicates})
        except ValidationError as exc:
            first = exc.errors()[0]
            raise RulebookError(f"{rel}: {_location(first)}: {first['msg']}") from None
        expected = f"{rule.code}-{rule.name}.toml"
        if item.name != expected:
            raise RulebookError(f"{rel}: file name should be {expected} (code and name)")
        if rule.code in sources:
            raise RulebookError(f"{rel}: code {rule.code} is already used by {sources[rule.code]}")
        sources[rule.code] = rel
        rules.append(rule)
    known = set(sources)
    for rule in rules:
        for code in rule.explains:
            if code not in known:
                raise RulebookError(f"{sources[rule.code]}: explains: no rule {code}")
    return Rulebook(rules=tuple(sorted(rules, key=lambda r: r.code)), sources=sources)


def load_packaged_rulebook(predicates: Callable[[], Mapping[str, object]]) -> Rulebook:
    """The rulebook shipped in the package.

    Validating ninety rule files costs more than the rest of a small run, so the validated
    rulebook is kept in the user cache folder (beside the compiled grammars) under a hash of
    every rule file and the package version; any change to a rule file misses the cache, and
    only then is `predicates` called for the vocabulary to validate against.
    """
    root = resources.files("certtriage.knowledge") / "rules"
    return kept("rulebook", _cache_parts(root), Rulebook,
                lambda: load_rulebook_from(root, predicates()))


def _cache_parts(root: Path | Traversable) -> Iterator[bytes]:
    """What the validated rulebook is made from: versions, the schema, every rule file."""
    yield model_versions()
    yield (resources.files("certtriage.knowledge") / "schema.py").read_bytes()
    if isinstance(root, Path):
        for rel, path in _paths(os.fspath(root)):
            yield rel.encode()
            with open(path, "rb") as handle:
                yield handle.read()
        return
    for rel, item in _files(root):
        yield rel.encode()
        yield item.read_bytes()
