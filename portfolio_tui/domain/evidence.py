"""Evidence: a dated piece of work tagged to criteria, and the assessor's judgements on it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from operator import attrgetter

from portfolio_tui.domain.frozen import frozen

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

DEFAULT_KIND = "product"
"""The kind a new piece starts as: most evidence is something made (a letter, minutes, a report)."""

KIND_WORDS: dict[str, tuple[str, ...]] = {
    "observation": ("observation",),
    "witness-testimony": ("witness testimony", "witness statement", "testimony"),
    "reflective-account": ("reflective account", "reflective log", "reflection", "reflections", "reflective"),
    "professional-discussion": ("professional discussion",),
    "performance-review": ("performance review", "appraisal"),
    "coach-report": ("coach report", "coaching report", "coach s report"),
    "line-manager-feedback": ("line manager feedback", "line manager s feedback", "manager feedback"),
    "project": ("work based project", "project report", "project proposal"),
    "presentation": ("presentation",),
}
"""Words in a title that name its kind ("Reflective account on a new process"), lower case, with
hyphens and apostrophes read as spaces. Only phrases that say what a piece is, not what it is about:
"Minutes of the project meeting" is still a product."""


def kind_for_title(title: str) -> str:
    """The kind a title's words suggest, or :data:`DEFAULT_KIND`: the form's Kind follows the title
    while the apprentice has not chosen one (a choice of theirs is never overridden). Where a title
    names two kinds, the one named first wins ("Observation of a presentation")."""
    words = " " + " ".join("".join(c if c.isalnum() else " " for c in title.casefold()).split()) + " "
    found = [(at, -len(phrase), kind) for kind, phrases in KIND_WORDS.items() for phrase in phrases
             if (at := words.find(f" {phrase} ")) >= 0]
    return min(found)[2] if found else DEFAULT_KIND


_NONE: frozenset[str] = frozenset()
_CRITERION = attrgetter("criterion")

ACCEPT = "accept"
REFER = "refer"
REOPEN = "reopen"
"""Not a tutor's decision: the mark left when a judged piece (accepted or referred) changes, sending it back for
assessment."""

_DECIDED = (ACCEPT, REFER)
"""The outcomes that decide a piece judged whole (any other, a reopen mark, leaves it awaiting assessment)."""

JUDGED_FIELDS = ("title", "date", "kind", "criteria", "description", "files", "simulated")
"""What a tutor judged when accepting a piece: a change to any of these means the acceptance no longer
covers the piece as it stands (hours are off-the-job bookkeeping, not part of the judgement)."""


@frozen
class Judgement:
    """An assessor's decision on one piece of evidence, dated and named."""

    outcome: str
    feedback: str
    by: str
    at: str
    criterion: str = ""
    """The one criterion judged ("" for the whole piece: every criterion it is tagged to)."""


@frozen
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
        """``accepted``, ``referred`` or ``submitted`` (awaiting assessment): for each criterion the latest
        judgement of it (or of the whole piece) wins; one referred criterion refers the piece, and it is
        accepted once every criterion is.

        A piece changed after it was accepted carries a :data:`REOPEN` mark last, so it is awaiting
        assessment again and counts towards coverage only once a tutor accepts it as it now stands.
        """
        judgements = self.judgements
        if not judgements:
            return "submitted"
        if not self.criteria or not any(map(_CRITERION, judgements)):
            outcome = judgements[-1].outcome
            return "accepted" if outcome == ACCEPT else "referred" if outcome == REFER else "submitted"
        outcomes = [self.outcome_for(c) for c in self.criteria]
        if REFER in outcomes:
            return "referred"
        return "accepted" if all(o == ACCEPT for o in outcomes) else "submitted"

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"

    @property
    def resubmitted(self) -> bool:
        """Awaiting assessment again because it changed after a tutor judged it (its last judgement is a
        :data:`REOPEN` mark): the tutor has something new to judge, not a first submission."""
        judgements = self.judgements
        return bool(judgements) and judgements[-1].outcome == REOPEN and self.status == "submitted"

    def outcome_for(self, criterion: str) -> str | None:
        """The latest judgement of ``criterion`` on this piece (its own or the whole piece's), if any."""
        for judgement in reversed(self.judgements):
            if judgement.criterion in ("", criterion):
                return judgement.outcome
        return None

    @property
    def accepted_criteria(self) -> frozenset[str]:
        """The criteria this piece counts as accepted for."""
        judgements = self.judgements
        if not judgements:
            return _NONE
        if not any(map(_CRITERION, judgements)):  # (whole-piece judgements only: the latest decides)
            return frozenset(self.criteria) if judgements[-1].outcome == ACCEPT else _NONE
        return frozenset(c for c in self.criteria if self.outcome_for(c) == ACCEPT)

    @property
    def kind_label(self) -> str:
        return EVIDENCE_KINDS.get(self.kind, self.kind)


def holds_acceptance(judgements: Iterable[tuple[object, object]]) -> bool:
    """Does a piece judged so (``(outcome, criterion)`` pairs, oldest first) hold an acceptance: of the whole piece,
    or of one criterion, that no later judgement of the whole piece took back? A tutor's referral of one criterion
    leaves the others accepted (review R7-20: edits after it stood under them, unfollowed). Read from the judgements
    alone, as the audit's entries hold them, so the app's reopen rule, verify and the readers decide alike."""
    for outcome, criterion in reversed(list(judgements)):
        if outcome == ACCEPT:
            return True
        if not criterion:
            return False
    return False


def reopening(evidence: Evidence, changed: Iterable[str], by: str, at: str) -> Judgement | None:
    """The mark that sends ``evidence`` back for assessment when ``changed`` touches what its tutor judged:
    work accepted, the whole piece or any criterion of it (:func:`holds_acceptance`), no longer covered as it
    stands, or referred work the apprentice improved (a resubmission, which the tutor's "to assess" count must
    show again, not leave as referred)."""
    judged = [name for name in changed if name in JUDGED_FIELDS]
    status = evidence.status
    if not judged or (status != "referred"
                      and not holds_acceptance((j.outcome, j.criterion) for j in evidence.judgements)):
        return None
    if status == "referred":
        return Judgement(REOPEN, f"changed {', '.join(judged)} after it was referred; resubmitted for assessment",
                         by, at)
    return Judgement(REOPEN, f"changed {', '.join(judged)} after it was accepted; awaiting assessment again", by, at)

def awaiting_assessment(evidence: Iterable[Evidence]) -> int:
    """How many live pieces no tutor has judged in full yet, resubmissions included (the caseload's "to assess"
    column): those with no judgement, and those whose :attr:`Evidence.status` is ``submitted``. The usual judged
    piece has one judgement, of the whole piece, whose outcome is its status (worked out here without the property:
    readiness counts every piece of every portfolio of a caseload)."""
    count = 0
    for piece in evidence:
        if piece.deleted:
            continue
        judgements = piece.judgements
        if not judgements:
            count += 1
        elif len(judgements) == 1 and not judgements[0].criterion:
            count += judgements[0].outcome not in _DECIDED
        elif piece.status == "submitted":
            count += 1
    return count
