"""One rule for every p90 of a duration (``funnel.metrics.cycle_rules``): the sales cycle's p90 is said only on at least
10 won deals with both dates, a stage's time-in-stage p90 only on at least 10 finished stays; below, the number is
null and the same sentence says why, on the Overview, in ``metrics --json``, the Velocity engine and its JSON, the
``velocity`` text and the report (summary, key figures, velocity section).

By hand (R type 7 / ``percentile_cont``: position h = 0.9 × (n − 1), x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋])):

- 9 won deals closed 1, 2, …, 9 days after creation: median 5; p90 not shown, «9 won deals have both dates».
- 10 won deals of 1 … 10 days: median 5.5; h = 8.1 → 9 + 0.1 × (10 − 9) = 9.1.
- 2 lost deals of 3 and 7 days: their p90 (6.6) is not said: «2 lost deals have both dates».
- Time in stage: deal k (k = 1 … 9) enters «Lead» on Jan 1 and «Proposal» on Jan 1 + k days: 9 finished stays of
  1 … 9 days at «Lead», no p90, and the open deal waiting at «Lead» since Jan 1 (90 days at the as-of Mar 31) is not
  counted as waiting longer than a p90; with a 10th deal (10 days) the p90 is 9.1 and that open deal is over it (1).
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from datetime import datetime

import pytest

from funnel.cli import main as cli_main
from funnel.importer import import_file
from funnel.metrics.context import resolve
from funnel.metrics.outcomes import outcomes_by
from funnel.metrics.report import metrics_json
from funnel.spec import FunnelSpec
from funnel.store import Store
from funnel.velocity.cycle import cycle
from funnel.velocity.report import velocity_doc
from funnel.velocity.sales_velocity import sales_velocity
from funnel.velocity.time_in_stage import time_in_stage
from tests.unit.test_report import report_of

AS_OF = datetime(2024, 3, 31)
FEW_WON_9 = "p90 not shown: 9 won deals have both dates (it needs at least 10)."


def deals_csv(won_days: list[int], lost_days: tuple[int, ...] = ()) -> str:
    """Won deals created on Jan 1 and closed ``won_days`` later; lost ones likewise; one open deal at «Lead»."""
    rows = ["ID,Stage,Amount,Created,Closed"]
    rows += [f"W{k},Won,100,2024-01-01,2024-01-{1 + d:02d}" for k, d in enumerate(won_days, 1)]
    rows += [f"L{k},Lost,100,2024-01-01,2024-01-{1 + d:02d}" for k, d in enumerate(lost_days, 1)]
    rows.append("O1,Lead,100,2024-01-01,")
    return "\n".join(rows) + "\n"


def history_csv(won_days: list[int]) -> str:
    """Each won deal's stays: «Lead» from Jan 1, «Proposal» from Jan 1 + its days, «Won» on its close day; O1 has
    entered «Lead» on Jan 1 and waits there."""
    rows = ["ID,Stage,Date"]
    for k, d in enumerate(won_days, 1):
        rows += [f"W{k},Lead,2024-01-01", f"W{k},Proposal,2024-01-{1 + d:02d}", f"W{k},Won,2024-01-{1 + d:02d}"]
    rows.append("O1,Lead,2024-01-01")
    return "\n".join(rows) + "\n"


def imported(tmp_path, won_days: list[int], lost_days: tuple[int, ...] = (), history: bool = False):
    store = Store(":memory:")
    path = tmp_path / "deals.csv"
    path.write_text(deals_csv(won_days, lost_days), encoding="utf-8")
    extra = {}
    if history:
        hist = tmp_path / "history.csv"
        hist.write_text(history_csv(won_days), encoding="utf-8")
        extra["history"] = hist
    info, _built, _draft = import_file(store, path, path.name, stages=["Lead", "Proposal", "Won", "Lost"], **extra)
    return store, info


def overall(store, info):
    with store.connect(info) as con:
        return outcomes_by(con, resolve(con, info, FunnelSpec()))[None]


def test_nine_won_deals_have_no_cycle_p90_and_say_why(tmp_path):
    store, info = imported(tmp_path, list(range(1, 10)))
    out = overall(store, info)
    assert out.cycle_deals == 9 and out.median_cycle_days == pytest.approx(5.0)
    assert out.p90_cycle_days is None and out.reasons["p90_cycle_days"] == "cycle49.p90.few_won"
    with store.connect(info) as con:
        doc = metrics_json(con, info, FunnelSpec())
    assert doc["p90_cycle_days"] is None and doc["reasons"]["p90_cycle_days"] == "cycle49.p90.few_won"
    assert doc["cycle_deals"] == 9 and doc["median_cycle_days"] == pytest.approx(5.0)


def test_ten_won_deals_have_the_cycle_p90_by_hand(tmp_path):
    store, info = imported(tmp_path, list(range(1, 11)))
    out = overall(store, info)
    assert out.median_cycle_days == pytest.approx(5.5) and out.p90_cycle_days == pytest.approx(9.1)
    assert "p90_cycle_days" not in out.reasons
    with store.connect(info) as con:
        doc = metrics_json(con, info, FunnelSpec())
    assert doc["p90_cycle_days"] == pytest.approx(9.1) and "p90_cycle_days" not in doc["reasons"]


def test_velocity_cycle_follows_the_rule_for_won_and_lost(tmp_path):
    store, info = imported(tmp_path, list(range(1, 10)), lost_days=(3, 7))
    with store.connect(info) as con:
        cyc = cycle(con, info, FunnelSpec(), AS_OF)
    assert (cyc.won.n, cyc.won.median_days, cyc.won.p90_days) == (9, pytest.approx(5.0), None)
    assert cyc.won.p90_reason == "cycle49.p90.few_won"
    assert (cyc.lost.n, cyc.lost.median_days, cyc.lost.p90_days) == (2, pytest.approx(5.0), None)
    assert cyc.lost.p90_reason == "cycle49.p90.few_lost"
    # no p90 for the trend's «too young» months: the longest won cycle, 9 days, is the threshold
    assert cyc.young_by_longest and cyc.young_days == pytest.approx(9.0)
    store, info = imported(tmp_path, list(range(1, 11)))
    with store.connect(info) as con:
        cyc = cycle(con, info, FunnelSpec(), AS_OF)
    assert cyc.won.p90_days == pytest.approx(9.1) and cyc.won.p90_reason is None
    assert not cyc.young_by_longest and cyc.young_days == pytest.approx(9.1)


def test_time_in_stage_p90_needs_ten_finished_stays(tmp_path):
    store, info = imported(tmp_path, list(range(1, 10)), history=True)
    with store.connect(info) as con:
        lead = {r.stage: r for r in time_in_stage(con, info, FunnelSpec(), AS_OF).rows}["Lead"]
    assert lead.n == 9 and lead.median_days == pytest.approx(5.0)
    assert lead.p90_days is None and lead.p90_reason == "cycle49.p90.few_stays"
    assert lead.open_n == 1 and lead.open_over_p90 is None  # no p90 to say the open deal waited longer than
    store, info = imported(tmp_path, list(range(1, 11)), history=True)
    with store.connect(info) as con:
        tis = time_in_stage(con, info, FunnelSpec(), AS_OF)
    lead = {r.stage: r for r in tis.rows}["Lead"]
    assert lead.n == 10 and lead.p90_days == pytest.approx(9.1) and lead.p90_reason is None
    assert lead.open_over_p90 == 1 and tis.most_stuck is lead  # O1: 90 days at «Lead» > 9.1


def test_velocity_json_keeps_a_null_and_the_reason(tmp_path):
    store, info = imported(tmp_path, list(range(1, 10)), lost_days=(3, 7), history=True)
    spec = FunnelSpec()
    with store.connect(info) as con:
        doc = velocity_doc(time_in_stage(con, info, spec, AS_OF), cycle(con, info, spec, AS_OF),
                           sales_velocity(con, info, spec, AS_OF))
    assert doc["cycle"]["won"] == {"n": 9, "median_days": 5.0, "p90_days": None, "p90_reason": "cycle49.p90.few_won"}
    assert doc["cycle"]["lost"]["p90_days"] is None and doc["cycle"]["lost"]["p90_reason"] == "cycle49.p90.few_lost"
    lead = doc["time_in_stage"][0]
    assert (lead["stage"], lead["n"], lead["p90_days"], lead["p90_reason"]) == ("Lead", 9, None,
                                                                                "cycle49.p90.few_stays")


def test_velocity_text_says_the_sentences(tmp_path, monkeypatch):
    (tmp_path / "deals.csv").write_text(deals_csv(list(range(1, 10)), (3, 7)), encoding="utf-8")
    (tmp_path / "history.csv").write_text(history_csv(list(range(1, 10))), encoding="utf-8")
    store = str(tmp_path / "store")
    assert cli_main(["--data-dir", store, "import", str(tmp_path / "deals.csv"), "--history",
                     str(tmp_path / "history.csv"), "--stages", "Lead,Proposal,Won,Lost"]) == 0
    for lang, won, lost, stays in (
            ("en", FEW_WON_9, "p90 not shown: 2 lost deals have both dates (it needs at least 10).",
             "p90 of «Lead» not shown: 9 stays there have finished (it needs at least 10)."),
            ("ru", "p90 не показан: обе даты есть у 9 выигранных сделок (нужно не меньше 10).",
             "p90 не показан: обе даты есть у 2 проигранных сделок (нужно не меньше 10).",
             "p90 этапа «Lead» не показан: на нём закончилось 9 пребываний (нужно не меньше 10).")):
        monkeypatch.setenv("FUNNEL_LANG", lang)
        buf = io.StringIO()
        with redirect_stdout(buf):
            assert cli_main(["--data-dir", store, "velocity", "1", "--as-of", "2024-03-31"]) == 0
        text = buf.getvalue()
        assert won in text and lost in text and stays in text, text
        buf = io.StringIO()
        with redirect_stdout(buf):
            assert cli_main(["--data-dir", store, "velocity", "1", "--as-of", "2024-03-31", "--json"]) == 0
        assert json.loads(buf.getvalue())["cycle"]["won"]["p90_days"] is None


def test_report_says_a_dash_and_the_sentence(tmp_path):
    store, info = imported(tmp_path, list(range(1, 10)), history=True)
    report = report_of(store, info, lang="en")
    summary = " ".join(report.section("summary").paragraphs)
    assert "median 5.0, 90th percentile —. " + FEW_WON_9 in summary
    kpis = {row[0]: row for row in report.section("kpis").tables[0].rows}
    p90 = kpis["Sales cycle, 90th percentile (days)"]
    assert p90[1].value is None and p90[4] == FEW_WON_9
    velocity = report.section("velocity")
    assert any(FEW_WON_9 in p and "90th percentile, days: —" in p for p in velocity.paragraphs)
    assert "p90 of «Lead» not shown: 9 stays there have finished (it needs at least 10)." in velocity.bullets
    tis = velocity.tables[0]
    lead = tis.rows[0]
    assert lead[0] == "Lead" and lead[3] is None  # the p90 column
    ru = report_of(store, info, lang="ru")
    assert "p90 не показан: обе даты есть у 9 выигранных сделок (нужно не меньше 10)." in \
        " ".join(ru.section("summary").paragraphs)


def test_report_keeps_the_p90_on_ten(tmp_path):
    store, info = imported(tmp_path, list(range(1, 11)), history=True)
    report = report_of(store, info, lang="en")
    summary = " ".join(report.section("summary").paragraphs)
    assert "median 5.5, 90th percentile 9.1" in summary and "p90 not shown" not in summary
    velocity = report.section("velocity")
    assert not any("p90" in b and "not shown" in b for b in velocity.bullets)


def test_a_hostile_stage_name_is_text_in_the_sentence(tmp_path):
    """A stage named ``<img src=x onerror=alert(1)>`` with 9 finished stays: the HTML report says its p90 sentence with
    the name escaped, never as a tag."""
    from funnel.report import render

    hostile = "<img src=x onerror=alert(1)>"
    store = Store(":memory:")
    days = list(range(1, 10))
    (tmp_path / "deals.csv").write_text(deals_csv(days).replace(",Lead,", f',"{hostile}",'), encoding="utf-8")
    (tmp_path / "history.csv").write_text(history_csv(days).replace(",Lead,", f',"{hostile}",'), encoding="utf-8")
    info, _built, _draft = import_file(store, tmp_path / "deals.csv", "deals.csv", history=tmp_path / "history.csv",
                                       stages=[hostile, "Proposal", "Won", "Lost"])
    page = render(report_of(store, info, lang="en"), "html").decode("utf-8")
    assert "p90 of «&lt;img src=x onerror=alert(1)&gt;» not shown: 9 stays there have finished" in page
    assert hostile not in page
