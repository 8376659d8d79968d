"""A/B comparisons on stored datasets: counts per group and stage, the Holm family, verdicts, errors.

Expected p-values are worked out by hand in comments (two-proportion z-test with the pooled
standard error, two-sided: Agresti, *Categorical Data Analysis*, 3rd ed., section 3.1.1).
"""

from __future__ import annotations

import math

import duckdb
import pandas as pd
import pytest
from scipy import stats

from funnel.ab_dataset import analyze_dataset, default_control, parse_step, resolve_column, step_counts
from funnel.errors import FunnelError
from funnel.importer import import_file
from funnel.metrics.fixture import make_dataset
from funnel.sample_datasets import SAMPLE_DIR, manifest
from funnel.spec import FunnelSpec
from funnel.store import Store
from tests.conftest import shared_path

STAGES = {"Web": [("Visit", "open"), ("Signup", "open"), ("Paid", "won"), ("Lost", "lost")]}


def _arm(variant: str | None, n: int, signups: int, paid: int, segment: str = "SMB") -> list[dict]:
    """``n`` visitors: ``paid`` won (100 each), ``signups - paid`` lost at Signup, the rest lost at Visit."""
    deals = []
    for i in range(n):
        pos = 3 if i < paid else 2 if i < signups else 1
        deals.append(dict(deal_id=f"{variant}{i}", variant=variant, furthest_pos=pos, x_segment=segment,
                          status="won" if pos == 3 else "lost", amount=100.0 if pos == 3 else None,
                          stage="Paid" if pos == 3 else "Lost", created_at="2024-03-01"))
    return deals


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect(":memory:")
    yield c
    c.close()


@pytest.fixture(scope="module")
def ab(con):
    """Read-only, built once. B (listed first) 200 visitors, 60 signups, 15 paid; A 200, 40, 10; 5 visitors with no variant."""
    deals = _arm("B", 200, 60, 15) + _arm("A", 200, 40, 10) + _arm(None, 5, 1, 0, segment="Enterprise")
    return make_dataset(con, stages=STAGES, deals=deals, extra_columns={"x_segment": "Segment"},
                        meta={"mapping": {"fields": {"variant": "landing"}}})


def test_step_counts_cumulate_furthest_positions(con, ab):
    out = step_counts(con, ab, FunnelSpec(), "variant")
    assert out.stages == ("Visit", "Signup", "Paid")
    # reached k = deals with furthest position >= k; equal sizes are ordered by name, no value last
    assert out.groups == {"A": [200, 40, 10], "B": [200, 60, 15], "": [5, 1, 0]}
    assert out.empty_value is True


def test_one_step_is_the_z_test_by_hand(con, ab):
    r = analyze_dataset(con, ab, FunnelSpec(), "variant", step=("Visit", "Signup"))
    # A 40/200 vs B 60/200: pooled p = 100/400 = 0.25, se = sqrt(.25*.75*(1/200+1/200)) = 0.043301,
    # z = (0.30-0.20)/0.043301 = 2.3094, p = 2*(1-Phi(2.3094)) = 0.02092
    assert r.control == "A"  # named like a control, although B is listed first
    c = r.comparisons["B"]
    assert c.test == "z"
    assert c.p_value == pytest.approx(0.02092, abs=2e-5)
    assert c.p_value_adjusted == pytest.approx(0.02092, abs=2e-5)  # one planned comparison
    assert (r.stage_from, r.stage_to) == ("Visit", "Signup")
    assert r.verdict.code == "winner" and r.verdict.group == "B"
    assert r.no_value_n == 5 and "ab.note.empty_value" in r.notes


def test_whole_funnel_and_steps_are_one_holm_family(con, ab):
    r = analyze_dataset(con, ab, FunnelSpec(), "variant")
    # overall Visit->Paid: A 10/200 vs B 15/200, pooled .0625, se = sqrt(.0625*.9375*.01) = 0.024206,
    # z = 0.025/0.024206 = 1.0328, p = 0.3017. Signup->Paid: 10/40 vs 15/60, both 0.25 -> p = 1.
    # Holm over {0.0209, 0.3017, 1}: 3*0.0209 = 0.0628, max(0.0628, 2*0.3017) = 0.6034, 1.
    assert (r.stage_from, r.stage_to) == ("Visit", "Paid")
    assert r.comparisons["B"].p_value == pytest.approx(0.3017, abs=2e-4)
    assert r.comparisons["B"].p_value_adjusted == pytest.approx(0.6034, abs=4e-4)
    assert r.comparisons_total == 3
    visit, signup = r.steps
    assert (visit.stage_from, visit.stage_to, signup.stage_from, signup.stage_to) == ("Visit", "Signup", "Signup", "Paid")
    assert visit.comparisons["B"].p_value_adjusted == pytest.approx(3 * 0.02092, abs=1e-4)
    assert signup.comparisons["B"].p_value_adjusted == pytest.approx(1.0)
    # after the correction the Visit->Signup gap no longer counts as real
    assert visit.verdict.code == "no_difference_yet"
    assert r.verdict.code == "no_difference_yet"


def test_revenue_per_lead_from_sums(con, ab):
    rev = analyze_dataset(con, ab, FunnelSpec(), "variant").revenue_per_lead
    # A: 10 won x 100 over 200 deals -> mean 5; B: 15 x 100 / 200 -> 7.5
    # sd A = sqrt((10*100^2 - 200*5^2)/199) = sqrt(95000/199); sd B = sqrt((15*100^2 - 200*7.5^2)/199)
    assert rev.groups["A"].mean == pytest.approx(5.0)
    assert rev.groups["B"].mean == pytest.approx(7.5)
    sd_a, sd_b = math.sqrt(95000 / 199), math.sqrt(138750 / 199)
    welch = stats.ttest_ind_from_stats(7.5, sd_b, 200, 5.0, sd_a, 200, equal_var=False)
    assert rev.comparisons["B"].p_value == pytest.approx(welch.pvalue, rel=1e-6)


def test_revenue_per_lead_from_raw_amounts_adds_rank_test_and_bootstrap(con, ab):
    rev = analyze_dataset(con, ab, FunnelSpec(), "variant").revenue_per_lead
    comp = rev.comparisons["B"]
    # the same leads written out by hand: A = 10 x 100 and 190 x 0, B = 15 x 100 and 185 x 0
    a, b = [100.0] * 10 + [0.0] * 190, [100.0] * 15 + [0.0] * 185
    assert comp.mann_whitney.p_value == pytest.approx(stats.mannwhitneyu(b, a).pvalue, rel=1e-9)
    boot = comp.bootstrap
    assert boot.n_resamples == 2000 and boot.ci_low < 2.5 < boot.ci_high  # observed diff 7.5 - 5


def test_revenue_from_sums_only_above_the_raw_limit(con, ab):
    from funnel.ab_dataset import lead_amounts

    assert lead_amounts(con, ab, FunnelSpec(), "variant", ["A", "B"], limit=10) is None


def test_filters_and_headers(con, ab):
    assert resolve_column(ab, "landing") == "variant"  # the file's header of a mapped column
    assert resolve_column(ab, "Segment") == "x_segment"  # the original header of an extra column
    assert resolve_column(ab, "segment") == "x_segment"
    out = step_counts(con, ab, FunnelSpec(filters={"x_segment": ["Enterprise"]}), "landing")
    assert out.groups == {"": [5, 1, 0]}
    by_segment = step_counts(con, ab, FunnelSpec(), "Segment").groups
    assert by_segment == {"SMB": [400, 100, 25], "Enterprise": [5, 1, 0]}


@pytest.mark.parametrize(("call", "code"), [
    (lambda c, i: analyze_dataset(c, i, FunnelSpec(), "colour"), "ab.unknown_column"),
    (lambda c, i: analyze_dataset(c, i, FunnelSpec(), "lost_reason"), "ab.unknown_column"),
    (lambda c, i: analyze_dataset(c, i, FunnelSpec(), "variant", step=("Visit", "Nowhere")), "ab.unknown_stage"),
    (lambda c, i: analyze_dataset(c, i, FunnelSpec(), "variant", step=("Paid", "Visit")), "ab.bad_step"),
    (lambda c, i: analyze_dataset(c, i, FunnelSpec(), "variant", control="Z"), "ab.unknown_control"),
    (lambda c, i: parse_step("Visit:Nowhere", ["Visit", "Signup"]), "ab.unknown_stage"),
])
def test_bad_requests_raise_codes(con, ab, call, code):
    with pytest.raises(FunnelError) as exc:
        call(con, ab)
    assert exc.value.code == code
    assert not exc.value.message("ru").startswith("error.")  # translated


def test_parse_step_allows_colons_in_names():
    assert parse_step("a:b:c", ["a:b", "c", "a"]) == ("a:b", "c")
    assert parse_step(" click : lead ", ["click", "lead"]) == ("click", "lead")


def test_default_control():
    assert default_control(["B", "A"]) == "A"
    assert default_control(["treatment", "Control"]) == "Control"
    assert default_control(["google", "yandex"]) == "google"  # no control-like name: the largest
    assert default_control([]) is None


def test_degenerate_inputs_are_results(con, ab):
    empty = analyze_dataset(con, ab, FunnelSpec(filters={"variant": ["nobody"]}), "variant")
    assert empty.verdict.code == "invalid" and empty.groups == {}
    one = analyze_dataset(con, ab, FunnelSpec(filters={"variant": ["A"]}), "variant")
    assert one.reason == "single_group" and one.verdict.code == "invalid"
    assert one.revenue_per_lead.reason == "single_group"


def test_counts_shape_dataset():
    con = duckdb.connect(":memory:")
    rows = [("", "view", 1, "ads", 1000), ("", "buy", 2, "ads", 100), ("", "view", 1, "seo", 1000),
            ("", "buy", 2, "seo", 150), ("", "view", 1, "", 2000), ("", "buy", 2, "", 250)]
    info = make_dataset(con, stages={}, counts=rows, shape="counts", meta={"group_column": "source"})
    r = analyze_dataset(con, info, FunnelSpec(), "source", step=("view", "buy"))
    # 100/1000 vs 150/1000: pooled .125, se = sqrt(.125*.875*.002) = 0.014790, z = 3.3806, p = 0.000723
    assert {g: (v.n, v.conversions) for g, v in r.groups.items()} == {"ads": (1000, 100), "seo": (1000, 150)}
    assert r.comparisons["seo"].p_value == pytest.approx(0.000723, abs=5e-6)
    assert r.revenue_per_lead is None
    with pytest.raises(FunnelError):
        analyze_dataset(con, info, FunnelSpec(), "variant")


def test_figure_and_table_are_pure_and_escaped():
    from dataclasses import replace

    from funnel.ab_charts import ab_figure, ab_rows
    from funnel.stats import analyze_counts

    result = replace(analyze_counts({"<b>A</b>": (200, 40), "B": (200, 60)}), stage_from="Visit", stage_to="Signup")
    fig = ab_figure(result, {"rate": "Conversion"})
    assert [tr.name for tr in fig.data] == ["&lt;b&gt;A&lt;/b&gt;", "B"]  # a name is never markup
    assert list(fig.data[1].x) == ["Visit → Signup"] and fig.data[1].y[0] == pytest.approx(0.3)
    # Wilson 95 % interval of 60/200 (Newcombe 1998, method 3): centre (.3 + 1.96^2/400) / (1 + 1.96^2/200)
    # = 0.303772, half-width 1.96*sqrt(.3*.7/200 + 1.96^2/160000) / 1.019208 = 0.063024 -> 0.2407 .. 0.3668
    assert fig.data[1].error_y.array[0] == pytest.approx(0.3668 - 0.3, abs=1e-4)
    assert fig.data[1].error_y.arrayminus[0] == pytest.approx(0.3 - 0.2407, abs=1e-4)
    rows = ab_rows(result, {"z": "z-test"})
    assert rows[0]["test"] == "—" and rows[1]["test"] == "z-test"
    assert rows[1]["diff"] == "+10.00" and rows[1]["rate"] == "30.00%" and rows[1]["_group"] == "B"


# -- from a file -------------------------------------------------------------------------------
def test_csv_file_to_verdict(tmp_path):
    lines = ["visitor_id,step,timestamp,landing"]
    for variant, signups in (("A", 40), ("B", 60)):
        for i in range(200):
            lines.append(f"{variant}{i},visit,2024-05-01 10:00:00,{variant}")
            if i < signups:
                lines.append(f"{variant}{i},signup,2024-05-01 10:05:00,{variant}")
    path = tmp_path / "events.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = Store(":memory:")
    info, _built, _draft = import_file(store, path, path.name, stages=["visit", "signup"])
    with store.connect() as con:
        r = analyze_dataset(con, info, FunnelSpec(), "landing", step=("visit", "signup"))
    # the same 40/200 vs 60/200 as above: p = 0.02092
    assert r.by == "variant"
    assert r.comparisons["B"].p_value == pytest.approx(0.02092, abs=2e-5)
    assert r.verdict.code == "winner" and r.verdict.group == "B"


@pytest.fixture(scope="module")
def web():
    store = Store(":memory:")
    entry = next(m for m in manifest() if m["file"] == "web_events.csv")
    info, _b, _d = import_file(store, SAMPLE_DIR / entry["file"], entry["file"], stages=entry["stages"])
    counts_entry = next(m for m in manifest() if m["file"] == "web_counts_by_source.csv")
    counts, _b, _d = import_file(store, SAMPLE_DIR / counts_entry["file"], counts_entry["file"],
                                 stages=counts_entry["stages"])
    return store, info, counts, entry["stages"]


def _pandas_reached(stages: list[str], column: str) -> dict[str, list[int]]:
    """Reached stage k per group, independently: each visitor's furthest step in the event log."""
    events = pd.read_csv(SAMPLE_DIR / "web_events.csv")
    events["pos"] = events["step"].map({s: i for i, s in enumerate(stages)})
    per_visitor = events.groupby("visitor_id").agg(pos=("pos", "max"), grp=(column, "first"))
    return {g: [int((frame["pos"] >= k).sum()) for k in range(len(stages))]
            for g, frame in per_visitor.groupby("grp")}


def test_sample_landing_b_wins_click_to_lead(web):
    store, info, _counts, stages = web
    with store.connect() as con:
        counts = step_counts(con, info, FunnelSpec(), "landing")
        r = analyze_dataset(con, info, FunnelSpec(), "landing", step=("click", "lead"))
    assert counts.groups == _pandas_reached(stages, "landing")
    assert r.control == "A"
    assert r.verdict.code == "winner" and r.verdict.group == "B"


def test_sample_headline_no_difference(web):
    store, info, _counts, stages = web
    with store.connect() as con:
        counts = step_counts(con, info, FunnelSpec(), "headline")
        whole = analyze_dataset(con, info, FunnelSpec(), "headline")
        click_lead = analyze_dataset(con, info, FunnelSpec(), "headline", step=("click", "lead"))
    assert counts.groups == _pandas_reached(stages, "headline")
    assert whole.verdict.code == "no_difference_yet"
    assert [s.verdict.code for s in whole.steps] == ["no_difference_yet"] * 3
    assert click_lead.verdict.code == "no_difference_yet"


def test_sample_counts_file_agrees_with_event_log(web):
    # the counts-by-source spreadsheet is the same funnel typed in: same groups, same verdicts
    store, info, counts, _stages = web
    with store.connect() as con:
        events = analyze_dataset(con, info, FunnelSpec(), "source")
        typed = analyze_dataset(con, counts, FunnelSpec(), "source")
    assert {g: v.n for g, v in typed.groups.items()} == {g: v.n for g, v in events.groups.items()}
    assert [s.verdict.code for s in typed.steps] == [s.verdict.code for s in events.steps]


def test_udacity_landing_page(tmp_path):
    """Udacity "Analyze A/B Test Results": published after cleaning, control (old_page) 17489/145274,
    treatment (new_page) 17264/145310, z = 1.3109, one-sided p = 0.905 -> two-sided 0.190.

    Cleaning rule (the project's): keep rows where group and landing page agree (control <-> old_page),
    then one row per user_id (the first). The raw file counts 17739/147239 on old_page."""
    raw = pd.read_csv(shared_path("datasets", "udacity_ab_test_landing_page", "ab_data.csv"))
    assert (raw.landing_page == "old_page").sum() == 147239 and raw[raw.landing_page == "old_page"].converted.sum() == 17739
    clean = raw[(raw.group == "control") == (raw.landing_page == "old_page")].drop_duplicates("user_id")
    visits = clean.assign(step="visit")
    buys = clean[clean.converted == 1].assign(step="purchase")
    log = pd.concat([visits, buys])[["user_id", "step", "timestamp", "landing_page"]]
    path = tmp_path / "udacity_events.csv"
    log.rename(columns={"user_id": "visitor_id", "landing_page": "landing"}).to_csv(path, index=False)
    store = Store(":memory:")
    info, _b, _d = import_file(store, path, path.name, stages=["visit", "purchase"])
    with store.connect() as con:
        r = analyze_dataset(con, info, FunnelSpec(), "landing", step=("visit", "purchase"))
    assert r.control == "old_page"
    assert (r.groups["old_page"].n, r.groups["old_page"].conversions) == (145274, 17489)
    assert (r.groups["new_page"].n, r.groups["new_page"].conversions) == (145310, 17264)
    assert abs(r.comparisons["new_page"].statistic) == pytest.approx(1.3109, abs=1e-4)
    assert r.comparisons["new_page"].p_value == pytest.approx(2 * (1 - 0.9050), abs=1e-3)
    assert r.verdict.code == "no_difference_yet"


OUTCOMES = ("user_id,group,signed_up,paid\n"
            "1,A,1,1\n"
            "2,A,1,0\n"
            "3,A,0,0\n"
            "4,B,yes,1\n"
            "5,B,0,1\n"       # paid without signing up: counted as signed up (funnel rule), reported
            "6,B,0,0\n"
            "7,B,maybe,0\n")  # not a yes/no word: rejected with its row, column and value


def test_table_of_outcome_flags_from_file_to_verdict(tmp_path):
    path = tmp_path / "ab_export.csv"
    path.write_text(OUTCOMES, encoding="utf-8")
    store = Store(":memory:")
    info, built, draft = import_file(store, path, path.name)
    assert built["shape"] == "events" and draft.mapping.flags == [2, 3]
    # 7 rows, row 8 of the file rejected; events: 6 visits + sign-ups of 1, 2, 4 + payments of 1, 4, 5
    assert (built["rows_read"], built["rows_rejected"], built["n_deals"], built["n_events"]) == (7, 1, 6, 12)
    # the first step is the visit itself, not named after the id column
    assert built["meta"]["stage_order"] == {"": ["visit", "signed_up", "paid"]}
    with store.connect() as con:
        quality = con.execute(f"SELECT code, row_no, column_name, value, n FROM ds_{info.id}.quality "
                              "ORDER BY code, row_no NULLS FIRST").fetchall()
        assert ("reject.bad_boolean", 8, "signed_up", "maybe", 1) in quality
        assert ("events.skipped_steps", None, None, None, 1) in quality
        whole = analyze_dataset(con, info, FunnelSpec(), "group")
        step = analyze_dataset(con, info, FunnelSpec(), "group", step=("signed_up", "paid"))
    # whole funnel (visit -> paid): A 1 of 3 (user 1), B 2 of 3 (users 4, 5)
    assert {g: (v.n, v.conversions) for g, v in whole.groups.items()} == {"A": (3, 1), "B": (3, 2)}
    # signed up -> paid: A users 1, 2 -> 1 paid; B users 4, 5 (5 by the funnel rule) -> both paid
    assert {g: (v.n, v.conversions) for g, v in step.groups.items()} == {"A": (2, 1), "B": (2, 2)}
    assert step.comparisons["B"].test == "fisher"  # expected cells below 5
    assert whole.verdict.code in ("not_enough_data", "no_difference_yet")


def test_cookie_cats_file_as_dropped_by_a_user():
    """Cookie Cats (userid, version, sum_gamerounds, retention_1, retention_7) imported as is. Whole
    funnel = day-7 retention; counts from the raw file: gate_30 8,502 of 44,700, gate_40 8,279 of 45,489.
    Published (DataCamp project): retention_7 19.02 % vs 18.20 %, chi-square p = 0.0016 (no correction)."""
    path = shared_path("datasets", "cookie_cats_ab_test", "cookie_cats.csv")
    store = Store(":memory:")
    info, built, _ = import_file(store, path, path.name)
    assert (built["shape"], built["n_deals"], built["rows_rejected"]) == ("events", 90189, 0)
    raw = pd.read_csv(path)
    day7_without_day1 = int((raw.retention_7 & ~raw.retention_1).sum())  # 3,599 users
    with store.connect() as con:
        r = analyze_dataset(con, info, FunnelSpec(), "variant", control="gate_30")
        skipped = con.execute(f"SELECT n FROM ds_{info.id}.quality WHERE code = 'events.skipped_steps'").fetchone()[0]
    assert skipped == day7_without_day1
    assert (r.groups["gate_30"].n, r.groups["gate_30"].conversions) == (44700, 8502)
    assert (r.groups["gate_40"].n, r.groups["gate_40"].conversions) == (45489, 8279)
    assert r.omnibus.p_value == pytest.approx(0.0016, abs=1e-4)


def test_udacity_ab_data_file_as_dropped_by_a_user():
    """ab_data.csv imported as is: one visitor per user_id (3,894 ids appear twice), the landing page
    of its first row, converted when any of its rows says so — worked out here with pandas."""
    path = shared_path("datasets", "udacity_ab_test_landing_page", "ab_data.csv")
    store = Store(":memory:")
    info, built, _ = import_file(store, path, path.name)
    raw = pd.read_csv(path)
    per_user = raw.groupby("user_id", sort=False).agg(page=("landing_page", "first"), conv=("converted", "max"))
    expected = {page: (len(g), int(g.conv.sum())) for page, g in per_user.groupby("page")}
    assert built["n_deals"] == raw.user_id.nunique() == 290584
    with store.connect() as con:
        r = analyze_dataset(con, info, FunnelSpec(), "variant", control="old_page")
    assert {g: (v.n, v.conversions) for g, v in r.groups.items()} == expected
    assert r.verdict.code == "no_difference_yet"


def test_json_keys_keep_the_documented_order(con, ab):
    """The typed result prints the JSON the dicts printed before (README, "A/B comparisons"): a step's
    own keys, then ``from``/``to`` after the verdict for ``--step``, before everything for the whole
    funnel, whose steps carry ``from``/``to`` first."""
    core = ["control", "alpha", "sequential", "groups", "comparisons", "omnibus", "srm", "power", "reason", "verdict"]
    tail = ["by", "stages", "positions", "pipeline", "revenue_per_lead", "no_value_n", "groups_left_out", "notes",
            "skipped"]
    one = analyze_dataset(con, ab, FunnelSpec(), "variant", step=("Visit", "Signup")).to_json()
    assert list(one) == [*core, "from", "to", "comparisons_total", *tail]
    whole = analyze_dataset(con, ab, FunnelSpec(), "variant").to_json()
    assert list(whole) == ["from", "to", *core, "steps", "comparisons_total", *tail]
    assert list(whole["steps"][0]) == ["from", "to", *core] and whole["from"] == "Visit"
    # the verdict: numbers of the named group after the control's, losers only for a winner / loser
    assert list(one["verdict"])[-11:] == ["control_rate", "rate", "diff", "rel_lift", "p_value", "p_value_raw",
                                          "test", "prob_beat_control", "expected_loss", "losers", "caveats"]
    assert one["verdict"]["code"] == "winner" and one["verdict"]["losers"] == []
    # revenue per lead: Welch's keys, then the delta-method SE, Holm's p, and the raw-amount checks
    rev = whole["revenue_per_lead"]["comparisons"]["B"]
    assert list(rev)[-5:] == ["reason", "rel_lift_se", "p_value_adjusted", "mann_whitney", "bootstrap"]
