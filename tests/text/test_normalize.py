"""Behaviour tests for certtriage.text.normalize: paste-damage repairs, line numbers, HRESULT
joins."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certtriage.text.normalize import normalize

OFFLINE = "0x80092013 (-2146885613 CRYPT_E_REVOCATION_OFFLINE)"
OFFLINE_MSG = (
    "The revocation function was unable to check revocation because the revocation server "
    "was offline."
)


def kinds(text: str) -> list[tuple[int, str]]:
    return [(r.line, r.kind) for r in normalize(text).repairs]


# --------------------------------------------------------------------------- repair kinds


@pytest.mark.parametrize(
    ("raw", "expected", "kind"),
    [
        pytest.param("> Issuer:", "Issuer:", "quote-prefix", id="quote"),
        pytest.param("> > CN=Contoso Root CA", "CN=Contoso Root CA", "quote-prefix", id="nested"),
        pytest.param(">>   HCCE_LOCAL_MACHINE", "HCCE_LOCAL_MACHINE", "quote-prefix", id="tight"),
        pytest.param(
            "   > Cert: 0123456789abcdef0123456789abcdef01234567",
            "Cert: 0123456789abcdef0123456789abcdef01234567",
            "quote-prefix",
            id="indented-quote",
        ),
        pytest.param(
            "% CertUtil: -verify command completed successfully.",
            "CertUtil: -verify command completed successfully.",
            "percent-prefix",
            id="percent",
        ),
        pytest.param(
            "`[0.0] http://pki.contoso.com/cdp/IssuingCA.crl`",
            "[0.0] http://pki.contoso.com/cdp/IssuingCA.crl",
            "backticks",
            id="backticks",
        ),
        pytest.param(
            "[1.0] <http://pki.fabrikam.com/aia/Root.crt>",
            "[1.0] http://pki.fabrikam.com/aia/Root.crt",
            "autolink",
            id="autolink-http",
        ),
        pytest.param(
            "[0.0] <ldap:///CN=Contoso%20Root,CN=AIA?cACertificate>",
            "[0.0] ldap:///CN=Contoso%20Root,CN=AIA?cACertificate",
            "autolink",
            id="autolink-ldap",
        ),
        pytest.param(
            "Element.dwErrorStatus = CERT\\_TRUST\\_IS\\_REVOKED (0x4)",
            "Element.dwErrorStatus = CERT_TRUST_IS_REVOKED (0x4)",
            "markdown-escape",
            id="md-underscore",
        ),
        pytest.param(
            "\\[0.0\\] http://crl.contoso.com/a.crl",
            "[0.0] http://crl.contoso.com/a.crl",
            "markdown-escape",
            id="md-brackets",
        ),
        pytest.param(
            "Verified \u201cBase CRL (5a)\u201d Time: 0",
            'Verified "Base CRL (5a)" Time: 0',
            "smart-quotes",
            id="smart-double",
        ),
        pytest.param(
            "Failed \u201eCDP\u201c Time: 0",
            'Failed "CDP" Time: 0',
            "smart-quotes",
            id="smart-german-low",
        ),
        pytest.param(
            "\u2014\u2014\u2014\u2014\u2014- Certificate OCSP \u2014\u2014\u2014\u2014\u2014-",
            "----------- Certificate OCSP -----------",
            "dash-banner",
            id="em-dash-banner",
        ),
        pytest.param("Revocation check skipped \u2013 server offline",
                     "Revocation check skipped - server offline", "dash-banner", id="en-dash"),
    ],
)
def test_each_repair_kind(raw: str, expected: str, kind: str) -> None:
    norm = normalize(raw + "\n")
    assert norm.lines == [expected]
    assert [(r.line, r.kind) for r in norm.repairs] == [(1, kind)]


def test_smart_single_quotes_are_straightened() -> None:
    assert normalize("Subject: CN=O\u2019Brien\n").lines == ["Subject: CN=O'Brien"]


def test_several_repairs_on_one_line_are_all_recorded() -> None:
    raw = "> `Element.dwErrorStatus = CERT\\_TRUST\\_IS\\_OFFLINE\\_REVOCATION (0x1000000)`"
    norm = normalize(raw)
    assert norm.lines == ["Element.dwErrorStatus = CERT_TRUST_IS_OFFLINE_REVOCATION (0x1000000)"]
    assert sorted(k for _, k in kinds(raw)) == ["backticks", "markdown-escape", "quote-prefix"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\tIssuer:\tCN=Contoso Issuing CA", "Issuer: CN=Contoso Issuing CA"),
        ("Subject:\u00a0CN=alice", "Subject: CN=alice"),
    ],
)
def test_tabs_and_nbsp_become_spaces_without_a_repair(raw: str, expected: str) -> None:
    norm = normalize(raw)
    assert norm.lines == [expected]
    assert norm.repairs == []


def test_indentation_and_trailing_spaces_are_removed_without_a_repair() -> None:
    norm = normalize("    CN=Contoso Root CA  \n  Cert: ab  \n")
    assert norm.lines == ["CN=Contoso Root CA", "Cert: ab"]
    assert norm.repairs == []


def test_percent_sign_inside_a_word_is_not_a_prefix() -> None:
    # URL-encoded spaces start with % but are not prompts.
    norm = normalize("%20Key%20Services\n")
    assert norm.lines == ["%20Key%20Services"]
    assert norm.repairs == []


def test_angle_bracket_that_is_not_an_autolink_is_kept() -> None:
    norm = normalize("Subject: CN=<unknown>\n")
    assert norm.lines == ["Subject: CN=<unknown>"]
    assert norm.repairs == []


def test_prefix_only_line_is_dropped() -> None:
    norm = normalize("Issuer:\n>\n% \nSubject:\n")
    assert norm.lines == ["Issuer:", "Subject:"]
    assert norm.origin == [1, 4]


@pytest.mark.parametrize(
    "dn",
    [
        "Subject: CN=a\\,b, O=Contoso",
        "Subject: CN=Fabrikam\\, Inc., C=US",
        "Subject: CN=a\\+b",
        "Subject: CN=a\\;b",
        "Subject: CN=a\\\\b",
    ],
)
def test_dn_backslash_escapes_are_left_alone(dn: str) -> None:
    norm = normalize(dn + "\n")
    assert norm.lines == [dn]
    assert norm.repairs == []


# --------------------------------------------------------------------------- blank lines, origin


def test_blank_lines_dropped_and_original_line_numbers_kept() -> None:
    text = "Issuer:\n\n    CN=Contoso\n   \n\n\t\nSubject:\n\n"
    norm = normalize(text)
    assert norm.lines == ["Issuer:", "CN=Contoso", "Subject:"]
    assert norm.origin == [1, 3, 7]
    assert norm.text == "Issuer:\nCN=Contoso\nSubject:\n"


def test_repairs_cite_the_original_line_number() -> None:
    text = "Issuer:\n\n\n> CN=Contoso\n"
    assert kinds(text) == [(4, "quote-prefix")]
    assert normalize(text).origin == [1, 4]


def test_empty_text() -> None:
    norm = normalize("")
    assert norm.lines == [] and norm.origin == [] and norm.text == ""


# --------------------------------------------------------------------------- wrapped HRESULTs


def test_wrapped_hresult_is_joined_to_its_message() -> None:
    norm = normalize(f"{OFFLINE_MSG}\n{OFFLINE}\n------------------------------------\n")
    assert norm.lines == [f"{OFFLINE_MSG} {OFFLINE}", "-" * 36]
    assert norm.origin == [1, 3]
    assert kinds(f"{OFFLINE_MSG}\n{OFFLINE}\n") == [(2, "wrapped-hresult")]


def test_wrapped_hresult_joins_across_blank_lines() -> None:
    norm = normalize(f"{OFFLINE_MSG}\n\n{OFFLINE}\n")
    assert norm.lines == [f"{OFFLINE_MSG} {OFFLINE}"]
    assert kinds(f"{OFFLINE_MSG}\n\n{OFFLINE}\n") == [(3, "wrapped-hresult")]


def test_bare_code_and_its_parenthesised_detail_are_both_joined() -> None:
    text = f"{OFFLINE_MSG}\n0x80092013\n(-2146885613 CRYPT_E_REVOCATION_OFFLINE)\n"
    norm = normalize(text)
    assert norm.lines == [f"{OFFLINE_MSG} {OFFLINE}"]
    assert kinds(text) == [(2, "wrapped-hresult"), (3, "wrapped-hresult")]


def test_wrapped_win32_detail_is_joined_to_a_line_ending_in_a_code() -> None:
    text = (
        "Error retrieving URL: The server name could not be resolved 0x80072ee7\n"
        "(WIN32: 12007)\n"
    )
    assert normalize(text).lines == [
        "Error retrieving URL: The server name could not be resolved 0x80072ee7 (WIN32: 12007)"
    ]


@pytest.mark.parametrize(
    "previous",
    [
        pytest.param(
            "The server name could not be resolved 0x80072ee7 (WIN32: 12007)", id="has-code"
        ),
        pytest.param("------------------------------------", id="rule"),
        pytest.param("[0.0] http://crl.contoso.com/cdp/IssuingCA.crl", id="url-index"),
    ],
)
def test_hresult_line_not_joined(previous: str) -> None:
    norm = normalize(f"{previous}\n{OFFLINE}\n")
    assert norm.lines == [previous, OFFLINE]
    assert "wrapped-hresult" not in [r.kind for r in norm.repairs]


def test_hresult_on_first_line_is_kept() -> None:
    assert normalize(f"{OFFLINE}\n").lines == [OFFLINE]


def test_paren_detail_not_joined_when_previous_does_not_end_in_a_code() -> None:
    norm = normalize("Some message\n(-2146885613 CRYPT_E_REVOCATION_OFFLINE)\n")
    assert norm.lines == ["Some message", "(-2146885613 CRYPT_E_REVOCATION_OFFLINE)"]


def test_hresult_with_trailing_text_is_not_a_wrapped_tail() -> None:
    norm = normalize(f"{OFFLINE_MSG}\n{OFFLINE} and more\n")
    assert len(norm.lines) == 2



def test_repairs_stay_in_line_order_when_a_repaired_line_is_a_wrapped_tail() -> None:
    # Line 2 is quoted, then joined; line 3 is repaired on its own: a line's repairs come
    # before its joining, and every repair of an earlier line before those of a later one.
    text = f"{OFFLINE_MSG}\n> {OFFLINE}\n`certutil -verify`\n\tIndented %prefix\n"
    norm = normalize(text)
    assert norm.lines == [f"{OFFLINE_MSG} {OFFLINE}", "certutil -verify", "Indented %prefix"]
    assert norm.origin == [1, 3, 4]
    assert kinds(text) == [(2, "quote-prefix"), (2, "wrapped-hresult"), (3, "backticks")]


@pytest.mark.parametrize("text", [
    "a\u00a0b\n  \u201cquoted\u201d\n\u2014\u2014 banner \u2014\u2014\n",  # beyond ASCII
    "x\t\n\t\n%\n% y\n",  # suspect characters that stripping removes, or leaves alone
])
def test_suspect_lines_are_repaired_and_others_only_stripped(text: str) -> None:
    expected_lines, expected_origin = [], []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = " ".join(normalize(raw + "\n").lines)
        if line:
            expected_lines.append(line)
            expected_origin.append(number)
    norm = normalize(text)
    assert (norm.lines, norm.origin) == (expected_lines, expected_origin)

# --------------------------------------------------------------------------- idempotence


@pytest.mark.parametrize(
    "text",
    [
        "> > Issuer:\n>\n>     CN=Contoso\n",
        f"{OFFLINE_MSG}\n\n{OFFLINE}\n",
        "\u2014\u2014\u2014- Certificate CDP \u2014\u2014\u2014-\n",
        "`[0.0] <http://crl.contoso.com/a.crl>`\n",
    ],
)
def test_normalize_is_idempotent_on_typical_damage(text: str) -> None:
    once = normalize(text)
    twice = normalize(once.text)
    assert twice.lines == once.lines
    assert twice.repairs == []


@pytest.mark.parametrize("text", ["`> Issuer:`", "`% CertUtil: -verify command FAILED`"])
def test_prefix_inside_backticks_is_removed_in_one_pass(text: str) -> None:
    once = normalize(text)
    assert normalize(once.text).lines == once.lines


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="a doubly escaped underscore (\\\\_) or a doubly bracketed autolink (<<url>>) loses one "
    "layer per pass, so normalize() is not idempotent on them",
)
@pytest.mark.parametrize(
    "text", ["Subject: CN=a\\\\_b", "[0.0] <<http://crl.contoso.com/a.crl>>"]
)
def test_nested_escapes_normalise_to_a_fixed_point(text: str) -> None:
    once = normalize(text)
    assert normalize(once.text).lines == once.lines


@pytest.mark.parametrize("text", ["> \u2003> Issuer:", ">\u3000> Issuer:", "% \x0c% Issuer:"])
def test_nested_prefix_separated_by_other_whitespace(text: str) -> None:
    assert normalize(text).lines == ["Issuer:"]


@settings(max_examples=400)
@given(st.lists(st.sampled_from(["%", "% ", ">", "> ", " ", "  ", "\t", "\n", "a", "%20", "->",
                                 "<http://x>", "`", "\\_", "0x80092013", "CN=x", ":"]),
                max_size=30).map("".join))
def test_only_lines_that_a_repair_changes_are_taken_for_suspect(text: str) -> None:
    """Every line is read as if all were suspect: the same lines, numbers and repairs (`%` and
    `>` away from a line's start are left out of the suspects, and change nothing)."""
    import certtriage.text.normalize as module

    everything = list(range(text.count("\n") + 1))
    norm = normalize(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, "_suspect_lines", lambda _: everything)
        expected = normalize(text)
    assert (norm.lines, norm.origin, norm.repairs) == (
        expected.lines, expected.origin, expected.repairs)
