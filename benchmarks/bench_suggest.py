"""Criteria suggestions, measured on hand-tagged evidence: ``python benchmarks/bench_suggest.py``.

Every live piece of evidence in the bundled sample portfolios that a person tagged to criteria is
typed again, as it were, in its portfolio's order (date, then id): its title and description are
ranked by exactly what the tag picker uses (``services.suggestions.criteria_suggester``), knowing
only the pieces logged BEFORE it in the same portfolio, which is all the apprentice had then
(prequential evaluation). The top 5 suggestions are compared with the piece's tags. Printed:

- every tagged criterion in the top 5 (the headline; target: at least 60% of pieces), per sample
  and overall; floor 100% (every piece), ratio figure/floor;
- at least one tagged criterion in the top 5; recall at 5 (the share of all tags found in their
  piece's top 5);
- context: tags per piece (a piece tagged to more than 5 criteria cannot have them all in 5
  places), and how many tags share no word at all with their piece's text (no ranking by words can
  find those);
- the text-only ranking beside the full one, so what the earlier pieces add (criteria lent by close
  titles, criteria not yet evidenced first) is seen;
- the ceiling for any ranking by words: the pieces with at most 5 tags that each share a word with
  the piece's text;
- where the tagged criteria that miss the top 5 rank (a miss at place 6 is a near one that a weight could fix, one
  at place 15 of 22 needs a signal the ranking does not have);
- the ceilings of the signals: the pieces whose tags could all be in the top 5 if each signal's
  weight (the criteria's context, the earlier pieces' titles, the group's best match, the gaps) were
  chosen for that piece knowing its tags, an oracle no ranking can be, for the words alone, each signal beside them and
  all of them: what the signals could ever reach on these pieces, however they are tuned;
- held out: the settings (the title's weight, BM25's ``b``, the context's weight, the earlier pieces' neighbours,
  similarity and weight, the group's and the gap's weights) chosen on the other samples and scored
  on each sample in turn (leave one portfolio out), since the shipped settings were chosen after
  looking at all of the samples;
- time per ranking (one keystroke) on the shipped standard with the most criteria, at a realistic
  portfolio size, against one pass over the words it must look at (the floor);
- the typing feel: a key typed into the evidence form's title, to the frame with the new
  suggestions, against the same with suggestions off (the floor).

It prints; it asserts nothing.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import shutil
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from portfolio_tui.domain.suggest import Suggester

TOP = 5
TARGET = 0.6
GRID = {"title_weight": (1, 2, 3), "b": (0.5, 0.75, 0.9), "context": (0.0, 0.3, 0.6), "neighbours": (1, 2),
        "similar": (0.4, 0.7), "weight": (0.0, 0.3, 0.6), "group": (0.0, 0.1, 0.3), "gap": (0.0, 0.15, 0.3, 0.45)}
"""The settings the held-out check chooses from: the title's weight, BM25's length normalisation ``b`` and the
weight of a criterion's context against its own words (the text), the earlier pieces' (weight 0: none lent),
what the best match in a criterion's group lends it and what a criterion not yet evidenced adds (gap)."""
INDEXED = ("b", "context")
"""The settings that belong to the criteria's index rather than to the ranking over it."""
TEXT_ONLY = {"weight": 0.0, "gap": 0.0}
"""The ranking without what the earlier pieces teach (no criteria lent, no gaps)."""
SIGNALS = {"context": "context", "earlier pieces' titles": "weight", "group": "group", "gaps": "gap"}
"""The signals beside the text, by the setting that weighs each."""
ORACLE = (0.0, 0.1, 0.2, 0.3, 0.5, 0.8, 1.2, 2.0, 5.0)
"""The weights the ceilings try for each signal, against 1.0 for the best textual match."""


@dataclass
class Tally:
    pieces: int = 0
    any_in: int = 0
    all_in: int = 0
    tags: int = 0
    found: int = 0

    def add(self, tagged: set[str], top: set[str]) -> None:
        self.pieces += 1
        self.any_in += bool(tagged & top)
        self.all_in += tagged <= top
        self.tags += len(tagged)
        self.found += len(tagged & top)

    def __iadd__(self, other: Tally) -> Tally:
        for f in dataclasses.fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self

    @property
    def headline(self) -> float:
        return self.all_in / self.pieces if self.pieces else 0.0

    def line(self) -> str:
        n = self.pieces or 1
        return (f"all in top {TOP} {self.all_in:>2}/{self.pieces:<2} {self.all_in / n:>4.0%}   "
                f"any in top {TOP} {self.any_in / n:>4.0%}   recall@{TOP} {self.found / (self.tags or 1):>4.0%}")


def samples() -> list[tuple[str, object, list]]:
    from portfolio_tui import catalog
    from portfolio_tui.locations import samples_dir
    from portfolio_tui.store.reading import read_portfolio

    found = []
    for path in sorted(samples_dir().glob("*.json")):
        portfolio = read_portfolio(path)
        pieces = sorted(portfolio.live_evidence, key=lambda e: (e.date, e.id))
        if any(e.criteria for e in pieces):
            found.append((path.name, catalog.get(portfolio.learner.standard_id), pieces))
    return found


def suggesters(sample: tuple[str, object, list]) -> list[tuple[set[str], Suggester]]:
    """Each tagged piece's tags and the ranking it would have met, knowing only the pieces before it."""
    from portfolio_tui.services.suggestions import criteria_suggester

    _, standard, pieces = sample
    return [(set(piece.criteria), criteria_suggester(standard, pieces[:i]))
            for i, piece in enumerate(pieces) if piece.criteria]


def prequential(sample: tuple[str, object, list], settings: dict | None = None) -> Tally:
    """The sample replayed in order; ``settings`` (names of ``GRID``) change the ranking's settings."""
    _, _, pieces = sample
    tagged = [p for p in pieces if p.criteria]
    return replay(suggesters(sample), tagged, settings)


def replay(built: list[tuple[set[str], Suggester]], tagged: list, settings: dict | None = None) -> Tally:
    tally = Tally()
    for (tags, suggester), piece in zip(built, tagged, strict=True):
        if settings:
            suggester = configured(suggester, settings)
        tally.add(tags, set(suggester.rank(piece.title, piece.description, TOP)))
    return tally


def configured(suggester: Suggester, settings: dict) -> Suggester:
    """``suggester`` with ``settings`` (names of ``GRID``) in place of its own."""
    index = dataclasses.replace(suggester.index, **{k: v for k, v in settings.items() if k in INDEXED})
    return dataclasses.replace(suggester, index=index, **{k: v for k, v in settings.items() if k not in INDEXED})


def context(all_samples: list) -> None:
    from portfolio_tui.domain.suggest import terms

    per_piece: Counter[int] = Counter()
    tags = unmatched = reachable = 0
    contained: dict[str, str] = {}
    for _, standard, pieces in all_samples:
        texts = {c.id: set(terms(f"{c.title} {c.text}")) for c in standard.all_criteria()}
        within = sum(any(a != b and words <= texts[b] for b in texts) for a, words in texts.items())
        contained[standard.id] = f"{within} of {len(texts)}"
        for piece in pieces:
            if not piece.criteria:
                continue
            per_piece[len(piece.criteria)] += 1
            words = set(terms(f"{piece.title} {piece.description}"))
            missing = sum(not (texts.get(cid, set()) & words) for cid in piece.criteria)
            tags += len(piece.criteria)
            unmatched += missing
            reachable += not missing and len(piece.criteria) <= TOP
    over = sum(n for k, n in per_piece.items() if k > TOP)
    print(f"ceiling for any ranking by words: {reachable} of {sum(per_piece.values())} pieces "
          f"({reachable / sum(per_piece.values()):.0%}) have at most {TOP} tags that each share a word with the text")
    spread = ", ".join(f"{k}: {n}" for k, n in sorted(per_piece.items()))
    print(f"context: tags per piece {{{spread}}}; {over} piece(s) have more than {TOP} tags (all-in-top-{TOP} "
          f"impossible); {unmatched} of {tags} tags ({unmatched / tags:.0%}) share no word with their piece's text")
    print("criteria whose every word is also in another criterion of the standard (words that match "
          "one match the other): " + ", ".join(f"{sid} {n}" for sid, n in contained.items()))


def misses(all_samples: list) -> None:
    """Where each tagged criterion that is not in its piece's top 5 ranks, in the full ranking of its standard."""
    places: list[int] = []
    sizes: dict[str, int] = {}
    for sample in all_samples:
        tagged = [p for p in sample[2] if p.criteria]
        for (tags, suggester), piece in zip(suggesters(sample), tagged, strict=True):
            order = suggester.rank(piece.title, piece.description)
            sizes[sample[1].id] = len(suggester.index.ids)
            places += [order.index(t) + 1 if t in order else len(suggester.index.ids) for t in tags
                       if t not in order[:TOP]]
    if not places:
        return
    far = sum(p > 2 * TOP for p in places)
    print(f"the {len(places)} tags missing from their piece's top {TOP} rank at median place "
          f"{statistics.median(places):g} ({far} beyond place {2 * TOP}; criteria per standard: "
          + ", ".join(f"{sid} {n}" for sid, n in sizes.items()) + ")")


def ceilings(all_samples: list) -> None:
    """The most any weighting of the signals could do, the weights chosen for each piece on its own tags (an
    oracle no ranking can be): what each signal can reach at all on these pieces."""
    built = [(sample, suggesters(sample), [p for p in sample[2] if p.criteria]) for sample in all_samples]
    pieces = sum(len(tagged) for _, _, tagged in built)

    def reached(names: tuple[str, ...]) -> int:
        combos = [dict(zip([SIGNALS[n] for n in names], values, strict=True))
                  for values in itertools.product(ORACLE, repeat=len(names))]
        zero = dict.fromkeys(SIGNALS.values(), 0.0)
        count = 0
        for _, suggesters_, tagged in built:
            for (tags, suggester), piece in zip(suggesters_, tagged, strict=True):
                count += any(tags <= set(configured(suggester, {**zero, **combo}).rank(
                    piece.title, piece.description, TOP)) for combo in combos)
        return count

    rows = [("words alone", ())] + [(f"words + {n}", (n,)) for n in SIGNALS] + [("all of them", tuple(SIGNALS))]
    print("ceilings (each signal's weight against the text's chosen for each piece on its own tags, an oracle no "
          "ranking can be):")
    for label, names in rows:
        n = reached(names)
        print(f"  {label:<32} all in top {TOP} {n:>2}/{pieces:<2} {n / pieces:>4.0%}")


def held_out(all_samples: list) -> Tally:
    """Leave one portfolio out: the grid's best settings on the others, scored on the one left out."""
    combos = [dict(zip(GRID, values, strict=True)) for values in itertools.product(*GRID.values())]
    scored = {}
    for i, sample in enumerate(all_samples):
        built = suggesters(sample)
        tagged = [p for p in sample[2] if p.criteria]
        scored[i] = [replay(built, tagged, c) for c in combos]
    total = Tally()
    for i, sample in enumerate(all_samples):
        def on_others(k: int, i: int = i) -> tuple[float, float]:
            others = Tally()
            for j in scored:
                if j != i:
                    others += scored[j][k]
            return others.headline, others.found / (others.tags or 1)

        best = max(range(len(combos)), key=on_others)
        chosen = ", ".join(f"{k} {v:g}" for k, v in combos[best].items())
        print(f"  {sample[0]:<22} {scored[i][best].line()}   (chosen on the others: {chosen})")
        total += scored[i][best]
    return total


def timing() -> None:
    """One keystroke's ranking on the shipped standard with the most criteria, with the latest ``HISTORY`` pieces
    of a long portfolio behind it."""
    from portfolio_tui import catalog, locations
    from portfolio_tui.domain.evidence import Evidence
    from portfolio_tui.domain.suggest import HISTORY, query_terms, terms
    from portfolio_tui.services.suggestions import criteria_suggester

    shipped = [catalog.load_file(path) for path in sorted(locations.shipped_standards_dir().glob("*.json"))
               if catalog.is_standard_file(path)]
    standard = max(shipped, key=lambda s: (len(s.criteria), s.id))
    ids = [c.id for c in standard.all_criteria()]
    subjects = ("team meeting minutes", "letter to a customer", "coach report on calls", "performance review",
                "reflective account", "witness testimony", "observed call", "project report")
    pieces = [Evidence(i, f"{subjects[i % len(subjects)]} {i}", date(2020, 1, 1) + timedelta(days=i // 5), "product",
                       (ids[i % len(ids)], ids[(i * 7) % len(ids)]), f"What I did in piece {i}.")
              for i in range(1, 20_001)]
    start = time.perf_counter()
    suggester = criteria_suggester(standard, pieces)
    built = time.perf_counter() - start
    title = "Letter to a customer explaining a time-to-pay arrangement"
    description = " ".join(["I explained the instalment dates and what happens if a payment is missed, checked "
                            "the customer's circumstances and recorded the call on the case notes."] * 4)
    ours: list[float] = []
    floors: list[float] = []
    for cut in range(10, len(description), 25):
        start = time.perf_counter()
        suggester.rank(title, description[:cut], TOP)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        query = query_terms(title, description[:cut])
        sum(1 for count in suggester.index.counts for term in count if term in query)
        sum(1 for piece in suggester.earlier for term in piece.vector if term in query)
        floors.append(time.perf_counter() - start)
    ours_us, floor_us = statistics.median(ours) * 1e6, statistics.median(floors) * 1e6
    print(f"time per ranking (one keystroke; {standard.id}, {len(suggester.index.ids)} criteria, the latest {HISTORY} "
          f"of 20,000 tagged pieces, a {len(terms(description))}-word description): {ours_us:.0f} us (max "
          f"{max(ours) * 1e3:.1f} ms; budget 50 ms)  floor (tokenising the text, one pass over the words looked "
          f"at) {floor_us:.0f} us  ratio {ours_us / floor_us:.1f}x")
    print(f"building the suggester as the form opens over 20,000 pieces: {built * 1e3:.0f} ms")


async def form_keys(path: Path, suggesting: bool, typed: str, work: list[float]) -> list[float]:
    """Each character is put into the evidence form's title as typing does; the clock stops when the frame
    after the picker's new suggestions is drawn (or, suggestions off, the frame after the keystroke). The
    picker's own work for each key (ranking, and refilling the list when the suggestions changed) goes in
    ``work``."""
    from textual.widgets import Input

    from portfolio_tui.tui.factory import build_app
    from portfolio_tui.tui.screens.evidence_form import EvidenceForm
    from portfolio_tui.tui.widgets.criteria_picker import CriteriaPicker

    app = build_app(path, as_of=date(2026, 12, 1))
    times: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("a")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EvidenceForm)
        picker = screen.query_one(CriteriaPicker)
        suggest = picker.suggest
        drawn = asyncio.Event()

        def timed(title: str, description: str) -> None:
            if suggesting:
                start = time.perf_counter()
                suggest(title, description)
                work.append(time.perf_counter() - start)
            screen.call_after_refresh(drawn.set)

        picker.suggest = timed  # type: ignore[method-assign]
        box = screen.query_one("#title", Input)
        for c in typed:
            drawn.clear()
            start = time.perf_counter()
            box.insert_text_at_cursor(c)
            await drawn.wait()
            times.append(time.perf_counter() - start)
            await pilot.pause()
    return times


def typing_feel() -> None:
    """Typing a title into the evidence form of the sample on the standard with the most criteria (csp-l2),
    with suggestions and without, interleaved. A key's time to the next frame follows Textual's frame
    pacing (about 10 or 40 ms either way), so the picker's own work is timed too."""
    from portfolio_tui.locations import samples_dir

    typed = "Witness testimony: covering the front desk during the phone system outage"
    ours: list[float] = []
    off: list[float] = []
    work: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(2):
            for suggesting, into in ((True, ours), (False, off)):
                path = Path(folder) / "portfolio.json"
                shutil.copyfile(samples_dir() / "csp-midway.json", path)
                into.extend(asyncio.run(form_keys(path, suggesting, typed, work)))
    print(f"typing a title in the evidence form (csp-midway, {len(typed)} keys, twice): the picker's work a key "
          f"(ranking; refilling the list when the suggestions change) median {statistics.median(work) * 1e3:.2f} ms, "
          f"worst {max(work) * 1e3:.1f} ms; a key to the next frame {statistics.mean(ours) * 1e3:.1f} ms on "
          f"average (worst {max(ours) * 1e3:.1f} ms; budget 50 ms)  floor (suggestions off) "
          f"{statistics.mean(off) * 1e3:.1f} ms  ratio {statistics.mean(ours) / statistics.mean(off):.2f}x")


def main() -> None:
    all_samples = samples()
    if not all_samples:
        print("no hand-tagged evidence in the samples")
        return
    print(f"criteria suggestions (BM25 + the apprentice's earlier pieces, top {TOP}), each piece knowing only "
          "the pieces logged before it")
    total = Tally()
    text_only = Tally()
    for sample in all_samples:
        tally = prequential(sample)
        total += tally
        text_only += prequential(sample, TEXT_ONLY)
        print(f"  {sample[0]:<22} {tally.line()}")
    print(f"  {'overall':<22} {total.line()}")
    print(f"every tagged criterion in the top {TOP} (headline): {total.headline:.0%}  floor 100%  "
          f"ratio {total.headline:.2f}  (target >= {TARGET:.0%}: {'met' if total.headline >= TARGET else 'NOT met'})")
    print(f"text only (nothing from the earlier pieces): {text_only.line()}")
    context(all_samples)
    misses(all_samples)
    ceilings(all_samples)
    print("held out (settings chosen on the other samples from the grid, scored on this one):")
    print(f"  {'overall held out':<22} {held_out(all_samples).line()}")
    timing()
    typing_feel()


if __name__ == "__main__":
    main()
