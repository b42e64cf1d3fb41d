"""Criteria suggestions, measured on hand-tagged evidence: ``python benchmarks/bench_suggest.py``.

For every live piece of evidence in the bundled sample portfolios that a person tagged to criteria,
the piece's title and description are ranked against its standard's criteria (BM25, as the tag
picker ranks them while the apprentice types) and the top 5 are compared with the tags. Printed:

- hit rate: the share of pieces with at least one of their tagged criteria in the top 5 (target:
  at least 60%); floor 100% (every piece), ratio figure/floor;
- all-in-top-5: the share of pieces whose every tag is in the top 5 (a piece tagged to seven
  criteria cannot have them all in five places, so this one is reported, not targeted);
- recall at 5: the share of all tags found in their piece's top 5;
- time per ranking, against one pass over the criteria's words (the floor: each must be looked at).

It prints; it asserts nothing.
"""

from __future__ import annotations

import statistics
import time

TOP = 5


def main() -> None:
    from portfolio_tui import catalog
    from portfolio_tui.domain.suggest import CriteriaIndex, terms
    from portfolio_tui.locations import samples_dir
    from portfolio_tui.store.reading import read_portfolio

    pieces = hits = all_in = tags = found = 0
    timings: list[float] = []
    floors: list[float] = []
    per_sample: list[str] = []
    for path in sorted(samples_dir().glob("*.json")):
        portfolio = read_portfolio(path)
        standard = catalog.get(portfolio.learner.standard_id)
        index = CriteriaIndex.build(standard.all_criteria())
        local = local_hits = 0
        for piece in portfolio.live_evidence:
            if not piece.criteria:
                continue
            text = f"{piece.title}\n{piece.description}"
            start = time.perf_counter()
            top = index.rank(text, TOP)
            timings.append(time.perf_counter() - start)
            start = time.perf_counter()
            query = set(terms(text))
            sum(1 for count in index.counts for term in count if term in query)
            floors.append(time.perf_counter() - start)
            tagged = set(piece.criteria)
            pieces += 1
            local += 1
            hit = bool(tagged & set(top))
            hits += hit
            local_hits += hit
            all_in += tagged <= set(top)
            tags += len(tagged)
            found += len(tagged & set(top))
        if local:
            per_sample.append(f"  {path.name:<24} {local_hits:>2} of {local:>2} pieces")
    if not pieces:
        print("no hand-tagged evidence in the samples")
        return
    rate = hits / pieces
    print(f"criteria suggestions (BM25, top {TOP}) over {pieces} hand-tagged pieces in the bundled samples")
    print("\n".join(per_sample))
    print(f"hit rate (a tagged criterion in the top {TOP}): {rate:.0%}  floor 100%  ratio {rate:.2f}  "
          f"(target >= 60%: {'met' if rate >= 0.6 else 'NOT met'})")
    print(f"every tagged criterion in the top {TOP}: {all_in / pieces:.0%}")
    print(f"recall at {TOP} (tags found in their piece's top {TOP}): {found / tags:.0%}")
    ours, floor = statistics.median(timings) * 1e6, statistics.median(floors) * 1e6
    print(f"time per ranking: {ours:.0f} us  floor (one pass over the criteria's words) {floor:.0f} us  "
          f"ratio {ours / floor:.1f}x")


if __name__ == "__main__":
    main()
