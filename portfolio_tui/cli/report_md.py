"""The evidence pack as Markdown, for a wiki, a merge request or a plain-text e-mail.

User text is escaped for Markdown: every character with a meaning there (``*``, ``_``, ``[``, ``<``,
``|``, backticks, ...) gets a backslash, so a title can never become a link, an image, HTML or a
broken table; line breaks inside a cell become ``<br>``, and control characters are removed.
"""

from __future__ import annotations

import re

from portfolio_tui.domain.text import clean_text
from portfolio_tui.services.report import CriterionEntry, EvidenceLine, Report, Section, Table

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#!|~&])")
_NUMBERED = re.compile(r"\d+(?=\.)")


def md(value: object) -> str:
    """User text as inert Markdown on one line."""
    text = clean_text(str(value), multiline=True).replace("\r\n", "\n").replace("\r", "\n")
    return "<br>".join(_line(line) for line in text.split("\n"))


def _line(line: str) -> str:
    """One line escaped, including what means something only at the start of a line (a list marker,
    a setext underline, an ordered-list number), since a value may start a line of the document."""
    line = _SPECIAL.sub(r"\\\1", line)
    numbered = _NUMBERED.match(line)
    if numbered:
        return f"{numbered.group()}\\{line[numbered.end():]}"
    return "\\" + line if line[:1] in ("-", "+", "=") else line


def _table(table: Table) -> list[str]:
    out = [f"### {md(table.title)}", ""] if table.title else []
    if not table.rows:
        return [*out, f"_{md(table.empty)}_", ""]
    shown = [i for i, _ in enumerate(table.columns) if any(row[i] for row in table.rows)]
    out.append("| " + " | ".join(md(table.columns[i]) for i in shown) + " |")
    out.append("|" + "---|" * len(shown))
    out += ["| " + " | ".join(md(row[i]) for i in shown) + " |" for row in table.rows]
    return [*out, ""]


def _section(section: Section) -> list[str]:
    out = [f"## {md(section.title)}", ""]
    out += [f"- **{md(label)}:** {md(value)}" for label, value in section.facts]
    if section.facts:
        out.append("")
    for table in section.tables:
        out += _table(table)
    return out


def _criterion(c: CriterionEntry) -> list[str]:
    out = [f"### {md(c.id)}: {md(c.state)}", "", md(c.text), "", f"_{md(c.where)}_", ""]
    if not c.evidence:
        return [*out, "_no evidence tagged_", ""]
    out += ["| date | evidence | kind | status | tutor | feedback |", "|---|---|---|---|---|---|"]
    for e in c.evidence:
        status = e.status + ("" if e.counts else " (does not count: real work only)")
        out.append(f"| {md(e.date)} | {e.id}\\. {md(e.title)} | {md(e.kind)} | {md(status)} | {md(e.tutor)} "
                   f"| {md(e.feedback)} |")
    return [*out, ""]


def render(report: Report) -> str:
    out = [f"# {md(report.title)}", "", md(report.standard), "",
           f"**Ready for gateway:** {md(report.rag.upper())} {'ready' if report.ready else 'not ready'}", ""]
    for section in report.sections:
        if section.key == "otj":
            out += ["## Criteria and evidence", ""]
            for c in report.criteria:
                out += _criterion(c)
        out += _section(section)
    out += ["---", "", f"Generated at {md(report.generated_at)} by portfolio\\-tui\\.", ""]
    return "\n".join(out)


def evidence_page(c: CriterionEntry, e: EvidenceLine) -> str:
    """One piece of evidence under one criterion, for the export's Knowledge/Skills/Behaviours folders."""
    lines = [f"# {e.id}\\. {md(e.title)}", "", f"**Criterion {md(c.id)}:** {md(c.text)}", "",
             f"- **date:** {md(e.date)}", f"- **kind:** {md(e.kind)}", f"- **status:** {md(e.status)}"]
    if e.tutor:
        lines += [f"- **tutor:** {md(e.tutor)}", f"- **feedback:** {md(e.feedback)}"]
    lines += [f"- **file:** {md(name)}" for name in e.files]
    return "\n".join(lines) + "\n"
