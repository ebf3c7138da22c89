"""The SVG figures of the gap dashboard, read back as XML the way a browser or a script would."""

from __future__ import annotations

import doctest
import re
import xml.etree.ElementTree as ET

import pytest

from genskills import figures
from genskills.figures import (Axis, RowGroup, StepCoverage, contrast_ratio, count_class, heatmap_svg,
                               hex_to_rgb, pathway_svg, relative_luminance)

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"
#: Everything that needs escaping, short enough (28 characters) that no label is cut.
NASTY = "Île-de-France — é <b>&amp;\"'"
REGION = "Région Île-de-France — é"

ROWS = [Axis("gskd:c1", "Interpret variants", href="/competences/c1"),
        Axis("gskd:c2", "Genetic counselling"),
        Axis("gskd:c3", "Ethics")]
COLUMNS = [Axis("gskd:r1", "Bretagne", href="/regions/r1"), Axis("gskd:r2", "Occitanie")]
#: (c2, r2) is missing on purpose: it counts 0, like the explicit zero of (c1, r2).
COUNTS = {("gskd:c1", "gskd:r1"): 1, ("gskd:c1", "gskd:r2"): 0, ("gskd:c2", "gskd:r1"): 5,
          ("gskd:c3", "gskd:r1"): 9, ("gskd:c3", "gskd:r2"): 20}
EXPECTED = {("gskd:c1", "gskd:r1"): 1, ("gskd:c1", "gskd:r2"): 0, ("gskd:c2", "gskd:r1"): 5,
            ("gskd:c2", "gskd:r2"): 0, ("gskd:c3", "gskd:r1"): 9, ("gskd:c3", "gskd:r2"): 20}

STEPS = [StepCoverage(3, "gskd:s3", "Sequencing", 8, 5, 9),
         StepCoverage(1, "gskd:s1", "Prescription", 9, 7, 12, href="/steps/s1"),
         StepCoverage(2, "gskd:s2", "Data reuse", 0, 0, 0)]


def heatmap(**options) -> str:
    arguments = {"title": "Coverage by region", "description": "Courses per competence and region."}
    return heatmap_svg(ROWS, COLUMNS, COUNTS, **(arguments | options))


def pathway(steps=STEPS, **options) -> str:
    arguments = {"title": "Coverage along the pathway", "description": "Competences covered per step."}
    return pathway_svg(steps, **(arguments | options))


def test_a_figure_without_links_is_one_image():
    plain_rows = [Axis(a.key, a.label) for a in ROWS]
    plain_columns = [Axis(a.key, a.label) for a in COLUMNS]
    root = ET.fromstring(heatmap_svg(plain_rows, plain_columns, COUNTS, title="t", description="d"))
    assert root.get("role") == "img"
    plain_steps = [StepCoverage(s.order, s.key, s.label, s.competences, s.covered, s.courses) for s in STEPS]
    assert ET.fromstring(pathway(plain_steps)).get("role") == "img"


def cells(root) -> dict[tuple[str, str], ET.Element]:
    return {(g.get("data-row"), g.get("data-column")): g for g in root.iter(f"{SVG}g") if g.get("data-row")}


def text_of(element) -> str:
    """The words shown: the ``<text>`` elements' text, not the layout whitespace between elements."""
    return "".join("".join(t.itertext()) for t in element.iter(f"{SVG}text"))


def ids(root) -> set[str]:
    return {e.get("id") for e in root.iter() if e.get("id")}


# --- colour ------------------------------------------------------------------------------------

@pytest.mark.parametrize("one, two, expected", [
    ((0, 0, 0), (255, 255, 255), 21.0),
    ((255, 255, 255), (0, 0, 0), 21.0),
    ((10, 20, 30), (10, 20, 30), 1.0),
    ((0x76, 0x76, 0x76), (255, 255, 255), 4.54),    # the lightest grey that passes AA on white
    ((0x77, 0x77, 0x77), (255, 255, 255), 4.48),    # ... and the first that fails
    ((255, 0, 0), (255, 255, 255), 4.0),
])
def test_contrast_ratio_matches_wcag(one, two, expected):
    assert round(contrast_ratio(one, two), 2) == expected


def test_relative_luminance_weights_green_most():
    assert relative_luminance((0, 255, 0)) == pytest.approx(0.7152)
    assert relative_luminance((0, 0, 255)) == pytest.approx(0.0722)


@pytest.mark.parametrize("count, label", [(0, "0"), (1, "1"), (2, "2–3"), (3, "2–3"), (4, "4–7"),
                                          (7, "4–7"), (8, "8–15"), (15, "8–15"), (16, "16+"), (500, "16+")])
def test_count_classes_double(count, label):
    assert count_class(count).label == label


def test_count_classes_darken_steadily_so_they_print_in_order():
    luminances = [relative_luminance(hex_to_rgb(c.fill)) for c in figures.COUNT_CLASSES]
    assert luminances == sorted(luminances, reverse=True) and len(set(luminances)) == len(luminances)


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError, match="negative"):
        heatmap_svg(ROWS, COLUMNS, {("gskd:c1", "gskd:r1"): -1}, title="t", description="d")


# --- the heatmap -------------------------------------------------------------------------------

def test_one_cell_per_row_and_column_with_its_count_written():
    root = ET.fromstring(heatmap())
    found = cells(root)
    assert set(found) == set(EXPECTED)
    for key, cell in found.items():
        assert int(cell.get("data-count")) == EXPECTED[key]
        assert text_of(cell.find("svg:text", NS)) == str(EXPECTED[key])


def test_cells_are_drawn_row_by_row_in_the_order_given():
    root = ET.fromstring(heatmap())
    order = [(g.get("data-row"), g.get("data-column")) for g in root.iter(f"{SVG}g") if g.get("data-row")]
    assert order == [(r.key, c.key) for r in ROWS for c in COLUMNS]


def test_each_cell_has_its_formatted_title():
    root = ET.fromstring(heatmap(cell_title="{row} in {column}: {count} courses"))
    cell = cells(root)[("gskd:c2", "gskd:r1")]
    assert cell.find("svg:title", NS).text == "Genetic counselling in Bretagne: 5 courses"
    assert cells(ET.fromstring(heatmap()))[("gskd:c3", "gskd:r2")].find("svg:title", NS).text == "Ethics × Occitanie: 20"


def test_fills_follow_the_classes():
    found = cells(ET.fromstring(heatmap()))
    fill = {key: cell.find("svg:rect", NS).get("fill") for key, cell in found.items()}
    assert fill[("gskd:c1", "gskd:r1")] == "#eff3ff"
    assert fill[("gskd:c2", "gskd:r1")] == count_class(5).fill == "#6baed6"
    assert fill[("gskd:c3", "gskd:r2")] == "#08519c"
    assert len({fill[("gskd:c1", "gskd:r1")], fill[("gskd:c2", "gskd:r1")], fill[("gskd:c3", "gskd:r1")],
                fill[("gskd:c3", "gskd:r2")]}) == 4


def test_every_number_contrasts_at_least_4_5_with_its_fill():
    root = ET.fromstring(heatmap())
    checked = 0
    for group in root.iter(f"{SVG}g"):
        if group.get("data-row") is None and group.get("data-class") is None:
            continue
        fill = group.find("svg:rect", NS).get("fill")
        ink = group.find("svg:text", NS).get("fill")
        assert contrast_ratio(hex_to_rgb(fill), hex_to_rgb(ink)) >= 4.5, (fill, ink)
        checked += 1
    assert checked == len(EXPECTED) + len(figures.COUNT_CLASSES)


def test_dark_cells_get_white_numbers_and_light_ones_black():
    found = cells(ET.fromstring(heatmap()))
    assert found[("gskd:c3", "gskd:r2")].find("svg:text", NS).get("fill") == "#ffffff"
    assert found[("gskd:c1", "gskd:r1")].find("svg:text", NS).get("fill") == "#000000"


def test_zero_is_hatched_and_grey_so_it_differs_from_one_without_colour():
    root = ET.fromstring(heatmap())
    patterns = {p.get("id") for p in root.iter(f"{SVG}pattern")}
    found = cells(root)

    def hatched(cell):
        return [r.get("fill") for r in cell.findall("svg:rect", NS) if r.get("fill", "").startswith("url(#")]

    for key in [("gskd:c1", "gskd:r2"), ("gskd:c2", "gskd:r2")]:
        (reference,) = hatched(found[key])
        assert reference[len("url(#"):-1] in patterns
        assert found[key].find("svg:text", NS).get("fill") == figures.MUTED
    assert hatched(found[("gskd:c1", "gskd:r1")]) == []
    assert found[("gskd:c1", "gskd:r1")].find("svg:text", NS).get("fill") != figures.MUTED


def test_the_legend_lists_every_class_under_its_title():
    root = ET.fromstring(heatmap(legend_title="Courses per cell"))
    swatches = [g for g in root.iter(f"{SVG}g") if g.get("data-class")]
    assert [text_of(g.find("svg:text", NS)) for g in swatches] == ["0", "1", "2–3", "4–7", "8–15", "16+"]
    assert [g.find("svg:rect", NS).get("fill") for g in swatches] == [c.fill for c in figures.COUNT_CLASSES]
    assert "Courses per cell" in [t.text for t in root.iter(f"{SVG}text")]


def test_groups_put_headings_and_rules_before_their_rows():
    root = ET.fromstring(heatmap(groups=[RowGroup("Analysis", 2), RowGroup("Society", 1)]))
    texts = [(t.text, float(t.get("y"))) for t in root.iter(f"{SVG}text") if t.text]
    y = dict(texts)
    assert y["Analysis"] < y["Interpret variants"] < y["Genetic counselling"] < y["Society"] < y["Ethics"]
    rules = [float(line.get("y1")) for line in root.iter(f"{SVG}line") if line.get("y1") == line.get("y2")]
    assert len(rules) == 2
    assert rules[0] < y["Analysis"] and y["Genetic counselling"] < rules[1] < y["Society"]
    headings = [t for t in root.iter(f"{SVG}text") if t.get("font-weight") == "bold" and t.text != "Coverage by region"]
    assert [t.text for t in headings][:2] == ["Analysis", "Society"]


@pytest.mark.parametrize("sizes", [[2], [2, 2], [4, -1]])
def test_group_sizes_must_add_up_to_the_rows(sizes):
    with pytest.raises(ValueError, match="add up"):
        heatmap(groups=[RowGroup(f"g{i}", size) for i, size in enumerate(sizes)])


def test_labels_with_href_are_links_and_the_others_are_not():
    root = ET.fromstring(heatmap())
    links = {a.get("href"): text_of(a.find("svg:text", NS)) for a in root.iter(f"{SVG}a")}
    assert links == {"/competences/c1": "Interpret variants", "/regions/r1": "Bretagne"}
    svg = heatmap()
    assert "xlink" not in svg


@pytest.mark.parametrize("href", ["javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:x", "data:text/html,x"])
def test_script_links_are_refused(href):
    with pytest.raises(ValueError, match="scheme"):
        heatmap_svg([Axis("a", "A", href=href)], COLUMNS, {}, title="t", description="d")


def test_long_labels_are_cut_with_an_ellipsis_and_kept_whole_in_a_title():
    long_row = "A competence whose label goes on and on well past any reasonable width"
    long_column = "Provence-Alpes-Côte d'Azur et Corse réunies"
    root = ET.fromstring(heatmap_svg([Axis("a", long_row)], [Axis("r", long_column, href="/r")], {},
                                     title="t", description="d"))
    shown = [t.text for t in root.iter(f"{SVG}text")]
    cut = [text for text in shown if text and text.endswith("…")]
    assert len(cut) == 2 and all(len(text) < 50 for text in cut)
    assert long_row[:20] in cut[1] and long_column[:20] in cut[0]
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert long_row in titles and long_column in titles
    assert long_row not in shown and long_column not in shown


def test_column_labels_are_rotated():
    root = ET.fromstring(heatmap())
    column_labels = [t for t in root.iter(f"{SVG}text") if t.text in ("Bretagne", "Occitanie")]
    assert len(column_labels) == 2 and all(t.get("transform", "").startswith("rotate(-") for t in column_labels)


# --- both figures: accessibility, safety, determinism ------------------------------------------

BOTH = [pytest.param(heatmap, id="heatmap"), pytest.param(pathway, id="pathway")]


@pytest.mark.parametrize("draw", BOTH)
def test_the_root_is_a_labelled_scalable_image(draw):
    root = ET.fromstring(draw())
    # The test figures hold links: "figure" keeps them reachable, where "img" would hide them.
    assert root.tag == f"{SVG}svg" and root.get("role") == "figure"
    assert root.get("width") == "100%" and root.get("height") is None
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox"))
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find("svg:title", NS).get("id") == title_id
    assert root.find("svg:desc", NS).get("id") == desc_id
    assert root[0].tag == f"{SVG}title"   # the accessible name comes first
    assert "sans-serif" in root.get("font-family")


@pytest.mark.parametrize("draw", BOTH)
def test_ids_come_from_the_title_and_the_prefix(draw):
    plain, prefixed = ET.fromstring(draw()), ET.fromstring(draw(id_prefix="dash"))
    assert plain.get("aria-labelledby").startswith("coverage-")
    assert all(i.startswith("dash-coverage-") for i in ids(prefixed))
    assert not ids(plain) & ids(prefixed), "two figures on one page must not share an id"
    retitled = ET.fromstring(draw(title="Couverture (région)"))
    assert retitled.find("svg:title", NS).get("id") == "couverture-region-title"
    for root in (plain, prefixed):
        references = re.findall(r"url\(#([^)]+)\)", ET.tostring(root, encoding="unicode"))
        assert references and set(references) <= ids(root)


@pytest.mark.parametrize("draw", BOTH)
def test_output_is_deterministic(draw):
    assert draw() == draw()


def test_the_order_of_the_counts_mapping_does_not_matter():
    reordered = dict(reversed(list(COUNTS.items())))
    assert heatmap_svg(ROWS, COLUMNS, reordered, title="Coverage by region",
                       description="Courses per competence and region.") == heatmap()


@pytest.mark.parametrize("draw", BOTH)
def test_nothing_external_no_script_no_inline_style(draw):
    svg = draw()
    root = ET.fromstring(svg)
    assert re.findall(r"https?://[^\s\"'<]+", svg) == ["http://www.w3.org/2000/svg"]
    assert not [e for e in root.iter() if e.get("style") is not None]
    tags = {e.tag.removeprefix(SVG) for e in root.iter()}
    assert not tags & {"style", "script", "image", "foreignObject", "use", "font", "font-face"}
    assert not [e for e in root.iter() if any(name.startswith("on") for name in e.attrib)]


@pytest.mark.parametrize("draw", BOTH)
def test_font_sizes_are_at_least_11(draw):
    root = ET.fromstring(draw())
    sizes = [float(e.get("font-size")) for e in root.iter() if e.get("font-size")]
    assert sizes and min(sizes) >= 11


def test_text_is_escaped_in_elements_and_attributes():
    row = Axis('gskd:"x"&<y>', NASTY, href="/c?a=1&b='2'")
    svg = heatmap_svg([row], [Axis("r", NASTY), Axis("q", REGION)], {(row.key, "r"): 3}, title=NASTY,
                      description=NASTY + " desc",
                      groups=[RowGroup(NASTY, 1)], legend_title=NASTY, cell_title="{row} | {column} | {count}")
    assert "<b>" not in svg
    root = ET.fromstring(svg)
    assert root.find("svg:title", NS).text == NASTY
    assert root.find("svg:desc", NS).text == NASTY + " desc"
    assert [text_of(a) for a in root.iter(f"{SVG}a")] == [NASTY]
    assert next(root.iter(f"{SVG}a")).get("href") == "/c?a=1&b='2'"
    cell = cells(root)[(row.key, "r")]
    assert cell.get("data-row") == 'gskd:"x"&<y>'
    assert cell.find("svg:title", NS).text == f"{NASTY} | {NASTY} | 3"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts.count(NASTY) == 5 and REGION in texts   # title, column, group, row, legend; a column


def test_characters_xml_forbids_are_dropped_not_written():
    root = ET.fromstring(heatmap_svg([Axis("a", "bad\x00\x0bchar")], COLUMNS, {}, title="t\x1f", description="d"))
    assert "badchar" in [t.text for t in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("draw, empty", [(heatmap_svg, ([], COLUMNS, {})), (heatmap_svg, (ROWS, [], {})),
                                         (pathway_svg, ([],))])
def test_empty_input_gives_the_title_the_description_and_an_empty_plot(draw, empty):
    root = ET.fromstring(draw(*empty, title="Nothing yet", description="No course is recorded."))
    assert root.find("svg:title", NS).text == "Nothing yet"
    assert root.find("svg:desc", NS).text == "No course is recorded."
    assert not [g for g in root.iter(f"{SVG}g") if g.get("data-row") or g.get("data-step")]
    assert root.find("svg:rect", NS) is not None


def test_lang_is_written_when_given():
    root = ET.fromstring(heatmap(lang="fr"))
    assert root.get("lang") == "fr" and root.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert ET.fromstring(heatmap()).get("lang") is None


# --- the pathway bars --------------------------------------------------------------------------

def steps_of(root) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("data-step")]


def part(group, name):
    return [e for e in group.iter() if e.get("data-part") == name]


def test_steps_are_drawn_in_their_order_whatever_order_they_come_in():
    root = ET.fromstring(pathway())
    found = steps_of(root)
    assert [g.get("data-step") for g in found] == ["gskd:s1", "gskd:s2", "gskd:s3"]
    tops = [float(next(t for t in g.iter(f"{SVG}text")).get("y")) for g in found]
    assert tops == sorted(tops) and len(set(tops)) == 3
    assert [next(g.iter(f"{SVG}text")).text for g in found] == ["1.", "2.", "3."]


def test_each_step_carries_and_writes_its_numbers():
    root = ET.fromstring(pathway(courses_label="{count} formations"))
    first = steps_of(root)[0]
    assert (first.get("data-covered"), first.get("data-competences"), first.get("data-courses")) == ("7", "9", "12")
    assert [t.text for t in part(first, "fraction")] == ["7/9"]
    assert [t.text for t in part(first, "courses")] == ["12 formations"]
    assert text_of(first.find("svg:a", NS)) == "Prescription" and first.find("svg:a", NS).get("href") == "/steps/s1"


def test_bars_share_one_scale_covered_then_uncovered():
    root = ET.fromstring(pathway())
    by_key = {g.get("data-step"): g for g in steps_of(root)}

    def width(group, name):
        return sum(float(r.get("width")) for r in part(group, name))

    s1, s3 = by_key["gskd:s1"], by_key["gskd:s3"]
    unit = (width(s1, "covered") + width(s1, "uncovered")) / 9
    assert unit * 9 == pytest.approx(figures.BAR_LENGTH), "the step with most competences spans the full length"
    close = {"abs": 0.02}   # coordinates are written with two decimals
    assert width(s1, "covered") == pytest.approx(7 * unit, **close)
    assert width(s1, "uncovered") == pytest.approx(2 * unit, **close)
    assert width(s3, "covered") == pytest.approx(5 * unit, **close)
    assert width(s3, "uncovered") == pytest.approx(3 * unit, **close)
    (covered,), (uncovered,) = part(s1, "covered"), part(s1, "uncovered")
    assert float(uncovered.get("x")) == pytest.approx(float(covered.get("x")) + float(covered.get("width")), **close)
    assert uncovered.get("fill").startswith("url(#") and covered.get("fill").startswith("#")
    lightness = relative_luminance(hex_to_rgb(covered.get("fill")))
    assert lightness < 0.25, "the covered part must print much darker than the white, hatched uncovered part"


def test_a_step_without_competences_shows_an_empty_bar_and_0_of_0():
    root = ET.fromstring(pathway())
    empty = next(g for g in steps_of(root) if g.get("data-step") == "gskd:s2")
    assert [t.text for t in part(empty, "fraction")] == ["0/0"]
    assert part(empty, "covered") == [] and part(empty, "uncovered") == []
    lone = ET.fromstring(pathway([StepCoverage(1, "s", "Only", 0, 0, 0)]))
    assert [t.text for t in part(steps_of(lone)[0], "fraction")] == ["0/0"]
    assert "nan" not in ET.tostring(lone, encoding="unicode").lower()


def test_a_fully_covered_step_has_no_uncovered_part():
    root = ET.fromstring(pathway([StepCoverage(1, "s", "Done", 4, 4, 2)]))
    (group,) = steps_of(root)
    assert part(group, "uncovered") == [] and len(part(group, "covered")) == 1


def test_the_pathway_legend_names_both_parts():
    root = ET.fromstring(pathway(covered_label="couvertes", uncovered_label="non couvertes"))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "couvertes" in texts and "non couvertes" in texts
    fills = {r.get("fill") for r in root.iter(f"{SVG}rect") if r.get("data-part") is None}
    assert figures.COVERED in fills and any(f and f.startswith("url(#") for f in fills)


@pytest.mark.parametrize("step", [StepCoverage(1, "s", "x", 3, 4, 0), StepCoverage(1, "s", "x", 3, -1, 0),
                                  StepCoverage(1, "s", "x", 3, 1, -2)])
def test_impossible_step_numbers_are_refused(step):
    with pytest.raises(ValueError, match="step s"):
        pathway([step])


def test_pathway_text_is_escaped():
    svg = pathway([StepCoverage(1, "s&<", NASTY, 2, 1, 1)], title=NASTY, covered_label=NASTY,
                  courses_label="{count} <cours> & co")
    root = ET.fromstring(svg)
    (group,) = steps_of(root)
    assert group.get("data-step") == "s&<"
    assert [t.text for t in part(group, "courses")] == ["1 <cours> & co"]
    assert root.find("svg:title", NS).text == NASTY and NASTY in [t.text for t in root.iter(f"{SVG}text")]


def test_docstring_examples():
    failures, tried = doctest.testmod(figures)
    assert tried and not failures
