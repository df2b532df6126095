"""What one -urlfetch retrieval says beyond its status: how many URLs of its kind the element
has and how many failed, and where the URL points (its host, or Active Directory for an LDAP
URL without one). These are facts a finding about the retrieval names in its message.
"""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from ...models.common import URL_SECTIONS, ChainElement, UrlCheck

#: Statuses that are not a retrieval (an empty section).
#: The statuses of a check that found no URL to retrieve.
NO_URL = ("no_urls", "no_idp_intersection")

_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def number_word(n: int) -> str:
    """`three` for 3, digits from 11 on."""
    return _WORDS[n] if 0 <= n < len(_WORDS) else str(n)


def same_kind(element: ChainElement, section: str) -> list[UrlCheck]:
    """The element's retrievals in `section` (an empty section's placeholder line excluded)."""
    return [c for c in element.url_checks if c.section == section and c.status not in NO_URL]


def tally(element: ChainElement | None, check: UrlCheck) -> str:
    """`one of its three CDP URLs fails` / `its only AIA URL fails`, for the element's section."""
    checks = same_kind(element, check.section) if element is not None else [check]
    failed = sum(1 for c in checks if c.status == "failed")
    label = URL_SECTIONS[check.section][1]
    verb = "fails" if failed == 1 else "fail"
    if len(checks) <= 1:
        return f"its only {label} URL {verb}"
    if failed == len(checks):
        every = "both" if failed == 2 else f"all {number_word(failed)}"
        return f"{every} of its {label} URLs {verb}"
    return f"{number_word(failed)} of its {number_word(len(checks))} {label} URLs {verb}"


@functools.lru_cache(maxsize=4096)
def host_of(url: str | None) -> str:
    """The URL's host name, `` when it has none (ldap:///...) or is not a URL (kept for the
    last few thousand URLs: a finding names it twice, and a fleet's dumps share their CAs')."""
    if not url:
        return ""
    try:
        return urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""


def is_ldap(url: str | None) -> bool:
    """Whether the URL is an LDAP URL."""
    return bool(url) and url.strip().casefold().startswith("ldap:")  # type: ignore[union-attr]


def short(url: str) -> str:
    """An LDAP URL cut after its first name part (`ldap:///CN=Contoso%20CA,...`): the rest is
    the directory path every LDAP CDP of the forest shares."""
    head, comma, _ = url.partition(",")
    return f"{head},..." if comma and is_ldap(url) else url


def where(url: str | None) -> str:
    """Where the URL points, in words: `host crl.contoso.com` for a web URL; for an LDAP URL,
    that it is read from Active Directory (of which host, when it names one), which a server
    outside the domain cannot reach."""
    host = host_of(url)
    if is_ldap(url):
        source = f"the directory on {host}" if host else "Active Directory (any domain controller)"
        return (f"an LDAP URL, read from {source}; a server that is not a member of that "
                "forest, or reaches no domain controller, cannot follow it")
    if not host:
        return "no host name"
    if "." not in host and ":" not in host:
        return f"host {host}, a single-label name that resolves only inside its own network"
    return f"host {host}"
