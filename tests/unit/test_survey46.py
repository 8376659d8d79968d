"""Issue 16, survey 46 (the same numbers on every surface: CLI, pages, report), what it found wrong.

- The report's summary called every deal that stopped at its biggest leak «lost there», the open ones too (Olist:
  «deals lost there: 7,158» where none is recorded lost; Maven 4,062 for 2,473). The drop-offs section and the
  Overview already split them into lost and still open.
- Deals that name no manager were in no row of ``managers`` (JSON, text) nor of the Managers page, silently, while
  the report and ``metrics --by manager`` counted them (Olist: the managers added up to 842 of 8,000 deals).

Eight deals, worked by hand (stages New → Meeting → Proposal → Won):

| deal | stage | status | manager |
|---|---|---|---|
| 1, 2 | Won | won | Ann, Bob |
| 3 | Meeting | lost | Ann |
| 4, 5 | Meeting | open | Ann, — |
| 6 | New | lost | — |
| 7 | New | open | Bob |
| 8 | Proposal | open | — |

Reached: New 8, Meeting 6 (1–5, 8), Proposal 3 (1, 2, 8), Won 2. Drop-offs: New → Meeting 2 (6 lost, 7 open; 25 % of 8),
Meeting → Proposal 3 (3 lost; 4, 5 open; 50 % of 6), Proposal → Won 1 (8 open; 33.3 % of 3): the biggest is Meeting →
Proposal, 3 deals: lost 1, still open 2. No manager is named on deals 5, 6 and 8: three deals, won 0, lost 1; Ann has
1, 3, 4 (won 1, lost 1), Bob 2, 7 (won 1).
"""

from __future__ import annotations

import json

from funnel.cli import main as cli_main
from funnel.importer import import_file
from funnel.report import build_report
from funnel.spec import FunnelSpec
from funnel.store import Store

DEALS = ("id,stage,status,manager,created\n"
         "1,Won,won,Ann,2024-03-01\n2,Won,won,Bob,2024-03-02\n3,Meeting,lost,Ann,2024-03-03\n"
         "4,Meeting,open,Ann,2024-03-04\n5,Meeting,open,,2024-03-05\n6,New,lost,,2024-03-06\n"
         "7,New,open,Bob,2024-03-07\n8,Proposal,open,,2024-03-08\n")
ORDER = ["New", "Meeting", "Proposal", "Won"]


def _store(tmp_path):
    (tmp_path / "deals.csv").write_text(DEALS, encoding="utf-8")
    store = Store(tmp_path / "funnel.duckdb")
    info, _built, _draft = import_file(store, tmp_path / "deals.csv", "deals.csv", stages=ORDER, name="eight")
    return store, info


def test_the_summarys_biggest_leak_splits_lost_and_open(tmp_path):
    store, info = _store(tmp_path)
    with store.connect() as con:
        report = build_report(con, info, store.row(info.id), FunnelSpec(), "en")
    summary = next(s for s in report.sections if s.key == "summary")
    leak = next(p for p in summary.paragraphs if "biggest leak" in p)
    assert "“Meeting” and “Proposal”" in leak
    assert "deals stopped there: 3" in leak and "lost: 1, still open: 2" in leak
    assert "lost there" not in leak


def test_deals_with_no_manager_are_counted_beside_the_managers(tmp_path, capsys):
    _store(tmp_path)
    assert cli_main(["--data-dir", str(tmp_path), "managers", "1", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {m["manager"]: (m["deals"], m["won"], m["lost"]) for m in doc["managers"]} == {
        "Ann": (3, 1, 1), "Bob": (2, 1, 0)}
    assert (doc["no_manager"]["deals"], doc["no_manager"]["won"], doc["no_manager"]["lost"]) == (3, 0, 1)
    assert sum(m["deals"] for m in doc["managers"]) + doc["no_manager"]["deals"] == 8  # the team's total
    assert cli_main(["--data-dir", str(tmp_path), "managers", "1"]) == 0
    assert "3 deals name no manager (won 0, lost 1)" in capsys.readouterr().out


def test_a_filtered_metrics_document_names_its_period(tmp_path, capsys):
    _store(tmp_path)
    assert cli_main(["--data-dir", str(tmp_path), "metrics", "1", "--from", "2024-03-03", "--to", "2024-03-06",
                     "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["period"] == {"from": "2024-03-03", "to": "2024-03-06", "date": "created"}
    assert (doc["deals"], doc["won"], doc["lost"]) == (4, 0, 2)  # deals 3, 4, 5, 6: 3 and 6 lost
    assert cli_main(["--data-dir", str(tmp_path), "metrics", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["period"] is None


def test_no_back_test_of_money_when_open_deals_carry_no_amount(tmp_path, capsys):
    # Maven's shape: an amount only on closed deals (the lost at 0), none on the open ones. A month's back-tested
    # forecast weighs the deals then open by amounts written at their close: nothing anyone knew at the time.
    rows = ["id,stage,status,amount,created,closed"]
    for k in range(24):  # two deals a month from January to December 2023, every third one still open
        month, day = k // 2 + 1, 1 + 10 * (k % 2)
        created = f"2023-{month:02d}-{day:02d}"
        closed = f"2023-{month:02d}-{day + 5:02d}"
        if k % 3 == 2:
            rows.append(f"{k},Proposal,open,,{created},")
        elif k % 3 == 1:
            rows.append(f"{k},Lost,lost,0,{created},{closed}")
        else:
            rows.append(f"{k},Won,won,1000,{created},{closed}")
    (tmp_path / "deals.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert cli_main(["--data-dir", str(tmp_path), "import", str(tmp_path / "deals.csv"), "--stages",
                     "New,Proposal,Won", "--json"]) == 0
    capsys.readouterr()
    assert cli_main(["--data-dir", str(tmp_path), "forecast", "1", "--as-of", "2023-12-31", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["backtest"] and all(b["forecast"] is None for b in doc["backtest"])
    # won deals k = 0, 3, …, 21 close in months 1, 2, 4, 5, 7, 8, 10, 11 (1,000 each, five days after creation);
    # a month's actual counts the deals open at its start (created on the 1st: July, October), actual_all every win
    assert {b["month"]: (b["actual"], b["actual_all"]) for b in doc["backtest"]} == {
        "2023-06": (0, 0), "2023-07": (1000, 1000), "2023-08": (0, 1000), "2023-09": (0, 0),
        "2023-10": (1000, 1000), "2023-11": (0, 1000)}
    assert "backtest_error" not in doc and doc["reasons"]["backtest"] == "velocity.reason.backtest_unpriced"
    # the months' expected wins and the plan's chance weigh the open deals' amounts too: unknown, not 0
    assert cli_main(["--data-dir", str(tmp_path), "forecast", "1", "--as-of", "2023-12-31", "--plan", "5000",
                     "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert all(m["expected"] is None for m in doc["by_month"]) and doc["weighted_pipeline"] is None
    assert (doc["p_meet_plan"], doc["p10"], doc["p50"], doc["p90"]) == (None, None, None, None)
    assert doc["won_so_far"] == 0  # no deal won in December: what is known stays a number
