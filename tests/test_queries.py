"""Every query shipped in queries/ is documented in both languages, parses and runs."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT

QUERIES = sorted((ROOT / "queries").glob("*.rq"))


def test_there_are_queries():
    assert QUERIES


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_query_is_documented_and_runs(path, loaded_store):
    text = path.read_text(encoding="utf-8")
    for field in ("title@en", "title@fr", "description@en", "description@fr"):
        assert re.search(rf"^# {re.escape(field)}: \S", text, re.MULTILINE), f"{path.name}: no {field}"
    result = loaded_store.query(text)
    assert result.rows, f"{path.name} returned nothing on the shipped data"


def test_courses_per_region_counts_each_course_once(loaded_store):
    result = loaded_store.query((ROOT / "queries" / "courses-per-region.rq").read_text(encoding="utf-8"))
    real = sum(int(n) for n in result.column("real_courses"))
    illustrative = sum(int(n) for n in result.column("illustrative_courses"))
    # 37 real courses, 2 of them with no region and a few taught in several regions.
    assert 35 <= real <= 45
    assert illustrative >= 100
    top = [str(r).rsplit("-", 1)[1] for r in result.column("region")[:2]]
    assert top == ["11", "84"]
