"""Issue 16: the exports people really have import right the first time (one test per failure class).

Every file here is written by hand in the shape of a real export; where the shape comes from a public
file or document, the docstring names it (found with a code search over public repositories):

- Bitrix24 REST ``crm.deal.list``: field list of bitrix24/b24restdocs ``api-reference/crm/deals/crm-deal-fields.md``
  (ID, TITLE, STAGE_ID, CATEGORY_ID, STAGE_SEMANTIC_ID, DATE_CREATE, CLOSEDATE, CLOSED, OPPORTUNITY,
  CURRENCY_ID, ASSIGNED_BY_ID, SOURCE_ID, UTM_*) and ``crm-deal-list.md`` (stage filters such as
  ``C5:NEW``, ``C5:PREPARATION``); alexxcpa/novoregs ``manualy/params.py`` (a real account's ``C14:NEW``,
  ``C14:UC_M3VGWL``, ``C14:LOSE`` codes); ctrl-lc/ctrl_bitrix ``constants.py`` (``LOSE``).
- Bitrix24 REST of a real company: ctrl-lc/ctrl_bitrix ``deals.csv`` (a leasing firm's 2020 deals:
  ``ID,STAGE_ID,ASSIGNED_BY_ID,OPPORTUNITY,BEGINDATE,CLOSEDATE,CLOSED,SOURCE_ID,SOURCE_DESCRIPTION,
  UTM_SOURCE,TITLE,DATE_CREATE,UF_CRM_<n>,UF_CRM_<hex>,URL``; ``STAGE_ID`` holds the company's own stage
  names, not codes: «Сделка провалена», «Отложенные», «Выдано», «Квалификация и сбор потребностей»;
  ``CLOSED`` Y/N; no ``STAGE_SEMANTIC_ID``).
- Salesforce Opportunity (Data Export / SOQL): oddbird/Metecho-Test ``datasets/NewOne/NewOne.dataset.sql``
  (a real org's Opportunity rows: ``IsClosed``/``IsWon`` as ``True``/``False``, ``CreatedDate`` as
  ``2022-07-27T17:40:52.000+0000``, ``StageName`` ``Qualification``/``Closed Lost``, ``CloseDate``).
- HubSpot: hairsolutionsco/automations_hub ``hubspot/objects/deals/properties.md`` (a portal's 954 deal
  properties: ``Is Closed Won``, ``Is Deal Closed?``, ``Date entered "<stage> (<pipeline>)"``); internal
  names ``dealname, dealstage, pipeline, amount, createdate, closedate, hs_object_id`` and stage ids
  ``closedwon``/``closedlost`` from MidaxoInc/midaxo-dev ``models/base/DEAL.sql`` and turbot steampipe's
  ``hubspot_deal`` table docs.
- Pipedrive API rebuilt as the export: TicketCo's ``get_all_deals_api`` field list (a company's real
  columns: ``Deal - Territory, Deal - Pipeline, Deal - Stage, ..., Deal - Value, Deal - Expected REVENUE,
  ..., Deal - Status, Deal - Won time, Deal - Last stage change, Deal - Currency of Expected REVENUE,
  Deal - Currency``: no ``Deal - ID``, no ``Deal - Deal created``); Pipedrive's default pipeline
  (``Qualified, Contact Made, Demo Scheduled, Proposal Made, Negotiations Started``) as several public
  Pipedrive clones and importers spell it.
- HubSpot deal stage report: one row per stage a deal entered (``Record ID, Deal Name, Deal Stage, Date
  entered stage, Date left, Original Source, Amount, Deal owner``, amounts as ``£9000``), the layout an
  importer's fixtures write for "a HubSpot-like deals export" (code search: ``hubspotDeals``).
- amoCRM: the leads export layout of ../shared/reference/crm-exports.md (``Дата закрытия`` holds
  «не закрыта» for an open deal, close times to the minute) as reported in issue 16.
"""

from __future__ import annotations

import codecs

import pandas as pd
import pytest

from funnel.errors import FunnelError
from funnel.importer import import_file
from funnel.mapping import detect_shape, propose_mapping
from funnel.mapping.cell_kinds import BOOL_WORDS
from funnel.metrics import metrics_json
from funnel.readers.values import FALSE_WORDS, TRUE_WORDS
from funnel.spec import FunnelSpec
from tests.conftest import shared_path


def run_import(store, text, name, **kw):
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    return import_file(store, data, name, **kw)


def deals(store, info, cols="deal_id, stage, status"):
    with store.connect() as con:
        return con.execute(f"SELECT {cols} FROM ds_{info.id}.deals ORDER BY row_no").fetchall()


def stages(store, info):
    with store.connect() as con:
        return con.execute(f"SELECT pipeline, stage, position, kind FROM ds_{info.id}.stages "
                           "ORDER BY pipeline, position NULLS LAST, stage").fetchall()


def codes(store, info) -> dict[str, int | None]:
    with store.connect() as con:
        rows = con.execute(f"SELECT code, n FROM ds_{info.id}.quality WHERE row_no IS NULL").fetchall()
    return dict(rows)


# -- class 1: amoCRM --------------------------------------------------------------------------------
AMO = """ID,Название сделки,Бюджет,Ответственный,Дата создания сделки,Дата закрытия,Этап сделки,Воронка
101,Окна,50000,Анна,01.03.2024 10:15:42,05.03.2024 16:20,Успешно реализовано,Продажи
102,Двери,30000,Анна,02.03.2024 11:00:00,не закрыта,Переговоры,Продажи
103,Пол,10000,Иван,03.03.2024 09:30:27,03.03.2024 09:30,Закрыто и не реализовано,Продажи
104,Крыша,0,Иван,04.03.2024 12:00:00,—,Первичный контакт,Продажи
105,Забор,0,Иван,04.03.2024 12:00:00,N/A,Первичный контакт,Продажи
"""


def test_amocrm_open_deals_with_none_words_are_kept_and_minute_close_times_are_not_negative(mem_store):
    info, built, _ = run_import(mem_store, AMO, "amocrm_leads.csv")
    assert built["rows_rejected"] == 0 and built["n_deals"] == 5  # «не закрыта», «—», «N/A» are empty dates
    rows = deals(mem_store, info, "deal_id, status, closed_at IS NULL, cycle_days")
    # 101: 01.03 10:15:42 -> 05.03 16:20 = 4 d 6 h 4 min 18 s = 367458 s / 86400
    assert rows[0][:3] == ("101", "won", False) and rows[0][3] == pytest.approx(367458 / 86400)
    assert [r[:3] for r in rows[1:]] == [("102", "open", True), ("103", "lost", False), ("104", "open", True),
                                         ("105", "open", True)]
    # 103 closed "09:30" within the minute it was created (09:30:27): a zero cycle, not -27 s
    assert rows[2][3] == 0.0
    assert "date.closed_before_created" not in codes(mem_store, info)
    # ... and the report says so, naming the row (103 is data row 3: row 4 of the file) and the column
    with mem_store.connect() as con:
        said = con.execute(f"SELECT code, severity, column_name, row_no, value FROM ds_{info.id}.quality "
                           "WHERE code = 'date.close_rounded' ORDER BY row_no NULLS FIRST").fetchall()
    assert said == [("date.close_rounded", "info", "Дата закрытия", None, None),
                    ("date.close_rounded", "info", "Дата закрытия", 4, "2024-03-03 09:30:27")]
    # amoCRM's default pipeline order
    assert built["meta"]["stage_order"] == {"Продажи": ["Первичный контакт", "Переговоры", "Успешно реализовано"]}


# -- class 2: Bitrix24 REST --------------------------------------------------------------------------
B24_REST = """ID,TITLE,STAGE_ID,CATEGORY_ID,STAGE_SEMANTIC_ID,DATE_CREATE,CLOSEDATE,CLOSED,OPPORTUNITY,CURRENCY_ID,ASSIGNED_BY_ID,SOURCE_ID,UTM_SOURCE
11,Поставка,NEW,0,P,2024-02-01T10:00:00+03:00,2024-03-01T03:00:00+03:00,N,1000,RUB,1,WEB,google
12,Монтаж,PREPARATION,0,P,2024-02-02T10:00:00+03:00,2024-03-01T03:00:00+03:00,N,2000,RUB,1,CALL,
13,Ремонт,WON,0,S,2024-02-03T10:00:00+03:00,2024-02-20T03:00:00+03:00,Y,3000,RUB,3,WEB,yandex
14,Окна,LOSE,0,F,2024-02-04T10:00:00+03:00,2024-02-21T03:00:00+03:00,Y,500,RUB,3,WEB,
15,Двери,APOLOGY,0,F,2024-02-05T10:00:00+03:00,2024-02-22T03:00:00+03:00,Y,700,RUB,1,WEB,
21,Опт,C1:NEW,1,P,2024-02-06T10:00:00+03:00,2024-03-01T03:00:00+03:00,N,9000,RUB,1,WEB,
22,Опт 2,C1:EXECUTING,1,P,2024-02-07T10:00:00+03:00,2024-03-01T03:00:00+03:00,N,8000,RUB,1,WEB,
23,Опт 3,C1:WON,1,S,2024-02-08T10:00:00+03:00,2024-02-25T03:00:00+03:00,Y,7000,RUB,1,WEB,
24,Опт 4,C1:UC_M3VGWL,1,P,2024-02-09T10:00:00+03:00,2024-03-01T03:00:00+03:00,N,100,RUB,1,WEB,
"""


def test_bitrix24_rest_codes_semantics_and_pipelines(mem_store):
    info, built, _ = run_import(mem_store, B24_REST, "crm_deal_list.csv")
    assert built["meta"]["mapping"]["preset"] == "bitrix24_rest"
    # STAGE_SEMANTIC_ID: P open, S won, F lost (LOSE and APOLOGY are both failures)
    assert [r[2] for r in deals(mem_store, info)] == ["open", "open", "won", "lost", "lost", "open", "open", "won",
                                                       "open"]
    order = built["meta"]["stage_order"]
    # CATEGORY_ID 0, the general pipeline, is named as Bitrix24 names it (in English here: FUNNEL_LANG unset)
    assert order["General"] == ["NEW", "PREPARATION", "WON"]
    # C1: codes follow the default order; the custom UC_ stage is not in it: placed before the won one
    assert order["1"] == ["C1:NEW", "C1:EXECUTING", "C1:UC_M3VGWL", "C1:WON"]
    assert ("General", "LOSE", None, "lost") in stages(mem_store, info) and ("General", "APOLOGY", None, "lost") in stages(
        mem_store, info)
    assert "stages.order_guessed" in codes(mem_store, info)  # where UC_M3VGWL goes is a guess, and said so
    with mem_store.connect() as con:
        doc = metrics_json(con, info, FunnelSpec(pipeline="General"))
    assert (doc["won"], doc["lost"], doc["open"]) == (1, 2, 2)


# the company export's shape (ctrl-lc/ctrl_bitrix deals.csv), rows invented: 3 lost, 2 postponed and 1
# issued (closed), 3 + 1 open
B24_COMPANY = (
    "ID,STAGE_ID,ASSIGNED_BY_ID,OPPORTUNITY,BEGINDATE,CLOSEDATE,CLOSED,SOURCE_ID,SOURCE_DESCRIPTION,UTM_SOURCE,"
    "TITLE,DATE_CREATE,UF_CRM_1579180371132,UF_CRM_5E20307D5B33E,URL\n"
    + "".join(f"{i},{stage},Петрова,{amount},2020-0{m}-10T03:00:00+03:00,{close},{closed},WEB,https://lp.example/used,"
              f"yadirect,ООО Ромашка {i},2020-0{m}-10T09:20:25+03:00,{reason},Техника с пробегом,"
              f"https://example.bitrix24.ru/crm/deal/details/{i}/\n"
              for i, stage, amount, m, close, closed, reason in [
                  (4300, "Отложенные", "0.00", 1, "2020-03-19T03:00:00+03:00", "Y", ""),
                  (2768, "Сделка провалена", "0.00", 2, "2020-03-10T03:00:00+03:00", "Y", "\"Нецелевой, физ лицо\""),
                  (5584, "Сделка провалена", "", 3, "2020-04-08T03:00:00+03:00", "Y", "не дозвонились"),
                  (3808, "Выдано", "2900000.00", 4, "2020-06-27T03:00:00+03:00", "Y", ""),
                  (6006, "Квалификация и сбор потребностей", "0.00", 5, "", "N", ""),
                  (1896, "Сделка провалена", "0.00", 5, "2020-06-17T03:00:00+03:00", "Y", "дубль"),
                  (996, "Отложенные", "3000000.00", 6, "2020-07-12T03:00:00+03:00", "Y", ""),
                  (6010, "Квалификация и сбор потребностей", "", 7, "", "N", ""),
                  (4190, "Собрать 2 док-та", "5000000.00", 7, "", "N", ""),
                  (6012, "Квалификация и сбор потребностей", "0.00", 8, "", "N", ""),
              ]))


def test_bitrix24_company_stage_names_without_semantics_ask_for_the_won_stage(mem_store):
    info, built, _ = run_import(mem_store, B24_COMPANY, "deals.csv")
    assert built["meta"]["mapping"]["preset"] == "bitrix24_rest"
    # «Сделка провалена» says lost; «Отложенные» and «Выдано» hold only closed deals (CLOSED=Y): outcomes
    # under the company's own names, placed after the stages with open deals, most populated first,
    # and nothing says which one is the sale: asked, not guessed
    assert built["meta"]["stage_order"][""] == ["Квалификация и сбор потребностей", "Собрать 2 док-та", "Отложенные",
                                                 "Выдано"]
    found = codes(mem_store, info)
    assert "stages.no_won" in found and "stages.order_guessed" in found
    # ... and the report names the stages whose closed deals now count as lost: 2 + 1 of the 6
    assert found["stages.closed_unnamed"] == 3
    from funnel.quality_report import finding_text

    with mem_store.connect() as con:
        detail = con.execute(f"SELECT detail FROM ds_{info.id}.quality WHERE code = 'stages.closed_unnamed'").fetchone()[0]
    assert finding_text("stages.closed_unnamed", detail, "ru").startswith(
        "Закрытые сделки в этапах «Отложенные» (2), «Выдано» (1) считаются проигранными")
    with mem_store.connect() as con:
        doc = metrics_json(con, info, FunnelSpec())
    # every closed deal is lost until told; nothing marks a win, so the won count is unknown, not 0 (session 50)
    assert (doc["won"], doc["lost"], doc["open"]) == (None, 6, 4)
    # told: «Выдано» is the sale, «Отложенные» a loss (python -m funnel edit 1 --won ... --lost ...)
    from funnel.dataset_edit import rederive

    rederive(mem_store, info.id, stages=["Квалификация и сбор потребностей", "Собрать 2 док-та", "Выдано"],
             won=["Выдано"], lost=["Сделка провалена", "Отложенные"])
    info = mem_store.info(info.id)
    with mem_store.connect() as con:
        doc = metrics_json(con, info, FunnelSpec())
    assert (doc["won"], doc["lost"], doc["open"]) == (1, 5, 4)
    assert doc["win_rate"] == pytest.approx(1 / 6)
    assert doc["revenue"] == 2_900_000


def test_bitrix24_history_of_codes_against_a_deal_list_of_names(mem_store, tmp_path):
    """Deals from the web UI (names, ../shared sample) with a crm.stagehistory.list file (codes)."""
    hist = tmp_path / "stagehistory.csv"
    hist.write_text("ID,TYPE_ID,OWNER_ID,CREATED_TIME,CATEGORY_ID,STAGE_SEMANTIC_ID,STAGE_ID\n"
                    "1,1,1043,2024-02-03T08:42:17+00:00,0,P,NEW\n2,2,1043,2024-02-06T10:10:02+00:00,0,P,EXECUTING\n"
                    "3,3,1043,2024-02-07T10:10:02+00:00,0,S,WON\n4,1,1057,2024-02-03T08:42:17+00:00,0,P,NEW\n"
                    "5,3,1057,2024-02-09T08:42:17+00:00,0,F,LOSE\n6,2,1102,2024-02-09T08:42:17+00:00,0,P,UC_X1Y2\n")
    info, built, _ = import_file(mem_store, shared_path("reference", "crm-headers", "bitrix24_ru.csv"), history=hist)
    names = [s for _p, s, _pos, _k in stages(mem_store, info)]
    # NEW/EXECUTING/WON/LOSE took the deal list's names: no stage appears twice under two spellings
    assert "NEW" not in names and "WON" not in names and names.count("Новая") == 1
    q = codes(mem_store, info)
    assert q["history.stage_renamed"] == 4
    assert q["history.stage_mismatch"] == 1  # the custom UC_X1Y2 has no name to take: said, not hidden


# -- class 3 and 4: Salesforce ----------------------------------------------------------------------
SF_OPP = ('"Id","Name","StageName","StageSortOrder","IsClosed","IsWon","Amount","CloseDate","CreatedDate",'
          '"OwnerId","LeadSource","Description"\n'
          '"0065g00000AbCdEAAV","Acme","Closed Won","8","True","True","12500","2024-03-28",'
          '"2024-02-03T09:42:17.000+0000","0055g00000Xy1AAAAJ","Web","rich\x00text"\n'
          '"0065g00000AbCdFAAV","Beta","Negotiation/Review","7","False","False","4800","2024-04-30",'
          '"2024-02-05T10:00:00.000+0000","0055g00000Xy1AAAAJ","Phone",""\n'
          '"0065g00000AbCdGAAV","Gamma","Prospecting","1","False","False","900","2024-05-30",'
          '"2024-02-06T10:00:00.000+0000","0055g00000Xy1AAAAJ","Web",""\n'
          '"0065g00000AbCdHAAV","Delta","Closed Lost","10","True","False","1500","2024-03-12",'
          '"2024-02-07T10:00:00.000+0000","0055g00000Xy1AAAAJ","Web",""\n'
          '"0065g00000AbCdIAAV","Eps","Id. Decision Makers","4","False","False","700","2024-05-30",'
          '"2024-02-08T10:00:00.000+0000","0055g00000Xy1AAAAJ","Web",""\n')


def test_salesforce_opportunity_csv_with_a_nul_byte_and_its_own_sort_order(mem_store, tmp_path):
    # OpportunityHistory rows all written at one moment (a migration): they cannot order the stages
    hist = tmp_path / "OpportunityHistory.csv"
    hist.write_text('"Id","OpportunityId","CreatedDate","StageName","Amount"\n'
                    '"1","0065g00000AbCdEAAV","2024-03-28T00:00:00.000Z","Prospecting","1"\n'
                    '"2","0065g00000AbCdEAAV","2024-03-28T00:00:00.000Z","Negotiation/Review","1"\n'
                    '"3","0065g00000AbCdEAAV","2024-03-28T00:00:00.000Z","Closed Won","1"\n'
                    '"4","0065g00000AbCdFAAV","2024-03-28T00:00:00.000Z","Id. Decision Makers","1"\n'
                    '"5","0065g00000AbCdFAAV","2024-03-28T00:00:00.000Z","Negotiation/Review","1"\n')
    info, built, _ = run_import(mem_store, SF_OPP.encode(), "Opportunity.csv", history=hist)
    assert built["meta"]["mapping"]["preset"] == "salesforce_export"
    assert built["meta"]["mapping"]["fields"]["stage"] == "StageName"
    # the file's StageSortOrder: Prospecting 1, Id. Decision Makers 4, Negotiation/Review 7, Closed Won 8
    assert built["meta"]["stage_order"] == {"": ["Prospecting", "Id. Decision Makers", "Negotiation/Review",
                                                 "Closed Won"]}
    q = codes(mem_store, info)
    assert q["history.same_timestamp"] == 2 and "readers.nul_bytes" in q
    rows = deals(mem_store, info, "deal_id, status, closed_at")
    assert [r[1] for r in rows] == ["won", "open", "open", "lost", "open"]  # IsClosed / IsWon
    # CloseDate of a closed opportunity is its close date; open ones have none
    assert str(rows[0][2]) == "2024-03-28 00:00:00" and rows[1][2] is None


def test_salesforce_15_char_report_ids_meet_18_char_history_ids(mem_store, tmp_path):
    report = ('"Opportunity Owner","Opportunity Name","Stage","Amount","Close Date","Created Date","Opportunity ID"\n'
              '"Jane","Acme","Closed Won","12500","3/28/2024","2/13/2024","0065g00000AbCdE"\n'
              '"Jane","Beta","Negotiation/Review","4800","4/30/2024","2/15/2024","0065g00000AbCdF"\n')
    hist = tmp_path / "OpportunityHistory.csv"
    hist.write_text('"Id","OpportunityId","CreatedDate","StageName"\n'
                    '"1","0065g00000AbCdEAAV","2024-02-13T09:42:17.000Z","Prospecting"\n'
                    '"2","0065g00000AbCdEAAV","2024-03-01T09:42:17.000Z","Negotiation/Review"\n'
                    '"3","0065g00000AbCdEAAV","2024-03-28T09:42:17.000Z","Closed Won"\n'
                    '"4","0065g00000AbCdFAAV","2024-02-15T09:42:17.000Z","Qualification"\n'
                    '"5","0065g00000AbCdFAAV","2024-03-05T09:42:17.000Z","Negotiation/Review"\n')
    info, built, _ = run_import(mem_store, report, "report.csv", history=hist)
    # the report's 15-char ids plus their case-safe suffix (worked out in the next test) are the history's
    assert built["n_events"] == 5 and "history.unknown_deal" not in codes(mem_store, info)
    assert "history.stage_mismatch" not in codes(mem_store, info)  # past stages are not a mismatch


def test_deleted_rows_of_an_opportunity_history_are_no_stage_entries(mem_store, tmp_path):
    """Salesforce's Data Export writes ``IsDeleted`` in OpportunityHistory too (konsul7770/konsul-force-org
    keeps it in every object): a deleted row (here a stage entered by mistake and undone) was read as
    a visit of that stage, so Beta «reached» Negotiation/Review."""
    hist = tmp_path / "OpportunityHistory.csv"
    hist.write_text('"Id","IsDeleted","OpportunityId","CreatedDate","StageName"\n'
                    '"1","false","0065g00000AbCdEAAV","2024-02-13T09:00:00.000Z","Prospecting"\n'
                    '"2","false","0065g00000AbCdEAAV","2024-03-01T09:00:00.000Z","Negotiation/Review"\n'
                    '"3","false","0065g00000AbCdEAAV","2024-03-28T09:00:00.000Z","Closed Won"\n'
                    '"4","false","0065g00000AbCdFAAV","2024-02-15T09:00:00.000Z","Prospecting"\n'
                    '"5","true","0065g00000AbCdFAAV","2024-02-16T09:00:00.000Z","Negotiation/Review"\n'
                    '"6","false","0065g00000AbCdFAAV","2024-02-20T09:00:00.000Z","Id. Decision Makers"\n')
    info, built, _ = run_import(mem_store, SF_OPP.encode(), "Opportunity.csv", history=hist)
    assert built["n_events"] == 5  # 6 rows less the deleted one
    with mem_store.connect() as con:
        beta = con.execute(f"SELECT stage FROM ds_{info.id}.events WHERE deal_id = '0065g00000AbCdFAAV' "
                           "ORDER BY entered_at").fetchall()
    assert beta == [("Prospecting",), ("Id. Decision Makers",)]
    assert codes(mem_store, info)["history.deleted"] == 1
    # a mark set on every row (a seed) drops nothing and says so
    marked = hist.read_text().replace('"false"', '"true"')
    hist.write_text(marked)
    info, built, _ = run_import(mem_store, SF_OPP.encode(), "Opportunity.csv", history=hist, force=True)
    assert built["n_events"] == 6 and codes(mem_store, info)["history.all_deleted"] == 6


def test_salesforce_case_safe_suffix_by_hand():
    from funnel.importer.reconcile import salesforce_id18

    # "0065g00000AbCdE" in chunks of 5: "0065g" (no capitals -> 0 -> 'A'), "00000" (0 -> 'A'),
    # "AbCdE" (capitals at 0, 2, 4 -> 1 + 4 + 16 = 21 -> 'V'): the pair printed in ../shared's sample
    assert salesforce_id18("0065g00000AbCdE") == "0065g00000AbCdEAAV"
    # "ZZZZZ" chunk: 31 -> '5'
    assert salesforce_id18("ZZZZZaaaaaZaaaa") == "ZZZZZaaaaaZaaaa" + "5AB"


def test_a_plain_opportunity_list_is_not_a_stage_history():
    headers = ["OpportunityId", "StageName", "CreatedDate", "Amount", "IsWon", "IsClosed"]
    rows = [[f"0065g00000AbC{k:02d}", "Prospecting", "2024-02-03", "100", "false", "false"] for k in range(12)]
    assert detect_shape(headers, rows) == "deals"
    generic = [[f"D{k}", "Lead", f"2024-02-{k + 1:02d}"] for k in range(12)]
    assert detect_shape(["Deal ID", "Stage", "Date"], generic) == "deals"  # unique ids: one row per deal
    repeated = [["D1", "Lead", "2024-02-01"], ["D1", "Won", "2024-02-05"], ["D2", "Lead", "2024-02-02"]]
    assert detect_shape(["Deal ID", "Stage", "Date"], repeated) == "history"


# -- class 5: HubSpot ------------------------------------------------------------------------------
def test_hubspot_stage_names_match_the_preset_ignoring_case(mem_store):
    text = ("Record ID,Deal Name,Deal Stage,Amount,Close Date,Create Date,Deal owner\n"
            "1,A,Qualified to Buy,100,2024-03-01,2024-01-01,Ann\n2,B,appointment scheduled,200,2024-03-01,2024-01-02,Ann\n"
            "3,C,Closed Won,300,2024-03-01,2024-01-03,Bob\n4,D,Contract Sent,300,2024-03-01,2024-01-03,Bob\n")
    info, built, _ = run_import(mem_store, text, "hubspot.csv")
    # the file's spellings in HubSpot's default order; no phantom "Qualified To Buy" beside "Qualified to Buy"
    assert built["meta"]["stage_order"] == {"": ["appointment scheduled", "Qualified to Buy", "Contract Sent",
                                                 "Closed Won"]}
    assert "stages.order_guessed" not in codes(mem_store, info)


def test_hubspot_internal_property_names(mem_store):
    text = ("hs_object_id,dealname,dealstage,pipeline,amount,createdate,closedate,hubspot_owner_id,hs_is_closed_won\n"
            "901,A,qualifiedtobuy,default,100,2024-01-01T10:00:00Z,2024-03-01T00:00:00Z,77,false\n"
            "902,B,closedwon,default,250,2024-01-02T10:00:00Z,2024-02-01T10:00:00Z,77,true\n"
            "903,C,appointmentscheduled,default,50,2024-01-03T10:00:00Z,2024-03-01T00:00:00Z,78,false\n"
            "904,D,closedlost,default,70,2024-01-04T10:00:00Z,2024-02-04T10:00:00Z,78,false\n")
    info, built, _ = run_import(mem_store, text, "deals_api.csv")
    fields = built["meta"]["mapping"]["fields"]
    assert built["meta"]["mapping"]["preset"] == "hubspot_api"
    assert (fields["deal_id"], fields["stage"], fields["manager"], fields["won_flag"]) == (
        "hs_object_id", "dealstage", "hubspot_owner_id", "hs_is_closed_won")
    assert built["meta"]["stage_order"] == {"default": ["appointmentscheduled", "qualifiedtobuy", "closedwon"]}
    assert [r[2] for r in deals(mem_store, info)] == ["open", "won", "open", "lost"]
    # 902: 2024-01-02 10:00 -> 2024-02-01 10:00 = 30 days
    assert deals(mem_store, info, "cycle_days")[1][0] == 30.0


def test_the_order_deals_moved_in_beats_the_preset_order(mem_store):
    # This portal moves deals Contract Sent -> Qualified To Buy (its own process), not HubSpot's default.
    text = ('"Record ID","Deal Name","Deal Stage","Create Date","Deal owner",'
            '"Date entered ""Contract Sent (Sales Pipeline)""","Date entered ""Qualified To Buy (Sales Pipeline)""",'
            '"Date entered ""Closed Won (Sales Pipeline)"""\n'
            '"1","A","Closed Won","2024-01-01","Ann","2024-01-02","2024-01-10","2024-01-20"\n'
            '"2","B","Qualified To Buy","2024-01-01","Ann","2024-01-03","2024-01-12",""\n'
            '"3","C","Contract Sent","2024-01-01","Ann","2024-01-04","",""\n')
    info, built, _ = run_import(mem_store, text, "hubspot_entered.csv")
    assert built["meta"]["stage_order"] == {"": ["Contract Sent", "Qualified To Buy", "Closed Won"]}
    assert built["meta"]["order_source"] == "history"


# -- class 6 and 7: view exports and the generic matcher -------------------------------------------
def test_a_view_export_without_ids_is_one_deal_per_row(mem_store):
    text = ("Deal Name,Deal Stage,Amount,Close Date\nA,Qualified to Buy,100,2024-03-01\n"
            "A,Closed Won,300,2024-03-01\nB,Closed Lost,50,2024-03-02\n")
    info, built, _ = run_import(mem_store, text, "view.csv")
    assert built["n_deals"] == 3  # the two "A" rows are two deals: nothing merges rows without an id
    assert "deals.no_id_column" in codes(mem_store, info)
    assert [r[0] for r in deals(mem_store, info)] == ["2", "3", "4"]  # spreadsheet row numbers


PIPEDRIVE_COMPANY_HEADER = (
    "Deal - Territory,Deal - Pipeline,Deal - Stage,Organization - Customer segment,Deal - Title,"
    "Deal - Next activity date,Deal - Owner,Deal - Type of deal,Deal - Value,Deal - Expected REVENUE,"
    "Organization - Name,Deal - Organization,Organization - Belongs to division,Deal - Expected CONTRACT LENGHT,"
    "Deal - Expected FIRST TIME of GTV/Revenue,Deal - Expected close date,Deal - Deal value quality,"
    "Organization - Visitor adress,Deal - Deal source,Deal - Contact person,Deal - Status,Deal - Won time,"
    "Deal - Last stage change,Deal - Currency of Expected REVENUE,Deal - Currency")


# the file's most populated stage is the last one: a count guess would put it first
PIPEDRIVE_COMPANY_ROWS = [
    ("Negotiations Started", "Won", "1000", "2021-03-01 14:10:00"), ("Negotiations Started", "Open", "2000", ""),
    ("Negotiations Started", "Lost", "", ""), ("Proposal Made", "Won", "500", "2021-04-02 09:00:00"),
    ("Proposal Made", "Open", "700", ""), ("Qualified", "Open", "", ""), ("Contact Made", "Lost", "300", ""),
    ("Demo Scheduled", "Open", "900", "")]
PIPEDRIVE_COMPANY = PIPEDRIVE_COMPANY_HEADER + "\n" + "".join(
    f"Norway,Sales,{stage},Festival,Deal {i},,Kaare,New,{value},{int(value or 0) * 3},Org {i},Org {i},,12,"
    f"2021-09-01,2021-06-30,High,,Inbound,Person {i},{status},{won},2021-02-0{i + 1} 10:00:00,NOK,NOK\n"
    for i, (stage, status, value, won) in enumerate(PIPEDRIVE_COMPANY_ROWS))


def test_pipedrive_default_stages_order_a_file_whose_counts_would_not(mem_store):
    info, built, _ = run_import(mem_store, PIPEDRIVE_COMPANY, "deals.csv")
    assert built["meta"]["mapping"]["preset"] == "pipedrive"
    assert built["meta"]["mapping"]["fields"]["amount"] == "Deal - Value"  # not the expected revenue
    assert built["meta"]["mapping"]["fields"]["currency"] == "Deal - Currency"
    assert built["meta"]["stage_order"]["Sales"] == ["Qualified", "Contact Made", "Demo Scheduled", "Proposal Made",
                                                     "Negotiations Started", "Won"]
    found = codes(mem_store, info)
    assert "stages.order_guessed" not in found and "deals.no_id_column" in found
    with mem_store.connect() as con:
        doc = metrics_json(con, info, FunnelSpec(pipeline="Sales"))
    # furthest stage per deal: won deals the Won step (6), others where they are (lost ones where they died)
    assert (doc["won"], doc["lost"], doc["open"]) == (2, 2, 4)
    assert [s["reached"] for s in doc["stages"]] == [8, 7, 6, 5, 4, 2]
    assert doc["revenue"] == 1500


HUBSPOT_STAGE_ROWS = (
    "Record ID,Deal Name,Deal Stage,Date entered stage,Date left,Original Source,Amount,Deal owner\n"
    # in time order across deals, as a report lists them: a deal's latest row is not its last line
    "1,ACME-1,Qualified lead,2026-04-01 09:00,2026-04-02 09:00,Website enquiries,£9001,Jane\n"
    "1,ACME-1,Discovery call,2026-04-02 09:00,2026-04-04 09:00,Website enquiries,£9001,Jane\n"
    "2,ACME-2,Qualified lead,2026-04-03 09:00,2026-04-04 09:00,Referrals,£9002,Jane\n"
    "2,ACME-2,Discovery call,2026-04-04 09:00,2026-04-06 09:00,Referrals,£9002,Jane\n"
    "3,ACME-3,Discovery call,2026-04-06 09:00,,Website enquiries,£9003,Bob\n"
    "1,ACME-1,Closed won,2026-04-04 09:00,,Website enquiries,£9001,Jane\n"
    "3,ACME-3,Qualified lead,2026-04-05 09:00,2026-04-06 09:00,Website enquiries,£9003,Bob\n"
    "2,ACME-2,Closed lost,2026-04-06 09:00,,Referrals,£9002,Jane\n"
    "4,ACME-4,Qualified lead,2026-04-07 09:00,,Referrals,£9004,Bob\n")


def test_a_report_with_one_row_per_stage_entered_is_deals_and_their_history(mem_store):
    info, built, _ = run_import(mem_store, HUBSPOT_STAGE_ROWS, "deal_stage_report.csv")
    assert (built["rows_read"], built["n_deals"], built["n_events"], built["rows_rejected"]) == (9, 4, 9, 0)
    found = codes(mem_store, info)
    assert found.get("deals.stage_rows") == 9 and "deals.duplicate_id" not in found
    assert built["meta"]["stage_order"][""] == ["Qualified lead", "Discovery call", "Closed won"]
    assert ("", "Closed lost", None, "lost") in stages(mem_store, info)
    # each deal is its latest row by date: 1 won, 2 lost, 3 at Discovery call, 4 at Qualified lead
    assert sorted(deals(mem_store, info, "deal_id, stage, status, source")) == [
        ("1", "Closed won", "won", "Website enquiries"), ("2", "Closed lost", "lost", "Referrals"),
        ("3", "Discovery call", "open", "Website enquiries"), ("4", "Qualified lead", "open", "Referrals")]
    with mem_store.connect() as con:
        doc = metrics_json(con, info, FunnelSpec())
    assert (doc["won"], doc["lost"], doc["open"]) == (1, 1, 2)
    assert [s["reached"] for s in doc["stages"]] == [4, 3, 1]
    assert doc["revenue"] == 9001
    # created = the first entry (04-01 09:00), closed = entering «Closed won» (04-04 09:00): 3 days
    assert doc["median_cycle_days"] == pytest.approx(3.0)
    # changed after import (the won stage named again): still the deals and their history
    from funnel.dataset_edit import rederive

    built = rederive(mem_store, info.id, won=["Closed won"], lost=["Closed lost"])
    assert (built["rows_read"], built["n_deals"], built["n_events"]) == (9, 4, 9)
    assert codes(mem_store, mem_store.info(info.id)).get("deals.stage_rows") == 9


@pytest.mark.parametrize("amounts, currency", [
    (("£9001", "£9002", "£9003", "£9004"), "GBP"),  # the HubSpot report's own amounts
    (("82 500,00 ₽", "1 000 руб.", "5000 р.", "700 ₽"), "RUB"),  # amoCRM / 1C spellings of one currency
    # two currencies: none is guessed for the file, each deal keeps its own (€10 EUR, £20 GBP, the
    # others none), so the dataset's currencies are EUR and GBP and money is not added across them
    (("€10", "£20", "30", "40"), ["EUR", "GBP"]),
    (("$10", "$20", "$30", "$40"), None),  # "$" is the dollar of several countries
    (("£10", "20", "30", "40"), None),  # one symbol in four cells is not the column's currency
    # amoCRM and Bitrix24 accounts of Kazakhstan, Ukraine, Uzbekistan, Kyrgyzstan and Belarus
    (("12 500 ₸", "1 200 000 тг", "5 000 тенге", "800 тг."), "KZT"),
    (("1 200 грн", "3 500,50 ₴", "900 грн.", "100 ₴"), "UAH"),
    (("1 500 000 сум", "2 000 000 сум", "700 000 сўм", "90 000 сум"), "UZS"),
    (("25 000 сом", "10 000 сом", "3 000 сом", "1 сом"), "KGS"),
    (("2 000 бел. руб.", "1 500 бел.руб.", "300 бел. руб.", "50 бел. руб."), "BYN"),  # not RUB for its «руб.»
    (("USD 1,200", "KZT 500 000", "700", "800"), ["KZT", "USD"]),
    (("₹1,20,000", "₹5,00,000", "INR 90,000", "₹45,000"), "INR"),
    (("CHF 1'200.50", "CHF 900", "12'000 CHF", "CHF 50"), "CHF"),
])
def test_amounts_written_with_one_currency_symbol_give_the_currency(mem_store, amounts, currency):
    text = "Deal ID,Stage,Amount\n" + "".join(f'D{k},Won,"{a}"\n' for k, a in enumerate(amounts))
    info, built, _ = run_import(mem_store, text, "deals.csv", stages=["Lead", "Won"])
    assert built["rows_rejected"] == 0
    assert list(info.capabilities.currencies) == (currency if isinstance(currency, list) else [currency] if currency
                                                  else [])
    assert ("deals.currency_from_amounts" in codes(mem_store, info)) == isinstance(currency, str)


@pytest.mark.parametrize("amounts, expected", [
    (("12 500 ₸", "1 200 000 тг", "5 000 тенге", "800 тг."), [12500, 1200000, 5000, 800]),
    (("1 200 грн", "3 500,50 ₴", "900 грн.", "100 ₴"), [1200, 3500.5, 900, 100]),
    (("1 500 000 сум", "700 000 сўм"), [1500000, 700000]),
    (("25 000 сом", "3 000 сом"), [25000, 3000]),
    (("2 000 бел. руб.", "1 500 бел.руб."), [2000, 1500]),
    # Indian grouping (lakhs, crores) as Zoho accounts in India write rupees; Swiss apostrophes with CHF
    (("₹1,20,000", "₹12,34,567.50", "INR 5,00,000"), [120000, 1234567.5, 500000]),
    (("CHF 1'200.50", "CHF 12'000"), [1200.5, 12000]),
])
def test_cis_currency_amounts_read_as_numbers(mem_store, amounts, expected):
    # before: every such amount was unreadable (the amount column was not even taken for the amount)
    text = "Deal ID,Stage,Бюджет\n" + "".join(f'D{k},Won,"{a}"\n' for k, a in enumerate(amounts))
    info, built, _ = run_import(mem_store, text, "deals.csv", stages=["Lead", "Won"])
    assert (built["rows_rejected"], info.meta["mapping"]["fields"]["amount"]) == (0, "Бюджет")
    with mem_store.connect() as con:
        got = [r[0] for r in con.execute(f"SELECT amount FROM ds_{info.id}.deals ORDER BY deal_id").fetchall()]
    assert got == expected


@pytest.mark.parametrize("header, amounts, currency, code", [
    ("Бюджет ₽", ("15000", "250000"), "RUB", "deals.currency_from_header"),  # an amoCRM account's budget column
    ("Сумма сделки, р.", ("15000", "250000"), "RUB", "deals.currency_from_header"),
    ("Amount (EUR)", ("10", "20"), "EUR", "deals.currency_from_header"),
    ("Amount (EUR)", ("€10", "€20"), "EUR", "deals.currency_from_header"),  # header and cells agree
    ("Amount (EUR)", ("£10", "£20"), None, None),  # they disagree: nothing is guessed
    ("Бюджет, тг", ("15000", "250000"), "KZT", "deals.currency_from_header"),  # a Kazakh amoCRM account
    ("Сумма, грн", ("15000", "250000"), "UAH", "deals.currency_from_header"),
    ("Amount $", ("10", "20"), None, None),  # "$" is the dollar of several countries
    ("ACV", ("10", "20"), None, None),  # an acronym, not a currency code
])
def test_an_amount_header_that_names_its_currency_gives_the_currency(mem_store, header, amounts, currency, code):
    text = f'Deal ID,Stage,"{header}"\n' + "".join(f'D{k},Won,"{a}"\n' for k, a in enumerate(amounts))
    info, built, _ = run_import(mem_store, text, "deals.csv", stages=["Lead", "Won"])
    assert built["rows_rejected"] == 0
    assert list(info.capabilities.currencies) == ([currency] if currency else [])
    found = codes(mem_store, info)
    assert {c for c in found if c.startswith("deals.currency_from")} == ({code} if code else set())


AMO_SHORT = """ID,Название сделки,Бюджет ₽,Ответственный,Создана,Закрыта,Этап сделки,Воронка,Теги,Основной контакт
101,Сделка #101,"15 000",Анна Ковалёва,01.02.2024 10:15,не закрыта,Первичный контакт,Воронка,сайт,Иван
102,Сделка #102,"250 000",Пётр Сидоров,02.02.2024 11:00,15.03.2024 16:20,Успешно реализовано,Воронка,,Мария
103,Сделка #103,0,Анна Ковалёва,03.02.2024 09:30,10.02.2024 12:00,Закрыто и не реализовано,Воронка,,
104,Сделка #104,"40 000",Пётр Сидоров,05.02.2024 14:45,не закрыта,Переговоры,Воронка,,
"""


def test_amocrm_short_headers_created_and_closed(mem_store):
    """The column names a migration tool accepts for an amoCRM deals export (a CRM's "move from amoCRM"
    importer, code search: ``"бюджет ₽", "бюджет, ₽"``, ``"создана"``, ``"закрыта"``): «Создана» and
    «Закрыта» hold dates here, «Бюджет ₽» names the currency."""
    info, built, _ = run_import(mem_store, AMO_SHORT, "amocrm_leads.csv")
    assert built["rows_rejected"] == 0
    rows = deals(mem_store, info, "deal_id, status, created_at, closed_at, amount, cycle_days")
    assert [r[1] for r in rows] == ["open", "won", "lost", "open"]
    assert str(rows[1][2]) == "2024-02-02 11:00:00" and str(rows[1][3]) == "2024-03-15 16:20:00"
    assert rows[0][3] is None and rows[3][3] is None  # «не закрыта»: open, no close time
    # 2 Feb 11:00 -> 15 Mar 16:20: 29 + 13 days and 5 h 20 min
    assert rows[1][5] == pytest.approx(42 + (5 * 60 + 20) / 1440)
    assert [r[4] for r in rows] == [15000, 250000, 0, 40000]
    assert list(info.capabilities.currencies) == ["RUB"]
    fields = info.meta["mapping"]["fields"]
    assert (fields["created_at"], fields["closed_at"], fields["amount"]) == ("Создана", "Закрыта", "Бюджет ₽")


def test_a_closed_column_of_yes_and_no_is_still_a_flag():
    # «Закрыта» names a date (above) or a yes/no flag (1C, Bitrix24): the values decide
    m = propose_mapping(["Номер", "Этап", "Закрыта", "Создана"],
                        [["1", "Новая", "Нет", "01.02.2024"], ["2", "Счёт", "Да", "02.02.2024"]])
    assert m.fields["closed_flag"] == 2 and "closed_at" not in m.fields and m.fields["created_at"] == 3


KOMMO = """ID,Lead title,Company,Main contact,Sale,Responsible user,Date created,Created by,Date closed,Tags,Lead status,Pipeline
11,Website request,Acme,Jo,1500,Ann Lee,15.01.2024 10:00:00,Ann Lee,,web,Initial contact,Sales pipeline
12,Call back,Beta,Li,2500,Bob Ray,16.01.2024 11:00:00,Bob Ray,02.02.2024 12:00:00,,Closed - won,Sales pipeline
13,Quote,Gamma,Al,800,Ann Lee,17.01.2024 09:00:00,Ann Lee,25.01.2024 17:30:00,,Closed - lost,Sales pipeline
14,Chat,Delta,Mo,1200,Bob Ray,18.01.2024 14:00:00,Bob Ray,,chat,Negotiation,Sales pipeline
15,Form,Eps,Ki,900,Ann Lee,19.01.2024 08:00:00,Ann Lee,,,Negotiation,Sales pipeline
16,Form 2,Zeta,Ra,700,Ann Lee,20.01.2024 08:00:00,Ann Lee,,,Negotiation,Sales pipeline
17,Form 3,Eta,Su,650,Bob Ray,21.01.2024 08:00:00,Bob Ray,,,Offer made,Sales pipeline
"""


def test_kommo_default_pipeline_orders_a_file_whose_counts_would_not(mem_store):
    """Kommo (amoCRM in English): a new account's pipeline is Initial Contact, Offer Made, Negotiation,
    Closed-Won, Closed-Lost (Kommo's knowledge base, "Pipelines"). By counts Negotiation (3 deals) would
    come first; the preset's order holds, and nothing is flagged as a guess."""
    info, built, _ = run_import(mem_store, KOMMO, "kommo_leads.csv")
    assert info.meta["stage_order"] == {"Sales pipeline": ["Initial contact", "Offer made", "Negotiation",
                                                           "Closed - won"]}
    assert info.meta["order_guessed"] is False
    with mem_store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
    # the lost deal has no record of its stage: counted at the first; 17 at Offer made; 14-16 and the won 12
    assert [(s["stage"], s["reached"]) for s in got["stages"]] == [
        ("Initial contact", 7), ("Offer made", 5), ("Negotiation", 4), ("Closed - won", 1)]
    assert (got["won"], got["lost"], got["open"], got["revenue"]) == (1, 1, 5, 2500)
    assert got["median_cycle_days"] == pytest.approx(17 + 1 / 24)  # 16 Jan 11:00 -> 2 Feb 12:00


ES_SHEET = """id,empresa,contacto,etapa,importe_eur,responsable,ultima_actividad,cierre_previsto,probabilidad
1,Construcciones Avila SL,María Soler,Propuesta enviada,18000,Alvaro,2026-06-09,2026-06-20,0.6
2,Logística Tajo,Pedro Nieto,Negociación,42000,Alvaro,2026-06-10,2026-06-18,0.8
3,Clínica Dental Sonríe,Lucía Vega,Cualificación,6500,Berta,2026-06-08,2026-07-10,0.3
4,Talleres Hermanos Ruiz,Jorge Ruiz,Prospección,9000,Alvaro,2026-05-12,2026-06-15,0.1
5,Bodegas Ribera Nova,Ana Cano,Propuesta enviada,27500,Berta,2026-05-08,2026-06-05,0.5
6,Gimnasios Pulse,Iván Mora,Negociación,15000,Alvaro,2026-06-07,2026-06-25,0.75
7,Inmobiliaria Castilla,Sara Gil,Cerrado ganado,33000,Alvaro,2026-06-06,2026-06-06,1.0
8,Asesoría Fiscal Lex,Tomás Díaz,Cualificación,4800,Berta,2026-06-10,2026-07-15,0.3
9,Distribuciones Frío Sur,Carla Pons,Propuesta enviada,21000,Alvaro,2026-05-05,2026-06-10,0.5
10,Hotel Mirasierra,Raúl Ortega,Negociación,58000,Alvaro,2026-06-09,2026-06-30,0.7
15,Academia Idiomas Globo,Paula Ferrer,Cerrado perdido,11000,Berta,2026-06-02,2026-06-02,0.0
"""


def test_a_spanish_pipeline_sheet_maps_and_its_stage_names_order_it(mem_store):
    """A small company's pipeline kept in a spreadsheet, in Spanish (aulazaro28110-prog/informe-pipeline-ventas
    ``deals.csv``: ``id, empresa, contacto, etapa, importe_eur, responsable, ultima_actividad, cierre_previsto,
    probabilidad``; stages Prospección, Cualificación, Propuesta enviada, Negociación, Cerrado ganado/perdido).
    It was refused: no column for the stage. By counts its order would come out backwards."""
    info, built, _ = run_import(mem_store, ES_SHEET, "deals.csv")
    fields = info.meta["mapping"]["fields"]
    assert (fields["stage"], fields["amount"], fields["manager"], fields["expected_close"]) == (
        "etapa", "importe_eur", "responsable", "cierre_previsto")
    assert info.meta["stage_order"] == {"": ["Prospección", "Cualificación", "Propuesta enviada", "Negociación",
                                             "Cerrado ganado"]}
    assert info.meta["lost_stages"] == {"": ["Cerrado perdido"]} and info.meta["order_guessed"] is True
    assert list(info.capabilities.currencies) == ["EUR"]  # named by the header: importe_eur
    with mem_store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
    # 11 deals: 1 in Prospección and the lost one (its stage unknown) stop at the first step; 2 in
    # Cualificación; 3 in Propuesta enviada; 3 in Negociación; 1 won
    assert [(s["stage"], s["reached"]) for s in got["stages"]] == [
        ("Prospección", 11), ("Cualificación", 9), ("Propuesta enviada", 7), ("Negociación", 4),
        ("Cerrado ganado", 1)]
    assert (got["won"], got["lost"], got["open"], got["revenue"]) == (1, 1, 9, 33000)


def test_hubspot_headers_in_german_french_and_portuguese():
    # HubSpot writes its export headers in the user's language (../shared/reference/crm-exports.md)
    for headers in (["Datensatz-ID", "Deal-Name", "Deal-Phase", "Betrag", "Abschlussdatum", "Deal-Inhaber",
                     "Erstellungsdatum"],
                    ["ID de fiche d'informations", "Nom de la transaction", "Phase de la transaction", "Montant",
                     "Date de fermeture", "Propriétaire de la transaction", "Date de création"],
                    ["ID do registro", "Nome do negócio", "Etapa do negócio", "Valor", "Data de fechamento",
                     "Proprietário do negócio", "Data de criação"]):
        row = ["1", "A", "X", "100", "2024-03-01", "Ann", "2024-01-01"]
        m = propose_mapping(headers, [row])
        got = {f: headers.index(headers[i]) for f, i in m.fields.items()}
        assert got == {"deal_id": 0, "deal_name": 1, "stage": 2, "amount": 3, "expected_close": 4, "manager": 5,
                       "created_at": 6}, headers


def test_freshsales_and_onpipeline_spellings():
    # Freshsales' deal fields (crmsupport.freshworks.com, "What are deal fields": Deal Name, Deal Value,
    # Expected close date, Closed date, Owner, Deal Pipeline, Deal Stage, Source) with an older UI's
    # "Sales owner"; Onpipeline's "Expected Closing Date"; a "Won/Lost reason" column
    headers = ["Deal Name", "Deal Value", "Deal Stage", "Expected Closing Date", "Closed date", "Sales owner",
               "Created at", "Deal Pipeline", "Won/Lost reason", "Source"]
    m = propose_mapping(headers, [["A", "100", "New", "2024-05-01", "", "Ann", "2024-01-01", "Default", "", "Web"]])
    assert {f: headers[i] for f, i in m.fields.items()} == {
        "deal_name": "Deal Name", "amount": "Deal Value", "stage": "Deal Stage",
        "expected_close": "Expected Closing Date", "closed_at": "Closed date", "manager": "Sales owner",
        "created_at": "Created at", "pipeline": "Deal Pipeline", "lost_reason": "Won/Lost reason", "source": "Source"}


ONEC_LIST = ("Наименование;Клиент;Этап;Статус;Сумма;Ответственный;Дата начала;Дата завершения;Закрыта\n"
             "Поставка оборудования;ООО Альфа;Выявление потребностей;В работе;1 250 000,00;Иванов И.И.;"
             "12.01.2024 10:00:00;;Нет\n"
             "Монтаж;ООО Бета;Коммерческое предложение;В работе;350 000,00;Петров П.П.;15.01.2024 11:30:00;;Нет\n"
             "Сервис;ИП Гамма;Переговоры;Выиграна;90 000,00;Иванов И.И.;20.01.2024 09:00:00;05.02.2024 17:00:00;Да\n"
             "Лицензии;ООО Дельта;Первичный контакт;Проиграна;40 000,00;Петров П.П.;22.01.2024 14:00:00;"
             "25.01.2024 12:00:00;Да\n"
             "Аудит;ООО Эпсилон;Коммерческое предложение;В работе;120 000,00;Иванов И.И.;25.01.2024 10:00:00;;Нет\n")


def test_a_1c_crm_deal_list_saved_as_text(mem_store):
    """1С:CRM's deal list saved from «Вывести список» (../shared/reference/crm-exports.md: Статус В работе /
    Выиграна / Проиграна, flag Закрыта, Russian number formatting ``1 250 000,00``), as cp1251 text with
    «;». «Дата начала» is when the deal began; the stages, on the usual sales ladder, order themselves."""
    info, built, _ = run_import(mem_store, ONEC_LIST.encode("cp1251"), "Сделки.csv")
    assert built["rows_rejected"] == 0
    fields = info.meta["mapping"]["fields"]
    assert (fields["created_at"], fields["closed_at"], fields["status"]) == ("Дата начала", "Дата завершения",
                                                                             "Статус")
    assert info.meta["stage_order"][""][:4] == ["Первичный контакт", "Выявление потребностей",
                                                "Коммерческое предложение", "Переговоры"]
    assert [r[0] for r in deals(mem_store, info, "amount")] == [1250000, 350000, 90000, 40000, 120000]
    with mem_store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
    assert (got["won"], got["lost"], got["open"], got["revenue"]) == (1, 1, 3, 90000)
    assert got["median_cycle_days"] == pytest.approx(16 + 8 / 24)  # 20 Jan 09:00 -> 5 Feb 17:00


ODOO = ("ID,Opportunity,Customer,Expected Revenue,Stage,Salesperson,Sales Team,Created on,Expected Closing,"
        "Probability,Lost Reason,Closed Date\n"
        "__export__.crm_lead_12_3f2a1b,Office chairs,Azure Interior,12000.0,Proposition,Mitchell Admin,Sales,"
        "2024-02-01 10:00:00,2024-03-01,40.0,,\n"
        "__export__.crm_lead_13_9c1d2e,Desks,Deco Addict,5000.0,Qualified,Marc Demo,Sales,2024-02-03 09:00:00,,20.0,,\n"
        "__export__.crm_lead_14_77aa01,Cabinets,Gemini Furniture,3000.0,Qualified,Marc Demo,Sales,"
        "2024-02-04 09:00:00,,20.0,,\n"
        "__export__.crm_lead_15_0b0b0b,Lamps,Ready Mat,800.0,New,Mitchell Admin,Sales,2024-02-05 11:00:00,,10.0,,\n"
        "__export__.crm_lead_16_c0ffee,Storage,Lumber Inc,9000.0,Won,Mitchell Admin,Sales,2024-01-10 08:00:00,,100.0,,"
        "2024-01-31 18:00:00\n")


def test_odoo_crm_pipeline_export(mem_store):
    """Odoo CRM's pipeline list exported (crm.lead fields as the list shows them: Opportunity, Expected Revenue,
    Stage, Salesperson, Created on, Expected Closing, Closed Date; ids written as external ids
    ``__export__.crm_lead_<id>_<hash>``; default stages New → Qualified → Proposition → Won)."""
    info, built, _ = run_import(mem_store, ODOO, "crm.lead.csv")
    fields = info.meta["mapping"]["fields"]
    assert (fields["deal_name"], fields["amount"], fields["expected_close"]) == (
        "Opportunity", "Expected Revenue", "Expected Closing")
    assert info.meta["stage_order"] == {"": ["New", "Qualified", "Proposition", "Won"]}
    with mem_store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
    assert [(s["stage"], s["reached"]) for s in got["stages"]] == [
        ("New", 5), ("Qualified", 4), ("Proposition", 2), ("Won", 1)]
    assert (got["won"], got["open"], got["revenue"]) == (1, 4, 9000)
    assert got["median_cycle_days"] == pytest.approx(21 + 10 / 24)  # 10 Jan 08:00 -> 31 Jan 18:00


ODOO_LOST = ODOO + (
    "__export__.crm_lead_17_aa11bb,Shelves,Wood Corner,4000.0,Qualified,Marc Demo,Sales,2024-02-06 09:00:00,,0.0,"
    "Too expensive,\n"
    "__export__.crm_lead_18_cc22dd,Chairs,Ready Mat,700.0,New,Mitchell Admin,Sales,2024-02-07 09:00:00,,0.0,"
    "Not enough stock,\n"
    "__export__.crm_lead_19_ee33ff,Sofa,Deco Addict,1500.0,New,Marc Demo,Sales,2024-02-08 09:00:00,,10.0,-,\n")


def test_odoo_lost_opportunities_stay_in_their_stage_with_a_lost_reason(mem_store):
    """Odoo marks an opportunity lost by archiving it with a «Lost Reason» and leaves it in its stage
    (crm.lead ``action_set_lost``); a list exported with the "Lost" or "Archived" filter shows them beside
    the open ones. With no status column, a filled reason is the only sign of the loss."""
    info, built, _ = run_import(mem_store, ODOO_LOST, "crm.lead.csv")
    assert info.meta["mapping"]["fields"]["lost_reason"] == "Lost Reason"
    by_id = {r[0][-9:]: r[1:] for r in deals(mem_store, info, "deal_id, status, lost_pos")}
    # 17 lost at Qualified (position 2), 18 at New (1); 19's reason «-» is no reason: still open
    assert (by_id["17_aa11bb"], by_id["18_cc22dd"], by_id["19_ee33ff"]) == (("lost", 2), ("lost", 1), ("open", None))
    with mem_store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
    # reached by hand: New all 8; Qualified 12, 13, 14, 16 (won), 17; Proposition 12 and 16; Won 16
    assert [(s["stage"], s["reached"]) for s in got["stages"]] == [
        ("New", 8), ("Qualified", 5), ("Proposition", 2), ("Won", 1)]
    assert (got["won"], got["lost"], got["open"]) == (1, 2, 5)
    assert codes(mem_store, info)["deals.lost_by_reason"] == 2


def test_a_status_column_beats_a_filled_lost_reason(mem_store):
    # the status says open: the reason (left from an earlier loss, the deal reopened) does not decide
    text = ("Deal ID,Deal,Stage,Status,Lost reason\n1,A,Proposal,open,Price\n2,B,Proposal,lost,Price\n"
            "3,C,Contact,open,\n")
    info, _, _ = run_import(mem_store, text, "deals.csv")
    assert [r[2] for r in deals(mem_store, info)] == ["open", "lost", "open"]
    assert "deals.lost_by_reason" not in codes(mem_store, info)


SF_RENAMED = (
    '"Opportunity Owner","Account Name","Opportunity Name","Stage","Fiscal Period","Amount Currency","Amount",'
    '"Probability (%)","Age","Close Date","Created Date","Next Step","Lead Source","Type",'
    '"Primary Campaign Source","Opportunity ID"\n'
    + "".join(f'"Kim Lee","Acct {i}","Opp {i}","{stage}","Q1-2025","USD","{amount}","{p}","{age}","3/31/2025",'
              f'"1/{i}/2025","","Web","New Business","","0065g00000Ab{i:03d}"\n'
              for i, (stage, p, amount, age) in enumerate([
                  ("Discovery Call", 10, 1000, 5), ("Solution Fit", 25, 2000, 9), ("Solution Fit", 25, 2000, 9),
                  ("Solution Fit", 30, 2000, 9), ("Business Case", 50, 3000, 20), ("Business Case", 50, 3000, 20),
                  ("Commercials", 75, 4000, 30), ("Commercials", 75, 4000, 30), ("Commercials", 80, 4000, 30),
                  ("Commercials", 75, 4000, 30), ("Closed Won", 100, 5000, 40), ("Closed Lost", 0, 6000, 15)],
                  start=1)))


def test_a_salesforce_report_of_renamed_stages_is_ordered_by_their_probability(mem_store):
    """A Salesforce "details only" report (the header of ../shared/reference/crm-headers/salesforce_en.csv)
    of a company that renamed its stages: none is in Salesforce's picklist but Closed Won/Lost, and no
    stage word is on the sales ladder («Solution Fit», «Commercials»). Each stage's probability (set in
    Salesforce's stage picklist, overridable per deal) rises along the pipeline; by counts the order was
    Commercials (4 deals), Solution Fit (3), Business Case (2), Discovery Call (1): backwards."""
    info, built, _ = run_import(mem_store, SF_RENAMED, "report.csv")
    # medians of the open deals: 10, 25 (25, 25, 30), 50, 75 (75, 75, 80, 75)
    assert info.meta["stage_order"] == {"": ["Discovery Call", "Solution Fit", "Business Case", "Commercials",
                                             "Closed Won"]}
    assert "stages.order_guessed" in codes(mem_store, info)  # still a guess: the Data page asks
    with mem_store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
    # by hand: 12 deals; the lost one has no stage of its own, counted at the first
    assert [(s["stage"], s["reached"]) for s in got["stages"]] == [
        ("Discovery Call", 12), ("Solution Fit", 10), ("Business Case", 7), ("Commercials", 5), ("Closed Won", 1)]
    assert (got["won"], got["lost"], got["open"]) == (1, 1, 10)


COPPER = ("Name,Company,Primary Contact,Pipeline,Stage,Status,Value,Close Date,Owner,Source,Priority,"
          "Win Probability,Loss Reason,Date Created,Date Modified,Days in Stage,Last Stage Change,Tags\n"
          "Website redesign,Acme,Jane Doe,Sales,Follow-up,Open,5000,12/15/2024,Bob Smith,Website,High,20,,"
          "10/01/2024,10/05/2024,12,10/03/2024,\n"
          "Annual plan,Globex,John Roe,Sales,Presentation,Open,12000,12/20/2024,Ann Lee,Referral,Medium,50,,"
          "10/02/2024,10/20/2024,5,10/18/2024,\n"
          "Audit,Stark,Pepper P,Sales,Qualified,Open,1000,12/30/2024,Ann Lee,Website,Low,10,,10/03/2024,"
          "10/03/2024,2,10/03/2024,\n"
          "Renewal,Wayne,Lucius F,Sales,Qualified,Open,1500,12/30/2024,Bob Smith,Website,Low,10,,10/04/2024,"
          "10/04/2024,2,10/04/2024,\n"
          "Support,Initech,Bill L,Sales,Presentation,Won,8000,11/01/2024,Bob Smith,Website,Low,100,,"
          "09/01/2024,11/01/2024,0,11/01/2024,vip\n"
          "Migration,Umbrella,Al W,Sales,Follow-up,Lost,3000,10/15/2024,Ann Lee,Cold Call,None,0,Price,"
          "09/10/2024,10/15/2024,0,10/15/2024,\n"
          "Training,Hooli,Gav B,Sales,Qualified,Abandoned,2000,10/30/2024,Ann Lee,Website,None,0,,09/20/2024,"
          "10/30/2024,0,10/30/2024,\n")


def test_a_copper_opportunity_export_without_ids_is_deals_not_counts(mem_store):
    """Copper's opportunities export (list view → Export: Name, Company, Pipeline, Stage, Status Open / Won /
    Lost / Abandoned, Value, Close Date, Owner, Loss Reason, Win Probability, Date Created, …; no id
    column). It was read as aggregate counts (a stage and a number «Value»), a 5-bar funnel of sums."""
    info, built, _ = run_import(mem_store, COPPER, "opportunities.csv")
    assert (info.shape, built["n_deals"]) == ("deals", 7)
    fields = info.meta["mapping"]["fields"]
    assert (fields["amount"], fields["status"], fields["lost_reason"]) == ("Value", "Status", "Loss Reason")
    # open deals' win probability: Qualified 10, Follow-up 20, Presentation 50 (by counts: Qualified 3,
    # then Follow-up and Presentation with 2 each); Abandoned is closed without a sale
    assert info.meta["stage_order"] == {"Sales": ["Qualified", "Follow-up", "Presentation", "Won"]}
    with mem_store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
    # by hand: the won deal sat at Presentation (a Won stage is added: the status says won), lost ones at
    # their stage: Qualified 7; Follow-up: 2 open-or-lost there + 2 at Presentation = 4; Presentation 2; Won 1
    assert [(s["stage"], s["reached"]) for s in got["stages"]] == [
        ("Qualified", 7), ("Follow-up", 4), ("Presentation", 2), ("Won", 1)]
    assert (got["won"], got["lost"], got["open"], got["revenue"]) == (1, 2, 4, 8000)


DYNAMICS = (
    "(Do Not Modify) Opportunity,(Do Not Modify) Row Checksum,(Do Not Modify) Modified On,Topic,Potential Customer,"
    "Est. Close Date,Est. Revenue,Probability,Rating,Status,Status Reason,Pipeline Phase,Owner,Created On,"
    "Actual Close Date,Actual Revenue\n"
    '7a1c2d3e-0001-ee11-a81c-000d3a1b2c3d,abc1,11/20/2024 10:00 AM,Office fitout,Contoso,12/31/2024,"$12,000.00",'
    "40,Warm,Open,In Progress,2-Develop,Ann Lee,10/1/2024 9:00 AM,,\n"
    '7a1c2d3e-0002-ee11-a81c-000d3a1b2c3d,abc2,11/21/2024 10:00 AM,Laptops,Fabrikam,12/15/2024,"$5,000.00",20,'
    "Cold,Open,In Progress,1-Qualify,Bob Smith,10/2/2024 9:00 AM,,\n"
    '7a1c2d3e-0003-ee11-a81c-000d3a1b2c3d,abc3,11/22/2024 10:00 AM,Printers,Litware,11/30/2024,"$3,000.00",80,'
    "Hot,Open,On Hold,3-Propose,Ann Lee,10/3/2024 9:00 AM,,\n"
    '7a1c2d3e-0004-ee11-a81c-000d3a1b2c3d,abc4,11/23/2024 10:00 AM,Servers,Adatum,11/15/2024,"$20,000.00",100,'
    'Hot,Won,Won,4-Close,Bob Smith,9/1/2024 9:00 AM,11/10/2024,"$19,500.00"\n'
    '7a1c2d3e-0005-ee11-a81c-000d3a1b2c3d,abc5,11/24/2024 10:00 AM,Phones,Northwind,11/15/2024,"$2,000.00",0,'
    "Cold,Lost,Out-Sold,2-Develop,Ann Lee,9/5/2024 9:00 AM,11/1/2024,$0.00\n"
    '7a1c2d3e-0006-ee11-a81c-000d3a1b2c3d,abc6,11/25/2024 10:00 AM,Desks,Tailspin,11/15/2024,"$1,000.00",0,'
    "Cold,Lost,Canceled,1-Qualify,Bob Smith,9/6/2024 9:00 AM,11/2/2024,$0.00\n")


def test_dynamics_pipeline_phases_are_ordered_by_their_numbers(mem_store):
    """Dynamics 365's opportunities exported to Excel/CSV (the «(Do Not Modify)» columns, `Topic`, `Est.
    Revenue`, `Status` Open/Won/Lost, `Status Reason`, `Pipeline Phase` «1-Qualify» … «4-Close» of its
    business process flow). The phases were ordered by counts and flagged as a guess; their numbers are
    the company's own order."""
    info, built, _ = run_import(mem_store, DYNAMICS, "Opportunities.csv")
    assert info.meta["stage_order"] == {"": ["1-Qualify", "2-Develop", "3-Propose", "4-Close", "Won"]}
    assert "stages.order_guessed" not in codes(mem_store, info)
    with mem_store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
    # by hand: Qualify all 6; Develop 0001, 0003, 0004 (won), 0005 (lost there); Propose 0003, 0004; Close 0004
    assert [(s["stage"], s["reached"]) for s in got["stages"]] == [
        ("1-Qualify", 6), ("2-Develop", 4), ("3-Propose", 2), ("4-Close", 1), ("Won", 1)]
    assert (got["won"], got["lost"], got["open"], got["revenue"]) == (1, 2, 3, 20000)


BITRIX_STATS = (
    "deal_id,title,created_at,updated_at,stage_id,manager_id,company_id,contact_id,source,expected_amount,currency,closed_at,lost_reason,custom_deadline\n"
    "D1001,Панели для склада Альфа,2026-06-01T09:14:58+05:00,2026-06-07T12:30:00+05:00,PRODUCTION,U10,C200,P300,Avito,150000.00,RUB,,,2026-06-20\n"
    "D1002,Расчет дверных блоков,2026-06-02T10:30:00+05:00,2026-06-06T11:00:00+05:00,PROPOSAL,U11,C201,P302,avito,84000.00,RUB,,,2026-06-18\n"
    "D1003,Монтаж панелей БашКомплект,2026-06-03T13:10:00+05:00,2026-06-08T16:45:00+05:00,WON,U10,C202,P303,yandex_direct,236000.00,RUB,2026-06-08T16:45:00+05:00,,2026-06-25\n"
    "D1004,Поставка каркасов,2026-06-04T08:20:00+05:00,2026-06-05T09:05:00+05:00,LOST,U12,C203,,website,57000.00,RUB,2026-06-05T09:05:00+05:00,Дорого,\n"
    "D1005,Срочный заказ ТеплоДом,2026-06-05T15:00:00+05:00,2026-06-10T18:10:00+05:00,SHIPPED,U11,C204,,AVITO,92000.00,RUB,,,2026-06-12\n"
    "D1006,Заявка без компании,2026-06-06T12:00:00+05:00,2026-06-06T12:10:00+05:00,NEW,U10,,P304,Авито,35000.00,RUB,,,\n"
    "D1007,Отрицательная сумма тест,2026-06-07T09:00:00+05:00,2026-06-07T09:10:00+05:00,QUALIFICATION,U10,C200,P301,phone,-12000.00,RUB,,,\n"
    "D1008,Дубль сделки,2026-06-08T10:00:00+05:00,2026-06-08T10:05:00+05:00,CALCULATION,U11,C201,P302,website,68000.00,RUB,,,2026-06-17\n"
    "D1008,Дубль сделки измененный,2026-06-08T10:00:00+05:00,2026-06-08T10:06:00+05:00,CALCULATION,U11,C201,P302,Website,69000.00,RUB,,,2026-06-17\n"
    "D1009,Выиграна без даты закрытия,2026-06-09T13:20:00+05:00,2026-06-12T17:00:00+05:00,WON,U10,C203,,referral,125000.00,RUB,,,\n"
    "D1010,Пустая валюта,14.06.2026 09:20,2026-06-14T09:40:00+05:00,CONTRACT,U11,C204,,yandex_direct,174000.00,,,,2026-06-30\n"
    "D1011,Неизвестная стадия,2026-06-15T11:30:00+05:00,2026-06-15T11:30:00+05:00,WAIT_CLIENT,,C202,P303,telegram,54000.00,RUB,,,\n"
)


def test_a_bitrix_style_deal_table_with_code_columns_and_messy_values(mem_store):
    """maxpoll-dev/bitrix-stats ``data/deals.csv``: a developer's Bitrix24 deal table in snake_case
    (``stage_id`` codes PRODUCTION/WON/LOST, ``manager_id`` U10, ``expected_amount``), with what real
    tables carry: one created date written ``14.06.2026 09:20`` among ISO times with ``+05:00``, a
    repeated id, a negative amount, a won deal without a close date, a source spelt Avito / avito /
    AVITO. It was refused: no column for the stage."""
    info, built, _ = run_import(mem_store, BITRIX_STATS, "deals.csv")
    fields = info.meta["mapping"]["fields"]
    assert (fields["stage"], fields["manager"], fields["amount"]) == ("stage_id", "manager_id", "expected_amount")
    assert built["n_deals"] == 11  # D1008 twice: its first row kept
    with mem_store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
        created = con.execute(f"SELECT created_at FROM ds_{info.id}.deals WHERE deal_id = 'D1010'").fetchone()[0]
        sources = dict(con.execute(f"SELECT source, count(*) FROM ds_{info.id}.deals GROUP BY 1").fetchall())
    assert (got["won"], got["lost"], got["open"], got["revenue"]) == (2, 1, 8, 236000 + 125000)
    assert str(created) == "2026-06-14 09:20:00"
    # Avito, avito, AVITO: one source, spelt as its first row (one deal each); Авито is another word
    assert (sources["Avito"], sources["Авито"], "avito" in sources, "AVITO" in sources) == (3, 1, False, False)
    found = codes(mem_store, info)
    assert (found["source.spellings_merged"], found["amount.negative"], found["deals.duplicate_id"]) == (2, 1, 1)


def test_wide_counts_with_a_won_step_are_still_counts():
    headers = ["Week", "Leads", "Demos", "Won"]
    samples = [["2024-W01", "120", "30", "6"], ["2024-W02", "100", "25", "4"]]
    assert detect_shape(headers, samples) == "counts"


def test_a_deal_list_with_a_repeated_row_is_not_a_stage_report(mem_store):
    # one deal exported twice at the same stage: a duplicate, not a history
    text = ("Record ID,Deal Name,Deal Stage,Date entered current stage,Amount\n"
            "1,A,Qualified lead,2026-04-01 09:00,100\n1,A,Qualified lead,2026-04-01 09:00,100\n"
            "2,B,Closed won,2026-04-03 09:00,200\n")
    info, built, _ = run_import(mem_store, text, "deals.csv")
    assert (built["n_deals"], built["n_events"]) == (2, 0)
    found = codes(mem_store, info)
    assert "deals.duplicate_id" in found and "deals.stage_rows" not in found


def test_generic_matcher_reads_normalised_tokens():
    headers = ["Potential Name", "OpportunityStage", "ACV", "Potential Owner", "Created Time", "Closing Date",
               "Forecast Type", "LEADID"]
    rows = [["A", "Qualification", "100", "Ann", "15 Apr, 2021 00:02:00", "2021-05-01", "Open", "L1"]]
    m = propose_mapping(headers, rows)
    got = {f: headers[i] for f, i in m.fields.items()}
    assert got["stage"] == "OpportunityStage" and got["amount"] == "ACV" and got["manager"] == "Potential Owner"
    assert got["created_at"] == "Created Time" and got["expected_close"] == "Closing Date"
    assert got["status"] == "Forecast Type" and got["deal_name"] == "Potential Name"
    assert "deal_id" not in got  # LEADID is the lead a deal came from
    m = propose_mapping(["ID", "StageName", "dealstage_x"], [["1", "Won", "a"]])
    assert {f: i for f, i in m.fields.items()}["stage"] == 1


def test_zoho_month_name_dates_and_default_order_without_a_preset(mem_store):
    text = ('Potential Name,OpportunityStage,ACV,Created Time,Closing Date\n'
            'A,Qualification,100,"15 Apr, 2021 00:02:00",2021-05-01\n'
            'B,Closed Won,300,"16 Apr, 2021 10:12:00",2021-05-02\n'
            'C,Negotiation/Review,300,"17 Apr, 2021 11:00:00",2021-05-02\n')
    info, built, _ = run_import(mem_store, text, "zoho_view.csv")
    assert built["rows_rejected"] == 0
    # B: 16 Apr 2021 10:12 -> 2 May 2021 (a day: calendar days): 30 - 16 = 14 in April, + 2 = 16 days
    assert deals(mem_store, info, "cycle_days")[1][0] == 16
    # every stage is one of Zoho's defaults: their order, not a guess
    assert built["meta"]["stage_order"] == {"": ["Qualification", "Negotiation/Review", "Closed Won"]}


# -- class 8: status only --------------------------------------------------------------------------
def test_a_status_only_file_shows_outcomes_without_inventing_a_funnel(mem_store):
    text = "Deal ID,Status,Amount\n1,Won,100\n2,Lost,200\n3,Open,300\n4,Won,50\n"
    info, built, _ = run_import(mem_store, text, "status.csv")
    assert stages(mem_store, info) == []  # no single "Won" bar holding 100 %
    q = codes(mem_store, info)
    assert "stages.none" in q and "stages.no_won" not in q
    assert built["meta"]["outcomes_only"] is True
    with mem_store.connect() as con:
        doc = metrics_json(con, info, FunnelSpec())
    assert doc["stages"] == []
    assert (doc["won"], doc["lost"], doc["open"]) == (2, 1, 1) and doc["win_rate"] == pytest.approx(2 / 3)
    assert doc["revenue"] == 150.0


# -- class 9: two files ------------------------------------------------------------------------------
@pytest.mark.shared
def test_olist_leads_and_closed_deals_joined_by_the_lead_id(mem_store):
    leads = shared_path("datasets", "olist_marketing_funnel", "olist_marketing_qualified_leads_dataset.csv")
    won = shared_path("datasets", "olist_marketing_funnel", "olist_closed_deals_dataset.csv")
    info, built, _ = import_file(mem_store, leads, history=won)
    mql, closed = pd.read_csv(leads), pd.read_csv(won)
    assert built["n_deals"] == len(mql) == 8000
    assert built["meta"]["stage_order"] == {"": ["Lead", "Won"]}
    with mem_store.connect() as con:
        doc = metrics_json(con, info, FunnelSpec())
    n_won = closed["mql_id"].isin(mql["mql_id"]).sum()
    assert doc["won"] == n_won == 842 and doc["open"] == 8000 - 842
    assert [s["reached"] for s in doc["stages"]] == [8000, 842]
    # cycle = won_date - first_contact_date, median over the won leads, computed with pandas; a lead won
    # before its first contact (the file has some) has no cycle: it is reported, not counted negative
    joined = closed.merge(mql, on="mql_id")
    cycle = (pd.to_datetime(joined["won_date"]) - pd.to_datetime(joined["first_contact_date"])).dt.total_seconds()
    assert (cycle < 0).sum() > 0
    assert doc["median_cycle_days"] == pytest.approx((cycle[cycle >= 0] / 86400).median(), abs=1e-6)


@pytest.mark.shared
def test_olist_closed_deals_alone_are_not_aggregate_counts(mem_store):
    won = shared_path("datasets", "olist_marketing_funnel", "olist_closed_deals_dataset.csv")
    info, built, _ = import_file(mem_store, won)
    assert built["shape"] == "deals" and built["n_deals"] == 842  # not a 384,252 % "step"
    assert built["meta"]["outcomes_only"] is True


def test_rising_numeric_columns_are_not_a_funnel_of_counts():
    headers = ["segment", "declared_product_catalog_size", "declared_monthly_revenue"]
    assert detect_shape(headers, [["pet", "10", "50000"], ["car", "40", "120000"]]) != "counts"
    assert detect_shape(["Date", "Pageviews", "Clicks", "Enrollments"],
                        [["Sat, Oct 11", "7723", "687", "134"]]) == "counts"


# -- class 10: Maven -------------------------------------------------------------------------------
@pytest.mark.shared
def test_maven_close_date_is_a_close_date_and_engage_date_orders_the_stages(mem_store):
    path = shared_path("datasets", "maven_crm_sales_opportunities", "sales_pipeline.csv")
    info, built, _ = import_file(mem_store, path)  # no --stages: the file alone
    fields = built["meta"]["mapping"]["fields"]
    assert fields["closed_at"] == "close_date" and "expected_close" not in fields
    assert built["meta"]["mapping"]["stage_entered"] == ["Engaging"]
    assert built["meta"]["stage_order"] == {"": ["Prospecting", "Engaging", "Won"]}
    assert built["meta"]["order_guessed"] is False
    raw = pd.read_csv(path)
    assert built["n_events"] == raw["engage_date"].notna().sum()
    with mem_store.connect() as con:
        doc = metrics_json(con, info, FunnelSpec())
    # reached: all 8,800; Engaging = every deal with an engage date (Engaging + Won + Lost); Won 4,238
    assert [s["reached"] for s in doc["stages"]] == [8800, 1589 + 4238 + 2473, 4238]


# -- class 11: encodings ---------------------------------------------------------------------------
@pytest.mark.parametrize("text,encoding,bom", [
    ("商机编号,商机名称,阶段,金额\n1,示例商机,初步接洽,1000\n2,大客户订单,赢单,5000\n", "gb18030", b""),
    ("ID;Название сделки;Бюджет;Этап сделки\n1;Съешь ещё этих мягких булок;1000;Новая\n", "koi8_r", b""),
    ("Record ID\tDeal Name\tAmount\n101\tÄrger GmbH\t12500\n", "utf-16-le", b""),
    ("Record ID\tDeal Name\tAmount\n101\tÄrger GmbH\t12500\n", "utf-16-be", b""),
    ("Record ID\tDeal Name\tAmount\n101\tÄrger GmbH\t12500\n", "utf-16-le", codecs.BOM_UTF16_LE),
])
def test_encodings_through_charset_normalizer(tmp_path, text, encoding, bom):
    import duckdb

    from funnel.readers import stage_file

    path = tmp_path / "deals.csv"
    path.write_bytes(bom + text.encode(encoding))
    con = duckdb.connect()
    raw = stage_file(con, path, "deals.csv")
    header, first = text.splitlines()[0], text.splitlines()[1]
    delim = "\t" if "\t" in header else ";" if ";" in header else ","
    assert raw.headers == header.split(delim)
    assert list(con.execute("SELECT * EXCLUDE (row_no) FROM raw ORDER BY row_no").fetchone()) == first.split(delim)


# -- class 12: one yes/no vocabulary ---------------------------------------------------------------
def test_one_yes_no_vocabulary_for_mapping_and_parsing(mem_store):
    assert BOOL_WORDS == set(TRUE_WORDS) | set(FALSE_WORDS)
    for yes, no in (("yes", "no"), ("да", "нет"), ("是", "否"), ("ja", "nein"), ("sí", "no"), ("oui", "non")):
        assert yes in TRUE_WORDS and no in FALSE_WORDS
    text = "ID,Stage,Won,Closed\n1,Angebot,ja,ja\n2,Angebot,nein,ja\n3,Angebot,nein,nein\n4,Angebot,JA,ja\n"
    info, built, _ = run_import(mem_store, text, "deals_de.csv")
    assert built["rows_rejected"] == 0  # a ja/nein Won column is a flag, and every row reads
    assert [r[2] for r in deals(mem_store, info)] == ["won", "lost", "open", "won"]


def test_a_stage_name_beats_a_stage_code_column():
    m = propose_mapping(["deal_id", "stage_id", "stage", "manager_id", "manager", "amount"],
                        [["1", "C1:NEW", "New", "7", "Anna", "10"]])
    assert (m.fields["stage"], m.fields["manager"]) == (2, 4)
    m = propose_mapping(["deal_id", "stage_id", "pipeline_id", "amount"], [["1", "C1:NEW", "1", "10"]])
    assert (m.fields["stage"], m.fields["pipeline"]) == (1, 2)


# -- public exports a survey of GitHub found (session 17) ------------------------------------------
MONDAY_MASKED = (
    "Deal Name,Owner code,Client Code,Deal Status,Close Date (A),Closure Probability,Masked Deal value,"
    "Tentative Close Date,Deal Stage,Product deal,Sector/service,Created Date\n"
    "Naruto,OWNER_001,COMPANY089,Open,,High,1000,2026-02-26,B. Sales Qualified Leads,,Mining,2025-12-26\n"
    "Sasuke,OWNER_002,COMPANY124,Open,,Medium,2000,2026-02-26,D. Proposal Sent,,Powerline,2025-11-12\n"
    "Sakura,OWNER_002,COMPANY046,Won,2026-01-10,,3000,2026-01-05,E. Project Won,,Powerline,2025-10-14\n"
    "Nezuko,,,Deal Status,Close Date (A),Closure Probability,,Tentative Close Date,Deal Stage,Product deal,"
    "Sector/service,Created Date\n"
    "Zenitsu,OWNER_003,COMPANY190,Dead,2025-11-01,,500,2024-10-31,C. Demo Done,,Others,2025-09-12\n"
    "Tanjiro,OWNER_001,COMPANY039,On Hold,,High,700,2026-01-13,A. Lead Generated,,,2026-01-08\n"
    "Inosuke,OWNER_003,COMPANY001,Won,2026-01-20,,4000,,Project Completed,,Mining,2025-12-01\n")


def test_a_masked_monday_board_with_lettered_stages(mem_store):
    """bskeerthana091-web/skylark-bi-agent ``deals.csv``: a company's monday.com deals board exported with
    its names and codes masked (``Owner code``, ``Masked Deal value``). What broke: «Dead» (127 deals) was
    read as open, so the win rate read 100 %; the value, the owner and the actual close date («Close Date
    (A)») were not mapped; the header repeated inside the file with its masked cells changed was rejected
    as bad dates; the board's own order (A., B., C. …) was replaced by counts."""
    info, built, _ = run_import(mem_store, MONDAY_MASKED, "deals.csv")
    fields = info.meta["mapping"]["fields"]
    assert (fields["amount"], fields["manager"], fields["closed_at"], fields["expected_close"]) == (
        "Masked Deal value", "Owner code", "Close Date (A)", "Tentative Close Date")
    assert (built["n_deals"], built["rows_rejected"]) == (6, 0)
    with mem_store.connect() as con:
        skipped = con.execute(f"SELECT code, row_no FROM ds_{info.id}.quality WHERE code LIKE 'file.%'").fetchall()
    assert skipped == [("file.skipped_header", 5)]  # line 5 of the file, as a spreadsheet numbers it
    # by the letters; «Project Completed» has none: after them, and the order is then a guess
    assert info.meta["stage_order"] == {"": ["A. Lead Generated", "B. Sales Qualified Leads", "C. Demo Done",
                                             "D. Proposal Sent", "Project Completed", "E. Project Won"]}
    assert "stages.order_guessed" in codes(mem_store, info)
    with mem_store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
    # by hand: Won 2 (Sakura, Inosuke: every stage), Dead 1 (Zenitsu, at C), Open and On Hold 3
    assert [s["reached"] for s in got["stages"]] == [6, 5, 4, 3, 2, 2]
    assert (got["won"], got["lost"], got["open"], got["revenue"]) == (2, 1, 3, 3000 + 4000)


SF_UTC = ("OpportunityId,OpportunityName,AccountId,CloseDate,StageName,Amount,Probability,CreatedDate\n"
          "006A1,Alpha,001A1,2023-10-30,Proposal,350000.0,60.0,2023-09-26 15:15:00.000000 UTC\n"
          "006A2,Beta,001A2,2023-11-20,Closed Won,600000.0,100.0,2023-09-25 14:00:00.000000 UTC\n"
          "006A3,Gamma,001A3,2023-10-25,Closed Lost,200000.0,0.0,2023-09-29 09:00:00.000000 UTC\n"
          "006A4,Delta,001A4,2023-11-05,Negotiation,480000.0,80.0,2023-09-28 17:45:00.000000 UTC\n"
          "006A5,Epsilon,001A5,2023-12-20,Prospecting,100000.0,20.0,2023-09-30 10:15:00.000000 UTC\n")


def test_an_opportunity_list_with_utc_times_is_not_a_history(mem_store):
    """PeterisSavickis/MockSalesforceData ``opportunities.csv`` (Salesforce field names, times as a warehouse
    writes them: ``2023-09-26 15:15:00.000000 UTC``). What broke: OpportunityId + StageName + CreatedDate
    is the layout of OpportunityHistory, so the list was refused as a history; read as deals, every row
    was rejected for its « UTC»."""
    info, built, _ = run_import(mem_store, SF_UTC, "opportunities.csv")
    assert (info.shape, built["n_deals"], built["rows_rejected"]) == ("deals", 5, 0)
    assert info.meta["stage_order"] == {"": ["Prospecting", "Proposal", "Negotiation", "Closed Won"]}
    with mem_store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
        created = con.execute(f"SELECT created_at FROM ds_{info.id}.deals WHERE deal_id = '006A1'").fetchone()[0]
    assert str(created) == "2023-09-26 15:15:00"
    assert (got["won"], got["lost"], got["open"], got["revenue"]) == (1, 1, 3, 600000)
    assert got["median_cycle_days"] == 56  # 25 Sep 14:00 -> 20 Nov (a day): 5 + 31 + 20 calendar days


def test_an_outcome_list_with_a_currency_in_the_amount_header(mem_store):
    """MVP-03/win-loss-analysis ``data/deals.csv``: closed deals only, ``outcome`` won/lost and
    ``deal_value_usd``. It was refused: no stage column (the outcome column was not a status)."""
    text = ("id,company,vertical,close_month,outcome,deal_value_usd,loss_reason,cycle_days\n"
            "d-001,Meridian SaaS,saas,2024-10,won,38000,,42\nd-002,Apex Fintech,fintech,2024-10,won,95000,,68\n"
            "d-003,Corvid,saas,2024-11,lost,20000,price,30\nd-004,Dune,retail,2024-11,lost,5000,timing,12\n")
    info, built, _ = run_import(mem_store, text, "deals.csv")
    fields = info.meta["mapping"]["fields"]
    assert (fields["status"], fields["amount"], fields["lost_reason"]) == ("outcome", "deal_value_usd", "loss_reason")
    with mem_store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
        currency = con.execute(f"SELECT DISTINCT currency FROM ds_{info.id}.deals").fetchall()
    assert (got["won"], got["lost"], got["open"], got["revenue"]) == (2, 2, 0, 38000 + 95000)
    assert currency == [("USD",)] and "stages.none" in codes(mem_store, info)


def test_bitrix24_rest_leads(mem_store):
    """GluhovDmitry/BitrixDataFetching ``leads.csv``: Bitrix24's ``crm.lead.list`` (``STATUS_ID`` NEW /
    IN_PROCESS / PROCESSED / CONVERTED / JUNK, ``STATUS_SEMANTIC_ID`` P/S/F, ``OPPORTUNITY``,
    ``DATE_CLOSED``). It was refused: no stage column (the deals preset knows ``STAGE_ID`` only)."""
    text = ("ID,TITLE,NAME,SOURCE_ID,STATUS_ID,CURRENCY_ID,OPPORTUNITY,ASSIGNED_BY_ID,DATE_CREATE,DATE_CLOSED,"
            "STATUS_SEMANTIC_ID\n"
            "1,Победа,,CALL,IN_PROCESS,RUB,1000000.00,1,2021-02-03T16:03:08+03:00,,P\n"
            "3,Horns and Hooves,,CALL,NEW,RUB,2340000.00,1,2021-02-03T16:08:19+03:00,,P\n"
            "5,ИП Самсон,,WEB,CONVERTED,RUB,1420000.00,3,2021-02-03T16:09:01+03:00,2021-02-05T10:00:00+03:00,S\n"
            "9,Captain Co.,,CALL,JUNK,RUB,6200000.00,1,2021-02-03T16:12:06+03:00,2021-02-03T16:12:15+03:00,F\n")
    info, built, _ = run_import(mem_store, text, "leads.csv")
    assert info.meta["mapping"]["preset"] == "bitrix24_rest_leads"
    assert info.meta["stage_order"] == {"": ["NEW", "IN_PROCESS", "CONVERTED"]}
    assert info.meta["lost_stages"] == {"": ["JUNK"]}
    with mem_store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
    assert [s["reached"] for s in got["stages"]] == [4, 2, 1]  # NEW all; IN_PROCESS 1 and 5; CONVERTED 5
    assert (got["won"], got["lost"], got["open"], got["revenue"]) == (1, 1, 2, 1420000)


STAGE_DATES_DE = ("CreateDate,Erstgespräch,Abschlussgespräch,Angebot unterschrieben,Handover,Absage,utm_campaign,"
                  "Absage - Grund\n"
                  "2026-04-03,2026-04-09,2026-04-15,2026-04-18,,,K1a,\n"
                  "2026-04-05,,,,,,K1b,\n"
                  "2026-04-07,2026-04-11,,,2026-04-28,,K2,\n"
                  "2026-04-09,,,,,2026-04-11,K1b,Falsche Kontaktinfos\n"
                  "2026-04-12,2026-04-17,2026-04-22,,,2026-04-25,K3,Preis zu hoch\n")


def test_a_sheet_with_one_date_column_per_stage_and_no_stage_column(mem_store):
    """spotdavid11011/b2c-pipeline-dashboard ``data/deals.csv``: a German team's pipeline sheet, one date
    column per step (first call, closing call, offer signed, handover) and one for the rejection
    («Absage») with its reason. It was refused: no stage column."""
    info, built, _ = run_import(mem_store, STAGE_DATES_DE, "deals.csv")
    assert info.meta["mapping"]["stage_entered"] == ["Erstgespräch", "Abschlussgespräch", "Angebot unterschrieben",
                                                     "Handover", "Absage"]
    # the sheet's columns left to right (row 3 went from the first call straight to the handover);
    # a row with no date yet is a lead
    assert info.meta["stage_order"] == {"": ["Lead", "Erstgespräch", "Abschlussgespräch", "Angebot unterschrieben",
                                             "Handover"]}
    assert info.meta["lost_stages"] == {"": ["Absage"]}
    with mem_store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
        lost = con.execute(f"SELECT lost_pos, lost_reason, closed_at FROM ds_{info.id}.deals WHERE status = 'lost' "
                           "ORDER BY row_no").fetchall()
    # by hand, the furthest step of each row: 4, Lead, 5 (the last step: won), none (rejected as a lead), 3
    assert [s["reached"] for s in got["stages"]] == [5, 3, 3, 2, 1]
    assert (got["won"], got["lost"], got["open"]) == (1, 2, 2)
    assert got["median_cycle_days"] == 21  # 7 Apr -> handover 28 Apr
    assert [(pos, reason, str(at)[:10]) for pos, reason, at in lost] == [
        (1, "Falsche Kontaktinfos", "2026-04-11"), (3, "Preis zu hoch", "2026-04-25")]
    # the last column taken for the sale is said (ArtSchopenhauer/sales_meeting's Level Solar sheet ends with
    # «permit_received»: its 3 permits were read as sales with no word), and not once the user has chosen
    with mem_store.connect() as con:
        said = con.execute(f"SELECT value FROM ds_{info.id}.quality WHERE code = 'stages.last_is_won'").fetchall()
    assert said == [("Handover",)]
    info, built, _ = run_import(mem_store, STAGE_DATES_DE, "deals.csv", force=True,
                                stages=["Erstgespräch", "Abschlussgespräch", "Angebot unterschrieben", "Handover"])
    assert "stages.last_is_won" not in codes(mem_store, info)


def test_date_columns_named_as_dates_are_not_stages():
    m = propose_mapping(["Deal", "Status", "Created", "Modified on", "Next step date", "Amount"],
                        [["A", "won", "2026-04-01", "2026-04-02", "2026-04-09", "10"]])
    assert m.stage_entered == {}


def test_a_stage_column_empty_in_every_row_is_no_funnel(mem_store):
    """Leenaguduru14/RevOps_Integration ``data/deals.csv``: a HubSpot API dump whose properties were not
    requested (every cell but the ids empty). It imported as «8 open deals» with no word of why."""
    text = ("ID,CREATEDAT,ARCHIVED,AMOUNT,CLOSEDATE,CREATEDATE,DEALNAME,DEALSTAGE,HS_OBJECT_ID\n"
            "20660433513,,False,,,,,,20660433513\n20744086570,,False,,,,,,20744086570\n")
    info, built, _ = run_import(mem_store, text, "deals.csv")
    assert built["n_deals"] == 2 and info.meta["outcomes_only"] is True
    with mem_store.connect() as con:
        rows = con.execute(f"SELECT code, column_name FROM ds_{info.id}.quality WHERE code LIKE 'stages.%'").fetchall()
    assert rows == [("stages.empty", "DEALSTAGE")]


def test_a_dump_without_a_header_row_says_so(mem_store):
    """rodrigocuadra/vtiger_ebd_panama ``opportunities.csv``: a MySQL dump of vtiger's potentials, no header
    row, ``\\N`` for NULL. It was refused for want of a stage column, naming the first deal's values as
    the headers."""
    text = ('"100","Windrose","179500.00000000",\\N,"Closed Lost","Ex empleado","96","2015-08-14 16:08:10"\n'
            '"104","Megamall","420.00000000",\\N,"Closed Won","Relaciones","102","2015-09-01 10:00:00"\n')
    with pytest.raises(FunnelError) as err:
        run_import(mem_store, text, "opportunities.csv")
    assert err.value.code == "import.no_header_row"
    assert "header row" in err.value.message("en") and "строкой заголовков" in err.value.message("ru")


def test_api_suffixes_of_salesforce_and_zoho_fields():
    """jsantoslumia/lumia_data ``zoho_deals.csv`` (Zoho's API names: ``Reason_For_Loss__s``, ``Owner__name``)
    and Salesforce custom fields (``Lost_Reason__c``)."""
    headers = ["id", "Deal_Name", "Stage", "Amount", "Reason_For_Loss__s", "Owner__name"]
    m = propose_mapping(headers, [["1", "A", "Closed Lost", "10", "Price", "Ann"]])
    assert (m.fields["lost_reason"], m.fields["manager"]) == (4, 5)
    m = propose_mapping(["Id", "Name", "StageName", "Lost_Reason__c"], [["006A", "A", "Closed Lost", "Price"]])
    assert m.fields["lost_reason"] == 3


def test_a_deal_closed_before_it_was_created_has_no_cycle(mem_store):
    """WinkelDev/Salesforce-Data-Changelog ``Opportunity.csv`` (a Data Loader export): one won deal was
    created on 10 Feb 2023 with a CloseDate of 1 Feb 2023. It was reported, but its -9.9 days still went
    into the median cycle: 41.1 days from 92.1 and -9.9."""
    text = ("Id,Name,StageName,IsClosed,IsWon,Amount,CloseDate,CreatedDate\n"
            "006A1,Peru,Closed Won,true,true,100,2023-05-13,2023-02-10T21:00:00.000+0000\n"
            "006A2,Infelices,Closed Won,true,true,200,2023-02-01,2023-02-10T22:30:00.000+0000\n"
            "006A3,Otro,Interes,false,false,50,2023-06-01,2023-03-01T10:00:00.000+0000\n")
    info, _, _ = run_import(mem_store, text, "Opportunity.csv")
    with mem_store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
    assert got["won"] == 2 and codes(mem_store, info)["date.closed_before_created"] == 1
    assert got["median_cycle_days"] == 92  # 10 Feb 21:00 -> 13 May (a day), alone: 18 + 31 + 30 + 13 days


BITRIX_LEADS_WEB = (
    '"ID";"Статус";"Название лида";"Имя";"Дата создания";"Источник";"Мобильный телефон";"Ответственный";'
    '"Дополнительно о статусе";"Сумма";"Валюта";\n'
    '"10780";"Качественный лид";"№10780  ";"";"30.08.2019 15:03:26";"Звонок";"79260000001";"Алексей Ш";"";"0.00";'
    '"Российский рубль";\n'
    '"10760";"Качественный лид";"№10760 Никита ";"Никита";"30.08.2019 14:04:58";"Звонок";"79260000002";'
    '"Алексей Ш";"";"0.00";"Российский рубль";\n'
    '"10740";"Некачественный лид";"№10740";"";"29.08.2019 18:20:00";"Сайт";"";"Мария К";"спам";"0.00";'
    '"Российский рубль";\n')


def test_a_bitrix24_web_export_of_finished_leads(mem_store):
    """pm-g-hash/checkCSV ``bitrix.csv``: Bitrix24's lead list exported from the web interface (``;``,
    every cell quoted, a trailing ``;``, 74 columns), with the statuses' Russian names. Every lead was
    read as open with an unknown status; the file holds only finished leads, 25 good and 16 junk."""
    info, built, _ = run_import(mem_store, BITRIX_LEADS_WEB, "bitrix.csv")
    assert info.meta["mapping"]["preset"] == "bitrix24_leads_ru"
    assert info.meta["mapping"]["fields"]["stage"] == "Статус"
    # only end states: outcomes, no one-bar funnel of «Качественный лид» counting the junk as reaching it
    assert info.meta["outcomes_only"] is True and stages(mem_store, info) == [
        ("", "Некачественный лид", None, "lost")]
    assert "stages.only_outcomes" in codes(mem_store, info)
    with mem_store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
        created = con.execute(f"SELECT created_at FROM ds_{info.id}.deals ORDER BY row_no").fetchone()[0]
        currency = con.execute(f"SELECT DISTINCT currency FROM ds_{info.id}.deals").fetchall()
    assert got["stages"] == [] and (got["won"], got["lost"], got["open"]) == (2, 1, 0)
    assert str(created) == "2019-08-30 15:03:26"
    assert currency == [("RUB",)]  # «Российский рубль»: the currency's name, stored as its code


CREATIO_LEADS = ("First_Name,Last_Name,Course_Of_Interest,Form_Source,Status,Created_On,Modified_On\n"
                 "Ana,L,Nursing,web,Contacted,2025-10-07T05:22:00.5796877Z,2025-10-08T05:22:00.5796877Z\n"
                 "Ben,K,Design,web,First Outreach,2025-10-06T11:02:13.123456Z,2025-10-08T05:22:00Z\n"
                 "Cid,M,Nursing,fair,Bad lead,2025-10-05T09:00:00.1Z,2025-10-08T05:22:00.5796877Z\n"
                 "Dee,N,Design,web,Interview,2025-10-04T09:00:00.9999999Z,2025-10-08T05:22:00.5796877Z\n"
                 "Eve,O,Design,web,Contacted,2025-10-03T09:00:00.0000001Z,2025-10-08T05:22:00.5796877Z\n")


def test_a_creatio_lead_export_its_status_is_the_stage(mem_store):
    """adk-sentryskin/creatio-analysis ``leads_export.csv``: Creatio's leads with times of seven fractional
    digits (.NET's ``2025-10-07T05:22:00.5796877Z``) and a ``Status`` that is the lead's stage (Contacted,
    First Outreach, Interview, Bad lead …). 41 of 48 rows were rejected as bad dates, and the statuses were
    all unknown outcomes."""
    info, built, _ = run_import(mem_store, CREATIO_LEADS, "leads_export.csv")
    assert (built["n_deals"], built["rows_rejected"]) == (5, 0)
    assert info.meta["mapping"]["fields"]["stage"] == "Status"
    assert info.meta["lost_stages"] == {"": ["Bad lead"]}
    with mem_store.connect() as con:
        times = [str(r[0]) for r in con.execute(f"SELECT created_at FROM ds_{info.id}.deals ORDER BY row_no").fetchall()]
        got = metrics_json(con, info, FunnelSpec())
    # rounded to the microsecond: .5796877 -> .579688, .9999999 -> the next second, .0000001 -> .000000
    assert times == ["2025-10-07 05:22:00.579688", "2025-10-06 11:02:13.123456", "2025-10-05 09:00:00.100000",
                     "2025-10-04 09:00:01", "2025-10-03 09:00:00"]
    # nothing marks a lead won (converted leads leave the export): the won count is unknown, not 0 (session 50)
    assert (got["won"], got["lost"], got["open"]) == (None, 1, 4)


# -- session 19 survey: a LeadSquared lead list, Zoho leads and potentials, SuiteCRM opportunities ------
LEADSQUARED = (
    "Prospect ID,Lead Number,Lead Origin,Lead Source,Do Not Email,Converted,TotalVisits,Page Views Per Visit,Tags,\n"
    "7927b2df-8bba-4d29-b9a2-b6e0beafe620,660737,API,Olark Chat,No,0,0,0,Interested in other courses,\n"
    "2a272436-5132-4136-86fa-dcc88c88f482,660728,API,Organic Search,No,0,5,2.5,Ringing,\n"
    "8cc8c611-a219-4f35-ad23-fdfd2656bd8a,660727,Landing Page Submission,Direct Traffic,No,1,2,2,Will revert,\n"
    "0cc2df48-7cf4-4e39-9de9-19797f9b38cc,660719,Landing Page Submission,Direct Traffic,No,0,1,1,Ringing,\n"
    "3256f628-e534-4826-9d63-4a8b88782852,660681,Landing Page Submission,Google,No,1,2,2,Will revert,\n")


def test_a_lead_list_with_a_converted_flag_is_outcomes_not_counts(mem_store):
    """KeerthanaDS1994/LEAD-SCORING-CASE-STUDY---Keerthana-DS ``Leads.csv``: X Education's leads exported from
    LeadSquared (a uuid ``Prospect ID``, a ``Lead Number``, yes/no columns, ``Converted`` 0/1, no stage, the
    header ending in a comma). It was read as a table of counts: «Lead Number» → «Page Views Per Visit»,
    19,816,835 "deals" (the lead numbers summed) and no warning."""
    headers = LEADSQUARED.splitlines()[0].split(",")
    samples = [line.split(",") for line in LEADSQUARED.splitlines()[1:]]
    assert detect_shape(headers, samples) == "deals"
    info, built, _ = run_import(mem_store, LEADSQUARED, "Leads.csv")
    assert info.meta["mapping"]["fields"]["deal_id"] == "Prospect ID"
    assert info.meta["mapping"]["fields"]["won_flag"] == "Converted"
    with mem_store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
    # 5 leads, lines 4 and 6 converted; the others are not (yet): open, no lost deal recorded
    assert (got["deals"], got["won"], got["lost"], got["open"]) == (5, 2, 0, 3)
    assert got["win_rate_all"] == pytest.approx(2 / 5) and got["stages"] == []


def test_a_yes_no_column_is_never_a_count():
    from funnel.mapping.shapes import propose_counts_mapping
    # two narrowing numeric "steps" alone would be wide counts; a column of No / Yes is one record's answer
    assert propose_counts_mapping(["Source", "Visits", "Leads"], [["ads", "100", "10"], ["seo", "50", "4"]])
    assert propose_counts_mapping(["Source", "Visits", "Leads", "Subscribed"],
                                  [["ads", "100", "10", "No"], ["seo", "50", "4", "Yes"]]) is None


ZOHO_LEADS = """LEADID,Last Name,Company,Lead Owner,Lead Source,Lead Status,Created Time,CONVERTED
1,Ray,Acme,Ann,Web,Not Contacted,"15 Apr, 2021 00:02:00",No
2,Lee,Bolt,Ann,Web,Contacted,"16 Apr, 2021 00:02:00",Yes
3,Kim,Core,Bob,Ads,Contacted,"17 Apr, 2021 00:02:00",Yes
4,Fox,Dyn,Bob,Ads,Attempted to Contact,"18 Apr, 2021 00:02:00",Yes
5,Roe,Eon,Ann,Web,Pre Qualified,"19 Apr, 2021 00:02:00",Yes
6,Poe,Fab,Bob,Web,Lost Lead,"20 Apr, 2021 00:02:00",Yes
7,Day,Gem,Ann,Ads,Junk Lead,"21 Apr, 2021 00:02:00",Yes
8,Gay,Hub,Bob,Web,Not Qualified,"22 Apr, 2021 00:02:00",No
"""


def test_zoho_lead_statuses_lost_lead_and_not_qualified_are_lost(mem_store):
    """rahulanilnair/Analysis-of-ZOHO-CRM-Analytics-using-SQL ``Leads.csv``: Zoho's Leads module (``Lead
    Status`` with Zoho's defaults, ``CONVERTED`` Yes even on lost leads). «Lost Lead» was an open stage,
    placed first in the funnel. The stage decides; CONVERTED beside it stays an attribute."""
    info, built, _ = run_import(mem_store, ZOHO_LEADS, "Leads.csv")
    fields = info.meta["mapping"]["fields"]
    assert fields["stage"] == "Lead Status" and "won_flag" not in fields
    assert set(info.meta["lost_stages"][""]) == {"Lost Lead", "Junk Lead", "Not Qualified"}
    order = info.meta["stage_order"][""]
    assert order[0] == "Not Contacted" and order[-1] == "Pre Qualified"  # a lead nobody called yet comes first
    with mem_store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
    # rows 6-8 lost, 1-5 open; no status marks a win (a converted lead leaves the Leads module): unknown, not 0
    assert (got["won"], got["lost"], got["open"]) == (None, 3, 5)


ZOHO_POTENTIALS = """Potential Name,Potential Owner,Created Time,Closing Date,Amount,Stage,Forecast Type,Probability
A,Roger,"15 Apr, 2021 00:02:00","16 Apr, 2021 00:03:00","$1,000.00",Prospect,Open,80
B,Roger,"15 Apr, 2021 00:02:00","16 Apr, 2021 00:03:00","$1,000.00",Prospect,Open,10
C,Roger,"15 Apr, 2021 00:02:00","16 Apr, 2021 00:03:00","$1,000.00",Prospect,Open,25
D,Roger,"15 Apr, 2021 00:02:00","16 Apr, 2021 00:03:00","$1,000.00",Qualification,Open,90
E,Roger,"15 Apr, 2021 00:02:00","16 Apr, 2021 00:03:00","$1,000.00",Qualification,Open,90
F,Ann,"15 Apr, 2021 00:02:00","16 Apr, 2021 00:03:00","$1,000.00",Initial Offer,Open,20
G,Ann,"15 Apr, 2021 00:02:00","16 Apr, 2021 00:03:00","$1,000.00",Negotiation/Review,Open,10
H,Ann,"15 Apr, 2021 00:02:00","16 Apr, 2021 00:03:00","$2,000.00",Closed Won,Won,0
I,Ann,"15 Apr, 2021 00:02:00","16 Apr, 2021 00:03:00","$3,000.00",Closed Lost,Lost,100
"""
# by the median probability: Negotiation/Review 10 < Initial Offer 20 < Prospect 25 < Qualification 90
LADDER = ["Prospect", "Qualification", "Initial Offer", "Negotiation/Review", "Closed Won"]


@pytest.mark.parametrize("preset", [None, "zoho"])
def test_probabilities_that_scatter_within_a_stage_do_not_order_it(mem_store, preset):
    """Same repository, ``Potentials.csv`` (Zoho's deals under their old name: ``Potential Name``,
    ``Potential Owner``, ``Forecast Type`` Open / Won / Lost): every stage's deals carry scattered
    probabilities (Prospect 10 to 80), so their medians put «Negotiation/Review» first. A stage's deals
    that do not mostly share one probability say nothing of the order: the names' sales ladder does.
    Under Zoho's preset, the file's own «Prospect» and «Initial Offer» take their rungs among Zoho's
    stages instead of going after «Negotiation/Review»."""
    kw = {"preset": preset} if preset else {}
    info, built, _ = run_import(mem_store, ZOHO_POTENTIALS, "Potentials.csv", **kw)
    assert info.meta["stage_order"][""] == LADDER
    assert info.meta["order_guessed"]


def test_a_probability_every_deal_of_a_stage_shares_still_orders_it():
    from funnel.mapping.stage_probability import probability_order
    # the rule the scatter check protects: consistent medians order renamed stages
    assert probability_order({"Alpha": 60, "Beta": 20, "Gamma": 40}, ["Alpha", "Beta", "Gamma"]) == ["Beta", "Gamma", "Alpha"]


def test_a_status_against_its_stage_is_reported(mem_store):
    text = ("ID,Stage,Status,Amount\n"
            "1,Proposal,Open,10\n"
            "2,Closed Lost,Won,20\n"      # won by its status at a lost stage
            "3,Closed Won,Lost,30\n"      # lost by its status at a won stage
            "4,Closed Won,Won,40\n")
    info, built, _ = run_import(mem_store, text, "deals.csv")
    assert codes(mem_store, info)["status.against_stage"] == 2
    assert deals(mem_store, info, "deal_id, status") == [("1", "open"), ("2", "won"), ("3", "lost"), ("4", "won")]


SUITECRM = ('"Opportunity Name","ID","Opportunity Amount","Currency","Expected Close Date","Sales Stage",'
            '"Probability (%)","Date Created"\n'
            '"24/7 Couriers - 1000 units","03c86066-2ea5-4756-95d5-6a1aa01c3723","$10,000.00","\'-99",'
            '"2024-06-03","Closed Won","100","2024-03-26 15:15"\n'
            '"Bolt - 5 units","13c86066-2ea5-4756-95d5-6a1aa01c3723","$500.00","EUR",'
            '"2024-07-03","Prospecting","10","2024-03-27 15:15"\n')


def test_a_currency_id_is_not_a_currency(mem_store):
    """ninjasdet/Suite8demo_Playwright ``utils/downloads/Opportunities.csv``: SuiteCRM 8's opportunities
    export writes the default currency as its id with Excel's apostrophe («'-99»); it was stored as the
    deal's currency."""
    info, built, _ = run_import(mem_store, SUITECRM, "Opportunities.csv")
    assert deals(mem_store, info, "deal_name, currency") == [("24/7 Couriers - 1000 units", None),
                                                            ("Bolt - 5 units", "EUR")]
    assert codes(mem_store, info)["currency.not_a_currency"] == 1


# -- survey of 2026-12-02 ---------------------------------------------------------------------------
SF_LEADS = ('"Id","IsDeleted","LastName","Title","Company","PostalCode","Status","AnnualRevenue","OwnerId",'
            '"IsConverted","CreatedDate","SystemModstamp"\n'
            '"00Q4600000LbVvfEAF","0","Boxer","Director of Vendor Relations","Farmers Coop.","32306",'
            '"Working - Contacted","900750000","00546000001l1cJAAQ","0","2017-05-24 12:09:13","2017-05-24 12:09:13"\n'
            '"00Q4600000LbVvgEAF","0","Cotton","CFO","Abbott Insurance","27215","Open - Not Contacted","","'
            '00546000001l1cJAAQ","0","2017-05-24 12:09:13","2017-05-24 12:09:14"\n'
            '"00Q4600000LbVvhEAF","0","Glimpse","SVP, Procurement","Jackson Controls","94087","Closed - Converted",'
            '"","00546000001l1cJAAQ","0","2017-05-24 12:09:13","2017-05-25 08:00:00"\n'
            '"00Q4600000LbVviEAF","0","Braund","CEO","Metropolitan Health","10036","Closed - Not Converted",'
            '"3000000","00546000001l1cJAAQ","0","2017-05-24 12:09:13","2017-05-26 08:00:00"\n'
            '"00Q4600000LbVvjEAF","0","Kim","Director","Dickenson plc","66045","Working - Contacted","50000000",'
            '"00546000001l1cJAAQ","0","2017-05-24 12:09:13","2017-05-24 12:09:15"\n')


def test_a_salesforce_lead_export_is_a_lead_funnel_on_its_status(mem_store):
    """konsul7770/konsul-force-org ``Lead.csv`` (a Salesforce weekly Data Export of the Lead object, 57
    columns): PostalCode (numbers that read as spreadsheet days) and SystemModstamp were taken for
    one date column per stage, every lead came out won, and AnnualRevenue (the company's size) summed
    to 1.25 billion of "revenue". The Status picklist is the funnel."""
    info, built, _ = run_import(mem_store, SF_LEADS, "Lead.csv")
    m = info.meta["mapping"]
    assert m["stage_entered"] == [] and m["fields"]["stage"] == "Status"
    assert "amount" not in m["fields"]  # AnnualRevenue is an attribute of the lead's company
    # a person's Title is their job («CFO»): the lead is named by its company
    assert m["fields"]["deal_name"] == "Company" and "Title" in m["extras"]
    assert info.meta["lost_stages"] == {"": ["Closed - Not Converted"]}
    with mem_store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
    # by hand: won 1 (Closed - Converted), lost 1 (Closed - Not Converted), open 3; no revenue
    assert (got["deals"], got["won"], got["lost"], got["open"]) == (5, 1, 1, 3)
    assert not got["revenue"]


HUBSPOT_WAREHOUSE = (
    "deal_id,deal_name,pipeline,is_closed,is_closed_won,amount,close_date,create_date,currency,"
    "date_entered_pre_pitch,date_entered_pitching,date_entered_price_offering,date_entered_closed_won,"
    "date_entered_closed_lost\r\n"
    "20000000,Acumed ApS - Annual License,Sales Pipeline,True,True,12000,2025-09-29 01:47:03,2025-08-25 01:47:03,"
    "EUR,,2025-08-25 01:47:03,2025-09-15 01:47:03,2025-09-28 01:47:03,\r\n"
    "20000256,Acumed ApS - Expansion,Sales Pipeline,False,False,8000,,2025-10-22 20:02:47,EUR,"
    "2025-10-22 20:02:47,2025-12-09 20:02:47,,,\r\n"
    "20000420,BioVance d.o.o. - Annual License,Sales Pipeline,True,False,7500,2025-09-26 17:05:48,"
    "2025-05-24 17:05:48,EUR,2025-05-24 17:05:48,2025-08-14 17:05:48,,,2025-09-21 17:05:48\r\n"
    "20000604,BioVance d.o.o. - Upsell,Sales Pipeline,False,False,10000,,2025-12-20 17:05:48,EUR,"
    "2025-12-20 17:05:48,,,,\r\n")


def test_hubspot_date_entered_properties_of_a_warehouse_table(mem_store):
    """selina-svg/bi-technical-challenge ``data/hubspot_deals.csv``: HubSpot deals pulled from the API
    into a warehouse table, one ``date_entered_<stage>`` column per stage (HubSpot's
    ``hs_date_entered_<stage>`` properties). The columns were not recognised, and with a pipeline
    column and no stage the metrics read «Deals: 0» although the store held 89 deals."""
    info, built, _ = run_import(mem_store, HUBSPOT_WAREHOUSE, "hubspot_deals.csv")
    assert info.meta["mapping"]["stage_entered"] == ["pre_pitch", "pitching", "price_offering", "closed_won",
                                                     "closed_lost"]
    # every deal has entered a stage: no «Lead» stage before the file's first
    assert info.meta["stage_order"] == {"Sales Pipeline": ["pre_pitch", "pitching", "price_offering", "closed_won"]}
    with mem_store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
    # by hand: furthest stage 4 (won), 2, 2 (then lost), 1; the flags: won 1, lost 1, open 2
    assert [s["reached"] for s in got["stages"]] == [4, 3, 1, 1]
    assert (got["deals"], got["won"], got["lost"], got["open"]) == (4, 1, 1, 2)
    assert got["revenue"] == 12000


def test_hubspot_api_stage_time_properties_are_not_attributes():
    m = propose_mapping(["hs_object_id", "dealstage", "hs_date_entered_closedwon", "hs_v2_date_entered_123",
                         "hs_date_exited_closedwon", "hs_time_in_closedwon"],
                        [["1", "closedwon", "2024-01-02", "2024-01-01", "2024-01-03", "86400000"]])
    assert sorted(m.stage_entered.values()) == [("123", None), ("closedwon", None)]
    assert m.extras == {}


def test_a_status_only_file_with_pipelines_counts_each_pipelines_deals(mem_store):
    """The same HubSpot table without its stage columns: outcomes only, in a «Sales Pipeline»; the
    dataset's one pipeline was «» and the metrics counted none of the deals."""
    text = "Deal,Pipeline,Status,Amount\nA,Sales,Won,100\nB,Sales,Lost,50\nC,Sales,Open,70\nD,Partners,Won,30\n"
    info, built, _ = run_import(mem_store, text, "deals.csv")
    assert info.meta["outcomes_only"] is True
    assert sorted(info.meta["stage_order"]) == ["Partners", "Sales"]
    with mem_store.connect() as con:
        sales = metrics_json(con, info, FunnelSpec(pipeline="Sales"))
        partners = metrics_json(con, info, FunnelSpec(pipeline="Partners"))
    assert (sales["deals"], sales["won"], sales["lost"], sales["open"], sales["revenue"]) == (3, 1, 1, 1, 100)
    assert (partners["deals"], partners["won"], partners["revenue"]) == (1, 1, 30)


def test_a_salesforce_data_loader_file_with_some_picklist_stages_gets_salesforces_order(mem_store):
    """rodrigom-oktana-io/wave-tooling ``Opportunities.csv``: a Salesforce Data Loader file (relationship
    columns ``Owner.External_Id__c``, API names, no Id / IsClosed / IsWon, so no preset). Two of its
    open stages are the picklist's, two its own («Proposal/Quote», «Negotiation»); most deals first
    put «Needs Analysis» (25 deals) before «Qualification» (19). The sales ladder's words place the
    file's own stages (proposal before negotiation, though «Negotiation» holds more deals here) and,
    within one rung (both «qualification»), the picklist's order decides."""
    rows = (["Needs Analysis"] * 5 + ["Qualification"] * 4 + ["Proposal/Quote"] * 2 + ["Negotiation"] * 3
            + ["Closed Won"] * 2 + ["Closed Lost"])
    text = "External_Id__c,Owner.External_Id__c,CreatedDate,CloseDate,Name,StageName,Amount,ForecastCategory\n" + "".join(
        f"W_Opportunity.{i:05d},W_User.00008,2016-08-02 02:56:08,2016-12-07 02:56:08,Opp {i},{s},1000,\n"
        for i, s in enumerate(rows))
    info, built, _ = run_import(mem_store, text, "Opportunities.csv")
    # the picklist's order for its own stages; the file's own placed by their words; still a guess
    assert info.meta["stage_order"] == {"": ["Qualification", "Needs Analysis", "Proposal/Quote", "Negotiation",
                                             "Closed Won"]}
    assert "stages.order_guessed" in codes(mem_store, info)


def test_won_and_closed_flags_name_the_won_and_lost_stages(mem_store):
    """fivetran/dbt_salesforce_source ``integration_tests/seeds/sf_opportunity_data.csv``: Salesforce's
    Opportunity as the Fivetran connector syncs it (snake_case API names; text hashed for the public
    seed, so no stage name says won or lost). ``is_won`` / ``is_closed`` are set by the stage; the
    won stage sat in the middle of a guessed funnel, a made-up «Won» after it, no lost stage."""
    text = ("id,stage_name,is_closed,is_won,amount,created_date,close_date\n"
            "006q000000HddohAAB,GavUFuuf4DrnQAoiRGlWpQ==,true,true,24120000,2018-12-19 19:51:13,2018-12-19 00:00:00\n"
            "006q000000HdPzpAAF,GavUFuuf4DrnQAoiRGlWpQ==,true,true,,2018-12-18 21:21:17,2018-12-18 00:00:00\n"
            "006q000000HdPzqAAF,tXi3M8u3iPxq0ggxTSxMKw==,true,false,,2018-12-18 21:21:17,2018-12-20 00:00:00\n"
            "006q000000HdPzrAAF,tXi3M8u3iPxq0ggxTSxMKw==,true,false,,2018-12-18 21:21:17,2018-12-21 00:00:00\n"
            "006q000000HdPzsAAF,9RN9J3tlxr89gDctReax5w==,false,false,,2018-12-18 21:21:17,2019-01-30 00:00:00\n")
    info, built, _ = run_import(mem_store, text, "sf_opportunity_data.csv")
    assert info.meta["stage_order"] == {"": ["9RN9J3tlxr89gDctReax5w==", "GavUFuuf4DrnQAoiRGlWpQ=="]}
    assert info.meta["lost_stages"] == {"": ["tXi3M8u3iPxq0ggxTSxMKw=="]}
    with mem_store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
    # by hand: 5 deals reach the first stage, the 2 won the second; lost 2 (at an unknown stage), open 1
    assert [s["reached"] for s in got["stages"]] == [5, 2]
    assert (got["won"], got["lost"], got["open"]) == (2, 2, 1)


def test_pipedrive_keeps_a_won_deal_at_its_stage_so_a_status_does_not_make_a_won_stage(mem_store):
    text = ("Deal - Title,Deal - Stage,Deal - Status,Deal - Value\n"
            "A,Qualified,Open,10\nB,Contact Made,Open,20\nC,Proposal Made,Won,30\nD,Qualified,Lost,5\n")
    info, built, _ = run_import(mem_store, text, "deals.csv")
    order = info.meta["stage_order"][""]
    assert order[-1] == "Won" and "Proposal Made" in order[:-1]  # the stage it was won at stays a step


def test_hubspot_api_deals_none_closed_yet_are_not_told_to_redefine_the_won_stage(mem_store):
    """abisarwan's HubSpot API file (``dealname,amount,dealstage,pipeline,closedate``, five open deals):
    the warning told the user to make the last stage («contractsent») count as won, though HubSpot's
    won stage is known and simply holds no deal yet."""
    from funnel.cli import import_warnings

    text = ("dealname,amount,dealstage,pipeline,closedate\n"
            "CRM Setup NovaTech,1200,appointmentscheduled,default,2026-05-15\n"
            "Data Sync BlueRetail,3400,qualifiedtobuy,default,2026-05-20\n"
            "ETL Project Finelia,8200,contractsent,default,2026-06-10\n")
    info, built, _ = run_import(mem_store, text, "deals.csv")
    found = codes(mem_store, info)
    assert "stages.no_won_yet" in found and "stages.no_won" not in found
    (w,) = [w for w in import_warnings(mem_store, info, "en") if w["code"] == "stages.no_won_yet"]
    assert w["message"].startswith("No deal is won yet: the won stage («closedwon») holds no deal")


KAZ = ('AQL date,Source,Client CRM,Stage,Loss reason description,Closing Date\n'
       '"Apr 3, 2024",Demo Request,No CRM,Negotiations,,\n'
       '"Apr 3, 2024",Partner,No CRM,Closed Won,,"Apr 3, 2024"\n'
       '"Apr 2, 2024",Intercom,No CRM,Closed Lost,No responsible of the project at the moment,"Apr 3, 2024"\n'
       '"Mar 13, 2024",Partner,RealtSoft,Closed Lost,Solving budget issues,"Mar 20, 2024"\n')


def test_a_loss_reason_description_is_the_lost_reason_and_a_missing_creation_date_is_said(mem_store):
    """kazhemyaka/deals-dashboard ``deals.csv`` (a sales team's CRM export of 2024): «Loss reason
    description» was dropped as free text (35 of 35 lost deals had one), and with no creation date
    column the cycle, velocity and cohorts were empty with no word of why; «AQL date» is the date a
    lead came in, under a name no matcher can know."""
    from funnel.cli import import_warnings

    info, built, _ = run_import(mem_store, KAZ, "deals.csv")
    assert info.meta["mapping"]["fields"]["lost_reason"] == "Loss reason description"
    assert deals(mem_store, info, "lost_reason")[2:] == [("No responsible of the project at the moment",),
                                                        ("Solving budget issues",)]
    (w,) = [w for w in import_warnings(mem_store, info, "ru") if w["code"] == "date.no_created_column"]
    assert w["value"] == "AQL date" and "«AQL date»" in w["message"] and w["message"].startswith(
        "Не найден столбец даты создания")


def test_a_rejected_row_is_in_the_import_warnings_as_an_error(mem_store):
    """hromov/amoimport ``leads_test.csv`` (an amoCRM export): a row with an empty ID is rightly
    rejected, but ``import --json`` listed warnings only, so a script saw «rejected_rows: 1» and no reason."""
    from funnel.cli import import_warnings

    text = AMO + ",Ворота,0,Анна,05.03.2024 10:00:00,не закрыта,Переговоры,Продажи\n"
    info, built, _ = run_import(mem_store, text, "amocrm_export.csv")
    rejected = [w for w in import_warnings(mem_store, info, "en") if w["severity"] == "error"]
    # the sixth data row (row 7 of the file, after the header)
    assert [(w["code"], w["column"], w["count"], w["rows"]) for w in rejected] == [("reject.missing_id", "ID", 1, [7])]
    assert rejected[0]["message"] == "Row rejected: the deal id is empty"


INTERACT = ("amount,closedate,createdate,dealname,dealstage,hs_lastmodifieddate,hs_object_id,pipeline,time_difference\n"
            ",2023-08-25,2023-07-25,Boston Beer,qualifiedtobuy,2024-01-29,14316276246,default,31.0\n"
            ",2023-08-25,2023-07-27,Colgate RFP,95180904,2024-01-25,14351484049,default,29.0\n"
            "75000,,2023-07-27,Made Good,closedwon,2023-07-27,14351716417,default,\n"
            "125000,2023-08-04,2023-07-27,Chifles Chips,closedwon,2023-10-20,14351925016,default,8.0\n"
            "50000,,2023-07-28,Kettle,closedwon,2023-07-28,14351925017,default,\n"
            ",,2023-07-27,Potato Brand Creation,closedlost,2023-07-27,14351977262,default,\n")


def test_a_cycle_measured_on_few_of_the_won_deals_says_on_how_many(mem_store):
    """Interact-Brands/finance-reporting: a HubSpot API dump where 24 of 31 won deals have no
    ``closedate``: the median cycle (36.5 days) stood for all of them with no word of its sample."""
    info, built, _ = run_import(mem_store, INTERACT, "deals.csv")
    with mem_store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
    # by hand: 3 won, one with both dates (Chifles Chips, 27 Jul -> 4 Aug: 8 days)
    assert (got["won"], got["cycle_deals"], got["median_cycle_days"]) == (3, 1, 8)


def test_deleted_records_and_superseded_versions_are_not_deals(mem_store):
    """Salesforce's Data Export keeps ``IsDeleted`` (konsul7770/konsul-force-org writes it in every
    object); a Fivetran sync in history mode keeps old versions with ``_fivetran_active`` false
    (fivetran/dbt_salesforce_source). Both were counted as deals."""
    text = ('"Id","IsDeleted","Name","StageName","Amount","IsClosed","IsWon","CreatedDate","_fivetran_active"\n'
            '"0061","0","A","Prospecting","100","0","0","2024-01-02 10:00:00","true"\n'
            '"0062","1","B","Closed Won","200","1","1","2024-01-03 10:00:00","true"\n'
            '"0063","0","C","Closed Won","300","1","1","2024-01-04 10:00:00","false"\n'
            '"0064","0","D","Closed Won","400","1","1","2024-01-05 10:00:00","true"\n')
    info, built, _ = run_import(mem_store, text, "Opportunity.csv")
    assert deals(mem_store, info, "deal_id") == [("0061",), ("0064",)]  # B deleted, C an old version
    found = codes(mem_store, info)
    assert (found["deals.deleted"], found["deals.superseded"]) == (1, 1)
    # a flag set on every row (a test seed) drops nothing and says so
    seed = text.replace('"0","A"', '"1","A"').replace('"0","C"', '"1","C"').replace('"0","D"', '"1","D"')
    info, built, _ = run_import(mem_store, seed, "seed.csv")
    assert built["n_deals"] == 3 and codes(mem_store, info)["deals.all_deleted"] == 4


def test_a_lone_won_flag_does_not_make_the_stage_a_deal_was_won_at_the_won_stage(mem_store):
    text = "Deal,Stage,Won?,Amount\nA,Qualified,no,10\nB,Proposal,yes,20\nC,Qualified,no,5\nD,Demo,no,7\n"
    info, built, _ = run_import(mem_store, text, "deals.csv")
    order = info.meta["stage_order"][""]
    assert order[-1] == "Won" and "Proposal" in order[:-1]  # B was won at «Proposal»: still a step


HS_API_ENTERED = """hs_object_id,dealname,dealstage,pipeline,amount,createdate,closedate,hs_is_closed_won,hs_date_entered_appointmentscheduled,hs_date_entered_qualifiedtobuy,hs_date_entered_closedwon,hs_date_entered_closedlost,hs_date_exited_appointmentscheduled,hs_time_in_appointmentscheduled
1,A,closedwon,default,100,2024-01-01T10:00:00Z,2024-01-20T10:00:00Z,true,2024-01-01T10:00:00Z,2024-01-05T10:00:00Z,2024-01-20T10:00:00Z,,2024-01-05T10:00:00Z,345600000
2,B,qualifiedtobuy,default,50,2024-01-02T10:00:00Z,,false,2024-01-02T10:00:00Z,2024-01-09T10:00:00Z,,,2024-01-09T10:00:00Z,604800000
3,C,closedlost,default,70,2024-01-03T10:00:00Z,2024-01-10T10:00:00Z,false,2024-01-03T10:00:00Z,2024-01-06T10:00:00Z,,2024-01-10T10:00:00Z,2024-01-06T10:00:00Z,259200000
4,D,appointmentscheduled,default,20,2024-01-04T10:00:00Z,,false,2024-01-04T10:00:00Z,,,,,
"""


def test_hubspot_api_with_its_date_entered_properties_knows_where_a_lost_deal_died(mem_store):
    """HubSpot's API with ``hs_date_entered_<stage>`` requested beside ``dealstage``: the dates are the
    history, so a closedlost deal's last stage before the loss is known (C: qualifiedtobuy)."""
    info, built, _ = run_import(mem_store, HS_API_ENTERED, "deals.csv")
    assert info.meta["mapping"]["stage_entered"] == ["appointmentscheduled", "qualifiedtobuy", "closedwon", "closedlost"]
    assert info.meta["stage_order"] == {"default": ["appointmentscheduled", "qualifiedtobuy", "closedwon"]}
    assert deals(mem_store, info, "deal_id, status, lost_pos, lost_stage_known") == [
        ("1", "won", None, None), ("2", "open", None, None), ("3", "lost", 2, True), ("4", "open", None, None)]
    with mem_store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
    assert [s["reached"] for s in got["stages"]] == [4, 3, 1] and got["lost_stage_unknown"] == 0


FIVETRAN_HUBSPOT = """deal_id,is_deleted,deal_pipeline_id,deal_pipeline_stage_id,owner_id,portal_id,property_dealname,property_amount,property_closedate,property_createdate,property_hs_is_closed_won,property_hs_is_closed,_fivetran_synced
1244495215,false,default,appointmentscheduled,55,4727653,Acme,1000,2020-02-01 00:00:00,2019-12-04 12:48:22,false,false,2020-01-05 10:00:00
1075671446,false,default,qualifiedtobuy,55,4727653,Beta,2000,2020-03-01 00:00:00,2019-10-07 20:36:05,false,false,2020-01-05 10:00:00
1077598754,false,default,presentationscheduled,56,4727653,Gamma,1500,2020-02-15 00:00:00,2019-10-08 10:01:15,false,false,2020-01-05 10:00:00
1077836456,false,default,closedwon,56,4727653,Delta,3000,2019-11-20 00:00:00,2019-10-08 13:54:32,true,true,2020-01-05 10:00:00
1077659220,false,default,closedlost,55,4727653,Epsilon,800,2019-11-02 00:00:00,2019-10-08 11:05:56,false,true,2020-01-05 10:00:00
1076737030,true,default,closedwon,56,4727653,Zeta,9999,2019-11-03 00:00:00,2019-10-08 06:40:15,true,true,2020-01-05 10:00:00
"""


def test_hubspot_deals_as_fivetran_syncs_them(mem_store):
    """fivetran/dbt_hubspot_source ``integration_tests/seeds/deal_data.csv``: HubSpot's deal table as the
    Fivetran connector writes it (``deal_pipeline_stage_id``, ``property_<name>`` for every deal
    property, ``is_deleted``). The seed's cells are empty; filled, the file was refused: no stage column
    was found, and no property but the amount was recognised."""
    info, built, _ = run_import(mem_store, FIVETRAN_HUBSPOT, "deal_data.csv")
    fields = info.meta["mapping"]["fields"]
    assert (fields["stage"], fields["pipeline"], fields["deal_name"], fields["created_at"], fields["won_flag"]) == (
        "deal_pipeline_stage_id", "deal_pipeline_id", "property_dealname", "property_createdate",
        "property_hs_is_closed_won")
    assert info.meta["stage_order"] == {"default": ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled",
                                                    "closedwon"]}  # HubSpot's default pipeline
    with mem_store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
    # by hand: Zeta is deleted; of the 5 others Delta won 3000 (8 Oct 13:54:32 -> 20 Nov, a day: 23 + 20 = 43
    # calendar days), Epsilon lost, 3 open
    assert (got["deals"], got["won"], got["lost"], got["open"], got["revenue"]) == (5, 1, 1, 3, 3000)
    assert got["median_cycle_days"] == 43


def test_pipedrive_api_field_names():
    """Pipedrive's API deal fields as scripts and syncs save them (trackit/crm-pipedrive2ace's
    ``PipedriveDeal``: ``title, stage_id, value, won_time, lost_time, expected_close_date``; the API's
    ``add_time`` is the creation, ``stage_change_time`` the last stage change): ``add_time`` was kept
    as an attribute, so the deals had no creation date and no cycle."""
    m = propose_mapping(["id", "title", "value", "currency", "status", "stage_id", "pipeline_id", "add_time",
                         "update_time", "stage_change_time", "won_time", "lost_time", "close_time", "lost_reason"],
                        [["1", "Deal A", "1000", "EUR", "won", "3", "1", "2024-01-02 10:00:00", "2024-02-01 10:00:00",
                          "2024-01-20 10:00:00", "2024-01-20 10:00:00", "", "2024-01-20 10:00:00", ""]])
    assert (m.fields["created_at"], m.fields["stage_changed_at"], m.fields["won_at"], m.fields["stage"]) == (7, 9, 10, 5)
    assert m.extras == {8: "update_time"}


AMO_API = """id,name,price,responsible_user_id,group_id,status_id,pipeline_id,loss_reason_id,created_by,updated_by,created_at,updated_at,closed_at,closest_task_at,is_deleted,account_id
101,Сделка #101,50000,8001,0,142,5001,,8001,8001,1709280942,1709290942,1709652000,,false,29000
102,Сделка #102,30000,8001,0,41235,5001,,8001,8001,1709370000,1709380000,,,false,29000
103,Сделка #103,10000,8002,0,143,5001,7,8001,8001,1709458227,1709459227,1709458200,,false,29000
104,Сделка #104,0,8002,0,41234,5001,,8001,8001,1709553600,1709553600,,,false,29000
105,Сделка #105,0,8002,0,41234,5001,,8001,8001,1709553600,1709553600,,,false,29000
"""


def test_amocrm_api_v4_leads_with_unix_times_and_fixed_won_and_lost_ids(mem_store):
    """amoCRM's ``/api/v4/leads`` saved as a table (the lead object of amoCRM's API reference: ``id, name,
    price, responsible_user_id, group_id, status_id, pipeline_id, loss_reason_id, created_at,
    closed_at, closest_task_at, is_deleted, account_id``; times in unix seconds; 142 / 143 the fixed
    ids of «Успешно реализовано» / «Закрыто и не реализовано»). It was refused: no stage column."""
    info, built, _ = run_import(mem_store, AMO_API, "leads.csv")
    assert info.meta["mapping"]["preset"] == "amocrm_api"
    assert info.meta["lost_stages"] == {"5001": ["143"]} and info.meta["stage_order"]["5001"][-1] == "142"
    assert "stages.order_guessed" in codes(mem_store, info)  # the account's own status ids
    # 1709280942 = 2024-03-01 08:15:42 UTC; 1709652000 = 2024-03-05 15:20:00 UTC
    assert str(deals(mem_store, info, "created_at, closed_at")[0][0]) == "2024-03-01 08:15:42"
    with mem_store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
    assert (got["won"], got["lost"], got["open"], got["revenue"]) == (1, 1, 3, 50000)
    assert got["median_cycle_days"] == pytest.approx(4 + (7 * 3600 + 4 * 60 + 18) / 86400)


AMO_API_CUT = """id,name,price,responsible_user_id,status_id,pipeline_id,created_at,closed_at
1001,Сделка 1,50000,501,142,3001,1704067200,1705363200
1002,Сделка 2,30000,501,143,3001,1704153600,1704758400
1003,Сделка 3,20000,502,142,3001,1704240000,1705536000
1004,Сделка 4,10000,502,40001,3001,1704326400,
1005,Сделка 5,15000,501,40002,3001,1704412800,
"""


def test_amocrm_api_leads_cut_to_the_fields_a_script_keeps(mem_store):
    """The same ``/api/v4/leads`` table with only the fields a script keeps (no ``loss_reason_id``,
    ``closest_task_at``, ``account_id``): it scored 4 of the preset's 7 signature items and was refused for
    want of a stage; with ``--map stage=status_id`` 142 and 143 were open stages (0 won, 0 lost). By hand:
    142 twice (50,000 + 20,000 = 70,000 won), 143 once, two open; both wins closed 1,296,000 s = 15 days after
    creation (1705363200 - 1704067200, 1705536000 - 1704240000)."""
    info, _built, _ = run_import(mem_store, AMO_API_CUT, "leads.csv")
    assert info.meta["mapping"]["preset"] == "amocrm_api"
    with mem_store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
    assert (got["won"], got["lost"], got["open"], got["revenue"]) == (2, 1, 2, 70000)
    assert got["median_cycle_days"] == pytest.approx(15.0)


def test_api_records_flattened_by_a_sync_keep_their_fields():
    """Airbyte writes HubSpot's records as ``properties.<name>``; Zoho's API as ``Deal_Name``,
    ``Owner.name``, ``Pipeline.name`` (a lookup flattened to its name)."""
    m = propose_mapping(["id", "properties.dealname", "properties.dealstage", "properties.amount",
                         "properties.createdate", "properties.pipeline", "properties.hubspot_owner_id"],
                        [["1", "A", "closedwon", "100", "2024-01-01T00:00:00Z", "default", "55"]])
    assert m.fields == {"deal_id": 0, "deal_name": 1, "stage": 2, "amount": 3, "created_at": 4, "pipeline": 5,
                        "manager": 6}
    m = propose_mapping(["id", "Deal_Name", "Stage", "Amount", "Closing_Date", "Created_Time", "Owner.name",
                         "Pipeline.name"],
                        [["1", "A", "Closed Won", "100", "2024-01-01", "2024-01-01T00:00:00+03:00", "Ann", "Standard"]])
    assert (m.fields["deal_name"], m.fields["manager"], m.fields["pipeline"], m.fields["created_at"]) == (1, 6, 7, 5)


def test_olist_shaped_closed_deals_give_the_sales_rep_and_no_amount(mem_store):
    # Olist's closed-deals file (../shared/datasets/olist_marketing_funnel): sr_id is the sales rep who
    # closed the lead (sdr_id the development rep who qualified it); declared_monthly_revenue is the
    # seller's size as it declared it, not the deal's amount. Our own four leads, two of them won.
    leads = ("mql_id,first_contact_date,landing_page_id,origin\n"
             "m1,2018-02-01,lp1,social\nm2,2018-02-03,lp1,paid_search\n"
             "m3,2018-02-05,lp2,organic_search\nm4,2018-02-07,lp2,social\n")
    closed = ("mql_id,seller_id,sdr_id,sr_id,won_date,business_segment,lead_type,declared_product_catalog_size,"
              "declared_monthly_revenue\n"
              "m1,s1,sdrX,repA,2018-02-11 10:00:00,pet,online_medium,,50000.0\n"
              "m3,s3,sdrY,repB,2018-02-20 09:30:00,car_accessories,industry,40,0.0\n")
    headers = closed.splitlines()[0].split(",")
    m = propose_mapping(headers, [closed.splitlines()[1].split(",")])
    assert headers[m.fields["manager"]] == "sr_id"
    assert "amount" not in m.fields
    info, built, _ = import_file(mem_store, leads.encode(), "olist_marketing_qualified_leads_dataset.csv",
                                 history=closed.encode(), history_name="olist_closed_deals_dataset.csv")
    assert built["n_deals"] == 4
    got = deals(mem_store, info, "deal_id, status, manager, amount")
    assert got == [("m1", "won", "repA", None), ("m2", "open", None, None),
                   ("m3", "won", "repB", None), ("m4", "open", None, None)]
