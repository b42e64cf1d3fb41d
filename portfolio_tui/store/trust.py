"""The allowed-signers file: which public key speaks for which OS account (the trust anchors).

It lives outside every cohort folder, by default ``/etc/portfolio-tui/allowed_signers``, owned by
root or the provider's admin (``$PORTFOLIO_TUI_TRUST`` or ``--trust FILE`` name another). Anchors
are only worth something if the cohort group cannot write them, so a file (or its folder) that
the group or others may write, or that another account owns, is refused, never used. No file at
the default place means no anchors: a single-user laptop, where signatures are made but not
anchored.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from portfolio_tui import sharing
from portfolio_tui.domain.signatures import Anchors, TrustFormatError, format_anchors, parse_anchors
from portfolio_tui.store import persistence
from portfolio_tui.store.errors import StoreError

TRUST_ENV = "PORTFOLIO_TUI_TRUST"
DEFAULT_TRUST_FILE = Path("/etc/portfolio-tui/allowed_signers")
ANCHOR_FILE_MODE = 0o644


class TrustError(StoreError):
    """The allowed-signers file cannot be read or trusted; one line naming it and why."""


def trust_path(explicit: Path | None = None) -> Path:
    """``--trust FILE``, else ``$PORTFOLIO_TUI_TRUST``, else the system-wide default."""
    if explicit is not None:
        return explicit
    override = os.environ.get(TRUST_ENV)
    return Path(override).expanduser() if override else DEFAULT_TRUST_FILE


def load_anchors(explicit: Path | None = None, *, missing_ok: bool = False) -> Anchors:
    """The anchors in force; :class:`TrustError` for a file that is unsafe, unreadable or wrong.

    A named file (``--trust``) must exist unless ``missing_ok`` (enrolling the first key); the
    default may be missing (no anchors).
    """
    path = trust_path(explicit)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if explicit is not None and not missing_ok:
            raise TrustError(f"{path}: no such allowed-signers file") from None
        return Anchors((), str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise TrustError(f"{path}: cannot read the allowed-signers file ({_why(exc)})") from None
    refuse_unsafe(path)
    try:
        return parse_anchors(text, str(path))
    except TrustFormatError as exc:
        raise TrustError(f"{exc} (allowed-signers file)") from None


def refuse_unsafe(path: Path) -> None:
    """Refuse anchors that someone other than root or this account could have written."""
    if os.name != "posix":
        return
    me = os.getuid()
    for place, what in ((path, "file"), (path.parent, "folder")):
        info = place.stat()
        if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            raise TrustError(f"{place}: the allowed-signers {what} may be written by group or others (mode "
                             f"{stat.S_IMODE(info.st_mode):04o}), so it cannot be trusted; chmod go-w it")
        if info.st_uid not in (0, me):
            raise TrustError(f"{place}: the allowed-signers {what} belongs to {sharing.account_name(info.st_uid)},"
                             " not root or you, so it cannot be trusted")


def save_anchors(anchors: Anchors, explicit: Path | None = None) -> Path:
    """Write the anchors atomically, readable by all (they are public keys), writable by the owner only."""
    path = trust_path(explicit)
    try:
        path.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
        if path.exists():
            refuse_unsafe(path)
        persistence.write_atomically(path, format_anchors(anchors).encode("utf-8"), ANCHOR_FILE_MODE, public=True)
    except OSError as exc:
        raise TrustError(f"{path}: cannot write the allowed-signers file ({_why(exc)}); it is unchanged") from None
    return path


def _why(exc: OSError | UnicodeDecodeError) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    return exc.strerror or str(exc)
