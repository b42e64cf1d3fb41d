"""Who signed an entry, and may that key speak for that account: the pure half of signing.

The hash chain (``domain.audit_chain``) shows that a file was changed, but anyone can recompute an
unkeyed hash. An Ed25519 signature by the account that made a change cannot be recomputed by
anyone else, and it can be checked by someone who only has the public keys.

**A signed entry** (an audit entry, a roster change) carries two more fields:

======= ======================================================================================
``key`` the signer's public key: the 32 raw bytes, base64 (so a copy can be checked anywhere)
``sig`` the Ed25519 signature, base64, of :func:`signed_bytes`: a label naming the kind of entry
        and the canonical JSON of the entry without ``hash`` and ``sig``. ``prev`` (the previous
        head) is in it, so a signature also fixes the entry's place in its chain.
======= ======================================================================================

``hash`` is then computed over the entry with ``sig`` (``audit_chain.entry_hash``), so the chain
covers the signatures too.

**Anchors** say which key belongs to which OS account, from an allowed-signers file in the
format of OpenSSH's ``allowed_signers`` (one ``ACCOUNT [OPTIONS] ssh-ed25519 BASE64 [COMMENT]``
a line). Options used here: ``valid-after`` and ``valid-before`` (``YYYYMMDDHHMMSSZ``, as
OpenSSH writes them) and ``portfolio-role`` (``tutor`` or ``admin``: may sign a cohort's roster).
Revoking a key sets ``valid-before``: what it signed earlier stays valid.
"""

from __future__ import annotations

import base64
import re
import struct
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from portfolio_tui.domain.audit_chain import HASH_FIELD, SIG_FIELD, canonical
from portfolio_tui.domain.frozen import frozen, replace

KEY_FIELD = "key"
AUDIT = "audit"
ROSTER = "roster"
KEY_TYPE = "ssh-ed25519"
ROSTER_ROLES = ("tutor", "admin")
"""The anchor roles whose keys may sign a managed cohort's roster."""

_OPTION = re.compile(r'([a-z-]+)(?:="([^"]*)")?')


class TrustFormatError(ValueError):
    """A line of an allowed-signers file that cannot be read; the message names the line."""


def signed_bytes(kind: str, entry: Mapping[str, Any]) -> bytes:
    """What a signature of an entry of ``kind`` (``audit``, ``roster``) covers."""
    body = {k: v for k, v in entry.items() if k != HASH_FIELD and k != SIG_FIELD}
    return b"portfolio-tui " + kind.encode() + b" v1\0" + canonical(body)


def is_signed(entry: Any) -> bool:
    return isinstance(entry, dict) and SIG_FIELD in entry


def openssh_public(key_b64: str, comment: str = "") -> str:
    """The public key as an OpenSSH line (``ssh-ed25519 AAAA... comment``), as allowed-signers files hold it."""
    text = f"{KEY_TYPE} {base64.b64encode(_wire(key_b64)).decode()}"
    return f"{text} {comment}" if comment else text


def fingerprint(key_b64: str) -> str:
    """``SHA256:...`` as ``ssh-keygen -l`` prints it for the same key."""
    import hashlib  # (here: a gateway run over one file, which imports this module, loads no OpenSSL)

    return "SHA256:" + base64.b64encode(hashlib.sha256(_wire(key_b64)).digest()).decode().rstrip("=")


def _wire(key_b64: str) -> bytes:
    raw = base64.b64decode(key_b64)
    name = KEY_TYPE.encode()
    return struct.pack(">I", len(name)) + name + struct.pack(">I", len(raw)) + raw


def key_from_openssh(text: str) -> str:
    """The base64 raw key of an OpenSSH ``ssh-ed25519 AAAA...`` public key; ``ValueError`` says what is wrong."""
    parts = text.split()
    if len(parts) < 2 or parts[0] != KEY_TYPE:
        raise ValueError(f"expected an '{KEY_TYPE} AAAA...' public key (`portfolio keys show` prints one)")
    try:
        blob = base64.b64decode(parts[1], validate=True)
        (n,) = struct.unpack(">I", blob[:4])
        name, rest = blob[4 : 4 + n], blob[4 + n :]
        (m,) = struct.unpack(">I", rest[:4])
        raw = rest[4 : 4 + m]
    except (ValueError, struct.error):
        raise ValueError("the public key is not valid base64 of an ssh-ed25519 key") from None
    if name != KEY_TYPE.encode() or len(raw) != 32 or len(rest) != 4 + m:
        raise ValueError("the public key is not valid base64 of an ssh-ed25519 key")
    return base64.b64encode(raw).decode()


_ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def stamp(at: str) -> str:
    """An entry's ISO ``at`` (``2026-03-01T10:15:00Z``) as the allowed-signers time format
    (``20260301101500Z``); ``ValueError`` for any other text. Done on text: verify does it per entry."""
    if not _ISO.fullmatch(at):
        raise ValueError(f"not an ISO-8601 UTC time: {at!r}")
    return at[0:4] + at[5:7] + at[8:10] + at[11:13] + at[14:16] + at[17:19] + "Z"


@frozen
class Anchor:
    """One line of an allowed-signers file: this key speaks for this account, in this window."""

    account: str
    key: str
    role: str = ""
    valid_after: str = ""
    valid_before: str = ""
    comment: str = ""

    def valid_at(self, at: str) -> bool:
        """Was the key valid at ``at`` (an entry's ISO time)? Times compare as text in one fixed format."""
        try:
            when = stamp(at)
        except ValueError:
            return False
        started = not self.valid_after or when >= self.valid_after
        return started and (not self.valid_before or when < self.valid_before)

    def line(self) -> str:
        options = [f'{name}="{value}"' for name, value in (
            ("portfolio-role", self.role), ("valid-after", self.valid_after), ("valid-before", self.valid_before),
        ) if value]
        fields = [self.account, ",".join(options), openssh_public(self.key, self.comment)]
        return " ".join(f for f in fields if f)


@frozen
class Anchors:
    """The allowed-signers file as read; empty when there is none (a laptop: signatures not anchored)."""

    anchors: tuple[Anchor, ...] = ()
    source: str = ""

    def __bool__(self) -> bool:
        return bool(self.anchors)

    def problem(self, account: str, key: str, at: str) -> str | None:
        """Why ``key`` cannot speak for ``account`` at ``at``, or ``None`` when it can."""
        mine = self._by_signer.get((account, key), ())
        if not mine:
            return f"is signed by a key that is not enrolled for {account} ({fingerprint(key)})"
        if not any(a.valid_at(at) for a in mine):
            return f"is signed at {at} by a key of {account} that was not valid then (revoked, or not yet valid)"
        return None

    @cached_property
    def _by_signer(self) -> dict[tuple[str, str], tuple[Anchor, ...]]:
        """``(account, key)`` -> its anchors, made once: verify asks for every entry."""
        found: dict[tuple[str, str], tuple[Anchor, ...]] = {}
        for anchor in self.anchors:
            found[(anchor.account, anchor.key)] = (*found.get((anchor.account, anchor.key), ()), anchor)
        return found

    def may_sign_rosters(self, account: str, key: str, at: str) -> bool:
        return any(a.account == account and a.key == key and a.role in ROSTER_ROLES and a.valid_at(at)
                   for a in self.anchors)

    def revoked(self, account: str, at: str) -> Anchors:
        """These anchors with every key of ``account`` still valid at ``at`` ending then."""
        when = stamp(at)
        return replace(self, anchors=tuple(
            replace(a, valid_before=when) if a.account == account and a.valid_at(at) else a for a in self.anchors
        ))


def parse_anchors(text: str, source: str = "") -> Anchors:
    """Read an allowed-signers file; :class:`TrustFormatError` names the first line that is wrong."""
    anchors = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            anchors.append(_parse_line(line))
        except ValueError as exc:
            raise TrustFormatError(f"{source}:{number}: {exc}") from None
    return Anchors(tuple(anchors), source)


def _parse_line(line: str) -> Anchor:
    account, _, rest = line.partition(" ")
    rest = rest.strip()
    options: dict[str, str] = {}
    if not rest.startswith(KEY_TYPE):
        option_text, _, rest = rest.partition(" ")
        for match in _OPTION.finditer(option_text):
            options[match.group(1)] = match.group(2) or ""
        rest = rest.strip()
    key = key_from_openssh(rest)
    comment = " ".join(rest.split()[2:])
    for name in ("valid-after", "valid-before"):
        value = options.get(name, "")
        if value and not re.fullmatch(r"\d{8}(\d{6})?Z?", value):
            raise ValueError(f"{name} is YYYYMMDD or YYYYMMDDHHMMSSZ, not {value!r}")
        if value and len(value) < 15:
            options[name] = value.rstrip("Z")[:8] + "000000Z"
    return Anchor(account, key, options.get("portfolio-role", ""), options.get("valid-after", ""),
                  options.get("valid-before", ""), comment)


def format_anchors(anchors: Anchors) -> str:
    header = ("# portfolio-tui allowed signers: ACCOUNT [OPTIONS] ssh-ed25519 KEY [COMMENT]\n"
              "# Managed with `portfolio trust add|revoke`; keep this file writable only by root or the admin.\n")
    return header + "".join(a.line() + "\n" for a in anchors.anchors)
