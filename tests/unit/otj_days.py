"""Off-the-job hours as a real log holds them: a day's at most 24 (``store.constraints``; the readers count no more)."""

from __future__ import annotations

from datetime import date, timedelta

from portfolio_tui.domain.progress import OtjEntry

DAY = 24.0


def day_by_day(first: date, hours: float, category: str, first_id: int = 1) -> tuple[OtjEntry, ...]:
    """``hours`` logged from ``first`` on, a whole day's each day and the rest on the last: summed in order they are
    ``hours`` to the bit (each partial sum is a whole number, and the last addition is exact)."""
    whole, rest = divmod(hours, DAY)
    amounts = [DAY] * int(whole) + ([rest] if rest else [])
    return tuple(OtjEntry(first_id + i, first + timedelta(i), amount, category) for i, amount in enumerate(amounts))
