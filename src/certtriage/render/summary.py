"""The one-line summary of an input or a case: the answer, where it is, and what to do first.

`FAIL  partial-chain at [0][0] CN=... -> 403.16  missing issuer: CN=...  fix first: install
...`: the verdict, the first root cause, the chain element (or event, or setting) it is about,
the IIS sub-status, what exactly failed (the URL that could not be fetched, the issuer that
was not found) and the first clause of the first remediation step. It is one line on purpose:
text output ends with it so it stays on screen after a paste, and it can be grepped.
"""

from __future__ import annotations

from typing import Any

from ..models.common import ChainElement
from ..models.findings import CaseResult, Finding, FixStep, InputResult

#: CERT_E_CHAINING: a chain could not be built up to a trusted root.
_CHAINING = "0x800b010a"
#: A clause shorter than this is not cut at its colon (`Note: ...` keeps what follows).
_MIN_CLAUSE = 24


def roots(result: InputResult) -> list[Finding]:
    """The root-cause findings, the clean-chain one excepted."""
    return [f for f in result.findings if f.root_cause and f.cause != "ok"]


def line(result: InputResult) -> str:
    """The summary of one input; for an input not analysed, why."""
    if result.verdict is None:
        return f"{result.status.upper()}  {result.source}: {result.error or 'not analysed'}"
    found = roots(result)
    if not found:
        return f"{result.verdict.upper()}  {_undecided(result)}"
    return f"{result.verdict.upper()}  {cause_phrase(result, found[0], len(result.root_causes))}"


def case_line(case: CaseResult, results: list[InputResult]) -> str:
    """The summary of a batch case: its first root cause as the input that shows it best says
    it (`_strength`; the first such input in order among equals)."""
    counts = f"{case.parsed} read, {case.skipped} skipped, {case.failed} failed"
    top = case.root_causes[0] if case.root_causes else None
    shown = [(result, finding) for result in results for finding in roots(result)
             if finding.cause == top]
    if shown:
        result, finding = max(shown, key=lambda pair: _strength(*pair))
        phrase = cause_phrase(result, finding, len(case.root_causes))
        return f"{case.verdict.upper()}  {phrase}  ({counts}; in {result.source})"
    said = ", ".join(c for c in case.root_causes if c != "ok") or _UNDECIDED[case.verdict]
    return f"{case.verdict.upper()}  {said}  ({counts})"


def _strength(result: InputResult, finding: Finding) -> tuple[bool, ...]:
    """How much a root-cause finding shows, by what it points at: a chain element (the dump
    that failed), a URL, an event, then an input read whole. A ticket that only names the
    cause ("revoked, 0x80092010") points at nothing and gives way to the evidence itself."""
    return (finding.element is not None, finding.url is not None, finding.event_id is not None,
            result.status == "parsed")


def cause_phrase(result: InputResult, top: Finding, causes: int) -> str:
    """`cause at [0][1] CN=... -> 403.13 (+1 more)  failed: URL  fix first: ...`."""
    element, last = element_of(result, top)
    where = ""
    if top.element is not None:
        position = _position(element, top.element)
        where = f" at {position}" + (f" {top.subject}" if top.subject else "")
    elif top.event_id is not None:
        where = f" (event {top.event_id})"
    elif top.context:
        where = f" in {top.context}"
    iis = f" -> {', '.join(top.iis_substatus)}" if top.iis_substatus else ""
    more = f" (+{causes - 1} more)" if causes > 1 else ""
    what = ""
    if last and element is not None and _stops_at(result, element):
        what += f"  missing issuer: {element.issuer}"
    if top.url:
        what += f"  failed: {top.url}" + (f" ({top.hresult})" if top.hresult else "")
    fix = f"  fix first: {fix_phrase(top.remediation[0].text)}" if top.remediation else ""
    return f"{top.cause}{where}{iis}{more}{what}{fix}"


def first_step(result: InputResult) -> FixStep | None:
    """The first thing to do: the first root cause's first step, or the first next step."""
    for finding in roots(result):
        if finding.remediation:
            return finding.remediation[0]
    if result.next_steps:
        return FixStep(text=result.next_steps[0])
    return None


def element_of(result: InputResult, finding: Finding) -> tuple[ChainElement | None, bool]:
    """The chain element a finding is about, from the input's model (None when unknown), and
    whether it is the last element of its chain."""
    if finding.element is None or result.model is None:
        return None, False
    chains: Any = result.model.chains()
    for _, context, elements in chains:
        if context is None or context in (finding.context or ""):
            for element in elements:
                if element.index == finding.element:
                    return element, element is elements[-1]
    return None, False


def _stops_at(result: InputResult, element: ChainElement) -> bool:
    """Whether the chain could not be built past `element` (CERT_E_CHAINING), so its issuer
    is the certificate that is missing."""
    return bool(element.issuer) and element.issuer != element.subject and any(
        f.hresult == _CHAINING for f in result.findings)


def _position(element: ChainElement | None, index: int) -> str:
    chain = element.chain_index if element is not None and element.chain_index else 0
    return f"[{chain}][{index}]"


def _undecided(result: InputResult) -> str:
    """What an input without a root cause shows, and what to collect next."""
    ok = next((f for f in result.findings if f.cause == "ok"), None)
    outcome: str | None = getattr(result.model, "outcome_line", lambda: None)()
    if outcome:
        said = outcome
    elif ok is not None:
        said = ok.title
    else:
        notable = list(dict.fromkeys(f.cause for f in result.findings if f.severity != "info"))
        said = (f"no failure shown; {len(notable)} to check: {', '.join(notable)}" if notable
                else "nothing in this input decides the outcome")
    return said + (f"  next: {plain(result.next_steps[0])}" if result.next_steps else "")


def plain(text: str) -> str:
    """Remediation Markdown as one plain line (code spans lose their backticks)."""
    return " ".join(text.replace("`", "").split())


def fix_phrase(text: str) -> str:
    """The first clause of a remediation step, as it continues `fix first: `: its first
    sentence, cut at a colon or semicolon outside code spans and parentheses."""
    in_code, depth = False, 0
    for index, char in enumerate(text):
        if char == "`":
            in_code = not in_code
        elif not in_code and char in "()":
            depth += 1 if char == "(" else -1
        if in_code or depth > 0 or text[index + 1:index + 2] not in (" ", ""):
            continue
        if char == "." or (char in ":;" and index >= _MIN_CLAUSE):
            text = text[:index]
            break
    phrase = plain(text).rstrip(".")
    first = phrase.split(" ", 1)[0]
    if first.isalpha() and first[1:].islower():
        phrase = phrase[:1].lower() + phrase[1:]
    return phrase


#: What a case without a root cause shows, by its verdict.
_UNDECIDED = {"pass": "the chains validate", "inconclusive": "nothing here decides the outcome",
              "unrecognized": "nothing here was recognised", "fail": "a failure is shown"}
