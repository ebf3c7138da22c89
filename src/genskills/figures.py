"""Accessible SVG figures of the gap dashboard: a coverage heatmap and the care-pathway bars.

Pure functions from data to SVG text (standard library only). The caller passes the data and
every visible word already translated; this module knows nothing of the web, the store or
languages. The choices below are made so that a figure reads on a screen, on a phone and on
a black-and-white printout, and so that it passes a strict Content-Security-Policy.

Colour classes of the heatmap (``COUNT_CLASSES``): 0, 1, 2-3, 4-7, 8-15, 16+ courses.
    Course counts are skewed (most cells hold a few courses, some hold many), and the
    dashboard is about gaps, so the classes double in width: the difference between 0, 1
    and 2 courses gets a shade of its own, large counts share the darkest one. The classes
    are fixed rather than quantiles, so that one colour means the same counts in every
    figure (filtered by training type, year...); the exact count is written in each cell.
    The fills are ColorBrewer "Blues" (5 classes), a single-hue sequential scale whose
    lightness rises steadily: safe for every kind of colour blindness, and ordered from
    light to dark grey when printed in black and white.

Zero is not a colour: a cell with no course is white, crossed by a grey hatch, with its
    "0" in grey. A printout or a reader who cannot tell the palest blue from white still
    sees the gaps at a glance. The number keeps a white halo (``paint-order="stroke"``) so
    the hatch never crosses its strokes.

Text contrast: each cell's number is black or white, whichever contrasts more with the
    fill, by the WCAG 2.x relative-luminance formula (``contrast_ratio``). The better of
    black and white always reaches at least sqrt(21) = 4.58:1, above the 4.5:1 that WCAG AA
    asks of normal text, whatever the fill; ``text_colour_on`` checks it all the same.

Pathway bars: covered competences are a solid dark blue, the uncovered ones a white bar
    with a grey hatch and outline, so the two parts differ by lightness and texture, not
    by hue alone. Bars are drawn to one scale (the step with most competences is full
    width), so the length of the hatched part is the number of competences left without a
    course: the size of each gap compares across steps. "7/9" and the course count are
    written beside every bar.

Everything else serves the same ends: numbers are always written; font sizes are at least
11 user units at the natural size; the font is the system sans-serif; the root has a
``viewBox``, ``width="100%"`` and no fixed height, so that it scales to its container;
``role="img"`` (``figure`` when it holds links) with ``aria-labelledby`` its ``<title>`` and ``<desc>``, whose ids come
from the title (and ``id_prefix``) so two figures on one page do not collide. There are
presentation attributes (``fill=``) but no ``style`` attribute, no ``<style>`` or
``<script>`` element, no image, font or URL other than the SVG namespace and the caller's
links. The output is deterministic: the same input gives the same bytes.

Label widths are estimated from their number of characters (there are no font metrics
here): labels longer than a limit are cut with "…", and the full label stays in a
``<title>`` that browsers show as a tooltip.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "Axis", "COUNT_CLASSES", "CountClass", "RowGroup", "StepCoverage", "contrast_ratio",
    "count_class", "figure_id", "heatmap_svg", "pathway_svg", "relative_luminance",
    "text_colour_on",
]

SVG_NS = "http://www.w3.org/2000/svg"
#: The system's own sans-serif: nothing to download, and it renders the way pages do.
FONT_FAMILY = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"
FONT_SIZE = 12          # labels and numbers; never below 11 (print)
TITLE_SIZE = 16
MARGIN = 16
#: Average glyph width of a sans-serif font, in ems, a little generous so labels do not overlap.
CHAR_EM = 0.58
BOLD_CHAR_EM = 0.62

BLACK = "#000000"
WHITE = "#ffffff"
TEXT = "#1a1a1a"        # ordinary text on white: 17:1
MUTED = "#595959"       # the "0" of an empty cell, on white: 7:1
RULE = "#595959"        # separating rules and outlines: visible in print
HATCH = "#8c8c8c"       # the lines of the hatch pattern: a mid grey that prints
LINK = "#08519c"        # link labels, on white: 8:1
COVERED = "#2171b5"     # the covered part of a pathway bar (ColorBrewer Blues)
MIN_CONTRAST = 4.5      # WCAG 2.x, level AA, normal text


# --- colour --------------------------------------------------------------------------------

@dataclass(frozen=True)
class CountClass:
    """A class of course counts, from ``low`` to ``high`` inclusive (``None``: no upper bound)."""

    low: int
    high: int | None
    fill: str

    def holds(self, count: int) -> bool:
        return self.low <= count and (self.high is None or count <= self.high)

    @property
    def label(self) -> str:
        if self.high is None:
            return f"{self.low}+"
        return str(self.low) if self.low == self.high else f"{self.low}–{self.high}"


#: Doubling classes (see the module docstring); fills from ColorBrewer Blues, 5 classes.
COUNT_CLASSES: tuple[CountClass, ...] = (
    CountClass(0, 0, WHITE),
    CountClass(1, 1, "#eff3ff"),
    CountClass(2, 3, "#bdd7e7"),
    CountClass(4, 7, "#6baed6"),
    CountClass(8, 15, "#3182bd"),
    CountClass(16, None, "#08519c"),
)


def count_class(count: int) -> CountClass:
    """The class that holds ``count``.

    :raises ValueError: for a negative count.

    >>> count_class(5).label
    '4–7'
    >>> count_class(40).label
    '16+'
    """
    for cls in COUNT_CLASSES:
        if cls.holds(count):
            return cls
    raise ValueError(f"a course count cannot be negative: {count}")


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    """``"#rrggbb"`` as a tuple of three integers from 0 to 255.

    :raises ValueError: for anything else.

    >>> hex_to_rgb("#08519c")
    (8, 81, 156)
    """
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def relative_luminance(rgb: Sequence[int]) -> float:
    """The WCAG 2.x relative luminance of an sRGB colour given as three integers 0-255.

    https://www.w3.org/TR/WCAG21/#dfn-relative-luminance (the 0.04045 threshold of sRGB;
    WCAG's 0.03928 gives the same result for 8-bit values).

    >>> relative_luminance((255, 255, 255)), relative_luminance((0, 0, 0))
    (1.0, 0.0)
    """
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(rgb1: Sequence[int], rgb2: Sequence[int]) -> float:
    """The WCAG 2.x contrast ratio of two colours, from 1 (same) to 21 (black on white).

    The order of the two colours does not matter.

    >>> contrast_ratio((0, 0, 0), (255, 255, 255))
    21.0
    >>> round(contrast_ratio((0x76, 0x76, 0x76), (255, 255, 255)), 2)
    4.54
    """
    lighter, darker = sorted((relative_luminance(rgb1), relative_luminance(rgb2)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill`` (``#rrggbb``).

    :raises ValueError: if neither reaches 4.5:1 (cannot happen with black and white, whose
        better one always reaches 4.58:1; the check keeps that promise visible).

    >>> text_colour_on("#eff3ff"), text_colour_on("#08519c")
    ('#000000', '#ffffff')
    """
    rgb = hex_to_rgb(fill)
    best = max((BLACK, WHITE), key=lambda text: contrast_ratio(hex_to_rgb(text), rgb))
    if contrast_ratio(hex_to_rgb(best), rgb) < MIN_CONTRAST:
        raise ValueError(f"no text colour reaches {MIN_CONTRAST}:1 on {fill}")
    return best


# --- XML writing ----------------------------------------------------------------------------

#: Characters that XML 1.0 forbids even escaped: a label holding one would make the SVG
#: ill-formed, so they are dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _escape(text: str) -> str:
    text = _NOT_XML.sub("", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def _num(value: float) -> str:
    """A coordinate with at most two decimals, the same text for the same value."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _element(tag: str, attrs: Mapping[str, object] | None = None, *children: str, text: str = "") -> str:
    """One element; attributes in the order given (``None`` values left out); text escaped."""
    parts = [tag]
    for name, value in (attrs or {}).items():
        if value is not None:
            shown = _num(value) if isinstance(value, float) else str(value)
            parts.append(f'{name}="{_escape(shown)}"')
    opening = " ".join(parts)
    if not children and not text:
        return f"<{opening}/>"
    inner = _escape(text) + "".join("\n" + child for child in children)
    return f"<{opening}>{inner}{chr(10) if children else ''}</{tag}>"


def _text_width(text: str, size: float = FONT_SIZE, *, bold: bool = False) -> float:
    return len(text) * size * (BOLD_CHAR_EM if bold else CHAR_EM)


def _shorten(label: str, max_chars: int) -> str:
    """``label`` cut to ``max_chars`` characters, the last one "…", when it is longer."""
    return label if len(label) <= max_chars else label[:max_chars - 1].rstrip() + "…"


_SAFE_SCHEMES = {"http", "https", "mailto"}


def _checked_href(href: str) -> str:
    # Browsers ignore whitespace and control characters inside a scheme ("java\tscript:"),
    # so they are removed before the scheme is read.
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", re.sub(r"[\x00-\x20]", "", href))
    if match and match.group(1).lower() not in _SAFE_SCHEMES:
        raise ValueError(f"refusing a link with scheme {match.group(1)!r}: {href!r}")
    return href


def _label(label: str, attrs: Mapping[str, object], *, max_chars: int, href: str | None = None,
           bold: bool = False) -> str:
    """A text label, cut with "…" if too long (full text in a ``<title>``), a link if ``href``."""
    shown = _shorten(label, max_chars)
    text_attrs = {**attrs, "fill": LINK if href else TEXT}
    if bold:
        text_attrs["font-weight"] = "bold"
    children = ([_element("title", text=label)] if shown != label else []) + \
        [_element("text", text_attrs, text=shown)]
    if href is not None:
        return _element("a", {"href": _checked_href(href)}, *children)
    return children[0] if len(children) == 1 else _element("g", None, *children)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:48].rstrip("-")


def figure_id(title: str, id_prefix: str = "") -> str:
    """The id a figure's other ids start from: a slug of ``id_prefix`` and ``title``.

    It begins with a letter, as XML and CSS want.

    >>> figure_id("Couverture par région", "dash")
    'dash-couverture-par-region'
    >>> figure_id("2024")
    'fig-2024'
    """
    base = "-".join(part for part in (_slug(id_prefix), _slug(title)) if part) or "figure"
    return base if base[0].isalpha() else "fig-" + base


def _hatch(pattern_id: str) -> str:
    """A diagonal hatch on white: reads as "nothing here" on screen and in print."""
    return _element("pattern", {"id": pattern_id, "width": 6, "height": 6, "patternUnits": "userSpaceOnUse",
                                "patternTransform": "rotate(45)"},
                    _element("rect", {"width": 6, "height": 6, "fill": WHITE}),
                    _element("line", {"x1": 0, "y1": 0, "x2": 0, "y2": 6, "stroke": HATCH, "stroke-width": 1.5}))


def _document(*, base_id: str, title: str, description: str, width: float, height: float,
              body: Sequence[str], defs: Sequence[str] = (), lang: str = "", linked: bool = False) -> str:
    """The root ``<svg>``: accessible name and description, scalable, the visible title.

    ``role="img"`` makes the figure one image for assistive technology, which hides its
    children: with links inside (``linked``), the role is ``figure``, which keeps them
    reachable (axe-core's "nested-interactive" rule).
    """
    root = {
        "xmlns": SVG_NS, "role": "figure" if linked else "img", "aria-labelledby": f"{base_id}-title {base_id}-desc",
        "viewBox": f"0 0 {_num(math.ceil(width))} {_num(math.ceil(height))}", "width": "100%",
        "font-family": FONT_FAMILY, "font-size": FONT_SIZE,
        "lang": lang or None, "xml:lang": lang or None,
    }
    heading = _element("text", {"x": MARGIN, "y": MARGIN + TITLE_SIZE, "font-size": TITLE_SIZE,
                                "font-weight": "bold", "fill": TEXT}, text=title)
    return _element("svg", root,
                    _element("title", {"id": f"{base_id}-title"}, text=title),
                    _element("desc", {"id": f"{base_id}-desc"}, text=description),
                    *([_element("defs", None, *defs)] if defs else []),
                    heading, *body) + "\n"


def _title_bottom() -> float:
    return MARGIN + TITLE_SIZE + 12


def _empty_plot(*, base_id: str, title: str, description: str, lang: str) -> str:
    """Nothing to draw: the title, the description and an empty frame where the plot would be."""
    top = _title_bottom()
    width = max(320.0, _text_width(title, TITLE_SIZE, bold=True)) + 2 * MARGIN
    frame = _element("rect", {"x": MARGIN, "y": top, "width": width - 2 * MARGIN, "height": 120,
                              "fill": "none", "stroke": HATCH, "stroke-dasharray": "4 4"})
    return _document(base_id=base_id, title=title, description=description, width=width,
                     height=top + 120 + MARGIN, body=[frame], lang=lang)


# --- the coverage heatmap ---------------------------------------------------------------------

@dataclass(frozen=True)
class Axis:
    """One row or column of the heatmap."""

    key: str                  # an IRI, written in data-row / data-column
    label: str
    href: str | None = None   # link target of the label (a page of the web UI), or none


@dataclass(frozen=True)
class RowGroup:
    """A band of consecutive rows under a heading (the competence domain)."""

    label: str
    size: int                 # how many of the rows, in order, belong to it


CELL_WIDTH = 36
CELL_HEIGHT = 22
GROUP_HEIGHT = 26            # a group heading's band, rule included
ROW_LABEL_CHARS = 48
COLUMN_LABEL_CHARS = 28
GROUP_LABEL_CHARS = 90
COLUMN_ANGLE = 45            # degrees: 19 region names fit, and read without turning the head
LEGEND_SWATCH_WIDTH = 48
GROUP_INDENT = 10            # rows sit a little right of their group's heading


def _row_bands(rows: Sequence[Axis], groups: Sequence[RowGroup]) -> list[tuple[RowGroup | None, Sequence[Axis]]]:
    """The rows cut into their groups, in order; one band without heading when no groups."""
    if not groups:
        return [(None, rows)]
    if any(group.size < 0 for group in groups) or sum(group.size for group in groups) != len(rows):
        raise ValueError(f"the sizes of the row groups ({[g.size for g in groups]}) must be "
                         f"non-negative and add up to the number of rows ({len(rows)})")
    bands, start = [], 0
    for group in groups:
        bands.append((group, rows[start:start + group.size]))
        start += group.size
    return bands


def _cell(row: Axis, column: Axis, count: int, *, x: float, y: float, cell_title: str, hatch_id: str) -> str:
    cls = count_class(count)
    centre_x, baseline = x + (CELL_WIDTH - 1) / 2, y + (CELL_HEIGHT - 1) / 2 + 0.35 * FONT_SIZE
    # One unit narrower and shorter than the grid step: a white gap between neighbours.
    size = {"width": CELL_WIDTH - 1, "height": CELL_HEIGHT - 1}
    shapes = [_element("rect", {"x": x, "y": y, **size, "fill": cls.fill})]
    number = {"x": centre_x, "y": baseline, "text-anchor": "middle"}
    if count == 0:
        shapes.append(_element("rect", {"x": x, "y": y, **size, "fill": f"url(#{hatch_id})"}))
        # The white halo keeps the hatch off the digit; the digit itself is grey, 7:1 on white.
        number |= {"fill": MUTED, "stroke": WHITE, "stroke-width": 4, "paint-order": "stroke"}
    else:
        number["fill"] = text_colour_on(cls.fill)
    tooltip = cell_title.format(row=row.label, column=column.label, count=count)
    return _element("g", {"data-row": row.key, "data-column": column.key, "data-count": count},
                    _element("title", text=tooltip), *shapes, _element("text", number, text=str(count)))


def _legend(*, x: float, y: float, legend_title: str, hatch_id: str) -> tuple[list[str], float, float]:
    """The classes as swatches, each with its range written on it; returns (parts, width, height)."""
    parts, top = [], y
    if legend_title:
        parts.append(_element("text", {"x": x, "y": y + FONT_SIZE, "fill": TEXT, "font-weight": "bold"},
                              text=legend_title))
        top += FONT_SIZE + 8
    for index, cls in enumerate(COUNT_CLASSES):
        left = x + index * (LEGEND_SWATCH_WIDTH + 4)
        swatch = [_element("rect", {"x": left, "y": top, "width": LEGEND_SWATCH_WIDTH, "height": CELL_HEIGHT,
                                    "fill": cls.fill, "stroke": RULE, "stroke-width": 1})]
        label = {"x": left + LEGEND_SWATCH_WIDTH / 2, "y": top + CELL_HEIGHT / 2 + 0.35 * FONT_SIZE,
                 "text-anchor": "middle"}
        if cls.low == 0:
            swatch.append(_element("rect", {"x": left + 1, "y": top + 1, "width": LEGEND_SWATCH_WIDTH - 2,
                                            "height": CELL_HEIGHT - 2, "fill": f"url(#{hatch_id})"}))
            label |= {"fill": MUTED, "stroke": WHITE, "stroke-width": 4, "paint-order": "stroke"}
        else:
            label["fill"] = text_colour_on(cls.fill)
        parts.append(_element("g", {"data-class": cls.label}, *swatch, _element("text", label, text=cls.label)))
    width = max(len(COUNT_CLASSES) * (LEGEND_SWATCH_WIDTH + 4), _text_width(legend_title, bold=True))
    return parts, width, top + CELL_HEIGHT - y


def heatmap_svg(rows: Sequence[Axis], columns: Sequence[Axis], counts: Mapping[tuple[str, str], int], *,
                title: str, description: str, groups: Sequence[RowGroup] = (),
                cell_title: str = "{row} × {column}: {count}", legend_title: str = "",
                id_prefix: str = "", lang: str = "") -> str:
    """The coverage heatmap: one cell per (row, column) holding ``counts[(row.key, column.key)]``.

    A missing key counts 0. ``groups`` cut the rows, in order, into bands under headings;
    their sizes must add up to the number of rows. ``cell_title`` is formatted with
    ``row``, ``column`` (labels) and ``count`` for each cell's tooltip. ``title`` and
    ``description`` name the figure for assistive technology (and the title is shown);
    ``id_prefix`` keeps the ids apart when two figures with one title share a page;
    ``lang`` (``"fr"``, ``"en"``) is the language of the words, when given.

    :raises ValueError: for a negative count, group sizes that do not add up, or a link
        whose scheme is not http(s) or mailto (``javascript:``...).

    >>> svg = heatmap_svg([Axis("c1", "Variant interpretation")], [Axis("r1", "Bretagne")],
    ...                   {("c1", "r1"): 2}, title="Coverage", description="Courses per region.")
    >>> 'data-count="2"' in svg and svg.startswith("<svg")
    True
    """
    base_id = figure_id(title, id_prefix)
    if not rows or not columns:
        return _empty_plot(base_id=base_id, title=title, description=description, lang=lang)
    hatch_id = f"{base_id}-none"
    bands = _row_bands(rows, groups)
    indent = GROUP_INDENT if groups else 0

    row_label_width = indent + max(_text_width(_shorten(r.label, ROW_LABEL_CHARS)) for r in rows)
    column_label_length = max(_text_width(_shorten(c.label, COLUMN_LABEL_CHARS)) for c in columns)
    slant = math.sin(math.radians(COLUMN_ANGLE))
    # Whole numbers, so that every cell's coordinates are short and exact.
    grid_x = math.ceil(MARGIN + row_label_width + 10)
    grid_y = math.ceil(_title_bottom() + column_label_length * slant + FONT_SIZE + 6)
    grid_right = grid_x + len(columns) * CELL_WIDTH

    body = []
    for index, column in enumerate(columns):
        anchor_x, anchor_y = grid_x + (index + 0.5) * CELL_WIDTH, grid_y - 6
        body.append(_label(column.label, {"x": anchor_x, "y": anchor_y,
                                           "transform": f"rotate(-{COLUMN_ANGLE} {_num(anchor_x)} {_num(anchor_y)})"},
                           max_chars=COLUMN_LABEL_CHARS, href=column.href))

    y = grid_y
    for group, band_rows in bands:
        if group is not None:
            # The rule goes across labels and cells, so the band reads as one block.
            body.append(_element("line", {"x1": MARGIN, "y1": y + 4, "x2": grid_right, "y2": y + 4,
                                          "stroke": RULE, "stroke-width": 1}))
            body.append(_label(group.label, {"x": MARGIN, "y": y + GROUP_HEIGHT - 7},
                               max_chars=GROUP_LABEL_CHARS, bold=True))
            y += GROUP_HEIGHT
        for row in band_rows:
            body.append(_label(row.label, {"x": MARGIN + indent, "y": y + CELL_HEIGHT / 2 + 0.35 * FONT_SIZE},
                               max_chars=ROW_LABEL_CHARS, href=row.href))
            for index, column in enumerate(columns):
                body.append(_cell(row, column, counts.get((row.key, column.key), 0),
                                  x=grid_x + index * CELL_WIDTH, y=y, cell_title=cell_title, hatch_id=hatch_id))
            y += CELL_HEIGHT

    legend, legend_width, legend_height = _legend(x=MARGIN, y=y + 20, legend_title=legend_title,
                                                  hatch_id=hatch_id)
    body.extend(legend)
    # The last column's label leans out to the right of the grid.
    width = max(grid_right + CELL_WIDTH / 2 + column_label_length * math.cos(math.radians(COLUMN_ANGLE)),
                MARGIN + legend_width, MARGIN + _text_width(title, TITLE_SIZE, bold=True)) + MARGIN
    height = y + 20 + legend_height + MARGIN
    return _document(base_id=base_id, title=title, description=description, width=width, height=height,
                     body=body, defs=[_hatch(hatch_id)], lang=lang,
                     linked=any(axis.href for axis in (*rows, *columns)))


# --- coverage along the care pathway ----------------------------------------------------------

@dataclass(frozen=True)
class StepCoverage:
    """The competences serving one step of the care pathway, and how many of them a course covers."""

    order: int
    key: str                  # an IRI
    label: str
    competences: int          # competences serving the step
    covered: int              # of which covered by at least one course
    courses: int              # courses counted for the step
    href: str | None = None


STEP_HEIGHT = 30
BAR_HEIGHT = 18
BAR_LENGTH = 240             # the bar of the step with most competences
STEP_LABEL_CHARS = 44


def _check_step(step: StepCoverage) -> None:
    if not 0 <= step.covered <= step.competences or step.courses < 0:
        raise ValueError(f"step {step.key}: need 0 <= covered ({step.covered}) <= competences "
                         f"({step.competences}) and courses ({step.courses}) >= 0")


def _bar(step: StepCoverage, *, x: float, y: float, unit: float, hatch_id: str) -> list[str]:
    """The covered part, solid, then the uncovered part, hatched and outlined; nothing for 0/0."""
    covered, uncovered = step.covered * unit, (step.competences - step.covered) * unit
    parts = []
    if covered:
        parts.append(_element("rect", {"x": x, "y": y, "width": covered, "height": BAR_HEIGHT,
                                       "fill": COVERED, "data-part": "covered"}))
    if uncovered:
        parts.append(_element("rect", {"x": x + covered, "y": y, "width": uncovered, "height": BAR_HEIGHT,
                                       "fill": f"url(#{hatch_id})", "stroke": RULE, "stroke-width": 1,
                                       "data-part": "uncovered"}))
    return parts


def _pathway_legend(*, x: float, y: float, covered_label: str, uncovered_label: str,
                    hatch_id: str) -> tuple[list[str], float]:
    """Two swatches in one line; returns (parts, width)."""
    parts, left = [], x
    for label, fill, outline in ((covered_label, COVERED, None), (uncovered_label, f"url(#{hatch_id})", RULE)):
        parts.append(_element("rect", {"x": left, "y": y, "width": 24, "height": 14, "fill": fill,
                                       "stroke": outline, "stroke-width": 1 if outline else None}))
        parts.append(_element("text", {"x": left + 30, "y": y + 11, "fill": TEXT}, text=label))
        left += 30 + _text_width(label) + 20
    return parts, left - x


def pathway_svg(steps: Sequence[StepCoverage], *, title: str, description: str,
                covered_label: str = "covered", uncovered_label: str = "not covered",
                courses_label: str = "{count} courses", id_prefix: str = "", lang: str = "") -> str:
    """Coverage along the care pathway: one stacked bar per step, covered and not covered.

    Steps are drawn top to bottom by ``order`` (then key), whatever order they come in.
    Bars share one scale, the step with most competences full length. ``courses_label``
    is formatted with ``count``. ``title``, ``description``, ``id_prefix`` and ``lang``
    work as in ``heatmap_svg``.

    :raises ValueError: if a step has ``covered`` outside 0..``competences``, a negative
        course count, or a link whose scheme is not http(s) or mailto.

    >>> svg = pathway_svg([StepCoverage(1, "s1", "Prescription", 9, 7, 12)],
    ...                   title="Pathway", description="Competences covered per step.")
    >>> ">7/9<" in svg
    True
    """
    base_id = figure_id(title, id_prefix)
    if not steps:
        return _empty_plot(base_id=base_id, title=title, description=description, lang=lang)
    for step in steps:
        _check_step(step)
    ordered = sorted(steps, key=lambda step: (step.order, step.key))
    hatch_id = f"{base_id}-none"

    legend, legend_width = _pathway_legend(x=MARGIN, y=_title_bottom(), covered_label=covered_label,
                                           uncovered_label=uncovered_label, hatch_id=hatch_id)
    number_width = max(_text_width(f"{step.order}.") for step in ordered)
    label_x = MARGIN + number_width + 6
    bar_x = label_x + max(_text_width(_shorten(step.label, STEP_LABEL_CHARS)) for step in ordered) + 12
    most = max(step.competences for step in ordered)
    unit = BAR_LENGTH / most if most else 0.0
    fraction_x = bar_x + BAR_LENGTH + 10 + max(_text_width(f"{s.covered}/{s.competences}") for s in ordered)
    courses_x = fraction_x + 14

    body, top = list(legend), _title_bottom() + 14 + 16
    for index, step in enumerate(ordered):
        y = top + index * STEP_HEIGHT
        baseline = y + STEP_HEIGHT / 2 + 0.35 * FONT_SIZE
        bar_y = y + (STEP_HEIGHT - BAR_HEIGHT) / 2
        body.append(_element(
            "g", {"data-step": step.key, "data-order": step.order, "data-covered": step.covered,
                  "data-competences": step.competences, "data-courses": step.courses},
            _element("text", {"x": label_x - 6, "y": baseline, "text-anchor": "end", "fill": TEXT},
                     text=f"{step.order}."),
            _label(step.label, {"x": label_x, "y": baseline}, max_chars=STEP_LABEL_CHARS, href=step.href),
            *_bar(step, x=bar_x, y=bar_y, unit=unit, hatch_id=hatch_id),
            _element("text", {"x": fraction_x, "y": baseline, "text-anchor": "end", "fill": TEXT,
                              "font-weight": "bold", "data-part": "fraction"},
                     text=f"{step.covered}/{step.competences}"),
            _element("text", {"x": courses_x, "y": baseline, "fill": TEXT, "data-part": "courses"},
                     text=courses_label.format(count=step.courses)),
        ))
    widest_courses = max(_text_width(courses_label.format(count=s.courses)) for s in ordered)
    width = max(courses_x + widest_courses, MARGIN + legend_width,
                MARGIN + _text_width(title, TITLE_SIZE, bold=True)) + MARGIN
    height = top + len(ordered) * STEP_HEIGHT + MARGIN
    return _document(base_id=base_id, title=title, description=description, width=width, height=height,
                     body=body, defs=[_hatch(hatch_id)], lang=lang, linked=any(step.href for step in ordered))
