"""Issue 16, what survey 26 left: Metrica's «Источники, сводка» with two levels of the traffic source («Источник
трафика», «Источник трафика (детально)»; a public Metrica CSV summariser reads the detail unless it is «Не определено»).
Its rows were summed by the first level (Яндекс and Google as one «Переходы из поисковых систем», 6,000 → 360), the
detail said nowhere. By hand, per detail: Яндекс 4,000 → 250 = 6.25 %, Google 2,000 → 110 = 5.50 %, Директ 3,000 → 120,
direct visits 1,000 → 20 (their detail «Не определено»: the first level alone); overall 10,000 → 500.
"""

from __future__ import annotations

from funnel.importer import import_file
from tests.unit.test_crm_exports_spreadsheets import findings

METRICA = """"Источник трафика","Источник трафика (детально)","Визиты","Целевые визиты (Заявка)"
"Итого и средние","","10000","500"
"Переходы из поисковых систем","Яндекс","4000","250"
"Переходы из поисковых систем","Google","2000","110"
"Переходы по рекламе","Яндекс: Директ","3000","120"
"Прямые заходы","Не определено","1000","20"
"""


def test_a_sources_detail_is_its_second_level(mem_store):
    info, _built, _ = import_file(mem_store, METRICA.encode(), "sources.csv")
    with mem_store.connect() as con:
        rows = con.execute(f"""SELECT grp, max(n) FILTER (WHERE position = 1), max(n) FILTER (WHERE position = 2)
                               FROM ds_{info.id}.counts GROUP BY grp ORDER BY grp""").fetchall()
    assert rows == [("", 10000, 500), ("Переходы из поисковых систем › Google", 2000, 110),
                    ("Переходы из поисковых систем › Яндекс", 4000, 250), ("Переходы по рекламе › Яндекс: Директ", 3000, 120),
                    ("Прямые заходы", 1000, 20)]
    assert findings(mem_store, info)["counts.group_detail"][2]["column"] == "Источник трафика (детально)"


def test_one_level_groups_stay_as_they_are(mem_store):
    text = "Campaign,Visits,Leads\nBrand,1000,50\nGeneric,500,10\n"
    info, _built, _ = import_file(mem_store, text.encode(), "campaigns.csv")
    assert "counts.group_detail" not in findings(mem_store, info)
