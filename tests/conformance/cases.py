"""Every function that reaches SQL, as a conformance case: ``name -> fn(con, info)``.

Each runs on the reference (the DuckDB store) and on every engine of engines.py over the same
data; the results must be the same (see compare.py). ``test_every_query`` fails when a query of
``funnel/queries`` is run by none of these: a new query joins by adding its function here.
"""

from __future__ import annotations

from datetime import date, datetime

from funnel import ab_dataset, metrics
from funnel.audit.data import AuditOptions
from funnel.audit.diagnose import diagnose
from funnel.audit.managers import manager_report
from funnel.audit.spend import known_sources, spend_report
from funnel.backends import Backend, derived_schema
from funnel.backends.attach import derive_tables
from funnel.backends.duckdb import DuckDBBackend
from funnel.dataset import DatasetInfo
from funnel.metrics.context import resolve
from funnel.metrics.entry_points import group_values
from funnel.metrics.probability import stage_probability
from funnel.metrics.report import metrics_json
from funnel.quality_report import report as quality_report
from funnel.spec import FunnelSpec
from funnel.velocity import backtest, cycle, forecast, pipeline, sales_velocity, snapshots, time_in_stage
from funnel.velocity.common import can_answer, latest_timestamp

SPEC = FunnelSpec()
# a period every sample covers: a filtered audit recounts the history's moves among the deals shown
# (audit_history_move_counts) where the import found any (the B2B sample's 3 backward moves, 5 skipped stages)
PERIOD = FunnelSpec(date_from=date(2025, 1, 1), date_to=date(2026, 12, 31))


def _period_quality(data):
    """The audit's quality counts and the deals behind the moves, in a stable order (the store's rows come unordered)."""
    return {"quality": sorted(data.quality.items()), "deals": sorted(data.quality_deals.items())}


def _as_of(con, info):
    return latest_timestamp(con, info)


def _groups(con, info):
    return {by: metrics.outcomes_by_group(con, info, SPEC, by) for by in ("manager", "source", "variant")}


def _group_values(con, info):
    ctx = resolve(con, info, SPEC)
    return {by: sorted(group_values(con, ctx, by), key=lambda v: (v is None, v or ""))
            for by in ("manager", "source")}


def _drill(con, info):
    out = {}
    for sel in (metrics.Selection("all"), metrics.Selection("reached", position=2), metrics.Selection("won"),
                metrics.Selection("lost_here", position=1), metrics.Selection("open"),
                metrics.Selection("backward_move"), metrics.Selection("skipped_stage")):
        res = metrics.deals_behind(con, info, SPEC, sel)
        out[sel.kind] = (res.frame, res.total)
        out[sel.kind + "_sorted"] = metrics.deals_behind(con, info, SPEC, sel, "amount", True).frame
    return out


def _drill50(con, info):
    """The Pipeline and Diagnostics counts opened in session 50: «left the stage», rows of the waterfall's stage
    movements, and the bars of a snapshot comparison (a dataset against itself, as ``_snapshot_compare``)."""
    sels = [metrics.Selection("left_stage", position=p) for p in (1, 2, 3)]
    wf = _waterfall(con, info)
    if wf is not None and wf.date_from is not None:
        for src, to in sorted(wf.movements, key=lambda k: (k[0] is None, k[0] or 0, k[1]))[:6]:
            sels.append(metrics.Selection("moved", position=src, value=to, since=wf.date_from, until=wf.date_to))
    if not info.capabilities.aggregate:
        at = _as_of(con, info)
        sels += [metrics.Selection("snapshot_bar", value=bar, previous=info.id, since=at)
                 for bar in ("start", "new", "won", "lost", "end", "forward", "back")]
    out = {}
    for sel in sels:
        res = metrics.deals_behind(con, info, SPEC, sel)
        out[repr(sel)] = (res.frame, res.total)
    return out


def _ab(con, info):
    out = {}
    for by in ("variant", "source"):
        counts = ab_dataset.step_counts(con, info, SPEC, by)
        out[by] = counts
        if counts.groups:
            order = sorted(counts.groups)
            out[by + "_amounts"] = ab_dataset.lead_amounts(con, info, SPEC, by, order)
            out[by + "_analysis"] = ab_dataset.analyze_dataset(con, info, SPEC, by)
    return out


def _spend(con, info):
    ctx = resolve(con, info, SPEC)
    sources = sorted(s for s in known_sources(con, ctx, every_pipeline=True))  # a source of any pipeline
    rows = [(datetime(2024, 1, 1).date(), s, 100.0 * (i + 1)) for i, s in enumerate(sources)]
    return spend_report(con, ctx, rows)


def _velocity(con, info):
    as_of = _as_of(con, info)
    return {
        "cycle": cycle.cycle(con, info, SPEC, as_of),
        "time_in_stage": time_in_stage.time_in_stage(con, info, SPEC, as_of),
        "sales_velocity": sales_velocity.sales_velocity(con, info, SPEC, as_of),
        "snapshot": pipeline.snapshot(con, info, SPEC, as_of),
        "weekly": pipeline.weekly(con, info, SPEC, as_of),
    }


def _waterfall(con, info):
    as_of = _as_of(con, info)
    if as_of is None:
        return None
    start = datetime(as_of.year - (as_of.month <= 3), (as_of.month - 4) % 12 + 1, 1)
    return pipeline.waterfall(con, info, SPEC, start, as_of)


def _forecast(con, info):
    as_of = _as_of(con, info)
    return {"forecast": forecast.forecast(con, info, SPEC, as_of, runs=200),
            "backtest": backtest.backtest(con, info, SPEC, as_of, months=2)}


def _capabilities(con, info):
    """As stored at import, and asked of the data (a dataset stored without them)."""
    asked = DatasetInfo(info.id, info.name, info.version, info.shape,
                        {k: v for k, v in info.meta.items() if k != "capabilities"})
    return {(q, how.name): can_answer(con, how, q) for q in ("dates", "history") for how in (info, asked)}


def _snapshot_compare(con, info):
    if info.capabilities.aggregate:  # snapshots are of deal datasets (the page offers no other)
        return None
    return snapshots.waterfall(con, info, info, SPEC)  # the query itself; compare() refuses a self-comparison


def _attached(con, info):
    """The dataset as a warehouse holds it: on an engine, its canonical columns are attached
    (funnel/backends/attach.py derives furthest_pos, cycle_days, events, stays there, from the
    copy in ``ds_<id>``); the reference is the import's own result. Same numbers expected."""
    if info.shape != "deals":
        return None
    sources = {t: (info.schema, t) for t in ("deals", "stages", "events")}
    schema = derived_schema(info.id)
    if isinstance(con, Backend):
        facts = derive_tables(con, schema, sources)
        meta = {**info.meta, "engine": {"backend": con.name, "url": None, "schema": schema}}
        info = DatasetInfo(info.id, info.name, info.version, info.shape, meta)
    else:  # the reference derives on DuckDB too (its facts must match), then reads the import
        facts = derive_tables(DuckDBBackend(con), schema, sources)
    facts = {k: facts[k] for k in ("pipelines", "n_deals", "n_events", "extra_columns")}
    return {"facts": facts, "overview": metrics.overview(con, info, SPEC), "groups": _groups(con, info),
            "ab": _ab(con, info), "velocity": _velocity(con, info), "drill": _drill(con, info)}


CASES = {
    "pipeline_of": lambda con, info: metrics.pipeline_of(con, info, SPEC),
    "overview": lambda con, info: metrics.overview(con, info, SPEC),
    "outcomes": lambda con, info: metrics.outcomes(con, info, SPEC),
    "outcomes_by_group": _groups,
    "group_values": _group_values,
    "cohorts": lambda con, info: {u: metrics.cohorts(con, info, SPEC, u) for u in ("week", "month")},
    "drop_offs": lambda con, info: metrics.drop_offs(con, info, SPEC),
    "metrics_json": lambda con, info: metrics_json(con, info, SPEC, "source"),
    "drill": _drill,
    "drill50": _drill50,
    "ab": _ab,
    "diagnose": lambda con, info: diagnose(con, info, SPEC, AuditOptions()).findings,
    "diagnose_period": lambda con, info: _period_quality(diagnose(con, info, PERIOD, AuditOptions()).data),
    "managers": lambda con, info: manager_report(con, info, SPEC),
    "spend": _spend,
    "quality": lambda con, info: quality_report(con, info),
    "stage_probability": lambda con, info: stage_probability(con, info, SPEC),
    "capabilities": _capabilities,
    "velocity": _velocity,
    "waterfall": _waterfall,
    "snapshot_compare": _snapshot_compare,
    "forecast": _forecast,
    "attached": _attached,
}
