"""A dataset that stays in a warehouse: attach canonical tables, derive the funnel facts there.

``attach(store, backend, url, tables, name)`` reads nothing out of the warehouse but a few counts:

1. the user's tables (``deals``, ``stages``, optionally ``events`` = the stage history) are in the
   canonical layout (README, "Other engines"; what ``python -m funnel export`` writes): deals with
   ``deal_id``, ``status`` (open / won / lost), ``stage``, ``pipeline``, dates, ``amount``, ... and
   any ``x_`` attribute columns; stages ``pipeline, stage, position, kind``; events ``deal_id,
   stage, entered_at``. A missing optional column is NULL; they are only read;
2. the derived tables (``deals`` with ``furthest_pos``, ``cycle_days``, ...; ``events``;
   ``stays`` and ``stage_durations``; empty ``counts`` and ``quality``) are created ON THE BACKEND,
   in the database ``funnel_ds_<id>`` (:func:`~funnel.backends.base.derived_schema`), by the same
   SQL files every engine runs (``derive_events.sql``, ``derive_deals.sql``, ``velocity_stays.sql``,
   ``velocity_stage_durations.sql``);
3. the store's catalog gets a row whose ``meta['engine']`` says where the tables are; the app
   then shows the dataset like any other, read-only (no edit, no re-import).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from ..capabilities import derive as derive_capabilities
from ..dataset import DatasetInfo
from ..errors import FunnelError
from ..schema import TABLES
from ..sql import ident, load, render, run
from ..velocity.stays import STAYS_VERSION, stays_query
from . import connect
from .base import Backend, derived_schema

SOURCES = ("deals", "stages", "events")
# canonical columns of an attached deals table and their SQL type (a missing one reads as NULL)
DEAL_COLUMNS = {
    "deal_id": "VARCHAR", "deal_name": "VARCHAR", "created_at": "TIMESTAMP", "closed_at": "TIMESTAMP",
    "stage": "VARCHAR", "status": "VARCHAR", "amount": "DOUBLE", "currency": "VARCHAR", "manager": "VARCHAR",
    "source": "VARCHAR", "variant": "VARCHAR", "pipeline": "VARCHAR", "lost_reason": "VARCHAR",
}
REQUIRED = {"deals": ("deal_id", "status"), "stages": ("pipeline", "stage", "position", "kind"),
            "events": ("deal_id", "stage", "entered_at")}
STAGE_COLUMNS = {"pipeline": "VARCHAR", "stage": "VARCHAR", "position": "INTEGER", "kind": "VARCHAR"}
EVENT_COLUMNS = {"deal_id": "VARCHAR", "stage": "VARCHAR", "entered_at": "TIMESTAMP"}
EMPTY = {  # the tables a warehouse dataset has no source for: typed, no rows
    "counts": {"pipeline": "VARCHAR", "stage": "VARCHAR", "position": "INTEGER", "grp": "VARCHAR", "n": "BIGINT"},
    "quality": {"code": "VARCHAR", "severity": "VARCHAR", "row_no": "INTEGER", "column_name": "VARCHAR",
                "value": "VARCHAR", "detail": "VARCHAR", "n": "BIGINT"},
}


def parse_tables(text: str) -> dict[str, tuple[str, ...]]:
    """``deals=db.deals,stages=db.stages[,events=db.history]`` -> ``{"deals": ("db", "deals"), ...}``."""
    out: dict[str, tuple[str, ...]] = {}
    for item in (p.strip() for p in text.split(",") if p.strip()):
        role, sep, name = item.partition("=")
        role = role.strip()
        if not sep or role not in SOURCES or not name.strip():
            raise FunnelError("engines.bad_tables", value=item, roles=", ".join(SOURCES))
        out[role] = tuple(part.strip() for part in name.split("."))
    for role in ("deals", "stages"):
        if role not in out:
            raise FunnelError("engines.missing_table", table=role)
    return out


def _columns(backend: Backend, table: str) -> list[str]:
    return list(backend.fetch_arrow(render("SELECT * FROM {t} LIMIT 0", t=table)).column_names)


def _normalized(backend: Backend, role: str, source: tuple[str, ...], wanted: dict[str, str],
                extras: tuple[str, ...] = ()) -> str:
    """The source table as a subquery with the canonical columns, typed (missing ones NULL)."""
    table = ident(*source)
    have = set(_columns(backend, table))
    missing = [c for c in REQUIRED[role] if c not in have]
    if missing:
        raise FunnelError("engines.missing_column", table=".".join(source), column=", ".join(missing))
    cols = [f"CAST({ident(c) if c in have else 'NULL'} AS {typ}) AS {ident(c)}" for c, typ in wanted.items()]
    cols += [f"CAST({ident(c)} AS VARCHAR) AS {ident(c)}" for c in extras]
    if role == "deals" and "row_no" in have:
        cols.append(f"CAST({ident('row_no')} AS INTEGER) AS {ident('row_no')}")
    return f"(SELECT {', '.join(cols)} FROM {table})"


def _empty(columns: dict[str, str]) -> str:
    cols = ", ".join(f"CAST(NULL AS {typ}) AS {ident(c)}" for c, typ in columns.items())
    return f"SELECT {cols} WHERE 1 = 0"


def derive_tables(backend: Backend, schema: str, sources: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    """Create the dataset's canonical tables in ``schema`` on ``backend``; returns the meta facts."""
    deal_cols = _columns(backend, ident(*sources["deals"]))
    extras = tuple(c for c in deal_cols if c.startswith("x_"))
    deals_src = _normalized(backend, "deals", sources["deals"], DEAL_COLUMNS, extras)
    bad = run(backend, f"SELECT DISTINCT status FROM {deals_src} AS d "
                       "WHERE status IS NULL OR status NOT IN ('open', 'won', 'lost') LIMIT 1").fetchone()
    if bad:
        raise FunnelError("engines.bad_status", table=".".join(sources["deals"]), value=str(bad[0]))
    stages_src = _normalized(backend, "stages", sources["stages"], STAGE_COLUMNS)
    events_src = (_normalized(backend, "events", sources["events"], EVENT_COLUMNS) if "events" in sources
                  else f"({_empty(EVENT_COLUMNS)})")
    out = {t: ident(schema, t) for t in (*TABLES, "stays")}
    backend.create_table_as(schema, "stages", f"SELECT * FROM {stages_src} AS s")
    backend.create_table_as(schema, "events", render(load("derive_events"), source_events=events_src,
                                                     source_deals=deals_src, stages=out["stages"]))
    row_no = ident("v", "row_no") if "row_no" in deal_cols else f"row_number() OVER (ORDER BY v.{ident('deal_id')})"
    backend.create_table_as(schema, "deals", render(
        load("derive_deals"), source_deals=deals_src, events=out["events"], stages=out["stages"],
        row_no=f"CAST({row_no} AS INTEGER)", extras="".join(", v." + ident(c) for c in extras)))
    backend.create_table_as(schema, "stays", stays_query(out))
    backend.create_table_as(schema, "stage_durations", render(load("velocity_stage_durations"), stays=out["stays"]))
    for table, columns in EMPTY.items():
        backend.create_table_as(schema, table, _empty(columns))
    stage_rows = run(backend, render("SELECT pipeline, stage, position, kind FROM {s} "
                                     "ORDER BY pipeline, position NULLS LAST, stage", s=out["stages"])).fetchall()
    pipelines = list(dict.fromkeys(r[0] for r in stage_rows))
    n_deals = run(backend, render("SELECT count(*) FROM {t}", t=out["deals"])).fetchall()[0][0]
    n_events = run(backend, render("SELECT count(*) FROM {t}", t=out["events"])).fetchall()[0][0]
    return {
        "pipelines": pipelines,
        "stage_order": {p: [s for pl, s, pos, _k in stage_rows if pl == p and pos is not None] for p in pipelines},
        "lost_stages": {p: [s for pl, s, _pos, k in stage_rows if pl == p and k == "lost"] for p in pipelines},
        "extra_columns": {c: c[2:] for c in extras},
        "stays_table": STAYS_VERSION,  # built by the same velocity_stays.sql as an import's
        "n_deals": int(n_deals),
        "n_events": int(n_events),
    }


def attach(store, backend_name: str, url: str | None, tables: dict[str, tuple[str, ...]], name: str) -> DatasetInfo:
    """Register warehouse tables as a read-only dataset of ``store`` (see the module docstring)."""
    store.check_writable()
    backend = connect(backend_name, url)
    with store.writing() as con:
        dataset_id = int(run(con, "SELECT nextval('dataset_ids')").fetchall()[0][0])
    schema = derived_schema(dataset_id)
    try:
        facts = derive_tables(backend, schema, tables)
    except Exception:
        backend.drop_schema(schema)
        raise
    n_deals, n_events = facts.pop("n_deals"), facts.pop("n_events")
    source = {role: ".".join(parts) for role, parts in tables.items()}
    meta: dict[str, Any] = {**facts, "read_only": True,
                            "engine": {"backend": backend_name, "url": url, "schema": schema, "source": source},
                            "mapping": {"history": source.get("events")} if n_events else {}}
    meta["capabilities"] = derive_capabilities(backend, {t: ident(schema, t) for t in TABLES}, "deals", meta).to_json()
    with store.writing() as con:
        run(con, """INSERT INTO datasets VALUES ($id, $name, $source_file, NULL, $history_file, $at, 'deals',
                    $n_deals, 0, $n_deals, $n_events, 1, $meta)""",
            {"id": dataset_id, "name": name, "source_file": f"{backend_name}: {source['deals']}",
             "history_file": source.get("events"), "at": datetime.now(), "n_deals": n_deals,
             "n_events": n_events, "meta": json.dumps(meta, ensure_ascii=False)})
    store.checkpoint()
    return store.info(dataset_id)
