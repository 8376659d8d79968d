"""Issue 16, survey 20: analytics and A/B platforms' exports, and CRM exports no test had (each file written
here in the layout its product's code, tests or documentation show; values invented, counts worked out by hand):

- GA4's funnel exploration broken down by «Session default channel group» (six ``#`` lines, a ``Total`` row per
  step): no group word named the breakdown, so the ``Total`` rows were added to the channels (39,500 users at
  the first step instead of 19,500), with no warning.
- PostHog's funnel CSV (posthog/tasks/exports/csv_exporter.py: ``name, breakdown_value, action_id, count, …``):
  the breakdown was dropped, ``abtest --by breakdown_value`` refused.
- Matomo Funnels' flow (``label, step_nb_visits_actual, step_nb_entries, …, step_nb_visits, …``, the plugin's API
  example): read sideways, its count columns as steps and its steps as groups.
- A/B results: GrowthBook's «Export CSV» (ResultsDownloadButton.tsx: ``metric, variation, riskOfChoosing, users,
  totalValue, …``), Optimizely's results CSV (its REST export's columns), an Eppo export script's CSV: refused.
- 金蝶云星空 (Kingdee) 商机 list (``单据编号, …, 商机阶段, 预计销售额（万元）, 单据状态 (执行中/赢单/输单), 输赢日期``,
  stages «S1了解项目 … S4-1方案制定, S4-2方案提交和谈判 … S8终止跟进»): nothing won or lost, S2 before S1.
- Bitrix24's invoices (statuses N, S, P, D: Новый, Отправлен клиенту, Оплачен, Отклонён): «Отклонён» a step.
- Keap's opportunities (``Projected Revenue Low, Projected Revenue High``): no revenue and not a word.
- Roistat's deals sheet (``ID, Order status, …, Sum, Cost, The date of the order``): no creation date.
"""

from __future__ import annotations

from funnel.ab_dataset import step_counts
from funnel.importer import import_file
from funnel.mapping.stage_names import numbered_order, stage_number
from funnel.spec import FunnelSpec
from tests.unit.test_crm_exports_spreadsheets import findings, outcome, reached


def counts(store, info, pipeline=""):
    """{(stage, group): n} of one pipeline of a counts dataset ('' group: the overall row)."""
    with store.connect() as con:
        rows = con.execute(f"SELECT stage, grp, n FROM ds_{info.id}.counts WHERE pipeline = ?", [pipeline]).fetchall()
    return {(stage, grp): n for stage, grp, n in rows}


GA4 = """# ----------------------------------------
# Checkout funnel
# ----------------------------------------
#
# Start date: 20240301
# End date: 20240331
Step,Session default channel group,Active users,Completion rate,Abandonments,Abandonment rate
1. View item,Organic Search,"12,000",25.0%,"9,000",75.0%
1. View item,Paid Search,"8,000",20.0%,"6,400",80.0%
1. View item,Total,"19,500",22.6%,"15,090",77.4%
2. Add to cart,Organic Search,"3,000",40.0%,"1,800",60.0%
2. Add to cart,Paid Search,"1,600",30.0%,"1,120",70.0%
2. Add to cart,Total,"4,410",36.5%,"2,800",63.5%
3. Purchase,Organic Search,"1,200",,,
3. Purchase,Paid Search,480,,,
3. Purchase,Total,"1,610",,,
"""


def test_a_ga4_funnel_broken_down_by_any_dimension_keeps_its_total_rows_apart(mem_store):
    info, _built, _ = import_file(mem_store, GA4.encode(), "Funnel exploration.csv")
    assert info.meta["mapping"]["fields"]["group"] == "Session default channel group"
    got = counts(mem_store, info)
    # overall: GA4's deduplicated Total rows, not channels + totals (19,500 + 12,000 + 8,000 = 39,500)
    assert [got[(s, "")] for s in ("1. View item", "2. Add to cart", "3. Purchase")] == [19500, 4410, 1610]
    assert [got[(s, "Paid Search")] for s in ("1. View item", "2. Add to cart", "3. Purchase")] == [8000, 1600, 480]
    assert "counts.total_rows" in findings(mem_store, info)


POSTHOG = ("name,breakdown_value,action_id,count,median_conversion_time (seconds),average_conversion_time (seconds)\r\n"
           "$pageview,Chrome,$pageview,3000,,\r\nSigned up,Chrome,signup,800,330.0,500.1\r\n"
           "Purchased,Chrome,purchase,70,250000.0,300000.9\r\n$pageview,Safari,$pageview,2000,,\r\n"
           "Signed up,Safari,signup,400,310.0,480.2\r\nPurchased,Safari,purchase,26,240000.0,310000.5\r\n")


def test_a_posthog_funnel_keeps_its_breakdown_for_the_ab_page(mem_store):
    info, _built, _ = import_file(mem_store, POSTHOG.encode(), "funnel.csv")
    with mem_store.connect() as con:
        got = step_counts(con, info, FunnelSpec(), "breakdown_value")
    # Chrome 3000 → 800 → 70, Safari 2000 → 400 → 26
    assert got.groups == {"Chrome": [3000, 800, 70], "Safari": [2000, 400, 26]}
    # without a breakdown the column is empty: no group of nothing
    plain = POSTHOG.replace("Chrome", "").replace("Safari", "").split("\r\n")[:4]
    info, _built, _ = import_file(mem_store, ("\r\n".join(plain) + "\r\n").encode(), "funnel_plain.csv")
    assert "group" not in info.meta["mapping"]["fields"]


MATOMO = ("label\tstep_nb_visits_actual\tstep_nb_entries\tstep_nb_exits\tstep_nb_visits\tstep_nb_skipped\t"
          "step_nb_proceeded\tstep_nb_progressions\tstep_proceeded_rate\tmetadata_step_definition\tmetadata_step_position\n"
          "Product page\t2000\t2000\t1400\t2000\t0\t600\t0\t30%\t\"Pattern: Path starts with \"\"/product/\"\"\"\t1\n"
          "Cart\t700\t100\t420\t700\t0\t280\t600\t40%\t\"Pattern: Path equals \"\"/cart\"\"\"\t2\n"
          "Checkout\t300\t20\t170\t300\t0\t130\t280\t43%\t\"Pattern: Path equals \"\"/checkout\"\"\"\t3\n"
          "Order confirmed\t150\t0\t150\t150\t0\t0\t130\t0%\t\"Pattern: Path equals \"\"/thanks\"\"\"\t4\n")


def test_a_matomo_funnel_flow_is_one_row_per_step(mem_store):
    info, _built, _ = import_file(mem_store, MATOMO.encode(), "funnel_flow.tsv")
    assert info.meta["mapping"]["fields"] == {"stage": "label", "count": "step_nb_visits"}
    got = counts(mem_store, info)
    # the visits at each step: 2000 → 700 → 300 → 150 (not step_nb_visits_actual → entries → exits → visits)
    assert [got[(s, "")] for s in ("Product page", "Cart", "Checkout", "Order confirmed")] == [2000, 700, 300, 150]


GROWTHBOOK = ('"metric","variation","riskOfChoosing","users","totalValue","perUserValue","perUserValueStdDev",'
              '"chanceToBeatControl","percentChange"\n'
              '"Purchase","Control",0,10000,500,0.05,0.218,,\n"Purchase","Variant B",0,10050,603,0.06,0.237,0.9991,0.2\n'
              '"Signup","Control",0,10000,2000,0.2,0.4,,\n"Signup","Variant B",0,10050,2110,0.20995,0.407,0.9634,0.0497\n'
              '"Revenue","Control",0,10000,41250.5,4.125,12.1,,\n"Revenue","Variant B",0,10050,45011.25,4.479,12.8,0.8,0.08\n')
OPTIMIZELY = ("Start time (UTC),End time (UTC),Variation Name,Variation ID,Is Baseline Variation,Metric Event Name,"
              "Metric Event ID,Metric Numerator Type,Metric Denominator Type,Numerator Value,Denominator Value,Metric Value\n"
              "2024-03-01T00:00:00Z,2024-03-15T00:00:00Z,Original,21001,true,Purchase,31002,unique_conversions,visitors,400,8000,0.05\n"
              "2024-03-01T00:00:00Z,2024-03-15T00:00:00Z,Variation #1,21002,false,Purchase,31002,unique_conversions,visitors,470,8100,0.058\n")


def test_an_ab_platforms_results_are_one_funnel_per_metric_and_variation(mem_store):
    info, _built, _ = import_file(mem_store, GROWTHBOOK.encode(), "results.csv")
    assert info.shape == "counts"
    # Purchase: Control 500 of 10,000, Variant B 603 of 10,050; Signup its own funnel (2,000 / 2,110), never a
    # step after Purchase; Revenue (fractions, more than the users) left out and said
    assert info.meta["pipelines"] == ["Purchase", "Signup"]
    purchase = counts(mem_store, info, "Purchase")
    assert (purchase[("users", "Control")], purchase[("Purchase", "Control")]) == (10000, 500)
    assert (purchase[("users", "Variant B")], purchase[("Purchase", "Variant B")]) == (10050, 603)
    assert (purchase[("users", "")], purchase[("Purchase", "")]) == (20050, 1103)
    assert counts(mem_store, info, "Signup")[("Signup", "Variant B")] == 2110
    said = findings(mem_store, info)
    assert said["counts.experiment_left_out"][2]["metrics"] == "«Revenue»"
    with mem_store.connect() as con:
        got = step_counts(con, info, FunnelSpec(pipeline="Signup"), "variation")
    assert got.groups == {"Control": [10000, 2000], "Variant B": [10050, 2110]}
    # Optimizely: «Is Baseline Variation» true/false no longer makes it a deal list
    info, _built, _ = import_file(mem_store, OPTIMIZELY.encode(), "experiment_results.csv")
    purchase = counts(mem_store, info, "Purchase")
    assert (purchase[("Denominator Value", "Original")], purchase[("Purchase", "Original")]) == (8000, 400)
    assert (purchase[("Denominator Value", "Variation #1")], purchase[("Purchase", "Variation #1")]) == (8100, 470)


KINGDEE = [("OPP001", "S7履约", "100", "赢单"), ("OPP002", "S6合同签订", "35", "赢单"), ("OPP003", "S1了解项目", "20", "执行中"),
           ("OPP004", "S2验证机会", "30", "执行中"), ("OPP005", "S4-1方案制定", "40", "执行中"),
           ("OPP006", "S4-2方案提交和谈判", "50", "执行中"), ("OPP007", "S3确认机会", "60", "输单"),
           ("OPP008", "S8终止跟进", "10", "输单")]


def test_a_kingdee_opportunity_list_reads_its_status_amount_and_numbered_stages(mem_store):
    text = "单据编号,商机名称,销售员,商机阶段,预计销售额（万元）,单据状态,输赢日期,创建日期\n" + "".join(
        f"{i},项目{k},{'张伟' if k % 2 else '李娜'},{stage},{amount},{state},{'2024/5/1' if state != '执行中' else ''},2024/3/{k}\n"
        for k, (i, stage, amount, state) in enumerate(KINGDEE, 1))
    info, _built, _ = import_file(mem_store, text.encode("gb18030"), "商机列表.csv")
    fields = info.meta["mapping"]["fields"]
    assert (fields["status"], fields["deal_id"], fields["closed_at"]) == ("单据状态", "单据编号", "输赢日期")
    # won 100 + 35 万元 = 1,350,000; lost 2 (S3 where it was lost; S8终止跟进 a lost stage: where unknown); open 4
    assert outcome(mem_store, info)[:5] == (8, 2, 2, 4, 1_350_000)
    # S1 … S7 in their numbers' order (S4-1 before S4-2): S1 all 8 (OPP008, lost where unknown, counts there only);
    # S2 6 (not 003, 008); S3 5 (005, 006, 007 lost there, 001, 002); S4-1 4; S4-2 3 (006, 001, 002); S6 2; S7 2
    # (a won deal reaches every stage), then the status's 赢单
    steps = reached(mem_store, info)
    assert [s for s, _n in steps[:8]] == ["S1了解项目", "S2验证机会", "S3确认机会", "S4-1方案制定", "S4-2方案提交和谈判",
                                          "S6合同签订", "S7履约", "赢单"]
    assert [n for _s, n in steps[:8]] == [8, 6, 5, 4, 3, 2, 2, 2]


def test_s_numbered_and_sub_numbered_stages_keep_their_order():
    assert (stage_number("S1了解项目"), stage_number("S4-1方案制定"), stage_number("S4-2方案提交和谈判")) == (1, 4.01, 4.02)
    assert stage_number("S3") is None and stage_number("Sales 1") is None and stage_number("1С") is None
    names = ["S2验证机会", "S4-2方案提交和谈判", "S1了解项目", "S4-1方案制定"]
    assert numbered_order(names) == (["S1了解项目", "S2验证机会", "S4-1方案制定", "S4-2方案提交和谈判"], True)


def test_bitrix24_invoices_refused_are_lost(mem_store):
    rows = [("Новый", "10 000,00"), ("Новый", "15 000,00"), ("Отправлен клиенту", "20 000,00"),
            ("Оплачен", "12 500,00"), ("Оплачен", "25 000,00"), ("Отклонён", "8 000,00")]
    text = '"ID";"Номер";"Тема";"Статус";"Сумма";"Валюта";"Ответственный"\n' + "".join(
        f'"{100 + k}";"СЧ-{100 + k}";"Монтаж";"{status}";"{amount}";"RUB";"Иванов Сергей"\n'
        for k, (status, amount) in enumerate(rows, 1))
    info, _built, _ = import_file(mem_store, text.encode("cp1251"), "invoice.csv")
    # won 12,500 + 25,000 = 37,500; the refused one lost (not a step before «Оплачен»); open 3
    assert outcome(mem_store, info)[:5] == (6, 2, 1, 3, 37500)
    assert [s for s, _n in reached(mem_store, info)] == ["Новый", "Отправлен клиенту", "Оплачен"]


def test_money_columns_left_unread_are_named_when_no_amount_is_taken(mem_store):
    text = ("Id,Opportunity Title,Contact,Stage,Owner,Projected Revenue Low,Projected Revenue High,Date Created\n"
            "1,Opp 1,Contact 1,Won,Kim Diaz,4000.00,5000.00,01/11/2024 09:00 AM\n"
            "2,Opp 2,Contact 2,Lost,Kim Diaz,1000.00,2000.00,01/12/2024 09:00 AM\n")
    info, _built, _ = import_file(mem_store, text.encode(), "opportunities.csv")
    said = findings(mem_store, info)["mapping.amount_candidates"]
    assert said[0] == "warning" and said[2]["columns"] == "«Projected Revenue Low», «Projected Revenue High»"


def test_roistats_date_of_the_order_is_the_creation(mem_store):
    text = ("ID,Order status,Roistat promo-code,Sum,Cost,The date of the order\n"
            "1,Новая заявка,1001,10000,2000,2024-05-01\n2,Успешно реализовано,1002,30000,5000,2024-05-02\n")
    info, _built, _ = import_file(mem_store, text.encode(), "deals.csv")
    assert info.meta["mapping"]["fields"]["created_at"] == "The date of the order"


def test_an_amount_per_month_is_said_not_added_up_silently(mem_store):
    # Capsule's opportunities (its help: «5,000 per month for 3 months … worth 15,000»): Value, Duration Basis
    text = ("Name,Milestone,Value,Currency,Duration Basis,Duration,Owner\n"
            "Website rebuild,New,2000.00,GBP,FIXED,,Ann\nSupport retainer,Won,500.00,GBP,MONTH,12,Ann\n"
            "Logo,Won,1500.00,GBP,FIXED,,Ben\nHosting,Proposal,80.00,GBP,MONTH,24,Ben\n")
    info, _built, _ = import_file(mem_store, text.encode(), "opportunities.csv")
    assert info.shape == "deals"  # not counts of «Value» per «Name» beside the «Milestone» stage
    said = findings(mem_store, info)["amount.per_period"]
    # 2 deals per month (the retainer, the hosting); the revenue stays 500 + 1,500 as the file writes it
    assert said[0] == "warning" and said[1] == 2 and said[2]["example"] == "MONTH"
    assert outcome(mem_store, info)[4] == 2000


EPPO = ("Experiment ID,Variation Name,Is Control,Metric Name,Numerator,Denominator,Assignment Count\n"
        "95469,Control,true,Purchase Conversion,240,6000,6000\n95469,Treatment A,false,Purchase Conversion,295,5900,5900\n"
        "95469,Control,true,Add to Cart Rate,900,6000,6000\n95469,Treatment A,false,Add to Cart Rate,944,5900,5900\n")


def test_an_experiments_first_metric_is_the_one_shown_first(mem_store):
    from funnel.metrics.filters import resolve_pipeline

    info, _built, _ = import_file(mem_store, EPPO.encode(), "eppo_export.csv")
    assert info.meta["pipelines"] == ["Purchase Conversion", "Add to Cart Rate"]  # the file's order
    with mem_store.connect() as con:
        # both metrics have 11,900 users: the file's first, not «Add to Cart Rate» first by name
        assert resolve_pipeline(con, info, FunnelSpec()) == "Purchase Conversion"
    purchase = counts(mem_store, info, "Purchase Conversion")
    assert (purchase[("Assignment Count", "Control")], purchase[("Purchase Conversion", "Treatment A")]) == (6000, 295)
