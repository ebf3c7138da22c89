"""The course inventory (CSV, XLSX): good files conform, every bad cell is reported where it is.

Run as a script to rebuild data/import/inventory-example.xlsx from the CSV example:
``.venv/bin/python tests/test_inventory.py``.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from conftest import ROOT
from genskills.errors import InputError, ProblemsError
from genskills.inventory import COLUMNS, read_inventory
from genskills.loading import shipped_data, shipped_shapes, validate_files
from genskills.namespaces import GSK, GSKD
from genskills.rdfio import union
from genskills.vocabulary import Vocabulary

IMPORT = ROOT / "data" / "import"
EXAMPLE = IMPORT / "inventory-example.csv"
BAD = ROOT / "tests" / "data" / "import" / "bad-inventory.csv"


def write_xlsx(rows: list[list[str]], path: Path) -> None:
    """``rows`` in the first sheet of a workbook, numbers and booleans typed as a spreadsheet
    user types them, with fixed dates so that the same rows give the same bytes."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "inventaire"
    for row in rows:
        typed = []
        for cell in row:
            if re.fullmatch(r"\d+", cell):
                typed.append(int(cell))
            elif re.fullmatch(r"\d+\.\d+", cell):
                typed.append(float(cell))
            elif cell in ("true", "false"):
                typed.append(cell == "true")
            else:
                typed.append(cell or None)
        sheet.append(typed)
    workbook.properties.created = datetime.datetime(2026, 1, 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    # openpyxl stamps the zip entries and the "modified" property with the time of saving:
    # rewrite them with a fixed one.
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", data)
            target.writestr(zipfile.ZipInfo(item.filename, date_time=(2026, 1, 1, 0, 0, 0)), data)


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def write_csv(rows: list[list[str]], path: Path, *, delimiter: str = ",", bom: bool = False) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_text(("\ufeff" if bom else "") + buffer.getvalue(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.from_graph(union(p.graph for p in shipped_data(ROOT)))


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return shipped_shapes(ROOT)


def validated(graph: Graph, tmp_path: Path, shapes: Graph):
    path = tmp_path / "imported.ttl"
    path.write_text(graph.serialize(format="turtle"), encoding="utf-8")
    return validate_files([path], ROOT, shapes)


def problems_of(path: Path, vocabulary: Vocabulary) -> list:
    with pytest.raises(ProblemsError) as caught:
        read_inventory(path, vocabulary)
    assert caught.value.path == str(path)
    for problem in caught.value.problems:
        assert problem.message["en"] and problem.message["fr"] and problem.message["en"] != problem.message["fr"]
    return caught.value.problems


def one_row(tmp_path: Path, vocabulary: Vocabulary, **cells: str):
    """Parse an inventory of the first example row with ``cells`` changed (problems or result)."""
    header, first = csv_rows(EXAMPLE)[:2]
    row = dict(zip(header, first)) | cells
    path = write_csv([list(row), list(row.values())], tmp_path / "one.csv")
    return read_inventory(path, vocabulary)


def one_row_problems(tmp_path: Path, vocabulary: Vocabulary, **cells: str) -> list[tuple[str, str | None, str]]:
    with pytest.raises(ProblemsError) as caught:
        one_row(tmp_path, vocabulary, **cells)
    return [(p.location, p.field, p.message["en"]) for p in caught.value.problems]


def courses(graph: Graph) -> list[URIRef]:
    return sorted(graph.subjects(RDF.type, GSK.Course))


# -- good files ----------------------------------------------------------------------


def test_the_example_parses_and_conforms_without_a_warning(vocabulary, shapes, tmp_path):
    parsed = read_inventory(EXAMPLE, vocabulary)
    assert len(courses(parsed.graph)) == 4
    assert parsed.source == "inventory-example.csv"
    assert sorted(parsed.locations.values()) == ["row 2", "row 3", "row 4", "row 5"]
    report = validated(parsed.graph, tmp_path, shapes)
    assert report.conforms and not report.results, report.to_text()
    for course in courses(parsed.graph):
        assert (course, GSK.illustrative, Literal(True)) in parsed.graph
        assert (course, GSK.curationStatus, GSK.Illustrative) in parsed.graph
        assert {label.language for label in parsed.graph.objects(course, RDFS.label)} == {"fr", "en"}


def test_labels_by_id_french_and_english_all_resolve(vocabulary):
    graph = read_inventory(EXAMPLE, vocabulary).graph
    lyon = next(c for c in courses(graph) if (c, GSK.offeredBy, GSKD["inst-universite-claude-bernard-lyon-1"]) in graph)
    # comp-variant-classification given by id and by its English label (once), the others by French label
    assert set(graph.objects(lyon, GSK.coversCompetence)) == {
        GSKD["comp-variant-classification"], GSKD["comp-variant-annotation"], GSKD["comp-report-writing"]}
    assert set(graph.objects(lyon, GSK.targetsRole)) == {GSKD["role-laboratory-biologist"],
                                                         GSKD["role-variant-interpreter"]}
    assert set(graph.objects(lyon, GSK.coversStep)) == {GSKD["step-interpretation"], GSKD["step-report"]}
    assert graph.value(lyon, GSK.inRegion) == GSKD["region-84"]          # "Auvergne-Rhône-Alpes"
    assert graph.value(lyon, GSK.hasMode) == GSK.Blended                 # "Hybride"
    assert graph.value(lyon, GSK.hasTrainingType) == GSKD["type-du"]     # "DU"
    paris = next(c for c in courses(graph) if (c, GSK.inRegion, GSKD["region-11"]) in graph)   # "11"
    assert set(graph.objects(paris, GSK.teachingLanguage)) == {Literal("fr", datatype=XSD.language),
                                                               Literal("en", datatype=XSD.language)}
    assert graph.value(paris, GSK.ects) == Literal(60) and graph.value(paris, GSK.eqfLevel) == Literal(7)


def test_a_missing_english_title_repeats_the_french_one_with_a_note(vocabulary):
    graph = read_inventory(EXAMPLE, vocabulary).graph
    lille = next(c for c in courses(graph) if (c, GSK.offeredBy, GSKD["inst-chu-de-lille"]) in graph)
    labels = {label.language: str(label) for label in graph.objects(lille, RDFS.label)}
    assert labels["en"] == labels["fr"]
    notes = [str(n) for n in graph.objects(lille, SKOS.editorialNote)]
    assert any("not a translation" in n for n in notes) and any("pas une traduction" in n for n in notes)
    # No description_en: a definition is made from the file's values, in English.
    definition = next(d for d in graph.objects(lille, SKOS.definition) if d.language == "en")
    assert "CHU de Lille" in definition and "Continuing professional development" in definition


def test_xlsx_and_csv_of_the_same_rows_give_the_same_graph(vocabulary, tmp_path):
    from_csv = read_inventory(EXAMPLE, vocabulary)
    shipped = read_inventory(IMPORT / "inventory-example.xlsx", vocabulary)
    written = tmp_path / "rebuilt.xlsx"
    write_xlsx(csv_rows(EXAMPLE), written)
    for parsed in (shipped, read_inventory(written, vocabulary)):
        assert set(parsed.graph) == set(from_csv.graph)
        assert parsed.locations == from_csv.locations
    assert shipped.source == "inventory-example.xlsx"


def test_the_shipped_xlsx_is_rebuilt_byte_for_byte(tmp_path):
    written = tmp_path / "rebuilt.xlsx"
    write_xlsx(csv_rows(EXAMPLE), written)
    assert written.read_bytes() == (IMPORT / "inventory-example.xlsx").read_bytes(), \
        "data/import/inventory-example.xlsx is stale: run .venv/bin/python tests/test_inventory.py"


@pytest.mark.parametrize("delimiter, bom", [(";", False), (",", True), (";", True), ("\t", False)])
def test_semicolon_and_tab_separated_files_and_a_bom_read_alike(vocabulary, tmp_path, delimiter, bom):
    path = write_csv(csv_rows(EXAMPLE), tmp_path / "variant.csv", delimiter=delimiter, bom=bom)
    assert set(read_inventory(path, vocabulary).graph) == set(read_inventory(EXAMPLE, vocabulary).graph)


def test_french_header_names_read_like_english_ones(vocabulary, tmp_path):
    rows = csv_rows(EXAMPLE)
    french = {c.name: c.french for c in COLUMNS}
    headers = [french[h].replace("_", " ").capitalize() for h in rows[0]]   # "Titre fr", "Type formation"
    path = write_csv([headers, *rows[1:]], tmp_path / "francais.csv", delimiter=";")
    parsed = read_inventory(path, vocabulary)
    assert set(parsed.graph) == set(read_inventory(EXAMPLE, vocabulary).graph)
    assert parsed.fields[GSK.coversCompetence] == "Competences"
    assert parsed.fields[RDFS.label] == "Titre fr / Titre en"


def test_reparsing_gives_the_same_iris_and_shuffled_rows_the_same_graph(vocabulary, tmp_path):
    first = read_inventory(EXAMPLE, vocabulary)
    again = read_inventory(EXAMPLE, vocabulary)
    assert isomorphic(first.graph, again.graph) and set(first.graph) == set(again.graph)
    header, *data = csv_rows(EXAMPLE)
    shuffled = write_csv([header, data[2], data[0], data[3], data[1]], tmp_path / "shuffled.csv")
    moved = read_inventory(shuffled, vocabulary)
    assert set(moved.graph) == set(first.graph)
    assert courses(moved.graph) == courses(first.graph)
    assert moved.locations != first.locations   # same courses, other rows


def test_an_iri_depends_on_the_content_not_on_the_row(vocabulary, tmp_path):
    iri = courses(one_row(tmp_path, vocabulary).graph)[0]
    assert str(iri).startswith(str(GSKD) + "course-illus-universite-claude-bernard-lyon-1-du-interpretation")
    other_page = one_row(tmp_path, vocabulary, title_fr="DU Autre intitulé (exemple illustratif)").graph
    assert courses(other_page)[0] != iri
    given = one_row(tmp_path, vocabulary, id="lyon-du-variants").graph
    assert courses(given) == [GSKD["course-lyon-du-variants"]]
    assert given.value(GSKD["course-lyon-du-variants"], SKOS.notation) == Literal("course-lyon-du-variants")


def test_a_real_course_keeps_its_page_and_source(vocabulary, shapes, tmp_path):
    parsed = one_row(tmp_path, vocabulary, illustrative="non", title_fr="DU Interprétation des variants",
                     title_en="University diploma in variant interpretation",
                     web_page="https://www.example.org/du-variants", source="https://www.example.org/du-variants",
                     source_seen="2026-01-15")
    course = courses(parsed.graph)[0]
    graph = parsed.graph
    assert not str(course).startswith(str(GSKD) + "course-illus-")
    assert graph.value(course, GSK.illustrative) == Literal(False)
    assert graph.value(course, GSK.curationStatus) == GSK.Proposal
    assert graph.value(course, GSK.webPage) == Literal("https://www.example.org/du-variants", datatype=XSD.anyURI)
    assert graph.value(course, GSK.sourceSeen) == Literal("2026-01-15")
    assert not any("illustrati" in str(label) for label in graph.objects(course, RDFS.label))
    report = validated(graph, tmp_path, shapes)
    assert report.conforms and not report.results, report.to_text()


def test_an_unknown_institution_with_a_region_is_created(vocabulary, shapes, tmp_path):
    header, first = csv_rows(EXAMPLE)[:2]
    row = dict(zip(header, first)) | {"institution": "Institut Exemple de Génomique Médicale", "region": "Bretagne",
                                      "city": "Rennes"}
    second = row | {"title_fr": "DU Autre (exemple illustratif)", "region": ""}   # names it without a region
    path = write_csv([header, list(row.values()), list(second.values())], tmp_path / "new.csv")
    parsed = read_inventory(path, vocabulary)
    new = GSKD["inst-institut-exemple-de-genomique-medicale"]
    assert (new, RDF.type, GSK.Institution) in parsed.graph
    assert parsed.graph.value(new, GSK.inRegion) == GSKD["region-53"]
    assert parsed.graph.value(new, GSK.curationStatus) == GSK.Proposal
    assert parsed.locations[new] == "row 2"
    assert len(list(parsed.graph.subjects(GSK.offeredBy, new))) == 2
    # The course without a region takes its institution's.
    other = next(c for c in courses(parsed.graph) if "autre" in str(c))
    assert parsed.graph.value(other, GSK.inRegion) == GSKD["region-53"]
    report = validated(parsed.graph, tmp_path, shapes)
    assert report.conforms, report.to_text()


# -- bad files ------------------------------------------------------------------------


def test_every_bad_cell_of_a_file_is_reported_with_its_row_and_column(vocabulary):
    found = [(p.location, p.field) for p in problems_of(BAD, vocabulary)]
    assert found == [
        ("row 3", "title_fr"), ("row 3", "institution"),
        ("row 4", "training_type"), ("row 4", "eqf_level"), ("row 4", "ects"), ("row 4", "hours"),
        ("row 5", "competences"), ("row 5", "competences"), ("row 5", "target_roles"), ("row 5", "steps"),
        # row 6 is empty: skipped, but counted
        ("row 7", "mode"), ("row 7", "language"), ("row 7", "web_page"), ("row 7", "illustrative"),
        ("row 8", "region"), ("row 8", "source"), ("row 8", "id"),
        ("row 9", "eqf_level"), ("row 9", "source"),
        ("row 10", "training_type"),
        ("row 11", "id"),
        ("row 12", "web_page"),
        ("row 13", "T"),
        ("row 14", "institution"),
    ]


@pytest.mark.parametrize("cells, field, words", [
    ({"competences": "Classement clinique des variantes"}, "competences",
     ["comp-variant-classification (Clinical variant classification)"]),
    ({"institution": "Université Claude Bernard Lyon 2"}, "institution",
     ["inst-universite-claude-bernard-lyon-1", "too close to a known institution"]),
    ({"institution": "Institut Imaginaire", "region": ""}, "institution", ["give the region of the course"]),
    ({"institution": "inst-universite-imaginaire"}, "institution",
     ['unknown institution "inst-universite-imaginaire"']),
    ({"competences": "gskd:role-nurse"}, "competences", ["gskd:role-nurse is a role, not a competence"]),
    ({"mode": "e-learning"}, "mode", ["the known ones are: Blended (Blended), OnSite (On site), Online (Online)"]),
    ({"training_type": ""}, "training_type", ["needs its training type"]),
    ({"title_fr": "", "title_en": ""}, "title_fr", ["needs its title"]),
    ({"ects": "6O"}, "ects", ['"6O" is not a number']),
    ({"hours": "0"}, "hours", ["the duration in hours is above zero"]),
    ({"french_level": "7.5"}, "french_level", ['"7.5" is not a level']),
    ({"training_type": "Master", "eqf_level": "6"}, "eqf_level",
     ["level 6 differs from the EQF level of the training type type-master (7)"]),
    ({"language": "fr_FR"}, "language", ["not a BCP 47 language code"]),
    ({"illustrative": "peut-être"}, "illustrative", ["neither yes nor no"]),
    ({"illustrative": "non"}, "source", ["a real course needs the address of its source"]),
    ({"illustrative": "non", "source": "www.example.org"}, "source", ['"www.example.org" is not a web address']),
    ({"source": "https://www.example.org/du"}, "source", ["an illustrative course carries no source"]),
    ({"id": "Course 12"}, "id", ["is not a valid course id"]),
])
def test_each_kind_of_bad_cell_is_named(vocabulary, tmp_path, cells, field, words):
    found = one_row_problems(tmp_path, vocabulary, **cells)
    assert len(found) == 1, found
    location, got_field, message = found[0]
    assert (location, got_field) == ("row 2", field)
    for word in words:
        assert word in message


def test_the_french_message_names_the_closest_french_labels(vocabulary, tmp_path):
    with pytest.raises(ProblemsError) as caught:
        one_row(tmp_path, vocabulary, target_roles="Genetician")
    problem = caught.value.problems[0]
    assert "role-clinical-geneticist (Médecin généticien)" in problem.text("fr")
    assert problem.text("fr").startswith("ligne 2, target_roles: rôle inconnu « Genetician »")


def test_header_problems_unknown_repeated_and_missing_columns(vocabulary, tmp_path):
    path = write_csv([["titre_fr", "Titre FR", "etablissment", "", "type", "illustratif"],
                      ["DU A (exemple illustratif)", "DU B", "CHU de Lille", "orpheline", "DU", "oui"]],
                     tmp_path / "h.csv")
    found = [(p.location, p.field, p.message["en"]) for p in problems_of(path, vocabulary)]
    assert [(loc, field) for loc, field, _ in found] == [
        ("row 1", None), ("row 1", "Titre FR"), ("row 1", "etablissment"), ("row 2", "D")]
    assert "no institution column" in found[0][2]
    assert "appears twice (also in column A)" in found[1][2]
    assert "closest: etablissement" in found[2][2]
    assert "column without a header" in found[3][2]


def test_row_numbers_count_leading_and_blank_rows_in_xlsx(vocabulary, tmp_path):
    rows = csv_rows(EXAMPLE)
    rows[2][rows[0].index("competences")] = "compétence imaginaire"
    path = tmp_path / "gaps.xlsx"
    write_xlsx([[""] * len(rows[0]), rows[0], rows[1], [""] * len(rows[0]), rows[2]], path)
    assert [(p.location, p.field) for p in problems_of(path, vocabulary)] == [("row 5", "competences")]


def test_a_file_that_is_not_utf8_is_reported_with_its_line(vocabulary, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(EXAMPLE.read_text(encoding="utf-8").encode("latin-1", errors="replace"))
    found = problems_of(path, vocabulary)
    assert [(p.location, p.field) for p in found] == [("line 2", None)]
    assert "not UTF-8" in found[0].message["en"]


def test_files_that_cannot_be_read_are_input_errors(vocabulary, tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_inventory(tmp_path / "absent.csv", vocabulary)
    (tmp_path / "inventory.ods").write_bytes(b"x")
    with pytest.raises(InputError, match="give a .csv or .xlsx file"):
        read_inventory(tmp_path / "inventory.ods", vocabulary)
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    with pytest.raises(InputError, match="not a readable XLSX workbook"):
        read_inventory(tmp_path / "broken.xlsx", vocabulary)
    (tmp_path / "empty.csv").write_text("\n\n", encoding="utf-8")
    assert "no header row" in problems_of(tmp_path / "empty.csv", vocabulary)[0].message["en"]


def test_the_template_is_the_header_of_every_column_and_the_docs_name_them():
    assert csv_rows(IMPORT / "inventory-template.csv") == [[c.name for c in COLUMNS]]
    docs = (ROOT / "docs" / "import.md").read_text(encoding="utf-8")
    for column in COLUMNS:
        assert f"`{column.name}`" in docs and f"`{column.french}`" in docs, column.name


# -- the vocabulary -------------------------------------------------------------------


@pytest.mark.parametrize("kind, text, expected", [
    ("competence", "comp-variant-classification", "comp-variant-classification"),
    ("competence", "gskd:comp-variant-classification", "comp-variant-classification"),
    ("competence", str(GSKD["comp-variant-classification"]), "comp-variant-classification"),
    ("competence", "  classement CLINIQUE des variants ", "comp-variant-classification"),
    ("competence", "Clinical variant classification", "comp-variant-classification"),
    ("competence", "Genetique et biologie moleculaire", "dom-genetics"),
    ("role", "Medecin generaliste", "role-general-practitioner"),
    ("step", "Séquençage du génome", "step-sequencing"),
    ("region", "84", "region-84"),
    ("region", "region-93", "region-93"),
    ("region", "Corsica", "region-94"),
    ("training_type", "master", "type-master"),
    ("training_type", "DIU", "type-diu"),
    ("training_type", "Diplôme d'université", "type-du"),
    ("mode", "onsite", "OnSite"),
    ("mode", "À distance", "Online"),
    ("institution", "Universite Grenoble Alpes", "inst-universite-grenoble-alpes"),
    ("institution", "INSA Lyon", "inst-insa-lyon"),
])
def test_the_vocabulary_finds_ids_prefixed_names_iris_and_labels(vocabulary, kind, text, expected):
    found = vocabulary.find(kind, text)
    assert found is not None and str(found).rsplit("/", 1)[-1].rsplit("#", 1)[-1] == expected


def test_resolve_raises_a_located_problem_with_suggestions(vocabulary):
    with pytest.raises(ProblemsError) as caught:
        vocabulary.resolve("step", "interpretation biologique des variants", location="row 4", field="steps")
    problem = caught.value.problems[0]
    assert (problem.location, problem.field) == ("row 4", "steps")
    assert "step-interpretation (Biological interpretation)" in problem.message["en"]
    assert "step-interpretation (Interprétation biologique)" in problem.message["fr"]


def test_edam_terms_map_through_exact_close_and_narrow_matches_only(vocabulary):
    edam = "http://edamontology.org/"
    # topic_3474: comp-machine-learning closeMatch it, comp-deep-learning broadMatch it (left out).
    assert vocabulary.competences_for_edam(URIRef(edam + "topic_3474")) == {GSKD["comp-machine-learning"]}
    assert vocabulary.competences_for_edam(URIRef(edam + "topic_3574")) == {GSKD["dom-genetics"]}   # narrowMatch
    assert vocabulary.competences_for_edam(URIRef(edam + "topic_3047")) == set()                     # relatedMatch
    assert vocabulary.competences_for_edam(URIRef(edam + "topic_0080")) == set()                     # broadMatch
    assert vocabulary.competences_for_edam(URIRef("https://edamontology.org/topic_0208")) == {
        GSKD["comp-pharmacogenomics"]}


def test_the_vocabulary_of_a_store_is_the_vocabulary_of_its_files(vocabulary, loaded_store):
    from_store = Vocabulary.from_store(loaded_store)
    for kind, terms in vocabulary.terms.items():
        assert {iri: (t.id, t.labels, t.names) for iri, t in terms.items()} == \
            {iri: (t.id, t.labels, t.names) for iri, t in from_store.terms[kind].items()}, kind
    assert from_store.edam == vocabulary.edam and from_store.edam_labels == vocabulary.edam_labels
    assert from_store.type_levels == vocabulary.type_levels
    assert from_store.institution_regions == vocabulary.institution_regions
    assert len(vocabulary.terms["competence"]) == 76 and len(vocabulary.terms["region"]) == 18


def test_a_deprecated_term_is_not_found_and_its_replacement_is_named():
    from rdflib.namespace import DCTERMS, OWL

    graph = union(p.graph for p in shipped_data(ROOT))
    graph.add((GSKD["comp-lims"], OWL.deprecated, Literal(True)))
    graph.add((GSKD["comp-lims"], DCTERMS.isReplacedBy, GSKD["comp-data-quality"]))
    vocabulary = Vocabulary.from_graph(graph)
    assert vocabulary.find("competence", "comp-lims") is None
    assert vocabulary.find("competence", "comp-data-quality") == GSKD["comp-data-quality"]
    message = vocabulary.unknown("competence", "Gestion de l'information de laboratoire")
    assert "deprecated competence, comp-lims: use comp-data-quality (Data quality management)" in message["en"]
    assert "utilisez comp-data-quality (Gestion de la qualité des données)" in message["fr"]
    assert GSKD["comp-lims"] not in vocabulary.suggest("competence", "lims")
    assert vocabulary.competences_for_edam(URIRef("http://edamontology.org/topic_0607")) == set()


def test_every_message_kind_is_documented():
    from genskills import inventory, jsonld_courses, parsed, vocabulary as vocabulary_module

    docs = (ROOT / "docs" / "import.md").read_text(encoding="utf-8")
    for module in (vocabulary_module, parsed, inventory, jsonld_courses):
        for kind in module.MESSAGES:
            assert f"`{kind}`" in docs, f"{module.__name__}: message {kind} is not in docs/import.md"


if __name__ == "__main__":
    write_xlsx(csv_rows(EXAMPLE), IMPORT / "inventory-example.xlsx")
    print(f"wrote {IMPORT / 'inventory-example.xlsx'}")


def test_reimporting_a_file_that_created_an_institution_gives_the_same_graph(vocabulary, tmp_path):
    """The store's vocabulary without the import's own graph: the institution the file created
    is created again, rather than found in the graph the import replaces."""
    from genskills.namespaces import GRAPH
    from genskills.store import OxigraphStore

    header, first = csv_rows(EXAMPLE)[:2]
    row = dict(zip(header, first)) | {"institution": "Institut Exemple de Génomique Médicale", "region": "53"}
    path = write_csv([header, list(row.values())], tmp_path / "new.csv")
    parsed = read_inventory(path, vocabulary)
    store = OxigraphStore()
    own = str(GRAPH["import/new"])
    store.replace_graphs({str(GRAPH["reference"]): union(p.graph for p in shipped_data(ROOT)), own: parsed.graph})
    again = read_inventory(path, Vocabulary.from_store(store, without_graphs=[own]))
    assert set(again.graph) == set(parsed.graph)
    # With its own graph, the institution is known: the file would no longer define it.
    known = read_inventory(path, Vocabulary.from_store(store))
    assert (GSKD["inst-institut-exemple-de-genomique-medicale"], RDF.type, GSK.Institution) not in known.graph
