"""The learner profile: who the apprentice is and the dates every milestone is counted from."""

from __future__ import annotations

from datetime import date

from portfolio_tui.domain.frozen import frozen

REVIEW_CADENCES = {
    "12-weeks": "every 12 weeks",
    "3-months": "every 3 calendar months",
    "8-weeks": "every 8 weeks",
    "4-months": "every 4 calendar months",
    "6-months": "every 6 calendar months",
}
"""Review frequencies; the funding rules set 12 weeks or 3 calendar months by start date, and the others are
alternatives a learner may follow only once the employer has confirmed it (``domain.employer_decisions``)."""
ENGLISH_MATHS_DECISIONS = {
    "required": "the employer requires English and maths",
    "not-required": "the employer does not require English and maths",
}


@frozen
class DecisionConfirmation:
    """The employer's confirmation of one of its decisions on the learner's record (``domain.employer_decisions``).

    ``decision`` is which (``english-maths``, ``prior-learning``, ``review-cadence``), ``terms`` the decision as
    the record held it when confirmed (a later change of it needs confirming again), ``party`` always
    ``employer``, ``by`` the OS account that confirmed (the line manager's, never a typed name), ``at`` when."""

    decision: str
    terms: str
    party: str
    by: str
    at: str


@frozen
class Learner:
    name: str
    standard_id: str
    standard_version: str
    start: date
    planned_end: date
    employer: str = ""
    line_manager: str = ""
    tutor: str = ""
    review_cadence: str = "3-months"
    contracted_hours_per_week: float = 30.0
    otj_target_hours: float | None = None
    """Set per learner; when ``None`` the target follows the start-date regime."""
    age_at_start: int | None = None
    epa_presentation: date | None = None
    """Planned presentation date where it differs from the planned end."""
    review_cadence_agreed_by: str = ""
    """Who at the employer agreed ``review_cadence`` as an alternative frequency, as the recorder typed it (noted,
    never counted); set, the frequency is proposed, and it applies once the employer confirms it."""
    english_maths_decision: str = ""
    """For apprentices 19 or over at the start: the employer's decision (``ENGLISH_MATHS_DECISIONS``), as recorded;
    it counts once the employer confirms it."""
    english_maths_decided_by: str = ""
    """Who at the employer decided, as the recorder typed it (noted, never counted)."""
    prior_learning_hours: float = 0.0
    """Off-the-job hours to take off the target for recognised prior learning, once the employer confirms them."""
    prior_learning_reason: str = ""
    prior_learning_agreed_by: str = ""
    """Who at the employer agreed, as the recorder typed it (noted, never counted)."""
    last_day_of_learning: date | None = None
    """The final day of the practical period (the gateway), with evidence of learning on it; not the sign-off date."""
    employer_confirmations: tuple[DecisionConfirmation, ...] = ()
    """The employer's confirmations of its decisions, each by the line manager's account; only ever added to."""
