"""The learner's profile as a form shows it, and the one change a form's Save makes: what
``portfolio learner set`` sets (the off-the-job target, prior learning, the planned end, the people...).

The form is the CLI's options laid out as fields, each filled with what the record holds. Only what was
changed is passed to ``records.update_learner`` (the one check, the CLI's too, so the one-line refusals
are the same), and a field that goes with a partner (an agreed review frequency and who agreed it; prior
learning, its reason and who agreed it; the English and maths decision and who made it) is passed with
its partners as shown, as the CLI asks them to be given together. Who may set the profile is the roster's
``portfolio.setup`` (the tutor): everyone else who may see the portfolio sees the same fields, to read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from portfolio_tui.domain import funding_rules
from portfolio_tui.domain.learner import ENGLISH_MATHS_DECISIONS, REVIEW_CADENCES, Learner
from portfolio_tui.domain.reviews import REVIEW_RULES
from portfolio_tui.domain.text import clean_text
from portfolio_tui.services import records
from portfolio_tui.services.access import TABLE_ACTIONS
from portfolio_tui.services.errors import InputError
from portfolio_tui.services.session import PortfolioSession
from portfolio_tui.services.views import Access

SET_PROFILE = TABLE_ACTIONS["learner"]
"""The ``domain.roles`` action changing any field of the profile needs (the tutor's ``portfolio.setup``)."""


@dataclass(frozen=True)
class ProfileField:
    """One field of the profile: ``name`` is ``records.update_learner``'s (and the refusal's) name for it."""

    name: str
    label: str
    value: str
    """What the record holds, as text a field shows and the service reads back ("" for nothing)."""
    kind: str = "text"
    """``text``, ``date`` or ``select``."""
    hint: str = ""
    options: tuple[tuple[str, str], ...] = ()
    """``(label, value)`` for a select."""
    settable: bool = False
    """May this account change it (else it is shown to read)."""


def _hours(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


_DATE_HINT = "2026-11-21 or 21/11/2026"
FIELDS: tuple[tuple[str, str, str, str, Callable[[Learner], str]], ...] = (
    ("employer", "Employer", "text", "", lambda lr: lr.employer),
    ("line_manager", "Line manager", "text", "", lambda lr: lr.line_manager),
    ("tutor", "Tutor", "text", "", lambda lr: lr.tutor),
    ("planned_end", "Planned end", "date", _DATE_HINT + " (breaks move it)", lambda lr: _day(lr.planned_end)),
    ("epa_presentation", "EPA date", "date", _DATE_HINT + " (planned)", lambda lr: _day(lr.epa_presentation)),
    ("last_day_of_learning", "Last day of learning", "date", _DATE_HINT + " (the gateway)",
     lambda lr: _day(lr.last_day_of_learning)),
    ("contracted_hours_per_week", "Contracted hours a week", "text", "e.g. 30",
     lambda lr: _hours(lr.contracted_hours_per_week)),
    ("otj_target_hours", "Off-the-job target", "text", "hours; empty: the start date's rule",
     lambda lr: _hours(lr.otj_target_hours)),
    ("prior_learning_hours", "Prior learning hours", "text", "hours taken off the target",
     lambda lr: _hours(lr.prior_learning_hours) if lr.prior_learning_hours else ""),
    ("prior_learning_reason", "Prior learning reason", "text", "with the hours", lambda lr: lr.prior_learning_reason),
    ("prior_learning_agreed_by", "Prior learning agreed by", "text", "who at the employer agreed",
     lambda lr: lr.prior_learning_agreed_by),
    ("review_cadence", "Review frequency", "select", "", lambda lr: lr.review_cadence),
    ("review_cadence_agreed_by", "Frequency agreed by", "text", "who at the employer agreed it",
     lambda lr: lr.review_cadence_agreed_by),
    ("english_maths_decision", "English and maths", "select", "not recorded", lambda lr: lr.english_maths_decision),
    ("english_maths_decided_by", "English and maths decided by", "text", "who at the employer decided",
     lambda lr: lr.english_maths_decided_by),
    ("age_at_start", "Age at start", "text", "years",
     lambda lr: "" if lr.age_at_start is None else str(lr.age_at_start)),
)
"""Each field: ``update_learner``'s name, the label, the kind, a hint, and what the record holds as text."""

OPTIONS: Mapping[str, tuple[tuple[str, str], ...]] = {
    "review_cadence": tuple((label, key) for key, label in REVIEW_CADENCES.items()),
    "english_maths_decision": tuple((label, key) for key, label in ENGLISH_MATHS_DECISIONS.items()),
}

PARTNERS: tuple[tuple[str, ...], ...] = (
    ("review_cadence", "review_cadence_agreed_by"),
    ("english_maths_decision", "english_maths_decided_by"),
    ("prior_learning_hours", "prior_learning_reason", "prior_learning_agreed_by"),
)
"""Fields ``update_learner`` reads together: a change to one passes all of them as shown."""


START_RULE = "start-date-rule"
"""The review frequency's choice for "as the funding rule for the start date sets it", no one's agreement needed."""


def _start_rule_cadence(learner: Learner, as_of: date) -> str:
    try:
        return str(funding_rules.applying("reviews", learner.start, as_of, REVIEW_RULES).params["cadence"])
    except LookupError:
        return ""


def profile_fields(learner: Learner, access: Access, as_of: date) -> tuple[ProfileField, ...]:
    """The profile's fields as the record holds them, settable where this account may set the profile.

    The review frequency shows the start date's rule ("every 12 weeks") until another frequency is recorded
    with the employer who agreed it: without that the record's own frequency is never followed, yet the
    form showed it ("every 3 calendar months", the default) over a learner held to every 12 weeks (QA Q5)."""
    settable = access.decide(SET_PROFILE).allowed
    fields = []
    for name, label, kind, hint, shown in FIELDS:
        value, options = clean_text(shown(learner)), OPTIONS.get(name, ())
        if name == "review_cadence":
            cadence = _start_rule_cadence(learner, as_of)
            rule = f"the start date's rule ({REVIEW_CADENCES[cadence]})" if cadence in REVIEW_CADENCES else \
                "the start date's rule"
            options = ((rule, START_RULE), *options)
            value = value if learner.review_cadence_agreed_by else START_RULE
        fields.append(ProfileField(name, label, value, kind, hint, options, settable))
    return tuple(fields)


def profile_changes(fields: tuple[ProfileField, ...], typed: Mapping[str, Any]) -> dict[str, Any]:
    """What ``update_learner`` is given for what was typed: each changed field, with its partners as shown."""
    shown = {f.name: f.value for f in fields}
    values = {name: str(typed.get(name, shown[name]) or "").strip() for name in shown}
    changed = {name for name in shown if values[name] != shown[name]}
    for group in PARTNERS:
        if changed & set(group):
            changed |= set(group)
    return {name: values[name] for name in shown if name in changed}


def set_profile(session: PortfolioSession, fields: tuple[ProfileField, ...], typed: Mapping[str, Any],
                as_of: date | None = None) -> None:
    """Save what was changed in the profile form, through the CLI's own check (``records.update_learner``)."""
    changes = profile_changes(fields, typed)
    if not changes:
        raise InputError("learner", "nothing changed")
    if changes.get("review_cadence") == START_RULE:  # back to the rule: no agreed frequency is followed
        named = {f.name: f.value for f in fields}["review_cadence_agreed_by"]
        if changes.get("review_cadence_agreed_by") not in ("", named):  # a name typed for the rule itself
            raise InputError("review_cadence", "choose the frequency the employer agreed; the start date's rule "
                             "needs no one's agreement")
        del changes["review_cadence"]
        changes["review_cadence_agreed_by"] = ""
    records.update_learner(session, **changes, as_of=as_of)
