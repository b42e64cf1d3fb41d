"""Tagging from the criteria screen, the dashboard following it, and marking a milestone done."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, OptionList, Static, Tree

from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.tui.screens.criteria import CriteriaScreen
from portfolio_tui.tui.screens.tag_picker import TagPicker
from portfolio_tui.tui.widgets.coverage_bars import CoverageBars
from tests.functional.tui_helpers import AS_OF, app_for, drive, make_portfolio, settle


def _values_bar(app) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    bars = app.screen.query_one(CoverageBars).items
    values = next(b for b in bars if b.title == "Values")
    return values.covered, values.total


@drive
async def test_tag_from_the_criteria_screen_changes_coverage_and_the_dashboard(tmp_path: Path) -> None:
    path = make_portfolio(tmp_path)
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert _values_bar(app) == (1, 4)
        gaps = app.screen.query_one("#gaps", OptionList)
        assert "V2" in [gaps.get_option_at_index(i).id for i in range(gaps.option_count)]
        # The dashboard's gap jumps to its criterion: g goes to the first gap, enter opens it (QA Q10: g and enter
        # did nothing, no gap being highlighted; it took g, down, enter).
        assert gaps.get_option_at_index(0).id == "V2"
        await pilot.press("g", "enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CriteriaScreen)
        tree = screen.query_one(Tree)
        assert tree.cursor_node.data == ("criterion", "V2")
        await pilot.press("t")
        await settle(app, pilot)
        assert isinstance(app.screen, TagPicker)
        app.screen.query_one(Input).value = "performance review"
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen
        review = next(e for e in PortfolioService(path).load().evidence if e.title == "Mid-year performance review")
        assert "V2" in review.criteria
        # It had been accepted; re-tagged, it awaits assessment again, so V2 is only partly covered.
        assert review.status == "submitted"
        assert screen.papp.view.coverage_states["V2"] == "partial"
        await pilot.press("1")
        await settle(app, pilot)
        assert _values_bar(app) == (0, 4)
        gaps = app.screen.query_one("#gaps", OptionList)
        assert "V2" in [gaps.get_option_at_index(i).id for i in range(gaps.option_count)]
        # Untag from the tree again: expand V2, move to its evidence, x.
        await pilot.press("3")
        await settle(app, pilot)
        tree = app.screen.query_one(Tree)
        tree.cursor_node.expand()
        await pilot.pause()
        await pilot.press("down", "x")
        await settle(app, pilot)
        assert "V2" not in PortfolioService(path).evidence(review.id).criteria
        assert app.screen.papp.view.coverage_states["V2"] == "none"


@drive
async def test_record_a_milestone_as_done(tmp_path: Path) -> None:
    path = make_portfolio(tmp_path)
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert any(m.key == "plan-review" and m.status == "overdue" for m in app.view.report.milestones)
        await pilot.press("4")
        await settle(app, pilot)
        table = app.screen.query_one(DataTable)
        row = table.get_row_index("m:plan-review")
        table.move_cursor(row=row)
        await pilot.press("m")
        await settle(app, pilot)
        done = PortfolioService(path).load().milestones_done
        assert [(m.key, m.done_on) for m in done] == [("plan-review", AS_OF)]
        milestone = next(m for m in app.view.report.milestones if m.key == "plan-review")
        assert milestone.status == "done"
        assert str(table.get_row("m:plan-review")[2]) == "done"
        # Marking it again is refused with a message, not a second record.
        table.move_cursor(row=table.get_row_index("m:plan-review"))
        await pilot.press("m")
        await settle(app, pilot)
        assert len(PortfolioService(path).load().milestones_done) == 1


@drive
async def test_a_portfolio_whose_standard_is_not_installed_is_refused_not_a_crash(tmp_path: Path) -> None:
    import json

    path = make_portfolio(tmp_path)
    doc = json.loads(path.read_text())
    doc["learner"]["1"]["standard_id"] = "withdrawn-standard"
    path.write_text(json.dumps(doc))
    app = app_for(path)
    seen: list[str] = []
    notify = app.notify
    app.notify = lambda message, **kw: (seen.append(message), notify(message, **kw))[1]  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.is_running
        assert any("withdrawn-standard" in m for m in seen)


@drive
async def test_an_overdue_review_is_said_once_on_the_dashboard_and_the_timeline(tmp_path: Path) -> None:
    """The test portfolio's last review (2025-06-02, 12-weekly) made the next due on 2025-08-25, and none
    was held since: the dashboard says it is overdue (not also "next due" in the past), the timeline
    has one row for it (not a "missed" and a "due" on the same date), and the late first review is counted."""
    app = app_for(make_portfolio(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        reviews = str(app.screen.query_one("#dash-reviews", Static).render())
        assert "Overdue: due 2025-08-25, 143 days ago" in reviews
        assert "Next due" not in reviews and "overdue since" not in reviews
        assert "1 review held late" in reviews  # the first, due 2025-05-26, was held on 2025-06-02
        await pilot.press("4")
        await settle(app, pilot)
        table = app.screen.query_one(DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        on_the_day = [row for row in rows if row[0] == "2025-08-25"]
        assert [(row[2], row[4]) for row in on_the_day] == [("overdue", "Progress review overdue")]
        assert ("missed", "Progress review due") in {(row[2], row[4]) for row in rows if row[0] == "2025-05-26"}


@drive
async def test_a_learner_with_no_review_yet_has_one_row_for_the_first_due(tmp_path: Path) -> None:
    """No review held since the start (2025-09-01, so 3 calendar months: due 2025-12-31): one "overdue"
    row on that date, and the dashboard says overdue once."""
    path = tmp_path / "new.json"
    PortfolioService.create(path, learner="Noor Ali", standard="odo-l3", start=date(2025, 9, 1),
                            end=date(2027, 3, 31), actor="tester")
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        reviews = str(app.screen.query_one("#dash-reviews", Static).render())
        assert "None held yet" in reviews and "Overdue: due 2025-12-31, 15 days ago" in reviews
        assert "Next due" not in reviews and "held late" not in reviews
        await pilot.press("4")
        await settle(app, pilot)
        table = app.screen.query_one(DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert [(row[0], row[2]) for row in rows if row[3] == "review"] == [("2025-12-31", "overdue")]


@pytest.mark.parametrize("size", [(80, 70), (120, 70)])  # 80 and 120 wide, tall enough to show every line
@drive
async def test_criteria_lines_are_cut_at_a_word_never_run_off_the_edge(tmp_path: Path, size: tuple[int, int]) -> None:
    """QA Q16: at 80 columns a criterion's text ran off the right edge mid-word ("...internal and external
    customer", "0/5 c") behind a horizontal scrollbar. Every line fits, cut at a word with "…"."""
    from portfolio_tui.tui.render import fit

    path = tmp_path / "csp.json"
    PortfolioService.create(path, learner="Ava Patel", standard="csp-l2", start=AS_OF.replace(year=2025),
                            end=AS_OF.replace(year=2026, month=12), actor="tester")
    app = app_for(path)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        tree = app.screen.query_one(Tree)
        assert not tree.show_horizontal_scrollbar
        width = tree.scrollable_content_region.width
        lines = [tree.render_line(y).text.rstrip() for y in range(tree.scrollable_content_region.height)]
        assert all(len(line) <= width for line in lines)
        cut = [line for line in lines if line.endswith("…")]
        assert cut, "csp-l2 has criteria longer than the width"
        for line in cut:  # each is cut where fit cuts, after a whole word
            assert not line[-2].isspace() and fit(line[:-1] + " more words", len(line)) == line, line
        long = next(line for line in cut if "kyc-p1" in line) if size[0] == 80 else None
        assert long is None or long.endswith(("customers…", "external…", "internal…", "between…", "and…")), long


@drive
async def test_the_highlighted_criterion_stays_in_view_when_its_text_takes_more_lines(tmp_path: Path) -> None:
    """QA Q17: at 80x24, moving down the tree onto a criterion whose text wraps to two lines below it, the lines
    under the tree grew after the tree had scrolled, and the highlighted line went out of view under them."""
    path = tmp_path / "csp.json"
    PortfolioService.create(path, learner="Ava Patel", standard="csp-l2", start=AS_OF.replace(year=2025),
                            end=AS_OF.replace(year=2026, month=12), actor="tester")
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        tree = app.screen.query_one(Tree)
        hidden = []
        for _ in range(40):
            await pilot.press("down")
            await settle(app, pilot)
            top, rows = tree.scroll_offset.y, tree.scrollable_content_region.height
            if not top <= tree.cursor_line < top + rows:
                hidden.append((tree.cursor_node.label.plain if tree.cursor_node else "", top, rows))
        assert not hidden, hidden


@drive
async def test_the_criteria_screen_opens_on_the_first_criterion(tmp_path: Path) -> None:
    """It opened with no line highlighted, and the first down went to the "Values" heading: nothing under the tree
    and no Tag offered until the second. It opens on V1, described, with t offered."""
    app = app_for(make_portfolio(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CriteriaScreen)
        assert screen.query_one(Tree).cursor_node.data == ("criterion", "V1")
        assert str(screen.query_one("#criteria-detail", Static).render()).startswith("V1 covered")
        assert "t" in screen.active_bindings
        await pilot.press("t")
        await settle(app, pilot)
        assert isinstance(app.screen, TagPicker)
