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

from .capabilities import derive as derive_capabilities
from .dataset import guessed_for
from .errors import FunnelError
from .importer import (
    SAMPLE_ROWS,
    Draft,
    Source,
    build,
    current_stage_counts,
    guessed_pipelines,
    prepare,
    propose,
)
from .importer.eventlog import flag_step_names
from .importer.evidence import file_stage_order
from .importer.order_check import checked_order, column_values, draft_stages
from .importer.quality_findings import Findings
from .importer.stage_counts import regrouped
from .importer.stage_list import keep_stage_names
from .importer.stage_order import explicit_for
from .mapping import HistoryMapping, Mapping
from .mapping.pairs import with_pairs
from .mapping.roles import step_candidates
from .mapping.shapes import CountsMapping, EventMapping, with_shape_pairs
from .mapping.stage_names import align_order
from .mapping.status import status_key
from .readers import RawTable
from .refresh_awaited import AWAITED, after_edit, still_awaited, with_awaited
from .refresh_roles import carry_roles, mapping_steps, note_new_steps, stored_steps
from .schema import TABLES
from .sql import ident, render, run
from .stage_text import stage_key
from .step_place import yes_counts
from .store import _WRITE_LOCK  # the store's lock for writes: a dataset is replaced like it is saved
from .timezones import check_zone
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
    else:
        draft.mapping = _shape_mapping(meta.get("shape_mapping"), row["shape"])
        if draft.mapping is None:  # kept before the columns were: proposed again from the kept rows
            propose(con, None, draft)
    draft.timezone = meta.get("timezone")  # the kept rows are the file's text: instants as written
    draft.date_order_found = meta.get("date_order_found")
    draft.currency_kept = meta.get("currency_found")
    draft.file_rows = row["rows_read"]  # what the file held (the kept rows can be a report's deals, a matrix unfolded)
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


def _shape_mapping(saved: dict[str, Any] | None, shape: str) -> EventMapping | CountsMapping | None:
    """An event log's or a counts table's mapping as the import kept it (JSON: its numbered keys as text,
    its pairs as lists); None when not kept. Before, an edit of such a dataset had no mapping: a traceback."""
    if not saved:
        return None
    if shape == "events":
        return EventMapping(**{**saved, "extras": {int(k): v for k, v in (saved.get("extras") or {}).items()}})
    return CountsMapping(**{**saved, "left_out": [tuple(p) for p in saved.get("left_out") or []]})


def _steps_of(mapping) -> list[int]:
    """The step columns of an event log's or counts table's mapping, in order (its step or stage column alone)."""
    listed = list(getattr(mapping, "flags", None) or getattr(mapping, "wide_stages", None) or [])
    return listed or [getattr(mapping, "step", None) if isinstance(mapping, EventMapping) else mapping.stage]


def role_choice(store, dataset_id: int) -> dict[str, Any] | None:
    """What the «Change this dataset» panel's role pickers read for an event log or a counts table that kept its
    rows (a visitor file's variant and yes/no steps, a wide counts table's group and step columns): its shape, its
    columns' titles, the mapping it was built with and the first kept rows (the check of a step column the proposal
    did not read as one, as at import). None for a deal list or a dataset without its rows."""
    row = store.row(dataset_id)
    meta = row["meta"]
    if row["shape"] not in ("events", "counts") or not can_rederive(row) or meta.get("counts_read_as") == "current":
        return None
    headers = list(meta["raw"]["main"]["headers"])
    mapping = _shape_mapping(meta.get("shape_mapping"), row["shape"])
    with store.connect() as con:
        if mapping is None:  # kept before the columns were: proposed again from the kept rows, as an edit does
            mapping = _stored_draft(con, row).mapping
        # the first kept rows, as the import's proposal read the file's (importer._samples)
        samples = [list(r) for r in run(con, render("SELECT * EXCLUDE (row_no) FROM {t} ORDER BY row_no LIMIT {k}",
                                                    t=ident(f"ds_{int(dataset_id)}", "raw_main"),
                                                    k=str(SAMPLE_ROWS))).fetchall()]
    if mapping is None:
        return None
    return {"shape": row["shape"], "headers": headers, "mapping": mapping, "samples": samples}


def steps_order(mapping, headers: list[str]) -> list[str] | None:
    """The stage order a visitor file's yes/no steps or a wide counts table's step columns give (the order the
    rebuilt dataset will have unless the user sets another); None for a long table (its order is its data's)."""
    if getattr(mapping, "flags", None):
        return flag_step_names([headers[i] for i in mapping.flags])
    if getattr(mapping, "wide_stages", None):
        return [headers[i] for i in mapping.wide_stages]
    return None


def mapping_with_roles(store, dataset_id: int, pairs: list[str]) -> EventMapping | CountsMapping:
    """The CLI's ``edit --map ROLE=HEADER`` / ``--map steps=A,B`` on an event log or a counts table: its stored
    mapping with the roles given, read by the import's own code (mapping/roles.py) against the kept rows. A choice
    it cannot read is refused naming the column; a required role left empty, naming the roles to give."""
    choice = role_choice(store, dataset_id)
    if choice is None:
        raise FunnelError("edit.no_mapping", dataset=dataset_id)
    mapping = with_shape_pairs(choice["mapping"], choice["headers"], pairs, choice["shape"], choice["samples"])
    if mapping is None:
        row = store.row(dataset_id)
        code = "import.events_unmapped" if choice["shape"] == "events" else "import.counts_unmapped"
        raise FunnelError(code, file=row["source_file"] or row["name"], headers=", ".join(choice["headers"][:10]))
    return mapping


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
             shape: str | None = None, timezone: str | None = None,
             status_values: dict[str, str] | None = None, named: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Rebuild a dataset from its kept rows with a changed mapping, stage order (``stages``: one list
    for every pipeline or one per pipeline), won/lost stage names (one list for every pipeline, or
    ``{pipeline: [stage, ...]}``: each pipeline's own, a stage of another pipeline refused), shape, time zone (``timezone``: an
    IANA name, ``""`` for the values as written, None to keep the dataset's) or what the status column's
    values mean (``status_values``: value -> won / lost / open, a CRM's codes such as Flowlu's 1 / 2 / 3);
    bump its version. ``named``: the fields (roles, ``steps``) the user named (``edit --map``): a choice an earlier
    refresh could not read is forgotten for them even when they name the column read now (refresh_awaited.py)."""
    row = _editable(store, dataset_id)
    zone = check_zone(timezone) if timezone is not None else row["meta"].get("timezone")  # before any work
    unmapped = list(row["meta"].get(USER_UNMAPPED) or [])
    forget_order = False
    with store.connect() as con:
        draft = _stored_draft(con, row)
        draft.timezone = zone
        reread = _counts_reread(con, row, draft, shape)  # a report's other reading: its kept rows change too
        if reread or shape == "stage_counts":  # (a reading of a report only; it proposes its own columns)
            mapping = None
        if not reread and shape not in (None, "stage_counts", draft.shape):
            draft.shape, draft.samples = shape, []
            propose(con, None, draft)
        elif mapping is not None and draft.shape != "deals":  # the roles of an event log's or counts table's columns
            if _steps_of(mapping) != _steps_of(draft.mapping):
                forget_order = True  # the steps given are the order: a stored order of the steps before is not
            draft.mapping = mapping
        elif mapping is not None:
            before = set(draft.mapping.fields)
            draft.mapping = mapping
            unmapped = _unmapped_after(list(row["meta"].get(USER_UNMAPPED) or []), before, set(mapping.fields))
        if draft.shape == "deals":
            if isinstance(won, dict) or isinstance(lost, dict):  # one pair of picks per pipeline
                _apply_pipeline_picks(store, row, draft.mapping, won, lost)
            else:
                won, lost = (None if names is None else _stage_names(con, row["id"], draft, names) for names in (won, lost))
                _apply_won_lost(draft.mapping, won, lost)
            if status_values:
                _apply_status_values(con, row["id"], draft, status_values)
            draft.file_order = file_stage_order(con, draft.raw, draft.mapping)
        if stages is not None:  # the user's new order: a stage the data does not have is refused
            stages = checked_order(stages, [*draft_stages(con, draft), *_stored_stages(con, row["id"])])
        order = stages if stages is not None else None if forget_order else _user_stages(row["meta"])
        refreshed = _refresh_kept(row, draft, stages)
        if refreshed is None:
            built = build(con, draft, stages=order)
        else:
            built = _build_refreshed_order(con, draft, row["meta"], order)
            _add_findings(con, built, refreshed)
        built["meta"]["user_stage_order"] = order
        if refreshed is not None:
            built["meta"]["refreshed"] = row["meta"]["refreshed"]
        built["meta"]["raw"] = row["meta"].get("raw")
        if row["meta"].get("stage_names"):  # the kept rows are already named: a later refresh names its own
            built["meta"]["stage_names"] = row["meta"]["stage_names"]
        built["meta"][USER_UNMAPPED] = unmapped
        built["meta"][AWAITED] = after_edit(row["meta"].get(AWAITED), row["meta"].get("mapping") or {},
                                            built["meta"].get("mapping") or {}, draft.shape, named) \
            if draft.shape == row["shape"] else {}
        info = _replace(store, con, row, built)
        if reread:
            keep_raw(store, con, dataset_id, draft)
        return info


def _counts_reread(con, row: dict[str, Any], draft: Draft, shape: str | None) -> bool:
    """A table of counts per stage read the other way (README «Shape»): kept as a funnel of reached counts and
    now read as the deals at each stage (``stage_counts``: the kept rows expanded into those deals), or kept as
    those deals and now read as reached counts (``counts``: the deals grouped back into the report's rows). The
    edit panel showed such a dataset as a «deal list» and refused the switch, quoting the CLI (survey 29)."""
    current = row["meta"].get("counts_read_as") == "current"
    if shape == "stage_counts" and not current and row["shape"] == "counts":
        current_stage_counts(con, None, draft, None, told=True)
        return True
    if shape == "counts" and current:
        draft.raw, draft.samples, draft.mapping = regrouped(con, draft.raw), [], None
        draft.shape = draft.detected_shape = "counts"
        propose(con, None, draft)
        draft.counts_read_as = ("reached", False)  # the user's answer
        return True
    return False


def _refresh_kept(row: dict[str, Any], draft: Draft, stages) -> Findings | None:
    """The findings of the dataset's last refresh, when an edit keeps the order that refresh built:
    no new order given, the same shape and the same stage column. A refresh keeps stages the new file
    has no deal at and places new ones among the stored (``_build_keeping_order``); the file alone
    cannot give that order again, so an edit of the won/lost stages or of another column keeps it, and
    what the refresh said (new, empty stages, a placement to check, a column gone) stays said."""
    meta = row["meta"]
    kept = meta.get("refreshed") or {}
    if stages is not None or draft.shape != "deals" or row["shape"] != "deals" or "findings" not in kept:
        return None
    before = Mapping.from_json(meta["mapping_json"]).fields.get("stage") if meta.get("mapping_json") else None
    if before is None or draft.mapping.fields.get("stage") != before:
        return None
    return Findings(rows=[tuple(r) for r in kept["findings"]])


def _build_refreshed_order(con, draft: Draft, meta: dict[str, Any], user_order):
    """Build with the stored order of a refreshed dataset: as the user's when they gave one (the
    refresh placed new stages among theirs), else as the file's own order, as the refresh built it."""
    stored = meta.get("stage_order") or {}
    if user_order:
        return build(con, draft, stages=stored)
    if meta.get("order_source") != "refresh":
        return build(con, draft)
    saved, draft.file_order = draft.file_order, stored
    try:
        built = build(con, draft)
    finally:
        draft.file_order = saved
    built["meta"]["order_source"] = "refresh"
    return built


def _stored_stages(con, dataset_id: int) -> list[str]:
    """The stages of a stored dataset's order (empty ones a refresh kept too), in the funnel's order."""
    rows = run(con, render("SELECT stage FROM {t} WHERE stage IS NOT NULL ORDER BY pipeline, position NULLS LAST, stage",
                           t=ident(f"ds_{int(dataset_id)}", "stages"))).fetchall()
    return list(dict.fromkeys(r[0] for r in rows))


def _stage_names(con, dataset_id: int, draft: Draft, names: list[str]) -> list[str]:
    """Won or lost stages the user named (the CLI's ``edit --won/--lost``) as the file writes them: each a stage
    of the dataset, as stored or as the file wrote it, case and spaces aside. Else refused: a typo was taken
    silently and changed nothing."""
    if not names:
        return []
    stored = _stored_stages(con, dataset_id)
    known = {stage_key(s): s for s in [*stored, *draft_stages(con, draft)]}  # the file's spelling last: it wins
    out = []
    for name in names:
        if stage_key(name) not in known:
            raise FunnelError("edit.unknown_stage", dataset=dataset_id, stage=name,
                              stages=", ".join(f"«{s}»" for s in stored[:12]) + (", …" if len(stored) > 12 else ""))
        out.append(known[stage_key(name)])
    return out


STATUS_KINDS = ("won", "lost", "open")


def _apply_status_values(con, dataset_id: int, draft: Draft, given: dict[str, str]) -> None:
    """What the status column's values mean, as the user says (``edit --status-values "3=won,2=lost,1=open"``):
    codes no vocabulary can know. Refused, naming what is wrong, when no status column is mapped, a kind is not
    won / lost / open or a value is not in the column (a typo changed nothing before)."""
    column = draft.mapping.fields.get("status")
    if column is None:
        raise FunnelError("edit.no_status_column", dataset=dataset_id)
    values = column_values(con, draft.raw.table, column)
    present = {status_key(v) for v in values}
    codes = dict(draft.mapping.status_values)
    for value, kind in given.items():
        if kind not in STATUS_KINDS:
            raise FunnelError("edit.bad_status_kind", value=value, kind=kind)
        if status_key(value) not in present:
            raise FunnelError("edit.unknown_status_value", dataset=dataset_id, value=value,
                              values=", ".join(f"«{v}»" for v in values[:12]) + (", …" if len(values) > 12 else ""))
        codes[status_key(value)] = kind
    draft.mapping.status_values = codes


def _apply_pipeline_picks(store, row: dict[str, Any], mapping: Mapping, won, lost) -> None:
    """Won / lost stages given per pipeline (``{pipeline: [stage, ...]}``): each pipeline's own, checked against its
    stages (a stage of another pipeline is refused: ``pipeline_kinds.checked_picks``), a stage picked won leaves that
    pipeline's lost ones."""
    from .pipeline_kinds import checked_picks, stored_kinds

    kinds = stored_kinds(store, store.info(row["id"]))
    won = checked_picks(won, kinds, row["id"]) if isinstance(won, dict) else {}
    lost = checked_picks(lost, kinds, row["id"]) if isinstance(lost, dict) else {}
    for pipeline, names in won.items():
        mapping.won_by_pipeline[pipeline] = list(names)
        mapping.lost_by_pipeline[pipeline] = [s for s in lost.get(pipeline, mapping.lost_in(pipeline)) if s not in names]
    for pipeline, names in lost.items():
        mapping.lost_by_pipeline[pipeline] = list(names)
        mapping.won_by_pipeline[pipeline] = [s for s in mapping.won_in(pipeline) if s not in names]


def _apply_won_lost(mapping: Mapping, won, lost) -> None:
    """Won / lost stage names for every pipeline: the picks made per pipeline before give way to them."""
    if won is not None:
        mapping.won_by_pipeline.clear()
        mapping.won_stages = list(won)
        mapping.lost_stages = [s for s in mapping.lost_stages if s not in won]
    if lost is not None:
        mapping.lost_by_pipeline.clear()
        mapping.lost_stages = list(lost)
        mapping.won_stages = [s for s in mapping.won_stages if s not in lost]


def refresh(store, dataset_id: int, source: Source, *, history: Source | None = None,
            shape: str | None = None, mapping_pairs: list[str] | None = None,
            stages=None, timezone: str | None = None) -> tuple[dict[str, Any], Draft]:
    """Load a new export into an existing dataset (README "Refresh"): the data is replaced, the version
    bumped; kept: the mapping (matched by header names; a field the user unmapped stays unmapped), every
    stage of the stored order (empty ones too, new stages placed by the usual evidence), the won/lost
    stages and the dataset's own ``previous`` snapshot link. Refused (nothing changes) when the file
    lacks the stored stage column or most of the mapped columns: another CRM's export. A mapped column
    gone, new stages and stages without deals now are findings of the refreshed dataset.
    ``mapping_pairs`` (``FIELD=HEADER``) and ``stages`` (a user order) are applied as ``edit`` would.
    The dataset's time zone is kept (next week's export writes its instants as this week's did);
    ``timezone`` changes it as :func:`rederive` does."""
    row = _editable(store, dataset_id)
    meta = row["meta"]
    zone = check_zone(timezone) if timezone is not None else meta.get("timezone")
    with store.connect() as con:
        # a report of the deals at each stage now was stored as those deals: next week's is read the same way
        stored = "stage_counts" if meta.get("counts_read_as") == "current" else row["shape"]
        draft = prepare(con, None, source, history=history, shape=shape or stored)
        draft.timezone = zone
        draft.date_order_found = meta.get("date_order_found")  # what earlier exports' days above 12 settled
        draft.currency_kept = meta.get("currency_found")  # what earlier exports' amount column named (Бюджет ₽)
        if shape is None and meta.get("counts_guessed") and draft.counts_read_as is not None:
            _still_a_guess(draft)
        renamed = False  # the same CRM's export under other column titles: its moves said once
        if draft.shape == row["shape"]:
            try:
                _check_same_export(row, draft)
            except FunnelError:
                if not _same_deals(con, row, draft):
                    raise
                renamed = True
        notes = Findings()
        if history is None and row.get("history_file") and draft.history_raw is None and draft.joined_with is None:
            # the second file of the last import not given: its history's furthest stages are gone (survey 28)
            notes.add("refresh.second_file_missing", "warning", value=row["history_file"], n=None, detail=json.dumps(
                {"file": row["history_file"], "main": source.file_name}, ensure_ascii=False))
        unmapped = list(meta.get(USER_UNMAPPED) or [])
        # the choices an earlier refresh could not read, put back where this export has their columns again
        same_shape = draft.shape == row["shape"] and draft.mapping is not None
        summary = with_awaited(meta.get("mapping") or {}, meta.get(AWAITED), list(draft.raw.headers), draft.shape,
                               notes, mapping_pairs) if same_shape else meta.get("mapping") or {}
        gone: dict[str, str] = {}  # the roles whose chosen column this export lacks: role -> its column's title
        if draft.shape == "deals" and row["shape"] == "deals" and meta.get("mapping_json"):
            draft.mapping = _carry_mapping(Mapping.from_json(meta["mapping_json"]), {**meta, "mapping": summary},
                                           draft, notes, renamed=renamed, gone=gone)
        if draft.shape == "deals" and draft.stage_list is None and meta.get("stage_names"):
            keep_stage_names(con, draft, meta["stage_names"])
        if draft.shape == "deals" and mapping_pairs:
            before = set(draft.mapping.fields)
            draft.mapping = with_pairs(draft.mapping, draft.raw.headers, mapping_pairs)
            unmapped = _unmapped_after(unmapped, before, set(draft.mapping.fields))
        steps_changed = _carry_shape_roles(row, draft, notes, mapping_pairs, summary, gone, con)
        awaited = still_awaited(meta.get(AWAITED), summary, gone, list(draft.raw.headers), draft.shape,
                                mapping_pairs, notes) if same_shape else {}
        if draft.shape == "deals":
            draft.file_order = file_stage_order(con, draft.raw, draft.mapping)
        if stages is not None:  # the user's new order: a stage neither the file nor the dataset has is refused
            stages = checked_order(stages, [*draft_stages(con, draft), *_stored_stages(con, dataset_id)])
        # steps other than the stored ones (a chosen column gone, --map steps=): their order is the steps', not the
        # stored one (a step kept empty would read as nobody reaching it, while the file no longer measures it)
        user_order = stages if stages is not None else None if steps_changed else _user_stages(meta)
        stored = {} if steps_changed else meta.get("stage_order") or {}
        if stages is None and draft.shape == "deals" and row["shape"] == "deals" and any(stored.values()):
            built = _build_keeping_order(con, draft, stored, user_order, notes, _stored_won(con, dataset_id),
                                         dataset_id, set(meta.get("guessed_pipelines") or []))
        elif stages is None and not user_order and draft.shape == row["shape"] == "events" and stored.get(""):
            built = _build_keeping_steps(con, draft, stored[""], bool(meta.get("order_guessed")), notes)
        else:
            built = build(con, draft, stages=user_order)
            if stages is None and draft.shape == row["shape"] == "counts" and stored.get(""):
                # a counts table's new and gone stages, said as a deal list's are (survey 28)
                fresh = built["meta"]["stage_order"].get("", [])
                _note_stages({"": stored[""]}, {"": fresh}, {"": [s for s in fresh if s not in stored[""]]}, notes, [])
        if draft.shape == row["shape"] == "deals":
            _week_changes(con, dataset_id, notes)
        _add_findings(con, built, notes)
        built["meta"]["user_stage_order"] = user_order
        built["meta"][USER_UNMAPPED] = unmapped
        built["meta"][AWAITED] = awaited
        built["meta"]["refreshed"] = {"at": datetime.now().isoformat(timespec="seconds"),
                                      "hash": built["source_hash"], "findings": [list(r) for r in notes.rows]}
        info = _replace(store, con, row, built)
        kept = keep_raw(store, con, dataset_id, draft)
        if not kept:
            with store.writing() as wcon:
                _update_meta(wcon, dataset_id, {"raw": None})
    return info, draft


def _carry_shape_roles(row: dict[str, Any], draft: Draft, notes: Findings, pairs: list[str] | None,
                       summary: dict[str, Any], gone: dict[str, str], con=None) -> bool:
    """An event log's, a visitor file's or a counts table's refresh: the roles the user chose carried onto the new
    file by header name (refresh_roles.py), then ``--map`` given with ``--into`` on top. ``summary``: the stored
    mapping with the awaited choices this file has put back (refresh_awaited.py); ``gone`` gets the roles whose
    column the file lacks. True when its steps are no longer the stored ones in their order (a step column gone or
    back, other steps given)."""
    if draft.shape not in ("events", "counts"):
        return False
    meta = row["meta"]
    same = draft.shape == row["shape"] and draft.mapping is not None
    counts = _visitor_yes_counts(con, draft)
    if same and summary.get("fields"):
        old_headers = ((meta.get("raw") or {}).get("main") or {}).get("headers")
        draft.mapping = carry_roles(summary, old_headers, draft, notes, gone, counts)
    if pairs:
        mapped = with_shape_pairs(draft.mapping, draft.raw.headers, pairs, draft.shape, draft.samples)
        if mapped is None:
            code = "import.events_unmapped" if draft.shape == "events" else "import.counts_unmapped"
            raise FunnelError(code, file=draft.source.file_name, headers=", ".join(draft.raw.headers[:10]))
        draft.mapping = mapped
    if not same:
        return False
    note_new_steps(((meta.get("raw") or {}).get("main") or {}).get("headers"), summary, draft, notes, counts)
    before = stored_steps(summary, draft.shape)
    back = before != stored_steps(meta.get("mapping") or {}, draft.shape)  # an awaited step column is back
    return back or [s for s in mapping_steps(draft.mapping, draft.raw.headers) if s in before] != before


def _visitor_yes_counts(con, draft: Draft) -> dict[int, int] | None:
    """A visitor file's yes counts of its yes/no columns (where a new step goes: step_place.py); None otherwise."""
    if con is None or draft.shape != "events" or not getattr(draft.mapping, "flags", None):
        return None
    return yes_counts(con, draft.raw.table, step_candidates(draft.mapping, list(draft.raw.headers), draft.samples))


CHANGES_LISTED = 5  # deal ids named per kind of change


def _week_changes(con, dataset_id: int, notes: Findings) -> None:
    """What the new export changed against the stored deals, said as one finding: deals new, gone from the export
    (their ids), won, lost, moved back to an earlier stage (ids; compared in the new order, so a stage the refresh
    placed moves nobody) and managers new. Survey 31: «what changed is in the quality table» above a table that
    named none of it. A deal new this week and already won counts as won (survey 33: «won 0» beside a new won deal).
    Only what changed is listed (its parts: ``quality_report.finding_text``); nothing when nothing changed."""
    old = ident(f"ds_{int(dataset_id)}", "deals")
    row = run(con, render("""
        WITH pos AS (SELECT COALESCE(pipeline, '') AS pipeline, stage, position FROM imp_stages),
        pairs AS (
            SELECT o.deal_id AS old_id, n.deal_id AS new_id, o.status AS was, n.status AS now,
                   op.position AS old_pos, np.position AS new_pos
            FROM {old} AS o
            FULL JOIN imp_deals AS n ON o.deal_id = n.deal_id
            LEFT JOIN pos AS op ON op.pipeline = COALESCE(o.pipeline, '') AND op.stage = o.stage
            LEFT JOIN pos AS np ON np.pipeline = COALESCE(n.pipeline, '') AND np.stage = n.stage
                                AND COALESCE(n.pipeline, '') = COALESCE(o.pipeline, ''))
        SELECT count(*) FILTER (WHERE old_id IS NULL),
               count(*) FILTER (WHERE new_id IS NULL),
               count(*) FILTER (WHERE now = 'won' AND was IS DISTINCT FROM 'won'),
               count(*) FILTER (WHERE now = 'lost' AND was IS DISTINCT FROM 'lost'),
               count(*) FILTER (WHERE was = 'open' AND now = 'open' AND new_pos < old_pos),
               list(old_id ORDER BY old_id) FILTER (WHERE new_id IS NULL),
               list(new_id ORDER BY new_id) FILTER (WHERE was = 'open' AND now = 'open' AND new_pos < old_pos)
        FROM pairs""", old=old)).fetchone()
    new, gone, won, lost, back, gone_ids, back_ids = row
    managers = [r[0] for r in run(con, render(
        "SELECT DISTINCT manager FROM imp_deals WHERE manager IS NOT NULL AND manager NOT IN "
        "(SELECT manager FROM {old} WHERE manager IS NOT NULL) ORDER BY manager", old=old)).fetchall()]
    if not (new or gone or won or lost or back or managers):
        return

    def ids(values) -> str:
        values = list(values or [])
        return ", ".join(values[:CHANGES_LISTED]) + (" …" if len(values) > CHANGES_LISTED else "")

    parts = [[key, params] for key, params, n in (
        ("quality.refresh.part.new", {"n": new}, new),
        ("quality.refresh.part.gone", {"n": gone, "ids": ids(gone_ids)}, gone),
        ("quality.refresh.part.won", {"n": won}, won),
        ("quality.refresh.part.lost", {"n": lost}, lost),
        ("quality.refresh.part.back", {"n": back, "ids": ids(back_ids)}, back),
        ("quality.refresh.part.managers", {"n": len(managers), "names": ", ".join(
            f"«{m}»" for m in managers[:CHANGES_LISTED])}, len(managers))) if n]
    notes.add("refresh.changes", "info", n=None, detail=json.dumps({"parts": parts}, ensure_ascii=False))


def _still_a_guess(draft: Draft) -> None:
    """Next week's report read as the dataset's was by a guess (``--shape`` not given): still a guess, said as
    the first import said it (the refresh read it the stored way, as if told; survey 28)."""
    reading = draft.counts_read_as[0]
    draft.counts_read_as = (reading, True)
    notes = draft.raw.notes
    if reading == "current":
        draft.raw.notes = [("counts.current_stage_guess" if code == "counts.current_stage" else code, p)
                           for code, p in notes]
    elif reading == "reached" and "counts.reached_guess" not in dict(notes):
        notes.append(("counts.reached_guess", {"file": draft.source.file_name}))


USER_UNMAPPED = "user_unmapped"  # fields the user unmapped (edit --map FIELD=): a refresh does not map them again
MIN_SHARED_COLUMNS = 0.5  # a refresh's file has at least this share of the stored mapping's columns


def _unmapped_after(unmapped: list[str], before: set[str], after: set[str]) -> list[str]:
    """The user's unmapped fields after a mapping change: those they unmapped now added, those they
    mapped again dropped."""
    return sorted((set(unmapped) | (before - after)) - after)


# shares of the new file's deal ids and stage names the dataset already holds for it to be the same CRM's export
# whatever its column titles say (its interface switched from Russian to English: «Стадия сделки» is «Stage»)
SAME_DEALS = 0.5


def _same_deals(con, row: dict[str, Any], draft: Draft) -> bool:
    """The new deal list names, in its own proposed columns, mostly the dataset's deals at mostly its stages: the
    same CRM's export with other column titles (Bitrix24's or amoCRM's interface language switched, amoCRM's
    Kommo headers). Such a file was refused as "another CRM's export" (survey 28); its columns are then carried
    by the new file's proposal, the moves said in one warning (``refresh.columns_renamed``)."""
    fields = draft.mapping.fields if draft.shape == "deals" and draft.mapping is not None else {}
    stored = set((row["meta"].get("mapping") or {}).get("fields") or {})
    if "deal_id" not in fields or "stage" not in fields or len(stored & set(fields)) < MIN_SHARED_COLUMNS * len(stored):
        return False  # another report of the same deals (their id and stage, then other columns): not this export
    schema = f"ds_{int(row['id'])}"
    ids, known_ids, stages, known_stages = run(con, render(
        """SELECT count(DISTINCT i), count(DISTINCT i) FILTER (WHERE i IN (SELECT deal_id FROM {deals})),
                  count(DISTINCT s), count(DISTINCT s) FILTER (WHERE s IN (SELECT stage FROM {stages}))
           FROM (SELECT NULLIF(trim({i}), '') AS i, NULLIF(trim({s}), '') AS s FROM {t})""",
        i=ident(f"c{fields['deal_id']}"), s=ident(f"c{fields['stage']}"), t=ident(draft.raw.table),
        deals=ident(schema, "deals"), stages=ident(schema, "stages"))).fetchone()
    return bool(ids and stages) and known_ids >= SAME_DEALS * ids and known_stages >= SAME_DEALS * stages


def _check_same_export(row: dict[str, Any], draft: Draft) -> None:
    """Refuse another CRM's (or another report's) file: it lacks the column the stored stages were read
    from, or more than half of the stored mapping's columns. Before anything is built or stored."""
    fields = ((row["meta"].get("mapping") or {}).get("fields") or {})
    if not fields:
        return
    headers = set(draft.raw.headers)
    missing = [h for h in dict.fromkeys(fields.values()) if h not in headers]
    total = len(set(fields.values()))
    key = {"deals": "stage", "events": "step", "counts": "stage"}.get(row["shape"], "stage")
    quoted = ", ".join(f"«{h}»" for h in missing[:8]) + (" …" if len(missing) > 8 else "")
    if key in fields and fields[key] not in headers:
        raise FunnelError("refresh.no_stage_column", file=draft.source.file_name, dataset=row["id"],
                          name=row["name"], column=fields[key], n=len(missing), total=total, columns=quoted)
    if (total - len(missing)) < total * MIN_SHARED_COLUMNS:
        raise FunnelError("refresh.other_export", file=draft.source.file_name, dataset=row["id"],
                          name=row["name"], n=len(missing), total=total, columns=quoted)


def _carry_mapping(old: Mapping, meta: dict[str, Any], draft: Draft, notes: Findings, *, renamed: bool = False,
                   gone: dict[str, str] | None = None) -> Mapping:
    """The stored mapping moved onto the new file's columns by header name. A field whose column is
    gone is read from the column the new file's own proposal gives it, else left empty: either way a
    warning names it (``renamed``: the file's titles changed wholesale, its moves said in one warning)
    and ``gone`` gets it (field -> the column's title; not when renamed: the same column under a new title).
    A field the user unmapped stays unmapped."""
    old_headers = (meta.get("raw") or {}).get("main", {}).get("headers")
    fields_by_name = meta.get("mapping", {}).get("fields", {})
    unmapped = set(meta.get(USER_UNMAPPED) or [])
    new = draft.raw.headers
    if old_headers == new:
        return old
    position = {h: i for i, h in reversed(list(enumerate(new)))}
    proposed = dict(draft.mapping.fields)
    # the pipeline names given at import (Bitrix24's general pipeline in the importer's language), not today's
    out = dataclasses.replace(draft.mapping, fields={}, extras=dict(draft.mapping.extras),
                              pipeline_names=dict(old.pipeline_names))
    for field_name, header in fields_by_name.items():
        if header in position:
            out.fields[field_name] = position[header]
    taken = set(out.fields.values())
    for field_name, index in proposed.items():  # the new file's proposal for the rest, never a taken column
        if field_name in out.fields or field_name in unmapped or index in taken:
            continue
        out.fields[field_name] = index
        taken.add(index)
    moves: list[str] = []
    for field_name, header in fields_by_name.items():
        if header in position:
            continue
        now = out.fields.get(field_name)
        if renamed and now is not None:
            moves.append(f"«{header}» → «{new[now]}»")
            continue
        if gone is not None:
            gone[field_name] = header
        if now is None:
            notes.add("refresh.column_gone", "warning", column=header, n=None,
                      detail=json.dumps({"field_key": f"mapping.field.{field_name}", "name": field_name,
                                         "column": f"«{header}»"}, ensure_ascii=False))
        else:
            notes.add("refresh.column_moved", "warning", column=header, value=new[now], n=None,
                      detail=json.dumps({"field_key": f"mapping.field.{field_name}", "name": field_name,
                                         "column": f"«{header}»", "now": f"«{new[now]}»"}, ensure_ascii=False))
    if moves:
        notes.add("refresh.columns_renamed", "warning", n=len(moves), detail=json.dumps(
            {"columns": "; ".join(moves[:12]) + (" …" if len(moves) > 12 else "")}, ensure_ascii=False))
    for index in taken:
        out.extras.pop(index, None)
    out.won_stages, out.lost_stages = list(old.won_stages), list(old.lost_stages)
    out.won_by_pipeline = {p: list(v) for p, v in old.won_by_pipeline.items()}
    out.lost_by_pipeline = {p: list(v) for p, v in old.lost_by_pipeline.items()}
    if old.stage_order:
        out.stage_order = list(old.stage_order)
    return out


def _build_keeping_order(con, draft: Draft, stored: dict[str, list[str]], user_order, notes: Findings,
                         stored_won: dict[str, set[str]], dataset_id: int, was_guessed: frozenset[str] | set[str] = frozenset()):
    """Build the refreshed data keeping every stage of the stored order ``stored`` (per pipeline, open
    stages then the won ones), empty ones too; a stage the new data adds goes after the stage that
    precedes it in the order the data alone gives (history, the file's own order, the CRM's default,
    else the usual guess), and the order is then flagged as a guess to check. An order the user set
    (``user_order``) is built as theirs; any other as the file's own. New stages and stages without
    deals now are named in ``notes``. A pipeline whose stored order was a guess (``was_guessed``) and is kept
    stays a guess: a week whose deals sit at fewer stages gives no order of its own to check it by (YetiForce's
    refresh with nobody left at «Quote enquiry» dropped «a guess», session 48)."""
    first = build(con, draft, stages=stored if user_order else None)
    seen = _stages_with_deals(con)
    won = _won_stages(con)
    for p, names in stored_won.items():
        won.setdefault(p, set()).update(names)
    if user_order:
        new = {p: [s for s in names if s in _unplaced(con, p)] for p, names in seen.items() if p in stored}
    else:
        new = {p: [s for s in names if s not in stored[p]] for p, names in seen.items() if p in stored}
    # stages an earlier refresh placed among the user's: still a guess until the user confirms the order (the won
    # stages end the order whether the user's list names them or not: survey 31, a confirmed order called a guess)
    placed = {p for p in stored if user_order and any(st not in (explicit_for(p, user_order) or []) and
                                                      st not in won.get(p, set()) for st in stored[p])}
    if user_order and not any(new.values()):
        _note_stages(stored, seen, new, notes, [p for p in placed if p in seen])
        return first
    if user_order:  # where the data alone puts the new stages
        fresh, guessed = build(con, draft)["meta"]["stage_order"], {p for p, names in new.items() if names} | placed
    else:
        fresh, guessed = first["meta"]["stage_order"], _guessed_pipelines(con)
        guessed |= {p for p in was_guessed if p in stored}
    # the CRM's default order, where it knows a new stage: the data alone leaves out its stages no deal is at now,
    # so Bitrix24's «В работе» went before «Счёт на предоплату», empty this week (survey 28)
    known = draft.mapping.stage_order if draft.shape == "deals" else None
    came = _came_from(con, dataset_id, new)
    merged = {p: _merge(order, fresh.get(p, []), new.get(p, []), won.get(p, set()),
                        align_order(known, [*order, *new.get(p, [])])[0] if known else [], came.get(p))
              for p, order in stored.items()}
    for p, order in first["meta"]["stage_order"].items():
        merged.setdefault(p, order)  # a pipeline the stored order does not have: as the data gives it
    if not user_order and merged == first["meta"]["stage_order"]:
        _note_stages(stored, seen, new, notes, [], first["meta"]["stage_order"])
        return first
    if user_order:
        built = build(con, draft, stages=merged)
    else:
        saved, draft.file_order = draft.file_order, merged
        try:
            built = build(con, draft)
        finally:
            draft.file_order = saved
        built["meta"]["order_source"] = "refresh"
    _note_stages(stored, seen, new, notes, [p for p in merged if p in guessed and p in seen],
                 built["meta"]["stage_order"])
    return built


def _build_keeping_steps(con, draft: Draft, stored: list[str], guessed: bool, notes: Findings) -> dict[str, Any]:
    """An event log's refresh keeping every step of the stored order: a day with no «purchase» left the step out
    and made «trial» the conversion (2 of 7 for 0 of 7; survey 28). New steps go after the step before them in
    the order the day's data gives; the steps with no events now are said; a guessed order stays a guess."""
    first = build(con, draft)
    fresh = first["meta"]["stage_order"].get("", [])
    empty = [s for s in stored if s not in fresh]
    if not empty:
        return first
    built = build(con, draft, stages=_merge(stored, fresh, [s for s in fresh if s not in stored], set()))
    _note_stages({"": stored}, {"": fresh}, {}, notes, [""] if guessed else [])
    return built


def _stages_with_deals(con) -> dict[str, list[str]]:
    """Per pipeline, the stages the built deals are at now (most deals first)."""
    rows = run(con, """SELECT COALESCE(pipeline, ''), stage, count(*) AS n FROM imp_deals WHERE stage IS NOT NULL
                       GROUP BY 1, 2 ORDER BY 1, n DESC, 2""").fetchall()
    out: dict[str, list[str]] = {}
    for pipeline, stage, _n in rows:
        out.setdefault(pipeline, []).append(stage)
    lost = {(p, s) for p, s in run(con, "SELECT pipeline, stage FROM imp_stages WHERE kind = 'lost'").fetchall()}
    # a status's won deals keep their last open stage (Pipedrive): the won stage made from the status has deals
    # too («Won» was said to be empty, to remove; survey 28)
    for pipeline, stage in run(con, """SELECT DISTINCT COALESCE(s.pipeline, ''), s.stage FROM imp_stages s
                                       JOIN imp_deals d ON COALESCE(d.pipeline, '') = COALESCE(s.pipeline, '')
                                       WHERE s.kind = 'won' AND d.status = 'won' ORDER BY 1, 2""").fetchall():
        if stage not in out.setdefault(pipeline, []):
            out[pipeline].append(stage)
    return {p: [s for s in names if (p, s) not in lost] for p, names in out.items()}


def _unplaced(con, pipeline: str) -> set[str]:
    """The stages of deals a given order left out (``stages.unknown``)."""
    return {r[0] for r in run(con, """SELECT DISTINCT stage FROM imp_deals WHERE COALESCE(pipeline, '') = $p
                                      AND stage IS NOT NULL AND stage_pos IS NULL AND stage NOT IN
                                      (SELECT stage FROM imp_stages WHERE kind = 'lost')""",
                              {"p": pipeline}).fetchall()}


def _won_stages(con) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for p, s in run(con, "SELECT pipeline, stage FROM imp_stages WHERE kind = 'won'").fetchall():
        out.setdefault(p or "", set()).add(s)
    return out


def _stored_won(con, dataset_id: int) -> dict[str, set[str]]:
    """Per pipeline, the won stages of the stored dataset (before the refresh)."""
    out: dict[str, set[str]] = {}
    rows = run(con, render("SELECT pipeline, stage FROM {t} WHERE kind = 'won'",
                           t=ident(f"ds_{int(dataset_id)}", "stages"))).fetchall()
    for p, s in rows:
        out.setdefault(p or "", set()).add(s)
    return out


def _guessed_pipelines(con) -> set[str]:
    return {r[0] or "" for r in run(con, "SELECT detail FROM imp_quality WHERE code = 'stages.order_guessed'"
                                    ).fetchall()}


def _came_from(con, dataset_id: int, new: dict[str, list[str]]) -> dict[str, dict[str, str]]:
    """Per pipeline, each new stage's evidence in the deals themselves: the stage most of the open deals now at it
    were at in the stored data (a deal moves forward far more often than back). Survey 33: «商务审批» went second,
    by this week's counts alone, though the deal now at it was at «谈判审核» the week before; its step counts and a
    «moved back» were wrong."""
    pairs = [(p, s) for p, names in new.items() for s in names]
    if not pairs:
        return {}
    rows = run(con, render("""
        SELECT COALESCE(n.pipeline, '') AS pipeline, n.stage, o.stage AS was, count(*) AS k
        FROM imp_deals AS n JOIN {old} AS o ON o.deal_id = n.deal_id
        WHERE n.status = 'open' AND o.status = 'open' AND o.stage IS NOT NULL AND o.stage <> n.stage
          AND COALESCE(o.pipeline, '') = COALESCE(n.pipeline, '')
          AND list_contains($pairs, COALESCE(n.pipeline, '') || chr(31) || n.stage)
        GROUP BY ALL ORDER BY k DESC, was""", old=ident(f"ds_{int(dataset_id)}", "deals")),
               {"pairs": [f"{p}\x1f{s}" for p, s in pairs]}).fetchall()
    out: dict[str, dict[str, str]] = {}
    for pipeline, stage, was, _k in rows:
        out.setdefault(pipeline, {}).setdefault(stage, was)  # the most common first
    return out


def _merge(stored: list[str], fresh: list[str], new: list[str], won: set[str], known: list[str] | None = None,
           came: dict[str, str] | None = None) -> list[str]:
    """``stored`` with each of ``new`` put after the nearest stage before it that is already placed (first when
    none), always before the won stages unless it is won itself: before it in ``known`` (the CRM's default order
    of the stored and new stages) when that has it, else right after the stage its deals came from (``came``:
    :func:`_came_from`) when they say, else before it in ``fresh`` (the order the data alone gives)."""
    out = list(stored)
    for stage in [s for s in fresh if s in new] + [s for s in new if s not in fresh]:
        if stage in won:
            out.append(stage)
            continue
        if not (known and stage in known) and came and (was := came.get(stage)) in out and was not in won:
            out.insert(out.index(was) + 1, stage)
            continue
        ref = known if known and stage in known else fresh
        k = ref.index(stage) if stage in ref else len(ref)
        before = next((s for s in reversed(ref[:k]) if s in out and s not in won), None)
        at = out.index(before) + 1 if before is not None else 0
        first_won = next((i for i, s in enumerate(out) if s in won), len(out))
        out.insert(min(at, first_won), stage)
    return out


def _pipeline_param(pipeline: str) -> dict[str, str]:
    """A finding's ``pipeline`` parameter: the pipeline's name, or words for a dataset of one unnamed pipeline
    (was «—»: «新阶段（—）», survey 33)."""
    return {"pipeline": pipeline} if pipeline else {"pipeline_key": "quality.refresh.pipeline_all"}


def _note_stages(stored: dict[str, list[str]], seen: dict[str, list[str]], new: dict[str, list[str]],
                 notes: Findings, guessed: list[str], final: dict[str, list[str]] | None = None) -> None:
    """The refresh's words on its stages: new ones (and, with ``final``, the order they were placed in: survey 31's
    «Выставлен счёт» went after «Согласование договора», said only as «placed by the data»), stages of the kept order
    with no deals now (never the first: the funnel's entry, where lost deals without a stage count), pipelines gone."""
    for pipeline, order in stored.items():
        if pipeline not in seen:  # an export filtered to other pipelines: this one's deals are all gone (survey 28)
            listed = ", ".join(f"«{s}»" for s in order[:5])
            notes.add("refresh.pipeline_empty", "warning", value=pipeline or "—", n=len(order), detail=json.dumps(
                {"stages": listed, **_pipeline_param(pipeline)}, ensure_ascii=False))
            continue
        added = new.get(pipeline) or []
        if added:
            listed = ", ".join(f"«{s}»" for s in added[:5])
            placed = (final or {}).get(pipeline) or []
            params = {"stages": listed, **_pipeline_param(pipeline)}
            if all(s in placed for s in added):  # the sentence that shows where they went
                params.update(order=" → ".join(f"«{s}»" for s in placed), sentence="quality.refresh.stages_new.placed")
            notes.add("refresh.stages_new", "warning", value=listed, n=len(added),
                      detail=json.dumps(params, ensure_ascii=False))
        empty = [s for s in order[1:] if s not in seen.get(pipeline, [])]
        if empty:
            listed = ", ".join(f"«{s}»" for s in empty[:5])
            notes.add("refresh.stages_empty", "info", value=listed, n=len(empty), detail=json.dumps(
                {"stages": listed, **_pipeline_param(pipeline)}, ensure_ascii=False))
    for pipeline in guessed:
        notes.add("stages.order_guessed", "warning", detail=pipeline or None, n=None)


def _add_findings(con, built: dict[str, Any], notes: Findings) -> None:
    """The refresh's own findings added to the built quality report (and what it says about the order)."""
    have = {(r[0], r[1]) for r in run(con, "SELECT code, detail FROM imp_quality").fetchall()}
    rows = [r for r in notes.rows if r[0] != "stages.order_guessed" or (r[0], r[5]) not in have]
    if not rows:
        return
    con.executemany("INSERT INTO imp_quality VALUES (?, ?, ?, ?, ?, ?, ?)", [list(r) for r in rows])
    codes = {r[0] for r in rows}
    built["finding_codes"] = sorted(set(built.get("finding_codes", [])) | codes)
    if "stages.order_guessed" in codes:
        built["meta"]["order_guessed"] = True
        built["meta"]["guessed_pipelines"] = guessed_pipelines(
            run(con, "SELECT code, severity, row_no, column_name, value, detail FROM imp_quality").fetchall())
        tables = {k: ident(v) for k, v in built["tables"].items() if k in ("deals", "events", "stages", "counts",
                                                                             "quality")}
        built["meta"]["capabilities"] = derive_capabilities(con, tables, built["shape"], built["meta"]).to_json()


def _replace(store, con, row: dict[str, Any], built: dict[str, Any]) -> dict[str, Any]:
    """Swap the dataset's tables for the freshly built ones and bump its version, atomically."""
    dataset_id = int(row["id"])
    schema = f"ds_{dataset_id}"
    # what the catalog row says beyond the build: its own link to an earlier snapshot, and when its data
    # was last replaced by a refresh (a later snapshot linked to it checks that)
    # here, not at the top: the snapshots module imports numpy, and every import loads this module
    # (keep_raw): ~80 MB more resident at the peak of a 1M-deal import
    from .velocity.snapshots import LINK_KEYS

    kept = {k: row["meta"][k] for k in (*LINK_KEYS, "refreshed", USER_UNMAPPED) if k in row["meta"]}
    meta = {**kept, **built["meta"]}
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
    """(stage, kind) of every stage of a stored dataset, for the won/lost pickers; then the deals' stages its
    order leaves out, as open (a stage on hold, left out of the order, could not be marked lost)."""
    with store.connect() as con:
        kinds = [(r[0], r[1]) for r in run(con, render("SELECT DISTINCT stage, kind FROM {t} ORDER BY kind, stage",
                                                       t=info.tables["stages"])).fetchall()]
        if info.shape != "deals":
            return kinds
        left = run(con, render("SELECT DISTINCT stage FROM {d} WHERE stage IS NOT NULL AND stage NOT IN "
                               "(SELECT stage FROM {s} WHERE stage IS NOT NULL) ORDER BY 1", d=info.tables["deals"],
                               s=info.tables["stages"])).fetchall()
    return kinds + [(r[0], "open") for r in left]


def order_names(store, dataset_id: int) -> list[str]:
    """The stage names an order pasted for a stored dataset may use (order_check.py): its order's and its kept
    rows' (the file's values, the stages left out of the order too)."""
    row = store.row(dataset_id)
    with store.connect() as con:
        names = _stored_stages(con, dataset_id)
        if (row.get("meta") or {}).get("raw"):
            names += draft_stages(con, _stored_draft(con, row))
    return list(dict.fromkeys(names))


def order_state(info, pipeline: str | None = None) -> str | None:
    """'outcomes_only' (no stages), 'guessed' (the stage order is a guess) or None: what the pages say. With
    ``pipeline`` (the one shown), a guess is said only where it was made, when the dataset says where."""
    meta = info.meta or {}
    if meta.get("outcomes_only"):
        return "outcomes_only"
    if not meta.get("order_guessed"):
        return None
    return "guessed" if guessed_for(info, pipeline) else None


def outcome_guesses(info) -> list[tuple[str, str]]:
    """(finding code, stage) of each won or lost stage the import took from the deals' close dates, not from a
    name, a status or the user (``stages.won_by_close_date``): the pages say so (``importer.deals.OUTCOME_NOTES``)
    until the user names them."""
    return [(g["code"], g["stage"]) for g in (info.meta or {}).get("outcome_guesses") or ()]


def counts_guess(info) -> str | None:
    """'current' or 'reached' while the dataset's table of stage counts was read that way by a guess
    (importer.stage_counts): the pages say so, and how to read it the other way; else None."""
    meta = info.meta or {}
    return meta.get("counts_read_as") if meta.get("counts_guessed") else None


def edit_view(store, info) -> dict[str, Any]:
    """What the "change this dataset" panel shows, so that the UI reads no importer meta itself."""
    row = store.row(info.id)
    meta = row["meta"]
    deals = row["shape"] == "deals"
    # a report read as the deals at each stage now is shown as that reading, and may be read as reached counts
    shape = "stage_counts" if meta.get("counts_read_as") == "current" else row["shape"]
    shapes = {"stage_counts": ["stage_counts", "counts"], "counts": ["counts", "stage_counts", "deals", "events"]}
    return {"shape": shape, "shapes": shapes.get(shape, ["deals", "events", "counts"]), "deals": deals, "order_guessed": bool(meta.get("order_guessed")),
            "outcomes_only": bool(meta.get("outcomes_only")), "can_rederive": can_rederive(row),
            # (a report's deals are made of its rows: their «Deal ID» and «Stage» are no columns to map)
            "mapping": Mapping.from_json(meta["mapping_json"]) if deals and meta.get("mapping_json")
            and shape != "stage_counts" else None,
            "headers": ((meta.get("raw") or {}).get("main") or {}).get("headers", []),
            "stage_order": meta.get("stage_order") or {},
            "timezone": meta.get("timezone"), "instants": dict(meta.get("instants") or {}),
            "status_unknown": _status_unknown(store, info) if deals and can_rederive(row) else []}


def _status_unknown(store, info) -> list[str]:
    """The status column's values the import could not read as won, lost or open (Flowlu's 1 / 2 / 3): the panel
    asks what they mean (``rederive(status_values=...)``)."""
    with store.connect(info) as con:
        rows = run(con, render("SELECT value FROM {q} WHERE code = 'status.unknown_value' AND value IS NOT NULL "
                               "ORDER BY n DESC, value LIMIT 24", q=ident(info.schema, "quality"))).fetchall()
    return [r[0] for r in rows]
