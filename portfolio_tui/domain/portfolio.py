"""One apprentice's portfolio as the rules see it: a snapshot with no I/O behind it."""

from __future__ import annotations

from portfolio_tui.domain.comments import Comment
from portfolio_tui.domain.evidence import Evidence, Judgement
from portfolio_tui.domain.frozen import fields, frozen, replace
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


@frozen
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
    changed_outside: tuple[str, ...] = ()
    """Records not as the file's audit last recorded them (``evidence 2``): changed, added or removed outside the
    app. What they say is not believed; ``portfolio verify`` tells more (``store.audit_index.Fingerprints``)."""

    @property
    def live_evidence(self) -> tuple[Evidence, ...]:
        """Evidence that has not been removed (removed evidence can be restored, so it is kept)."""
        return tuple(e for e in self.evidence if not e.deleted)

    def comments_on(self, evidence_id: int) -> tuple[Comment, ...]:
        return tuple(c for c in self.comments if c.evidence == evidence_id)



def changed_outside_text(records: tuple[str, ...]) -> str:
    """One line naming the records changed outside the app (:attr:`Portfolio.changed_outside`), as every reader
    that shows the state says it."""
    named = ", ".join(records[:3]) + (f" and {len(records) - 3} more" if len(records) > 3 else "")
    return f"changed outside the app: {named}; run `portfolio verify` (a tutor repairs it)"


class EvidenceOutline(Evidence):
    """A piece of evidence as readiness reads it: its free text left out.

    What readiness reads of a piece is held in slots (:data:`KEPT`); the rest is the empty value this
    class gives it, whatever the file says, and each judgement holds only its outcome and criterion
    (:func:`judgement_outline`). Readiness gives the same report for an outline as for the piece, in a
    fifth of the memory. Made by :func:`evidence_outline` (or ``store.records.evidence_outlines``),
    never by ``Evidence``'s constructor, which would keep the texts.
    """

    __slots__ = ("id", "date", "kind", "criteria", "simulated", "deleted", "judgements", "rev")
    title = description = created_by = created_at = updated_by = updated_at = ""
    files: tuple[str, ...] = ()
    hours = None  # (a piece's hours are off-the-job bookkeeping; readiness counts the off-the-job log's)


KEPT: tuple[str, ...] = EvidenceOutline.__slots__
"""The fields of a piece an :class:`EvidenceOutline` holds."""


def judgement_outline(outcome: str, criterion: str) -> Judgement:
    """A judgement as readiness reads it: who gave it, when and the feedback left out."""
    return Judgement(outcome, "", "", "", criterion)


def unjudged(piece: Evidence) -> Evidence:
    """The piece with no judgement: as readiness counts one changed outside the app, whose judgements (typed in
    by hand, perhaps) are not believed."""
    if isinstance(piece, EvidenceOutline):
        made = object.__new__(EvidenceOutline)
        for name in KEPT:
            object.__setattr__(made, name, getattr(piece, name))
        object.__setattr__(made, "judgements", ())
        return made
    return replace(piece, judgements=())


def evidence_outline(piece: Evidence) -> EvidenceOutline:
    """The outline of a piece."""
    made = object.__new__(EvidenceOutline)
    for name in KEPT:
        object.__setattr__(made, name, getattr(piece, name))
    judgements = tuple(judgement_outline(j.outcome, j.criterion) for j in piece.judgements)
    object.__setattr__(made, "judgements", judgements)
    return made


@frozen
class PortfolioOutline(Portfolio):
    """A portfolio as readiness reads it (:func:`~portfolio_tui.domain.gateway.assess_readiness`): its
    evidence as :class:`EvidenceOutline`, and no comments (readiness reads none).

    A tutor's check of a caseload needs each piece's tags, judgements and dates, not what the pieces
    say, and leaving the texts out is what lets a worker hold a portfolio in less memory than its file
    (``store.outline`` builds one as it reads the file). An outline is never shown, exported or saved.
    """

    evidence: tuple[EvidenceOutline, ...] = ()


def outline(portfolio: Portfolio) -> PortfolioOutline:
    """The outline of a whole portfolio: what ``store.outline`` reads from a file, for a file read whole."""
    tables = {f.name: getattr(portfolio, f.name) for f in fields(Portfolio)}
    tables["evidence"] = tuple(map(evidence_outline, portfolio.evidence))
    tables["comments"] = ()
    tables["changed_outside"] = counted_changes(portfolio)
    return PortfolioOutline(**tables)


def counted_changes(portfolio: Portfolio) -> tuple[str, ...]:
    """Of :attr:`Portfolio.changed_outside`, what the gateway's own reading names: it looks only at what readiness
    counts (``store.audit_index.Fingerprints``), not at a comment or at a piece holding no judgement, though it
    names either when it is gone."""
    uncounted = {f"evidence {e.id}" for e in portfolio.evidence if not e.judgements}
    uncounted.update(f"comments {c.id}" for c in portfolio.comments)
    return tuple(name for name in portfolio.changed_outside if name not in uncounted)


def unconfirmed_where_changed(portfolio: Portfolio, changed: frozenset[str]) -> Portfolio:
    """``portfolio`` with no confirmation on a record ``changed`` names (``learner 1``, ``reviews 2``): as readiness
    counts a learner's record or a review changed outside the app, whose confirmations (the employer's of its
    decisions, each party's of a review; one slipped in by another account's edit, review R7-18) are not
    believed, as a changed piece's judgements are not (:func:`unjudged`)."""
    learner = portfolio.learner
    if "learner 1" in changed and learner.employer_confirmations:
        portfolio = replace(portfolio, learner=replace(learner, employer_confirmations=()))
    if any(name.startswith("reviews ") for name in changed):
        portfolio = replace(portfolio, reviews=tuple(
            replace(r, confirmations=()) if f"reviews {r.id}" in changed and r.confirmations else r
            for r in portfolio.reviews))
    return portfolio
