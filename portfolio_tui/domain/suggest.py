"""Criteria suggestions: which of a standard's criteria a piece of evidence is probably about.

While the apprentice types a title and a description, the tag picker ranks the criteria by Okapi
BM25 over each criterion's title and text: offline, pure, and fast enough to run on every
keystroke. Words are lower-cased, common English words dropped and stemmed with the Snowball
(Porter 2) English stemmer, so "communicating" meets "communication" and "minutes" meets "minute".
The title counts twice: it is the apprentice's own one-line summary of what the piece shows, where
the description also tells the story around it (names, places, figures).

A criterion's context counts too, as a weaker second field of its document (BM25F, ``CONTEXT``): text the
standard's source ties to it beyond its own wording, quoted verbatim in the standard's file (an ILM
criterion's learning-outcome indicative content and assessment-task guidance: "stakeholders",
"Pareto diagrams"; the brief module a CSP knowledge area heads), and for an imported standard the duties
that list it. Most criteria have none, and then their score is plain BM25. On the bundled samples it neither
gains nor loses (one ILM piece found, one CSP piece lost to a chance word of K1's context; the held-out check
chooses it for three samples of four): the seeds tie text to few criteria, and none to the ODO standard's,
where most misses are. A match on the context is a match on the text (``matching``): the picker's ★ means
the apprentice's words meet what the standard says about the criterion, in its own words or its context.

The apprentice's own earlier pieces help too: when the title being typed is close to the title of a
piece they tagged before ("Minutes of the May team meeting" after "Minutes of the April team
meeting"), that piece's criteria are raised, in proportion to how close the titles are. Only close
titles count (a cosine of ``SIMILAR`` or more over the titles' TF-IDF words), and only the
``NEIGHBOURS`` closest: on the bundled samples, where few titles recur, looser neighbours cost more
than they gave, and these settings neither gain nor lose there (``benchmarks/bench_suggest.py``
measures both, each piece against only the pieces logged before it).

A strong match lends a little to the other criteria of its group (``GROUP``): a piece tagged to one
behaviour is often tagged to another, and one tagged to a learning outcome's criterion to its
neighbours.

Once the text has a word, every criterion is ranked, not only those sharing one with it: the
criteria no earlier piece is tagged to yet come first among the rest (``GAP``), then the standard's
order. An apprentice works towards the criteria they have not evidenced; and a piece is often
tagged to criteria whose wording it never uses (a third of the samples' tags share no word with
their piece), so five places filled by likely criteria beat three by words alone.

Tried on the samples and not kept, since none raised the held-out figure (leave one portfolio out,
``benchmarks/bench_suggest.py``'s check, run on each idea): the evidence kind's usual criteria in
earlier pieces, criteria tagged together before, the words of earlier pieces tagged to a criterion
(nearest pieces or a profile per criterion: both lost pieces), keeping K, S and B mixed in the top
five, the group's title added to each criterion's text, and how often each criterion was tagged before
(overall, for the same kind of evidence, beside the best match): 18 pieces of 43 held out at best, as
today. Words of like meaning, each measured the same way (in order: the best of every setting tried; held
out: settings chosen on the other samples):

- WordNet 3.0 (Debian's wordnet-base; PyPI's readers download it at run time): the text's words widened
  by their synonyms, hypernyms one to three levels up and derivations ("email" to "communication",
  "objectives" to "goal") at a lower weight, 289 settings: 21 in order, 17 held out. Choosing the form and
  weight for each piece knowing its tags (an oracle) reaches 25 of 43: below the target even so.
- GloVe vectors (6B, 50 dimensions, PDDL; a 76 MB wheel): each word of the text joined to the standard's
  nearest words, 19 in order and 16 held out; the text's and each criterion's mean vectors' similarity as
  a further signal, 19 and 17.
- A sentence encoder (all-MiniLM-L6-v2, 90 MB of weights and a runtime: measured to know the ceiling, too
  heavy to ship): ranking by it alone found 13; its similarity beside this ranking, 19 in order, 18 held out.
- The assessment plans: the evidence kind's method (an observation, a professional discussion, the
  work-based project) with its description's words added to the text: 18 at every weight. The seeds
  hardly tie a KSB to a method: CSP's first module ("Knowing your customers") is assessed by the
  professional discussion (the one such sample piece has seven tags), and ODO's presentation shows
  "communication skills" (no ODO sample piece is a presentation).

What the samples' tags need is judgement about behaviour ("Honesty" for a coach's note of a missed
summary, "Right first time" for checking a caller's identity): the tags a piece misses rank at median
place 13 (the benchmark prints it), not just below the fifth, so no weighting of signals of words or
meaning reaches them.

The ranking itself is ours (a few dozen lines over tens of criteria; the BM25 libraries bring NumPy
or SciPy for no gain at this size); only the stemmer is a library, since a stemmer that is right
about English takes hundreds of rules.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped]  # ships no type information

from portfolio_tui.domain.evidence import Evidence
from portfolio_tui.domain.frozen import field, frozen
from portfolio_tui.domain.standard import Criterion

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 2
"""How many times a word of the title counts against one of the description."""
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
STOP_WORDS = frozenset(
    "a about after all also an and any are as at be been being but by can could did do does for from had has "
    "have how i if in into is it its me my no not of on or our out over so some such than that the their them "
    "then there these they this those through to up us was we were what when where which while who will with "
    "would you your".split()
)
NEIGHBOURS = 2
"""How many of the closest earlier pieces lend their criteria."""
SIMILAR = 0.6
"""The least cosine similarity of two titles for the earlier piece to count."""
HISTORY_WEIGHT = 0.6
"""What the closest earlier piece adds, against 1.0 for the best textual match."""
GROUP = 0.1
"""What the best textual match in a criterion's own group lends it, times that match (0 to 1): the criteria a
piece is tagged to often sit together (two behaviours, two criteria of one learning outcome)."""
GAP = 0.3
"""What a criterion that no earlier piece is tagged to adds, against 1.0 for the best textual match: enough
to rank it above a weak match of a criterion already evidenced, not above a good one."""
CONTEXT = 0.3
"""How much a word of a criterion's context counts against one of its own words (BM25F's field weight): the
context says what the criterion covers, but in more words and less precisely than the criterion itself."""
HISTORY = 300
"""How many of the latest tagged pieces are looked at: the apprentice's current habits, and a bound on
the work per keystroke however long the portfolio grows."""
_stemmers = threading.local()


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The Snowball English stem of one lower-case word (cached: the same words come back on every keystroke).
    A Snowball stemmer object keeps state while it works, so each thread has its own."""
    stemmer = getattr(_stemmers, "english", None)
    if stemmer is None:
        stemmer = _stemmers.english = snowballstemmer.stemmer("english")
    return str(stemmer.stemWord(word))


def terms(text: str) -> list[str]:
    """The stemmed words of ``text`` that carry meaning (numbers do not: a year or a figure names no
    criterion, and "2025-26" in two titles does not make them about the same thing). A hyphenated word
    counts as its parts and as one word, so the standard's "e-mails" meets the apprentice's "emails"."""
    found = []
    for word in _WORD.findall(text.lower()):
        parts = word.split("-")
        for part in parts + (["".join(parts)] if len(parts) > 1 else []):
            if part not in STOP_WORDS and len(part) > 1 and not part.isdigit():
                found.append(stem(part))
    return found


def query_terms(title: str, description: str = "", title_weight: int = TITLE_WEIGHT) -> Counter[str]:
    """What a piece says about itself, as BM25 query terms: each word of the title counts ``title_weight`` times."""
    query: Counter[str] = Counter()
    for term in terms(title):
        query[term] += title_weight
    query.update(terms(description))
    return query


@frozen
class CriteriaIndex:
    """BM25F statistics over one standard's criteria, built once per standard: each criterion's own words (its
    title and text) and, as a weaker second field, its context (see ``CONTEXT``)."""

    ids: tuple[str, ...]
    counts: tuple[Counter[str], ...]
    lengths: tuple[int, ...]
    average: float
    idf: dict[str, float]
    k1: float = K1
    b: float = B
    group_of: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Each criterion's group (its learning outcome, KSB area or unit); a criterion outside any group is its own."""
    contexts: tuple[Counter[str], ...] = ()
    """Each criterion's context words, in the order of ``ids`` (empty for one the source says nothing more about)."""
    context_lengths: tuple[int, ...] = ()
    context_average: float = 1.0
    context: float = CONTEXT

    @classmethod
    def build(cls, criteria: Iterable[Criterion], context: Mapping[str, Iterable[str]] | None = None) -> CriteriaIndex:
        """``context``: each criterion's context texts, where not its own ``Criterion.context`` (the services add
        the texts of the duties an imported standard maps to it)."""
        listed = list(criteria)
        counts = tuple(Counter(terms(f"{c.title} {c.text}")) for c in listed)
        texts = [c.context if context is None else context.get(c.id, ()) for c in listed]
        contexts = tuple(Counter(terms(" ".join(t))) for t in texts)
        lengths = tuple(sum(c.values()) for c in counts)
        context_lengths = tuple(sum(c.values()) for c in contexts)
        with_context = [n for n in context_lengths if n]
        frequency: Counter[str] = Counter()
        for count, more in zip(counts, contexts, strict=True):
            frequency.update(count.keys() | more.keys())
        n = len(counts)
        idf = {t: math.log(1 + (n - df + 0.5) / (df + 0.5)) for t, df in frequency.items()}
        return cls(tuple(c.id for c in listed), counts, lengths, (sum(lengths) / n if n else 0.0) or 1.0, idf,
                   group_of={c.id: (c.group_id, "") if c.group_id else ("", c.id) for c in listed},
                   contexts=contexts, context_lengths=context_lengths,
                   context_average=(sum(with_context) / len(with_context)) if with_context else 1.0)

    def scores(self, query: Counter[str]) -> dict[str, float]:
        """Each criterion's BM25F score for the query terms (only those above zero): a term's frequency in the
        criterion's own words and ``context`` times its frequency in the context, each normalised by its field's
        length, make one pseudo-frequency that saturates as BM25's does."""
        found: dict[str, float] = {}
        k1, b = self.k1, self.b
        for cid, count, length, more, more_length in zip(
                self.ids, self.counts, self.lengths, self.contexts, self.context_lengths, strict=True):
            score = 0.0
            own = 1 - b + b * length / self.average
            extra = (self.context / (1 - b + b * more_length / self.context_average)) if more else 0.0
            for term, times in query.items():
                tf = count.get(term, 0) / own
                if extra:
                    tf += extra * more.get(term, 0)
                if tf:
                    score += times * self.idf[term] * tf * (k1 + 1) / (tf + k1)
            if score > 0:
                found[cid] = score
        return found

    def rank(self, title: str, description: str = "", limit: int | None = None) -> list[str]:
        """Criterion ids best match first (ties in the standard's order); none when nothing matches."""
        return ranked(self.scores(query_terms(title, description)), self.ids, limit)


def ranked(scores: dict[str, float], order: tuple[str, ...], limit: int | None = None) -> list[str]:
    """The ids with a score, highest first, ties in the standard's order."""
    position = {cid: i for i, cid in enumerate(order)}
    best = sorted(scores, key=lambda cid: (-scores[cid], position[cid]))
    return best[:limit] if limit is not None else best


@frozen
class Earlier:
    """One earlier tagged piece, as far as suggestions care: its title's weighted terms and its criteria."""

    vector: dict[str, float]
    criteria: tuple[str, ...]


@frozen
class Suggester:
    """Ranks one standard's criteria for what is being typed, from their texts and the apprentice's own
    earlier tagged pieces (see the module's docstring). Built once when the form opens."""

    index: CriteriaIndex
    earlier: tuple[Earlier, ...] = ()
    idf: dict[str, float] | None = None
    neighbours: int = NEIGHBOURS
    similar: float = SIMILAR
    weight: float = HISTORY_WEIGHT
    title_weight: int = TITLE_WEIGHT
    evidenced: frozenset[str] = frozenset()
    """The criteria some earlier piece is tagged to."""
    gap: float = GAP
    group: float = GROUP

    @classmethod
    def build(cls, index: CriteriaIndex, earlier: Iterable[Evidence] = (), *, neighbours: int = NEIGHBOURS,
              similar: float = SIMILAR, weight: float = HISTORY_WEIGHT) -> Suggester:
        """``earlier``: the pieces logged before (any order; the latest ``HISTORY`` tagged ones lend their
        criteria by title, all of them say which criteria are evidenced)."""
        known = set(index.ids)
        tagged = [e for e in earlier if any(c in known for c in e.criteria)]
        evidenced = frozenset(c for e in tagged for c in e.criteria if c in known)
        tagged = sorted(tagged, key=lambda e: (e.date, e.id))[-HISTORY:]
        titles = [Counter(terms(e.title)) for e in tagged]
        frequency: Counter[str] = Counter()
        for title in titles:
            frequency.update(title.keys())
        n = len(titles)
        idf = {t: math.log((n + 1) / (df + 1)) + 1 for t, df in frequency.items()}
        pieces = tuple(
            Earlier(_unit({t: times * idf[t] for t, times in title.items()}),
                    tuple(c for c in e.criteria if c in known))
            for title, e in zip(titles, tagged, strict=True)
        )
        return cls(index, pieces, idf, neighbours, similar, weight, evidenced=evidenced)

    def scores(self, title: str, description: str = "") -> dict[str, float]:
        """Each criterion's score: its BM25 match scaled so the best is 1.0, plus ``weight`` times the title
        similarity (0 to 1) of each of the closest earlier pieces tagged to it, plus ``group`` times the best
        match in its group, plus ``gap`` when no earlier piece is tagged to it. Every criterion has one once
        the text has a word; none before."""
        query = query_terms(title, description, self.title_weight)
        if not query:
            return {}
        lexical, lent = self._signals(title, query)
        groups = self.index.group_of
        best: dict[tuple[str, str], float] = {}
        for cid, score in lexical.items():
            best[groups[cid]] = max(best.get(groups[cid], 0.0), score)
        return {cid: lexical.get(cid, 0.0) + self.weight * lent.get(cid, 0.0)
                + self.group * best.get(groups[cid], 0.0)
                + (self.gap if cid not in self.evidenced else 0.0) for cid in self.index.ids}

    def matching(self, title: str, description: str = "") -> frozenset[str]:
        """The criteria the text itself points to: a word in common with the criterion (its own words or its
        context), or the tag of an earlier piece with a close title. The rest of a ranking is there because it is
        not evidenced yet or sits beside a match, and the picker marks it apart so a ★ always means "your words
        say this"."""
        query = query_terms(title, description, self.title_weight)
        if not query:
            return frozenset()
        lexical, lent = self._signals(title, query)
        return frozenset(cid for cid, score in (*lexical.items(), *lent.items()) if score > 0)

    def _signals(self, title: str, query: Counter[str]) -> tuple[dict[str, float], dict[str, float]]:
        """The text's own evidence for each criterion: its BM25 match (best 1.0) and what close earlier titles lend."""
        lexical = _scaled(self.index.scores(query))
        lent = self._lent(title) if self.earlier and self.weight else {}
        return lexical, lent

    def _lent(self, title: str) -> dict[str, float]:
        idf = self.idf or {}
        unseen = math.log(len(self.earlier) + 1) + 1  # a word no earlier title has: the rarest there is
        query = _unit({t: times * idf.get(t, unseen) for t, times in Counter(terms(title)).items()})
        if not query:
            return {}
        similarity = [(sum(w * piece.vector.get(t, 0.0) for t, w in query.items()), i)
                      for i, piece in enumerate(self.earlier)]
        closest = sorted((s for s in similarity if s[0] >= self.similar), key=lambda s: (-s[0], -s[1]))
        lent: dict[str, float] = {}
        for score, i in closest[: self.neighbours]:
            for cid in self.earlier[i].criteria:
                lent[cid] = lent.get(cid, 0.0) + score
        return lent

    def rank(self, title: str, description: str = "", limit: int | None = None) -> list[str]:
        """Criterion ids best first (ties in the standard's order); none when nothing matches."""
        return ranked(self.scores(title, description), self.index.ids, limit)


def _unit(vector: dict[str, float]) -> dict[str, float]:
    length = math.sqrt(sum(w * w for w in vector.values()))
    return {t: w / length for t, w in vector.items()} if length else {}


def _scaled(scores: dict[str, float]) -> dict[str, float]:
    top = max(scores.values(), default=0.0)
    return {cid: s / top for cid, s in scores.items()} if top > 0 else {}
