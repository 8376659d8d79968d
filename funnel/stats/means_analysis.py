"""A/B analysis of an amount per lead (revenue, deal size): from sums or from raw amounts.

``analyze_means`` takes (n, sum, sum of squares) per group — what SQL hands over — and runs
Welch's t-test per group against the control, Holm-adjusted. ``analyze_amounts`` takes the
raw amounts and adds two checks fit for skewed money data: the Mann–Whitney U test (scipy,
two-sided) and a seeded percentile bootstrap interval of the difference in means
(scipy.stats.bootstrap, independent resampling within each group; Efron & Tibshirani 1993).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, cast

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests

from .means import SampleMean, welch_compare
from .numbers import as_count, clean, valid_alpha

BOOTSTRAP_RESAMPLES = 2000


def _sample_mean(value: object) -> SampleMean | None:
    try:
        n, total, sumsq = cast(Any, value)
    except (TypeError, ValueError):
        return None
    n, total, sumsq = as_count(n), clean(total), clean(sumsq)
    if n is None or total is None or sumsq is None:
        return None
    return SampleMean(n, total, sumsq)


def _group_entry(g: SampleMean | None) -> dict:
    if g is None:
        return {"n": None, "mean": None, "sd": None, "reason": "invalid_counts"}
    reason = g.reason()
    if reason in ("invalid_counts", "no_visitors"):
        return {"n": g.n, "mean": None, "sd": None, "reason": reason}
    var = g.variance
    return {"n": g.n, "mean": clean(g.mean), "sd": clean(math.sqrt(var)) if var is not None else None,
            "reason": reason}


def analyze_means(groups: Mapping, control: str | None = None, alpha: float = 0.05) -> dict:
    """``groups`` maps a name to ``(n, sum, sumsq)``; each non-control group vs the control."""
    names = [str(n) for n in groups] if isinstance(groups, Mapping) else []
    control = (names[0] if names else None) if control is None else str(control)
    out: dict[str, Any] = {"control": control, "alpha": alpha, "groups": {}, "comparisons": {}, "reason": None}
    if not valid_alpha(alpha):
        return {**out, "reason": "invalid_parameters"}
    if not names:
        return {**out, "reason": "no_groups"}
    parsed = {str(n): _sample_mean(v) for n, v in groups.items()}
    out["groups"] = {n: _group_entry(parsed[n]) for n in names}
    if control not in parsed:
        return {**out, "reason": "unknown_control"}
    if any(g["reason"] == "invalid_counts" for g in out["groups"].values()):
        return {**out, "reason": "invalid_counts"}
    if len(names) < 2:
        return {**out, "reason": "single_group"}
    out["comparisons"] = {n: welch_compare(parsed[n], parsed[control], alpha)  # type: ignore[arg-type]
                          for n in names if n != control}
    _holm(out["comparisons"], alpha)
    return out


def _holm(comparisons: dict, alpha: float) -> None:
    refs = [c for c in comparisons.values() if c.get("p_value") is not None]
    for c in comparisons.values():
        c["p_value_adjusted"] = None
    if refs:
        adjusted = multipletests([c["p_value"] for c in refs], alpha=alpha, method="holm")[1]
        for comp, p in zip(refs, adjusted, strict=True):
            comp["p_value_adjusted"] = clean(min(1.0, float(p)))


def _finite(values: Iterable[float]) -> np.ndarray | None:
    try:
        arr = np.asarray(list(values), dtype=float)
    except (TypeError, ValueError):
        return None
    return arr if arr.ndim == 1 and np.isfinite(arr).all() else None


def mann_whitney(t: np.ndarray, c: np.ndarray) -> dict:
    if len(t) == 0 or len(c) == 0:
        return {"statistic": None, "p_value": None, "reason": "no_visitors"}
    if np.ptp(np.concatenate([t, c])) == 0:
        return {"statistic": clean(len(t) * len(c) / 2), "p_value": 1.0, "reason": "zero_variance"}
    result = stats.mannwhitneyu(t, c, alternative="two-sided")
    return {"statistic": clean(result.statistic), "p_value": clean(result.pvalue), "reason": None}


def bootstrap_diff(t: np.ndarray, c: np.ndarray, alpha: float, seed: int,
                   n_resamples: int = BOOTSTRAP_RESAMPLES) -> dict:
    out = {"ci_low": None, "ci_high": None, "method": "percentile", "n_resamples": n_resamples, "seed": seed}
    if len(t) < 2 or len(c) < 2:
        return {**out, "reason": "too_few"}
    if np.ptp(t) == 0 and np.ptp(c) == 0:
        diff = float(t[0] - c[0])
        return {**out, "ci_low": diff, "ci_high": diff, "reason": "zero_variance"}

    def mean_diff(a: np.ndarray, b: np.ndarray, axis: int = -1) -> np.ndarray:
        return np.mean(a, axis=axis) - np.mean(b, axis=axis)

    res = stats.bootstrap((t, c), mean_diff, n_resamples=n_resamples, confidence_level=1 - alpha,
                          method="percentile", rng=np.random.default_rng(seed))
    return {**out, "ci_low": clean(res.confidence_interval.low), "ci_high": clean(res.confidence_interval.high),
            "reason": None}


def analyze_amounts(groups: Mapping, control: str | None = None, alpha: float = 0.05, seed: int = 0) -> dict:
    """Raw amounts per group: ``analyze_means`` on their sums plus Mann–Whitney and bootstrap."""
    arrays = {str(n): _finite(v) for n, v in groups.items()} if isinstance(groups, Mapping) else {}
    sums = {n: (len(a), float(a.sum()), float((a**2).sum())) if a is not None else None for n, a in arrays.items()}
    out = analyze_means(sums, control, alpha)
    if out["reason"] is not None and out["reason"] != "invalid_counts":
        return out
    for name, comp in out["comparisons"].items():
        t, c = arrays[name], arrays[out["control"]]
        comp["mann_whitney"] = mann_whitney(t, c)  # type: ignore[arg-type]
        comp["bootstrap"] = bootstrap_diff(t, c, alpha, seed)  # type: ignore[arg-type]
    return out
