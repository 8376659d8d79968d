"""Session 50: a consultant's demo on a client's amoCRM export (cp1251, `;`, «не закрыта»), end to end to the report.

The file is written by ``tests/consult50_export.py``; its docstring gives the hand-worked totals (80 deals, 20 won,
36 lost with no recorded stage, 24 open; 8 open at the first stage, 16 past it; open budget 80 000 each)."""

from __future__ import annotations

import pytest

from funnel.importer import import_file
from funnel.store import Store
from tests.consult50_export import write_export
from tests.unit.test_report import report_of

HOSTILE = 'Кухни «Модерн» <img src=x onerror=alert(1)> "Q"'


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("consult50")
    path = write_export(folder / "amo_leads.csv")
    store = Store(folder / "funnel.duckdb")
    info, _built, _draft = import_file(store, path, path.name, name=HOSTILE)
    return store, info


def test_export_reads_as_hand_worked(demo):
    """80 deals: 20 won, 36 lost, 24 open (the file's docstring); revenue 8×100 000 + 4×150 000 + 6×50 000 +
    2×200 000 = 2 100 000."""
    store, info = demo
    report = report_of(store, info, lang="ru")
    kpis = report.section("kpis").tables[0]
    values = dict(zip(kpis.column("kpi"), kpis.column("value"), strict=True))
    assert (values["Сделки"], values["Выиграно"], values["Проиграно"], values["Открыто"]) == (80, 20, 36, 24)
    assert values["Выручка"] == 2_100_000


def test_report_says_why_late_stage_chances_read_100(demo):
    """The amoCRM export keeps no stage for its 36 lost deals: they count at «Первичный контакт», so every closed
    deal past it is one of the 20 won and P(won | Переговоры) = 20 / 20 = 100 %. The weighted pipeline is
    8 × 80 000 × 20/56 + 16 × 80 000 × 1 = 228 571 + 1 280 000 = 1 508 571: the report must say these may be too
    high (the Pipeline page does, under its chart), and why no key stage is named: a stage past the first needs 30
    closed deals and has at most 20. Before: «Ключевой этап: —.» and the 100 % rows with no word."""
    store, info = demo
    sec = report_of(store, info, lang="ru").section("pipeline_forecast")
    probs = sec.tables[[t.key for t in sec.tables].index("stage_probability")]
    assert probs.column("p_won")[1:] == [1.0, 1.0, 1.0, 1.0]
    assert probs.column("n") == [56, 20, 20, 20, 20]
    weighted = next(p for p in sec.paragraphs if p.startswith("Взвешенный пайплайн"))
    assert "1\xa0508\xa0571" in weighted
    assert "нужно 30 закрытых сделок на этапе после первого, а на таких этапах их не больше 20" in weighted
    assert any(b.startswith("Проигранные сделки без записанного этапа, учтены на первом этапе: 36.")
               and "взвешенный пайплайн" in b for b in sec.bullets)


def test_pipeline_caption_one_stop_after_thousands(demo):
    """As of 16.04.2026 (the data's last moment) the month's won deals are Дмитрий Волков's two, created 06.03 and
    07.03.2026 (rows 61 and 62) with a 40-day cycle: closed 15.04 and 16.04, 2 × 200 000 = 400 000, written «400 тыс.».
    The Pipeline page's Monte Carlo caption read «Уже выиграно в этом месяце: 400 тыс.. Не ожидается …»: the
    abbreviation's period and the sentence's are one."""
    from funnel.formats import fmt_compact
    from funnel.i18n import t
    from funnel.spec import FunnelSpec
    from funnel.velocity.forecast import forecast

    store, info = demo
    with store.connect() as con:
        fc = forecast(con, info, FunnelSpec(), None)
    won = fmt_compact(fc.won_so_far, "ru")
    assert won == "400\xa0тыс." or won.replace("\xa0", " ") == "400 тыс."
    text = t("velocity.ui.mc_caption", "ru", runs="10 000", seed=42, won=won, beyond="0", undated="0")
    assert "тыс.." not in text
    assert f"Уже выиграно в этом месяце: {won} Не ожидается" in text
    # a sentence that ends in a plain number keeps its stop; English «400K.» too
    assert "Уже выиграно в этом месяце: 7. Не" in t("velocity.ui.mc_caption", "ru", runs=1, seed=1, won="7",
                                                    beyond="0", undated="0")
    assert "Already won this month: 400K. Not" in t("velocity.ui.mc_caption", "en", runs=1, seed=1, won="400K",
                                                   beyond="0", undated="0")


def test_report_velocity_per_month_as_the_page(demo):
    """The 90 days to 16.04.2026 17:22: 18 won deals closed in them (Анна's rows 3–8, Олег's 4, Ирина's 6, Дмитрий's
    2: 1 900 000 in all, cycles 6×10 + 4×20 + 6×30 + 2×40 = 400 days) and the 36 lost: win rate 18 / 54 = 1/3,
    average won deal 1 900 000 / 18, average cycle 400 / 18; 24 open. Velocity = 24 × 1/3 × (1 900 000 / 18) /
    (400 / 18) = 8 × 4 750 = 38 000 per day, × 365.25 / 12 = 1 156 625 per month, the Velocity page's tile
    («1,2 млн»). The report said only «38 000 в день» beside the page's «в месяц 1,2 млн»."""
    store, info = demo
    sec = report_of(store, info, lang="ru").section("velocity")
    line = next(p for p in sec.paragraphs if p.startswith("Скорость продаж за 90"))
    assert "38\xa0000 в день" in line
    assert "Это 1\xa0156\xa0625 в месяц (× 30,44 дн.)" in line


def test_report_cover_and_versions_name_the_dataset_as_text(demo):
    """The dataset is named «Кухни «Модерн» <img src=x onerror=alert(1)> "Q"»: in the HTML it is text (no tag), and
    the Russian reproducibility table gives its number as «№ 1» (was «id 1», an English word in a Russian report)."""
    from funnel.report import render

    store, info = demo
    report = report_of(store, info, lang="ru")
    page = render(report, "html").decode("utf-8")
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt; &quot;Q&quot;" in page
    repro = report.section("reproducibility").tables[0]
    assert f"{HOSTILE} (№ {info.id}, версия 1)" in repro.column(repro.columns[1].key)
    assert dict(report.cover)["Набор данных"] == HOSTILE


def test_report_deal_sheets_leave_out_the_unfilled_variant(demo):
    """An amoCRM export has no landing variant: the pages' deal list shows no «Вариант» column, and the workbook's
    sheet of the biggest drop-off (from «Первичный контакт»: the 36 lost with no stage and the 8 open there, 44 deals)
    listed one of empty cells. Its columns are now the page's: id, name, stage, status, amount, manager, source,
    created, closed, lost reason."""
    import io

    import openpyxl

    from funnel.report import render

    store, info = demo
    book = openpyxl.load_workbook(io.BytesIO(render(report_of(store, info, lang="ru"), "xlsx")))
    sheet = book[next(n for n in book.sheetnames if n.startswith("Сделки 1"))]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == ["ID сделки", "Сделка", "Этап", "Статус", "Сумма", "Менеджер", "Источник", "Создана",
                             "Закрыта", "Причина отказа"]
    assert len(rows) - 1 == 44
    assert sum(1 for r in rows[1:] if r[3] == "проиграна") == 36


def test_report_previous_period_reason_has_its_dates(demo):
    """Created 15.02–31.03.2026 is 14 + 31 = 45 days; the 45 days before are 01.01–14.02.2026, and the data starts
    05.01.2026 (the first deal), so no comparison, said with those dates. The report printed the catalog's
    placeholders: «Сравнения с прошлым периодом ({date_from} – {date_to}) нет: данные начинаются позже, {first}.»
    No «{…}» is left anywhere in the report's text."""
    import re
    from datetime import date

    from funnel.report import render
    from funnel.spec import FunnelSpec

    store, info = demo
    spec = FunnelSpec().replace(date_from=date(2026, 2, 15), date_to=date(2026, 3, 31))
    report = report_of(store, info, spec, lang="ru")
    assert report.section("kpis").paragraphs[0] == ("Сравнения с прошлым периодом (01.01.2026 – 14.02.2026) нет: "
                                                    "данные начинаются позже, 05.01.2026.")
    page = render(report, "html").decode("utf-8")
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    assert re.findall(r"\{[a-z_]+\}", page) == []


def test_report_summary_change_has_the_tables_minus(demo):
    """Created 01.03–16.04.2026 (rows 56–80, 47 days): Дмитрий Волков's 2 won and 10 lost, 2 / 12 = 16,7 %. The 47 days
    before, 13.01–28.02.2026 (rows 9–55): 10 won (Олег's 4, Ирина's 6) and 26 lost (Анна's 8, Олег's 12, Ирина's 6),
    10 / 36 = 27,8 %. Change −11,1 points, written with the minus sign the key figures' table prints (the summary
    wrote a hyphen, «-11,1 п. п.», above the table's «−11,1 п. п.»)."""
    from datetime import date

    from funnel.spec import FunnelSpec

    store, info = demo
    spec = FunnelSpec().replace(date_from=date(2026, 3, 1), date_to=date(2026, 4, 16))
    report = report_of(store, info, spec, lang="ru")
    line = next(p for p in report.section("summary").paragraphs if p.startswith("Доля выигранных"))
    assert line.replace("\xa0", " ") == ("Доля выигранных (выиграно / закрыто): 16,7 %. Изменение к предыдущему периоду "
                                         "той же длины: \u221211,1 п. п.")


def test_download_name_says_the_period(demo):
    """The Report button's file: the dataset's name as letters, digits and «_» («Кухни_Модерн_img_src_x_onerror_
    alert_1_Q»), then the period chosen (created 01.03–16.04.2026 → «_2026-03-01_2026-04-16»), then the language.
    Before, every period's report of one client had one name. All time keeps the name without dates."""
    from datetime import date

    from funnel.spec import FunnelSpec
    from ui.report_button import file_name

    _store, info = demo
    spec = FunnelSpec().replace(date_from=date(2026, 3, 1), date_to=date(2026, 4, 16))
    assert file_name(info, "ru", "pdf", spec) == "report_Кухни_Модерн_img_src_x_onerror_alert_1_Q_2026-03-01_2026-04-16_ru.pdf"
    assert file_name(info, "ru", "xlsx", FunnelSpec()) == "report_Кухни_Модерн_img_src_x_onerror_alert_1_Q_ru.xlsx"


def test_report_lost_reasons_by_hand(demo):
    """The export gives its 36 lost deals the reasons Дорого, Дорого, Дорого, Не отвечает, Не отвечает, Выбрали
    конкурента in turn: 18 / 12 / 6 of 36 = 50,0 / 33,3 / 16,7 %. By manager (lost rows 1–8 Анна, 9–20 Олег, 21–26
    Ирина, 27–36 Дмитрий): Анна 5 / 2 / 1 of 8 (62,5 %), Олег 6 / 4 / 2 of 12, Ирина 3 / 2 / 1 of 6, Дмитрий 4 / 4 / 2
    of 10 (40 %). No lost deal has a recorded stage, so no table by stage, said. The report had no lost reasons."""
    import io

    import openpyxl

    from funnel.report import render

    store, info = demo
    report = report_of(store, info, lang="ru")
    sec = report.section("lost_reasons")
    assert sec.title == "Причины отказа"
    overall = sec.tables[0]
    assert [t.key for t in sec.tables] == ["lost_reasons_all", "lost_reasons_manager"]
    assert list(zip(overall.column("reason"), overall.column("lost"), strict=True)) == [
        ("Дорого", 18), ("Не отвечает", 12), ("Выбрали конкурента", 6)]
    assert [round(s, 3) for s in overall.column("share")] == [0.5, 0.333, 0.167]
    by_manager = {}
    for manager, reason, n in zip(*(sec.tables[1].column(k) for k in ("manager", "reason", "lost")), strict=True):
        by_manager.setdefault(manager, {})[reason] = n
    assert by_manager == {
        "Анна Смирнова": {"Дорого": 5, "Не отвечает": 2, "Выбрали конкурента": 1},
        "Олег Петров": {"Дорого": 6, "Не отвечает": 4, "Выбрали конкурента": 2},
        "Ирина Козлова": {"Дорого": 3, "Не отвечает": 2, "Выбрали конкурента": 1},
        "Дмитрий Волков": {"Дорого": 4, "Не отвечает": 4, "Выбрали конкурента": 2}}
    assert sec.bullets == ["В файле не записано, на каком этапе проиграны сделки, поэтому причины по этапам не разбить."]
    book = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx")))
    assert {"Причины отказа — все сделки", "Причины отказа по менеджерам"} <= set(book.sheetnames)


def test_report_funnel_chart_words_as_the_pages(demo):
    """The funnel's bars on the Overview and Funnel pages read «шаг 45,0 %», «от первого 45,0 %» at «Переговоры»
    (36 of 80 reached it: 36 / 80 = 45 % of the step before and of the first stage); the report's same chart read
    «от начала 45,0 %». English: «of first», as the pages (was «from start»)."""
    store, info = demo
    for lang, words in (("ru", "от первого 45,0"), ("en", "of first 45.0")):
        fig = report_of(store, info, lang=lang).section("funnel").figures[0]
        text = " ".join(str(t) for trace in fig["data"] for t in (trace.get("text") or []))
        assert words in text.replace("\xa0", " ").replace("\u202f", " "), (lang, text[:300])


def test_utf8_bom_export_reads_the_same(tmp_path):
    """The same export saved as UTF-8 with a BOM (Excel's «CSV UTF-8»): 80 deals, 20 won, 36 lost, 24 open, revenue
    2 100 000, as the cp1251 file (the file's docstring)."""
    from funnel.metrics import outcomes
    from funnel.spec import FunnelSpec

    store = Store(tmp_path / "funnel.duckdb")
    path = write_export(tmp_path / "amo_utf8.csv", encoding="utf-8-sig")
    info, _built, _draft = import_file(store, path, path.name)
    with store.connect() as con:
        out = outcomes(con, info, FunnelSpec())
    assert (out.deals, out.won, out.lost, out.open, out.revenue) == (80, 20, 36, 24, 2_100_000)
