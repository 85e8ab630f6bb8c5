"""Who may see the insights: staff holding INSIGHTS_TOKEN, by HTTP Basic or Bearer auth.

Off until the token is set (a 403 that names the setting), so a fresh install shows no patient
messages to anyone. With Basic authentication any user name works; the password is the token.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from typing import Mapping

TOKEN_ENV = "INSIGHTS_TOKEN"
REALM = 'Basic realm="Clinic insights", charset="UTF-8"'
OFF = f"Insights are off: set {TOKEN_ENV} to turn them on (docs/insights.md)."
REFUSED = "Authentication needed: the password (or Bearer token) is INSIGHTS_TOKEN."


def _presented(authorization: str) -> str | None:
    scheme, _, credentials = authorization.strip().partition(" ")
    if scheme.lower() == "bearer":
        return credentials.strip()
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2]
    return None


def access_status(headers: Mapping[str, str], token: str) -> int:
    """200 when the request may see the insights, 401 without the token, 403 when off."""
    if not token:
        return 403
    presented = _presented(headers.get("Authorization", ""))
    if presented is not None and hmac.compare_digest(presented.encode(), token.encode()):
        return 200
    return 401
