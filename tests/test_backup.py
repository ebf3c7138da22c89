"""`genskills backup` and `restore` on real stores on disk, through the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph

from genskills.namespaces import GRAPH
from genskills.store import OxigraphStore

ROOT = Path(__file__).resolve().parents[1]


def run(store: Path, *args):
    return subprocess.run([sys.executable, "-m", "genskills", "--store", str(store), *args],
                          capture_output=True, text=True, timeout=300)


def quads(path: Path) -> int:
    store = OxigraphStore(path, read_only=True)
    try:
        return len(store)
    finally:
        store.close()


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "store"
    built = OxigraphStore(path)
    small = Graph().parse(ROOT / "tests" / "data" / "analysis-small.ttl")
    built.replace_graphs({GRAPH["test-backup"]: small})
    built.close()
    return path


def test_backup_then_restore_gives_back_the_same_store_and_keeps_the_replaced_one(store, tmp_path):
    before = quads(store)
    done = run(store, "backup", str(tmp_path / "copy"))
    assert done.returncode == 0, done.stderr
    assert f"backed up {before} quads from the store" in done.stdout
    manifest = json.loads((tmp_path / "copy" / "genskills-backup.json").read_text())
    assert manifest["quads"] == before
    # A change after the backup...
    changed = OxigraphStore(store)
    changed.update(f"DROP GRAPH <{GRAPH['test-backup']}>")
    changed.close()
    assert quads(store) < before
    # ...is undone by the restore; the replaced store is kept, not deleted.
    done = run(store, "restore", str(tmp_path / "copy"))
    assert done.returncode == 0, done.stderr
    assert quads(store) == before
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("store.before-restore-")]
    assert len(kept) == 1 and quads(kept[0]) < before
    assert (tmp_path / "copy" / "genskills-backup.json").exists(), "the backup itself is left as it was"


def test_a_backup_goes_to_a_new_folder(store, tmp_path):
    (tmp_path / "taken").mkdir()
    done = run(store, "backup", str(tmp_path / "taken"))
    assert done.returncode == 2 and "already exists" in done.stderr


def test_restore_refuses_a_folder_that_is_not_a_backup_and_changes_nothing(store, tmp_path):
    before = quads(store)
    (tmp_path / "junk").mkdir()
    done = run(store, "restore", str(tmp_path / "junk"))
    assert done.returncode == 2 and "is not a genskills backup" in done.stderr
    assert quads(store) == before


def test_restore_refuses_a_damaged_backup(store, tmp_path):
    assert run(store, "backup", str(tmp_path / "copy")).returncode == 0
    manifest_path = tmp_path / "copy" / "genskills-backup.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["quads"] += 1
    manifest_path.write_text(json.dumps(manifest))
    done = run(store, "restore", str(tmp_path / "copy"))
    assert done.returncode == 2 and "damaged" in done.stderr
    assert not (tmp_path / "store.restoring").exists()


def test_while_a_process_holds_the_store_restore_refuses_and_backup_copies_its_snapshot(store, tmp_path):
    holder = OxigraphStore(store)   # what a running server does: hold the lock, keep snapshots
    try:
        snapshots = Path(f"{store}.snapshots")
        snapshots.mkdir()
        holder.checkpoint(snapshots / "3")
        done = run(store, "backup", str(tmp_path / "copy"))
        assert done.returncode == 0, done.stderr
        assert "from the server's snapshot 3" in done.stdout
        assert json.loads((tmp_path / "copy" / "genskills-backup.json").read_text())["quads"] == len(holder)
        done = run(store, "restore", str(tmp_path / "copy"))
        assert done.returncode != 0 and "in use" in done.stderr
        assert not (tmp_path / "store.restoring").exists()
    finally:
        holder.close()
