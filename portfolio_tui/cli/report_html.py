"""The evidence pack and the caseload page as one self-contained HTML file each.

No script, no font, no image, no link leaves the file: the styles are inline and a Content Security
Policy forbids any request, so the pack opens the same offline, from an e-mail, or on a phone.
Every piece of text goes through :func:`html.escape`; nothing the user typed is ever markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from urllib.parse import quote

from portfolio_tui.domain.text import clean_text
from portfolio_tui.services.report import CaseloadRow, CriterionEntry, Report, Section, Table

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

STYLE = """
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --green: #1a7f37;
  --amber: #9a6700; --red: #cf222e; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 60rem; padding: 1rem; color: var(--ink); background: #fff;
  font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  overflow-wrap: anywhere; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; border-bottom: 2px solid var(--line); padding-bottom: .2rem; }
h3 { font-size: 1rem; margin: 1rem 0 .3rem; }
.meta { color: var(--muted); margin: 0; }
dl { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr; gap: .2rem 1rem; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; white-space: pre-wrap; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 .8rem; font-size: .92rem; }
th, td { border: 1px solid var(--line); padding: .25rem .4rem; text-align: left; vertical-align: top;
  white-space: pre-wrap; overflow-wrap: break-word; }
th { background: #f6f8fa; }
.badge { display: inline-block; white-space: nowrap; padding: 0 .45rem; border-radius: .6rem; font-weight: 600;
  font-size: .85rem; border: 1px solid currentColor; }
td.date { white-space: nowrap; }
.full, .green, .met { color: var(--green); }
.partial, .amber { color: var(--amber); }
.none, .red, .open, .BROKEN { color: var(--red); }
.criterion { border: 1px solid var(--line); border-radius: .4rem; padding: .4rem .6rem; margin: .5rem 0;
  break-inside: avoid; }
.criterion h4 { margin: 0 0 .2rem; font-size: 1rem; }
.criterion .where { color: var(--muted); font-size: .85rem; margin: 0 0 .3rem; }
.empty { color: var(--muted); font-style: italic; margin: .2rem 0; }
.sig { color: var(--muted); font-size: .85rem; }
footer { margin-top: 2rem; color: var(--muted); font-size: .85rem; }
@media (max-width: 40rem) {
  body { padding: .6rem; font-size: 15px; }
  table.evidence, .evidence tbody, .evidence tr, .evidence td { display: block; width: auto; }
  .evidence thead { display: none; }
  .evidence tr { border-top: 1px solid var(--line); padding: .3rem 0; }
  .evidence td { border: 0; padding: .1rem 0; }
  .evidence td::before { content: attr(data-label) ": "; color: var(--muted); }
  dl { grid-template-columns: 1fr; }
  dt { font-weight: 600; color: var(--ink); }
}
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  .scroll { overflow: visible; }
  h2 { break-after: avoid; }
  table, .criterion { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  @page { margin: 15mm; }
}
"""


DATE_COLUMNS = ("date", "due", "done on", "achieved")
EVIDENCE_COLUMNS = ("date", "evidence", "kind", "status", "tutor", "feedback")


def _e(value: object) -> str:
    """Text as HTML: control, escape and bidi-override characters removed first, as every other output does (review
    R7-7: ESC sequences reached whoever viewed the page in a terminal, U+202E turned a title round), then escaped."""
    return escape(clean_text(str(value), multiline=True), quote=True)


def _href(name: str) -> str:
    """A link to the file ``name`` beside the page: relative and percent-encoded, so a name is never a scheme
    (review R7-17: a portfolio named ``javascript:alert(1).json`` was linked as ``href="javascript:..."``) and
    ``#``, ``?`` or ``%`` in it do not break the link."""
    return _e("./" + quote(name))


def _page(title: str, body: Iterable[str]) -> str:
    return "".join((
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        "<meta name=\"referrer\" content=\"no-referrer\">\n",
        f"<title>{_e(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        *body,
        "</body>\n</html>\n",
    ))


def _facts(facts: tuple[tuple[str, str], ...]) -> str:
    if not facts:
        return ""
    items = "".join(f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>" for label, value in facts)
    return f"<dl>{items}</dl>\n"


def _cell(column: str, value: str) -> str:
    if column in ("state", "result", "status") and value:
        return f"<td><span class=\"badge {_e(value.split()[0])}\">{_e(value)}</span></td>"
    if column in DATE_COLUMNS:
        return f"<td class=\"date\">{_e(value)}</td>"
    return f"<td>{_e(value)}</td>"


def _grid(head: str, rows: str, kind: str = "") -> str:
    """A table that scrolls sideways on a narrow screen instead of squeezing its columns (evidence tables
    become one card per piece there instead)."""
    css = f" class=\"{kind}\"" if kind else ""
    return f"<div class=\"scroll\"><table{css}><thead><tr>{head}</tr></thead><tbody>\n{rows}</tbody></table></div>\n"


def _table(table: Table) -> str:
    heading = f"<h3>{_e(table.title)}</h3>\n" if table.title else ""
    if not table.rows:
        return f"{heading}<p class=\"empty\">{_e(table.empty)}</p>\n"
    shown = [i for i, _ in enumerate(table.columns) if any(row[i] for row in table.rows)]
    head = "".join(f"<th scope=\"col\">{_e(table.columns[i])}</th>" for i in shown)
    rows = "".join(
        "<tr>" + "".join(_cell(table.columns[i], row[i]) for i in shown) + "</tr>\n" for row in table.rows
    )
    return heading + _grid(head, rows)


def _section(section: Section) -> str:
    tables = "".join(_table(t) for t in section.tables)
    heading = f"<h2>{_e(section.title)}</h2>\n"
    return f"<section id=\"{_e(section.key)}\">\n{heading}{_facts(section.facts)}{tables}</section>\n"


def _criterion(c: CriterionEntry) -> str:
    head = (f"<h4 id=\"criterion-{_e(c.id)}\">{_e(c.id)} <span class=\"badge {_e(c.state)}\">{_e(c.state)}</span>"
            f"</h4>\n<p>{_e(c.text)}</p>\n<p class=\"where\">{_e(c.where)}</p>\n")
    if not c.evidence:
        return f"<article class=\"criterion\">{head}<p class=\"empty\">no evidence tagged</p></article>\n"
    rows = "".join(
        "<tr>"
        f"<td class=\"date\" data-label=\"date\">{_e(e.date)}</td>"
        f"<td data-label=\"evidence\">{e.id}. {_e(e.title)}</td>"
        f"<td data-label=\"kind\">{_e(e.kind)}</td>"
        f"<td data-label=\"status\">{_e(e.status)}{'' if e.counts else _e(' (does not count: real work only)')}</td>"
        f"<td data-label=\"tutor\">{_e(e.tutor)}</td><td data-label=\"feedback\">{_e(e.feedback)}</td>"
        "</tr>\n"
        for e in c.evidence
    )
    columns = "".join(f"<th scope=\"col\">{c}</th>" for c in EVIDENCE_COLUMNS)
    table = _grid(columns, rows, "evidence")
    return f"<article class=\"criterion\">{head}{table}</article>\n"


def render(report: Report) -> str:
    """One learner's gateway evidence pack."""
    body = [
        f"<header>\n<h1>{_e(report.title)}</h1>\n",
        f"<p class=\"meta\">{_e(report.standard)}</p>\n",
        f"<p class=\"meta\">Ready for gateway: <span class=\"badge {_e(report.rag)}\">"
        f"{_e(report.rag.upper())} {'ready' if report.ready else 'not ready'}</span></p>\n</header>\n",
    ]
    for section in report.sections:
        if section.key == "otj":
            body.append("<section id=\"criteria\">\n<h2>Criteria and evidence</h2>\n")
            body.extend(_criterion(c) for c in report.criteria)
            body.append("</section>\n")
        body.append(_section(section))
    body.append(f"<footer>Generated at {_e(report.generated_at)} by portfolio-tui.</footer>\n")
    return _page(report.title, body)


def render_caseload(rows: list[CaseloadRow], links: dict[str, str], generated_at: str, title: str) -> str:
    """The caseload summary: one row per learner, each linking to that learner's pack (``links`` by path)."""
    shown = ("learner", "standard", "rag", "gateway_date", "criteria_full", "criteria_required", "otj_logged",
             "otj_target", "otj_state", "next_milestone", "next_milestone_date", "predicted_grade", "open_items")
    head = "".join(f"<th scope=\"col\">{_e(c.replace('_', ' '))}</th>" for c in shown)
    body_rows = []
    for row in rows:
        if not row.readable:
            body_rows.append(f"<tr><td colspan=\"{len(shown)}\"><span class=\"badge red\">cannot be read</span> "
                             f"{_e(row.cells['path'])}: {_e(row.cells['error'])}</td></tr>\n")
            continue
        cells = []
        for column in shown:
            value = row.cells[column]
            if column == "learner" and str(row.path) in links:
                cells.append(f"<td><a href=\"{_href(links[str(row.path)])}\">{_e(value)}</a></td>")
            elif column == "rag":
                cells.append(f"<td><span class=\"badge {_e(value)}\">{_e(value.upper())}</span></td>")
            else:
                cells.append(f"<td>{_e(value)}</td>")
        body_rows.append("<tr>" + "".join(cells) + "</tr>\n")
    ready = sum(1 for r in rows if r.cells["ready"] == "yes")
    body = [
        f"<header><h1>{_e(title)}</h1>\n<p class=\"meta\">{ready} of {len(rows)} ready for gateway</p></header>\n",
        _grid(head, "".join(body_rows)),
        f"<footer>Generated at {_e(generated_at)} by portfolio-tui.</footer>\n",
    ]
    return _page(title, body)
