"""Every field of every record the generic path writes (``services.record_fields``): what a real programme
allows is kept, anything else is refused naming the field, whatever the caller built."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio_tui import catalog
from portfolio_tui.domain.text import unsafe_characters
from portfolio_tui.services import record_fields
from portfolio_tui.services import validation as check
from portfolio_tui.services.errors import InputError
from portfolio_tui.store.records import RECORD_TABLES, check_record

START, TODAY = date(2025, 3, 3), date(2026, 1, 15)
ODO = catalog.get("odo-l3")
AT = record_fields.Programme(START, TODAY, lambda: ODO)

GOOD: dict[str, dict[str, Any]] = {
    "reviews": {"date": "2025-06-02", "attendees": ["Ava Patel"], "otj_hours_discussed": 40.0, "actions": "Plan",
                "notes": "", "signed_by": [], "confirmations": [{"party": "provider", "by": "sam",
                                                                 "at": "2025-06-02T10:00:00Z"}]},
    "otj": {"date": "2025-06-03", "hours": 3.5, "category": "teaching", "criteria": ["K1"], "description": "Course"},
    "breaks": {"start": "2025-07-01", "end": "2025-09-01", "reason": "Parental leave"},
    "prerequisites": {"key": "maths-l2", "achieved_on": "2019-08-20", "note": "GCSE grade 5"},
    "checklist": {"key": "epa-organisation-chosen", "done_on": "2025-11-01", "detail": "Chosen"},
    "milestones": {"key": "plan-review", "done_on": "2025-06-01", "undone": False, "reason": ""},
    "grades": {"kind": "weighted-components", "values": {"component": "interview", "grade": "pass",
                                                         "on": "2026-01-10"}},
    "signoffs": {"role": "assessor", "by": "sam", "on": "2026-01-10", "reason": "", "withdrawal": False},
    "comments": {"evidence": 1, "text": "Good piece."},
}
BAD: dict[str, tuple[dict[str, Any], str]] = {
    "reviews": ({"otj_hours_discussed": 100_000}, "otj_hours_discussed"),
    "otj": ({"hours": 100_000}, "hours"),
    "breaks": ({"end": "2199-12-31"}, "end"),
    "prerequisites": ({"note": "\x1b]0;owned\x07"}, "note"),
    "checklist": ({"done_on": "2026-01-16"}, "done_on"),
    "milestones": ({"undone": True, "reason": " "}, "reason"),
    "grades": ({"values": {"component": "interview", "grade": "pass", "note": "x" * 501}}, "note"),
    "signoffs": ({"on": "2025-03-02"}, "on"),
    "comments": ({"text": "a" * (check.MULTI_LINE_LIMIT + 1)}, "text"),
}


@pytest.mark.parametrize("table", GOOD)
def test_a_real_record_of_each_table_is_kept_as_the_store_keeps_it(table: str) -> None:
    kept = record_fields.checked(table, GOOD[table], AT)
    assert kept == GOOD[table]
    stored = kept | {"rev": 1, "created_by": "sam", "created_at": "2026-01-15T10:00:00Z"}
    assert check_record(RECORD_TABLES[table], stored, f"$.{table}.1") == []


@pytest.mark.parametrize("table", BAD)
def test_a_value_no_programme_holds_is_refused_naming_the_field(table: str) -> None:
    wrong, field = BAD[table]
    with pytest.raises(InputError) as refused:
        record_fields.checked(table, GOOD[table] | wrong, AT)
    assert refused.value.field == field
    assert "\x1b" not in str(refused.value) and "\n" not in str(refused.value)


@pytest.mark.parametrize("table", GOOD)
def test_a_field_the_table_does_not_have_is_refused(table: str) -> None:
    for extra in ({"rev": 7}, {"created_by": "someone else"}, {"hacked\x1b[2J": 1}):
        with pytest.raises(InputError, match=r"^fields: .* is not a field of the") as refused:
            record_fields.checked(table, GOOD[table] | extra, AT)
        assert "\x1b" not in str(refused.value)


def test_a_required_field_left_out_is_refused_when_adding_not_when_changing() -> None:
    with pytest.raises(InputError, match="^hours: is required"):
        record_fields.checked("otj", {"date": "2025-06-03", "category": "teaching"}, AT)
    assert record_fields.checked("otj", {"description": " Updated "}, AT, before=GOOD["otj"]) == {
        "description": "Updated"}


def test_a_break_ends_after_its_own_start_when_only_the_end_changes() -> None:
    with pytest.raises(InputError, match=r"^end: 2025-06-30 is before the break's start \(2025-07-01\)"):
        record_fields.checked("breaks", {"end": "2025-06-30"}, AT, before=GOOD["breaks"])
    assert record_fields.checked("breaks", {"end": "2025-07-01"}, AT, before=GOOD["breaks"]) == {"end": "2025-07-01"}


def test_the_learners_fields_are_held_to_a_real_programme() -> None:
    learner = {"name": "Ava", "standard_id": "odo-l3", "standard_version": "1.0", "start": "2025-03-03",
               "planned_end": "2026-09-30"}
    for changes, field in (({"contracted_hours_per_week": 1000}, "contracted_hours_per_week"),
                           ({"contracted_hours_per_week": 0}, "contracted_hours_per_week"),
                           ({"otj_target_hours": 1e9}, "otj_target_hours"),
                           ({"prior_learning_hours": -1}, "prior_learning_hours"),
                           ({"age_at_start": 7}, "age_at_start"),
                           ({"planned_end": "2099-01-01"}, "planned_end"),
                           ({"epa_presentation": "2199-01-01"}, "epa_presentation"),
                           ({"start": "2020-01-01"}, "start"),
                           ({"review_cadence": "weekly"}, "review_cadence"),
                           ({"english_maths_decision": "maybe"}, "english_maths_decision"),
                           ({"tutor": "Sam\u202eevil"}, "tutor"),
                           ({"employer_confirmations": [{"decision": "everything", "terms": "", "party": "employer",
                                                         "by": "x", "at": "y"}]}, "employer_confirmations")):
        with pytest.raises(InputError) as refused:
            record_fields.checked("learner", changes, AT, before=learner)
        assert refused.value.field == field, changes
    assert record_fields.checked("learner", {"otj_target_hours": 400, "age_at_start": 19}, AT, before=learner) == {
        "otj_target_hours": 400.0, "age_at_start": 19}


def test_review_confirmations_name_a_party_to_a_review() -> None:
    for wrong in ([{"party": "examiner", "by": "x", "at": "y"}], [{"party": "provider"}], "provider",
                  [{"party": p, "by": "x", "at": "y"} for p in ("provider",) * 4]):
        with pytest.raises(InputError, match="^confirmations: "):
            record_fields.checked("reviews", GOOD["reviews"] | {"confirmations": wrong}, AT)


numbers = (st.floats(allow_nan=True, allow_infinity=True) | st.integers(-10**30, 10**30) | st.booleans()
           | st.none() | st.text(max_size=6))


@settings(max_examples=300, deadline=None)
@given(numbers)
def test_an_off_the_job_entry_is_more_than_0_and_at_most_a_day(hours: Any) -> None:
    real = (not isinstance(hours, (bool, str)) and hours is not None and math.isfinite(hours) and 0 < hours <= 24)
    try:
        kept = record_fields.checked("otj", GOOD["otj"] | {"hours": hours}, AT)
    except InputError as refused:
        assert not real and refused.field == "hours"
    else:
        assert real and kept["hours"] == float(hours)


@settings(max_examples=300, deadline=None)
@given(numbers)
def test_programme_hours_are_none_or_0_to_every_hour_of_the_longest_programme(hours: Any) -> None:
    real = hours is None or (not isinstance(hours, (bool, str)) and math.isfinite(hours)
                             and 0 <= hours <= check.PROGRAMME_HOURS)
    try:
        kept = record_fields.checked("reviews", {"otj_hours_discussed": hours}, AT, before=GOOD["reviews"])
    except InputError as refused:
        assert not real and refused.field == "otj_hours_discussed"
    else:
        assert real and kept["otj_hours_discussed"] == (None if hours is None else float(hours))


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)),
       st.sampled_from(["otj", "checklist", "milestones", "signoffs", "reviews"]))
def test_what_was_done_is_dated_from_the_programme_start_to_today(day: date, table: str) -> None:
    field = {"checklist": "done_on", "milestones": "done_on", "signoffs": "on"}.get(table, "date")
    try:
        kept = record_fields.checked(table, GOOD[table] | {field: day.isoformat()}, AT)
    except InputError as refused:
        assert not START <= day <= TODAY and refused.field == field
    else:
        assert START <= day <= TODAY and kept[field] == day.isoformat()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=600), st.sampled_from([("checklist", "detail", False), ("breaks", "reason", False),
                                               ("otj", "description", True), ("reviews", "notes", True)]))
def test_text_is_kept_trimmed_and_safe_or_refused_naming_its_field(typed: str, where: tuple[str, str, bool]) -> None:
    table, field, multiline = where
    try:
        kept = record_fields.checked(table, GOOD[table] | {field: typed}, AT)[field]
    except InputError as refused:
        assert refused.field == field
        assert not unsafe_characters(str(refused), multiline=False)
    else:
        assert kept == kept.strip() and len(kept) <= (check.MULTI_LINE_LIMIT if multiline else check.SINGLE_LINE_LIMIT)
        assert not unsafe_characters(kept, multiline=multiline)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=12), st.none() | st.integers() | st.text(max_size=4), min_size=1,
                       max_size=3), st.sampled_from(sorted(GOOD)))
def test_any_field_a_table_does_not_have_is_refused(extra: dict[str, Any], table: str) -> None:
    unknown = {k: v for k, v in extra.items() if k not in GOOD[table]}
    if not unknown:
        return
    with pytest.raises(InputError) as refused:
        record_fields.checked(table, GOOD[table] | unknown, AT)
    assert refused.value.field == "fields"


def test_the_bounds_are_a_real_programmes() -> None:
    assert check.PROGRAMME_HOURS == 31_200
    assert AT.latest == date(2035, 3, 3)
    assert record_fields.checked("breaks", {"end": AT.latest.isoformat()}, AT, before={"start": "2025-07-01"}) == {
        "end": AT.latest.isoformat()}
    with pytest.raises(InputError, match="^end: "):
        record_fields.checked("breaks", {"end": (AT.latest + timedelta(days=1)).isoformat()}, AT,
                              before={"start": "2025-07-01"})


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
FIELDS = sorted((table, name) for table, (_, names) in record_fields._TABLES.items() for name in names)
shaped = st.lists(st.fixed_dictionaries({key: json_values for key in ("party", "by", "at")}), max_size=2) | st.lists(
    st.fixed_dictionaries({key: json_values for key in ("decision", "terms", "party", "by", "at")}), max_size=2)
"""Confirmations as the service builds them, each part any value: the shape a random value seldom has."""


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(FIELDS), json_values, st.booleans())
def test_whatever_a_caller_puts_in_a_field_is_kept_or_refused_naming_it(
    where: tuple[str, str], value: Any, adding: bool
) -> None:
    """A script calling the service builds any JSON it likes: the answer is the record to write or one
    InputError, never another exception."""
    _kept_or_refused(where, value, adding)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([("learner", "employer_confirmations"), ("reviews", "confirmations")]), shaped, st.booleans())
def test_whatever_a_caller_puts_in_a_confirmation_is_kept_or_refused_naming_it(
    where: tuple[str, str], value: Any, adding: bool
) -> None:
    """The same, for confirmations in their shape with any value in each part: an employer's confirmation whose
    decision was a list was a TypeError."""
    _kept_or_refused(where, value, adding)


def _kept_or_refused(where: tuple[str, str], value: Any, adding: bool) -> None:
    table, field = where
    base = GOOD.get(table, {"name": "Ava", "start": "2025-03-03", "planned_end": "2026-09-30"})
    try:
        if adding and table != "learner":
            record_fields.checked(table, base | {field: value}, AT)
        else:
            record_fields.checked(table, {field: value}, AT, before=base)
    except InputError as refused:
        assert not unsafe_characters(str(refused), multiline=False)
