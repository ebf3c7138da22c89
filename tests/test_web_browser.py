"""End to end: headless Chromium (Debian's chromium, driven by Playwright) against a real server.

What a person does: search with two facets, open a course, switch the language, run a canned
query in the SPARQL editor, compute a learning path; and no page asks anything of another
host. `.ci/run` installs chromium; on a machine without it these tests are skipped, except
under CI (CI=true), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import urllib.parse

import pytest

from server import Server

CHROMIUM = os.environ.get("GENSKILLS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not os.path.exists(CHROMIUM):
    if os.environ.get("CI"):
        raise RuntimeError(f"no chromium at {CHROMIUM}: .ci/run installs Debian's chromium package")
    pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

from playwright import sync_api  # noqa: E402  (a test dependency: installed with '.[test]')
from axe_playwright_python.sync_playwright import Axe  # noqa: E402  (axe-core, bundled in the package)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    running = Server("--store", str(tmp_path_factory.mktemp("browser") / "store"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, site):
    """A fresh browser tab; after the test, every request it made must have gone to the server."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    requests: list[str] = []
    tab.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    # A Content-Security-Policy violation is reported on the console, not as a page error.
    tab.on("console", lambda message: errors.append(message.text)
           if message.type == "error" and "Content Security Policy" in message.text else None)
    tab.set_default_timeout(30_000)
    yield tab
    context.close()
    outside = [url for url in requests if not url.startswith(site.base)]
    assert not outside, f"requests to other hosts: {outside}"
    assert not errors, f"JavaScript errors: {errors}"


def results_total(page) -> int:
    return int(page.locator("#results-title").get_attribute("data-total"))


def test_search_with_two_facets_then_open_a_course(page, site):
    page.goto(site.base + "/courses")
    everything = results_total(page)
    page.locator('details[data-facet="region"] a', has_text="Île-de-France").click()
    in_region = results_total(page)
    assert 0 < in_region < everything
    master = page.locator('details[data-facet="training_type"] a', has_text="Master")
    shown = int(master.locator("xpath=following-sibling::span[@class='count']").inner_text())
    master.click()
    both = results_total(page)
    assert both == shown and 0 < both <= in_region
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)
    assert query["region"] == ["https://w3id.org/genskills/id/region-11"]
    assert query["training_type"] == ["https://w3id.org/genskills/id/type-master"]
    # The shared URL gives the same page.
    page.goto(page.url)
    assert results_total(page) == both
    for meta in page.locator(".course .meta").all_inner_texts():
        assert "Île-de-France" in meta and "Master" in meta
    first = page.locator(".course a").first
    title = first.inner_text()
    first.click()
    assert page.locator("h1").inner_text() == title
    assert re.search(r"/id/course-[a-z0-9-]+$", page.url)
    assert page.locator(".kind").inner_text().startswith("Formation")


def test_switching_the_language_keeps_the_page(page, site):
    page.goto(site.base + "/id/comp-inheritance")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Hérédité humaine et analyse d'arbres généalogiques"
    page.locator("#switch-language").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Human inheritance and pedigree analysis"
    assert page.url.endswith("/id/comp-inheritance?lang=en")
    assert page.locator("nav").get_by_text("Courses", exact=True).is_visible()
    # Links keep the language.
    page.locator("nav a", has_text="Courses").click()
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator("#switch-language").click()
    assert page.locator("html").get_attribute("lang") == "fr"


def test_run_a_canned_query_in_the_editor(page, site):
    page.goto(site.base + "/query")
    page.wait_for_selector("#yasgui .CodeMirror")
    page.locator('#examples button[data-query-name="courses-per-region"]').click()
    rows = page.locator("#yasgui .yasr .yasr_results table.dataTable tbody tr")
    rows.first.wait_for()
    editor_text = page.evaluate("() => document.querySelector('#yasgui .CodeMirror').CodeMirror.getValue()")
    assert "gsk:realCourseCount" in editor_text or "realCourseCount" in editor_text
    cells = [rows.nth(i).locator("td").nth(2).inner_text() for i in range(rows.count())]
    assert any("Île-de-France" in cell for cell in cells), cells
    assert page.locator("#yasgui .yasr .yasr_header a.yasr_downloadIcon").count() == 1


def test_compute_a_learning_path(page, site):
    page.goto(site.base + "/path?lang=en")
    page.select_option("#f-role", label="Bioinformatician")
    page.select_option("#f-region", label="Auvergne-Rhône-Alpes")
    page.locator("#compute-path").click()
    result = page.locator(".path-result")
    assert result.get_attribute("data-method") == "exact"
    first_courses = page.locator(".path-courses > li").count()
    assert first_courses >= 1
    # Now say the person already holds the first competence offered: it leaves the plan.
    box = page.locator('input[name="have"]').first
    held = box.get_attribute("value")
    box.check()
    page.locator("#compute-path").click()
    assert page.locator('input[name="have"]').first.is_checked()
    covered = page.evaluate("""() => Array.from(document.querySelectorAll('.path-courses li li'))
                                         .map(li => li.textContent.trim())""")
    uncovered = page.locator(".uncovered li").evaluate_all("items => items.map(i => i.dataset.competence)")
    assert held not in uncovered
    summary = page.locator("[data-summary]").inner_text()
    assert re.match(r"\d+ course\(s\) for \d+ missing essential competence\(s\)", summary), summary
    assert covered, "the courses list what they cover"


def test_the_dashboard_and_keyboard_use(page, site):
    page.goto(site.base + "/gaps")
    cells = page.locator("svg [data-count]")
    assert cells.count() > 100
    assert page.locator("svg[role=figure]").count() == 2   # figures with links keep them reachable
    # The first Tab reaches the skip link, which moves focus to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


@pytest.mark.parametrize("path", ["/", "/courses", "/id/course-uca-du-ia-sante", "/gaps", "/path", "/query"])
def test_pages_fit_a_phone_width(browser, site, path):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    tab = context.new_page()
    tab.goto(site.base + path)
    # The heatmap scrolls inside its own box; the page itself never scrolls sideways.
    width = tab.evaluate("() => document.documentElement.scrollWidth")
    context.close()
    assert width <= 375, f"{path} is {width} px wide at a 375 px viewport"


@pytest.mark.parametrize("path", ["/", "/courses?region=gskd:region-11&q=genomique", "/id/comp-inheritance",
                                  "/id/course-uca-du-ia-sante", "/gaps", "/path?role=gskd:role-nurse&lang=en",
                                  "/ontology", "/query"])
def test_no_wcag_a_or_aa_violation_found_by_axe(page, site, path):
    """axe-core's WCAG 2.0/2.1 A and AA rules: labels, contrast, ARIA, names, landmarks."""
    page.goto(site.base + path)
    if path == "/query":   # the editor and a results table, drawn by YASGUI after load
        page.wait_for_selector("#yasgui .CodeMirror")
        page.locator("#examples button").first.click()
        page.locator("#yasgui .yasr table.dataTable tbody tr").first.wait_for()
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a",
                                                                           "wcag21aa"]}})
    violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]]) for v in result.response["violations"]]
    assert violations == [], violations
