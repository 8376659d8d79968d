"""A file whose open deals carry no amount while its won deals do (Maven's `sales_pipeline.csv` writes
`close_value` only once a deal closes): the open pipeline's amount, the weighted pipeline and the
forecast's money are unknown, not 0. Hand-made rows; what the CLI and the report say."""

from __future__ import annotations

import json

import pytest

from funnel.cli import main

ROWS = ("Deal ID,Stage,Amount,Created,Closed\n"
        "1,Lead,,2024-01-01,\n"            # open, no amount
        "2,Demo,,2024-01-02,\n"            # open, no amount
        "3,Won,300,2024-01-03,2024-01-20\n"
        "4,Lost,,2024-01-04,2024-01-10\n")


def _store(tmp_path, text):
    path = tmp_path / "deals.csv"
    path.write_text(text, encoding="utf-8")
    store = str(tmp_path / "store")
    assert main(["--data-dir", store, "import", str(path), "--stages", "Lead,Demo,Won"]) == 0
    return store


def _json(capsys, *argv):
    capsys.readouterr()
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_open_deals_without_amounts_give_no_open_amount(tmp_path, capsys):
    store = _store(tmp_path, ROWS)
    pipe = _json(capsys, "--data-dir", store, "pipeline", "1", "--as-of", "2024-02-01", "--json")
    # open on Feb 1: deal 1 at Lead, deal 2 at Demo; their amounts are unknown
    assert pipe["snapshot"] == [{"stage": "Lead", "open_deals": 1, "amount": None},
                                {"stage": "Demo", "open_deals": 1, "amount": None}]
    assert pipe["reasons"]["amount"] == "velocity.ui.open_unpriced"
    fc = _json(capsys, "--data-dir", store, "forecast", "1", "--as-of", "2024-02-01", "--json")
    assert fc["weighted_pipeline"] is None and fc["age_adjusted"] is None
    assert fc["reasons"]["amount"] == "velocity.ui.open_unpriced"


def test_one_open_amount_is_enough_to_sum_them(tmp_path, capsys):
    store = _store(tmp_path, ROWS.replace("1,Lead,,", "1,Lead,100,"))
    pipe = _json(capsys, "--data-dir", store, "pipeline", "1", "--as-of", "2024-02-01", "--json")
    # deal 1 has 100, deal 2 none (counted as 0 in a sum that is known in part)
    assert [r["amount"] for r in pipe["snapshot"]] == pytest.approx([100.0, 0.0])
    assert "amount" not in pipe["reasons"]


def test_the_report_says_it_once_and_leaves_the_amounts_blank(tmp_path, capsys):
    store = _store(tmp_path, ROWS)
    out = tmp_path / "r.html"
    assert main(["--data-dir", store, "report", "1", "--format", "html", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.count("Open deals carry no amount in this file") == 1
    assert "Weighted pipeline" not in text  # the weighted-pipeline sentence needs the amounts
