"""A kept readiness basis's bytes make only the domain's records, dates and plain values (``store.kept_basis``).

The pickles live in the account's own private cache, so whoever could write one could already run code as the
account; the restricted unpickler is the second wall, and it must hold: a pickle that reaches a class a domain
module merely imports (``operator.attrgetter``), or walks a dotted name, calls nothing.
"""

from __future__ import annotations

import io
import pickle
import struct
from pathlib import Path

import pytest

from portfolio_tui.store import kept_basis


def _global(module: str, name: str) -> bytes:
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def _text(value: str) -> bytes:
    data = value.encode()
    return b"X" + struct.pack("<I", len(data)) + data


def _call(function: bytes, argument: bytes) -> bytes:
    return function + argument + b"\x85R"  # TUPLE1, REDUCE


def _makes_folder(where: Path, getter: tuple[str, str]) -> bytes:
    """A pickle that calls ``os.mkdir(where)`` with nothing but ``getter`` (a class named in a domain module) and
    one of the domain's own records."""
    attrgetter = _global(*getter)

    def get(attribute: str) -> bytes:
        return _call(attrgetter, _text(attribute))

    evidence = _global("portfolio_tui.domain.evidence", "Evidence")
    module_globals = _call(get("outcome_for.__globals__"), evidence)
    builtins = _call(_call(get("get"), module_globals), _text("__builtins__"))
    imported = _call(_call(get("get"), builtins), _text("__import__"))
    os_module = _call(imported, _text("os"))
    return b"\x80\x05" + _call(_call(get("mkdir"), os_module), _text(str(where))) + b"."


@pytest.mark.parametrize("getter", [("portfolio_tui.domain.evidence", "attrgetter"),
                                    ("portfolio_tui.domain.learning_months", "attrgetter")])
def test_a_basis_s_bytes_call_nothing(tmp_path: Path, getter: tuple[str, str]) -> None:
    where = tmp_path / "made"
    assert kept_basis.loads(_makes_folder(where, getter)) is None
    assert not where.exists()


def test_a_class_a_domain_module_imports_or_a_dotted_name_is_not_made() -> None:
    for module, name in (("portfolio_tui.domain.evidence", "attrgetter"), ("portfolio_tui.domain.evidence", "date"),
                         ("portfolio_tui.domain.evidence", "Judgement.__class__")):
        with pytest.raises(pickle.UnpicklingError):
            kept_basis._Unpickler(io.BytesIO(b"\x80\x05" + _global(module, name) + b".")).load()
