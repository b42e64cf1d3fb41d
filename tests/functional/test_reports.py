"""``portfolio report`` (html, md, pdf; a folder's caseload page) and ``gateway --csv``, through the CLI."""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from portfolio_tui import catalog
from portfolio_tui.cli import main
from portfolio_tui.cli.report_md import md
from tests.functional.report_helpers import HOSTILE, SAMPLES, SAMPLES_AS_OF, hostile_portfolio, sample_copy

SAMPLE_NAMES = sorted(p.stem for p in SAMPLES.glob("*.json"))


def _criteria(path: Path) -> list[str]:
    import json

    standard_id = json.loads(path.read_text())["learner"]["1"]["standard_id"]
    return list(catalog.get(standard_id).criteria)


def _one_line_exit_2(code: int, capsys: pytest.CaptureFixture[str], *words: str) -> str:
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("portfolio: "), err
    assert "Traceback" not in err
    for word in words:
        assert word in err
    return err


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_html_pack_of_each_sample_shows_every_criterion_and_section(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = sample_copy(tmp_path, name)
    out = tmp_path / "pack.html"
    assert main(["report", str(path), "-o", str(out), "--as-of", SAMPLES_AS_OF.isoformat()]) == 0
    page = out.read_text(encoding="utf-8")
    for cid in _criteria(path):
        assert f'id="criterion-{html.escape(cid)}"' in page
    for section in ("learner", "readiness", "criteria", "coverage", "otj", "reviews", "milestones", "checklist",
                    "signoffs", "verify"):
        assert f'<section id="{section}">' in page
    assert "Generated at " in page and "Record intact</dt><dd>yes" in page
    # Self-contained: nothing is fetched (the CSP forbids it too), no script at all.
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<script" not in page
    assert "default-src 'none'" in page


def test_html_pack_escapes_hostile_text_and_lists_signoffs(tmp_path: Path) -> None:
    path = hostile_portfolio(tmp_path)
    out = tmp_path / "pack.html"
    assert main(["report", str(path), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page and "<img" not in page
    for text in HOSTILE:
        assert html.escape(text, quote=True) in page
    signoffs = page[page.index('<section id="signoffs">'):]
    for role in ("assessor", "apprentice", "employer"):
        assert role in signoffs
    for day in ("2026-01-10", "2026-01-11", "2026-01-12"):
        assert day in signoffs
    from portfolio_tui.services.signing import own_key

    assert signoffs.count(html.escape(own_key()["fingerprint"])) == 3  # each signed with the signer's key


def test_markdown_pack_escapes_its_own_syntax(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = hostile_portfolio(tmp_path)
    assert main(["report", str(path), "--format", "md", "-o", "-"]) == 0
    text = capsys.readouterr().out
    for hostile in HOSTILE:
        assert md(hostile) in text
    assert "<script>" not in text and "[link](" not in text and "**bold**" not in text
    assert md("<b>") == "\\<b\\>" and md("1. x") == "1\\. x" and md("- x") == "\\- x"
    assert md("a\nb|c") == "a<br>b\\|c"


def test_pdf_text_has_every_criterion_and_signoff(tmp_path: Path) -> None:
    path = hostile_portfolio(tmp_path)
    out = tmp_path / "pack.pdf"
    assert main(["report", str(path), "--format", "pdf", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF-")
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    for cid in _criteria(path):
        assert re.search(rf"(?<![\w.]){re.escape(cid)}(?!\w|\.\d)", text), cid
    signoffs = text[text.rindex("Sign-offs"):]
    for role, day in (("assessor", "2026-01-10"), ("apprentice", "2026-01-11"), ("employer", "2026-01-12")):
        assert re.search(rf"{role}\s+\S+\s+{day}", signoffs), (role, signoffs[:400])
    assert "<script>alert('pwned')</script>" in text.replace("\n", "")
    from portfolio_tui.services.signing import own_key

    assert re.sub(r"\s", "", signoffs).count(own_key()["fingerprint"]) == 3  # wrapped in its cell


@pytest.mark.parametrize("font", ["system DejaVu Sans", "bundled Roboto Mono"])
def test_pdf_sets_unicode_text(font: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    from portfolio_tui.cli import report_pdf
    from portfolio_tui.services.portfolios import PortfolioService

    if font.startswith("bundled"):
        monkeypatch.setattr(report_pdf, "FONT_DIRS", ())
        assert report_pdf.font_files()[0].name == "RobotoMono-VariableFont_wght.ttf"
    elif not report_pdf.font_files()[0].name.startswith("DejaVu"):
        pytest.skip("Debian's fonts-dejavu-core is not installed")

    path = tmp_path / "zoe.json"
    PortfolioService.create(path, learner="Zoë Øster-Ελένη Ковальчук “Jo”", standard="odo-l3",
                            start=date(2025, 3, 3), end=date(2026, 9, 30))
    out = tmp_path / "zoe.pdf"
    assert main(["report", str(path), "--format", "pdf", "-o", str(out)]) == 0
    assert "Zoë Øster-Ελένη Ковальчук “Jo”" in PdfReader(out).pages[0].extract_text()


def test_caseload_page_links_each_learners_pack(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "cohort"
    folder.mkdir()
    for name in ("odo-nearly-ready", "csp-midway"):
        sample_copy(folder, name)
    hostile_portfolio(folder)
    out = tmp_path / "site"
    assert main(["report", str(folder), "--format", "html", "-o", str(out)]) == 0
    index = (out / "index.html").read_text(encoding="utf-8")
    for stem in ("odo-nearly-ready", "csp-midway", "hostile"):
        assert f'href="./{stem}.html"' in index
        assert (out / f"{stem}.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "Priya Shah" in index and "Jade Thompson" in index
    assert html.escape(HOSTILE[1]) in index and "<script" not in index


def test_gateway_csv_has_one_row_per_learner_with_formulas_neutralised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "cohort"
    folder.mkdir()
    sample_copy(folder, "odo-nearly-ready")
    sample_copy(folder, "odo-gaps-overdue")
    hostile_portfolio(folder)
    code = main(["gateway", str(folder), "--csv", "--as-of", SAMPLES_AS_OF.isoformat()])
    assert code == 1  # not everyone is ready
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [Path(r["path"]).name for r in rows] == ["hostile.json", "odo-gaps-overdue.json", "odo-nearly-ready.json"]
    assert rows[2]["learner"] == "Priya Shah" and rows[2]["missing"] == "K3 S5" and rows[2]["rag"] == "amber"
    assert rows[0]["learner"] == "'" + HOSTILE[1]  # =cmd|... shown as text, not run
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value


def test_csv_cells_neutralise_every_formula_start() -> None:
    from portfolio_tui.cli.csv_cells import inert

    for text in ("=1+2", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert inert(text).startswith("'")
    assert inert("Priya Shah") == "Priya Shah" and inert("2026-01-01") == "2026-01-01"


def test_report_bad_input_is_one_line_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = sample_copy(tmp_path)
    before = sorted(os.listdir(tmp_path))
    _one_line_exit_2(main(["report", str(path), "--format", "docx"]), capsys, "unknown format", "docx")
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    before = sorted(os.listdir(tmp_path))
    _one_line_exit_2(main(["report", str(path), "-o", str(blocker / "out.html")]), capsys, "cannot be written")
    _one_line_exit_2(main(["report", str(path), "-o", str(tmp_path / "missing" / "out.pdf"), "--format", "pdf"]),
                     capsys, "cannot be written")
    _one_line_exit_2(main(["report", str(path), "-o", str(tmp_path)]), capsys, "is a folder")
    _one_line_exit_2(main(["report", str(tmp_path / "nope.json")]), capsys, "no such file")
    _one_line_exit_2(main(["gateway", str(path), "--csv", "--json"]), capsys, "choose one")
    assert sorted(os.listdir(tmp_path)) == before


def test_pack_shows_coverage_by_duty_for_a_standard_with_duties(
    user_standards_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.functional.test_imported_standard_e2e import LIST

    assert main(["standards", "import", str(LIST), "--reference", "ST0999"]) == 0
    path = tmp_path / "ann.json"
    assert main(["new", str(path), "--learner", "Ann Smith", "--standard", "st0999-v1.1", "--start", "2025-01-06",
                 "--end", "2026-07-31"]) == 0
    assert main(["evidence", "add", str(path), "--title", "Call log review", "--date", "2025-06-01", "--kind",
                 "product", "--criteria", "K1,S1,B1"]) == 0
    capsys.readouterr()
    assert main(["report", str(path), "--format", "md", "--output", "-"]) == 0
    text = capsys.readouterr().out
    duties = text[text.index("### Coverage by duty"):]
    duties = duties[: duties.index("\n\n", duties.index("|"))]
    rows = [line for line in duties.splitlines() if line.startswith("| D")]
    assert rows and all(line.count("|") == 6 for line in rows)
    assert any(line.startswith("| D1 |") and "core" in line for line in rows)
    assert any("option" in line for line in rows)


@pytest.mark.parametrize("font", ["system DejaVu Sans", "bundled Roboto Mono"])
def test_pdf_sets_what_its_font_can_and_marks_the_rest(font: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Emoji, CJK, right-to-left and hand-typed control characters in the pack: the PDF is written, what the font
    has glyphs for is set (right-to-left runs in visual order, so they read right: pypdf reads them back in their
    own order), each character it has none for is a visible U+FFFD, counted in a closing line; no control or bidi
    override character reaches it. fpdf2 left missing glyphs out without a word (a title of emoji came out empty)
    and set Hebrew backwards."""
    from datetime import date

    from portfolio_tui.cli import report_pdf
    from portfolio_tui.services.portfolios import PortfolioService

    dejavu = not font.startswith("bundled")
    if not dejavu:
        monkeypatch.setattr(report_pdf, "FONT_DIRS", ())
    assert report_pdf.font_files()[0].name.startswith("DejaVu" if dejavu else "RobotoMono")
    path = tmp_path / "zoe.json"
    service = PortfolioService.create(path, learner="Zoë Ελένη Ковальчук", standard="odo-l3",
                                      start=date(2025, 3, 3), end=date(2026, 9, 30))
    titles = ["Party 🎉 done", "議事録 minutes", "שלום עולם", "Plain title"]
    for title in titles:
        service.add_evidence(title=title, date=date(2025, 4, 1), kind="product", criteria=["K1"],
                             as_of=date(2026, 1, 15))
    document = json.loads(path.read_text())  # a hand edit: the app never writes these
    document["evidence"]["4"]["title"] = "Plain\x1b[31m\u202etitle\x07"
    path.write_text(json.dumps(document))
    out = tmp_path / "zoe.pdf"
    assert main(["report", str(path), "--format", "pdf", "-o", str(out)]) == 0
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Zoë Ελένη Ковальчук" in text
    assert "Party \ufffd done" in text and "\ufffd\ufffd\ufffd minutes" in text and "🎉" not in text
    assert ("שלום עולם" if dejavu else "\ufffd" * 4 + " " + "\ufffd" * 4) in text
    assert "Plain[31mtitle" in text and not re.search("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e]", text)
    note = re.search(r"(\d+) character\(s\) this PDF's font has no glyph for", text)
    assert note is not None and int(note.group(1)) == text.count("\ufffd") - 1, text  # (the note shows the mark)


def test_pdf_pack_sets_long_feedback_in_full_below_its_row(tmp_path: Path) -> None:
    """Review R7-12: a tutor's feedback of about 2,500 characters (or 100 short lines) made a table row taller than
    a page, and fpdf2 ended the pack in a traceback. The row holds the start; the whole follows the table."""
    from datetime import date

    from portfolio_tui.services.portfolios import PortfolioService

    path = tmp_path / "ava.json"
    service = PortfolioService.create(path, learner="Ava Patel", standard="odo-l3", start=date(2025, 3, 3),
                                      end=date(2026, 9, 30))
    prose = " ".join(["The letter explains the delay clearly and offers a next step."] * 40) + " THE END."
    lines = "\n".join(f"point {n}" for n in range(1, 101))
    word = "x" * 3000
    for feedback in (prose, lines, word):
        piece = service.add_evidence(title="Letter", date=date(2025, 4, 1), kind="product", criteria=["K1"],
                                     as_of=date(2026, 1, 15))
        service.assess(piece.id, "accept", feedback)
    out = tmp_path / "ava.pdf"
    assert main(["report", str(path), "--format", "pdf", "-o", str(out)]) == 0
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    flat = re.sub(r"\s+", " ", text)
    cut = flat.count("(in full below)")
    assert cut >= 3 and flat.count(", in full:") == cut and flat.count("feedback, 2025-04-01") >= 3, flat
    assert "next step. THE END." in flat and "point 100" in flat and flat.replace(" ", "").count("x" * 3000) == 1


def test_caseload_links_are_relative_and_encoded_and_the_pack_has_no_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Review R7-17: a portfolio any group member names `javascript:alert(document.domain).json` was linked as
    `href="javascript:..."`; R7-7: the HTML pack kept ESC, BEL, NUL and U+202E typed into a file by hand (the
    Markdown pack and every other output remove them)."""
    from urllib.parse import unquote

    folder = tmp_path / "cohort"
    folder.mkdir()
    path = sample_copy(folder, "odo-nearly-ready")
    odd = path.rename(folder / "javascript:alert(document.domain)#x?y%z.json")
    document = json.loads(odd.read_text(encoding="utf-8"))
    document["evidence"]["1"]["title"] = "\x1b]0;PWNED\x07\x1b[2Jgnp\u202e.exe\x00 \x9b31m"
    odd.write_text(json.dumps(document), encoding="utf-8")
    out = tmp_path / "site"
    assert main(["report", str(folder), "--format", "html", "-o", str(out)]) == 0
    index = (out / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'href="([^"]*)"', index)
    assert hrefs == ["./javascript%3Aalert%28document.domain%29%23x%3Fy%25z.html"], hrefs
    assert (out / unquote(hrefs[0])).is_file()
    for page in (out / unquote(hrefs[0]), out / "index.html"):
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", page.read_text()), page
    pack = (out / unquote(hrefs[0])).read_text(encoding="utf-8")
    assert "]0;PWNED[2Jgnp.exe 31m" in pack
