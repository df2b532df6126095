"""Placeholder: replaced by the real parser for this format."""

FORMAT_ID = "certutil-store"


def sniff(text: str) -> bool:
    """Not implemented yet: never claims an input."""
    return False


def parse(text: str) -> object:
    """Not implemented yet."""
    raise NotImplementedError
