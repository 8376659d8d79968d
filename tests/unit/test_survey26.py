"""Issue 16, survey 26: the marketer's exports (web analytics, ad platforms), read as counts per step.

- **GA4's report CSV** (a public parser's test of GA4 downloads: the ``# ----`` block, ``Grand total`` first, a
  second ``Date,Sessions`` section) with «Session key event rate» written to three decimals: «0.045» passed as a
  thousands-grouped whole number (45), so the rate became the funnel's last step, stored as 0: every channel
  converted 0 %, and «Event count» (6.5 per session) was pulled in between. No thousands group starts with 0.
- **Yandex Direct's report** (TSV: the report's name, the fields, the rows, «Total rows: N») with «--» in
  Conversions where a campaign has no goal data: the column vanished from the steps, named nowhere; read, its «--»
  is an unknown count, never a 0 (which the A/B comparison had declared "converts worse", p = 0.029).
- **Google Ads' campaign report** writes «Clicks» before «Impr.»: refused ("no stage") because the last column
  held more than the first; ad counts are now ordered by what they count.
"""

from __future__ import annotations

from funnel.ab_dataset import analyze_dataset
from funnel.importer import import_file
from funnel.mapping import cell_kinds
from funnel.spec import FunnelSpec
from tests.unit.test_crm_exports_spreadsheets import findings

GA4 = """# ----------------------------------------
# Traffic acquisition: Session primary channel group (Default channel group)
# Account: Demo account
# Property: Demo shop
# ----------------------------------------
#
# Start date: 20240301
# End date: 20240331
Session primary channel group (Default channel group),Sessions,Engaged sessions,Engagement rate,\
Average engagement time per session,Events per session,Event count,Key events,Session key event rate,Total revenue
Grand total,10000,6000,0.6,52.3,6.5,65000,450,0.04,12000.5
Organic Search,6000,3900,0.65,58.1,6.9,41400,300,0.045,8000
Paid Search,3000,1650,0.55,44.2,6.1,18300,120,0.035,3500.5
Direct,1000,450,0.45,40.7,5.3,5300,30,0.025,500

# ----------------------------------------
Date,Sessions
20240301,320
20240302,310
20240303,335
"""

DIRECT = ("Отчёт по кампаниям (2024-03-01 - 2024-03-31)\n"
          "CampaignName\tCampaignId\tImpressions\tClicks\tCtr\tConversions\tConversionRate\tCost\n"
          "Поиск — бренд\t70123401\t50000\t1500\t3.00\t45\t3.00\t45000000000\n"
          "РСЯ — ретаргетинг\t70123402\t30000\t600\t2.00\t12\t2.00\t18000000000\n"
          "Поиск — конкуренты\t70123403\t8000\t100\t1.25\t--\t--\t5000000000\n"
          "Total rows: 3\n")

GOOGLE_ADS = """Campaign report
"March 1, 2024 - March 31, 2024"
Campaign status,Campaign,Campaign type,Clicks,Impr.,CTR,Currency code,Avg. CPC,Cost,Conversions,Cost / conv.,Conv. rate
Enabled,Brand,Search,"1,500","50,000",3.00%,USD,0.30,450.00,45.00,10.00,3.00%
Enabled,Generic,Search,600,"30,000",2.00%,USD,1.00,600.00,12.50,48.00,2.08%
Paused,Display remarketing,Display,100,"8,000",1.25%,USD,0.50,50.00,3.33,15.02,3.33%
Total: Account,--,--,"2,200","88,000",2.50%,USD,0.50,"1,100.00",60.83,18.08,2.77%
Total: Search,--,--,"2,100","80,000",2.63%,USD,0.50,"1,050.00",57.50,18.26,2.74%
Total: Display,--,--,100,"8,000",1.25%,USD,0.50,50.00,3.33,15.02,3.33%
Total: Campaigns,--,--,"2,200","88,000",2.50%,USD,0.50,"1,100.00",60.83,18.08,2.77%
"""


def _counts(store, info) -> dict[tuple[str, str], int]:
    with store.connect() as con:
        return {(g, s): n for s, g, n in con.execute(f"SELECT stage, grp, n FROM ds_{info.id}.counts").fetchall()}


def test_a_rate_with_three_decimals_is_no_whole_number():
    assert not cell_kinds.is_whole_number("0.045") and not cell_kinds.is_whole_number("-0.025")
    assert cell_kinds.is_whole_number("1.250") and cell_kinds.is_whole_number("12,000")  # thousands, as before


def test_ga4s_report_is_sessions_then_engaged_sessions_never_a_rate(mem_store):
    info, _built, _ = import_file(mem_store, GA4.encode(), "Traffic_acquisition.csv")
    counts = _counts(mem_store, info)
    assert {s for _g, s in counts} == {"Sessions", "Engaged sessions"}  # before: + Event count, Key events, the rate
    # the file's Grand total is the overall; Organic Search 6,000 → 3,900 (65 %)
    assert (counts[("", "Sessions")], counts[("", "Engaged sessions")]) == (10000, 6000)
    assert (counts[("Organic Search", "Sessions")], counts[("Organic Search", "Engaged sessions")]) == (6000, 3900)


def test_directs_missing_conversions_are_unknown_not_zero(mem_store):
    info, _built, _ = import_file(mem_store, DIRECT.encode(), "report.tsv")
    counts = _counts(mem_store, info)
    assert counts[("Поиск — бренд", "Conversions")] == 45 and counts[("РСЯ — ретаргетинг", "Conversions")] == 12
    assert counts[("Поиск — конкуренты", "Clicks")] == 100
    assert ("Поиск — конкуренты", "Conversions") not in counts  # before: no Conversions step at all; then a 0
    assert built_rejected(mem_store, info) == 0
    with mem_store.connect() as con:
        result = analyze_dataset(con, info, FunnelSpec(), "CampaignName")
    last = next(s for s in result.steps if s.stage_from == "Clicks" and s.stage_to == "Conversions")
    assert set(last.groups) == {"Поиск — бренд", "РСЯ — ретаргетинг"}  # the unknown one is not compared
    assert (last.groups["Поиск — бренд"].n, last.groups["Поиск — бренд"].conversions) == (1500, 45)
    assert "ab.note.counts_unknown" in result.notes


def built_rejected(store, info) -> int:
    return sum(1 for code in findings(store, info) if code.startswith("reject."))


def test_google_ads_clicks_before_impressions_is_a_funnel_of_impressions_then_clicks(mem_store):
    info, _built, _ = import_file(mem_store, GOOGLE_ADS.encode(), "Campaign report.csv")
    counts = _counts(mem_store, info)
    with mem_store.connect() as con:
        order = [s for (s,) in con.execute(f"SELECT stage FROM ds_{info.id}.stages ORDER BY position").fetchall()]
    # before: refused, "no column for «stage»"; the fractional conversions (12.50, 3.33) are the last step since
    # session 37, each row rounded (tests/unit/test_ad_fractional_conversions.py)
    assert order == ["Impr.", "Clicks", "Conversions"]
    assert (counts[("Brand", "Conversions")], counts[("Generic", "Conversions")]) == (45, 13)
    # the Total rows are the overall (2,200 of 88,000), the campaigns the groups: Brand 1,500 of 50,000
    assert (counts[("", "Impr.")], counts[("", "Clicks")]) == (88000, 2200)
    assert (counts[("Brand", "Impr.")], counts[("Brand", "Clicks")]) == (50000, 1500)


# Yandex Metrica's Logs API visits (TSV, «ym:s:» fields; the goals reached in a visit as a list, their times beside:
# the layout public readers of these files parse, a PHP TsvVisitParser and Python collectors requesting these fields)
METRICA = "\n".join("\t".join(row) for row in [
    ["ym:s:visitID", "ym:s:clientID", "ym:s:dateTime", "ym:s:isNewUser", "ym:s:pageViews", "ym:s:visitDuration",
     "ym:s:bounce", "ym:s:goalsID", "ym:s:goalsDateTime", "ym:s:lastTrafficSource"],
    ["7351200001", "1700000001", "2024-03-01 10:00:05", "1", "1", "12", "1", "[]", "[]", "organic"],
    ["7351200002", "1700000002", "2024-03-01 11:20:00", "1", "3", "95", "0", "[111]", "['2024-03-01 11:21:10']", "organic"],
    ["7351200003", "1700000003", "2024-03-02 09:00:00", "1", "5", "300", "0", "[111,222]",
     "['2024-03-02 09:01:00','2024-03-02 09:04:30']", "organic"],
    ["7351200004", "1700000004", "2024-03-02 12:00:00", "1", "2", "40", "0", "[]", "[]", "organic"],
    ["7351200005", "1700000005", "2024-03-03 08:30:00", "1", "2", "60", "0", "[111]", "['2024-03-03 08:31:00']", "ad"],
    ["7351200006", "1700000006", "2024-03-03 14:10:00", "1", "4", "200", "0", "[111,222]",
     "['2024-03-03 14:11:00','2024-03-03 14:13:00']", "ad"],
    ["7351200007", "1700000007", "2024-03-04 16:00:00", "1", "6", "410", "0", "[111,222]",
     "['2024-03-04 16:02:00','2024-03-04 16:05:00']", "ad"],
    ["7351200008", "1700000008", "2024-03-04 17:45:00", "1", "1", "5", "1", "[]", "[]", "ad"],
    ["7351200009", "1700000001", "2024-03-05 10:00:00", "0", "2", "80", "0", "[111]", "['2024-03-05 10:01:00']", "organic"],
    ["7351200010", "1700000005", "2024-03-06 19:00:00", "0", "3", "150", "0", "[222]", "['2024-03-06 19:02:00']", "ad"],
]) + "\n"


def test_metrica_logs_visits_are_an_event_log_of_clients_and_goals(mem_store):
    """By hand: 8 clients; goal 111 reached by clients 1, 2, 3, 5, 6, 7 (6), goal 222 by 3, 5, 6, 7 (4; client 5's in
    a later visit). Organic 4 → 3 → 1, ad 4 → 3 → 3. Before: counts of the flag, page views, seconds and bounces
    (8 → 29 → 1,352 → 2)."""
    from tests.unit.test_crm_exports_spreadsheets import reached

    info, _built, _ = import_file(mem_store, METRICA.encode(), "visits.tsv")
    assert reached(mem_store, info) == [("visit", 8), ("goal 111", 6), ("goal 222", 4)]
    assert findings(mem_store, info)["readers.metrica_logs"][0] == "info"
    with mem_store.connect() as con:
        result = analyze_dataset(con, info, FunnelSpec(), "source")  # «Traffic source», the mapped source
    whole = {g: (r.n, r.conversions) for g, r in result.groups.items()}
    assert whole == {"organic": (4, 1), "ad": (4, 3)}


# Metrica's goal report by source, as a public script summarising Metrica downloads reads it (header, then «Итого и
# средние»; the goal's columns «Целевые визиты (…)», «Достижения цели (…)», «Конверсия по цели (…)»)
METRICA_GOALS = """"Источник трафика","Визиты","Посетители","Отказы","Глубина просмотра","Время на сайте","Целевые визиты (Заявка)","Достижения цели (Заявка)","Конверсия по цели (Заявка)"
"Итого и средние","10000","8000","0.2","2.5","00:02:10","500","650","0.05"
"Переходы из поисковых систем","6000","4800","0.18","2.7","00:02:30","360","470","0.06"
"Переходы по рекламе","3000","2500","0.25","2.1","00:01:40","120","150","0.04"
"Прямые заходы","1000","900","0.22","2.4","00:02:00","20","30","0.02"
"""


def test_metricas_visitors_are_no_step_between_visits_and_the_goal(mem_store):
    """Metrica's conversion is target visits / visits: search 360 / 6,000 = 6 %, ads 4 %, direct 2 %, all 500 / 10,000
    = 5 % (the file's own «Конверсия по цели»). Before: Визиты → Посетители → Целевые визиты, the last step 6.10 %."""
    info, _built, _ = import_file(mem_store, METRICA_GOALS.encode(), "metrika.csv")
    counts = _counts(mem_store, info)
    assert {s for _g, s in counts} == {"Визиты", "Целевые визиты (Заявка)"}
    assert (counts[("", "Визиты")], counts[("", "Целевые визиты (Заявка)")]) == (10000, 500)
    assert "counts.left_out_people" in findings(mem_store, info)
    with mem_store.connect() as con:
        result = analyze_dataset(con, info, FunnelSpec(), "Источник трафика")
    rates = {g: r.rate for g, r in result.groups.items()}
    assert rates == {"Переходы из поисковых систем": 0.06, "Переходы по рекламе": 0.04, "Прямые заходы": 0.02}
