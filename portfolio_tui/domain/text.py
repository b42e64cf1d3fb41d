"""User text is data: strip what would reach another person's terminal as a command."""

from __future__ import annotations

import re

_ALLOWED_CONTROLS = {"\n", "\t"}
_JOINERS = {"\u200d", "\u200c"}
_UNSAFE_CATEGORIES = ("Cc", "Cf", "Cs", "Zl", "Zp")
"""Controls (C0, C1 with CSI U+009B, DEL), format characters (bidi overrides, zero-width), lone
surrogates (a hand-edited ``\\ud800`` that no terminal or encoder can take) and line separators."""

_ESCAPED = (
    "[\u007f-\u009f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f"
    "\u2028-\u202e\u2060-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001345f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e007f]"
)
"""Every character of :data:`_UNSAFE_CATEGORIES` above ASCII (JSON escapes the C0 controls itself); compiled when first
needed (by ``re``'s own cache: ASCII text needs none, and the pattern takes half a millisecond to compile)."""


def _unsafe(ch: str, multiline: bool) -> bool:
    if multiline and ch in _ALLOWED_CONTROLS:
        return False
    import unicodedata  # (only text that is not printable is looked at: a gateway run's start-up does without it)

    return unicodedata.category(ch) in _UNSAFE_CATEGORIES and ch not in _JOINERS


def unsafe_characters(text: str, *, multiline: bool = False) -> list[str]:
    """Return the control, escape and bidi-override characters in ``text`` (described, for messages).

    C0 and C1 controls (ESC, CSI 0x9b, BEL, ...) would drive the terminal of whoever views the
    portfolio; bidirectional overrides make a title read differently from what it is.
    """
    if text.isprintable():
        return []
    return [f"U+{ord(ch):04X}" for ch in text if _unsafe(ch, multiline)]


def clean_text(text: str, *, multiline: bool = False) -> str:
    """Remove control, escape and format characters; keep newlines and tabs when ``multiline``.

    A lone surrogate becomes U+FFFD, so a reader sees that something unshowable was there.
    """
    if text.isprintable():
        # The common case, in C: a printable string has no control, format, surrogate or separator character.
        return text
    import unicodedata

    return "".join(
        ("\ufffd" if unicodedata.category(ch) == "Cs" else "") if _unsafe(ch, multiline) else ch for ch in text
    )


_SURROGATE = "[\ud800-\udfff]"


def utf8(text: str) -> bytes:
    """``text`` as UTF-8 for a file the app writes (a report, an export's pages): a lone surrogate from a
    hand-edited portfolio becomes U+FFFD rather than stopping the write."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return re.sub(_SURROGATE, "\ufffd", text).encode("utf-8")


def lone_surrogates(text: str) -> list[str]:
    """The lone surrogates in ``text``, described (``U+D800``), for a message."""
    return [f"U+{ord(ch):04X}" for ch in re.findall(_SURROGATE, text)]


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def escape_json_text(encoded: str) -> str:
    """JSON text (as ``json.dumps(..., ensure_ascii=False)`` makes it) with every unsafe character as a
    ``\\uXXXX`` escape: the same data to a JSON reader, nothing a terminal would act on."""
    return encoded if encoded.isascii() and "\x7f" not in encoded else re.sub(_ESCAPED, _json_escape, encoded)
