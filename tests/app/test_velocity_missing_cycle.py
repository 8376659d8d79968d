"""The Velocity page's sales-velocity note for a Maven-shaped file (deals with ``engage_date`` and ``close_date``, no
creation date) says which input is missing and what to map, as the Overview's cycle tile has since session 49
(``cycle_rules.no_cycle_reason``). Before, it said «Для скорости нужен цикл выигранных сделок (даты создания и
закрытия): у сделок, выигранных в окне, его нет, либо он невозможен (закрыта раньше, чем создана) или равен 0 дней» —
as if the window's deals were the trouble, while no deal of the file has a creation date.

MAVEN_SHAPED by hand: the data's last date is 10.03.2024, the 90-day window 11.12.2023 – 10.03.2024. Won in it:
A1 (1 000), A2 (3 000), A6 (500) = 3; lost: A3, A7 = 2; win rate 3 / 5 = 60 %; average won deal 4 500 / 3 = 1 500;
open at its end: A4, A5, A8 = 3. No creation date anywhere: no cycle, so no velocity.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from funnel.importer import import_file
from funnel.spec import FunnelSpec
from funnel.store import Store
from funnel.velocity.sales_velocity import sales_velocity
from tests.app.conftest import open_page

MAVEN_SHAPED = (
    "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n"
    "A1,Ann Lee,GTX Basic,Acme,Won,2024-01-05,2024-02-04,1000\n"
    "A2,Ann Lee,GTX Pro,Bolt,Won,2024-01-10,2024-03-10,3000\n"
    "A3,Bob Ray,MG Special,Cora,Lost,2024-01-12,2024-02-01,0\n"
    "A4,Bob Ray,GTX Basic,Dune,Engaging,2024-02-01,,\n"
    "A5,Cy Moe,GTX Pro,Echo,Prospecting,,,\n"
    "A6,Cy Moe,MG Special,Fern,Won,2024-02-15,2024-03-01,500\n"
    "A7,Ann Lee,GTX Basic,Gale,Lost,2024-02-20,2024-03-05,0\n"
    "A8,Bob Ray,GTX Pro,Hale,Engaging,2024-03-01,,\n")

VAGUE = {"ru": "у сделок, выигранных в окне, его нет", "zh": "窗口内赢单的交易没有周期"}
SAID = {
    "ru": ("Скорость продаж делится на средний цикл выигранных сделок", "дата создания из этого файла не прочитана",
           "import --map created_at=СТОЛБЕЦ"),
    "zh": ("销售速度要除以赢单的平均周期", "没有读取到创建日期", "import --map created_at=列名"),
}


@pytest.fixture(scope="module")
def maven(data_dir) -> str:
    info, _built, _ = import_file(Store(data_dir / "funnel.duckdb"), MAVEN_SHAPED.encode(), "maven_shaped.csv")
    return str(info.id)


def test_the_velocity_says_no_creation_date_was_read(data_dir, maven):
    store = Store(data_dir / "funnel.duckdb")
    info = store.info(int(maven))
    with store.connect(info) as con:
        vel = sales_velocity(con, info, FunnelSpec())
    cur = vel.current
    assert vel.as_of == datetime(2024, 3, 10)
    assert (cur.open_deals, cur.won, cur.lost, cur.win_rate, cur.avg_deal_size) == (3, 3, 2, 0.6, 1500)
    assert cur.per_day is None and cur.unknown_reason == "velocity.reason.no_created"


@pytest.mark.parametrize("lang", ["ru", "zh"])
def test_the_velocity_page_names_the_missing_date_and_what_to_map(maven, lang):
    at = open_page("pages/velocity.py", lang=lang, ds=maven)
    captions = [c.value for c in at.caption]
    notes = [c for c in captions if SAID[lang][0] in c]
    assert len(notes) == 2, captions  # under the tiles and in «What if…»
    assert all(all(s in c for s in SAID[lang]) for c in notes), notes
    assert not any(VAGUE[lang] in c for c in captions), captions
