"""The other certutil verbs and forms: what the parser reads of each, and how an output that
verified several certificates is split into runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from certtriage import analyze_path, analyze_text
from certtriage.parsers.certutil_verify import sniff
from certtriage.parsers.certutil_verify.parser import parse

from ...conftest import FIXTURES

CERTUTIL = FIXTURES / "certutil"


def _model(name: str):  # type: ignore[no-untyped-def]
    return parse((CERTUTIL / name).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- two-argument -verify


def test_pair_names_checks_and_verdict() -> None:
    model = _model("pair/pair-wrong-issuer.txt")
    assert model.variant == "pair" and model.unparsed == () and model.complete
    assert model.identity is not None
    assert model.identity.subject == ("CN=Ana Silva", "OU=Users", "DC=northwind", "DC=local")
    pair = model.pair
    assert pair is not None and pair.verifies is False and pair.revocation == "skipped"
    assert pair.certificate == "C:\\Users\\ana\\Desktop\\ana.silva.cer"
    assert pair.issuer_file == "C:\\Users\\ana\\Desktop\\NorthwindIssuingCA2.cer"
    assert pair.issuer_names == ("CN=Northwind Issuing CA 2", "DC=northwind", "DC=local")
    failed = {c.check for c in pair.failed}
    assert failed == {"issuer_name", "signature", "key_id", "other"}
    assert {c.check for c in pair.checks if c.ok} >= {"time", "key_authority_name",
                                                       "key_authority_serial", "issuing_ca_root"}
    assert model.trailer.failed_hresult is not None
    assert model.trailer.failed_hresult.symbol == "ERROR_INVALID_DATA"


def test_pair_that_verifies_is_one_link_only() -> None:
    model = _model("pair/pair-verifies-revocation-passed.txt")
    assert model.pair is not None and model.pair.verifies and model.pair.failed == ()
    assert model.pair.revocation == "passed" and model.trailer.leaf_revocation_passed
    result = analyze_path(CERTUTIL / "pair/pair-verifies-revocation-passed.txt")
    assert result.verdict == "inconclusive" and result.root_causes == ()
    assert any("-urlfetch" in step for step in result.next_steps)


def test_validity_nesting_is_reported_but_does_not_fail_the_pair() -> None:
    text = ("CertIssuer:\n    CN=Adatum CA\nCertSubject:\n    CN=Kai\n"
            "ERROR: Cert Expires after issuing CA Cert Expires\n"
            "Issuing CA Subject name matches Cert Issuer\nCertificate signature is valid\n"
            "Certificate is current\n"
            "kai.cer verifies as issued by ca.cer -- Revocation check skipped.\n")
    pair = parse(text).pair
    assert pair is not None and pair.verifies and pair.failed == ()
    assert [c.check for c in pair.checks if not c.ok] == ["validity_nesting"]


def test_pair_verdict_is_read_in_linear_time_on_a_hostile_line() -> None:
    spaces = " " * 200_000
    model = parse(f"a{spaces}verifies as issued by{spaces}x{spaces}\n")
    assert model.pair is not None and model.pair.verifies and model.pair.issuer_file == "x"


def test_command_line_names_the_form() -> None:
    model = parse("C:\\pki>certutil -verify -urlfetch jane.cer issuing.cer\n")
    assert model.command_line == "C:\\pki>certutil -verify -urlfetch jane.cer issuing.cer"
    assert model.variant == "pair"
    assert parse("PS C:\\> certutil.exe -scinfo\n").variant == "scinfo"
    assert parse("C:\\>certutil -verify jane.cer 1.3.6.1.5.5.7.3.2\n").variant == "verify"


# --------------------------------------------------------------------------- -scinfo


def test_scinfo_reader_report_and_card_certificates() -> None:
    model = _model("scinfo/scinfo-two-certificates-one-expired.txt")
    assert model.variant == "scinfo" and model.unparsed == () and model.complete
    (reader,) = model.readers
    assert reader.name == "Woodgrove USB SmartCard Reader 0"
    assert reader.states == ("SCARD_STATE_PRESENT", "SCARD_STATE_UNPOWERED")
    assert reader.status_text == "The card is available for use."
    assert reader.card == "Identity Device (NIST SP 800-73 [PIV])"
    assert reader.atr == "3b8d80018073c021c0576f6f646772765a11"
    first, second = model.cards
    assert (first.key_spec, second.key_spec) == ("AT_KEYEXCHANGE", "AT_SIGNATURE")
    assert first.provider == "Microsoft Smart Card Key Storage Provider"
    assert first.key_container is not None and first.key_container.endswith("[Default Container]")
    assert first.root is False and first.public_key_match and first.private_key_verifies
    assert first.thumbprint == model.elements[0].thumbprint


def test_scinfo_chains_are_runs_with_their_card_certificate() -> None:
    model = _model("scinfo/scinfo-two-certificates-one-expired.txt")
    assert model.label == "card certificate 0 (Woodgrove USB SmartCard Reader 0)"
    assert model.trailer.scinfo_chain == "valid" and model.trailer.verb == "SCInfo"
    (second,) = model.runs
    assert second.label == "card certificate 1 (Woodgrove USB SmartCard Reader 0)"
    assert second.trailer.scinfo_chain == "invalid" and second.trailer.expired_certificate
    assert second.trailer.completed is None, "the final line is the command's, not the run's"
    assert second.certificate is not None and second.certificate.key_spec == "AT_SIGNATURE"
    assert [e.index for e in second.elements] == [0, 1, 2]
    result = analyze_path(CERTUTIL / "scinfo/scinfo-two-certificates-one-expired.txt")
    (expired,) = [f for f in result.findings if f.cause == "not-time-valid"]
    assert expired.context == second.label
    assert [title for title, _, _ in model.chains()] == [
        f"Chain of {model.label} (leaf first)", f"Chain of {second.label} (leaf first)"]


def test_scinfo_smart_card_failure() -> None:
    model = _model("scinfo/scinfo-card-removed.txt")
    assert model.variant == "scinfo" and model.elements == ()
    assert model.trailer.failed_hresult is not None
    assert model.trailer.failed_hresult.symbol == "SCARD_W_REMOVED_CARD"
    assert model.trailer.messages[-1].startswith("The smart card has been removed")


# --------------------------------------------------------------------------- -dcinfo


def test_dcinfo_tests_stores_and_kdc_runs() -> None:
    model = _model("dcinfo/dcinfo-two-dcs-kdc-expired.txt")
    assert model.variant == "dcinfo" and model.unparsed == () and model.complete
    assert [(t.index, t.computer) for t in model.dc_tests] == [(0, "DC01"), (1, "DC02")]
    assert [(s.computer, s.kind, s.count) for s in model.dc_stores] == [
        ("DC01", "enterprise_root", None), ("DC01", "kdc", 1),
        ("DC02", "enterprise_root", None), ("DC02", "kdc", 1)]
    roots = model.dc_stores[0].certificates
    assert len(roots) == 1 and roots[0].root is True and roots[0].subject == roots[0].issuer
    assert model.label == "KDC certificate 0 of DC01"
    assert model.certificate is not None and model.certificate.template == "KerberosAuthentication"
    assert model.preamble.chain_policy == "CERT_CHAIN_POLICY_NT_AUTH"
    (second,) = model.runs
    assert second.label == "KDC certificate 0 of DC02"
    assert second.elements[0].error_status is not None
    assert second.elements[0].error_status.flags == ("CERT_TRUST_IS_NOT_TIME_VALID",)


def test_dcinfo_empty_enterprise_root_store() -> None:
    model = _model("dcinfo/dcinfo-enterprise-root-empty.txt")
    root, kdc = model.dc_stores
    assert root.kind == "enterprise_root" and root.empty
    assert root.error is not None and root.error.symbol == "CRYPT_E_NOT_FOUND"
    assert kdc.kind == "kdc" and kdc.count == 1
    assert model.errors == (), "the store's error is not an error of the KDC chain"
    assert model.trailer.completed == "failed" and model.trailer.verb == "DCInfo"
    assert model.error_codes() == ("0x80092004",)


def test_domain_controllers_are_redacted_like_other_host_names() -> None:
    from certtriage.models.findings import Report
    from certtriage.redact import sensitive_values

    result = analyze_path(CERTUTIL / "dcinfo/dcinfo-two-dcs-kdc-expired.txt")
    found = sensitive_values(Report(version="test", verdict="fail", inputs=(result,)))
    assert found.get("DC01") == "host" and found.get("DC02") == "host"


def test_dc_list_before_a_non_dcinfo_output_is_kept_as_unparsed() -> None:
    model = parse("0: DC01\nLeaf certificate revocation check passed\n")
    assert [u.text for u in model.unparsed] == ["0: DC01"]


# --------------------------------------------------------------------------- -urlcache


def test_urlcache_listing() -> None:
    model = _model("urlcache/urlcache-crl-listing.txt")
    cache = model.urlcache
    assert model.variant == "urlcache" and cache is not None and model.unparsed == ()
    assert cache.count == 3 and len(cache.entries) == 3
    assert all(url.startswith("http://pki.woodgrovebank.com/cdp/") for url in cache.entries)
    deleted = _model("urlcache/urlcache-delete-no-more-items.txt").urlcache
    assert deleted is not None and deleted.deleted == 3 and deleted.count is None


def test_urlcache_fetch_banner() -> None:
    model = parse("http://pki.contoso.com/cdp/a.crl\nWinHttp Cache entries: 1\n"
                  "****  OFFLINE  ****\nCertUtil: -URLCache command completed successfully.\n")
    assert model.urlcache is not None and model.urlcache.status == "OFFLINE"


def test_urls_outside_a_listing_stay_unparsed() -> None:
    model = parse("Leaf certificate revocation check passed\nhttp://pki.contoso.com/x.crl\n")
    assert model.urlcache is None
    assert [u.text for u in model.unparsed] == ["http://pki.contoso.com/x.crl"]


# --------------------------------------------------------------------------- several runs


def test_two_verify_runs_in_one_paste() -> None:
    model = _model("revoked/two-verify-runs-second-revoked.txt")
    assert model.unparsed == ()
    assert model.label == "run 1 of 2" and [r.label for r in model.runs] == ["run 2 of 2"]
    assert model.identity is not None and model.identity.subject[0] == "CN=Pat Kim"
    run2 = model.runs[0]
    assert run2.identity is not None and run2.identity.subject[0] == "CN=Lee Wong"
    assert run2.trailer.leaf_revoked and not model.trailer.leaf_revoked
    assert model.error_codes() == ("0x80092010",)
    result = analyze_path(CERTUTIL / "revoked/two-verify-runs-second-revoked.txt")
    (revoked,) = [f for f in result.findings if f.cause == "revoked"]
    assert revoked.context == "run 2 of 2" and revoked.element == 0


def test_one_run_has_no_label() -> None:
    model = _model("pass/three-element-client-auth-urlfetch.txt")
    assert model.label is None and model.runs == () and model.variant == "verify"


# --------------------------------------------------------------------------- recognising them


@pytest.mark.parametrize("text", [
    "% --- Reader: Woodgrove Reader 0\n% --- Status: SCARD_STATE_PRESENT\n",
    "\\*\\*\\* Testing DC\\[0\\]: DC01\n",
    "*** Testing DC[0]: DC01\n",
    "WinHttp Cache entries: 2\n",
    "C:\\a.cer verifies as issued by C:\\ca.cer -- Revocation check skipped.\n",
    "Issuing CA CertSubject:\n    CN=Contoso Issuing CA\n",
    "CertUtil: -SCInfo command FAILED: 0x80100069 (-2146434967 SCARD_W_REMOVED_CARD)\n",
    "Certificate is REVOKED\n",
    "Expired certificate\n",
    "Cannot check leaf certificate revocation status\n",
    "CertUtil : -SCInfo \u00c9CHEC de la commande : 0x8010002e (-2146435026 SCARD_E_NO_READERS_AVAILABLE)\n",
], ids=["scinfo", "dcinfo-markdown", "dcinfo", "urlcache", "pair-verdict", "pair-names",
        "scinfo-failed", "revoked", "expired", "unchecked", "final-line-space-before-colon"])
def test_sniffer_recognises_every_form(text: str) -> None:
    assert sniff(text)


@pytest.mark.parametrize("text", [
    "CertUtil: -store command completed successfully.\n",
    "================ Certificate 0 ================\nSerial Number: 1f\n",
    "The docs say Certificate is REVOKED when the CRL lists it.\n",
    "It said the file verifies as issued by the CA, then stopped.\n",
], ids=["store-final-line", "store-banner", "quoted-mid-line", "prose"])
def test_sniffer_leaves_other_text_alone(text: str) -> None:
    assert not sniff(text)


@pytest.mark.parametrize("foreign", [
    "schannel: AcquireCredentialsHandle failed: SEC_E_NO_CREDENTIALS (0x8009030e)",
    "curl: (35) schannel: next InitializeSecurityContext failed: SEC_E_UNTRUSTED_ROOT (0x80090325)",
    'Exception calling "Build" with "1" argument(s): "Revocation offline (Exception from HRESULT: '
    '0x80092013)"',
])
def test_another_tools_code_after_certutil_lines_is_not_a_chain_error(foreign: str) -> None:
    text = ("Verifies against UNTRUSTED root\n"
            "CertUtil: -verify command FAILED: 0x800b0109 (-2146762487 CERT_E_UNTRUSTEDROOT)\n"
            f"{foreign}\n")
    result = analyze_text(text)
    assert result.root_causes == ("untrusted-root",)
    assert [h.hex for h in result.model.errors] == []


_RUNBOOK = ("PS C:\\> certutil -urlcache CRL delete\n"
            "PS C:\\> certutil -verify -urlfetch user.cer\n")
_DUMPS = sorted(p for folder in ("pass", "revoked", "untrusted-root", "revocation-offline")
                for p in (FIXTURES / "certutil" / folder).glob("*.txt"))


@pytest.mark.parametrize("part", ["whole", "tail"])
@pytest.mark.parametrize("path", _DUMPS, ids=lambda p: p.name)
def test_a_urlcache_command_line_above_a_verify_dump_is_no_listing(path: Path,
                                                                    part: str) -> None:
    """A runbook's commands pasted above the output: the -urlcache line names no listing when
    -verify output follows, the whole dump or its last lines (the output reads as it does
    alone)."""
    text = path.read_text(encoding="utf-8")
    if part == "tail":
        text = "\n".join(text.rstrip("\n").split("\n")[-3:]) + "\n"
    alone = analyze_text(text)

    result = analyze_text(_RUNBOOK + text)

    assert "UCH001" not in {f.rule for f in result.findings}
    assert (result.verdict, result.root_causes) == (alone.verdict, alone.root_causes)


def test_an_empty_cache_delete_is_still_a_listing() -> None:
    result = analyze_text("C:\\>certutil -urlcache * delete\n\nCertUtil: -URLCache command "
                          "FAILED: 0x80070103 (WIN32/HTTP: 259 ERROR_NO_MORE_ITEMS)\n")
    assert (result.verdict, [f.rule for f in result.findings]) == ("inconclusive", ["UCH001"])


_FRAGMENT = ("Issuer: CN=Fabrikam Issuing CA 2, O=Fabrikam, C=US\nNotBefore: 5/17/2024 5:00 PM\n"
             "NotAfter: 5/17/2025 4:59 PM\nSubject: CN=Kim Akers, O=Fabrikam, C=US\n"
             "----------------  Certificate OCSP  ----------------\nVerified \"OCSP\" Time: 0\n")


@pytest.mark.parametrize("argument", ["", " crl", " OCSP", " *", " http://ocsp.fabrikam.com"])
@pytest.mark.parametrize("where", ["alone", "after-prose", "after-a-fragment"])
def test_a_urlcache_command_line_without_output_is_no_listing(argument: str, where: str) -> None:
    """A post that shows the command it ran next and says in words what it saw: no listing of
    zero URLs is made up from the command line."""
    line = f"C:\\Users\\kim>certutil -urlcache{argument}\n"
    before = {"alone": "", "after-prose": "Then I looked at the cache:\n\n",
              "after-a-fragment": _FRAGMENT + "\nBut the cache held nothing afterwards:\n\n"}
    result = analyze_text(before[where] + line)
    assert "UCH001" not in {f.rule for f in result.findings}
