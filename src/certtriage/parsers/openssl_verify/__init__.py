"""`openssl verify` output: OpenSSL's check of a certificate's chain, as posted from Linux,
macOS and gateways where Windows people post `certutil -verify`.

For each file it checks, OpenSSL prints `FILE: OK` (with `-show_chain`, the chain after it,
one `depth=N: SUBJECT` line per certificate), or the subject of the certificate it stopped at,
`error N at D depth lookup: WORDS` and `error FILE: verification failed` (OpenSSL 1.0 printed
`FILE: SUBJECT` and the error line only). This module recognises the output cheaply; `parser`
reads it into `model`; `predicates` holds what rules ask of it.
"""

from __future__ import annotations

import re

#: How much of an input the sniffer looks at.
SNIFF_CHARS = 64 * 1024

#: An error line (`error 20 at 0 depth lookup: unable to get local issuer certificate`), the
#: line that ends a file that failed, or the command with a file's result after it.
_OWN = re.compile(
    r"^[ \t>`]*(?:error \d{1,3} at \d{1,2} depth lookup ?:|error \S[^\n]*: verification failed"
    r"[ \t\r]*$)", re.MULTILINE)
_COMMAND = re.compile(r"\bopenssl(?:\.exe)? verify\b[^\n]*\n(?:[ \t>`]*\n)*[ \t>`]*\S[^\n]*"
                      r": OK[ \t\r]*$", re.MULTILINE)


def sniff(text: str) -> bool:
    """An error line of `openssl verify`, or its command with a file's `OK` after it."""
    head = text[:SNIFF_CHARS]
    return _OWN.search(head) is not None or _COMMAND.search(head) is not None
