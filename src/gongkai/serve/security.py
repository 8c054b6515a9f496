"""Sessions, CSRF tokens and the password: a signed cookie holds the session (its CSRF token, whether
the password was given, the name a person marks findings with, and when it expires).

The signing key lives in the data folder (created on first start, readable by its owner only), so
sessions survive a restart and nothing secret is ever sent to the browser.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

COOKIE = "gongkai_session"
SESSION_SECONDS = 8 * 3600


def load_secret(data_dir: Path) -> bytes:
    path = data_dir / "secret.key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
    return path.read_bytes()


@dataclass
class Session:
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    authed: bool = False
    who: str = ""
    expires: float = field(default_factory=lambda: time.time() + SESSION_SECONDS)
    changed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"c": self.csrf, "a": self.authed, "w": self.who, "e": int(self.expires)}


class Signer:
    def __init__(self, key: bytes) -> None:
        self.key = key

    def _mac(self, body: bytes) -> str:
        return base64.urlsafe_b64encode(hmac.new(self.key, body, hashlib.sha256).digest()).decode().rstrip("=")

    def dump(self, s: Session) -> str:
        body = base64.urlsafe_b64encode(json.dumps(s.to_dict(), separators=(",", ":")).encode()).decode()
        return f"{body}.{self._mac(body.encode())}"

    def load(self, raw: str | None) -> Session | None:
        """The session in a cookie, or None when it is missing, forged or expired."""
        if not raw or "." not in raw:
            return None
        body, mac = raw.rsplit(".", 1)
        if not hmac.compare_digest(mac, self._mac(body.encode())):
            return None
        try:
            d = json.loads(base64.urlsafe_b64decode(body.encode() + b"=" * (-len(body) % 4)))
            s = Session(csrf=str(d["c"]), authed=bool(d["a"]), who=str(d.get("w", "")), expires=float(d["e"]))
        except (ValueError, KeyError, TypeError):
            return None
        if s.expires < time.time():
            return None
        return s


def password_ok(given: str, password: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), password.encode("utf-8"))


def safe_next(url: str | None, default: str = "/") -> str:
    """A redirect target that stays on this site (a path, never `//host` or a scheme)."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url or "\n" in url or "\r" in url:
        return default
    return url


__all__ = ["COOKIE", "SESSION_SECONDS", "Session", "Signer", "load_secret", "password_ok", "safe_next"]
