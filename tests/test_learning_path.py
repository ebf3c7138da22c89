"""The learning-path planner on small hand-made cases whose answers can be checked by hand."""

from __future__ import annotations

import random
from itertools import combinations

from genskills.learning_path import CandidateCourse, LearningPath, plan


def course(iri: str, covers: set[str], steps: tuple[int, ...] = (),
           label: str | None = None) -> CandidateCourse:
    return CandidateCourse(iri=iri, label=label if label is not None else iri,
                           covers=frozenset(covers), steps=steps)


def iris(path: LearningPath) -> list[str]:
    return [c.iri for c in path.courses]


# The classic trap for greedy: A covers 4 of the 6 competences, so greedy takes it first and
# then needs X and Y for the two left; X and Y alone cover everything.
NEEDED = {"c1", "c2", "c3", "c4", "c5", "c6"}
TRAP = [course("A", {"c1", "c2", "c4", "c5"}, (1,)),
        course("X", {"c1", "c2", "c3"}, (2,)),
        course("Y", {"c4", "c5", "c6"}, (3,))]


def test_exact_finds_the_optimum_greedy_misses():
    path = plan(NEEDED, TRAP, exact_limit=20)
    assert iris(path) == ["X", "Y"]
    assert path.method == "exact" and path.bound == "optimal"
    assert path.covered == NEEDED and path.uncovered == {}


def test_greedy_beyond_the_limit_takes_the_largest_first():
    path = plan(NEEDED, TRAP, exact_limit=0)
    assert path.method == "greedy"
    assert sorted(iris(path)) == ["A", "X", "Y"]
    assert iris(path) == ["A", "X", "Y"]          # care-pathway order: steps 1, 2, 3
    assert path.covered == NEEDED
    # d = 4 (A covers four needed competences): H(4) = 1 + 1/2 + 1/3 + 1/4 = 2.083
    assert path.bound.startswith("at most H(d) = 2.083 times the optimum")
    assert "d = 4" in path.bound


def test_the_switch_counts_useful_candidates():
    # Three useful candidates: a limit of 3 is exact, 2 is greedy.
    assert plan(NEEDED, TRAP, exact_limit=3).method == "exact"
    assert plan(NEEDED, TRAP, exact_limit=2).method == "greedy"
    # Candidates covering nothing needed, and dominated ones, do not count.
    padded = TRAP + [course("Z", {"other"}), course("X-part", {"c1"})]
    assert plan(NEEDED, padded, exact_limit=3).method == "exact"


def test_competences_no_course_covers_are_reported_and_the_rest_is_still_covered():
    path = plan({"c1", "c2", "rare"}, [course("A", {"c1"}), course("B", {"c2", "c9"})])
    assert path.uncovered == {"rare": "no-course"}
    assert path.covered == {"c1", "c2"}
    assert iris(path) == ["A", "B"]


def test_nothing_coverable():
    path = plan({"c1"}, [course("A", {"c2"})])
    assert path.courses == [] and path.covered == set() and path.uncovered == {"c1": "no-course"}
    assert plan({"c1"}, [], exact_limit=0).uncovered == {"c1": "no-course"}


def test_empty_needed_gives_an_empty_path():
    path = plan(set(), TRAP)
    assert path == LearningPath(courses=[], covered=set(), uncovered={}, method="exact", bound="optimal")


def test_dominated_candidates_are_removed():
    # "Small" covers a subset of "Big": whatever the limit, it is never chosen, even though its
    # IRI sorts first and its step comes first.
    candidates = [course("Big", {"c1", "c2", "c3"}, (2,)), course("A-small", {"c1", "c2"}, (1,)),
                  course("Other", {"c4"}, (3,))]
    for limit in (20, 0):
        assert iris(plan({"c1", "c2", "c3", "c4"}, candidates, exact_limit=limit)) == ["Big", "Other"]
    # Only needed competences count: "Wide" covers more, but not more of what is needed, so
    # the two have the same coverage and the smaller IRI ("Narrow") is kept.
    same = [course("Wide", {"c1", "c7", "c8"}), course("Narrow", {"c1"})]
    assert iris(plan({"c1"}, same)) == ["Narrow"]
    assert iris(plan({"c1"}, same, exact_limit=0)) == ["Narrow"]


def test_shuffled_input_gives_the_same_output():
    candidates = TRAP + [course("B", {"c3", "c6"}, (2, 3)), course("C", {"c1", "c6"}, (1, 3)),
                         course("D", {"c2", "c3"}, (1,)), course("E", {"c5"}, (4,))]
    needed = NEEDED | {"missing"}
    for limit in (20, 0):
        expected = plan(needed, candidates, exact_limit=limit)
        for seed in range(10):
            shuffled = list(candidates)
            random.Random(seed).shuffle(shuffled)
            assert plan(set(sorted(needed, reverse=True)), shuffled, exact_limit=limit) == expected
            assert list(plan(needed, shuffled, exact_limit=limit).uncovered) == ["missing"]


def test_output_follows_the_care_pathway():
    candidates = [course("a", {"c1"}, (3,)), course("b", {"c2"}, (1, 4)), course("c", {"c3"}, (2,)),
                  course("d", {"c4"}, ())]        # no step: last
    path = plan({"c1", "c2", "c3", "c4"}, candidates)
    assert iris(path) == ["b", "c", "a", "d"]


def test_same_step_is_ordered_by_label_then_iri():
    candidates = [course("iri-1", {"c1"}, (1,), label="Zeta"), course("iri-2", {"c2"}, (1,), label="Alpha"),
                  course("iri-4", {"c3"}, (1,), label="Beta"), course("iri-3", {"c4"}, (1,), label="Beta")]
    path = plan({"c1", "c2", "c3", "c4"}, candidates)
    assert iris(path) == ["iri-2", "iri-3", "iri-4", "iri-1"]


def test_among_minimum_covers_exact_picks_the_smallest_iris():
    # {P, Q} and {R, S} both cover everything with two courses: the sorted IRI tuple
    # ("P", "Q") is the smaller.
    candidates = [course("S", {"c3", "c4"}), course("R", {"c1", "c2"}),
                  course("Q", {"c2", "c4"}), course("P", {"c1", "c3"})]
    assert sorted(iris(plan({"c1", "c2", "c3", "c4"}, candidates))) == ["P", "Q"]


def test_greedy_ties_go_to_the_smaller_span_then_label_then_iri():
    needed = {"c1", "c2", "c3", "c4"}
    # First pick: all four cover 2. B has the smallest label but spans steps 1..5; W, D and E
    # stay on one step, and among them W has the smallest label.
    by_span = [course("B", {"c1", "c2"}, (1, 5), label="A broad course"),
               course("W", {"c2", "c3"}, (2,), label="M"), course("D", {"c1", "c4"}, (3,), label="N"),
               course("E", {"c3", "c4"}, (3,), label="O")]
    # Then c1 and c4 remain: D covers both. (Had B been taken first, B and E would follow.)
    assert iris(plan(needed, by_span, exact_limit=0)) == ["W", "D"]
    # Same gain, same span: the label decides, not the IRI or the input order.
    by_label = [course("iri-1", {"c1", "c2"}, (1,), label="Zulu"),
                course("iri-2", {"c2", "c3"}, (1,), label="Alpha"),
                course("iri-3", {"c3", "c4"}, (1,), label="Mike"),
                course("iri-4", {"c1", "c4"}, (1,), label="Kilo")]
    # Alpha (c2, c3) first; then c1, c4 remain: Kilo covers both.
    assert iris(plan(needed, by_label, exact_limit=0)) == ["iri-2", "iri-4"]
    # Same gain, span and label: the IRI decides.
    by_iri = [course("iri-b", {"c1", "c2"}, label="Same"), course("iri-a", {"c2", "c3"}, label="Same"),
              course("iri-c", {"c3", "c4"}, label="Same"), course("iri-d", {"c1", "c4"}, label="Same")]
    # iri-a (c2, c3) first; then c1, c4: iri-d.
    assert iris(plan(needed, by_iri, exact_limit=0)) == ["iri-a", "iri-d"]


def test_twenty_candidates_stay_exact_and_fast():
    # 20 useful candidates: pairs of 12 competences, none dominated; an optimum of 6 exists.
    needed = {f"c{i:02d}" for i in range(12)}
    pairs = [(i, j) for i in range(12) for j in range(i + 1, 12)]
    disjoint = [(2 * k, 2 * k + 1) for k in range(6)]
    chosen = random.Random(7).sample([p for p in pairs if p not in disjoint], 14) + disjoint
    candidates = [course(f"k{n:02d}", {f"c{i:02d}", f"c{j:02d}"}) for n, (i, j) in enumerate(chosen)]
    path = plan(needed, candidates)
    assert path.method == "exact" and len(path.courses) == 6 and path.covered == needed


# --- properties on random small instances -----------------------------------------------------

def non_dominated(candidates: list[CandidateCourse], needed: set[str]) -> list[CandidateCourse]:
    """The useful candidates, written independently of the module: cover something needed and
    no other candidate covers strictly more of it, or the same with a smaller IRI."""
    useful = [c for c in candidates if c.covers & needed]
    kept = []
    for c in useful:
        mine = c.covers & needed
        if not any((o.covers & needed) > mine or ((o.covers & needed) == mine and o.iri < c.iri)
                   for o in useful):
            kept.append(c)
    return kept


def minimum_covers(candidates: list[CandidateCourse], target: set[str]) -> list[tuple[str, ...]]:
    """Every cover of `target` of the smallest size, as sorted IRI tuples (brute force)."""
    for size in range(len(candidates) + 1):
        found = [tuple(sorted(c.iri for c in subset)) for subset in combinations(candidates, size)
                 if target <= set().union(*(c.covers for c in subset))]
        if found:
            return found
    raise AssertionError("no cover")


def test_exact_is_a_minimum_cover_never_larger_than_greedy_on_random_instances():
    for seed in range(200):
        rng = random.Random(seed)
        universe = [f"c{i}" for i in range(rng.randint(1, 7))]
        needed = set(rng.sample(universe, rng.randint(0, len(universe))))
        if seed % 5 == 0:
            needed.add("orphan")          # a competence no course covers
        candidates = [course(f"k{n}", set(rng.sample(universe, rng.randint(1, len(universe)))),
                             tuple(sorted(rng.sample(range(1, 6), rng.randint(0, 2)))))
                      for n in range(rng.randint(0, 8))]
        coverable = needed & set().union(*(c.covers for c in candidates))

        exact = plan(needed, candidates, exact_limit=20)
        greedy = plan(needed, candidates, exact_limit=-1)
        for path in (exact, greedy):
            assert path.covered == coverable
            assert path.uncovered == {c: "no-course" for c in needed - coverable}
            assert coverable <= set().union(*(c.covers for c in path.courses)), seed
            assert len({c.iri for c in path.courses}) == len(path.courses)
        assert exact.method == "exact" and greedy.method == ("greedy" if coverable else "exact")

        assert len(exact.courses) <= len(greedy.courses), seed
        best = minimum_covers(non_dominated(candidates, needed), coverable)
        assert len(exact.courses) == len(minimum_covers(candidates, coverable)[0]), seed
        assert tuple(sorted(iris(exact))) == min(best), seed
        if coverable:
            largest = max(len(c.covers & needed) for c in candidates)
            harmonic = sum(1 / k for k in range(1, largest + 1))
            assert len(greedy.courses) <= harmonic * len(exact.courses) + 1e-9, seed
