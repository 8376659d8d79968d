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

SRM_BLOCK_P = 0.001  # GrowthBook's default SRM threshold: below it the result is not read


def srm_check(sizes: list[int], weights: list[float]) -> dict:
    """``{"chi2", "df", "p_value", "reason"}`` for observed ``sizes`` vs expected ``weights``."""
    if len(sizes) != len(weights) or len(sizes) < 2:
        return {"chi2": None, "df": None, "p_value": None, "reason": "invalid_split"}
    w = [clean(x) for x in weights]
    if any(x is None or x <= 0 for x in w):
        return {"chi2": None, "df": None, "p_value": None, "reason": "invalid_split"}
    total = sum(sizes)
    if total <= 0:
        return {"chi2": None, "df": len(sizes) - 1, "p_value": None, "reason": "no_visitors"}
    expected = [total * x / sum(w) for x in w]  # type: ignore[operator, arg-type]
    chi2, p = stats.chisquare(sizes, expected)
    return {"chi2": clean(chi2), "df": len(sizes) - 1, "p_value": clean(p), "reason": None}
