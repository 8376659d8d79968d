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
from dataclasses import replace
from typing import Any, cast

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests

from .means import SampleMean, welch_compare
from .numbers import as_count, clean, valid_alpha
from .results import BootstrapInterval, GroupMean, MannWhitney, MeanComparison, MeansResult

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


def _group_entry(g: SampleMean | None) -> GroupMean:
    if g is None:
        return GroupMean(reason="invalid_counts")
    reason = g.reason()
    if reason in ("invalid_counts", "no_visitors"):
        return GroupMean(n=g.n, reason=reason)
    var = g.variance
    return GroupMean(n=g.n, mean=clean(g.mean), sd=clean(math.sqrt(var)) if var is not None else None, reason=reason)


def analyze_means(groups: Mapping, control: str | None = None, alpha: float = 0.05) -> MeansResult:
    """``groups`` maps a name to ``(n, sum, sumsq)``; each non-control group vs the control."""
    names = [str(n) for n in groups] if isinstance(groups, Mapping) else []
    control = (names[0] if names else None) if control is None else str(control)
    out = MeansResult(control=control, alpha=alpha)
    if not valid_alpha(alpha):
        return replace(out, reason="invalid_parameters")
    if not names:
        return replace(out, reason="no_groups")
    parsed = {str(n): _sample_mean(v) for n, v in groups.items()}
    out = replace(out, groups={n: _group_entry(parsed[n]) for n in names})
    if control not in parsed:
        return replace(out, reason="unknown_control")
    valid = {n: g for n, g in parsed.items() if g is not None}
    if len(valid) < len(parsed) or any(g.reason == "invalid_counts" for g in out.groups.values()):
        return replace(out, reason="invalid_counts")
    if len(names) < 2:
        return replace(out, reason="single_group")
    comparisons = {n: welch_compare(valid[n], valid[control], alpha) for n in names if n != control}
    return replace(out, comparisons=_holm(comparisons, alpha))


def _holm(comparisons: dict[str, MeanComparison], alpha: float) -> dict[str, MeanComparison]:
    refs = [n for n, c in comparisons.items() if c.p_value is not None]
    out = {n: replace(c, p_value_adjusted=None) for n, c in comparisons.items()}
    if refs:
        adjusted = multipletests([comparisons[n].p_value for n in refs], alpha=alpha, method="holm")[1]
        for name, p in zip(refs, adjusted, strict=True):
            out[name] = replace(out[name], p_value_adjusted=clean(min(1.0, float(p))))
    return out


def _finite(values: Iterable[float]) -> np.ndarray | None:
    try:
        arr = np.asarray(list(values), dtype=float)
    except (TypeError, ValueError):
        return None
    return arr if arr.ndim == 1 and np.isfinite(arr).all() else None


def mann_whitney(t: np.ndarray, c: np.ndarray) -> MannWhitney:
    if len(t) == 0 or len(c) == 0:
        return MannWhitney(reason="no_visitors")
    if np.ptp(np.concatenate([t, c])) == 0:
        return MannWhitney(statistic=clean(len(t) * len(c) / 2), p_value=1.0, reason="zero_variance")
    result = stats.mannwhitneyu(t, c, alternative="two-sided")
    return MannWhitney(statistic=clean(result.statistic), p_value=clean(result.pvalue))


def bootstrap_diff(t: np.ndarray, c: np.ndarray, alpha: float, seed: int,
                   n_resamples: int = BOOTSTRAP_RESAMPLES) -> BootstrapInterval:
    out = BootstrapInterval(n_resamples=n_resamples, seed=seed)
    if len(t) < 2 or len(c) < 2:
        return replace(out, reason="too_few")
    if np.ptp(t) == 0 and np.ptp(c) == 0:
        diff = float(t[0] - c[0])
        return replace(out, ci_low=diff, ci_high=diff, reason="zero_variance")

    def mean_diff(a: np.ndarray, b: np.ndarray, axis: int = -1) -> np.ndarray:
        return np.mean(a, axis=axis) - np.mean(b, axis=axis)

    res = stats.bootstrap((t, c), mean_diff, n_resamples=n_resamples, confidence_level=1 - alpha,
                          method="percentile", rng=np.random.default_rng(seed))
    return replace(out, ci_low=clean(res.confidence_interval.low), ci_high=clean(res.confidence_interval.high))


def analyze_amounts(groups: Mapping, control: str | None = None, alpha: float = 0.05, seed: int = 0) -> MeansResult:
    """Raw amounts per group: ``analyze_means`` on their sums plus Mann–Whitney and bootstrap."""
    arrays = {str(n): _finite(v) for n, v in groups.items()} if isinstance(groups, Mapping) else {}
    sums = {n: (len(a), float(a.sum()), float((a**2).sum())) if a is not None else None for n, a in arrays.items()}
    out = analyze_means(sums, control, alpha)
    if out.reason is not None and out.reason != "invalid_counts":
        return out
    comparisons = dict(out.comparisons)
    for name, comp in out.comparisons.items():
        t, c = arrays[name], arrays[out.control] if out.control is not None else None
        if t is None or c is None:  # an invalid group: analyze_means compared nothing
            continue
        comparisons[name] = replace(comp, mann_whitney=mann_whitney(t, c), bootstrap=bootstrap_diff(t, c, alpha, seed))
    return replace(out, comparisons=comparisons)
