"""The chain hashes after the chain (`Exclude leaf cert:` / `Full chain:`), and the echo of the
certificate that certutil prints with them.

In the chain_hashes block, the hash line (`Chain: <hash>` or spaced hex) after each of those
headers is that hash; the `Issuer:`, `Subject:` ... lines and any other thumbprint belong to
the echo of the verified certificate, not to a chain element.
"""

from __future__ import annotations

from typing import Any

from .model import ChainHashes
from .state import ElementDraft, Reading


class HashLines:
    """Reads the chain_hashes block; owns the hashes and the certificate echo."""

    def __init__(self, reading: Reading) -> None:
        self.reading = reading
        self.hashes: dict[str, Any] | None = None
        self.target: str | None = None
        """The hash the next hash line gives (exclude_leaf, full_chain), if one is awaited."""
        self.echo: ElementDraft | None = None

    def model(self) -> ChainHashes | None:
        """The hashes as read, if their block was in the input."""
        return ChainHashes.trusted(**self.hashes) if self.hashes else None

    def on_exclude_leaf(self, text: str, line: int) -> None:
        self.reading.phase = "chain"
        self.reading.current = None
        self.hashes = {"line": line}
        self.target = "exclude_leaf"

    def on_full_chain(self, text: str, line: int) -> None:
        if self.hashes is None:
            self.hashes = {"line": line}
        self.target = "full_chain"

    def field(self, label: str, key: str | None, value: str, line: int) -> bool:
        """Place a `Label: value` line of the block (`key`: the element field it names):
        an awaited `Chain:` hash or a field of the echo; False for any other."""
        if label == "Chain" and self.target:
            self._set(value)
        elif key:
            self.echo_element(line).fields.setdefault(key, value)
        else:
            return False
        return True

    def thumbprint(self, value: str, line: int) -> None:
        """A spaced-hex hash line of the block: the awaited hash, else the echo's thumbprint."""
        if self.target:
            self._set(value)
        else:
            self.echo_element(line).fields.setdefault("thumbprint", value)

    def echo_element(self, line: int) -> ElementDraft:
        """The echo of the certificate (created at `line` if not yet read)."""
        if self.echo is None:
            self.echo = ElementDraft(start=line, end=line)
        self.echo.touch(line)
        return self.echo

    def _set(self, value: str) -> None:
        assert self.hashes is not None and self.target is not None
        self.hashes[self.target] = value
        self.target = None
