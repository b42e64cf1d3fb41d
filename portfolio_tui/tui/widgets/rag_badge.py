"""The readiness RAG as a badge whose word carries the meaning (so NO_COLOR loses nothing)."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

RAG_STYLES = {
    "green": "bold $text-success on $success-muted",
    "amber": "bold $text-warning on $warning-muted",
    "red": "bold $text-error on $error-muted",
}


class RagBadge(Static):
    DEFAULT_CSS = """
    RagBadge { width: auto; height: 1; }
    """

    rag: reactive[str] = reactive("", layout=True)

    def render(self) -> Content:
        if not self.rag:
            return Content("")
        return Content.styled(f" {self.rag.upper()} ", RAG_STYLES.get(self.rag.lower(), "bold reverse"))
