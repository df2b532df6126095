"""OpenSSL's certificate verification errors (`X509_V_ERR_*`, numbered as `openssl verify` and
`s_client` print them: `error 20 at 0 depth lookup`, `verify error:num=20`) and the CryptoAPI
code that stands for the same failed check, so that a chain OpenSSL refused is diagnosed with
the causes and steps a chain Windows refused gets. Numbers and names from OpenSSL's
`x509_vfy.h`; an error with no counterpart (OpenSSL's own bookkeeping) has none."""

from __future__ import annotations

#: X509_V_ERR number -> (its name without the prefix, the CryptoAPI code of the same check).
X509_V_ERRORS: dict[int, tuple[str, str | None]] = {
    2: ("UNABLE_TO_GET_ISSUER_CERT", "0x800b010a"),
    3: ("UNABLE_TO_GET_CRL", "0x80092012"),
    4: ("UNABLE_TO_DECRYPT_CERT_SIGNATURE", "0x80096004"),
    5: ("UNABLE_TO_DECRYPT_CRL_SIGNATURE", "0x80096004"),
    6: ("UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY", "0x80096004"),
    7: ("CERT_SIGNATURE_FAILURE", "0x80096004"),
    8: ("CRL_SIGNATURE_FAILURE", "0x80096004"),
    9: ("CERT_NOT_YET_VALID", "0x800b0101"),
    10: ("CERT_HAS_EXPIRED", "0x800b0101"),
    # an expired CRL: CryptoAPI has no fresh one either, and says the server is offline
    11: ("CRL_NOT_YET_VALID", "0x80092013"),
    12: ("CRL_HAS_EXPIRED", "0x80092013"),
    13: ("ERROR_IN_CERT_NOT_BEFORE_FIELD", None),
    14: ("ERROR_IN_CERT_NOT_AFTER_FIELD", None),
    17: ("OUT_OF_MEM", None),
    18: ("DEPTH_ZERO_SELF_SIGNED_CERT", "0x800b0109"),
    19: ("SELF_SIGNED_CERT_IN_CHAIN", "0x800b0109"),
    20: ("UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "0x800b010a"),
    21: ("UNABLE_TO_VERIFY_LEAF_SIGNATURE", "0x800b010a"),
    22: ("CERT_CHAIN_TOO_LONG", None),
    23: ("CERT_REVOKED", "0x80092010"),
    24: ("INVALID_CA", "0x80096019"),
    25: ("PATH_LENGTH_EXCEEDED", "0x80096019"),
    # the purpose asked for (`-purpose sslclient`): read as Client Authentication only then
    26: ("INVALID_PURPOSE", "0x800b0110"),
    27: ("CERT_UNTRUSTED", "0x800b0109"),
    28: ("CERT_REJECTED", "0x800b0109"),
    62: ("HOSTNAME_MISMATCH", "0x800b010f"),
}

#: The errors whose code holds only when the purpose checked was a client's (26: the usage
#: CryptoAPI reports as a missing Client Authentication).
PURPOSE_BOUND = frozenset({26})

#: The words OpenSSL prints for the errors clients meet most (`X509_verify_cert_error_string`,
#: 1.1 and 3.x spellings), lower case -> the error's number: curl's `SSL certificate problem:
#: unable to get local issuer certificate`, Node's and Postman's `unable to verify the first
#: certificate`, Python's `certificate verify failed: self signed certificate in certificate
#: chain`.
X509_V_TEXTS: dict[str, int] = {
    "unable to get issuer certificate": 2,
    "certificate is not yet valid": 9,
    "certificate has expired": 10,
    "self signed certificate in certificate chain": 19,
    "self-signed certificate in certificate chain": 19,
    "self signed certificate": 18,
    "self-signed certificate": 18,
    "unable to get local issuer certificate": 20,
    "unable to verify the first certificate": 21,
    "certificate revoked": 23,
    "unsupported certificate purpose": 26,
    "unsuitable certificate purpose": 26,
    "hostname mismatch": 62,
}
