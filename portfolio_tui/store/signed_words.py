"""Whether an audit entry's signature verifies, as readers ask it of the entries whose word they count (review R7-6).

``verify`` and the store's check before a save check every signature; readers (the gateway, the caseload, readiness,
the evidence log) only checked that the key an entry names is one that signs in its author's name
(``store.roles_at``), so an entry naming the tutor's key over a signature that does not verify was counted. Checking
a signature costs some 55-70 µs (libsodium, PyNaCl), and PyNaCl's import some milliseconds, so readers ask it only
of the entries that make what they count (:func:`store.audit_index.Fingerprints`): a judgement, a gateway sign-off,
a confirmation; the gateway keeps what it read per file (``services.gateway_cache``), so a file is checked again
only once it has changed.
"""

from __future__ import annotations

import base64
import binascii
import sys

from portfolio_tui.domain.audit_chain import HASH_FIELD, SIG_FIELD, canonical
from portfolio_tui.store import own_files

TYPE_CHECKING = False  # (typing costs the gateway's start-up)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

AUDIT_PREFIX = b"portfolio-tui audit v1\0"
"""What an audit entry's signature covers begins with this (``domain.signatures.signed_bytes``)."""
KEY_BYTES, SIG_BYTES = 32, 64
"""An Ed25519 public key's length and a signature's."""


def valid(entry: dict[str, Any]) -> bool:
    """Does the signed audit entry's ``sig`` verify with the key it names (``key``)? Whose key that is, is
    ``store.roles_at``'s question."""
    key, sig = entry.get("key"), entry.get(SIG_FIELD)
    if type(key) is not str or type(sig) is not str:
        return False
    if _signed_here(entry):
        return True
    try:
        public, signature = base64.b64decode(key, validate=True), base64.b64decode(sig, validate=True)
    except (ValueError, binascii.Error):
        return False
    if len(public) != KEY_BYTES or len(signature) != SIG_BYTES:
        return False
    global _check
    if _check is None:
        _check = _libsodium() or _pynacl()
    body = {name: value for name, value in entry.items() if name != HASH_FIELD and name != SIG_FIELD}
    return _check(public, signature, AUDIT_PREFIX + canonical(body))


_receipts: frozenset[str] | None = None
"""The hashes of the entries this account signed (``store.receipts.signed_hashes``), read once per process."""


def _signed_here(entry: dict[str, Any]) -> bool:
    """Did this account sign the entry as it stands? So it says when the entry's hash, worked out afresh from all it
    holds (its signature too), is one this account's receipts hold: an entry it signed verified then and has not
    changed since. A tutor's caseload counts mostly the tutor's own judgements, so most of the checks it asks cost a
    hash (some 5-10 µs) rather than a signature's check (55-70 µs). The receipts are believed only from a file this
    account owns that nobody else may write (as ``store.receipts`` reads them)."""
    global _receipts
    if _receipts is None:
        from portfolio_tui.store.receipts import signed_hashes

        _receipts = signed_hashes()
    if entry.get(HASH_FIELD) not in _receipts:  # (an entry of another's; or one of this account's whose hash field
        return False                             # was changed: its signature, which is this account's, is checked)
    body = {name: value for name, value in entry.items() if name != HASH_FIELD}
    hashlib = sys.modules.get("hashlib")  # (OpenSSL's where a reading has loaded it: store.audit_index._sha256)
    return (own_files.sha256 if hashlib is None else hashlib.sha256)(_text(body)).hexdigest() in _receipts


def _text(value: Any) -> bytes:
    """``audit_chain.canonical(value)``, by orjson where a reading has imported it (its text the same but for small
    floats and very large integers, for which an entry's hash then does not match: its signature is checked)."""
    orjson = sys.modules.get("orjson")
    if orjson is not None:
        try:
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except TypeError:
            pass
    return canonical(value)


_check: Callable[[bytes, bytes, bytes], bool] | None = None
"""Checks a signature of a message with a public key (all raw bytes), made on first use."""


def _libsodium() -> Callable[[bytes, bytes, bytes], bool] | None:
    """libsodium's ``crypto_sign_open`` as PyNaCl's ``VerifyKey.verify`` calls it, through PyNaCl's compiled module:
    PyNaCl's public modules cost a process some 13 ms of CPU to import (``typing`` and all its bindings), most of
    a one-file gateway run's start-up; its compiled module alone under 1 ms. It is PyNaCl's own, not its public
    interface: where it is not as expected, :func:`_pynacl` checks instead (``tests/unit/test_signed_words.py``
    holds the two to the same answers)."""
    try:
        from nacl._sodium import ffi, lib  # type: ignore[import-not-found]  # (no stub for a compiled module)

        sign_open = lib.crypto_sign_open
        ffi.init_once(lib.sodium_init, "libsodium")  # (PyNaCl's own once, by its name)
    except (ImportError, AttributeError):
        return None
    length = ffi.new("unsigned long long *")

    def check(public: bytes, signature: bytes, message: bytes) -> bool:
        signed = signature + message
        return sign_open(ffi.new("unsigned char[]", len(signed)), length, signed, len(signed), public) == 0

    return check


def _pynacl() -> Callable[[bytes, bytes, bytes], bool]:
    from nacl.exceptions import BadSignatureError
    from nacl.signing import VerifyKey

    def check(public: bytes, signature: bytes, message: bytes) -> bool:
        try:
            VerifyKey(public).verify(message, signature)
        except BadSignatureError:
            return False
        return True

    return check
