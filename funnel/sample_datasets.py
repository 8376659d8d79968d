"""The bundled demo datasets (sample_data/manifest.json), imported when the store is empty."""

from __future__ import annotations

import json
import threading
from functools import cache
from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
_LOCK = threading.Lock()


def manifest() -> list[dict]:
    path = SAMPLE_DIR / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def display_name(name: str, lang: str) -> str:
    """A dataset's name on screen: a bundled sample's name in the UI language (the store keeps its
    English name, ``name_<lang>`` in the manifest); any other name exactly as the user gave it."""
    for entry in _manifest_cached():
        if entry["name"] == name:
            return entry.get(f"name_{lang}") or name
    return name


@cache
def _manifest_cached() -> tuple[dict, ...]:
    return tuple(manifest())


def ensure_samples(store) -> list[int]:
    """Import every sample dataset if the store has no dataset at all. Returns the new ids."""
    from .importer import import_file

    with _LOCK:
        if store.read_only or store.datasets():  # a read-only server writes nothing, samples neither
            return []
        ids = []
        for entry in manifest():
            history = SAMPLE_DIR / entry["history"] if entry.get("history") else None
            info, _built, _draft = import_file(
                store, SAMPLE_DIR / entry["file"], entry["file"], history=history,
                stages=entry.get("stages"), name=entry["name"], preset=entry.get("preset"))
            ids.append(info.id)
        return ids
