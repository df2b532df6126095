"""Synthetic certutil -verify outputs for the generator tests: one consistent dump per outcome.

A dump is built from an :class:`Outcome`: the error bits of the leaf (or of the root), the
error line certutil prints before the 36-dash rule, its verdict lines and its final lines. The
names are made up (Contoso); the flag names, values, codes and message texts are Windows'.
"""

from __future__ import annotations

from dataclasses import dataclass

ROOT_DN = "CN=Contoso Root CA, O=Contoso Ltd, C=US"
ISSUING_DN = "CN=Contoso Issuing CA 07, DC=corp, DC=contoso, DC=com"
LEAF_DN = "CN=Avery Lee, OU=Staff, DC=corp, DC=contoso, DC=com"
RULE = "-" * 36

#: CERT_TRUST error bits by name.
ERROR_BITS = {
    "CERT_TRUST_IS_NOT_TIME_VALID": 0x1, "CERT_TRUST_IS_REVOKED": 0x4,
    "CERT_TRUST_IS_NOT_SIGNATURE_VALID": 0x8, "CERT_TRUST_IS_NOT_VALID_FOR_USAGE": 0x10,
    "CERT_TRUST_IS_UNTRUSTED_ROOT": 0x20, "CERT_TRUST_REVOCATION_STATUS_UNKNOWN": 0x40,
    "CERT_TRUST_IS_PARTIAL_CHAIN": 0x10000, "CERT_TRUST_IS_OFFLINE_REVOCATION": 0x1000000,
    "CERT_TRUST_IS_EXPLICIT_DISTRUST": 0x4000000,
}

OFFLINE_TEXT = ("The revocation function was unable to check revocation because the revocation "
                "server was offline.")
CODES = {
    "0x80092013": ("-2146885613 CRYPT_E_REVOCATION_OFFLINE", OFFLINE_TEXT),
    "0x80092010": ("-2146885616 CRYPT_E_REVOKED", "The certificate is revoked."),
    "0x80092012": ("-2146885614 CRYPT_E_NO_REVOCATION_CHECK",
                   "The revocation function was unable to check revocation for the certificate."),
    "0x800b0109": ("-2146762487 CERT_E_UNTRUSTEDROOT",
                   "A certificate chain processed, but terminated in a root certificate which is "
                   "not trusted by the trust provider."),
    "0x800b010a": ("-2146762486 CERT_E_CHAINING",
                   "A certificate chain could not be built to a trusted root authority."),
    "0x800b0101": ("-2146762495 CERT_E_EXPIRED",
                   "A required certificate is not within its validity period when verifying "
                   "against the current system clock or the timestamp in the signed file."),
    "0x800b0110": ("-2146762480 CERT_E_WRONG_USAGE",
                   "The certificate is not valid for the requested usage."),
    "0x80096004": ("-2146869244 TRUST_E_CERT_SIGNATURE",
                   "The signature of the certificate cannot be verified."),
    "0x800b0111": ("-2146762479 TRUST_E_EXPLICIT_DISTRUST",
                   "The certificate was explicitly marked as untrusted by the user."),
    "0x800b0107": ("-2146762489 CERT_E_ISSUERCHAINING",
                   "A parent of a given certificate in fact did not issue that child certificate."),
    "0x80070002": ("WIN32: 2 ERROR_FILE_NOT_FOUND", "The system cannot find the file specified."),
    "0x80100069": ("-2146434967 SCARD_W_REMOVED_CARD",
                   "The smart card has been removed, so that further communication is not "
                   "possible."),
}


def error_line(code: str) -> str:
    """`<message> 0x... (<detail>)` as certutil prints an error."""
    detail, text = CODES[code]
    return f"{text} {code} ({detail})"


def failed_lines(code: str, verb: str = "verify") -> list[str]:
    """certutil's final lines when the command failed with `code`."""
    detail, text = CODES[code]
    return [f"CertUtil: -{verb} command FAILED: {code} ({detail})", f"CertUtil: {text}"]


def leaf_error_line(code: str) -> str:
    """The result of the leaf's own revocation check, when it failed."""
    return f"ERROR: Verifying leaf certificate revocation status returned {error_line(code)}"


SUCCESS = "CertUtil: -verify command completed successfully."


@dataclass(frozen=True)
class Outcome:
    """What a -verify run concluded, and the lines that say so."""

    leaf_errors: tuple[str, ...] = ()
    root_errors: tuple[str, ...] = ()
    partial: bool = False
    error: str | None = None
    """The code of the error line before the 36-dash rule."""
    verdicts: tuple[str, ...] = ()
    finals: tuple[str, ...] = (SUCCESS,)
    missing_issuer: bool = False


def _status(prefix: str, names: list[str], indent: str = "") -> list[str]:
    return [f"{indent}{prefix}.dwErrorStatus = {n} (0x{ERROR_BITS[n]:x})"
            for n in sorted(names, key=lambda n: (ERROR_BITS[n] == 0x10000, ERROR_BITS[n]))]


def _element(index: int, issuer: str, subject: str, info: int, errors: tuple[str, ...],
             thumb: str) -> list[str]:
    value = sum(ERROR_BITS[e] for e in errors)
    lines = [f"CertContext[0][{index}]: dwInfoStatus={info:x} dwErrorStatus={value:x}",
             f"  Issuer: {issuer}", "  NotBefore: 4/1/2024 9:00 AM",
             "  NotAfter: 4/1/2026 9:00 AM" if index == 0 else "  NotAfter: 4/1/2034 9:00 AM",
             f"  Subject: {subject}", f"  Serial: 1f000000{index}a7c3e91d2b84f60000000000{index}",
             f"  Cert: {thumb}"]
    if info & 0x2:
        lines.append("  Element.dwInfoStatus = CERT_TRUST_HAS_KEY_MATCH_ISSUER (0x2)")
    if info & 0x8:
        lines += ["  Element.dwInfoStatus = CERT_TRUST_HAS_NAME_MATCH_ISSUER (0x4)",
                  "  Element.dwInfoStatus = CERT_TRUST_IS_SELF_SIGNED (0x8)"]
    lines.append("  Element.dwInfoStatus = CERT_TRUST_HAS_PREFERRED_ISSUER (0x100)")
    return [*lines, *_status("Element", list(errors), "  "), ""]


def dump(outcome: Outcome) -> list[str]:
    """The whole output of `certutil -verify avery.lee.cer` that ends with `outcome`."""
    leaf_thumb, root_thumb = "5d" * 20, "a3" * 20
    chain_errors = [*outcome.leaf_errors, *outcome.root_errors]
    if outcome.partial:
        chain_errors.append("CERT_TRUST_IS_PARTIAL_CHAIN")
    lines = ["Issuer:", "    CN=Contoso Issuing CA 07", "    DC=corp", "    DC=contoso", "    DC=com",
             "Subject:", "    CN=Avery Lee", "    OU=Staff", "    DC=corp", "    DC=contoso",
             "    DC=com", "Cert Serial Number: 1f0000000a7c3e91d2b84f600000000000", "",
             "dwFlags = CA_VERIFY_FLAGS_CONSOLE_TRACE (0x20000000)",
             "dwFlags = CA_VERIFY_FLAGS_DUMP_CHAIN (0x40000000)",
             "ChainFlags = CERT_CHAIN_REVOCATION_CHECK_CHAIN_EXCLUDE_ROOT (0x40000000)",
             "HCCE_LOCAL_MACHINE", "CERT_CHAIN_POLICY_BASE", "-------- CERT_CHAIN_CONTEXT --------",
             "ChainContext.dwInfoStatus = CERT_TRUST_HAS_PREFERRED_ISSUER (0x100)",
             *_status("ChainContext", chain_errors), "",
             "SimpleChain.dwInfoStatus = CERT_TRUST_HAS_PREFERRED_ISSUER (0x100)",
             *_status("SimpleChain", chain_errors), ""]
    lines += _element(0, ISSUING_DN, LEAF_DN, 0x102, outcome.leaf_errors, leaf_thumb)
    if not outcome.partial:
        lines += _element(1, ROOT_DN, ISSUING_DN, 0x10C, outcome.root_errors, root_thumb)
    lines += ["Exclude leaf cert:", f"  Chain: {'e1' * 20}", "Full chain:", f"  Chain: {'f2' * 20}"]
    if outcome.missing_issuer:
        lines.append(f"Missing Issuer: {ISSUING_DN}")
    if outcome.error is not None:
        lines += [f"  Issuer: {ISSUING_DN}", f"  Subject: {LEAF_DN}", f"  Cert: {leaf_thumb}",
                  error_line(outcome.error)]
    return [*lines, RULE, *outcome.verdicts, *outcome.finals]
