"""Write the large synthetic `certutil -store Root` dumps under fixtures/stores/.

Deterministic (a fixed seed): running it again rewrites the same bytes. The names are made up
from Microsoft's fictional companies and invented product lines; serials and thumbprints are
random hex. The committed outputs are:

* `root-over-limit.txt`: 350 roots whose subject names make a trusted issuer list well over
  Schannel's 16 KB limit, some of them expired;
* `root-near-limit.txt`: roots added until the list reaches about 93 % of the limit;
* `my-verbose-ekus.txt` and `root-verbose.txt`: `certutil -v -store` dumps (full certificate
  dumps with extensions and properties), whose hex blocks are random bytes.

Usage: python scripts/make_store_fixtures.py [--check]
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from certtriage.parsers.certutil_store.issuer_list import name_der_length
from certtriage.parsers.certutil_store.model import ISSUER_LIST_LIMIT

OUT = ROOT / "fixtures" / "stores"

ORGS = [
    "Contoso", "Fabrikam", "Woodgrove Bank", "Northwind Traders", "Tailspin Toys", "Litware",
    "Adatum", "Proseware", "Trey Research", "Alpine Ski House", "Wingtip Toys", "Coho Winery",
    "Wide World Importers", "Fourth Coffee", "Lamna Healthcare", "Relecloud", "VanArsdel",
    "Lucerne Publishing", "Graphic Design Institute", "Consolidated Messenger",
    "Blue Yonder Airlines", "City Power & Light", "Humongous Insurance", "Southridge Video",
    "Bellows College", "Margie's Travel", "Munson's Pickles and Preserves", "Nod Publishers",
    "Fabrikam Residences", "Woodgrove Trust Services", "Contoso Pharmaceuticals",
    "Tailspin Trust Network", "Société Fictive de Certification", "Litware Sicherheit",
]
SUFFIXES = ["", " Inc.", " Ltd", " Corporation", " GmbH", " S.A.", " AG", ", Inc.", " plc"]
KINDS = [
    "Root CA", "Root Certification Authority", "Global Root CA", "Global Root G2",
    "Global Root G3", "ECC Root CA", "RSA Root CA 2048", "Public Primary Certification Authority",
    "Trust Services Root", "Root CA - R3", "Commercial Root CA", "Assured ID Root CA",
    "High Assurance EV Root CA", "Premium Root CA", "Secure Server Root", "TLS RSA Root CA",
    "TLS ECC Root CA", "Qualified Root CA", "Timestamping Root", "Code Signing Root CA",
]
UNITS = [
    "Certification Services", "PKI Operations", "Trust Network", "Root Certificate Authority",
    "Security Communication", "Class 3 Public Primary Certification Authority", "Digital IDs",
    "For authorized use only", "Certification Services Division", "Information Security",
]
PLACES = [
    ("Redmond", "Washington", "US"), ("Seattle", "Washington", "US"), ("Zurich", None, "CH"),
    ("Amsterdam", None, "NL"), ("Madrid", None, "ES"), ("Munich", "Bavaria", "DE"),
    ("Salt Lake City", "Utah", "US"), ("Toronto", "Ontario", "CA"), ("Tokyo", None, "JP"),
    ("Brussels", None, "BE"), ("Cape Town", "Western Cape", "ZA"), (None, None, "GB"),
    (None, None, "US"), (None, None, "FR"), (None, None, "SE"), (None, None, "IT"),
]


def _quote(value: str) -> str:
    """certutil quotes a value that holds a comma (and doubles any quote in it)."""
    return f'"{value.replace(chr(34), chr(34) * 2)}"' if "," in value else value


def _dn(rng: random.Random, used: set[str]) -> str:
    """A made-up root CA name, most specific RDN first (as certutil prints it)."""
    while True:
        org = rng.choice(ORGS)
        full = org + rng.choice(SUFFIXES)
        cn = f"{org} {rng.choice(KINDS)}"
        parts = [f"CN={_quote(cn)}"]
        if rng.random() < 0.3:
            unit = rng.choice(UNITS)
            if unit == "For authorized use only":
                unit = f"(c) {rng.randint(1999, 2016)} {full} - For authorized use only"
            parts.append(f"OU={_quote(unit)}")
        if rng.random() < 0.05:
            parts.append(f"OU=www.{org.split()[0].lower()}.com/repository")
        parts.append(f"O={_quote(full)}")
        city, state, country = rng.choice(PLACES)
        if city and rng.random() < 0.4:
            parts.append(f"L={city}")
        if state and rng.random() < 0.3:
            parts.append(f"S={state}")
        parts.append(f"C={country}")
        dn = ", ".join(parts)
        if dn not in used:
            used.add(dn)
            return dn


def _date(rng: random.Random, first: int, last: int) -> str:
    """A US-locale certutil date like `3/14/2025 9:12 AM`."""
    year, month, day = rng.randint(first, last), rng.randint(1, 12), rng.randint(1, 28)
    hour, minute = rng.randint(1, 12), rng.randint(0, 59)
    return f"{month}/{day}/{year} {hour}:{minute:02d} {rng.choice(['AM', 'PM'])}"


def _root(rng: random.Random, index: int, dn: str, expired: bool) -> str:
    serial = "".join(rng.choice("0123456789abcdef") for _ in range(32))
    thumb = "".join(rng.choice("0123456789abcdef") for _ in range(40))
    not_before = _date(rng, 1996, 2004) if expired else _date(rng, 1998, 2020)
    not_after = _date(rng, 2012, 2020) if expired else _date(rng, 2036, 2049)
    return "\n".join([
        f"================ Certificate {index} ================",
        f"Serial Number: {serial}",
        f"Issuer: {dn}",
        f" NotBefore: {not_before}",
        f" NotAfter: {not_after}",
        f"Subject: {dn}",
        "Signature matches Public Key",
        "Root Certificate: Subject matches Issuer",
        f"Cert Hash(sha1): {thumb}",
        "No key provider information",
        "Cannot find the certificate and private key for decryption.",
        "",
    ])


def _dump(blocks: list[str]) -> str:
    return ('Root "Trusted Root Certification Authorities"\n' + "\n".join(blocks)
            + "CertUtil: -store command completed successfully.\n")


def over_limit() -> str:
    """350 roots, one in nine expired."""
    rng = random.Random(2801679)
    used: set[str] = set()
    blocks = [_root(rng, i, _dn(rng, used), expired=i % 9 == 4) for i in range(350)]
    return _dump(blocks)


def near_limit(target: float = 0.93) -> str:
    """Roots until the estimated issuer list reaches `target` of the limit (three expired)."""
    rng = random.Random(933430)
    used: set[str] = set()
    blocks: list[str] = []
    total = 0
    while True:
        dn = _dn(rng, used)
        size = name_der_length(dn)[0] + 2
        if total + size > target * ISSUER_LIST_LIMIT:
            break
        total += size
        blocks.append(_root(rng, len(blocks), dn, expired=len(blocks) in (7, 61, 140)))
    return _dump(blocks)


# ---- certutil -v -store ---------------------------------------------------------------------
def _hex_block(rng: random.Random, size: int, indent: str = "    ") -> list[str]:
    """A certutil hex dump of `size` random bytes (offset, 8 + 8 bytes a line)."""
    data = [rng.randrange(256) for _ in range(size)]
    lines = []
    for offset in range(0, size, 16):
        chunk = [f"{b:02x}" for b in data[offset:offset + 16]]
        left, right = " ".join(chunk[:8]), " ".join(chunk[8:])
        lines.append(f"{indent}{offset:04x}  {left}" + (f"  {right}" if right else ""))
    return lines


def _hexstr(rng: random.Random, size: int) -> str:
    return "".join(f"{rng.randrange(256):02x}" for _ in range(size))


def _rdns(dn: list[str]) -> list[str]:
    return [f"    {rdn}" for rdn in dn]


def _verbose(rng: random.Random, index: int, cert: dict[str, object]) -> list[str]:
    """One `certutil -v -store` certificate block."""
    issuer, subject = cert["issuer"], cert["subject"]
    assert isinstance(issuer, list) and isinstance(subject, list)
    thumb = _hexstr(rng, 20)
    lines = [
        f"================ Certificate {index} ================",
        "X509 Certificate:",
        "Version: 3",
        f"Serial Number: {cert['serial']}",
        "Signature Algorithm:",
        "    Algorithm ObjectId: 1.2.840.113549.1.1.11 sha256RSA",
        "    Algorithm Parameters:",
        "    05 00",
        "Issuer:", *_rdns(issuer),
        f"  Name Hash(sha1): {_hexstr(rng, 20)}",
        f"  Name Hash(md5): {_hexstr(rng, 16)}",
        "",
        f" NotBefore: {cert['not_before']}",
        f" NotAfter: {cert['not_after']}",
        "",
        "Subject:", *_rdns(subject),
        f"  Name Hash(sha1): {_hexstr(rng, 20)}",
        f"  Name Hash(md5): {_hexstr(rng, 16)}",
        "",
        "Public Key Algorithm:",
        "    Algorithm ObjectId: 1.2.840.113549.1.1.1 RSA",
        "    Algorithm Parameters:",
        "    05 00",
        "Public Key Length: 2048 bits",
        "Public Key: UnusedBits = 0",
        *_hex_block(rng, 270),
    ]
    extensions = cert["extensions"]
    assert isinstance(extensions, list)
    lines.append(f"Certificate Extensions: {len(extensions)}")
    for header, title, body in extensions:
        lines += [f"    {header}", f"    {title}", *[f"        {b}" for b in body], ""]
    lines += [
        "Signature Algorithm:",
        "    Algorithm ObjectId: 1.2.840.113549.1.1.11 sha256RSA",
        "    Algorithm Parameters:",
        "    05 00",
        "Signature: UnusedBits=0",
        *_hex_block(rng, 256),
    ]
    if issuer == subject:
        lines += ["Signature matches Public Key", "Root Certificate: Subject matches Issuer"]
    else:
        lines.append("Non-root Certificate")
    lines += [
        f"Key Id Hash(rfc-sha1): {_hexstr(rng, 20)}",
        f"Key Id Hash(sha1): {_hexstr(rng, 20)}",
        f"Key Id Hash(bcrypt-sha1): {_hexstr(rng, 20)}",
        f"Key Id Hash(bcrypt-sha256): {_hexstr(rng, 32)}",
        f"Key Id Hash(md5): {_hexstr(rng, 16)}",
        f"Key Id Hash(sha256): {_hexstr(rng, 32)}",
        f"Key Id Hash(pin-sha256-hex): {_hexstr(rng, 32)}",
        f"Cert Hash(md5): {_hexstr(rng, 16)}",
        f"Cert Hash(sha1): {thumb}",
        f"Cert Hash(sha256): {_hexstr(rng, 32)}",
        f"Signature Hash: {_hexstr(rng, 32)}",
        "",
    ]
    container = cert.get("container")
    if container:
        lines += [
            "  CERT_KEY_PROV_INFO_PROP_ID(2):",
            f"    Key Container = {container}",
            f"    Unique container name: {_hexstr(rng, 16)}_{_guid(rng)}",
            "    Provider = Microsoft Software Key Storage Provider",
            "    ProviderType = 0",
            "    Flags = 0",
            "    KeySpec = 0 -- XCN_AT_NONE",
            "",
        ]
    friendly = cert.get("friendly")
    if friendly:
        lines += ["  CERT_FRIENDLY_NAME_PROP_ID(11):", f"    {friendly}", ""]
    lines += [
        "  CERT_SHA1_HASH_PROP_ID(3):", f"    {thumb}", "",
        "  CERT_KEY_IDENTIFIER_PROP_ID(20):", f"    {_hexstr(rng, 20)}", "",
        "  CERT_ACCESS_STATE_PROP_ID(14):", "  AccessState = 2",
        "    CERT_ACCESS_STATE_SYSTEM_STORE_FLAG -- 2", "",
    ]
    if container:
        lines += ["Private key is NOT exportable", "Encryption test passed"]
    else:
        lines += ["No key provider information",
                  "Cannot find the certificate and private key for decryption."]
    return lines + [""]


def _guid(rng: random.Random) -> str:
    raw = _hexstr(rng, 16)
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"


_CONTOSO_CA = ["CN=Contoso Issuing CA 01", "DC=corp", "DC=contoso", "DC=com"]
_CONTOSO_ROOT = ["CN=Contoso Root CA", "O=Contoso Ltd", "C=US"]
_LDAP_CDP = ("ldap:///CN=Contoso Issuing CA 01,CN=PKI01,CN=CDP,CN=Public Key Services,"
             "CN=Services,CN=Configuration,DC=corp,DC=contoso,DC=com?certificateRevocationList"
             "?base?objectClass=cRLDistributionPoint")
_HTTP_CDP = "http://pki.contoso.com/crl/Contoso%20Issuing%20CA%2001.crl"
_AIA = "http://pki.contoso.com/aia/Contoso%20Issuing%20CA%2001.crt"
_OCSP = "http://ocsp.contoso.com/ocsp"


def _issued_extensions(template: str, oid: str, ekus: list[str], policies: list[str],
                       san: list[str]) -> list[tuple[str, str, list[str]]]:
    """The extensions an AD CS issuing CA puts into an end-entity certificate."""
    ldap_escaped = _LDAP_CDP.replace(" ", "%20")
    return [
        ("1.3.6.1.4.1.311.21.7: Flags = 0, Length = 2f", "Certificate Template Information",
         [f"Template={template}({oid})", "Major Version Number=100", "Minor Version Number=4"]),
        (f"2.5.29.37: Flags = 0, Length = {10 * len(ekus) + 2:x}", "Enhanced Key Usage", ekus),
        ("2.5.29.15: Flags = 1(Critical), Length = 4", "Key Usage",
         ["Digital Signature, Key Encipherment (a0)"]),
        ("1.3.6.1.4.1.311.21.10: Flags = 0, Length = 28", "Application Policies",
         [line for n, p in enumerate(policies, start=1)
          for line in (f"[{n}]Application Certificate Policy:", f"     Policy Identifier={p}")]),
        ("2.5.29.19: Flags = 0, Length = 2", "Basic Constraints",
         ["Subject Type=End Entity", "Path Length Constraint=None"]),
        ("2.5.29.31: Flags = 0, Length = 13c", "CRL Distribution Points", [
            "[1]CRL Distribution Point", "     Distribution Point Name:", "          Full Name:",
            f"               URL={_LDAP_CDP} ({ldap_escaped})",
            f"               URL={_HTTP_CDP}"]),
        ("1.3.6.1.5.5.7.1.1: Flags = 0, Length = 7e", "Authority Information Access", [
            "[1]Authority Info Access",
            "     Access Method=Certification Authority Issuer (1.3.6.1.5.5.7.48.2)",
            "     Alternative Name:", f"          URL={_AIA}",
            "[2]Authority Info Access",
            "     Access Method=On-line Certificate Status Protocol (1.3.6.1.5.5.7.48.1)",
            "     Alternative Name:", f"          URL={_OCSP}"]),
        ("2.5.29.17: Flags = 0, Length = 3e", "Subject Alternative Name", san),
    ]


def my_verbose() -> str:
    """`certutil -v -user -store My`: a client certificate, an e-mail-only certificate and a
    server certificate, each with its key."""
    rng = random.Random(5280)
    user = ["CN=Ana Ruiz", "OU=Finance", "O=Contoso Ltd", "C=US"]
    certs: list[dict[str, object]] = [
        {"serial": "2b000000a41c7e93d05f6b28e70000000000a4", "issuer": _CONTOSO_CA,
         "subject": user, "not_before": "3/14/2025 9:12 AM", "not_after": "3/14/2045 9:22 AM",
         "container": f"te-ContosoUser-{_guid(rng)}", "friendly": "Ana Ruiz (Contoso user)",
         "extensions": _issued_extensions(
             "Contoso User", "1.3.6.1.4.1.311.21.8.7719043.1402938.6620417.9013382.4470961.148."
             "2209371.5570384",
             ["Encrypting File System (1.3.6.1.4.1.311.10.3.4)",
              "Secure Email (1.3.6.1.5.5.7.3.4)", "Client Authentication (1.3.6.1.5.5.7.3.2)"],
             ["Encrypting File System", "Secure Email", "Client Authentication"],
             ["Other Name:", "     Principal Name=ana.ruiz@corp.contoso.com",
              "RFC822 Name=ana.ruiz@contoso.com"])},
        {"serial": "2b000000b7e2046c9a13d5f8410000000000b7", "issuer": _CONTOSO_CA,
         "subject": user, "not_before": "3/14/2025 9:15 AM", "not_after": "3/14/2045 9:25 AM",
         "container": f"te-ContosoSMIME-{_guid(rng)}",
         "extensions": _issued_extensions(
             "Contoso Secure Email", "1.3.6.1.4.1.311.21.8.7719043.1402938.6620417.9013382."
             "4470961.148.5102277.3398150",
             ["Secure Email (1.3.6.1.5.5.7.3.4)", "Document Signing (1.3.6.1.4.1.311.10.3.12)"],
             ["Secure Email", "Document Signing"], ["RFC822 Name=ana.ruiz@contoso.com"])},
        {"serial": "2b000000c90f37a2d6b18e4c550000000000c9", "issuer": _CONTOSO_CA,
         "subject": ["CN=portal.contoso.com", "O=Contoso Ltd", "L=Redmond", "S=Washington",
                     "C=US"],
         "not_before": "1/6/2026 11:02 AM", "not_after": "1/6/2046 11:12 AM",
         "container": f"te-ContosoWebServer-{_guid(rng)}",
         "extensions": _issued_extensions(
             "Contoso Web Server", "1.3.6.1.4.1.311.21.8.7719043.1402938.6620417.9013382."
             "4470961.148.8831906.1127465", ["Server Authentication (1.3.6.1.5.5.7.3.1)"],
             ["Server Authentication"], ["DNS Name=portal.contoso.com"])},
    ]
    lines = ["PS C:\\Users\\aruiz> certutil -v -user -store My", 'My "Personal"']
    for index, cert in enumerate(certs):
        lines += _verbose(rng, index, cert)
    return "\n".join(lines) + "CertUtil: -store command completed successfully.\n"


def root_verbose() -> str:
    """`certutil -v -store Root` with two roots."""
    rng = random.Random(2802568)
    ca_extensions = [
        ("2.5.29.15: Flags = 0, Length = 4", "Key Usage",
         ["Digital Signature, Certificate Signing, Off-line CRL Signing, CRL Signing (86)"]),
        ("2.5.29.19: Flags = 1(Critical), Length = 5", "Basic Constraints",
         ["Subject Type=CA", "Path Length Constraint=None"]),
        ("2.5.29.14: Flags = 0, Length = 16", "Subject Key Identifier", [_hexstr(rng, 20)]),
        ("1.3.6.1.4.1.311.21.1: Flags = 0, Length = 3", "CA Version", ["V0.0"]),
    ]
    fabrikam = ["CN=Fabrikam Global Root G2", "OU=Certification Services",
                'O="Fabrikam, Inc."', "L=Redmond", "S=Washington", "C=US"]
    certs: list[dict[str, object]] = [
        {"serial": "827283e0ad84173581569969e58b0810", "issuer": _CONTOSO_ROOT,
         "subject": _CONTOSO_ROOT, "not_before": "5/9/2016 5:00 PM",
         "not_after": "5/9/2041 5:10 PM", "extensions": ca_extensions},
        {"serial": "a7196b50ac2f86702824c1c099724caf", "issuer": fabrikam, "subject": fabrikam,
         "not_before": "8/1/2013 5:00 AM", "not_after": "1/15/2038 5:00 AM",
         "friendly": "Fabrikam Global Root G2", "extensions": ca_extensions[:3]},
    ]
    lines = ['Root "Trusted Root Certification Authorities"']
    for index, cert in enumerate(certs):
        lines += _verbose(rng, index, cert)
    return "\n".join(lines) + "CertUtil: -store command completed successfully.\n"


OUTPUTS = {
    "root-over-limit.txt": over_limit,
    "root-near-limit.txt": near_limit,
    "my-verbose-ekus.txt": my_verbose,
    "root-verbose.txt": root_verbose,
}


def main(argv: list[str]) -> int:
    """Write the fixtures (or with --check, report those that differ); return 1 if stale."""
    stale = 0
    for name, make in OUTPUTS.items():
        text = make()
        target = OUT / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            stale += 1
            print(f"{'stale' if '--check' in argv else 'wrote'}: {target.relative_to(ROOT)}")
            if "--check" not in argv:
                OUT.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
    return 1 if stale and "--check" in argv else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
