"""Evidence: a dated piece of work tagged to criteria, and the assessor's judgements on it."""

from __future__ import annotations

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
        """``accepted``, ``referred`` or ``submitted``: the latest judgement wins."""
        if not self.judgements:
            return "submitted"
        return "accepted" if self.judgements[-1].outcome == ACCEPT else "referred"

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"

    @property
    def kind_label(self) -> str:
        return EVIDENCE_KINDS.get(self.kind, self.kind)
