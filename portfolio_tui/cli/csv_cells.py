"""CSV cells a spreadsheet will not run: formula injection neutralised.

Excel, LibreOffice and Google Sheets treat a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and,
in some, a tab or carriage return before one) as a formula, so a learner named ``=HYPERLINK(...)``
would run in the quality team's spreadsheet. Such a cell gets a leading apostrophe, the convention
OWASP recommends, which the spreadsheet shows as plain text. Control characters are removed.
"""

from __future__ import annotations

from portfolio_tui.domain.text import clean_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value: str) -> str:
    text = clean_text(value, multiline=True)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
