"""The gateway evidence pack as one view model, which the HTML, Markdown and PDF renderers only lay out.

Everything a renderer shows is worked out here, as plain strings in sections and tables, so the three
formats cannot disagree and none of them holds a rule. The pack is read through the same checks as
every other read: the OS account must be allowed to see the portfolio (``view`` on the roster).
User text is kept exactly as typed; each renderer escapes it for its own format.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from portfolio_tui.domain.evidence import Evidence
from portfolio_tui.domain.gateway import ReadinessReport
from portfolio_tui.domain.portfolio import Portfolio, unconfirmed_where_changed
from portfolio_tui.domain.reviews import confirmation_words
from portfolio_tui.domain.standard import Criterion, Group, Standard
from portfolio_tui.domain.text import clean_text

KIND_FOLDERS = {"knowledge": "Knowledge", "skill": "Skills", "behaviour": "Behaviours", "value": "Values"}
"""Criterion kinds as the standard's own words name them (Knowledge, Skills, Behaviours; ODO's Values);
a qualification's assessment criteria go under :data:`OTHER_FOLDER`."""
OTHER_FOLDER = "Criteria"


@dataclass(frozen=True)
class Table:
    """Rows of text under a heading; ``empty`` is shown when there are no rows."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str = "none recorded"


@dataclass(frozen=True)
class Section:
    """A titled part of the pack: facts (label, value), then tables."""

    key: str
    title: str
    facts: tuple[tuple[str, str], ...] = ()
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True)
class EvidenceLine:
    """One piece of evidence under a criterion, as the assessment organisation reads it."""

    id: int
    title: str
    date: str
    kind: str
    status: str
    tutor: str
    """Who made the latest judgement ("" while it awaits one)."""
    feedback: str
    counts: bool = True
    """False for simulated evidence under a criterion that needs real work."""
    files: tuple[str, ...] = ()


@dataclass(frozen=True)
class CriterionEntry:
    id: str
    text: str
    kind: str
    group: str
    """The titles of the groups holding it, outermost first, joined by " / "."""
    state: str
    required: bool
    evidence: tuple[EvidenceLine, ...] = ()

    @property
    def folder(self) -> str:
        return KIND_FOLDERS.get(self.kind, OTHER_FOLDER)

    @property
    def where(self) -> str:
        """Its kind and its groups, once each (``Values`` rather than ``Values · Values``), and whether
        gateway needs it."""
        place = self.group if self.group.startswith(self.folder) else f"{self.folder} · {self.group}"
        return place + ("" if self.required else " (not required for gateway)")


@dataclass(frozen=True)
class Report:
    title: str
    learner: str
    standard: str
    generated_at: str
    ready: bool
    rag: str
    sections: tuple[Section, ...]
    criteria: tuple[CriterionEntry, ...]

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


def build(
    path: Path,
    portfolio: Portfolio,
    standard: Standard,
    readiness: ReadinessReport,
    verified: Iterable[tuple[bool, str]],
    generated_at: datetime | None = None,
    signed_by_key: Mapping[tuple[str, str, str], str] | None = None,
) -> Report:
    """The pack for one portfolio. ``verified`` is the ``verify`` result: (ok, line) per check made;
    ``signed_by_key`` the fingerprint of the key each sign-off was signed with, by (role, by, date)."""
    moment = (generated_at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    learner = portfolio.learner
    evidence = {e.id: e for e in portfolio.live_evidence}
    criteria = tuple(_criteria(standard, readiness, evidence))
    sections = (
        _learner_section(path, portfolio, standard),
        _readiness_section(readiness),
        _coverage_section(readiness),
        _otj_section(readiness),
        _reviews_section(portfolio, readiness),
        _milestones_section(readiness),
        _checklist_section(standard, portfolio),
        _signoffs_section(portfolio, signed_by_key or {}),
        _verify_section(list(verified)),
    )
    return Report(
        title=f"Gateway evidence pack: {learner.name}",
        learner=learner.name,
        standard=f"{standard.title} ({standard.reference or standard.id}, version {learner.standard_version})",
        generated_at=moment.isoformat().replace("+00:00", "Z"),
        ready=readiness.ready,
        rag=readiness.rag,
        sections=sections,
        criteria=criteria,
    )


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _hours(value: float | None) -> str:
    return "unknown" if value is None else f"{value:g}"


def _learner_section(path: Path, portfolio: Portfolio, standard: Standard) -> Section:
    p = portfolio.learner
    facts = (
        ("Learner", p.name),
        ("Employer", p.employer),
        ("Line manager", p.line_manager),
        ("Tutor", p.tutor),
        ("Standard", standard.title),
        ("Reference", standard.reference or standard.id),
        ("Version", p.standard_version),
        ("Level", str(standard.level)),
        ("Start", _iso(p.start)),
        ("Planned end", _iso(p.planned_end)),
        ("EPA presentation", _iso(p.epa_presentation) or "not booked"),
        ("Portfolio file", path.name),
    )
    return Section("learner", "Learner and standard", facts)


def _readiness_section(r: ReadinessReport) -> Section:
    """Each gateway item with the rule that decides it; the ``rule``/``source`` keys of ``gateway --json``
    are shown when the document carries them (funding rules cite their source)."""
    items = r.to_dict()["checklist"]
    rows = tuple(
        (
            "met" if item["ok"] else "open",
            item["title"],
            item["detail"],
            str(item.get("rule") or ""),
            str(item.get("source") or ""),
            item["due"] or "",
        )
        for item in items
    )
    facts = (
        ("Ready for gateway", "yes" if r.ready else "no"),
        ("RAG", r.rag.upper()),
        ("Gateway date", _iso(r.gateway_date)),
        ("Effective end", _iso(r.effective_end)),
        ("Judged on", _iso(r.as_of)),
        ("Predicted grade", r.prediction.grade + (" (provisional)" if r.prediction.provisional else "")),
        ("Why", r.prediction.reason),
    )
    table = Table("Gateway items", ("state", "item", "detail", "rule", "source", "due"), rows)
    return Section("readiness", "Readiness", facts, (table,))


def _group_paths(groups: Iterable[Group], above: str = "") -> Iterable[tuple[Criterion, str]]:
    for group in groups:
        here = f"{above} / {group.title}" if above else group.title
        for criterion in group.criteria:
            yield criterion, here
        yield from _group_paths(group.groups, here)


def _evidence_line(piece: Evidence, counts: bool) -> EvidenceLine:
    last = piece.judgements[-1] if piece.judgements else None
    return EvidenceLine(
        id=piece.id,
        title=piece.title,
        date=_iso(piece.date),
        kind=piece.kind_label,
        status=piece.status + (" (simulated)" if piece.simulated else ""),
        tutor=last.by if last else "",
        feedback=last.feedback if last else "",
        counts=counts,
        files=piece.files,
    )


def _criteria(standard: Standard, r: ReadinessReport, evidence: dict[int, Evidence]) -> Iterable[CriterionEntry]:
    for criterion, group in _group_paths(standard.groups):
        cov = r.criteria[criterion.id]
        lines = [_evidence_line(evidence[i], True) for i in cov.evidence_ids if i in evidence]
        lines += [_evidence_line(evidence[i], False) for i in cov.simulated_ids if i in evidence]
        yield CriterionEntry(
            id=criterion.id,
            text=criterion.label,
            kind=criterion.kind,
            group=group,
            state=cov.state,
            required=criterion.required_for_gateway,
            evidence=tuple(sorted(lines, key=lambda e: (e.date, e.id))),
        )


def _coverage_section(r: ReadinessReport) -> Section:
    s = r.coverage
    facts = (
        ("Required criteria", str(s.total)),
        ("Fully covered", str(s.full)),
        ("Partly covered", str(s.partial)),
        ("Not covered", str(s.none)),
        ("Missing", ", ".join(r.missing) or "none"),
    )
    groups = Table(
        "Coverage by group",
        ("group", "full", "partial", "none", "required"),
        tuple((g.title, str(g.summary.full), str(g.summary.partial), str(g.summary.none), str(g.summary.total))
              for g in r.groups),
    )
    tables = [groups]
    duties = _duty_table(r)
    if duties is not None:
        tables.append(duties)
    return Section("coverage", "Coverage", facts, tuple(tables))


def _duty_table(r: ReadinessReport) -> Table | None:
    """Coverage by duty, for a standard whose file maps duties to criteria (imported standards do)."""
    if not r.duties:
        return None
    rows = tuple(
        (
            d.duty_id,
            d.text,
            "core" if d.core else "option: " + ", ".join(d.options),
            f"{len(d.criteria) - len(d.missing)} of {len(d.criteria)}",
            ", ".join(d.missing) or "none",
        )
        for d in r.duties
    )
    return Table("Coverage by duty", ("duty", "what the duty is", "core or option", "criteria covered", "missing"),
                 rows)


def _otj_section(r: ReadinessReport) -> Section:
    o = r.otj
    facts = (
        ("Hours that count", _hours(round(o.logged, 2))),
        ("Target", _hours(o.target)),
        ("Expected by now", _hours(None if o.expected_to_date is None else round(o.expected_to_date, 2))),
        ("Pace", o.state),
        ("Not counted (English and maths, reviews, exams)", _hours(round(o.excluded, 2))),
        ("Rule", o.regime_label),
        ("Target from", o.target_source),
    )
    return Section("otj", "Off-the-job training", facts)


def _reviews_section(portfolio: Portfolio, r: ReadinessReport) -> Section:
    s = r.reviews
    facts = (
        ("Cadence", s.cadence_label),
        ("Held", str(s.held)),
        ("Last review", _iso(s.last_review) or "none"),
        ("Next due", _iso(s.next_due)),
        ("Overdue", ", ".join(map(_iso, s.overdue)) or "none"),
    )
    rows = tuple(
        (_iso(v.date), ", ".join(v.attendees), _hours(v.otj_hours_discussed) if v.otj_hours_discussed is not None
         else "", v.actions, v.notes, confirmation_words(v))
        for v in sorted(unconfirmed_where_changed(portfolio, frozenset(portfolio.changed_outside)).reviews,
                        key=lambda v: v.date)
    )
    columns = ("date", "attendees", "OTJ hours discussed", "actions", "notes", "confirmations")
    table = Table("Reviews held", columns, rows)
    return Section("reviews", "Progress reviews", facts, (table,))


def _milestones_section(r: ReadinessReport) -> Section:
    rows = tuple(
        (_iso(m.date), m.title, m.status, _iso(m.done_on), m.done_by, m.detail) for m in r.milestones
    )
    return Section("milestones", "Milestones", (), (Table("", ("date", "milestone", "status", "done on", "by",
                                                               "detail"), rows),))


def _checklist_section(standard: Standard, portfolio: Portfolio) -> Section:
    achieved = {p.key: p for p in portfolio.prerequisites}
    prereqs = tuple(
        (p.title, _iso(achieved[p.key].achieved_on) if p.key in achieved else "not recorded",
         achieved[p.key].recorded_by if p.key in achieved else "", achieved[p.key].note if p.key in achieved else "")
        for p in standard.plan.prerequisites
    )
    done = tuple(
        (c.key, _iso(c.done_on), c.recorded_by, c.detail) for c in sorted(portfolio.checklist, key=lambda c: c.done_on)
    )
    return Section(
        "checklist",
        "Checklist and prerequisites",
        (),
        (
            Table("Prerequisites", ("prerequisite", "achieved", "recorded by", "note"), prereqs,
                  "the standard's plan names none"),
            Table("Checklist items recorded", ("item", "done on", "recorded by", "detail"), done),
        ),
    )


def _signoffs_section(portfolio: Portfolio, signed_by_key: Mapping[tuple[str, str, str], str]) -> Section:
    rows = tuple(
        (f"{s.role} (withdrawn)" if s.withdrawal else s.role, s.by, _iso(s.on), s.reason, s.recorded_at,
         signed_by_key.get((s.role, s.by, _iso(s.on)), UNSIGNED))
        for s in portfolio.signoffs
    )
    table = Table("", ("role", "by", "date", "reason", "recorded at", "signed with key"), rows, "no sign-off yet")
    return Section("signoffs", "Sign-offs", (), (table,))


UNSIGNED = "not signed (recorded before signing keys)"


def signoff_fingerprints(path: Path) -> dict[tuple[str, str, str], str]:
    """The fingerprint (``SHA256:...``, as ``ssh-keygen -l`` prints it) of the key that signed the audit
    entry adding each sign-off, by (role, by, date). Whether that key is the account's own is what
    ``portfolio verify --trust`` checks; the pack shows which key it was."""
    from portfolio_tui.domain.signatures import KEY_FIELD, fingerprint
    from portfolio_tui.jsonfile import JsonFileError, loads_strict

    try:
        document = loads_strict(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, JsonFileError):
        return {}
    signoffs = document.get("signoffs") or {}
    found: dict[tuple[str, str, str], str] = {}
    for entry in (document.get("audit") or {}).values():
        if not isinstance(entry, dict) or entry.get("table") != "signoffs" or entry.get("action") != "add":
            continue
        record = signoffs.get(str(entry.get("record")))
        key = entry.get(KEY_FIELD)
        if isinstance(record, dict) and isinstance(key, str):
            try:
                found[(str(record.get("role")), str(record.get("by")), str(record.get("on")))] = fingerprint(key)
            except ValueError:
                continue
    return found


def _verify_section(verified: list[tuple[bool, str]]) -> Section:
    ok = all(good for good, _ in verified)
    facts = (("Record intact", "yes" if ok else "no"),)
    rows = tuple(("ok" if good else "BROKEN", line) for good, line in verified)
    return Section("verify", "Verify (audit chain and sign-off chain)", facts, (Table("", ("result", "check"), rows),))


def plain(value: str) -> str:
    """One line of user text with terminal control characters removed, for renderers that need it."""
    return clean_text(value)


def verify_lines(path: Path) -> list[tuple[bool, str]]:
    """``portfolio verify`` of one file as (ok, line) pairs for the pack."""
    from portfolio_tui.services.verify import verify_file

    checked = verify_file(path)
    if checked.ok:
        lines = [(True, f"{checked.entries} audit entries and every sign-off chained by hash; "
                        f"head {checked.head[:16]}")]
    else:
        lines = [(False, f"{b.where}: {b.message}") for b in checked.breaks]
    return lines + [(True, f"note: {note}") for note in checked.notes]


def for_portfolio(path: Path, as_of: date | None = None, generated_at: datetime | None = None) -> Report:
    """The pack of the portfolio at ``path``, if this OS account may see it (else ``NotAllowed``)."""
    from portfolio_tui.services.session import PortfolioSession

    path = Path(path)
    session = PortfolioSession(path)
    portfolio, assessed = session.readiness(as_of or date.today())
    return build(path, portfolio, session.standard, assessed, verify_lines(path), generated_at,
                 signoff_fingerprints(path))


CASELOAD_COLUMNS = (
    "path", "learner", "standard", "ready", "rag", "gateway_date", "criteria_full", "criteria_required",
    "missing", "otj_logged", "otj_target", "otj_state", "reviews_overdue", "next_review_due",
    "next_milestone", "next_milestone_date", "predicted_grade", "open_items", "error",
)
"""The caseload's columns, for ``gateway FOLDER --csv`` and the caseload page (a public interface)."""


@dataclass(frozen=True)
class CaseloadRow:
    path: Path
    cells: dict[str, str]
    """One text per :data:`CASELOAD_COLUMNS` name."""

    @property
    def readable(self) -> bool:
        return not self.cells["error"]

    def values(self) -> tuple[str, ...]:
        return tuple(self.cells[c] for c in CASELOAD_COLUMNS)


def caseload_row(path: Path, report: ReadinessReport | None, error: str = "") -> CaseloadRow:
    cells = dict.fromkeys(CASELOAD_COLUMNS, "")
    cells["path"] = str(path)
    if report is None:
        cells["error"] = error
        return CaseloadRow(path, cells)
    nxt = report.next_milestone
    cells.update(
        learner=report.learner,
        standard=report.standard_id,
        ready="yes" if report.ready else "no",
        rag=report.rag,
        gateway_date=_iso(report.gateway_date),
        criteria_full=str(report.coverage.full),
        criteria_required=str(report.coverage.total),
        missing=" ".join(report.missing),
        otj_logged=f"{report.otj.logged:g}",
        otj_target=_hours(report.otj.target),
        otj_state=report.otj.state,
        reviews_overdue=" ".join(map(_iso, report.reviews.overdue)),
        next_review_due=_iso(report.reviews.next_due),
        next_milestone=nxt.title if nxt else "",
        next_milestone_date=_iso(nxt.date) if nxt else "",
        predicted_grade=report.prediction.grade,
        open_items="; ".join(item.title for item in report.open_items),
    )
    return CaseloadRow(path, cells)


def caseload(targets: Iterable[Path], as_of: date | None = None) -> list[CaseloadRow]:
    """One row per portfolio this OS account may see among ``targets`` (files, or folders of them)."""
    from portfolio_tui.services import readiness
    from portfolio_tui.services.caseload import readable_portfolios

    paths = readable_portfolios(targets)
    checked = readiness.check_portfolios(paths, as_of or date.today())
    return [caseload_row(c.path, c.report, c.error) for c in checked]


def make_folder(folder: Path) -> None:
    """Make the folder a caseload report is written into (and any above it), as the app makes folders: the mode and
    group its parent's sharing gives, so a report in a cohort folder is the cohort's to read (``OSError``)."""
    from portfolio_tui.store import persistence

    persistence.make_folders(folder)


def save(path: Path, data: bytes) -> None:
    """Write a rendered pack or caseload page to ``path`` as the app writes every file (whole or not at
    all, the folder's file mode); :class:`InputError` on ``output`` says in one line why it cannot be."""
    from portfolio_tui.services.errors import InputError
    from portfolio_tui.store import persistence

    if path.is_dir():
        raise InputError("output", f"{path}: is a folder; name a file to write")
    try:
        persistence.write_atomically(path, data)
    except OSError as exc:
        raise InputError("output", f"{path}: cannot be written ({exc.strerror or exc})") from None
