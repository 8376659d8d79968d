"""analyze_counts / analyze_steps: shape, Holm, verdicts, degenerate input, real datasets."""

import csv
import json
import math
from pathlib import Path

import pytest

from funnel.stats import analyze_counts, analyze_steps
from funnel.stats.analysis import _holm
from funnel.stats.results import RateComparison, StepCore

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"


def _dumps(result):
    return json.dumps(result.to_json(), allow_nan=False)  # raises on NaN / inf


def test_result_shape():
    out = analyze_counts({"A": (1000, 100), "B": (1000, 150), "C": (1000, 110)}, expected_split=[1, 1, 1])
    assert out.control == "A" and out.alpha == 0.05
    assert set(out.groups["A"].to_json()) >= {"n", "conversions", "rate", "ci_low", "ci_high", "prob_best"}
    assert set(out.comparisons) == {"B", "C"}
    assert set(out.comparisons["B"].to_json()) >= {
        "diff", "diff_ci_low", "diff_ci_high", "rel_lift", "rel_lift_ci_low", "rel_lift_ci_high", "test",
        "statistic", "p_value", "p_value_adjusted", "prob_beat_control", "expected_loss"}
    assert out.omnibus.df == 2
    assert set(out.srm.to_json()) >= {"chi2", "p_value"}
    assert set(out.power.to_json()) >= {"mde_abs", "n_needed_per_group", "n_more_per_group"}
    assert sum(g.prob_best for g in out.groups.values()) == pytest.approx(1.0, abs=1e-6)
    _dumps(out)


def test_holm_hand_example():
    # p = (0.01, 0.04, 0.03), m = 3: sorted 0.01*3 = 0.03, 0.03*2 = 0.06, 0.04*1 = 0.04 -> running max
    # adjusted: 0.01 -> 0.03, 0.03 -> 0.06, 0.04 -> max(0.06, 0.04) = 0.06
    def step(**p_values):
        return StepCore(control="A", alpha=0.05, sequential=False,
                        comparisons={n: RateComparison(p_value=p) for n, p in p_values.items()})

    steps, family = _holm([step(B=0.01, C=0.04), step(B=0.03, D=None)], 0.05)
    assert family == 3
    got = [steps[0].comparisons["B"].p_value_adjusted, steps[0].comparisons["C"].p_value_adjusted,
           steps[1].comparisons["B"].p_value_adjusted]
    assert got == pytest.approx([0.03, 0.06, 0.06])
    assert steps[1].comparisons["D"].p_value_adjusted is None


def test_analyze_steps_adjusts_across_steps():
    steps = [{"from": "lead", "to": "meeting", "groups": {"A": (1000, 300), "B": (1000, 345)}},
             {"from": "meeting", "to": "won", "groups": {"A": (300, 60), "B": (345, 80)}}]
    out = analyze_steps(steps)
    assert out.comparisons_total == 2
    p1, p2 = (s.comparisons["B"].p_value for s in out.steps)
    lo, hi = sorted([p1, p2])
    # Holm with m = 2: smaller p * 2, larger max(that, larger p * 1)
    adj = {lo: min(1, 2 * lo), hi: min(1, max(2 * lo, hi))}
    assert out.steps[0].comparisons["B"].p_value_adjusted == pytest.approx(adj[p1])
    assert out.steps[1].comparisons["B"].p_value_adjusted == pytest.approx(adj[p2])
    assert out.steps[0].stage_from == "lead" and out.steps[1].stage_to == "won"
    assert "many_comparisons" in out.steps[0].verdict.caveats
    _dumps(out)


def test_verdict_winner():
    # pooled p = 0.125, se = sqrt(0.125 * 0.875 * 0.002) = 0.014790, z = 0.05 / 0.014790 = 3.3806, p = 0.00072
    out = analyze_counts({"A": (1000, 100), "B": (1000, 150)})
    v = out.verdict
    assert v.code == "winner" and v.group == "B"
    assert v.focus.p_value == pytest.approx(0.000723, abs=2e-5)
    assert v.focus.test == "z" and v.focus.prob_beat_control > 0.99
    assert v.caveats == ()


def test_verdict_loser_and_peeking():
    v = analyze_counts({"A": (1000, 150), "B": (1000, 100)}, looks=4).verdict
    assert v.code == "loser" and v.group == "B"
    assert "peeking" in v.caveats
    assert "peeking" not in analyze_counts({"A": (1000, 150), "B": (1000, 100)}, looks=4,
                                           sequential=True).verdict.caveats


def test_verdict_srm_blocks_reading():
    # 1000 vs 1200 on a 50/50 plan: SRM p = 2e-5 < 0.001 (see test_stats_srm)
    v = analyze_counts({"A": (1000, 100), "B": (1200, 200)}, expected_split=[50, 50]).verdict
    assert v.code == "srm" and v.srm_p_value < 0.001


def test_verdict_not_enough_data_small_sample():
    v = analyze_counts({"A": (20, 3), "B": (20, 5)}).verdict
    assert v.code == "not_enough_data"
    # observed diff 0.10 from baseline 0.15: n = (1.96*sqrt(2*.2*.8) + 0.8416*sqrt(.15*.85+.25*.75))^2/.01
    #   = (1.108723 + 0.472358)^2 / 0.01 = 249.98 -> 250 needed, 230 more
    assert v.n_needed_per_group == 250 and v.n_more_per_group == 230


def test_verdict_not_enough_data_for_planned_effect():
    v = analyze_counts({"A": (1000, 100), "B": (1000, 105)}, planned_mde=0.02).verdict
    # sample_size(0.10, 0.02) = (1.96*sqrt(2*.11*.89) + .8416*sqrt(.09+.1056))^2/.0004 = 3840.5 -> 3841
    assert v.code == "not_enough_data" and v.n_more_per_group == 3841 - 1000


def test_verdict_no_difference_yet_three_groups():
    out = analyze_counts({"A": (2000, 200), "B": (2000, 210), "C": (2000, 190)})
    v = out.verdict
    assert v.code == "no_difference_yet"
    assert v.n_more_per_group > 0 and v.mde_abs > 0
    assert "many_comparisons" in v.caveats


@pytest.mark.parametrize(
    ("groups", "kwargs", "reason", "code"),
    [
        ({"A": (100, 10), "B": (0, 0)}, {}, "no_visitors", "not_enough_data"),
        ({"A": (100, 10)}, {}, "single_group", "invalid"),
        ({"A": (100, 10), "B": (10, 11)}, {}, "invalid_counts", "invalid"),
        ({"A": (100, 10), "B": (-5, 1)}, {}, "invalid_counts", "invalid"),
        ({"A": (100, 10), "B": (100.5, 1)}, {}, "invalid_counts", "invalid"),
        ({"A": (100, 10), "B": "x"}, {}, "invalid_counts", "invalid"),
        ({"A": (100, 10), "B": (100, 12)}, {"control": "Z"}, "unknown_control", "invalid"),
        ({}, {}, "no_groups", "invalid"),
        ({"A": (100, 10), "B": (100, 12)}, {"alpha": 1.5}, "invalid_parameters", "invalid"),
    ],
)
def test_degenerate_inputs_give_codes(groups, kwargs, reason, code):
    out = analyze_counts(groups, **kwargs)
    assert out.reason == reason
    assert out.verdict.code == code
    _dumps(out)


@pytest.mark.parametrize("rate_n", [0, 200])
def test_zero_and_full_conversion(rate_n):
    out = analyze_counts({"A": (200, rate_n), "B": (200, rate_n)})
    comp = out.comparisons["B"]
    assert comp.reason == "zero_variance"
    assert comp.test == "fisher" and comp.p_value == pytest.approx(1.0)
    assert comp.diff == 0
    assert out.omnibus.reason == "zero_variance"
    assert out.verdict.code in {"not_enough_data", "no_difference_yet"}
    _dumps(out)
    _dumps(analyze_counts({"A": (200, rate_n), "B": (200, rate_n)}, sequential=True))


def _cookie_counts():
    path = SHARED / "cookie_cats_ab_test" / "cookie_cats.csv"
    if not path.exists():
        pytest.skip("shared datasets absent")
    counts = {}
    with path.open(newline="") as fh:
        for row in csv.DictReader(fh):
            n, x = counts.get(row["version"], (0, 0))
            counts[row["version"]] = (n + 1, x + (row["retention_7"].upper() == "TRUE"))
    return counts


@pytest.mark.shared
def test_cookie_cats_retention_7():
    counts = _cookie_counts()
    assert counts == {"gate_30": (44700, 8502), "gate_40": (45489, 8279)}  # published counts
    out = analyze_counts(counts, control="gate_30", expected_split=[50, 50])
    comp = out.comparisons["gate_40"]
    assert comp.test == "z" and comp.p_value == pytest.approx(0.0016, abs=1e-4)  # published z-test p
    # SRM by hand: expected 45094.5 each; chi2 = 2 * 394.5^2 / 45094.5 = 6.902; p = 0.0086
    assert out.srm.chi2 == pytest.approx(2 * 394.5**2 / 45094.5, abs=1e-6)
    assert out.srm.p_value == pytest.approx(0.009, abs=5e-4)
    v = out.verdict
    assert v.code == "loser" and v.group == "gate_40" and "srm" in v.caveats


def _udacity_counts():
    path = SHARED / "udacity_ab_test_landing_page" / "ab_data.csv"
    if not path.exists():
        pytest.skip("shared datasets absent")
    seen, counts = set(), {}
    with path.open(newline="") as fh:
        for row in csv.DictReader(fh):
            if (row["group"] == "treatment") != (row["landing_page"] == "new_page") or row["user_id"] in seen:
                continue
            seen.add(row["user_id"])
            n, x = counts.get(row["group"], (0, 0))
            counts[row["group"]] = (n + 1, x + int(row["converted"]))
    return counts


@pytest.mark.shared
def test_udacity_landing_page():
    counts = _udacity_counts()
    assert counts == {"control": (145274, 17489), "treatment": (145310, 17264)}  # published counts
    out = analyze_counts(counts, control="control")
    comp = out.comparisons["treatment"]
    assert comp.p_value == pytest.approx(0.19, abs=0.005)  # published two-sided z-test p about 0.19
    # z by hand: pooled p = 34753/290584 = 0.119597; se = sqrt(p(1-p)(1/145274 + 1/145310)) = 0.0012035
    diff = 17264 / 145310 - 17489 / 145274
    se = math.sqrt(34753 / 290584 * (1 - 34753 / 290584) * (1 / 145274 + 1 / 145310))
    assert comp.statistic == pytest.approx(diff / se, abs=1e-9)
    assert out.verdict.code == "no_difference_yet"
