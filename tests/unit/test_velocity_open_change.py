"""Sales velocity's change of the open deals is not shown when deals lack a creation date (h2's Maven finding: «Открытые
сделки» −1,958 on Velocity, where every deal without a creation date had counted open on any earlier date).

The file (no creation column, as Maven's): A won 2024-01-05, B lost 2024-03-20, E won 2024-06-20, F lost 2024-06-25,
G lost 2023-12-01 (the data starts before the previous window), C and D open. As of Jun 25 (the latest date), the
90-day windows are Mar 27 – Jun 25 and Dec 28 – Mar 27. By hand, counting a deal without a creation date open until it
closes: open at the current end C, D = 2; at the previous end C, D, E, F = 4 (E and F were perhaps not created yet):
the «change» −2 says nothing. The win rates are of closes only: current E won, F lost = 1/2; previous A won, B lost
= 1/2: change 0.0, still shown."""

from __future__ import annotations

import json

import pytest

from funnel.cli import main as cli_main
from funnel.spec import FunnelSpec
from funnel.store import Store
from funnel.velocity.sales_velocity import sales_velocity

FILE = ("id,stage,closed,amount\n"
        "A,Won,2024-01-05,100\nB,Lost,2024-03-20,200\nE,Won,2024-06-20,300\nF,Lost,2024-06-25,400\n"
        "G,Lost,2023-12-01,500\nC,Proposal,,600\nD,Lead,,700\n")


def test_no_open_change_without_creation_dates(tmp_path, capsys):
    path = tmp_path / "deals.csv"
    path.write_text(FILE, encoding="utf-8")
    assert cli_main(["--data-dir", str(tmp_path / "store"), "import", str(path), "--stages", "Lead,Proposal,Won",
                     "--json"]) == 0
    json.loads(capsys.readouterr().out)
    store = Store(str(tmp_path / "store" / "funnel.duckdb"))
    info = store.info(1)
    with store.connect() as con:
        vel = sales_velocity(con, info, FunnelSpec())
    assert (vel.current.open_deals, vel.previous.open_deals) == (2, 4)
    assert vel.previous_reason is None and vel.open_change_reason == "velocity.reason.open_change_no_created"
    assert vel.change("open_deals") is None and vel.change("per_day") is None
    assert vel.change("win_rate") == pytest.approx(0.0)
    assert (vel.current.win_rate, vel.previous.win_rate) == (0.5, 0.5)
