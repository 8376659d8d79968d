"""Issue 16, a fifth survey: real stage histories from public repositories, each wrong before:

- winkel163/dbt_enpal_assessment ``raw_data/deal_changes.csv``: Pipedrive's deal changes as a warehouse
  keeps them (``deal_id, change_time, changed_field_key, new_value``; the stage's rows have the key
  ``stage_id``): joined onto the deals as columns, every deal at an invented stage «Lead». The repo has
  no deal list: the ids-and-titles list below is ours.
- rsmorgan1/deal-pipeline-analytics-dashboard ``stage_history.csv`` (``deal_id, stage, stage_date, …``):
  ``stage_date`` with an underscore was not «stage date»; and the deal list's ``date_reviewed`` column
  (a date of one stage) replaced the whole history file.
- earthfink1982/salesforce-in-powerbi ``data/Opportunity.csv``: dates such as «02/23/26 08:55 PM» (a
  two-digit year) were refused in every row; its OpportunityHistory, mostly one row per opportunity
  written at one moment, scrambled the Salesforce order (stages that tied were ordered by name).
- elastic/dbt_duckdb ``data/OpportunityHistory.csv``: one stage per opportunity: the order came out
  alphabetical instead of Salesforce's.

Expected values are worked out by hand from the rows.
"""

from __future__ import annotations

import duckdb

from funnel.importer import import_file
from funnel.importer.history_order import history_order
from funnel.metrics import metrics_json
from funnel.spec import FunnelSpec


def imported(store, deals: str, history: str, tmp_path):
    hist = tmp_path / "history.csv"
    hist.write_text(history, encoding="utf-8")
    info, built, _ = import_file(store, deals.encode("utf-8"), "deals.csv", history=hist)
    with store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
        quality = dict(con.execute(f"SELECT code, n FROM ds_{info.id}.quality WHERE row_no IS NULL").fetchall())
    return info, built, got, quality


def _order(history: list[tuple[str, str, str]], default=None) -> list[str]:
    con = duckdb.connect()
    con.execute("CREATE TEMP TABLE imp_valid AS SELECT DISTINCT d AS deal_id, NULL::VARCHAR AS pipeline FROM "
                "(SELECT unnest($ids) AS d)", {"ids": sorted({d for d, _s, _t in history})})
    con.execute("CREATE TEMP TABLE imp_hist (deal_id VARCHAR, stage VARCHAR, entered_at TIMESTAMP)")
    con.executemany("INSERT INTO imp_hist VALUES (?, ?, ?)", history)
    return history_order(con, default).get("", [])


def test_stages_that_deals_skip_keep_their_place():
    # A went 1 → 2 → 3 → 4 → 5; B, C, D from 1 straight to 5. By the average step 5 came third (2.75);
    # by which stage deals entered first, 2, 3 and 4 all precede 5
    rows = [("A", str(k), f"2024-01-0{k} 10:00") for k in range(1, 6)]
    for deal in "BCD":
        rows += [(deal, "1", "2024-02-01 10:00"), (deal, "5", "2024-02-03 10:00")]
    assert _order(rows) == ["1", "2", "3", "4", "5"]


def test_a_history_that_orders_few_stages_leaves_the_rest_to_the_crm_default():
    # earthfink's shape: most opportunities one row at the data load's moment; two moved on later
    default = ["Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Closed Won"]
    rows = [("o1", "Value Proposition", "2026-02-23 20:55"), ("o2", "Qualification", "2026-02-23 20:55"),
            ("o3", "Closed Won", "2026-02-23 20:55"), ("o4", "Prospecting", "2026-02-24 02:18"),
            ("o4", "Needs Analysis", "2026-02-24 02:20"), ("o5", "Prospecting", "2026-02-24 02:19"),
            ("o5", "Value Proposition", "2026-02-24 02:20")]
    # Prospecting before Needs Analysis and Value Proposition (o4, o5); the rest as Salesforce orders them
    assert _order(rows, default) == default
    # one stage per opportunity: no precedence at all, no order from the history
    assert _order([("o1", "Qualification", "2023-10-28 20:45:25"), ("o2", "Value Proposition", "2023-10-28 20:45:25")],
                  default) == []


ENPAL = """deal_id,change_time,changed_field_key,new_value
881836,2024-04-09 21:32:09,add_time,2024-04-09T21:32:09
881836,2024-04-12 21:32:09,user_id,1463
881836,2024-04-20 21:32:09,stage_id,1
881836,2024-05-02 21:32:09,stage_id,2
881836,2024-05-21 21:32:09,stage_id,3
881836,2024-06-06 21:32:09,stage_id,4
881836,2024-06-18 21:32:09,stage_id,6
881836,2024-07-16 21:32:09,lost_reason,5
148488,2024-08-27 19:52:57,add_time,2024-08-27T19:52:57
148488,2024-10-10 19:52:57,stage_id,1
148488,2024-10-26 19:52:57,stage_id,2
148488,2024-11-15 19:52:57,stage_id,4
148488,2024-11-25 19:52:57,stage_id,5
148488,2024-12-03 19:52:57,stage_id,6
148488,2024-12-05 19:52:57,stage_id,9
218615,2024-05-28 04:32:53,add_time,2024-05-28T04:32:53
218615,2024-07-09 04:32:53,stage_id,1
218615,2024-07-26 04:32:53,stage_id,2
218615,2024-08-09 04:32:53,lost_reason,5
"""


def test_pipedrive_deal_changes_are_a_history_and_give_the_deals_their_stage(mem_store, tmp_path):
    deals = "deal_id,title\n881836,Deal 881836\n148488,Deal 148488\n218615,Deal 218615\n"
    info, built, got, quality = imported(mem_store, deals, ENPAL, tmp_path)
    assert info.meta["mapping"]["history"] == {"deal_id": "deal_id", "stage": "new_value", "entered_at": "change_time"}
    assert built["n_events"] == 5 + 6 + 2  # the stage_id rows only (not add_time, user_id, lost_reason)
    # by hand: every pair of stages one deal entered in turn: 1 < 2 < 3 < 4 < 6 (881836), 4 < 5 < 6 < 9
    # (148488); 3 before 5 by 3 < 4 < 5
    assert info.meta["stage_order"] == {"": ["1", "2", "3", "4", "5", "6", "9"]}
    with mem_store.connect() as con:
        stages = dict(con.execute(f"SELECT deal_id, stage FROM ds_{info.id}.deals").fetchall())
    assert stages == {"881836": "6", "148488": "9", "218615": "2"}  # the stage each entered last
    assert quality["deals.stage_from_history"] == 3
    assert [(s["stage"], s["reached"]) for s in got["stages"]] == [
        ("1", 3), ("2", 3), ("3", 2), ("4", 2), ("5", 2), ("6", 2), ("9", 1)]


RS_DEALS = """deal_id,deal_stage,deal_owner,date_sourced,date_reviewed,revenue_usd,deal_outcome
D-0192,Offer,Emily Richardson,2023-05-20,2023-06-11,21033000,Active
D-0389,Closed - Lost,Michael Torres,2024-01-05,2024-01-23,61423000,Lost
D-0412,Indication,Emily Richardson,2024-02-01,2024-02-10,5000000,Active
D-0213,Reviewed,Emily Richardson,2025-04-26,2025-05-14,21033000,Active
"""
RS_HISTORY = """deal_id,stage,stage_date,stage_order,days_in_stage
D-0192,Reviewed,2023-06-11,1,25
D-0389,Reviewed,2024-01-23,1,20
D-0412,Reviewed,2024-02-10,1,30
D-0192,Indication,2023-07-06,2,40
D-0389,Indication,2024-02-12,2,18
D-0412,Indication,2024-03-11,2,12
D-0192,Offer,2023-08-15,3,10
D-0389,Closed - Lost,2024-03-01,4,0
D-0213,Reviewed,2025-05-14,1,29
"""


def test_a_history_file_with_underscored_headers_beats_a_stage_date_column(mem_store, tmp_path):
    info, built, got, quality = imported(mem_store, RS_DEALS, RS_HISTORY, tmp_path)
    assert info.meta["mapping"]["history"]["entered_at"] == "stage_date"
    assert built["n_events"] == 9  # the history file's rows, not the 4 dates of «date_reviewed»
    assert quality["history.beats_stage_dates"] == 1
    assert info.meta["stage_order"] == {"": ["Reviewed", "Indication", "Offer"]}
    # reached: all 4 Reviewed; Indication 3 (D-0389 lost after it); Offer D-0192
    assert [(s["stage"], s["reached"]) for s in got["stages"][:3]] == [("Reviewed", 4), ("Indication", 3), ("Offer", 1)]
    assert (got["won"], got["lost"], got["open"]) == (0, 1, 3)


def test_two_digit_years_month_first(mem_store):
    """earthfink1982/salesforce-in-powerbi ``data/Opportunity.csv``: a US org's short date format."""
    text = ("Id,Name,StageName,Amount,CloseDate,IsClosed,IsWon,CreatedDate,LastModifiedDate\n"
            "006bm00000LKJNNAA5,Dickenson Mobile Generators,Qualification,15000,02/03/24,FALSE,FALSE,02/23/26,"
            "02/23/26 08:55 PM\n"
            "006bm00000LKJNPAA5,Grand Hotels Kitchen Generator,Closed Won,15000,12/28/25,TRUE,TRUE,12/01/25,"
            "02/23/26 08:55 PM\n")
    info, built, _ = import_file(mem_store, text.encode(), "Opportunity.csv")
    assert built["rows_rejected"] == 0
    with mem_store.connect() as con:
        rows = con.execute(f"SELECT deal_id, created_at::VARCHAR, closed_at::VARCHAR FROM ds_{info.id}.deals "
                           "ORDER BY row_no").fetchall()
    assert rows == [("006bm00000LKJNNAA5", "2026-02-23 00:00:00", None),
                    ("006bm00000LKJNPAA5", "2025-12-01 00:00:00", "2025-12-28 00:00:00")]


# A CRM's change log of every field (an events or audit export: the time, the deal, the changed field or
# event and the values before and after): its stage rows are the stage history. Evidence: the layout of
# Pipedrive's deal changes above and Salesforce's field history, in the generic words of a Russian CRM's
# events list (no such export seen; low)
CHANGE_DEALS = ("ID;Название сделки;Бюджет;Дата создания;Этап сделки\n"
                "1;Окна;100;01.02.2024 10:00;Переговоры\n"
                "2;Двери;200;02.02.2024 10:00;Успешно реализовано\n"
                "3;Крыша;300;03.02.2024 10:00;Первичный контакт\n")
CHANGE_LOG = ("Дата;Автор;Сделка;Событие;Было;Стало\n"
              "01.02.2024 10:00;Анна;1;Изменение этапа;;Первичный контакт\n"
              "03.02.2024 12:00;Анна;1;Изменение этапа;Первичный контакт;Переговоры\n"
              "03.02.2024 12:05;Анна;1;Изменение поля «Бюджет»;0;100\n"
              "02.02.2024 10:00;Пётр;2;Изменение этапа;;Первичный контакт\n"
              "04.02.2024 10:00;Пётр;2;Изменение этапа;Первичный контакт;Переговоры\n"
              "05.02.2024 09:00;Пётр;2;Новое примечание;;позвонить\n"
              "10.02.2024 10:00;Пётр;2;Изменение этапа;Переговоры;Успешно реализовано\n")


def test_a_change_log_gives_its_stage_rows_as_the_history(mem_store, tmp_path):
    info, built, got, _quality = imported(mem_store, CHANGE_DEALS, CHANGE_LOG, tmp_path)
    assert info.meta["mapping"]["history"] == {"deal_id": "Сделка", "stage": "Стало", "entered_at": "Дата"}
    # the five «Изменение этапа» rows (not the budget change nor the note)
    assert built["n_events"] == 5
    # order from the moves: Первичный контакт -> Переговоры -> Успешно реализовано; reached: Первичный
    # контакт 3 (deal 3 sits there), Переговоры 1 and 2, the sale 2
    assert info.meta["stage_order"] == {"": ["Первичный контакт", "Переговоры", "Успешно реализовано"]}
    assert [(s["stage"], s["reached"]) for s in got["stages"]] == [
        ("Первичный контакт", 3), ("Переговоры", 2), ("Успешно реализовано", 1)]
    # deal 2 stayed 2 days in «Первичный контакт» (2 -> 4 Feb), 6 in «Переговоры» (4 -> 10 Feb)
    with mem_store.connect() as con:
        stays = con.execute(f"SELECT s.stage, round(s.stay_days, 3) FROM ds_{info.id}.stays s "
                            f"JOIN ds_{info.id}.deals d ON d.row_no = s.row_no WHERE d.deal_id = '2' "
                            "AND s.kind = 'open' ORDER BY s.entered_at").fetchall()
    assert stays == [("Первичный контакт", 2.0), ("Переговоры", 6.0)]


def test_an_english_field_history_with_old_and_new_values(mem_store, tmp_path):
    deals = "Deal ID,Deal Name,Stage,Created\nA1,Acme,Proposal,2024-01-01\nA2,Beta,Lead,2024-01-02\n"
    log = ("Date,Deal ID,Field,Old value,New value\n"
           "2024-01-01 09:00,A1,Stage,,Lead\n"
           "2024-01-03 09:00,A1,Amount,,500\n"
           "2024-01-05 09:00,A1,Stage,Lead,Proposal\n"
           "2024-01-02 09:00,A2,Stage,,Lead\n")
    info, built, _got, _quality = imported(mem_store, deals, log, tmp_path)
    assert info.meta["mapping"]["history"] == {"deal_id": "Deal ID", "stage": "New value", "entered_at": "Date"}
    assert built["n_events"] == 3  # the Amount row left out
    assert info.meta["stage_order"] == {"": ["Lead", "Proposal"]}
