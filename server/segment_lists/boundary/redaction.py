"""Secrets removed from any text before it is shown, logged or stored.

Two nets. `redact(text, secret)` removes the configured token in any form a server, proxy or library
might echo it: any letter case, percent- or JSON- or HTML-escaped characters, whitespace between its
characters, and base64 (standard or URL-safe, at any alignment inside a longer base64 run, e.g. an
echoed `Basic` header). `mask_token_shapes(text)` masks anything shaped like a HubSpot credential
whatever token is configured: private-app and service keys (`pat-<region>-<uuid>`; TruffleHog's
detector uses `pat-(na|eu)1-<8>-<4>-<4>-<4>-<12>`, HubSpot documents no shape, so any region and any
hex/alphanumeric groups are taken), legacy hapikeys (a UUID after `hapikey=`), and whatever follows
`Bearer` (OAuth access tokens are opaque).
"""

from __future__ import annotations

import base64
import binascii
import re
from functools import lru_cache

MASK = "[token]"

_TOKEN_SHAPES = re.compile(
    r"\bpat-[a-z]{2,4}\d{0,2}-[A-Za-z0-9]{4,}(?:-[A-Za-z0-9]{2,})+"
    r"|(?P<prefix>\b(?i:bearer)\s+|(?i:hapikey=))[A-Za-z0-9._~+/=-]{8,}"
)
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{12,}={0,2}")


def _char_pattern(char: str) -> str:
    """One character of the secret as it may be written: itself (any case), %XX, \\u00XX, &#NN; or &#xXX;."""
    code = ord(char)
    forms = [re.escape(char)]
    if code < 0x100:
        forms += [f"%{code:02x}", f"\\\\u00{code:02x}", f"&#0*{code};", f"&#x0*{code:x};"]
    return "(?:" + "|".join(forms) + ")"


@lru_cache(maxsize=8)
def _secret_pattern(secret: str) -> re.Pattern[str]:
    # Whitespace (and escaped whitespace) may sit between any two characters.
    gap = r"(?:\s|%20|\+|\\[nrt])*"
    return re.compile(gap.join(_char_pattern(c) for c in secret), re.IGNORECASE)


def _decodes_to_secret(run: str, secret: bytes) -> bool:
    """Does this base64 run (at any of the three alignments) decode to bytes holding the secret?"""
    body = run.rstrip("=").replace("-", "+").replace("_", "/")
    for skip in range(4):
        chunk = body[skip:]
        if len(chunk) % 4 == 1:
            chunk = chunk[:-1]
        padded = chunk + "=" * (-len(chunk) % 4)
        try:
            decoded = base64.b64decode(padded, validate=True)
        except (binascii.Error, ValueError):
            continue
        if secret in decoded.lower():
            return True
    return False


def redact(text: str, secret: str | None) -> str:
    """`text` without `secret` in any of its forms, and without anything shaped like a token."""
    if secret and len(secret) >= 4:
        text = _secret_pattern(secret).sub(MASK, text)
        lowered = secret.lower().encode()
        text = _BASE64_RUN.sub(lambda m: MASK if _decodes_to_secret(m.group(0), lowered) else m.group(0), text)
    return mask_token_shapes(text)


def mask_token_shapes(text: str) -> str:
    """`text` with anything shaped like a HubSpot credential masked (a `Bearer ` prefix is kept)."""
    return _TOKEN_SHAPES.sub(lambda m: (m.group("prefix") or "") + MASK, text)
