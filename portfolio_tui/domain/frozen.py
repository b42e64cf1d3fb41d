"""Frozen records: what ``dataclass(frozen=True)`` makes of a class, with one function compiled for it, not six.

For each frozen class, a dataclass compiles six functions from source (``__init__``, the two guards that
refuse an assignment, ``__eq__``, ``__hash__``, ``__repr__``), and compiling them was most of what
importing the domain cost: some 50 classes on the way to every ``portfolio gateway`` run that reads a
file (README, start-up). Only ``__init__`` needs code of its own (its parameters are the
fields'); the rest read the fields in order, which closures shared by every class do here
(``operator.attrgetter``, in C). :func:`frozen` has :func:`dataclasses.dataclass` make the fields
(``fields()``, ``replace()``, ``asdict()`` work as ever) and compiles the same ``__init__`` a frozen
dataclass has, the fields set through ``object.__setattr__``. What each method does is what the
dataclass's own does (``tests/unit/test_frozen.py`` holds them equal, class by class): an assignment or a
deletion refused with ``FrozenInstanceError``; equal when of the same class and every compared field
equal; the hash of those fields' tuple; ``Name(field=value, ...)``, a recursive repr shown as ``...``; a
method the class defines itself kept. ``__dataclass_params__`` says frozen, so a dataclass may inherit.
"""

from __future__ import annotations

import dataclasses
from dataclasses import MISSING, FrozenInstanceError, fields
from operator import attrgetter
from reprlib import recursive_repr
from types import MemberDescriptorType

from portfolio_tui.domain.frozen_inits import MADE

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar, dataclass_transform

    T = TypeVar("T")
else:  # the type checker's mark, which costs nothing at run time without typing

    def dataclass_transform(**_what):
        return lambda decorator: decorator

_UNSET = object()


class _Factory:
    """The default of a parameter whose field has a default factory (shown as a dataclass shows it)."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, dataclasses.Field))
def frozen(cls: type[T]) -> type[T]:
    """``cls`` as ``@dataclass(frozen=True)`` makes it (see the module's docstring)."""
    if any(getattr(base, "__dataclass_params__", None) for base in cls.__mro__[1:]):
        # A dataclass's subclass: the dataclass checks it against its bases, so it is made frozen by dataclass
        # (three functions compiled), only the comparison, hash and repr shared.
        child = _shared(dataclasses.dataclass(cls, frozen=True, repr=False, eq=False), guards=False)
        child.__dataclass_params__.repr = child.__dataclass_params__.eq = True  # type: ignore[attr-defined]
        return child
    documented = bool(cls.__dict__.get("__doc__"))
    if not documented:  # so that dataclass does not document it by object's signature, parsed from its text
        cls.__doc__ = cls.__name__
    if not _fielded(cls):  # (what the quick way does not cover: made by dataclass, as written)
        dataclasses.dataclass(cls, init=False, repr=False, eq=False)
        if any(f._field_type is dataclasses._FIELD_INITVAR  # type: ignore[attr-defined]
               for f in cls.__dataclass_fields__.values()):  # type: ignore[attr-defined]
            raise TypeError(f"{cls.__name__}: a frozen record takes no InitVar (its __init__ would not)")
    made = _shared(cls, guards=True)
    params = made.__dataclass_params__  # type: ignore[attr-defined]
    params.init = params.repr = params.eq = params.frozen = True  # as the dataclass's, for a dataclass inheriting
    if not documented:  # a dataclass documents a class without a docstring by its signature (when asked)
        made.__doc__ = _SIGNATURE  # type: ignore[assignment]
    return made


_TEMPLATE = dataclasses.dataclass(  # (no function compiled for it)
    type("_Template", (), {"__doc__": "-"}), init=False, repr=False, eq=False).__dataclass_params__  # type: ignore[attr-defined]


def _fielded(cls: type) -> bool:
    """Give ``cls`` the fields ``dataclass(cls, init=False, repr=False, eq=False)`` gives it (``__dataclass_fields__``,
    the defaults as class attributes, ``__dataclass_params__``, ``__match_args__``), checked as it checks them, for a
    plain class of this module's kind: no base with fields, annotations as text (``from __future__ import
    annotations``), none that could name a pseudo-field, no ``__slots__``, no metaclass. False, with nothing done,
    for any other: then dataclass makes it. (Field by field it costs dataclass a few regular expressions, to find
    the pseudo-fields a plain class has none of; ``tests/unit/test_frozen.py`` holds the two equal.)"""
    annotations = cls.__dict__.get("__annotations__", {})
    if type(cls) is not type or "__slots__" in cls.__dict__ or not all(
        type(text) is str and "ClassVar" not in text and "InitVar" not in text and "KW_ONLY" not in text
        for text in annotations.values()
    ):
        return False
    defaults = [getattr(cls, name, MISSING) for name in annotations]
    if any(isinstance(default, MemberDescriptorType) for default in defaults):  # a base's slot
        return False
    made: dict[str, Any] = {}
    for name, text, default in zip(annotations, annotations.values(), defaults, strict=True):
        f: Any = default if isinstance(default, dataclasses.Field) else dataclasses.field(default=default)
        f.name, f.type, f._field_type = name, text, dataclasses._FIELD  # type: ignore[attr-defined]
        if f.kw_only is MISSING:
            f.kw_only = False
        if f.default.__class__.__hash__ is None:
            raise ValueError(f"mutable default {type(f.default)} for field {name} is not allowed: use default_factory")
        made[name] = f
    for f in made.values():
        if isinstance(getattr(cls, f.name, None), dataclasses.Field):
            if f.default is MISSING:
                delattr(cls, f.name)
            else:
                setattr(cls, f.name, f.default)
    for name, value in cls.__dict__.items():
        if isinstance(value, dataclasses.Field) and name not in annotations:
            raise TypeError(f"{name!r} is a field but has no type annotation")
    params = object.__new__(type(_TEMPLATE))
    for slot in type(_TEMPLATE).__slots__:
        object.__setattr__(params, slot, getattr(_TEMPLATE, slot))
    cls.__dataclass_params__ = params  # type: ignore[attr-defined]
    cls.__dataclass_fields__ = made  # type: ignore[attr-defined]
    if "__match_args__" not in cls.__dict__:
        cls.__match_args__ = tuple(  # type: ignore[attr-defined,misc]
            f.name for f in made.values() if f.init and not f.kw_only)
    return True


class _Signature:
    """The docstring of a record declared without one: its name and signature, as a dataclass writes it, worked
    out when first read (``inspect`` is no small import, and the text is read only by help and the tests)."""

    def __get__(self, obj: object, owner: type) -> str:
        import inspect

        doc = owner.__name__ + str(inspect.signature(owner)).replace(" -> None", "")
        if owner.__dict__.get("__doc__") is self:
            owner.__doc__ = doc
        return doc


_SIGNATURE = _Signature()


def _shared(made: type[T], *, guards: bool) -> type[T]:
    """``made`` (a dataclass) given the shared methods, and, with ``guards``, an ``__init__`` and the guards."""
    every = fields(made)  # type: ignore[arg-type]  # a dataclass by now
    names = frozenset(f.name for f in every)
    compared = _getter([f.name for f in every if f.compare])
    hashed = _getter([f.name for f in every if (f.compare if f.hash is None else f.hash)])
    shown = [f.name for f in every if f.repr]

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is made or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(made, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is made or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(made, self).__delattr__(name)

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return compared(self) == compared(other)
        return NotImplemented

    def __hash__(self: Any) -> int:
        return hash(hashed(self))

    @recursive_repr()
    def __repr__(self: Any) -> str:
        return f"{self.__class__.__qualname__}({', '.join(f'{name}={getattr(self, name)!r}' for name in shown)})"

    own = made.__dict__
    for guard in (__setattr__, __delattr__) if guards else ():
        if guard.__name__ in own:
            raise TypeError(f"Cannot overwrite attribute {guard.__name__} in class {made.__name__}")
    methods: dict[str, Any] = (
        {"__init__": _init(made, every), "__setattr__": __setattr__, "__delattr__": __delattr__} if guards else {})
    # As a dataclass decides: a hash of its own unless the class set one (the None Python sets after an
    # __eq__ of the class's own is not one it set).
    class_hash = own.get("__hash__", _UNSET)
    if class_hash is _UNSET or (class_hash is None and "__eq__" in own):
        methods["__hash__"] = __hash__
    methods["__eq__"] = __eq__
    methods["__repr__"] = __repr__
    for name, method in methods.items():
        if name == "__hash__" or name not in own:  # a dataclass keeps what the class defines (its hash aside)
            method.__qualname__ = f"{made.__qualname__}.{name}"
            setattr(made, name, method)
    return made


def _init(cls: type, every: tuple[dataclasses.Field[Any], ...]) -> Callable[..., None]:
    """The ``__init__`` a frozen dataclass with these fields has (its parameters annotated alike): each field set
    through ``object.__setattr__``, a default factory called when its field is not given, ``__post_init__``
    called last."""
    scope: dict[str, Any] = {"__dataclass_builtins_object__": object, "__dataclass_HAS_DEFAULT_FACTORY__": _FACTORY,
                             "__dataclass_return_type__": None}
    positional: list[str] = []
    keyword: list[str] = []
    body: list[str] = []
    for f in every:
        default = f"__dataclass_dflt_{f.name}__"
        if f.default is not MISSING:
            scope[default] = f.default
        elif f.default_factory is not MISSING:
            scope[default] = f.default_factory
        if f.init:
            scope[f"__dataclass_type_{f.name}__"] = f.type
            parameter = f"{f.name}:__dataclass_type_{f.name}__"
            if f.default is not MISSING:
                parameter += f"={default}"
            elif f.default_factory is not MISSING:
                parameter += "=__dataclass_HAS_DEFAULT_FACTORY__"
            if not f.kw_only and positional and "=" in positional[-1] and "=" not in parameter:
                raise TypeError(f"non-default argument {f.name!r} follows default argument")  # (as dataclass says)
            (keyword if f.kw_only else positional).append(parameter)
            value = (f"{default}() if {f.name} is __dataclass_HAS_DEFAULT_FACTORY__ else {f.name}"
                     if f.default_factory is not MISSING else f.name)
        elif f.default_factory is not MISSING:
            value = f"{default}()"
        else:
            continue  # not in __init__, no factory: the class's attribute is its default
        body.append(f"  __dataclass_builtins_object__.__setattr__(self,{f.name!r},{value})")
    if hasattr(cls, "__post_init__"):
        body.append("  self.__post_init__()")
    parameters = ", ".join(["self", *positional, *(["*", *keyword] if keyword else [])])
    source = (f"def __create_fn__({', '.join(scope)}):\n"
              f" def __init__({parameters})->__dataclass_return_type__:\n"
              + "\n".join([" " + line for line in body] or ["  pass"]) + "\n return __init__")
    create = MADE.get(source)
    if create is None:  # a record not in frozen_inits (a test's, or one added since it was written): compiled now
        namespace: dict[str, Any] = {}
        # As dataclasses makes it: the defaults are the closure's, nothing global; this module's __future__ import
        # left out, so that the annotations are the fields' types.
        exec(compile(source, "<dataclass __init__>", "exec", dont_inherit=True), {}, namespace)
        create = namespace["__create_fn__"]
        if cls.__module__.startswith(_PACKAGE):
            _MADE_HERE.append(source)
    elif cls.__module__.startswith(_PACKAGE):
        _MADE_HERE.append(create)  # (the function, not its source: a pointer held, not a text)
    init = create(**scope)
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


_PACKAGE = "portfolio_tui."
_MADE_HERE: list[Callable[..., Any] | str] = []
"""Each ``__init__`` made for a record of this package: the function from ``frozen_inits`` that made it, or its
source where it was compiled (see :func:`made_sources`)."""


def made_sources() -> set[str]:
    """The source of each ``__init__`` made so far for a record of this package: what ``frozen_inits`` should hold."""
    by_function = {create: source for source, create in MADE.items()}
    return {made if isinstance(made, str) else by_function[made] for made in _MADE_HERE}


def write_inits(path: str) -> None:
    """Write ``frozen_inits`` (to ``path``): each ``__init__`` the package's records have, compiled there, so that
    importing the package compiles none (a compile per class was most of what importing the domain cost).

    Every module of the package is imported first (its ``__main__`` aside), so that every record is made."""
    import importlib
    import pkgutil

    package = importlib.import_module(_PACKAGE[:-1])
    for found in pkgutil.walk_packages(package.__path__, _PACKAGE):
        if not found.name.endswith(".__main__"):  # (which would start the app)
            importlib.import_module(found.name)
    sources = sorted(made_sources())  # (in an order that does not depend on which module came first)
    lines = [_INITS_HEADER]
    for n, source in enumerate(sources):
        lines.append(source.replace("def __create_fn__(", f"def _{n}(", 1) + "\n\n")
    lines.append('MADE: "dict[str, Callable[..., Callable[..., None]]]" = {\n'
                 + "".join(f"    {source!r}: _{n},\n" for n, source in enumerate(sources)) + "}\n")
    with open(path, "w", encoding="utf-8") as out:
        out.write("\n".join(lines))


_INITS_HEADER = '''"""Each frozen record's ``__init__``, compiled with the package (``domain.frozen``), by its source.

Written by ``python -m portfolio_tui.domain.frozen``; ``tests/unit/test_frozen.py`` holds it current. Each function
is the one :func:`portfolio_tui.domain.frozen._init` would compile from the source it is keyed by (no
``__future__`` import here either, so that the annotations are the fields' types): compiling them when the
package is installed, not at every start, spares a first ``portfolio gateway`` run some 7 ms.
"""

# ruff: noqa: E501

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

'''


if __name__ == "__main__":  # (as the package imports it, not this copy run as a script, whose records are none)
    import os

    from portfolio_tui.domain import frozen as module

    module.write_inits(os.path.join(os.path.dirname(os.path.abspath(__file__)), "frozen_inits.py"))


def _getter(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The fields ``names`` of an object, always as a tuple (``attrgetter`` of one name gives the bare value)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return lambda obj: ()
