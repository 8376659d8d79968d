"""Two snapshots instead of a history: matched by deal id, the waterfall and moves worked out by hand."""

from __future__ import annotations

import json

import pytest

from funnel.cli import main
from funnel.errors import FunnelError
from funnel.spec import FunnelSpec
from funnel.store import Store
from funnel.velocity.snapshots import compare_datasets, link_previous, previous_of

STAGES = "Lead,Qualified,Proposal,Won"
HEAD = "Deal ID,Stage,Status,Created,Closed,Amount\n"
# A, exported 2024-02-01 (its latest timestamp: D6 created that day)
A = HEAD + ("D1,Lead,open,2024-01-05,,100\nD2,Qualified,open,2024-01-06,,200\nD3,Proposal,open,2024-01-07,,300\n"
            "D4,Lead,open,2024-01-08,,400\nD5,Won,won,2024-01-02,2024-01-15,500\nD6,Qualified,open,2024-02-01,,600\n")
# B, a month later: D1 forward, D2 back (and 200 -> 250), D3 won, D4 lost, D5 closed in both, D6 gone,
# D7 new and open, D8 new and won, D9 closed before A's date (missing from A: history, not a change)
B = HEAD + ("D1,Qualified,open,2024-01-05,,100\nD2,Lead,open,2024-01-06,,250\nD3,Won,won,2024-01-07,2024-02-20,300\n"
            "D4,Lead,lost,2024-01-08,2024-02-10,400\nD5,Won,won,2024-01-02,2024-01-15,500\n"
            "D7,Lead,open,2024-02-15,,700\nD8,Won,won,2024-02-05,2024-02-25,800\n"
            "D9,Lead,lost,2023-12-01,2024-01-10,900\n")
EXPECTED = {"start": (5, 1600.0), "new": (2, 1500.0), "won": (2, 1100.0), "lost": (1, 400.0),
            "removed": (1, 600.0), "end": (3, 1050.0), "forward": (1, 100.0), "back": (1, 250.0),
            "changed": (1, 50.0)}


@pytest.fixture
def files(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(A, encoding="utf-8")
    b.write_text(B, encoding="utf-8")
    return tmp_path, a, b


def test_import_previous_compares_the_two_snapshots(files, capsys):
    folder, a, b = files
    assert main(["--data-dir", str(folder), "import", str(a), "--stages", STAGES, "--name", "january"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(folder), "import", str(b), "--stages", STAGES, "--previous", "january",
                 "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)["previous"]
    assert doc["name"] == "january" and doc["from"] == "2024-02-01 00:00:00"
    assert {k: (v["deals"], v["amount"]) for k, v in doc["waterfall"].items()} == EXPECTED
    # the link is remembered: `pipeline` on the new dataset shows the same comparison
    assert main(["--data-dir", str(folder), "pipeline", "2", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)["previous"]
    assert again["waterfall"] == doc["waterfall"]
    moves = {(m["from"], m["to"]): m["deals"] for m in again["movements"]}
    assert moves[(1, "2")] == 1 and moves[(2, "1")] == 1 and moves[(None, "won")] == 1  # D1, D2, D8


def test_identity_with_removed_and_changed(files):
    folder, a, b = files
    from funnel.importer import import_file

    store = Store(folder / "s.duckdb")
    first, _b, _d = import_file(store, a, "a.csv", stages=STAGES.split(","))
    second, _b, _d = import_file(store, b, "b.csv", stages=STAGES.split(","))
    link_previous(store, second.id, first.id)
    info = store.info(second.id)
    assert previous_of(info) == first.id
    wf = compare_datasets(store, info, FunnelSpec())
    assert wf.identity_holds()
    assert {k: (v.deals, v.amount) for k, v in wf.bars.items()} == EXPECTED
    with pytest.raises(FunnelError):
        link_previous(store, second.id, second.id)
