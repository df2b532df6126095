"""One event record, as an element tree from XML or from EVTX JSON, -> :class:`Event`.

XML (any export shape) and the Rust `evtx` parser's JSON are first turned into the same small
tree (:class:`Node`), so reading the System block, the EventData / UserData values and the
CAPI2 details is written once.
"""

from __future__ import annotations

import re
from typing import Any

from ...knowledge.catalog import EventDef, canonical_provider, event_knowledge, first_alert
from ...models.common import Span
from ...text.xml import Node
from .._values import parse_date
from . import CAPI2_ELEMENTS
from .capi2_certs import certificates, thumbprint
from .event import Capi2Detail, Capi2Element, Event, EventShape

_LEVELS = {"1": "critical", "2": "error", "3": "warning", "4": "information", "5": "verbose",
           "0": "information"}
_HRESULT = re.compile(r"\b(?:0x)?([89][0-9a-fA-F]{7})\b")
#: An error code in an event's text: an HRESULT or NTSTATUS of failure (0x8... to 0xF...) or a
#: Win32 error written in eight digits (0x0000...). Other eight-digit hex values are no codes
#: (Application Error's `time stamp: 0x5f7c1e2a`, a fault offset).
_CODE_IN_TEXT = re.compile(r"\b0x((?:[89a-fA-F][0-9a-fA-F]{3}|0000)[0-9a-fA-F]{4})\b")
#: Data values longer than this are cut (binary blobs, certificates).
MAX_VALUE = 512


#: A repeated element's key (`Header_1`): its name, without the count.
_SUFFIX = re.compile(r"(.+?)(?:_\d+)?", re.DOTALL)
#: JSON nested deeper than this below a record is left out (no event field lies that deep).
MAX_JSON_DEPTH = 64


def node_from_evtx_json(name: str, value: Any) -> Node:
    """The `evtx` package's JSON (its default rendering) -> Node.

    An element's attributes arrive as its `#attributes` object and its text, beside them, as
    `#text`; repeated elements arrive as `<Name>`, `<Name>_1`, `<Name>_2`, folded back into
    elements of one name. Built with an explicit stack, so a damaged record nested without end
    is cut at `MAX_JSON_DEPTH`, never the interpreter's stack.
    """
    root = Node(name)
    pending: list[tuple[Node, Any, int]] = [(root, value, 0)]
    while pending:
        node, item, depth = pending.pop()
        for child, inner in _fill(node, item):
            if depth < MAX_JSON_DEPTH:
                pending.append((child, inner, depth + 1))
    return root


def _joined(value: Any) -> str | None:
    if isinstance(value, list):  # unnamed values: "Data": {"#text": ["a", "b"]}
        return " ".join(str(v) for v in value if v not in ("", None)) or None
    return None if value is None else str(value)


def _fill(node: Node, value: Any) -> list[tuple[Node, Any]]:
    """Set `node`'s text, attributes and children from `value`; the children to fill next."""
    if not isinstance(value, dict):
        node.text = _joined(value)
        return []
    children: list[Node] = []
    todo: list[tuple[Node, Any]] = []
    for key, item in value.items():
        if key == "#text":
            node.text = _joined(item)
        elif key == "#attributes":
            if isinstance(item, dict):
                node.attrs.update({k: str(v) for k, v in item.items()})
        else:
            m = _SUFFIX.fullmatch(key)
            child = Node(m[1] if m else key)
            children.append(child)
            todo.append((child, item))
    node.children = children
    return todo


_NUMBER = re.compile(r"\s*[\"'\u201c\u201e\u2018(]?\s*(0x[0-9a-fA-F]+|\d+)(?![\w.]\w)")


def _int(value: str | None) -> int | None:
    """The number a value holds, also as prose leaves it: `48,"`, `(48)`, `48.`, `0x30`."""
    if value is None:
        return None
    match = _NUMBER.match(value)
    if match is None:
        return None
    number = match.group(1)
    return int(number, 16) if number.lower().startswith("0x") else int(number)


def _hex(value: str | None) -> int | None:
    try:
        return int(value, 16) if value else None
    except ValueError:
        return None


def data_of(event: Node) -> dict[str, str]:
    """An event's values by name: its EventData's, and the leaves of its UserData's element."""
    data: dict[str, str] = {}
    event_data = event.find("EventData")
    if event_data is not None:
        for index, item in enumerate(event_data.children):
            # XML: <Data Name="AlertDesc">48</Data>; evtx JSON: "AlertDesc": 48
            key = item.attrs.get("Name") or (
                f"param{index + 1}" if item.name == "Data" else item.name)
            data[key] = (item.text or "")[:MAX_VALUE]
    user_data = event.find("UserData")
    if user_data is not None and user_data.children:
        root = user_data.children[0]
        for child in root.children:
            if not child.children and not child.attrs:  # an empty leaf is an empty value
                data[child.name] = (child.text or "")[:MAX_VALUE]
    return data


def event_from_node(event: Node, shape: EventShape, span: Span | None = None,
                    message: str = "") -> Event | None:
    """Read one `<Event>` tree; None when it has no provider or id (a CAPI2 event pasted
    without its `<System>` part is known by the element its `<UserData>` holds)."""
    system = event.find("System")
    if system is None:
        system = Node("System")
    provider_node = system.find("Provider")
    provider = (provider_node.attrs.get("Name") or provider_node.attrs.get("EventSourceName")
                if provider_node is not None else None)
    id_node = system.find("EventID")
    event_id = _int(id_node.text if id_node is not None else None)
    if not provider and event_id is None:
        provider, event_id = capi2_by_content(event)
    if not provider or event_id is None:
        return None
    time_node = system.find("TimeCreated")
    time = time_node.attrs.get("SystemTime") if time_node is not None else None
    level = system.find("Level")
    data = data_of(event)
    record = system.find("EventRecordID")
    channel = system.find("Channel")
    computer = system.find("Computer")
    return build_event(
        provider=provider, event_id=event_id & 0xFFFF,
        level=_LEVELS.get(level.text or "", None) if level is not None else None,
        time=time, computer=computer.text if computer is not None else None,
        channel=channel.text if channel is not None else None,
        record_id=_int(record.text) if record is not None else None,
        message=message, data=data, shape=shape, span=span,
        capi2=capi2_detail(event) if canonical_provider(provider) ==
        "Microsoft-Windows-CAPI2" else None,
    )


def capi2_by_content(event: Node) -> tuple[str | None, int | None]:
    """A CAPI2 event without its System part, known by the element its UserData holds."""
    user_data = event.find("UserData")
    if user_data is None or not user_data.children:
        return None, None
    event_id = CAPI2_ELEMENTS.get(user_data.children[0].name)
    return ("Microsoft-Windows-CAPI2", event_id) if event_id is not None else (None, None)


def build_event(*, provider: str, event_id: int, message: str = "", data: dict[str, str],
                shape: EventShape, **rest: Any) -> Event:
    """An Event with the derived fields filled in: message from our table when none was
    exported, alert code and name, error state, the HRESULTs mentioned."""
    knowledge = event_knowledge()
    definition = knowledge.get(provider, event_id)
    side = _SIDES.get((data.get("Type") or "").strip().casefold())
    if side is not None:  # Schannel writes the credential's side in the display language
        data["Type"] = side
    resolved = True
    if message.strip().lower().startswith(("unable to resolve description",
                                           "the description for event id")):
        resolved, message = False, message.strip()
    if definition is not None and (not message or not resolved):
        # EVTX holds no text, and some viewers fail to render it: Windows' own message when
        # the data has all its values, else what the event means.
        details = ", ".join(f"{k} {v}" for k, v in data.items()
                            if v and not k.startswith("_") and "binary" not in k.lower())
        message = (_rendered(definition, data) if shape == "evtx" or not resolved else None) or (
            definition.summary + (f" ({details})" if details else ""))
    if definition is not None and message and resolved and not data:
        for key, value in knowledge.message_slots(provider, event_id, message).items():
            data.setdefault(key, value)
    alert = _alert(event_id, data, message if resolved else "")
    if (definition is not None and "ErrorState" in definition.fields and resolved
            and not data.get("ErrorState") and message):
        state = _last_number(message, skip={str(event_id), str(alert)})
        if state is not None:  # a message no wording matched (a translation): its state
            data["ErrorState"] = state
    codes: list[str] = []
    for value in (message, *data.values()):
        codes.extend(m.lower() for m in _CODE_IN_TEXT.findall(value or ""))
    capi2 = rest.get("capi2")
    if capi2 is not None and capi2.result:
        codes.append(f"{capi2.result:08x}" if capi2.result > 0xFFFF else
                     f"{0x80070000 | capi2.result:08x}")
    error_code = data.get("ErrorCode")
    if error_code and _HRESULT.fullmatch(error_code.strip()):
        codes.append(_HRESULT.fullmatch(error_code.strip())[1].lower())  # type: ignore[index]
    level = rest.pop("level", None) or (definition.level if definition else None)
    return Event(
        provider=canonical_provider(provider), event_id=event_id, level=level,
        message=message, message_resolved=resolved, data=data, alert_code=alert,
        alert_name=knowledge.alerts.get(alert) if alert is not None else None,
        error_state=_int(data.get("ErrorState") or data.get("ErrorStatus")),
        codes=tuple(dict.fromkeys(f"0x{c}" for c in codes)), shape=shape,
        time_at=_time(rest.get("time")), **rest,
    )


def completed(event: Event, *, time: str | None, computer: str | None) -> Event:
    """`event` with the time and computer a record's labels show where its XML shows none (a
    copy whose XML was cut before `<System>`)."""
    update: dict[str, Any] = {}
    if time and event.time is None:
        update.update(time=time, time_at=_time(time))
    if computer and event.computer is None:
        update["computer"] = computer
    return event.model_copy(update=update) if update else event


#: Schannel's `Type` (the side of a credential: 36869 - 36871) in the languages Windows writes
#: it in, as rules name it. Unverified beyond the posts they were seen in; another word stays
#: as written, and the rules that ask for the side treat it as not known.
_SIDES = {word.casefold(): side for side, words in (
    ("client", ("client", "客户端", "用戶端", "客戶端", "クライアント", "클라이언트", "cliente",
                "klient", "клиент", "istemci", "asiakas")),
    ("server", ("server", "服务器", "伺服器", "サーバー", "서버", "servidor", "serveur",
                "serwer", "сервер", "sunucu", "palvelin")),
) for word in words}


def _alert(event_id: int, data: dict[str, str], message: str) -> int | None:
    """The TLS alert of a 36887 / 36888: its AlertDesc, else the first alert number of a message
    no catalog wording matched (a translation, an older or a retold wording)."""
    if event_id not in (36887, 36888):
        return None
    if data.get("AlertDesc") is not None:
        return _int(data["AlertDesc"])
    found = first_alert(message)
    return int(found) if found is not None else None


_WHOLE_NUMBER = re.compile(r"(?<![\w.,:/#-])(\d{1,6})(?![\w/:#-]|[.,]\d)")


def _last_number(message: str, skip: set[str]) -> str | None:
    """The last whole number of a message that is not one of `skip` (its event id, its alert):
    the internal error state, which Schannel's messages name last in every language."""
    found = [n for n in _WHOLE_NUMBER.findall(message) if n not in skip]
    return found[-1] if found else None


def _rendered(definition: EventDef, data: dict[str, str]) -> str | None:
    """The newest English wording of the event, filled with `data`, when it has every value."""
    for wording in reversed(definition.wordings):
        if (wording.lang == "en" and not wording.generic and wording.level == definition.level
                and all(name in data for name in wording.slots())):
            return wording.render(data)
    return None


def _time(text: str | None) -> Any:
    if not text:
        return None
    iso = re.match(r"^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)", text)
    if iso:
        from datetime import datetime

        year, month, day, hour, minute, second = (int(g) for g in iso.groups())
        return datetime(year, month, day, hour, minute, second)
    # with its seconds when the date reads with them (`2/6/2024 09:12:40 AM`), else without
    return parse_date(text.strip()) or parse_date(
        re.sub(r":\d\d(?=\s*[AP]M|$)", "", text.strip()))


# ---- CAPI2 -----------------------------------------------------------------------------------
def capi2_detail(event: Node) -> Capi2Detail | None:
    """The chain-validation facts of a CAPI2 Operational event."""
    user_data = event.find("UserData")
    if user_data is None or not user_data.children:
        return None
    root = user_data.children[0]
    corr = root.find("CorrelationAuxInfo")
    aux = root.find("EventAuxInfo")
    result = root.find("Result")
    cert = root.find("Certificate")
    detail: dict[str, Any] = {
        "task_id": corr.attrs.get("TaskId") if corr is not None else None,
        "seq": _int(corr.attrs.get("SeqNumber")) if corr is not None else None,
        "process": aux.attrs.get("ProcessName") if aux is not None else None,
        "subject": cert.attrs.get("subjectName") if cert is not None else None,
        "result": _hex(result.attrs.get("value")) if result is not None else None,
        "result_text": (result.text or "") if result is not None else "",
        "certificates": certificates(root),
    }
    if root.name == "CertGetCertificateChain":
        chain = root.find("CertificateChain")
        if chain is not None:
            trust = chain.find("TrustStatus")
            detail["chain_error"], detail["chain_info"] = _trust(trust)
            detail["elements"] = tuple(_element(e) for e in chain.findall("ChainElement"))
    elif root.name == "CertVerifyCertificateChainPolicy":
        policy = root.find("Policy")
        detail["policy"] = policy.attrs.get("type") if policy is not None else None
        ssl = root.find("SSLAdditionalPolicyInfo")
        detail["auth_type"] = ssl.attrs.get("authType") if ssl is not None else None
    elif root.name == "CertRejectedRevocationInfo":
        action = root.find("Action")
        crl = root.find("CertificateRevocationList") or root.find("OCSPResponse")
        detail["action"] = action.attrs.get("name") if action is not None else "rejected"
        detail["url"] = ((crl.attrs.get("url") or crl.attrs.get("location"))
                         if crl is not None else None)
    elif root.name == "CertVerifyRevocation":
        crl = root.find("CertificateRevocationList") or root.find("OCSPResponse")
        detail["url"] = crl.attrs.get("url") if crl is not None else None
    elif root.name == "CryptRetrieveObjectByUrlWire":
        url = root.find("URL")
        obj = root.find("Object")
        detail["url"] = url.text if url is not None else None
        detail["object_type"] = obj.attrs.get("type") if obj is not None else None
    return Capi2Detail(**detail)


def _trust(trust: Node | None) -> tuple[int | None, int | None]:
    if trust is None:
        return None, None
    error, info = trust.find("ErrorStatus"), trust.find("InfoStatus")
    return (_hex(error.attrs.get("value")) if error is not None else None,
            _hex(info.attrs.get("value")) if info is not None else None)


def _element(node: Node) -> Capi2Element:
    cert = node.find("Certificate")
    error, info = _trust(node.find("TrustStatus"))
    usage = node.find("ApplicationUsage")
    revocation = node.find("RevocationInfo")
    result = revocation.find("RevocationResult") if revocation is not None else None
    crl = revocation.find("CertificateRevocationList") if revocation is not None else None
    return Capi2Element(
        subject=cert.attrs.get("subjectName") if cert is not None else None,
        thumbprint=thumbprint(cert.attrs.get("fileRef")) if cert is not None else None,
        error_status=error or 0, info_status=info or 0,
        application_oids=tuple(u.attrs.get("oid", "") for u in usage.findall("Usage"))
        if usage is not None else (),
        revocation_result=_hex(result.attrs.get("value")) if result is not None else None,
        crl_url=crl.attrs.get("url") if crl is not None else None,
    )
