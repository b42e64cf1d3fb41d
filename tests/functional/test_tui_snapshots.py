"""Snapshots of every screen and dialog at 80x24 (a plain SSH terminal), and of the main screens at
120x40, with "today" and the store's clock frozen and a portfolio whose every date is fixed.

Review the report (`pytest --snapshot-report`) before running `--snapshot-update`, and look at the
pictures (``rsvg-convert`` turns each SVG into a PNG).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from portfolio_tui import roster as roster_io
from portfolio_tui.domain.roles import Roster, RosterEntry
from portfolio_tui.identity import current_user
from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.services.records import mark_milestone_done, update_learner
from portfolio_tui.services.signoffs import sign_off
from portfolio_tui.store import persistence
from portfolio_tui.tui.app import PortfolioApp
from portfolio_tui.tui.factory import build_app, build_caseload
from tests.functional.test_tui_caseload import make_cohort
from tests.functional.tui_helpers import ACTOR, AS_OF, app_for, make_portfolio, settle

ME = current_user()
SIZES = [(80, 24), (120, 40)]
SMALL = (80, 24)
Setup = Callable[..., Awaitable[None]]


class _FrozenClock(datetime):
    @classmethod
    def now(cls, tz=None):  # type: ignore[no-untyped-def,override]
        return datetime(2026, 1, 15, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every record and audit entry written during a snapshot test carries the same time."""
    monkeypatch.setattr(persistence, "datetime", _FrozenClock)


def _snap(snap_compare, app: PortfolioApp, keys: list[str], size: tuple[int, int],  # type: ignore[no-untyped-def]
          then: Setup | None = None) -> bool:
    async def loaded(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(app, pilot)
        for key in keys:
            await pilot.press(key)
            await settle(app, pilot)
        if then is not None:
            await then(pilot, app)
        await settle(app, pilot)
        await pilot.wait_for_scheduled_animations()
        _cursors_still(app)
        await pilot.pause()

    return snap_compare(app, terminal_size=size, run_before=loaded)


def _cursors_still(app: PortfolioApp) -> None:
    """Stop every text cursor's blink, shown: the blink is a half-second timer, so on a loaded machine the
    picture was taken on either side of a toggle and a focused field's last cell came out in one of two
    styles (three trains failed so, on the conflict, comment and suggestions dialogs, each passing alone)."""
    for screen in app.screen_stack:
        for field in screen.query("Input, TextArea"):
            field.cursor_blink = False  # type: ignore[attr-defined]


def _portfolio(tmp_path: Path) -> PortfolioApp:
    return app_for(make_portfolio(tmp_path))


async def _on_referred(pilot, app) -> None:  # type: ignore[no-untyped-def]
    table = app.screen.query_one("#log")
    table.move_to(next(e.evidence.id for e in app.view.log if e.evidence.status == "referred"))
    await pilot.pause()


async def _typed_title(pilot, app) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*["space" if ch == " " else ch for ch in "Letter to a customer explaining a refund"])
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen, keys", [
    ("dashboard", []), ("evidence_log", ["2"]), ("criteria", ["3"]), ("timeline", ["4"]), ("gateway", ["5"]),
])
def test_main_screen(snap_compare, tmp_path: Path, size: tuple[int, int], screen: str,  # type: ignore[no-untyped-def]
                     keys: list[str]) -> None:
    assert _snap(snap_compare, _portfolio(tmp_path), keys, size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_caseload(snap_compare, tmp_path: Path, size: tuple[int, int],  # type: ignore[no-untyped-def]
                  monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cohort").mkdir()
    make_cohort(tmp_path / "cohort")
    monkeypatch.chdir(tmp_path)  # the heading names the folder: relative, so the picture is the same every run
    app = build_caseload(Path("cohort"), as_of=AS_OF, actor=ACTOR)
    assert _snap(snap_compare, app, [], size)


def test_caseload_learner_detail(snap_compare, tmp_path: Path,  # type: ignore[no-untyped-def]
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The riskiest learner highlighted: the three lines under the table, each cut at a word at 80 columns."""
    (tmp_path / "cohort").mkdir()
    make_cohort(tmp_path / "cohort")
    monkeypatch.chdir(tmp_path)
    app = build_caseload(Path("cohort"), as_of=AS_OF, actor=ACTOR)
    assert _snap(snap_compare, app, ["down"], SMALL)


@pytest.mark.parametrize("dialog, keys", [
    ("help", ["2", "question_mark"]),
    ("evidence_form_with_suggestions", ["2", "a"]),
    ("assess", ["2", "A"]),
    ("remove_confirmation", ["2", "d"]),
    ("comment", ["2", "c"]),
    ("bin", ["2", "b"]),
    ("history", ["2", "H"]),
    ("otj_form", ["h"]),
    ("review_form", ["4", "R"]),
    ("break_form", ["4", "B"]),
    ("confirm_review", ["4", "up", "up", "up", "c"]),
    ("sign_off", ["5", "S"]),
    ("employer_confirmation", ["5", "E"]),
    ("prerequisite_form", ["5", "down", "enter"]),
    ("grade_form", ["5", "G"]),
    ("tag_picker", ["3", "t"]),
    ("profile_form", ["p"]),
])
def test_dialog(snap_compare, tmp_path: Path, dialog: str, keys: list[str]) -> None:  # type: ignore[no-untyped-def]
    app = _portfolio(tmp_path)
    then = _typed_title if dialog == "evidence_form_with_suggestions" else None
    if dialog == "bin":
        service = PortfolioService(tmp_path / "portfolio.json", actor=ACTOR)
        service.remove_evidence(next(e.id for e in service.load().evidence if e.status == "submitted"))
    assert _snap(snap_compare, app, keys, SMALL, then)


def test_grade_form_per_method(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """csp-l2's grade form: the criteria met in each method, each label ("Professional Discussion:
    distinction") on one line beside its field at 80 columns."""
    path = tmp_path / "csp.json"
    PortfolioService.create(path, learner="Ava Patel", standard="csp-l2", start=date(2025, 3, 3),
                            end=date(2026, 6, 30), actor=ACTOR)
    assert _snap(snap_compare, app_for(path), ["5", "G"], SMALL)


def test_feedback_in_the_log(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The referred piece: who referred it, and what it still needs, under the log."""
    assert _snap(snap_compare, _portfolio(tmp_path), ["2"], SMALL, _on_referred)


def _resubmitted(path: Path) -> None:
    """The apprentice improves the referred reflective account after the referral."""
    service = PortfolioService(path, actor=ACTOR)
    piece = next(e for e in service.load().evidence if e.status == "referred")
    service.edit_evidence(piece.id, piece.rev, as_of=AS_OF, description="What I did, step by step, and why.")


async def _on_resubmitted(pilot, app) -> None:  # type: ignore[no-untyped-def]
    table = app.screen.query_one("#log")
    table.move_to(next(e.evidence.id for e in app.view.log if e.evidence.resubmitted))
    await pilot.pause()


def test_a_resubmission_in_the_log(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A referred piece improved after the referral: "resubmitted" (to assess again), whole in its column at
    80 columns, and the panel's judgements end on the resubmission."""
    path = make_portfolio(tmp_path)
    _resubmitted(path)
    assert _snap(snap_compare, app_for(path), ["2"], SMALL, _on_resubmitted)


async def _edit_resubmitted(pilot, app) -> None:  # type: ignore[no-untyped-def]
    await _on_resubmitted(pilot, app)
    await pilot.press("e")


def test_edit_form_with_kept_files(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A piece's kept files in its edit form by name, size and type, ticked to keep (not ``sha256:<hex>/name``)."""
    from tests.functional.test_tui_evidence import _piece_with_files

    path, _ = _piece_with_files(tmp_path)
    assert _snap(snap_compare, app_for(path), ["2"], SMALL, _edit_resubmitted)


async def _open_resubmitted(pilot, app) -> None:  # type: ignore[no-untyped-def]
    await _on_resubmitted(pilot, app)
    await pilot.press("o")


def test_file_picker(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """o on a piece with several files: which one, each by name, size and type."""
    from tests.functional.test_tui_evidence import _piece_with_files

    path, _ = _piece_with_files(tmp_path)
    assert _snap(snap_compare, app_for(path), ["2"], SMALL, _open_resubmitted)


def test_discard_confirmation(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert _snap(snap_compare, _portfolio(tmp_path), ["2", "a", "x", "escape"], SMALL)


def test_first_run(snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    app = build_app(Path("new.json"), as_of=AS_OF, first_run=True, actor=ACTOR)
    assert _snap(snap_compare, app, [], SMALL)


async def _on_checklist_item(pilot, app) -> None:  # type: ignore[no-untyped-def]
    """Enter on the first item of the standard's own gateway checklist (not the employer's confirmation)."""
    keys = [c.key for c in app.view.standard.plan.gateway_checklist if c.key != "employer-confirmation"]
    table = app.screen.query_one("#checklist")
    table.move_cursor(row=table.get_row_index(keys[0]))
    await pilot.pause()
    await pilot.press("enter")


async def _edit_referred(pilot, app) -> None:  # type: ignore[no-untyped-def]
    await _on_referred(pilot, app)
    await pilot.press("e")


async def _conflict(pilot, app) -> None:  # type: ignore[no-untyped-def]
    """The referred piece is open for editing when someone else saves it; ctrl+s then says who changed what.
    The TUI's reload of their change is waited for, and its notices cleared, so the picture is the form."""
    await _edit_referred(pilot, app)
    await settle(app, pilot)
    piece = next(e for e in app.view.log if e.evidence.status == "referred").evidence
    version = app.view.version
    other = PortfolioService(app.path, actor="lee")
    other.edit_evidence(piece.id, piece.rev, as_of=AS_OF, description="Rewritten by Lee, the line manager.")
    for _ in range(200):  # the file watcher looks every 0.5 s
        if app.view.version > version:
            break
        await pilot.pause(0.05)
    assert app.view.version > version, "the TUI never reloaded the other person's change"
    await pilot.press("end", "space", "2")
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    app.clear_notifications()


async def _on_milestone_done(pilot, app) -> None:  # type: ignore[no-untyped-def]
    table = app.screen.query_one("#timeline-table")
    table.move_cursor(row=table.get_row_index("m:plan-review"))
    await pilot.pause()
    await pilot.press("m")


def _mark_done(path: Path) -> None:
    mark_milestone_done(PortfolioService(path, actor=ACTOR), "plan-review", on=date(2026, 1, 5), as_of=AS_OF)


def _signed_as_assessor(path: Path) -> None:
    sign_off(PortfolioService(path, actor=ACTOR), "assessor", on=date(2026, 1, 14), as_of=AS_OF,
             reason="Portfolio gaps agreed with the employer")


def _edited_after_acceptance(path: Path) -> None:
    """The accepted March minutes retitled (with markup-like text, shown as typed), redated, one criterion
    taken off and hours added: the history shows each field before and after, and the reopen judgement."""
    service = PortfolioService(path, actor="lee")
    piece = next(e for e in service.load().evidence if e.title == "Minutes of the March team meeting")
    service.edit_evidence(piece.id, piece.rev, as_of=AS_OF, title="March minutes [b]revised[/b]",
                          date="2025-03-21", criteria=["K1"], hours="1.5")


async def _history_of_edited(pilot, app) -> None:  # type: ignore[no-untyped-def]
    table = app.screen.query_one("#log")
    table.move_to(next(e.evidence.id for e in app.view.log if e.evidence.title.startswith("March minutes")))
    await pilot.pause()
    await pilot.press("h")


@pytest.mark.parametrize("keys, setup, then", [
    pytest.param(["2"], _edited_after_acceptance, _history_of_edited, id="history_of_an_edit"),
    pytest.param(["5"], None, _on_checklist_item, id="checklist_form"),
    pytest.param(["2"], None, _edit_referred, id="edit_evidence_with_feedback"),
    pytest.param(["2"], None, _conflict, id="conflict"),
    pytest.param(["4"], _mark_done, _on_milestone_done, id="undo_milestone_reason"),
    pytest.param(["5", "W"], _signed_as_assessor, None, id="withdraw_signoff_reason"),
])
def test_more_dialogs(snap_compare, tmp_path: Path, keys: list[str],  # type: ignore[no-untyped-def]
                      setup: Callable[[Path], None] | None, then: Setup | None) -> None:
    path = make_portfolio(tmp_path)
    if setup is not None:
        setup(path)
    assert _snap(snap_compare, app_for(path), keys, SMALL, then)


def test_refusal_screen(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A portfolio this account may not see: why and who may, nothing of the file."""
    path = make_portfolio(tmp_path)
    roster_io.create_roster(tmp_path, ME)
    roster_io.update_roster(tmp_path, ME, lambda r: Roster(r.owner, {"tess": RosterEntry("tutor", ("*",))}))
    assert _snap(snap_compare, app_for(path), [], SMALL)


@pytest.mark.parametrize("screen, keys", [("evidence_log", ["2"]), ("gateway", ["5"]),
                                          ("timeline", ["4", "up", "up", "up"]),
                                          ("confirm_review", ["4", "up", "up", "up", "c"]),
                                          ("profile", ["p"])])
def test_line_manager(snap_compare, tmp_path: Path, screen: str, keys: list[str]) -> None:  # type: ignore[no-untyped-def]
    """The line manager's footers offer only what they may do: no Add, Assess or Sign off as tutor; a review
    is confirmed as the employer, by their account, with nothing to type."""
    path = make_portfolio(tmp_path)
    roster_io.create_roster(tmp_path, ME)
    roster_io.update_roster(tmp_path, ME, lambda r: Roster(r.owner, {
        ME: RosterEntry("line-manager", ("portfolio.json",)), "tess": RosterEntry("tutor", ("*",))}))
    assert _snap(snap_compare, app_for(path), keys, SMALL)


def test_line_manager_confirms_the_employers_decisions(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """D on the gateway: each decision the tutor recorded, as recorded, with the names typed only noted."""
    path = make_portfolio(tmp_path)
    update_learner(PortfolioService(path, actor="tess"), age_at_start=19, english_maths_decision="not-required",
                   english_maths_decided_by="Mona M (employer)", prior_learning_hours=40,
                   prior_learning_reason="Level 2 award", prior_learning_agreed_by="Mona M (employer)",
                   review_cadence="4-months", review_cadence_agreed_by="Mona M")
    roster_io.create_roster(tmp_path, ME)
    roster_io.update_roster(tmp_path, ME, lambda r: Roster(r.owner, {
        ME: RosterEntry("line-manager", ("portfolio.json",)), "tess": RosterEntry("tutor", ("*",))}))
    assert _snap(snap_compare, app_for(path), ["5", "D"], SMALL)


def test_tutor_review_form(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The tutor's review form offers only their own confirmation, as the provider."""
    path = make_portfolio(tmp_path)
    roster_io.create_roster(tmp_path, ME)
    roster_io.update_roster(tmp_path, ME, lambda r: Roster(r.owner, {ME: RosterEntry("tutor", ("*",))}))
    assert _snap(snap_compare, app_for(path), ["4", "R"], SMALL)
