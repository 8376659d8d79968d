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
