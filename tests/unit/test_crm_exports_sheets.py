"""Issue 16, a fourth survey: pipelines that teams keep or export themselves, found in public repositories
(each test names its source; the rows are a few of the file's, or written in its shape). Each one came
out wrong before:

- paulwinckers/sales-dashboard ``pipeline.csv``: a landscaping firm's pipeline (``Opportunity Number,
  Division Name, Property Name, Opp Status, …, Weighted Pipeline, Probability, Estimated $, …``) with a
  totals row: its numeric columns made it read as aggregate counts: 0 deals.
- chrissuarez/resource-req-for-opps ``pipeline.csv``: a multi-currency Salesforce report (``Amount (Net
  Revenue) Currency, Amount (Net Revenue), Amount (Net Revenue) (converted) Currency, Amount (Net
  Revenue) (converted)``): ZAR, EUR and USD amounts were added up, with no currency.
- VijayChamakuri/crm-funnel-analysis ``opportunities.csv``: ``furthest_stage`` with its index and an
  ``outcome``: read as outcomes only, no funnel.
- felipecc/test-business-rules ``oportunidades.csv``: a Brazilian database dump (``OPORTUNIDADE_ID;…;
  TP_STATUS;…;DT_CRIACAO;…;NM_DONO;…``), one row per line item: read as counts (10¹⁵ "deals").
- serdyukovsky/voyz-crm ``test-deals.csv``: «Новая», «В работе», «Закрыта»: the new deals came second.

Expected values are worked out by hand from the rows.
"""

from __future__ import annotations

import pytest

from funnel.importer import import_file
from funnel.mapping.cell_kinds import is_whole_number
from funnel.metrics import metrics_json
from funnel.spec import FunnelSpec


def imported(store, text: str, name: str):
    info, built, _ = import_file(store, text.encode("utf-8"), name)
    with store.connect() as con:
        got = metrics_json(con, info, FunnelSpec())
        quality = dict(con.execute(f"SELECT code, n FROM ds_{info.id}.quality WHERE row_no IS NULL").fetchall())
    return info, got, quality


PAUL = """Opportunity Number,Division Name,Property Name,Opp Status,Start Date,Weighted Pipeline,Probability,Estimated $,Opportunity Name,Estimated Labor Hours,Weighted Hours,Last Activity Date
1627,Residential Maintenance,Abel Residence,Won,2026-03-01,2000,1,2000,Design ,20,20,
1523,Commercial Maintenance,Church - Kelowna,Bidding,2026-03-01,10515.315,0.5,21030.63,2025 Maintenance Agreement RENEWAL,260,130,
1582,Construction,Cassiar Meadows Corporate,Won,2026-03-01,597.5,1,597.5,Corporate Beds Consult/Design,6.25,6.25,01/15/2026
1359,Construction,Levee Residence,Delivered,2026-03-15,0,0,9945.98,Landscape Renovations,68,0,
1601,Construction,Harbour View,New,2026-03-20,0,0.1,5000,Patio,40,4,
1402,Residential Maintenance,Lakeside,Bidding,2026-03-22,1200,0.5,2400,Lawn care,30,15,
,,,,,14312.815,0.6,40973.11,,424.25,175.25,
"""


def test_a_pipeline_with_numeric_columns_is_a_deal_list_not_counts(mem_store):
    info, got, quality = imported(mem_store, PAUL, "pipeline.csv")
    assert info.shape == "deals"
    fields = info.meta["mapping"]["fields"]
    assert (fields["deal_id"], fields["stage"], fields["amount"]) == ("Opportunity Number", "Opp Status", "Estimated $")
    # 6 opportunities (the totals row has no number: refused, and said); won 1627 and 1582
    assert (got["deals"], got["won"], got["lost"], got["open"]) == (6, 2, 0, 4)
    assert got["revenue"] == pytest.approx(2000 + 597.5)
    assert quality["reject.missing_id"] == 1 and "deals.no_lost" in quality
    # «New» first (a new lead starts every pipeline); Bidding (2 deals) before Delivered (1): a guess, said
    assert info.meta["stage_order"] == {"": ["New", "Bidding", "Delivered", "Won"]}
    assert "stages.order_guessed" in quality


@pytest.mark.parametrize(("cell", "whole"), [
    ("1,234", True), ("1 234", True), ("12.00", True), ("1.234.567", True), ("$1,200", True),
    ("0.5", False), ("0,25", False), ("10515.315", False), ("-855.18", False)])
def test_counts_are_whole_numbers(cell, whole):
    assert is_whole_number(cell) is whole


CHRIS = (
    '"Opportunity Owner","Account Name","Opportunity Name","Primary Estimate: Estimate Name","Created Date",'
    '"Close Date","Age","Stage","Probability (%)","Amount (Net Revenue) Currency","Amount (Net Revenue)",'
    '"Amount (Net Revenue) (converted) Currency","Amount (Net Revenue) (converted)","Lead Source","Type","Market"\n'
    '"Aurélie FRANCISOUD","Luceedx","FR LUCE - Licence","Amazon DSP","16/02/2026","06/03/2026","1.0000000000",'
    '"Proposal / Presentation","30","EUR","4999.86","USD","5861.28","Call Inbound","New Parent Account","Germany"\n'
    '"Maxine Gibb","Lisaf Technologies","SA LISA - Analytics","GA4 & GTM","01/12/2025","31/01/2026","78.0000000000",'
    '"Pitch","30","ZAR","2927280.00","USD","176038.73","Email Inbound","New Parent Account","South Africa"\n'
    '"Joe Boon","Acme UK","UK ACME - Retainer","Retainer","05/01/2026","28/02/2026","40.0000000000",'
    '"Contract Negotiation","80","GBP","22800.00","USD","30618.76","Referral","Existing Account","UK"\n')


def test_a_multi_currency_salesforce_report_adds_up_its_converted_amounts(mem_store):
    info, got, quality = imported(mem_store, CHRIS, "pipeline.csv")
    fields = info.meta["mapping"]["fields"]
    assert (fields["amount"], fields["currency"]) == (
        "Amount (Net Revenue) (converted)", "Amount (Net Revenue) (converted) Currency")
    with mem_store.connect() as con:
        total, currencies = con.execute(f"SELECT sum(amount), list(DISTINCT currency) FROM ds_{info.id}.deals").fetchone()
    assert total == pytest.approx(5861.28 + 176038.73 + 30618.76)  # not 4,999.86 EUR + 2,927,280 ZAR + 22,800 GBP
    assert currencies == ["USD"]


VIJAY = """opp_id,segment,lead_source,owner,amount,created_date,close_date,cycle_days,furthest_stage,furthest_stage_idx,outcome,loss_reason
OPP-00001,SMB,Outbound,Rep E,4166.69,2026-05-25,2026-06-12,18.0,Proposal,2,Lost,Price
OPP-00002,Mid-Market,Outbound,Rep C,16705.96,2026-06-21,2026-07-25,34.0,Qualification,1,Lost,Competitor
OPP-00004,SMB,Inbound,Rep F,3975.89,2026-02-01,2026-02-04,3.0,Negotiation,3,Won,
OPP-00005,SMB,Inbound,Rep F,1000.00,2026-02-02,2026-02-12,10.0,Negotiation,3,Won,
OPP-00006,SMB,Inbound,Rep A,2000.00,2026-02-03,2026-03-05,30.0,Negotiation,3,Lost,Timing
OPP-00007,SMB,Inbound,Rep A,500.00,2026-02-04,2026-02-05,1.0,Prospecting,0,Lost,No budget
OPP-00008,SMB,Partner,Rep B,700.00,2026-02-05,2026-12-09,,Proposal,2,Open,
"""


def test_furthest_stage_with_its_index_and_an_outcome_is_a_funnel(mem_store):
    info, got, quality = imported(mem_store, VIJAY, "opportunities.csv")
    fields = info.meta["mapping"]["fields"]
    assert (fields["stage"], fields["status"]) == ("furthest_stage", "outcome")
    # the file's own order (furthest_stage_idx 0-3); the outcome says who won: a «Won» step after them
    assert info.meta["stage_order"] == {"": ["Prospecting", "Qualification", "Proposal", "Negotiation", "Won"]}
    assert (got["won"], got["lost"], got["open"]) == (2, 4, 1)
    # reached by hand: every deal Prospecting; Qualification all but 00007 (6); Proposal 00001, 00004-6, 00008
    # (5); Negotiation 00004-6 (3); Won 2
    assert [(s["stage"], s["reached"]) for s in got["stages"]] == [
        ("Prospecting", 7), ("Qualification", 6), ("Proposal", 5), ("Negotiation", 3), ("Won", 2)]
    assert "status.against_stage" not in quality  # 00006 lost at Negotiation: a step, not the won stage
    assert got["revenue"] == pytest.approx(3975.89 + 1000)


FELIPE = ('"OPORTUNIDADE_ID";"CODIGO_OPORTUNIDADE";"TP_STATUS";"NM_REGIONAL";"DT_CRIACAO";"DT_FECHAMENTO";'
          '"NM_DONO";"NR_CNPJ";"CD_ITEM_OPORTUNIDADE";"NR_QUANTIDADE";"NR_PRECO_UNITARIO";"NR_PRECO_TOTAL";'
          '"DT_INSERT"\n'
          '"0065f00000NI2JvAAL";Brasil-PR-2023-00083817;Ganha;Sul;2023-09-26 00:00:00.000;2024-01-26 00:00:00.000;'
          'Magnes Silverio de Campos;"85514370000108";"00k5f00001B44lFAAR";11;21000;231000;2024-08-22 08:55:04.000\n'
          '"0065f00000NI2JvAAL";Brasil-PR-2023-00083817;Ganha;Sul;2023-09-26 00:00:00.000;2024-01-26 00:00:00.000;'
          'Magnes Silverio de Campos;"85514370000108";"00k5f00001B44lEAAR";200;1950;390000;2024-08-22 08:55:04.000\n'
          '"0065f00000NJ7AbAAL";Brasil-SP-2023-00083999;Ganha;Sudeste;2023-10-02 00:00:00.000;2024-02-10 00:00:00.000;'
          'Ana Souza;"11222333000181";"00k5f00001B45aaAAB";1;50000;50000;2024-08-22 08:55:04.000\n'
          '"0065f00000NK1CdAAL";Brasil-RS-2023-00084100;Perdida;Sul;2023-11-15 00:00:00.000;2024-03-01 00:00:00.000;'
          'Ana Souza;"44555666000199";"00k5f00001B46bbAAB";3;1000;3000;2024-08-22 08:55:04.000\n')


def test_a_database_dump_with_type_prefixes_and_line_items(mem_store):
    info, got, quality = imported(mem_store, FELIPE, "oportunidades.csv")
    assert info.shape == "deals"
    fields = info.meta["mapping"]["fields"]
    # TP_ type, DT_ date, NM_ name: the words after the prefix (criação written without its accents)
    assert (fields["deal_id"], fields["status"], fields["created_at"], fields["manager"]) == (
        "OPORTUNIDADE_ID", "TP_STATUS", "DT_CRIACAO", "NM_DONO")
    # 3 opportunities (one of two line items), «Ganha» won twice, «Perdida» lost; the duplicate said
    assert (got["deals"], got["won"], got["lost"], got["open"]) == (3, 2, 1, 0)
    assert quality["deals.duplicate_id"] == 1
    assert not info.meta["mapping"]["stage_entered"]  # DT_ columns are dates of the deal, not stages


def test_a_new_deal_comes_first_when_a_stage_is_on_no_rung(mem_store):
    text = ("Название сделки,Тип,Стадия сделки,Контакт,Компания,Сумма,Валюта,Ответственный,Дата создания,Описание\n"
            "Сделка 1,Продажа,В работе,ivan@example.com,ООО Ромашка,10000,RUB,admin,2024-01-08,Первая\n"
            "Сделка 2,Продажа,В работе,petr@example.com,ООО Вектор,20000,RUB,admin,2024-01-09,Вторая\n"
            "Сделка 3,Аренда,Закрыта,maria@example.com,ООО Бухгалтерия,25000,RUB,admin,2024-01-10,Успешно закрыта\n"
            "Сделка 4,Продажа,Новая,olga@example.com,ИП Иванов,5000,RUB,admin,2024-01-11,Новая\n")
    info, got, quality = imported(mem_store, text, "test-deals.csv")
    # «В работе» (2 deals) is on no rung, «Новая» is a new deal: first; «Закрыта» holds the closed deal
    assert info.meta["stage_order"][""][:2] == ["Новая", "В работе"]
    assert "stages.order_guessed" in quality


OLGA = """opportunity_id,account_name,segment,region,product,lead_source,owner,created_date,close_date,stage,amount,sales_cycle_days,close_date_pushed,loss_reason,lost_at_stage,is_won,is_closed
OPP-102159,Vantage Systems,Mid-Market,APAC,Platform Core,Partner Referral,Ethan Sharma,2023-01-01,2023-03-29,Closed Won,30000.0,87,False,,,True,True
OPP-105578,Pinnacle Retail Group,SMB,AMER,Security Suite,Partner Referral,Zara Ito,2023-01-02,2023-02-20,Closed Won,8000.0,49,False,,,True,True
OPP-100764,Apex Manufacturing,Mid-Market,EMEA,Platform Core,Outbound - SDR,Ines Osei,2023-01-02,2023-05-06,Closed Won,23500.0,124,False,,,True,True
OPP-104440,Blue Harbor Retail Group,SMB,APAC,Platform Core,Customer Expansion,Marco Silva,2023-01-02,2023-02-07,Closed Lost,9000.0,36,False,Price,Qualification,False,True
OPP-104441,Northwind,SMB,EMEA,Platform Core,Inbound,Marco Silva,2023-01-03,2023-01-20,Closed Lost,4000.0,17,False,No budget,Prospecting,False,True
OPP-104442,Contoso,SMB,EMEA,Security Suite,Inbound,Zara Ito,2023-01-04,2023-02-25,Closed Lost,7000.0,52,False,Competitor,Qualification,False,True
OPP-104443,Fabrikam,Enterprise,AMER,Platform Core,Outbound - SDR,Ines Osei,2023-01-05,2023-04-01,Closed Lost,52000.0,86,True,Price,Proposal,False,True
OPP-104444,Litware,Enterprise,AMER,Security Suite,Partner Referral,Ethan Sharma,2023-01-06,2023-05-10,Closed Lost,61000.0,124,False,Timing,Negotiation,False,True
"""


def test_the_stage_a_lost_deal_was_lost_at(mem_store):
    """Olga-lab1/sales-pipeline-forecasting ``opportunities.csv``: every closed deal sits in «Closed Won» or
    «Closed Lost»; ``lost_at_stage`` keeps where a lost one stopped. Read as outcomes only, the file drew
    no funnel (and its losses no step)."""
    info, got, quality = imported(mem_store, OLGA, "opportunities.csv")
    assert info.meta["mapping"]["fields"]["lost_stage"] == "lost_at_stage"
    assert info.meta["stage_order"] == {"": ["Prospecting", "Qualification", "Proposal", "Negotiation", "Closed Won"]}
    assert (got["won"], got["lost"], got["open"], got["lost_stage_unknown"]) == (3, 5, 0, 0)
    # reached by hand: all 8 Prospecting; less the one lost there: 7 Qualification; less two: 5 Proposal;
    # less one: 4 Negotiation; less one: 3 won
    assert [(s["stage"], s["reached"]) for s in got["stages"]] == [
        ("Prospecting", 8), ("Qualification", 7), ("Proposal", 5), ("Negotiation", 4), ("Closed Won", 3)]
    with mem_store.connect() as con:
        lost = dict(con.execute(f"SELECT deal_id, lost_pos FROM ds_{info.id}.deals WHERE status = 'lost'").fetchall())
    assert lost == {"OPP-104440": 2, "OPP-104441": 1, "OPP-104442": 2, "OPP-104443": 3, "OPP-104444": 4}


def test_a_file_with_no_importable_row_names_its_first_refused_row(mem_store):
    """earthfink1982/salesforce-in-powerbi: every row was refused (then unreadable dates) and the message
    sent the user to a quality report that had not been stored."""
    from funnel.errors import FunnelError

    text = "Id,Name,StageName,CreatedDate\n1,A,Qualification,31/31/2024\n2,B,Qualification,99/99/2024\n"
    with pytest.raises(FunnelError) as err:
        import_file(mem_store, text.encode(), "bad.csv")
    assert err.value.code == "import.no_valid_rows_example"
    # row 2 of the file (the first after the header), its column and value, and why, in the user's language
    assert "row 2, column «CreatedDate», value «31/31/2024»: Row rejected: the date cannot be read" in err.value.message("en")
    assert "строка 2, столбец «CreatedDate», значение «31/31/2024»: Строка отклонена" in err.value.message("ru")
    assert not mem_store.datasets()  # nothing stored


def test_the_cli_answers_which_column_is_what_at_import(tmp_path, capsys):
    """CloudLabsAI-Azure/Lost-Opportunity-Recovery-Challenge ``data/opportunities.csv`` (Dynamics 365
    headers: Topic, Potential Customer, Est. Revenue, Actual Close Date, Description): refused for want of
    a stage, with "map it on the Data page", which the command line could not do."""
    import json

    from funnel.cli import main

    src = tmp_path / "opportunities.csv"
    src.write_text('"Topic","Potential Customer","Est. Revenue","Actual Close Date","Description"\n'
                   '"Contoso Automation Upgrade","Contoso Industrial","285000","2025-09-15","Lost on a 22% discount"\n'
                   '"BlueStar Stamping Line","BlueStar Components","172000","2025-08-22","Our quote was the highest"\n',
                   encoding="utf-8")
    data = tmp_path / "store"
    assert main(["--data-dir", str(data), "import", str(src)]) == 2
    assert "import --map stage=COLUMN" in capsys.readouterr().err
    # every opportunity here is a loss: its description says why
    assert main(["--data-dir", str(data), "import", str(src), "--map", "lost_reason=Description", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["mapping"]["fields"]["lost_reason"] == "Description"
    assert main(["--data-dir", str(data), "metrics", str(out["dataset_id"]), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert (got["deals"], got["won"], got["lost"], got["open"]) == (2, 0, 2, 0)
    assert main(["--data-dir", str(data), "import", str(src), "--force", "--map", "stage=Nope"]) == 2
    assert "Nope" in capsys.readouterr().err


def test_an_analytics_export_with_several_dimensions_is_still_counts():
    """The record-list check must not take a web analytics table (one row per date, source, medium,
    campaign and device) for deals: its dimensions repeat; a pipeline's property and opportunity names
    do not."""
    from funnel.mapping import detect_shape

    headers = ["Date", "Source", "Medium", "Campaign", "Device Category", "Sessions", "Add to cart", "Transactions"]
    rows = [[f"2024-03-0{d}", src, med, camp, dev, str(900 - 10 * d), str(90 - d), str(9 - d % 3)]
            for d in range(1, 7) for src, med, camp, dev in
            [("google", "cpc", "spring_sale", "mobile"), ("google", "organic", "(not set)", "desktop")]]
    assert detect_shape(headers, rows) == "counts"
    # the pipeline of paulwinckers (the first rows of PAUL above): names on every row, decimals: deals
    lines = [line.split(",") for line in PAUL.strip().splitlines()]
    assert detect_shape(lines[0], lines[1:]) == "deals"
