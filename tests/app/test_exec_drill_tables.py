"""Every count of the Diagnostics page's two tables opens its deals (the executive's read-only link, session 49).

Before, «Time in stages» and «Lost reasons: Pareto» were text: their open, stuck and lost counts opened nothing.
A small file, worked by hand (as-of = the last moment in the data, 2024-03-31 10:00):

- open now: Lead 1 (O4), Meeting 2 (O1, O2), Proposal 1 (O3);
- stuck: Meeting has 6 finished stays (2, 2, 3, 3, 3, 3 days), Proposal 3 (2, 4, 4): too few for a p90 (it needs
  10, funnel/metrics/cycle_rules.py), so without a threshold «stuck» is «—» and the caption says why; with the
  user's threshold of 5 days, O2 (at Meeting since 15 Jan, 76 days) is stuck, O1 (3.1 days) not, and O3 (at
  Proposal since 25 Mar, 6.1 days) is;
- lost at a recorded stage, by reason: Lead «Price» 2 (L1, L2), «No reply» 1 (L3); Meeting «Price» 1 (L4),
  «No reply» 1 (L5); Proposal «Price» 1 (L6); by manager: Ann «Price» 2 (L1, L2), «No reply» 1 (L5);
  Bob «Price» 2 (L4, L6), «No reply» 1 (L3).

The Pipeline page's weekly chart (what each stage held at each week's end) opened nothing either; its points now
open the deals in the stage that week (hand counts in the test's docstring).
"""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState

from funnel.importer import import_file
from funnel.store import Store
from tests.app.conftest import open_page, store_at
from tests.app.test_polish_drill import click_cell

DEALS = """ID,Manager,Amount,Stage,Status,Created,Closed,Lost reason
L1,Ann,100,Lead,Lost,2024-01-01 09:00,2024-01-02 09:00,Price
L2,Ann,100,Lead,Lost,2024-01-01 10:00,2024-01-02 10:00,Price
L3,Bob,100,Lead,Lost,2024-01-01 11:00,2024-01-02 11:00,No reply
L4,Bob,100,Meeting,Lost,2024-01-01 12:00,2024-01-04 12:00,Price
L5,Ann,100,Meeting,Lost,2024-01-01 13:00,2024-01-04 13:00,No reply
L6,Bob,100,Proposal,Lost,2024-01-01 14:00,2024-01-07 14:00,Price
W1,Ann,500,Won,Won,2024-01-01 08:00,2024-01-10 08:00,
W2,Bob,500,Won,Won,2024-01-02 08:00,2024-01-12 08:00,
O1,Ann,200,Meeting,Open,2024-03-28 08:00,,
O2,Bob,200,Meeting,Open,2024-01-10 08:00,,
O3,Ann,200,Proposal,Open,2024-03-20 08:00,,
O4,Bob,200,Lead,Open,2024-03-31 10:00,,
"""
HISTORY = """deal_id,stage,entered_at
L1,Lead,2024-01-01 09:00
L2,Lead,2024-01-01 10:00
L3,Lead,2024-01-01 11:00
L4,Lead,2024-01-01 12:00
L4,Meeting,2024-01-02 12:00
L5,Lead,2024-01-01 13:00
L5,Meeting,2024-01-02 13:00
L6,Lead,2024-01-01 14:00
L6,Meeting,2024-01-02 14:00
L6,Proposal,2024-01-05 14:00
W1,Lead,2024-01-01 08:00
W1,Meeting,2024-01-03 08:00
W1,Proposal,2024-01-06 08:00
W1,Won,2024-01-10 08:00
W2,Lead,2024-01-02 08:00
W2,Meeting,2024-01-05 08:00
W2,Proposal,2024-01-08 08:00
W2,Won,2024-01-12 08:00
O1,Lead,2024-03-28 08:00
O1,Meeting,2024-03-30 08:00
O2,Lead,2024-01-10 08:00
O2,Meeting,2024-01-15 08:00
O3,Lead,2024-03-20 08:00
O3,Meeting,2024-03-22 08:00
O3,Proposal,2024-03-25 08:00
O4,Lead,2024-03-31 10:00
"""


def small_folder(folder):
    """``folder`` holding a store of only the small file (dataset 1, its history, the order given)."""
    (folder / "deals.csv").write_text(DEALS, encoding="utf-8")
    (folder / "history.csv").write_text(HISTORY, encoding="utf-8")
    store = Store(folder / "funnel.duckdb")
    import_file(store, folder / "deals.csv", "deals.csv", history=folder / "history.csv",
                stages=["Lead", "Meeting", "Proposal", "Won"], name="small")
    store.close()
    return folder


@pytest.fixture(scope="module")
def small_store(tmp_path_factory):
    """A store holding only the small file (dataset 1): no samples are imported into a store that has one."""
    with store_at(small_folder(tmp_path_factory.mktemp("exec_drill"))) as folder:
        yield folder


def _table(at, column: str):
    return next(d for d in at.dataframe if column in d.value.columns)


def _opened(table_column: str, key_column: str, key_value: str, column: str, reason: str | None = None,
            **params: str):
    """Click ``column`` of the row whose ``key_column`` is ``key_value`` (and reason); the cell's number and the deals."""
    at = open_page("pages/diagnostics.py", lang="en", ds="1", **params)
    table = _table(at, table_column)
    frame = table.value
    match = frame[key_column] == key_value
    if reason is not None:
        match &= frame["Lost reason"] == reason
    row = int(frame.index[match][0])
    shown = int(frame.loc[row, column])
    click_cell(at, table, row, column)
    return shown, at.dataframe[-1].value


@pytest.mark.parametrize(("stage", "column", "ids"), [
    ("Lead", "Open now", {"O4"}), ("Meeting", "Open now", {"O1", "O2"}), ("Proposal", "Open now", {"O3"}),
    ("Meeting", "Stuck", {"O2"}), ("Proposal", "Stuck", {"O3"})])
def test_stage_times_open_and_stuck_open_their_deals(small_store, stage, column, ids):
    shown, deals = _opened("Open now", "Stage", stage, column, dg_stuck="5")
    assert shown == len(deals) == len(ids)
    assert set(deals["Deal ID"]) == ids


@pytest.mark.parametrize(("key_column", "key", "reason", "ids"), [
    ("Stage", "Lead", "Price", {"L1", "L2"}), ("Stage", "Lead", "No reply", {"L3"}),
    ("Stage", "Meeting", "Price", {"L4"}), ("Stage", "Proposal", "Price", {"L6"}),
    ("Manager", "Ann", "Price", {"L1", "L2"}), ("Manager", "Bob", "Price", {"L4", "L6"}),
    ("Manager", "Bob", "No reply", {"L3"})])
def test_lost_reason_counts_open_those_lost_deals(small_store, key_column, key, reason, ids):
    at = open_page("pages/diagnostics.py", lang="en", ds="1")
    table = next(d for d in at.dataframe if key_column in d.value.columns and "Lost" in d.value.columns)
    frame = table.value
    row = int(frame.index[(frame[key_column] == key) & (frame["Lost reason"] == reason)][0])
    shown = int(frame.loc[row, "Lost"])
    click_cell(at, table, row, "Lost")
    deals = at.dataframe[-1].value
    assert shown == len(deals) == len(ids)
    assert set(deals["Deal ID"]) == ids and set(deals["Lost reason"]) == {reason}


def test_stuck_is_unknown_without_a_p90_or_a_threshold(small_store):
    """6 and 3 finished stays: no p90 (Velocity's rule), so no deal is called stuck by it: «—» and the reason."""
    at = open_page("pages/diagnostics.py", lang="en", ds="1")
    frame = _table(at, "Open now").value
    stuck = dict(zip(frame["Stage"], frame["Stuck"], strict=True))
    assert stuck["Meeting"] == stuck["Proposal"] == "—"
    captions = " ".join(c.value for c in at.caption)
    assert "p90 of «Meeting» not shown: 6 stays there have finished (it needs at least 10)." in captions
    assert "p90 of «Proposal» not shown: 3 stays there have finished (it needs at least 10)." in captions


def test_a_cell_that_counts_no_deals_opens_nothing(small_store):
    at = open_page("pages/diagnostics.py", lang="en", ds="1")
    before = len(at.dataframe)
    table = _table(at, "Open now")
    click_cell(at, table, 1, "p90, days")  # a duration, not deals
    assert len(at.dataframe) == before


def _click_point(at, chart, curve: int, index: int):
    """Send the selection a click on point ``index`` of trace ``curve`` sends (AppTest cannot click a chart)."""
    states = at._tree.get_widget_states()
    state = WidgetState(id=chart.proto.id)
    point = {"curve_number": curve, "point_number": index, "point_index": index}
    state.string_value = json.dumps({"selection": {"points": [point], "point_indices": [index], "box": [], "lasso": []}})
    states.widgets.append(state)
    at._run(states)
    assert not at.exception, [e.value for e in at.exception]


def _y(spec: dict, curve: int, index: int) -> float:
    """The chart's value of a point (plotly may write a trace's numbers as base64 binary)."""
    y = spec["data"][curve]["y"]
    if isinstance(y, dict):
        y = np.frombuffer(base64.b64decode(y["bdata"]), dtype=np.dtype(y["dtype"]))
    return float(y[index])


@pytest.mark.parametrize(("curve", "week", "ids"), [
    (1, 12, {"O1", "O2"}), (2, 12, {"O3"}), (0, 12, {"O4"}),
    (1, 0, {"W2"}), (2, 0, {"W1"}), (0, 0, set()), (0, 1, {"O2"}), (1, 2, {"O2"})])
def test_weekly_chart_points_open_the_deals_in_the_stage_that_week(small_store, curve, week, ids):
    """Curves are Lead, Meeting, Proposal; weeks start Monday 1 Jan 2024 (index 0) and end with the week of 25 Mar
    (index 12, counted at as-of). Week of 1 Jan: W2 entered Meeting on the 5th, left on the 8th: Meeting 1; W1 entered
    Proposal on the 6th, won on the 10th: Proposal 1; L1..L6 left every stage the week they entered it (lost by the
    7th): Lead 0. Week of 8 Jan: O2 created on the 10th, in Lead until the 15th: Lead 1. Week of 15 Jan: O2 in
    Meeting. Week of 25 Mar: Meeting O1, O2; Proposal O3; Lead O4 (entered at as-of itself)."""
    at = open_page("pages/pipeline.py", lang="en", ds="1")
    chart = next(c for c in at.get("plotly_chart") if "pl_weekly" in c.proto.id)
    shown = _y(json.loads(chart.proto.spec), curve, week)
    _click_point(at, chart, curve, week)
    if not ids:  # an empty list still opens, saying there are none
        assert shown == 0
        return
    deals = at.dataframe[-1].value
    assert shown == len(deals) == len(ids)
    assert set(deals["Deal ID"]) == ids


@pytest.mark.parametrize(("wr", "ids"), [
    ("closed", {"L1", "L2", "L3", "L4", "L5", "L6", "W1", "W2"}),
    ("all", {"L1", "L2", "L3", "L4", "L5", "L6", "W1", "W2", "O1", "O2", "O3", "O4"})])
def test_funnel_win_rate_line_opens_its_deals(small_store, wr, ids):
    """The Funnel page's «Win rate 25.0% — 2 won, 6 lost» (won / closed: the 8 closed deals) or «Win rate 16.7% —
    2 won of 12 deals» (won / all: every deal) opens the deals it divides by; before, the line opened nothing."""
    at = open_page("pages/funnel.py", lang="en", ds="1", wr=wr)
    line = next(m.value for m in at.markdown if m.value.startswith("Win rate"))
    assert line == ("Win rate **25.0%** — 2 won, 6 lost (open deals left out)." if wr == "closed"
                    else "Win rate **16.7%** — 2 won of 12 deals.")
    at.button(key="fn_win_rate_deals").click().run()
    assert not at.exception
    deals = at.dataframe[-1].value
    assert len(deals) == len(ids) and set(deals["Deal ID"]) == ids
