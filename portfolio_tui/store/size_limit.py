"""The largest portfolio file the app reads, and the largest roster: measured on the open file before a byte
of it is read, so a file made by hand to be huge is refused, not read into memory.

A portfolio is read whole: the first open of one peaks at about five times its size (README: peak RSS rise), and a
hand-made 148 MB file took the app to 817 MB. A real one is far smaller: 200 pieces of evidence with their
audit is 0.2 MB; three years far busier than any real programme (1,500 pieces, each referred, edited and
accepted, 600 off-the-job entries, 1,000 comments: 7,600 audit entries; measured 2026-12-01) 7.7 MB; 20,000
pieces 8.4 MB. The limit, ``$PORTFOLIO_TUI_PORTFOLIO_LIMIT_MB`` megabytes, defaults to
:data:`DEFAULT_LIMIT_MB`: eight times that, and a first open's peak of about 330 MB. A roster (a cohort's
people and each signed change) is held to the same limit; a real one is a few kilobytes.
"""

from __future__ import annotations

import os
import re

from portfolio_tui.store.errors import BadSetting, CorruptFile

LIMIT_ENV = "PORTFOLIO_TUI_PORTFOLIO_LIMIT_MB"
DEFAULT_LIMIT_MB = 64
_MEGABYTES = r"[0-9]{1,9}(\.[0-9]{1,6})?\Z"
"""A size as the limits are set (compiled when one is, by re's own cache)."""
_MB = 1024 * 1024


def megabytes_from_env(name: str, default: float) -> int:
    """A size limit in bytes from an environment variable holding megabytes (``default`` when unset or empty).

    Only a plain ASCII decimal counts (``50``, ``0.5``): ``float`` would take ``nan``, ``inf``, ``1e9`` and
    ``1_000``, and ``int(nan)`` is a traceback (review R9). Anything else (``abc``, ``-1``, ``1e999``) is
    :class:`BadSetting`: one line, exit 2, rather than a default nobody asked for."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return int(default * _MB)
    if not re.match(_MEGABYTES, raw):
        raise BadSetting(name, os.environ[name], f"a size in megabytes (a plain number, like {default:g} or 0.5)")
    return int(float(raw) * _MB)


def limit_bytes() -> int:
    """The largest portfolio (or roster) read: ``$PORTFOLIO_TUI_PORTFOLIO_LIMIT_MB`` megabytes (default 64)."""
    return megabytes_from_env(LIMIT_ENV, DEFAULT_LIMIT_MB)


class TooLarge(CorruptFile):
    """A file over the limit: refused before it is read, and left as it is."""

    def __init__(self, path: os.PathLike[str] | str, size: int, limit: int, what: str = "a portfolio"):
        self.size, self.limit = size, limit
        super().__init__(os.fspath(path), f"it is {size / _MB:.1f} MB, more than the {limit / _MB:g} MB {what} may "
                                          f"be (${LIMIT_ENV} sets the limit)")


def refuse_oversized(path: os.PathLike[str] | str, size: int, what: str = "a portfolio") -> None:
    """Raise :class:`TooLarge` when ``size`` (the open file's, from ``fstat``) is over the limit."""
    limit = limit_bytes()
    if size > limit:
        raise TooLarge(path, size, limit, what)
