"""What a programme records beside evidence: reviews, off-the-job hours, breaks, prerequisites,
gateway checklist items, milestones done, recorded grades and sign-offs.

Each record is dated and names who recorded it (the OS account), because an auditor must be able
to see who confirmed what, when.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from portfolio_tui.domain.frozen import field, frozen

TYPE_CHECKING = False  # (typing costs the gateway's start-up)
if TYPE_CHECKING:
    from typing import Any

OTJ_EXCLUDED_CATEGORIES: dict[str, str] = {
    "english-maths": "English and maths",
    "progress-review": "Progress review",
    "initial-assessment": "Initial assessment",
    "exam": "Exam",
    "induction": "Induction",
}
OTJ_CATEGORIES: dict[str, str] = {
    "teaching": "Teaching of theory",
    "practical-training": "Practical training",
    "shadowing": "Shadowing and mentoring",
    "industry-visit": "Industry visit",
    "learning-support": "Learning support and tutorials",
    "assignment": "Writing assignments or projects",
    "self-study": "Self-study",
    **OTJ_EXCLUDED_CATEGORIES,
}


REVIEW_PARTIES: tuple[str, ...] = ("apprentice", "employer", "provider")
"""The three parties to a progress review; each confirms it once, by its own account."""


@frozen
class Confirmation:
    """One party's confirmation of a review: ``by`` is the OS account that made it (never a typed name),
    ``at`` when. The party is the one that account stands for (``domain.roles.REVIEW_PARTY_OF_ROLE``)."""

    party: str
    by: str
    at: str


@frozen
class Review:
    """A three-way progress review (apprentice, employer, provider).

    ``confirmations`` are the parties' own, each made by its account. ``signed_by`` holds names as the
    person recording the review wrote them down (files from before confirmations were made by account):
    shown as such, never counted as a party's confirmation.
    """

    id: int
    date: date
    attendees: tuple[str, ...] = ()
    otj_hours_discussed: float | None = None
    actions: str = ""
    notes: str = ""
    signed_by: tuple[str, ...] = ()
    recorded_by: str = ""
    recorded_at: str = ""
    confirmations: tuple[Confirmation, ...] = ()

    def confirmation(self, party: str) -> Confirmation | None:
        """The party's confirmation, or ``None`` while it has not confirmed."""
        return next((c for c in self.confirmations if c.party == party), None)


@frozen
class OtjEntry:
    id: int
    date: date
    hours: float
    category: str
    criteria: tuple[str, ...] = ()
    description: str = ""
    recorded_by: str = ""
    recorded_at: str = ""

    @property
    def counts(self) -> bool:
        return self.category not in OTJ_EXCLUDED_CATEGORIES


@frozen
class BreakInLearning:
    """A pause in the programme; ``end`` is ``None`` while the break is still going on."""

    id: int
    start: date
    end: date | None = None
    reason: str = ""
    recorded_by: str = ""
    recorded_at: str = ""


@frozen
class PrerequisiteRecord:
    key: str
    achieved_on: date
    note: str = ""
    recorded_by: str = ""
    recorded_at: str = ""


@frozen
class ChecklistRecord:
    """A gateway checklist item the plan names (``epa-booked``) or ``employer-confirmation``."""

    key: str
    done_on: date
    detail: str = ""
    recorded_by: str = ""
    recorded_at: str = ""


@frozen
class MilestoneDone:
    """A plan milestone marked done; or, with ``undone`` set, that mark taken back (on ``done_on``, with a
    reason). Marks are appended, never edited, so the record shows every mark and every undo."""

    key: str
    done_on: date
    recorded_by: str = ""
    recorded_at: str = ""
    undone: bool = False
    reason: str = ""


def milestones_standing(records: Iterable[MilestoneDone], as_of: date | None = None) -> dict[str, MilestoneDone]:
    """Each milestone's mark that stands (on ``as_of``): marks and undos taken in the order recorded."""
    standing: dict[str, MilestoneDone] = {}
    for record in records:
        if as_of is not None and record.done_on > as_of:
            continue
        if record.undone:
            standing.pop(record.key, None)
        else:
            standing[record.key] = record
    return standing


@frozen
class GradeRecord:
    """A recorded result for one grading rule kind; ``values`` holds that kind's arguments."""

    id: int
    kind: str
    values: dict[str, Any] = field(default_factory=dict)
    recorded_by: str = ""
    recorded_at: str = ""


@frozen
class SignOff:
    """A gateway sign-off by one role, in the order assessor, apprentice, employer; or its withdrawal.

    Sign-offs are sealed, never edited: a signer takes theirs back by appending a record with
    ``withdrawal`` set (and a reason). ``reason`` on a sign-off says why it was made while gateway
    items were still open.
    """

    role: str
    by: str
    on: date
    recorded_at: str = ""
    reason: str = ""
    withdrawal: bool = False
