"""Bayesian reading of conversion counts: Beta(1, 1) prior, Beta(1 + x, 1 + n - x) posterior.

* P(B > A) — Evan Miller's closed form for two Beta variables ("Formulas for Bayesian A/B
  Testing", 2014), summed in log space with scipy's betaln / logsumexp.
* P(group is best) among k groups — numerical integration (scipy quad) of
  f_i(p) * prod_{j != i} F_j(p), absolute error far below 1e-4.
* Expected loss — E[max(p_other - p_chosen, 0)], Chris Stucchio's identity
  E[A 1{A > B}] = E[A] P(A' > B), A' ~ Beta(a + 1, b) ("Bayesian A/B Testing at VWO", 2015).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import integrate, special

from .numbers import clean
from .proportions import Proportion

PRIOR_ALPHA = 1.0
PRIOR_BETA = 1.0
CLOSED_FORM_MAX_TERMS = 2_000_000  # beyond that fall back to quadrature


def posterior(g: Proportion) -> tuple[float, float]:
    return PRIOR_ALPHA + g.x, PRIOR_BETA + g.n - g.x


def prob_greater(a: tuple[float, float], b: tuple[float, float]) -> float:
    """P(p_b > p_a) for p_a ~ Beta(*a), p_b ~ Beta(*b); exact when b[0] is a whole number.

    Evan Miller: sum_{i=0}^{alpha_b - 1} B(alpha_a + i, beta_a + beta_b) /
    ((beta_b + i) B(1 + i, beta_b) B(alpha_a, beta_a))."""
    (alpha_a, beta_a), (alpha_b, beta_b) = a, b
    if float(alpha_b).is_integer() and alpha_b <= CLOSED_FORM_MAX_TERMS:
        i = np.arange(int(alpha_b), dtype=float)
        terms = (special.betaln(alpha_a + i, beta_a + beta_b) - np.log(beta_b + i)
                 - special.betaln(1.0 + i, beta_b) - special.betaln(alpha_a, beta_a))
        return float(min(1.0, max(0.0, np.exp(special.logsumexp(terms)))))
    return prob_best([b, a])[0]


def _support(alpha: float, beta: float) -> tuple[float, float]:
    """Where Beta(alpha, beta) keeps all but 2e-12 of its mass (the integration range)."""
    return float(special.betaincinv(alpha, beta, 1e-12)), float(special.betainccinv(alpha, beta, 1e-12))


def _pdf(p: float, alpha: float, beta: float) -> float:
    if p <= 0.0 or p >= 1.0:
        return 0.0
    return float(np.exp((alpha - 1) * np.log(p) + (beta - 1) * np.log1p(-p) - special.betaln(alpha, beta)))


def _cdf_product(p: float, params: list[tuple[float, float]]) -> float:
    out = 1.0
    for a, b in params:
        out *= special.betainc(a, b, p)  # regularized incomplete beta = Beta CDF
    return out


def prob_best(params: list[tuple[float, float]]) -> list[float]:
    """P(group i has the highest rate) = integral of f_i(p) prod_{j != i} F_j(p) dp."""
    out = []
    for i, (alpha, beta) in enumerate(params):
        others = [ab for j, ab in enumerate(params) if j != i]
        low, high = _support(alpha, beta)
        mode = (alpha - 1) / (alpha + beta - 2) if alpha + beta > 2 else 0.5
        points = [mode] if low < mode < high else None
        value, _ = integrate.quad(lambda p, a=alpha, b=beta, o=others: _pdf(p, a, b) * _cdf_product(p, o),
                                  low, high, points=points, epsabs=1e-10, limit=200)
        out.append(min(1.0, max(0.0, value)))
    return out


def expected_loss(chosen: tuple[float, float], other: tuple[float, float]) -> float:
    """E[max(p_other - p_chosen, 0)]: the conversion rate given up, on average, by choosing
    ``chosen`` when ``other`` is in fact better."""
    (a_o, b_o), (a_c, b_c) = other, chosen
    mean_o, mean_c = a_o / (a_o + b_o), a_c / (a_c + b_c)
    # E[O 1{O>C}] - E[C 1{O>C}] = mean_o P(O' > C) - mean_c P(O > C')
    value = mean_o * prob_greater(chosen, (a_o + 1, b_o)) - mean_c * prob_greater((a_c + 1, b_c), other)
    return max(0.0, value)


def expected_loss_vs_best(params: list[tuple[float, float]]) -> list[float]:
    """E[max_j p_j - p_i] for each group i; E[max] = integral over [0, 1] of 1 - prod_j F_j(p)."""
    supports = [_support(a, b) for a, b in params]
    low, high = min(s[0] for s in supports), max(s[1] for s in supports)
    means = [a / (a + b) for a, b in params]
    points = sorted({m for m in means if low < m < high}) or None
    e_max, _ = integrate.quad(lambda p: 1.0 - _cdf_product(p, params), low, high, points=points,
                              epsabs=1e-12, limit=400)
    e_max += low  # the integrand is 1 on [0, low)
    return [max(0.0, e_max - m) for m in means]


@dataclass(frozen=True)
class BayesReading:
    """The Bayesian reading of k groups: chance to be the best and expected loss per group (groups with
    visitors, at least two of them), and per non-control group the chance to beat the control and the
    expected loss of choosing it over the control."""

    prob_best: dict[str, float] = field(default_factory=dict)
    expected_loss: dict[str, float] = field(default_factory=dict)
    prob_beat_control: dict[str, float | None] = field(default_factory=dict)
    loss_vs_control: dict[str, float | None] = field(default_factory=dict)


def bayes_for_groups(groups: dict[str, Proportion], control: str) -> BayesReading:
    """prob_best and expected loss for every group with visitors; beat-control per group."""
    live = [name for name, g in groups.items() if g.n > 0]
    params = {name: posterior(groups[name]) for name in live}
    best = dict(zip(live, prob_best([params[n] for n in live]), strict=True)) if len(live) > 1 else {}
    loss = dict(zip(live, expected_loss_vs_best([params[n] for n in live]), strict=True)) if len(live) > 1 else {}
    beat: dict[str, float | None] = {}
    loss_vs: dict[str, float | None] = {}
    for name in live:
        if name == control or control not in params:
            continue
        beat[name] = clean(prob_greater(params[control], params[name]))
        loss_vs[name] = clean(expected_loss(params[name], params[control]))
    return BayesReading(best, loss, beat, loss_vs)
