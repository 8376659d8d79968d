"""Issue 16, survey 22: stage histories of moves only. Salesforce's ``OpportunityFieldHistory`` (``OpportunityId,
CreatedDate, Field, OldValue, NewValue``: ``Field`` «created» on creation, «StageName» on a move; the Salesforce
object reference) and amoCRM's / Kommo's events (``Date, Author, Object, …, Value before, Value after``; amoCRM's
help «Список событий») log each move from one stage to the next. The stage a deal was created in is never
*entered* there: it only shows as the stage the first move left, and a deal that never moved has no row. The first
stage had no time in stage and none of its open deals (silently: n 0, no reason).

Values invented; the numbers below are worked out by hand from DOMAIN.md's definitions.
"""

from __future__ import annotations

import json
from datetime import datetime, time

from funnel.importer import import_file
from funnel.spec import FunnelSpec
from funnel.velocity.time_in_stage import time_in_stage
from tests.unit.test_crm_exports_spreadsheets import findings, outcome, reached

OPPORTUNITY = (
    '"Id","IsDeleted","Name","StageName","Amount","CloseDate","IsClosed","IsWon","CreatedDate"\n'
    '"0065g00000001AaAAA","false","A","Closed Won","1000","2024-03-09","true","true","2024-03-01T09:00:00.000Z"\n'
    '"0065g00000002AaAAA","false","B","Qualification","2000","2024-04-30","false","false","2024-03-01T09:00:00.000Z"\n'
    '"0065g00000003AaAAA","false","C","Prospecting","3000","2024-04-30","false","false","2024-03-02T09:00:00.000Z"\n'
    '"0065g00000004AaAAA","false","D","Closed Lost","4000","2024-03-05","true","false","2024-03-02T09:00:00.000Z"\n')
# A: Prospecting → Qualification on Mar 2, → Proposal on Mar 4, → Closed Won on Mar 9; B: → Qualification on
# Mar 3 (open there); C never moved (open in Prospecting); D: Prospecting → Closed Lost on Mar 5. The field's
# «created» and «Amount» rows are no moves.
FIELD_HISTORY = (
    '"Id","IsDeleted","OpportunityId","CreatedById","CreatedDate","Field","DataType","OldValue","NewValue"\n'
    '"0171","false","0065g00000001AaAAA","0055","2024-03-01T09:00:00.000Z","created","","",""\n'
    '"0172","false","0065g00000001AaAAA","0055","2024-03-01T09:30:00.000Z","Amount","Currency","","1000"\n'
    '"0173","false","0065g00000001AaAAA","0055","2024-03-02T09:00:00.000Z","StageName","Picklist","Prospecting","Qualification"\n'
    '"0174","false","0065g00000001AaAAA","0055","2024-03-04T09:00:00.000Z","StageName","Picklist","Qualification","Proposal"\n'
    '"0175","false","0065g00000001AaAAA","0055","2024-03-09T09:00:00.000Z","StageName","Picklist","Proposal","Closed Won"\n'
    '"0176","false","0065g00000002AaAAA","0055","2024-03-03T09:00:00.000Z","StageName","Picklist","Prospecting","Qualification"\n'
    '"0177","false","0065g00000004AaAAA","0055","2024-03-05T09:00:00.000Z","StageName","Picklist","Prospecting","Closed Lost"\n')


def _times(store, info) -> dict[str, tuple[int, float | None, int]]:
    with store.connect() as con:
        rows = time_in_stage(con, info, FunnelSpec(), datetime.combine(datetime(2024, 3, 10), time.max)).rows
    return {r.stage: (r.n, r.median_days, r.open_n) for r in rows}


def test_a_history_of_moves_enters_each_deal_s_creation_stage_at_its_creation(mem_store, tmp_path):
    history = tmp_path / "OpportunityFieldHistory.csv"
    history.write_text(FIELD_HISTORY, encoding="utf-8")
    info, _built, _ = import_file(mem_store, OPPORTUNITY.encode(), "Opportunity.csv", history=history)
    # reached: Prospecting all 4; Qualification A, B; Proposal A; won A
    assert reached(mem_store, info) == [("Prospecting", 4), ("Qualification", 2), ("Proposal", 1), ("Closed Won", 1)]
    assert outcome(mem_store, info)[:5] == (4, 1, 1, 2, 1000)
    # Prospecting: A 1 day (Mar 1 → 2), B 2 days (Mar 1 → 3), D 3 days (Mar 2 → 5, lost there); C open there.
    # Qualification: A 2 days (Mar 2 → 4), B open. Proposal: A 5 days (Mar 4 → 9)
    assert _times(mem_store, info) == {"Prospecting": (3, 2.0, 1), "Qualification": (1, 2.0, 1), "Proposal": (1, 5.0, 0)}
    found = findings(mem_store, info)
    # A, B and D entered Prospecting at creation, C (never moved) too; D was lost at a known stage
    assert found["history.creation_stage"][:2] == ("info", 4)
    assert "deals.lost_stage_unknown" not in found


def test_kommo_events_with_a_lead_id_column(mem_store, tmp_path):
    leads = ("ID,Lead title,Sale,Responsible user,Date created,Closed at,Lead status,Pipeline\n"
             "1001,Lead 1001,100000,Ann,01.02.2024 10:00:00,05.02.2024 10:00:00,Closed - won,Sales\n"
             "1002,Lead 1002,50000,Ann,01.02.2024 10:00:00,,Contact made,Sales\n"
             "1003,Lead 1003,70000,Peter,02.02.2024 10:00:00,,Incoming leads,Sales\n")
    events = ("Date,Author,Object,Lead ID,Event,Value before,Value after\n"
              "05.02.2024 10:00,Ann,Lead,1001,Lead status changed,Contact made,Closed - won\n"
              "03.02.2024 10:00,Peter,Lead,1002,Lead status changed,Incoming leads,Contact made\n"
              "02.02.2024 10:00,Ann,Lead,1001,Lead status changed,Incoming leads,Contact made\n")
    history = tmp_path / "events.csv"
    history.write_text(events, encoding="utf-8")
    info, _built, _ = import_file(mem_store, leads.encode(), "leads.csv", history=history)
    # Incoming leads: 1001 1 day (Feb 1 → 2), 1002 2 days (Feb 1 → 3); 1003 open there since its creation.
    # Contact made: 1001 3 days (Feb 2 → 5); 1002 open there
    assert _times(mem_store, info) == {"Incoming leads": (2, 1.5, 1), "Contact made": (1, 3.0, 1)}
    assert reached(mem_store, info) == [("Incoming leads", 3), ("Contact made", 2), ("Closed - won", 1)]


# Zoho CRM's deals (Record Id, Deal Name, …) and its Stage History related list (``Stage, Amount, Probability (%),
# Expected Revenue, Closing Date, Modified Time, Modified By, Duration (days)``, newest first) exported with the
# deal's name or its id. The history's «Modified Time» was no time column (the file was not read as a history),
# and its «Amount», unique among a few deals, was taken for the key the two files share: every row dropped as
# "the history of another account".
ZOHO_DEALS = ('"Record Id","Deal Owner","Deal Name","Amount","Closing Date","Stage","Created Time"\n'
              '"zcrm_1001","Анна","Окна","1000.00","2024-03-09","Closed Won","2024-03-01 09:00:00"\n'
              '"zcrm_1002","Анна","Двери","2000.00","2024-04-30","Needs Analysis","2024-03-01 09:00:00"\n'
              '"zcrm_1003","Пётр","Забор","3000.00","2024-04-30","Qualification","2024-03-02 09:00:00"\n')
# 1001: Qualification Mar 1 → Needs Analysis Mar 3 → Closed Won Mar 9; 1002: Qualification Mar 1 → Needs Analysis
# Mar 2 (open there); 1003: Qualification since Mar 2 (open)
STAGE_HISTORY = [("zcrm_1001", "Окна", "Closed Won", "1000.00", "100", "2024-03-09 09:00:00"),
                 ("zcrm_1002", "Двери", "Needs Analysis", "2000.00", "20", "2024-03-02 09:00:00"),
                 ("zcrm_1001", "Окна", "Needs Analysis", "1000.00", "20", "2024-03-03 09:00:00"),
                 ("zcrm_1003", "Забор", "Qualification", "3000.00", "10", "2024-03-02 09:00:00"),
                 ("zcrm_1002", "Двери", "Qualification", "2000.00", "10", "2024-03-01 09:00:00"),
                 ("zcrm_1001", "Окна", "Qualification", "1000.00", "10", "2024-03-01 09:00:00")]


def test_zoho_stage_history_by_deal_name_or_id(mem_store, tmp_path):
    for key, k in (("Deal Name", 1), ("Deal Id", 0)):
        history = tmp_path / f"stage_history_{k}.csv"
        history.write_text(f'"{key}","Stage","Amount","Probability (%)","Expected Revenue","Closing Date",'
                           '"Modified Time","Modified By","Duration (days)"\n' + "".join(
                               f'"{row[k]}","{row[2]}","{row[3]}","{row[4]}","{row[3]}","2024-04-30","{row[5]}","Анна",""\n'
                               for row in STAGE_HISTORY), encoding="utf-8")
        info, _built, _ = import_file(mem_store, ZOHO_DEALS.encode(), "Deals.csv", history=history)
        assert reached(mem_store, info) == [("Qualification", 3), ("Needs Analysis", 2), ("Closed Won", 1)]
        # Qualification: 1001 2 days (Mar 1 → 3), 1002 1 day (Mar 1 → 2), 1003 open; Needs Analysis: 1001 6 days
        # (Mar 3 → 9), 1002 open
        assert _times(mem_store, info) == {"Qualification": (2, 1.5, 1), "Needs Analysis": (1, 6.0, 1)}
        found = findings(mem_store, info)
        assert "history.no_common_deal" not in found
        assert ("history.keyed_by_name" in found) == (key == "Deal Name")


def test_an_amount_is_no_key_two_files_share():
    import duckdb

    from funnel.importer.joins import join_key
    from funnel.readers import RawTable

    con = duckdb.connect()
    con.execute("CREATE TEMP TABLE m AS SELECT * FROM (VALUES (1, 'a', '100'), (2, 'b', '200')) t(row_no, c0, c1)")
    con.execute("CREATE TEMP TABLE o AS SELECT * FROM (VALUES (1, '100', 'x'), (2, '200', 'y')) t(row_no, c0, c1)")
    def raw(table: str, headers: list[str]) -> RawTable:
        return RawTable(table, headers, 2, f"{table}.csv", "csv", "utf-8", ",", None, [], 1)

    assert join_key(con, raw("m", ["Name", "Amount"]), raw("o", ["Amount", "Stage"])) is None
    assert join_key(con, raw("m", ["Name", "Ref"]), raw("o", ["Ref", "Stage"])) == (1, 0)


# amoCRM's «Список событий» (its help page's columns: Дата, Автор, Объект, Название, Событие, Значение до, Значение
# после; a script's export adds «ID объекта»), its values «Воронка / Этап» in some accounts: a deal named, not
# numbered; the contacts' events beside. Refused before («no deal id, stage and date columns»).
AMO_LEADS = ("ID,Название сделки,Бюджет,Ответственный,Дата создания сделки,Дата закрытия,Этап сделки,Воронка\n"
             "1001,Окна Иванов,100000,Анна,01.02.2024 10:00:00,06.02.2024 10:00:00,Успешно реализовано,Воронка\n"
             "1002,Двери Петров,50000,Анна,02.02.2024 10:00:00,,Переговоры,Воронка\n"
             "1003,Крыша Сидоров,70000,Пётр,03.02.2024 10:00:00,,Первичный контакт,Воронка\n")


def _amo_events(piped: bool) -> str:
    p = "Воронка / " if piped else ""
    return ("Дата,Автор,Объект,Название,Событие,Значение до,Значение после\n"
            f"06.02.2024 10:00,Анна,Сделка,Окна Иванов,Изменение этапа продажи,{p}Переговоры,{p}Успешно реализовано\n"
            "05.02.2024 12:00,Анна,Контакт,Иван Иванов,Новый контакт,,\n"
            f"04.02.2024 10:00,Анна,Сделка,Двери Петров,Изменение этапа продажи,{p}Первичный контакт,{p}Переговоры\n"
            "03.02.2024 10:00,Анна,Сделка,Окна Иванов,Изменение поля «Бюджет»,90000,100000\n"
            f"02.02.2024 10:00,Анна,Сделка,Окна Иванов,Изменение этапа продажи,{p}Первичный контакт,{p}Переговоры\n")


def test_amocrm_events_list_by_deal_name(mem_store, tmp_path):
    for piped in (False, True):
        history = tmp_path / f"events_{piped}.csv"
        history.write_text(_amo_events(piped), encoding="utf-8")
        info, _built, _ = import_file(mem_store, AMO_LEADS.encode(), "amocrm_export_leads.csv", history=history)
        assert reached(mem_store, info) == [("Первичный контакт", 3), ("Переговоры", 2), ("Успешно реализовано", 1)]
        # Первичный контакт: 1001 1 day (Feb 1 → 2), 1002 2 days (Feb 2 → 4), 1003 open; Переговоры: 1001 4 days
        # (Feb 2 → 6), 1002 open
        assert _times(mem_store, info) == {"Первичный контакт": (2, 1.5, 1), "Переговоры": (1, 4.0, 1)}
        assert findings(mem_store, info)["history.keyed_by_name"][1] == 2  # 1001 and 1002 named in the events


def test_bitrix24_lead_status_history(mem_store, tmp_path):
    """``crm.stagehistory.list`` for leads (entityTypeId 1) gives STATUS_ID, not STAGE_ID, with the lead codes
    (NEW is «Не обработан» for a lead, «Новая» for a deal)."""
    leads = ('"ID";"Название лида";"Статус";"Дата создания";"Ответственный";"Источник"\n'
             '"1";"Лид #1";"Качественный лид";"01.03.2024 10:00:00";"Анна";"Сайт"\n'
             '"2";"Лид #2";"В работе";"01.03.2024 10:00:00";"Анна";"Сайт"\n'
             '"3";"Лид #3";"Не обработан";"02.03.2024 10:00:00";"Анна";"Сайт"\n')
    history = tmp_path / "stagehistory.csv"
    history.write_text("ID,TYPE_ID,OWNER_ID,CREATED_TIME,STATUS_SEMANTIC_ID,STATUS_ID\n"
                       "1,1,1,2024-03-01T10:00:00+03:00,P,NEW\n1,1,2,2024-03-01T10:00:00+03:00,P,NEW\n"
                       "2,1,3,2024-03-02T10:00:00+03:00,P,NEW\n3,2,1,2024-03-03T10:00:00+03:00,P,IN_PROCESS\n"
                       "4,2,2,2024-03-04T10:00:00+03:00,P,IN_PROCESS\n5,2,1,2024-03-05T10:00:00+03:00,S,CONVERTED\n",
                       encoding="utf-8")
    info, _built, _ = import_file(mem_store, leads.encode("cp1251"), "LEAD_20240310.csv", history=history,
                                  timezone="Europe/Moscow")
    assert reached(mem_store, info) == [("Не обработан", 3), ("В работе", 2), ("Качественный лид", 1)]
    # Не обработан: lead 1 2 days (Mar 1 → 3), lead 2 3 days (Mar 1 → 4), lead 3 open; В работе: lead 1 2 days
    # (Mar 3 → 5), lead 2 open
    assert _times(mem_store, info) == {"Не обработан": (2, 2.5, 1), "В работе": (1, 2.0, 1)}


def test_an_events_list_alone_asks_for_the_deal_list(mem_store):
    import pytest

    from funnel.errors import FunnelError

    with pytest.raises(FunnelError) as caught:  # «no column for the stage» before: mapping one made every event a deal
        import_file(mem_store, _amo_events(False).encode(), "events.csv")
    assert caught.value.code == "import.history_as_deals"


def test_a_deal_moved_to_another_pipeline_keeps_only_its_stays_there(mem_store, tmp_path):
    """Bitrix24's stage history of a deal moved from «Общая» (CATEGORY_ID 0) to «Опт» (1): its stays in «Общая»'s
    «Новая» were counted in «Опт»'s «Новая» (n 2, the move called a backward move)."""
    deals = ('"ID";"Название сделки";"Стадия сделки";"Воронка";"Дата создания"\n'
             '"1";"A";"Подготовка документов";"Опт";"01.03.2024 10:00:00"\n'
             '"2";"B";"Подготовка документов";"Опт";"01.03.2024 10:00:00"\n'
             '"3";"C";"Подготовка документов";"Общая";"01.03.2024 10:00:00"\n')
    history = tmp_path / "stagehistory.csv"
    # deal 1: «Новая» of «Общая» Mar 1, moved to «Опт»'s «Новая» Mar 4, «Подготовка документов» Mar 6; deal 2 in «Опт»
    # from the start: «Новая» Mar 1 → «Подготовка документов» Mar 2; deal 3 in «Общая»: «Новая» Mar 1 → Mar 3
    history.write_text("ID,TYPE_ID,OWNER_ID,CREATED_TIME,CATEGORY_ID,STAGE_SEMANTIC_ID,STAGE_ID\n"
                       "1,1,1,2024-03-01T10:00:00+03:00,0,P,NEW\n2,1,2,2024-03-01T10:00:00+03:00,1,P,C1:NEW\n"
                       "3,1,3,2024-03-01T10:00:00+03:00,0,P,NEW\n4,2,2,2024-03-02T10:00:00+03:00,1,P,C1:PREPARATION\n"
                       "5,2,3,2024-03-03T10:00:00+03:00,0,P,PREPARATION\n6,5,1,2024-03-04T10:00:00+03:00,1,P,C1:NEW\n"
                       "7,2,1,2024-03-06T10:00:00+03:00,1,P,C1:PREPARATION\n", encoding="utf-8")
    info, _built, _ = import_file(mem_store, deals.encode("cp1251"), "DEAL_20240310.csv", history=history,
                                  timezone="Europe/Moscow")
    with mem_store.connect() as con:
        rows = time_in_stage(con, info, FunnelSpec(pipeline="Опт"),
                             datetime.combine(datetime(2024, 3, 10), time.max)).rows
    # «Опт»'s «Новая»: deal 2 1 day (Mar 1 → 2), deal 1 2 days (Mar 4 → 6): median 1.5 of 2 stays
    assert {r.stage: (r.n, r.median_days) for r in rows}["Новая"] == (2, 1.5)
    assert findings(mem_store, info)["history.other_pipeline"][1] == 1  # deal 1's row in «Общая»


def test_a_stage_renamed_between_the_history_and_the_deal_list_is_said(mem_store, tmp_path):
    """Salesforce's «Needs Analysis» renamed «Discovery» between the history and the deal list: deal B's history
    ends in «Needs Analysis», the list has it at «Discovery». Drawn as two stages, and before, nothing said so."""
    deals = ('"Id","Name","StageName","IsClosed","IsWon","CreatedDate"\n'
             '"0065g00000001AaAAA","A","Closed Won","true","true","2024-03-01T09:00:00.000Z"\n'
             '"0065g00000002AaAAA","B","Discovery","false","false","2024-03-01T09:00:00.000Z"\n'
             '"0065g00000003AaAAA","C","Qualification","false","false","2024-03-01T09:00:00.000Z"\n')
    history = tmp_path / "OpportunityHistory.csv"
    history.write_text('"OpportunityId","StageName","CreatedDate"\n'
                       '"0065g00000001AaAAA","Qualification","2024-03-01T09:00:00.000Z"\n'
                       '"0065g00000001AaAAA","Needs Analysis","2024-03-02T09:00:00.000Z"\n'
                       '"0065g00000001AaAAA","Closed Won","2024-03-05T09:00:00.000Z"\n'
                       '"0065g00000002AaAAA","Qualification","2024-03-01T09:00:00.000Z"\n'
                       '"0065g00000002AaAAA","Needs Analysis","2024-03-03T09:00:00.000Z"\n'
                       '"0065g00000003AaAAA","Qualification","2024-03-01T09:00:00.000Z"\n', encoding="utf-8")
    info, _built, _ = import_file(mem_store, deals.encode(), "Opportunity.csv", history=history)
    severity, n, detail = findings(mem_store, info)["history.current_differs"]
    assert (severity, n) == ("warning", 1) and detail["value"] == "«Needs Analysis» → «Discovery» (1)"
    from funnel.quality_report import finding_text

    assert "«Needs Analysis» → «Discovery» (1)" in finding_text("history.current_differs", json.dumps(detail), "ru", n)


def test_a_long_history_is_compared_on_a_sample_of_deals(mem_store, tmp_path, monkeypatch):
    """Above LAST_STAGE_SAMPLE_ROWS history rows only deals picked by a hash of their id are compared (the import's
    cost at 10M deals): the same deals on both sides, and the finding says it is a sample."""
    import funnel.importer.reconcile as reconcile

    monkeypatch.setattr(reconcile, "LAST_STAGE_SAMPLE_ROWS", 40)  # 120 rows: every third deal by its hash
    deals = "Deal ID,Stage,Created\n" + "".join(f"D{k},Discovery,2024-03-01\n" for k in range(1, 61))
    history = tmp_path / "history.csv"
    history.write_text("Deal ID,Stage,Date Entered\n" + "".join(
        f"D{k},Qualification,2024-03-01\nD{k},Needs Analysis,2024-03-02\n" for k in range(1, 61)), encoding="utf-8")
    info, _built, _ = import_file(mem_store, deals.encode(), "deals.csv", history=history)
    found = findings(mem_store, info)
    severity, n, detail = found["history.current_differs_sample"]
    # 60 deals at «Discovery» after «Needs Analysis»: about a third of them compared, each one a mismatch
    assert "history.current_differs" not in found and detail["every"] == 3
    assert 0 < n < 60 and detail["value"].startswith("«Needs Analysis» → «Discovery»")
    from funnel.quality_report import finding_text

    assert "1 in 3" in finding_text("history.current_differs_sample", json.dumps(detail), "en", n)
