"""Each person's whole loop in the TUI, end to end, checking the portfolio file after each step:
the apprentice (hours, feedback, comments, the bin, a kept file), the tutor (a review, judging
criterion by criterion, a prerequisite, a break, a grade) and the line manager (the employer's
confirmation and their part of a review), each party confirming a review as itself only. The roster
gives this OS account each role in turn."""

from __future__ import annotations

import hashlib
from pathlib import Path

from textual.widgets import Checkbox, Input, Static, TextArea

from portfolio_tui import roster as roster_io
from portfolio_tui.domain.roles import Roster, RosterEntry
from portfolio_tui.identity import current_user
from portfolio_tui.services import records
from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.tui.screens.bin import BinScreen
from portfolio_tui.tui.screens.decisions import AssessDialog
from portfolio_tui.tui.screens.evidence_form import EvidenceForm
from portfolio_tui.tui.screens.forms import ConfirmDialog
from portfolio_tui.tui.screens.history import HistoryScreen
from portfolio_tui.tui.screens.progress_forms import ProgressForm
from portfolio_tui.tui.widgets.evidence_table import EvidenceTable
from portfolio_tui.tui.widgets.fit_lines import FitLines
from tests.functional.tui_helpers import ACTOR, AS_OF, app_for, drive, make_portfolio, settle

ME = current_user()


def as_role(folder: Path, role: str) -> None:
    """A roster naming this account in ``role`` on the test portfolio (and a tutor, tess)."""
    roster_io.create_roster(folder, ME)
    entries = {ME: RosterEntry(role, ("portfolio.json",))}
    if role != "tutor":
        entries["tess"] = RosterEntry("tutor", ("*",))
    roster_io.update_roster(folder, ME, lambda r: Roster(r.owner, entries))


def notes_of(app) -> list[str]:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    notify = app.notify

    def recording(message: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
        seen.append(message)
        notify(message, **kwargs)

    app.notify = recording
    return seen


async def type_text(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*["space" if ch == " " else ch for ch in text])


def evidence_id(path: Path, title: str) -> int:
    return next(e.id for e in PortfolioService(path).load().evidence if e.title == title)


def detail_text(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#log-detail", FitLines).render())


@drive
async def test_the_apprentice_logs_hours_reads_feedback_comments_and_attaches_a_file(tmp_path: Path) -> None:
    path = make_portfolio(tmp_path)
    as_role(tmp_path, "apprentice")
    app = app_for(path)
    notes = notes_of(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        # Off-the-job hours: h opens the form, with the target, the pace and the latest entries beside it.
        await pilot.press("h")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ProgressForm)
        side = str(form.query_one("#progress-side", Static).render())
        assert "120 of" in side and "2025-09-20 6 h teaching" in side
        await pilot.press("tab")
        await type_text(pilot, "3.5")
        form.query_one("#criteria", Input).value = "K1, S2"
        form.query_one("#note", TextArea).text = "Workshop on the case-management system."
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, ProgressForm)
        entry = PortfolioService(path).load().otj[-1]
        assert (entry.date, entry.hours, entry.category, entry.criteria) == (AS_OF, 3.5, "teaching", ("K1", "S2"))
        assert app.view.report.otj.logged == 123.5
        assert "123.5 of" in str(app.screen.query_one("#dash-otj", Static).render())

        # Feedback: the referred piece shows who referred it and what it still needs.
        await pilot.press("2")
        await settle(app, pilot)
        table = app.screen.query_one(EvidenceTable)
        referred = evidence_id(path, "Reflective account on a new process")
        table.move_to(referred)
        await pilot.pause()
        shown = detail_text(app)
        assert "✗ referred by tester" in shown and "Add detail." in shown

        # A comment on it, kept with who wrote it.
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, ProgressForm)
        await type_text(pilot, "Added two examples")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [comment] = PortfolioService(path).load().comments_on(referred)
        assert (comment.text, comment.recorded_by) == ("Added two examples", "tester")
        assert "Added two examples" in detail_text(app)

        # A kept file: e edits the piece, a missing path is refused in one line, a real file is copied.
        await pilot.press("e")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, EvidenceForm)
        feedback = str(form.query_one("#form-feedback Static", Static).render())
        assert "✗ referred by tester" in feedback and "Add detail." in feedback  # on the piece too
        form.query_one("#files", Input).value = str(tmp_path / "no-such-file.pdf")
        before = path.read_bytes()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form and path.read_bytes() == before
        assert "no such file" in str(form.query_one("#files-error", Static).render())
        account = tmp_path / "reflective account.txt"
        account.write_text("What I did, and what I would do differently.\n")
        form.query_one("#files", Input).value = str(account)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        digest = hashlib.sha256(account.read_bytes()).hexdigest()
        assert PortfolioService(path).evidence(referred).files == (f"sha256:{digest}/reflective account.txt",)
        kept = tmp_path / "portfolio.files" / digest[:2] / digest
        assert kept.read_bytes() == account.read_bytes()
        account.unlink()  # the laptop's copy is gone; the portfolio's is not
        table.move_to(referred)
        await pilot.pause()
        assert "reflective account.txt  45 B · text/plain" in detail_text(app)
        opened: list[Path] = []
        app.opener = lambda p: opened.append(p) is None and False  # no viewer: the app says where it is
        await pilot.press("o")
        await settle(app, pilot)
        [copy] = opened  # a private copy for the viewer; with none here, the kept file's place is shown
        assert Path(copy) != kept and str(kept) in notes[-1]
        assert not Path(copy).exists(), "no viewer took the copy: it is not left behind"

        # Esc on a filled form asks before throwing it away.
        await pilot.press("a")
        await settle(app, pilot)
        await type_text(pilot, "Half written")
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, EvidenceForm)
        assert app.screen.query_one("#title", Input).value == "Half written"
        await pilot.press("escape", "y")
        await settle(app, pilot)
        assert not isinstance(app.screen, (EvidenceForm, ConfirmDialog))

        # Remove a piece (asked first); it goes to the bin.
        table.move_to(evidence_id(path, "Line-manager feedback on casework"))
        await pilot.press("d", "y")
        await settle(app, pilot)
    removed = evidence_id(path, "Line-manager feedback on casework")
    assert PortfolioService(path).evidence(removed).deleted

    # A later session: the bin still holds it, and enter restores it.
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2", "b")
        await settle(app, pilot)
        assert isinstance(app.screen, BinScreen)
        assert [e.id for e in app.screen.removed] == [removed]
        await pilot.press("enter")
        await settle(app, pilot)
        assert not PortfolioService(path).evidence(removed).deleted
        assert removed in [r.key for r in app.screen.query_one(EvidenceTable).rows]
        # The history of the piece names each change.
        await pilot.press("h")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert [r.action for r in app.screen.rows] == ["restore", "remove", "add"]


@drive
async def test_the_tutor_records_a_review_and_judges_criteria_one_by_one(tmp_path: Path) -> None:
    path = make_portfolio(tmp_path)
    as_role(tmp_path, "tutor")
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "a" not in app.screen.active_bindings  # a tutor adds no evidence
        # A progress review from the timeline: attendees filled in, the tutor's own confirmation ticked (the
        # only one offered: the apprentice and the employer confirm with their own accounts).
        await pilot.press("4", "R")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ProgressForm)
        assert form.query_one("#attendees", Input).value == "Ava Patel, Sam Jones"
        assert [f.name for f in form.spec.fields if f.kind == "check"] == ["confirm_provider"]
        assert not form.query("#confirm_employer") and not form.query("#confirm_apprentice")
        form.query_one("#confirm_provider").value = True
        form.query_one("#otj_hours", Input).value = "40"
        form.query_one("#actions", TextArea).text = "Finish the project plan by March."
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        review = PortfolioService(path).load().reviews[-1]
        assert (review.date, review.otj_hours_discussed, review.actions) == (
            AS_OF, 40.0, "Finish the project plan by March.")
        assert review.signed_by == () and [(c.party, c.by) for c in review.confirmations] == [("provider", "tester")]

        # Judge the coach report criterion by criterion: S5 accepted, B4 referred.
        await pilot.press("2")
        await settle(app, pilot)
        coach = evidence_id(path, "Coach report: handling a complaint")
        app.screen.query_one(EvidenceTable).move_to(coach)
        await pilot.press("A")
        await settle(app, pilot)
        assert isinstance(app.screen, AssessDialog)
        await pilot.press("space", "down", "space", "space", "tab")
        await type_text(pilot, "S5 is clear; B4 needs the customer's reply")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        piece = PortfolioService(path).evidence(coach)
        assert [(j.criterion, j.outcome) for j in piece.judgements] == [("S5", "accept"), ("B4", "refer")]
        assert piece.status == "referred" and app.view.coverage_states["S5"] == "full"
        shown = detail_text(app)
        assert "✔ accepted S5 by tester" in shown and "✗ referred B4 by tester" in shown

        # A prerequisite from the gateway checklist, then a break from the timeline.
        await pilot.press("5")
        await settle(app, pilot)
        table = app.screen.query_one("#checklist")
        table.move_cursor(row=table.get_row_index("prerequisite:l2-award-operational-delivery"))
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ProgressForm)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert [p.key for p in PortfolioService(path).load().prerequisites] == ["l2-award-operational-delivery"]
        await pilot.press("4", "B")
        await settle(app, pilot)
        app.screen.query_one("#start", Input).value = "2025-11-01"
        app.screen.query_one("#end", Input).value = "2025-11-30"
        app.screen.query_one("#reason", Input).value = "Illness"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [brk] = PortfolioService(path).load().breaks
        assert (brk.start.isoformat(), brk.end.isoformat() if brk.end else None, brk.reason) == (
            "2025-11-01", "2025-11-30", "Illness")


@drive
async def test_the_line_manager_confirms_for_the_employer_and_signs_a_review(tmp_path: Path) -> None:
    path = make_portfolio(tmp_path)
    as_role(tmp_path, "line-manager")
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        keys = app.screen.active_bindings
        assert "a" not in keys and "h" not in keys  # no "Add evidence", no hours: only what they may do
        await pilot.press("5")
        await settle(app, pilot)
        assert "E" in app.screen.active_bindings and "G" not in app.screen.active_bindings
        await pilot.press("E")
        await settle(app, pilot)
        assert isinstance(app.screen, ProgressForm)
        app.screen.query_one("#detail", Input).value = "Competent in every duty"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [confirmation] = PortfolioService(path).load().checklist
        assert (confirmation.key, confirmation.done_on, confirmation.detail) == (
            "employer-confirmation", AS_OF, "Competent in every duty")
        # Their part of the review held in June: c on it in the timeline.
        await pilot.press("4")
        await settle(app, pilot)
        table = app.screen.query_one("#timeline-table")
        table.move_cursor(row=table.get_row_index("r:1"))
        await pilot.press("c")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ProgressForm)
        assert not form.query(Input)  # nothing to type: the account confirms, as the party its role stands for
        assert f"Confirming as {ME}, employer" in str(form.query_one(".form-intro", Static).render())
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [review] = PortfolioService(path).load().reviews
        assert review.signed_by == () and [(c.party, c.by) for c in review.confirmations] == [("employer", "tester")]
        # Confirmed: no c on it any more.
        assert "c" not in app.screen.active_bindings


@drive
async def test_the_apprentice_confirms_their_part_of_a_review_once(tmp_path: Path) -> None:
    path = make_portfolio(tmp_path)
    as_role(tmp_path, "apprentice")
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        assert "R" not in app.screen.active_bindings  # an apprentice records no review, only confirms theirs
        table = app.screen.query_one("#timeline-table")
        table.move_cursor(row=table.get_row_index("r:1"))
        await settle(app, pilot)
        assert "c" in app.screen.active_bindings
        assert "c confirms it as the apprentice" in str(app.screen.query_one("#timeline-detail", Static).render())
        await pilot.press("c")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ProgressForm) and not form.query(Input)
        intro = str(form.query_one(".form-intro", Static).render())
        assert f"Confirming as {ME}, apprentice" in intro
        # QA Q12: what is confirmed, as recorded (it showed the actions alone)
        assert "With: Ava Patel, Sam Jones\nActions: Plan the project topic." in intro, intro
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, ProgressForm)
        assert "c" not in app.screen.active_bindings
        await pilot.press("c")
        await settle(app, pilot)
        assert not isinstance(app.screen, ProgressForm)
        detail = str(app.screen.query_one("#timeline-detail", Static).render())
        assert "Confirmed by the apprentice (tester)" in detail
        assert "Waiting for the employer and the provider" in detail
    [review] = PortfolioService(path).load().reviews
    assert [(c.party, c.by) for c in review.confirmations] == [("apprentice", "tester")]


@drive
async def test_a_change_by_another_process_shows_within_two_seconds_and_keeps_what_is_typed(tmp_path: Path) -> None:
    import asyncio
    import subprocess
    import sys
    import time

    path = make_portfolio(tmp_path)
    app = app_for(path)
    notes = notes_of(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2", "a")
        await settle(app, pilot)
        await type_text(pilot, "Typing while someone else saves")
        before = len(app.view.log)
        # Another process (the CLI) adds a piece of evidence to the open portfolio.
        cli = "import sys; from portfolio_tui.cli import main; sys.exit(main())"
        subprocess.run([sys.executable, "-c", cli, "evidence", "add", str(path), "--title",
                        "Added from the command line", "--date", "2025-12-10", "--kind", "product",
                        "--criteria", "K3"], check=True, capture_output=True)
        changed = time.monotonic()
        while len(app.view.log) == before and time.monotonic() - changed < 5:
            await asyncio.sleep(0.05)
        waited = time.monotonic() - changed
        print(f"\nreload seen {waited:.2f} s after the other process's save")
        assert waited < 2
        assert "Added from the command line" in [e.evidence.title for e in app.view.log]
        assert "The portfolio was changed elsewhere; this is the latest." in notes
        form = app.screen
        assert isinstance(form, EvidenceForm)
        assert form.query_one("#title", Input).value == "Typing while someone else saves"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        titles = [e.title for e in PortfolioService(path).load().evidence]
        assert titles[-2:] == ["Added from the command line", "Typing while someone else saves"]
        # Our own save is not reported as someone else's.
        assert notes.count("The portfolio was changed elsewhere; this is the latest.") == 1
        rows = app.screen.query_one(EvidenceTable).rows
        assert {"Added from the command line", "Typing while someone else saves"} <= {r.cells[1] for r in rows}


@drive
async def test_the_timeline_offers_marking_a_milestone_only_to_whoever_may(tmp_path: Path) -> None:
    """The line manager may not mark milestones: the detail line does not tell them 'm marks it done'."""
    for role, offered in (("line-manager", False), ("tutor", True)):
        folder = tmp_path / role
        folder.mkdir()
        path = make_portfolio(folder)
        as_role(folder, role)
        app = app_for(path)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await pilot.press("4")
            await settle(app, pilot)
            screen = app.screen
            key = next(k for k, item in screen.items.items() if item.milestone_key and item.status != "done")
            table = screen.query_one("#timeline-table")
            table.move_cursor(row=table.get_row_index(key))
            await settle(app, pilot)
            detail = str(screen.query_one("#timeline-detail", Static).render())
            assert ("m marks it done" in detail) is offered, (role, detail)


@drive
async def test_the_line_manager_is_offered_confirm_only_on_a_review_still_waiting_for_them(tmp_path: Path) -> None:
    """The timeline's row keys come from the service's rows: Confirm on the review held in June (nobody has
    confirmed it) and on one whose recorder only wrote three names down, none on one all three parties have
    confirmed, nor on a milestone; c there opens nothing."""
    path = make_portfolio(tmp_path)
    PortfolioService(path).add_record("reviews", {"date": "2025-08-01", "attendees": ["Ava Patel", "Sam Jones"],
                                                  "signed_by": ["Ava Patel", "Jo Bloggs", "Sam Jones"]})
    records.record_review(PortfolioService(path), on="2025-09-01", attendees="Ava Patel, Sam Jones",
                          confirm_as=["apprentice", "employer", "provider"], as_of=AS_OF)
    as_role(tmp_path, "line-manager")
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        table = app.screen.query_one("#timeline-table")
        table.move_cursor(row=table.get_row_index("r:1"))
        await settle(app, pilot)
        assert "c" in app.screen.active_bindings
        table.move_cursor(row=table.get_row_index("r:2"))
        await settle(app, pilot)
        assert "c" in app.screen.active_bindings
        assert "Noted as confirmed by the recorder" in str(app.screen.query_one("#timeline-detail", Static).render())
        table.move_cursor(row=table.get_row_index("r:3"))
        await settle(app, pilot)
        assert "c" not in app.screen.active_bindings
        assert "timeline: confirm" not in [name for name, _, _ in app.screen.palette_commands()]
        await pilot.press("c")
        await settle(app, pilot)
        assert not isinstance(app.screen, ProgressForm)
        table.move_cursor(row=table.get_row_index("m:plan-review"))
        await settle(app, pilot)
        assert "c" not in app.screen.active_bindings and "m" not in app.screen.active_bindings
    assert PortfolioService(path).load().reviews[1].signed_by == ("Ava Patel", "Jo Bloggs", "Sam Jones")
    assert len(PortfolioService(path).load().reviews[2].confirmations) == 3


@drive
async def test_the_tutor_records_grades_component_by_component(tmp_path: Path) -> None:
    """G on the gateway: one field per EPA component with its grades to choose; nothing chosen is refused
    naming the first component's label; two chosen are two grade records in the file."""
    from textual.widgets import Select

    path = make_portfolio(tmp_path)
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("5", "G")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ProgressForm)
        selects = list(form.query(Select))
        assert len(selects) == 4
        assert [value for _, value in selects[0]._options if isinstance(value, str)] == [
            "fail", "pass", "distinction"]
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        message = str(form.query_one("#dialog-error", Static).render())
        assert message.startswith("Showcase portfolio: "), message
        assert PortfolioService(path).load().grades == ()
        await pilot.press("enter", "down", "down", "down", "enter")  # the first component: distinction
        await settle(app, pilot)
        selects[2].value = "pass"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, ProgressForm)
    grades = PortfolioService(path).load().grades
    assert [(g.values["component"], g.values["grade"], g.values["on"]) for g in grades] == [
        ("showcase-portfolio", "distinction", AS_OF.isoformat()), ("presentation", "pass", AS_OF.isoformat())]


@drive
async def test_the_line_manager_confirms_the_employers_decisions_the_tutor_recorded(tmp_path: Path) -> None:
    """D on the gateway, offered to the line manager only while a decision awaits them: the dialog shows each
    as recorded, the names the tutor typed as noted, and confirms what is ticked by their account; the
    gateway then counts it. The tutor is not offered D, and pressing it says whose it is."""
    path = make_portfolio(tmp_path)
    records.update_learner(PortfolioService(path, actor="tess"), age_at_start=19, english_maths_decision="not-required",
                           english_maths_decided_by="Mona M (employer)", review_cadence="4-months",
                           review_cadence_agreed_by="Mona M")
    as_role(tmp_path, "tutor")
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        notes = notes_of(app)
        await settle(app, pilot)
        reasons = app.screen.query_one("#dash-rag-reasons", FitLines).lines
        assert reasons[0].plain == "! Employer to confirm: 2 decisions"
        await pilot.press("5")
        await settle(app, pilot)
        assert "D" not in app.screen.active_bindings
        await pilot.press("D")
        await settle(app, pilot)
        assert not isinstance(app.screen, ProgressForm)
        assert notes[-1].startswith("Confirming the employer's decisions is for the line manager")
    roster_io.update_roster(tmp_path, ME, lambda r: Roster(r.owner, {ME: RosterEntry("line-manager", (path.name,))}))
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        reasons = app.screen.query_one("#dash-rag-reasons", FitLines).lines
        assert reasons[0].plain == "! 2 decisions to confirm (5, D)"
        await pilot.press("5")
        await settle(app, pilot)
        assert "D" in app.screen.active_bindings
        assert "gateway: decisions" in [name for name, _, _ in app.screen.palette_commands()]
        await pilot.press("D")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ProgressForm) and not form.query(Input)
        intro = str(form.query_one(".form-intro", Static).render())
        assert "English/maths: Mona M (employer)" in intro and f"Confirming as {ME}, the employer" in intro
        before = path.read_bytes()
        await pilot.press("ctrl+s")  # QA Q6: none ticked read "English/maths: name the decisions you confirm (...)"
        await settle(app, pilot)
        assert str(form.query_one("#dialog-error", Static).render()) == (
            "Decisions: choose at least one to confirm (english-maths, prior-learning, review-cadence)")
        assert path.read_bytes() == before
        form.query_one("#decide-english-maths", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, ProgressForm)
        learner = PortfolioService(path).learner
        assert [(c.decision, c.by) for c in learner.employer_confirmations] == [("english-maths", ACTOR)]
        assert app.view.report.awaiting_employer == ("review-cadence",)
        assert "D" in app.screen.active_bindings  # the review frequency still awaits them
        english = next(c for c in app.view.report.checklist if c.key == "english-maths")
        assert f"the employer's decision is confirmed by {ACTOR}" in english.detail


@drive
async def test_sign_off_is_offered_only_in_turn_and_pressed_out_of_turn_says_why(tmp_path: Path) -> None:
    """The apprentice before the assessor, and the tutor once signed, are not offered S; pressed anyway,
    it says why in one line and opens no form; nothing is written."""
    from datetime import date

    from portfolio_tui.services.signoffs import sign_off
    from portfolio_tui.tui.screens.decisions import SignOffDialog

    for role, signed_first, said in (
        ("apprentice", False, "Not now: the apprentice signs off after the assessor; still waiting for: assessor."),
        ("tutor", True, f"Not now: the assessor already signed off on 2026-01-14 ({ME})."),
    ):
        folder = tmp_path / role
        folder.mkdir()
        path = make_portfolio(folder)
        as_role(folder, role)
        if signed_first:
            sign_off(PortfolioService(path), "assessor", on=date(2026, 1, 14), as_of=AS_OF, reason="Agreed")
        before = path.read_bytes()
        app = app_for(path)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await pilot.press("5")
            await settle(app, pilot)
            assert "S" not in app.screen.active_bindings
            notes = notes_of(app)
            await pilot.press("S")
            await settle(app, pilot)
            assert not isinstance(app.screen, SignOffDialog) and notes == [said]
        assert path.read_bytes() == before


@drive
async def test_a_long_thread_and_many_judgements_open_on_the_newest_and_scroll_back_to_the_first(
        tmp_path: Path) -> None:
    """At 80x24 the comment dialog and the evidence form's feedback are boxes of a few rows: each holds
    the whole thread and opens on its newest line (a box cut at its height showed the oldest and hid the
    newest: the tenth comment of ten, the tutor's latest judgement)."""
    from textual.containers import VerticalScroll

    path = make_portfolio(tmp_path)
    referred = evidence_id(path, "Reflective account on a new process")
    service = PortfolioService(path)
    for n in range(1, 11):
        records.add_comment(service, referred, f"Comment {n}: a body long enough to wrap onto a second line "
                                               "in a dialog eighty columns wide.")
    for n in range(1, 6):
        service.assess(referred, "refer", f"Round {n}: still needs detail.")
    as_role(tmp_path, "apprentice")
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        app.screen.query_one(EvidenceTable).move_to(referred)
        await pilot.pause()
        # The log's panel under the table lists the latest comments newest first, so its rows keep the newest.
        shown = [line for line in detail_text(app).splitlines() if line.startswith("💬")]
        assert [line.split(": ")[1] for line in shown] == ["Comment 10", "Comment 9", "Comment 8"]
        panel = app.screen.query_one("#log-detail-box")
        assert panel.size.height == 7 and panel.max_scroll_y > 0
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert panel.size.height == 12  # a taller terminal gives the panel more of its rows
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.press("c")
        await settle(app, pilot)
        box = app.screen.query_one("#form-thread", VerticalScroll)
        thread = str(box.query_one(Static).render())
        assert "Comment 1:" in thread and "Comment 10:" in thread
        assert box.max_scroll_y > 0 and box.scroll_y == box.max_scroll_y  # the newest in view
        await pilot.press("escape")
        await settle(app, pilot)

        # The tutor's latest judgement, the one that matters, is what the edit form opens on.
        await pilot.press("e")
        await settle(app, pilot)
        feedback = app.screen.query_one("#form-feedback", VerticalScroll)
        assert "Round 5:" in str(feedback.query_one(Static).render())
        assert feedback.max_scroll_y > 0 and feedback.scroll_y == feedback.max_scroll_y


@drive
async def test_the_assess_dialog_cuts_a_long_title_at_a_word(tmp_path: Path) -> None:
    """The piece's line in the assess dialog is cut at a word with "…" (Textual's ellipsis cut it mid-word:
    "… and on [bol…")."""
    path = make_portfolio(tmp_path)
    title = "Minutes of team meeting with a very long title that goes on and on [bold]x[/] and on"
    piece = PortfolioService(path).add_evidence(title=title, date="2026-01-10", kind="product",
                                                criteria=["K1"], as_of=AS_OF)
    as_role(tmp_path, "tutor")
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        app.screen.query_one(EvidenceTable).move_to(piece.id)
        await pilot.pause()
        await pilot.press("A")
        await settle(app, pilot)
        line = str(app.screen.query_one("#assess-piece", FitLines).render()).splitlines()[0]
        assert line.endswith("…") and title.startswith(line[:-1]) and title[len(line) - 1] == " ", line


@drive
async def test_the_line_manager_reads_a_piece_and_its_feedback_whole_with_enter(tmp_path: Path) -> None:
    """QA Q7: at 80x24 the log's panel cuts each line to one row ("K3: name the [u]regulation…"), and enter told
    the line manager "Read-only for you": the tutor's feedback could not be read whole anywhere. Enter now shows
    the piece, every line wrapped; it changes nothing."""
    from portfolio_tui.tui.screens.piece import PieceDialog

    path = make_portfolio(tmp_path)
    referred = evidence_id(path, "Reflective account on a new process")
    service = PortfolioService(path)
    feedback = ("Say which [b]regulation[/b] you followed when you changed the process, and what the customer "
                "was told about it afterwards: the account names the change but not the rule behind it.")
    service.assess(referred, "refer", feedback)
    records.add_comment(service, referred, "Mona asked for the [i]minutes[/i] too. " * 4)
    as_role(tmp_path, "line-manager")
    before = path.read_bytes()
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        notes = notes_of(app)
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        app.screen.query_one(EvidenceTable).move_to(referred)
        await settle(app, pilot)
        assert feedback not in " ".join(detail_text(app).split())  # the panel cuts it
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, PieceDialog), notes
        shown = " ".join(str(app.screen.query_one("#piece-detail", Static).render()).split())
        assert feedback in shown and "Mona asked for the [i]minutes[/i] too." in shown
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, PieceDialog)
    assert path.read_bytes() == before


@drive
async def test_b_ends_the_break_going_on(tmp_path: Path) -> None:
    """QA Q8: a break recorded without an end could not be ended in the TUI: B opened the form for a new break,
    and saving it said "Starts: overlaps break 1 (... to ongoing)". While one is going on, B ends it."""
    path = make_portfolio(tmp_path)
    records.record_break(PortfolioService(path), start="2026-01-05", reason="Sick leave", as_of=AS_OF)
    as_role(tmp_path, "tutor")
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        notes = notes_of(app)
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        await pilot.press("B")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ProgressForm)
        assert "On a break since 2026-01-05 (Sick leave)." in str(form.query_one(".form-intro", Static).render())
        box = form.query_one("#end", Input)
        box.value = ""
        await type_text(pilot, "2026-01-12")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, ProgressForm) and notes[-1] == "Break ended."
    [ended] = PortfolioService(path).load().breaks
    assert (ended.start.isoformat(), ended.end and ended.end.isoformat()) == ("2026-01-05", "2026-01-12")


@drive
async def test_removing_an_accepted_piece_says_what_stops_counting(tmp_path: Path) -> None:
    """QA Q9: the apprentice removed a piece the tutor had accepted with the question any piece gets ("It goes to
    the bin (b), where it can be restored."); its criteria then counted as not covered, unsaid."""
    path = make_portfolio(tmp_path)
    as_role(tmp_path, "apprentice")
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        for title, said in (("Letter to a customer about a refund", " It is accepted for K2, S1: in the bin it counts"),
                            ("Coach report: handling a complaint", "")):
            app.screen.query_one(EvidenceTable).move_to(evidence_id(path, title))
            await pilot.press("d")
            await settle(app, pilot)
            assert isinstance(app.screen, ConfirmDialog)
            question = app.screen.question
            assert (said in question) if said else "accepted" not in question, question
            await pilot.press("n")
            await settle(app, pilot)


@drive
async def test_the_dashboard_never_shows_an_off_the_job_target_of_0_hours(tmp_path: Path) -> None:
    """Prior learning confirmed beyond the planned hours of a 2025-03-03 start read "120 of 0 h · ahead": the
    target stays at the rule's 20% of contracted hours over the practical period (346.5 hours to 2026-05-30)."""
    path = make_portfolio(tmp_path)
    service = PortfolioService(path, ACTOR)
    records.update_learner(service, prior_learning_hours=1000, prior_learning_reason="Level 4 diploma",
                           prior_learning_agreed_by="Mona", as_of=AS_OF)
    records.confirm_employer_decisions(service, ["prior-learning"])
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        shown = str(app.screen.query_one("#dash-otj", Static).render())
        assert "120 of 346 h" in shown and "behind" in shown, shown
