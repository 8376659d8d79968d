"""The dataset time zone (funnel/timezones.py): instants (Unix time, ``…Z``, ``+03:00``) converted to the
team's clock time, plain wall-clock values never shifted, the zone kept for refreshes and edits, and the
import saying what it did.

Small files shaped like real exports; every expected value worked out by hand in the comments:
1704067200 is 2024-01-01T00:00:00Z, a day is 86400 s, an hour 3600 s. Shanghai is UTC+8 all year,
Moscow UTC+3, New York UTC-5 (EST) until 2024-03-10 07:00Z and UTC-4 (EDT) from then.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from funnel.cli import main
from funnel.dataset_edit import rederive, refresh
from funnel.errors import FunnelError
from funnel.importer import Source, import_file
from funnel.metrics import metrics_json
from funnel.spec import FunnelSpec
from funnel.sql import ident, run
from funnel.timezones import check_zone, zone_choices

# OKKI (小满) API export: createTime / updateTime / 赢单时间 in epoch milliseconds
OKKI = """商机编号,商机名称,阶段,金额,负责人,createTime,updateTime,赢单时间
OP-1,上海客户A,赢单,12000,王伟,1704043800000,1704904200000,1704904200000
OP-2,北京客户B,报价,8000,李娜,1706716800000,1706803200000,
OP-3,深圳客户C,输单,5000,王伟,1706659200000,1706745600000,
OP-4,杭州客户D,赢单,20000,李娜,1704110400000,1706788800000,1706788800000
"""
# OP-1 created 1704043800 = 1704067200 - 23400 (6.5 h) = 2023-12-31 17:30Z -> Shanghai 2024-01-01 01:30
#      won     1704904200 = 1704067200 + 9*86400 + 16.5 h = 2024-01-10 16:30Z -> Shanghai 2024-01-11 00:30
#      cycle 9 d 23 h = 9 + 23/24 = 9.958333 days either way (no DST in Shanghai)
# OP-2 created 1706716800 = 1706745600 (2024-02-01 00:00Z) - 8 h = 2024-01-31 16:00Z -> Shanghai 02-01 00:00
# OP-3 created 1706659200 = 2024-02-01 00:00Z - 1 day = 2024-01-31 00:00Z -> Shanghai 01-31 08:00
# OP-4 created 1704110400 = 2024-01-01 12:00Z -> Shanghai 20:00; won 1706788800 = 2024-02-01 12:00Z; cycle 31.0
# by creation month, UTC: 2023-12 OP-1; 2024-01 OP-2, OP-3, OP-4.  Shanghai: 2024-01 OP-1, OP-3, OP-4; 2024-02 OP-2

# Salesforce Weekly Data Export: CreatedDate in UTC with Z; CloseDate a plain date (never shifted)
SALESFORCE = """Id,Name,StageName,Amount,CreatedDate,CloseDate,IsWon,IsClosed,OwnerId
006A000001,Acme renewal,Closed Won,12000,2024-02-01T01:30:00.000Z,2024-02-20,true,true,005A1
006A000002,Globex pilot,Closed Lost,3000,2024-01-05T23:30:00.000Z,2024-01-20,false,true,005A2
006A000003,Initech seats,Negotiation/Review,7000,2024-02-29T04:00:00.000Z,2024-03-30,false,false,005A1
006A000004,Umbrella trial,Prospecting,1500,2024-03-01T03:00:00.000Z,2024-04-15,false,false,005A2
"""
# New York (EST, UTC-5): 006A000001 2024-02-01 01:30Z -> 2024-01-31 20:30 (a January deal, February in UTC)
#   won, closed 2024-02-20 00:00 (plain date): cycle UTC 18 d 22.5 h = 18.9375; New York 19 d 3.5 h = 19.145833
# 006A000002 2024-01-05 23:30Z -> 01-05 18:30; 006A000003 02-29 04:00Z -> 02-28 23:00;
# 006A000004 2024-03-01 03:00Z -> 2024-02-29 22:00 (a February deal, March in UTC)
# by creation month, UTC: 01: 002; 02: 001, 003; 03: 004.  New York: 01: 001, 002; 02: 003, 004

# HubSpot API export: createdate / closedate in epoch milliseconds
HUBSPOT = """hs_object_id,dealname,dealstage,amount,createdate,closedate,pipeline
101,Alpha,closedwon,5000,1706738400000,1707600600000,default
102,Beta,appointmentscheduled,2000,1706659200000,,default
103,Gamma,closedlost,1000,1704056400000,1704412800000,default
"""
# Moscow (UTC+3): 101 created 1706738400 = 2024-02-01 00:00Z - 2 h = 01-31 22:00Z -> 2024-02-01 01:00
#   closed 1707600600 = 2024-02-10 00:00Z (1707523200) + 21.5 h = 02-10 21:30Z -> 02-11 00:30; cycle 9 d 23.5 h
# 102 created 2024-01-31 00:00Z -> 01-31 03:00; 103 created 1704056400 = 2024-01-01 00:00Z - 3 h
#   = 2023-12-31 21:00Z -> 2024-01-01 00:00 (a January deal, December in UTC)
# by creation month, UTC: 2023-12: 103; 2024-01: 101, 102.  Moscow: 2024-01: 102, 103; 2024-02: 101

# amoCRM-style export: plain wall-clock strings, the team's own clock: never moved by a zone
PLAIN = """ID,Название,Этап,Бюджет,Дата создания,Дата закрытия
1,Поставка,Успешно реализовано,250000,15.01.2024 10:00,31.01.2024 23:30
2,Сервер,Переговоры,90000,01.02.2024 00:15,
3,Ноутбуки,Закрыто и не реализовано,40000,31.12.2023 23:45,10.01.2024 09:00
"""

# DST in New York, 2024-03-10: clocks go from 02:00 EST to 03:00 EDT at 07:00Z
DST = """hs_object_id,dealname,dealstage,amount,createdate,closedate,pipeline
1,Before,appointmentscheduled,100,1710052200000,,default
2,After,appointmentscheduled,100,1710055800000,,default
3,Across,closedwon,100,1710003600000,1710172800000,default
"""
# 1 created 1710052200 = 2024-03-10 00:00Z (1710028800) + 6.5 h = 06:30Z -> EST (UTC-5) 01:30
# 2 created 1710055800 = 07:30Z -> EDT (UTC-4) 03:30 (02:30 does not exist that night)
# 3 created 1710003600 = 2024-03-09 17:00Z -> 12:00 EST; closed 1710172800 = 2024-03-11 16:00Z -> 12:00 EDT:
#   47 h apart in UTC (1.958333 days), but noon to noon two days later on the team's clock: 2.0 days

# one shared offset: today's reading keeps the clock time at +03:00; a zone converts from it
OFFSET = """Deal ID,Stage,Amount,Created
D1,Closed Won,100,2024-01-31T22:30:00+03:00
D2,Proposal,200,2024-01-15T10:00:00+03:00
"""
# D1 2024-01-31 22:30+03:00 = 19:30Z -> Shanghai 2024-02-01 03:30; D2 10:00+03:00 = 07:00Z -> Shanghai 15:00


def _import(store, text: str, name: str, zone: str | None = None):
    info, built, _draft = import_file(store, text.encode(), name, timezone=zone)
    return info, built


def _deals(store, dataset_id: int) -> dict[str, tuple]:
    """deal_id -> (created_at, closed_at, cycle_days) as stored."""
    with store.connect() as con:
        rows = run(con, f"SELECT deal_id, created_at, closed_at, cycle_days FROM {ident(f'ds_{dataset_id}', 'deals')}"
                   ).fetchall()
    return {r[0]: tuple(r[1:]) for r in rows}


def _months(store, dataset_id: int) -> dict[str, int]:
    """Deals per creation month, as stored."""
    with store.connect() as con:
        rows = run(con, f"SELECT strftime(created_at, '%Y-%m'), count(*) FROM {ident(f'ds_{dataset_id}', 'deals')} "
                        "GROUP BY 1 ORDER BY 1").fetchall()
    return dict(rows)


def _findings(store, dataset_id: int) -> list[tuple]:
    with store.connect() as con:
        return run(con, f"SELECT code, severity, column_name, n, detail FROM {ident(f'ds_{dataset_id}', 'quality')} "
                        "WHERE code LIKE 'tz.%' AND row_no IS NULL ORDER BY column_name").fetchall()


def test_okki_epoch_milliseconds_read_in_shanghai(mem_store):
    info, _built = _import(mem_store, OKKI, "okki.csv", "Asia/Shanghai")
    deals = _deals(mem_store, info.id)
    assert deals["OP-1"][:2] == (datetime(2024, 1, 1, 1, 30), datetime(2024, 1, 11, 0, 30))
    assert deals["OP-2"][0] == datetime(2024, 2, 1, 0, 0)
    assert deals["OP-3"][0] == datetime(2024, 1, 31, 8, 0)
    assert deals["OP-4"][:2] == (datetime(2024, 1, 1, 20, 0), datetime(2024, 2, 1, 20, 0))
    assert deals["OP-1"][2] == pytest.approx(9 + 23 / 24) and deals["OP-4"][2] == pytest.approx(31.0)
    assert _months(mem_store, info.id) == {"2024-01": 3, "2024-02": 1}
    # the quality report says which zone converted which columns (4 created, 2 won times)
    notes = _findings(mem_store, info.id)
    assert [(c, s, col, n) for c, s, col, n, _d in notes] == [
        ("tz.converted", "info", "createTime", 4), ("tz.converted", "info", "赢单时间", 2)]
    assert json.loads(notes[0][4])["zone"] == "Asia/Shanghai"
    assert mem_store.info(info.id).timezone == "Asia/Shanghai"


def test_okki_without_a_zone_stays_utc_and_says_so(mem_store):
    info, built = _import(mem_store, OKKI, "okki.csv")
    deals = _deals(mem_store, info.id)
    assert deals["OP-1"][0] == datetime(2023, 12, 31, 17, 30) and deals["OP-2"][0] == datetime(2024, 1, 31, 16, 0)
    assert _months(mem_store, info.id) == {"2023-12": 1, "2024-01": 3}
    notes = _findings(mem_store, info.id)
    assert [(c, s, col, n) for c, s, col, n, _d in notes] == [
        ("tz.instants_utc", "info", "createTime", 4), ("tz.instants_utc", "info", "赢单时间", 2)]
    assert built["meta"]["timezone"] is None and built["meta"]["instants"] == {"createTime": 4, "赢单时间": 2}
    from funnel.quality_report import finding_text

    text = finding_text("tz.instants_utc", notes[0][4], "en", 4)
    assert "«createTime»: 4 values" in text and "read in UTC" in text and "--timezone Area/City" in text
    assert "4 значения" in finding_text("tz.instants_utc", notes[0][4], "ru", 4)
    assert "按 UTC 读取" in finding_text("tz.instants_utc", notes[0][4], "zh", 4)


def test_salesforce_z_values_in_new_york_and_the_plain_close_date_kept(mem_store):
    info, _built = _import(mem_store, SALESFORCE, "Opportunity.csv", "America/New_York")
    deals = _deals(mem_store, info.id)
    assert deals["006A000001"][:2] == (datetime(2024, 1, 31, 20, 30), datetime(2024, 2, 20, 0, 0))
    # the CloseDate is a day: calendar days from the creation's day in New York, 31 Jan -> 20 Feb = 20 (UTC: 1 Feb,
    # 19)
    assert deals["006A000001"][2] == 20
    assert deals["006A000002"][:2] == (datetime(2024, 1, 5, 18, 30), datetime(2024, 1, 20, 0, 0))
    assert deals["006A000004"][0] == datetime(2024, 2, 29, 22, 0)
    assert _months(mem_store, info.id) == {"2024-01": 2, "2024-02": 2}
    # only CreatedDate has instants: the plain CloseDate is neither converted nor named
    assert [(c, col, n) for c, _s, col, n, _d in _findings(mem_store, info.id)] == [("tz.converted", "CreatedDate", 4)]


def test_salesforce_without_a_zone_as_today(mem_store):
    info, _built = _import(mem_store, SALESFORCE, "Opportunity.csv")
    deals = _deals(mem_store, info.id)
    assert deals["006A000001"][0] == datetime(2024, 2, 1, 1, 30)
    assert deals["006A000001"][2] == 19  # 1 Feb 01:30 -> 20 Feb (a day): 19 calendar days
    assert _months(mem_store, info.id) == {"2024-01": 1, "2024-02": 2, "2024-03": 1}


def test_hubspot_epoch_in_moscow_via_the_cli(tmp_path, capsys):
    path = tmp_path / "hubspot-deals.csv"
    path.write_text(HUBSPOT, encoding="utf-8")
    data = ["--data-dir", str(tmp_path)]
    assert main([*data, "import", str(path), "--timezone", "europe/moscow"]) == 0  # spelled loosely: accepted
    out = capsys.readouterr().out
    assert "converted to the clock time of Europe/Moscow" in out
    assert main([*data, "datasets", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["timezone"] == "Europe/Moscow"
    # deals created in January on the team's clock: 102 and 103 (103 is 2023-12-31 21:00 in UTC)
    assert main([*data, "metrics", "1", "--from", "2024-01-01", "--to", "2024-01-31", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["deals"] == 2
    assert main([*data, "metrics", "1", "--from", "2024-02-01", "--to", "2024-02-29", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["deals"] == 1 and doc["median_cycle_days"] == pytest.approx(9 + 23.5 / 24)


def test_plain_wall_clock_values_never_move(mem_store):
    info, built = _import(mem_store, PLAIN, "amo.csv", "Asia/Vladivostok")
    deals = _deals(mem_store, info.id)
    assert deals["1"][:2] == (datetime(2024, 1, 15, 10, 0), datetime(2024, 1, 31, 23, 30))
    assert deals["2"][0] == datetime(2024, 2, 1, 0, 15) and deals["3"][0] == datetime(2023, 12, 31, 23, 45)
    assert _findings(mem_store, info.id) == [] and built["meta"]["instants"] == {}


def test_dst_each_side_of_the_change_in_new_york(mem_store):
    info, _built = _import(mem_store, DST, "dst.csv", "America/New_York")
    deals = _deals(mem_store, info.id)
    assert deals["1"][0] == datetime(2024, 3, 10, 1, 30)  # EST
    assert deals["2"][0] == datetime(2024, 3, 10, 3, 30)  # EDT
    assert deals["3"][:2] == (datetime(2024, 3, 9, 12, 0), datetime(2024, 3, 11, 12, 0))
    assert deals["3"][2] == pytest.approx(2.0)


def test_one_shared_offset_is_kept_without_a_zone_and_converted_with_one(mem_store):
    info, _built = _import(mem_store, OFFSET, "offset.csv")
    assert _deals(mem_store, info.id)["D1"][0] == datetime(2024, 1, 31, 22, 30)
    notes = _findings(mem_store, info.id)
    assert [(c, col, n) for c, _s, col, n, _d in notes] == [("tz.instants_offset", "Created", 2)]
    assert json.loads(notes[0][4])["offset"] == "+03:00"
    info, _built = _import(mem_store, OFFSET, "offset.csv", "Asia/Shanghai")
    deals = _deals(mem_store, info.id)
    assert deals["D1"][0] == datetime(2024, 2, 1, 3, 30) and deals["D2"][0] == datetime(2024, 1, 15, 15, 0)


def test_refresh_keeps_the_zone_and_an_edit_changes_it(mem_store):
    info, _built = _import(mem_store, OKKI, "okki.csv", "Asia/Shanghai")
    # next week's export: one more deal, OP-5 created 1709222400 = 2024-03-01 00:00Z (1709251200) - 8 h
    # = 2024-02-29 16:00Z -> Shanghai 2024-03-01 00:00
    week2 = OKKI + "OP-5,广州客户E,报价,3000,李娜,1709222400000,1709222400000,\n"
    row, _draft = refresh(mem_store, info.id, Source(week2.encode(), "okki-week2.csv"))
    assert row["meta"]["timezone"] == "Asia/Shanghai" and row["version"] == 2
    deals = _deals(mem_store, info.id)
    assert deals["OP-5"][0] == datetime(2024, 3, 1, 0, 0) and deals["OP-1"][0] == datetime(2024, 1, 1, 1, 30)
    assert _months(mem_store, info.id) == {"2024-01": 3, "2024-02": 1, "2024-03": 1}
    # the editor re-reads the kept rows: back to UTC as written, then to Shanghai again
    row = rederive(mem_store, info.id, timezone="")
    assert row["meta"]["timezone"] is None and _deals(mem_store, info.id)["OP-1"][0] == datetime(2023, 12, 31, 17, 30)
    assert _months(mem_store, info.id) == {"2023-12": 1, "2024-01": 3, "2024-02": 1}
    row = rederive(mem_store, info.id, timezone="Asia/Shanghai")
    assert row["version"] == 4 and _deals(mem_store, info.id)["OP-5"][0] == datetime(2024, 3, 1, 0, 0)
    # an edit of something else keeps the zone
    row = rederive(mem_store, info.id, won=["赢单"])
    assert row["meta"]["timezone"] == "Asia/Shanghai" and _deals(mem_store, info.id)["OP-3"][0] == datetime(2024, 1, 31, 8)


def test_refresh_from_the_cli_keeps_the_zone(tmp_path, capsys):
    first, second = tmp_path / "okki.csv", tmp_path / "okki2.csv"
    first.write_text(OKKI, encoding="utf-8")
    second.write_text(OKKI.replace("OP-4,杭州客户D", "OP-9,杭州客户D"), encoding="utf-8")
    data = ["--data-dir", str(tmp_path)]
    assert main([*data, "import", str(first), "--timezone", "Asia/Shanghai"]) == 0
    capsys.readouterr()
    assert main([*data, "import", str(second), "--into", "1", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["timezone"] == "Asia/Shanghai"
    assert [(w["code"], w["column"], w["count"]) for w in doc["info"] if w["code"].startswith("tz.")] == [
        ("tz.converted", "createTime", 4), ("tz.converted", "赢单时间", 2)]
    assert main([*data, "datasets", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["version"], r["timezone"]) for r in rows] == [(1, 2, "Asia/Shanghai")]
    # OP-9 has OP-4's times: created 2024-01-01 12:00Z -> Shanghai 20:00
    assert main([*data, "metrics", "1", "--from", "2024-01-01", "--to", "2024-01-31", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["deals"] == 3


@pytest.mark.parametrize("lang, words", [("en", "is not a time zone"), ("ru", "не часовой пояс"),
                                         ("zh", "不是时区")])
def test_a_bad_zone_is_refused_and_nothing_is_stored(tmp_path, capsys, monkeypatch, lang, words):
    monkeypatch.setenv("FUNNEL_LANG", lang)
    path = tmp_path / "okki.csv"
    path.write_text(OKKI, encoding="utf-8")
    data = ["--data-dir", str(tmp_path)]
    assert main([*data, "import", str(path), "--timezone", "Mars/Olympus_Mons"]) == 2
    err = capsys.readouterr().err
    assert words in err and "Mars/Olympus_Mons" in err and "Europe/Moscow" in err
    assert main([*data, "datasets", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_a_bad_zone_changes_nothing_in_refresh_or_edit(mem_store):
    info, _built = _import(mem_store, OKKI, "okki.csv", "Asia/Shanghai")
    with pytest.raises(FunnelError) as caught:
        refresh(mem_store, info.id, Source(OKKI.encode(), "okki.csv"), timezone="GMT+8'; DROP TABLE x; --")
    assert caught.value.code == "tz.unknown"
    with pytest.raises(FunnelError):
        rederive(mem_store, info.id, timezone="Shanghai")
    assert mem_store.row(info.id)["version"] == 1 and mem_store.info(info.id).timezone == "Asia/Shanghai"
    with pytest.raises(FunnelError):
        import_file(mem_store, OKKI.encode(), "okki.csv", timezone="Europe/Mowcow", force=True)
    assert [r["id"] for r in mem_store.datasets()] == [info.id]


def test_the_zone_list_and_its_names():
    choices = zone_choices()
    assert choices[:4] == ["UTC", "Europe/Moscow", "Europe/Kyiv", "Asia/Almaty"]
    assert choices.index("America/Los_Angeles") == 16 and "Africa/Nairobi" in choices
    rest = choices[17:]
    assert rest == sorted(rest) and len(set(choices)) == len(choices) and "localtime" not in choices
    assert check_zone("asia/shanghai") == "Asia/Shanghai" and check_zone("") is None and check_zone(None) is None


def test_an_event_log_of_ga4_microseconds_in_shanghai(mem_store):
    log = ("user_pseudo_id,event_name,event_timestamp\n"
           "u1,page_view,1704043800000000\nu1,purchase,1704047400000000\n"
           "u2,page_view,1706716800000000\n")
    # u1 page_view 2023-12-31 17:30Z -> Shanghai 2024-01-01 01:30; purchase an hour later -> 02:30
    # u2 page_view 2024-01-31 16:00Z -> Shanghai 2024-02-01 00:00
    info, built = _import(mem_store, log, "ga4.csv", "Asia/Shanghai")
    assert built["shape"] == "events" and built["meta"]["instants"] == {"event_timestamp": 3}
    with mem_store.connect() as con:
        created = dict(run(con, f"SELECT deal_id, created_at FROM {ident(f'ds_{info.id}', 'deals')}").fetchall())
    assert created == {"u1": datetime(2024, 1, 1, 1, 30), "u2": datetime(2024, 2, 1, 0, 0)}


def test_metrics_spec_counts_the_cohorts_of_the_team_clock(mem_store):
    info, _built = _import(mem_store, HUBSPOT, "hubspot.csv", "Europe/Moscow")
    with mem_store.connect() as con:
        doc = metrics_json(con, mem_store.info(info.id), FunnelSpec(date_from="2024-02-01", date_to="2024-02-29"))
    assert doc["deals"] == 1  # deal 101, created 2024-02-01 01:00 in Moscow (2024-01-31 22:00Z)


def test_a_file_of_one_row_per_stage_reads_its_entries_in_the_zone(mem_store):
    rows = ("Record ID,Deal Name,Deal Stage,Date entered stage,Amount\n"
            "1,Alpha,Appointment Scheduled,2024-01-31T16:30:00Z,500\n"
            "1,Alpha,Qualified To Buy,2024-02-02T10:00:00Z,500\n"
            "1,Alpha,Closed Won,2024-02-05T17:00:00Z,500\n"
            "2,Beta,Appointment Scheduled,2024-01-15T09:00:00Z,300\n")
    # deal 1: first entry 2024-01-31 16:30Z -> Shanghai 2024-02-01 00:30 (its creation: a February deal);
    # won at 2024-02-05 17:00Z -> 02-06 01:00; cycle 5 d 0.5 h = 5.020833. Deal 2: 09:00Z -> 17:00
    info, _built = _import(mem_store, rows, "stage-report.csv", "Asia/Shanghai")
    deals = _deals(mem_store, info.id)
    assert deals["1"][:2] == (datetime(2024, 2, 1, 0, 30), datetime(2024, 2, 6, 1, 0))
    assert deals["1"][2] == pytest.approx(5 + 0.5 / 24) and deals["2"][0] == datetime(2024, 1, 15, 17, 0)
    with mem_store.connect() as con:
        entered = run(con, f"SELECT entered_at FROM {ident(f'ds_{info.id}', 'events')} WHERE deal_id = '1' "
                           "ORDER BY entered_at").fetchall()
    assert [r[0] for r in entered] == [datetime(2024, 2, 1, 0, 30), datetime(2024, 2, 2, 18, 0),
                                       datetime(2024, 2, 6, 1, 0)]
    # one note for the file's one column of instants (its 4 rows), not one per table it feeds
    assert [(c, col, n) for c, _s, col, n, _d in _findings(mem_store, info.id)] == [
        ("tz.converted", "Date entered stage", 4)]


def test_the_same_file_again_in_another_zone_is_no_duplicate(mem_store):
    _import(mem_store, OKKI, "okki.csv")
    # the note of the first import advises this: not refused as the same file
    info, _built = _import(mem_store, OKKI, "okki.csv", "Asia/Shanghai")
    with pytest.raises(FunnelError) as caught:  # the same file in the same zone is
        _import(mem_store, OKKI, "okki.csv", "Asia/Shanghai")
    assert caught.value.code == "import.duplicate"
    _import(mem_store, PLAIN, "amo.csv")
    with pytest.raises(FunnelError):  # a file without instants reads the same in any zone
        _import(mem_store, PLAIN, "amo.csv", "Asia/Shanghai")


def test_a_salesforce_export_zip_converts_the_deals_and_their_history(mem_store):
    import io
    import zipfile

    history = ("Id,OpportunityId,StageName,Amount,CreatedDate\n"
               "008A1,006A000001,Prospecting,12000,2024-02-01T01:30:00.000Z\n"
               "008A2,006A000001,Negotiation/Review,12000,2024-02-10T03:00:00.000Z\n"
               "008A3,006A000001,Closed Won,12000,2024-02-20T15:00:00.000Z\n")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("Opportunity.csv", SALESFORCE)
        archive.writestr("OpportunityHistory.csv", history)
    # New York (EST): 02-01 01:30Z -> 01-31 20:30; 02-10 03:00Z -> 02-09 22:00; 02-20 15:00Z -> 02-20 10:00
    info, _built, _draft = import_file(mem_store, buf.getvalue(), "WE_00D_1.zip", timezone="America/New_York")
    with mem_store.connect() as con:
        entered = run(con, f"SELECT entered_at FROM {ident(f'ds_{info.id}', 'events')} WHERE deal_id = '006A000001' "
                           "ORDER BY entered_at").fetchall()
    assert [r[0] for r in entered] == [datetime(2024, 1, 31, 20, 30), datetime(2024, 2, 9, 22, 0),
                                       datetime(2024, 2, 20, 10, 0)]
    assert _deals(mem_store, info.id)["006A000001"][0] == datetime(2024, 1, 31, 20, 30)
    # two columns named CreatedDate, one per file: the history's is named with its file
    assert [(c, col, n) for c, _s, col, n, _d in _findings(mem_store, info.id)] == [
        ("tz.converted", "CreatedDate", 4), ("tz.converted", "CreatedDate (WE_00D_1.zip › OpportunityHistory.csv)", 3)]
