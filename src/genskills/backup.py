"""`genskills backup` and `restore`: a consistent copy of the embedded store, and putting one back.

A backup is a folder: an Oxigraph checkpoint of the store (RocksDB's own consistent copy,
hard links where the file system allows) and a manifest, ``genskills-backup.json``, that
says when it was taken, from what, and how many quads it holds, so that a restore can check
the copy before it replaces anything.

While a server runs, it holds the store's lock; opening the store beside it would be
undefined behaviour. The server keeps a checkpoint of every state it answered from
(``<store>.snapshots/<generation>``, taken after each write), so a backup then copies the
newest one: the last acknowledged write is in it.

A restore never overwrites: it copies the backup beside the store, checks it, then swaps
the two folders by renames, and keeps the replaced store as ``<store>.before-restore-<time>``.
It refuses while a server holds the store. A remote endpoint is backed up with its own tools
or with ``genskills export --format nq``.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .errors import InputError, StoreError
from .store import OxigraphStore

MANIFEST = "genskills-backup.json"


@dataclass(frozen=True)
class BackupInfo:
    folder: Path
    source: str          # "the store" or "the server's snapshot N"
    quads: int


def _newest_snapshot(store_path: Path) -> Path | None:
    folder = Path(f"{store_path}.snapshots")
    numbered = [p for p in folder.iterdir() if p.is_dir() and p.name.isdigit()] if folder.is_dir() else []
    return max(numbered, key=lambda p: int(p.name)) if numbered else None


def backup(store_path: Path, target: Path) -> BackupInfo:
    """A checkpoint of the store at ``store_path`` in the new folder ``target``, with its manifest."""
    if target.exists():
        raise InputError(f"{target} already exists: a backup goes to a new folder")
    if not store_path.is_dir():
        raise InputError(f"no store at {store_path}")
    try:
        source_store, source = OxigraphStore(store_path), "the store"
    except StoreError:
        # Locked: a server runs on it. Its newest snapshot holds every acknowledged write.
        snapshot = _newest_snapshot(store_path)
        if snapshot is None:
            raise StoreError(f"the store at {store_path} is in use and has no server snapshot to copy; "
                             "stop the process that holds it, then back up") from None
        source_store, source = OxigraphStore(snapshot, read_only=True), f"the server's snapshot {snapshot.name}"
    try:
        source_store.checkpoint(target)
        quads = len(source_store)
    finally:
        source_store.close()
    manifest = {"genskills_version": __version__, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "source": str(store_path), "taken_from": source, "quads": quads}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return BackupInfo(target, source, quads)


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{folder} is not a genskills backup: it has no {MANIFEST}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", path=str(path), line=exc.lineno) from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("quads"), int):
        raise InputError("the manifest has no quad count", path=str(path))
    return manifest


def restore(folder: Path, store_path: Path) -> Path | None:
    """Put the backup in ``folder`` in place of the store; returns where the replaced store went."""
    manifest = read_manifest(folder)
    if store_path.exists():
        try:
            OxigraphStore(store_path).close()   # refuses while a server holds the store
        except StoreError as exc:
            raise StoreError(f"cannot restore while the store is in use: {exc}") from None
    incoming = store_path.with_name(store_path.name + ".restoring")
    shutil.rmtree(incoming, ignore_errors=True)   # left by a restore that was cut short
    shutil.copytree(folder, incoming)
    (incoming / MANIFEST).unlink()
    try:
        copy = OxigraphStore(incoming, read_only=True)
        found = len(copy)
        copy.close()
    except StoreError as exc:
        shutil.rmtree(incoming, ignore_errors=True)
        raise InputError(f"{folder} does not hold a readable store: {exc}") from None
    if found != manifest["quads"]:
        shutil.rmtree(incoming, ignore_errors=True)
        raise InputError(f"{folder} holds {found} quads where its manifest says {manifest['quads']}: "
                         "the backup is damaged; nothing was replaced")
    replaced = None
    if store_path.exists():
        replaced = store_path.with_name(f"{store_path.name}.before-restore-{time.strftime('%Y%m%dT%H%M%S')}")
        os.rename(store_path, replaced)
    os.rename(incoming, store_path)
    # The server's snapshots belong to the replaced store.
    shutil.rmtree(Path(f"{store_path}.snapshots"), ignore_errors=True)
    return replaced
