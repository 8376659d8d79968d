"""The plain-words verdict of one analysed step: a code, the numbers behind it, caveat codes.

Codes (translated as ``stats.verdict.<code>``):
* ``invalid`` — the input cannot be read (reason says why);
* ``srm`` — group sizes contradict the designed split (p < 0.001): fix assignment first;
* ``winner`` / ``loser`` — a group converts significantly better / worse than the control
  after Holm's correction (adjusted p < alpha);
* ``not_enough_data`` — too few leads (a group under 100, seed 001's floor, or fewer than 5
  conversions / non-conversions), or a planned effect not yet reachable at 80 % power;
* ``no_difference_yet`` — enough data to read, nothing significant; says how many more
  leads per group the observed difference would need and what the smallest detectable one is.

Caveats (``stats.caveat.<code>``): ``srm`` (0.001 <= SRM p < alpha), ``small_sample``,
``many_comparisons`` (Holm family > 1), ``peeking`` (several looks without sequential mode).
"""

from __future__ import annotations

from .srm import SRM_BLOCK_P

SMALL_SAMPLE_N = 100  # seed 001: ~100-150 visitors per variant as a floor
SMALL_SAMPLE_EVENTS = 5
INVALID_REASONS = {"invalid_counts", "unknown_control", "no_groups", "single_group", "invalid_parameters"}


def is_small_sample(groups: dict) -> bool:
    live = [g for g in groups.values() if g.get("reason") is None]
    return any(g["n"] < SMALL_SAMPLE_N or min(g["conversions"], g["n"] - g["conversions"]) < SMALL_SAMPLE_EVENTS
               for g in live)


def _significant(step: dict, alpha: float, sign: int) -> list[str]:
    out = []
    for name, c in step["comparisons"].items():
        p, diff = c.get("p_value_adjusted"), c.get("diff")
        if p is not None and diff is not None and p < alpha and diff * sign > 0:
            out.append(name)
    return out


def _caveats(step: dict, alpha: float, family: int, looks: int, sequential: bool, srm_p: float | None) -> list:
    caveats = []
    if looks > 1 and not sequential:
        caveats.append("peeking")
    if is_small_sample(step["groups"]):
        caveats.append("small_sample")
    if family > 1:
        caveats.append("many_comparisons")
    if srm_p is not None and srm_p < alpha:
        caveats.append("srm")
    return caveats


def _numbers(step: dict, name: str | None) -> dict:
    control = step["control"]
    out = {"group": name, "control": control,
           "control_rate": step["groups"].get(control, {}).get("rate") if control else None}
    if name is None or name not in step["comparisons"]:
        return out
    c, g = step["comparisons"][name], step["groups"][name]
    return {**out, "rate": g.get("rate"), "diff": c.get("diff"), "rel_lift": c.get("rel_lift"),
            "p_value": c.get("p_value_adjusted"), "p_value_raw": c.get("p_value"), "test": c.get("test"),
            "prob_beat_control": c.get("prob_beat_control"), "expected_loss": c.get("expected_loss")}


def _closest(step: dict) -> str | None:
    """The comparison with the smallest adjusted p-value (the one nearest to a decision)."""
    ranked = [(c["p_value_adjusted"], n) for n, c in step["comparisons"].items()
              if c.get("p_value_adjusted") is not None]
    return min(ranked)[1] if ranked else None


def decide(step: dict, alpha: float, family: int = 1, looks: int = 1, sequential: bool = False,
           srm: dict | None = None) -> dict:
    """The verdict of one analysed step (see module docstring for the codes)."""
    srm = srm if srm is not None else step.get("srm")
    srm_p = srm.get("p_value") if srm else None
    power = step.get("power") or {}
    base = {"reason": step.get("reason"), "comparisons": family, "srm_p_value": srm_p,
            "n_more_per_group": power.get("n_more_per_group"),
            "n_needed_per_group": power.get("n_needed_per_group"), "mde_abs": power.get("mde_abs"),
            "effect_abs": power.get("effect_abs")}
    if step.get("reason") in INVALID_REASONS:
        return {"code": "invalid", **base, **_numbers(step, None), "caveats": []}
    caveats = _caveats(step, alpha, family, looks, sequential, srm_p)
    if srm_p is not None and srm_p < SRM_BLOCK_P:
        return {"code": "srm", **base, **_numbers(step, None), "caveats": [c for c in caveats if c != "srm"]}
    rates = {n: step["groups"][n]["rate"] for n in step["comparisons"]}
    winners, losers = _significant(step, alpha, +1), _significant(step, alpha, -1)
    if winners:
        best = max(winners, key=lambda n: rates[n])
        return {"code": "winner", **base, **_numbers(step, best), "losers": losers, "caveats": caveats}
    if losers:
        worst = min(losers, key=lambda n: rates[n])
        return {"code": "loser", **base, **_numbers(step, worst), "losers": losers, "caveats": caveats}
    numbers = _numbers(step, _closest(step))
    no_visitors = any(g.get("reason") == "no_visitors" for g in step["groups"].values())
    planned_short = power.get("effect_source") == "planned" and (power.get("n_more_per_group") or 0) > 0
    if no_visitors or is_small_sample(step["groups"]) or planned_short:
        reason = "no_visitors" if no_visitors else base["reason"]
        return {"code": "not_enough_data", **base, "reason": reason, **numbers,
                "caveats": [c for c in caveats if c != "small_sample"]}
    return {"code": "no_difference_yet", **base, **numbers, "caveats": caveats}
