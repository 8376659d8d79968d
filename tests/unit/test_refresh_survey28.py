"""Issue 16, "Refresh a dataset", survey 28: next week's export of the same CRM loaded into the same dataset.

Each case is worked by hand from the files below; the app's numbers before these fixes are in each test's doc.
"""

from __future__ import annotations

import json

from funnel.dataset_edit import rederive, refresh
from funnel.importer import Source, import_file
from tests.unit.test_crm_exports_spreadsheets import findings, outcome, reached

BX_HEADER = '"ID";"Название сделки";"Воронка";"Стадия сделки";"Ответственный"\n'


def _bitrix(rows: list[tuple[int, str]]) -> bytes:
    return (BX_HEADER + "".join(f'"{i}";"Сделка #{i}";"Общая";"{stage}";"Анна Смирнова"\n' for i, stage in rows)
            ).encode("utf-8-sig")


def _refresh(store, info, data: bytes, name: str, **kw):
    refresh(store, info.id, Source(data, name), **kw)
    return store.resolve(str(info.id))


def test_a_new_stage_goes_where_the_crms_default_order_puts_it(mem_store):
    """Bitrix24's order: Новая, Подготовка документов, Счёт на предоплату, В работе, Финальный счёт. Week 2 adds
    «В работе» while «Счёт на предоплату» holds no deal: 2 Новая, 1 Подготовка, 2 В работе, 1 Финальный, 3 won,
    3 lost = 12; reached Новая 12, Подготовка 1 + 2 + 1 + 3 = 7, Счёт 6, В работе 6, Финальный 4, won 3 (before:
    «В работе» went before «Счёт», which then showed 4 and an invented 67 % step)."""
    week1 = [(1043, "Новая"), (1044, "Новая"), (1045, "Подготовка документов"), (1046, "Счёт на предоплату"),
             (1047, "Счёт на предоплату"), (1048, "Финальный счёт"), (1049, "Сделка успешна"),
             (1050, "Сделка успешна"), (1051, "Сделка провалена"), (1052, "Сделка провалена")]
    week2 = [(1043, "Подготовка документов"), (1044, "Сделка провалена"), (1045, "В работе"), (1046, "В работе"),
             (1047, "Финальный счёт"), (1048, "Сделка успешна"), (1049, "Сделка успешна"), (1050, "Сделка успешна"),
             (1051, "Сделка провалена"), (1052, "Сделка провалена"), (1055, "Новая"), (1056, "Новая")]
    info, _built, _ = import_file(mem_store, _bitrix(week1), "bitrix.csv")
    info = _refresh(mem_store, info, _bitrix(week2), "bitrix.csv")
    assert reached(mem_store, info) == [("Новая", 12), ("Подготовка документов", 7), ("Счёт на предоплату", 6),
                                        ("В работе", 6), ("Финальный счёт", 4), ("Сделка успешна", 3)]


SF_HEADER = '"Opportunity Owner","Opportunity Name","Stage","Amount","Close Date","Created Date","Opportunity ID"\n'


def _salesforce(rows: list[tuple[str, str, str, str]]) -> bytes:
    return (SF_HEADER + "".join(f'"Amy Brown","Opp {k}","{stage}","1000.00","{closed}","{created}","0065g00000Xy{k:03d}"\n'
                                for k, (stage, closed, created, _x) in enumerate(rows, start=1))).encode()


def test_the_day_month_order_earlier_weeks_settled_is_kept(mem_store):
    """A British team's Salesforce report: week 1 has days above 12 (13/02/2024: day first); in week 2 every day is
    12 or less. Read day first, the won deals run 1 March → 3 April, 2 March → 4 April, 4 March → 6 April: 33 days
    each (before: read month first as the preset says, median 61 days)."""
    week1 = [("Closed Won", "15/03/2024", "13/02/2024", ""), ("Closed Won", "16/03/2024", "14/02/2024", ""),
             ("Prospecting", "", "16/02/2024", "")]
    week2 = [("Closed Won", "03/04/2024", "01/03/2024", ""), ("Closed Won", "04/04/2024", "02/03/2024", ""),
             ("Closed Won", "06/04/2024", "04/03/2024", ""), ("Prospecting", "", "07/03/2024", "")]
    info, _built, _ = import_file(mem_store, _salesforce(week1), "report.csv")
    info = _refresh(mem_store, info, _salesforce(week2), "report.csv")
    assert outcome(mem_store, info)[5] == 33
    _sev, _n, detail = findings(mem_store, info)["date.ambiguous_order"]
    assert (detail["order_key"], detail["why_key"]) == ("quality.date.order.dmy", "quality.date.why.dataset")


EVENTS_DAY1 = """user_id,event,timestamp
u1,visit,2024-03-01 11:00:00
u1,signup,2024-03-01 11:07:00
u1,trial,2024-03-01 11:14:00
u1,purchase,2024-03-01 11:21:00
u2,visit,2024-03-01 12:00:00
u2,signup,2024-03-01 12:07:00
u3,visit,2024-03-01 13:00:00
"""
EVENTS_DAY2 = """user_id,event,timestamp
u7,visit,2024-03-02 17:00:00
u7,signup,2024-03-02 17:07:00
u8,visit,2024-03-02 18:00:00
u8,signup,2024-03-02 18:07:00
u8,trial,2024-03-02 18:14:00
u9,visit,2024-03-02 19:00:00
"""


def _steps(store, info):
    with store.connect() as con:
        return con.execute(f"""SELECT s.stage, count(DISTINCT e.deal_id) FROM ds_{info.id}.stages s
                               LEFT JOIN ds_{info.id}.events e ON e.stage = s.stage
                               GROUP BY s.stage, s.position ORDER BY s.position""").fetchall()


def test_an_event_logs_step_without_events_today_stays_a_step(mem_store):
    """Day 2: visit 3, signup 2, trial 1, purchase 0: conversion 0 % (before: «purchase» left out, trial the last
    step, 1 of 3 "converted")."""
    info, _built, _ = import_file(mem_store, EVENTS_DAY1.encode(), "web.csv", stages=["visit", "signup", "trial",
                                                                                         "purchase"])
    info2, _built, _ = import_file(mem_store, EVENTS_DAY1.encode(), "web2.csv", force=True)
    for ds in (info, info2):  # the order given at import, and the order the data gave
        ds = _refresh(mem_store, ds, EVENTS_DAY2.encode(), "web.csv")
        assert _steps(mem_store, ds) == [("visit", 3), ("signup", 2), ("trial", 1), ("purchase", 0)]
    assert "refresh.stages_empty" in findings(mem_store, ds)


def test_an_event_log_and_a_counts_table_can_be_edited(mem_store):
    """``edit --stages`` on an event log or a counts table raised AttributeError (no mapping kept for them)."""
    info, _built, _ = import_file(mem_store, EVENTS_DAY1.encode(), "web.csv")
    rederive(mem_store, info.id, stages=["visit", "signup", "purchase", "trial"])
    assert [s for s, _n in _steps(mem_store, mem_store.resolve(str(info.id)))] == ["visit", "signup", "purchase",
                                                                                   "trial"]
    counts, _built, _ = import_file(mem_store, b"Stage,Count\nRequests,1000\nQualified,600\nWon,40\n", "counts.csv")
    rederive(mem_store, counts.id, stages=["Requests", "Qualified", "Won"])
    with mem_store.connect() as con:  # a dataset kept before its columns were (no «shape_mapping» in its meta)
        meta = json.loads(con.execute("SELECT meta FROM datasets WHERE id = ?", [counts.id]).fetchone()[0])
        meta.pop("shape_mapping")
        con.execute("UPDATE datasets SET meta = ? WHERE id = ?", [json.dumps(meta), counts.id])
    rederive(mem_store, counts.id, stages=["Requests", "Qualified", "Won"])
    with mem_store.connect() as con:
        assert con.execute(f"SELECT stage, n FROM ds_{counts.id}.counts ORDER BY position").fetchall() == [
            ("Requests", 1000), ("Qualified", 600), ("Won", 40)]


PD_HEADER = "Deal - ID,Deal - Title,Deal - Pipeline,Deal - Stage,Deal - Status,Deal - Value\n"


def test_a_status_won_stage_with_won_deals_is_not_called_empty(mem_store):
    """Pipedrive keeps a won deal at its last open stage; «Won» is made from the status and holds 2 won deals."""
    week = PD_HEADER + ("1,A,Sales,Qualified,Open,100\n2,B,Sales,Proposal Made,Won,200\n3,C,Sales,Proposal Made,Won,300\n"
                        "4,D,Sales,Qualified,Lost,50\n")
    info, _built, _ = import_file(mem_store, week.encode(), "pipedrive.csv")
    info = _refresh(mem_store, info, week.replace("1,A,Sales,Qualified,Open", "1,A,Sales,Proposal Made,Open").encode(),
                    "pipedrive.csv")
    empty = findings(mem_store, info).get("refresh.stages_empty")
    assert empty is None or "Won" not in json.dumps(empty, ensure_ascii=False)
    assert outcome(mem_store, info)[:3] == (4, 2, 1)


AMO_HEADER = "ID,Название,Воронка,Этап сделки,Бюджет\n"


def test_a_pipeline_gone_from_the_export_is_said(mem_store):
    week1 = AMO_HEADER + "1,A,Продажи,Первичный контакт,100\n2,B,Продажи,Переговоры,200\n3,C,Сервис,Диагностика,50\n"
    week2 = AMO_HEADER + "3,C,Сервис,Ремонт,50\n4,D,Сервис,Диагностика,70\n"
    info, _built, _ = import_file(mem_store, week1.encode(), "amo.csv")
    info = _refresh(mem_store, info, week2.encode(), "amo.csv")
    severity, _n, detail = findings(mem_store, info)["refresh.pipeline_empty"]
    assert severity == "warning" and detail["pipeline"] == "Продажи"


def test_a_refresh_without_the_history_says_so(mem_store):
    deals = "Opportunity ID,Stage,Amount\n1,Closed Lost,100\n2,Negotiation,200\n3,Closed Won,300\n"
    history = ("Opportunity ID,Stage,Created Date\n1,Prospecting,2024-01-01\n1,Negotiation,2024-01-05\n"
               "1,Closed Lost,2024-01-09\n2,Prospecting,2024-01-02\n2,Negotiation,2024-01-06\n3,Prospecting,2024-01-03\n"
               "3,Negotiation,2024-01-04\n3,Closed Won,2024-01-08\n")
    info, _built, _ = import_file(mem_store, deals.encode(), "opps.csv", history=history.encode(),
                                  history_name="history.csv")
    info = _refresh(mem_store, info, deals.encode(), "opps.csv")
    severity, _n, detail = findings(mem_store, info)["refresh.second_file_missing"]
    assert severity == "warning" and detail["file"] == "history.csv"


REPORT = ("Deal owner,Deal stage,Count of deals,Sum of Amount\nAnna,Appointment scheduled,4,4000\n"
          "Anna,Closed won,3,65000\nAnna,Closed lost,2,0\n")


def test_a_stage_reports_money_is_shared_to_the_cent(mem_store):
    """65,000 among 3 won deals: 21,666.67 + 21,666.67 + 21,666.66 (was 3 × 21,666.67 = 65,000.01)."""
    info, _built, _ = import_file(mem_store, REPORT.encode(), "report.csv")
    assert outcome(mem_store, info)[4] == 65000


def test_a_guessed_reading_stays_a_guess_after_a_refresh(mem_store):
    funnel = "Stage,Count,Amount\nRequests,1000,0\nQualified,600,0\nWon,40,8000\n"
    info, _built, _ = import_file(mem_store, funnel.encode(), "funnel.csv")
    assert "counts.reached_guess" in findings(mem_store, info)
    info = _refresh(mem_store, info, funnel.replace("Won,40", "Won,45").encode(), "funnel.csv")
    assert "counts.reached_guess" in findings(mem_store, info) and info.meta["counts_guessed"] is True


BX_EN_HEADER = '"ID";"Deal Name";"Pipeline";"Stage";"Responsible"\n'


def test_the_same_crms_export_with_its_interface_in_english_is_a_refresh(mem_store):
    """Bitrix24 switched to English: the same deals (ids 1043–1052) at the same stages, under English column titles.
    It was refused as "another CRM's export"; now read, its 10 deals: won 2, lost 2, and the moves said once."""
    week1 = [(1043, "Новая"), (1044, "Подготовка документов"), (1045, "Счёт на предоплату"), (1046, "Новая"),
             (1047, "Сделка успешна"), (1048, "Сделка успешна"), (1049, "Сделка провалена")]
    week2 = week1 + [(1050, "Сделка провалена"), (1051, "Новая"), (1052, "Счёт на предоплату")]
    info, _built, _ = import_file(mem_store, _bitrix(week1), "bitrix.csv")
    english = _bitrix(week2).decode("utf-8-sig").replace(BX_HEADER, BX_EN_HEADER).encode("utf-8-sig")
    info = _refresh(mem_store, info, english, "bitrix.csv")
    assert outcome(mem_store, info)[:4] == (10, 2, 2, 6)
    _sev, n, detail = findings(mem_store, info)["refresh.columns_renamed"]
    assert n == 4 and "«Стадия сделки» → «Stage»" in detail["columns"]
    assert "refresh.column_moved" not in findings(mem_store, info)


def test_another_crms_export_with_the_same_ids_is_still_refused(mem_store):
    """Ids 1, 2, 3 in both files, but none of the stages are the dataset's: another CRM's export, refused."""
    import pytest

    from funnel.errors import FunnelError

    info, _built, _ = import_file(mem_store, (AMO_HEADER + "1,A,Продажи,Первичный контакт,100\n2,B,Продажи,Переговоры,"
                                               "200\n3,C,Продажи,Успешно реализовано,300\n").encode(), "amo.csv")
    other = "Deal ID,Deal Name,Deal Stage,Amount\n1,A,Appointment Scheduled,100\n2,B,Closed Won,200\n3,C,Closed Lost,5\n"
    with pytest.raises(FunnelError) as error:
        refresh(mem_store, info.id, Source(other.encode(), "hubspot.csv"))
    assert error.value.code in ("refresh.no_stage_column", "refresh.other_export")
    assert mem_store.resolve(str(info.id)).version == 1


def test_a_counts_tables_new_stage_is_said(mem_store):
    """Next week's funnel adds «Contract» between «Proposal» and «Won»: said as a deal list's new stage is."""
    week1 = "Stage,Count\nRequests,1000\nQualified,600\nProposal,120\nWon,40\n"
    info, _built, _ = import_file(mem_store, week1.encode(), "funnel.csv")
    info = _refresh(mem_store, info, week1.replace("Won,40", "Contract,80\nWon,50").encode(), "funnel.csv")
    _sev, n, detail = findings(mem_store, info)["refresh.stages_new"]
    assert n == 1 and detail["stages"] == "«Contract»"
