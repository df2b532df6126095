"""The lines of one certificate block of a `certutil [-v] -store` dump.

A plain dump gives each certificate a few `Label: value` lines (serial, issuer, subject, dates,
thumbprint, template) and lines about its private key. A `-v` dump prints each certificate in
full: the RDNs of issuer and subject one per line, the public key and signature as hex, every
extension (`2.5.29.37: Flags = 0, Length = c` then its decoded text) and the store properties
(`CERT_KEY_PROV_INFO_PROP_ID(2):` ...). Lines inside those sections are consumed by the
section; a line outside any known section and shape is left to the caller to keep as unparsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .model import Eku

_LABEL = re.compile(r"^(?P<label>[^:=]{1,60}?)\s*:\s*(?P<value>.*)$")
_HEX = re.compile(r"^[0-9a-fA-F]{2}(?: ?[0-9a-fA-F]{2})*$")
_NOT_BEFORE = re.compile(r"^NotBefore\s*:\s*(?P<value>.*)$", re.IGNORECASE)
_NOT_AFTER = re.compile(r"^NotAfter\s*:\s*(?P<value>.*)$", re.IGNORECASE)
_SHA1 = re.compile(r"^(?P<label>.*?)\s*\(sha1\)\s*:\s*(?P<value>[0-9a-fA-F ]+)$", re.IGNORECASE)
_KEY_VALUE = re.compile(r"^(?P<label>[^=:]{1,60}?)\s+=\s+(?P<value>.*)$")
_EXTENSION = re.compile(r"^(?P<oid>\d+(?:\.\d+)+):\s*\S.*=")
_PROPERTY = re.compile(r"^(?P<name>CERT_\w+_PROP_ID)\(\d+\)")
_EKU_ITEM = re.compile(r"^(?:(?P<name>.*?)\s*)?\(?(?P<oid>\d+(?:\.\d+){2,})\)?$")
_URL = re.compile(r"^URL=(?P<url>.+?)(?: \((?:ldap|https?|file|ftp):[^)]*\))?$", re.IGNORECASE)
_HEXDUMP = re.compile(r"^[0-9a-fA-F]{4}\s+(?:[0-9a-fA-F]{2}\s+)*[0-9a-fA-F]{2}\b")
_CONTAINER_TAIL = re.compile(r"^[0-9a-fA-F-]{1,40}$")
_ATTRIBUTE_LINE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9-]*|OID\.\d+(?:\.\d+)+|\d+(?:\.\d+)+)=")

#: Translated labels, by what they mean (compared case-insensitively). The zh-CN entries were
#: seen in a posted dump; the other translations are expected ones not yet seen in a paste.
_LABELS: dict[str, tuple[str, ...]] = {
    "serial": ("serial number", "seriennummer", "numéro de série", "numero di serie", "序列号"),
    "issuer": ("issuer", "aussteller", "émetteur", "autorità emittente", "颁发者"),
    "subject": ("subject", "antragsteller", "objet", "soggetto", "使用者"),
    "template": ("template", "vorlage", "modèle", "modello"),
    "cert_hash": ("cert hash", "zertifikathash", "hachage de certificat", "hash certificato",
                  "证书哈希"),
    "key_container": ("key container", "schlüsselcontainer", "conteneur de clé", "密钥容器"),
    "provider": ("provider", "anbieter", "fournisseur", "提供程序"),
}
_LABEL_OF = {text: meaning for meaning, texts in _LABELS.items() for text in texts}

#: Lines about the private key, by meaning (English, and zh-CN as posted; compared as line
#: prefixes, lower case).
_KEY_PRESENT = ("encryption test passed", "signature test passed", "private key is not exportable",
                "private key is not plain text exportable", "private key is exportable",
                "无法以纯文本方式导出私钥")  # zh-CN: not plain text exportable
_KEY_ABSENT = ("missing stored keyset", "no key provider information",
               "cannot find the certificate and private key", "keyset does not exist",
               "encryption test failed", "signature test failed",
               "没有密钥提供程序信息", "找不到解密的证书和私钥")  # zh-CN: the first two
_KEY_ABSENT_CODES = ("0x80090016", "nte_bad_keyset")

#: Lines of a block that say nothing the model keeps (English; line prefixes, lower case).
_KNOWN = ("x509 certificate:", "version:", "public key length:", "key id hash(",
          "subject key id (precomputed)", "signature hash:", "cert hash(", "name hash(",
          "ca version:", "certificate template name", "unique container name:",
          "simple container name:", "providertype =", "flags =", "keyspec =", "crypt_",
          "algorithm objectid:", "algorithm parameters:", "dummy signer")
_SECTIONS = ("signature algorithm:", "public key algorithm:", "public key:", "signature:",
             "certificate extensions:")

_EXT_EKU = "2.5.29.37"
_EXT_CDP = "2.5.29.31"
_EXT_AIA = "1.3.6.1.5.5.7.1.1"
_EXT_BASIC = "2.5.29.19"
_EXT_TEMPLATE = "1.3.6.1.4.1.311.21.7"
_EXT_TEMPLATE_NAME = "1.3.6.1.4.1.311.20.2"
_OCSP_METHOD = "1.3.6.1.5.5.7.48.1"


@dataclass
class Block:
    """One certificate block while it is read."""

    index: int
    line: int
    end_line: int
    fields: dict[str, Any] = field(default_factory=dict)
    issuer_rdns: list[str] = field(default_factory=list)
    subject_rdns: list[str] = field(default_factory=list)
    ekus: list[Eku] | None = None
    cdp: list[str] = field(default_factory=list)
    aia: list[str] = field(default_factory=list)
    ocsp: list[str] = field(default_factory=list)
    key_present: bool = False
    key_absent: str | None = None
    key_positive: str | None = None
    access_method: str | None = None


def _meaning(label: str) -> str | None:
    return _LABEL_OF.get(label.strip().lower())


class BlockReader:
    """Places the lines of certificate blocks; one reader serves every block of a dump.

    Its state is the section a line stands in (it decides what a line inside a `-v` section
    means) and whether the dump has shown itself to be a `-v` dump.
    """

    def __init__(self) -> None:
        self.section: str | None = None  # dn:issuer, dn:subject, ext:<oid>, prop:<name>, skip
        self.verbose = False

    def begin(self) -> None:
        """A new block starts (a banner): no section is open."""
        self.section = None

    def read(self, block: Block, line: str) -> bool:
        """Place one line of `block`; False when it is no line of a block this reader knows."""
        return self._top_level(block, line) or self._in_section(block, line)

    def _top_level(self, block: Block, line: str) -> bool:
        """Lines whose shape says what they are, wherever they appear in a block."""
        f = block.fields
        lowered = line.lower()
        if (m := _NOT_BEFORE.match(line)) is not None:
            f["not_before"] = m["value"].strip()
            self.section = None
            return True
        if (m := _NOT_AFTER.match(line)) is not None:
            f["not_after"] = m["value"].strip()
            self.section = None
            return True
        if lowered.startswith(("non-root certificate", "非根证书")):
            f["self_signed"] = False
            self.section = None
            return True
        if lowered.startswith(("root certificate:", "根证书:", "根证书：")):
            f["self_signed"] = True
            self.section = None
            return True
        if lowered in ("signature matches public key", "签名与公钥匹配"):
            self.section = None
            return True
        if lowered == "x509 certificate:":
            self.verbose = True
            self.section = None
            return True
        if self._key_line(block, line, lowered):
            return True
        if (m := _PROPERTY.match(line)) is not None:
            self.section = f"prop:{m['name']}"
            return True
        if (m := _SHA1.match(line)) is not None and self._sha1(block, m["label"], m["value"]):
            return True
        if any(lowered.startswith(s) for s in _SECTIONS):
            self.section = "ext:" if lowered.startswith("certificate extensions") else "skip"
            return True
        if self.section is not None and self.section.startswith("dn:"):
            if _ATTRIBUTE_LINE.match(line):
                rdns = block.issuer_rdns if self.section == "dn:issuer" else block.subject_rdns
                rdns.append(line)
                return True
            if lowered.startswith("empty"):  # -v prints an empty subject as EMPTY (SAN...)
                f[self.section[3:]] = ""
                self.section = None
                return True
        if self.section in (None, "container", "skip") or self.section.startswith("dn:"):
            return self._labelled(block, line, lowered)
        return False

    def _labelled(self, block: Block, line: str, lowered: str) -> bool:
        """`Label: value` lines of the certificate itself (serial, issuer, subject, template)."""
        f = block.fields
        match = _LABEL.match(line)
        if match is None:
            return any(lowered.startswith(k) for k in _KNOWN)
        label, value = match["label"], match["value"].strip()
        meaning = _meaning(label)
        if meaning is None and not any(lowered.startswith(k) for k in _KNOWN):
            meaning = self._guess(block, label, value)
        if meaning == "serial" and "serial" not in f:
            f["serial"] = value.replace(" ", "").lower()
        elif meaning in ("issuer", "subject") and meaning not in f:
            if value:
                f[meaning] = value
                self.section = None
            else:  # -v: the RDNs follow, one per line
                f[meaning] = ""
                self.section = f"dn:{meaning}"
        elif meaning == "template":
            f["template"] = value or None
        elif any(lowered.startswith(k) for k in _KNOWN):
            if lowered.startswith(("unique container name", "simple container name")):
                self.section = "container"
        else:
            return False
        return True

    def _guess(self, block: Block, label: str, value: str) -> str | None:
        """A translated label, by where it stands: the hex value before the dates is the serial,
        the DN before them the issuer, the DN after them the subject."""
        f = block.fields
        if "(" in label:
            return None
        dated = "not_before" in f or "not_after" in f
        if not dated and "serial" not in f and _HEX.match(value) and len(value) >= 2:
            return "serial"
        if value and not _ATTRIBUTE_LINE.match(value) and value.upper() != "EMPTY":
            return None
        if not dated and "issuer" not in f:
            return "issuer"
        if dated and "subject" not in f:
            return "subject"
        return None

    def _sha1(self, block: Block, label: str, value: str) -> bool:
        meaning = _meaning(label)
        lowered = label.strip().lower()
        if lowered.startswith(("key id hash", "name hash")):
            return True
        if meaning != "cert_hash" and (self.verbose or "thumbprint" in block.fields):
            return False
        digits = value.replace(" ", "").lower()
        if len(digits) == 40:
            block.fields["thumbprint"] = digits
            return True
        return False

    def _key_line(self, block: Block, line: str, lowered: str) -> bool:
        """Key container, provider and the verdict lines about the private key."""
        key_value = _KEY_VALUE.match(line)
        if key_value is not None:
            meaning = _meaning(key_value["label"])
            if meaning == "key_container":
                block.fields["key_container"] = key_value["value"].strip()
                block.key_present = True
                return True
            if meaning == "provider":
                block.fields["key_provider"] = key_value["value"].strip()
                return True
        if lowered.startswith(_KEY_ABSENT) or any(c in lowered for c in _KEY_ABSENT_CODES):
            block.key_absent = block.key_absent or line
            return True
        if lowered.startswith(_KEY_PRESENT):
            if lowered.endswith("passed") or block.key_positive is None:
                block.key_positive = line
            block.key_present = True
            return True
        # A long container name wrapped by the console continues on the next line.
        return self.section == "container" and _CONTAINER_TAIL.match(line) is not None

    def _in_section(self, block: Block, line: str) -> bool:
        """A line consumed by the section it is in (extension text, property values, hex)."""
        section = self.section
        if section is None:
            return _HEXDUMP.match(line) is not None and self.verbose
        if section.startswith("dn:") or section == "container":
            return False
        if section.startswith("ext:"):
            extension = _EXTENSION.match(line)
            if extension is not None:
                self.section = f"ext:{extension['oid']}"
                block.access_method = None
                return True
            self._extension_line(block, section[4:], line)
        return True  # skip / prop / container sections swallow their bodies

    def _extension_line(self, block: Block, oid: str, line: str) -> None:
        if oid == _EXT_EKU:
            item = _EKU_ITEM.match(line)
            if item is not None:
                if block.ekus is None:
                    block.ekus = []
                block.ekus.append(Eku(oid=item["oid"], name=(item["name"] or None)))
        elif oid == _EXT_CDP:
            url = _URL.match(line)
            if url is not None:
                block.cdp.append(url["url"])
        elif oid == _EXT_AIA:
            if "Access Method" in line or "(1.3.6.1.5.5.7.48." in line:
                block.access_method = line
            url = _URL.match(line)
            if url is not None:
                ocsp = block.access_method is not None and _OCSP_METHOD in block.access_method
                (block.ocsp if ocsp else block.aia).append(url["url"])
        elif oid == _EXT_BASIC:
            if line.lower().startswith("subject type="):
                block.fields["is_ca"] = line.split("=", 1)[1].strip().upper() == "CA"
        elif oid == _EXT_TEMPLATE and line.startswith("Template="):
            block.fields.setdefault("template", line.split("=", 1)[1].strip())
        elif (oid == _EXT_TEMPLATE_NAME and "=" not in line and not _HEXDUMP.match(line)
              and not line.lower().startswith("certificate template name")):
            block.fields.setdefault("template", line.strip())
