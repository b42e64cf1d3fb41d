"""The learner profile: who the apprentice is and the dates every milestone is counted from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

REVIEW_CADENCES = {
    "12-weeks": "every 12 weeks",
    "3-months": "every 3 calendar months",
    "8-weeks": "every 8 weeks",
    "4-months": "every 4 calendar months",
    "6-months": "every 6 calendar months",
}
"""Review frequencies; the funding rules set 12 weeks or 3 calendar months by start date, and the others are
alternatives a learner may follow only with the employer's agreement recorded (``review_cadence_agreed_by``)."""
ENGLISH_MATHS_DECISIONS = {
    "required": "the employer requires English and maths",
    "not-required": "the employer does not require English and maths",
}


@dataclass(frozen=True)
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
    """The employer who agreed ``review_cadence`` as an alternative frequency; empty: the funding rule's cadence."""
    english_maths_decision: str = ""
    """For apprentices 19 or over at the start: the employer's recorded decision (``ENGLISH_MATHS_DECISIONS``)."""
    english_maths_decided_by: str = ""
    prior_learning_hours: float = 0.0
    """Off-the-job hours taken off the target for recognised prior learning."""
    prior_learning_reason: str = ""
    prior_learning_agreed_by: str = ""
    last_day_of_learning: date | None = None
    """The final day of the practical period (the gateway), with evidence of learning on it; not the sign-off date."""
