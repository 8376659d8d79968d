"""Any CRM export into the canonical model: stage the file, propose a mapping, build, store.

Two steps so the Data page can show the proposal before anything is stored:

    draft = prepare(con, store, Source(...), history=Source(...) | None, preset=None)
    result = finish(con, store, draft, mapping=draft.mapping, stages=None, name=None)

``import_file`` runs both with the proposal as it is (the CLI). Everything before ``Store.save``
happens in temp tables of one connection, so a failure leaves the store untouched.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..capabilities import derive as derive_capabilities
from ..errors import FunnelError
from ..mapping import (
    Mapping,
    detect_shape,
    header_key,
    propose_counts_mapping,
    propose_event_mapping,
    propose_history_mapping,
    propose_mapping,
    propose_outcome_mapping,
)
from ..mapping.presets import PRESETS
from ..readers import RawTable, stage_file
from ..readers.limits import check_stages
from ..schema import COUNTS_DDL, DEALS_DDL, EVENTS_DDL
from ..sql import ident, render, run
from .counts import build_counts
from .deals import build_deals
from .eventlog import build_event_log
from .history import load_history
from .quality import Findings

SAMPLE_ROWS = 50


@dataclass
class Source:
    data: Path | bytes
    file_name: str
    sheet: str | None = None

    def digest(self) -> str:
        h = hashlib.sha256()
        if isinstance(self.data, bytes):
            h.update(self.data)
        else:
            with open(self.data, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
        return h.hexdigest()


@dataclass
class Draft:
    raw: RawTable
    shape: str
    mapping: Any  # Mapping | EventMapping | CountsMapping
    samples: list[list[str | None]]
    source_hash: str
    source: Source
    history_raw: RawTable | None = None
    history_mapping: Any = None
    history_source: Source | None = None
    remembered: bool = False
    duplicate_of: dict | None = None
    notes: list = field(default_factory=list)


def _samples(con, raw: RawTable) -> list[list[str | None]]:
    rows = run(con, render("SELECT * EXCLUDE (row_no) FROM {t} ORDER BY row_no LIMIT {k}",
                           t=ident(raw.table), k=str(SAMPLE_ROWS))).fetchall()
    return [list(r) for r in rows]


def prepare(con, store, source: Source, *, history: Source | None = None, preset: str | None = None) -> Draft:
    raw = stage_file(con, source.data, source.file_name, sheet=source.sheet, table="raw_main")
    samples = _samples(con, raw)
    shape = detect_shape(raw.headers, samples)
    digest = source.digest() + (history.digest() if history else "")
    draft = Draft(raw, shape, None, samples, digest, source)
    if shape == "events":
        draft.mapping = propose_event_mapping(raw.headers, samples) or propose_outcome_mapping(raw.headers, samples)
    elif shape == "counts":
        draft.mapping = propose_counts_mapping(raw.headers, samples)
    else:
        if shape == "history":
            raise FunnelError("import.history_as_deals", file=source.file_name)
        draft.shape = "deals"
        if preset is not None and preset not in PRESETS:
            raise FunnelError("import.unknown_preset", preset=preset, presets=", ".join(sorted(PRESETS)))
        remembered = store.remembered_mapping(header_key(raw.headers)) if store and not preset else None
        if remembered:
            draft.mapping, draft.remembered = Mapping.from_json(remembered), True
        else:
            draft.mapping = propose_mapping(raw.headers, samples, preset_name=preset)
    if draft.mapping is None:
        raise FunnelError("import.unknown_shape", file=source.file_name)
    if history is not None:
        draft.history_source = history
        draft.history_raw = stage_file(con, history.data, history.file_name, sheet=history.sheet,
                                       table="raw_history")
        draft.history_mapping = propose_history_mapping(draft.history_raw.headers, _samples(con, draft.history_raw))
        if draft.history_mapping is None:
            raise FunnelError("import.history_unmapped", file=history.file_name,
                              headers=", ".join(draft.history_raw.headers[:8]))
    if store is not None:
        draft.duplicate_of = store.find_by_hash(digest)
    return draft


def _check_required(draft: Draft) -> None:
    if draft.shape == "deals":
        if "deal_id" not in draft.mapping.fields:
            raise FunnelError("import.missing_column", file=draft.source.file_name, field="deal_id",
                              headers=", ".join(draft.raw.headers[:10]))
        if "stage" not in draft.mapping.fields and not any(
                f in draft.mapping.fields for f in ("status", "won_flag", "won_at", "closed_flag")):
            raise FunnelError("import.missing_column", file=draft.source.file_name, field="stage",
                              headers=", ".join(draft.raw.headers[:10]))
    elif draft.shape == "events":
        if draft.mapping.entity is None or (draft.mapping.step is None and not draft.mapping.flags):
            raise FunnelError("import.missing_column", file=draft.source.file_name, field="step",
                              headers=", ".join(draft.raw.headers[:10]))


def build(con, draft: Draft, *, stages=None) -> dict[str, Any]:
    """Build the canonical temp tables (imp_deals, imp_events, imp_stages, imp_counts, imp_quality)."""
    _check_required(draft)
    check_stages(con, draft.raw, _stage_column(draft))
    if draft.history_raw is not None:
        check_stages(con, draft.history_raw, draft.history_mapping.stage)
    findings = Findings()
    for row in draft.raw.skipped:
        findings.add(f"file.skipped_{row.reason}", "info", row_no=row.row_no, value=row.text[:200])
    for code, params in draft.raw.notes:
        findings.add(code, "info", detail=json.dumps(params, ensure_ascii=False, default=str), n=None)
    for table, ddl in (("imp_deals", DEALS_DDL), ("imp_events", EVENTS_DDL), ("imp_counts", COUNTS_DDL)):
        key = table[4:]
        ddl = ddl.replace("CREATE TABLE", "CREATE OR REPLACE TEMP TABLE")
        run(con, render(ddl, **{key: ident(table)}, extra_columns=""))
    rows_rejected = 0
    if draft.shape == "deals":
        history_loaded = False
        if draft.history_raw is not None:
            load_history(con, draft.history_raw, draft.history_mapping, findings, draft.history_source.file_name)
            history_loaded = True
        result = build_deals(con, draft.raw, draft.mapping, explicit_stages=stages,
                             history_loaded=history_loaded, findings=findings)
        rows_rejected = run(con, "SELECT count(DISTINCT row_no) FROM imp_rejected").fetchone()[0]
    elif draft.shape == "events":
        result = build_event_log(con, draft.raw, draft.mapping, explicit_stages=stages, findings=findings)
        rows_rejected = result["rows_rejected"]
    else:
        result = build_counts(con, draft.raw, draft.mapping, explicit_stages=stages, findings=findings)
        rows_rejected = result["rows_rejected"]
    if draft.shape != "counts" and result["n_deals"] == 0:
        raise FunnelError("import.no_valid_rows", file=draft.source.file_name, rejected=rows_rejected)
    findings.write(con, "imp_quality")
    meta = dict(result["meta"])
    meta["mapping"] = _mapping_summary(draft)
    meta["sheet"] = draft.raw.sheet
    meta["encoding"] = draft.raw.encoding
    tables = {"deals": "imp_deals", "events": "imp_events", "stages": "imp_stages",
              "counts": "imp_counts", "quality": "imp_quality"}
    meta["capabilities"] = derive_capabilities(con, {k: ident(v) for k, v in tables.items()},
                                               draft.shape, meta).to_json()
    return {
        "tables": {**tables, **({"stays": "imp_stays"} if result["meta"].get("stays_table") else {})},
        "shape": draft.shape,
        "rows_read": draft.raw.n_rows,
        "rows_rejected": rows_rejected,
        "n_deals": result["n_deals"],
        "n_events": result["n_events"],
        "meta": meta,
        "source_file": draft.source.file_name,
        "source_hash": draft.source_hash,
        "history_file": draft.history_source.file_name if draft.history_source else None,
        "finding_codes": sorted(findings.codes()),
    }


def _stage_column(draft: Draft) -> int | None:
    if draft.shape == "deals":
        return draft.mapping.fields.get("stage")
    return getattr(draft.mapping, "step" if draft.shape == "events" else "stage", None)


def _mapping_summary(draft: Draft) -> dict[str, Any]:
    headers = draft.raw.headers
    m = draft.mapping
    if draft.shape == "deals":
        out = {"preset": m.preset, "fields": {f: headers[i] for f, i in m.fields.items()},
               "extras": [headers[i] for i in sorted(m.extras)],
               "stage_entered": [s for s, _p in m.stage_entered.values()]}
    elif draft.shape == "events":
        out = {"fields": {k: headers[i] for k, i in (("entity", m.entity), ("step", m.step),
                                                     ("timestamp", m.timestamp), ("variant", m.variant),
                                                     ("source", m.source)) if i is not None}}
        if m.flags:
            out["outcomes"] = [headers[i] for i in m.flags]
    else:
        out = {"fields": {k: headers[i] for k, i in (("stage", m.stage), ("count", m.count),
                                                     ("group", m.group)) if i is not None},
               "wide_stages": [headers[i] for i in m.wide_stages]}
    if draft.history_mapping is not None:
        hh = draft.history_raw.headers
        hm = draft.history_mapping
        out["history"] = {"deal_id": hh[hm.deal_id], "stage": hh[hm.stage], "entered_at": hh[hm.entered_at]}
    return out


def finish(con, store, draft: Draft, *, stages=None, name: str | None = None, remember: bool = True):
    built = build(con, draft, stages=stages)
    built["name"] = (name or "").strip() or Path(draft.source.file_name).stem
    info = store.save(con, built)
    if remember and draft.shape == "deals" and _clean_enough(built):
        store.remember_mapping(header_key(draft.raw.headers), draft.mapping.to_json())
    store.checkpoint()  # the new dataset in the .duckdb file itself, not only in its write-ahead log
    return info, built


def _clean_enough(built: dict[str, Any]) -> bool:
    """A mapping is remembered for the next file with these headers only when it read this one:
    a mapping under which most rows were rejected (a broken file, a wrong column) would reject the
    rows of the next, clean file."""
    return built["rows_rejected"] * 2 <= built["rows_read"]


def import_file(store, path: Path | bytes, file_name: str | None = None, *, history=None,
                history_name: str | None = None, preset=None, stages=None, name=None, sheet=None,
                force: bool = False):
    """Prepare + finish with the proposed mapping. Returns (DatasetInfo, built, draft)."""
    file_name = file_name or (Path(path).name if not isinstance(path, bytes) else "upload.csv")
    hist = None
    if history is not None:
        hist = Source(history, history_name or (Path(history).name if not isinstance(history, bytes) else "history.csv"))
    with store.connect() as con:
        draft = prepare(con, store, Source(path, file_name, sheet), history=hist, preset=preset)
        if draft.duplicate_of and not force:
            raise FunnelError("import.duplicate", file=file_name, dataset=draft.duplicate_of["id"],
                              name=draft.duplicate_of["name"])
        info, built = finish(con, store, draft, stages=stages, name=name)
    return info, built, draft
