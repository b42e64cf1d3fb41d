"""Criteria suggestions: which of a standard's criteria a piece of evidence is probably about.

While the apprentice types a title and a description, the tag picker ranks the criteria by Okapi
BM25 over each criterion's title and text: offline, pure, and fast enough to run on every
keystroke (a standard has tens of criteria). Words are lower-cased, common English words dropped
and a few regular endings stripped, so "minutes" matches "minute" and "meetings" matches "meeting".

A small implementation of our own rather than a library: the ranking is thirty lines, and the
libraries that offer it bring NumPy or a tokenizer model for no gain at this size.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from portfolio_tui.domain.standard import Criterion

K1 = 1.2
B = 0.75
_WORD = re.compile(r"[a-z0-9]+")
STOP_WORDS = frozenset(
    "a about after all also an and any are as at be been being but by can could did do does for from had has "
    "have how i if in into is it its me my no not of on or our out over so some such than that the their them "
    "then there these they this those through to up us was we were what when where which while who will with "
    "would you your".split()
)
_ENDINGS = ("ational", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "ed", "ly", "s")


def stem(word: str) -> str:
    """A light stemmer: one regular ending off, when enough of the word is left to mean something."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)] + ("y" if ending in ("ies", "ied") else "")
    return word


def terms(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(text.lower()) if w not in STOP_WORDS and len(w) > 1]


@dataclass(frozen=True)
class CriteriaIndex:
    """BM25 statistics over one standard's criteria, built once per standard."""

    ids: tuple[str, ...]
    counts: tuple[Counter[str], ...]
    lengths: tuple[int, ...]
    average: float
    idf: dict[str, float]

    @classmethod
    def build(cls, criteria: Iterable[Criterion]) -> CriteriaIndex:
        listed = list(criteria)
        counts = tuple(Counter(terms(f"{c.title} {c.text}")) for c in listed)
        lengths = tuple(sum(c.values()) for c in counts)
        average = (sum(lengths) / len(lengths)) if lengths else 0.0
        frequency: Counter[str] = Counter()
        for count in counts:
            frequency.update(count.keys())
        n = len(counts)
        idf = {t: math.log(1 + (n - df + 0.5) / (df + 0.5)) for t, df in frequency.items()}
        return cls(tuple(c.id for c in listed), counts, lengths, average or 1.0, idf)

    def scores(self, text: str) -> dict[str, float]:
        """Each criterion's BM25 score for ``text`` (only those above zero)."""
        query = Counter(terms(text))
        found: dict[str, float] = {}
        for cid, count, length in zip(self.ids, self.counts, self.lengths, strict=True):
            score = 0.0
            norm = K1 * (1 - B + B * length / self.average)
            for term, times in query.items():
                tf = count.get(term)
                if tf:
                    score += times * self.idf[term] * tf * (K1 + 1) / (tf + norm)
            if score > 0:
                found[cid] = score
        return found

    def rank(self, text: str, limit: int | None = None) -> list[str]:
        """Criterion ids best match first (ties in the standard's order); none when nothing matches."""
        scores = self.scores(text)
        order = {cid: i for i, cid in enumerate(self.ids)}
        ranked = sorted(scores, key=lambda cid: (-scores[cid], order[cid]))
        return ranked[:limit] if limit is not None else ranked
