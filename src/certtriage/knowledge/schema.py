"""The rule file format, defined as a pydantic model.

One rule per TOML file at `knowledge/rules/<format>/[<topic>/]<CODE>-<name>.toml`. Keys, in order:

code, name, cause, title, severity, category, status, since, iis_substatus, applies_to,
explains, message, role_notes, why, [[when]], [[unless]], [adjusts], [[fix]], [[references]],
[examples], tags.

`when` holds conditions that must all match; each names a predicate from the closed
vocabulary (`knowledge/predicates.py` and each format's `predicates.py`) plus its arguments.
`unless` holds conditions of which none may match. There is no inline code and no eval.
Predicate names are checked against the vocabulary given in the validation context
(`{"predicates": {...}}`), which the rulebook loader passes.
"""

# Annotations are evaluated as the module runs (not postponed): pydantic reads every field's
# type, and each annotation left a string costs it a compile (CONTRIBUTING.md, start-up).
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from ..models.findings import FixStep, Reference, Severity

_CODE = re.compile(r"^[A-Z]{3}\d{3}$")
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SUBSTATUS = re.compile(r"^\d{3}\.\d{1,2}$")


class Condition(BaseModel):
    """A named predicate and its arguments."""

    model_config = ConfigDict(frozen=True, extra="allow", defer_build=True)

    predicate: str
    """A predicate name a format registered (its `parsers/<format>/predicates.py`)."""

    @property
    def args(self) -> dict[str, Any]:
        """The predicate's arguments."""
        return dict(self.model_extra or {})


class Examples(BaseModel):
    """Fixture paths (relative to `fixtures/`) the rule must fire on and stay quiet on."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    triggers: tuple[str, ...] = Field(min_length=1)
    """Inputs on which the rule must fire."""
    clean: tuple[str, ...] = Field(min_length=1)
    """Close cases on which it must not."""


Category = Literal["chain", "handshake", "configuration", "certificate", "evidence"]
"""What a cause is about: the client certificate's chain failing validation, the TLS handshake,
server settings, a certificate's content, or the evidence itself (a clean chain, a misleading
tool message, an input that decides nothing)."""


class Adjustment(BaseModel):
    """What a rule changes in the other findings of the same evidence when it fires."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    severity: Literal["warning", "info"]
    """The severity the evidence's error findings take instead (they stop being root causes)."""
    note: str = Field(min_length=1)
    """A sentence appended to each adjusted finding's message, saying why."""


class Rule(BaseModel):
    """One knowledge-base rule."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    code: str
    """Permanent code: three capitals and three digits. Never reused."""
    name: str
    """Kebab-case slug; the file name is `<code>-<name>.toml`."""
    cause: str
    """The cause id reported in findings (a contract scripts rely on)."""
    title: str
    """One line stating the observed problem."""
    severity: Severity
    """error, warning or info (levels defined in models/findings.py)."""
    category: Category
    """What the cause is about; every rule with the same cause has the same category."""
    status: Literal["preview", "stable", "deprecated"] = "stable"
    """Maturity."""
    since: str
    """Version that introduced the rule."""
    iis_substatus: tuple[str, ...] = ()
    """IIS sub-statuses it leads to, like 403.13."""
    applies_to: tuple[str, ...] = Field(min_length=1)
    """Format ids the rule reads."""
    explains: tuple[str, ...] = ()
    """Codes of rules whose findings this one causes (they become its symptoms)."""
    cause_by_alert: dict[str, str] = {}
    """TLS alert number -> the cause id to report instead of `cause` (Schannel 36887/36888)."""
    cause_by_code: dict[str, str] = {}
    """Error code (0x and eight hex digits) -> the cause id to report instead of `cause`."""
    cause_from_code: bool = False
    """A finding whose error code names a cause in the code tables (`hresults.toml`) reports
    that cause (after `cause_by_code`), with its 403.x."""
    substatus_seen: bool = False
    """The input records the sub-status IIS answered (a log, a trace): a finding whose code
    names another cause keeps the rule's `iis_substatus` instead of that cause's."""
    cause_categories: dict[str, Category] = {}
    """The category of each cause that `cause_by_alert` / `cause_by_code` name and no rule
    reports as its own `cause`."""
    message: str
    """Template filled from what matched: {element}, {subject}, {url}, {error}, {hresult} ..."""
    role_notes: dict[Literal["leaf", "subordinate CA", "root CA", "self-signed certificate"],
                     str] = {}
    """Text appended to the message (as {role_note}) when the element has that role."""
    why: str = Field(min_length=1)
    """Markdown: what happens and why it breaks validation."""
    when: tuple[Condition, ...] = Field(min_length=1)
    """Conditions that must all match."""
    unless: tuple[Condition, ...] = ()
    """Conditions none of which may match."""
    adjusts: Adjustment | None = None
    """When the rule fires, the error findings of the same evidence are adjusted (for example
    a chain whose policy check accepted it: its error bits become warnings)."""
    fix: tuple[FixStep, ...] = ()
    """Ordered remediation steps (at least one, unless `fix_otherwise` has some)."""
    cause_fix: bool = False
    """A finding whose error code names its cause (`cause_by_code`, `cause_from_code`) starts
    its remediation with that cause's own: the steps of the rule that reports the cause from
    a failed chain (`Rulebook.remedy_of`), then this rule's `fix`."""
    fix_otherwise: tuple[FixStep, ...] = ()
    """With `cause_fix`: steps given first only when no code names a cause with steps of its
    own (`certtriage explain <code>`, steps for particular codes)."""
    references: tuple[Reference, ...] = ()
    """Backing documents."""
    examples: Examples
    """Fixtures that must trigger it / must not."""
    tags: tuple[str, ...] = ()
    """Free-form tags."""

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not _CODE.match(value):
            raise ValueError("must be three capitals and three digits, like REV001")
        return value

    @field_validator("name", "cause")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError("must be kebab-case")
        return value

    @field_validator("cause_by_alert", "cause_by_code")
    @classmethod
    def _causes(cls, value: dict[str, str]) -> dict[str, str]:
        for key, cause in value.items():
            if not _NAME.match(cause):
                raise ValueError(f"{key}: cause {cause!r} must be kebab-case")
        return value

    @field_validator("iis_substatus")
    @classmethod
    def _substatus(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if not _SUBSTATUS.match(item):
                raise ValueError(f"{item!r} is not a sub-status like 403.13")
        return value

    @model_validator(mode="after")
    def _fix_given(self) -> "Rule":
        if self.fix_otherwise and not self.cause_fix:
            raise ValueError("fix_otherwise is given only with cause_fix")
        if not self.fix and not self.fix_otherwise:
            raise ValueError("fix: at least one step")
        if self.cause_fix and not (self.cause_by_code or self.cause_from_code):
            raise ValueError("cause_fix needs a code that names the cause (cause_by_code, "
                             "cause_from_code)")
        if self.cause_fix and self.cause_by_alert:  # an alert only points at a cause
            raise ValueError("cause_fix takes the steps of a cause a code names, not an alert")
        return self

    @model_validator(mode="after")
    def _predicates_known(self, info: ValidationInfo) -> "Rule":
        known = (info.context or {}).get("predicates")
        if known is None:
            raise ValueError("validated without a predicate vocabulary (load it with the rulebook)")
        from .predicates import check_args

        for group in (self.when, self.unless):
            for condition in group:
                if condition.predicate not in known:
                    raise ValueError(f"unknown predicate {condition.predicate!r}")
                check_args(condition.predicate, condition.args)
        return self
