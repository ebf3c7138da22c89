"""Deterministic synthetic catalogues, shaped like the working group's inventory.

Every synthetic course is flagged ``gsk:synthetic true`` and ``gsk:illustrative true``
(status ``gsk:Illustrative``), and its labels end in "[synthétique]"/"[synthetic]". It uses
the real reference data (competences, roles, steps, regions, training types) and the
shipped institutions, so the output conforms to the shapes.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from rdflib.namespace import RDF, SKOS

from .namespaces import GSK, GSKD
from .rdfio import parse_file, union

#: Share of each training type in the generated catalogue (Master 2 first, as in the inventory).
TYPE_WEIGHTS = {"master": 35, "du": 17, "diu": 10, "dpc": 12, "licence-professionnelle": 8,
                "diplome-ingenieur": 7, "dut": 5, "but": 3, "doctorat": 3}
#: Extra weight of the two regions that hold most of the offer (Ile-de-France, Auvergne-Rhone-Alpes).
REGION_BOOST = {"11": 12.0, "84": 9.0}
LEVEL = {"master": 7, "diplome-ingenieur": 7, "licence-professionnelle": 6, "but": 6, "dut": 5, "doctorat": 8}
ECTS = {"master": 60, "licence-professionnelle": 60, "dut": 120, "but": 180, "diplome-ingenieur": 180,
        "doctorat": 180}
HOURS = {"master": (350, 450), "licence-professionnelle": (450, 550), "dut": (1600, 1800), "but": (1800, 2000),
         "diplome-ingenieur": (1800, 2200), "doctorat": (300, 400), "du": (60, 160), "diu": (80, 180),
         "dpc": (7, 21)}
MODES = {"dpc": ("Online", "Blended", "OnSite"), "du": ("OnSite", "Blended", "Online"),
         "diu": ("OnSite", "Blended")}
TYPE_LABELS = {"master": ("Master 2", "Master's degree (M2)"), "du": ("DU", "University diploma"),
               "diu": ("DIU", "Inter-university diploma"), "dpc": ("Action DPC", "CPD course"),
               "licence-professionnelle": ("Licence professionnelle", "Professional bachelor's degree"),
               "diplome-ingenieur": ("Diplôme d'ingénieur", "Engineering degree"),
               "dut": ("DUT", "University diploma of technology"), "but": ("BUT", "Bachelor of technology"),
               "doctorat": ("Doctorat", "Doctorate")}


@dataclass(frozen=True)
class Reference:
    """What the generator draws from: ids and labels read from the shipped files."""

    competences: list[tuple[str, str, str, str]]   # (id, domain id, label fr, label en)
    roles: dict[str, set[str]]                       # role id -> its essential competence ids
    institutions: dict[str, list[tuple[str, str]]]   # INSEE code -> [(institution id, city)]


def read_reference(root: Path) -> Reference:
    graph = union(parse_file(p) for p in sorted((root / "data").rglob("*.ttl")))
    local = lambda node: str(node)[len(str(GSKD)):]  # noqa: E731
    competences = []
    for comp in sorted(graph.subjects(RDF.type, GSK.Competence)):
        labels = {label.language: str(label) for label in sorted(graph.objects(comp, SKOS.prefLabel))}
        broader = sorted(graph.objects(comp, SKOS.broader))[0]
        competences.append((local(comp), local(broader), labels["fr"], labels["en"]))
    roles = {local(r): {local(c) for c in graph.objects(r, GSK.hasEssentialCompetence)}
             for r in sorted(graph.subjects(RDF.type, GSK.ProfessionalRole))}
    institutions: dict[str, list[tuple[str, str]]] = {}
    for inst in sorted(graph.subjects(RDF.type, GSK.Institution)):
        # Every region and the first city in sorted order, never graph.value(): an institution
        # on several sites (Université des Antilles) has several, and graph.value() would
        # pick one by hash order, which changes from one run to the next.
        cities = sorted(str(c) for c in graph.objects(inst, GSK.city))
        for region in sorted(graph.objects(inst, GSK.inRegion)):
            code = local(region).split("-", 1)[1]
            institutions.setdefault(code, []).append((local(inst), cities[0] if cities else ""))
    return Reference(competences, roles, institutions)


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _course(index: int, rng: random.Random, ref: Reference, regions: list[str], region_weights: list[float],
            seed: int) -> str:
    kind = rng.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()))[0]
    code = rng.choices(regions, weights=region_weights)[0]
    institution, city = rng.choice(ref.institutions[code])
    # Competences: mostly from one or two domains, as a real programme is.
    domains = sorted({d for _, d, _, _ in ref.competences})
    focus = set(rng.sample(domains, 2 if rng.random() < 0.6 else 1))
    pool = [c for c in ref.competences if c[1] in focus]
    chosen = sorted(rng.sample(pool, min(len(pool), rng.randint(2, 8))))
    covered = {c[0] for c in chosen}
    ranked = sorted(ref.roles, key=lambda r: (-len(ref.roles[r] & covered), r))
    roles = ranked[:rng.randint(1, 3)]
    topic_fr, topic_en = chosen[0][2], chosen[0][3]
    type_fr, type_en = TYPE_LABELS[kind]
    ident = f"course-synth-{seed}-{index:06d}"
    lines = [
        f"gskd:{ident} a gsk:Course ;",
        f"    rdfs:label {_literal(f'{type_fr} {topic_fr} n° {index} [synthétique]')}@fr, "
        f"{_literal(f'{type_en} {topic_en} no. {index} [synthetic]')}@en ;",
        f"    skos:definition {_literal(f'Formation synthétique générée (graine {seed}) : elle n’existe pas.')}@fr, "
        f"{_literal(f'Synthetic course generated (seed {seed}): it does not exist.')}@en ;",
        f"    gsk:hasTrainingType gskd:type-{kind} ;",
        f"    gsk:offeredBy gskd:{institution} ;",
        f"    gsk:inRegion gskd:region-{code} ;",
        "    gsk:coversCompetence " + ", ".join(f"gskd:{c[0]}" for c in chosen) + " ;",
        "    gsk:targetsRole " + ", ".join(f"gskd:{r}" for r in roles) + " ;",
    ]
    if city:
        lines.append(f"    gsk:city {_literal(city)} ;")
    if kind in LEVEL:
        lines.append(f"    gsk:eqfLevel {LEVEL[kind]} ; gsk:frenchLevel {LEVEL[kind]} ;")
    if kind in ECTS:
        lines.append(f"    gsk:ects {ECTS[kind]} ;")
    low, high = HOURS[kind]
    lines.append(f"    gsk:durationHours {rng.randint(low, high)} ;")
    mode = rng.choice(MODES.get(kind, ("OnSite", "OnSite", "Blended")))
    language = "en" if kind == "master" and rng.random() < 0.15 else "fr"
    lines += [
        f"    gsk:hasMode gsk:{mode} ;",
        f'    gsk:teachingLanguage "{language}"^^xsd:language ;',
        "    gsk:curationStatus gsk:Illustrative ;",
        "    gsk:coverageStatus gsk:Illustrative ;",
        "    gsk:illustrative true ;",
        "    gsk:synthetic true .",
    ]
    return "\n".join(lines) + "\n\n"


HEADER = """# SYNTHETIC course catalogue written by `genskills generate --courses {n} --seed {seed}`.
# Every course in it is invented (gsk:synthetic true, gsk:illustrative true): it measures how
# genskills scales and must never be read as a real training offer.
@prefix gsk: <https://w3id.org/genskills/ontology#> .
@prefix gskd: <https://w3id.org/genskills/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

"""


def generate(out: TextIO, *, courses: int, seed: int, reference: Reference,
             progress: Callable[[int], None] = lambda done: None) -> None:
    """Write ``courses`` synthetic courses in Turtle to ``out``; the same seed gives the same bytes."""
    rng = random.Random(seed)
    regions = sorted(reference.institutions)
    weights = [REGION_BOOST.get(code, 1.0) * len(reference.institutions[code]) ** 0.5 for code in regions]
    out.write(HEADER.format(n=courses, seed=seed))
    for index in range(1, courses + 1):
        out.write(_course(index, rng, reference, regions, weights, seed))
        if index % 1000 == 0 or index == courses:
            progress(index)


def iter_ids(courses: int, seed: int) -> Iterator[str]:
    return (f"course-synth-{seed}-{index:06d}" for index in range(1, courses + 1))
