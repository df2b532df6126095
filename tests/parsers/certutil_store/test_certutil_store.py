"""certutil -store dumps: sniffer, parser, issuer-list estimate, predicates and diagnoses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from certtriage import analyze_path, analyze_text
from certtriage.knowledge.predicates import Binding
from certtriage.parsers.certutil_store import predicates as predicates_store
from certtriage.parsers.certutil_store import sniff
from certtriage.parsers.certutil_store.certificate import store_date
from certtriage.parsers.certutil_store.issuer_list import (
    name_der_length,
    removals_needed,
    split_dn,
)
from certtriage.parsers.certutil_store.model import CertStoreDump
from certtriage.parsers.certutil_store.parser import parse
from certtriage.parsers.certutil_store.predicates import (
    store_certificate,
    store_certificate_lacks_eku,
    store_duplicate_subjects,
    store_expired_certificates,
    store_issuer_list_estimate,
    store_named,
)

from ...conftest import FIXTURES
from ...helpers.scripts import stale_outputs

STORES = FIXTURES / "stores"


def _dump(name: str) -> CertStoreDump:
    return parse((STORES / name).read_text(encoding="utf-8"))


Clock = Callable[[datetime], None]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Set the time expiry is judged against."""
    def set_to(when: datetime) -> None:
        monkeypatch.setattr(predicates_store, "now", lambda: when)
    return set_to


# ---- sniff ----------------------------------------------------------------------------------
@pytest.mark.parametrize("path", sorted(STORES.glob("*.txt")), ids=lambda p: p.name)
def test_sniff_claims_every_store_fixture(path: Path) -> None:
    assert sniff(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", [
    FIXTURES / "certutil" / "pass" / "three-element-client-auth-urlfetch.txt",
    FIXTURES / "certutil" / "scinfo" / "scinfo-code-signing-card.txt",
    FIXTURES / "certutil" / "dcinfo" / "dcinfo-kdc-wrong-usage.txt",
    FIXTURES / "events" / "copy-details" / "schannel-36885.txt",
], ids=lambda p: p.name)
def test_sniff_leaves_other_formats_alone(path: Path) -> None:
    assert not sniff(path.read_text(encoding="utf-8"))


def test_sniff_leaves_plain_text_alone() -> None:
    assert not sniff('Root "Trusted Root Certification Authorities"\nsome notes\n')
    assert not sniff("X509 Certificate:\nis what the dump said first\n")


# ---- certutil -dump of a certificate file ------------------------------------------------------
@pytest.mark.parametrize("text", [
    "Certificates: Not Encrypted\n================ Certificate 0 ================\n"
    "================ Begin Nesting Level 1 ================\nElement 0:\n",
    "C:\\>certutil -dump a.cer\nX509 Certificate:\nVersion: 3\n...\n"
    "CertUtil: -dump command completed successfully.\n",
    "> X509 Certificate:\n> Version: 3\n>  NotAfter: 5/4/2041 10:12 AM\n",
], ids=["pfx", "cer-cut", "cer-quoted"])
def test_sniff_takes_a_certificate_file_dump(text: str) -> None:
    assert sniff(text)


def test_a_cer_dump_is_one_certificate_of_no_store() -> None:
    dump = _dump("dump-cer-server-auth-only.txt")
    assert dump.dump and dump.store is None and dump.completed
    assert dump.command == "certutil -dump kiosk17.cer"
    assert dump.label() == "the certificate file dumped"
    (cert,) = dump.certificates
    assert cert.subject == "CN=kiosk17.tailspintoys.com, OU=Stores, O=Tailspin Toys, C=US"
    assert [e.oid for e in cert.ekus or ()] == ["1.3.6.1.5.5.7.3.1"]
    assert cert.is_ca is False and cert.line == 2
    assert dump.identities()[0].where == "dumped file, certificate 0"


def test_a_pfx_dump_reads_through_its_nesting_levels() -> None:
    dump = _dump("dump-pfx-client-key.txt")
    assert dump.dump and not dump.unparsed
    (cert,) = dump.certificates
    assert cert.subject == "CN=Mateo Lopez, OU=Stores, O=Tailspin Toys, C=US"
    assert cert.has_private_key is True and cert.ekus is None


def test_a_store_dump_is_no_file_dump() -> None:
    assert not _dump("my-verbose-ekus.txt").dump
    assert not _dump("my-user-expired.txt").dump


def test_a_dumped_server_certificate_is_reported_only_as_a_file() -> None:
    """The same certificate in a store's -v dump is a server's own (STO007 skips it); dumped
    from a file, whose it is is not known (STO009 names both readings)."""
    text = (STORES / "dump-cer-server-auth-only.txt").read_text(encoding="utf-8")
    assert [f.rule for f in analyze_text(text).findings] == ["STO009"]
    as_store = text.replace("C:\\Users\\mlopez\\Desktop>certutil -dump kiosk17.cer\n",
                            'My "Personal"\n================ Certificate 0 ================\n')
    assert [f.rule for f in analyze_text(as_store).findings] == []


def test_sniff_takes_an_empty_store() -> None:
    text = 'Root "Trusted Root Certification Authorities"\nCertUtil: -store command completed ' \
           "successfully.\n"
    assert sniff(text)
    dump = parse(text)
    assert dump.store == "Root" and dump.certificates == () and dump.completed is True
    assert dump.issuer_list is not None and dump.issuer_list.total_bytes == 0


# ---- parse: plain dumps ---------------------------------------------------------------------
def test_parse_personal_store_fields_and_keys() -> None:
    dump = _dump("my-key-and-no-key.txt")
    assert (dump.store, dump.store_display_name, dump.verbose) == ("My", "Personal", False)
    assert dump.issuer_list is None and dump.completed is True and dump.unparsed == ()
    first, second, third = dump.certificates
    assert (first.index, first.line, first.end_line) == (0, 2, 15)
    assert first.serial == "6a0000002f8c1be40d93a7c5e100000000002f"
    assert first.issuer == "CN=Woodgrove Bank Issuing CA 02, DC=corp, DC=woodgrovebank, DC=com"
    assert first.subject == "CN=Ana Ruiz, OU=Finance, O=Woodgrove Bank, C=US"
    assert first.not_after == "3/14/2046 9:22 AM"
    assert first.not_after_at == datetime(2046, 3, 14, 9, 22)
    assert first.thumbprint == "36b3216fdaeeb975729fae923d5a4fd12aabfe22"
    assert first.template == "WoodgroveUser" and first.self_signed is False
    assert first.has_private_key is True
    assert first.key_provider == "Microsoft Software Key Storage Provider"
    assert first.key_state == "Encryption test passed"
    assert first.ekus is None  # not a -v dump
    assert (second.has_private_key, second.key_state) == (False, "No key provider information")
    assert (third.has_private_key, third.key_state) == (False, "Missing stored keyset")
    assert third.key_container == "{7E0D3B91-2C4A-4F6E-8B15-93A0D6C4E2F7}"


def test_parse_echoed_command_names_the_user_store() -> None:
    dump = _dump("my-user-expired.txt")
    assert dump.command == "certutil -store -user My"
    assert dump.user is True and dump.store == "My"
    assert "current user" in dump.label()


def test_parse_skips_a_bare_prompt_after_the_output() -> None:
    text = (STORES / "my-user-expired.txt").read_text(encoding="utf-8")
    assert parse(text + "C:\\Users\\mtanaka>\n").unparsed == ()
    assert [u.line for u in parse(text + "C:\\Users\\mtanaka>dir\n").unparsed] == [33]


def test_parse_store_from_command_when_the_header_is_missing() -> None:
    dump = parse("C:\\>certutil -store ClientAuthIssuer\n================ Certificate 0 "
                 "================\nSerial Number: 01ab\nIssuer: CN=A\n NotBefore: 1/2/2020 1:00 AM\n"
                 " NotAfter: 1/2/2040 1:00 AM\nSubject: CN=A\n")
    assert dump.store == "ClientAuthIssuer" and dump.user is False
    assert dump.issuer_list is not None and dump.issuer_list.names == 1
    assert dump.certificates[0].self_signed is True  # issuer == subject, nothing printed


def test_parse_root_and_non_root_lines() -> None:
    dump = _dump("root-non-self-signed.txt")
    assert [c.self_signed for c in dump.certificates] == [True, False, True, True, True, False]


def test_parse_wrapped_container_name_is_not_left_over() -> None:
    text = ("My \"Personal\"\n================ Certificate 0 ================\n"
            "Serial Number: 0badc0de\nIssuer: CN=CA\n NotBefore: 1/1/2024 1:00 AM\n"
            " NotAfter: 1/1/2044 1:00 AM\nSubject: CN=User\nNon-root Certificate\n"
            "Cert Hash(sha1): 32 c6 b7 33 0f 30 64 41 f9 16 95 0d d5 65 a7 30 9c 50 b9 c2\n"
            "  Key Container = JoeSoft\n"
            "  Unique container name: 7b90a71bfc56f2582e916a51aed6df9a_e4c0ab3c-2930-4330-b97\n"
            "9-2488d6d8e2d2\n  Provider = Microsoft Strong Cryptographic Provider\n"
            "Private key is NOT exportable\nSignature test passed\n")
    dump = parse(text)
    cert = dump.certificates[0]
    assert dump.unparsed == ()
    assert cert.thumbprint == "32c6b7330f306441f916950dd565a7309c50b9c2"
    assert cert.has_private_key is True and cert.key_state == "Signature test passed"


def test_parse_keeps_unknown_lines_with_their_numbers() -> None:
    text = (STORES / "my-key-and-no-key.txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    lines.insert(5, "Something certutil never prints")
    dump = parse("\n".join(lines))
    assert [(u.line, u.text) for u in dump.unparsed] == [(6, "Something certutil never prints")]
    assert len(dump.certificates) == 3


def test_parse_failed_command() -> None:
    dump = parse('Foo "Foo"\nCertUtil: -store command FAILED: 0x80070002 (WIN32: 2 '
                 'ERROR_FILE_NOT_FOUND)\nCertUtil: The system cannot find the file specified.\n')
    assert dump.completed is False
    assert dump.error is not None and dump.error.startswith("-store command FAILED: 0x80070002")


def test_parse_rejects_text_without_store_structure() -> None:
    with pytest.raises(ValueError, match="no certutil -store header"):
        parse("hello\nworld\n")


def test_parse_translated_labels_by_position() -> None:
    # Labels of a language the parser has no table for: serial, issuer and subject are found
    # by where they stand around NotBefore / NotAfter.
    dump = parse("My \"Osobisty\"\n================ Certyfikat 0 ================\n"
                 "Numer seryjny: 4f0000004e7a19c3\nWystawca: CN=Fabrikam User CA 1, C=US\n"
                 " NotBefore: 06.08.2015 19:46\n NotAfter: 06.08.2045 19:46\n"
                 "Podmiot: CN=Miho Tanaka, C=US\n")
    cert = dump.certificates[0]
    assert cert.serial == "4f0000004e7a19c3"
    assert cert.issuer == "CN=Fabrikam User CA 1, C=US"
    assert cert.subject == "CN=Miho Tanaka, C=US"
    assert cert.not_after_at == datetime(2045, 8, 6, 19, 46)


@pytest.mark.parametrize(("text", "expected"), [
    ("3/14/2025 9:12 AM", datetime(2025, 3, 14, 9, 12)),
    ("2024-02-26 5:24 PM", datetime(2024, 2, 26, 17, 24)),
    ("2024-02-26 12:05 AM", datetime(2024, 2, 26, 0, 5)),
    ("06.08.2015 19:46", datetime(2015, 8, 6, 19, 46)),
    ("2025-05-26 02:32", datetime(2025, 5, 26, 2, 32)),
    ("5/6/2025 10:00", None),  # day and month cannot be told apart
    ("2024-02-30 5:24 PM", None),
])
def test_store_date(text: str, expected: datetime | None) -> None:
    assert store_date(text) == expected


# ---- parse: -v dumps ------------------------------------------------------------------------
def test_parse_verbose_personal_store() -> None:
    dump = _dump("my-verbose-ekus.txt")
    assert dump.verbose and dump.unparsed == () and len(dump.certificates) == 3
    client, mail, server = dump.certificates
    assert client.issuer == "CN=Contoso Issuing CA 01, DC=corp, DC=contoso, DC=com"
    assert client.subject == "CN=Ana Ruiz, OU=Finance, O=Contoso Ltd, C=US"
    assert client.ekus is not None
    assert [(e.oid, e.name) for e in client.ekus] == [
        ("1.3.6.1.4.1.311.10.3.4", "Encrypting File System"),
        ("1.3.6.1.5.5.7.3.4", "Secure Email"),
        ("1.3.6.1.5.5.7.3.2", "Client Authentication"),
    ]
    ldap = ("ldap:///CN=Contoso Issuing CA 01,CN=PKI01,CN=CDP,CN=Public Key Services,"
            "CN=Services,CN=Configuration,DC=corp,DC=contoso,DC=com?certificateRevocationList"
            "?base?objectClass=cRLDistributionPoint")
    assert client.cdp_urls == (ldap, "http://pki.contoso.com/crl/Contoso%20Issuing%20CA%2001.crl")
    assert client.aia_urls == ("http://pki.contoso.com/aia/Contoso%20Issuing%20CA%2001.crt",)
    assert client.ocsp_urls == ("http://ocsp.contoso.com/ocsp",)
    assert client.is_ca is False and client.has_private_key is True
    assert client.template is not None and client.template.startswith("Contoso User(1.3.6.1.4")
    assert client.key_provider == "Microsoft Software Key Storage Provider"
    # The thumbprint is the Cert Hash(sha1), not a Key Id Hash(sha1) or Name Hash(sha1).
    text = (STORES / "my-verbose-ekus.txt").read_text(encoding="utf-8")
    assert f"Cert Hash(sha1): {client.thumbprint}" in text
    assert mail.ekus is not None and {e.oid for e in mail.ekus} == {
        "1.3.6.1.5.5.7.3.4", "1.3.6.1.4.1.311.10.3.12"}
    assert server.ekus is not None and [e.oid for e in server.ekus] == ["1.3.6.1.5.5.7.3.1"]


def test_parse_verbose_root_store() -> None:
    dump = _dump("root-verbose.txt")
    assert dump.unparsed == ()
    contoso, fabrikam = dump.certificates
    assert contoso.issuer == contoso.subject == "CN=Contoso Root CA, O=Contoso Ltd, C=US"
    assert contoso.is_ca is True and contoso.self_signed is True and contoso.ekus is None
    assert fabrikam.subject == ('CN=Fabrikam Global Root G2, OU=Certification Services, '
                                'O="Fabrikam, Inc.", L=Redmond, S=Washington, C=US')
    # The same name printed on one line (plain dump) or one RDN a line (-v) sizes the same.
    plain = _dump("root-under-limit.txt").certificates[1]
    assert plain.subject == fabrikam.subject
    assert plain.subject_name_bytes == fabrikam.subject_name_bytes


def test_parse_verbose_empty_subject() -> None:
    dump = parse("My \"Personal\"\n================ Certificate 0 ================\n"
                 "X509 Certificate:\nVersion: 3\nSerial Number: 01\nIssuer:\n    CN=Contoso CA\n"
                 " NotBefore: 1/1/2024 1:00 AM\n NotAfter: 1/1/2044 1:00 AM\nSubject:\n"
                 "    EMPTY (DNS Name=host.contoso.com)\nNon-root Certificate\n")
    cert = dump.certificates[0]
    assert cert.subject == "" and cert.subject_name_bytes == 2
    assert cert.issuer == "CN=Contoso CA" and dump.unparsed == ()


# ---- distinguished names and the issuer-list estimate ---------------------------------------
def test_split_dn_quotes_commas_and_multi_valued_rdns() -> None:
    assert split_dn('CN="Contoso, Ltd" + OU=x, C=US') == [
        [("CN", "Contoso, Ltd"), ("OU", "x")], [("C", "US")]]
    assert split_dn("OU=VeriSign, Inc., O=VeriSign Trust Network") == [
        [("OU", "VeriSign, Inc.")], [("O", "VeriSign Trust Network")]]
    assert split_dn('O="say ""hi"""') == [[("O", 'say "hi"')]]
    assert split_dn("") == []


@pytest.mark.parametrize(("dn", "size"), [
    # SEQUENCE(2) + per attribute SET(2) + SEQUENCE(2) + OID(5) + string(2 + bytes)
    ("CN=Contoso Root CA, O=Contoso Ltd, C=US", 2 + 26 + 22 + 13),
    ("", 2),
    ("CN=Société", 2 + 2 + 2 + 5 + 2 + 9),  # UTF-8: two 2-byte characters
    ("CN=a + OU=b", 2 + 2 + (2 + 5 + 3) * 2),
    ("DC=com", 2 + 2 + 2 + 12 + 2 + 3),  # DC's OID is 10 bytes long
    ("E=a@b.c", 2 + 2 + 2 + 11 + 2 + 5),
])
def test_name_der_length(dn: str, size: int) -> None:
    assert name_der_length(dn) == (size, ())


def test_name_der_length_of_unusual_attributes() -> None:
    plain, _ = name_der_length("CN=bar")
    assert name_der_length("FOO=bar") == (plain, ("FOO",))
    assert name_der_length("OID.2.5.4.3=bar") == (plain, ())
    long_cn = "x" * 100  # over cryptography's 64-character CN bound: still sized
    assert name_der_length(f"CN={long_cn}")[0] == 2 + 2 + 2 + 5 + 2 + 100
    assert name_der_length("C=USA")[0] == 2 + 2 + 2 + 5 + 2 + 3


@pytest.mark.parametrize(("sizes", "limit", "count"), [
    ([100, 50, 10], 200, 0), ([100, 50, 10], 100, 1), ([100, 50, 10], 50, 2),
    ([100, 50, 10], 5, 3), ([], 10, 0),
])
def test_removals_needed(sizes: list[int], limit: int, count: int) -> None:
    assert removals_needed(sizes, limit) == count


def test_issuer_list_over_the_limit_and_the_fewest_removals() -> None:
    dump = _dump("root-over-limit.txt")
    estimate = dump.issuer_list
    assert estimate is not None and estimate.names == 350 == len(dump.certificates)
    sizes = sorted((c.subject_name_bytes or 0) + 2 for c in dump.certificates)
    assert estimate.total_bytes == sum(sizes) > estimate.limit == 16384
    n = estimate.remove_at_least
    assert sum(sizes[:-n]) <= 16384 < sum(sizes[:-(n - 1)])


def test_issuer_list_only_for_issuer_stores() -> None:
    assert _dump("root-under-limit.txt").issuer_list is not None
    assert _dump("clientauthissuer.txt").issuer_list is not None
    assert _dump("ca-intermediate.txt").issuer_list is None
    assert _dump("my-key-and-no-key.txt").issuer_list is None


# ---- predicates -----------------------------------------------------------------------------
def test_store_named_ignores_case() -> None:
    dump = _dump("root-under-limit.txt")
    hits = list(store_named(dump, Binding(), names=["root"]))
    assert len(hits) == 1 and hits[0].values["store"] == "Root"
    assert hits[0].values["context"] == "store Root"
    assert list(store_named(dump, Binding(), names=["My", "CA"])) == []


def test_store_issuer_list_estimate_bands(clock: Clock) -> None:
    clock(datetime(2026, 1, 1))
    over, near, under = (_dump(n) for n in (
        "root-over-limit.txt", "root-near-limit.txt", "root-under-limit.txt"))
    hit = next(store_issuer_list_estimate(over, Binding(), over_percent=100))
    assert over.issuer_list is not None
    assert hit.values["estimate"] == str(over.issuer_list.total_bytes)
    assert hit.values["remove"] == str(over.issuer_list.remove_at_least)
    stale = sum(1 for c in over.certificates if c.not_after_at and c.not_after_at.year <= 2020)
    assert hit.values["expired_count"] == str(stale) and stale > 0
    assert "still over the limit" in hit.values["expired_note"]
    assert list(store_issuer_list_estimate(near, Binding(), over_percent=100)) == []
    assert list(store_issuer_list_estimate(under, Binding(), over_percent=90)) == []
    warn = list(store_issuer_list_estimate(near, Binding(), over_percent=90, up_to_percent=100))
    assert len(warn) == 1 and warn[0].values["percent"] == "92"
    assert list(store_issuer_list_estimate(over, Binding(), over_percent=90,
                                           up_to_percent=100)) == []


def test_store_issuer_list_estimate_without_expired_roots(clock: Clock) -> None:
    clock(datetime(2005, 1, 1))
    hit = next(store_issuer_list_estimate(_dump("root-over-limit.txt"), Binding(),
                                          over_percent=100))
    assert hit.values["expired_count"] == "0"
    assert hit.values["expired_note"].startswith("None of the certificates")


def test_store_certificate_criteria(clock: Clock) -> None:
    clock(datetime(2026, 1, 1))
    roots = _dump("root-non-self-signed.txt")
    non_self = list(store_certificate(roots, Binding(), self_signed=False))
    assert [h.element.span.start for h in non_self if h.element] == [14, 62]
    assert non_self[0].values["cert"] == "certificate 1 at line 14"
    assert non_self[0].values["cert_issuer"] == "CN=Contoso Root CA, O=Contoso Ltd, C=US"
    assert non_self[0].element is not None
    assert non_self[0].element.subject == "CN=Contoso Issuing CA 01, DC=corp, DC=contoso, DC=com"
    expired = list(store_certificate(roots, Binding(), expired_now=True))
    assert [h.values["cert"] for h in expired] == ["certificate 2 at line 26"]
    clock(datetime(2018, 1, 1))
    assert list(store_certificate(roots, Binding(), expired_now=True)) == []
    personal = _dump("my-key-and-no-key.txt")
    keyless = list(store_certificate(personal, Binding(), private_key=False))
    assert [h.values["key_state"] for h in keyless] == [
        "No key provider information", "Missing stored keyset"]
    # Unknown is not a match: a dump that says nothing about keys has neither.
    quiet = parse("My \"Personal\"\n================ Certificate 0 ================\n"
                  "Serial Number: 01\nIssuer: CN=A\nSubject: CN=B\n")
    assert list(store_certificate(quiet, Binding(), private_key=False)) == []
    assert list(store_certificate(quiet, Binding(), private_key=True)) == []
    assert list(store_certificate(quiet, Binding(), expired_now=False)) == []


def test_store_certificate_lacks_eku() -> None:
    verbose = _dump("my-verbose-ekus.txt")
    hits = list(store_certificate_lacks_eku(
        verbose, Binding(), oid="1.3.6.1.5.5.7.3.2", accepted=["2.5.29.37.0"],
        skip_with=["1.3.6.1.5.5.7.3.1"]))
    assert [h.values["cert"] for h in hits] == ["certificate 1 at line 167"]
    assert hits[0].values["ekus"] == ("Secure Email (1.3.6.1.5.5.7.3.4), Document Signing "
                                      "(1.3.6.1.4.1.311.10.3.12)")
    # Without skip_with the server certificate is reported too.
    assert len(list(store_certificate_lacks_eku(verbose, Binding(), oid="1.3.6.1.5.5.7.3.2"))) == 2
    # Refining an earlier binding looks at that certificate only.
    first = next(store_certificate(verbose, Binding(), self_signed=False))
    assert list(store_certificate_lacks_eku(verbose, first, oid="1.3.6.1.5.5.7.3.2")) == []
    # EKUs not shown (plain dump) or a CA certificate: never.
    plain = _dump("my-key-and-no-key.txt")
    assert list(store_certificate_lacks_eku(plain, Binding(), oid="1.3.6.1.5.5.7.3.2")) == []
    roots = _dump("root-verbose.txt")
    ca = roots.certificates[0].model_copy(update={"ekus": ()})
    roots = roots.model_copy(update={"certificates": (ca,)})
    assert list(store_certificate_lacks_eku(roots, Binding(), oid="1.3.6.1.5.5.7.3.2")) == []


def test_store_expired_certificates(clock: Clock) -> None:
    clock(datetime(2026, 1, 1))
    hit = next(store_expired_certificates(_dump("root-non-self-signed.txt"), Binding()))
    assert hit.values["expired_count"] == "1"
    assert "CN=Fabrikam Root CA 2009" in hit.values["expired_list"]
    over = next(store_expired_certificates(_dump("root-over-limit.txt"), Binding()))
    assert over.values["expired_list"].endswith(
        f"and {int(over.values['expired_count']) - 10} more")
    assert list(store_expired_certificates(_dump("root-under-limit.txt"), Binding())) == []


def test_store_duplicate_subjects() -> None:
    hit = next(store_duplicate_subjects(_dump("root-non-self-signed.txt"), Binding()))
    assert hit.values["duplicate_count"] == "1"
    assert hit.values["duplicate_list"] == (
        "CN=Woodgrove Bank Root CA G2, O=Woodgrove Bank, C=US (certificates 3, 4)")
    assert list(store_duplicate_subjects(_dump("root-under-limit.txt"), Binding())) == []


def test_predicates_keep_earlier_values() -> None:
    start = replace(Binding(), values={"earlier": "kept"})
    hit = next(store_duplicate_subjects(_dump("root-non-self-signed.txt"), start))
    assert hit.values["earlier"] == "kept"


# ---- end to end -----------------------------------------------------------------------------
EXPECTED = {
    # fixture: (verdict, root causes, IIS sub-statuses, rule codes)
    "my-key-and-no-key.txt": ("inconclusive", (), (), ["STO006", "STO006"]),
    "my-user-expired.txt": ("inconclusive", (), (), ["STO008"]),
    "my-verbose-ekus.txt": ("inconclusive", (), (), ["STO007"]),
    "root-under-limit.txt": ("inconclusive", (), (), []),
    "root-verbose.txt": ("inconclusive", (), (), []),
    "root-near-limit.txt": ("inconclusive", (), (), ["STO002", "STO004"]),
    "root-over-limit.txt": ("fail", ("issuer-list-truncated",), ("403.7",), ["STO001", "STO004"]),
    "root-non-self-signed.txt": ("fail", ("non-self-signed-root",), ("403.16", "403.7"),
                                 ["STO003", "STO003", "STO004", "STO005"]),
    "ca-intermediate.txt": ("inconclusive", (), (), []),
    "clientauthissuer.txt": ("inconclusive", (), (), []),
    "dump-cer-server-auth-only.txt": ("inconclusive", (), (), ["STO009"]),
    "dump-cer-client-auth.txt": ("inconclusive", (), (), []),
    "dump-pfx-client-key.txt": ("inconclusive", (), (), []),
}


def test_every_store_fixture_has_an_expectation() -> None:
    assert {p.name for p in STORES.glob("*.txt")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_diagnosis(name: str, clock: Clock) -> None:
    clock(datetime(2026, 1, 1))
    verdict, causes, substatus, rules = EXPECTED[name]
    result = analyze_path(STORES / name)
    assert (result.kind, result.status, result.error) == ("certutil-store", "parsed", None)
    assert isinstance(result.model, CertStoreDump)
    assert (result.verdict, result.root_causes, result.iis_substatus) == (
        verdict, causes, substatus)
    assert sorted(f.rule for f in result.findings) == rules
    assert not any(f.cause == "rule-error" for f in result.findings)
    assert all("?" not in f.message.split() for f in result.findings)  # every placeholder bound


def test_findings_name_the_certificate_and_cite_its_lines(clock: Clock) -> None:
    clock(datetime(2026, 1, 1))
    result = analyze_path(STORES / "root-non-self-signed.txt")
    found = [f for f in result.findings if f.rule == "STO003"]
    assert [f.context for f in found] == ["store Root, certificate 1 at line 14",
                                          "store Root, certificate 5 at line 62"]
    assert found[0].subject == "CN=Contoso Issuing CA 01, DC=corp, DC=contoso, DC=com"
    assert (found[0].evidence[0].start, found[0].evidence[0].end) == (14, 24)
    assert all(f.root_cause for f in found)
    assert "c7e41ba4ea5ee874ae7689447ab57a683536c449" in found[0].message


def test_issuer_list_finding_message(clock: Clock) -> None:
    clock(datetime(2026, 1, 1))
    result = analyze_path(STORES / "root-over-limit.txt")
    finding = next(f for f in result.findings if f.rule == "STO001")
    model = result.model
    assert isinstance(model, CertStoreDump) and model.issuer_list is not None
    assert f"about {model.issuer_list.total_bytes} bytes" in finding.message
    assert f"At least {model.issuer_list.remove_at_least} names" in finding.message
    assert "largest names are removed first" in finding.message
    assert finding.severity == "error" and finding.iis_substatus == ("403.7",)


def test_an_expired_personal_certificate_is_only_judged_by_the_clock(clock: Clock) -> None:
    clock(datetime(2019, 6, 1))
    result = analyze_path(STORES / "my-user-expired.txt")
    assert not any(f.rule == "STO008" for f in result.findings)


def test_a_damaged_paste_still_parses() -> None:
    text = (STORES / "my-key-and-no-key.txt").read_text(encoding="utf-8")
    quoted = "\n".join(f"> {line}" for line in text.splitlines())
    result = analyze_text(quoted.replace("\n", "\r\n"))
    assert result.kind == "certutil-store" and result.status == "parsed"
    assert sorted(f.rule for f in result.findings) == ["STO006", "STO006"]


def test_a_banner_with_unknown_lines_is_partial() -> None:
    # Banners but nothing a store dump is made of: still parsed, with the lines kept.
    result = analyze_text("================ Certificate 0 ================\nwhatever\n")
    assert result.kind == "certutil-store" and result.status == "partial"
    assert result.warnings and "line 2" in result.warnings[0]


# ---- the fixture generator ------------------------------------------------------------------
def test_generated_fixtures_are_current() -> None:
    # The generator runs as a program (never imported) and lists the files it would rewrite.
    stale = stale_outputs("make_store_fixtures")
    assert not stale, f"{', '.join(sorted(stale))}: run scripts/make_store_fixtures.py"


#: The words of a store dump as zh-CN Windows prints them (from posted output), for the English
#: ones of the fixtures: the same dump in Chinese reads as the same certificates and keys.
_ZH_CN = (("Begin Nesting Level", "开始嵌套等级"), ("End Nesting Level", "结束嵌套等级"),
          ("Element ", "元素 "), ("Serial Number:", "序列号:"), ("Issuer:", "颁发者:"),
          ("Subject:", "使用者:"), ("Non-root Certificate", "非根证书"),
          ("Root Certificate: Subject matches Issuer", "根证书: 使用者与颁发者匹配"),
          ("Signature matches Public Key", "签名与公钥匹配"),
          ("Cert Hash(sha1):", "证书哈希(sha1):"), ("Provider =", "提供程序 ="),
          ("Key Container =", "密钥容器 ="),
          ("No key provider information", "没有密钥提供程序信息"),
          ("Cannot find the certificate and private key for decryption.", "找不到解密的证书和私钥。"),
          ("Private key is NOT plain text exportable", "无法以纯文本方式导出私钥"),
          ("================ Certificate", "================ 证书"))


def _in_zh_cn(text: str) -> str:
    for english, chinese in _ZH_CN:
        text = text.replace(english, chinese)
    return text


def _facts_of(text: str) -> list[tuple[object, ...]]:
    model = parse(text)
    return [(c.index, c.serial, c.issuer, c.subject, c.thumbprint, c.self_signed,
             c.has_private_key, c.key_provider) for c in model.certificates]


@pytest.mark.parametrize("name", ["dump-pfx-client-key.txt", "my-key-and-no-key.txt",
                                  "root-non-self-signed.txt"])
def test_a_zh_cn_dump_reads_as_the_english_one(name: str) -> None:
    english = (STORES / name).read_text(encoding="utf-8")
    chinese = _in_zh_cn(english)
    assert chinese != english
    assert _facts_of(chinese) == _facts_of(english)
    assert parse(chinese).dump == parse(english).dump
