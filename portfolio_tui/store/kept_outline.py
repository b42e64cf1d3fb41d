"""A portfolio's outline as bytes and back: what ``services.gateway_cache`` keeps of a file between days.

Reading and checking a file is most of what a gateway run costs when nothing is kept for the day (a
tutor's first run each morning): the outline it yields (``store.outline``: the records readiness reads,
each checked, and what readers do not believe, ``changed_outside``) does not depend on the day, so it is
kept, and a new day's report is worked out from it without reading the file again.

The bytes are a pickle, made and read here only: the evidence as columns (one tuple per field an
:class:`~portfolio_tui.domain.portfolio.EvidenceOutline` holds, rebuilt column by column in C, as
``store.records.evidence_outlines`` builds them), the rest as the domain's records. They are read only from
this account's own private cache (``store.result_cache``: a 0700 folder and 0600 packs this account owns,
each entry checked against its digest), which no one else can write; even so, reading them makes nothing
but the domain's records, dates and plain values (:class:`_Unpickler`: any other name in the bytes refuses
them), and anything wrong in them makes :func:`loads` give ``None``: the file is read afresh.
"""

from __future__ import annotations

import io
import pickle
from collections import deque
from itertools import repeat
from operator import attrgetter

from portfolio_tui.domain.portfolio import KEPT, EvidenceOutline, PortfolioOutline

FORMAT = "outline 1"
"""Part of every kept outline's key: a change in the layout below changes it (so does any change in the code)."""
_OTHERS = tuple(name for name in PortfolioOutline.__match_args__ if name not in ("evidence", "comments"))
"""The outline's fields but its evidence and comments (``__match_args__``: its fields in order, known without
importing ``dataclasses``, which a first run over one file does without)."""
_COLUMNS = tuple(map(attrgetter, KEPT))
_SLOTS = tuple(EvidenceOutline.__dict__[name] for name in KEPT)
_DATES = frozenset({"date", "datetime", "timedelta", "timezone"})


def dumps(outline: PortfolioOutline) -> bytes:
    """``outline`` as bytes for :func:`loads`. (An outline never holds comments.)"""
    evidence = outline.evidence
    columns = tuple(tuple(map(column, evidence)) for column in _COLUMNS)
    return pickle.dumps((len(evidence), columns, tuple(getattr(outline, name) for name in _OTHERS)), 5)


def loads(data: bytes) -> PortfolioOutline | None:
    """The outline :func:`dumps` made ``data`` of; ``None`` if it is not one."""
    try:
        count, columns, others = _Unpickler(io.BytesIO(data)).load()
        if type(count) is not int or len(columns) != len(_SLOTS) or len(others) != len(_OTHERS) or any(
                type(column) is not tuple or len(column) != count for column in columns):
            return None
        made = list(map(object.__new__, repeat(EvidenceOutline, count)))
        for slot, column in zip(_SLOTS, columns, strict=True):
            deque(map(slot.__set__, made, column), maxlen=0)
        found = PortfolioOutline(evidence=tuple(made), comments=(), **dict(zip(_OTHERS, others, strict=True)))
    except Exception:  # noqa: BLE001 (whatever is wrong in bytes that only spare work: they are not used)
        return None
    return found


class _Unpickler(pickle.Unpickler):
    """Makes the domain's records (classes of ``portfolio_tui.domain``), dates and plain values, and nothing else.

    A class only by its own name in the module that defines it: a dotted name walks attributes, and a name a domain
    module imports (``operator.attrgetter``) is a class too, from which a pickle calls its way to ``os``."""

    def find_class(self, module: str, name: str) -> type:
        if "." not in name and not name.startswith("_") and (
                (module == "datetime" and name in _DATES) or module.startswith("portfolio_tui.domain.")):
            found = super().find_class(module, name)
            if isinstance(found, type) and found.__module__ == module:
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not part of an outline")
