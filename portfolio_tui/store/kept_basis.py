"""A portfolio's readiness basis as bytes and back: what ``services.gateway_cache`` keeps of a file between days.

Reading and checking a file, then working out its coverage, gaps and predicted grade, is most of what a gateway
run costs when nothing is kept for the day (a tutor's first run each morning). None of it depends on the day:
the readiness basis (``domain.gateway.ReadinessBasis``: the coverage of each criterion, the gaps, the grade, the
months with learning in them, and the rest of the portfolio as readiness counts it, its evidence left out) is
kept, and a new day's report is worked out from it alone (``domain.gateway.assess_on``), the file not read again
nor its evidence gone through. It is a twentieth of the file (4.4 KB of 220 KB over 200 pieces) and loads in a
third of the time the file's outline, evidence and all, took.

The bytes are a pickle, made and read here only. They are read only from this account's own private cache
(``store.result_cache``: a 0700 folder and 0600 packs this account owns, each entry checked against its digest),
which no one else can write; even so, reading them makes nothing but the domain's records, dates and plain values
(:class:`_Unpickler`: any other name in the bytes refuses them), and anything wrong in them (a record not a basis,
a part of it not what a basis holds) makes :func:`loads` give ``None``: the file is read afresh.
"""

from __future__ import annotations

import io
import pickle

from portfolio_tui.domain.coverage import CoverageSummary
from portfolio_tui.domain.gateway import ReadinessBasis
from portfolio_tui.domain.grading import Prediction
from portfolio_tui.domain.portfolio import Portfolio

FORMAT = "basis 1"
"""Part of every kept basis's key: a change in the layout below changes it (so does any change in the code)."""
_DATES = frozenset({"date", "datetime", "timedelta", "timezone"})
_PARTS = (("portfolio", Portfolio), ("criteria", dict), ("summary", CoverageSummary), ("gaps", tuple),
          ("groups", tuple), ("duties", tuple), ("prediction", Prediction), ("awaiting_assessment", int),
          ("active_months", frozenset), ("last_day_evidenced", bool), ("changed_outside", tuple))
"""Each part of a basis that is not optional, and what it must be (checked when loaded)."""


def dumps(basis: ReadinessBasis) -> bytes:
    """``basis`` as bytes for :func:`loads`."""
    return pickle.dumps(basis, 5)


def loads(data: bytes) -> ReadinessBasis | None:
    """The basis :func:`dumps` made ``data`` of; ``None`` if it is not one."""
    try:
        found = _Unpickler(io.BytesIO(data)).load()
        if type(found) is not ReadinessBasis or not all(isinstance(getattr(found, name), kind)
                                                       for name, kind in _PARTS):
            return None
        if found.distinction is not None and type(found.distinction) is not CoverageSummary:
            return None
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
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a basis")
