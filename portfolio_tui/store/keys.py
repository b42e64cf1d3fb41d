"""Each OS account's Ed25519 signing key, kept in that account's own data folder, and the checks.

The key is made on first use: ``keys/ed25519`` under :func:`locations.data_dir` (the platform's
per-user data folder, or ``$PORTFOLIO_TUI_HOME``), folder mode 0700 and file mode 0600, so no
other account can read it. It is never written into a cohort folder: a key whose folder the group
or others can reach is refused, since it could have been copied.

Signing and checking use libsodium through PyNaCl (see pyproject.toml for why); the bytes that
are signed, the key formats and the anchors are pure (``domain.signatures``).
"""

from __future__ import annotations

import base64
import binascii
import os
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from portfolio_tui import locations
from portfolio_tui.domain import signatures
from portfolio_tui.domain.audit_chain import HASH_FIELD, PREV_FIELD, entry_hash
from portfolio_tui.store import own_files, persistence
from portfolio_tui.store.errors import StoreError

KEY_FOLDER = "keys"
KEY_FILE = "ed25519"
_HEADER = "portfolio-tui-ed25519-v1"


class SigningKeyError(StoreError):
    """The account's key cannot be made, read or trusted; the message names the file and why."""


@dataclass(frozen=True)
class Signer:
    """An account's private key in memory; ``public`` is the base64 raw public key entries carry."""

    public: str
    _signing: Any

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self._signing.sign(message).signature).decode()


def key_path(data_dir: Path | None = None) -> Path:
    return (data_dir or locations.data_dir()) / KEY_FOLDER / KEY_FILE


def own_signer() -> Signer:
    """This account's signer, made on first use (one read per process and data folder)."""
    return _signer_at(key_path())


@lru_cache(maxsize=4)
def _signer_at(path: Path) -> Signer:
    from nacl.signing import SigningKey

    seed = _read_seed(path) if path.exists() else _new_seed(path)
    signing = SigningKey(seed)
    return Signer(base64.b64encode(bytes(signing.verify_key)).decode(), signing)


def _read_seed(path: Path) -> bytes:
    _refuse_exposed(path)
    try:
        header, encoded = path.read_text(encoding="ascii").split()
        seed = base64.b64decode(encoded, validate=True)
    except (OSError, UnicodeDecodeError, ValueError, binascii.Error) as exc:
        raise SigningKeyError(f"{path}: not a signing key this app wrote ({exc})") from None
    if header != _HEADER or len(seed) != 32:
        raise SigningKeyError(f"{path}: not a signing key this app wrote")
    return seed


def _new_seed(path: Path) -> bytes:
    """Write a new random key with mode 0600 in a 0700 folder; never replaces a key that is there."""
    seed = os.urandom(32)
    try:
        own_files.make_private_folders(path.parent)
        _refuse_exposed(path)
        persistence.write_new(path, f"{_HEADER} {base64.b64encode(seed).decode()}\n".encode("ascii"), mode=0o600)
    except FileExistsError:
        return _read_seed(path)
    except OSError as exc:
        raise SigningKeyError(f"{path}: cannot create your signing key ({exc.strerror or exc})") from None
    return seed


def _refuse_exposed(path: Path) -> None:
    """A key, or its folder, that the group or others may reach is not private any more."""
    for place in (path.parent, path):
        if not place.exists() or os.name != "posix":
            continue
        info = place.stat()
        if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise SigningKeyError(f"{place}: other accounts can reach your signing key here (mode "
                            f"{stat.S_IMODE(info.st_mode):04o}); keep it in your own data folder with mode 0700/0600")
        if info.st_uid != os.getuid():
            raise SigningKeyError(f"{place}: belongs to another account; your signing key must be your own")


def seal_signed(entry: dict[str, Any], prev_hash: str, kind: str, signer: Signer) -> dict[str, Any]:
    """``audit_chain.seal`` with a signature: chained after ``prev_hash``, signed, then hashed."""
    sealed = {k: v for k, v in entry.items() if k not in (HASH_FIELD, signatures.SIG_FIELD)}
    sealed[PREV_FIELD] = prev_hash
    sealed[signatures.KEY_FIELD] = signer.public
    sealed[signatures.SIG_FIELD] = signer.sign(signatures.signed_bytes(kind, sealed))
    sealed[HASH_FIELD] = entry_hash(sealed)
    return sealed


def signature_valid(kind: str, entry: Any) -> bool:
    """Does the entry's ``sig`` verify with its own ``key``? (Whose key that is, is the anchors' question.)"""
    from nacl.exceptions import BadSignatureError

    key, sig = entry.get(signatures.KEY_FIELD), entry.get(signatures.SIG_FIELD)
    if not isinstance(key, str) or not isinstance(sig, str):
        return False
    try:
        verify_key = _verify_key(key)
        verify_key.verify(signatures.signed_bytes(kind, entry), base64.b64decode(sig, validate=True))
    except (BadSignatureError, ValueError, binascii.Error, TypeError):
        return False
    return True


@lru_cache(maxsize=256)
def _verify_key(key: str) -> Any:
    from nacl.signing import VerifyKey

    return VerifyKey(base64.b64decode(key, validate=True))
