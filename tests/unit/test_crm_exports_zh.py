"""Chinese CRM and business-system exports of survey 8 (zh). Rows invented; headers, value formats and
closing words as the evidence below gives them (``/tmp/survey8/zh/REPORT.md``):

- 纷享销客 商机2.0 (``NewOpportunityObj``) list export: layout from docs (the developer docs' field set:
  商机名称, 销售流程, 商机阶段, 阶段状态 进行中/赢单/输单/无效, 商机金额(元), 赢率, 预计成交日期, 负责人,
  创建时间); no real export is public.
- 72crm 9 (agrhub/72crm-java ``CrmBusinessController.export``): 商机名称, 商机金额, 预计成交日期, 商机状态组,
  商机阶段, 负责人, 创建时间 — 预计成交日期 is the expected close date, the only close-like column.
- 销售易 (Neocrm) list export: layout from docs (结单日期, the CRM's own close date, as Salesforce's CloseDate).
- 销售易 REST API opportunity table: a company's Django sync model (search index file 10173460186,
  ``Opportunity_old``: id, ownerId, opportunityName, money, lostStageId, saleStageId, winRate, closeDate,
  createdAt, …); stage ids with their winRate (100 won, 0 lost) from product knowledge.
- «线索商机» EasyExcel DTO (``PsiBusinessOpportunity``, index file 11936055067): 商机编码, 商机阶段, 预期金额,
  状态 «0跟踪1成功2失败3搁置4失效» exported as names.
- a bid/opportunity EasyExcel DTO (``com.boms.dto.OpportunityExportDTO``, index file 66389191004): 商机名称,
  商机阶段, 预估金额, 赢率(%), 业务进度, 是否赢单 (是/否); the progress values and stage names are invented.
- 简道云 CRM 商机 template: layout from docs (提交时间 the system's creation time, stages «初步接洽(10%)»).
- Zoho CRM in Chinese with «概率 (%)»: layout from docs (the exact zh_CN stage strings are not verified).
- 纷享销客 销售线索 (LeadsObj): layout from docs (线索状态 未分配 / 待处理 / 跟进中 / 已转换 / 无效).
- 小满 OKKI opportunities as a sync stores them (zod schema, index file 5091717146): createTime (the
  CRM's 创建时间戳) beside createdAt (the sync's own Date.now()).

Expected values are worked out by hand from the rows.
"""

from __future__ import annotations

import io

import openpyxl
import pytest

from funnel.importer import import_file
from funnel.metrics import metrics_json
from funnel.metrics.context import resolve
from funnel.metrics.outcomes import outcomes_by
from funnel.spec import FunnelSpec
from funnel.velocity.cycle import cycle


def xlsx(rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def metrics(store, info):
    with store.connect() as con:
        return metrics_json(con, info, FunnelSpec())


def quality_codes(store, info) -> dict:
    with store.connect() as con:
        return dict(con.execute(f"SELECT code, n FROM ds_{info.id}.quality WHERE row_no IS NULL").fetchall())


FXIAOKE_HEAD = ["商机名称", "客户名称", "销售流程", "商机阶段", "阶段状态", "商机金额(元)", "赢率", "预计成交日期",
                "负责人", "创建时间", "输单原因"]
FXIAOKE_ROWS = [
    ["商机001", "客户01", "默认销售流程", "验证客户", "进行中", "50,000.00", "10%", "2024-04-30", "张伟", "2024-01-05 14:30", ""],
    ["商机002", "客户02", "默认销售流程", "需求确定", "输单", "30,000.00", "30%", "2024-04-30", "李娜", "2024-01-06 10:00",
     "价格太高"],
    ["商机003", "客户03", "默认销售流程", "方案/报价", "无效", "12,000.00", "60%", "2024-04-30", "王芳", "2024-01-07 09:00", ""],
    ["商机004", "客户04", "默认销售流程", "谈判审核", "进行中", "75,000.00", "80%", "2024-04-30", "张伟", "2024-01-08 08:30", ""],
    ["商机005", "客户05", "默认销售流程", "赢单", "赢单", "120,000.00", "100%", "2024-04-30", "李娜", "2024-01-09 10:10", ""],
    ["商机006", "客户06", "默认销售流程", "赢单", "赢单", "80,000.00", "100%", "2024-04-30", "王芳", "2024-01-10 11:11", ""],
]


def test_fxiaoke_expected_close_date_makes_up_no_sales_cycle(mem_store):
    """纷享销客: 预计成交日期 (2024-04-30 in every row) is what the deal was expected to close on. It was taken
    as the close of every closed deal: a median cycle of ~111 days, from a date nobody closed on, unsaid."""
    info, _, _ = import_file(mem_store, xlsx([FXIAOKE_HEAD, *FXIAOKE_ROWS]), "商机.xlsx")
    got = metrics(mem_store, info)
    # by hand: won 商机005 + 商机006 (120,000 + 80,000 = 200,000); lost 输单 + 无效; open 2
    assert (got["won"], got["lost"], got["open"], got["revenue"]) == (2, 2, 2, 200000)
    assert got["median_cycle_days"] is None and got["cycle_deals"] == 0
    # the 4 closed deals (2 won, 2 lost) have no close time, and the quality report says why
    assert quality_codes(mem_store, info)["date.close_is_expected"] == 4
    assert info.capabilities.why_not("cycle") == "capabilities.no_cycle_expected_close"
    with mem_store.connect() as con:
        out = outcomes_by(con, resolve(con, info, FunnelSpec()))[None]
        cyc = cycle(con, info, FunnelSpec())
    assert out.reasons["median_cycle_days"] == "metrics.reason.no_cycle_expected_close"
    assert (cyc.won.n, cyc.reason, cyc.reason_params) == (0, "velocity.reason.close_is_expected",
                                                          {"column": "预计成交日期"})


def test_72crm_expected_close_date_makes_up_no_sales_cycle(mem_store):
    """72crm 9 (agrhub/72crm-java): the same with the WukongCRM-style columns and 商机阶段 holding 赢单/输单."""
    text = ("商机名称,客户名称,商机金额,预计成交日期,商机状态组,商机阶段,负责人,创建时间\n"
            "A,客户A,50000,2024-04-30,默认商机组,验证客户,张三,2024-01-02 09:00:00\n"
            "B,客户B,60500,2024-04-30,默认商机组,赢单,张三,2024-01-03 09:00:00\n"
            "C,客户C,40000,2024-04-30,默认商机组,赢单,李四,2024-01-04 09:00:00\n"
            "D,客户D,10000,2024-04-30,默认商机组,输单,李四,2024-01-05 09:00:00\n")
    info, _, _ = import_file(mem_store, text.encode("utf-8"), "business.csv")
    got = metrics(mem_store, info)
    # by hand: won B + C (60,500 + 40,000 = 100,500), lost D, open A; no actual close: no cycle
    assert (got["won"], got["lost"], got["open"], got["revenue"]) == (2, 1, 1, 100500)
    assert got["median_cycle_days"] is None
    assert quality_codes(mem_store, info)["date.close_is_expected"] == 3


def test_xiaoshouyi_close_date_of_a_closed_deal_is_its_close(mem_store):
    """销售易 (layout from docs): 结单日期 is the CRM's own close date, set when the deal closes, as
    Salesforce's CloseDate: a closed deal's close time, so the cycle is measured."""
    text = ("商机名称,销售阶段,商机金额,结单日期,创建日期\n"
            "A,初步接洽,10000,2024/6/30,2024/1/5\n"
            "B,赢单,20000,2024/2/4,2024/1/5\n"
            "C,赢单,30000,2024/3/5,2024/1/15\n")
    info, _, _ = import_file(mem_store, text.encode("utf-8"), "商机.csv")
    got = metrics(mem_store, info)
    # by hand: B 5 Jan -> 4 Feb = 30 days; C 15 Jan -> 5 Mar = 16 + 29 (Feb 2024) + 5 = 50 days; median 40
    assert (got["won"], got["open"]) == (2, 1)
    assert got["median_cycle_days"] == pytest.approx(40)
    assert "date.close_is_expected" not in quality_codes(mem_store, info)


def stage_reached(store, info):
    return [(s["stage"], s["reached"]) for s in metrics(store, info)["stages"]]


def test_psi_dto_status_words_and_expected_amount(mem_store):
    """«线索商机» DTO: 失效 (no longer valid) is lost, 跟踪 (following) and 搁置 (shelved) open; 预期金额 is
    the amount. 失效 was unknown (a deal counted open) and the revenue None."""
    text = ("商机编码,客户名称,商机阶段,预期金额,状态\n"
            "S1,甲,初步沟通,10000,跟踪\nS2,乙,需求调研,20000,搁置\nS3,丙,方案报价,30000,失败\n"
            "S4,丁,需求调研,40000,失效\nS5,戊,商务谈判,48000,成功\nS6,己,商务谈判,26000,成功\n")
    info, _, _ = import_file(mem_store, text.encode("utf-8"), "商机.csv")
    got = metrics(mem_store, info)
    # by hand: won S5 + S6 (48,000 + 26,000 = 74,000); lost S3 (失败), S4 (失效); open S1 (跟踪), S2 (搁置)
    assert (got["won"], got["lost"], got["open"], got["revenue"]) == (2, 2, 2, 74000)
    assert info.meta["mapping"]["fields"]["amount"] == "预期金额"


def test_bid_dto_progress_column_won_flag_and_percent_probability(mem_store):
    """boms DTO: 业务进度 (跟进中 / 已赢单 / 已丢单) is the status, 是否赢单 «否» on an open deal no loss,
    赢率(%) a probability column, 预估金额 the amount, 信息收集 … 合同签订 on the sales ladder. Every deal was
    open, no revenue, the stages by count."""
    text = ("商机名称,商机阶段,预估金额,赢率(%),业务进度,是否赢单\n"
            "A,信息收集,10000,10,跟进中,否\n"
            "B,需求确认,20000,30,跟进中,否\n"
            "C,需求确认,20000,30,已丢单,否\n"
            "D,方案交流,30000,50,跟进中,否\n"
            "E,招投标,40000,70,跟进中,否\n"
            "F,合同签订,300000,100,已赢单,是\n"
            "G,合同签订,180000,100,已赢单,是\n")
    info, _, _ = import_file(mem_store, text.encode("utf-8"), "商机.csv")
    got = metrics(mem_store, info)
    # by hand: won F + G (300,000 + 180,000 = 480,000); lost C; open A, B, D, E (their «否» is no loss)
    assert (got["won"], got["lost"], got["open"], got["revenue"]) == (2, 1, 4, 480000)
    # reached: 信息收集 7; 需求确认 6 (all but A); 方案交流 4 (D, E, F, G; C lost at 需求确认); 招投标 3 (E, F, G);
    # 合同签订 2; the status says who won, so the won stage is its word, 已赢单, reached by F and G
    assert stage_reached(mem_store, info) == [("信息收集", 7), ("需求确认", 6), ("方案交流", 4), ("招投标", 3),
                                              ("合同签订", 2), ("已赢单", 2)]


def test_xiaoshouyi_api_table_stage_ids_win_rate_and_lost_stage(mem_store):
    """销售易 API sync: refused (no stage column); with the stage mapped by hand every deal was open."""
    text = ("id,ownerId,opportunityName,money,lostStageId,saleStageId,winRate,createdAt\n"
            "1,u1,A,10000,,1001,10,1704240000000\n"
            "2,u1,B,20000,,1002,30,1704326400000\n"
            "3,u2,C,30000,,1003,60,1704412800000\n"
            "4,u2,D,200000,,1005,100,1704499200000\n"
            "5,u2,F,150000,,1005,100,1704499200000\n"
            "6,u1,E,15000,1002,1006,0,1704585600000\n"
            "7,u1,G,5000,1001,1006,0,1704585600000\n")
    info, _, _ = import_file(mem_store, text.encode("utf-8"), "opportunity.csv")
    fields = info.meta["mapping"]["fields"]
    assert (fields["stage"], fields["amount"], fields["lost_stage"], fields["deal_name"]) == (
        "saleStageId", "money", "lostStageId", "opportunityName")
    got = metrics(mem_store, info)
    # by hand: 1005 (winRate 100 on both its deals) won: D + F = 350,000; 1006 (winRate 0 on both) lost: E
    # stopped at 1002, G at 1001; open A, B, C
    assert (got["won"], got["lost"], got["open"], got["revenue"]) == (2, 2, 3, 350000)
    # order by winRate 10 < 30 < 60; reached 1001: 7; 1002: 5 (B, C, D, F, E); 1003: 3 (C, D, F); 1005: 2
    assert stage_reached(mem_store, info) == [("1001", 7), ("1002", 5), ("1003", 3), ("1005", 2)]


def test_jiandaoyun_percent_named_stages(mem_store):
    """简道云 CRM: stages named with their probability. The percent was read as part of the name: the
    order by count, «赢单(100%)» / «输单(0%)» steps, a synthetic «赢单» after them, no amount, no creation."""
    text = ("商机名称,商机阶段,商机状态,预计成交金额（元）,提交人,提交时间,成交日期\n"
            "A,初步接洽(10%),跟进中,10000,张三,2024-01-01 10:00,\n"
            "B,初步接洽(10%),跟进中,10000,张三,2024-01-02 10:00,\n"
            "C,方案报价(50%),跟进中,30000,李四,2024-01-03 10:00,\n"
            "D,需求确认(30%),跟进中,20000,李四,2024-01-04 10:00,\n"
            "E,赢单(100%),赢单,68000,张三,2024-01-05 12:00,2024-02-04 12:00\n"
            "F,输单(0%),输单,9000,李四,2024-01-06 10:00,2024-01-20 10:00\n")
    info, _, _ = import_file(mem_store, text.encode("utf-8"), "商机.csv")
    assert info.meta["stage_order"] == {"": ["初步接洽(10%)", "需求确认(30%)", "方案报价(50%)", "赢单(100%)"]}
    got = metrics(mem_store, info)
    # by hand: won E 68,000; lost F (stage unknown: counted at the first); open A-D
    assert (got["won"], got["lost"], got["open"], got["revenue"]) == (1, 1, 4, 68000)
    # reached: 初步接洽 6, 需求确认 3 (C, D, E), 方案报价 2 (C, E), 赢单 1; cycle E 5 Jan 12:00 -> 4 Feb 12:00 = 30 d
    assert stage_reached(mem_store, info) == [("初步接洽(10%)", 6), ("需求确认(30%)", 3), ("方案报价(50%)", 2),
                                              ("赢单(100%)", 1)]
    assert got["median_cycle_days"] == pytest.approx(30)
    assert info.meta["mapping"]["fields"]["created_at"] == "提交时间"


def test_zoho_cn_probability_percent_header_orders_stages(mem_store):
    """Zoho CRM in Chinese: «概率 (%)» orders the company's stages, 已结束-赢得 / 已结束-丢失 /
    已结束-输给竞争对手 close them (the last a stage of one deal: its name, not its 0 %, says lost).
    Nothing was won, the stages by count."""
    text = ("\ufeff记录ID,商机名称,阶段,概率 (%),金额,创建时间,结单日期\n"
            "zcrm_1,A,资格审查,10,1000,2024-01-01 09:00:00,2024-06-30\n"
            "zcrm_2,B,资格审查,10,1000,2024-01-02 09:00:00,2024-06-30\n"
            "zcrm_3,C,价值主张,40,2000,2024-01-03 09:00:00,2024-06-30\n"
            "zcrm_4,D,谈判/审查,90,3000,2024-01-04 09:00:00,2024-06-30\n"
            "zcrm_5,E,已结束-赢得,100,30000,2024-01-05 00:00:00,2024-02-04\n"
            "zcrm_6,F,已结束-丢失,0,5000,2024-01-06 09:00:00,2024-01-20\n"
            "zcrm_7,G,已结束-输给竞争对手,0,7000,2024-01-07 09:00:00,2024-01-21\n")
    info, _, _ = import_file(mem_store, text.encode("utf-8"), "Deals.csv")
    assert info.meta["stage_order"] == {"": ["资格审查", "价值主张", "谈判/审查", "已结束-赢得"]}
    got = metrics(mem_store, info)
    # by hand: won E 30,000, lost F and G (lost to a competitor), open 4; E's cycle 5 Jan 00:00 -> 4 Feb
    # (结单日期: Zoho's close date) = 30 d
    assert (got["won"], got["lost"], got["open"], got["revenue"]) == (1, 2, 4, 30000)
    assert got["median_cycle_days"] == pytest.approx(30)


def test_fxiaoke_leads_status_is_the_stage(mem_store):
    """纷享销客 leads: 线索状态 is the stage of a leads funnel (it was refused: no stage column); 已转换 won,
    无效 lost; 未分配 → 待处理 → 跟进中."""
    text = ("姓名,公司名称,线索来源,线索状态,负责人,创建时间\n"
            "a,甲,官网,跟进中,张三,2024-01-01 10:00\nb,乙,官网,未分配,,2024-01-02 10:00\n"
            "c,丙,展会,待处理,李四,2024-01-03 10:00\nd,丁,展会,已转换,李四,2024-01-04 10:00\n"
            "e,戊,官网,无效,张三,2024-01-05 10:00\nf,己,官网,待处理,张三,2024-01-06 10:00\n")
    info, _, _ = import_file(mem_store, text.encode("utf-8"), "线索.csv")
    assert info.meta["stage_order"] == {"": ["未分配", "待处理", "跟进中", "已转换"]}
    got = metrics(mem_store, info)
    # by hand: won d; lost e (at an unknown step: counted at the first); open a, b, c, f
    assert (got["won"], got["lost"], got["open"]) == (1, 1, 4)
    # reached: 未分配 6; 待处理 4 (a, c, d, f); 跟进中 2 (a, d); 已转换 1
    assert stage_reached(mem_store, info) == [("未分配", 6), ("待处理", 4), ("跟进中", 2), ("已转换", 1)]


def test_okki_sync_create_time_over_the_syncs_created_at(mem_store):
    """小满 OKKI sync: createdAt is the load time (one instant for all rows), createTime the CRM's."""
    text = ("id,opportunityId,name,amount,currency,stageName,createTime,orderTime,createdAt\n"
            "1,9001,A,1000,USD,初步接洽,1704067200,,1717200000\n"
            "2,9002,B,2000,USD,赢单,1704153600,1706745600,1717200000\n")
    info, _, _ = import_file(mem_store, text.encode("utf-8"), "opportunities.csv")
    assert info.meta["mapping"]["fields"]["created_at"] == "createTime"
    with mem_store.connect() as con:
        created = con.execute(f"SELECT created_at FROM ds_{info.id}.deals ORDER BY row_no").fetchall()
    # by hand: 1704067200 = 2024-01-01 00:00 UTC, 1704153600 = 2024-01-02 00:00 UTC
    assert [str(c[0]) for c in created] == ["2024-01-01 00:00:00", "2024-01-02 00:00:00"]


def test_ladder_places_the_surveyed_chinese_stage_words():
    """Stage words with no rung before: the bid DTO's 信息收集 / 招投标, CordysCRM's defaults (its
    ``StageType``: 新建 → 需求明确 → 方案验证 → 项目汇报 → 商务采购), 纷享销客's lead statuses. Given most
    deals first (as the importer does), the ladder gives the products' order."""
    from funnel.mapping.stage_ladder import ladder_order
    assert ladder_order(["合同签订", "信息收集", "招投标", "需求确认", "方案交流"]) == [
        "信息收集", "需求确认", "方案交流", "招投标", "合同签订"]
    assert ladder_order(["新建", "商务采购", "需求明确", "方案验证", "项目汇报"]) == [
        "新建", "需求明确", "方案验证", "项目汇报", "商务采购"]
    assert ladder_order(["跟进中", "待处理", "未分配"]) == ["未分配", "待处理", "跟进中"]
