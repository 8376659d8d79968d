"""Power and sample size for comparing two conversion rates, in R ``power.prop.test`` convention.

Two-sided test at level alpha, pooled p-bar under H0, ``strict = FALSE`` (the far tail is
ignored), equal n per group. R's power expression (stats/R/power.R):

    power = Phi( (sqrt(n) |p1 - p2| - z_{1-alpha/2} sqrt((p1 + p2)(1 - p-bar))) / sqrt(p1 q1 + p2 q2) )

Solved for n it is Fleiss, Levin & Paik (2003, eq. 4.14, without continuity correction):

    n = ( z_{1-alpha/2} sqrt(2 p-bar q-bar) + z_{power} sqrt(p1 q1 + p2 q2) )^2 / (p1 - p2)^2

Note: statsmodels' NormalIndPower uses Cohen's arcsine effect size h and gives different n
(76.65 instead of R's 76.71 for p1 = .50, p2 = .75, power = .90).
"""

from __future__ import annotations

import math

from scipy import optimize, stats

from .numbers import as_count, clean, valid_alpha
from .results import MinimumEffect, MoreNeeded, PowerForN, SampleSize


def _second_rate(baseline: float, mde: float, relative: bool) -> float:
    return baseline * (1.0 + mde) if relative else baseline + mde


def _check(baseline: object, mde: object, relative: bool, alpha: object, power: object = 0.5) -> str | None:
    base, effect = clean(baseline), clean(mde)
    if base is None or effect is None or not 0.0 <= base <= 1.0:
        return "invalid_parameters"
    if not valid_alpha(alpha) or not valid_alpha(power):
        return "invalid_parameters"
    if effect == 0.0:
        return "zero_effect"
    if not 0.0 <= _second_rate(base, effect, relative) <= 1.0:
        return "invalid_effect"
    return None


def _power(n: float, p1: float, p2: float, alpha: float) -> float:
    """R power.prop.test p.body, two-sided, strict = FALSE."""
    z_alpha = stats.norm.isf(alpha / 2)
    spread = math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    pooled = math.sqrt((p1 + p2) * (1 - (p1 + p2) / 2))
    if spread == 0:  # 0 vs 1: no sampling variation at all
        return 1.0 if p1 != p2 else 0.0
    return float(stats.norm.cdf((math.sqrt(n) * abs(p1 - p2) - z_alpha * pooled) / spread))


def _n_exact(p1: float, p2: float, alpha: float, power: float) -> float:
    z_alpha, z_beta = stats.norm.isf(alpha / 2), stats.norm.ppf(power)
    p_bar = (p1 + p2) / 2
    root = z_alpha * math.sqrt(2 * p_bar * (1 - p_bar)) + z_beta * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return (root / (p1 - p2)) ** 2


def sample_size(baseline: float, mde: float, relative: bool = False, alpha: float = 0.05,
                power: float = 0.8) -> SampleSize:
    """Leads needed per group to detect ``baseline`` -> ``baseline + mde`` (or ``* (1 + mde)``)."""
    reason = _check(baseline, mde, relative, alpha, power)
    if reason:
        return SampleSize(reason=reason)
    p2 = _second_rate(float(baseline), float(mde), relative)
    exact = _n_exact(float(baseline), p2, float(alpha), float(power))
    return SampleSize(n_per_group=math.ceil(exact - 1e-9), n_per_group_exact=clean(exact),
                      baseline=float(baseline), p2=p2)


def power_for_n(baseline: float, mde: float, n: float, relative: bool = False, alpha: float = 0.05) -> PowerForN:
    """Power of the two-sided test with ``n`` leads per group."""
    reason = _check(baseline, mde, relative, alpha)
    if reason is None and (clean(n) is None or float(n) <= 0):
        reason = "no_visitors"
    if reason:
        return PowerForN(reason=reason)
    p2 = _second_rate(float(baseline), float(mde), relative)
    return PowerForN(power=clean(_power(float(n), float(baseline), p2, float(alpha))))


def mde_for_n(baseline: float, n: float, alpha: float = 0.05, power: float = 0.8) -> MinimumEffect:
    """Smallest absolute change from ``baseline`` detectable with ``n`` per group at ``power``.

    Searched upwards when the baseline is at most 0.5, downwards otherwise (room to move)."""
    base = clean(baseline)
    if base is None or not 0.0 <= base <= 1.0 or not valid_alpha(alpha) or not valid_alpha(power):
        return MinimumEffect(reason="invalid_parameters")
    if clean(n) is None or float(n) <= 0:
        return MinimumEffect(reason="no_visitors")
    sign = 1.0 if base <= 0.5 else -1.0
    room = 1.0 - base if sign > 0 else base

    def gap(d: float) -> float:
        return _power(float(n), base, base + sign * d, float(alpha)) - float(power)

    if gap(room) < 0:
        return MinimumEffect(reason="unreachable")
    d = optimize.brentq(gap, 1e-12, room, xtol=1e-12)
    return MinimumEffect(mde_abs=clean(d))


def n_more_needed(baseline: float, mde: float, n_current: float, alpha: float = 0.05,
                  power: float = 0.8) -> MoreNeeded:
    """How many more leads each group needs to reach ``power`` for the absolute effect ``mde``
    (signed: ``baseline + mde`` must stay within [0, 1])."""
    need = sample_size(baseline, mde, False, alpha, power)
    current = as_count(n_current)
    if need.n_per_group is None:
        return MoreNeeded(reason=need.reason)
    if current is None:
        return MoreNeeded(reason="invalid_parameters")
    return MoreNeeded(n_needed_per_group=need.n_per_group, n_more_per_group=max(0, need.n_per_group - current))
