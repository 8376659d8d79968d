"""Issue 16, survey 19 continued: the sales-pipeline spreadsheet templates people download (Smartsheet, Vertex42,
HubSpot's, a Chinese 销售漏斗 tracker) and public datasets that are no CRM export (an A/B survey log, IBM's
sales win-loss sample). Each workbook is written here in the layout the template has, with the values Excel
saves for its formulas (a downloaded template's cells keep them); values invented, counts worked out by hand.

- A «Dashboard» (a stage table of COUNTIFs, then a 12-month table) or a «填写说明» (field notes) sheet with more
  rows than the young pipeline beside it was read as the deals: 20 "deals" of months, or a refusal.
- A Smartsheet pipeline fills its ``=H*G`` down through the empty template rows, saved as 0; a Google Sheets CRM
  has unticked checkboxes (FALSE) down to row 200. The 0 rows became deals at the first stage (27 instead of
  10), and the TOTAL row under them one more.
- «A-初步接洽 … E-赢单, F-输单» and «阶段6：输单»: the letter or the word before the stage was not stripped, so
  输单 (lost) was an open step and the win rate 100 %.
- HubSpot's template keeps «EXAMPLE - … (delete this row)» as its first row: it was a deal.
- A Vertex42 dashboard's stage list was read on past its end, into the month table under it.
- AdSmart's brand-survey A/B log (``auction_id, experiment, …, yes, no``: katenjoki/A-B_Hypothesis-Testing):
  read as a table of counts (hour → platform_os → yes summed); each row is one user.
- IBM Watson's sales win-loss sample: the revenue came from «Client Size By Revenue» (a band, 1 to 5), not
  from «Opportunity Amount USD».
- UCI bank marketing (``…;poutcome;y``): «poutcome» (the previous campaign's) was the stage, «y» ignored.
- UCI online shoppers (``…, VisitorType, Weekend, Revenue``): refused for want of a stage; «Revenue» (TRUE/FALSE) is the sale.
- Kaggle's e-commerce funnel: one table per page in a zip (only one was read: a one-step funnel), or the tables
  merged with each page's name where a user saw it (refused).
- The Fast Food marketing A/B sample (``LocationID, AgeOfStore, Promotion, week, SalesInThousands``): a funnel
  AgeOfStore → Promotion → week of summed ages and weeks.
"""

from __future__ import annotations

import io

import pytest
import xlsxwriter

from funnel.ab_dataset import step_counts
from funnel.errors import FunnelError
from funnel.importer import import_file
from funnel.mapping.matcher import header_score
from funnel.mapping.stage_names import stage_number, without_number
from funnel.mapping.status import classify_stage_name
from funnel.readers.excel_reader import without_placeholders
from funnel.spec import FunnelSpec
from tests.unit.test_crm_exports_spreadsheets import findings, kinds, outcome, reached

FORMULA = object()  # a formula cell whose saved value is 0 (the template's row nobody has filled)


def book(sheets: dict[str, list[list]]) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is FORMULA:
                    ws.write_formula(r, c, f"=C{r + 1}*0.1", None, 0)
                elif isinstance(value, bool):
                    ws.write_boolean(r, c, value)
                elif value is not None:
                    ws.write(r, c, value)
    wb.close()
    return buf.getvalue()


PIPELINE = [["Opportunity", "Owner", "Sales Stage", "Amount"],
            ["Acme", "Ann", "Prospecting", 1000], ["Globex", "Bob", "Prospecting", 2000],
            ["Initech", "Ann", "Qualification", 3000], ["Umbrella", "Bob", "Proposal", 4000],
            ["Hooli", "Ann", "Closed Won", 5000], ["Vandelay", "Bob", "Closed Lost", 6000]]
DASHBOARD = ([["Sales Stage", "Count", "Amount"],
              ["Prospecting", 2, 3000], ["Qualification", 1, 3000], ["Proposal", 1, 4000], ["Closed Won", 1, 5000],
              ["Closed Lost", 1, 6000], [None], ["Month", "Forecast", "Closed Won"]]
             + [[f"2024-{m:02d}-01", 0, 0] for m in range(1, 13)])


def test_a_dashboard_with_more_rows_than_the_pipeline_is_not_read_as_the_deals(mem_store):
    info, _built, _ = import_file(mem_store, book({"Dashboard": DASHBOARD, "Pipeline": PIPELINE}), "pipeline.xlsx")
    # 6 deals: won Hooli 5000, lost Vandelay, 4 open (not the dashboard's 18 rows of stages and months)
    deals, won, lost, open_, amount, _cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, amount) == (6, 1, 1, 4, 5000)
    # the company's order read from the dashboard's stage table, which ends at its blank row (no «Month», no dates);
    # reached: 6; Qualification 6 - 2 at Prospecting - 1 lost (stage unknown) = 3; Proposal 2; Closed Won 1
    assert reached(mem_store, info) == [("Prospecting", 6), ("Qualification", 3), ("Proposal", 2), ("Closed Won", 1)]
    said = findings(mem_store, info)["sheets9.order_from_sheet"][2]
    assert said["sheet"] == "Dashboard" and "Month" not in said["stages"] and "2024" not in said["stages"]


LOUDOU = [["2024年第四季度销售漏斗跟踪表"], ["序号", "客户名称", "商机阶段", "预计金额", "负责人"],
          [1, "甲公司", "A-初步接洽", 10, "张三"], [2, "乙公司", "A-初步接洽", 20, "李四"],
          [3, "丙公司", "B-需求确认", 30, "张三"], [4, "丁公司", "C-方案报价", 40, "李四"],
          [5, "戊公司", "E-赢单", 50, "张三"], [6, "己公司", "E-赢单", 60, "李四"], [7, "庚公司", "F-输单", 70, "张三"]]
NOTES = [["字段", "填写说明"]] + [[f"字段{k}", f"说明文字{k}"] for k in range(1, 15)]


def test_a_lettered_lost_stage_is_lost_and_the_field_notes_sheet_is_passed_over(mem_store):
    info, _built, _ = import_file(mem_store, book({"填写说明": NOTES, "销售漏斗": LOUDOU}), "销售漏斗.xlsx")
    # 7 deals: won 5 + 6 = 110 (two 赢单), lost 1 (F-输单), open 4; win rate 2 / 3, not 100 %
    deals, won, lost, open_, amount, _cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, amount) == (7, 2, 1, 4, 110)
    # reached: 7; B 7 - 2 at A - 1 lost = 4; C 3; E 2 (F-输单 no step between them)
    assert reached(mem_store, info) == [("A-初步接洽", 7), ("B-需求确认", 4), ("C-方案报价", 3), ("E-赢单", 2)]


def test_a_letter_or_a_stage_word_before_the_name_is_its_place_not_its_meaning():
    assert classify_stage_name("F-输单") == "lost" and classify_stage_name("阶段6：输单") == "lost"
    assert classify_stage_name("F - Closed Lost") == "lost" and classify_stage_name("E-赢单") == "won"
    assert (stage_number("A-初步接洽"), stage_number("F-输单")) == (1001, 1006)  # letters after every number
    assert (stage_number("阶段6：输单"), stage_number("第2阶段、方案"), stage_number("Stage 3 - Proposal"),
            stage_number("Этап 2. Встреча"), stage_number("1、初步接洽")) == (6, 2, 3, 2, 1)
    # no letter or number: «E-mail sent» is a stage of its own, «2nd call» and «1С» too
    assert stage_number("E-mail sent") is None and without_number("E-mail sent") == "E-mail sent"
    assert stage_number("2nd call") is None and stage_number("1С") is None


def _smartsheet(placeholder) -> bytes:
    rows = [[None, "SALES PIPELINE TEMPLATE"], [None, "COMPANY NAME", "DEAL SIZE", "WEIGHTED FORECAST", "STAGE"],
            [None, "Acme", 1000, 100, "1 - Prospecting"], [None, "Globex", 2000, 200, "1 - Prospecting"],
            [None, "Initech", 3000, 300, "2 - Proposal"], [None, "Hooli", 10000, 1000, "3 - Closed Won"],
            [None, "Vandelay", 4000, 400, "4 - Closed Lost"]]
    rows += [[None, None, None, placeholder, None] for _ in range(8)]
    rows += [[None, "TOTAL", 20000, 2000, None], [None, "CLICK HERE TO CREATE IN SMARTSHEET"]]
    return book({"Sales Pipeline": rows})


def test_template_rows_holding_only_a_formulas_zero_or_an_unticked_box_are_no_deals(mem_store):
    for placeholder in (FORMULA, False):
        info, _built, _ = import_file(mem_store, _smartsheet(placeholder), "pipeline.xlsx")
        # 5 deals (not 13 + the TOTAL row): won Hooli 10000, lost Vandelay, open 3
        deals, won, lost, open_, amount, _cycle = outcome(mem_store, info)
        assert (deals, won, lost, open_, amount) == (5, 1, 1, 3, 10000), placeholder
        # reached: 5; 2 - Proposal 5 - 2 at Prospecting - 1 lost = 2; 3 - Closed Won 1
        assert reached(mem_store, info) == [("1 - Prospecting", 5), ("2 - Proposal", 2), ("3 - Closed Won", 1)]


def test_placeholder_rows_are_emptied_only_in_a_sheet_that_writes_words():
    with_words = [["Acme", "0", "Lead"], ["0", None, "FALSE"], [None, "0", None]]
    assert without_placeholders(with_words) == [["Acme", "0", "Lead"], [], []]
    flags = [["1", "0", "0"], ["0", "0", "0"], ["1", "1", "0"]]  # a visitor per row, no word: all kept
    assert without_placeholders(flags) == flags


def test_a_templates_example_row_is_skipped_and_said(mem_store):
    rows = [["Sales Pipeline Template"], ["Brought to you by HubSpot"], ["How to use this template:"], [None],
            ["Deal Name", "Deal Owner", "Deal Stage", "Amount"],
            ["EXAMPLE - Acme 50 seats (delete this row)", "Ann Lee", "Qualified To Buy", "$10,000"],
            ["Globex", "Ann Lee", "Appointment Scheduled", "$1,000"], ["Initech", "Bob Ray", "Qualified To Buy", "$2,000"],
            ["Hooli", "Bob Ray", "Closed Won", "$3,000"], ["Umbrella", "Ann Lee", "Closed Won", "$4,000"]]
    info, _built, _ = import_file(mem_store, book({"Deals": rows}), "deals.xlsx")
    # 4 deals, 2 won (3000 + 4000), 2 open; Qualified To Buy reached by Initech and the two won: 3 (not 4)
    deals, won, lost, open_, amount, _cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, amount) == (4, 2, 0, 2, 7000)
    assert reached(mem_store, info)[:2] == [("Appointment Scheduled", 4), ("Qualified To Buy", 3)]
    note = findings(mem_store, info)["readers.example_rows"]
    assert note[2]["n"] == 1 and note[2]["text"].startswith("EXAMPLE - Acme")
    # a company named «Sample Corp» is a deal: no dash, colon or bracket after the word
    rows[5][0] = "Sample Corp"
    info, _built, _ = import_file(mem_store, book({"Deals": rows}), "deals2.xlsx")
    assert outcome(mem_store, info)[:4] == (5, 2, 0, 3)


ADSMART = [("control", 0, 0), ("control", 1, 0), ("control", 0, 1), ("control", 0, 0), ("control", 0, 0),
           ("exposed", 1, 0), ("exposed", 1, 0), ("exposed", 0, 1), ("exposed", 0, 0)]


def test_a_survey_ab_log_is_one_user_per_row_and_yes_is_the_outcome(mem_store):
    rows = ["auction_id,experiment,date,hour,device_make,platform_os,browser,yes,no"]
    rows += [f"{k:08x}-77a7-448b-bd1e-075f42c55e{k:02d},{group},7/{k + 3}/2020,{k + 5},Generic Smartphone,6,"
             f"Chrome Mobile,{yes},{no}" for k, (group, yes, no) in enumerate(ADSMART)]
    info, _built, _ = import_file(mem_store, ("\n".join(rows) + "\n").encode(), "AdSmartABdata.csv")
    assert info.shape == "events"
    with mem_store.connect() as con:
        counts = step_counts(con, info, FunnelSpec(), "experiment")
    # control: 5 users, 1 said yes; exposed: 4 users, 2 said yes (a «no» is no conversion)
    assert counts.stages == ("visit", "yes")
    assert counts.groups == {"control": [5, 1], "exposed": [4, 2]}


def test_the_opportunity_amount_in_dollars_beats_a_client_size_band(mem_store):
    assert header_score("amount", "Opportunity Amount USD") >= 0.8
    assert header_score("amount", "Client Size By Revenue") == 0
    assert header_score("amount", "Revenue From Client Past Two Years") == 0
    assert header_score("amount", "Total Deal Size") > 0  # a deal's size is still its amount
    csv = ("Opportunity Number,Region,Opportunity Result,Opportunity Amount USD,Client Size By Revenue,"
           "Revenue From Client Past Two Years,Deal Size Category\n"
           "1641984,Northwest,Won,1000,5,0,1\n1658010,Pacific,Loss,2000,3,0,1\n"
           "1674737,Midwest,Won,3500,1,2,2\n1675224,Midwest,Loss,0,1,0,1\n")
    info, _built, _ = import_file(mem_store, csv.encode(), "WA_Fn-UseC_-Sales-Win-Loss.csv")
    assert info.meta["mapping"]["fields"]["amount"] == "Opportunity Amount USD"
    # won 1000 + 3500 = 4500 (the bands would give 5 + 1 = 6)
    deals, won, lost, open_, amount, _cycle = outcome(mem_store, info)
    assert (deals, won, lost, open_, amount) == (4, 2, 2, 0, 4500)


def test_a_bank_marketing_table_reads_y_as_the_outcome_not_the_previous_campaigns(mem_store):
    # UCI bank marketing: «poutcome» is the previous campaign's result (one letter from «outcome»), «y» this one's
    assert header_score("status", "poutcome") == 0 and header_score("status", "outcome") > 0
    head = '"age";"job";"marital";"contact";"duration";"campaign";"pdays";"previous";"poutcome";"y"\n'
    rows = [(58, "management", "unknown", "no"), (44, "technician", "unknown", "no"),
            (33, "entrepreneur", "failure", "yes"), (47, "blue-collar", "success", "yes"), (35, "admin.", "other", "no")]
    csv = head + "".join(f'{age};"{job}";"married";"cellular";261;1;-1;0;"{prev}";"{y}"\n' for age, job, prev, y in rows)
    info, _built, _ = import_file(mem_store, csv.encode(), "bank-full.csv")
    assert info.meta["mapping"]["fields"] == {"won_flag": "y"}
    # 5 clients, 2 subscribed; «no» is no sale yet (open), though it may be a loss: said of the flag (survey 34)
    assert outcome(mem_store, info)[:4] == (5, 2, 0, 3)
    assert findings(mem_store, info)["deals.won_flag_only"][1] == 3


def test_a_promotion_test_of_sales_per_store_week_is_no_funnel_of_ages_and_weeks(mem_store):
    csv = "MarketID,MarketSize,LocationID,AgeOfStore,Promotion,week,SalesInThousands\n" + "".join(
        f"1,Medium,{loc},{age},{promo},{week},{sales}\n" for loc, age, promo in ((1, 4, 3), (2, 5, 2), (3, 12, 1))
        for week, sales in ((1, "33.73"), (2, "35.67")))
    with pytest.raises(FunnelError) as err:  # was a funnel AgeOfStore 42 → Promotion 12 → week 9
        import_file(mem_store, csv.encode(), "WA_Marketing-Campaign.csv")
    assert err.value.code == "import.missing_column"


# Kaggle's «E-commerce website funnel» (lidanmin187/data_analysis_project, jerometanel/Ecommerce-Analysis): a user
# table and one table per page, each the users who saw it (``user_id,page`` / ``450007,home_page``); ids invented
PAGES = ["home_page", "search_page", "payment_page", "payment_confirmation_page"]
REACHED = {1: 4, 2: 3, 3: 3, 4: 2, 5: 1, 6: 1}  # user -> how many of PAGES they saw, in order


def test_a_funnel_of_one_table_per_page_in_a_zip_is_one_event_log(mem_store):
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("user_table.csv", "user_id,date,device,sex\n" + "".join(
            f"{u},2015-01-0{u},Desktop,Female\n" for u in REACHED))
        for k, page in enumerate(PAGES, 1):
            zf.writestr(f"{page}_table.csv", "user_id,page\n" + "".join(
                f"{u},{page}\n" for u, seen in REACHED.items() if seen >= k))
    info, _built, _ = import_file(mem_store, buf.getvalue(), "ecommerce.zip")
    assert info.shape == "events"
    # by hand from REACHED: all 6 saw the home page; 2 pages or more: users 1-4 = 4; 3 or more: users 1-3 = 3;
    # all 4: user 1 (not a one-step funnel of the user table or of one page table)
    assert reached(mem_store, info) == [("home_page", 6), ("search_page", 4), ("payment_page", 3),
                                        ("payment_confirmation_page", 1)]
    note = findings(mem_store, info)["archive.step_tables"][2]
    assert note["n"] == 4 and note["parts"].startswith("home_page_table.csv")


def test_page_columns_naming_themselves_where_a_user_reached_them_are_steps(mem_store):
    # the same tables merged on user_id (pandas' left joins): a page's name where the user saw it, else empty
    rows = ["user_id,date,device,sex," + ",".join(PAGES)]
    rows += [f"{u},2015-01-0{u},Desktop,Male," + ",".join(p if k < seen else "" for k, p in enumerate(PAGES))
             for u, seen in REACHED.items()]
    info, _built, _ = import_file(mem_store, ("\n".join(rows) + "\n").encode(), "ecommerce_merged.csv")
    assert info.shape == "events"
    # every user saw home_page (no empty cell: an attribute, not a step); search 4, payment 3, confirmation 1
    assert reached(mem_store, info) == [("visit", 6), ("search_page", 4), ("payment_page", 3),
                                        ("payment_confirmation_page", 1)]


def test_a_session_table_whose_revenue_is_true_or_false_reads_it_as_the_sale(mem_store):
    # UCI's online shoppers purchasing intention (remijul/dataset: real rows' spellings): one row per session
    head = ("Administrative,Administrative_Duration,ProductRelated,ProductRelated_Duration,BounceRates,ExitRates,"
            "PageValues,SpecialDay,Month,OperatingSystems,Browser,Region,TrafficType,VisitorType,Weekend,Revenue\n")
    rows = [("Returning_Visitor", "FALSE", "FALSE"), ("Returning_Visitor", "FALSE", "TRUE"),
            ("New_Visitor", "TRUE", "TRUE"), ("New_Visitor", "FALSE", "FALSE"), ("Returning_Visitor", "TRUE", "FALSE"),
            ("Returning_Visitor", "FALSE", "FALSE")]
    csv = head + "".join(f"0,0.0,2,64.0,0.0,0.1,0.0,0.0,Feb,2,2,1,2,{who},{weekend},{revenue}\n"
                         for who, weekend, revenue in rows)
    info, _built, _ = import_file(mem_store, csv.encode(), "online_shoppers_intention.csv")
    assert info.meta["mapping"]["fields"] == {"won_flag": "Revenue"}  # not «Weekend», not refused for a stage
    # 6 sessions, 2 bought; the others stay open (said: deals.no_lost)
    assert outcome(mem_store, info)[:4] == (6, 2, 0, 4)


def test_a_closed_stage_whose_deals_are_all_won_by_the_status_is_the_sale(mem_store):
    # a Vertex42 tracker: Stage ends at «Closed», Status (Open / Won / Lost) says how; its lost deals stay at
    # the stage they were lost at
    csv = ("ID,Company,Stage,Value,Status\n1001,A,Lead,5000,Open\n1002,B,Lead,7000,Open\n1003,C,Qualified,12000,Open\n"
           "1004,D,Qualified,11000,Lost\n1005,E,Closed,16000,Won\n1006,F,Closed,24000,Won\n")
    info, _built, _ = import_file(mem_store, csv.encode(), "Sales Pipeline Tracker.csv")
    assert outcome(mem_store, info)[:5] == (6, 2, 1, 3, 40000)
    # reached: 6; Qualified 6 - 2 at Lead = 4 (the lost one there included); Closed 2; no made-up «Won» after it
    assert reached(mem_store, info) == [("Lead", 6), ("Qualified", 4), ("Closed", 2)]
    assert kinds(mem_store, info) == {"Closed": "won"}
