"""A checked upload waiting in the session for its confirmation: preview first, then save without a second upload.

The plan workbook upload reads a file, shows what it would change, and keeps what it read under a key of the
session (database-backed, so any app server can take the
confirmation). The confirmation sends back the fingerprint it was shown; the payload is read back only
when that fingerprint is the one it was kept with, and dropped once it is saved or given up.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def keep(session, key: str, payload: Any, *, fingerprint: str | None = None) -> str:
    """Keep ``payload`` (JSON; other values as text) under ``key``; return the fingerprint to confirm it with.

    Without ``fingerprint``, the payload's own SHA-256: the confirmation then names the very content checked.
    """
    text = json.dumps(payload, default=str)
    fingerprint = fingerprint or hashlib.sha256(text.encode()).hexdigest()
    session[key] = {"fingerprint": fingerprint, "payload": text}
    return fingerprint


def read(session, key: str, fingerprint: str | None) -> Any | None:
    """The payload kept under ``key`` if ``fingerprint`` is the one it was kept with; None otherwise."""
    kept = session.get(key)
    if not fingerprint or not isinstance(kept, dict) or kept.get("fingerprint") != fingerprint:
        return None
    return json.loads(kept["payload"])


def drop(session, key: str) -> None:
    session.pop(key, None)
