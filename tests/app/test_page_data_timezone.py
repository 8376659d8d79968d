"""Data page under AppTest: «Time zone of timestamps» is offered for a file of instants only, converts them
on import, and the dataset editor changes the zone of a stored dataset. Values worked out by hand."""

from __future__ import annotations

from datetime import datetime

from funnel.importer import import_file
from funnel.sql import ident, run
from funnel.store import Store
from tests.app.conftest import open_page, uploaded

# HubSpot API export, epoch milliseconds. 1706738400 = 2024-02-01 00:00Z (1706745600) - 2 h = 01-31 22:00Z,
# in Moscow (UTC+3) 2024-02-01 01:00; 1704056400 = 2024-01-01 00:00Z - 3 h = 2023-12-31 21:00Z, Moscow 01-01 00:00
HUBSPOT = (b"hs_object_id,dealname,dealstage,amount,createdate,closedate,pipeline\n"
           b"101,Alpha,closedwon,5000,1706738400000,1707600600000,default\n"
           b"102,Beta,appointmentscheduled,2000,1706659200000,,default\n"
           b"103,Gamma,closedlost,1000,1704056400000,1704412800000,default\n")
PLAIN = b"Deal ID,Stage,Amount,Created\nP1,Closed Won,100,2024-01-31 22:00\nP2,Proposal,50,2024-02-01 09:00\n"


def _zone_box(at):
    return next((s for s in at.selectbox if (s.key or "").endswith("timezone")), None)


def _created(data_dir, dataset_id: int) -> dict[str, datetime]:
    store = Store(data_dir / "funnel.duckdb")
    try:
        with store.connect() as con:
            rows = run(con, f"SELECT deal_id, created_at FROM {ident(f'ds_{dataset_id}', 'deals')}").fetchall()
        return dict(rows)
    finally:
        store.close()


def test_the_zone_is_offered_for_instants_and_converts_them(data_dir):
    at = uploaded("hubspot-deals.csv", HUBSPOT)
    box = _zone_box(at)
    assert box is not None and box.label == "Time zone of timestamps"
    assert box.value is None and box.format_func(box.value) == "UTC (as written)"
    assert list(box.options[1:4]) == ["UTC", "Europe/Moscow", "Europe/Kyiv"]
    box.set_value("Europe/Moscow").run()
    assert not at.exception, [e.value for e in at.exception]
    assert _zone_box(at).value == "Europe/Moscow"
    next(b for b in at.button if b.key == "confirm_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    store = Store(data_dir / "funnel.duckdb")
    info = max(store.datasets(), key=lambda r: r["id"])
    store.close()
    assert info["meta"]["timezone"] == "Europe/Moscow"
    assert _created(data_dir, info["id"]) == {"101": datetime(2024, 2, 1, 1, 0), "102": datetime(2024, 1, 31, 3, 0),
                                              "103": datetime(2024, 1, 1, 0, 0)}


def test_no_zone_control_for_plain_dates(data_dir):
    at = uploaded("plain.csv", PLAIN, lang="ru")
    assert _zone_box(at) is None


def test_the_editor_changes_the_zone_of_a_stored_dataset(data_dir):
    store = Store(data_dir / "funnel.duckdb")
    info, _built, _draft = import_file(store, HUBSPOT, "hubspot-edit.csv", force=True)
    store.close()
    assert _created(data_dir, info.id)["103"] == datetime(2023, 12, 31, 21, 0)  # UTC as written
    at = open_page("pages/data.py", lang="zh", ds=str(info.id))
    # the quality report's note in Chinese: the column, its 3 values, read in UTC
    assert any("按 UTC 读取" in str(v) for d in at.dataframe for v in d.value.iloc[:, 0])
    box = next(s for s in at.selectbox if s.key == f"edit{info.id}_timezone")
    assert box.label == "时间戳时区" and box.format_func(box.value) == "UTC（按原样）"
    box.set_value("Europe/Moscow").run()
    next(b for b in at.button if b.key == f"edit{info.id}_timezone_apply").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _created(data_dir, info.id)["103"] == datetime(2024, 1, 1, 0, 0)
    store = Store(data_dir / "funnel.duckdb")
    assert store.info(info.id).timezone == "Europe/Moscow" and store.info(info.id).version == 2
    store.close()
