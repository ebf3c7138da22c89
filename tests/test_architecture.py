"""Which module may import what: the boundaries the design relies on."""

from __future__ import annotations

import ast

import pytest

from conftest import ROOT

PACKAGE = ROOT / "src" / "genskills"
#: library -> the only modules allowed to import it
WEB = {"web/__init__.py", "web/analysis_api.py", "web/api.py", "web/courses.py", "web/errors.py", "web/exports.py",
       "web/sparql.py", "web/ui.py"}
OWNERS = {"pyoxigraph": {"store.py"}, "owlready2": {"ontology.py"}, "pyshacl": {"validation.py"},
          "SPARQLWrapper": {"store.py"}, "click": {"cli.py"}, "flask": WEB, "werkzeug": WEB,
          "waitress": {"web/server.py"}}


def imported(path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("library", sorted(OWNERS))
def test_only_its_owner_imports(library):
    users = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py") if library in imported(p)}
    assert users <= OWNERS[library], f"{library} imported by {sorted(users - OWNERS[library])}"


def test_the_core_does_not_import_the_shells():
    """cli and web import the core; the core never imports them."""
    for path in PACKAGE.glob("*.py"):
        if path.name in ("cli.py", "__main__.py"):
            continue
        source = path.read_text(encoding="utf-8")
        assert "from .web" not in source and "from .cli" not in source, path.name


def test_every_setting_is_declared_once_with_its_environment_variable():
    """SETTINGS (env, type, help) and the Settings fields (defaults) must name the same settings."""
    from dataclasses import fields

    from genskills.config import SETTINGS, Settings

    assert [s.name for s in SETTINGS] == [f.name for f in fields(Settings)]
    assert all(s.env == "GENSKILLS_" + s.name.upper() or s.name == "store_path" for s in SETTINGS)
