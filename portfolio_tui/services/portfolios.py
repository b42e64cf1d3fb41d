"""What a user can do to a portfolio, validated: the changes behind ``services.session.PortfolioSession``.

Every method that changes the portfolio first checks its input (raising :class:`InputError` naming
the field), then opens one short store transaction and, with the lock held, asks
:func:`access.authorize` once whether this process's OS account may (raising
:class:`~portfolio_tui.domain.roles.NotAllowed`, which says who may). So bad input never touches the
file, the lock is never held while a person types, and the decision is made against the file and
the roster as they are when the change is written. Checks that depend on the records as they are
now (is it removed? who has signed off? does a break overlap?) run inside the transaction too.

Time-dependent checks take ``as_of`` (default: today) so tests and callers can fix "today".
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, Self

from portfolio_tui import catalog
from portfolio_tui.domain import audit_chain, roles
from portfolio_tui.domain.evidence import ACCEPT, REFER, Evidence, reopening
from portfolio_tui.domain.learner import Learner
from portfolio_tui.domain.portfolio import Portfolio, changed_outside_text
from portfolio_tui.domain.standard import Standard
from portfolio_tui.services import attachments, record_fields
from portfolio_tui.services import validation as check
from portfolio_tui.services.access import (
    authorize,
    check_confirmations,
    check_employer_confirmations,
    record_actions,
)
from portfolio_tui.services.errors import InputError, StandardMissing
from portfolio_tui.store.errors import NotFound, breaks_schema
from portfolio_tui.store.portfolio_store import PortfolioStore
from portfolio_tui.store.reading import Snapshot
from portfolio_tui.store.records import AuditEntry, to_json, to_record
from portfolio_tui.store.transaction import Transaction

StateCheck = Callable[[Portfolio], None]
"""A check of a change against the portfolio as it is under the lock; raises to refuse the change."""

EDITABLE_EVIDENCE_FIELDS = ("title", "date", "kind", "criteria", "description", "hours", "files", "simulated")


def today(as_of: date | None = None) -> date:
    """The day a record is dated when the person gives none: ``as_of``, else today where the person is (the local
    date, as the forms offer it: at 00:30 in UTC+1 it is already tomorrow's date, not UTC's)."""
    return as_of or date.today()


def record_made(path: Path, genesis: str) -> None:
    """In a folder with a roster, record there that this account made the portfolio at ``path``, with the first
    audit entry whose hash is ``genesis``: ``verify`` then refuses a file put in its place (review F13). Every
    start is recorded, an import of a file from before signing included: an earlier record of the name would
    otherwise stand, and call the honest import ``replaced``."""
    from portfolio_tui import identity
    from portfolio_tui import roster as roster_io

    try:
        roster_io.record_portfolio(path.parent, identity.current_user(), path.name, genesis)
    except roster_io.RosterError as exc:
        raise roster_io.RosterError(f"{exc}; {path} was made, but the roster does not record it") from None


IMPORTED = "import"
"""The audit action of an import: the file's own record of where it came from (table ``meta``, no record changed)."""


def record_import(staged: Path, target: Path, source: str, digest: str) -> None:
    """Append to the staged copy of an import (checked, not yet placed at ``target``) the signed ``import`` entry:
    who imported it and when (the entry's own), from which file (``source``, its name) and that file's sha256, so
    an import is a change in the portfolio's history like any other, shown by ``history`` and checked by
    ``verify``. Asked of ``target``'s roster with the staged copy's lock held (only a tutor starts a portfolio in a
    cohort); a file from before signing is upgraded by this first change, its original kept beside it. It leaves
    no receipt (``PortfolioStore.receipts``): the same export imported again would be refused as cut short. It takes
    in the history it brings (``taken_in``, as a repair does: ``audit_chain.TAKING_IN``): that history was checked
    here, before the entry is written, by the roster it was made under, not by the one of ``target``'s folder. A
    history that begins unsigned (from before signing) is not: anyone could have written it, and only a tutor's
    repair, after checking it, takes it in."""
    store = PortfolioStore(staged)
    store.receipts = False
    with store.transaction() as tx:
        authorize(target, "portfolio.setup")
        entries = [e for _, e in audit_chain.ordered(tx.snapshot.doc.get("audit", {})) if isinstance(e, dict)]
        extra = {"source": source, "sha256": digest}
        if entries and audit_chain.SIG_FIELD in entries[0]:  # (unsigned history is a tutor's repair to take in)
            extra[audit_chain.TAKEN_IN] = audit_chain.history_digest(entries)
        tx.audit(IMPORTED, "meta", 1, f"imported from {source} (sha256 {digest})", extra=extra)


class PortfolioService:
    """One portfolio file; ``actor`` (the name the audit records) defaults to the OS account running
    this process. What may be changed is always decided by that OS account, whatever ``actor`` says."""

    def __init__(self, path: str | Path, actor: str | None = None, *, store: PortfolioStore | None = None):
        self.store = store or PortfolioStore(path, actor)
        self._standard: Standard | None = None
        self.store.criteria = self._known_criteria
        self.store.signers_check = self._signers_problem

    def _signers_problem(self, snap: Snapshot, ids: Sequence[str]) -> str | None:
        """Why no save may build on the file: the signer of one of the entries ``ids`` (those this account has not
        vouched for) was not allowed it (review F4)."""
        from portfolio_tui.services.signature_check import signers_problem

        return signers_problem(self.path, snap, ids)

    def _known_criteria(self) -> Collection[str] | None:
        """The standard's criterion ids, for the store's schema check (inside a transaction: no view check here,
        the change's own authorisation decides)."""
        try:
            return self._installed_standard().criteria
        except StandardMissing:
            return None

    def read_only_reason(self) -> str | None:
        """Why this portfolio is shown read-only (a hand edit that breaks the schema), or ``None``."""
        found = self.store.problems()
        return f"{self.path.name} {breaks_schema(found)}; shown read-only, changes are refused" if found else None

    def changed_outside_reason(self) -> str | None:
        """Why what this portfolio says is not to be believed (records changed outside the app, review F6), or
        ``None``: shown beside the evidence and the gateway until a tutor repairs the file."""
        changed = self.store.load().changed_outside
        return f"{self.path.name}: {changed_outside_text(changed)}" if changed else None

    @property
    def path(self) -> Path:
        return self.store.path

    @property
    def actor(self) -> str:
        return self.store.actor

    @classmethod
    def create(
        cls,
        path: str | Path,
        *,
        learner: str,
        standard: str,
        start: date | str,
        end: date | str,
        employer: str = "",
        line_manager: str = "",
        tutor: str = "",
        review_cadence: str = "3-months",
        actor: str | None = None,
        as_of: date | None = None,
    ) -> Self:
        """A new portfolio file for one apprentice; refuses a path that exists."""
        authorize(Path(path), "portfolio.setup")
        name = check.text("learner", learner, required=True)
        standard_id = check.text("standard", standard)
        if not standard_id:
            raise InputError("standard", "is required: pick one of `portfolio standards list`")
        try:
            found = catalog.get(standard_id)
        except catalog.StandardNotFound as exc:
            raise InputError("standard", str(exc)) from None
        start_date = check.start_date("start", start, as_of or date.today())
        end_date = check.planned_end("end", end, start_date, found)
        profile = Learner(
            name=name,
            standard_id=found.id,
            standard_version=found.version,
            start=start_date,
            planned_end=end_date,
            employer=check.text("employer", employer),
            line_manager=check.text("line_manager", line_manager),
            tutor=check.text("tutor", tutor),
            review_cadence=check.review_cadence(review_cadence),
        )
        store = PortfolioStore.create(path, profile, actor)
        record_made(store.path, store.genesis())
        service = cls(path, store=store)
        service._standard = found
        return service

    def load(self) -> Portfolio:
        return self.store.load()

    @property
    def learner(self) -> Learner:
        return self.store.learner()

    @property
    def standard(self) -> Standard:
        return self._installed_standard()

    def _installed_standard(self) -> Standard:
        """The installed standard this portfolio follows (looked up again if the learner's changes)."""
        standard_id = self.store.learner().standard_id
        if self._standard is None or self._standard.id != standard_id:
            try:
                self._standard = catalog.get(standard_id)
            except catalog.StandardNotFound:
                raise StandardMissing(standard_id) from None
        return self._standard

    def evidence(self, evidence_id: int) -> Evidence:
        return self.store.evidence(evidence_id)

    def past_date(self, field: str, value: date | str, as_of: date | None = None, *, why_not_later: str = "") -> date:
        """A date from the programme start to today (``as_of``); ``why_not_later`` ends the message for a later one."""
        today = as_of or date.today()
        start = self.store.learner().start
        return check.date_value(
            field, value,
            not_before=start, not_before_label=f"the programme start ({start.isoformat()})",
            not_after=today, not_after_label=f"today ({today.isoformat()}){why_not_later}",
        )

    def history(self, table: str | None = None, record: int | None = None) -> list[AuditEntry]:
        return self.store.audit(table, record)

    def add_evidence(
        self,
        *,
        title: str,
        date: date | str | None = None,
        kind: str,
        criteria: Iterable[str] | str = (),
        description: str = "",
        hours: float | str | None = None,
        files: Iterable[str] = (),
        simulated: bool = False,
        as_of: date | None = None,
    ) -> Evidence:
        """Record a new piece of evidence and return it (with its new id); dated today (``as_of``) unless ``date``
        says otherwise, as the form offers it."""
        standard = self.standard
        values = self._evidence_values(
            {"title": title, "date": today(as_of) if date is None else date, "kind": kind, "criteria": criteria,
             "description": description, "hours": hours, "files": files, "simulated": simulated},
            standard, as_of,
        )
        check.real_work("criteria", values["criteria"], standard, values["simulated"])
        pending = attachments.check(self.path, values["files"])
        values["files"] = pending.entries
        record = to_record(Evidence(id=0, **values))
        self._keep_files(pending, "evidence.add")
        with self.transaction("evidence.add") as tx:
            new_id = tx.insert("evidence", record, detail=f"added evidence '{values['title']}'")
            return tx.record_object("evidence", new_id)

    def _keep_files(self, pending: attachments.Pending, action: str) -> None:
        """Copy the files a change adds into the portfolio's store before its transaction, never with the lock
        held: a 50 MB file from a slow share kept everyone else's saves waiting (and failing after the lock's
        15 s). Asked first whether the account may make the change, so a refusal copies nothing; the transaction
        asks again under the lock, and a file kept for a change refused only then is named by nothing (the store
        is content-addressed: the next add of it finds it there)."""
        if pending.sources:
            authorize(self.path, action)
            attachments.keep(self.path, pending)

    def edit_evidence(
        self, evidence_id: int, expected_rev: int | None = None, *, as_of: date | None = None, **changes: Any
    ) -> Evidence:
        """Change some fields of a piece of evidence; a stale ``expected_rev`` is a conflict."""
        unknown = set(changes) - set(EDITABLE_EVIDENCE_FIELDS)
        if unknown:
            raise TypeError(f"evidence has no editable field(s) {', '.join(sorted(unknown))}")
        standard = self.standard
        values = self._evidence_values(changes, standard, as_of)
        pending = None
        if "files" in values:
            pending = attachments.check(self.path, values["files"], self.store.evidence(evidence_id).files)
            values["files"] = pending.entries
        if pending is not None:
            self._keep_files(pending, "evidence.edit")
        with self.transaction("evidence.edit") as tx:
            current = self._live(tx, evidence_id)
            merged = replace(current, **values)
            if "criteria" in values or "simulated" in values:
                check.real_work("criteria", merged.criteria, standard, merged.simulated)
            changed = {k: v for k, v in to_record(merged).items() if k in values}
            self._change_evidence(tx, current, changed, expected_rev, "edit", f"edited {', '.join(changed)}")
            return tx.record_object("evidence", evidence_id)

    def remove_evidence(self, evidence_id: int, expected_rev: int | None = None) -> Evidence:
        """Mark evidence removed; it stays in the file and :meth:`restore_evidence` brings it back."""
        with self.transaction("evidence.edit") as tx:
            current = self._live(tx, evidence_id)
            tx.update("evidence", evidence_id, {"deleted": True}, expected_rev, action="remove",
                      detail=f"removed evidence '{current.title}'")
            return tx.record_object("evidence", evidence_id)

    def restore_evidence(self, evidence_id: int, expected_rev: int | None = None) -> Evidence:
        with self.transaction("evidence.edit") as tx:
            current = tx.record_object("evidence", evidence_id)
            if not current.deleted:
                raise InputError("evidence", f"evidence {evidence_id} has not been removed")
            tx.update("evidence", evidence_id, {"deleted": False}, expected_rev, action="restore",
                      detail=f"restored evidence '{current.title}'")
            return tx.record_object("evidence", evidence_id)

    def tag(self, evidence_id: int, criterion_ids: Iterable[str] | str, expected_rev: int | None = None) -> Evidence:
        """Add criteria to a piece of evidence (those it already has are kept once)."""
        standard = self.standard
        adding = check.criteria("criteria", criterion_ids, standard)
        with self.transaction("evidence.edit") as tx:
            current = self._live(tx, evidence_id)
            merged = tuple(dict.fromkeys((*current.criteria, *adding)))
            check.real_work("criteria", merged, standard, current.simulated)
            self._change_evidence(tx, current, {"criteria": list(merged)}, expected_rev, "tag",
                                  f"tagged {', '.join(adding)}")
            return tx.record_object("evidence", evidence_id)

    def untag(self, evidence_id: int, criterion_ids: Iterable[str] | str, expected_rev: int | None = None) -> Evidence:
        standard = self.standard
        removing = check.criteria("criteria", criterion_ids, standard)
        with self.transaction("evidence.edit") as tx:
            current = self._live(tx, evidence_id)
            missing = [cid for cid in removing if cid not in current.criteria]
            if missing:
                raise InputError("criteria", f"evidence {evidence_id} is not tagged to {', '.join(missing)}")
            kept = [cid for cid in current.criteria if cid not in removing]
            self._change_evidence(tx, current, {"criteria": kept}, expected_rev, "untag",
                                  f"untagged {', '.join(removing)}")
            return tx.record_object("evidence", evidence_id)

    def assess(self, evidence_id: int, outcome: str, feedback: str, expected_rev: int | None = None) -> Evidence:
        """Record an assessor's judgement (accept or refer) with the OS account and the time."""
        return self.assess_criteria(evidence_id, {"": outcome}, feedback, expected_rev)

    def assess_criteria(
        self, evidence_id: int, outcomes: dict[str, str], feedback: str, expected_rev: int | None = None
    ) -> Evidence:
        """Judge a piece criterion by criterion (``{"K1": "accept", "S2": "refer"}``; ``""`` is the whole
        piece), one feedback for all, in one change. Every criterion judged must be one the piece is
        tagged to; when all are judged alike it is one judgement of the whole piece."""
        if not outcomes:
            raise InputError("outcome", "judge at least one criterion")
        checked = {cid: check.outcome(value) for cid, value in outcomes.items()}
        feedback = check.text("feedback", feedback, required=True, multiline=True)
        with self.transaction("evidence.assess") as tx:
            current = self._live(tx, evidence_id)
            unknown = [cid for cid in checked if cid and cid not in current.criteria]
            if unknown:
                raise InputError("criteria", f"evidence {evidence_id} is not tagged to {', '.join(unknown)}")
            if set(checked) == set(current.criteria) and len(set(checked.values())) == 1:
                checked = {"": next(iter(checked.values()))}
            judgements = tx.get("evidence", evidence_id).get("judgements", [])
            for cid, outcome in checked.items():
                judgement = {"outcome": outcome, "feedback": feedback, "by": tx.actor, "at": tx.now}
                judgements.append(judgement | ({"criterion": cid} if cid else {}))
            tx.update("evidence", evidence_id, {"judgements": judgements}, expected_rev, action="assess",
                      detail=f"{_judged(checked)} evidence '{current.title}'")
            return tx.record_object("evidence", evidence_id)

    # Generic record access for the other tables (reviews, otj, breaks, ...): services/records.py
    # builds its validated methods on these. Each asks who may (access.record_actions) once, inside
    # the lock, so neither the CLI nor the TUI can change a record the OS account may not; and a
    # check that depends on the file (``state_check``) sees it as it is then, not as it was read earlier.

    @contextmanager
    def transaction(self, *actions: str) -> Iterator[Transaction]:
        """A store transaction for a change that needs ``actions`` (at least one), checked once the lock is held."""
        if not actions:
            raise ValueError("name the action(s) the change needs, so that who may make it is checked")
        with self.store.transaction() as tx:
            for action in dict.fromkeys(actions):
                authorize(self.path, action)
            yield tx

    def programme(self, as_of: date | None = None) -> record_fields.Programme:
        """What a record's fields are checked against (``services.record_fields``): the start, today, the standard."""
        return record_fields.Programme(self.store.learner().start, as_of or date.today(), self._installed_standard)

    def add_record(
        self, table: str, fields: dict[str, Any], detail: str = "", *, state_check: StateCheck | None = None,
        as_of: date | None = None,
    ) -> int:
        """Add a record; a sign-off also waits for the ones before it (assessor, apprentice, employer).

        Every field is checked first (``services.record_fields``, :class:`InputError` naming it; ``as_of`` is
        today), so nothing a programme could not hold is written, whoever built the record. ``state_check``
        gets the portfolio as it is under the lock and raises (``InputError``) to refuse.
        """
        _not_evidence(table)
        fields = record_fields.checked(table, fields, self.programme(as_of))
        with self.store.transaction() as tx:
            self._authorize_change(tx, table, None, fields)
            if table == "signoffs":
                made = [tx.record_object("signoffs", i) for i, _ in tx.records("signoffs")]
                role = fields.get("role", "")
                if fields.get("withdrawal"):
                    decision = roles.check_withdrawal(made, role, tx.actor)
                else:
                    on = fields.get("on")
                    decision = roles.check_signoff(made, role, date.fromisoformat(on) if isinstance(on, str) else on)
                if not decision.allowed:
                    raise InputError("role", decision.reason)
            if table == "comments":
                self._commented(tx, fields["evidence"])
            if state_check is not None:
                state_check(self.store.load())
            return tx.insert(table, fields, detail)

    def update_record(
        self, table: str, record_id: int, changes: dict[str, Any], expected_rev: int | None = None, detail: str = "",
        *, state_check: StateCheck | None = None, as_of: date | None = None,
    ) -> dict[str, Any]:
        """Change fields of a record, each checked as :meth:`add_record` checks them, against the record as it is
        (a break's end against its start) once the lock is held."""
        _not_evidence(table)
        programme = self.programme(as_of)
        with self.store.transaction() as tx:
            before = tx.get(table, record_id)
            changes = record_fields.checked(table, changes, programme, before)
            self._authorize_change(tx, table, before, changes)
            if state_check is not None:
                state_check(self.store.load())
            return tx.update(table, record_id, changes, expected_rev, detail=detail)

    def delete_record(self, table: str, record_id: int, detail: str = "") -> dict[str, Any]:
        """Delete one record outright: only the file's owner without a roster (``record.remove``), and
        never evidence, whose removal is :meth:`remove_evidence` (the bin), so no piece is ever lost."""
        if table == "evidence":
            raise InputError("evidence", "evidence is never deleted: removing it puts it in the bin")
        with self.store.transaction() as tx:
            self._authorize_change(tx, table, tx.get(table, record_id), None)
            return tx.remove(table, record_id, detail)

    def _authorize_change(
        self, tx: Transaction, table: str, before: dict[str, Any] | None, changes: dict[str, Any] | None
    ) -> None:
        for action in sorted(record_actions(table, before, changes)):
            authorize(self.path, action)
        if table == "reviews":
            check_confirmations(self.path, before, changes, tx.actor, tx.now)
        elif table == "learner":
            check_employer_confirmations(before, changes, tx.actor, tx.now)

    def _evidence_values(self, given: dict[str, Any], standard: Standard, as_of: date | None) -> dict[str, Any]:
        """Validated evidence fields, for the keys present in ``given``."""
        values: dict[str, Any] = {}
        if "title" in given:
            values["title"] = check.text("title", given["title"], required=True)
        if "date" in given:
            values["date"] = self.past_date(
                "date", given["date"], as_of, why_not_later="; evidence cannot be dated in the future"
            )
        if "kind" in given:
            values["kind"] = check.evidence_kind(given["kind"])
        if "criteria" in given:
            values["criteria"] = check.criteria("criteria", given["criteria"] or (), standard)
        if "description" in given:
            values["description"] = check.text("description", given["description"], multiline=True)
        if "hours" in given:
            values["hours"] = check.hours("hours", given["hours"], one_day=True)
        if "files" in given:
            values["files"] = check.files("file", given["files"])
        if "simulated" in given:
            if not isinstance(given["simulated"], bool):
                raise InputError("simulated", "expected true or false")
            values["simulated"] = given["simulated"]
        return values

    @staticmethod
    def _change_evidence(
        tx: Transaction, current: Evidence, changes: dict[str, Any], expected_rev: int | None, action: str, detail: str
    ) -> None:
        """Write ``changes`` to a piece; one that was judged goes back to awaiting assessment if what was
        judged changed, so coverage only ever counts what a tutor accepted as the piece now stands, and referred
        work the apprentice improved is to assess again (a resubmission)."""
        stored = to_record(current)
        changed = [name for name, value in changes.items() if stored.get(name) != value]
        mark = reopening(current, changed, tx.actor, tx.now)
        if mark is not None:
            changes = {**changes, "judgements": [*stored["judgements"], to_json(mark)]}
            detail += "; awaiting assessment again" if current.accepted else "; resubmitted for assessment"
        tx.update("evidence", current.id, changes, expected_rev, action=action, detail=detail)

    @staticmethod
    def _commented(tx: Transaction, evidence_id: int) -> None:
        """A comment is on a piece of evidence that is there and not removed."""
        try:
            piece = tx.record_object("evidence", evidence_id)
        except NotFound:
            piece = None
        if piece is None or piece.deleted:
            raise InputError("evidence", f"no evidence {evidence_id} to comment on")

    @staticmethod
    def _live(tx: Transaction, evidence_id: int) -> Evidence:
        current = tx.record_object("evidence", evidence_id)
        if current.deleted:
            raise InputError("evidence", f"evidence {evidence_id} has been removed; restore it first")
        return current


def _not_evidence(table: str) -> None:
    """Evidence is added, edited and judged only through its own calls above, which keep its rules: a new
    piece carries no judgement, a judgement is the assessing account's own, made now, and a change to what
    was accepted sends it back for assessment. The generic record calls would skip all three (review R7:
    an apprentice's own signed entry added a piece already "accepted by" the tutor)."""
    if table == "evidence":
        raise roles.NotAllowed(roles.Decision(
            False, "evidence is added, changed and judged only through its own calls (add, edit, tag, "
                   "assess, remove, restore), which keep its rules"))


def _judged(outcomes: dict[str, str]) -> str:
    """``accepted``, or ``accepted K1, S2; referred S3 of`` for a judgement criterion by criterion (the
    history reads "accepted K1; referred S3 of evidence 'Call log'", one "of" for both)."""
    if set(outcomes) == {""}:
        return "accepted" if outcomes[""] == ACCEPT else "referred"
    parts = []
    for outcome, verb in ((ACCEPT, "accepted"), (REFER, "referred")):
        named = [cid for cid, value in outcomes.items() if value == outcome]
        if named:
            parts.append(f"{verb} {', '.join(named)}")
    return "; ".join(parts) + " of"
