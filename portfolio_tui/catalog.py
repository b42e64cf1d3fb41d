"""The installed standards: those shipped with the app and the user's own, read from JSON files.

Loading is lazy and by id (``<id>.json`` first), so a headless command pays for the one standard
it needs. Full JSON Schema validation (jsonschema) runs only when asked, by ``validate_file``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from portfolio_tui import locations
from portfolio_tui.domain.standard import Standard, StandardError, standard_from_dict
from portfolio_tui.jsonfile import JsonFileError, loads_strict


class StandardNotFound(LookupError):
    def __init__(self, standard_id: str):
        self.standard_id = standard_id
        super().__init__(f"no installed standard has id '{standard_id}' (see `portfolio standards list`)")


@dataclass(frozen=True)
class Installed:
    standard: Standard
    path: Path
    origin: str  # "shipped" or "user"


@dataclass(frozen=True)
class Broken:
    """A user's standard file that could not be loaded; listed, never fatal."""

    path: Path
    problems: tuple[tuple[str, str], ...]


def _parse(path: Path) -> Any:
    """The file's strict JSON, or :class:`StandardError` saying why it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
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
        return loads_strict(text)
    except JsonFileError as exc:
        raise StandardError([("$", str(exc))]) from None


@lru_cache(maxsize=64)
def _load_cached(path: Path, mtime_ns: int) -> Standard:
    return standard_from_dict(_parse(path))


def load_file(path: Path) -> Standard:
    """Load one standard file, or raise :class:`StandardError` with every problem found."""
    path = Path(path)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise StandardError([("$", f"cannot read the file: {exc.strerror}")]) from None
    return _load_cached(path.resolve(), mtime)


def _dirs() -> list[tuple[Path, str]]:
    return [(locations.user_standards_dir(), "user"), (locations.shipped_standards_dir(), "shipped")]


def installed() -> tuple[list[Installed], list[Broken]]:
    """Every installed standard (user files first, so a user may override a shipped id) and the broken files."""
    found: dict[str, Installed] = {}
    broken: list[Broken] = []
    for folder, origin in _dirs():
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.json")):
            try:
                standard = load_file(path)
            except StandardError as exc:
                broken.append(Broken(path, tuple(exc.problems)))
                continue
            found.setdefault(standard.id, Installed(standard, path, origin))
    return sorted(found.values(), key=lambda i: i.standard.id), broken


def get(standard_id: str) -> Standard:
    """The installed standard with this id; looks at ``<id>.json`` first, then scans."""
    for folder, _ in _dirs():
        candidate = folder / f"{standard_id}.json"
        if candidate.is_file():
            try:
                standard = load_file(candidate)
            except StandardError:
                continue
            if standard.id == standard_id:
                return standard
    for item in installed()[0]:
        if item.standard.id == standard_id:
            return item.standard
    raise StandardNotFound(standard_id)


def validate_file(path: Path) -> list[tuple[str, str]]:
    """Every problem in a standard file: strict JSON, the JSON Schema, then the semantic checks."""
    try:
        data = _parse(Path(path))
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
        problems.append((leaf.json_path, leaf.message))
    return problems
