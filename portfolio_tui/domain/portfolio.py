"""One apprentice's portfolio as the rules see it: a snapshot with no I/O behind it."""

from __future__ import annotations

from dataclasses import dataclass

from portfolio_tui.domain.comments import Comment
from portfolio_tui.domain.evidence import Evidence
from portfolio_tui.domain.learner import Learner
from portfolio_tui.domain.progress import (
    BreakInLearning,
    ChecklistRecord,
    GradeRecord,
    MilestoneDone,
    OtjEntry,
    PrerequisiteRecord,
    Review,
    SignOff,
)


@dataclass(frozen=True)
class Portfolio:
    learner: Learner
    evidence: tuple[Evidence, ...] = ()
    reviews: tuple[Review, ...] = ()
    otj: tuple[OtjEntry, ...] = ()
    breaks: tuple[BreakInLearning, ...] = ()
    prerequisites: tuple[PrerequisiteRecord, ...] = ()
    checklist: tuple[ChecklistRecord, ...] = ()
    milestones_done: tuple[MilestoneDone, ...] = ()
    grades: tuple[GradeRecord, ...] = ()
    signoffs: tuple[SignOff, ...] = ()
    comments: tuple[Comment, ...] = ()

    @property
    def live_evidence(self) -> tuple[Evidence, ...]:
        """Evidence that has not been removed (removed evidence can be restored, so it is kept)."""
        return tuple(e for e in self.evidence if not e.deleted)

    def comments_on(self, evidence_id: int) -> tuple[Comment, ...]:
        return tuple(c for c in self.comments if c.evidence == evidence_id)
