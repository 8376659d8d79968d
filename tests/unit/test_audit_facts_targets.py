"""The audit's per-deal fact (``last_entry_at``, funnel/audit/facts.py) and leak targets
(funnel/audit/targets.py): time in stage by hand on a four-deal import, the same numbers without the
fact (a dataset imported before it), targets parsed, carried in a link, remembered in the store, and
the leak they give priced by hand."""

from __future__ import annotations

from datetime import date

import pytest

from funnel.audit import targets
from funnel.audit.data import AuditOptions
from funnel.audit.stuck import stage_times
from funnel.errors import FunnelError
from funnel.importer import import_file
from funnel.metrics.context import resolve
from funnel.spec import FunnelSpec
from tests.unit.test_audit_findings import EVEN, of, run_audit, walk

DEALS = """Deal ID,Deal Name,Stage,Amount,Created Date,Actual Close Date,Owner
1,One,Closed Lost,100,2024-01-01,2024-01-20,Ann
2,Two,Closed Won,200,2024-01-01,2024-01-30,Ann
3,Three,Closed Lost,300,2024-01-01,2024-01-25,Bob
4,Four,Qualified,400,2024-02-01,,Bob
"""
HISTORY = """Deal ID,Stage,Date Entered
1,Lead,2024-01-01
1,Qualified,2024-01-03
1,Closed Lost,2024-01-10
2,Lead,2024-01-01
2,Qualified,2024-01-05
2,Proposal,2024-01-09
2,Closed Won,2024-01-15
3,Lead,2024-01-01
3,Qualified,2024-01-11
4,Lead,2024-02-01
4,Qualified,2024-02-04
"""
ORDER = ["Lead", "Qualified", "Proposal", "Closed Won"]
AS_OF = date(2024, 3, 5)


@pytest.fixture
def four(mem_store):
    info, _built, _draft = import_file(mem_store, DEALS.encode(), "deals.csv", history=HISTORY.encode(),
                                       history_name="history.csv", stages=ORDER)
    return mem_store, info


def _times(store, info):
    from datetime import datetime, time

    with store.connect() as con:
        ctx = resolve(con, info, FunnelSpec())
        return {t.stage: t for t in stage_times(con, ctx, datetime.combine(AS_OF, time.max)).values()}


def test_last_entry_at_is_each_deals_last_stage_entry(four):
    store, info = four
    with store.connect() as con:
        rows = dict(con.execute(f"SELECT deal_id, CAST(last_entry_at AS DATE) FROM ds_{info.id}.deals").fetchall())
    assert rows == {"1": date(2024, 1, 10), "2": date(2024, 1, 15), "3": date(2024, 1, 11), "4": date(2024, 2, 4)}


def test_time_in_stage_counts_every_finished_stay_as_velocity_does(four):
    times = _times(*four)
    # Lead left by an entry: 2 (deal 1), 4 (2), 10 (3), 3 (4) days
    lead = times["Lead"]
    assert (lead.n_left, lead.p50_days, lead.mean_days) == (4, 3.5, 4.75)
    # Qualified: 7 (deal 1, left for the lost stage), 4 (deal 2), 14 (deal 3, closed there without a
    # further entry: its stay ends at its close date, Jan 11 -> Jan 25, as on the Velocity page);
    # deal 4 is still open
    qualified = times["Qualified"]
    assert (qualified.n_left, qualified.p50_days) == (3, 7.0)
    assert qualified.mean_days == pytest.approx(25 / 3)
    # type 7 over [4, 7, 14] would be 12.6 (rank 1.8), but 3 finished stays are too few for a p90 (cycle_rules:
    # at least 10): none, as on the Velocity page's time in stage (it had been 6.7 here, 12.6 there)
    assert qualified.p90_days is None and qualified.threshold_days is None
    from datetime import datetime, time

    from funnel.velocity.time_in_stage import time_in_stage

    store, info = four
    with store.connect() as con:
        rows = time_in_stage(con, info, FunnelSpec(), datetime.combine(AS_OF, time.max)).rows
    velocity_qualified = {r.stage: r for r in rows}["Qualified"]
    assert velocity_qualified.p90_days is None and velocity_qualified.p90_reason == "cycle49.p90.few_stays"
    # deal 4 open at Qualified since Feb 4 (about 31 days at the end of Mar 5): no p90, so not called stuck by it
    assert (qualified.open_n, qualified.stuck_n, qualified.stuck_amount) == (1, 0, None)
    assert qualified.open_median_age == pytest.approx(31, abs=1 / 86400 + 1e-9)
    assert (times["Proposal"].n_left, times["Proposal"].p50_days) == (1, 6.0)


def test_a_threshold_given_still_finds_stuck_deals_without_a_p90(four):
    """The user's 30 days: deal 4, open at Qualified about 31 days, is stuck (400), whatever the stays' count."""
    from datetime import datetime, time

    store, info = four
    with store.connect() as con:
        ctx = resolve(con, info, FunnelSpec())
        times = {t.stage: t for t in stage_times(con, ctx, datetime.combine(AS_OF, time.max), 30.0).values()}
    qualified = times["Qualified"]
    assert (qualified.threshold_days, qualified.stuck_n, qualified.stuck_amount) == (30.0, 1, 400.0)


def test_a_dataset_without_the_fact_gives_the_same_numbers(four):
    store, info = four
    before = _times(store, info)
    with store.connect() as con:
        con.execute(f"ALTER TABLE ds_{info.id}.deals DROP COLUMN last_entry_at")
    assert _times(store, info) == before


@pytest.mark.parametrize("text, expected", [
    ("Proposal=40%", ("Proposal", 0.4)), ("Proposal = 0.4", ("Proposal", 0.4)), ("a=b=25 %", ("a=b", 0.25)),
    ("Счёт выставлен=100%", ("Счёт выставлен", 1.0)), ("X=0", ("X", 0.0))])
def test_targets_read_as_a_share(text, expected):
    stage, value = targets.parse_target(text)
    assert stage == expected[0] and value == pytest.approx(expected[1])


@pytest.mark.parametrize("text", ["Proposal", "=0.4", "Proposal=140%", "Proposal=1.5", "Proposal=lots", "P=nan"])
def test_unreadable_targets_say_so(text):
    with pytest.raises(FunnelError) as err:
        targets.parse_target(text)
    assert err.value.code == "audit.bad_target" and text in err.value.message("en")


def test_a_target_names_a_stage_a_step_leaves_from():
    targets.check_stages({"A": 0.5}, ["A", "B", "Won"])
    for stage in ("Won", "Nope"):
        with pytest.raises(FunnelError) as err:
            targets.check_stages({stage: 0.5}, ["A", "B", "Won"])
        assert stage in err.value.message("en") and "«A», «B»" in err.value.message("en")


def test_targets_in_a_link():
    text = targets.to_url({"Proposal": 0.4, "КП <b>": 0.25})
    assert targets.from_url(text) == {"Proposal": 0.4, "КП <b>": 0.25}
    assert targets.to_url({}) is None and targets.from_url("{}") == {}
    for bad in ("[1]", "{\"a\": 150}", "{\"a\": \"x\"}", "not json", None):
        assert targets.from_url(bad) is None


def test_targets_are_remembered_per_dataset_and_pipeline(file_store):
    assert targets.saved(file_store, 1, "Sales") == {}  # nothing saved yet: no table either
    targets.save(file_store, 1, "Sales", {"A": 0.4, "'); DROP TABLE deals; --": 0.5})
    targets.save(file_store, 2, "Sales", {"A": 0.9})
    assert targets.saved(file_store, 1, "Sales") == {"A": 0.4, "'); DROP TABLE deals; --": 0.5}
    assert targets.saved(file_store, 1, "Other") == {}
    targets.save(file_store, 1, "Sales", {"B": 0.3})  # a save replaces the pipeline's targets
    assert targets.saved(file_store, 1, "Sales") == {"B": 0.3}
    assert targets.saved(file_store, 2, "Sales") == {"A": 0.9}


def test_leak_against_a_target_is_priced_by_the_leak_rule():
    # EVEN: of 200 at A, 180 reach B (.9), 162 C, 146 D, 132 won
    d = run_audit(walk("d", 200, EVEN), options=AuditOptions(benchmark="target", targets=(("A", 0.95),)))[2]
    (leak,) = of(d, "leak")
    assert (leak.stage, leak.stage_to, leak.value, leak.benchmark) == ("A", "B", 0.9, 0.95)
    # 200 x (.95 - .9) = 10 extra deals at B x P(won | reached B) = 132/180 x average won 1000
    assert leak.impact == pytest.approx(10 * 132 / 180 * 1000)


def test_a_target_met_exactly_or_beaten_is_no_leak():
    options = AuditOptions(benchmark="target", targets=(("A", 0.9), ("B", 0.5)))
    assert not of(run_audit(walk("d", 200, EVEN), options=options)[2], "leak")
