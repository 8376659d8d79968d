"""Survey 39: Chinese CRMs not in the README, and API answers. Every expected value is worked out by hand from the
rows below.

- 销帮帮 (xbongbong) 销售机会 export (titles from its API's form, a public analyst script; layout a guess):
  «机会来源» was dropped (no source), and the cycle's hint offered «预计结束时间», the *expected* end, as the close
  (45 days where the cycle is unknown).
- 企业微信 (WeCom) 客户联系 export: 客户名称, 添加人, 添加时间, 添加渠道, 企业标签, 跟进状态 (LinkWechat-Scrm's
  ``trackState`` «1:待跟进;2:跟进中;3:已成交;4:无意向;5:已流失»): refused; with the preset, the order backwards.
- 钉钉 (DingTalk) CRM open API ``objectdata`` answer: each record's ``data`` is the record as JSON text, a select
  ``{"value", "extendValue"}``; ``gmt_create`` the creation. Refused (no stage), with no way round it.
"""

from __future__ import annotations

import json

import openpyxl

from funnel.cli import main as cli_main
from tests.unit.test_survey34 import _metrics
from tests.unit.test_survey38 import _cli_json, _import

XBB = ("机会编号,机会名称,销售阶段,预计金额,预计结束时间,机会来源,负责人,创建时间\n"
       "SJ1,华东物流,赢单,50000,2024-04-15,官网,张伟,2024-03-01 10:00\n"
       "SJ2,星海教育,输单,20000,2024-04-20,展会,李娜,2024-03-02 10:00\n"
       "SJ3,云杉制造,谈判审核,30000,2024-04-25,官网,张伟,2024-03-03 10:00\n"
       "SJ4,北辰医疗,初步接洽,10000,2024-05-01,百度推广,李娜,2024-03-04 10:00\n")


def test_xbongbong_source_and_no_expected_end_offered_as_the_close(tmp_path, capsys):
    """Sources by hand: 官网 SJ1 (won), SJ3; 展会 SJ2; 百度推广 SJ4. No column says when a deal closed: the cycle is
    unknown, and the warning names no column (the expected end is no close)."""
    doc = _import(tmp_path, capsys, XBB, "销售机会.csv")
    assert doc["mapping"]["fields"]["source"] == "机会来源"
    said = {f["code"]: f["message"] for f in doc["warnings"]}
    assert "deals.won_no_close" in said and "deals.won_no_close_columns" not in said
    assert not any("预计结束时间" in m for m in said.values())
    segments = _cli_json(tmp_path, capsys, "segments", "1", "--by", "source")["segments"]
    assert {s["value"]: (s["deals"], s["won"]) for s in segments} == {"官网": (2, 1), "展会": (1, 0), "百度推广": (1, 0)}
    assert _metrics(tmp_path, capsys)["median_cycle_days"] is None


def test_wecom_customer_export_is_a_lead_funnel(tmp_path, capsys):
    """By hand: won 2 (已成交), lost 1 (无意向), open 3; the follow-up states in their order 待跟进 → 跟进中 → 已成交,
    reached 6 (the lost one counted at the first), 4 (2 跟进中 + the 2 won), 2; 张伟 3 deals won 1 lost 1, 李娜 3 deals
    won 1; no amounts, so no revenue (not 0)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["客户名称", "客户类型", "添加人", "添加人所属部门", "添加时间", "添加渠道", "企业标签", "备注", "跟进状态"])
    for name, who, day, state in (("华东物流", "张伟", 1, "已成交"), ("星海教育", "李娜", 2, "已成交"),
                                  ("云杉制造", "张伟", 3, "无意向"), ("北辰医疗", "张伟", 4, "跟进中"),
                                  ("南湖餐饮", "李娜", 5, "跟进中"), ("西岭文旅", "李娜", 6, "待跟进")):
        sheet.append([name, "微信", who, "销售部", f"2024-03-0{day} 10:00:00", "官网", "意向客户", None, state])
    path = tmp_path / "客户列表.xlsx"
    book.save(path)
    assert cli_main(["--data-dir", str(tmp_path), "import", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["mapping"]["preset"] == "wecom_scrm"
    fields = doc["mapping"]["fields"]
    assert (fields["manager"], fields["created_at"], fields["source"]) == ("添加人", "添加时间", "添加渠道")
    m = _metrics(tmp_path, capsys)
    assert (m["won"], m["lost"], m["open"], m["revenue"], m["order_guessed"]) == (2, 1, 3, None, False)
    assert [(s["stage"], s["reached"]) for s in m["stages"]] == [("待跟进", 6), ("跟进中", 4), ("已成交", 2)]
    managers = {r["manager"]: (r["deals"], r["won"], r["lost"])
                for r in _cli_json(tmp_path, capsys, "managers", "1")["managers"]}
    assert managers == {"张伟": (3, 1, 1), "李娜": (3, 1, 0)}


def _ding(name: str, stage: str, amount: float, source: str, created: str) -> dict:
    data = {"opportunity_name": name,
            "opportunity_stage": {"value": stage, "extendValue": json.dumps({"label": stage}, ensure_ascii=False)},
            "opportunity_amount": amount, "opportunity_source": {"value": source}}
    return {"creator_userid": "manager1001", "creator_nick": "张伟", "data": json.dumps(data, ensure_ascii=False),
            "gmt_create": created, "gmt_modified": created, "instance_id": f"INST_{name}",
            "object_type": "crm_customer_opportunity", "proc_inst_status": "COMPLETE"}


def test_dingtalk_crm_records_written_as_json_text(tmp_path, capsys):
    """By hand: 4 deals, won 1 (赢单, 50,000), lost 1 (输单), open 2; 初步接洽 4 (the lost one counted at the first
    stage), 谈判审核 2 (C and the won A), 赢单 1. Sources 官网 2, 展会 1, 转介绍 1."""
    answer = {"errcode": 0, "errmsg": "ok", "result_list": [
        _ding("A", "赢单", 50000.0, "官网", "2024-03-01 10:00:00"), _ding("B", "输单", 20000.0, "展会", "2024-03-02 10:00:00"),
        _ding("C", "谈判审核", 30000.0, "官网", "2024-03-03 10:00:00"),
        _ding("D", "初步接洽", 10000.0, "转介绍", "2024-03-04 10:00:00")]}
    doc = _import(tmp_path, capsys, json.dumps(answer, ensure_ascii=False), "objectdata.json")
    fields = doc["mapping"]["fields"]
    assert (fields["stage"], fields["amount"], fields["created_at"]) == (
        "opportunity_stage", "opportunity_amount", "gmt_create")
    m = _metrics(tmp_path, capsys)
    assert (m["deals"], m["won"], m["lost"], m["open"], m["revenue"]) == (4, 1, 1, 2, 50000)
    assert [(s["stage"], s["reached"]) for s in m["stages"]] == [("初步接洽", 4), ("谈判审核", 2), ("赢单", 1)]
    segments = _cli_json(tmp_path, capsys, "segments", "1", "--by", "source")["segments"]
    assert {s["value"]: s["deals"] for s in segments} == {"官网": 2, "展会": 1, "转介绍": 1}


def _deal(n: int, stage: str, user: str, amount: float, created: str, finished: str | None) -> dict:
    return {"type": "deals", "id": str(n), "links": {"self": f"https://app.salesap.ru/api/v1/deals/{n}"},
            "attributes": {"name": f"Сделка {n}", "amount": amount, "planned-at": "2024-04-30", "finished-at": finished,
                           "created-at": created, "customs": {}},
            "relationships": {"stage": {"data": {"type": "deal-stages", "id": stage}},
                              "responsible": {"data": {"type": "users", "id": user}}}}


def test_salesap_json_api_reads_data_and_names_its_relationships(tmp_path, capsys):
    """SalesapCRM's ``/api/v1/deals?include=stage,responsible`` (JSON:API: the deals in ``data``, their stages and
    users in the longer ``included``, which was taken for the records). By hand: deal 1 won («Сделка заключена»,
    100; 1 Mar 10:00 -> 11 Mar, a day: 10 days), deal 2 lost («Сделка сорвалась»), deal 3 open («Новая»): win rate
    1/2, revenue 100, median cycle 10; Иван Петров deals 1 and 3 (won 1), Анна Смирнова deal 2 (lost 1)."""
    stages = [("301", "Новая"), ("305", "Сделка заключена"), ("306", "Сделка сорвалась")]
    answer = {"data": [_deal(1, "305", "7", 100.0, "2024-03-01T10:00:00.000+03:00", "2024-03-11"),
                       _deal(2, "306", "8", 50.0, "2024-03-02T10:00:00.000+03:00", "2024-03-05"),
                       _deal(3, "301", "7", 30.0, "2024-03-03T10:00:00.000+03:00", None)],
              "included": [{"type": "deal-stages", "id": i, "attributes": {"name": name}} for i, name in stages] + [
                  {"type": "users", "id": "7", "attributes": {"first-name": "Иван", "last-name": "Петров"}},
                  {"type": "users", "id": "8", "attributes": {"first-name": "Анна", "last-name": "Смирнова"}}],
              "meta": {"total": 3}}
    doc = _import(tmp_path, capsys, json.dumps(answer, ensure_ascii=False), "deals.json")
    assert doc["deals"] == 3
    fields = doc["mapping"]["fields"]
    assert (fields["closed_at"], fields["expected_close"], fields["manager"]) == ("finished-at", "planned-at", "responsible")
    m = _metrics(tmp_path, capsys)
    assert (m["won"], m["lost"], m["open"], m["win_rate"], m["revenue"], m["median_cycle_days"]) == (1, 1, 1, 0.5, 100, 10)
    managers = {r["manager"]: (r["deals"], r["won"], r["lost"])
                for r in _cli_json(tmp_path, capsys, "managers", "1")["managers"]}
    assert managers == {"Иван Петров": (2, 1, 0), "Анна Смирнова": (1, 0, 1)}
