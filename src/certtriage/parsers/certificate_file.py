"""Placeholder: replaced by the real parser for this format."""

FORMAT_ID = "certificate-file"


def sniff_bytes(data: bytes) -> bool:
    """Not implemented yet: never claims an input."""
    return False


def parse_bytes(data: bytes) -> object:
    """Not implemented yet."""
    raise NotImplementedError
