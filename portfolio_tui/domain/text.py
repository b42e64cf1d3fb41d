"""User text is data: strip what would reach another person's terminal as a command."""

from __future__ import annotations

import unicodedata

_ALLOWED_CONTROLS = {"\n", "\t"}


def unsafe_characters(text: str, *, multiline: bool = False) -> list[str]:
    """Return the control, escape and bidi-override characters in ``text`` (described, for messages).

    C0 and C1 controls (ESC, CSI 0x9b, BEL, ...) would drive the terminal of whoever views the
    portfolio; bidirectional overrides make a title read differently from what it is.
    """
    found = []
    for ch in text:
        if multiline and ch in _ALLOWED_CONTROLS:
            continue
        if unicodedata.category(ch) in ("Cc", "Cf") and ch not in ("\u200d", "\u200c"):
            found.append(f"U+{ord(ch):04X}")
    return found


def clean_text(text: str, *, multiline: bool = False) -> str:
    """Remove control, escape and format characters; keep newlines and tabs when ``multiline``."""
    out = []
    for ch in text:
        if multiline and ch in _ALLOWED_CONTROLS:
            out.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Cf") and ch not in ("\u200d", "\u200c"):
            continue
        else:
            out.append(ch)
    return "".join(out)
