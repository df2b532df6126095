"""Shared text helpers: bytes to text (`decode`), paste damage undone (`normalize`), the
characters pastes substitute (`chars`), and XML read safely into a small tree (`xml`).

Every reader of every format uses these, so a repair or a safety limit is written once.
"""
