"""Meta tests of the rule files, and each rule against its trigger and clean fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from certtriage import analyze_path
from certtriage.engine import rulebook as load_rulebook
from certtriage.engine import vocabulary
from certtriage.errors import RulebookError
from certtriage.knowledge.rulebook import load_rulebook_from
from certtriage.knowledge.schema import Rule

from ..conftest import FIXTURES, ROOT

BOOK = load_rulebook()
RULES = list(BOOK.rules)
RULES_DIR = ROOT / "src" / "certtriage" / "knowledge" / "rules"

#: The cause ids the JSON contract promises (issue: the knowledge base).
CONTRACT_CAUSES = {
    "cdp-unreachable", "aia-unreachable", "ocsp-unreachable", "revocation-offline", "crl-expired",
    "revoked", "untrusted-root", "partial-chain", "missing-client-auth-eku", "not-time-valid",
    "signature-invalid", "ok",
}


def test_every_contract_cause_has_a_rule() -> None:
    assert CONTRACT_CAUSES <= set(BOOK.causes)


def test_codes_are_unique_and_files_are_named_after_them() -> None:
    assert len({r.code for r in RULES}) == len(RULES)
    for rule in RULES:
        assert BOOK.sources[rule.code].endswith(f"/{rule.code}-{rule.name}.toml")


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_follows_the_template(rule: Rule) -> None:
    assert rule.why.strip() and rule.fix and rule.title and rule.message
    assert rule.examples.triggers and rule.examples.clean
    for path in (*rule.examples.triggers, *rule.examples.clean):
        assert (FIXTURES / path).is_file(), path
    if rule.severity == "error" and "certutil-verify" in rule.applies_to \
            and rule.category not in ("configuration", "evidence"):
        # Chain failures surface as a 403.x; a failed TLS handshake (event rules) never
        # reaches IIS, a domain controller's stores (certutil -dcinfo) are not a client
        # certificate's chain, and a command that failed before it read a certificate
        # (evidence) says nothing about one, so those rules may name none.
        assert rule.iis_substatus, "an error-level chain rule says which 403.x it leads to"


@pytest.mark.parametrize(
    ("rule", "fixture"),
    [(r, t) for r in RULES for t in r.examples.triggers],
    ids=[f"{r.code}:{t.split('/')[-1]}" for r in RULES for t in r.examples.triggers],
)
def test_rule_fires_on_its_triggers(rule: Rule, fixture: str) -> None:
    result = analyze_path(FIXTURES / fixture)
    assert rule.code in {f.rule for f in result.findings}


@pytest.mark.parametrize(
    ("rule", "fixture"),
    [(r, c) for r in RULES for c in r.examples.clean],
    ids=[f"{r.code}:{c.split('/')[-1]}" for r in RULES for c in r.examples.clean],
)
def test_rule_stays_quiet_on_its_clean_cases(rule: Rule, fixture: str) -> None:
    result = analyze_path(FIXTURES / fixture)
    assert rule.code not in {f.rule for f in result.findings}


def test_explains_points_at_existing_rules() -> None:
    codes = {r.code for r in RULES}
    for rule in RULES:
        assert set(rule.explains) <= codes


# ---- a broken rule file gives an error that names the file and the field --------------------
@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


def _break(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(("old", "new", "expected"), [
    ('severity = "error"', 'severity = "fatal"', "severity"),
    ('code = "REV020"', 'code = "R20"', "code"),
    ('predicate = "trust_error"', 'predicate = "eval"', "unknown predicate"),
    ('flag = "CERT_TRUST_IS_REVOKED"', 'flag = "CERT_TRUST_IS_REVOKD"', "unknown CERT_TRUST flag"),
    ('bind = "leaf"', 'bind = "leaf"\nshell = "rm -rf /"', "takes no argument 'shell'"),
    ('title = ', 'colour = "red"\ntitle = ', "colour"),
    ('iis_substatus = ["403.13"]', 'iis_substatus = ["40313"]', "iis_substatus"),
])
def test_broken_rule_file_is_reported_with_file_and_field(
        rules_copy: Path, old: str, new: str, expected: str) -> None:
    path = rules_copy / "certutil_verify" / "revocation" / "REV020-revoked.toml"
    _break(path, old, new)
    with pytest.raises(RulebookError) as info:
        load_rulebook_from(rules_copy, vocabulary())
    message = str(info.value)
    assert message.startswith("certutil_verify/revocation/REV020-revoked.toml: ")
    assert expected in message


def test_invalid_toml_and_misnamed_file(rules_copy: Path) -> None:
    path = rules_copy / "certutil_verify" / "chain" / "CHN004-signature-invalid.toml"
    _break(path, 'severity = "error"', 'severity = = "error"')
    with pytest.raises(RulebookError, match="CHN004-signature-invalid.toml: not valid TOML"):
        load_rulebook_from(rules_copy, vocabulary())
    _break(path, 'severity = = "error"', 'severity = "error"')
    path.rename(path.with_name("CHN004-bad-signature.toml"))
    with pytest.raises(RulebookError, match="file name should be CHN004-signature-invalid"):
        load_rulebook_from(rules_copy, vocabulary())


def test_duplicate_keys_are_rejected(rules_copy: Path) -> None:
    path = rules_copy / "certutil_verify" / "chain" / "CHN004-signature-invalid.toml"
    _break(path, 'severity = "error"', 'severity = "error"\nseverity = "warning"')
    with pytest.raises(RulebookError, match="not valid TOML"):
        load_rulebook_from(rules_copy, vocabulary())


def test_settings_table_names_existing_rules() -> None:
    import tomllib
    from importlib import resources

    text = (resources.files("certtriage.knowledge") / "data" / "settings.toml").read_text()
    codes = {r.code for r in RULES}
    for row in tomllib.loads(text)["setting"]:
        assert set(row["rules"]) <= codes, row["name"]


def test_the_validated_rulebook_is_cached_and_a_damaged_cache_is_rebuilt(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERTTRIAGE_CACHE_DIR", str(tmp_path))
    load_rulebook.cache_clear()
    try:
        first = load_rulebook()
        cached = list(tmp_path.glob("rulebook-*.pickle"))
        assert len(cached) == 1
        load_rulebook.cache_clear()
        assert [r.code for r in load_rulebook().rules] == [r.code for r in first.rules]
        cached[0].write_bytes(b"not a pickle")
        load_rulebook.cache_clear()
        assert len(load_rulebook().rules) == len(first.rules)
    finally:
        load_rulebook.cache_clear()


def test_rule_files_are_found_and_keyed_alike_on_disk_and_in_an_archive(tmp_path: Path) -> None:
    """The rules folder walked on disk (the fast path every run takes to key the cached
    rulebook) and through the resource reader of a zipped package give the same files in the
    same order, so the same key."""
    import zipfile
    from importlib import resources

    from certtriage.knowledge import rulebook as module

    root = resources.files("certtriage.knowledge") / "rules"
    assert isinstance(root, Path)
    (tmp_path / "rules" / "extra" / "_private").mkdir(parents=True)
    shutil.copytree(root, tmp_path / "rules", dirs_exist_ok=True)
    (tmp_path / "rules" / "extra" / "_private" / "X001-hidden.toml").write_text("")
    (tmp_path / "rules" / "top-level.toml").write_text("")  # not in a format's folder
    archive = tmp_path / "rules.zip"
    with zipfile.ZipFile(archive, "w") as packed:
        for path in sorted((tmp_path / "rules").rglob("*")):
            packed.write(path, path.relative_to(tmp_path).as_posix())
    zipped = zipfile.Path(archive, "rules/")
    on_disk = module._files(tmp_path / "rules")
    in_archive = module._files(zipped)
    assert [rel for rel, _ in on_disk] == [rel for rel, _ in in_archive]
    assert len(on_disk) == len(module._files(root))
    assert not any("_private" in rel or rel == "top-level.toml" for rel, _ in on_disk)
    assert list(module._cache_parts(tmp_path / "rules")) == list(module._cache_parts(zipped))
