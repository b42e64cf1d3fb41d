"""Standards and qualifications as plain data: a tree of groups holding criteria, and a plan.

A standard is read from JSON (see ``schemas/standard.schema.json``) by :func:`standard_from_dict`,
which checks what a schema cannot (unique ids, rule parameters that refer to real components)
and reports every problem with its JSON path, so a user's own file gets one line per mistake.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache, cached_property

from portfolio_tui.domain.frozen import field, frozen
from portfolio_tui.domain.months import Span

TYPE_CHECKING = False  # (typing costs the gateway's start-up)
if TYPE_CHECKING:
    from typing import Any

CRITERION_KINDS = ("knowledge", "skill", "behaviour", "value", "assessment-criterion")
GROUP_KINDS = ("unit", "learning-outcome", "ksb-area", "brief-standard", "epa-method", "area")
RULE_KINDS = (
    "criterion-assessment",
    "mark-sheet",
    "per-method-thresholds",
    "weighted-components",
    "combination-table",
    "none",
)
STANDARD_KINDS = ("apprenticeship-standard", "foundation-apprenticeship", "qualification")
METHOD_GRADES = ("fail", "pass", "merit", "distinction")
"""The grades an EPA method or the overall result can take, lowest first (``refer`` is recorded, not combined)."""
DESCRIPTOR_GRADES = ("pass", "merit", "distinction")
NOT_IMPORTED = "grading rules not imported"
"""How an imported standard's placeholder grading rule starts, until the assessment plan's rules are added."""
REAL_WORK_ONLY = "real-work-only"


@frozen
class Source:
    file: str
    section: str = ""
    title: str = ""


@frozen
class Criterion:
    """A leaf of the standard: the thing a piece of evidence is tagged to."""

    id: str
    text: str
    kind: str
    title: str = ""
    band: str | None = None
    flags: tuple[str, ...] = ()
    section: str = ""
    group_id: str = ""
    source_id: str = ""
    """The source's own identifier (the Skills England API's GUID), kept so a re-import can be matched."""
    context: tuple[str, ...] = ()
    """Text the source ties to this criterion beyond its own wording (its learning outcome's indicative content,
    the assessment task's guidance for it), verbatim: what suggestions match a piece against besides the text."""

    @property
    def real_work_only(self) -> bool:
        return REAL_WORK_ONLY in self.flags

    @property
    def required_for_gateway(self) -> bool:
        """Distinction criteria and optional ones raise a grade; they do not gate the EPA."""
        return self.band != "distinction" and "optional" not in self.flags

    @property
    def label(self) -> str:
        return self.title or self.text


@frozen
class Group:
    id: str
    title: str
    kind: str
    description: str = ""
    section: str = ""
    credits: float | None = None
    glh: float | None = None
    notes: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    criteria: tuple[Criterion, ...] = ()
    groups: tuple[Group, ...] = ()

    def all_criteria(self) -> Iterator[Criterion]:
        yield from self.criteria
        for child in self.groups:
            yield from child.all_criteria()


@frozen
class Prerequisite:
    key: str
    title: str
    kind: str
    note: str = ""


@frozen
class Descriptor:
    """A pass, merit or distinction descriptor of one EPA method: judged at the EPA, never a gateway item."""

    id: str
    grade: str
    text: str


@frozen
class Component:
    """An EPA component or assessment method."""

    id: str
    title: str
    description: str = ""
    weight: float | None = None
    grades: tuple[str, ...] = ()
    duration_hours: float | None = None
    note: str = ""
    descriptors: tuple[Descriptor, ...] = ()


@cache
def span(years: int = 0, months: int = 0, weeks: int = 0, days: int = 0) -> Span:
    """A span a plan states (added to a date as relativedelta adds one: ``domain.months``), made once: readiness
    applies the plan's spans (milestones, the gateway before the EPA) to every learner of a caseload. (Never
    changed once made: adding or subtracting one makes a new date.)"""
    return Span(years, months, weeks, days)


@frozen
class Offset:
    """A span of time as a plan states it ("one month"), applied as relativedelta applies one (``domain.months``)."""

    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0

    def delta(self) -> Span:
        return span(self.years, self.months, self.weeks, self.days)

    def words(self) -> str:
        parts = [(self.years, "year"), (self.months, "month"), (self.weeks, "week"), (self.days, "day")]
        return ", ".join(f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n) or "0 days"


DEFAULT_GATEWAY_BEFORE_EPA = Offset(months=1)


@frozen
class Duty:
    """A duty of the occupation: the criteria it maps to, and whether it is core or belongs to options."""

    id: str
    text: str
    core: bool = True
    options: tuple[str, ...] = ()
    criteria: tuple[str, ...] = ()
    source_id: str = ""


@frozen
class Option:
    id: str
    title: str


@frozen
class Publication:
    """What the official standards data says about this version, kept as published."""

    status: str = ""
    lars_code: str = ""
    latest_end: str | None = None
    assessment_plan_url: str = ""
    standard_page_url: str = ""
    english_and_maths: str = ""
    epa_months: float | None = None


@frozen
class MilestoneSpec:
    """A milestone as the plan states it: an offset from the start or the planned end."""

    key: str
    title: str
    anchor: str
    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0
    kind: str = "due"
    detail: str = ""


@frozen
class ChecklistItem:
    key: str
    title: str


@frozen
class SupportMinimum:
    key: str
    title: str
    minimum_hours: float


@frozen
class GradingRule:
    """A grading rule kind with its parameters, kept as given; ``grading.py`` interprets it."""

    kind: str
    params: dict[str, Any] = field(default_factory=dict)


@frozen
class AssessmentPlan:
    typical_months: tuple[int, ...] = ()
    minimum_months: int | None = None
    maximum_months: int | None = None
    duration_note: str = ""
    credits: float | None = None
    glh: float | None = None
    support: tuple[SupportMinimum, ...] = ()
    prerequisites: tuple[Prerequisite, ...] = ()
    components: tuple[Component, ...] = ()
    milestones: tuple[MilestoneSpec, ...] = ()
    gateway_checklist: tuple[ChecklistItem, ...] = ()
    grading: tuple[GradingRule, ...] = ()
    gateway_before_epa: Offset = DEFAULT_GATEWAY_BEFORE_EPA
    """How long before the end-point assessment the gateway falls (the plan's own rule; one month if unstated)."""

    def component(self, component_id: str) -> Component | None:
        return next((c for c in self.components if c.id == component_id), None)


@frozen
class Qualification:
    number: str
    title: str
    level: int | None = None


@frozen
class Standard:
    id: str
    title: str
    kind: str
    level: int
    version: str
    source: Source
    partial: bool
    plan: AssessmentPlan
    groups: tuple[Group, ...] = ()
    reference: str = ""
    effective_from: str | None = None
    effective_to: str | None = None
    notes: tuple[str, ...] = ()
    qualifications: tuple[Qualification, ...] = ()
    otj_minimum_hours: float | None = None
    """The off-the-job minimum published for this version (from 1 Aug 2025), in hours; None where none is."""
    duties: tuple[Duty, ...] = ()
    options: tuple[Option, ...] = ()
    publication: Publication | None = None

    def all_criteria(self) -> Iterator[Criterion]:
        for group in self.groups:
            yield from group.all_criteria()

    @cached_property
    def criteria(self) -> dict[str, Criterion]:
        """Every criterion by id, in the standard's order (worked out once: a standard never changes)."""
        return {c.id: c for c in self.all_criteria()}

    @cached_property
    def real_work_only_ids(self) -> frozenset[str]:
        """The criteria simulated evidence does not count towards (worked out once, for coverage)."""
        return frozenset(cid for cid, c in self.criteria.items() if c.real_work_only)

    def criterion(self, criterion_id: str) -> Criterion | None:
        return self.criteria.get(criterion_id)

    @property
    def grading_not_imported(self) -> bool:
        """An imported standard whose grading rules have not been added from the assessment plan yet."""
        return any(
            r.kind == "none" and str(r.params.get("note", "")).startswith(NOT_IMPORTED) for r in self.plan.grading
        )

    @property
    def missing_parts(self) -> str:
        """What a user should know is not in the file, in a few words ("" when nothing is)."""
        parts = []
        if self.partial:
            parts.append("criteria incomplete, see notes")
        if self.grading_not_imported:
            parts.append("grading rules not imported")
        return "; ".join(parts)

    def all_groups(self) -> Iterator[Group]:
        stack = list(reversed(self.groups))
        while stack:
            group = stack.pop()
            yield group
            stack.extend(reversed(group.groups))


class StandardError(ValueError):
    """A standard definition is wrong; ``problems`` holds one ``(json_path, message)`` each."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{path}: {msg}" for path, msg in problems))


class _Reader:
    """Walks a JSON document collecting every problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def get(self, obj: Any, key: str, path: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if not isinstance(obj, dict):
            return None if default is ... else default
        if key not in obj:
            if default is ...:
                self.fail(path, f"missing required field '{key}'")
                return None
            return default
        value = obj[key]
        if kind is float:
            kind = (int, float)
        if not isinstance(value, kind) or (
            isinstance(value, bool) and kind is not bool and bool not in _as_tuple(kind)
        ):
            self.fail(f"{path}.{key}", f"expected {_kind_name(kind)}, got {type(value).__name__}")
            return None if default is ... else default
        return value

    def text(self, obj: Any, key: str, path: str, required: bool = True) -> str:
        value = self.get(obj, key, path, str, ... if required else "")
        if required and value == "":
            self.fail(f"{path}.{key}", "must not be empty")
        return value or ""

    def items(self, obj: Any, key: str, path: str, required: bool = False) -> list[tuple[str, Any]]:
        value = self.get(obj, key, path, list, ... if required else [])
        return [(f"{path}.{key}[{i}]", item) for i, item in enumerate(value or [])]


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {
        str: "a string",
        int: "a whole number",
        float: "a number",
        bool: "true or false",
        list: "a list",
        dict: "an object",
    }
    return " or ".join(names.get(k, k.__name__) for k in _as_tuple(kind))


def standard_from_dict(data: Any) -> Standard:
    """Build a :class:`Standard` from parsed JSON, or raise :class:`StandardError` listing every problem."""
    r = _Reader()
    if not isinstance(data, dict):
        raise StandardError([("$", "a standard must be a JSON object")])
    if data.get("format") != 1:
        r.fail("$.format", f"unsupported format {data.get('format')!r}; this version reads format 1")
    seen_criteria: dict[str, str] = {}
    seen_groups: dict[str, str] = {}

    def criterion(path: str, obj: Any, group_id: str, inherited: tuple[str, ...]) -> Criterion | None:
        if not isinstance(obj, dict):
            r.fail(path, "a criterion must be an object")
            return None
        cid = r.text(obj, "id", path)
        kind = r.text(obj, "kind", path)
        if kind and kind not in CRITERION_KINDS:
            r.fail(f"{path}.kind", f"unknown criterion kind '{kind}' (expected one of {', '.join(CRITERION_KINDS)})")
        band = r.get(obj, "band", path, str, None)
        if band is not None and band not in ("pass", "distinction"):
            r.fail(f"{path}.band", f"unknown band '{band}' (expected pass or distinction)")
        if cid:
            if cid in seen_criteria:
                r.fail(f"{path}.id", f"duplicate criterion id '{cid}' (first at {seen_criteria[cid]})")
            else:
                seen_criteria[cid] = path
        source = r.get(obj, "source", path, dict, {})
        section = r.get(source, "section", f"{path}.source", str, "")
        return Criterion(
            id=cid,
            text=r.text(obj, "text", path),
            kind=kind,
            title=r.text(obj, "title", path, required=False),
            band=band,
            flags=tuple(dict.fromkeys((*inherited, *r.get(obj, "flags", path, list, [])))),
            section=section or "",
            group_id=group_id,
            source_id=r.get(source, "id", f"{path}.source", str, "") or "",
            context=context(path, obj),
        )

    def context(path: str, obj: Any) -> tuple[str, ...]:
        texts = []
        for where, item in r.items(obj, "context", path):
            if not isinstance(item, dict):
                r.fail(where, "a context entry must be an object with the source's text")
            elif text := r.text(item, "text", where):
                texts.append(text)
        return tuple(texts)

    def group(path: str, obj: Any, inherited: tuple[str, ...] = ()) -> Group | None:
        if not isinstance(obj, dict):
            r.fail(path, "a group must be an object")
            return None
        gid = r.text(obj, "id", path)
        kind = r.text(obj, "kind", path)
        if kind and kind not in GROUP_KINDS:
            r.fail(f"{path}.kind", f"unknown group kind '{kind}' (expected one of {', '.join(GROUP_KINDS)})")
        if gid:
            if gid in seen_groups:
                r.fail(f"{path}.id", f"duplicate group id '{gid}' (first at {seen_groups[gid]})")
            else:
                seen_groups[gid] = path
        flags = (*inherited, *r.get(obj, "flags", path, list, []))
        crits = [criterion(p, c, gid, flags) for p, c in r.items(obj, "criteria", path)]
        children = [group(p, g, flags) for p, g in r.items(obj, "groups", path)]
        return Group(
            id=gid,
            title=r.text(obj, "title", path),
            kind=kind,
            description=r.text(obj, "description", path, required=False),
            section=r.get(r.get(obj, "source", path, dict, {}), "section", f"{path}.source", str, "") or "",
            credits=r.get(obj, "credits", path, float, None),
            glh=r.get(obj, "glh", path, float, None),
            notes=tuple(r.get(obj, "notes", path, list, [])),
            flags=tuple(dict.fromkeys(flags)),
            criteria=tuple(c for c in crits if c),
            groups=tuple(g for g in children if g),
        )

    groups = [group(p, g) for p, g in r.items(data, "groups", "$", required=True)]
    if "plan" in data:
        plan = _plan(r, data["plan"], "$.plan")
        if plan is not None:
            _check_rules(r, plan)
    else:
        plan = None
        r.fail("$", "missing required field 'plan'")
    source_obj = r.get(data, "source", "$", dict)
    level = r.get(data, "level", "$", int)
    partial = r.get(data, "partial", "$", bool)
    kind = r.text(data, "kind", "$")
    if kind and kind not in STANDARD_KINDS:
        r.fail("$.kind", f"unknown kind '{kind}' (expected one of {', '.join(STANDARD_KINDS)})")
    effective = r.get(data, "effective", "$", dict, {})
    standard = Standard(
        id=r.text(data, "id", "$"),
        title=r.text(data, "title", "$"),
        kind=kind,
        level=level or 0,
        version=r.text(data, "version", "$"),
        reference=r.text(data, "reference", "$", required=False),
        source=Source(
            file=r.text(source_obj, "file", "$.source") if source_obj else "",
            section=r.text(source_obj, "section", "$.source", required=False) if source_obj else "",
            title=r.text(source_obj, "title", "$.source", required=False) if source_obj else "",
        ),
        effective_from=effective.get("from"),
        effective_to=effective.get("to"),
        partial=bool(partial),
        notes=tuple(r.get(data, "notes", "$", list, [])),
        qualifications=tuple(
            Qualification(r.text(q, "number", p), r.text(q, "title", p), r.get(q, "level", p, int, None))
            for p, q in r.items(data, "qualifications", "$")
        ),
        groups=tuple(g for g in groups if g),
        plan=plan or AssessmentPlan(),
        otj_minimum_hours=_non_negative(r, data, "otj_minimum_hours", "$"),
        options=tuple(Option(r.text(o, "id", p), r.text(o, "title", p)) for p, o in r.items(data, "options", "$")),
        duties=tuple(_duty(r, p, d) for p, d in r.items(data, "duties", "$")),
        publication=_publication(r, data),
    )
    _check_duties(r, standard, seen_criteria)
    if not seen_criteria and not standard.partial and not r.problems:
        r.fail("$.groups", 'a standard with no criteria must say so with "partial": true and a note')
    if r.problems:
        raise StandardError(r.problems)
    return standard


def _duty(r: _Reader, path: str, obj: Any) -> Duty:
    return Duty(
        id=r.text(obj, "id", path),
        text=r.text(obj, "text", path),
        core=r.get(obj, "core", path, bool, True),
        options=tuple(r.get(obj, "options", path, list, [])),
        criteria=tuple(r.get(obj, "criteria", path, list, [])),
        source_id=r.get(r.get(obj, "source", path, dict, {}), "id", f"{path}.source", str, "") or "",
    )


def _check_duties(r: _Reader, standard: Standard, criteria: dict[str, str]) -> None:
    """A duty names criteria and options the standard defines."""
    options = {o.id for o in standard.options}
    seen: dict[str, str] = {}
    for i, duty in enumerate(standard.duties):
        path = f"$.duties[{i}]"
        if duty.id in seen:
            r.fail(f"{path}.id", f"duplicate duty id '{duty.id}' (first at {seen[duty.id]})")
        seen.setdefault(duty.id, path)
        for j, cid in enumerate(duty.criteria):
            if cid not in criteria:
                r.fail(f"{path}.criteria[{j}]", f"unknown criterion '{cid}'")
        for j, oid in enumerate(duty.options):
            if oid not in options:
                r.fail(f"{path}.options[{j}]", f"unknown option '{oid}' (not in options)")


def _publication(r: _Reader, data: Any) -> Publication | None:
    obj = r.get(data, "publication", "$", dict, None)
    if obj is None:
        return None
    path = "$.publication"
    return Publication(
        status=r.text(obj, "status", path, required=False),
        lars_code=r.text(obj, "lars_code", path, required=False),
        latest_end=r.get(obj, "latest_end", path, (str, type(None)), None),
        assessment_plan_url=r.text(obj, "assessment_plan_url", path, required=False),
        standard_page_url=r.text(obj, "standard_page_url", path, required=False),
        english_and_maths=r.text(obj, "english_and_maths", path, required=False),
        epa_months=_non_negative(r, obj, "epa_months", path),
    )


def _offset(r: _Reader, obj: Any, path: str) -> Offset:
    for unit in obj if isinstance(obj, dict) else ():
        if unit not in ("years", "months", "weeks", "days"):
            r.fail(f"{path}.{unit}", "unknown offset unit (expected years, months, weeks or days)")
    units = {u: r.get(obj, u, path, int, 0) for u in ("years", "months", "weeks", "days")}
    if any(v < 0 for v in units.values()):
        r.fail(path, "an offset counts forward: no negative values")
    return Offset(**units)


def _non_negative(r: _Reader, obj: Any, key: str, path: str) -> float | None:
    value = r.get(obj, key, path, float, None)
    if value is not None and value < 0:
        r.fail(f"{path}.{key}", f"must not be negative, got {value:g}")
        return None
    return value


def _plan(r: _Reader, obj: Any, path: str) -> AssessmentPlan | None:
    if not isinstance(obj, dict):
        r.fail(path, "the plan must be an object")
        return None
    duration = r.get(obj, "duration", path, dict)
    dpath = f"{path}.duration"
    prerequisites = []
    for p, item in r.items(obj, "prerequisites", path, required=True):
        kind = r.text(item, "kind", p)
        if kind and kind not in ("qualification", "english", "maths", "other"):
            r.fail(f"{p}.kind", f"unknown prerequisite kind '{kind}'")
        prerequisites.append(
            Prerequisite(
                r.text(item, "key", p), r.text(item, "title", p), kind, r.text(item, "note", p, required=False)
            )
        )
    components = []
    for p, item in r.items(obj, "components", path):
        grades = tuple(r.get(item, "grades", p, list, []))
        for g in grades:
            if g not in (*METHOD_GRADES, "refer"):
                r.fail(f"{p}.grades", f"unknown grade '{g}' (expected {', '.join(METHOD_GRADES)} or refer)")
        descriptors = []
        for dp, d in r.items(item, "criteria", p):
            grade = r.text(d, "grade", dp)
            if grade and grade not in DESCRIPTOR_GRADES:
                r.fail(f"{dp}.grade", f"unknown grade '{grade}' (expected {', '.join(DESCRIPTOR_GRADES)})")
            descriptors.append(Descriptor(r.text(d, "id", dp), grade, r.text(d, "text", dp)))
        _unique(
            r,
            [(dp, d.id) for (dp, _), d in zip(r.items(item, "criteria", p), descriptors, strict=True)],
            "descriptor id",
        )
        components.append(
            Component(
                id=r.text(item, "id", p),
                title=r.text(item, "title", p),
                description=r.text(item, "description", p, required=False),
                weight=r.get(item, "weight", p, float, None),
                grades=grades,
                duration_hours=r.get(item, "duration_hours", p, float, None),
                note=r.text(item, "note", p, required=False),
                descriptors=tuple(descriptors),
            )
        )
    milestone_items = r.items(obj, "milestones", path, required=True)
    milestones = []
    for p, item in milestone_items:
        anchor = r.text(item, "anchor", p)
        if anchor and anchor not in ("start", "end"):
            r.fail(f"{p}.anchor", f"unknown anchor '{anchor}' (expected start or end)")
        offset = r.get(item, "offset", p, dict) or {}
        for unit in offset:
            if unit not in ("years", "months", "weeks", "days"):
                r.fail(f"{p}.offset.{unit}", "unknown offset unit (expected years, months, weeks or days)")
        kind = r.get(item, "kind", p, str, "due")
        if kind not in ("due", "window-opens", "deadline"):
            r.fail(f"{p}.kind", f"unknown milestone kind '{kind}'")
        milestones.append(
            MilestoneSpec(
                key=r.text(item, "key", p),
                title=r.text(item, "title", p),
                anchor=anchor,
                years=r.get(offset, "years", f"{p}.offset", int, 0),
                months=r.get(offset, "months", f"{p}.offset", int, 0),
                weeks=r.get(offset, "weeks", f"{p}.offset", int, 0),
                days=r.get(offset, "days", f"{p}.offset", int, 0),
                kind=kind,
                detail=r.text(item, "detail", p, required=False),
            )
        )
    _unique(r, [(p, m.key) for (p, _), m in zip(milestone_items, milestones, strict=True)], "milestone key")
    checklist_items = r.items(obj, "gateway_checklist", path, required=True)
    checklist = [ChecklistItem(r.text(i, "key", p), r.text(i, "title", p)) for p, i in checklist_items]
    _unique(r, [(p, c.key) for (p, _), c in zip(checklist_items, checklist, strict=True)], "checklist key")
    support = [
        SupportMinimum(r.text(i, "key", p), r.text(i, "title", p), r.get(i, "minimum_hours", p, float) or 0)
        for p, i in r.items(obj, "support", path)
    ]
    rules = []
    for p, item in r.items(obj, "grading", path, required=True):
        kind = r.text(item, "kind", p)
        if kind and kind not in RULE_KINDS:
            r.fail(f"{p}.kind", f"unknown rule kind '{kind}' (expected one of {', '.join(RULE_KINDS)})")
        params = {k: v for k, v in item.items() if k != "kind"} if isinstance(item, dict) else {}
        rules.append(GradingRule(kind, params))
    if isinstance(obj.get("grading"), list) and not obj["grading"]:
        r.fail(
            f"{path}.grading",
            "at least one grading rule is needed (use kind 'none' with a note where the source gives none)",
        )
    return AssessmentPlan(
        typical_months=tuple(r.get(duration, "typical_months", dpath, list, [])),
        minimum_months=r.get(duration, "minimum_months", dpath, int, None),
        maximum_months=r.get(duration, "maximum_months", dpath, int, None),
        duration_note=r.text(duration, "note", dpath, required=False) if duration else "",
        credits=r.get(obj, "credits", path, float, None),
        glh=r.get(obj, "glh", path, float, None),
        support=tuple(support),
        prerequisites=tuple(prerequisites),
        components=tuple(components),
        milestones=tuple(milestones),
        gateway_checklist=tuple(checklist),
        grading=tuple(rules),
        gateway_before_epa=_offset(r, obj["gateway_before_epa"], f"{path}.gateway_before_epa")
        if "gateway_before_epa" in obj
        else DEFAULT_GATEWAY_BEFORE_EPA,
    )


def _unique(r: _Reader, keyed: list[tuple[str, str]], what: str) -> None:
    seen: dict[str, str] = {}
    for path, key in keyed:
        if key in seen:
            r.fail(f"{path}.key", f"duplicate {what} '{key}' (first at {seen[key]})")
        seen.setdefault(key, path)


def _check_rules(r: _Reader, plan: AssessmentPlan) -> None:
    """Rule parameters must refer to components the plan defines and hold together numerically."""
    component_ids = {c.id for c in plan.components}
    for i, rule in enumerate(plan.grading):
        path = f"$.plan.grading[{i}]"
        p = rule.params
        if rule.kind == "mark-sheet":
            sections = p.get("sections")
            if not isinstance(sections, list) or not sections:
                r.fail(f"{path}.sections", "a mark sheet needs at least one section")
                continue
            for i, s in enumerate(sections):
                if not isinstance(s, dict) or not all(isinstance(s.get(k), (int, float)) for k in ("max", "min")):
                    r.fail(f"{path}.sections[{i}]", "each section needs numeric 'max' and 'min'")
                elif s["min"] > s["max"]:
                    r.fail(f"{path}.sections[{i}].min", f"minimum {s['min']} is above the maximum {s['max']}")
            if not isinstance(p.get("pass_total"), (int, float)):
                r.fail(f"{path}.pass_total", "a mark sheet needs a numeric pass_total")
        elif rule.kind == "per-method-thresholds":
            methods = p.get("methods")
            if not isinstance(methods, list) or not methods:
                r.fail(f"{path}.methods", "per-method thresholds need at least one method")
                continue
            for i, m in enumerate(methods):
                mp = f"{path}.methods[{i}]"
                if not isinstance(m, dict):
                    r.fail(mp, "a method must be an object")
                    continue
                if m.get("component") not in component_ids:
                    r.fail(f"{mp}.component", f"unknown component '{m.get('component')}' (not in plan.components)")
                needed, total = m.get("distinction_needed"), m.get("distinction_criteria")
                if (
                    not isinstance(needed, int)
                    or not isinstance(total, int)
                    or not isinstance(m.get("pass_criteria"), int)
                ):
                    r.fail(mp, "pass_criteria, distinction_criteria and distinction_needed must be whole numbers")
                elif needed > total:
                    r.fail(f"{mp}.distinction_needed", f"{needed} is more than the {total} distinction criteria")
            if "combination" in p:
                table = p["combination"] if isinstance(p["combination"], dict) else {}
                _check_table(r, plan, table, f"{path}.combination", component_ids)
        elif rule.kind == "weighted-components":
            comps = p.get("components")
            if not isinstance(comps, list) or not comps:
                r.fail(f"{path}.components", "weighted components need at least one component")
                continue
            total = 0.0
            for i, c in enumerate(comps):
                if not isinstance(c, dict) or not isinstance(c.get("weight"), (int, float)):
                    r.fail(f"{path}.components[{i}]", "each component needs a numeric weight")
                    continue
                if c.get("component") not in component_ids:
                    r.fail(
                        f"{path}.components[{i}].component",
                        f"unknown component '{c.get('component')}' (not in plan.components)",
                    )
                total += c["weight"]
            if abs(total - 100) > 1e-9:
                r.fail(f"{path}.components", f"weights add up to {total:g}, not 100")
        elif rule.kind == "combination-table":
            _check_table(r, plan, p, path, component_ids)


MISSING_ROWS_NAMED = 5
"""How many combinations without a row a check names one by one; the rest it counts."""


def _check_table(r: _Reader, plan: AssessmentPlan, p: dict[str, Any], path: str, component_ids: set[str]) -> None:
    """A combination table names real methods and gives one overall grade for every combination of their
    passing grades (a Fail in any method fails overall, so fail rows are not needed).

    Time is linear in the rows given, whatever the methods (review R13: listing every combination of 14 methods'
    grades, 4^14 of them, to find the ones without a row never ended on a crafted standard). The rows are
    distinct combinations of passing grades, so the table is whole when there are as many as the grades
    multiply to; when not, some combination among the first ``rows + n`` in order has no row, so those are all
    that are looked at to name ``n`` of them."""
    import itertools
    import math

    methods = p.get("methods")
    if not isinstance(methods, list) or not methods or not all(isinstance(m, str) for m in methods):
        r.fail(f"{path}.methods", "a combination table needs the list of methods it combines, in column order")
        return
    for i, m in enumerate(methods):
        if m not in component_ids:
            r.fail(f"{path}.methods[{i}]", f"unknown component '{m}' (not in plan.components)")
    if len(set(methods)) != len(methods):
        r.fail(f"{path}.methods", "a method is named twice")
    rows = p.get("rows")
    if not isinstance(rows, list) or not rows:
        r.fail(f"{path}.rows", 'a combination table needs rows: {"grades": [one per method], "overall": grade}')
        return
    passing = [_passing_grades(plan.component(m)) for m in methods]
    seen: dict[tuple[str, ...], str] = {}
    for i, row in enumerate(rows):
        rp = f"{path}.rows[{i}]"
        grades = row.get("grades") if isinstance(row, dict) else None
        overall = row.get("overall") if isinstance(row, dict) else None
        if not isinstance(grades, list) or len(grades) != len(methods):
            r.fail(f"{rp}.grades", f"needs {len(methods)} grades, one per method ({', '.join(methods)})")
            continue
        wrong = [(m, g) for m, g, ok in zip(methods, grades, passing, strict=True) if g not in ok]
        for m, g in wrong:
            r.fail(f"{rp}.grades", f"{_quoted(g)} is not a passing grade of {m} "
                                   f"(expected {', '.join(passing[methods.index(m)])})")
        if overall not in METHOD_GRADES:
            r.fail(f"{rp}.overall", f"unknown grade {_quoted(overall)} (expected {', '.join(METHOD_GRADES)})")
        if wrong:
            continue
        key = tuple(grades)
        if key in seen:
            r.fail(f"{rp}.grades", f"the combination {' + '.join(key)} is already given at {seen[key]}")
        seen.setdefault(key, rp)
    expected = math.prod(len(grades) for grades in passing)
    missing = expected - len(seen)
    if missing <= 0 or len(set(methods)) != len(methods):
        return
    named = 0
    for combo in itertools.islice(itertools.product(*passing), len(seen) + MISSING_ROWS_NAMED):
        if combo not in seen:
            r.fail(f"{path}.rows", f"no row for {' + '.join(combo)}")
            named += 1
            if named == MISSING_ROWS_NAMED:
                break
    if missing > named:
        r.fail(f"{path}.rows", f"and {missing - named:,} more combinations have no row (the {len(methods)} methods' "
                               f"passing grades make {expected:,}, one row each)")


def _quoted(value: Any) -> str:
    """A value from the file for a message: short, and ``repr`` escapes anything that could drive a terminal."""
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _passing_grades(component: Component | None) -> tuple[str, ...]:
    grades = component.grades if component and component.grades else METHOD_GRADES
    return tuple(g for g in grades if g not in ("fail", "refer"))
