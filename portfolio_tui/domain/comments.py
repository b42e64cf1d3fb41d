"""Comments on evidence: a thread per piece between the apprentice, the tutor and the line manager."""

from __future__ import annotations

from portfolio_tui.domain.frozen import frozen


@frozen
class Comment:
    id: int
    evidence: int
    text: str
    recorded_by: str = ""
    recorded_at: str = ""
