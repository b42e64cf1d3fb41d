"""80x24 done properly: help scrolls to its last line, one coverage count everywhere (distinction
criteria counted apart), an unticked criterion shows an empty box, and cut text ends with "…"."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from textual.containers import VerticalScroll
from textual.widgets import DataTable, SelectionList, Static, Tree

from portfolio_tui.locations import samples_dir
from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.tui.factory import build_app
from portfolio_tui.tui.render import fit, wrap_id
from portfolio_tui.tui.screens.help import HelpScreen
from tests.functional.tui_helpers import AS_OF, app_for, drive, make_portfolio, settle


@drive
async def test_help_scrolls_to_its_last_line_at_80x24(tmp_path: Path) -> None:
    app = app_for(make_portfolio(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2", "question_mark")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        lines = app.screen.query_one("#help-lines", VerticalScroll)
        assert lines.max_scroll_y > 0  # more lines than fit
        # Each key once under a name of its own (two "History" keys showed as one), the names in one column.
        text = str(lines.query_one(Static).render()).splitlines()
        assert any(line.endswith(" H  Portfolio history") for line in text)
        assert any(line.endswith(" h  Piece history") for line in text)
        keyed = [line for line in text[1:text.index("")]]
        assert len({len(line) - len(line.lstrip()) + len(line.split()[0]) for line in keyed}) == 1, keyed
        await pilot.press("end")
        await pilot.pause()
        assert lines.scroll_y == lines.max_scroll_y
        assert lines.scroll_y + lines.scrollable_content_region.height >= lines.virtual_size.height  # last line shown


@drive
async def test_one_coverage_count_everywhere_with_distinction_apart(tmp_path: Path) -> None:
    path = tmp_path / "csp.json"
    shutil.copyfile(samples_dir() / "csp-midway.json", path)
    app = build_app(path, as_of=AS_OF)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        report = app.view.report
        total, distinction = report.coverage, report.distinction
        assert distinction is not None and distinction.total == 3
        shown = str(app.screen.query_one("#dash-coverage-total", Static).render())
        assert f"{total.full} of {total.total} required covered" in shown
        assert f"distinction {distinction.full} of {distinction.total}" in shown
        assert sum(g.summary.total for g in report.groups) == total.total
        await pilot.press("3")
        await settle(app, pilot)
        tree = app.screen.query_one(Tree)
        labels = [str(node.label) for node in tree.root.children]
        required = sum(int(label.split(" covered")[0].split()[-1].split("/")[1]) for label in labels
                       if " covered" in label)
        covered = sum(int(label.split(" covered")[0].split()[-1].split("/")[0]) for label in labels
                      if " covered" in label)
        assert (covered, required) == (total.full, total.total)
        assert any("distinction" in label for label in labels)
        await pilot.press("5")
        await settle(app, pilot)
        detail = next(c for c in report.checklist if c.key == "criteria").detail
        assert detail.startswith(f"{total.full} of {total.total} criteria fully covered")


@drive
async def test_an_unticked_criterion_shows_an_empty_box(tmp_path: Path) -> None:
    app = app_for(make_portfolio(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        listing = app.screen.query_one(SelectionList)
        unticked = listing.get_component_rich_style("selection-list--button")
        assert unticked.color == unticked.bgcolor  # the X is drawn in the box's own colour: not seen
        ticked = listing.get_component_rich_style("selection-list--button-selected")
        assert ticked.color != ticked.bgcolor


def test_text_is_cut_at_a_word_with_an_ellipsis() -> None:
    assert fit("Reflective account", 14) == "Reflective…"
    assert fit("Minutes of the March team meeting", 25) == "Minutes of the March…"
    assert fit("Line-manager feedback", 14) == "Line-manager…"
    assert fit("Short", 14) == "Short"
    assert fit("Supercalifragilistic", 8) == "Superca…"  # one long word: cut, still marked


@drive
async def test_the_dashboards_lists_are_cut_at_a_word(tmp_path: Path) -> None:
    from portfolio_tui.tui.widgets.fit_lines import FitLines

    app = app_for(make_portfolio(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        reasons = app.screen.query_one("#dash-rag-reasons", FitLines)
        shown = str(reasons.render()).splitlines()
        full = [line.plain for line in reasons.lines]
        assert len(shown) == len(full) and any(line.endswith("…") for line in shown)
        for cut, whole in zip(shown, full, strict=True):
            if cut.endswith("…"):
                kept = cut[:-1]
                assert whole.startswith(kept) and whole[len(kept)] == " ", (cut, whole)  # a whole word was kept


def test_an_id_is_cut_at_a_hyphen_with_an_ellipsis() -> None:
    assert fit("otj-standard-minimum", 18, breaks=" -") == "otj-standard…"
    assert fit("reviews-3-calendar-months", 18, breaks=" -") == "reviews-3…"  # "-calendar" and "…" need 19
    assert fit("otj-6-hours", 18, breaks=" -") == "otj-6-hours"


@drive
async def test_the_gateway_rule_column_takes_a_second_line_at_a_hyphen_at_80_columns(tmp_path: Path) -> None:
    """The rule ids are longer than their column at 80x24. QA: cut with "…" ("english-maths…") they no longer
    said which rule; each now goes on in a second line, broken after a hyphen, whole and never clipped."""
    app = app_for(make_portfolio(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("5")
        await settle(app, pilot)
        table = app.screen.query_one("#checklist", DataTable)
        rules = {c.rule.id for c in app.view.report.checklist if c.rule}
        shown = [str(table.get_cell_at((row, 2))) for row in range(table.row_count)]
        assert [r for r in rules if len(r) > 18], "the test portfolio's rules all fit: nothing to check"
        for cell in shown:
            lines = cell.split("\n")
            assert all(len(line) <= 18 for line in lines) and not any(line.endswith("…") for line in lines), cell
            assert cell == "-" or "".join(lines) in rules, cell
            assert all(line.endswith("-") for line in lines[:-1]), cell  # broken after a hyphen
        assert sum("\n" in cell for cell in shown) == sum(len(r) > 18 for r in
                                                          (c.rule.id for c in app.view.report.checklist if c.rule))


def test_a_long_id_takes_a_second_line_after_a_hyphen() -> None:
    assert wrap_id("gateway-last-day-of-learning", 18) == ["gateway-last-day-", "of-learning"]
    assert wrap_id("english-maths-optional-19-plus", 18) == ["english-maths-", "optional-19-plus"]
    assert wrap_id("otj-6-hours", 18) == ["otj-6-hours"]
    assert wrap_id("a-very-long-rule-id-of-many-parts-indeed", 18) == ["a-very-long-rule-", "id-of-many-parts…"]


@drive
async def test_the_assess_dialog_names_each_criterion_and_the_grade_form_each_component(tmp_path: Path) -> None:
    """Judging criterion by criterion needs what each criterion is, not only its id; the grade form has a
    field for each component, labelled with its title."""
    from textual.widgets import Label, OptionList

    from portfolio_tui.tui.screens.decisions import AssessDialog
    from portfolio_tui.tui.screens.progress_forms import ProgressForm

    app = app_for(make_portfolio(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2", "A")  # the newest piece, tagged K3
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, AssessDialog)
        option = str(dialog.query_one("#judge-list", OptionList).get_option_at_index(0).prompt)
        assert option.endswith("K3 Range of services")
        hint = str(dialog.query_one(Label).render())
        assert hint.endswith("r: refer all") and len(hint) <= 72  # whole, inside the dialog at 80 columns
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("5", "G")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ProgressForm)
        labels = [str(label.render()).replace("\n", " ") for label in form.query(".form-label")]
        components = app.view.standard.plan.components
        assert [c.title for c in components] == labels[:len(components)]


@drive
async def test_the_per_method_grade_form_shows_each_label_on_one_line_at_80_columns(tmp_path: Path) -> None:
    """csp-l2 records the criteria met per method: "Professional Discussion: distinction" is 36 cells, and
    a 13-cell label column wrapped it over three lines."""
    from textual.widgets import Label

    from portfolio_tui.tui.screens.progress_forms import ProgressForm

    path = tmp_path / "csp.json"
    PortfolioService.create(path, learner="Ava Patel", standard="csp-l2", start=date(2025, 3, 3),
                            end=date(2026, 6, 30), actor="tester")
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("5", "G")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ProgressForm)
        labels = list(form.query(".form-label").results(Label))
        shown = [str(label.render()) for label in labels]
        assert "Professional Discussion: distinction" in shown and "Apprentice Showcase: pass" in shown
        for label in labels:
            assert label.size.height == 1, (str(label.render()), label.size)
        field = form.query_one("#grade-0")
        assert field.region.x > labels[0].region.right - 1 and field.size.width >= 24  # its hint still reads


@drive
async def test_the_coverage_bars_cut_a_long_group_title_at_a_word(tmp_path: Path) -> None:
    """The ILM units' titles are longer than the bars leave them at 80 columns."""
    from portfolio_tui.tui.widgets.coverage_bars import CoverageBars

    path = tmp_path / "ilm.json"
    shutil.copyfile(samples_dir() / "ilm-referred.json", path)
    app = build_app(path, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        bars = app.screen.query_one(CoverageBars)
        titles = [item.title for item in bars.items]
        shown = str(bars.render()).splitlines()
        assert any("…" in line for line in shown)
        for line, whole in zip(shown, titles, strict=True):
            label = line.split("…")[0] if "…" in line else None
            if label is not None:
                assert whole.startswith(label) and whole[len(label)] == " ", (line, whole)  # a whole word kept


@drive
async def test_the_bin_cuts_a_long_title_at_a_word_and_keeps_the_removed_date(tmp_path: Path) -> None:
    from portfolio_tui.services.portfolios import PortfolioService
    from portfolio_tui.tui.screens.bin import BinScreen

    path = make_portfolio(tmp_path)
    service = PortfolioService(path, actor="tester")
    title = "Presentation of the improvement project to the waste services management team and its sponsors"
    piece = service.add_evidence(title=title, date=AS_OF, kind="product", criteria=["K1"], as_of=AS_OF)
    service.remove_evidence(piece.id)
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2", "b")
        await settle(app, pilot)
        assert isinstance(app.screen, BinScreen)
        table = app.screen.query_one(DataTable)
        date_cell, removed_cell, title_cell = (str(cell) for cell in table.get_row_at(0))
        assert removed_cell == service.evidence(piece.id).updated_at[:10]
        assert title_cell.endswith("…") and title[len(title_cell) - 1] == " "  # cut where a word ended
        shown = table.region.width
        assert sum(column.get_render_width(table) for column in table.ordered_columns) <= shown  # nothing clipped


@drive
async def test_the_gateway_footer_offers_enter_to_record_an_item_that_is_recorded(tmp_path: Path) -> None:
    from textual.widgets._footer import FooterKey

    app = app_for(make_portfolio(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("5")
        await settle(app, pilot)
        offered = [key.description for key in app.screen.query(FooterKey)]
        assert "Record" not in offered, offered  # every criterion covered: it follows from the evidence
        await pilot.press("down")  # the first prerequisite
        await settle(app, pilot)
        offered = [key.description for key in app.screen.query(FooterKey)]
        assert offered[0] == "Record", offered
        await pilot.press("enter")  # its form opens
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ProgressForm"


@drive
async def test_a_coverage_bar_s_title_keeps_its_first_word_whole_at_80x24(tmp_path: Path) -> None:
    """The CSP's fourth group, "Occupational brief: Knowing your customers", read "Occupationa…"."""
    from portfolio_tui.tui.widgets.coverage_bars import CoverageBars

    path = tmp_path / "csp.json"
    shutil.copyfile(samples_dir() / "csp-midway.json", path)
    app = build_app(path, as_of=AS_OF)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        lines = str(app.screen.query_one(CoverageBars).render()).splitlines()
        titles = [g.title for g in app.view.report.groups if g.summary.total]
        for line, title in zip(lines, titles, strict=True):
            label = line.split(" █")[0].split(" ░")[0].rstrip()
            assert label == title or (label.endswith("…") and title.startswith(label[:-1])
                                      and title[len(label) - 1] in " :"), (label, title)
