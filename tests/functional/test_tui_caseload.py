"""The tutor's caseload: learners sorted by risk, drill down, accept evidence and sign off the gateway;
and a line manager who sees only their own apprentice, read-only."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Input, Select, Static, TextArea

from portfolio_tui import roster as roster_io
from portfolio_tui.domain.roles import Roster, RosterEntry
from portfolio_tui.identity import current_user
from portfolio_tui.services.caseload import Caseload
from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.services.records import mark_milestone_done
from portfolio_tui.tui.app import CaseloadApp
from portfolio_tui.tui.factory import build_caseload
from portfolio_tui.tui.screens.caseload import CaseloadScreen, CaseloadTable
from portfolio_tui.tui.screens.dashboard import DashboardScreen
from portfolio_tui.tui.screens.decisions import AssessDialog, SignOffDialog
from portfolio_tui.tui.screens.evidence_log import EvidenceLogScreen
from portfolio_tui.tui.screens.gateway import GatewayScreen
from portfolio_tui.tui.widgets.evidence_table import EvidenceTable
from portfolio_tui.tui.widgets.fit_lines import FitLines
from tests.functional.tui_helpers import AS_OF, drive, settle

ACTOR = "tester"
ME = current_user()


def _learner(folder: Path, file: str, name: str, start: date, end: date, reviews: tuple[str, ...] = ()) -> Path:
    path = folder / file
    service = PortfolioService.create(path, learner=name, standard="odo-l3", start=start, end=end, actor=ACTOR)
    service.add_evidence(title=f"{name}: minutes of the team meeting", date=start, kind="product",
                         criteria=["K1", "S2"], as_of=AS_OF)
    for day in reviews:
        service.add_record("reviews", {"date": day, "attendees": [name], "actions": "Plan the next quarter."})
    return path


def make_cohort(folder: Path) -> Path:
    """Four learners on fixed dates (risk on ``AS_OF`` in the comments) and one file that cannot be read."""
    # red, 2 milestones overdue, ends in 75 days
    _learner(folder, "ava.json", "Ava Patel", date(2024, 6, 3), date(2026, 3, 31))
    # red, 1 overdue (the other is done), ends sooner (43 days): fewer overdue sorts after Ava
    dan = _learner(folder, "dan.json", "Dan Reid", date(2024, 6, 3), date(2026, 2, 27))
    mark_milestone_done(PortfolioService(dan, actor=ACTOR), "plan-review", on=date(2025, 9, 1), as_of=AS_OF)
    # amber, nothing overdue: the nearer planned end first
    _learner(folder, "ben.json", "Ben Okoro", date(2025, 9, 1), date(2027, 3, 31), ("2025-12-01",))
    # (a start before Aug 2025: reviews every 12 weeks, 2025-08-25 at the latest, then 84 days after each)
    _learner(folder, "cara.json", "Cara Lewis", date(2025, 6, 2), date(2026, 12, 18), ("2025-08-20", "2025-11-10"))
    (folder / "broken.json").write_text("{ not json", encoding="utf-8")
    return folder


def _learners(app: CaseloadApp) -> list[str]:
    return [row.cells[0] for row in app.screen.query_one(CaseloadTable).rows]


def _notes(app: CaseloadApp) -> list[str]:
    """Record what the app tells the user in notifications."""
    seen: list[str] = []
    notify = app.notify

    def recording(message: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
        seen.append(message)
        notify(message, **kwargs)

    app.notify = recording  # type: ignore[method-assign]
    return seen


async def _type(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*[c if c != " " else "space" for c in text])


@drive
async def test_a_tutor_sorts_by_risk_drills_down_accepts_evidence_and_signs_off(tmp_path: Path) -> None:
    folder = make_cohort(tmp_path)
    app = build_caseload(folder, as_of=AS_OF, actor=ACTOR)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, CaseloadScreen)
        assert _learners(app) == ["broken.json", "Ava Patel", "Dan Reid", "Cara Lewis", "Ben Okoro"]
        rows = app.screen.query_one(CaseloadTable).rows
        assert [r.cells[2] for r in rows] == ["ERROR", "RED", "RED", "AMBER", "AMBER"]
        # Overdue: milestones, and the progress review none has been held for since it fell due
        # (Ava and Dan never held one; Cara's and Ben's next are still to come).
        assert [r.cells[5] for r in rows[1:]] == ["3", "2", "-", "-"]
        assert [r.cells[4] for r in rows[1:]] == ["1", "1", "1", "1"]  # one piece each awaiting assessment
        assert rows[1].cells[7] == "75d" and rows[1].cells[3] == "0/22"
        assert rows[0].cells[6].startswith("not valid JSON at line 1")
        assert "cannot open" in str(app.screen.query_one("#caseload-detail", FitLines).render())

        # Drill down into Ava (the riskiest readable file), her dashboard shows.
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "Ava Patel" in str(app.screen.query_one("#dash-head", Static).render())

        # Accept her evidence: A, a accepts every criterion, type feedback, save.
        await pilot.press("2")
        await settle(app, pilot)
        assert isinstance(app.screen, EvidenceLogScreen)
        await pilot.press("A")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, AssessDialog)
        await pilot.press("a")
        assert set(dialog.outcomes.values()) == {"accept"}
        await pilot.press("tab")
        assert dialog.focused is dialog.query_one("#feedback", TextArea)
        await _type(pilot, "Clear minutes [b]well kept")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, EvidenceLogScreen)
        evidence = PortfolioService(folder / "ava.json").load().evidence[0]
        assert evidence.status == "accepted"
        assert (evidence.judgements[-1].feedback, evidence.judgements[-1].by) == ("Clear minutes [b]well kept", ACTOR)
        assert app.screen.query_one(EvidenceTable).rows[0].cells[4] == "accepted"

        # Sign off the gateway as assessor (the next one due is offered first).
        await pilot.press("5")
        await settle(app, pilot)
        assert isinstance(app.screen, GatewayScreen)
        assert "next: assessor" in str(app.screen.query_one("#signoffs", Static).render())
        await pilot.press("S")
        await settle(app, pilot)
        assert isinstance(app.screen, SignOffDialog)
        assert app.screen.query_one("#role", Select).value == "assessor"
        # Gateway items are open: refused until a reason is given, which is kept and shown.
        before = (folder / "ava.json").read_bytes()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, SignOffDialog)
        assert "still open" in str(app.screen.query_one("#dialog-error", Static).render())
        assert (folder / "ava.json").read_bytes() == before
        app.screen.query_one("#reason", Input).value = "EPA booked; portfolio gaps agreed with the employer"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, GatewayScreen)
        signoffs = PortfolioService(folder / "ava.json").load().signoffs
        assert [(s.role, s.by, s.on, s.reason) for s in signoffs] == [
            ("assessor", ACTOR, AS_OF, "EPA booked; portfolio gaps agreed with the employer")]
        shown = str(app.screen.query_one("#signoffs", Static).render())
        assert "assessor tester 2026-01-15 (items open: EPA booked" in shown and "next: apprentice" in shown

        # The employer before the apprentice is refused, saying who must sign first; nothing is written.
        before = (folder / "ava.json").read_bytes()
        await pilot.press("S")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, SignOffDialog)
        dialog.query_one("#role", Select).value = "employer"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is dialog
        error = dialog.query_one("#dialog-error", Static)
        assert error.has_class("-shown")
        assert "still waiting for: apprentice" in str(error.render())
        assert (folder / "ava.json").read_bytes() == before
        await pilot.press("escape")  # the role was changed, so esc asks before discarding it
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)

        # Back to the caseload, which checks the files again: Ava's accepted evidence now counts.
        await pilot.press("backspace")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseloadScreen)
        rows = app.screen.query_one(CaseloadTable).rows
        assert rows[1].cells[0] == "Ava Patel" and rows[1].cells[3] == "2/22" and rows[1].cells[4] == "-"
        # Sort by what awaits assessment (Ava's is done now, so she goes last), then filter by name.
        await pilot.press("s", "s")
        await settle(app, pilot)
        assert _learners(app)[-1] == "Ava Patel" and app.screen.sort_by == "assess"
        await pilot.press("slash")
        await _type(pilot, "cara")
        await settle(app, pilot)
        assert _learners(app) == ["Cara Lewis"]
        head = str(app.screen.query_one("#caseload-head", Static).render())
        assert " · 1 of 5 learners shown · " in head  # counted as the evidence log counts a filter
        await pilot.press("escape")
        await settle(app, pilot)
        assert len(_learners(app)) == 5
        assert " · 5 learners · " in str(app.screen.query_one("#caseload-head", Static).render())
        await pilot.press("2")  # no learner open: the learner screens stay closed
        await settle(app, pilot)
        assert isinstance(app.screen, CaseloadScreen)


@drive
async def test_a_line_manager_sees_only_their_apprentice_read_only(tmp_path: Path) -> None:
    folder = make_cohort(tmp_path)
    roster_io.create_roster(folder, ME)
    roster_io.update_roster(folder, ME, lambda r: Roster(r.owner, {
        ME: RosterEntry("line-manager", ("cara.json",)),
        "tess": RosterEntry("tutor", ("*",)),
    }))
    before = (folder / "cara.json").read_bytes()
    app = build_caseload(folder, as_of=AS_OF, actor=ACTOR)
    notes = _notes(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert _learners(app) == ["Cara Lewis"]
        head = str(app.screen.query_one("#caseload-head", Static).render())
        assert "line manager" in head
        # QA Q14: what awaits the tutor is not put to the line manager as theirs ("1 to assess")
        assert " · 1 awaiting assessment · " in head and "to assess" not in head, head
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("2", "A", "a", "e", "d")
        await settle(app, pilot)
        assert isinstance(app.screen, EvidenceLogScreen)
        # Keys for what only others may do are not offered, and pressed anyway they change nothing and
        # say, in one line each, whose they are (the access view model's words); commenting is theirs.
        offered = app.screen.active_bindings
        assert not {"a", "e", "d", "A"} & set(offered) and "c" in offered
        assert notes == [
            "Accepting or referring evidence is for an assessor (tutor), tess, not the line manager.",
            "Adding evidence is for the apprentice, not the line manager.",
            "Editing, removing or restoring evidence is for the apprentice, not the line manager.",
            "Editing, removing or restoring evidence is for the apprentice, not the line manager.",
        ]
        assert isinstance(app.screen, EvidenceLogScreen)  # no form was opened
        # The palette offers the same: no "evidence: add" for a line manager.
        from portfolio_tui.tui.commands import PortfolioCommands

        names = [name for name, _, _ in PortfolioCommands(app.screen)._commands()]
        assert "evidence: comment" in names and not any(n in names for n in ("evidence: add", "evidence: assess"))
    assert (folder / "cara.json").read_bytes() == before


def _screen_text(app: CaseloadApp) -> str:
    return " ".join(str(widget.render()) for widget in app.screen.query(Static))


@drive
async def test_a_portfolio_the_account_may_not_see_opens_on_a_refusal_screen(tmp_path: Path) -> None:
    from portfolio_tui.tui.factory import build_app
    from portfolio_tui.tui.screens.refusal import RefusalScreen

    folder = make_cohort(tmp_path)
    roster_io.create_roster(folder, ME)
    roster_io.update_roster(folder, ME, lambda r: Roster(r.owner, {
        ME: RosterEntry("line-manager", ("cara.json",)),
        "tess": RosterEntry("tutor", ("*",)),
    }))
    app = build_app(folder / "ava.json", as_of=AS_OF, actor=ACTOR)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, RefusalScreen)
        shown = _screen_text(app)
        assert "only the apprentice, their line manager or an assessor (tutor) may see ava.json: tess" in shown
        assert "Ava" not in shown and app.view is None

    caseload = build_caseload(folder, as_of=AS_OF, actor=ACTOR)
    async with caseload.run_test(size=(80, 24)) as pilot:
        await settle(caseload, pilot)
        assert _learners(caseload) == ["Cara Lewis"]
        roster_io.update_roster(folder, ME, lambda r: Roster(r.owner, {"tess": RosterEntry("tutor", ("*",))}))
        await pilot.press("enter")
        await settle(caseload, pilot)
        assert isinstance(caseload.screen, RefusalScreen), "the roster is read again when a learner is opened"
        assert "Cara" not in _screen_text(caseload)
        await pilot.press("backspace")
        await settle(caseload, pilot)
        assert isinstance(caseload.screen, CaseloadScreen)
        assert _learners(caseload) == []


@drive
async def test_the_overdue_column_counts_milestones_and_reviews_from_the_view_model(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The column shows the service's count (``CaseloadRow.overdue``), which adds the overdue review to the
    overdue milestones; the detail line spells out which; the heading names the folder opened as "."."""
    folder = make_cohort(tmp_path)
    monkeypatch.chdir(folder)
    rows = {row.name: row for row in Caseload(folder).view(AS_OF).rows}
    ava = rows["Ava Patel"]
    assert (ava.overdue_milestones, ava.overdue_reviews, ava.overdue) == (2, 1, 3)
    assert (rows["Cara Lewis"].overdue_reviews, rows["Ben Okoro"].overdue_reviews) == (0, 0)
    app = build_caseload(Path("."), as_of=AS_OF, actor=ACTOR)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        head = str(app.screen.query_one("#caseload-head", Static).render())
        assert head.startswith(f"Caseload {folder.name} · 5 learners")
        table = app.screen.query_one(CaseloadTable)
        shown = {row.cells[0]: row.cells[5] for row in table.rows}
        assert shown["Ava Patel"] == str(ava.overdue) and shown["Cara Lewis"] == "-"
        await pilot.press("down")
        await pilot.pause()
        detail = str(app.screen.query_one("#caseload-detail", FitLines).render())
        assert detail.splitlines()[2].startswith("2 milestones and 1 review overdue · ")
        # At 80 columns each line is cut at a word, with "…", never mid-word by the terminal.
        assert all(len(line) <= 78 for line in detail.splitlines())
        assert detail.splitlines()[1].startswith("Next: 2025-09-30 107 days ago Review progress")


@pytest.mark.parametrize("width", [120, 100])
@drive
async def test_a_caseload_of_several_standards_shows_each_title_whole_at_120_columns(tmp_path: Path,
                                                                                     width: int) -> None:
    """A tutor's caseload spans standards with long titles (the OCR qualification's is 52 characters): at 120
    columns every title is shown whole, the next milestone then keeping at least its days (never half a word);
    at 100 a title is cut at a word and the next milestone keeps its fair share."""
    folder = make_cohort(tmp_path)
    titles = {"ocr-cs": "OCR Customer Service NVQ and Diplomas, Levels 1 to 4",
              "ilm-l5-si-2011": "ILM Level 5 Certificate in Service Improvement"}
    for n, standard in enumerate(titles):
        PortfolioService.create(folder / f"{standard}.json", learner=f"Learner {n}", standard=standard,
                                start=date(2025, 9, 1), end=date(2027, 3, 31), actor=ACTOR)
    app = build_caseload(folder, as_of=AS_OF, actor=ACTOR)
    async with app.run_test(size=(width, 40)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(CaseloadTable)
        lines = [table.render_line(y).text for y in range(1, table.row_count + 1)]
        for n, title in enumerate(titles.values()):
            line = next(line for line in lines if f"Learner {n}" in line)
            assert (title in line) is (width >= 120), line
        ava = next(line for line in lines if "Ava Patel" in line)
        assert " -107d" in ava, ava
        # whatever the width, a next milestone cut short ends at a whole word
        next_at = [c.key for c in table.all_columns].index("next")
        for row, line in zip(table.rows, lines, strict=True):
            full = row.cells[next_at]
            days = full.split(" ", 1)[0]
            shown = line[line.index(f" {days}") + 1:].split("  ", 1)[0].split("…", 1)[0]
            assert full.startswith(shown), (full, line)
            assert len(shown) == len(full) or full[len(shown)] == " ", (full, line)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
@drive
async def test_the_caseload_uses_the_room_it_has_for_names_and_standards(tmp_path: Path,
                                                                          size: tuple[int, int]) -> None:
    """At 120 columns each learner's full name, the standard's title and the next milestone readably; at 80,
    a name too long for its column cut at a word with "…" (the title is then in the line under the table)."""
    folder = make_cohort(tmp_path)
    if size[0] == 80:
        _learner(folder, "max.json", "Maximilian Oyelaran-Bartholomew Featherstonehaugh", date(2025, 9, 1),
                 date(2027, 3, 31))
    app = build_caseload(folder, as_of=AS_OF, actor=ACTOR)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(CaseloadTable)
        lines = [table.render_line(y).text for y in range(1, table.row_count + 1)]
        ava = next(line for line in lines if "Ava Patel" in line)
        if size[0] == 120:
            for name in ("Ava Patel", "Dan Reid", "Cara Lewis", "Ben Okoro"):
                line = next(line for line in lines if name in line)
                assert "Public Service Operational Delivery Officer" in line
            # ... and the next milestone's days and the first words of its name, not just "-107d…"
            assert "-107d Review progress…" in ava, ava
            # One long name is cut at a word (the line under the table has it whole): it took every row's
            # standard down to "Public Service…" and every next milestone to its days ("-107d…").
            _learner(folder, "max.json", "Maximilian Oyelaran-Bartholomew Featherstonehaugh", date(2025, 9, 1),
                     date(2027, 3, 31))
            await pilot.press("r")
            await settle(app, pilot)
            lines = [table.render_line(y).text for y in range(1, table.row_count + 1)]
            assert all("Public Service Operational Delivery Officer" in line for line in lines[1:]), lines
            assert any(line.startswith(" Maximilian Oyelaran… ") for line in lines), lines
            assert any("-107d Review…" in line for line in lines), lines
        else:
            assert "Public Service" not in ava
            assert any("Maximilian Oyelaran-Bartholomew…  " in line for line in lines), lines
        # Sorted on a narrow column, its header keeps its name and the marker ("Covered ▲", not "Covere…").
        for _ in range(3):
            await pilot.press("s")
        await pilot.pause()
        assert table.render_line(0).text.split()[:5] == ["Learner", "RAG", "Covered", "▲", "Assess"] \
            if size[0] == 80 else "Covered ▲ " in table.render_line(0).text


@drive
async def test_the_caseload_picks_up_a_new_and_a_changed_portfolio_without_r(tmp_path: Path) -> None:
    """QA: the caseload showed a new learner's file, or evidence added to one, only after r. It looks at the
    folder every second (its list of names and each file's status; no file is read unless one changed) and
    checks the portfolios again when another process added or changed one, and says so."""
    folder = tmp_path / "cohort"
    folder.mkdir()
    make_cohort(folder)
    app = build_caseload(folder, as_of=AS_OF, actor=ACTOR)
    notes = _notes(app)

    async def seen(check) -> bool:  # type: ignore[no-untyped-def]
        for _ in range(200):  # the folder is looked at every second; a loaded machine is slower
            if check():
                return True
            await pilot.pause(0.05)
        return False

    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        assert "Eve Shah" not in _learners(app)
        screen = app.screen
        assert isinstance(screen, CaseloadScreen)
        waiting = sum(row.awaiting for row in screen.rows.values())
        _learner(folder, "eve.json", "Eve Shah", date(2025, 9, 1), date(2027, 3, 31))
        assert await seen(lambda: "Eve Shah" in _learners(app)), "the new learner's file was never shown"
        assert any("added or changed elsewhere" in n for n in notes)
        ben = PortfolioService(folder / "ben.json", actor=ACTOR)
        ben.add_evidence(title="Call notes", date=date(2025, 12, 1), kind="product", criteria=["K2"], as_of=AS_OF)
        assert await seen(lambda: sum(row.awaiting for row in screen.rows.values()) == waiting + 2), \
            "the changed learner's evidence was never counted"


@drive
async def test_a_filter_that_leaves_no_learner_says_so_and_offers_no_enter(tmp_path: Path) -> None:
    """QA Q1: filtered to nothing, the line under the table went on describing the learner last highlighted
    and the footer offered "⏎ Open learner", which did nothing."""
    folder = make_cohort(tmp_path)
    app = build_caseload(folder, as_of=AS_OF, actor=ACTOR)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "enter" in app.screen.active_bindings
        await pilot.press("slash")
        await _type(pilot, "zzz")
        await pilot.press("enter")
        await settle(app, pilot)
        assert _learners(app) == []
        shown = [line.plain for line in app.screen.query_one("#caseload-detail", FitLines).lines]
        assert shown == ["No learner matches zzz.", "esc clears the filter."], shown
        assert "enter" not in app.screen.active_bindings
        await pilot.press("escape")
        await settle(app, pilot)
        assert len(_learners(app)) == 5 and "enter" in app.screen.active_bindings
        shown = [line.plain for line in app.screen.query_one("#caseload-detail", FitLines).lines]
        assert shown[0].startswith("broken.json"), shown
