"""Domain dataclasses to and from the JSON records on disk, and the type check every record passes.

One table per record class. A record holds the dataclass's fields under the same names (dates as
ISO strings, tuples as lists) plus the store's bookkeeping (``rev``, ``created_*``, ``updated_*``).
The id is the TinyDB document id, not a field. Progress records show who recorded them as
``recorded_by``/``recorded_at``; on disk that is the record's ``created_by``/``created_at``.
"""

from __future__ import annotations

import math
import re
import sys
import types
from collections import deque, namedtuple
from collections.abc import Callable, Iterable
from datetime import date
from functools import cache, partial
from itertools import chain, compress, islice, repeat
from operator import is_not, itemgetter, methodcaller

from portfolio_tui.domain.comments import Comment
from portfolio_tui.domain.dates import EARLIEST_YEAR, LATEST_YEAR
from portfolio_tui.domain.evidence import Evidence, Judgement
from portfolio_tui.domain.frozen import MISSING, fields, frozen
from portfolio_tui.domain.learner import DecisionConfirmation, Learner
from portfolio_tui.domain.portfolio import KEPT, EvidenceOutline, judgement_outline
from portfolio_tui.domain.progress import (
    BreakInLearning,
    ChecklistRecord,
    Confirmation,
    GradeRecord,
    MilestoneDone,
    OtjEntry,
    PrerequisiteRecord,
    Review,
    SignOff,
)

TYPE_CHECKING = False  # (typing costs the gateway's start-up)
if TYPE_CHECKING:
    from typing import Any

RECORD_TABLES: dict[str, type] = {
    "evidence": Evidence,
    "reviews": Review,
    "otj": OtjEntry,
    "breaks": BreakInLearning,
    "prerequisites": PrerequisiteRecord,
    "checklist": ChecklistRecord,
    "milestones": MilestoneDone,
    "grades": GradeRecord,
    "signoffs": SignOff,
    "comments": Comment,
}
"""Table name -> record class; the order is the order of tables in a new file."""

PORTFOLIO_FIELDS: dict[str, str] = {name: name for name in RECORD_TABLES} | {"milestones": "milestones_done"}
"""Table name -> the :class:`~portfolio_tui.domain.portfolio.Portfolio` field that holds it."""

TABLES: tuple[str, ...] = ("meta", "learner", *RECORD_TABLES, "audit")
BOOKKEEPING: tuple[str, ...] = ("rev", "created_by", "created_at", "updated_by", "updated_at")
_RENAMED = {"recorded_by": "created_by", "recorded_at": "created_at"}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_EARLIEST, _LATEST = f"{EARLIEST_YEAR}-01-01", f"{LATEST_YEAR}-12-31"
"""A stored date's bounds, compared as text (ISO dates sort as text): see ``domain.dates.EARLIEST_YEAR``."""


@frozen
class AuditEntry:
    """One line of a portfolio's history: who did what to which record, and when."""

    id: int
    at: str
    by: str
    action: str
    table: str
    record: int | None
    detail: str = ""
    changes: dict[str, Any] | None = None


class _Kind(namedtuple("_Kind", "check types refine load load_column", defaults=(None, None, None))):
    """How one annotated type is checked and loaded.

    ``check`` says what is wrong (or None), for any value. The quick path only uses ``types`` (the
    exact Python types a good value has once parsed from JSON) and ``refine``, for the few kinds whose
    type alone does not settle it: given a whole column of values whose types are already known to be
    among ``types``, is every one good? The quick path may refuse what ``check`` accepts, never the
    other way round, so whatever it refuses goes to ``check`` for the message. ``load`` is None when
    the JSON value is already the field's value. (Named tuples from ``collections``, not ``typing``: the
    gateway starts without ``typing``.)
    """

    __slots__ = ()
    check: Callable[[Any], str | None]
    types: frozenset[type]
    refine: Callable[[Iterable[Any]], bool] | None
    load: Callable[[Any], Any] | None
    load_column: Callable[[Iterable[Any]], Iterable[Any]] | None
    """``load`` for a whole column at once, where that is quicker than value by value."""


class _Field(namedtuple("_Field", "name key required kind")):
    __slots__ = ()
    name: str
    key: str
    required: bool
    kind: _Kind


def _is_date_text(value: Any) -> bool:
    if not isinstance(value, str) or not _ISO_DATE.match(value) or not _EARLIEST <= value <= _LATEST:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_finite_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float)) and _finite_numbers((value,))


def _finite_numbers(column: Iterable[float]) -> bool:
    try:
        return all(map(math.isfinite, column))
    except OverflowError:  # an integer too large for a float
        return False


class _Days(dict[str, date]):
    """Each day's text that passed the date check, and its date, kept for the process: a caseload's files
    hold the same few hundred days, so each is checked and made once, not once a file (the check and the
    outline's dates were a fifth of the gateway's type checks), and its files' records share the date objects.
    Only a checked text is looked up (``_Kind.load_column``); one met first there is made as it is found."""

    def __missing__(self, text: str) -> date:
        if len(self) >= DAYS_KEPT:  # (a file of made-up days, by the thousand)
            self.clear()
        made = self[text] = date.fromisoformat(text)
        return made


DAYS_KEPT = 4096
"""The most days :data:`_DAYS` holds (eleven years of them), so a hostile file cannot grow it without end."""
_DAYS = _Days()


def _dates(column: Iterable[str]) -> bool:
    # A portfolio has thousands of records but only hundreds of distinct days: check each day once, in C, and
    # then only the days no file read before held.
    days = set(column)
    if _DAYS.keys() >= days:
        return True
    if not all(map(_ISO_DATE.match, days)) or not (_EARLIEST <= min(days) and max(days) <= _LATEST):
        return False
    try:
        all(map(_DAYS.__getitem__, days))
    except ValueError:
        return False
    return True


_day_column = partial(map, _DAYS.__getitem__)


def _texts(column: Iterable[list[Any]]) -> bool:
    return set(map(type, chain.from_iterable(column))) <= {str}


_JUDGEMENT_KEYS = tuple(f.name for f in fields(Judgement) if f.default is MISSING)
_judgement_values = itemgetter(*_JUDGEMENT_KEYS)
_JUDGEMENT_OPTIONAL = "criterion"
"""Written only for a judgement of one criterion, so whole-piece judgements stay as they always were."""


def _judgements(column: Iterable[list[Any]]) -> bool:
    try:
        judgements = list(chain.from_iterable(column))
        found = map(_judgement_values, judgements)
        return set(map(type, chain.from_iterable(found))) <= {str} and all(
            type(j.get(_JUDGEMENT_OPTIONAL, "")) is str for j in judgements)
    except (KeyError, TypeError, AttributeError):  # a judgement that is not an object, or lacks a field
        return False


def _maker(cls: type) -> Callable[..., list[Any]]:
    """A builder of many instances of the frozen dataclass ``cls`` at once, from one column per field, in order.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``, which is most of
    the cost of reading a file of thousands of records. The object it builds is a plain instance whose
    ``__dict__`` holds the fields, so filling that dict from the field names and values builds an equal
    object (same ``==``, hash, repr and pickling). All of it runs in C, through ``map``: making the bare
    instances, then filling each one's dict, with no Python call per record. That holds only for a class
    with no ``__post_init__``, no ``__slots__`` and every field in ``__init__``; any other is built by
    calling it.
    """
    if not _plain(cls):
        return lambda *columns: list(map(cls, *columns))
    names = tuple(f.name for f in fields(cls))
    new = object.__new__

    def make_all(*columns: Iterable[Any]) -> list[Any]:
        rows = list(zip(*columns, strict=True))  # callers give every field
        made: list[Any] = list(map(new, repeat(cls, len(rows))))
        deque(map(dict.update, map(vars, made), map(zip, repeat(names), rows)), maxlen=0)
        return made

    return make_all


def _plain(cls: type) -> bool:
    """Is an instance of ``cls`` no more than its ``__dict__`` of fields (see :func:`_maker`)?"""
    return not (hasattr(cls, "__post_init__") or "__slots__" in cls.__dict__ or not all(f.init for f in fields(cls)))


def _adopt(cls: type, dicts: list[dict[str, Any]]) -> list[Any]:
    """Instances of ``cls`` (one :func:`_maker` accepts) whose ``__dict__`` is each of ``dicts``, which must
    hold exactly the fields, by name: cheaper than filling a new dict when a copy of the record is one."""
    made: list[Any] = list(map(_new, repeat(cls, len(dicts))))
    deque(map(_set_attribute, made, repeat("__dict__"), dicts), maxlen=0)
    return made


_new = object.__new__
_set_attribute = object.__setattr__
_make_judgements = _maker(Judgement)
_criterion_of = methodcaller("get", _JUDGEMENT_OPTIONAL, "")
_JUDGEMENT_FIELDS = len(fields(Judgement))


def _judgement_column(column: Iterable[list[dict[str, str]]]) -> list[tuple[Judgement, ...]]:
    """Each checked record's judgements as a tuple, for a whole column of records: one batch, then split."""
    column = list(column)
    judgements = list(chain.from_iterable(column))
    if not judgements:
        return [()] * len(column)
    copies = list(map(dict.copy, judgements))
    deque(map(dict.setdefault, copies, repeat(_JUDGEMENT_OPTIONAL), repeat("")), maxlen=0)
    if set(map(len, copies)) == {_JUDGEMENT_FIELDS}:  # nothing but the fields: the copies become the objects
        made = iter(_adopt(Judgement, copies))
    else:
        values = zip(*map(_judgement_values, judgements), strict=True)
        made = iter(_make_judgements(*values, map(_criterion_of, judgements)))
    return list(map(tuple, map(islice, repeat(made), map(len, column))))


_TEXT_RECORDS = (Confirmation, DecisionConfirmation)
"""Records kept inside a field as a list of objects whose every field is text (each party's confirmation of a
review, the employer's confirmations of its decisions)."""


def _text_records_kind(cls: type) -> _Kind:
    """A list of ``cls`` (every field text) kept in one field: checked, and loaded as a tuple of ``cls``."""
    keys = tuple(f.name for f in fields(cls))
    values = itemgetter(*keys)
    expected = f"expected a list of confirmations, each with {', '.join(keys[:-1])} and {keys[-1]} as text"

    def check(value: Any) -> str | None:
        ok = isinstance(value, list) and all(
            isinstance(c, dict) and all(isinstance(c.get(k), str) for k in keys) for c in value)
        return None if ok else expected

    return _Kind(check, frozenset({list}), lambda column: all(check(value) is None for value in column),
                 lambda value: tuple(cls(*values(c)) for c in value))


def _load_judgements(value: list[dict[str, str]]) -> tuple[Judgement, ...]:
    return _judgement_column([value])[0] if value else ()


_given = partial(is_not, None)


def _optional(kind: _Kind) -> _Kind:
    check, refine, load = kind.check, kind.refine, kind.load
    return _Kind(
        lambda v: None if v is None else check(v),
        kind.types | {type(None)},
        None if refine is None else (lambda column: refine(filter(_given, column))),
        None if load is None else (lambda v: None if v is None else load(v)),
    )


def _kind_of(hint: Any) -> _Kind:
    """How to check and load one annotated field."""
    origin, args = _origin_and_args(hint)
    if origin is _UNION and type(None) in args:
        return _optional(_kind_of(next(a for a in args if a is not type(None))))
    if hint is date:
        return _Kind(
            lambda v: None if _is_date_text(v) else f"expected a date as YYYY-MM-DD, {EARLIEST_YEAR} to {LATEST_YEAR}",
            frozenset({str}), _dates, date.fromisoformat, _day_column,
        )
    if hint is bool:
        return _Kind(lambda v: None if isinstance(v, bool) else "expected true or false", frozenset({bool}))
    if hint is int:
        return _Kind(
            lambda v: None if isinstance(v, int) and not isinstance(v, bool) else "expected a whole number",
            frozenset({int}),
        )
    if hint is float:
        return _Kind(
            lambda v: None if _is_finite_number(v) else "expected a number",
            frozenset({int, float}), _finite_numbers, float,
        )
    if hint is str:
        return _Kind(lambda v: None if isinstance(v, str) else "expected text", frozenset({str}))
    if origin is tuple and args[0] is str:
        return _Kind(
            lambda v: None if isinstance(v, list) and all(isinstance(i, str) for i in v) else "expected a list of text",
            frozenset({list}), _texts, tuple,
        )
    if origin is tuple and args[0] is Judgement:
        def check_judgements(v: Any) -> str | None:
            ok = isinstance(v, list) and all(
                isinstance(j, dict) and all(isinstance(j.get(k), str) for k in _JUDGEMENT_KEYS)
                and isinstance(j.get(_JUDGEMENT_OPTIONAL, ""), str) for j in v
            )
            return None if ok else "expected a list of judgements, each with outcome, feedback, by and at as text"

        return _Kind(check_judgements, frozenset({list}), _judgements, _load_judgements, _judgement_column)
    if origin is tuple and args[0] in _TEXT_RECORDS:
        return _text_records_kind(args[0])
    if origin is dict:
        return _Kind(lambda v: None if isinstance(v, dict) else "expected an object", frozenset({dict}), load=dict)
    raise TypeError(f"no record mapping for {hint!r}")


@cache
def _plan(cls: type) -> tuple[_Field, ...]:
    plan = []
    for f in fields(cls):
        if f.name == "id":
            continue
        required = f.default is MISSING and f.default_factory is MISSING
        plan.append(_Field(f.name, _RENAMED.get(f.name, f.name), required, _kind_of(hint_of(cls, f.name))))
    return tuple(plan)


_HINTS: dict[tuple[str, str], Any] = {}


def hint_of(cls: type, name: str) -> Any:
    """The type the field ``name`` of ``cls`` is annotated with, as ``typing.get_type_hints(cls)[name]`` gives it:
    the annotation's text evaluated in the module of the class that declares it. Each text once per module, not
    once per class (get_type_hints compiles each anew: some 35 compiles on the way to a first gateway run)."""
    for klass in cls.__mro__:
        text = klass.__dict__.get("__annotations__", {}).get(name, MISSING)
        if text is not MISSING:
            break
    else:
        raise KeyError(name)
    if not isinstance(text, str):
        return type(None) if text is None else text
    key = (klass.__module__, text)
    hint = _HINTS.get(key, MISSING)
    if hint is MISSING:
        try:
            hint = eval(text, vars(sys.modules[klass.__module__]))  # noqa: S307 - the class's own annotation
        except NameError:  # a name of the class's own namespace, or one imported for the type checker only
            return _hint_in_class(klass, text)
        _HINTS[key] = hint = type(None) if hint is None else hint
    return hint


_UNION = object()
"""The origin :func:`_origin_and_args` gives a union, of either spelling (``X | None``, ``Optional[X]``)."""


def _origin_and_args(hint: Any) -> tuple[Any, tuple[Any, ...]]:
    """``typing.get_origin(hint)`` and ``typing.get_args(hint)`` for the annotations records have (builtin
    generics, unions), a union's origin given as :data:`_UNION`; without importing ``typing``, which costs the
    gateway's start-up (a ``typing`` union can only exist once something has imported it)."""
    typing = sys.modules.get("typing")
    if isinstance(hint, types.UnionType) or (typing is not None and getattr(hint, "__origin__", None) is typing.Union):
        return _UNION, hint.__args__
    return getattr(hint, "__origin__", None), getattr(hint, "__args__", ())


def _hint_in_class(klass: type, text: str) -> Any:
    """An annotation's text evaluated as ``typing.get_type_hints(klass)`` does (in the class's namespace, then its
    module's), with ``Any`` as typing's where the module imports it for the type checker only."""
    import typing

    return eval(text, {"Any": typing.Any, **vars(klass)}, vars(sys.modules[klass.__module__]))  # noqa: S307


_BOOKKEEPING_KINDS = {
    "rev": _Kind(
        lambda v: None if isinstance(v, int) and not isinstance(v, bool) and v >= 1 else "expected a revision >= 1",
        frozenset({int}), lambda column: min(column, default=1) >= 1,
    ),
    **{k: _Kind(lambda v: None if isinstance(v, str) else "expected text", frozenset({str})) for k in BOOKKEEPING[1:]},
}


class _Layout(namedtuple("_Layout", "values field_values types refine loads has_id make bookkeeping_only cls adopt")):
    """A record class read the quick way: a whole table at once, column by column, in C where it can be.

    It serves records that hold every field, as the store writes them. ``values`` picks the fields in
    the dataclass's order, then the bookkeeping the class has no field for (both are checked);
    ``field_values`` picks only the fields. One C call either returns them all or raises ``KeyError``
    (``TypeError`` for a record that is not an object), and then the records go the slow way, field
    by field, which also finds the words for what is wrong.
    """

    __slots__ = ()
    values: Callable[[dict[str, Any]], tuple[Any, ...]]
    field_values: Callable[[dict[str, Any]], tuple[Any, ...]]
    types: tuple[frozenset[type], ...]
    refine: tuple[tuple[int, Callable[[Iterable[Any]], bool]], ...]
    loads: tuple[tuple[int, Callable[[Iterable[Any]], Iterable[Any]]], ...]
    """(field index, the field's values as on disk -> as the dataclass holds them), for a whole column."""
    has_id: bool
    make: Callable[..., list[Any]]
    """Builds the instances from one column per field (see :func:`_maker`)."""
    bookkeeping_only: int
    """How many of ``values``, at the end, are bookkeeping the class has no field for."""
    cls: type
    adopt: tuple[str, ...] | None
    """The record's keys, when they are the class's fields by name (the id aside) and it has no others:
    then a record holding just those keys is copied to become its object's ``__dict__`` (:func:`_adopt`)."""

    def valid(self, records: Iterable[Any]) -> bool:
        """True only if :func:`check_record` finds nothing wrong with any of ``records`` (False may still be fine)."""
        return self.checked_columns(records) is not None

    def checked_columns(self, records: Iterable[Any]) -> list[tuple[Any, ...]] | None:
        """The records' values column by column (``values``' order), if :meth:`valid`; else None.

        A reader that will build the objects too passes them to :meth:`build_checked`, so each record's
        values are picked out once, not once to check and again to build.
        """
        try:
            rows = list(map(self.values, records))
        except (KeyError, TypeError):
            return None
        if not rows:
            return []
        columns = list(zip(*rows, strict=True))
        if all(set(map(type, column)) <= ok for column, ok in zip(columns, self.types, strict=True)) and all(
            test(columns[i]) for i, test in self.refine
        ):
            return columns
        return None

    def build(self, ids: list[int], records: list[dict[str, Any]]) -> list[Any]:
        """The dataclasses for checked records that hold every field; raises ``KeyError`` if one lacks a field."""
        if not records:
            return []
        return self._objects(ids, list(zip(*map(self.field_values, records), strict=True)))

    def build_checked(self, ids: list[int], records: list[dict[str, Any]], columns: list[tuple[Any, ...]]) -> list[Any]:
        """The dataclasses for ``records``, whose :meth:`checked_columns` these are."""
        if not columns:
            return []
        keys = self.adopt
        if keys is None or set(map(len, records)) != {len(keys)}:
            return self._objects(ids, columns[: len(self.types) - self.bookkeeping_only])
        copies = list(map(dict.copy, records))  # each holds exactly the fields, checked: only loads to apply
        for i, load in self.loads:
            deque(map(dict.__setitem__, copies, repeat(keys[i]), load(columns[i])), maxlen=0)
        if self.has_id:
            deque(map(dict.__setitem__, copies, repeat("id"), ids), maxlen=0)
        return _adopt(self.cls, copies)

    def _objects(self, ids: list[int], field_columns: list[Any]) -> list[Any]:
        columns: list[Iterable[Any]] = list(field_columns)
        for i, load in self.loads:
            columns[i] = load(columns[i])
        return self.make(ids, *columns) if self.has_id else self.make(*columns)


def evidence_outlines(
    layout: _Layout, ids: list[int], records: list[dict[str, Any]], columns: list[tuple[Any, ...]]
) -> list[EvidenceOutline]:
    """The :class:`EvidenceOutline` of checked evidence records (a :data:`Builder`), column by column in C.

    Values many pieces share are held once: each day's date, each kind, each set of tags, each
    judgement (an outcome on a criterion, :func:`judgement_outline`). ``layout`` is evidence's.
    """
    at = _EVIDENCE_AT
    made: list[Any] = list(map(_new, repeat(EvidenceOutline, len(ids))))
    shared: dict[Any, Any] = {}
    tags = list(map(tuple, columns[at["criteria"]]))
    given = columns[at["judgements"]]
    if len(_JUDGED) > 4096:  # (outcomes on criteria a hostile file made up, by the thousand)
        _JUDGED.clear()
        _JUDGED_ALONE.clear()
    if len(_KINDS) > 4096:  # (kinds likewise)
        _KINDS.clear()
    kinds = columns[at["kind"]]
    values: dict[str, Iterable[Any]] = {
        "id": ids,
        "date": _day_column(columns[at["date"]]),
        "kind": map(_KINDS.setdefault, kinds, kinds),
        "criteria": map(shared.setdefault, tags, tags),
        "simulated": columns[at["simulated"]],
        "deleted": columns[at["deleted"]],
        "judgements": _judgement_outlines(given),
        "rev": columns[at["rev"]],
    }
    for name, slot in _OUTLINE_SLOTS.items():
        deque(map(slot.__set__, made, values[name]), maxlen=0)
    return made


def checked_evidence_outlines(records: dict[str, Any]) -> list[EvidenceOutline] | None:
    """The :class:`EvidenceOutline` of evidence records (id -> record, the ids already checked), each checked
    and outlined in one pass; or None, and then :func:`check_tables` decides, column by column, in words.

    It checks what :meth:`_Layout.checked_columns` checks of evidence (:data:`_EVIDENCE_KEYS`, each of its type,
    bookkeeping included; days, tags, hours, judgements and the revision as their kinds refine them) and may
    send to it what it would pass, never pass what it refuses (``tests/unit/test_record_fast_path.py``); and it
    makes what :func:`evidence_outlines` makes. One pass with each field's type tested where it is picked out,
    rather than fifteen columns made and their types gathered, and the outline made as the record is read: a
    gateway's check and outline of a piece took 3.0 us where it took 4.3 (in process, one core).
    """
    if not _ONE_PASS:
        return None
    made: list[Any] = []
    append = made.append
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    kept_day, judged, judged_alone, kinds = _DAYS.get, _JUDGED, _JUDGED_ALONE, _KINDS
    if len(judged) > 4096:  # (as evidence_outlines)
        judged.clear()
        judged_alone.clear()
    if len(kinds) > 4096:
        kinds.clear()
    set_id, set_date, set_kind, set_criteria, set_simulated, set_deleted, set_judgements, set_rev = _ONE_PASS
    join, new, outline_class = "".join, _new, EvidenceOutline
    for record_id, record in records.items():
        try:
            (title, day, kind, criteria, description, hours, files, simulated, deleted, judgements, rev,
             created_by, created_at, updated_by, updated_at) = _evidence_values(record)
        except (KeyError, TypeError):
            return None
        if (type(title) is not str or type(day) is not str or type(kind) is not str or type(criteria) is not list
                or type(description) is not str or type(files) is not list or type(simulated) is not bool
                or type(deleted) is not bool or type(judgements) is not list or type(rev) is not int or rev < 1
                or type(created_by) is not str or type(created_at) is not str or type(updated_by) is not str
                or type(updated_at) is not str):
            return None
        if hours is not None:
            if type(hours) is not float and type(hours) is not int:
                return None
            try:
                if not math.isfinite(hours):
                    return None
            except OverflowError:  # (an integer too large for a float)
                return None
        date_of = kept_day(day)
        if date_of is None:
            if not _dates((day,)):
                return None
            date_of = _DAYS[day]
        try:  # (each tag and file is text: joining them says so, in C)
            join(criteria)
            join(files)
        except TypeError:
            return None
        if judgements:
            outlines = []
            for judgement in judgements:
                if type(judgement) is not dict:
                    return None
                try:
                    outcome, feedback, by, at = _judgement_values(judgement)
                except KeyError:
                    return None
                criterion = judgement.get(_JUDGEMENT_OPTIONAL, "")
                if (type(outcome) is not str or type(feedback) is not str or type(by) is not str or type(at) is not str
                        or type(criterion) is not str):
                    return None
                outlines.append((outcome, criterion))
            held = judged_alone[outlines[0]] if len(outlines) == 1 else tuple(map(judged.__getitem__, outlines))
        else:
            held = ()
        piece = new(outline_class)
        set_id(piece, int(record_id))
        set_date(piece, date_of)
        set_kind(piece, kinds.setdefault(kind, kind))
        tags = tuple(criteria)
        set_criteria(piece, shared.setdefault(tags, tags))
        set_simulated(piece, simulated)
        set_deleted(piece, deleted)
        set_judgements(piece, held)
        set_rev(piece, rev)
        append(piece)
    return made


def _judgement_outlines(given: tuple[list[dict[str, str]], ...]) -> list[tuple[Judgement, ...]]:
    """Each checked piece's judgements (``given``, a column) as a tuple of outlines. Nearly every piece holds
    none or one: then each one-judgement tuple is made once (:data:`_JUDGED_ALONE`) and put in its place,
    rather than a tuple cut from the column's judgements for every piece."""
    lengths = list(map(len, given))
    flat = list(chain.from_iterable(given))
    keys = zip(map(_OUTCOME, flat), map(_criterion_of, flat), strict=True)
    if max(lengths, default=0) > 1:
        outlines = map(_JUDGED.__getitem__, keys)
        return list(map(tuple, map(islice, repeat(outlines), lengths)))
    found: list[tuple[Judgement, ...]] = [()] * len(lengths)
    deque(map(found.__setitem__, compress(range(len(lengths)), lengths), map(_JUDGED_ALONE.__getitem__, keys)),
          maxlen=0)
    return found


class _Judged(dict[tuple[str, str], Judgement]):
    """(outcome, criterion) -> its :func:`judgement_outline`, made once (a judgement is immutable)."""

    def __missing__(self, key: tuple[str, str]) -> Judgement:
        made = self[key] = judgement_outline(*key)
        return made


class _JudgedAlone(dict[tuple[str, str], tuple[Judgement]]):
    """(outcome, criterion) -> a tuple of its one :data:`_JUDGED` outline: a piece's judgements when it holds one."""

    def __missing__(self, key: tuple[str, str]) -> tuple[Judgement]:
        made = self[key] = (_JUDGED[key],)
        return made


_JUDGED = _Judged()
_JUDGED_ALONE = _JudgedAlone()
_KINDS: dict[str, str] = {}
"""Each kind of evidence met, held once for every file read: not ``sys.intern``, since an interned text
that every holder has let go is dropped from the interpreter's table and, met again in the next file,
added again, and each addition takes a place in that table that is only given back when it grows
(a caseload of hundreds of files grew it by 0.4 MB)."""
_OUTCOME = itemgetter("outcome")
_OUTLINE_SLOTS: dict[str, Any] = {name: EvidenceOutline.__dict__[name] for name in KEPT}


def _getter(keys: list[str]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """``record -> (record[k] for k in keys)`` as a tuple, in C (``itemgetter`` of one key returns no tuple)."""
    if len(keys) == 1:
        key = keys[0]
        return lambda record: (record[key],)
    return itemgetter(*keys)


@cache
def _layout(cls: type) -> _Layout:
    plan = _plan(cls)
    names = [f.name for f in fields(cls)]
    has_id = "id" in names
    if has_id and names[0] != "id":
        raise TypeError(f"{cls.__name__}: the id must be the first field")
    kinds: dict[str, list[Any]] = {f.key: [f.kind] for f in plan}
    extra = [k for k in _BOOKKEEPING_KINDS if k not in kinds]
    for key, kind in _BOOKKEEPING_KINDS.items():
        kinds.setdefault(key, []).append(kind)
    keys = [f.key for f in plan] + extra
    refine: list[tuple[int, Any]] = []
    for i, key in enumerate(keys):
        refine.extend((i, kind.refine) for kind in kinds[key] if kind.refine is not None)
    return _Layout(
        values=_getter(keys),
        field_values=_getter([f.key for f in plan]),
        types=tuple(frozenset.intersection(*(kind.types for kind in kinds[key])) for key in keys),
        refine=tuple(refine),
        loads=tuple(
            (i, f.kind.load_column or partial(map, f.kind.load)) for i, f in enumerate(plan) if f.kind.load is not None
        ),
        has_id=has_id,
        make=_maker(cls),
        bookkeeping_only=len(extra),
        cls=cls,
        adopt=tuple(f.key for f in plan) if _adoptable(cls, plan, extra) else None,
    )


def _adoptable(cls: type, plan: tuple[_Field, ...], extra: list[str]) -> bool:
    """Can a record of ``cls``, copied, become an instance's ``__dict__`` (see :func:`_adopt`)?"""
    return _plain(cls) and not extra and all(f.key == f.name for f in plan)


def check_record(cls: type, record: Any, path: str) -> list[tuple[str, str]]:
    """Every wrong or missing field in one record, as ``(json_path, message)``; unknown fields are kept."""
    if _layout(cls).valid((record,)):
        return []
    return _problems(cls, record, path)


def _problems(cls: type, record: Any, path: str) -> list[tuple[str, str]]:
    """:func:`check_record` field by field, in words: the slow way, for records the quick way refused."""
    if not isinstance(record, dict):
        return [(path, "expected an object")]
    problems = []
    for f in _plan(cls):
        if f.key not in record:
            if f.required:
                problems.append((path, f"missing required field '{f.key}'"))
            continue
        wrong = f.kind.check(record[f.key])
        if wrong:
            problems.append((f"{path}.{f.key}", wrong))
    for key, kind in _BOOKKEEPING_KINDS.items():
        if key in record and (wrong := kind.check(record[key])):
            problems.append((f"{path}.{key}", wrong))
    return problems


def from_record(cls: type, record_id: int, record: dict[str, Any]) -> Any:
    """The dataclass for a checked record (see :func:`check_record`)."""
    return from_records(cls, [record_id], [record])[0]


def from_records(cls: type, ids: list[int], records: list[dict[str, Any]]) -> list[Any]:
    """The dataclasses for checked records, built together (much faster than one by one)."""
    try:
        return _layout(cls).build(ids, records)
    except KeyError:
        return [_from_record_by_field(cls, record_id, record) for record_id, record in zip(ids, records, strict=True)]


def _from_record_by_field(cls: type, record_id: int, record: dict[str, Any]) -> Any:
    values = {}
    for f in _plan(cls):
        if f.key in record:
            load = f.kind.load
            values[f.name] = record[f.key] if load is None else load(record[f.key])
    if any(f.name == "id" for f in fields(cls)):
        values["id"] = record_id
    return cls(**values)


def to_record(obj: Any) -> dict[str, Any]:
    """The JSON record for a dataclass (without the id and the store's bookkeeping)."""
    record: dict[str, Any] = {}
    cls: type = type(obj)
    for f in _plan(cls):
        if f.key in BOOKKEEPING:
            continue
        record[f.key] = to_json(getattr(obj, f.name))
    return record


def to_json(value: Any) -> Any:
    """Dates as ISO text, tuples as lists, dataclasses (judgements) as objects."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [to_json(v) for v in value]
    if isinstance(value, _TEXT_RECORDS):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    if isinstance(value, Judgement):
        record = {k: getattr(value, k) for k in _JUDGEMENT_KEYS}
        if value.criterion:
            record[_JUDGEMENT_OPTIONAL] = value.criterion
        return record
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return value


def audit_from_record(record_id: int, record: dict[str, Any]) -> AuditEntry:
    return AuditEntry(
        id=record_id,
        at=record.get("at", ""),
        by=record.get("by", ""),
        action=record.get("action", ""),
        table=record.get("table", ""),
        record=record.get("record"),
        detail=record.get("detail", ""),
        changes=record.get("changes"),
    )


_audit_values = itemgetter("at", "by", "action", "table", "record")


def _audit_valid(entries: Iterable[Any]) -> bool:
    """The quick path of :func:`_check_audit`: True only if it finds nothing wrong with any of ``entries``. Entry by
    entry, each field's type tested as it is picked out (five columns made and their types gathered took half as
    long again: a gateway run checks 100,000 entries)."""
    for entry in entries:
        try:
            at, by, action, table, record = _audit_values(entry)
        except (KeyError, TypeError):
            return False
        if (type(at) is not str or type(by) is not str or type(action) is not str or type(table) is not str
                or (record is not None and type(record) is not int)):
            return False
    return True


def _check_audit(record: Any, path: str) -> list[tuple[str, str]]:
    if not isinstance(record, dict):
        return [(path, "expected an object")]
    problems = []
    for key in ("at", "by", "action", "table"):
        if not isinstance(record.get(key), str):
            problems.append((f"{path}.{key}", "expected text"))
    rec = record.get("record")
    if rec is not None and (not isinstance(rec, int) or isinstance(rec, bool)):
        problems.append((f"{path}.record", "expected a record id or null"))
    return problems


def check_document(doc: dict[str, dict[str, Any]], built: dict[str, list[Any]] | None = None) -> list[tuple[str, str]]:
    """Every type problem in a current-version document whose shape (tables of objects) is already known good.

    Given ``built``, it also fills it with the domain objects of each record table whose records all
    passed the quick way (table -> objects, in the table's order), built from the columns just checked.
    """
    problems = check_learner(doc.get("learner"))
    problems.extend(check_tables(doc, built))
    return problems


def check_learner(learners: dict[str, Any] | None) -> list[tuple[str, str]]:
    """The learner table's problems: exactly one learner, with id 1, of the right types."""
    if learners is None or list(learners) != ["1"]:
        return [("$.learner", "expected exactly one learner, with id 1")]
    return check_record(Learner, learners["1"], "$.learner.1")


if TYPE_CHECKING:
    Builder = Callable[["_Layout", list[int], list[dict[str, Any]], list[tuple[Any, ...]]], list[Any]]
    """Builds the objects of checked records from their columns, as :meth:`_Layout.build_checked` does."""


def check_tables(
    doc: dict[str, dict[str, Any]], built: dict[str, list[Any]] | None = None,
    builders: dict[str, Builder] | None = None,
) -> list[tuple[str, str]]:
    """:func:`check_document` of every table but the learner's: the record tables and the audit.

    ``doc`` may hold only part of a table (a reader going through a file a batch of records at a
    time, ``store.outline``): each record is checked on its own, so the parts add up to the whole.
    ``builders``: table -> how its objects are built, where not as the whole records' dataclasses.
    """
    problems: list[tuple[str, str]] = []
    for table in [name for name in RECORD_TABLES if name in doc]:  # (in this order, whatever the file's)
        records, cls = doc[table], RECORD_TABLES[table]
        if not records:
            continue
        layout = _layout(cls)
        columns = layout.checked_columns(records.values())
        if columns is None:
            for key, record in records.items():
                problems.extend(check_record(cls, record, f"$.{table}.{key}"))  # quick again, record by record
        elif built is not None:
            build = builders.get(table, _Layout.build_checked) if builders else _Layout.build_checked
            built[table] = build(layout, list(map(int, records)), list(records.values()), columns)
    if "audit" in doc:
        problems.extend(check_audit(doc["audit"]))
    return problems


def check_audit(entries: dict[str, Any]) -> list[tuple[str, str]]:
    """Every type problem in audit entries (``id -> entry``)."""
    if _audit_valid(entries.values()):
        return []
    return [problem for key, record in entries.items() for problem in _check_audit(record, f"$.audit.{key}")]


_EVIDENCE_AT = {f.key: i for i, f in enumerate(_plan(Evidence))}
"""Evidence field -> its column in :meth:`_Layout.checked_columns`."""
_EVIDENCE_KEYS = ("title", "date", "kind", "criteria", "description", "hours", "files", "simulated", "deleted",
                  "judgements", "rev", "created_by", "created_at", "updated_by", "updated_at")
"""Evidence's fields on disk, bookkeeping included, as :func:`checked_evidence_outlines` checks them."""
_evidence_values = itemgetter(*_EVIDENCE_KEYS)


def _knows_evidence() -> bool:
    """Are evidence's fields, their kinds and a judgement's fields the ones :func:`checked_evidence_outlines`
    checks?"""
    text, truth, tags = frozenset({str}), frozenset({bool}), frozenset({list})
    hours = frozenset({int, float, type(None)})
    layout = _layout(Evidence)
    return (tuple(_EVIDENCE_AT) == _EVIDENCE_KEYS and layout.types == (
        text, text, text, tags, text, hours, tags, truth, truth, tags, frozenset({int}), text, text, text, text)
        and [(i, getattr(test, "__name__", "")) for i, test in layout.refine] == [
            (1, "_dates"), (3, "_texts"), (5, "<lambda>"), (6, "_texts"), (9, "_judgements"), (10, "<lambda>")]
        and _JUDGEMENT_KEYS == ("outcome", "feedback", "by", "at") and KEPT == (
            "id", "date", "kind", "criteria", "simulated", "deleted", "judgements", "rev"))

_ONE_PASS = tuple(_OUTLINE_SLOTS[name].__set__ for name in (
    "id", "date", "kind", "criteria", "simulated", "deleted", "judgements", "rev",
)) if _knows_evidence() else ()
"""How :func:`checked_evidence_outlines` sets an outline's fields; empty (it checks nothing, the column-by-column
check does) if evidence's fields are not the ones it knows: a field added to evidence is never left unchecked."""
