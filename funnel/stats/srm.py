"""Sample-ratio mismatch: do the group sizes fit the split the test was designed with?

Pearson chi-square goodness of fit (scipy.stats.chisquare) of observed sizes against
total * weight / sum(weights), df = k - 1 — the check GrowthBook runs (``check_srm``) and
Fabijan et al. (2019, "Diagnosing Sample Ratio Mismatch in Online Controlled Experiments")
describe. A tiny p-value means assignment or tracking is broken, so the comparison of rates
cannot be trusted whatever it says.
"""

from __future__ import annotations

from scipy import stats

from .numbers import clean
from .results import ChiSquare

SRM_BLOCK_P = 0.001  # GrowthBook's default SRM threshold: below it the result is not read


def srm_check(sizes: list[int], weights: list[float | None]) -> ChiSquare:
    """The chi-square test of observed ``sizes`` vs expected ``weights``."""
    if len(sizes) != len(weights) or len(sizes) < 2:
        return ChiSquare(None, None, None, "invalid_split")
    w = [x for x in (clean(v) for v in weights) if x is not None and x > 0]
    if len(w) != len(weights):
        return ChiSquare(None, None, None, "invalid_split")
    total = sum(sizes)
    if total <= 0:
        return ChiSquare(None, len(sizes) - 1, None, "no_visitors")
    expected = [total * x / sum(w) for x in w]
    chi2, p = stats.chisquare(sizes, expected)
    return ChiSquare(clean(chi2), len(sizes) - 1, clean(p))
