"""``domain.frozen.frozen`` makes what ``dataclass(frozen=True)`` makes: each class is declared twice, once with
each, and the two are held to the same behaviour."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
import sys
import types
from pathlib import Path

import pytest

from portfolio_tui.domain.frozen import frozen

CLASSES = '''
from dataclasses import field
from typing import ClassVar

@decorate
class Empty:
    pass

@decorate
class One:
    """Documented."""
    a: int

@decorate
class Many:
    a: int
    b: str = "x"
    c: tuple = ()
    d: dict = field(default_factory=dict, compare=False)
    e: float = field(default=0.5, repr=False)
    f: list = field(default_factory=list, hash=False)
    g: int = field(default=3, kw_only=True)
    h: list = field(default_factory=lambda: [1], init=False)

@decorate
class OwnMethods:
    a: int
    def __eq__(self, other):
        return True
    def __repr__(self):
        return "mine"

@decorate
class OwnHash:
    a: int
    def __hash__(self):
        return 7

@decorate
class NoHash:
    a: int
    __hash__ = None

@decorate
class Posted:
    a: int
    def __post_init__(self):
        object.__setattr__(self, "seen", self.a * 2)

@decorate
class Child(Many):
    z: int = 9

@decorate
class Nested:
    inner: object = None

@decorate
class Odd:
    """A pseudo-field: made by dataclass's own way (frozen's quick way leaves it to it)."""
    a: int
    b: ClassVar[int] = 3
    c: "ClassVar" = 4
'''


def _declare(decorate):
    module = types.ModuleType(f"frozen_twin_{decorate.__name__}")
    module.decorate = decorate
    sys.modules[module.__name__] = module  # for pickle
    exec(CLASSES, module.__dict__)  # noqa: S102
    return module


OURS = _declare(frozen)
THEIRS = _declare(lambda cls: dataclasses.dataclass(cls, frozen=True))
THEIRS.decorate.__name__ = "dataclass"

EXAMPLES = {
    "Empty": [(), ()],
    "One": [(1,), (2,), (1,)],
    "Many": [(1,), (1, "y", (2,), {"k": 1}, 0.25, [3]), (1, "x", (), {"other": 2}, 0.5, [], )],
    "OwnMethods": [(1,), (2,)],
    "OwnHash": [(1,), (2,)],
    "NoHash": [(1,), (1,)],
    "Posted": [(4,), (5,)],
    "Child": [(1,), (1, "b", (), {}, 0.5, [], 3)],
    "Nested": [(), (1,)],
    "Odd": [(1,), (2,)],
}


def _defaults(cls) -> dict:
    return {name: value for name, value in vars(cls).items() if not name.startswith("__") and not callable(value)}


def _outcome(call):
    try:
        return ("ok", call())
    except Exception as exc:  # noqa: BLE001 - the kind of failure is what is compared
        return (type(exc).__name__, str(exc))


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_each_class_behaves_as_the_dataclass_does(name: str) -> None:
    ours, theirs = getattr(OURS, name), getattr(THEIRS, name)
    assert str(inspect.signature(ours)) == str(inspect.signature(theirs))
    assert ours.__doc__.replace("frozen_twin_frozen", "") == theirs.__doc__.replace("frozen_twin_dataclass", "")
    assert ours.__match_args__ == theirs.__match_args__
    assert [(f.name, f.default, f.compare, f.repr, f.hash, f.init, f.kw_only) for f in dataclasses.fields(ours)] == [
        (f.name, f.default, f.compare, f.repr, f.hash, f.init, f.kw_only) for f in dataclasses.fields(theirs)]
    assert [(f.type, f._field_type, dict(f.metadata), f.default_factory is dataclasses.MISSING)
            for f in dataclasses.fields(ours)] == [(f.type, f._field_type, dict(f.metadata),
                                                    f.default_factory is dataclasses.MISSING)
                                                   for f in dataclasses.fields(theirs)]
    assert _defaults(ours) == _defaults(theirs)  # a field's default as the class's attribute, a factory's none
    assert dataclasses.is_dataclass(ours) and ours.__dataclass_params__.frozen
    assert all(getattr(ours.__dataclass_params__, slot) == getattr(theirs.__dataclass_params__, slot)
               for slot in type(theirs.__dataclass_params__).__slots__)
    assert (ours.__hash__ is None) == (theirs.__hash__ is None)
    made = [(ours(*args), theirs(*args)) for args in EXAMPLES[name]]
    for a, b in made:
        assert repr(a) == repr(b)
        assert vars(a) == vars(b)
        assert _outcome(lambda a=a: hash(a)) == _outcome(lambda b=b: hash(b))
        assert _outcome(lambda a=a: setattr(a, "a", 5)) == _outcome(lambda b=b: setattr(b, "a", 5))
        assert _outcome(lambda a=a: setattr(a, "new", 5)) == _outcome(lambda b=b: setattr(b, "new", 5))
        assert _outcome(lambda a=a: delattr(a, "a")) == _outcome(lambda b=b: delattr(b, "a"))
        assert dataclasses.asdict(a) == dataclasses.asdict(b)
        assert pickle.loads(pickle.dumps(a)) == a and copy.deepcopy(a) == a
        assert dataclasses.replace(a) == a
        assert (a == 1) == (b == 1) and (a != object()) == (b != object())
    for a1, b1 in made:
        for a2, b2 in made:
            assert (a1 == a2) == (b1 == b2)
            assert (a1 != a2) == (b1 != b2)
    assert ours.__eq__.__qualname__.endswith(f"{name}.__eq__")


def test_a_recursive_repr_and_a_too_many_arguments_error_are_the_dataclass_s() -> None:
    for module in (OURS, THEIRS):
        inner = []
        made = module.Nested(inner)
        inner.append(made)
        assert repr(made) == "Nested(inner=[...])"
        with pytest.raises(TypeError, match="takes from 1 to 2 positional arguments but 3 were given"):
            module.Nested(1, 2)


def test_a_dataclass_may_inherit_from_one() -> None:
    child = dataclasses.dataclass(frozen=True)(type("Child", (OURS.One,), {"__annotations__": {"b": "int"}}))
    assert child(1, 2) == child(1, 2) and child(1, 2).b == 2
    with pytest.raises(TypeError, match="non-frozen"):
        dataclasses.dataclass(type("Loose", (OURS.One,), {"__annotations__": {"b": "int"}}))


def test_frozen_inits_holds_each_record_s_init_as_it_would_be_compiled_now(tmp_path) -> None:
    """``domain/frozen_inits.py`` is what ``python -m portfolio_tui.domain.frozen`` writes today: every record of the
    package has its ``__init__`` there, compiled from the very source ``frozen`` would compile, and nothing else."""
    from portfolio_tui.domain import frozen as module
    from portfolio_tui.domain import frozen_inits

    written = tmp_path / "frozen_inits.py"
    module.write_inits(str(written))
    assert written.read_text(encoding="utf-8") == Path(frozen_inits.__file__).read_text(encoding="utf-8"), (
        "domain/frozen_inits.py is stale: run python -m portfolio_tui.domain.frozen")
    assert set(frozen_inits.MADE) == module.made_sources()


def test_a_package_record_s_init_is_the_one_compiled_with_the_package_and_others_are_compiled_as_made() -> None:
    from portfolio_tui.domain.learner import Learner
    from portfolio_tui.domain.standard import Standard

    for record in (Learner, Standard):
        assert record.__init__.__code__.co_filename.endswith("frozen_inits.py")
        assert record.__init__.__qualname__ == f"{record.__name__}.__init__"
    assert OURS.Many.__init__.__code__.co_filename == "<dataclass __init__>"


def test_an_undocumented_record_s_docstring_is_its_signature_as_a_dataclass_writes_it() -> None:
    from portfolio_tui.domain.learner import Learner

    assert Learner.__doc__.startswith("Learner(name: 'str', ")
    assert Learner.__doc__ == Learner.__doc__ and "__doc__" in vars(Learner) and type(vars(Learner)["__doc__"]) is str


@pytest.mark.parametrize("body", [
    "a: list = []",  # a mutable default
    "a: int = field(default=1)\n    b = field(default=2)",  # a field without an annotation
    "a: int = 1\n    b: int",  # no default after one
])
def test_a_class_dataclass_refuses_is_refused_in_its_words(body: str) -> None:
    outcomes = []
    for decorate in (frozen, lambda cls: dataclasses.dataclass(cls, frozen=True)):
        namespace: dict = {"decorate": decorate, "field": dataclasses.field}
        outcomes.append(_outcome(lambda namespace=namespace: exec(  # noqa: S102
            f"@decorate\nclass Broken:\n    {body}\n", namespace)))
    assert outcomes[0] == outcomes[1] and outcomes[0][0] in ("TypeError", "ValueError")


def test_an_init_only_variable_is_refused() -> None:
    module = types.ModuleType("frozen_init_var")
    module.frozen = frozen
    sys.modules[module.__name__] = module  # (where dataclass looks an annotation's name up)
    try:
        with pytest.raises(TypeError, match="InitVar"):
            exec("from dataclasses import InitVar\n"  # noqa: S102
                 "@frozen\nclass Posted:\n    a: InitVar[int]\n", module.__dict__)
    finally:
        del sys.modules[module.__name__]
