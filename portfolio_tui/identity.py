"""Who is acting: the operating-system account of this process, never a name the user typed.

``$USER`` and ``$LOGNAME`` are set by whoever starts the process, so an audit trail built on them
could be forged with one ``export``; the password database entry for the real uid cannot.
"""

from __future__ import annotations

import os

from portfolio_tui.sharing import account_name


def current_user() -> str:
    """The login name of the process's real uid; ``uid-N`` for a uid with no passwd entry (some
    containers), still a stable identity. ``getpass`` only where there are no uids (Windows)."""
    if not hasattr(os, "getuid"):
        import getpass

        return getpass.getuser()
    return account_name(os.getuid())
