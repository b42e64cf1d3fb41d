"""The evidence pack as PDF (fpdf2), the form assessment organisations are used to receiving.

Text is set in DejaVu Sans, which covers the Latin, Greek and Cyrillic names and the typographic
punctuation people paste in; fpdf2's built-in fonts are Latin-1 only and would fail on them. It is
taken from Debian's ``fonts-dejavu-core`` where installed, else Roboto Mono, which textual-serve (a
dependency, for ``portfolio serve``) ships, so the PDF works on a machine without system fonts too.
Nothing is read as markup: fpdf2's own markdown is off.

What the font has no glyph for (emoji, CJK in DejaVu; Hebrew too in Roboto Mono) fpdf2 would leave out with only a
log line, so a title of emoji came out empty: each such character is set as U+FFFD (a visible mark), and the pack
ends with a line saying how many there were and that the HTML pack shows them. Right-to-left runs (Hebrew, Arabic)
are set in visual order by fpdf2's own Unicode bidi algorithm, or they read backwards; Arabic letters are set
unjoined, as no shaping engine is installed. Control, escape and bidi-override characters never reach the PDF
(``clean_text``).
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from importlib import resources
from pathlib import Path

from portfolio_tui.domain.text import clean_text
from portfolio_tui.services.report import CriterionEntry, Report, Section, Table

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
"""Where Debian and Fedora put DejaVu Sans."""
FONT = "pack"


def font_files() -> tuple[Path, Path]:
    """(regular, bold) font files: DejaVu Sans where installed, else the Roboto Mono textual-serve ships."""
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    bundled = Path(str(resources.files("textual_serve") / "static" / "fonts" / "RobotoMono-VariableFont_wght.ttf"))
    return bundled, bundled


REPLACEMENT = "\ufffd"
_RIGHT_TO_LEFT = frozenset({"R", "AL"})


def _t(value: object) -> str:
    return clean_text(str(value), multiline=True)


def _glyphs(font: object) -> frozenset[int]:
    """The code points ``font`` (a TrueType font fpdf2 loaded) has a glyph for."""
    from fpdf.fonts import TTFFont

    return frozenset(font.cmap) if isinstance(font, TTFFont) else frozenset(range(32, 256))


def _visual(line: str) -> str:
    """``line`` in the order its characters are drawn, left to right: right-to-left runs turned (Unicode bidi)."""
    if not any(unicodedata.bidirectional(ch) in _RIGHT_TO_LEFT for ch in line):
        return line
    from fpdf.bidi import BidiParagraph

    return BidiParagraph(line).get_reordered_string()


class _Writer:
    def __init__(self, report: Report):
        from fpdf import FPDF

        pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        regular, bold = font_files()
        pdf.add_font(FONT, "", str(regular))
        pdf.add_font(FONT, "B", str(bold))
        self.glyphs = _glyphs(pdf.fonts[FONT]) & _glyphs(pdf.fonts[FONT + "B"])
        """The characters both faces can draw."""
        self.replacement = REPLACEMENT if ord(REPLACEMENT) in self.glyphs else "?"
        self.replaced = 0
        """How many characters were set as :data:`REPLACEMENT` (the font has no glyph for them)."""
        pdf.set_auto_page_break(auto=True, margin=15)
        pdf.set_margins(15, 15, 15)
        pdf.set_title(_t(report.title))
        pdf.set_creator("portfolio-tui")
        pdf.set_creation_date(datetime.fromisoformat(report.generated_at.replace("Z", "+00:00")))
        footer = self.shown(f"{report.title} · generated at {report.generated_at}", counted=False)

        def page_footer() -> None:
            pdf.set_y(-12)
            pdf.set_font(FONT, "", 7)
            pdf.cell(0, 5, f"{footer} · page {pdf.page_no()}", align="C")

        pdf.footer = page_footer  # type: ignore[method-assign]
        pdf.add_page()
        self.pdf = pdf

    def shown(self, value: object, *, counted: bool = True) -> str:
        """``value`` as it is set: clean, each character the font cannot draw replaced visibly (and counted),
        each line in visual order."""
        text = _t(value)
        glyphs = self.glyphs
        if not all(ord(ch) in glyphs or ch in "\n\t" for ch in text):
            missing = sum(1 for ch in text if ord(ch) not in glyphs and ch not in "\n\t")
            self.replaced += missing if counted else 0
            text = "".join(ch if ord(ch) in glyphs or ch in "\n\t" else self.replacement for ch in text)
        return "\n".join(_visual(line) for line in text.split("\n"))

    def text(self, value: object, size: float = 9, bold: bool = False, gap: float = 1) -> None:
        self.pdf.set_font(FONT, "B" if bold else "", size)
        self.pdf.multi_cell(0, size * 0.5, self.shown(value), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(gap)

    def heading(self, value: str, level: int = 2) -> None:
        size = {1: 16, 2: 13, 3: 10.5}[level]
        if level <= 2 and self.pdf.get_y() > self.pdf.h - 50:
            self.pdf.add_page()
        self.text(value, size, bold=True, gap=2 if level <= 2 else 1)

    def facts(self, facts: tuple[tuple[str, str], ...]) -> None:
        if facts:
            self.grid(("", ""), tuple(facts), widths=(1, 2.5), header=False)

    def grid(self, columns: tuple[str, ...], rows: tuple[tuple[str, ...], ...], *, widths=None,
             header: bool = True) -> None:
        """A table; a cell too long for a row that must fit one page (fpdf2 refuses a taller one: review R7-12, a
        tutor's feedback of 2,500 characters ended the pack in a traceback) is cut, and set in full below it."""
        pdf = self.pdf
        pdf.set_font(FONT, "", 8)
        in_full: list[tuple[str, str]] = []
        with pdf.table(
            col_widths=widths, text_align="LEFT", first_row_as_headings=header, line_height=4,
            headings_style=_headings(), markdown=False,
        ) as table:
            if header:
                heading = table.row()
                for column in columns:
                    heading.cell(self.shown(column))
            for values in rows:
                row = table.row()
                for i, value in enumerate(values):
                    shown = self.shown(value)
                    cut = _cut(shown)
                    if cut != shown:
                        label = " ".join(str(v) for v in values[: min(2, i)] if str(v)).split("\n")[0][:80]
                        in_full.append((", ".join(p for p in (columns[i] if header else "", label) if p), shown))
                    row.cell(cut)
        pdf.ln(2)
        for where, shown in in_full:
            pdf.set_font(FONT, "B", 8)
            pdf.multi_cell(0, 4, self.shown(f"{where}, in full:", counted=False), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font(FONT, "", 8)
            pdf.multi_cell(0, 4, shown, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)

    def table(self, table: Table) -> None:
        if table.title:
            self.heading(table.title, 3)
        if not table.rows:
            self.text(table.empty, 8.5)
            return
        shown = [i for i, _ in enumerate(table.columns) if any(row[i] for row in table.rows)]
        rows = tuple(tuple(r[i] for i in shown) for r in table.rows)
        self.grid(tuple(table.columns[i] for i in shown), rows, widths=_widths(rows))

    def section(self, section: Section) -> None:
        self.heading(section.title)
        self.facts(section.facts)
        for table in section.tables:
            self.table(table)

    def criterion(self, c: CriterionEntry) -> None:
        self.heading(f"{c.id}: {c.state}", 3)
        self.text(c.text, 8.5, gap=0.5)
        self.text(c.where, 7.5)
        if not c.evidence:
            self.text("no evidence tagged", 8)
            return
        rows = tuple(
            (e.date, f"{e.id}. {e.title}", e.kind, e.status + ("" if e.counts else " (does not count: real work only)"),
             e.tutor, e.feedback)
            for e in c.evidence
        )
        self.grid(("date", "evidence", "kind", "status", "tutor", "feedback"), rows, widths=(2, 4, 2.5, 2, 2, 5))


CELL_CHARACTERS = 400
CELL_LINES = 12
"""The most of a cell's text set in a table row (the narrowest column holds about 11 characters a line, so a row
of 400 is at most about 150 mm high, well within a page); the rest follows the table."""


def _cut(text: str) -> str:
    """``text`` as a table cell holds it: at most :data:`CELL_CHARACTERS` characters and :data:`CELL_LINES` lines,
    ending "… (in full below)" when cut."""
    lines = text.split("\n")
    if len(text) <= CELL_CHARACTERS and len(lines) <= CELL_LINES:
        return text
    return "\n".join(lines[:CELL_LINES])[:CELL_CHARACTERS].rstrip() + "… (in full below)"


def _widths(rows: tuple[tuple[str, ...], ...]) -> tuple[float, ...]:
    """Column widths that follow how much each column holds, so a long cited source does not squeeze a date."""
    return tuple(
        min(max(sum(len(row[i]) for row in rows) / len(rows), 12), 60) ** 0.7 for i in range(len(rows[0]))
    )


def _headings():
    from fpdf.fonts import FontFace

    return FontFace(emphasis="BOLD", fill_color=(240, 242, 245))


def render(report: Report) -> bytes:
    writer = _Writer(report)
    writer.heading(report.title, 1)
    writer.text(report.standard, 10)
    writer.text(f"Ready for gateway: {report.rag.upper()} {'ready' if report.ready else 'not ready'}", 10, bold=True)
    for section in report.sections:
        if section.key == "otj":
            writer.heading("Criteria and evidence")
            for c in report.criteria:
                writer.criterion(c)
        writer.section(section)
    if writer.replaced:
        writer.text(f"{writer.replaced} character(s) this PDF's font has no glyph for (emoji, some scripts) are set as "
                    f"{writer.replacement}; the HTML pack (`portfolio report --format html`) shows them.", 8)
    writer.text(f"Generated at {report.generated_at} by portfolio-tui.", 8)
    return bytes(writer.pdf.output())
