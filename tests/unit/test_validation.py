"""Field-by-field input checks: text, dates, hours, kinds and criteria."""

from __future__ import annotations

import string
import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio_tui import catalog
from portfolio_tui.domain.evidence import EVIDENCE_KINDS
from portfolio_tui.services import validation as check
from portfolio_tui.services.errors import InputError

ODO = catalog.get("odo-l3")


def _unsafe(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs") and ch not in ("\u200c", "\u200d")


safe_text = st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs")), max_size=60)
controls = st.sampled_from(["\x1b", "\x07", "\x00", "\x9b", "\x7f", "\u202e", "\u2066", "\ufeff", "\x08"])


@given(safe_text)
def test_clean_single_line_text_is_kept_trimmed(value: str) -> None:
    assert check.text("title", value) == value.strip()


@given(safe_text, controls, safe_text)
def test_control_and_escape_characters_are_refused_naming_the_field(before: str, bad: str, after: str) -> None:
    with pytest.raises(InputError) as caught:
        check.text("title", before + bad + after)
    assert caught.value.field == "title"
    assert f"U+{ord(bad):04X}" in caught.value.message
    assert not any(_unsafe(ch) for ch in str(caught.value))


@given(st.lists(safe_text, min_size=1, max_size=4), st.sampled_from(["\n", "\r\n", "\r"]))
def test_multiline_text_keeps_lines_with_one_kind_of_break(lines: list[str], newline: str) -> None:
    joined = newline.join(lines)
    assert check.text("description", joined, multiline=True) == "\n".join(lines).strip()


def test_single_line_fields_refuse_line_breaks_and_tabs() -> None:
    for value in ("a\nb", "a\tb", "a\rb"):
        with pytest.raises(InputError, match="must be one line"):
            check.text("title", value)


def test_required_text_and_length() -> None:
    with pytest.raises(InputError, match="must not be empty"):
        check.text("title", " \t ", required=True)
    with pytest.raises(InputError, match="too long"):
        check.text("title", "x" * (check.SINGLE_LINE_LIMIT + 1))
    with pytest.raises(InputError, match="not valid text"):
        check.text("title", "bad \udcff")


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_iso_and_uk_forms_read_back_to_the_same_date(day: date) -> None:
    for typed in (day.isoformat(), day.strftime("%d/%m/%Y"), day.strftime("%d %b %Y"), day.strftime("%-d %B %Y")):
        assert check.date_value("date", typed) == day


@pytest.mark.parametrize("typed", ["2026-02-30", "31/04/2026", "30 Feb 2026", "29/02/2025", "2026-13-01",
                                   "Nov 2026", "tomorrow", "", "21/11/2026 10:30"])
def test_impossible_or_incomplete_dates_are_refused(typed: str) -> None:
    with pytest.raises(InputError) as caught:
        check.date_value("date", typed)
    assert caught.value.field == "date"


def test_day_first_is_the_uk_reading() -> None:
    assert check.date_value("date", "03/04/2026") == date(2026, 4, 3)


def test_date_bounds_name_the_limit() -> None:
    with pytest.raises(InputError, match="before the programme start"):
        check.date_value("date", "2025-01-01", not_before=date(2025, 3, 3), not_before_label="the programme start")
    with pytest.raises(InputError, match="after today"):
        check.date_value("date", "2026-12-01", not_after=date(2026, 11, 24), not_after_label="today")
    assert check.date_value("date", date(2025, 3, 3), not_before=date(2025, 3, 3)) == date(2025, 3, 3)


@given(st.floats(min_value=0, max_value=10_000, allow_nan=False))
def test_hours_of_zero_or_more_are_accepted_as_numbers_or_text(value: float) -> None:
    assert check.hours("hours", value) == value
    if "e" not in repr(value):  # "1e-05" is not how a person types hours: refused (see below)
        assert check.hours("hours", repr(value)) == value


@pytest.mark.parametrize("value", [-0.5, "-1", "nan", "inf", "two", True])
def test_bad_hours_are_refused(value: object) -> None:
    with pytest.raises(InputError) as caught:
        check.hours("hours", value)
    assert caught.value.field == "hours"


def test_blank_hours_mean_not_given() -> None:
    assert check.hours("hours", None) is None and check.hours("hours", "  ") is None


def test_every_kind_by_key_or_label_in_any_case() -> None:
    for key, label in EVIDENCE_KINDS.items():
        assert check.evidence_kind(key) == key
        assert check.evidence_kind(label.upper()) == key
        assert check.evidence_kind(label.split(" (")[0]) == key
    assert check.evidence_kind("witness testimony") == "witness-testimony"
    assert check.evidence_kind("Line_manager feedback") == "line-manager-feedback"
    with pytest.raises(InputError, match="unknown kind"):
        check.evidence_kind("selfie")


def test_the_issue_names_these_kinds() -> None:
    wanted = {"observation", "witness-testimony", "product", "reflective-account", "professional-discussion",
              "performance-review", "coach-report", "line-manager-feedback", "project", "presentation"}
    assert wanted <= set(EVIDENCE_KINDS)


def test_criteria_from_lists_and_commas_in_the_standards_spelling() -> None:
    assert check.criteria("criteria", ["k1, S2", "s2", "B1"], ODO) == ("K1", "S2", "B1")
    assert check.criteria("criteria", "K1,,K2", ODO) == ("K1", "K2")
    with pytest.raises(InputError, match="not a criterion of odo-l3; did you mean"):
        check.criteria("criteria", "K11", ODO)


@given(st.text(alphabet=string.ascii_letters + string.digits + ".", min_size=1, max_size=6))
def test_any_unknown_id_is_refused_and_known_ones_accepted(candidate: str) -> None:
    known = {cid.casefold() for cid in ODO.criteria}
    if candidate.casefold() in known:
        assert check.criteria("criteria", candidate, ODO)[0].casefold() == candidate.casefold()
    else:
        with pytest.raises(InputError):
            check.criteria("criteria", candidate, ODO)


def test_outcome_and_cadence() -> None:
    assert check.outcome("refer") == "refer"
    with pytest.raises(InputError, match="accept or refer"):
        check.outcome("maybe")
    with pytest.raises(InputError, match="unknown cadence"):
        check.review_cadence("fortnightly")


def test_messages_quote_user_values_safely() -> None:
    with pytest.raises(InputError) as caught:
        check.evidence_kind("\x1b[2Jselfie")
    assert "\x1b" not in str(caught.value)


@given(controls)
def test_a_kind_or_criterion_holding_a_control_character_is_refused_as_such(bad: str) -> None:
    """Not "unknown kind ''" or "'K1' is not a criterion; did you mean K1?" (the character removed for the
    message): the message says what is wrong with what was typed."""
    for call in (lambda: check.evidence_kind(f"prod{bad}uct"), lambda: check.criteria("criteria", f"{bad}K1", ODO)):
        with pytest.raises(InputError, match="control or escape characters"):
            call()


@pytest.mark.parametrize("typed", ["1_2", "1e2", "٣", "３", "0x10", "1,5", "+3", "inf", "3 h"])
def test_hours_are_ascii_digits_as_people_type_them(typed: str) -> None:
    """float() takes "1_2" as 12, "1e2" as 100 and any script's digits: none of them is what a person
    logging hours meant, so each is refused in one line naming the field (review F11)."""
    with pytest.raises(InputError) as caught:
        check.hours("hours", typed)
    assert caught.value.field == "hours" and "is not a number of hours" in caught.value.message


@pytest.mark.parametrize(("typed", "limits", "message"), [
    ("1e9", {"most": 31_200, "per": "a programme"}, "1e9 hours is more than a programme holds (at most 31200)"),
    ("1e999", {"most": 31_200, "per": "a programme"}, "1e999 hours is more than a programme holds (at most 31200)"),
    ("2.5E3", {"one_day": True}, "2.5E3 hours in one day is more than a day holds (at most 24)"),
    ("9" * 400, {"most": 24, "per": "a day"}, f"{'9' * 400} hours in one day is more than a day holds (at most 24)"),
])
def test_hours_beyond_the_limit_say_the_limit_however_they_are_written(typed: str, limits: dict, message: str) -> None:
    """`review add --otj-hours 1e9` said "'1e9' is not a number of hours" when what is wrong is that it is too many:
    a number with a power of ten, or more digits than a float holds, over the field's limit names the limit."""
    with pytest.raises(InputError) as caught:
        check.hours("hours", typed, **limits)
    assert (caught.value.field, caught.value.message) == ("hours", message)


@given(st.integers(min_value=0, max_value=24), st.integers(min_value=0, max_value=99))
def test_typed_hours_read_as_written(whole: int, hundredths: int) -> None:
    assert check.hours("hours", f"{whole}.{hundredths:02d}") == float(f"{whole}.{hundredths:02d}")


def test_minus_zero_hours_are_zero_and_negative_hours_say_so() -> None:
    assert str(check.hours("hours", "-0")) == "0.0"
    with pytest.raises(InputError, match="must not be negative"):
        check.hours("hours", "-1.5")


@pytest.mark.parametrize("typed", ["٢٠٢٦-١١-٢٠", "２０２６-１１-２０", "20/11/٢٠٢٦"])
def test_dates_in_other_scripts_digits_are_refused(typed: str) -> None:
    with pytest.raises(InputError, match="is not a real date"):
        check.date_value("date", typed)


def test_a_pasted_no_break_space_in_a_date_is_a_space() -> None:
    assert check.date_value("date", "21\u00a0Nov 2026") == date(2026, 11, 21)


@pytest.mark.parametrize(("standard", "start", "hours", "earliest"), [
    ("odo-l3", date(2025, 3, 3), 30, date(2026, 3, 10)),  # 372 days before 1 Aug 2025
    ("odo-l3", date(2025, 3, 3), 20, date(2026, 9, 3)),  # 12 x 30 / 20 = 18 months
    ("odo-l3", date(2025, 8, 1), 20, date(2026, 4, 1)),  # 8 months from 1 Aug 2025, part time or not
    ("csp-l2", date(2025, 8, 1), 30, date(2026, 8, 1)),  # the briefing's "Minimum of twelve months"
    ("ilm-l5-si-2011", date(2025, 8, 1), 30, date(2025, 9, 2)),  # a qualification: its gateway after its start
])
def test_a_planned_end_before_the_minimum_duration_is_refused(standard: str, start: date, hours: float,
                                                              earliest: date) -> None:
    """A planned end a day after the start was taken, with the gateway a month before it, before the start: an
    apprenticeship's end is no earlier than its minimum duration allows (DOMAIN.md: "12 months (372 days) for starts
    before 1 Aug 2025; 8 months from then"), a qualification's late enough for its gateway to follow its start."""
    chosen = catalog.get(standard)
    assert check.planned_end("end", earliest, start, chosen, hours) == earliest
    for day in (start + timedelta(days=1), earliest - timedelta(days=1)):
        with pytest.raises(InputError) as refused:
            check.planned_end("end", day, start, chosen, hours)
        assert refused.value.field == "end" and refused.value.message.startswith(
            f"{day.isoformat()} is before {earliest.isoformat()}")
