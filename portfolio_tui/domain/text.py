"""User text is data: strip what would reach another person's terminal as a command."""

from __future__ import annotations

import unicodedata

_ALLOWED_CONTROLS = {"\n", "\t"}
_JOINERS = {"\u200d", "\u200c"}


def _unsafe(ch: str, multiline: bool) -> bool:
    if multiline and ch in _ALLOWED_CONTROLS:
        return False
    return unicodedata.category(ch) in ("Cc", "Cf") and ch not in _JOINERS


def unsafe_characters(text: str, *, multiline: bool = False) -> list[str]:
    """Return the control, escape and bidi-override characters in ``text`` (described, for messages).

    C0 and C1 controls (ESC, CSI 0x9b, BEL, ...) would drive the terminal of whoever views the
    portfolio; bidirectional overrides make a title read differently from what it is.
    """
    if text.isprintable():
        return []
    return [f"U+{ord(ch):04X}" for ch in text if _unsafe(ch, multiline)]


def clean_text(text: str, *, multiline: bool = False) -> str:
    """Remove control, escape and format characters; keep newlines and tabs when ``multiline``."""
    if text.isprintable():
        # The common case, in C: a printable string has no control (Cc) or format (Cf) character at all.
        return text
    return "".join(ch for ch in text if not _unsafe(ch, multiline))
