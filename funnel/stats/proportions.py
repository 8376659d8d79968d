"""Frequentist comparison of conversion rates (counts in, numbers out).

One "group" is ``n`` leads that entered a step and ``x`` of them that converted. Every
statistic comes from scipy / statsmodels; this module only chooses and labels them.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

from .fisher import fisher_exact
from .numbers import clean
from .results import ChiSquare

DIFF_CI_METHOD = "newcombe_hybrid_score"  # Newcombe (1998) method 10, statsmodels method="newcomb"
RATIO_CI_METHOD = "katz_log"  # Katz et al. (1978) log risk ratio, statsmodels method="log"
FISHER_MIN_EXPECTED = 5.0  # Cochran's rule: z / chi-square need every expected cell >= 5


@dataclass(frozen=True)
class Proportion:
    """Sufficient statistics of one group at one step: ``n`` entered, ``x`` converted."""

    n: int
    x: int

    @property
    def rate(self) -> float | None:
        return self.x / self.n if self.n > 0 else None

    @property
    def variance(self) -> float:
        """Bernoulli variance p(1-p) of one lead (0 when nobody entered)."""
        p = self.rate
        return 0.0 if p is None else p * (1.0 - p)


def wilson_interval(g: Proportion, alpha: float = 0.05) -> tuple[float | None, float | None]:
    """Wilson score interval without continuity correction (Wilson 1927; Newcombe 1998 method 3)."""
    if g.n <= 0:
        return None, None
    low, high = proportion_confint(g.x, g.n, alpha=alpha, method="wilson")
    return clean(low), clean(high)


def expected_cells(treatment: Proportion, control: Proportion) -> np.ndarray:
    """Expected counts of the 2x2 table under independence: row total x column total / N."""
    table = np.array([[treatment.x, treatment.n - treatment.x], [control.x, control.n - control.x]], float)
    total = table.sum()
    return np.outer(table.sum(axis=1), table.sum(axis=0)) / total if total else np.zeros((2, 2))


def two_proportion_test(treatment: Proportion, control: Proportion) -> dict:
    """Pooled two-sided z-test (no continuity correction), or Fisher's exact test when any
    expected cell count is below 5. ``statistic`` is z (treatment - control) or the sample
    odds ratio for Fisher (None when infinite)."""
    if expected_cells(treatment, control).min() < FISHER_MIN_EXPECTED:
        # R fisher.test; scipy.stats.fisher_exact's numbers, ten times faster (funnel/stats/fisher.py)
        odds, p = fisher_exact(treatment.x, treatment.n - treatment.x, control.x, control.n - control.x)
        return {"test": "fisher", "statistic": clean(odds), "p_value": clean(p)}
    # statsmodels proportions_ztest: pooled p-hat under H0, as R prop.test(correct=FALSE)
    z, p = proportions_ztest([treatment.x, control.x], [treatment.n, control.n], value=0)
    return {"test": "z", "statistic": clean(z), "p_value": clean(p)}


def difference_interval(treatment: Proportion, control: Proportion, alpha: float = 0.05) -> dict:
    """Absolute difference p_t - p_c with the Newcombe hybrid score interval."""
    diff = treatment.x / treatment.n - control.x / control.n
    low, high = confint_proportions_2indep(
        treatment.x, treatment.n, control.x, control.n, method="newcomb", compare="diff", alpha=alpha
    )
    return {"diff": clean(diff), "diff_ci_low": clean(low), "diff_ci_high": clean(high),
            "diff_ci_method": DIFF_CI_METHOD}


def relative_lift_interval(treatment: Proportion, control: Proportion, alpha: float = 0.05) -> dict:
    """Relative lift p_t / p_c - 1 with the Katz log risk-ratio interval.

    Undefined when the control converts nobody (lift None); the log interval also needs at
    least one conversion in each group, otherwise the bounds are None."""
    out: dict[str, Any] = {"rel_lift": None, "rel_lift_ci_low": None, "rel_lift_ci_high": None,
                           "rel_lift_ci_method": RATIO_CI_METHOD}
    if control.x == 0:
        return out
    out["rel_lift"] = clean((treatment.x / treatment.n) / (control.x / control.n) - 1.0)
    if treatment.x == 0:
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        low, high = confint_proportions_2indep(
            treatment.x, treatment.n, control.x, control.n, method="log", compare="ratio", alpha=alpha
        )
    low, high = clean(low), clean(high)
    out["rel_lift_ci_low"] = None if low is None else low - 1.0
    out["rel_lift_ci_high"] = None if high is None else high - 1.0
    return out


def omnibus_chi_square(groups: list[Proportion]) -> ChiSquare:
    """Pearson chi-square test of homogeneity on the 2 x k table, no Yates correction
    (R ``prop.test(x, n)`` for k > 2; scipy chi2_contingency). df = k - 1."""
    df = len(groups) - 1
    table = np.array([[g.x for g in groups], [g.n - g.x for g in groups]], float)
    if df < 1 or (table.sum(axis=1) == 0).any() or (table.sum(axis=0) == 0).any():
        return ChiSquare(None, max(df, 0), None, "zero_variance")
    chi2, p, dof, _ = stats.chi2_contingency(table, correction=False)
    return ChiSquare(clean(chi2), int(dof), clean(p))
