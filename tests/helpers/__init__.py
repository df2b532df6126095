"""Helpers the tests share. Nothing here imports scripts/, and no script imports it."""
