"""The installed standards: those shipped with the app and the user's own, read from JSON files.

Loading is lazy and by id (``<id>.json`` first), so a headless command pays for the one standard
it needs. Full JSON Schema validation (jsonschema) runs only when asked, by ``validate_file``.

A rules file ``<id>.rules.json`` beside a standard file holds what a provider adds by hand from the
assessment plan to an imported standard (EPA methods with their descriptors, grading rules, the gateway
interval, the gateway checklist, milestones and prerequisites). Its keys replace the same keys of the
standard's ``plan``; the imported criteria are never touched, so a re-import keeps the rules.
"""

from __future__ import annotations

import os
from functools import lru_cache

from portfolio_tui import locations, path_text, standard_files
from portfolio_tui.domain.frozen import frozen
from portfolio_tui.domain.standard import Standard, StandardError, standard_from_dict
from portfolio_tui.jsonfile import JsonFileError, loads_checked
from portfolio_tui.standard_files import RULES_SUFFIX, rules_file
from portfolio_tui.standard_files import rules_path as rules_path  # (services.standard_rules')

TYPE_CHECKING = False  # (typing and pathlib cost the gateway's start-up: a standard is looked up by its text)
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any


class StandardNotFound(LookupError):
    def __init__(self, standard_id: str):
        self.standard_id = standard_id
        super().__init__(f"no installed standard has id '{standard_id}' (see `portfolio standards list`)")


@frozen
class Installed:
    standard: Standard
    path: Path
    origin: str  # "shipped" or "user"


@frozen
class Broken:
    """A user's standard file that could not be loaded; listed, never fatal."""

    path: Path
    problems: tuple[tuple[str, str], ...]


def _parse(path: str | Path) -> Any:
    """The file's strict JSON, or :class:`StandardError` saying why it cannot be read."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise StandardError([("$", "no such file")]) from None
    except IsADirectoryError:
        raise StandardError([("$", "is a folder, not a standard file")]) from None
    except PermissionError:
        raise StandardError([("$", "cannot read the file: permission denied")]) from None
    except UnicodeDecodeError as exc:
        raise StandardError([("$", f"not UTF-8 text (byte {exc.start})")]) from None
    except OSError as exc:
        raise StandardError([("$", f"cannot read the file: {exc.strerror or 'unknown error'}")]) from None
    try:
        # The json module's way: a standard file is written indented, which orjson's quick check never passes, and
        # orjson's import would cost a one-file gateway run more than the parse (see jsonfile).
        return loads_checked(text)
    except JsonFileError as exc:
        raise StandardError([("$", str(exc))]) from None


RULES_KEYS = ("components", "grading", "gateway_before_epa", "gateway_checklist", "milestones", "prerequisites")
"""The plan keys a rules file may set; anything else in it is refused."""


def with_rules(document: Any, rules: Any, rules_name: str) -> tuple[Any, list[tuple[str, str]]]:
    """The standard document with the rules file's plan keys in place, and the rules file's own problems."""
    if not isinstance(rules, dict):
        return document, [(rules_name + ": $", "a rules file must be a JSON object")]
    problems = []
    if rules.get("format") != 1:
        problems.append(
            (f"{rules_name}: $.format", f"unsupported format {rules.get('format')!r}; this version reads 1")
        )
    for key in rules:
        if key not in (*RULES_KEYS, "format", "standard"):
            problems.append((f"{rules_name}: $.{key}", f"not a rules key (expected {', '.join(RULES_KEYS)})"))
    if isinstance(document, dict) and rules.get("standard") not in (None, document.get("id")):
        problems.append((f"{rules_name}: $.standard", f"is for {rules.get('standard')!r}, not {document.get('id')!r}"))
    if isinstance(document, dict) and isinstance(document.get("plan"), dict):
        plan = dict(document["plan"]) | {k: v for k, v in rules.items() if k in RULES_KEYS}
        document = document | {"plan": plan}
    return document, problems


def _rules_problem_path(path: str, rules: Any, rules_name: str) -> str:
    """``$.plan.grading[0]...`` as the rules file's own ``$.grading[0]...`` where the key came from it."""
    for key in RULES_KEYS:
        prefix = f"$.plan.{key}"
        if (
            isinstance(rules, dict)
            and key in rules
            and (path == prefix or path.startswith((prefix + ".", prefix + "[")))
        ):
            return f"{rules_name}: $.{path[len('$.plan.') :]}"
    return path


def _read_with_rules(path: str) -> Any:
    """The standard's JSON with its rules file applied; a broken rules file is a problem of the standard."""
    data = _parse(path)
    rules_at = rules_file(path)
    if not path_text.is_file(rules_at):
        return data
    rules_name = path_text.name(rules_at)
    try:
        rules = _parse(rules_at)
    except StandardError as exc:
        raise StandardError([(f"{rules_name}: {p}", m) for p, m in exc.problems]) from None
    merged, problems = with_rules(data, rules, rules_name)
    if problems:
        raise StandardError(problems)
    try:
        standard_from_dict(merged)
    except StandardError as exc:
        raise StandardError([(_rules_problem_path(p, rules, rules_name), m) for p, m in exc.problems]) from None
    return merged


@lru_cache(maxsize=64)
def _load_cached(path: str, mtime_ns: int, rules_mtime_ns: int) -> Standard:
    return standard_from_dict(_read_with_rules(path))


def load_file(path: str | Path) -> Standard:
    """Load one standard file (with its rules file, if any), or raise :class:`StandardError` with every problem."""
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError as exc:
        raise StandardError([("$", f"cannot read the file: {exc.strerror}")]) from None
    try:
        rules_mtime = os.stat(rules_file(path)).st_mtime_ns
    except OSError:
        rules_mtime = 0
    return _load_cached(_resolved(path), mtime, rules_mtime)


def _resolved(path: str | Path) -> str:
    """``str(Path(path).resolve())``, of a file that is there: its links followed, as an absolute path."""
    return os.path.realpath(path)


def is_standard_file(path: Path) -> bool:
    return path.name.endswith(".json") and not path.name.endswith(RULES_SUFFIX)


def installed() -> tuple[list[Installed], list[Broken]]:
    """Every installed standard (user files first, so a user may override a shipped id) and the broken files."""
    found: dict[str, Installed] = {}
    broken: list[Broken] = []
    from pathlib import Path

    for text, origin in standard_files.folders():
        folder = Path(text)
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.glob("*.json") if is_standard_file(p)):
            doubt = standard_files.user_file_doubt(path) if origin == "user" else None
            if doubt:
                broken.append(Broken(path, (("$", doubt),)))
                continue
            try:
                standard = load_file(path)
            except StandardError as exc:
                broken.append(Broken(path, tuple(exc.problems)))
                continue
            found.setdefault(standard.id, Installed(standard, path, origin))
    return sorted(found.values(), key=lambda i: i.standard.id), broken


def get(standard_id: str) -> Standard:
    """The installed standard with this id; looks at ``<id>.json`` first, then scans."""
    named = _by_name(standard_id)
    if named is not None:
        return named
    for item in installed()[0]:
        if item.standard.id == standard_id:
            return item.standard
    raise StandardNotFound(standard_id)


def _by_name(standard_id: str) -> Standard | None:
    """The standard in the first ``<id>.json`` of the standards folders (``standard_files.folders``) that
    loads and has that id; a user's only if no other account could have changed it
    (``standard_files.user_file_doubt``)."""
    for folder, origin in standard_files.folders():
        candidate = path_text.joined(folder, f"{standard_id}.json")
        if path_text.is_file(candidate) and not (origin == "user" and standard_files.user_file_doubt(candidate)):
            try:
                standard = load_file(candidate)
            except StandardError:
                continue
            if standard.id == standard_id:
                return standard
    return None


def get_with_source(standard_id: str) -> tuple[Standard, str]:
    """:func:`get`, and ``standard_files.digest`` of the files it was loaded from: ``""`` when it was found
    only by the scan, or when those files changed while it loaded (what was worked out from it then is
    not kept under either version's digest)."""
    before = standard_files.digest(standard_id)
    named = _by_name(standard_id)
    if named is None:
        return get(standard_id), ""
    return named, before if before and standard_files.digest(standard_id) == before else ""


def validate_file(path: Path) -> list[tuple[str, str]]:
    """Every problem in a standard file: strict JSON, the JSON Schema, then the semantic checks."""
    try:
        data = _parse(path)
    except StandardError as exc:
        return exc.problems
    problems = schema_problems(data, "standard.schema.json")
    try:
        standard_from_dict(data)
    except StandardError as exc:
        problems.extend(exc.problems)
    return list(dict.fromkeys(problems))


def schema_problems(data: object, schema_name: str) -> list[tuple[str, str]]:
    """JSON Schema problems as ``(json_path, message)``, one per problem, most specific first."""
    import json

    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    schema = json.loads((locations.schemas_dir() / schema_name).read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema)
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        leaf = best_match([error]) if error.context else error
        problems.append((leaf.json_path, _said(leaf)))
    return problems


_JSON_TYPES = {dict: "an object", list: "an array", str: "text", bool: "true or false", type(None): "null",
               int: "a number", float: "a number"}
_LONGEST = 160
"""jsonschema's messages quote the value found, which in a hand-edited file may be a page long (or an
array nested hundreds deep): one clear line names the place and what is wrong, not the whole value."""


def _said(error: Any) -> str:
    if error.validator == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        names = {"string": "text", "object": "an object", "array": "an array", "integer": "a whole number",
                 "number": "a number", "boolean": "true or false", "null": "null"}
        return (f"should be {' or '.join(names.get(w, str(w)) for w in wanted)}, "
                f"not {_JSON_TYPES.get(type(error.instance), 'another kind of value')}")
    message = str(error.message)
    return message if len(message) <= _LONGEST else message[:_LONGEST - 1] + "…"


def rules_problems(standard_path: Path, rules: Any, rules_name: str) -> list[tuple[str, str]]:
    """Every problem a rules file would give the standard it sits beside: its own keys, the schema, the model."""
    try:
        data = _parse(standard_path)
    except StandardError as exc:
        return exc.problems
    merged, problems = with_rules(data, rules, rules_name)
    if problems:
        return problems
    problems = [
        (_rules_problem_path(p, rules, rules_name), m) for p, m in schema_problems(merged, "standard.schema.json")
    ]
    try:
        standard_from_dict(merged)
    except StandardError as exc:
        problems.extend((_rules_problem_path(p, rules, rules_name), m) for p, m in exc.problems)
    return list(dict.fromkeys(problems))


def find(standard_id: str) -> Installed:
    """The installed standard with this id, with its file and origin."""
    for item in installed()[0]:
        if item.standard.id == standard_id:
            return item
    raise StandardNotFound(standard_id)
