"""certutil -verify text -> :class:`CertutilVerify`.

The grammar (grammars/certutil_verify.lark) names each line's kind and groups lines into
blocks led by header lines. This module walks those blocks in order and places each line in
the model. Lines whose meaning depends on where they stand (a `Issuer:` field of an element,
of a CRL block or of the certificate echo after the chain hashes) are placed by the block they
are in and by the line before them. A line that fits nowhere is kept as unparsed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lark import Token, Tree

from ...grammars import CERTUTIL_VERIFY
from ...knowledge.l10n import certutil_l10n
from ...models.common import (
    ChainElement,
    ChainSummary,
    CrlInfo,
    HResult,
    Policy,
    RetrievalError,
    Span,
    UnparsedLine,
    UrlCheck,
)
from ...text.normalize import NormalizedText, normalize
from .._lark import get_parser
from .._values import decode_status, parse_date, parse_duration, parse_flag_line, parse_hresult
from .model import CertutilVerify, ChainHashes, Identity, Preamble, Trailer

_ELEMENT_HEADER = re.compile(
    r"CertContext\[(\d+)\]\[(\d+)\]:\s*dwInfoStatus=([0-9a-fA-F]+)\s+dwErrorStatus=([0-9a-fA-F]+)"
)
# Written so no two quantifiers can share the same spaces: linear on hostile long lines.
_URL_STATUS = re.compile(
    r'^(?P<status>[^"]*[^"\s])\s*"(?P<obj>[^"]*)"\s+[^":\s][^":]*:\s*(?P<time>\d+)'
    r"(?:\s+(?P<hash>[0-9a-fA-F]{40}|\(null\)))?$"
)
_URL_LINE = re.compile(r"^\[(?P<index>\d+(?:\.\d+)+)\]\s+(?P<url>.+)$")
_OBJECT_REF = re.compile(r"\((?P<ref>[^()]*)\)\s*$")
_POLICY = re.compile(r"^(?P<kind>Application|Issuance|EV)\[(?P<index>\d+)\]\s*=\s*(?P<rest>.*)$")
_OID = re.compile(r"^(?P<oid>\d+(?:\.\d+)+)\s*(?P<name>.*)$")
_CRL_HEADER = re.compile(r"^(?P<delta>Delta )?CRL\s+(?P<number>\(null\)|[0-9a-fA-F]+):$")
_REASON = re.compile(r"Reason\s*=\s*(0x[0-9a-fA-F]+|\d+)", re.IGNORECASE)

_ELEMENT_LABELS = {
    "Issuer": "issuer",
    "Subject": "subject",
    "NotBefore": "not_before",
    "NotAfter": "not_after",
    "Serial": "serial",
    "SubjectAltName": "subject_alt_name",
    "Template": "template",
    "Cert": "thumbprint",
}
_CRL_LABELS = {"Issuer": "issuer", "ThisUpdate": "this_update", "NextUpdate": "next_update",
               "CRL": "hash"}
_MAX_EXCERPT = 300
_U32 = 0xFFFFFFFF


def _section_kind(title: str) -> str:
    words = title.split()
    if len(words) >= 2 and words[-2].upper() == "CRL" and words[-1].upper() == "CDP":
        return "base_crl_cdp"
    last = words[-1].upper() if words else ""
    return {"AIA": "aia", "CDP": "cdp", "OCSP": "ocsp"}.get(last, "unknown")


@dataclass
class _Element:
    chain_index: int | None = None
    index: int | None = None
    header_info: int | None = None
    header_error: int | None = None
    listed_info: int | None = None
    listed_error: int | None = None
    fields: dict[str, str] = field(default_factory=dict)
    policies: list[Policy] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    crls: list[dict[str, Any]] = field(default_factory=list)
    start: int = 0
    end: int = 0

    def touch(self, line: int) -> None:
        self.start = self.start or line
        self.end = max(self.end, line)

    def has_status(self) -> bool:
        return any(
            v is not None
            for v in (self.header_info, self.header_error, self.listed_info, self.listed_error)
        ) or bool(self.checks)

    def build(self) -> ChainElement:
        info = self.header_info if self.header_info is not None else self.listed_info
        error = self.header_error if self.header_error is not None else self.listed_error
        f = self.fields
        return ChainElement(
            chain_index=self.chain_index,
            index=self.index,
            info_status=decode_status("info", info) if info is not None else None,
            error_status=decode_status("error", error) if error is not None else None,
            not_before_at=parse_date(f.get("not_before")),
            not_after_at=parse_date(f.get("not_after")),
            policies=tuple(self.policies),
            url_checks=tuple(UrlCheck(**c) for c in self.checks),
            crls=tuple(
                CrlInfo(next_update_at=parse_date(c.get("next_update")), **c) for c in self.crls
            ),
            span=Span(start=self.start, end=self.end),
            **f,
        )


@dataclass
class _Summary:
    scope: str
    line: int
    info: int | None = None
    error: int | None = None
    freshness: str | None = None


class _Builder:
    """Places the lines of one parse tree into the model, block by block."""

    def __init__(self, norm: NormalizedText) -> None:
        self.norm = norm
        self.l10n = certutil_l10n()
        self.phase = "start"  # start -> chain -> trailer
        self.mode = "lead"  # the block being read
        self.identity: dict[str, Any] | None = None
        self.name_target: str | None = None
        self.preamble: dict[str, list[Any]] = {
            "verify_flags": [], "chain_flags": [], "requested_policies": []}
        self.engine: str | None = None
        self.policy: str | None = None
        self.summaries: dict[str, _Summary] = {}
        self.elements: list[_Element] = []
        self.current: _Element | None = None
        self.echo: _Element | None = None
        self.crl: dict[str, Any] | None = None
        self.hashes: dict[str, Any] | None = None
        self.hash_target: str | None = None
        self.errors: list[HResult] = []
        self.trailer: dict[str, Any] = {"messages": [], "notes": [], "missing_issuer": [],
                                        "cannot_find": []}
        self.list_target: str | None = None
        self.elided: list[int] = []
        self.unparsed: list[UnparsedLine] = []
        self.variant = "verify"
        self.line = 0
        self.handlers: dict[str, Callable[[str, int], None]] = {
            name[3:].upper(): getattr(self, name) for name in dir(self) if name.startswith("on_")
        }

    # ---- plumbing ---------------------------------------------------------------------------
    def lineno(self, token: Token) -> int:
        return self.norm.origin[(token.line or 1) - 1]

    def unplaced(self, text: str, line: int, reason: str) -> None:
        self.unparsed.append(UnparsedLine(line=line, text=text[:_MAX_EXCERPT], reason=reason))

    def block(self, tree: Tree[Token]) -> None:
        self.mode = str(tree.data)
        self.crl = None
        self.list_target = None
        for child in tree.children:
            if isinstance(child, Tree):
                self.section(child)
            else:
                self.token(child)

    def token(self, token: Token) -> None:
        line = self.lineno(token)
        self.line = line
        text = token.rstrip("\n")
        if self.crl is not None and token.type != "CRL_HEADER":
            if token.type == "FIELD" and self._crl_field(text, line):
                return
            self.crl = None
        self.handlers[token.type](text, line)
        if self.current is not None and self.mode in ("element", "lead"):
            self.current.touch(line)

    def element(self) -> _Element:
        """The element a line without its own context belongs to (created if none is open)."""
        if self.current is None:
            self.current = _Element(start=self.line, end=self.line)
            self.elements.append(self.current)
        self.current.touch(self.line)
        return self.current

    # ---- block headers ----------------------------------------------------------------------
    def on_element_header(self, text: str, line: int) -> None:
        self.phase = "chain"
        m = _ELEMENT_HEADER.match(text)
        elem = _Element(start=line, end=line)
        if m and max(int(m[3], 16), int(m[4], 16)) <= _U32:
            elem.chain_index, elem.index = int(m[1]), int(m[2])
            elem.header_info, elem.header_error = int(m[3], 16), int(m[4], 16)
        else:
            self.unplaced(text, line, "element header without status values")
        self.elements.append(elem)
        self.current = elem

    def on_chain_banner(self, text: str, line: int) -> None:
        self.phase = "chain"
        self.current = None

    def on_exclude_leaf(self, text: str, line: int) -> None:
        self.phase = "chain"
        self.current = None
        self.hashes = {"line": line}
        self.hash_target = "exclude_leaf"

    def on_trailer_rule(self, text: str, line: int) -> None:
        self.phase = "trailer"
        self.current = None

    def on_label(self, text: str, line: int) -> None:
        label = text.rstrip(":").strip()
        meaning = self.l10n.label.get(label.casefold())
        if meaning in ("verified_issuance", "verified_application"):
            self._start_policy_list(meaning, "", line)
            return
        if self.phase == "start" and meaning in ("issuer", "subject", None):
            self.current = None
            if self.identity is None:
                self.identity = {"issuer": [], "subject": [], "name_hashes": [], "line": line}
            if meaning is None:
                meaning = "issuer" if not self.identity["issuer"] else "subject"
            self.name_target = meaning
            return
        self.unplaced(text, line, "label in an unexpected place")

    # ---- identity and preamble --------------------------------------------------------------
    def on_rdn(self, text: str, line: int) -> None:
        if self.list_target == "cannot_find":
            self.trailer["cannot_find"].append(text)
        elif self.mode == "identity" and self.identity is not None and self.name_target:
            self.identity[self.name_target].append(text)
        else:
            self.unplaced(text, line, "name line outside a name")

    def on_name_hash(self, text: str, line: int) -> None:
        label, _, value = text.partition(":")
        if label.strip().lower().startswith("cert hash"):
            target = self.echo if self.mode == "lead" and self.echo else self.element()
            target.fields.setdefault("thumbprint", value.strip())
        elif self.identity is not None:
            self.identity["name_hashes"].append(value.strip())
        else:
            self.unplaced(text, line, "name hash outside the header")

    def on_rdn_verbose(self, text: str, line: int) -> None:
        """Verbose (-v) name detail: read, nothing to keep."""

    on_rdn_oid_detail = on_rdn_verbose

    def on_hex_dump(self, text: str, line: int) -> None:
        """A hex dump: verbose detail in the header; elsewhere (a card's ATR) kept as a note."""
        if self.mode != "identity":
            self.trailer["notes"].append(text)

    def on_verify_flag(self, text: str, line: int) -> None:
        name, _ = parse_flag_line(text)
        self.preamble["verify_flags"].append(name or text)

    def on_chain_flag(self, text: str, line: int) -> None:
        name, _ = parse_flag_line(text)
        self.preamble["chain_flags"].append(name or text)

    def on_chain_engine(self, text: str, line: int) -> None:
        self.engine = text

    def on_chain_policy(self, text: str, line: int) -> None:
        self.policy = text
        if text.endswith("NT_AUTH"):
            self.variant = "dcinfo"

    # ---- chain summary ----------------------------------------------------------------------
    def _summary(self, text: str, line: int) -> _Summary:
        self.phase = "chain"
        scope = "chain_context" if text.startswith("ChainContext") else "simple_chain"
        if scope not in self.summaries:
            self.summaries[scope] = _Summary(scope=scope, line=line)
        return self.summaries[scope]

    def _status_bit(self, text: str, line: int) -> tuple[str, int] | None:
        """(`error` or `info`, value) of a `X.dwErrorStatus = NAME (0xH)` line."""
        _, value = parse_flag_line(text)
        if value is None or value > _U32:
            self.unplaced(text, line, "status line without a 32-bit value")
            return None
        return ("error" if "dwErrorStatus" in text else "info"), value

    def on_chain_status(self, text: str, line: int) -> None:
        summary = self._summary(text, line)
        found = self._status_bit(text, line)
        if found:
            field_, value = found
            setattr(summary, field_, (getattr(summary, field_) or 0) | value)

    def on_freshness(self, text: str, line: int) -> None:
        self._summary(text, line).freshness = text.split(":", 1)[1].strip()

    def on_scinfo_chain_status(self, text: str, line: int) -> None:
        self.variant = "scinfo"
        _, value = parse_flag_line(text)
        if value is None or value > _U32:
            self.unplaced(text, line, "chain status without a 32-bit value")
        else:
            self.trailer["scinfo_chain_status"] = value

    # ---- element lines ----------------------------------------------------------------------
    def on_element_status(self, text: str, line: int) -> None:
        elem = self.element()
        found = self._status_bit(text, line)
        if found:
            attribute = f"listed_{found[0]}"
            setattr(elem, attribute, (getattr(elem, attribute) or 0) | found[1])

    def on_policy_entry(self, text: str, line: int) -> None:
        m = _POLICY.match(text)
        if not m:
            self.unplaced(text, line, "policy line without an OID")
            return
        oid = _OID.match(m["rest"])
        policy = Policy(
            kind=m["kind"].lower(),
            index=int(m["index"]),
            oid=oid["oid"] if oid else m["rest"],
            name=oid["name"].strip() if oid else "",
            line=line,
        )
        if self.current is None and self.phase == "start" and not self.elements:
            self.preamble["requested_policies"].append(policy)
        else:
            self.element().policies.append(policy)

    def on_hash_spaced(self, text: str, line: int) -> None:
        thumbprint = text.replace(" ", "").lower()
        if self.mode == "chain_hashes" and self.hash_target:
            self._set_hash(thumbprint)
        elif self.mode == "chain_hashes":
            self._echo(line).fields.setdefault("thumbprint", thumbprint)
        elif self.mode in ("element", "lead"):
            self.element().fields.setdefault("thumbprint", thumbprint)
        else:
            self.unplaced(text, line, "thumbprint outside an element")

    def on_full_chain(self, text: str, line: int) -> None:
        if self.hashes is None:
            self.hashes = {"line": line}
        self.hash_target = "full_chain"

    def _set_hash(self, value: str) -> None:
        assert self.hashes is not None and self.hash_target is not None
        self.hashes[self.hash_target] = value
        self.hash_target = None

    def _echo(self, line: int) -> _Element:
        if self.echo is None:
            self.echo = _Element(start=line, end=line)
        self.echo.touch(line)
        return self.echo

    def on_crl_header(self, text: str, line: int) -> None:
        m = _CRL_HEADER.match(text)
        assert m is not None
        number = None if m["number"] == "(null)" else m["number"]
        self.crl = {"kind": "delta" if m["delta"] else "base", "number": number, "line": line}
        self.element().crls.append(self.crl)

    def _crl_field(self, text: str, line: int) -> bool:
        label, sep, value = text.partition(": ")
        key = _CRL_LABELS.get(label.strip()) if sep else None
        if key is None or self.crl is None or key in self.crl:
            return False
        self.crl[key] = value.strip()
        return True

    def on_section_end(self, text: str, line: int) -> None:
        self.crl = None

    def on_field(self, text: str, line: int) -> None:
        label, _, value = text.partition(":")
        label, value = label.strip(), value.strip()
        key = _ELEMENT_LABELS.get(label)
        if self.mode == "chain_hashes":
            if label == "Chain" and self.hash_target:
                self._set_hash(value)
            elif key:
                self._echo(line).fields.setdefault(key, value)
            else:
                self._other_field(text, label, line)
        elif self.mode == "identity" and self.identity is not None and key is None:
            if self.l10n.label.get(label.casefold()) == "serial":
                self.identity["serial"] = value
            else:
                self._other_field(text, label, line)
        elif key and self.mode in ("lead", "element", "chain_context", "identity"):
            elem = self.element()
            if key in elem.fields and self.mode == "lead" and elem.has_status():
                self.unplaced(text, line, f"second {label} for one element")
            else:
                elem.fields.setdefault(key, value)
        else:
            self._other_field(text, label, line)

    def _scinfo_verdict(self, text: str) -> bool:
        label, sep, rest = text.partition(": ")
        logon = bool(sep) and label == "Smart Card Logon"
        verdict = self.l10n.scinfo_verdict.get((rest if logon else text).casefold())
        if verdict is None:
            return False
        self.variant = "scinfo"
        self.trailer["scinfo_logon_chain" if logon else "scinfo_chain"] = verdict
        return True

    def _other_field(self, text: str, label: str, line: int) -> None:
        if self._scinfo_verdict(text):
            return
        if label == "Error retrieving URL" and self._last_check() is not None:
            self._attach_error(self._last_check(), text, line)  # type: ignore[arg-type]
        elif self.l10n.context_line(text) or (self.variant == "scinfo" and label.isdigit()):
            self.trailer["notes"].append(text)
        else:
            self.unplaced(text, line, "unrecognised field")

    # ---- -urlfetch sections -----------------------------------------------------------------
    def section(self, tree: Tree[Token]) -> None:
        header = tree.children[0]
        assert isinstance(header, Token)
        self.crl = None
        kind = _section_kind(header.strip().strip("-").strip())
        elem = self.element()
        elem.touch(self.lineno(header))
        for check in tree.children[1:]:
            assert isinstance(check, Tree)
            tokens = [t for t in check.children if isinstance(t, Token)]
            self._check(elem, kind, tokens)

    def _check(self, elem: _Element, section: str, tokens: list[Token]) -> None:
        first = self.lineno(tokens[0])
        record = self._status_record(tokens[0].rstrip("\n"), section, first)
        if record is None:
            self.unplaced(tokens[0].rstrip("\n"), first, "retrieval status line not understood")
            return
        elem.checks.append(record)
        for token in tokens[1:]:
            line = self.lineno(token)
            text = token.rstrip("\n")
            if token.type == "RETRIEVAL_ERROR":
                self._attach_error(record, text, line)
            else:
                self._attach_url(record, text, line)
            elem.touch(line)

    def _status_record(self, text: str, section: str, line: int) -> dict[str, Any] | None:
        m = _URL_STATUS.match(text)
        if not m:
            return None
        status_text = m["status"].strip()
        obj_text = m["obj"].strip()
        ref = _OBJECT_REF.search(obj_text)
        kind_text = obj_text[:ref.start()] if ref else obj_text
        object_kind = self.l10n.object.get(kind_text.strip().casefold(), "unknown")
        obj_hash = m["hash"] if m["hash"] and m["hash"] != "(null)" else None
        return {
            "section": section,
            "status": self.l10n.status.get(status_text.casefold(), "unknown"),
            "status_text": status_text,
            "object_kind": object_kind,
            "object_text": m["obj"],
            "object_ref": ref["ref"] if ref else None,
            "time": int(m["time"]),
            "object_hash": obj_hash.lower() if obj_hash else None,
            "span": Span(start=line, end=line),
        }

    def _attach_url(self, record: dict[str, Any], text: str, line: int) -> None:
        m = _URL_LINE.match(text)
        if record.get("url") is not None:
            self.unplaced(text, line, "second URL for one retrieval")
            return
        record["url"], record["url_index"] = (m["url"].strip(), m["index"]) if m else (text, None)
        record["span"] = Span(start=record["span"].start, end=line)

    def _attach_error(self, record: dict[str, Any], text: str, line: int) -> None:
        detail = text.split(":", 1)[1].strip() if ":" in text else text
        parsed = parse_hresult(detail, line)
        hresult, win32 = parsed if parsed else (None, None)
        message = hresult.message if hresult else detail
        record["error"] = RetrievalError(message=message, hresult=hresult, win32=win32)
        record["span"] = Span(start=record["span"].start, end=line)

    def _last_check(self) -> dict[str, Any] | None:
        elem = self.current or (self.elements[-1] if self.elements else None)
        return elem.checks[-1] if elem and elem.checks else None

    # ---- errors and verdicts ----------------------------------------------------------------
    def on_hresult_line(self, text: str, line: int) -> None:
        parsed = parse_hresult(text, line)
        if parsed is None:
            self.unplaced(text, line, "error line without a code")
        else:
            self.errors.append(parsed[0])

    def on_leaf_revocation_error(self, text: str, line: int) -> None:
        detail = text.split("returned", 1)[-1]
        parsed = parse_hresult(detail, line)
        if parsed is None:
            self.unplaced(text, line, "leaf revocation error without a code")
        else:
            self.trailer["leaf_revocation_error"] = parsed[0]

    def on_certutil_line(self, text: str, line: int) -> None:
        body = text.split(":", 1)[1].strip()
        folded = body.casefold()
        if "failed" in folded and "0x" in folded:
            self.trailer["completed"] = "failed"
            parsed = parse_hresult(body, line)
            if parsed:
                self.trailer["failed_hresult"] = parsed[0]
        elif any(phrase in folded for phrase in self.l10n.success_phrases):
            self.trailer["completed"] = "success"
        else:
            self.trailer["messages"].append(body)

    def on_missing_issuer(self, text: str, line: int) -> None:
        self.trailer["missing_issuer"].append(text.split(":", 1)[1].strip())

    def on_incomplete_chain(self, text: str, line: int) -> None:
        self.trailer["incomplete_chain"] = True

    def on_cannot_find(self, text: str, line: int) -> None:
        value = text.split(":", 1)[1].strip()
        if value:
            self.trailer["cannot_find"].append(value)
        self.list_target = "cannot_find"

    def on_untrusted_root(self, text: str, line: int) -> None:
        self.trailer["untrusted_root"] = True

    def on_revocation_skipped(self, text: str, line: int) -> None:
        self.trailer["revocation_skipped"] = text.split("--", 1)[-1].strip(" -")

    def on_cert_revoked(self, text: str, line: int) -> None:
        self.trailer["certificate_revoked"] = True

    def on_leaf_revoked(self, text: str, line: int) -> None:
        self.trailer["leaf_revoked"] = True
        reason = _REASON.search(text)
        if reason:
            raw = reason[1]
            self.trailer["leaf_revoked_reason"] = int(raw, 16 if raw.lower().startswith("0x")
                                                      else 10)

    def on_leaf_revocation_passed(self, text: str, line: int) -> None:
        self.trailer["leaf_revocation_passed"] = True

    def on_cert_kind(self, text: str, line: int) -> None:
        self.trailer["cert_kind"] = "ca" if " CA " in text else "end_entity"

    def on_verified_policies(self, text: str, line: int) -> None:
        label, _, value = text.partition(":")
        kind = "verified_issuance" if "Issuance" in label else "verified_application"
        self._start_policy_list(kind, value.strip(), line)

    def _start_policy_list(self, kind: str, value: str, line: int) -> None:
        self.phase = "trailer"
        self.trailer[kind] = []
        self.list_target = kind
        if value.casefold() == "all":
            self.trailer[f"{kind}_all"] = True
        elif value and value.casefold() != "none":
            self._add_policy(value, line)

    def _add_policy(self, text: str, line: int) -> None:
        assert self.list_target is not None
        m = _OID.match(text)
        kind = "issuance" if self.list_target == "verified_issuance" else "application"
        self.trailer[self.list_target].append(
            Policy(kind=kind, oid=m["oid"] if m else text,
                   name=m["name"].strip() if m else "", line=line)
        )

    def on_oid_line(self, text: str, line: int) -> None:
        if self.list_target in ("verified_issuance", "verified_application"):
            self._add_policy(text, line)
        else:
            self.unplaced(text, line, "OID outside a policy list")

    def on_elision(self, text: str, line: int) -> None:
        self.elided.append(line)

    def on_other(self, text: str, line: int) -> None:
        verdict = self.l10n.verdict.get(text.casefold())
        if self._scinfo_verdict(text):
            pass
        elif verdict == "leaf_revocation_passed":
            self.trailer["leaf_revocation_passed"] = True
        elif verdict in ("end_entity", "ca"):
            self.trailer["cert_kind"] = verdict
        elif (record := self._status_record(text, "unknown", line)) is not None:
            self.element().checks.append(record)
        elif _URL_LINE.match(text) and self._last_check() is not None:
            self._attach_url(self._last_check(), text, line)  # type: ignore[arg-type]
        elif self.l10n.context_line(text):
            self.trailer["notes"].append(text)
            if self.variant == "verify" and not text.startswith("0x"):
                self.variant = "scinfo"
        else:
            self.unplaced(text, line, "unrecognised line")

    # Lines that only occur inside a url_check reach here when a paste lost their section.
    def on_url_status(self, text: str, line: int) -> None:
        self.on_other(text, line)

    def on_url_line(self, text: str, line: int) -> None:
        self.on_other(text, line)

    on_bare_url = on_url_line

    def on_retrieval_error(self, text: str, line: int) -> None:
        check = self._last_check()
        if check is None:
            self.unplaced(text, line, "retrieval error without its status line")
        else:
            self._attach_error(check, text, line)

    # ---- result -----------------------------------------------------------------------------
    def result(self) -> CertutilVerify:
        elements = self.elements
        echo = self.echo
        if elements and elements[0].index is None and not elements[0].has_status() and any(
            e.index is not None for e in elements
        ):
            lead = elements.pop(0)
            echo = echo or lead
        identity = None
        if self.identity is not None:
            identity = Identity(
                issuer=tuple(self.identity["issuer"]),
                subject=tuple(self.identity["subject"]),
                serial=self.identity.get("serial"),
                name_hashes=tuple(self.identity["name_hashes"]),
                line=self.identity["line"],
            )
        last = self.norm.origin[-1] if self.norm.origin else 0
        if self.unparsed and self.unparsed[-1].line == last:
            cut = self.unparsed[-1]
            self.unparsed[-1] = cut.model_copy(
                update={"reason": f"{cut.reason} (the input ends here: a truncated paste?)"})
        trailer = {k: tuple(v) if isinstance(v, list) else v for k, v in self.trailer.items()}
        started = identity is not None or bool(self.preamble["verify_flags"])
        return CertutilVerify(
            variant=self.variant,
            identity=identity,
            preamble=Preamble(
                verify_flags=tuple(self.preamble["verify_flags"]),
                chain_flags=tuple(self.preamble["chain_flags"]),
                chain_engine=self.engine,
                chain_policy=self.policy,
                requested_policies=tuple(self.preamble["requested_policies"]),
            ),
            chain=tuple(self._summary_model(s) for s in self.summaries.values()),
            elements=tuple(e.build() for e in elements),
            echo=echo.build() if echo else None,
            hashes=ChainHashes(**{k: v for k, v in self.hashes.items()}) if self.hashes else None,
            errors=tuple(self.errors),
            trailer=Trailer(**trailer),
            elided=tuple(self.elided),
            unparsed=tuple(self.unparsed),
            repairs=tuple(self.norm.repairs),
            complete=started and trailer.get("completed") is not None,
            line_count=len(self.norm.lines),
        )

    @staticmethod
    def _summary_model(s: _Summary) -> ChainSummary:
        return ChainSummary(
            scope=s.scope,
            info_status=decode_status("info", s.info) if s.info is not None else None,
            error_status=decode_status("error", s.error) if s.error is not None else None,
            freshness=s.freshness,
            freshness_seconds=parse_duration(s.freshness) if s.freshness else None,
            line=s.line,
        )


def parse(text: str) -> CertutilVerify:
    """Parse decoded certutil output (any paste damage included) into a model."""
    norm = normalize(text)
    tree = get_parser(CERTUTIL_VERIFY).parse(norm.text)
    builder = _Builder(norm)
    for block in tree.children:
        assert isinstance(block, Tree)
        builder.block(block)
    return builder.result()
