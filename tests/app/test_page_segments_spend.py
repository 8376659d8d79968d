"""The Sources and segments page's spend tables (audit h3): months written as the language writes a month (was
ISO «2026-01» in Russian and Chinese), every number opens its deals (the leads or the won deals behind it; the
tables had no click), and a revenue the deals cannot give is «—» with the reason beside it (Olist's leads list
has no amount: its ROMI read −100 %)."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.app.conftest import ROOT, open_page
from tests.app.test_polish_drill import click_cell

SPEND = "Дата;Источник;Расход\n01.01.2026;Яндекс Директ;150 000\n01.02.2026;Яндекс Директ;120 000\n"


def _with_spend(lang: str, ds: str, spend: str):
    at = open_page("pages/segments.py", lang=lang, ds=ds)
    at.file_uploader[0].set_value(("spend.csv", spend.encode(), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _spend_tables(at, lang: str):
    """The two spend tables: per source, per source and month (found by their «Spend» column)."""
    spend = {"en": "Spend", "ru": "Расход", "zh": "花费"}[lang]
    return [d for d in at.dataframe if spend in list(d.value.columns)[1:3]]


@pytest.fixture(scope="module")
def b2b() -> pd.DataFrame:
    """The sample's deals (the import keeps the first row of a repeated ID) with their created month."""
    deals = pd.read_csv(ROOT / "sample_data" / "b2b_services_deals.csv").drop_duplicates("ID")
    created = pd.to_datetime(deals["Дата создания сделки"], format="%d.%m.%Y %H:%M:%S")
    return deals.assign(month=created.dt.strftime("%Y-%m"), won=deals["Этап сделки"] == "Акты подписаны, оплачено")


@pytest.mark.parametrize("lang,january,february", [("ru", "янв. 2026\u202fг.", "февр. 2026\u202fг."),
                                                   ("zh", "2026年1月", "2026年2月")])
def test_spend_months_are_written_as_the_language_writes_a_month(data_dir, lang, january, february):
    """CLDR's month-and-year (yMMM) of January and February 2026 in Russian (a narrow no-break space before «г.»)
    and Chinese, never «2026-01»."""
    _sources, months = _spend_tables(_with_spend(lang, "1", SPEND), lang)
    month = {"ru": "Месяц", "zh": "月份"}[lang]
    assert months.value[month].tolist() == [january, february]


def test_spend_leads_and_won_open_their_deals(data_dir, b2b):
    """By hand from the sample file: «Яндекс Директ» deals created in January 2026 (its leads that month), and the
    won ones created in January or February 2026 (the source's won in the spend file's months)."""
    yandex = b2b[b2b["Источник"] == "Яндекс Директ"]
    leads_january = int((yandex["month"] == "2026-01").sum())
    won_both = int((yandex["month"].isin(["2026-01", "2026-02"]) & yandex["won"]).sum())
    at = _with_spend("en", "1", SPEND)
    sources, months = _spend_tables(at, "en")
    assert int(months.value["Leads"].iloc[0]) == leads_january == 88
    click_cell(at, months, 0, "Leads")
    assert len(at.dataframe[-1].value) == leads_january
    at = _with_spend("en", "1", SPEND)
    sources, _months = _spend_tables(at, "en")
    assert int(sources.value["Won"].iloc[0]) == won_both == 5
    click_cell(at, sources, 0, "ROMI")
    drilled = at.dataframe[-1].value
    assert len(drilled) == won_both


@pytest.fixture(scope="module")
def no_amount(data_dir) -> str:
    """A lead list with won and lost leads and no amount column (as Olist's)."""
    from funnel.importer import import_file
    from funnel.store import Store

    rows = "".join(f"{k},2024-01-{k + 1:02d},{'Won' if k < 2 else 'Lost'},ads\n" for k in range(5))
    info, _built, _ = import_file(Store(data_dir / "funnel.duckdb"), ("id,created,stage,source\n" + rows).encode(),
                                  "leads.csv")
    return str(info.id)


def test_romi_without_amounts_is_no_minus_100_percent(no_amount):
    """Two won leads of five and no amount: their revenue is not known, so ROMI is «—» (not (0 − 33) / 33 = −100 %)
    and the caption says why, naming the source; CAC 33 / 2 = 16.50 and CPL 33 / 5 = 6.60 still stand, with their
    cents (they read «17» and «7»: whole units, 3 % and 6 % off)."""
    at = _with_spend("ru", no_amount, "date,source,cost\n2024-01-01,ads,33\n")
    sources, _months = _spend_tables(at, "ru")
    row = sources.value.iloc[0]
    assert (row["Выручка"], row["ROMI"], row["CAC"], row["Цена лида"]) == ("—", "—", "16,50", "6,60")
    assert any("«ads»" in c.value and "нет суммы" in c.value for c in at.caption), [c.value for c in at.caption]


def test_the_chinese_caption_quotes_the_source_as_chinese_does(no_amount):
    """A Chinese reader sees “ads” (funnel.i18n.in_quotes), not «ads» (h3's audit)."""
    at = _with_spend("zh", no_amount, "date,source,cost\n2024-01-01,ads,33\n")
    captions = [c.value for c in at.caption]
    assert any("“ads”" in c for c in captions) and not any("«ads»" in c for c in captions), captions
