"""Issue 16, survey 33: a Chinese sales manager's weekly 商机 refresh (悟空CRM / 金蝶 style: UTF-8, GB18030 and
UTF-16 files, «1.25万», «￥», «2024年3月15日»). Every number matched the hand values but the stage counts of the week
a new stage appeared; the words had «—» for empty parts, three quote styles and English command help."""

from __future__ import annotations

import json

from funnel.dataset_edit import refresh
from funnel.importer import Source, import_file
from funnel.mapping.header_currency import header_currency
from funnel.quality_report import finding_text
from tests.unit.test_crm_exports_spreadsheets import findings, reached

HEADER = "商机编号,商机名称,商机金额（元）,负责人,商机阶段,创建时间\n"
ORDER = ["初步接洽", "需求确认", "方案/报价", "谈判审核"]


def _file(rows) -> bytes:
    return (HEADER + "".join(f"{i},商机{i},{amount},{owner},{stage},2024-03-0{1 + k % 9} 10:00:00\n"
                             for k, (i, amount, owner, stage) in enumerate(rows))).encode("utf-8-sig")


WEEK1 = [("SJ001", 10000, "张伟", "初步接洽"), ("SJ002", 20000, "张伟", "需求确认"), ("SJ003", 30000, "李娜", "谈判审核"),
         ("SJ004", 40000, "李娜", "方案/报价"), ("SJ005", 50000, "王芳", "赢单"), ("SJ006", 60000, "王芳", "输单")]


def _refresh(store, info, data: bytes):
    refresh(store, info.id, Source(data, "商机.csv"))
    return store.resolve(str(info.id))


def test_a_new_stage_goes_after_the_stage_its_deals_came_from(mem_store):
    """Week 2: SJ003 moves from 谈判审核 to the new 商务审批, SJ007 arrives at it. By this week's counts alone it went
    second (初步接洽 → 需求确认 → 商务审批 → …): reached 方案/报价 and 谈判审核 short by 2, and «SJ003 moved back».
    The deal came from 谈判审核: 商务审批 goes right after it. Hand (open: 初步接洽 1, 需求确认 1, 方案/报价 1, 商务审批 2;
    won 1, reaching every stage; lost 1, at the first stage): 7, 5, 4, 3, 3, 1; nobody moved back."""
    info, _built, _ = import_file(mem_store, _file(WEEK1), "商机.csv", stages=[*ORDER, "赢单"])
    week2 = [r for r in WEEK1 if r[0] != "SJ003"] + [("SJ003", 30000, "李娜", "商务审批"), ("SJ007", 70000, "赵磊", "商务审批")]
    info = _refresh(mem_store, info, _file(week2))
    assert reached(mem_store, info) == [("初步接洽", 7), ("需求确认", 5), ("方案/报价", 4), ("谈判审核", 3),
                                        ("商务审批", 3), ("赢单", 1)]
    parts = dict(findings(mem_store, info)["refresh.changes"][2]["parts"])
    assert "quality.refresh.part.back" not in parts


def test_the_weeks_changes_count_new_deals_won_at_once_and_leave_out_what_did_not_happen(mem_store):
    """Week 2: SJ002 won, a new SJ007 already won, nothing gone, nobody moved back. Before: «赢单 1 笔» (the new won
    deal left out) and «从导出中消失 0 笔（—）…；新经理：—». Hand: 1 new, 2 won, a new 负责人 赵磊; ZH “”."""
    info, _built, _ = import_file(mem_store, _file(WEEK1), "商机.csv", stages=[*ORDER, "赢单"])
    week2 = [r if r[0] != "SJ002" else ("SJ002", 20000, "张伟", "赢单") for r in WEEK1] + [("SJ007", 7000, "赵磊", "赢单")]
    info = _refresh(mem_store, info, _file(week2))
    detail = findings(mem_store, info)["refresh.changes"][2]
    assert [k for k, _p in detail["parts"]] == ["quality.refresh.part.new", "quality.refresh.part.won",
                                                 "quality.refresh.part.managers"]
    said = finding_text("refresh.changes", json.dumps(detail, ensure_ascii=False), "zh")
    assert said == "与上次导入相比：新增 1 笔；赢单 2 笔；新负责人 1 名：“赵磊”。"
    assert finding_text("refresh.changes", json.dumps(detail, ensure_ascii=False), "ru") == \
        "С прошлой выгрузки этого набора: 1 новая сделка; 2 выиграны; 1 новый менеджер: «赵磊»."


def test_a_dataset_of_one_pipeline_is_named_in_words_not_a_dash(mem_store):
    """«本次导出中的新阶段（—）»: the empty pipeline's name was «—». Now «（全部交易）»."""
    info, _built, _ = import_file(mem_store, _file(WEEK1), "商机.csv", stages=[*ORDER, "赢单"])
    info = _refresh(mem_store, info, _file([*WEEK1, ("SJ008", 8000, "张伟", "商务审批")]))
    detail = findings(mem_store, info)["refresh.stages_new"][2]
    said = finding_text("refresh.stages_new", json.dumps(detail, ensure_ascii=False), "zh")
    assert said.startswith("本次导出中的新阶段（全部交易）：“商务审批”。") and "—" not in said and "«" not in said


def test_a_chinese_amount_header_names_its_currency():
    """«商机金额（元）» and «金额(RMB)» gave no currency (no ¥ anywhere); «金额（美元）» is dollars, «万元» a unit of yuan."""
    assert header_currency("商机金额（元）") == "CNY"
    assert header_currency("金额(RMB)") == "CNY"
    assert header_currency("合同金额（万元）") == "CNY"
    assert header_currency("金额（美元）") == "USD"
    assert header_currency("商机金额") is None


def test_the_chinese_command_list_and_the_pipelines_date(tmp_path, monkeypatch, capsys):
    """`--help` listed report, velocity, pipeline, forecast, diagnose, managers and segments in English; `pipeline`
    printed «截至 2024-03-09 00:00:00，管道 —» (ISO, a dash). The last creation is 9 March 2024 10:00."""
    import pytest

    from funnel.cli import main as cli_main

    monkeypatch.setenv("FUNNEL_LANG", "zh")
    with pytest.raises(SystemExit):
        cli_main(["--help"])
    out = capsys.readouterr().out
    assert "velocity            各阶段停留时间、销售周期和销售速度" in out and "the audit" not in out
    path = tmp_path / "商机.csv"
    path.write_bytes(_file(WEEK1))
    assert cli_main(["--data-dir", str(tmp_path), "import", str(path)]) == 0
    capsys.readouterr()
    assert cli_main(["--data-dir", str(tmp_path), "pipeline", "1"]) == 0
    head = capsys.readouterr().out.splitlines()[0]
    assert head.startswith("截至 2024年3月6日") and "（主销售管道）" in head and "—" not in head
