"""This PC's Ed25519 key and its state as a judge laptop (or as the office PC that signs event packages).

Everything lives in the user's data folder (`home`; tests pass their own): the private key as PEM with 0600
permissions, made on first use, and `laptop.json` with the laptop's name, the last results sequence number and the
office key it trusts. The key never leaves the PC; the office registers its public key (`psp event key`).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import socket
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..dbfile import fsync_folder
from ..errors import QT_TRANSLATE_NOOP, ValidationError, os_reason
from ..paths import data_dir

KEY_FILE = "laptop-key.pem"
STATE_FILE = "laptop.json"
NAME_LENGTH = 60  # Laptop.name
_HEX_KEY = re.compile(r"\b[0-9a-fA-F]{64}\b")


@dataclass(frozen=True)
class Identity:
    name: str
    public_key: bytes  # 32 raw bytes

    @property
    def public_hex(self) -> str:
        return self.public_key.hex()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)


def home_dir(home: Path | None = None) -> Path:
    return Path(home) if home is not None else data_dir()


def fingerprint(public_key: bytes) -> str:
    """A short form people can compare by eye: the key's first 8 bytes in hex, in groups of four."""
    text = public_key[:8].hex()
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


# --- the private key ---------------------------------------------------------------------------------------------


def private_key(home: Path | None = None) -> Ed25519PrivateKey:
    """This PC's key, made on first use."""
    folder = home_dir(home)
    path = folder / KEY_FILE
    if not path.exists():
        _create_key(folder, path)
    _tighten(path)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The key file {path} of this PC cannot be read: {reason}"), path=path, reason=exc) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "The key file {path} is not an Ed25519 key."), path=path)
    return key


def _create_key(folder: Path, path: Path) -> None:
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    partial = folder / f".{KEY_FILE}.{secrets.token_hex(4)}.part"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(handle, "wb") as stream:
            stream.write(pem)
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.link(partial, path)  # never replaces a key another process made meanwhile
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(partial, path)
    except OSError as exc:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "Cannot write to the folder {folder}. Choose another location."), folder=folder) from exc
    finally:
        with contextlib.suppress(OSError):
            partial.unlink()


def _tighten(path: Path) -> None:
    """Only the owner may read the key (a no-op where permissions mean little, as on Windows)."""
    with contextlib.suppress(OSError):
        if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(0o600)


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def verify(public_key: bytes, signature: bytes, data: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


# --- name, sequence and trusted office ---------------------------------------------------------------------------


def read_state(home: Path | None = None) -> dict[str, Any]:
    path = home_dir(home) / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "The laptop settings file {path} is damaged: {reason}"), path=path, reason=exc) from exc
    return data if isinstance(data, dict) else {}


def write_state(state: dict[str, Any], home: Path | None = None) -> None:
    folder = home_dir(home)
    with contextlib.suppress(OSError):  # write_atomically names the folder it cannot write to
        folder.mkdir(parents=True, exist_ok=True)
    write_atomically(folder / STATE_FILE, json.dumps(state, ensure_ascii=False, indent=1).encode())


def laptop_identity(home: Path | None = None) -> Identity:
    """This PC's name (the host name unless set) and public key; the key is made on first use."""
    key = private_key(home)
    name = str(read_state(home).get("name") or "").strip() or default_name()
    return Identity(name, public_bytes(key))


def default_name() -> str:
    return (socket.gethostname().strip() or "laptop")[:NAME_LENGTH]


def set_laptop_name(name: str, home: Path | None = None) -> Identity:
    name = name.strip()
    if not name or len(name) > NAME_LENGTH:
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "A laptop name has 1 to {max} characters."),
                              max=NAME_LENGTH)
    state = read_state(home)
    state["name"] = name
    write_state(state, home)
    return laptop_identity(home)


def next_sequence(home: Path | None = None) -> int:
    """The next results number of this laptop, saved before it is used so that no number is ever given twice."""
    state = read_state(home)
    sequence = int(state.get("sequence") or 0) + 1
    state["sequence"] = sequence
    write_state(state, home)
    return sequence


def parse_public_key(text: str) -> bytes:
    """A public key as `psp event key` prints it (64 hex digits, anywhere in the text) or as a PEM public key."""
    if "BEGIN PUBLIC KEY" in text:
        try:
            key = serialization.load_pem_public_key(text.encode())
        except ValueError:
            key = None
        if isinstance(key, Ed25519PublicKey):
            return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    found = _HEX_KEY.findall(text)
    if len(found) != 1:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "No laptop public key found: give the 64 hexadecimal digits that “psp event key” prints on "
            "the laptop."))
    return bytes.fromhex(found[0])


def write_atomically(path: Path, data: bytes) -> Path:
    """The bytes under their final name only once they are all on the disk: written beside it, synced, renamed.
    A USB stick pulled out midway leaves no file (or the old one) under that name."""
    target = Path(path).absolute()
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as exc:
        raise ValidationError(QT_TRANSLATE_NOOP(
            "Errors", "Cannot write to the folder {folder}. Choose another location."), folder=target.parent) from exc
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(partial, target)
        fsync_folder(target.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise ValidationError(QT_TRANSLATE_NOOP("Errors", "Cannot write {path}: {reason}"), path=target,
                              reason=os_reason(exc)) from exc
    return target
