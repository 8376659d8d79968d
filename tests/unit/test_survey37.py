"""Issue 16, survey 37: exports of CRMs that Russian- and Chinese-speaking teams use and the README did not list
(Flowlu, ActiveCampaign, Feishu Bitable, ПланФикс, 小满 OKKI, Tilda). Each case is written here in the layout the
survey found (sources beside each), values invented, numbers worked out by hand."""

from __future__ import annotations

import json

import pytest

from funnel.cli import main as cli_main
from funnel.errors import FunnelError
from tests.unit.test_survey34 import _import, _metrics

# Flowlu's opportunities through `/api/v1/module/crm/lead/list` (field names: activepieces' Flowlu piece and a
# client script): `active` 1 in progress, 2 lost, 3 won. Won: 1 (50,000; 1 → 21 Feb, 20 days) and 2 (30,000;
# 5 Feb → 6 Mar 2024, 30 days); 3 lost at stage 2; 4 open at stage 3. Revenue 80,000, win rate 2/3, median 25 days.
FLOWLU = ("id,name,budget,active,pipeline_id,pipeline_stage_id,source_id,assignee_id,start_date,deadline,"
          "closing_date,closing_status_id,closing_comment,created_date,updated_date\n"
          "1,Поставка,50000.00,3,1,5,2,3,2024-02-01,2024-03-17,2024-02-21,,,2024-02-01 00:00:00,2024-02-21 18:00:00\n"
          "2,Внедрение,30000.00,3,1,5,2,1,2024-02-05,2024-03-21,2024-03-06,,,2024-02-05 00:00:00,2024-03-06 18:00:00\n"
          "3,Лицензии,10000.00,2,1,2,1,2,2024-02-10,2024-03-26,2024-02-15,4,дорого,2024-02-10 00:00:00,2024-02-15 10:00:00\n"
          "4,Аудит,20000.00,1,1,3,1,2,2024-02-12,2024-03-28,,,,2024-02-12 00:00:00,2024-02-20 10:00:00\n")

# ActiveCampaign's `/api/3/deals` as a Singer tap writes them (its DealsStream schema): `value` in cents (Pipedream's
# action: «$456.78 => 45678»), `status` 0 open, 1 won, 2 lost. Won: 12,500.00 + 8,000.50 = 20,500.50 USD.
ACTIVECAMPAIGN = ("owner,contact,stage,group,title,cdate,mdate,value,currency,winProbability,status,activitycount,"
                  "nextdealid,id,isDisabled,hash\n"
                  "2,101,4,1,Deal 1,2024-02-01T10:00:00-05:00,2024-02-20T16:00:00-05:00,1250000,usd,,1,4,0,1,false,h1\n"
                  "1,102,4,1,Deal 2,2024-02-03T09:00:00-05:00,2024-03-04T11:00:00-05:00,800050,usd,,1,5,0,2,false,h2\n"
                  "2,103,2,1,Deal 3,2024-02-05T12:00:00-05:00,2024-02-19T12:00:00-05:00,2000000,usd,,2,6,0,3,false,h3\n"
                  "1,104,1,1,Deal 4,2024-02-07T12:00:00-05:00,2024-02-09T12:00:00-05:00,100000,usd,,0,1,0,4,false,h4\n")


def test_flowlu_api_reads_its_status_codes_and_close_date(tmp_path, capsys):
    out = _import(tmp_path, capsys, FLOWLU, "flowlu.csv")
    assert "mapping (preset flowlu_api):" in out and "Closed at ← «closing_date»" in out
    doc = _metrics(tmp_path, capsys)
    assert (doc["deals"], doc["won"], doc["lost"], doc["open"]) == (4, 2, 1, 1)
    assert doc["revenue"] == 80000.0 and doc["median_cycle_days"] == 25.0
    assert doc["win_rate"] == pytest.approx(2 / 3)


def test_activecampaign_value_is_in_cents_and_its_status_codes_are_outcomes(tmp_path, capsys):
    out = _import(tmp_path, capsys, ACTIVECAMPAIGN, "deals.csv")
    assert "mapping (preset activecampaign_api):" in out and "Created at ← «cdate»" in out
    doc = _metrics(tmp_path, capsys)
    assert (doc["deals"], doc["won"], doc["lost"], doc["open"]) == (4, 2, 1, 1)
    assert doc["revenue"] == 20500.5  # was 2,050,050: the cents read as money


# the same Flowlu rows under a team's own headers: no preset knows the codes, the user says what they mean
RENAMED = FLOWLU.replace("pipeline_stage_id", "stage").replace("active", "state").replace("budget", "amount")


def test_a_user_says_what_unknown_status_codes_mean(tmp_path, capsys):
    path = tmp_path / "deals.csv"
    path.write_text(RENAMED, encoding="utf-8")
    assert cli_main(["--data-dir", str(tmp_path), "import", str(path), "--map", "status=state"]) == 0
    out = capsys.readouterr().out
    assert "--status-values" in out and "Status value «3» not recognised" in out and "(state)" in out
    assert (_metrics(tmp_path, capsys)["won"]) is None  # unknown until the codes are said: nothing marks a win
    assert cli_main(["--data-dir", str(tmp_path), "edit", "1", "--status-values", "3=won,2=lost,1=open"]) == 0
    capsys.readouterr()
    doc = _metrics(tmp_path, capsys)
    assert (doc["won"], doc["lost"], doc["open"], doc["revenue"]) == (2, 1, 1, 80000.0)


@pytest.mark.parametrize("given, message", [
    ("3=won,2=lost,4=open", "No deal of dataset 1 has the status «4»"),
    ("3=won,1=opn", "a status value means won, lost or open"),
    ("3won", "«3won» is not VALUE=KIND"),
])
def test_status_values_are_checked_before_anything_changes(tmp_path, capsys, given, message):
    path = tmp_path / "deals.csv"
    path.write_text(RENAMED, encoding="utf-8")
    assert cli_main(["--data-dir", str(tmp_path), "import", str(path), "--map", "status=state"]) == 0
    capsys.readouterr()
    assert cli_main(["--data-dir", str(tmp_path), "edit", "1", "--status-values", given]) != 0
    assert message in capsys.readouterr().err
    assert _metrics(tmp_path, capsys)["won"] is None  # nothing changed: still unknown


def test_status_values_need_a_status_column(tmp_path, capsys):
    from funnel.dataset_edit import rederive
    from funnel.store import Store

    _import(tmp_path, capsys, "Deal,Stage,Amount\nA,Lead,1\nB,Won,2\n", "d.csv")
    store = Store(tmp_path / "funnel.duckdb")
    with pytest.raises(FunnelError) as err:
        rederive(store, 1, status_values={"3": "won"})
    store.close()
    assert err.value.code == "edit.no_status_column"


# Feishu Bitable's records by its API, dumped to CSV (the record data-structure doc: a person field is a list of
# objects {id, name, en_name, email}); 负责人 张伟 holds A (won) and B (open), 李娜 and 王强 share C (lost)
FEISHU = ('record_id,商机名称,商机阶段,负责人,预计金额\n'
          'rec1,A,赢单,"[{""id"": ""ou_1"", ""name"": ""张伟"", ""en_name"": """", ""email"": """"}]",120000\n'
          'rec2,B,需求确认,"[{""id"": ""ou_1"", ""name"": ""张伟"", ""en_name"": """", ""email"": """"}]",80000\n'
          'rec3,C,输单,"[{""id"": ""ou_2"", ""name"": ""李娜""}, {""id"": ""ou_3"", ""name"": ""王强""}]",50000\n')


def test_a_person_field_written_as_json_is_the_persons_name(tmp_path, capsys):
    _import(tmp_path, capsys, FEISHU, "商机管理.csv")
    assert cli_main(["--data-dir", str(tmp_path), "managers", "1", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    rows = doc["managers"] if isinstance(doc, dict) and "managers" in doc else doc
    names = sorted(r["manager"] for r in rows)
    assert names == ["张伟", "李娜, 王强"], names


# ПланФикс's tasks used as a deal funnel (statuses: its help «Статусы задач»; columns as its task export names
# them): «Завершенная» is the sale, «Отклоненная» no sale. Won D 50,000 + E 30,000; F lost; A, B, C open
PLANFIX = ("Номер;Название;Статус;Постановщик;Дата создания;Дата завершения;Сумма сделки\n"
           "1;A;Новая;Иванов;01-03-2024 10:00;;10000\n"
           "2;B;В работе;Иванов;02-03-2024 10:00;;15000\n"
           "3;C;КП отправлено;Петров;03-03-2024 10:00;;25000\n"
           "4;D;Завершенная;Петров;04-03-2024 10:00;14-03-2024 10:00;50000\n"
           "5;E;Завершенная;Иванов;05-03-2024 10:00;25-03-2024 10:00;30000\n"
           "6;F;Отклоненная;Петров;06-03-2024 10:00;08-03-2024 10:00;20000\n")


def test_planfix_statuses_are_the_funnel_with_its_won_and_lost_end(tmp_path, capsys):
    """Before: «Завершенная» no win and «Отклоненная» a step of the funnel (0 won, revenue 0). Cycles 10 and 20 days."""
    out = _import(tmp_path, capsys, PLANFIX, "Задачи.csv")
    assert "Stage ← «Статус»" in out
    doc = _metrics(tmp_path, capsys)
    assert (doc["deals"], doc["won"], doc["lost"], doc["open"]) == (6, 2, 1, 3)
    assert doc["revenue"] == 80000.0 and doc["median_cycle_days"] == 15.0
    stages = [s["stage"] for s in doc["stages"]]
    assert stages[0] == "Новая" and stages[-1] == "Завершенная" and "Отклоненная" not in stages


# Tilda's leads export as a Go importer's test keeps a real one (`\ufefftranid;formid;formname;Name;Phone;…;sent;
# COOKIES`): four leads, sources ig 2, fb 1, none 1; no amount and no outcome (before: refused, «no column for Stage»)
TILDA = ("\ufefftranid;formid;formname;Name;Phone;Email;Comment;referer;utm_source;utm_campaign;sent;COOKIES\n"
         "5550001;form1;Заявка;Айдар;+7 701 123-45-67;a@mail.kz;;https://x.kz/;ig;oct;2025-11-03 14:20:11;x=1\n"
         "5550002;form2;Завтрак;Мария;87019998877;;;https://x.kz/;ig;oct;2025-11-04 10:00:00;x=1\n"
         "5550003;form1;Заявка;Олег;87011112233;;;https://x.kz/;fb;nov;2025-11-05 09:30:00;x=1\n"
         "5550004;form1;Заявка;Анна;87014445566;;;https://x.kz/;;;2025-11-06 18:45:00;x=1\n")


def test_tilda_leads_import_as_leads_with_no_revenue_invented(tmp_path, capsys):
    out = _import(tmp_path, capsys, TILDA, "leads.csv")
    assert "mapping (preset tilda):" in out and "Created at ← «sent»" in out
    doc = _metrics(tmp_path, capsys)
    assert (doc["deals"], doc["won"], doc["open"]) == (4, 0, 4)
    assert doc["revenue"] is None  # no amount anywhere: unknown, not 0
    assert cli_main(["--data-dir", str(tmp_path), "segments", "1", "--by", "source", "--json"]) == 0
    seg = json.loads(capsys.readouterr().out)
    rows = seg.get("segments", seg) if isinstance(seg, dict) else seg
    assert {(r.get("segment") or r.get("value") or ""): r["deals"] for r in rows} == {"ig": 2, "fb": 1, "": 1}


# 小满 OKKI's 商机 list: «关闭时间» is when the deal was closed. A won 1 → 11 March (10 days), B 1 → 31 March (30 days)
OKKI = ("商机编号,商机名称,商机阶段,商机金额,币种,负责人,创建时间,关闭时间\n"
        "1,A,赢单,\"20,000.00\",USD,张伟,2024-03-01 10:00,2024-03-11 10:00\n"
        "2,B,赢单,\"10,000.00\",USD,李娜,2024-03-01 09:00,2024-03-31 09:00\n"
        "3,C,报价,\"5,000.00\",USD,李娜,2024-03-05 09:00,\n")


def test_okki_close_time_is_the_close(tmp_path, capsys):
    out = _import(tmp_path, capsys, OKKI, "商机.csv")
    assert "Closed at ← «关闭时间»" in out
    assert _metrics(tmp_path, capsys)["median_cycle_days"] == 20.0


def test_metrics_currency_says_the_counts_are_of_that_currency(tmp_path, capsys):
    """Three USD deals and one EUR: `--currency USD` counts 3 deals, and says so (survey 37: 12 → 9 unsaid)."""
    _import(tmp_path, capsys, OKKI + '4,D,报价,"9,000.00",EUR,张伟,2024-03-06 09:00,\n', "商机.csv")
    assert cli_main(["--data-dir", str(tmp_path), "metrics", "1", "--currency", "USD"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Deals: 3 (won: 2, lost: 0, open: 1)")
    assert "Deals in USD only (--currency)" in out
