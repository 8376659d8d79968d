"""Screens that spoke of deals on a web funnel, showed ISO timestamps or numbers a web funnel cannot
support (issue 15 polish), under AppTest on the samples (1 = B2B, 2 = web funnel, 3 = SaaS)."""

from __future__ import annotations

from datetime import datetime

from streamlit.testing.v1 import AppTest

from funnel.access import AccessStore
from funnel.sql import run
from funnel.store import Store
from tests.app.conftest import APP, open_page
from tests.app.test_pages_zh import screen_text


def test_admin_audit_trail_writes_moments_as_the_language_does(data_dir):
    store = Store(data_dir / "funnel.duckdb")
    AccessStore(store)  # makes sure the access tables exist
    with store.writing() as con:
        run(con, "INSERT INTO audit_log VALUES (nextval('audit_seq'), $t, 'a@example.com', 'rename', 1, 'x')",
            {"t": datetime(2026, 3, 5, 14, 7, 9)})
    store.close()
    expected = {"ru": "05.03.2026 14:07:09", "zh": "2026年3月5日 14:07:09", "en": "Mar 5, 2026"}
    for lang, moment in expected.items():
        at = AppTest.from_file(APP, default_timeout=120)
        at.secrets = {"auth": {"redirect_uri": "http://localhost/oauth2callback", "cookie_secret": "s"},
                      "funnel": {"admins": ["admin@example.com"]}}
        at.user = {"is_logged_in": True, "email": "admin@example.com", "email_verified": True}
        at.query_params["lang"] = lang
        at.switch_page("pages/admin.py")
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        trail = at.table[-1].value  # the audit trail: latest first
        assert str(trail.iloc[0, 0]).startswith(moment), (lang, trail.iloc[0, 0])
        assert "2026-03-05" not in trail.to_string()


def test_web_funnel_page_speaks_of_visitors(data_dir):
    text = screen_text(open_page("pages/funnel.py", lang="en", ds="2"))
    assert "Click any number in the table to list the visitors behind it." in text
    assert "Cohorts by first visit" in text
    assert "deals behind it" not in text and "cohort's deals" not in text
    ru = screen_text(open_page("pages/funnel.py", lang="ru", ds="2"))
    assert "посетителей за ним" in ru and "сделки за ним" not in ru


def test_web_funnel_velocity_shows_no_cycle_win_rate_or_sales_velocity(data_dir):
    at = open_page("pages/velocity.py", lang="en", ds="2")
    text = screen_text(at)
    # the event log's visitors never close as won or lost: cycle, win rate and velocity say why not
    assert "a web funnel has visitors and steps, not deals with a sales cycle." in text
    assert "a web funnel has no lost deals, only visitors who did not convert" in text
    assert not [m for m in at.metric if m.label.startswith(("Won:", "Win rate", "Open deals"))]
    assert "Time between steps" in text and "visitors who went on" in text
    table = at.dataframe[0].value
    # the steps' times in minutes (their typical median is minutes: see the next test)
    assert list(table.columns) == ["Step", "Went on", "Median, mins", "p75, mins", "p90, mins", "Mean, mins"]


def test_b2b_velocity_still_shows_its_cycle_and_velocity(data_dir):
    at = open_page("pages/velocity.py", lang="en", ds="1")
    labels = [m.label for m in at.metric]
    assert "Won: median cycle, days" in labels and "Win rate" in labels
    assert "Open deals there" in at.dataframe[0].value.columns


def test_lost_reason_shares_are_written_as_russian_percent(data_dir):
    from funnel.i18n import t

    at = open_page("pages/diagnostics.py", lang="ru", ds="1")
    share = t("audit.ui.col.share", "ru")
    tables = [d.value for d in at.dataframe if share in d.value.columns]
    assert tables
    values = [v for frame in tables for v in frame[share]]
    # CLDR Russian percent: a no-break space before the sign ("47 %"), never Python's "47%"
    assert values and all(v.endswith("\u00a0%") for v in values), values[:3]


def test_web_funnel_minutes_between_steps_do_not_read_zero_days(data_dir):
    import pandas as pd

    from tests.app.conftest import ROOT

    events = pd.read_csv(ROOT / "sample_data" / "web_events.csv", parse_dates=["timestamp"])
    first = events.pivot_table(index="visitor_id", columns="step", values="timestamp", aggfunc="min")
    # impression -> click: 11,804 visitors, median about 5 minutes, from the file; shown in minutes
    median = ((first["click"] - first["impression"]).dropna().dt.total_seconds() / 60).median()
    table = open_page("pages/velocity.py", lang="en", ds="2").dataframe[0].value
    shown = table.loc[table["Step"] == "impression", "Median, mins"].iloc[0]
    assert shown != "0.0" and abs(float(shown) - median) <= 0.0001 + 0.05 * median, (shown, median)


def test_web_funnel_findings_open_visitors_not_deals(data_dir):
    at = open_page("pages/diagnostics.py", lang="en", ds="2")
    labels = {b.label for b in at.button}
    assert "Visitors behind it" in labels and "Deals behind it" not in labels
    assert not [n for n in at.number_input if n.key == "dg_stuck_w"]  # no visitor waits open at a step
    b2b = {b.label for b in open_page("pages/diagnostics.py", lang="en", ds="1").button}
    assert "Deals behind it" in b2b


def test_every_amount_of_a_dollar_dataset_carries_its_symbol(data_dir):
    import pandas as pd

    from tests.app.conftest import ROOT

    deals = pd.read_csv(ROOT / "sample_data" / "saas_deals.csv")
    assert set(deals["Deal - Currency of Value"].dropna()) == {"USD"}  # the SaaS sample is in dollars
    at = open_page("pages/managers.py", lang="en", ds="3")
    table = at.dataframe[0].value
    assert all(v.startswith("$") for v in table["Revenue"]) and all(v.startswith("$") for v in table["Average deal size"])
    at = open_page("pages/diagnostics.py", lang="en", ds="3")
    impacts = [m.value for m in at.metric if m.label == "Impact"]
    assert impacts and all(v.startswith("$") for v in impacts)
    at = open_page("pages/pipeline.py", lang="en", ds="3")
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Open amount"].startswith("$") and tiles["Weighted pipeline"].startswith("$")
    at = open_page("pages/velocity.py", lang="ru", ds="3")
    won = next(m.value for m in at.metric if m.label.startswith("Средняя выигранная"))
    # Russian writes the symbol after the amount; «22,5 тыс. $» is longer than a tile shows (TILE_CHARS):
    # written whole, it fits
    assert won.endswith("\u00a0$") and "тыс" not in won


def test_web_funnel_drill_lists_visitors_with_their_columns(data_dir):
    at = open_page("pages/overview.py", lang="en", ds="2")
    at.button(key="ov_tile_deals").click().run()
    assert not at.exception
    rows = at.dataframe[-1].value
    # the event log has visitor, step, time, landing (variant) and source: no deal name, amount,
    # manager or lost reason to show as empty columns; a converted visitor's last step time is "converted at"
    assert list(rows.columns) == ["Visitor ID", "Furthest step", "Status", "Source", "Variant", "Created", "Converted at"]
    assert set(rows["Status"]) <= {"converted", "did not convert"}
    text = screen_text(at)
    assert "**40,000** visitors" in text and "every visitor of the list (visitors: 40,000)" in text


def test_web_funnel_pipeline_page_says_there_is_no_pipeline(data_dir):
    at = open_page("pages/pipeline.py", lang="en", ds="2")
    assert "a web funnel has visitors passing steps, not open deals" in screen_text(at)
    assert not at.metric  # no open deals, won/lost waterfall or forecast of visitors


def test_web_funnel_segments_show_visitors_and_conversion(data_dir):
    import pandas as pd

    from tests.app.conftest import ROOT

    events = pd.read_csv(ROOT / "sample_data" / "web_events.csv")
    first = events.drop_duplicates("visitor_id")  # a visitor's source is on every row of theirs
    sale = set(events.loc[events["step"] == "sale", "visitor_id"])
    at = open_page("pages/segments.py", lang="en", ds="2", sg_by="source")
    table = at.dataframe[0].value
    assert list(table.columns)[1:] == ["Visitors", "Reached the last step", "Converted"]
    row = table[table.iloc[:, 0] == "yandex"].iloc[0]
    yandex = first[first["source"] == "yandex"]["visitor_id"]
    converted = len(set(yandex) & sale)
    assert row["Visitors"] == f"{len(yandex):,}" and row["Reached the last step"] == f"{converted:,}"
    assert row["Converted"] == f"{converted / len(yandex):.1%}"
    assert "Click a cell to list its visitors." in screen_text(at)


def test_data_page_counts_visitors_of_a_web_funnel(data_dir):
    at = open_page("pages/data.py", lang="ru", ds="2")
    labels = [m.label for m in at.metric]
    assert "Посетители" in labels and "Сделок" not in labels
    assert "Посетителей: 40\u00a0000" in screen_text(at)


def test_a_file_without_lost_deals_warns_on_velocity_managers_and_segments(data_dir, tmp_path_factory):
    from funnel.importer import import_file

    # 4 deals, 3 won and 1 open, no lost one: every won / closed reads 100 %
    path = tmp_path_factory.mktemp("nolost") / "won_only_polish.csv"
    path.write_text("ID,Stage,Amount,Created,Closed,Manager,Source\n1,Lead,100,2024-01-02,,Ann,ads\n"
                    "2,Won,200,2024-01-03,2024-01-10,Ann,ads\n3,Won,300,2024-01-04,2024-01-11,Bob,web\n"
                    "4,Won,400,2024-01-05,2024-01-12,Bob,web\n", encoding="utf-8")
    store = Store(data_dir / "funnel.duckdb")
    info, _built, _draft = import_file(store, path, path.name, stages=["Lead", "Won"], name="won only polish")
    store.close()
    at = open_page("pages/velocity.py", lang="en", ds=str(info.id))
    assert any("reads 100% by construction, so the sales velocity" in w.value for w in at.warning)
    for page in ("pages/managers.py", "pages/segments.py"):
        at = open_page(page, lang="en", ds=str(info.id))
        assert any("every win rate (won / closed) in this table reads 100%" in w.value for w in at.warning), page
    b2b = open_page("pages/velocity.py", lang="en", ds="1")
    assert not any("by construction" in w.value for w in b2b.warning)


def _stored(data_dir, folder, text: str, name: str):
    """The dataset the app's store holds after importing ``text`` as a file."""
    from funnel.importer import import_file

    path = folder / f"{name.replace(' ', '_')}.csv"
    path.write_text(text, encoding="utf-8")
    store = Store(data_dir / "funnel.duckdb")
    info, _built, _draft = import_file(store, path, path.name, name=name)
    store.close()
    return info


def test_a_file_with_nothing_marked_won_says_why_its_win_rate_is_zero(data_dir, tmp_path_factory):
    from tests.unit.test_crm_exports_real import B24_COMPANY

    # a company's Bitrix24 export: its won stage «Выдано» is a name of its own, nothing marks a win
    info = _stored(data_dir, tmp_path_factory.mktemp("nowon"), B24_COMPANY, "nothing won polish")
    for page, lang, words in (("pages/overview.py", "en", "No deal in this file is marked won"),
                              ("pages/funnel.py", "en", "No deal in this file is marked won"),
                              ("pages/segments.py", "ru", "Ни одна сделка в файле не отмечена как выигранная"),
                              ("pages/overview.py", "zh", "该文件中没有任何交易被标记为赢单")):
        at = open_page(page, lang=lang, ds=str(info.id))
        assert not at.exception, page
        assert any(words in w.value for w in at.warning), (page, lang)
    # the names the warning sends the user to are the Data page's own
    at = open_page("pages/overview.py", lang="en", ds=str(info.id))
    assert any("«Change this dataset: columns, stage order, won/lost stages»" in w.value for w in at.warning)
    b2b = open_page("pages/overview.py", lang="en", ds="1")  # the sample has won deals: no such warning
    assert not any("marked won" in w.value for w in b2b.warning)


def test_a_currency_without_a_short_symbol_goes_into_the_money_tiles_labels(data_dir, tmp_path_factory):
    from tests.unit.test_crm_exports_real import PIPEDRIVE_COMPANY

    # NOK: "1.5K NOK" does not fit a tile (it showed "1.5K N…"); revenue = 1000 + 500 won, average 750
    info = _stored(data_dir, tmp_path_factory.mktemp("nok"), PIPEDRIVE_COMPANY, "nok polish")
    at = open_page("pages/overview.py", lang="en", ds=str(info.id))
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Revenue, NOK"] == "1.5K" and tiles["Average deal, NOK"] == "750"
    velocity = open_page("pages/velocity.py", lang="en", ds=str(info.id))
    labels = [m.label for m in velocity.metric]
    assert "Average won deal, NOK" in labels and not any(str(m.value).endswith("NOK") for m in velocity.metric)
    zh = {m.label: m.value for m in open_page("pages/overview.py", lang="zh", ds=str(info.id)).metric}
    assert zh["收入（NOK）"] == "1,500"  # full-width brackets, not ", "; Chinese abbreviates from 万 up
    saas = open_page("pages/overview.py", lang="en", ds="3")  # USD: the symbol stays with the number
    tiles = {m.label: m.value for m in saas.metric}
    assert "Revenue" in tiles and tiles["Revenue"].startswith("$")


KZT_DEALS = ("ID;Название сделки;Бюджет;Ответственный;Дата создания;Дата закрытия;Этап сделки\n"
             "1;Окна;12 500 ₸;Айгуль;01.02.2024 10:00;не закрыта;Первичный контакт\n"
             "2;Двери;1 200 000 тг;Ерлан;02.02.2024 11:00;12.02.2024 11:00;Успешно реализовано\n"
             "3;Крыша;5 000 тенге;Айгуль;03.02.2024 12:00;06.02.2024 12:00;Закрыто и не реализовано\n"
             "4;Фасад;350 000 тг;Ерлан;04.02.2024 09:00;24.02.2024 09:00;Успешно реализовано\n")


def test_a_money_tile_too_long_with_its_short_units_is_written_whole(data_dir, tmp_path_factory):
    # tenge: revenue 1 200 000 + 350 000 = 1 550 000 «1,6 млн ₸» fits a tile (9 characters); the average
    # 775 000 «775 тыс. ₸» (10) showed «775 ты…»: written whole, «775 000 ₸» (9), it fits
    info = _stored(data_dir, tmp_path_factory.mktemp("kzt"), KZT_DEALS, "kzt polish")
    tiles = {m.label: m.value for m in open_page("pages/overview.py", lang="ru", ds=str(info.id)).metric}
    assert tiles["Выручка"] == "1,6\u00a0млн\u00a0₸"
    assert tiles["Средний чек"] == "775\u00a0000\u00a0₸"
    en = {m.label: m.value for m in open_page("pages/overview.py", lang="en", ds=str(info.id)).metric}
    assert en["Revenue"] == "1.6M\u00a0₸" and en["Average deal"] == "775K\u00a0₸"  # short enough in English


GUESSED_ORDER = """Deal,Stage,Owner,Source
1,Alpha,Ann,Ads
2,Alpha,Ann,Ads
3,Alpha,Bob,SEO
4,Beta,Bob,SEO
5,Beta,Ann,Ads
6,Gamma,Bob,SEO
"""


def test_every_page_of_step_rates_says_while_the_stage_order_is_a_guess(data_dir, tmp_path_factory):
    # three stage names no preset knows, no history: the order is guessed from the counts (3, 2, 1)
    info = _stored(data_dir, tmp_path_factory.mktemp("guess"), GUESSED_ORDER, "guessed order polish")
    assert info.meta["order_guessed"] is True
    notes = {"en": "The stage order of this dataset is a guess",
             "ru": "Порядок этапов этого набора — догадка", "zh": "此数据集的阶段顺序是推测的"}
    for page, lang in (("pages/funnel.py", "en"), ("pages/segments.py", "ru"), ("pages/managers.py", "zh"),
                       ("pages/ab.py", "en"), ("pages/diagnostics.py", "en")):
        at = open_page(page, lang=lang, ds=str(info.id))
        assert not at.exception, page
        assert any(notes[lang] in w.value for w in at.warning), (page, lang)
    # the B2B sample's order comes from its history: no note
    for page in ("pages/funnel.py", "pages/managers.py"):
        assert not any("is a guess" in w.value for w in open_page(page, lang="en", ds="1").warning)
