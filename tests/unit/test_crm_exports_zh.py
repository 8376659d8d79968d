"""Chinese CRM and business-system exports of survey 8 (zh). Rows invented; headers, value formats and
closing words as the evidence below gives them (``/tmp/survey8/zh/REPORT.md``):

- 纷享销客 商机2.0 (``NewOpportunityObj``) list export: layout from docs (the developer docs' field set:
  商机名称, 销售流程, 商机阶段, 阶段状态 进行中/赢单/输单/无效, 商机金额(元), 赢率, 预计成交日期, 负责人,
  创建时间); no real export is public.
- 72crm 9 (agrhub/72crm-java ``CrmBusinessController.export``): 商机名称, 商机金额, 预计成交日期, 商机状态组,
  商机阶段, 负责人, 创建时间 — 预计成交日期 is the expected close date, the only close-like column.
- 销售易 (Neocrm) list export: layout from docs (结单日期, the CRM's own close date, as Salesforce's CloseDate).

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
