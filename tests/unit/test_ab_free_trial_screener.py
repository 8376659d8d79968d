"""Udacity's free-trial screener experiment (../shared/datasets), checked against the figures its
course project publishes: gross conversion (enrollments / clicks) fell significantly, net
conversion (payments / clicks) did not move significantly, and the 50/50 split of cookies holds.

Step conversions use only the days where both numerator and denominator exist (23 of 37: the
last 14 days have no enrollments yet — right-censored), as the project prescribes.
"""

import pandas as pd
import pytest

from funnel.stats import analyze_counts
from tests.conftest import shared_path


def _load(name):
    return pd.read_csv(shared_path("datasets", "udacity_free_trial_screener_experiment", name))


@pytest.fixture(scope="module")
def arms():
    control, experiment = _load("control.csv"), _load("experiment.csv")
    return control, experiment


def test_sample_ratio_of_pageviews_is_fine(arms):
    control, experiment = arms
    n_c, n_e = int(control["Pageviews"].sum()), int(experiment["Pageviews"].sum())
    assert (n_c, n_e) == (345543, 344660)
    # chi2 = 2 * ((345543 - 345101.5)^2 / 345101.5) = 1.1297, p = 0.2878: no mismatch
    out = analyze_counts({"control": (n_c, 0), "experiment": (n_e, 0)}, expected_split=[50, 50])
    assert out.srm.chi2 == pytest.approx(1.1297, abs=1e-3)
    assert out.srm.p_value == pytest.approx(0.2878, abs=1e-3)


def test_gross_conversion_falls_and_net_conversion_does_not_move(arms):
    control, experiment = (a.dropna(subset=["Enrollments"]) for a in arms)
    assert len(control) == len(experiment) == 23
    clicks = (int(control["Clicks"].sum()), int(experiment["Clicks"].sum()))
    enrol = (int(control["Enrollments"].sum()), int(experiment["Enrollments"].sum()))
    pay = (int(control["Payments"].sum()), int(experiment["Payments"].sum()))
    assert clicks == (17293, 17260) and enrol == (3785, 3423) and pay == (2033, 1945)

    gross = analyze_counts({"control": (clicks[0], enrol[0]), "experiment": (clicks[1], enrol[1])})
    g = gross.comparisons["experiment"]
    # published: 0.2189 -> 0.1983, difference -0.0206, 95 % CI about [-0.0291, -0.0120]
    assert g.diff == pytest.approx(3423 / 17260 - 3785 / 17293, abs=1e-12)
    assert g.diff == pytest.approx(-0.0206, abs=5e-4)
    assert g.diff_ci_low == pytest.approx(-0.0291, abs=1.5e-3) and g.diff_ci_high == pytest.approx(-0.0120, abs=1.5e-3)
    assert g.p_value < 0.001 and gross.verdict.code == "loser"

    net = analyze_counts({"control": (clicks[0], pay[0]), "experiment": (clicks[1], pay[1])})
    n = net.comparisons["experiment"]
    # published: difference -0.0049, 95 % CI about [-0.0116, 0.0019]: contains 0
    assert n.diff == pytest.approx(-0.0049, abs=5e-4)
    assert n.diff_ci_low == pytest.approx(-0.0116, abs=1.5e-3) and n.diff_ci_high == pytest.approx(0.0019, abs=1.5e-3)
    assert n.p_value > 0.05 and net.verdict.code in ("no_difference_yet", "not_enough_data")
