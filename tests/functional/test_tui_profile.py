"""The learner's profile in the TUI (``p`` on the dashboard): the tutor sets what `portfolio learner set` sets,
through the same check with the same one-line refusals; the apprentice and the line manager read it."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Select, Static

from portfolio_tui.services import records
from portfolio_tui.services.errors import InputError
from portfolio_tui.services.learner_profile import START_RULE
from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.tui.screens.profile import ProfileDialog
from portfolio_tui.tui.screens.progress_forms import ProgressForm
from tests.functional.test_tui_loops import as_role, type_text
from tests.functional.tui_helpers import AS_OF, app_for, drive, make_portfolio, settle


def _error(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#dialog-error", Static).render())


async def _retype(app, pilot, field: str, text: str) -> None:  # type: ignore[no-untyped-def]
    box = app.screen.query_one(f"#{field}", Input)
    box.focus()
    box.value = ""
    await type_text(pilot, text)


@drive
async def test_the_tutor_sets_the_profile_with_the_clis_check_and_refusals(tmp_path: Path) -> None:
    path = make_portfolio(tmp_path)
    as_role(tmp_path, "tutor")
    with pytest.raises(InputError) as cli:  # what `learner set --otj-target abc` is told
        records.update_learner(PortfolioService(path), otj_target_hours="abc", as_of=AS_OF)
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        assert isinstance(app.screen, ProgressForm)
        assert app.screen.query_one("#planned_end", Input).value == "2026-06-30"
        before = path.read_bytes()
        await _retype(app, pilot, "otj_target_hours", "abc")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert _error(app) == f"Off-the-job target: {cli.value.message}"
        assert path.read_bytes() == before
        await _retype(app, pilot, "otj_target_hours", "400")
        await _retype(app, pilot, "prior_learning_hours", "40")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert _error(app) == "Prior learning reason: prior learning needs its reason and who agreed it"
        assert app.focused is app.screen.query_one("#prior_learning_reason", Input)
        assert path.read_bytes() == before
        await type_text(pilot, "Level 2 award")
        await _retype(app, pilot, "prior_learning_agreed_by", "Mona M")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, ProgressForm)
    service = PortfolioService(path)
    learner = service.learner
    assert (learner.otj_target_hours, learner.prior_learning_hours, learner.prior_learning_reason,
            learner.prior_learning_agreed_by) == (400, 40, "Level 2 award", "Mona M")
    assert learner.planned_end.isoformat() == "2026-06-30" and learner.employer == "HMRC"
    change = max(service.history("learner"), key=lambda entry: entry.id)
    assert set(change.changes) == {"otj_target_hours", "prior_learning_hours", "prior_learning_reason",
                                   "prior_learning_agreed_by"}, "only what was changed is written"


@pytest.mark.parametrize("role", ["apprentice", "line-manager"])
@drive
async def test_the_apprentice_and_the_line_manager_read_the_profile(tmp_path: Path, role: str) -> None:
    path = make_portfolio(tmp_path)
    records.update_learner(PortfolioService(path), otj_target_hours="400", as_of=AS_OF)
    as_role(tmp_path, role)
    before = path.read_bytes()
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        assert isinstance(app.screen, ProfileDialog)
        assert not app.screen.query(Input), "nothing to type: only the tutor sets the profile"
        shown = "\n".join(str(s.render()) for s in app.screen.query(Static))
        assert "Off-the-job target:" in shown and "400" in shown and "2026-06-30" in shown
        assert "Changing the learner profile is for an assessor (tutor), tess" in shown
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, ProfileDialog)
    assert path.read_bytes() == before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@drive
async def test_every_hint_in_the_profile_form_is_shown_whole(tmp_path: Path, size: tuple[int, int]) -> None:
    """QA Q3: "Frequency agreed by" hinted "who at the employer agreed another frequenc", cut mid-word by its box
    at 80 and at 120 columns. Every empty field's hint fits its box."""
    path = make_portfolio(tmp_path)
    as_role(tmp_path, "tutor")
    app = app_for(path)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        boxes = [box for box in app.screen.query(Input) if not box.value]
        assert boxes
        cut = {box.id: box.placeholder for box in boxes if len(box.placeholder) > box.content_region.width}
        assert not cut, cut


@drive
async def test_the_review_frequency_is_the_start_dates_rule_until_another_is_agreed(tmp_path: Path) -> None:
    """QA Q5: a learner held to reviews every 12 weeks (a start before August 2025) was shown "Review frequency:
    every 3 calendar months", the record's default, never followed; and choosing another frequency without the
    employer who agreed it was saved ("changed review_cadence") and never followed either."""
    path = make_portfolio(tmp_path)
    as_role(tmp_path, "tutor")
    with pytest.raises(InputError) as cli:  # `learner set --review-cadence 4-months --review-agreed-by ''`
        records.update_learner(PortfolioService(path), review_cadence="4-months", review_cadence_agreed_by="",
                               as_of=AS_OF)
    assert cli.value.field == "review_cadence_agreed_by"
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        frequency = app.screen.query_one("#review_cadence", Select)
        assert frequency.value == START_RULE
        assert "the start date's rule (every 12 weeks)" in str(frequency.query_one("SelectCurrent Static").render())
        before = path.read_bytes()
        await _retype(app, pilot, "review_cadence_agreed_by", "Mona M")  # a name, but for the rule itself
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert _error(app).startswith("Review frequency: choose the frequency the employer agreed")
        await _retype(app, pilot, "review_cadence_agreed_by", "")
        frequency.value = "4-months"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert _error(app) == f"Frequency agreed by: {cli.value.message}"
        assert path.read_bytes() == before
        await _retype(app, pilot, "review_cadence_agreed_by", "Mona M")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, ProgressForm), _error(app)
        learner = PortfolioService(path).learner
        assert (learner.review_cadence, learner.review_cadence_agreed_by) == ("4-months", "Mona M")
        await pilot.press("p")  # and back to the rule, which clears the agreement
        await settle(app, pilot)
        frequency = app.screen.query_one("#review_cadence", Select)
        assert frequency.value == "4-months"
        frequency.value = START_RULE
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, ProgressForm)
    assert PortfolioService(path).learner.review_cadence_agreed_by == ""
