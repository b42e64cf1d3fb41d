"""Frozen records: what ``dataclass(frozen=True)`` makes of a class, with one function compiled for it, not six,
and without importing :mod:`dataclasses`.

For each frozen class, a dataclass compiles six functions from source (``__init__``, the two guards that
refuse an assignment, ``__eq__``, ``__hash__``, ``__repr__``), and compiling them was most of what
importing the domain cost: some 50 classes on the way to every ``portfolio gateway`` run that reads a
file (README, start-up). Only ``__init__`` needs code of its own (its parameters are the
fields'); the rest read the fields in order, which closures shared by every class do here
(``operator.attrgetter``, in C). :func:`frozen` makes the fields as a dataclass makes them, checked as it
checks them, and compiles the same ``__init__`` a frozen dataclass has, the fields set through
``object.__setattr__``. What each method does is what the dataclass's own does (``tests/unit/test_frozen.py``
holds them equal, class by class): an assignment or a deletion refused with ``FrozenInstanceError``; equal
when of the same class and every compared field equal; the hash of those fields' tuple; ``Name(field=value,
...)``, a recursive repr shown as ``...``; a method the class defines itself kept.

The :mod:`dataclasses` module itself (with ``inspect``, ``ast``, ``dis`` and ``tokenize`` behind it) cost a
first ``portfolio gateway`` run on one file as much as the interpreter's own start-up, so the domain takes
:func:`field`, :func:`fields`, :func:`replace` and :data:`MISSING` from here, which do what the dataclasses'
do for a record, and a record's ``__dataclass_fields__`` and ``__dataclass_params__`` (what
``dataclasses.fields()``, ``asdict()``, ``replace()`` and a dataclass inheriting read) are made the first time
something asks for them, importing dataclasses then. ``__dataclass_params__`` says frozen, so a dataclass may
inherit.
"""

from __future__ import annotations

import sys
from operator import attrgetter
from reprlib import recursive_repr
from types import MappingProxyType, MemberDescriptorType

from portfolio_tui.domain.frozen_inits import MADE

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from dataclasses import MISSING as MISSING
    from dataclasses import Field as Field
    from dataclasses import field as field
    from dataclasses import fields as fields
    from dataclasses import replace as replace
    from typing import Any, TypeVar, dataclass_transform

    T = TypeVar("T")
else:  # the type checker's mark, which costs nothing at run time without typing

    def dataclass_transform(**_what):
        return lambda decorator: decorator

_UNSET = object()


class _Missing:
    """What a field has no default (or no default factory) of: ``dataclasses.MISSING``, for a record."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


class _Field:
    """A record's field: what a ``dataclasses.Field`` says of one (its name, type text, default or default factory,
    and whether it is in ``__init__``, the repr, the comparison and the hash, keyword only, its metadata)."""

    __slots__ = ("name", "type", "default", "default_factory", "init", "repr", "hash", "compare", "metadata",
                 "kw_only")

    def __init__(self, default: Any, default_factory: Any, init: bool, repr: bool, hash: bool | None,
                 compare: bool, metadata: Any, kw_only: Any) -> None:
        self.name: str = ""
        self.type: Any = None
        self.default, self.default_factory, self.init, self.repr = default, default_factory, init, repr
        self.hash, self.compare, self.kw_only = hash, compare, kw_only
        self.metadata = _NO_METADATA if metadata is None else MappingProxyType(metadata)

    def __repr__(self) -> str:
        return f"Field(name={self.name!r},type={self.type!r},default={self.default!r})"


_NO_METADATA: Any = MappingProxyType({})

if not TYPE_CHECKING:
    MISSING = _Missing()
    Field = _Field

    def field(*, default=MISSING, default_factory=MISSING, init=True, repr=True, hash=None, compare=True,
              metadata=None, kw_only=MISSING):
        """A record's field declared with more than its default, as ``dataclasses.field`` declares one."""
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        return _Field(default, default_factory, init, repr, hash, compare, metadata, kw_only)

    def fields(class_or_instance):
        """A record's fields, in order, as ``dataclasses.fields`` gives them (the defaults' :data:`MISSING` this
        module's)."""
        try:
            return class_or_instance.__frozen_fields__
        except AttributeError:
            raise TypeError("must be called with a dataclass type or instance") from None

    def replace(obj, /, **changes):
        """A copy of the record ``obj`` with ``changes``, as ``dataclasses.replace`` makes it."""
        for f in fields(obj):
            if not f.init:
                if f.name in changes:
                    raise ValueError(f"field {f.name} is declared with init=False, it cannot be specified with "
                                     "replace()")
            elif f.name not in changes:
                changes[f.name] = getattr(obj, f.name)
        return obj.__class__(**changes)


class _Factory:
    """The default of a parameter whose field has a default factory (shown as a dataclass shows it)."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def frozen(cls: type[T]) -> type[T]:
    """``cls`` as ``@dataclass(frozen=True)`` makes it (see the module's docstring)."""
    if any("__dataclass_fields__" in vars(base) and "__frozen_fields__" not in vars(base) for base in cls.__mro__[1:]):
        # The subclass of a dataclass not made here: the dataclass checks it against its bases, so it is made frozen
        # by dataclass (three functions compiled), only the comparison, hash and repr shared.
        import dataclasses

        child = dataclasses.dataclass(cls, frozen=True, repr=False, eq=False)
        child.__frozen_fields__ = tuple(map(_ours, dataclasses.fields(child)))  # type: ignore[attr-defined,arg-type]
        child = _shared(child, guards=False)
        child.__dataclass_params__.repr = child.__dataclass_params__.eq = True  # type: ignore[attr-defined]
        return child
    documented = bool(cls.__dict__.get("__doc__"))
    if not documented:  # so that dataclass does not document it by object's signature, parsed from its text
        cls.__doc__ = cls.__name__
    if not _fielded(cls):  # (what the quick way does not cover: made by dataclass, as written)
        import dataclasses

        dataclasses.dataclass(cls, init=False, repr=False, eq=False)
        if any(f._field_type is dataclasses._FIELD_INITVAR  # type: ignore[attr-defined]
               for f in cls.__dataclass_fields__.values()):  # type: ignore[attr-defined]
            raise TypeError(f"{cls.__name__}: a frozen record takes no InitVar (its __init__ would not)")
        cls.__frozen_fields__ = tuple(map(_ours, dataclasses.fields(cls)))  # type: ignore[attr-defined,arg-type]
        params = cls.__dataclass_params__  # type: ignore[attr-defined]
        params.init = params.repr = params.eq = params.frozen = True  # as the dataclass's, for a dataclass inheriting
    made = _shared(cls, guards=True)
    if not documented:  # a dataclass documents a class without a docstring by its signature (when asked)
        made.__doc__ = _SIGNATURE  # type: ignore[assignment]
    return made


def _fielded(cls: type) -> bool:
    """Give ``cls`` the fields ``dataclass(cls, init=False, repr=False, eq=False)`` gives it (the fields, its bases'
    first, the defaults as class attributes, ``__match_args__``; ``__dataclass_fields__`` and ``__dataclass_params__``
    made when first asked), checked as it checks them, for a plain class of this module's kind: no base with fields
    but records made here, annotations as text (``from __future__ import annotations``), none that could name a
    pseudo-field, no ``__slots__``, no metaclass. False, with nothing done, for any other: then dataclass makes it.
    (Field by field it costs dataclass a few regular expressions, to find the pseudo-fields a plain class has none
    of; ``tests/unit/test_frozen.py`` holds the two equal.)"""
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
    for base in cls.__mro__[-1:0:-1]:  # (as dataclass takes its bases' fields: the furthest first, each kept in place)
        made.update((f.name, f) for f in base.__dict__.get("__frozen_fields__", ()))
    for name, text, default in zip(annotations, annotations.values(), defaults, strict=True):
        f: Any = _as_field(default)
        if f is None:
            f = field(default=default)
        f.name, f.type = name, text
        if f.kw_only is MISSING:
            f.kw_only = False
        if f.default.__class__.__hash__ is None:
            raise ValueError(f"mutable default {type(f.default)} for field {name} is not allowed: use default_factory")
        made[name] = f
    for f in map(made.__getitem__, annotations):
        if _as_field(getattr(cls, f.name, None)) is not None:
            if f.default is MISSING:
                delattr(cls, f.name)
            else:
                setattr(cls, f.name, f.default)
    for name, value in cls.__dict__.items():
        if _as_field(value) is not None and name not in annotations:
            raise TypeError(f"{name!r} is a field but has no type annotation")
    cls.__frozen_fields__ = tuple(made.values())  # type: ignore[attr-defined]
    cls.__dataclass_fields__ = _Introspected("__dataclass_fields__", cls)  # type: ignore[attr-defined]
    cls.__dataclass_params__ = _Introspected("__dataclass_params__", cls)  # type: ignore[attr-defined]
    if "__match_args__" not in cls.__dict__:
        cls.__match_args__ = tuple(  # type: ignore[attr-defined,misc]
            f.name for f in made.values() if f.init and not f.kw_only)
    return True


def _as_field(value: Any) -> Any:
    """``value`` as this module's field if it declares one (made by :func:`field`, or by ``dataclasses.field``
    where something has imported dataclasses); else None."""
    if type(value) is _Field:
        return value
    dataclasses = sys.modules.get("dataclasses")
    if dataclasses is not None and isinstance(value, dataclasses.Field):
        return _ours(value)
    return None


def _ours(f: Any) -> _Field:
    """A ``dataclasses.Field`` as this module's, its :data:`MISSING` this module's."""
    missing = sys.modules["dataclasses"].MISSING
    made = _Field(MISSING if f.default is missing else f.default,
                  MISSING if f.default_factory is missing else f.default_factory,
                  f.init, f.repr, f.hash, f.compare, f.metadata or None, MISSING if f.kw_only is missing else f.kw_only)
    made.name, made.type = f.name, f.type
    return made


class _Introspected:
    """A record's ``__dataclass_fields__`` or ``__dataclass_params__``, made (both at once, importing dataclasses)
    when first read: only introspection reads them (``dataclasses.fields()``, ``asdict()``, ``replace()``, a
    dataclass inheriting), and a gateway run does none."""

    __slots__ = ("name", "owner")

    def __init__(self, name: str, owner: type) -> None:
        self.name, self.owner = name, owner

    def __get__(self, obj: object, objtype: type | None = None) -> Any:
        owner = self.owner
        if type(owner.__dict__.get("__dataclass_fields__")) is _Introspected:
            import dataclasses

            theirs = {f.name: _theirs(dataclasses, f) for f in owner.__frozen_fields__}  # type: ignore[attr-defined]
            template = dataclasses.dataclass(  # (no function compiled for it)
                type("_Template", (), {"__doc__": "-"}), init=False, repr=False, eq=False,
            ).__dataclass_params__  # type: ignore[attr-defined]
            params = object.__new__(type(template))
            for slot in type(template).__slots__:
                object.__setattr__(params, slot, getattr(template, slot))
            params.init = params.repr = params.eq = params.frozen = True  # as the dataclass's, for one inheriting
            type.__setattr__(owner, "__dataclass_fields__", theirs)
            type.__setattr__(owner, "__dataclass_params__", params)
        return owner.__dict__[self.name]


def _theirs(dataclasses: Any, f: _Field) -> Any:
    """This module's field as the ``dataclasses.Field`` a dataclass would have made."""
    missing = dataclasses.MISSING
    made = dataclasses.field(
        default=missing if f.default is MISSING else f.default,
        default_factory=missing if f.default_factory is MISSING else f.default_factory,
        init=f.init, repr=f.repr, hash=f.hash, compare=f.compare, metadata=f.metadata or None, kw_only=f.kw_only)
    made.name, made.type, made._field_type = f.name, f.type, dataclasses._FIELD
    return made


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


def _frozen_error(message: str) -> Exception:
    from dataclasses import FrozenInstanceError

    return FrozenInstanceError(message)


def _shared(made: type[T], *, guards: bool) -> type[T]:
    """``made`` (its fields made) given the shared methods, and, with ``guards``, an ``__init__`` and the guards."""
    every = fields(made)  # type: ignore[arg-type]
    names = frozenset(f.name for f in every)
    compared = _getter([f.name for f in every if f.compare])
    hashed = _getter([f.name for f in every if (f.compare if f.hash is None else f.hash)])
    shown = [f.name for f in every if f.repr]

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is made or name in names:
            raise _frozen_error(f"cannot assign to field {name!r}")
        super(made, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is made or name in names:
            raise _frozen_error(f"cannot delete field {name!r}")
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


_FOLLOWS = ("non-default argument {0!r} follows default argument {1!r}" if sys.version_info >= (3, 13)
            else "non-default argument {0!r} follows default argument")
"""What dataclass says of a field without a default after one with (Python 3.13 names the one with)."""


def _init(cls: type, every: tuple[Field[Any], ...]) -> Callable[..., None]:
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
                raise TypeError(_FOLLOWS.format(f.name, positional[-1].partition(":")[0]))
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
