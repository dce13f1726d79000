"""What every guarded zoo app needs and must get right: the key from the environment (refusing to start without a real
one), a constant-time comparison, and a per-address throttle of failed keys.

The apps decide themselves where the check runs (middleware, dependency, decorator, before_request); this module only
holds the parts that must be the same everywhere for the guarded form to be secure.
"""
import hmac
import math
import os
import sys
import threading
import time
from collections import defaultdict, deque
from typing import Optional

# Values a deployment gets when a variable is unset and rendered as text, or left at a template's default.
PLACEHOLDERS = {"", "none", "null", "undefined", "nil", "false", "0", "changeme", "change-me", "secret", "your-api-key", "api-key"}
MIN_KEY_LENGTH = 16


def api_key_from_env(name: str = "ZOO_API_KEY") -> str:
    value = os.environ.get(name)
    if value is None or value.strip().lower() in PLACEHOLDERS or len(value.strip()) < MIN_KEY_LENGTH:
        sys.exit(f"{name} is unset, a placeholder or shorter than {MIN_KEY_LENGTH} characters: refusing to start without a real API key")
    return value.strip()


def keys_equal(presented: Optional[str], expected: str) -> bool:
    """Exact bytes, constant time: no case folding, no trimming, no prefix match."""
    if presented is None:
        return False
    return hmac.compare_digest(presented.encode("utf-8"), expected.encode("utf-8"))


def bearer_token(header: Optional[str]) -> Optional[str]:
    """The token of `Authorization: Bearer <token>`; None for any other scheme or a bare value."""
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    return token if scheme.lower() == "bearer" and token else None


class FailedKeyThrottle:
    """After `limit` wrong keys from one address within `window` seconds, that address is locked out (every request it
    sends is answered 429 with Retry-After, the right key included, so guessing cannot go on during the lock-out) until
    the oldest of those failures is older than the window."""

    def __init__(self, limit: int = 10, window: float = 60.0):
        self.limit = limit
        self.window = window
        self._failures = defaultdict(deque)
        self._lock = threading.Lock()

    def _prune(self, client: str, now: float) -> deque:
        failures = self._failures[client]
        while failures and now - failures[0] >= self.window:
            failures.popleft()
        return failures

    def retry_after(self, client: str) -> Optional[int]:
        """Seconds until `client` may try again, or None when it is not locked out."""
        now = time.monotonic()
        with self._lock:
            failures = self._prune(client, now)
            if len(failures) < self.limit:
                return None
            return max(1, math.ceil(self.window - (now - failures[0])))

    def failed(self, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._prune(client, now).append(now)
