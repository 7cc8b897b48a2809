"""Judges' 6-digit PINs: weak ones refused, stored as scrypt hashes, and a pause after repeated wrong tries."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import os
import threading
import time
from collections.abc import Hashable

from ..errors import QT_TRANSLATE_NOOP, ValidationError

N, R, P = 2**14, 8, 1  # a PIN has a million values; the pause after wrong tries is what protects it
MAX_TRIES = 5
PAUSE_SECONDS = 30

_failures: dict[Hashable, tuple[int, float]] = {}
_lock = threading.Lock()


def weak_reason(pin: str) -> str | None:
    """Why a PIN is refused, or None when it is acceptable."""
    if len(pin) != 6 or not pin.isdigit():
        return QT_TRANSLATE_NOOP("Errors", "A PIN is exactly 6 digits.")
    digits = [int(d) for d in pin]
    steps = {b - a for a, b in itertools.pairwise(digits)}
    if len(set(digits)) <= 2 or steps in ({1}, {-1}) or pin[:3] == pin[3:] or pin[:2] * 3 == pin:
        return QT_TRANSLATE_NOOP("Errors", "This PIN is too easy to guess (repeated or consecutive digits).")
    if pin[:2] in ("19", "20") and 1 <= int(pin[4:]) <= 12:
        return QT_TRANSLATE_NOOP("Errors", "A PIN should not be a year and month.")
    return None


def hash_pin(pin: str) -> str:
    reason = weak_reason(pin)
    if reason:
        raise ValidationError(reason)
    salt = os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=N, r=R, p=P, maxmem=64 * 1024 * 1024)
    return f"scrypt${N}${R}${P}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def matches(stored: str | None, pin: str) -> bool:
    if not stored:
        return False
    try:
        _kind, n, r, p, salt, digest = stored.split("$")
        actual = hashlib.scrypt(pin.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                                maxmem=256 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, base64.b64decode(digest))


def check(key: Hashable, stored: str | None, pin: str) -> None:
    """Raises unless the PIN matches; after MAX_TRIES wrong ones in a row, refuses every try for a pause."""
    with _lock:
        count, since = _failures.get(key, (0, 0.0))
        wait = PAUSE_SECONDS - (time.monotonic() - since)
        if count >= MAX_TRIES and wait > 0:
            raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Too many wrong PINs. Try again in {seconds} seconds."),
                                  seconds=int(wait) + 1)
    if not stored:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "No PIN has been set for this judge; ask the staff."))
    if matches(stored, pin):
        with _lock:
            _failures.pop(key, None)
        return
    with _lock:
        count = _failures.get(key, (0, 0.0))[0] + 1
        _failures[key] = (count if count <= MAX_TRIES else 1, time.monotonic())
    raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Wrong PIN."))
