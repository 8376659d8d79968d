"""The A/B page on an A/B platform's results export (GrowthBook's «Export CSV»: one row per variation and
metric, survey 20): each metric a pipeline, the variations its groups, the file's own header naming them."""

from __future__ import annotations

import pytest

from tests.app.conftest import open_page

GROWTHBOOK = ('"metric","variation","riskOfChoosing","users","totalValue","perUserValue"\n'
              '"Purchase","Control",0,10000,500,0.05\n"Purchase","Variant B",0,10050,603,0.06\n'
              '"Signup","Control",0,10000,2000,0.2\n"Signup","Variant B",0,10050,2110,0.20995\n')


@pytest.fixture(scope="module")
def ds(data_dir) -> str:
    from funnel.importer import import_file
    from funnel.store import Store

    info, _built, _ = import_file(Store(data_dir / "funnel.duckdb"), GROWTHBOOK.encode(), "growthbook_results.csv")
    return str(info.id)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_variations_of_one_metric_are_compared(ds, lang):
    at = open_page("pages/ab.py", lang=lang, ds=ds, pipeline="Purchase")
    by = at.selectbox(key="ab_by_w")
    # the grouping column under the file's own name, never a translation key
    assert by.value == "variation" and by.options == ["variation"]
    # Control 500 / 10,000 = 5.00 %, Variant B 603 / 10,050 = 6.00 %
    table = at.dataframe[0].value
    assert list(table.iloc[:, 0]) == ["Control", "Variant B"]
    digits = [[int("".join(ch for ch in str(v) if ch.isdigit())) for v in table.iloc[:, k]] for k in (1, 2)]
    assert digits == [[10000, 10050], [500, 603]]
    # an experiment's users are visitors, not leads: the column says so (EN «Visitors», RU «Посетители»)
    assert table.columns[1] == {"en": "Visitors", "ru": "Посетители"}[lang]


def test_counts_say_who_they_count():
    """The people of counts are visitors when the file's count header or first step names them so
    (GA4's «Active users», an experiment's users); a consultant's «Лиды → Встречи» counts stay leads."""
    import duckdb

    from funnel.capabilities import derive
    from funnel.importer.counts import of_visitors

    assert of_visitors("Active users") and of_visitors("Посетители") and of_visitors(["访客数", "下单"])
    assert not of_visitors("Count") and not of_visitors(["Лиды", "Встречи"]) and not of_visitors("Deals")
    con = duckdb.connect()
    con.execute("CREATE TABLE q (code VARCHAR)")
    meta = {"pipelines": [""], "groups": ["A", "B"], "group_column": "variation"}
    assert derive(con, {"quality": "q"}, "counts", {**meta, "counted": "visitors"}).of_visitors
    assert not derive(con, {"quality": "q"}, "counts", meta).of_visitors
