"""Plural forms and number/date formats per language, values worked out by hand from the CLDR
rules (en: one = 1; ru: one = ends in 1 but not 11, few = ends in 2-4 but not 12-14, many = the
rest of the whole numbers; zh: no plural) and the CLDR number/date patterns of each locale."""

from datetime import date, datetime

import pytest

from funnel.formats import fmt_compact, fmt_date, fmt_int, fmt_money, fmt_num, fmt_pct
from funnel.i18n import Translator, plural_category, t, tn

NB = "\u00a0"  # Russian groups digits and sets off % with a no-break space

DEALS = {  # pages.drill.total
    "en": {1: "**1** deal", 2: "**2** deals", 5: "**5** deals", 21: "**21** deals", 1172: "**1,172** deals"},
    "ru": {1: "**1** сделка", 2: "**2** сделки", 5: "**5** сделок", 21: "**21** сделка",
           1172: f"**1{NB}172** сделки"},  # 1172: ends in 2, not in 12 -> few
    "zh": {1: "**1** 笔交易", 2: "**2** 笔交易", 5: "**5** 笔交易", 21: "**21** 笔交易", 1172: "**1,172** 笔交易"},
}


@pytest.mark.parametrize("lang", ["en", "ru", "zh"])
@pytest.mark.parametrize("n", [1, 2, 5, 21, 1172])
def test_plural_forms_by_cldr_rules(lang, n):
    assert tn("pages.drill.total", n, lang) == DEALS[lang][n]
    assert Translator(lang).plural("pages.drill.total", n) == DEALS[lang][n]
    assert t("pages.drill.total", lang, n=n) == DEALS[lang][n]  # engine codes carry their count as n


def test_plural_categories_of_the_hard_russian_cases():
    expected = {11: "many", 12: "many", 14: "many", 101: "one", 111: "many", 22: "few", 1.5: "other", 0: "many"}
    assert {n: plural_category(n, "ru") for n in expected} == expected
    assert plural_category(1, "en") == "one" and plural_category(0, "en") == "other"


def test_russian_sentence_agrees_with_its_count():
    one = tn("metrics.dropoff.step", 21, "ru", stage_from="A", stage_to="B", rate="5 %", lost_here=1, open_here=2)
    many = tn("metrics.dropoff.step", 11, "ru", stage_from="A", stage_to="B", rate="5 %", lost_here=1, open_here=2)
    assert one.startswith("21 сделка остановилась между «A» и «B»")
    assert many.startswith("11 сделок остановились")


def test_plural_entry_without_a_count_uses_the_general_form():
    assert t("pages.drill.total", "en") == "**—** deals"
    assert tn("pages.drill.total", None, "ru") == "**—** сделки"
    assert tn("pages.drill.total", float("nan"), "zh") == "**—** 笔交易"


def test_numpy_counts_are_counts():
    import numpy as np

    assert tn("pages.drill.total", np.int64(22), "ru") == "**22** сделки"


def test_numbers_in_each_language():
    assert fmt_num(1172.5, "ru", 1) == f"1{NB}172,5"
    assert fmt_num(1172.5, "en", 1) == "1,172.5"
    assert fmt_num(1172.5, "zh", 1) == "1,172.5"
    assert fmt_int(10052, "ru") == f"10{NB}052"
    assert fmt_pct(0.125, "ru") == f"12,5{NB}%"
    assert fmt_pct(0.125, "en") == "12.5%" and fmt_pct(0.125, "zh") == "12.5%"


def test_money_carries_its_currency():
    assert fmt_money(1234.4, "RUB", "ru") == f"1{NB}234{NB}₽"
    assert fmt_money(1234.4, "USD", "en") == "$1,234"
    assert fmt_money(1234.4, "CNY", "zh") == "¥1,234"
    assert fmt_money(1234.4, None, "en") == "1,234"  # no currency known: the plain number


def test_compact_money_in_chinese_units():
    # 79,806,500 = 7,980.65 万 -> three significant digits would lose the 万 digit: "7981万"
    assert fmt_compact(79_806_500, "zh") == "7981万"
    assert fmt_compact(293_412, "zh") == "29.3万"


def test_dates_are_never_iso_on_screen():
    day = date(2024, 3, 5)
    assert fmt_date(day, "ru") == "05.03.2024"
    assert fmt_date(day, "en") == "Mar 5, 2024"
    assert fmt_date(day, "zh") == "2024年3月5日"
    # a date passed to a text is written the language's way
    assert t("pages.scope.period_created", "ru", date_from=day, date_to=date(2024, 12, 31)) == \
        "созданы 05.03.2024 – 31.12.2024"
    assert t("pages.scope.period_created", "zh", date_from=day, date_to=day) == "创建于 2024年3月5日 – 2024年3月5日"
    assert t("ui.data.dataset_line", "ru", deals="1", rows="2", rejected="0",
             when=datetime(2024, 3, 5, 14, 7)).endswith("импорт 05.03.2024 14:07")
