"""The README names every cause id a failure can be given as its root cause: scripts read the
`cause` ids as a contract, so a new error-level cause is documented where users look for it."""

from __future__ import annotations

from pathlib import Path

from certtriage.engine import rulebook

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_error_cause_is_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    causes = {cause for rule in rulebook().rules if rule.severity == "error"
              for cause in (rule.cause, *rule.cause_by_alert.values(),
                            *rule.cause_by_code.values())}
    missing = sorted(c for c in causes if f"`{c}`" not in text)
    assert not missing, f"causes the README does not name: {missing}"
