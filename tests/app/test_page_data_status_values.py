"""The Data page asks what a status column's unread values mean (a CRM's codes: Flowlu's `active` 1 in progress,
2 lost, 3 won; survey 37) and rebuilds the dataset with them: 2 won, 1 lost, 1 open, revenue 100 + 50 = 150."""

from __future__ import annotations

import json

from funnel.cli import main as cli_main
from funnel.importer import import_file
from funnel.store import Store
from tests.app.conftest import open_page

CODES = ("Deal ID,Stage,State,Amount\n"
         "1,Proposal,3,100\n"
         "2,Demo,2,200\n"
         "3,Demo,1,300\n"
         "4,Proposal,3,50\n")


def test_the_status_codes_are_asked_once_and_the_numbers_follow(data_dir, capsys):
    store = Store(data_dir / "funnel.duckdb")
    info, _built, _draft = import_file(store, CODES.encode(), "codes.csv", mapping_pairs=["status=State"])
    store.close()
    ds = info.id
    at = open_page("pages/data.py", lang="en", ds=str(ds))
    boxes = {b.label: b for b in at.selectbox if b.key and b.key.startswith(f"edit{ds}_status_")}
    assert sorted(boxes) == ["1", "2", "3"]
    boxes["3"].set_value("won")
    boxes["2"].set_value("lost")
    boxes["1"].set_value("open")
    next(b for b in at.button if b.key == f"edit{ds}_apply").click()
    at.run()
    assert not at.exception
    assert cli_main(["--data-dir", str(data_dir), "metrics", str(ds), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["won"], doc["lost"], doc["open"], doc["revenue"]) == (2, 1, 1, 150.0)
