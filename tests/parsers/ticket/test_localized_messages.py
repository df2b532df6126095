"""Windows' message for a code in another display language names the code, as the English one
does: every message of `knowledge/data/hresult_l10n.toml`, in the shapes a ticket brings it.
"""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from certtriage import analyze_text
from certtriage.knowledge.codes import code_tables

_DATA = tomllib.loads((resources.files("certtriage.knowledge") / "data" /
                       "hresult_l10n.toml").read_text(encoding="utf-8"))
_CASES = [(value, text) for value, texts in _DATA.items() for text in texts]
#: How a post carries the message without its number: alone, quoted in a sentence, behind a
#: tool's prefix, without its final stop, inside a JSON error field.
_SHAPES = {
    "alone": "{m}",
    "quoted": "Seit gestern / 从昨天开始 / 昨日から: \"{m}\" — any idea?",
    "prefixed": "SSL/TLS handshake failure: {m}",
    "no-stop": "{bare}",
    "json": '{{"success": false, "message": "error: 0 - {m}"}}',
}


@pytest.mark.parametrize("shape", list(_SHAPES))
@pytest.mark.parametrize(("value", "message"), _CASES, ids=[f"{v}-{i}" for i, (v, _) in
                                                              enumerate(_CASES)])
def test_a_localized_message_names_its_code(value: str, message: str, shape: str) -> None:
    code = code_tables().lookup(value)
    assert code is not None and code.cause is not None
    text = _SHAPES[shape].format(m=message, bare=message.rstrip("。."))
    result = analyze_text(text + "\n")
    assert result.kind == "ticket"
    assert result.root_causes == (code.cause,)
    assert code.hex in result.hresults


def test_every_localized_message_is_of_a_code_that_names_a_cause() -> None:
    for value in _DATA:
        code = code_tables().lookup(value)
        assert code is not None and code.cause is not None, value


@pytest.mark.parametrize("text", ["SSL/TLS handshake failure (80092013)",
                                  "aria2: 吊销服务器已脱机 (80092013)"])
def test_a_code_without_its_0x_in_parentheses_is_read(text: str) -> None:
    assert analyze_text(text + "\n").root_causes == ("revocation-offline",)
