"""The learner profile: who the apprentice is and the dates every milestone is counted from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

REVIEW_CADENCES = {"12-weeks": "every 12 weeks", "3-months": "every 3 calendar months"}


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
