"""The grade form's fields, from the standard's grading rules, and the results typed into them.

One field per thing a result is recorded for: a grade to choose for each EPA component or method
(weighted components, a combination table), the criteria met in each method (per-method thresholds),
a mark for each section (a mark sheet). The TUI lays the fields out and passes what was chosen or
typed, as typed; everything is checked here, each refusal naming the field it is about.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from portfolio_tui.domain import grading
from portfolio_tui.domain.standard import Standard
from portfolio_tui.services import validation as check
from portfolio_tui.services.errors import InputError
from portfolio_tui.services.portfolios import PortfolioService
from portfolio_tui.services.records import record_grade


@dataclass(frozen=True)
class GradeField:
    """One field of the grade form: ``name`` is the service's (and a refusal's) name for it."""

    name: str
    label: str
    choices: tuple[str, ...] = ()
    """The grades to choose from; ``()`` for a whole number typed (criteria met, a section's mark)."""
    hint: str = ""


def grade_fields(standard: Standard) -> tuple[GradeField, ...]:
    """The fields of every rule of the standard that records results, in the plan's order."""
    fields: list[GradeField] = []
    for rule in standard.plan.grading:
        if rule.kind in grading.COMPONENT_KINDS:
            table = rule.kind == "combination-table"
            ids = list(rule.params["methods"]) if table else [c["component"] for c in rule.params["components"]]
            default = ("fail", "pass", "merit", "distinction") if table else grading.COMPONENT_GRADES
            for cid in ids:
                component = standard.plan.component(cid)
                grades = tuple(g for g in (component.grades if component else ()) if g != "refer") or default
                fields.append(GradeField(f"grade.{cid}", component.title if component else cid, grades))
        elif rule.kind == "per-method-thresholds":
            for method in rule.params["methods"]:
                cid = method["component"]
                component = standard.plan.component(cid)
                title = component.title if component else cid
                fields.append(GradeField(f"pass_met.{cid}", f"{title}: pass",
                                         hint=f"pass criteria met, of {method['pass_criteria']}"))
                fields.append(GradeField(f"distinction_met.{cid}", f"{title}: distinction",
                                         hint=f"distinction criteria met, of {method['distinction_criteria']}"))
        elif rule.kind == "mark-sheet":
            fields.append(GradeField("role", "Marker", ("assessor", "qa")))
            fields += [GradeField(f"sections.{s['id']}", s.get("title") or s["id"], hint=f"mark, of {s['max']}")
                       for s in rule.params["sections"]]
    return tuple(fields)


def grade_intro(standard: Standard) -> str:
    """What the grade form asks for, in the words of the standard's own rules: a grade per component, a count
    of criteria met per method, or a mark per section (a form saying "choose a result" over boxes that want
    counts sends the tutor looking for a list that is not there)."""
    kinds = {rule.kind for rule in standard.plan.grading}
    asks = []
    if kinds & set(grading.COMPONENT_KINDS):
        asks.append("choose a result for each component assessed")
    if "per-method-thresholds" in kinds:
        asks.append("give how many pass and distinction criteria each assessed method met")
    if "mark-sheet" in kinds:
        asks.append("give each section's mark")
    if not asks:
        return "This standard's rules record no results here."
    text = "; ".join(asks)
    return f"{text[0].upper()}{text[1:]}; leave the others empty."


def _whole(field: str, value: str) -> int:
    if not value.lstrip("-").isdigit():
        raise InputError(field, f"expected a whole number, got '{check.shown(value)}'")
    return int(value)


def _results(standard: Standard, typed: Mapping[str, str]) -> list[tuple[str, dict[str, Any], dict[str, str]]]:
    """Each result the form holds: its rule's kind, its values, and the form's field for each value."""
    def given(name: str) -> str:
        return str(typed.get(name) or "").strip()

    results: list[tuple[str, dict[str, Any], dict[str, str]]] = []
    for rule in standard.plan.grading:
        if rule.kind in grading.COMPONENT_KINDS:
            for f in (f for f in grade_fields(standard) if f.name.startswith("grade.")):
                if given(f.name):
                    cid = f.name.removeprefix("grade.")
                    results.append((rule.kind, {"component": cid, "grade": given(f.name)},
                                    {"component": f.name, "grade": f.name}))
        elif rule.kind == "per-method-thresholds":
            for method in rule.params["methods"]:
                cid = method["component"]
                passed, distinction = f"pass_met.{cid}", f"distinction_met.{cid}"
                if given(passed) or given(distinction):
                    values = {"method": cid, "pass_met": _whole(passed, given(passed) or "0"),
                              "distinction_met": _whole(distinction, given(distinction) or "0")}
                    results.append((rule.kind, values, {"pass_met": passed, "distinction_met": distinction}))
        elif rule.kind == "mark-sheet":
            names = {s["id"]: f"sections.{s['id']}" for s in rule.params["sections"]}
            marks = {sid: _whole(name, given(name)) for sid, name in names.items() if given(name)}
            if marks:
                fields = {f"sections.{sid}": name for sid, name in names.items()} | {"role": "role"}
                results.append((rule.kind, {"role": given("role") or "assessor", "sections": marks}, fields))
    return results


def record_grades(svc: PortfolioService, typed: Mapping[str, str], *, on: date | str = "", note: str = "",
                  as_of: date | None = None) -> int:
    """Every result filled in on the grade form, each a grade record; all are checked before any is written.
    Returns how many were recorded."""
    standard = svc.standard
    fields = grade_fields(standard)
    if not fields:
        raise InputError("kind", f"{standard.id} has no grading rule that records results")
    results = _results(standard, typed)
    if not results:
        raise InputError(fields[0].name, "choose or type at least one result")
    remark = check.text("note", note)
    day = on or (as_of or date.today())
    for kind, values, names in results:
        problems = grading.validate_grade_values(standard, kind, values)
        if problems:
            field, _, message = problems[0].partition(": ")
            raise InputError(names.get(field, field), message)
    for kind, values, _ in results:
        record_grade(svc, kind, values | {"on": day} | ({"note": remark} if remark else {}), as_of)
    return len(results)
