"""Change a stored dataset after its import: its mapping, stage order and won/lost stages, its input
shape, or its data (this week's export of the same CRM, keeping the mapping and order).

Every change rebuilds the dataset's facts with the importer and replaces its tables in ONE
transaction; the catalog row keeps its id and name and its ``version`` goes up by one, so every cache
keyed on ``(id, version)`` drops the old figures.

To rebuild without the file, an import keeps the staged rows (``raw_main`` and ``raw_history`` in the
dataset's schema) when the file has at most :data:`KEEP_RAW_MAX_ROWS` rows; a bigger dataset is
changed by a refresh with its file (``import --into``).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from .errors import FunnelError
from .importer import Draft, Source, build, prepare, propose
from .importer.evidence import file_stage_order
from .mapping import HistoryMapping, Mapping
from .readers import RawTable
from .schema import TABLES
from .sql import ident, render, run
from .store import _WRITE_LOCK  # the store's lock for writes: a dataset is replaced like it is saved
from .velocity.stays import DERIVED_TABLES

OPTIONAL_TABLES = DERIVED_TABLES  # derived at import when the dataset has deals

KEEP_RAW_MAX_ROWS = 250_000
RAW_TABLES = ("raw_main", "raw_history")


def keep_raw(store, con, dataset_id: int, draft: Draft) -> bool:
    """Copy the staged rows into the dataset's schema (see the module docstring). True when kept."""
    if draft.raw.n_rows > KEEP_RAW_MAX_ROWS:
        return False
    schema = f"ds_{int(dataset_id)}"
    saved: dict[str, Any] = {"main": _raw_meta(draft.raw)}
    with _WRITE_LOCK:
        run(con, "BEGIN TRANSACTION")
        try:
            run(con, render("CREATE OR REPLACE TABLE {t} AS SELECT * FROM {s}", t=ident(schema, "raw_main"),
                            s=ident(draft.raw.table)))
            if draft.history_raw is not None:
                run(con, render("CREATE OR REPLACE TABLE {t} AS SELECT * FROM {s}",
                                t=ident(schema, "raw_history"), s=ident(draft.history_raw.table)))
                saved["history"] = _raw_meta(draft.history_raw)
                saved["history_mapping"] = dataclasses.asdict(draft.history_mapping)
                saved["history_file"] = draft.history_source.file_name
                saved["stage_rows"] = draft.stage_rows  # the history is the deals file's own rows
            _update_meta(con, dataset_id, {"raw": saved})
            run(con, "COMMIT")
        except Exception:
            run(con, "ROLLBACK")
            raise
    return True


def _raw_meta(raw: RawTable) -> dict[str, Any]:
    return {"headers": raw.headers, "n_rows": raw.n_rows, "file_name": raw.file_name, "kind": raw.kind,
            "encoding": raw.encoding, "sheet": raw.sheet, "header_row": raw.header_row}


def _update_meta(con, dataset_id: int, changes: dict[str, Any]) -> None:
    """Record where the staged rows of the file are kept (``raw``). No version bump: no figure reads
    them (only a later re-derivation does, which bumps the version itself)."""
    row = run(con, "SELECT meta FROM datasets WHERE id = $id", {"id": int(dataset_id)}).fetchone()
    meta = json.loads(row[0]) if row and row[0] else {}
    meta.update(changes)
    run(con, "UPDATE datasets SET meta = $m WHERE id = $id", {"m": json.dumps(meta, ensure_ascii=False),
                                                              "id": int(dataset_id)})


def can_rederive(row: dict[str, Any]) -> bool:
    """True when the dataset kept its staged rows (it can be changed without its file)."""
    return bool((row.get("meta") or {}).get("raw"))


def _stored_draft(con, row: dict[str, Any]) -> Draft:
    """A draft rebuilt from the rows the dataset kept, with the mapping it was built with."""
    meta = row["meta"]
    saved = meta.get("raw")
    if not saved:
        raise FunnelError("edit.no_raw", dataset=row["id"], rows=KEEP_RAW_MAX_ROWS)
    schema = f"ds_{int(row['id'])}"
    run(con, render("CREATE OR REPLACE TEMP TABLE raw_main AS SELECT * FROM {t}", t=ident(schema, "raw_main")))
    m = saved["main"]
    raw = RawTable("raw_main", list(m["headers"]), m["n_rows"], m["file_name"], m["kind"], m["encoding"], None,
                   m["sheet"], [], m["header_row"])
    draft = Draft(raw, row["shape"], None, [], row["source_hash"], Source(b"", row["source_file"] or ""),
                  detected_shape=meta.get("detected_shape", row["shape"]))
    if row["shape"] == "deals":
        draft.mapping = Mapping.from_json(meta["mapping_json"])
    if saved.get("history"):
        h = saved["history"]
        run(con, render("CREATE OR REPLACE TEMP TABLE raw_history AS SELECT * FROM {t}",
                        t=ident(schema, "raw_history")))
        draft.history_raw = RawTable("raw_history", list(h["headers"]), h["n_rows"], h["file_name"], h["kind"],
                                     h["encoding"], None, h["sheet"], [], h["header_row"])
        hm = saved["history_mapping"]
        if hm.get("field_filter"):
            hm["field_filter"] = tuple(hm["field_filter"])
        draft.history_mapping = HistoryMapping(**hm)
        draft.history_source = Source(b"", saved.get("history_file") or h["file_name"])
        if saved.get("stage_rows"):
            draft.stage_rows = (saved["stage_rows"][0], int(saved["stage_rows"][1]))
    return draft


def _editable(store, dataset_id: int) -> dict[str, Any]:
    """The catalog row of a dataset the app may rebuild: not one attached from a warehouse (its
    tables are the warehouse's; it is re-attached, not edited)."""
    row = store.row(dataset_id)
    if row["meta"].get("engine"):
        raise FunnelError("engines.read_only_dataset", dataset=row["name"])
    return row


def _user_stages(meta: dict[str, Any]):
    return meta.get("user_stage_order") or None


def rederive(store, dataset_id: int, *, mapping: Mapping | None = None, stages=None, won=None, lost=None,
             shape: str | None = None) -> dict[str, Any]:
    """Rebuild a dataset from its kept rows with a changed mapping, stage order (``stages``: one list
    for every pipeline or one per pipeline), won/lost stage names or shape; bump its version."""
    row = _editable(store, dataset_id)
    with store.connect() as con:
        draft = _stored_draft(con, row)
        if shape is not None and shape != draft.shape:
            draft.shape, draft.samples = shape, []
            propose(con, None, draft)
        elif mapping is not None:
            draft.mapping = mapping
        if draft.shape == "deals":
            _apply_won_lost(draft.mapping, won, lost)
            draft.file_order = file_stage_order(con, draft.raw, draft.mapping)
        order = stages if stages is not None else _user_stages(row["meta"])
        built = build(con, draft, stages=order)
        built["meta"]["user_stage_order"] = order
        built["meta"]["raw"] = row["meta"].get("raw")
        return _replace(store, con, row, built)


def _apply_won_lost(mapping: Mapping, won, lost) -> None:
    if won is not None:
        mapping.won_stages = list(won)
        mapping.lost_stages = [s for s in mapping.lost_stages if s not in won]
    if lost is not None:
        mapping.lost_stages = list(lost)
        mapping.won_stages = [s for s in mapping.won_stages if s not in lost]


def refresh(store, dataset_id: int, source: Source, *, history: Source | None = None,
            shape: str | None = None) -> tuple[dict[str, Any], Draft]:
    """Load a new export into an existing dataset: same mapping (matched by header names), same stage
    order and won/lost stages when the user set them; the data is replaced, the version bumped."""
    row = _editable(store, dataset_id)
    meta = row["meta"]
    with store.connect() as con:
        draft = prepare(con, None, source, history=history, shape=shape or row["shape"])
        if draft.shape == "deals" and row["shape"] == "deals" and meta.get("mapping_json"):
            draft.mapping = _carry_mapping(Mapping.from_json(meta["mapping_json"]), meta, draft)
            draft.file_order = file_stage_order(con, draft.raw, draft.mapping)
        built = build(con, draft, stages=_user_stages(meta))
        built["meta"]["user_stage_order"] = _user_stages(meta)
        info = _replace(store, con, row, built)
        kept = keep_raw(store, con, dataset_id, draft)
        if not kept:
            with store.writing() as wcon:
                _update_meta(wcon, dataset_id, {"raw": None})
    return info, draft


def _carry_mapping(old: Mapping, meta: dict[str, Any], draft: Draft) -> Mapping:
    """The stored mapping moved onto the new file's columns by header name; a field whose column is
    gone falls back to the new file's own proposal."""
    old_headers = (meta.get("raw") or {}).get("main", {}).get("headers")
    fields_by_name = meta.get("mapping", {}).get("fields", {})
    new = draft.raw.headers
    if old_headers == new:
        return old
    position = {h: i for i, h in reversed(list(enumerate(new)))}
    out = dataclasses.replace(draft.mapping)
    for field_name, header in fields_by_name.items():
        if header in position:
            out.fields[field_name] = position[header]
    out.won_stages, out.lost_stages = list(old.won_stages), list(old.lost_stages)
    if old.stage_order:
        out.stage_order = list(old.stage_order)
    return out


def _replace(store, con, row: dict[str, Any], built: dict[str, Any]) -> dict[str, Any]:
    """Swap the dataset's tables for the freshly built ones and bump its version, atomically."""
    dataset_id = int(row["id"])
    schema = f"ds_{dataset_id}"
    meta = {**built["meta"]}
    with _WRITE_LOCK:
        run(con, "BEGIN TRANSACTION")
        try:
            # the canonical tables plus the optional derived ones (stays, stage durations): a stale stays table
            # would survive an edit and the velocity pages would read the old deals' stays
            for table in (*TABLES, *OPTIONAL_TABLES):
                run(con, render("DROP TABLE IF EXISTS {t}", t=ident(schema, table)))
                if table in built["tables"]:
                    run(con, render("CREATE TABLE {t} AS SELECT * FROM {s}", t=ident(schema, table),
                                    s=ident(built["tables"][table])))
            run(con, """UPDATE datasets SET source_file = $source_file, source_hash = $source_hash,
                        history_file = $history_file, imported_at = $imported_at, shape = $shape,
                        rows_read = $rows_read, rows_rejected = $rows_rejected, n_deals = $n_deals,
                        n_events = $n_events, version = version + 1, meta = $meta WHERE id = $id""",
                {"source_file": built["source_file"] or row["source_file"], "source_hash": built["source_hash"],
                 "history_file": built.get("history_file"), "imported_at": datetime.now(), "shape": built["shape"],
                 "rows_read": built["rows_read"], "rows_rejected": built["rows_rejected"],
                 "n_deals": built["n_deals"], "n_events": built["n_events"],
                 "meta": json.dumps(meta, ensure_ascii=False, default=str), "id": dataset_id})
            run(con, "COMMIT")
        except Exception:
            run(con, "ROLLBACK")
            raise
    return store.row(dataset_id)


def path_source(path: Path) -> Source:
    if not path.exists():
        raise FunnelError("file.not_found", file=str(path))
    return Source(path, path.name)


def stage_kinds(store, info) -> list[tuple[str, str]]:
    """(stage, kind) of every stage of a stored dataset, for the won/lost pickers."""
    with store.connect() as con:
        return [tuple(r) for r in run(con, render("SELECT DISTINCT stage, kind FROM {t} ORDER BY kind, stage",
                                                  t=info.tables["stages"])).fetchall()]


def order_state(info) -> str | None:
    """'outcomes_only' (no stages), 'guessed' (the stage order is a guess) or None: what the pages say."""
    meta = info.meta or {}
    if meta.get("outcomes_only"):
        return "outcomes_only"
    return "guessed" if meta.get("order_guessed") else None


def edit_view(store, info) -> dict[str, Any]:
    """What the "change this dataset" panel shows, so that the UI reads no importer meta itself."""
    row = store.row(info.id)
    meta = row["meta"]
    deals = row["shape"] == "deals"
    return {"shape": row["shape"], "deals": deals, "order_guessed": bool(meta.get("order_guessed")),
            "outcomes_only": bool(meta.get("outcomes_only")), "can_rederive": can_rederive(row),
            "mapping": Mapping.from_json(meta["mapping_json"]) if deals and meta.get("mapping_json") else None,
            "headers": ((meta.get("raw") or {}).get("main") or {}).get("headers", []),
            "stage_order": meta.get("stage_order") or {}}
