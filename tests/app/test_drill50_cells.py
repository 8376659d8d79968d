"""The Pipeline page's stage movements and forecast months, and the Diagnostics page's «Left the stage», open their
deals (they were text). The small file of tests/app/test_exec_drill_tables.py, worked by hand (positions Lead 1,
Meeting 2, Proposal 3; as-of = its last moment, 2024-03-31 10:00):

- every closed deal closed in January; open at as-of: O1 (created 28 Mar, Meeting), O2 (created 10 Jan, Meeting since
  15 Jan), O3 (created 20 Mar, Proposal), O4 (created at as-of itself, Lead);
- movements from the end of 1 Mar to as-of: O2 Meeting → Meeting; O1 new → Meeting, O3 new → Proposal,
  O4 new → Lead; from the end of 31 Dec 2023 every deal is new: → Won W1, W2; → Lost L1..L6;
- finished stays: Lead L1..L6, W1, W2, O1, O2, O3 (11; O4 still there); Meeting L4, L5, L6, W1, W2, O3 (6);
  Proposal L6, W1, W2 (3);
- the forecast's months are spread over the four open deals.
"""

from __future__ import annotations

import pytest

from tests.app.conftest import open_page, store_at
from tests.app.test_exec_drill_tables import small_folder
from tests.app.test_polish_drill import click_cell


@pytest.fixture(scope="module")
def small_store(tmp_path_factory):
    with store_at(small_folder(tmp_path_factory.mktemp("drill50"))) as folder:
        yield folder


def _table(at, column: str):
    return next(d for d in at.dataframe if column in d.value.columns)


@pytest.mark.parametrize(("wf_from", "source", "target", "ids"), [
    ("2024-03-01", "Meeting", "Meeting", {"O2"}), ("2024-03-01", "New", "Meeting", {"O1"}),
    ("2024-03-01", "New", "Lead", {"O4"}), ("2024-03-01", "New", "Proposal", {"O3"}),
    ("2023-12-31", "New", "Lost", {"L1", "L2", "L3", "L4", "L5", "L6"}), ("2023-12-31", "New", "Won", {"W1", "W2"})])
def test_a_movement_opens_the_deals_that_made_it(small_store, wf_from, source, target, ids):
    at = open_page("pages/pipeline.py", lang="en", ds="1", wf_from=wf_from)
    table = _table(at, "From")
    frame = table.value
    row = int(frame.index[(frame["From"] == source) & (frame["To"] == target)][0])
    shown = int(frame.loc[row, "Deals"])
    click_cell(at, table, row, "Deals")
    deals = at.dataframe[-1].value
    assert shown == len(deals) == len(ids)
    assert set(deals["Deal ID"]) == ids


def test_a_movement_row_by_its_amount_and_not_by_its_names(small_store):
    at = open_page("pages/pipeline.py", lang="en", ds="1", wf_from="2023-12-31")
    table = _table(at, "From")
    frame = table.value
    row = int(frame.index[frame["To"] == "Won"][0])
    before = len(at.dataframe)
    click_cell(at, table, row, "From")  # a stage's name: no count of deals
    assert len(at.dataframe) == before
    click_cell(at, _table(at, "From"), row, "Amount")
    assert set(at.dataframe[-1].value["Deal ID"]) == {"W1", "W2"}


def test_a_forecast_month_opens_the_open_deals_it_is_spread_over(small_store):
    at = open_page("pages/pipeline.py", lang="en", ds="1")
    table = next(d for d in at.dataframe if "Mar 2024" in [str(c) for c in d.value.columns])
    click_cell(at, table, 0, "Mar 2024")
    assert set(at.dataframe[-1].value["Deal ID"]) == {"O1", "O2", "O3", "O4"}
    assert any("no list of deals adds up to one month" in c.value for c in at.caption)


@pytest.mark.parametrize(("stage", "ids"), [
    ("Lead", {"L1", "L2", "L3", "L4", "L5", "L6", "W1", "W2", "O1", "O2", "O3"}),
    ("Meeting", {"L4", "L5", "L6", "W1", "W2", "O3"}), ("Proposal", {"L6", "W1", "W2"})])
def test_left_the_stage_opens_the_deals_of_its_finished_stays(small_store, stage, ids):
    at = open_page("pages/diagnostics.py", lang="en", ds="1")
    table = _table(at, "Left the stage")
    frame = table.value
    row = int(frame.index[frame["Stage"] == stage][0])
    shown = int(frame.loc[row, "Left the stage"])
    click_cell(at, table, row, "Left the stage")
    deals = at.dataframe[-1].value
    assert shown == len(deals) == len(ids)
    assert set(deals["Deal ID"]) == ids


@pytest.fixture(scope="module")
def two_snapshots(tmp_path_factory):
    """tests/unit/test_velocity_snapshots.py's two exports, the later (dataset 2) linked to the earlier (dataset 1)."""
    from funnel.importer import import_file
    from funnel.store import Store
    from funnel.velocity.snapshots import link_previous
    from tests.unit.test_velocity_snapshots import STAGES, A, B

    folder = tmp_path_factory.mktemp("drill50_snapshots")
    (folder / "a.csv").write_text(A, encoding="utf-8")
    (folder / "b.csv").write_text(B, encoding="utf-8")
    store = Store(folder / "funnel.duckdb")
    first, _b, _d = import_file(store, folder / "a.csv", "a.csv", stages=STAGES.split(","), name="january")
    second, _b, _d = import_file(store, folder / "b.csv", "b.csv", stages=STAGES.split(","), name="february")
    link_previous(store, second.id, first.id)
    store.close()
    with store_at(folder) as path:
        yield path


@pytest.mark.parametrize(("curve", "index", "ids", "removed_said"), [
    (0, 0, {"D1", "D2", "D3", "D4"}, True),  # start 5, less D6 (removed): said in the dialog
    (0, 1, {"D7", "D8"}, False), (0, 2, {"D3", "D8"}, False), (0, 3, {"D4"}, False), (0, 5, {"D1", "D2", "D7"}, False),
    (1, 0, {"D1"}, False), (1, 1, {"D2"}, False)])
def test_a_bar_since_the_previous_snapshot_opens_its_deals(two_snapshots, curve, index, ids, removed_said):
    """Bars: start, new, won, lost, removed, end (trace 0); forward, back (trace 1). Hand counts in
    tests/unit/test_pipeline_counts_drill.py (test_snapshot_bars_open_their_deals_of_this_dataset)."""
    from tests.app.test_exec_drill_tables import _click_point

    at = open_page("pages/pipeline.py", lang="en", ds="2")
    chart = next(c for c in at.get("plotly_chart") if "pl_snapshots" in c.proto.id)
    _click_point(at, chart, curve, index)
    assert set(at.dataframe[-1].value["Deal ID"]) == ids
    said = any("1 deal open in «january» is no longer in this dataset" in c.value for c in at.caption)
    assert said == removed_said
