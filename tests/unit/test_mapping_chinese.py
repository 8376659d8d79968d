"""A Chinese CRM export (纷享销客 / 销售易 style: Chinese headers, 赢单/输单/进行中 status words,
2024年3月5日 and 2024/03/20 dates, "10,000.00" amounts) maps and imports with no fix, in UTF-8 and in
GB18030 (what Excel on a Chinese Windows saves). Every expected number is counted by hand below."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from funnel.importer import import_file
from funnel.mapping import propose_mapping
from funnel.mapping.status import classify_stage_name, classify_status_value
from funnel.metrics.report import metrics_json
from funnel.readers.sniff import detect_encoding
from funnel.spec import FunnelSpec

HEADER = "商机编号,商机名称,客户名称,销售阶段,商机状态,商机金额,币种,负责人,创建时间,结束日期,输单原因,商机来源"
ROWS = [
    "SO-001,云服务采购,北京某科技有限公司,初步接洽,进行中,\"10,000.00\",CNY,张伟,2024年3月5日,,,官网",
    "SO-002,办公系统升级,上海某贸易有限公司,需求确定,进行中,\"20,000.00\",CNY,李娜,2024年3月6日,,,展会",
    "SO-003,数据平台,广州某集团,方案报价,进行中,\"30,000.00\",CNY,张伟,2024年3月7日,,,官网",
    "SO-004,年度维保,深圳某电子,谈判审核,进行中,\"40,000.00\",CNY,王芳,2024年3月8日,,,转介绍",
    "SO-005,私有化部署,杭州某网络,赢单,赢单,\"50,000.00\",CNY,张伟,2024年3月1日,2024/03/20,,官网",
    "SO-006,培训服务,成都某教育,赢单,赢单,\"15,000.00\",CNY,李娜,2024年3月2日,2024/03/25,,展会",
    "SO-007,硬件采购,武汉某制造,输单,输单,\"8,000.00\",CNY,王芳,2024年3月3日,2024/03/15,价格太高,转介绍",
    "SO-008,咨询项目,南京某咨询,方案报价,输单,\"12,000.00\",CNY,李娜,2024年3月4日,2024/03/18,选择了竞争对手,官网",
]
TEXT = "\n".join([HEADER, *ROWS]) + "\n"
STAGES = ["初步接洽", "需求确定", "方案报价", "谈判审核", "赢单"]


def test_chinese_headers_map_to_the_canonical_fields():
    headers = HEADER.split(",")
    m = propose_mapping(headers, list(csv.reader(ROWS)))
    assert {f: headers[i] for f, i in m.fields.items()} == {
        "deal_id": "商机编号", "deal_name": "商机名称", "stage": "销售阶段", "status": "商机状态",
        "amount": "商机金额", "currency": "币种", "manager": "负责人", "created_at": "创建时间",
        "closed_at": "结束日期", "lost_reason": "输单原因", "source": "商机来源"}
    assert list(m.extras.values()) == ["客户名称"]


def test_zoho_crm_in_chinese_headers():
    headers = ["记录ID", "商机负责人", "商机名称", "金额", "结单日期", "阶段", "线索来源", "创建时间", "输单原因", "币种"]
    m = propose_mapping(headers)
    assert {f: headers[i] for f, i in m.fields.items()} == {
        "deal_id": "记录ID", "manager": "商机负责人", "deal_name": "商机名称", "amount": "金额",
        "expected_close": "结单日期", "stage": "阶段", "source": "线索来源", "created_at": "创建时间",
        "lost_reason": "输单原因", "currency": "币种"}


@pytest.mark.parametrize(("value", "kind"), [("赢单", "won"), ("已赢单", "won"), ("输单", "lost"), ("输单关闭", "lost"),
                                            ("进行中", "open"), ("跟进中", "open"), ("作废", None)])
def test_chinese_status_words(value, kind):
    assert classify_status_value(value) == kind


def test_chinese_closing_stage_names():
    assert classify_stage_name("赢单关闭") == "won" and classify_stage_name("输单") == "lost"
    assert classify_stage_name("方案报价") is None


def test_gb18030_is_recognised_and_russian_cp1251_is_not_taken_for_it():
    assert detect_encoding(TEXT.encode("gb18030"), True) == "gb18030"
    russian = "ID;Название сделки;Бюджет;Ответственный\n1;Поставка оборудования;1 250 000,00;Анна Петрова\n"
    assert detect_encoding(russian.encode("cp1251"), True) == "cp1251"


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_chinese_export_imports_with_hand_counted_funnel(mem_store, tmp_path, encoding):
    path = tmp_path / f"商机_{encoding}.csv"
    path.write_bytes(TEXT.encode(encoding))
    info, built, _ = import_file(mem_store, path, stages=STAGES)
    assert built["n_deals"] == 8 and built["rows_rejected"] == 0
    with mem_store.connect() as con:
        doc = metrics_json(con, info, FunnelSpec())
        first = con.execute(f"SELECT created_at, amount, manager FROM ds_{info.id}.deals WHERE deal_id = 'SO-001'").fetchone()
        won = con.execute(f"SELECT created_at, closed_at FROM ds_{info.id}.deals WHERE deal_id = 'SO-005'").fetchone()
    # 2024年3月5日 and 2024/03/20 are dates; "10,000.00" is ten thousand
    assert first == (dt.datetime(2024, 3, 5), 10000.0, "张伟")
    assert won == (dt.datetime(2024, 3, 1), dt.datetime(2024, 3, 20))
    # won: SO-005, SO-006; lost: SO-007 (stage 输单: where it was lost is unknown -> first stage),
    # SO-008 (lost at 方案报价); open: SO-001..004.
    assert (doc["deals"], doc["won"], doc["lost"], doc["open"]) == (8, 2, 2, 4)
    assert doc["win_rate"] == pytest.approx(2 / 4) and doc["lost_stage_unknown"] == 1
    # reached: 初步接洽 all 8; 需求确定: 002-006 and 008 = 6; 方案报价: 003-006, 008 = 5;
    # 谈判审核: 004-006 = 3; 赢单: 005, 006 = 2
    assert [(s["stage"], s["reached"]) for s in doc["stages"]] == list(zip(STAGES, [8, 6, 5, 3, 2], strict=True))
    # revenue 50,000 + 15,000; cycles 3/1 -> 3/20 = 19 days and 3/2 -> 3/25 = 23 days, median 21
    assert doc["revenue"] == pytest.approx(65000.0)
    assert doc["median_cycle_days"] == pytest.approx(21.0)
