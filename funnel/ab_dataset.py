"""A/B comparison of the groups of a stored dataset (landing variants, traffic sources, managers, ...).

SQL counts, Python reasons: one grouped pass over ``deals`` (``ab_step_counts.sql``) gives deals per
(group value, furthest position) and the sufficient statistics of revenue per lead; the counts are
cumulated here into "reached stage k" per group (a deal reached k iff ``furthest_pos >= k``, see
``funnel/metrics/stages.py``), and :mod:`funnel.stats` does the statistics.

Decisions:

* groups compared are the non-empty values of the column, largest first (at most ``MAX_GROUPS``);
  deals with no value are counted under ``""`` and left out of the tests (``notes`` says so);
* the default control is a group named like one (``control``, ``A``, ``old_page``, ...), else the
  largest group; it is listed first;
* without ``step`` the top-level fields are the whole funnel (entered the first stage -> reached
  the last, won, stage) and ``steps`` holds every consecutive step. The overall comparison and all
  steps form ONE Holm family (``analyze_steps``): they are all read off the same page, so the
  chance of any false alarm stays at most alpha. With ``step`` it is one planned comparison
  (``analyze_counts``, no correction across steps);
* revenue per lead = sum of won amounts / deals of the group (a won deal with no amount adds 0),
  Welch's t-test on (n, sum, sum of squares) via ``analyze_means``; left out (``None``) when no
  won deal has an amount or won deals carry several currencies;
* aggregate-count datasets (shape E) compare the values of their one grouping column, with the
  stored counts per stage as they are (no cumulation; deal filters cannot apply).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from itertools import takewhile
from typing import Any

import numpy as np

from .ab_results import DatasetABResult, GroupCounts, GroupMoney, SkippedStep
from .dataset import DatasetInfo
from .errors import FunnelError
from .metrics.context import resolve
from .metrics.filters import query
from .spec import FunnelSpec
from .sql import ident, run
from .stats import analyze_amounts, analyze_counts, analyze_means, analyze_steps
from .stats.results import MeansResult, StepResult, shallow

AB_FIELDS = ("variant", "source", "manager", "pipeline")
CONTROL_NAMES = ("control", "a", "old", "old_page", "baseline", "original", "default", "контроль")
MAX_GROUPS = 20
# Up to this many leads the revenue comparison also reads the values themselves (Mann-Whitney and a
# bootstrap need them); beyond it, Welch from SQL's sufficient statistics alone.
RAW_AMOUNTS_LIMIT = 50_000
NO_VALUE = ""


# -- columns and stages ---------------------------------------------------------------------------
def ab_columns(info: DatasetInfo) -> list[str]:
    """Columns a comparison may group by: variant, source, manager, pipeline and the ``x_`` extras
    (for aggregate counts: the file's one grouping column)."""
    caps = info.capabilities
    if caps.aggregate:
        return [caps.group_column] if caps.group_column else []
    return [*AB_FIELDS, *(c for c in info.extra_columns if c.startswith("x_"))]


def column_headers(info: DatasetInfo) -> dict[str, str]:
    """Original file header -> stored column, for the columns in :func:`ab_columns`."""
    columns = ab_columns(info)
    fields = info.mapped_headers
    if info.capabilities.aggregate and "group" in fields and columns:
        fields = {columns[0]: fields["group"]}
    out = {str(header): field for field, header in fields.items() if field in columns and header}
    out.update({str(header): name for name, header in info.extra_columns.items() if name in columns})
    return out


def resolve_column(info: DatasetInfo, by: str | None) -> str:
    """``by`` as a stored column: a column name, or the original header of a mapped/extra column."""
    columns = ab_columns(info)
    text = "" if by is None else str(by).strip()
    if text in columns:
        return text
    headers = column_headers(info)
    if text in headers:
        return headers[text]
    folded = {h.casefold(): c for h, c in headers.items()} | {c.casefold(): c for c in columns}
    if text.casefold() in folded:
        return folded[text.casefold()]
    raise FunnelError("ab.unknown_column", column=text, columns=", ".join(columns))


def parse_step(text: str, stages: list[str]) -> tuple[str, str]:
    """``"click:lead"`` -> ``("click", "lead")``; a stage name may itself contain ``:``."""
    for i, ch in enumerate(text):
        if ch == ":" and text[:i].strip() in stages and text[i + 1:].strip() in stages:
            return text[:i].strip(), text[i + 1:].strip()
    head, _, tail = text.partition(":")
    bad = head.strip() if head.strip() not in stages else tail.strip()
    raise FunnelError("ab.unknown_stage", stage=bad, stages=", ".join(f"«{s}»" for s in stages))


def _step_index(stages: list[str], step: tuple[str, str]) -> tuple[int, int]:
    for name in step:
        if name not in stages:
            raise FunnelError("ab.unknown_stage", stage=str(name), stages=", ".join(f"«{s}»" for s in stages))
    i, j = stages.index(step[0]), stages.index(step[1])
    if i >= j:
        raise FunnelError("ab.bad_step", stage_from=step[0], stage_to=step[1])
    return i, j


# -- counts ---------------------------------------------------------------------------------------
def _cumulate(at: dict[int, int], positions: list[int]) -> list[int]:
    """Reached stage k = deals whose (clamped) furthest position is >= k."""
    first, last = positions[0], positions[-1]
    clamped: dict[int, int] = defaultdict(int)
    for pos, n in at.items():
        clamped[min(max(pos, first), last)] += n
    return [sum(n for p, n in clamped.items() if p >= pos) for pos in positions]


def _ordered(groups: dict[str, list[int]]) -> dict[str, list[int]]:
    named = sorted((g for g in groups if g != NO_VALUE), key=lambda g: (-(groups[g] or [0])[0], g))
    return {g: groups[g] for g in named + ([NO_VALUE] if NO_VALUE in groups else [])}


def _deal_counts(con, info: DatasetInfo, spec: FunnelSpec, column: str) -> GroupCounts:
    ctx = resolve(con, info, spec)
    stages, positions = [s["stage"] for s in ctx.stages], [s["position"] for s in ctx.stages]
    sql = query("ab_step_counts", info, group=ident(column), where=ctx.where.sql)
    at: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    money: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    currencies: set[str] = set()
    for grp, pos, n, won_amounts, total, sumsq, cur_min, cur_max in run(con, sql, ctx.where.params).fetchall():
        key = NO_VALUE if grp is None else str(grp)
        at[key][int(pos)] += int(n)
        m = money[key]
        m["won_with_amount"] += int(won_amounts or 0)
        m["sum"] += float(total or 0.0)
        m["sumsq"] += float(sumsq or 0.0)
        currencies.update(c for c in (cur_min, cur_max) if c is not None)
    groups = {g: _cumulate(counts, positions) if positions else [] for g, counts in at.items()}
    return GroupCounts(by=column, pipeline=ctx.pipeline, stages=tuple(stages), positions=tuple(positions),
                       groups=_ordered(groups),
                       money={g: GroupMoney(int(m["won_with_amount"]), m["sum"], m["sumsq"]) for g, m in money.items()},
                       mixed_currencies=len(currencies) > 1, empty_value=NO_VALUE in groups)


def _counts_table(con, info: DatasetInfo, spec: FunnelSpec, column: str) -> GroupCounts:
    ctx = resolve(con, info, spec)
    names: dict[int, str] = {}
    n: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for stage, position, grp, count in run(con, query("metrics_counts", info), {"pipeline": ctx.pipeline}).fetchall():
        names.setdefault(int(position), stage)
        if grp != "":
            n[grp][int(position)] += int(count)
    chosen = dict(spec.filters).get(column)
    positions = sorted(names)
    # a group's counts end before the first stage the file leaves unknown for it («--» in Yandex Direct's
    # conversions): an unknown is no 0, and a 0 would have been compared (survey 26)
    groups = {g: [c[p] for p in takewhile(c.__contains__, positions)]
              for g, c in n.items() if chosen is None or g in chosen}
    ignored = bool(spec.date_from or spec.date_to or spec.closed_only or any(c != column for c, _ in spec.filters))
    unknown = any(len(counts) < len(positions) for counts in groups.values())
    notes = (*(("ab.note.counts_filters_ignored",) if ignored else ()), *(("ab.note.counts_unknown",) if unknown else ()))
    return GroupCounts(by=column, pipeline=ctx.pipeline, stages=tuple(names[p] for p in positions),
                       positions=tuple(positions), groups=_ordered(groups), notes=notes)


def step_counts(con, info: DatasetInfo, spec: FunnelSpec, by: str) -> GroupCounts:
    """How many of each group reached each stage, for the column ``by`` (see :class:`GroupCounts`).

    Groups are ordered by size (entrants), ``""`` (deals with no value, ``empty_value`` True) last."""
    column = resolve_column(info, by)
    if info.capabilities.aggregate:
        return _counts_table(con, info, spec, column)
    return _deal_counts(con, info, spec, column)


def _skipped(con, info: DatasetInfo, spec: FunnelSpec, counts: GroupCounts, order: list[str], control: str | None,
             alpha: float) -> tuple[SkippedStep, ...]:
    """The steps of a visitor file or event log that visitors are counted at without a recorded entry (they reached a
    later step: «reached» is the furthest step, DOMAIN.md), with the comparison of the recorded entries from the
    first step: Cookie Cats' «retention_1» counts 3,599 players back on day 7 only, and its «significant» 48.90 % vs
    48.13 % is 44.82 % vs 44.23 % (p 0.074) on day 1 itself. One planned comparison per step, not corrected."""
    if info.shape != "events" or len(counts.stages) < 2 or not order:
        return ()
    ctx = resolve(con, info, spec)
    recorded: dict[str, dict[int, int]] = defaultdict(dict)
    sql = query("ab_recorded_counts", info, group=ident(counts.by), where=ctx.where.sql)
    for grp, pos, n in run(con, sql, ctx.where.params).fetchall():
        recorded[NO_VALUE if grp is None else str(grp)][int(pos)] = int(n)
    out = []
    for k in range(1, len(counts.stages)):
        pos = counts.positions[k]
        named = [g for g in order if k < len(counts.groups[g])]
        skipped = {g: counts.groups[g][k] - recorded[g].get(pos, 0) for g in named}
        if not any(n > 0 for n in skipped.values()):
            continue
        groups = {g: (counts.groups[g][0], recorded[g].get(pos, 0)) for g in named}
        result = replace(analyze_counts(groups, control, alpha), stage_from=counts.stages[0], stage_to=counts.stages[k])
        out.append(SkippedStep(counts.stages[k], skipped, result))
    return tuple(out)


# -- analysis -------------------------------------------------------------------------------------
def default_control(names: list[str]) -> str | None:
    """A group named like a control (``control``, ``A``, ``old_page``...), else the first (largest)."""
    for wanted in CONTROL_NAMES:
        for name in names:
            if name.strip().casefold() == wanted:
                return name
    return names[0] if names else None


def _revenue(counts: GroupCounts, order: list[str], control: str | None, alpha: float,
             amounts: dict[str, np.ndarray] | None = None) -> MeansResult | None:
    """Welch on (n, sum, sum of squares); with the raw values (moderate sizes) also Mann-Whitney and
    a seeded bootstrap interval, since money is skewed."""
    money = counts.money
    none = GroupMoney()
    if not money or counts.mixed_currencies or not any(money.get(g, none).won_with_amount for g in order):
        return None
    if amounts is not None:
        return analyze_amounts({g: amounts.get(g, []) for g in order}, control, alpha)
    groups = {g: (counts.groups[g][0] if counts.groups[g] else 0, money.get(g, none).sum, money.get(g, none).sumsq)
              for g in order}
    return analyze_means(groups, control, alpha)


def _amounts(con, info: DatasetInfo, spec: FunnelSpec, counts: GroupCounts,
             order: list[str]) -> dict[str, np.ndarray] | None:
    if not counts.money or counts.mixed_currencies:
        return None
    return lead_amounts(con, info, spec, counts.by, order)


def lead_amounts(con, info: DatasetInfo, spec: FunnelSpec, column: str, order: list[str],
                 limit: int = RAW_AMOUNTS_LIMIT) -> dict[str, np.ndarray] | None:
    """Revenue of every lead per group (numpy arrays), or None above ``limit`` leads in all."""
    if info.capabilities.aggregate:
        return None
    ctx = resolve(con, info, spec)
    sql = query("ab_lead_amounts", info, group=ident(column), where=ctx.where.sql, limit=f"LIMIT {int(limit) + 1}")
    res = run(con, sql, ctx.where.params).fetchnumpy()
    if len(res["grp"]) > limit:
        return None
    grp, revenue = res["grp"].astype(str), res["revenue"].astype(float)
    return {g: revenue[grp == g] for g in order}


def _pairs(stages: list[str], step: tuple[str, str] | None) -> list[tuple[int, int]]:
    if step is not None:
        return [_step_index(stages, step)]
    if len(stages) < 2:
        return []
    if len(stages) == 2:  # the whole funnel IS the one step: one comparison, one test (not two for Holm)
        return [(0, 1)]
    return [(0, len(stages) - 1)] + [(k, k + 1) for k in range(len(stages) - 1)]


def _step_input(counts: GroupCounts, order: list[str], i: int, j: int) -> dict[str, Any]:
    groups = counts.groups
    return {"from": counts.stages[i], "to": counts.stages[j],
            "groups": {g: (groups[g][i], groups[g][j]) for g in order if j < len(groups[g])}}


def analyze_dataset(con, info: DatasetInfo, spec: FunnelSpec, by: str, control: str | None = None,
                    step: tuple[str, str] | None = None, alpha: float = 0.05, expected_split: object = None,
                    sequential: bool = False) -> DatasetABResult:
    """The A/B result of the groups of ``by`` (see the module docstring for what is compared).

    Its step fields are those of :func:`funnel.stats.analyze_counts` for ``step`` (or for the whole
    funnel), plus ``steps`` (without ``step``), ``comparisons_total``, ``by``, ``stages``, ``pipeline``,
    ``revenue_per_lead``, ``no_value_n``, ``groups_left_out`` and ``notes`` (:class:`DatasetABResult`)."""
    counts = step_counts(con, info, spec, by)
    named = [g for g in counts.groups if g != NO_VALUE]
    if control is not None and str(control) not in named:
        raise FunnelError("ab.unknown_control", value=str(control), values=", ".join(named[:MAX_GROUPS]))
    kept = named[:MAX_GROUPS]
    control = str(control) if control is not None else default_control(kept)
    if control is not None and control not in kept:
        kept = [control, *kept[:MAX_GROUPS - 1]]
    order = ([control] if control else []) + [g for g in kept if g != control]
    notes = list(counts.notes)
    pairs = _pairs(list(counts.stages), (step[0], step[1]) if step else None)
    inputs = [_step_input(counts, order, i, j) for i, j in pairs]
    top: StepResult
    steps: tuple[StepResult, ...] | None
    if step is not None:
        top = replace(analyze_counts(inputs[0]["groups"], control, alpha, expected_split, sequential),
                      stage_from=inputs[0]["from"], stage_to=inputs[0]["to"])
        steps, total = None, None
    elif inputs:
        multi = analyze_steps(inputs, control, alpha, expected_split, sequential)
        top, steps, total = multi.steps[0], multi.steps[1:], multi.comparisons_total
    else:
        notes.append("ab.note.single_stage")
        top, steps, total = analyze_counts({}, control, alpha), (), 0
    if counts.empty_value:
        notes.append("ab.note.empty_value")
    if len(named) > len(kept):
        notes.append("ab.note.groups_left_out")
    if counts.mixed_currencies:
        notes.append("ab.note.mixed_currencies")
    no_value = counts.groups.get(NO_VALUE)
    return DatasetABResult(
        **shallow(top), steps=steps, comparisons_total=total, by=counts.by, stages=counts.stages,
        positions=counts.positions, pipeline=counts.pipeline,
        revenue_per_lead=_revenue(counts, order, control, alpha, _amounts(con, info, spec, counts, order)),
        no_value_n=no_value[0] if no_value else 0, groups_left_out=len(named) - len(kept), notes=tuple(notes),
        skipped=_skipped(con, info, spec, counts, order, control, alpha))
