"""Numbers on screen in the reader's locale (issue 15, nits seen on screen). CLDR's percent
patterns (Babel): English and Chinese write 12.50% (no space), Russian 12,50 % with a no-break
space (U+00A0) before the sign and a decimal comma."""

from __future__ import annotations

import pytest

from funnel.stats.wording import chance, pct, verdict_sentence
from tests.ab_results import step as typed_step
from tests.ab_results import verdict as typed_verdict

NB = "\u00a0"


@pytest.mark.parametrize(("lang", "text"), [("en", "12.50%"), ("ru", f"12,50{NB}%"), ("zh", "12.50%")])
def test_rates_in_the_verdicts_follow_the_percent_pattern(lang, text):
    assert pct(0.125, lang=lang) == text
    assert pct(0.034, signed=True, lang=lang) == "+" + text.replace("12", "3").replace("50", "40")


@pytest.mark.parametrize(("lang", "high", "mid"), [("en", "> 99.9%", "87.7%"), ("ru", f"> 99,9{NB}%", f"87,7{NB}%"),
                                                  ("zh", "> 99.9%", "87.7%")])
def test_chance_to_beat_follows_the_percent_pattern(lang, high, mid):
    assert chance(0.99999, lang) == high and chance(0.8766, lang) == mid


def test_a_verdict_sentence_has_no_space_before_percent_in_english():
    verdict = typed_verdict("winner", group="B", control="A", rate=0.15, control_rate=0.1, rel_lift=0.5,
                            p_value=0.0007, test="z", comparisons=1, prob_beat_control=0.97)
    en, ru = verdict_sentence(verdict, 0.05, "en"), verdict_sentence(verdict, 0.05, "ru")
    assert "15.00%" in en and " %" not in en
    assert f"15,00{NB}%" in ru


def _ab_result():
    return typed_step({"A": {"n": 100, "conversions": 10, "rate": 0.10, "ci_low": 0.05, "ci_high": 0.175},
                       "B": {"n": 100, "conversions": 25, "rate": 0.25, "ci_low": 0.175, "ci_high": 0.34}})


@pytest.mark.parametrize(("lang", "seps", "ten"), [("en", ".,", "10%"), ("ru", f",{NB}", f"10{NB}%"), ("zh", ".,", "10%")])
def test_chart_ticks_and_separators_follow_the_locale(lang, seps, ten):
    from funnel.ab_charts import ab_figure
    from funnel.charts import cohort_figure
    from funnel.metrics.cohorts import CohortTable

    fig = ab_figure(_ab_result(), {}, lang)
    assert fig.layout.separators == seps
    # rates up to 0.25 + 0.09 = 0.34: ticks every 10 % (0.34 / 5 = 0.068 -> the nice step 0.1)
    assert list(fig.layout.yaxis.tickvals)[:3] == [0.0, 0.1, 0.2]
    assert fig.layout.yaxis.ticktext[1] == ten
    assert not fig.layout.yaxis.tickformat
    # an empty table is enough for the share-open axis: 0 .. 100 % in 4 steps of 25 %
    fig = cohort_figure(CohortTable(unit="month", as_of=None), 2, {}, lang)
    assert fig.layout.separators == seps and fig.layout.yaxis2.ticktext[-1] == ten.replace("10", "100")


def test_stage_table_of_a_web_funnel_has_no_lost_or_open_columns():
    from funnel.capabilities import Capabilities
    from funnel.charts import stage_table_columns

    deals = stage_table_columns(Capabilities())
    assert "lost_here" in deals and "open_here" in deals
    web = stage_table_columns(Capabilities(shape="events", is_web_funnel=True))
    assert web == ("stage", "reached", "step_conversion", "cumulative_conversion", "drop_off")
    assert stage_table_columns(Capabilities(shape="counts")) == web


@pytest.mark.parametrize(("lang", "sep", "headers"), [
    ("en", ",", ["Finding", "Kind", "Row", "Column", "Value", "Rows", "Code"]),
    ("ru", ";", ["Замечание", "Вид", "Строка", "Колонка", "Значение", "Строк", "Код"]),
    ("zh", ",", ["发现", "类型", "行", "列", "值", "行数", "代码"]),
])
def test_quality_report_csv_headers_are_in_the_readers_language(mem_store, lang, sep, headers):
    from funnel import quality_report
    from funnel.importer import import_file

    info, _built, _ = import_file(mem_store, b"ID,Stage,Amount\n1,Lead,10\n2,Lead,abc\n", "q.csv", stages=["Lead"])
    with mem_store.connect() as con:
        data = quality_report.to_csv(quality_report.report(con, info), lang)
    first = data.decode("utf-8-sig").splitlines()[0]
    assert first.split(sep) == headers


def test_the_deal_list_workbook_sheet_is_named_in_the_readers_language():
    import io

    import openpyxl
    import pandas as pd

    from funnel import exports
    from funnel.i18n import t

    for lang, name in (("en", "deals"), ("ru", "сделки"), ("zh", "交易")):
        book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(pd.DataFrame({"a": [1]}), t("exports.sheet.deals", lang))))
        assert book.sheetnames == [name]


def test_chinese_refusal_of_every_row_names_the_first_rejected_row_plainly(tmp_path):
    """A file whose every date is garbage is refused naming the first rejected row. In Chinese «第一行：第 2 行»
    read «the first line: line 2» (the header is the first line); it says «the first rejected row is row 2»."""
    import pytest

    from funnel.errors import FunnelError
    from funnel.importer import import_file
    from funnel.store import Store

    path = tmp_path / "deals.csv"
    path.write_text("ID,Дата создания,Этап сделки,Бюджет,Ответственный,Источник\n"
                    "1,xx1.02.2024,Новая заявка,1000,Анна,Сайт\n2,xx2.02.2024,Успешно реализовано,2500,Борис,Директ\n"
                    "3,xx3.02.2024,Закрыто и не реализовано,300,Анна,Сайт\n4,xx4.02.2024,Переговоры,1200,Борис,Сайт\n",
                    encoding="utf-8")
    with pytest.raises(FunnelError) as err:
        import_file(Store(":memory:"), path, path.name, mapping_pairs=["created_at=Дата создания"])
    text = err.value.message("zh")
    assert "第一行" not in text and "第一个被拒绝的行是第 2 行" in text and "xx1.02.2024" in text
