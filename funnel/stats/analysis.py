"""A/B analysis of conversion counts for one funnel step or many: the public entry points.

``analyze_counts`` reads one step (k groups, each ``(n entered, x converted)``);
``analyze_steps`` reads several and Holm-adjusts across every step x group comparison made.
Results are typed, frozen dataclasses (:mod:`funnel.stats.results`, JSON through ``to_json()``; no
NaN / inf); degenerate input is a result with a ``reason`` code, never an exception.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, cast

from statsmodels.stats.multitest import multipletests

from . import sequential as seq
from .bayes import bayes_for_groups
from .numbers import as_count, clean, valid_alpha
from .power import mde_for_n, sample_size
from .proportions import (
    Proportion,
    difference_interval,
    omnibus_chi_square,
    relative_lift_interval,
    two_proportion_test,
    wilson_interval,
)
from .results import (
    ChiSquare,
    GroupRate,
    PowerPlan,
    RateComparison,
    StepCore,
    StepResult,
    StepsResult,
    shallow,
)
from .srm import srm_check
from .verdict import decide

POWER_TARGET = 0.8


def _proportion(value: object) -> Proportion | None:
    try:
        n, x = cast(Any, value)
    except (TypeError, ValueError):
        return None
    n, x = as_count(n), as_count(x)
    return Proportion(n, x) if n is not None and x is not None and x <= n else None


def _group_entry(g: Proportion | None, alpha: float) -> GroupRate:
    if g is None:
        return GroupRate(reason="invalid_counts")
    low, high = wilson_interval(g, alpha)
    return GroupRate(n=g.n, conversions=g.x, rate=clean(g.rate), ci_low=low, ci_high=high,
                     reason=None if g.n > 0 else "no_visitors")


def _sequentialize(fixed: RateComparison, t: Proportion, c: Proportion, alpha: float,
                   target_n: float) -> RateComparison:
    """The fixed-horizon comparison with always-valid intervals and p-value instead (see sequential.py);
    the fixed-horizon test and p-value are kept as ``test_fixed`` / ``p_value_fixed``."""
    n_total = t.n + c.n
    se_diff = math.sqrt(t.variance / t.n + c.variance / c.n)
    diff_low, diff_high = seq.sequential_interval(fixed.diff, se_diff, n_total, alpha, target_n)
    p = seq.always_valid_p(fixed.diff, se_diff, n_total, alpha, target_n) if fixed.diff is not None else None
    pt, pc = t.rate, c.rate
    se_rel = None
    if pc and pt is not None:  # delta-method variance of p_t / p_c (GrowthBook frequentist_variance, relative)
        se_rel = math.sqrt(t.variance / (pc**2 * t.n) + c.variance * pt**2 / (pc**4 * c.n))
    lift_low, lift_high = seq.sequential_interval(fixed.rel_lift, se_rel, n_total, alpha, target_n)
    return replace(fixed, p_value_fixed=fixed.p_value, test_fixed=fixed.test, test="sequential", statistic=None,
                   target_n=target_n, diff_ci_low=diff_low, diff_ci_high=diff_high,
                   diff_ci_method="confidence_sequence",
                   p_value=p if p is not None else (1.0 if fixed.diff == 0 else None),
                   rel_lift_ci_low=lift_low, rel_lift_ci_high=lift_high,
                   rel_lift_ci_method="confidence_sequence_delta")


def compare_proportions(t: Proportion, c: Proportion, alpha: float = 0.05, sequential: bool = False,
                        target_n: float = seq.DEFAULT_TARGET_N) -> RateComparison:
    """One treatment group against the control: intervals, test, p-value (unadjusted)."""
    if t.n == 0 or c.n == 0:
        return RateComparison(reason="no_visitors")
    out = RateComparison(**difference_interval(t, c, alpha), **relative_lift_interval(t, c, alpha),
                         **two_proportion_test(t, c),
                         reason="zero_variance" if t.variance == 0 and c.variance == 0 else None)
    return _sequentialize(out, t, c, alpha, target_n) if sequential else out


def _power_block(parsed: dict[str, Proportion], control: str, comparisons: Mapping[str, RateComparison],
                 alpha: float, planned_mde: float | None) -> PowerPlan:
    live = [g for g in parsed.values() if g.n > 0]
    base = parsed.get(control)
    if base is None or base.rate is None or len(live) < 2:
        return PowerPlan(power_target=POWER_TARGET, reason="no_visitors")
    baseline, n_now = base.rate, min(g.n for g in live)
    diffs = [c.diff for c in comparisons.values() if c.diff is not None]
    effect = clean(planned_mde) if planned_mde is not None else (max(diffs, key=abs) if diffs else None)
    plan = PowerPlan(baseline=baseline, n_per_group=n_now, power_target=POWER_TARGET,
                     mde_abs=mde_for_n(baseline, n_now, alpha, POWER_TARGET).mde_abs, effect_abs=effect,
                     effect_source="planned" if planned_mde is not None else "observed")
    need = sample_size(baseline, effect, False, alpha, POWER_TARGET) if effect is not None else None
    if need is None or not need.n_per_group:
        return replace(plan, reason=need.reason if need is not None else "zero_effect")
    return replace(plan, n_needed_per_group=need.n_per_group, n_more_per_group=max(0, need.n_per_group - n_now))


def _split_weights(names: list[str], expected_split: object) -> list[float | None]:
    if isinstance(expected_split, Mapping):
        return [expected_split.get(n) for n in names]
    if isinstance(expected_split, Sequence) and not isinstance(expected_split, str):
        return list(expected_split) if len(expected_split) == len(names) else []
    return []


def _analyze_step(groups: Mapping, control: str | None, alpha: float, expected_split: object,
                  sequential: bool, target_n: float, planned_mde: float | None) -> StepCore:
    skeleton = StepCore(control=control, alpha=alpha, sequential=sequential)
    if not valid_alpha(alpha):
        return replace(skeleton, reason="invalid_parameters")
    if not isinstance(groups, Mapping) or not groups:
        return replace(skeleton, reason="no_groups")
    names = [str(n) for n in groups]
    parsed = {str(n): _proportion(v) for n, v in groups.items()}
    control = names[0] if control is None else str(control)
    out = StepCore(control=control, alpha=alpha, sequential=sequential,
                   groups={n: _group_entry(parsed[n], alpha) for n in names})
    if control not in parsed:
        return replace(out, reason="unknown_control")
    valid = {n: g for n, g in parsed.items() if g is not None}
    if len(valid) < len(parsed):
        return replace(out, reason="invalid_counts")
    if len(names) < 2:
        return replace(out, reason="single_group")
    comparisons = {n: compare_proportions(valid[n], valid[control], alpha, sequential, target_n)
                   for n in names if n != control}
    live = [valid[n] for n in names if valid[n].n > 0]
    omnibus = omnibus_chi_square(live) if len(live) >= 2 else None
    srm = srm_check([valid[n].n for n in names], _split_weights(names, expected_split)) \
        if expected_split is not None else None
    groups_out, comparisons = _with_bayes(out.groups, comparisons, valid, control)
    return replace(out, groups=groups_out, comparisons=comparisons, omnibus=omnibus, srm=srm,
                   power=_power_block(valid, control, comparisons, alpha, planned_mde),
                   reason="no_visitors" if any(g.n == 0 for g in valid.values()) else None)


def _with_bayes(groups: dict[str, GroupRate], comparisons: dict[str, RateComparison], parsed: dict[str, Proportion],
                control: str) -> tuple[dict[str, GroupRate], dict[str, RateComparison]]:
    bayes = bayes_for_groups(parsed, control)
    groups = {name: replace(entry, prob_best=clean(bayes.prob_best.get(name)),
                            expected_loss=clean(bayes.expected_loss.get(name)))
              for name, entry in groups.items()}
    comparisons = {name: replace(comp, prob_beat_control=bayes.prob_beat_control[name],
                                 expected_loss=bayes.loss_vs_control[name])
                   if name in bayes.prob_beat_control else comp for name, comp in comparisons.items()}
    return groups, comparisons


def _holm(steps: list[StepCore], alpha: float) -> tuple[list[StepCore], int]:
    """Holm (1979) step-down adjustment over every comparison of every step (statsmodels):
    the steps with ``p_value_adjusted`` set, and the size of the family."""
    refs = [(i, name) for i, s in enumerate(steps) for name, c in s.comparisons.items() if c.p_value is not None]
    if not refs:
        return steps, 0
    raw = [steps[i].comparisons[name].p_value for i, name in refs]
    adjusted = multipletests(raw, alpha=alpha, method="holm")[1]
    out = [dict(s.comparisons) for s in steps]
    for (i, name), p in zip(refs, adjusted, strict=True):
        out[i][name] = replace(out[i][name], p_value_adjusted=clean(min(1.0, float(p))))
    return [replace(s, comparisons=c) for s, c in zip(steps, out, strict=True)], len(refs)


def _decided(step: StepCore, alpha: float, family: int, looks: int, sequential: bool,
             srm: ChiSquare | None = None) -> StepResult:
    return StepResult(**shallow(step), verdict=decide(step, alpha, family, looks, sequential, srm))


def analyze_counts(groups: Mapping, control: str | None = None, alpha: float = 0.05, expected_split: object = None,
                   sequential: bool = False, *, target_n: float = seq.DEFAULT_TARGET_N,
                   planned_mde: float | None = None, looks: int = 1) -> StepResult:
    """Analyse one step: ``groups`` maps a name to ``(n, conversions)``; control defaults to the first.

    ``target_n`` — planned total leads of two compared groups (sequential tuning);
    ``planned_mde`` — absolute effect to power for instead of the observed one;
    ``looks`` — how many times this test has been read (adds the "peeking" caveat)."""
    step = _analyze_step(groups, control, alpha, expected_split, sequential, target_n, planned_mde)
    family = 0
    if valid_alpha(alpha):
        [step], family = _holm([step], alpha)
    return _decided(step, alpha, family, looks, sequential)


def analyze_steps(steps: Sequence[Mapping], control: str | None = None, alpha: float = 0.05,
                  expected_split: object = None, sequential: bool = False, *,
                  target_n: float = seq.DEFAULT_TARGET_N, planned_mde: float | None = None,
                  looks: int = 1) -> StepsResult:
    """Analyse several steps (``{"from", "to", "groups"}``) and Holm-adjust across all comparisons.

    The sample-ratio check uses the first step's sizes (later steps are filtered by conversion)
    and its result governs every step's verdict."""
    results = []
    for i, step in enumerate(steps):
        split = expected_split if i == 0 else None
        is_map = isinstance(step, Mapping)
        groups = step.get("groups") if is_map else None
        result = _analyze_step(groups or {}, control, alpha, split, sequential, target_n, planned_mde)
        results.append(replace(result, stage_from=step.get("from") if is_map else None,
                               stage_to=step.get("to") if is_map else None))
    family = 0
    if valid_alpha(alpha):
        results, family = _holm(results, alpha)
    srm = results[0].srm if results else None
    decided = tuple(_decided(r, alpha, family, looks, sequential, srm) for r in results)
    return StepsResult(control=results[0].control if results else control, alpha=alpha, sequential=sequential,
                       comparisons_total=family, srm=srm, steps=decided, reason=None if results else "no_groups")
