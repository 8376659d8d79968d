"""A/B analysis of conversion counts for one funnel step or many: the public entry points.

``analyze_counts`` reads one step (k groups, each ``(n entered, x converted)``);
``analyze_steps`` reads several and Holm-adjusts across every step x group comparison made.
Results are plain JSON-safe dicts (no NaN / inf); degenerate input is a result with a
``reason`` code, never an exception.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
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
from .srm import srm_check
from .verdict import decide

POWER_TARGET = 0.8
EMPTY_COMPARISON: dict[str, Any] = {
    "diff": None, "diff_ci_low": None, "diff_ci_high": None, "diff_ci_method": None,
    "rel_lift": None, "rel_lift_ci_low": None, "rel_lift_ci_high": None, "rel_lift_ci_method": None,
    "test": None, "statistic": None, "p_value": None, "p_value_adjusted": None,
    "prob_beat_control": None, "expected_loss": None, "reason": None,
}


def _proportion(value: object) -> Proportion | None:
    try:
        n, x = cast(Any, value)
    except (TypeError, ValueError):
        return None
    n, x = as_count(n), as_count(x)
    return Proportion(n, x) if n is not None and x is not None and x <= n else None


def _group_entry(g: Proportion | None, alpha: float) -> dict:
    if g is None:
        return {"n": None, "conversions": None, "rate": None, "ci_low": None, "ci_high": None,
                "prob_best": None, "expected_loss": None, "reason": "invalid_counts"}
    low, high = wilson_interval(g, alpha)
    return {"n": g.n, "conversions": g.x, "rate": clean(g.rate), "ci_low": low, "ci_high": high,
            "prob_best": None, "expected_loss": None, "reason": None if g.n > 0 else "no_visitors"}


def _sequentialize(out: dict, t: Proportion, c: Proportion, alpha: float, target_n: float) -> None:
    """Replace fixed-horizon intervals and p-value by the always-valid ones (see sequential.py)."""
    n_total = t.n + c.n
    se_diff = math.sqrt(t.variance / t.n + c.variance / c.n)
    out["p_value_fixed"], out["test_fixed"] = out["p_value"], out["test"]
    out["test"], out["statistic"], out["target_n"] = "sequential", None, target_n
    out["diff_ci_low"], out["diff_ci_high"] = seq.sequential_interval(out["diff"], se_diff, n_total, alpha, target_n)
    out["diff_ci_method"] = "confidence_sequence"
    p = seq.always_valid_p(out["diff"], se_diff, n_total, alpha, target_n)
    out["p_value"] = p if p is not None else (1.0 if out["diff"] == 0 else None)
    pt, pc = t.rate, c.rate
    se_rel = None
    if pc:  # delta-method variance of p_t / p_c (GrowthBook frequentist_variance, relative)
        se_rel = math.sqrt(t.variance / (pc**2 * t.n) + c.variance * pt**2 / (pc**4 * c.n))  # type: ignore[operator]
    low, high = seq.sequential_interval(out["rel_lift"], se_rel, n_total, alpha, target_n)
    out["rel_lift_ci_low"], out["rel_lift_ci_high"] = low, high
    out["rel_lift_ci_method"] = "confidence_sequence_delta"


def compare_proportions(t: Proportion, c: Proportion, alpha: float = 0.05, sequential: bool = False,
                        target_n: float = seq.DEFAULT_TARGET_N) -> dict:
    """One treatment group against the control: intervals, test, p-value (unadjusted)."""
    out = dict(EMPTY_COMPARISON)
    if t.n == 0 or c.n == 0:
        return {**out, "reason": "no_visitors"}
    out.update(difference_interval(t, c, alpha))
    out.update(relative_lift_interval(t, c, alpha))
    out.update(two_proportion_test(t, c))
    if t.variance == 0 and c.variance == 0:
        out["reason"] = "zero_variance"
    if sequential:
        _sequentialize(out, t, c, alpha, target_n)
    return out


def _power_block(parsed: dict, control: str, comparisons: dict, alpha: float, planned_mde: float | None) -> dict:
    live = [g for g in parsed.values() if g is not None and g.n > 0]
    out: dict[str, Any] = {"baseline": None, "n_per_group": None, "power_target": POWER_TARGET, "mde_abs": None,
           "effect_abs": None, "effect_source": None, "n_needed_per_group": None,
           "n_more_per_group": None, "reason": None}
    if parsed.get(control) is None or parsed[control].n == 0 or len(live) < 2:
        return {**out, "reason": "no_visitors"}
    baseline, n_now = parsed[control].rate, min(g.n for g in live)
    out.update(baseline=baseline, n_per_group=n_now, mde_abs=mde_for_n(baseline, n_now, alpha, POWER_TARGET)["mde_abs"])
    diffs = [c["diff"] for c in comparisons.values() if c.get("diff") is not None]
    effect = clean(planned_mde) if planned_mde is not None else (max(diffs, key=abs) if diffs else None)
    out.update(effect_abs=effect, effect_source="planned" if planned_mde is not None else "observed")
    need = sample_size(baseline, effect, False, alpha, POWER_TARGET) if effect is not None else {}
    if not need.get("n_per_group"):
        return {**out, "reason": need.get("reason", "zero_effect")}
    out.update(n_needed_per_group=need["n_per_group"], n_more_per_group=max(0, need["n_per_group"] - n_now))
    return out


def _split_weights(names: list[str], expected_split: object) -> list[float] | None:
    if isinstance(expected_split, Mapping):
        return [expected_split.get(n) for n in names]  # type: ignore[misc]
    if isinstance(expected_split, Sequence) and not isinstance(expected_split, str):
        return list(expected_split) if len(expected_split) == len(names) else []
    return []


def _skeleton(control: str | None, alpha: float, sequential: bool, reason: str | None) -> dict:
    return {"control": control, "alpha": alpha, "sequential": sequential, "groups": {}, "comparisons": {},
            "omnibus": None, "srm": None, "power": None, "reason": reason, "verdict": None}


def _analyze_step(groups: Mapping, control: str | None, alpha: float, expected_split: object,
                  sequential: bool, target_n: float, planned_mde: float | None) -> dict:
    if not valid_alpha(alpha):
        return _skeleton(control, alpha, sequential, "invalid_parameters")
    if not isinstance(groups, Mapping) or not groups:
        return _skeleton(control, alpha, sequential, "no_groups")
    names = [str(n) for n in groups]
    parsed = {str(n): _proportion(v) for n, v in groups.items()}
    control = names[0] if control is None else str(control)
    out = _skeleton(control, alpha, sequential, None)
    out["groups"] = {n: _group_entry(parsed[n], alpha) for n in names}
    if control not in parsed:
        return {**out, "reason": "unknown_control"}
    if any(g is None for g in parsed.values()):
        return {**out, "reason": "invalid_counts"}
    if len(names) < 2:
        return {**out, "reason": "single_group"}
    valid = {n: g for n, g in parsed.items() if g is not None}  # all of them, checked above
    out["comparisons"] = {n: compare_proportions(valid[n], valid[control], alpha, sequential, target_n)
                          for n in names if n != control}
    live = [parsed[n] for n in names if parsed[n].n > 0]  # type: ignore[union-attr]
    out["omnibus"] = omnibus_chi_square(live) if len(live) >= 2 else None  # type: ignore[arg-type]
    if expected_split is not None:
        out["srm"] = srm_check([parsed[n].n for n in names], _split_weights(names, expected_split))  # type: ignore
    _add_bayes(out, parsed, control)
    out["power"] = _power_block(parsed, control, out["comparisons"], alpha, planned_mde)
    if any(g.n == 0 for g in parsed.values()):  # type: ignore[union-attr]
        out["reason"] = "no_visitors"
    return out


def _add_bayes(out: dict, parsed: dict, control: str) -> None:
    bayes = bayes_for_groups(parsed, control)
    for name, entry in out["groups"].items():
        entry["prob_best"] = clean(bayes["prob_best"].get(name))
        entry["expected_loss"] = clean(bayes["expected_loss"].get(name))
    for name, comp in out["comparisons"].items():
        comp.update(bayes["vs_control"].get(name, {}))


def _holm(steps: list[dict], alpha: float) -> int:
    """Holm (1979) step-down adjustment over every comparison of every step (statsmodels)."""
    refs = [c for s in steps for c in s["comparisons"].values() if c.get("p_value") is not None]
    if refs:
        adjusted = multipletests([c["p_value"] for c in refs], alpha=alpha, method="holm")[1]
        for comp, p in zip(refs, adjusted, strict=True):
            comp["p_value_adjusted"] = clean(min(1.0, float(p)))
    return len(refs)


def analyze_counts(groups: Mapping, control: str | None = None, alpha: float = 0.05, expected_split: object = None,
                   sequential: bool = False, *, target_n: float = seq.DEFAULT_TARGET_N,
                   planned_mde: float | None = None, looks: int = 1) -> dict:
    """Analyse one step: ``groups`` maps a name to ``(n, conversions)``; control defaults to the first.

    ``target_n`` — planned total leads of two compared groups (sequential tuning);
    ``planned_mde`` — absolute effect to power for instead of the observed one;
    ``looks`` — how many times this test has been read (adds the "peeking" caveat)."""
    step = _analyze_step(groups, control, alpha, expected_split, sequential, target_n, planned_mde)
    family = _holm([step], alpha) if valid_alpha(alpha) else 0
    step["verdict"] = decide(step, alpha, family, looks, sequential)
    return step


def analyze_steps(steps: Sequence[Mapping], control: str | None = None, alpha: float = 0.05,
                  expected_split: object = None, sequential: bool = False, *,
                  target_n: float = seq.DEFAULT_TARGET_N, planned_mde: float | None = None, looks: int = 1) -> dict:
    """Analyse several steps (``{"from", "to", "groups"}``) and Holm-adjust across all comparisons.

    The sample-ratio check uses the first step's sizes (later steps are filtered by conversion)
    and its result governs every step's verdict."""
    results = []
    for i, step in enumerate(steps):
        split = expected_split if i == 0 else None
        groups = step.get("groups") if isinstance(step, Mapping) else None
        result = _analyze_step(groups or {}, control, alpha, split, sequential, target_n, planned_mde)
        results.append({"from": step.get("from") if isinstance(step, Mapping) else None,
                        "to": step.get("to") if isinstance(step, Mapping) else None, **result})
    family = _holm(results, alpha) if valid_alpha(alpha) else 0
    srm = results[0]["srm"] if results else None
    for result in results:
        result["verdict"] = decide(result, alpha, family, looks, sequential, srm)
    return {"control": results[0]["control"] if results else control, "alpha": alpha, "sequential": sequential,
            "comparisons_total": family, "srm": srm, "steps": results,
            "reason": None if results else "no_groups"}
