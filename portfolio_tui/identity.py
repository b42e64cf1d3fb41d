"""Who is acting: the operating-system account of this process, never a name the user typed.

``$USER`` and ``$LOGNAME`` are set by whoever starts the process, so an audit trail built on them
could be forged with one ``export``; the password database entry for the real uid cannot.
"""

from __future__ import annotations

import os


def current_user() -> str:
    """The login name of the process's real uid (``getpass`` only where there is no ``pwd``, e.g. Windows)."""
    try:
        import pwd
    except ImportError:
        import getpass

        return getpass.getuser()
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        # A uid with no passwd entry (some containers) is still a stable identity.
        return f"uid-{os.getuid()}"
