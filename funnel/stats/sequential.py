"""Peeking-safe ("always valid") confidence sequences, as GrowthBook's sequential testing.

Asymptotic confidence sequence of Waudby-Smith, Arbour, Sinha, Kennedy & Ramdas (2023),
"Time-uniform central limit theory and asymptotic confidence sequences" (arXiv 2103.06476v7),
built on the normal-mixture boundary of Howard, Ramdas, McAuliffe & Sekhon (2021). GrowthBook
(gbstats ``SequentialTwoSidedTTest``) uses the same three formulas:

* rho from the tuning parameter N (the total sample size at which the sequence is tightest),
  eq. 161:  rho = sqrt((-2 ln alpha + ln(-2 ln alpha + 1)) / N)
* half-width at total sample size n with per-observation variance s2 = SE^2 * n, eq. 9:
  sqrt(s2) * sqrt(2 (n rho^2 + 1) / (n^2 rho^2) * ln(sqrt(n rho^2 + 1) / alpha))
* always-valid p-value, eq. 155: p = min(1, 1 / E) with
  E = exp(rho^2 * t2 / (2 (n rho^2 + 1))) / sqrt(n rho^2 + 1),  t2 = estimate^2 * n / SE^2
"""

from __future__ import annotations

import math

from .numbers import clean

DEFAULT_TARGET_N = 5000  # GrowthBook's default sequential tuning parameter


def sequential_rho(alpha: float, target_n: float) -> float:
    log_alpha = math.log(alpha)
    return math.sqrt((-2 * log_alpha + math.log(-2 * log_alpha + 1)) / target_n)


def halfwidth(se: float, n_total: float, alpha: float, target_n: float) -> float | None:
    """Half-width of the two-sided confidence sequence for an estimate with standard error ``se``."""
    if se <= 0 or n_total <= 0 or target_n <= 0:
        return None
    rho2 = sequential_rho(alpha, target_n) ** 2
    s2 = se**2 * n_total
    width = math.sqrt(s2) * math.sqrt(
        2 * (n_total * rho2 + 1) / (n_total**2 * rho2) * math.log(math.sqrt(n_total * rho2 + 1) / alpha)
    )
    return clean(width)


def always_valid_p(estimate: float, se: float, n_total: float, alpha: float, target_n: float) -> float | None:
    """Always-valid p-value for H0: effect = 0 (Waudby-Smith et al. eq. 155)."""
    if se <= 0 or n_total <= 0 or target_n <= 0:
        return None
    rho2 = sequential_rho(alpha, target_n) ** 2
    t2 = estimate**2 * n_total / se**2
    tr2p1 = n_total * rho2 + 1
    log_e = rho2 * t2 / (2 * tr2p1) - 0.5 * math.log(tr2p1)
    return clean(min(1.0, math.exp(-log_e)) if log_e > -700 else 1.0)


def sequential_interval(estimate: float | None, se: float | None, n_total: float, alpha: float,
                        target_n: float) -> tuple[float | None, float | None]:
    if estimate is None or se is None:
        return None, None
    width = halfwidth(se, n_total, alpha, target_n)
    if width is None:
        return None, None
    return clean(estimate - width), clean(estimate + width)
