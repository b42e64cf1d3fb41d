"""One attachment as every screen shows it: its name, size and type (``services.attachments.ShownFile``),
never the ``sha256:<hex>/name`` its record holds."""

from __future__ import annotations

from textual.content import Content

from portfolio_tui.domain.text import clean_text
from portfolio_tui.services.attachments import ShownFile


def file_line(shown: ShownFile) -> Content:
    """``📎 notes.txt  1.2 KB · text/plain`` (a link: ``🔗 https://…  - · link``)."""
    mark = "🔗 " if shown.attachment.link else "📎 "
    return Content.assemble((mark, ""), (clean_text(shown.attachment.name), "bold"),
                            (f"  {shown.size_text} · {shown.attachment.type}", "$text-muted"))
