"""The suite covers every query: each ``funnel/queries/*.sql`` must be run by some case of
cases.py (recorded on the reference store while all cases run), so a query added by another
issue fails here until its function joins the conformance cases."""

from __future__ import annotations

from cases import CASES

import funnel.sql as sql_module
from funnel.sql import QUERY_DIR


def test_every_query_file_is_exercised(reference, monkeypatch):
    store, infos = reference
    used: set[str] = set()
    original = sql_module.load

    def recording(name: str) -> str:
        used.add(name)
        return original(name)

    import sys

    for module in list(sys.modules.values()):  # every module that imported load by name
        if getattr(module, "__name__", "").startswith("funnel") and getattr(module, "load", None) is original:
            monkeypatch.setattr(module, "load", recording)
    with store.connect() as con:
        for info in infos:
            for fn in CASES.values():
                try:
                    fn(con, info)
                except Exception:  # noqa: BLE001 - only which queries were reached matters here
                    pass
    files = {p.stem for p in QUERY_DIR.glob("*.sql")}
    assert files - used == set(), f"queries no conformance case runs: {sorted(files - used)}"
    assert used <= files  # the recorder saw real query names (it could fail if load changed)
