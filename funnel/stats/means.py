"""Revenue (or any amount) per lead: Welch's t-test from sufficient statistics.

SQL hands over n, sum and sum of squares per group (GrowthBook's SampleMeanStatistic); the
sample variance is (sumsq - sum^2 / n) / (n - 1). Welch (1947) t with Welch–Satterthwaite df;
relative lift mean_t / mean_c - 1 with the delta-method variance of a ratio of independent
means (Deng, Knoblich & Lu 2018, "Applying the Delta Method in Metric Analytics"; gbstats
``frequentist_variance(relative=True)``), its interval using the same t quantile as GrowthBook.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from scipy import stats

from .numbers import clean
from .results import MeanComparison

RELATIVE_VARIANCE_TOLERANCE = 1e-9  # rounding in sumsq may push a zero variance slightly negative


@dataclass(frozen=True)
class SampleMean:
    n: int
    sum: float
    sumsq: float

    @property
    def mean(self) -> float | None:
        return self.sum / self.n if self.n > 0 else None

    @property
    def variance(self) -> float | None:
        if self.n < 2:
            return None
        try:
            var = (self.sumsq - self.sum**2 / self.n) / (self.n - 1)
        except OverflowError:
            return None
        if not math.isfinite(var):
            return None
        scale = max(abs(self.sumsq), 1.0) * RELATIVE_VARIANCE_TOLERANCE
        return max(var, 0.0) if var > -scale else None

    def reason(self) -> str | None:
        if self.n < 0 or self.sumsq < 0:
            return "invalid_counts"
        if self.n == 0:
            return "no_visitors"
        if self.n < 2:
            return "too_few"
        if self.variance is None or self.sumsq * self.n < abs(self.sum) * abs(self.sum) * (1 - 1e-9):
            return "invalid_counts"  # Cauchy–Schwarz: n * sumsq >= sum^2
        return None


def welch_df(a: SampleMean, b: SampleMean) -> float:
    """Welch–Satterthwaite degrees of freedom."""
    va, vb = a.variance / a.n, b.variance / b.n  # type: ignore[operator]
    return (va + vb) ** 2 / (va**2 / (a.n - 1) + vb**2 / (b.n - 1))


def welch_compare(treatment: SampleMean, control: SampleMean, alpha: float = 0.05) -> MeanComparison:
    """Welch's t-test of mean_t - mean_c, its interval, and the relative lift with a delta CI."""
    reason = treatment.reason() or control.reason()
    if reason:
        return MeanComparison(reason=reason)
    mt, mc, vt, vc = treatment.mean, control.mean, treatment.variance, control.variance
    if mt is None or mc is None or vt is None or vc is None:  # reason() has said why already
        return MeanComparison(reason="invalid_counts")
    se2 = vt / treatment.n + vc / control.n
    if se2 <= 0:
        return MeanComparison(diff=clean(mt - mc), reason="zero_variance")
    df = welch_df(treatment, control)
    result = stats.ttest_ind_from_stats(mt, math.sqrt(vt), treatment.n, mc, math.sqrt(vc), control.n, equal_var=False)
    q = stats.t.ppf(1 - alpha / 2, df)
    half = q * math.sqrt(se2)
    out: dict[str, Any] = {"statistic": clean(result.statistic), "df": clean(df), "p_value": clean(result.pvalue),
                           "diff": clean(mt - mc), "diff_ci_low": clean(mt - mc - half),
                           "diff_ci_high": clean(mt - mc + half)}
    return MeanComparison(**out, **relative_lift_delta(mt, mc, vt, vc, treatment.n, control.n, q))


def relative_lift_delta(mt: float, mc: float, vt: float, vc: float, nt: int, nc: int,
                        quantile: float) -> dict[str, Any]:
    """``mean_t / mean_c - 1`` with its delta-method interval (nothing when the control's mean is 0)."""
    if not mc:
        return {}
    var = vt / (mc**2 * nt) + vc * mt**2 / (mc**4 * nc)
    lift = mt / mc - 1
    half = quantile * math.sqrt(var)
    return {"rel_lift": clean(lift), "rel_lift_ci_low": clean(lift - half), "rel_lift_ci_high": clean(lift + half),
            "rel_lift_se": clean(math.sqrt(var)), "has_lift_se": True}
