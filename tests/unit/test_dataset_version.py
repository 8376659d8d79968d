"""``datasets.version`` goes up on every change of a stored dataset, because every cache keys on
``(id, version)`` (ui/cache.py, ui/velocity.py, ui/audit.py): an edit that forgot the bump would
serve the old figures. Issue 15, point 8."""

from __future__ import annotations

import re
from pathlib import Path

from funnel.dataset_edit import rederive, refresh
from funnel.importer import Source, import_file
from funnel.velocity.snapshots import link_previous

ROOT = Path(__file__).resolve().parents[2]
CSV = "Deal Name,Deal Stage,Amount,Owner\nA,Qualified,100,Ann\nB,Proposal,300,Bob\nE,Closed Won,70,Ann\n"
# The one write of the catalog row that leaves the version alone, and why: it records where the
# staged file rows are kept, which no figure reads (funnel/dataset_edit.py, _update_meta).
NO_BUMP = {("funnel/dataset_edit.py", "UPDATE datasets SET meta = $m WHERE id = $id")}


def _version(store, dataset_id):
    return store.row(dataset_id)["version"]


def test_every_change_of_a_dataset_bumps_its_version(mem_store):
    info, _built, _ = import_file(mem_store, CSV.encode(), "week1.csv")
    other, _built, _ = import_file(mem_store, CSV.replace("A,", "Z,").encode(), "week0.csv")
    assert _version(mem_store, info.id) == 1
    rederive(mem_store, info.id, stages=["Qualified", "Proposal", "Closed Won"])
    assert _version(mem_store, info.id) == 2
    refresh(mem_store, info.id, Source(CSV.replace("B,Proposal", "B,Closed Won").encode(), "week2.csv"))
    assert _version(mem_store, info.id) == 3
    mem_store.rename(info.id, "Week 2")
    assert _version(mem_store, info.id) == 4
    link_previous(mem_store, info.id, other.id)
    assert _version(mem_store, info.id) == 5
    assert _version(mem_store, other.id) == 1  # the other dataset did not change


def _catalog_updates():
    for path in sorted((ROOT / "funnel").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r'UPDATE datasets SET[^"]*', text):
            yield str(path.relative_to(ROOT)), " ".join(match.group(0).split())


def test_every_write_of_the_catalog_row_bumps_the_version():
    """A new edit path (an UPDATE of ``datasets``) must bump the version or be listed in NO_BUMP."""
    updates = list(_catalog_updates())
    assert len(updates) >= 4  # the scan finds the writes (rename, replace, meta, snapshot link)
    missing = [u for u in updates if "version = version + 1" not in u[1] and u not in NO_BUMP]
    assert missing == []
