"""The evidence log and form, driven with the keyboard as a user would."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, SelectionList, Static

from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.tui.screens.bin import BinScreen
from portfolio_tui.tui.screens.evidence_form import EvidenceForm
from portfolio_tui.tui.screens.evidence_log import EvidenceLogScreen
from portfolio_tui.tui.screens.forms import ConfirmDialog
from portfolio_tui.tui.widgets.criteria_picker import CriteriaPicker
from portfolio_tui.tui.widgets.evidence_table import EvidenceTable
from portfolio_tui.tui.widgets.fit_lines import FitLines
from tests.functional.tui_helpers import ACTOR, AS_OF, app_for, drive, evidence_form, make_portfolio, settle


async def _type(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*[c if c != " " else "space" for c in text])


@drive
async def test_add_evidence_with_criteria_from_the_form(tmp_path: Path) -> None:
    path = make_portfolio(tmp_path)
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        form = await evidence_form(app, pilot, "a")
        await _type(pilot, "Shadowed the duty manager")
        form.query_one("#date", Input).value = "3/1/2026"
        form.query_one("#criteria-search", Input).focus()
        await _type(pilot, "S3")
        await pilot.pause()
        await pilot.press("tab", "space")
        form.query_one("#criteria-search", Input).focus()
        form.query_one("#criteria-search", Input).value = "honesty"
        await pilot.pause()
        await pilot.press("down", "space", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, EvidenceLogScreen)
        added = next(e for e in PortfolioService(path).load().evidence if e.title == "Shadowed the duty manager")
        assert added.date.isoformat() == "2026-01-03"
        assert added.criteria == ("S3", "V2")
        table = app.screen.query_one(EvidenceTable)
        assert table.current_key == added.id
        assert table.row_count == 7


@drive
async def test_typing_in_the_criteria_list_searches_and_up_from_its_top_returns(tmp_path: Path) -> None:
    """After ticking one criterion, the apprentice types the next one's id straight away: the letters
    start a new search (not lost, so space does not untick the first), backspace edits the search,
    and up from the list's top goes back to the search box."""
    path = make_portfolio(tmp_path)
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        form = await evidence_form(app, pilot, "a")
        await _type(pilot, "Shadowed the duty manager")
        search = form.query_one("#criteria-search", Input)
        search.focus()
        await _type(pilot, "S3")
        await pilot.press("down", "space")
        await pilot.press("K", "1")  # straight after ticking S3: a new search, not "S3K1"
        await pilot.pause()
        assert app.focused is search and search.value == "K1"
        await pilot.press("down", "space", "backspace")  # backspace edits the search
        await pilot.pause()
        assert app.focused is search and search.value == "K"
        await pilot.press("1", "down", "up")
        await pilot.pause()
        assert app.focused is search and search.value == "K1"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        added = next(e for e in PortfolioService(path).load().evidence if e.title == "Shadowed the duty manager")
        assert added.criteria == ("S3", "K1")


@drive
async def test_space_in_the_empty_search_box_ticks_the_best_suggestion(tmp_path: Path) -> None:
    """Tabbing from the description into the picker lands in its search box, whose hint says space
    ticks: so space there ticks the first entry (the best suggestion) instead of searching for a space;
    down and space then tick the next. A space after search words still searches ("quality service")."""
    path = make_portfolio(tmp_path)
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        form = await evidence_form(app, pilot, "a")
        await _type(pilot, "Shadowed the duty manager")
        search = form.query_one("#criteria-search", Input)
        search.focus()
        await pilot.pause()
        picker = form.query_one(CriteriaPicker)
        first, second = picker.query_one("#criteria-list", SelectionList).get_option_at_index(0).id, \
            picker.query_one("#criteria-list", SelectionList).get_option_at_index(1).id
        await pilot.press("space")
        await pilot.pause()
        assert picker.selected == [first] and search.value == ""
        await pilot.press("down", "space")
        await pilot.pause()
        assert picker.selected == [first, second]
        search.focus()
        await _type(pilot, "quality service")
        await pilot.pause()
        assert app.focused is search and search.value == "quality service"
        assert picker.selected == [first, second]


@drive
async def test_filter_the_log_as_you_type(tmp_path: Path) -> None:
    app = app_for(make_portfolio(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2", "slash")
        await _type(pilot, "product k1")
        await pilot.pause()
        table = app.screen.query_one(EvidenceTable)
        assert [r.cells[1] for r in table.rows] == ["Minutes of the March team meeting"]
        assert "1 of 6" in str(app.screen.query_one("#log-count", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert table.row_count == 6
        assert app.screen.focused is table


@drive
async def test_an_invalid_date_is_refused_on_the_field(tmp_path: Path) -> None:
    path = make_portfolio(tmp_path)
    before = path.read_bytes()
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        form = await evidence_form(app, pilot, "a")
        await _type(pilot, "Observation at the counter")
        form.query_one("#date", Input).value = "31/02/2026"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        error = form.query_one("#date-error", Static)
        assert error.has_class("-shown") and "not a real date" in str(error.render())
        assert form.focused is form.query_one("#date", Input)
        assert form.query_one("#title", Input).value == "Observation at the counter"
        # A date the service refuses (after "today") is shown on the same field.
        form.query_one("#date", Input).value = "2026-02-01"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        assert "future" in str(form.query_one("#date-error", Static).render())
    assert path.read_bytes() == before


@drive
async def test_a_conflicting_edit_is_shown_and_nothing_typed_is_lost(tmp_path: Path) -> None:
    path = make_portfolio(tmp_path)
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        form = await evidence_form(app, pilot, "e")
        assert form.evidence is not None
        evidence_id = form.evidence.id
        # Another process changes the same evidence while the form is open.
        PortfolioService(path, actor="someone-else").edit_evidence(evidence_id, title="Changed elsewhere", as_of=AS_OF)
        form.query_one("#title", Input).value = "My better title"
        form.query_one("#hours", Input).value = "2.5"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        message = str(form.query_one("#form-error", Static).render())
        assert "changed by someone-else" in message and "they changed title" in message
        assert "You both changed title" in message
        assert form.query_one("#title", Input).value == "My better title"
        assert form.query_one("#hours", Input).value == "2.5"
        assert PortfolioService(path).evidence(evidence_id).title == "Changed elsewhere"
        # Saving again is a deliberate choice to keep mine.
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, EvidenceLogScreen)
        saved = PortfolioService(path).evidence(evidence_id)
        assert (saved.title, saved.hours) == ("My better title", 2.5)


@drive
async def test_saving_over_a_conflict_writes_only_the_fields_this_user_changed(tmp_path: Path) -> None:
    path = make_portfolio(tmp_path)
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        form = await evidence_form(app, pilot, "e")
        assert form.evidence is not None
        evidence_id = form.evidence.id
        PortfolioService(path, actor="tutor2").edit_evidence(evidence_id, description="Their new account of it",
                                                            kind="observation", as_of=AS_OF)
        form.query_one("#title", Input).value = "My better title"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        message = str(form.query_one("#form-error", Static).render())
        assert "they changed kind, description" in message and "You both" not in message
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, EvidenceLogScreen)
        saved = PortfolioService(path).evidence(evidence_id)
        assert (saved.title, saved.description, saved.kind) == ("My better title", "Their new account of it",
                                                                "observation")


@drive
async def test_remove_then_undo(tmp_path: Path) -> None:
    path = make_portfolio(tmp_path)
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        table = app.screen.query_one(EvidenceTable)
        first = table.current_key
        await pilot.press("d")  # asks first; n keeps it
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(app, pilot)
        assert not PortfolioService(path).evidence(first).deleted
        await pilot.press("d", "y")
        await settle(app, pilot)
        assert table.row_count == 5 and first not in [r.key for r in table.rows]
        assert PortfolioService(path).evidence(first).deleted
        await pilot.press("u")
        await settle(app, pilot)
        assert table.row_count == 6 and table.current_key == first
        assert not PortfolioService(path).evidence(first).deleted


@drive
async def test_sort_by_clicking_a_header(tmp_path: Path) -> None:
    app = app_for(make_portfolio(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        table = app.screen.query_one(EvidenceTable)
        await pilot.click(EvidenceTable, offset=(14, 0))
        await pilot.pause()
        titles = [r.cells[1] for r in table.rows]
        assert titles == sorted(titles, key=str.casefold)
        await pilot.click(EvidenceTable, offset=(14, 0))
        await pilot.pause()
        assert [r.cells[1] for r in table.rows] == sorted(titles, key=str.casefold, reverse=True)


@drive
async def test_command_palette_offers_this_screens_commands(tmp_path: Path) -> None:
    app = app_for(make_portfolio(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2", "ctrl+p")
        await pilot.pause()
        await _type(pilot, "evidence: add")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, EvidenceForm) and app.screen.evidence is None
        await pilot.press("escape", "ctrl+p")
        await _type(pilot, "go: gateway")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.current_mode == "gateway"


@drive
async def test_the_kind_follows_the_title_until_the_user_chooses_one(tmp_path: Path) -> None:
    """'Reflective account ...' is saved as a reflective account without touching Kind; once the user
    picks a kind themselves, no title changes it."""
    from textual.widgets import Select

    path = make_portfolio(tmp_path)
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        form = await evidence_form(app, pilot, "a")
        kind = form.query_one("#kind", Select)
        assert kind.value == "product"
        await _type(pilot, "Reflective account on a complaint")
        await pilot.pause()
        assert kind.value == "reflective-account"
        await pilot.press("ctrl+u")  # the title typed again: the Kind follows
        await _type(pilot, "Observation of a refund call")
        await pilot.pause()
        assert kind.value == "observation"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, EvidenceLogScreen)

        form = await evidence_form(app, pilot, "a")
        kind = form.query_one("#kind", Select)
        await _type(pilot, "Observation of a presentation")
        await pilot.pause()
        assert kind.value == "observation"
        kind.focus()
        await pilot.press("enter")  # the list opens on Observation; Witness testimony is next
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert kind.value == "witness-testimony"
        form.query_one("#title", Input).focus()
        await pilot.press("end")
        await _type(pilot, " (reflective account)")
        await pilot.pause()
        assert kind.value == "witness-testimony", "a kind the user chose is never overridden"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    pieces = {e.title: e.kind for e in PortfolioService(path).load().evidence}
    assert pieces["Observation of a refund call"] == "observation"
    assert pieces["Observation of a presentation (reflective account)"] == "witness-testimony"


@drive
async def test_a_judgement_typed_in_by_hand_shows_as_changed_outside_in_the_log_and_a_notice(tmp_path: Path) -> None:
    """Review F6: an accept appended to a piece by hand is not shown as the tutor's acceptance."""
    import json

    path = make_portfolio(tmp_path)
    doc = json.loads(path.read_text())
    forged = next(key for key, piece in doc["evidence"].items() if not piece["judgements"])
    doc["evidence"][forged]["judgements"].append(
        {"outcome": "accept", "feedback": "Fine", "by": "tess", "at": "2026-01-10T09:00:00Z"})
    path.write_text(json.dumps(doc))
    app = app_for(path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        notices = [n.message for n in app._notifications]
        assert any(f"changed outside the app: evidence {forged}; run `portfolio verify`" in m for m in notices)
        await pilot.press("2")
        await pilot.pause()
        table = app.screen.query_one(EvidenceTable)
        statuses = {r.key: r.cells[-1] for r in table.rows}
        assert statuses[int(forged)] == "changed outside"
        assert list(statuses.values()).count("changed outside") == 1


@drive
async def test_a_referred_piece_the_apprentice_improves_is_to_assess_again_as_a_resubmission(tmp_path: Path) -> None:
    """QA: a referred piece improved after the referral stayed "referred", so neither the tutor's "to assess"
    count nor the log's filter showed there was something new to judge. Edited in the form, it is
    "resubmitted": in the log, found by "to assess", on the piece's feedback, and in the caseload's count."""
    from portfolio_tui.services.caseload import Caseload

    path = make_portfolio(tmp_path)
    before = Caseload(tmp_path).view(AS_OF).rows[0].awaiting
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        table = app.screen.query_one(EvidenceTable)
        referred = next(e.evidence for e in app.view.log if e.evidence.status == "referred")
        table.move_to(referred.id)
        await pilot.press("e")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, EvidenceForm)
        form.query_one("#description").focus()
        await pilot.press("end")
        await _type(pilot, " I added the steps I took.")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, EvidenceLogScreen)
        statuses = {r.key: r.cells[-1] for r in table.rows}
        assert statuses[referred.id] == "resubmitted"
        detail = "\n".join(line.plain for line in app.screen.query_one("#log-detail", FitLines).lines)
        assert "↻ resubmitted" in detail and "after it was referred" in detail
        await pilot.press("slash")
        await _type(pilot, "to assess")
        await pilot.pause()
        shown = [r.key for r in table.rows]
        assert referred.id in shown
        assert len(shown) == 3  # the two never judged and the resubmission
    piece = next(e for e in PortfolioService(path).load().evidence if e.id == referred.id)
    assert piece.status == "submitted" and piece.resubmitted
    assert Caseload(tmp_path).view(AS_OF).rows[0].awaiting == before + 1


def _piece_with_files(tmp_path: Path) -> tuple[Path, int]:
    """The referred piece with two kept files and a link, added as `evidence edit --file` adds them."""
    path = make_portfolio(tmp_path)
    (tmp_path / "notes.txt").write_text("hello notes\n" * 100, encoding="utf-8")
    (tmp_path / "plan.pdf").write_bytes(b"%PDF-1.4 plan" * 500)
    service = PortfolioService(path, actor=ACTOR)
    piece = next(e for e in service.load().evidence if e.status == "referred")
    service.edit_evidence(piece.id, piece.rev, as_of=AS_OF, files=[
        str(tmp_path / "notes.txt"), str(tmp_path / "plan.pdf"), "https://example.org/doc"])
    return path, piece.id


@drive
async def test_the_edit_form_shows_kept_files_by_name_size_and_type_and_takes_one_off(tmp_path: Path) -> None:
    """QA: the edit form's Files field showed a kept file as ``sha256:<hex>/notes.txt``. It lists each by name,
    size and type, as the evidence panel does, ticked to keep; unticking one takes it off, and what is typed
    in Files/links is added beside the rest, untouched."""
    path, piece_id = _piece_with_files(tmp_path)
    (tmp_path / "more.txt").write_text("more\n", encoding="utf-8")
    kept = PortfolioService(path).evidence(piece_id).files
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        app.screen.query_one(EvidenceTable).move_to(piece_id)
        await pilot.press("e")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, EvidenceForm)
        listing = form.query_one("#kept-files", SelectionList)
        prompts = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        assert prompts == ["📎 notes.txt  1.2 KB · text/plain", "📎 plan.pdf  6.3 KB · application/pdf",
                           "🔗 https://example.org/doc  - · link"]
        assert "sha256:" not in form.query_one("#files", Input).value
        listing.focus()
        await pilot.press("down", "space")
        form.query_one("#files", Input).value = str(tmp_path / "more.txt")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, EvidenceLogScreen)
    files = PortfolioService(path).evidence(piece_id).files
    assert files[:2] == (kept[0], kept[2]) and files[2].endswith("/more.txt") and len(files) == 3


@drive
async def test_footers_and_the_palette_offer_only_what_can_be_done_here(tmp_path: Path) -> None:
    """QA: "A Assess" was offered on an empty log. A piece's keys are offered on a piece (o on one with files),
    Undo after a removal; on the criteria screen Untag and Edit on a piece; on the dashboard Gaps while there are
    some. The Bin is always offered (hidden while empty, nobody found where removed evidence goes) and says when it
    is empty."""
    path = tmp_path / "portfolio.json"
    PortfolioService.create(path, learner="Ava Patel", standard="odo-l3", start=AS_OF.replace(year=2025),
                            end=AS_OF.replace(year=2026, month=6), actor=ACTOR)
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        offered = set(app.screen.active_bindings)
        assert {"a", "b"} <= offered and not {"A", "e", "c", "d", "o", "h", "u", "slash", "s"} & offered
        palette = [name for name, _, _ in app.screen.palette_commands()]
        assert palette == ["evidence: reload", "evidence: portfolio history", "evidence: add", "evidence: bin"], palette
        await pilot.press("b")
        await settle(app, pilot)
        assert isinstance(app.screen, BinScreen)
        assert str(app.screen.query_one("#form-heading", Static).render()) == (
            "Bin · empty: no evidence has been removed")
        await pilot.press("enter", "escape")  # nothing to restore: enter does nothing
        await settle(app, pilot)
        await pilot.press("A", "e", "d")  # pressed anyway: nothing opens
        await settle(app, pilot)
        assert isinstance(app.screen, EvidenceLogScreen)

        PortfolioService(path, actor=ACTOR).add_evidence(title="Call log", date=AS_OF, kind="product",
                                                         criteria=["K1"], as_of=AS_OF)
        await pilot.press("r")
        await settle(app, pilot)
        offered = set(app.screen.active_bindings)
        assert {"a", "A", "e", "c", "d", "h", "b", "slash", "s"} <= offered and not {"o", "u"} & offered
        await pilot.press("d", "y")
        await settle(app, pilot)
        offered = set(app.screen.active_bindings)
        assert {"b", "u"} <= offered and not {"A", "e", "c", "d"} & offered

        await pilot.press("3")
        await settle(app, pilot)
        offered = set(app.screen.active_bindings)
        assert not {"x", "e"} & offered and "g" in offered


@pytest.mark.parametrize(("size", "kind"), [((120, 40), "Reflective account "), ((80, 24), "Reflective… ")])
@drive
async def test_the_kind_is_whole_where_there_is_room(tmp_path: Path, size: tuple[int, int], kind: str) -> None:
    """QA Q11: at 120 columns the log cut "Reflective account" to "Reflective…" (and "Professional discussion" to
    "Professional…") in a Kind column of 14 cells, beside a title with room to spare; from 100 columns it is as
    wide as the longest kind's short name. At 80 the title keeps its room."""
    path = make_portfolio(tmp_path)
    app = app_for(path)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        table = app.screen.query_one(EvidenceTable)
        lines = [table.render_line(y).text for y in range(1, table.row_count + 1)]
        [row] = [line for line in lines if line.rstrip().endswith("referred")]  # the reflective account
        assert kind in row.split("Reflective account on", 1)[1], row


@drive
async def test_the_assess_dialog_words_a_resubmission_as_the_log_does(tmp_path: Path) -> None:
    """QA Q18: on a piece the log calls "resubmitted", the assess dialog said "· submitted", "Last: reopen by ...
    at 2026-12-02T00:29:47Z" and "(was reopen)" beside each criterion."""
    from portfolio_tui.tui.screens.decisions import AssessDialog

    path = make_portfolio(tmp_path)
    service = PortfolioService(path, actor=ACTOR)
    referred = next(e for e in service.load().evidence if e.status == "referred")
    service.edit_evidence(referred.id, referred.rev, as_of=AS_OF, description="I added the steps I took.")
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        app.screen.query_one(EvidenceTable).move_to(referred.id)
        await pilot.press("A")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, AssessDialog)
        piece = [line.plain for line in dialog.query_one("#assess-piece", FitLines).lines]
        assert piece[0].endswith(" · resubmitted") and piece[1].startswith("Last: resubmitted by "), piece
        assert re.search(rf"by {ACTOR} \d{{4}}-\d\d-\d\d: changed description", piece[1]), piece  # a day, not a time
        options = dialog.query_one("#judge-list", OptionList)
        said = " ".join(str(options.get_option_at_index(i).prompt) for i in range(options.option_count))
        assert "reopen" not in said and "(was resubmitted)" in said, said
