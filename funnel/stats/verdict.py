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

from collections.abc import Mapping

from .results import ChiSquare, FocusNumbers, GroupRate, PowerPlan, StepCore, Verdict
from .srm import SRM_BLOCK_P

SMALL_SAMPLE_N = 100  # seed 001: ~100-150 visitors per variant as a floor
SMALL_SAMPLE_EVENTS = 5
INVALID_REASONS = {"invalid_counts", "unknown_control", "no_groups", "single_group", "invalid_parameters"}


def is_small_sample(groups: Mapping[str, GroupRate]) -> bool:
    live = [(g.n, g.conversions) for g in groups.values()
            if g.reason is None and g.n is not None and g.conversions is not None]
    return any(n < SMALL_SAMPLE_N or min(x, n - x) < SMALL_SAMPLE_EVENTS for n, x in live)


def _significant(step: StepCore, alpha: float, sign: int) -> list[str]:
    out = []
    for name, c in step.comparisons.items():
        p, diff = c.p_value_adjusted, c.diff
        if p is not None and diff is not None and p < alpha and diff * sign > 0:
            out.append(name)
    return out


def _caveats(step: StepCore, alpha: float, family: int, looks: int, sequential: bool,
             srm_p: float | None) -> tuple[str, ...]:
    caveats = []
    if looks > 1 and not sequential:
        caveats.append("peeking")
    if is_small_sample(step.groups):
        caveats.append("small_sample")
    if family > 1:
        caveats.append("many_comparisons")
    if srm_p is not None and srm_p < alpha:
        caveats.append("srm")
    return tuple(caveats)


def _control_rate(step: StepCore) -> float | None:
    control = step.control
    entry = step.groups.get(control) if control else None
    return entry.rate if entry is not None else None


def _focus(step: StepCore, name: str | None) -> FocusNumbers | None:
    if name is None or name not in step.comparisons:
        return None
    c, g = step.comparisons[name], step.groups[name]
    return FocusNumbers(rate=g.rate, diff=c.diff, rel_lift=c.rel_lift, p_value=c.p_value_adjusted,
                        p_value_raw=c.p_value, test=c.test, prob_beat_control=c.prob_beat_control,
                        expected_loss=c.expected_loss)


def _closest(step: StepCore) -> str | None:
    """The comparison with the smallest adjusted p-value (the one nearest to a decision)."""
    ranked = [(c.p_value_adjusted, n) for n, c in step.comparisons.items() if c.p_value_adjusted is not None]
    return min(ranked)[1] if ranked else None


def decide(step: StepCore, alpha: float, family: int = 1, looks: int = 1, sequential: bool = False,
           srm: ChiSquare | None = None) -> Verdict:
    """The verdict of one analysed step (see module docstring for the codes)."""
    srm = srm if srm is not None else step.srm
    srm_p = srm.p_value if srm else None
    power = step.power or PowerPlan()

    def verdict(code: str, name: str | None, caveats: tuple[str, ...], reason: str | None = step.reason,
                losers: list[str] | None = None) -> Verdict:
        return Verdict(code=code, reason=reason, comparisons=family, srm_p_value=srm_p,
                       n_more_per_group=power.n_more_per_group, n_needed_per_group=power.n_needed_per_group,
                       mde_abs=power.mde_abs, effect_abs=power.effect_abs,
                       group=name, control=step.control,
                       control_rate=_control_rate(step), focus=_focus(step, name),
                       losers=None if losers is None else tuple(losers), caveats=caveats)

    if step.reason in INVALID_REASONS:
        return verdict("invalid", None, ())
    caveats = _caveats(step, alpha, family, looks, sequential, srm_p)
    if srm_p is not None and srm_p < SRM_BLOCK_P:
        return verdict("srm", None, tuple(c for c in caveats if c != "srm"))
    rates = {n: step.groups[n].rate or 0.0 for n in step.comparisons}
    winners, losers = _significant(step, alpha, +1), _significant(step, alpha, -1)
    if winners:
        return verdict("winner", max(winners, key=lambda n: rates[n]), caveats, losers=losers)
    if losers:
        return verdict("loser", min(losers, key=lambda n: rates[n]), caveats, losers=losers)
    closest = _closest(step)
    no_visitors = any(g.reason == "no_visitors" for g in step.groups.values())
    planned_short = power.effect_source == "planned" and (power.n_more_per_group or 0) > 0
    if no_visitors or is_small_sample(step.groups) or planned_short:
        return verdict("not_enough_data", closest, tuple(c for c in caveats if c != "small_sample"),
                       reason="no_visitors" if no_visitors else step.reason)
    return verdict("no_difference_yet", closest, caveats)
