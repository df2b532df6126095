"""The command line as a user meets it: exit codes, formats, stdin, errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from certtriage.cli import Exit, app

from ..conftest import FIXTURES

runner = CliRunner()
OFFLINE = FIXTURES / "certutil/revocation-offline/leaf-cdp-name-not-resolved.txt"
PASS = FIXTURES / "certutil/pass/three-element-client-auth-urlfetch.txt"
FRAGMENT = FIXTURES / "certutil/fragments/cdp-section-only.txt"


def run(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_failing_chain_exits_1_and_names_the_root_cause() -> None:
    code, out, _ = run("analyze", str(OFFLINE))
    assert code == Exit.FINDINGS, out
    assert "FAIL" in out and "cdp-unreachable" in out and "403.13" in out


def test_passing_chain_exits_0() -> None:
    code, out, _ = run("analyze", str(PASS))
    assert code == Exit.OK, out
    assert "PASS" in out


def test_fragment_with_failed_urls_but_no_chain_status() -> None:
    code, out, _ = run("analyze", str(FRAGMENT))
    # The failed fetches are the likely cause, but nothing decides: the exit code is the
    # verdict's, never a count of findings.
    assert code == Exit.INCONCLUSIVE, out
    assert "INCONCLUSIVE" in out and "likely cause" in out and "Collect next" in out


def test_fragment_with_nothing_wrong_in_it_exits_4() -> None:
    fragment = (b"  ----------------  Certificate CDP  ----------------\n"
                b'  Verified "Base CRL (1a)" Time: 0\n'
                b"    [0.0] http://pki.contoso.com/cdp/Contoso%20Issuing%20CA.crl\n")
    code, out, _ = run("analyze", stdin=fragment)
    assert code == Exit.INCONCLUSIVE, out
    assert "INCONCLUSIVE" in out


def test_json_contract() -> None:
    code, out, _ = run("analyze", "--format", "json", str(OFFLINE), str(PASS))
    assert code == Exit.FINDINGS, out
    data = json.loads(out)
    assert data["verdict"] == "fail"
    first, second = data["inputs"]
    for key in ("source", "kind", "status", "encoding", "verdict", "warnings", "findings"):
        assert key in first
    finding = first["findings"][0]
    for key in ("rule", "cause", "severity", "root_cause", "iis_substatus", "element", "subject",
                "url", "hresult", "message", "remediation", "references"):
        assert key in finding
    assert finding["root_cause"] is True and finding["cause"] == "cdp-unreachable"
    assert first["model"]["elements"][0]["url_checks"]
    assert second["verdict"] == "pass"


def test_json_without_models() -> None:
    _, out, _ = run("analyze", "-f", "json", "--no-model", str(PASS))
    assert "model" not in json.loads(out)["inputs"][0]


def test_markdown_for_tickets() -> None:
    code, out, _ = run("analyze", "-f", "markdown", str(OFFLINE))
    assert code == Exit.FINDINGS
    assert out.startswith("# certtriage: FAIL")
    assert "### Root cause: `cdp-unreachable`" in out and "| # | Subject |" in out


def test_reads_standard_input() -> None:
    code, out, _ = run("analyze", "-f", "json", stdin=OFFLINE.read_bytes())
    assert code == Exit.FINDINGS
    assert json.loads(out)["inputs"][0]["source"] == "<stdin>"
    code, out, _ = run("analyze", "-", "-f", "json", stdin=PASS.read_bytes())
    assert code == Exit.OK


def test_missing_file_is_one_line_on_stderr(tmp_path: Path) -> None:
    code, out, err = run("analyze", str(tmp_path / "nope.txt"))
    assert code == Exit.UNRECOGNIZED
    assert err.strip().count("\n") == 0 and "nope.txt" in err
    assert "Traceback" not in out + err


def test_unrelated_text_is_unrecognised(tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("Meeting notes: nothing to see here.\n")
    code, _, err = run("analyze", str(other))
    assert code == Exit.UNRECOGNIZED
    assert "notes.txt: not certutil output" in err


@pytest.mark.parametrize("fmt", ["json", "markdown", "html"])
def test_a_report_that_read_nothing_says_so_as_its_exit_code_does(tmp_path: Path,
                                                                   fmt: str) -> None:
    (tmp_path / "case").mkdir()
    (tmp_path / "case" / "notes.txt").write_text("Meeting notes: nothing to see here.\n")
    (tmp_path / "notes.txt").write_text("Meeting notes again.\n")
    analyzed = run("analyze", "-f", fmt, str(tmp_path / "notes.txt"))
    swept = run("batch", "-f", fmt, str(tmp_path / "case"))
    assert analyzed[0] == swept[0] == Exit.UNRECOGNIZED
    if fmt == "json":
        assert json.loads(analyzed[1])["verdict"] == "unrecognized"
        data = json.loads(swept[1])
        assert data["verdict"] == "unrecognized"
        assert [c["verdict"] for c in data["cases"]] == ["unrecognized"]
    else:
        assert "UNRECOGNIZED" in analyzed[1] + swept[1]


def test_one_bad_input_does_not_hide_the_others(tmp_path: Path) -> None:
    code, out, _ = run("analyze", "-f", "json", str(tmp_path / "missing.txt"), str(OFFLINE))
    data = json.loads(out)
    assert [i["status"] for i in data["inputs"]] == ["error", "parsed"]
    assert code == Exit.FINDINGS


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    code, out, _ = run("analyze", "-f", "json", "-o", str(target), str(PASS))
    assert code == Exit.OK and out == ""
    assert json.loads(target.read_text())["verdict"] == "pass"


def test_fail_on_warning() -> None:
    warning_only = FIXTURES / "certutil/crl-warning/root-crl-expired-on-http-verified-on-ldap.txt"
    assert run("analyze", str(warning_only))[0] == Exit.OK
    assert run("analyze", "--fail-on", "warning", str(warning_only))[0] == Exit.FINDINGS


def test_bad_usage_exits_2() -> None:
    assert run("analyze", "--format", "yaml", str(PASS))[0] == Exit.USAGE


def test_rules_list_and_show() -> None:
    code, out, _ = run("rules")
    assert code == 0 and "REV001" in out and "cdp-unreachable" in out
    code, out, _ = run("rules", "REV001")
    assert code == 0 and "Why" in out and "Fix" in out
    code, out, _ = run("rules", "revoked", "-f", "json")
    assert json.loads(out)["code"] == "REV020"
    assert run("rules", "XYZ999")[0] == Exit.UNRECOGNIZED


@pytest.mark.parametrize("query", ["0x80092013", "-2146885613", "2148081683",
                                   "CRYPT_E_REVOCATION_OFFLINE"])
def test_explain_an_hresult_in_any_form(query: str) -> None:
    code, out, _ = run("explain", query, "-f", "json")
    assert code == 0
    data = json.loads(out)
    assert data["title"] == "CRYPT_E_REVOCATION_OFFLINE"
    assert "REV010" in data["rules"]


@pytest.mark.parametrize(("query", "title", "rule"), [
    ("12007", "ERROR_INTERNET_NAME_NOT_RESOLVED", None),
    ("CERT_TRUST_IS_UNTRUSTED_ROOT", "CERT_TRUST_IS_UNTRUSTED_ROOT", "CHN001"),
    ("403.13", "HTTP 403.13", "REV010"),
    ("missing-client-auth-eku", "missing-client-auth-eku", "USG001"),
    ("untrusted-root", "CHN001 untrusted-root", "CHN001"),
])
def test_explain_other_kinds(query: str, title: str, rule: str | None) -> None:
    code, out, _ = run("explain", query, "-f", "json")
    assert code == 0, out
    data = json.loads(out)
    assert data["title"] == title
    if rule:
        assert rule in data["rules"]


def test_explain_unknown_exits_3() -> None:
    code, _, err = run("explain", "banana")
    assert code == Exit.UNRECOGNIZED and "banana" in err


def test_console_script_never_shows_a_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    proc = subprocess.run([sys.executable, "-m", "certtriage", "analyze", str(folder)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == Exit.UNRECOGNIZED
    assert "Traceback" not in proc.stderr and "a-folder" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "certtriage", "--version"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("certtriage ")


@pytest.mark.parametrize("argv", [["somefile.txt"], ["analyze", "--format", "yaml", "x"],
                                  ["explain"], ["batch"]])
def test_usage_errors_are_one_message_and_exit_2(argv: list[str]) -> None:
    proc = subprocess.run([sys.executable, "-m", "certtriage", *argv], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == Exit.USAGE, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr.strip()


@pytest.mark.parametrize(("query", "rule"), [("CertCheckMode", "IIS002"),
                                            ("SendTrustedIssuerList", "REG001"),
                                            ("verifyclientcertrevocation", "HTP010"),
                                            ("Negotiate Client Certificate", "HTP013")])
def test_explain_settings(query: str, rule: str) -> None:
    code, out, _ = run("explain", query, "-f", "json")
    assert code == 0, out
    data = json.loads(out)
    assert data["kind"] == "setting" and rule in data["rules"]


@pytest.mark.parametrize("name", ["contoso-client-expired.cer", "contoso-client-not-yet-valid.cer"])
def test_certificate_file_outside_its_validity_fails_with_403_17(name: str) -> None:
    code, out, _ = run("analyze", str(FIXTURES / "certs" / name))
    assert code == Exit.FINDINGS, out
    assert "FAIL" in out and "not-time-valid" in out and "403.17" in out
    assert "the current time" in out  # says which time it was judged at


def test_one_failed_cdp_url_beside_working_ones_is_no_failure() -> None:
    fragment = FIXTURES / "certutil/fragments/cdp-one-failed-two-verified.txt"
    code, out, _ = run("analyze", "--format", "json", str(fragment))
    data = json.loads(out)
    (result,) = data["inputs"]
    assert data["verdict"] == result["verdict"] == "inconclusive", out
    assert not result["root_causes"], out
    assert code != Exit.FINDINGS, out
    (warning,) = [f for f in result["findings"] if f["rule"] == "REV002"]
    assert "one of its three CDP URLs fails" in warning["message"]
