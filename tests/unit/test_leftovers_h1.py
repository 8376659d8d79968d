"""Four old importer leftovers (helper h1): files shaped like the real exports, values worked out by hand.

1. **Bitrix24's general pipeline «0».** ``crm.deal.list`` writes the default pipeline as ``CATEGORY_ID`` 0 and
   names it nowhere; every page and ``metrics`` showed a pipeline «0». Bitrix24 calls it «Общая» / General
   (its crm lang files); 通用 in Chinese. The file below: deals 1–4 in pipeline 0 (1 NEW, 2 PREPARATION open,
   3 WON, 4 LOSE), deals 5–6 in pipeline 1 (5 C1:NEW open, 6 C1:WON). By hand: pipeline 0 holds 4 deals, pipeline
   1 holds 2; the largest, 0, is the one ``metrics`` counts: 4 deals, won 1 (deal 3), lost 1 (deal 4), open 2.
"""

from __future__ import annotations

import json

import pytest

from funnel.cli import main as cli_main

B24_DEALS = (
    "ID,TITLE,STAGE_ID,CATEGORY_ID,STAGE_SEMANTIC_ID,DATE_CREATE,CLOSED,OPPORTUNITY,CURRENCY_ID,ASSIGNED_BY_ID\n"
    "1,Deal 1,NEW,0,P,2024-01-10T10:00:00+03:00,N,1000,RUB,1\n"
    "2,Deal 2,PREPARATION,0,P,2024-01-11T10:00:00+03:00,N,2000,RUB,1\n"
    "3,Deal 3,WON,0,S,2024-01-12T10:00:00+03:00,Y,3000,RUB,3\n"
    "4,Deal 4,LOSE,0,F,2024-01-13T10:00:00+03:00,Y,4000,RUB,3\n"
    "5,Deal 5,C1:NEW,1,P,2024-01-14T10:00:00+03:00,N,5000,RUB,1\n"
    "6,Deal 6,C1:WON,1,S,2024-01-15T10:00:00+03:00,Y,6000,RUB,1\n")


def _cli_json(tmp_path, capsys, *args: str) -> dict:
    assert cli_main(["--data-dir", str(tmp_path / "store"), *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(("lang", "general"), [("en", "General"), ("ru", "Общая"), ("zh", "通用")])
def test_bitrix24_general_pipeline_is_named_in_the_users_language(tmp_path, capsys, monkeypatch, lang, general):
    """Pipeline 0 is «General» / «Общая» / «通用» (4 deals: won 1, lost 1, open 2); pipeline 1 keeps its id (2 deals):
    nothing in the file names it, and only the general pipeline has a name every account shares."""
    monkeypatch.setenv("FUNNEL_LANG", lang)
    path = tmp_path / "crm.deal.list.csv"
    path.write_text(B24_DEALS, encoding="utf-8")
    doc = _cli_json(tmp_path, capsys, "import", str(path))
    assert doc["stage_order"] == {general: ["NEW", "PREPARATION", "WON"], "1": ["C1:NEW", "C1:WON"]}
    assert doc["lost_stages"][general] == ["LOSE"]
    metrics = _cli_json(tmp_path, capsys, "metrics", "1")
    assert (metrics["pipeline"], metrics["pipelines"]) == (general, {general: 4, "1": 2})
    assert (metrics["deals"], metrics["won"], metrics["lost"], metrics["open"]) == (4, 1, 1, 2)


def test_bitrix24_category_name_wins_over_the_default_name(tmp_path, capsys):
    """A ``CATEGORY_NAME`` column beside the id names the pipelines itself: deals 1–4 «Розница», 5–6 «Опт»."""
    lines = B24_DEALS.splitlines()
    named = [lines[0].replace("CATEGORY_ID,", "CATEGORY_ID,CATEGORY_NAME,")]
    for line in lines[1:]:
        cells = line.split(",")
        cells.insert(4, "Розница" if cells[3] == "0" else "Опт")
        named.append(",".join(cells))
    path = tmp_path / "deals.csv"
    path.write_text("\n".join(named) + "\n", encoding="utf-8")
    _cli_json(tmp_path, capsys, "import", str(path))
    assert _cli_json(tmp_path, capsys, "metrics", "1")["pipelines"] == {"Розница": 4, "Опт": 2}


def test_bitrix24_stage_list_of_pipeline_0_keys_the_named_pipeline(tmp_path, capsys, monkeypatch):
    """``crm.status.list`` as the second file, with ``CATEGORY_ID`` but no pipeline names: pipeline 0's stages
    Заявка → Замер → Монтаж → Оплачено (S), Отказ (F) are the named pipeline's, «Монтаж» drawn though no deal is at it
    (a list's stages are all drawn); deals NEW / PREPARATION / WON / LOSE read as Заявка / Замер / Оплачено / Отказ."""
    monkeypatch.setenv("FUNNEL_LANG", "ru")
    deals, statuses = tmp_path / "deals.csv", tmp_path / "statuses.csv"
    deals.write_text(B24_DEALS, encoding="utf-8")
    statuses.write_text(
        "ID,ENTITY_ID,STATUS_ID,NAME,SORT,SEMANTICS,CATEGORY_ID\n"
        "1,DEAL_STAGE,NEW,Заявка,10,,0\n2,DEAL_STAGE,PREPARATION,Замер,20,,0\n3,DEAL_STAGE,EXECUTING,Монтаж,30,,0\n"
        "4,DEAL_STAGE,WON,Оплачено,40,S,0\n5,DEAL_STAGE,LOSE,Отказ,50,F,0\n"
        "6,DEAL_STAGE_1,C1:NEW,Новый опт,10,,1\n7,DEAL_STAGE_1,C1:WON,Отгружено,20,S,1\n"
        "8,DEAL_STAGE_1,C1:LOSE,Сорвался,30,F,1\n", encoding="utf-8")
    doc = _cli_json(tmp_path, capsys, "import", str(deals), "--history", str(statuses))
    assert doc["stage_order"] == {"Общая": ["Заявка", "Замер", "Монтаж", "Оплачено"], "1": ["Новый опт", "Отгружено"]}
    assert doc["lost_stages"] == {"Общая": ["Отказ"], "1": ["Сорвался"]}
