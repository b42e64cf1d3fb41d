"""Bad input in the TUI's forms: the services check it (once) and the form shows their one refusal,
named by the form's label for the field, focuses that field and keeps what was typed; the file is
unchanged byte for byte."""

from __future__ import annotations

from pathlib import Path

from textual.screen import Screen
from textual.widgets import Input, Select, Static

from portfolio_tui.tui.factory import build_app
from portfolio_tui.tui.screens.first_run import FirstRunScreen
from portfolio_tui.tui.screens.progress_forms import ProgressForm, prerequisite_form
from tests.functional.tui_helpers import AS_OF, app_for, drive, evidence_form, make_portfolio, settle


def refusals(screen: Screen) -> list[str]:
    """Every refusal line the form shows now."""
    return [str(box.render()) for box in screen.query(".field-error").results(Static) if box.has_class("-shown")]


@drive
async def test_the_evidence_form_shows_the_services_refusal_by_its_label(tmp_path: Path) -> None:
    path = make_portfolio(tmp_path)
    before = path.read_bytes()
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        form = await evidence_form(app, pilot, "a")
        for field, typed, line in (
            ("hours", "-2", "Hours: must not be negative (got -2)"),
            ("hours", "1e999", "Hours: 1e999 hours in one day is more than a day holds (at most 24)"),
            ("date", "2026-13-01", "Date: "),
            ("title", "Red \x1b[31malert", "Title: contains control or escape characters (U+001B)"),
            ("files", "a.pdf;\x9b2J", "Files/links: contains control or escape characters (U+009B)"),
        ):
            form.query_one("#title", Input).value = "Observed at the counter"
            form.query_one("#hours", Input).value = ""
            form.query_one("#date", Input).value = "2026-01-10"
            form.query_one("#files", Input).value = ""
            form.query_one(f"#{field}", Input).value = typed
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert app.screen is form, field
            shown = refusals(form)
            assert len(shown) == 1 and shown[0].startswith(line), (field, shown)
            assert form.query_one(f"#{field}-error", Static).has_class("-shown")
            assert form.focused is form.query_one(f"#{field}", Input)
            assert form.query_one(f"#{field}", Input).value == typed  # kept as typed
    assert path.read_bytes() == before


@drive
async def test_a_record_form_names_the_field_by_its_label_not_the_services_name(tmp_path: Path) -> None:
    """The service refuses ``achieved_on`` (``--date`` on the command line); the form says "Achieved on"."""
    path = make_portfolio(tmp_path)
    before = path.read_bytes()
    app = app_for(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert app.view is not None
        form = ProgressForm(prerequisite_form(app.view, "l2-award-operational-delivery", "Level 2 Award"))
        app.push_screen(form)
        await settle(app, pilot)
        form.query_one("#date", Input).value = "2026-02-01"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        error = str(form.query_one("#dialog-error", Static).render())
        assert error == "Achieved on: 2026-02-01 is after today"
        assert "achieved_on" not in error
        assert form.focused is form.query_one("#date", Input)
    assert path.read_bytes() == before


@drive
async def test_hours_typed_in_the_log_hours_form_are_checked_by_the_service(tmp_path: Path) -> None:
    path = make_portfolio(tmp_path)
    before = path.read_bytes()
    app = app_for(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("h")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ProgressForm)
        for typed, line in (("lots", "Hours: 'lots' is not a number of hours"), ("", "Hours: must be more than 0"),
                            ("25", "Hours: 25 hours in one day is more than a day holds (at most 24)")):
            form.query_one("#hours", Input).value = typed
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert app.screen is form
            assert str(form.query_one("#dialog-error", Static).render()) == line
            assert form.focused is form.query_one("#hours", Input)
    assert path.read_bytes() == before


@drive
async def test_first_run_refusals_are_the_services_named_by_the_forms_labels(tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    app = build_app(path, as_of=AS_OF, first_run=True, actor="tester")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, FirstRunScreen)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert refusals(screen) == ["Your name: must not be empty"]
        assert screen.focused is screen.query_one("#learner", Input)
        screen.query_one("#learner", Input).value = "Jo Bloggs"
        screen.query_one("#standard", Select).value = "csp-l2"
        screen.query_one("#end", Input).value = "2026-02-01"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        assert refusals(screen) == ["Planned end: 2026-02-01 is before 2027-01-15: an apprenticeship lasts at least "
                                    "12 months from its start (the standard's plan: duration-standard-minimum)"]
        assert screen.focused is screen.query_one("#end", Input)
        assert screen.query_one("#learner", Input).value == "Jo Bloggs"
    assert not path.exists()


@drive
async def test_a_refusal_after_a_key_press_is_one_notice_naming_the_field_as_the_tui_does(tmp_path: Path) -> None:
    """Marking a milestone done before its window opens: the service refuses ``date`` (``--date`` on the
    command line); the notice says "Date", and nothing is written."""
    from textual.widgets import DataTable

    path = make_portfolio(tmp_path)
    before = path.read_bytes()
    app = app_for(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert app.view is not None
        early = next(m for m in app.view.report.milestones if m.key == "completion-window")  # opens 2026-03-30
        await pilot.press("4")
        await settle(app, pilot)
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(f"m:{early.key}"))
        seen = len(app._notifications)
        await pilot.press("m")
        await settle(app, pilot)
        said = [n.message for n in list(app._notifications)[seen:]]
        assert len(said) == 1 and said[0].startswith("Date: ") and "cannot be done before 2026-03-30" in said[0], said
    assert path.read_bytes() == before


@drive
async def test_a_refusal_goes_when_its_field_is_edited_and_stays_while_others_are(tmp_path: Path) -> None:
    """A field's refusal stayed on screen until the next save, naming a value already put right: it goes when the
    field it names is edited (in the evidence form, a record form and the first-run screen), not when another is."""
    from textual.widgets import TextArea

    path = make_portfolio(tmp_path)
    app = app_for(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        form = await evidence_form(app, pilot, "a")
        form.query_one("#title", Input).value = "Observed at the counter"
        form.query_one("#hours", Input).value = "-2"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert refusals(form) == ["Hours: must not be negative (got -2)"]
        form.query_one("#title", Input).value = "Observed at the front counter"
        await settle(app, pilot)
        assert refusals(form) == ["Hours: must not be negative (got -2)"]
        assert form.focused is form.query_one("#hours", Input)
        await pilot.press("backspace")
        await settle(app, pilot)
        assert refusals(form) == []
        await pilot.press("escape", "y")
        await settle(app, pilot)
        await pilot.press("1", "h")
        await settle(app, pilot)
        hours = app.screen
        assert isinstance(hours, ProgressForm)
        hours.query_one("#hours", Input).value = "lots"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert refusals(hours) == ["Hours: 'lots' is not a number of hours"]
        hours.query_one("#note", TextArea).text = "Workshop"
        await settle(app, pilot)
        assert refusals(hours) == ["Hours: 'lots' is not a number of hours"]
        await pilot.press("backspace")
        await settle(app, pilot)
        assert refusals(hours) == []
    first = build_app(tmp_path / "mine.json", as_of=AS_OF, first_run=True, actor="tester")
    async with first.run_test(size=(80, 24)) as pilot:
        await settle(first, pilot)
        screen = first.screen
        assert isinstance(screen, FirstRunScreen)
        screen.query_one("#learner", Input).value = "Jo Bloggs"
        await pilot.press("ctrl+s")
        await settle(first, pilot)
        assert refusals(screen) == ["Standard: is required: pick one of `portfolio standards list`"]
        screen.query_one("#standard", Select).value = "csp-l2"
        await settle(first, pilot)
        assert refusals(screen) == []
        screen.query_one("#end", Input).value = "2026-02-01"
        await pilot.press("ctrl+s")
        await settle(first, pilot)
        assert len(refusals(screen)) == 1 and refusals(screen)[0].startswith("Planned end: 2026-02-01 is before")
        await pilot.press("backspace")
        await settle(first, pilot)
        assert refusals(screen) == []
