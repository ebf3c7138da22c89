"""`genskills ontology ...` through the command line: the edit lands, a bad one writes nothing."""

from __future__ import annotations

from test_cli import run


def test_relabel_through_the_cli(project_copy):
    path = project_copy / "data" / "reference" / "competences.ttl"
    before = path.read_text(encoding="utf-8")
    done = run("--root", str(project_copy), "ontology", "relabel", "comp-variant-classification",
               "--lang", "en", "--label", "Clinical classification of genomic variants")
    assert done.returncode == 0, done.stderr
    assert "wrote data/reference/competences.ttl" in done.stdout
    after = path.read_text(encoding="utf-8")
    assert '"Clinical classification of genomic variants"@en' in after
    changed = [pair for pair in zip(before.splitlines(), after.splitlines()) if pair[0] != pair[1]]
    # rdfs:label and skos:prefLabel carry the same text: those two lines, nothing else.
    assert len(changed) == 2 and len(before.splitlines()) == len(after.splitlines())
    assert all("Clinical classification of genomic variants" in new for _, new in changed)


def test_a_bad_edit_exits_2_and_writes_nothing(project_copy):
    files = {p: p.read_bytes() for p in (project_copy / "data" / "reference").glob("*.ttl")}
    done = run("--root", str(project_copy), "ontology", "add-competence", "--id", "Comp Bad",
               "--label-fr", "x", "--label-en", "x", "--definition-fr", "x", "--definition-en", "x",
               "--broader", "dom-no-such-domain")
    assert done.returncode == 2
    assert "Comp Bad" in done.stderr and "dom-no-such-domain" in done.stderr
    assert all(p.read_bytes() == content for p, content in files.items())


def test_the_shipped_files_are_in_the_canonical_layout():
    done = run("ontology", "format", "--check")
    assert done.returncode == 0, done.stdout
