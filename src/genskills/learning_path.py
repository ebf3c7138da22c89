"""The learning-path planner: the fewest courses that teach the competences a person still lacks.

The caller (who reads the store) gives the competences a role needs and the person lacks
(`needed`), and the courses that pass the person's constraints (region or online, maximum
level, training types) as `CandidateCourse`s whose `covers` is already expanded through the
competence hierarchy. This module is pure: standard library only, no store, no I/O.

The problem is minimum set cover: choose the fewest candidates whose `covers` together
contain every needed competence that any candidate covers. Competences no candidate covers
cannot be helped; they are reported in `LearningPath.uncovered` with the reason "no-course"
and the rest is still planned.

Algorithm

1. Only needed competences count: each candidate is reduced to `covers & needed`; a
   candidate left with nothing is dropped.
2. Dominated candidates are dropped: a candidate whose reduced coverage is a strict subset of
   another's can always be swapped for that other in a cover without making it larger. Among
   candidates with the same reduced coverage, only the first in (IRI, label, covers, steps)
   order is kept, so the choice does not depend on the input order. What remains are the
   "useful" candidates.
3. The switch: set cover is NP-hard (Karp 1972), so an exact search is exponential in the
   number of candidates. With at most `exact_limit` useful candidates (20 by default, at most
   about a million subsets, searched with pruning in well under a second) the search is
   exact; beyond, the greedy algorithm is used.
   - Exact: for k = a lower bound (ceil(competences to cover / largest coverage)) up to the
     greedy size (a cover of that size is known to exist), enumerate the k-subsets of the
     useful candidates sorted by IRI in lexicographic order, depth first, pruning a branch
     when some still-uncovered competence is covered by no candidate left to choose, or when
     the slots left times the largest coverage left cannot cover what is missing. The first
     cover found has the minimum size, and among the minimum covers it is the one whose
     sorted IRI tuple is lexicographically smallest: a deterministic choice.
     `method == "exact"`, `bound == "optimal"`.
   - Greedy: repeatedly take the candidate that covers the most still-needed competences;
     ties go to the one with the smaller care-pathway span (max(steps) - min(steps): a course
     that stays on one step of the pathway is easier to place), then the smaller label, then
     the smaller IRI. Its size is at most H(d) = 1 + 1/2 + ... + 1/d <= ln d + 1 times the
     optimum, d being the largest number of needed competences one useful course covers
     (Johnson 1974; Lovasz 1975; Chvatal 1979). That is about the best a polynomial algorithm
     can promise: doing better than (1 - eps) ln n is NP-hard (Dinur and Steurer 2014,
     after Feige 1998). `method == "greedy"`, `bound` states the guarantee with d and H(d).

Output order: along the care pathway, by the smallest step order of the course (`steps` is
the step orders of the competences it covers; a course without steps comes last), then
label, then IRI.

Deterministic: the same input, in any order, gives the same output. Every choice is made on
sorted data or on a total order of the candidates; no randomness, no reliance on the
iteration order of a set or of the input list.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Iterable, Literal

#: The only reason this module produces; the caller adds "excluded" (a course exists but the
#: person's constraints rule it out) when it knows that.
NO_COURSE = "no-course"
OPTIMAL = "optimal"


@dataclass(frozen=True)
class CandidateCourse:
    """A course that passes the person's constraints.

    covers: the competences the course counts for, already expanded through the hierarchy.
    steps: the care-pathway step orders (1..n) of the competences it covers, for ordering.
    """

    iri: str
    label: str
    covers: frozenset[str]
    steps: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        # Accept any iterable from the caller but keep the value hashable and immutable.
        object.__setattr__(self, "covers", frozenset(self.covers))
        object.__setattr__(self, "steps", tuple(self.steps))


@dataclass
class LearningPath:
    courses: list[CandidateCourse]          # in care-pathway order
    covered: set[str]                       # needed competences the courses cover
    uncovered: dict[str, str]               # competence -> reason code ("no-course")
    method: Literal["exact", "greedy"]
    bound: str                              # the guarantee on len(courses)


def plan(needed: set[str], candidates: list[CandidateCourse], *, exact_limit: int = 20) -> LearningPath:
    """The smallest set of `candidates` covering `needed` (see the module docstring).

    Exact when at most `exact_limit` useful candidates remain after dropping those that cover
    nothing needed or are dominated; greedy otherwise (a negative limit means greedy whenever
    there is a course to choose).
    """
    # Bit i stands for the i-th needed competence in sorted order: masks make the search fast
    # and their meaning does not depend on any set's iteration order.
    competences = sorted(needed)
    bit_of = {competence: 1 << index for index, competence in enumerate(competences)}

    useful = _useful_candidates(candidates, bit_of)
    coverable = 0
    for _, mask in useful:
        coverable |= mask
    uncovered = {c: NO_COURSE for c in competences if not bit_of[c] & coverable}
    covered = {c for c in competences if bit_of[c] & coverable}

    greedy_choice = _greedy(useful, coverable)
    # With nothing to choose from, the empty path is trivially optimal whatever the limit.
    if len(useful) <= exact_limit or not useful:
        chosen = _exact(useful, coverable, upper=len(greedy_choice))
        method, bound = "exact", OPTIMAL
    else:
        chosen = greedy_choice
        largest = max(_popcount(mask) for _, mask in useful)
        method, bound = "greedy", _greedy_bound(largest)

    courses = sorted((course for course, _ in chosen), key=_pathway_key)
    return LearningPath(courses=courses, covered=covered, uncovered=uncovered, method=method, bound=bound)


# --- preparation -----------------------------------------------------------------------------

def _identity_key(course: CandidateCourse) -> tuple:
    """A total order on candidates: the IRI first (so the exact search's first minimum cover is
    the lexicographically smallest IRI tuple), the rest only to order odd duplicates."""
    return (course.iri, course.label, tuple(sorted(course.covers)), course.steps)


def _useful_candidates(candidates: Iterable[CandidateCourse],
                       bit_of: dict[str, int]) -> list[tuple[CandidateCourse, int]]:
    """Candidates that cover a needed competence and are not dominated, sorted by identity."""
    first_with_mask: dict[int, CandidateCourse] = {}
    for course in sorted(candidates, key=_identity_key):
        mask = 0
        for competence in course.covers:
            mask |= bit_of.get(competence, 0)
        # Same coverage as an earlier (smaller-key) candidate: that one is kept.
        if mask and mask not in first_with_mask:
            first_with_mask[mask] = course
    masks = sorted(first_with_mask, key=_popcount, reverse=True)
    kept = []
    for position, mask in enumerate(masks):
        # A strict superset has more bits, so it can only be earlier in `masks`.
        strictly_dominated = any(other & mask == mask and other != mask for other in masks[:position])
        if not strictly_dominated:
            kept.append((first_with_mask[mask], mask))
    kept.sort(key=lambda pair: _identity_key(pair[0]))
    return kept


# --- greedy ----------------------------------------------------------------------------------

def _span(course: CandidateCourse) -> int:
    return max(course.steps) - min(course.steps) if course.steps else 0


def _greedy(useful: list[tuple[CandidateCourse, int]], coverable: int) -> list[tuple[CandidateCourse, int]]:
    remaining = coverable
    chosen = []
    while remaining:
        best = min(useful, key=lambda pair: (-_popcount(pair[1] & remaining), _span(pair[0]),
                                             pair[0].label, _identity_key(pair[0])))
        chosen.append(best)
        remaining &= ~best[1]
    return chosen


def _harmonic(n: int) -> float:
    return sum(1 / k for k in range(1, n + 1))


def _greedy_bound(largest: int) -> str:
    return (f"at most H(d) = {_harmonic(largest):.3f} times the optimum (H(d) <= ln d + 1), "
            f"d = {largest}, the largest number of needed competences one course covers")


# --- exact -----------------------------------------------------------------------------------

def _exact(useful: list[tuple[CandidateCourse, int]], coverable: int,
           upper: int) -> list[tuple[CandidateCourse, int]]:
    """The lexicographically first (by sorted IRI) minimum cover; `upper` is a known cover size."""
    if not coverable:
        return []
    masks = [mask for _, mask in useful]
    count = len(masks)
    # last_index[bit]: the last candidate (in search order) covering that competence; once the
    # search has moved past it, that competence can no longer be covered.
    last_index: dict[int, int] = {}
    for index, mask in enumerate(masks):
        bits = mask
        while bits:
            low = bits & -bits
            last_index[low] = index
            bits ^= low
    # largest_from[i]: the largest coverage among candidates i.., for the counting bound.
    largest_from = [0] * (count + 1)
    for index in range(count - 1, -1, -1):
        largest_from[index] = max(largest_from[index + 1], _popcount(masks[index]))

    def search(start: int, missing: int, slots: int, picked: list[int]) -> list[int] | None:
        if not missing:
            return picked
        if slots == 0 or _popcount(missing) > slots * largest_from[start]:
            return None
        # The next pick must come no later than the last candidate covering some missing
        # competence, or that competence would stay uncovered.
        stop = count - 1
        bits = missing
        while bits:
            low = bits & -bits
            stop = min(stop, last_index[low])
            bits ^= low
        for index in range(start, stop + 1):
            if masks[index] & missing:
                found = search(index + 1, missing & ~masks[index], slots - 1, picked + [index])
                if found is not None:
                    return found
        return None

    lower = ceil(_popcount(coverable) / largest_from[0])
    for size in range(lower, upper + 1):
        found = search(0, coverable, size, [])
        if found is not None:
            return [useful[index] for index in found]
    raise AssertionError("unreachable: the greedy cover has size `upper`")


# --- output ----------------------------------------------------------------------------------

def _pathway_key(course: CandidateCourse) -> tuple:
    # Courses without a step go after those with one: (1, 0) sorts after every (0, step).
    first_step = (0, min(course.steps)) if course.steps else (1, 0)
    return (first_step, course.label, _identity_key(course))


def _popcount(mask: int) -> int:
    return mask.bit_count()
