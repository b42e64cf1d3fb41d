"""Evidence: a dated piece of work tagged to criteria, and the assessor's judgements on it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

EVIDENCE_KINDS: dict[str, str] = {
    "observation": "Observation",
    "witness-testimony": "Witness testimony",
    "product": "Product (document, letter, minutes)",
    "reflective-account": "Reflective account",
    "professional-discussion": "Professional discussion",
    "performance-review": "Performance review",
    "coach-report": "Coach report",
    "line-manager-feedback": "Line-manager feedback",
    "project": "Project",
    "presentation": "Presentation",
    "other": "Other",
}

ACCEPT = "accept"
REFER = "refer"
REOPEN = "reopen"
"""Not a tutor's decision: the mark left when an accepted piece changes, sending it back for assessment."""

JUDGED_FIELDS = ("title", "date", "kind", "criteria", "description", "files", "simulated")
"""What a tutor judged when accepting a piece: a change to any of these means the acceptance no longer
covers the piece as it stands (hours are off-the-job bookkeeping, not part of the judgement)."""


@dataclass(frozen=True)
class Judgement:
    """An assessor's decision on one piece of evidence, dated and named."""

    outcome: str
    feedback: str
    by: str
    at: str


@dataclass(frozen=True)
class Evidence:
    id: int
    title: str
    date: date
    kind: str
    criteria: tuple[str, ...] = ()
    description: str = ""
    hours: float | None = None
    files: tuple[str, ...] = ()
    simulated: bool = False
    deleted: bool = False
    judgements: tuple[Judgement, ...] = ()
    rev: int = 1
    created_by: str = ""
    created_at: str = ""
    updated_by: str = ""
    updated_at: str = ""

    @property
    def status(self) -> str:
        """``accepted``, ``referred`` or ``submitted`` (awaiting assessment): the latest judgement wins.

        A piece changed after it was accepted carries a :data:`REOPEN` mark last, so it is awaiting
        assessment again and counts towards coverage only once a tutor accepts it as it now stands.
        """
        if not self.judgements:
            return "submitted"
        outcome = self.judgements[-1].outcome
        return "accepted" if outcome == ACCEPT else "referred" if outcome == REFER else "submitted"

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"

    @property
    def kind_label(self) -> str:
        return EVIDENCE_KINDS.get(self.kind, self.kind)


def reopening(evidence: Evidence, changed: Iterable[str], by: str, at: str) -> Judgement | None:
    """The mark that sends ``evidence`` back for assessment when ``changed`` touches what its tutor accepted."""
    judged = [name for name in changed if name in JUDGED_FIELDS]
    if not evidence.accepted or not judged:
        return None
    return Judgement(REOPEN, f"changed {', '.join(judged)} after it was accepted; awaiting assessment again", by, at)
