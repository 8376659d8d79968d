"""The bundled demo datasets (sample_data/manifest.json), imported when the store is empty."""

from __future__ import annotations

import json
import threading
from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
_LOCK = threading.Lock()


def manifest() -> list[dict]:
    path = SAMPLE_DIR / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


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
