"""Any CRM export into the canonical model: stage the file, propose a mapping, build, store.

Two steps so the Data page can show the proposal before anything is stored:

    draft = prepare(con, store, Source(...), history=Source(...) | None, preset=None)
    result = finish(con, store, draft, mapping=draft.mapping, stages=None, name=None)

``import_file`` runs both with the proposal as it is (the CLI). Everything before ``Store.save``
happens in temp tables of one connection, so a failure leaves the store untouched.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..capabilities import Capabilities
from ..capabilities import derive as derive_capabilities
from ..capabilities import expected as expected_capabilities
from ..errors import FunnelError
from ..i18n import env_language, normalize_language
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
from ..mapping.cell_kinds import is_date, is_number
from ..mapping.matcher import (
    amount_like_columns,
    month_only_columns,
    numeric_user_fields,
    unread_amount_column,
    yearless_date_columns,
)
from ..mapping.pairs import with_pairs
from ..mapping.presets import PRESETS
from ..mapping.shapes import with_shape_pairs
from ..readers import RawTable, archive_history, archive_stage_list, history_sheet, stage_file
from ..readers.json_reader import is_stage_list_stream
from ..readers.limits import check_stages
from ..readers.staging import CUT_ROWS
from ..readers.values import ColumnProfile
from ..schema import COUNTS_DDL, DEALS_DDL, EVENTS_DDL
from ..sql import budget_bytes, ident, render, run
from ..store import memory_limit
from ..timezones import check_zone
from ..velocity.stays import DERIVED_TABLES, derived_tables
from .category_list import category_names_of, name_categories
from .columns import FileDates, field_kind, file_dates
from .counts import build_counts
from .deals import CURRENCY_FOUND, KEPT_KINDS, OUTCOME_NOTES, build_deals
from .eventlog import build_event_log
from .evidence import file_stage_order, known_default_order, refine_deals_mapping
from .experiment_counts import build_experiment
from .history import load_history
from .history_beside import history_by_values
from .instants import Instants, count_instants, note_instants
from .joins import history_key_column, join_key, join_outcomes, with_lead_stage, with_row_ids
from .order_check import checked_order, draft_stages
from .pipeline_names import default_pipeline_names
from .quality_findings import Findings
from .reconcile import (
    compare_last_stages,
    history_orders_stages,
    reconcile_ids,
    reconcile_names,
    reconcile_stages,
)
from .stage_candidate import stage_candidate
from .stage_counts import expand, read_counts
from .stage_dates import with_latest_stage
from .stage_fill import fill_down
from .stage_list import apply_stage_list, name_preset_ids, stage_list_of
from .stage_matrix import melted
from .stage_rows import is_change_log, split_stage_rows
from .stage_sheet import sheet_stage_order
from .stage_spellings import fold_stage_spellings

SAMPLE_ROWS = 50


@dataclass
class Source:
    data: Path | bytes
    file_name: str
    sheet: str | None = None
    header_rows: tuple[int, int] | None = None  # the user's header row(s), 1-based (readers.header_rows)

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
    detected_shape: str = ""
    joined_with: Source | None = None  # a second file of outcomes joined to the leads (joins.py)
    stage_list: Any = None  # the CRM's list of stages given as the second file (stage_list.py)
    # Bitrix24's list of categories given as the second file: (its name, {category id: name}) (category_list.py)
    category_list: tuple[str, dict[str, str]] | None = None
    pairs: list[str] | None = None  # the user's --map, read before the stage list names the mapped stage column
    stage_names: dict | None = None  # the ids that list named: kept with the dataset for a refresh
    file_order: Any = None  # the stage order the file carries (evidence.py), used unless one is given
    stage_rows: tuple[str, int] | None = None  # (the "entered" column, rows) of a one-row-per-stage file
    timezone: str | None = None  # the dataset's zone (an IANA name): instants read as its clock time (instants.py)
    # a table of stage counts: read as the deals at each stage now ("current") or that reached it ("reached"),
    # and whether that reading is a guess (stage_counts.py); None for other tables
    counts_read_as: tuple[str, bool] | None = None
    # the day/month order the dataset's exports settled so far (a refresh: columns.file_dates' ``known``), then
    # the one this build settled or kept (saved as meta ``date_order_found``)
    date_order_found: str | None = None
    # the amounts' currency the dataset's exports named so far (Бюджет ₽), for a file that names none (a refresh
    # whose column is «Бюджет» now: survey 31, RUB dropped from every deal); saved as meta ``currency_found``
    currency_kept: str | None = None
    # the file's own rows where ``raw`` holds others: a matrix unfolded (one row per owner and stage), a table of
    # counts read as the deals at each stage now (one row per deal), a dataset's kept rows (what its import read)
    file_rows: int | None = None

    @property
    def rows_read(self) -> int:
        """The file's rows: a one-row-per-stage file's are its history's (``raw`` holds one per deal); see
        ``file_rows``."""
        if self.file_rows is not None:
            return self.file_rows
        if self.stage_rows is not None and self.history_raw:
            return self.history_raw.n_rows
        return self.raw.n_rows + self.rows_shifted

    @property
    def rows_shifted(self) -> int:
        """CSV rows skipped as shifted or cut short (csv_reader._wide_rows, _short_rows): rows read, deals not
        imported."""
        return sum(row.reason in CUT_ROWS for row in self.raw.skipped)

    @property
    def expected(self) -> Capabilities:
        """What the file will answer once imported, from its (possibly overridden) shape and, for counts, what
        they count (visitors or deals)."""
        from .counts import counts_of_visitors

        return expected_capabilities(self.shape, counts_of_visitors(self.mapping, self.raw.headers))


def _samples(con, raw: RawTable) -> list[list[str | None]]:
    rows = run(con, render("SELECT * EXCLUDE (row_no) FROM {t} ORDER BY row_no LIMIT {k}",
                           t=ident(raw.table), k=str(SAMPLE_ROWS))).fetchall()
    return [list(r) for r in rows]


# Reader notes that change what the numbers rest on, said as warnings (the CLI prints them): rows Excel
# hides, imported like the others; a sheet full to its format's last row, most likely cut there
WARNING_NOTES = {"sheets9.hidden_rows", "sheets9.hidden_rows_filter", "sheets9.rows_at_limit",
                 "archive.history_unread", "stage_list.kept_unknown", "archive.same_columns_left",
                 # a table of stage counts read one way while the other could be meant (stage_counts.py)
                 "counts.current_stage_guess", "counts.reached_guess",
                 "stage.filled_down",  # blank stages given the stage above them (stage_fill.py)
                 "readers.formulas_uncached",  # formulas saved without their values: read as empty cells
                 "harden49.error_cells",  # Excel error cells (#DIV/0!, #N/A): read as empty cells
                 "readers.mixed_lines",  # lines in another code page than the file's UTF-8, read in theirs
                 "stages.candidate_taken"}  # a column of stage names taken as the stage (_take_stage_candidate)
# Reader notes whose ``n`` counts the deals they are about (the quality table's rows column shows it)
COUNTED_NOTES = {"stage.spellings_merged", "counts.current_stage_guess"}
SHAPES = ("deals", "events", "counts")
# the shapes a user may choose: a table of stage counts read either way (stage_counts.py): the deals that
# reached each stage («counts»), or the deals at each stage now, read as those deals («stage_counts»)
READINGS = (*SHAPES, "stage_counts")


def prepare(con, store, source: Source, *, history: Source | None = None, preset: str | None = None,
            shape: str | None = None, mapping_pairs: list[str] | None = None, lang: str | None = None) -> Draft:
    """Stage the file(s) and propose a mapping. ``shape`` overrides the detected input shape;
    ``mapping_pairs`` (``FIELD=HEADER``) change the proposed deals mapping; ``lang``: the importing user's
    language, for what the file leaves unnamed and the CRM names (``FUNNEL_LANG`` when not given)."""
    raw = stage_file(con, source.data, source.file_name, sheet=source.sheet, table="raw_main",
                     header_rows=source.header_rows)
    samples = _samples(con, raw)
    matrix = melted(con, raw, samples, told=shape == "stage_counts") if history is None and shape in (
        None, "counts", "stage_counts") else None
    if matrix is not None:  # a matrix of stages against owners, unfolded (stage_matrix.py)
        raw, samples = matrix.raw, _samples(con, matrix.raw)
    detected = detect_shape(raw.headers, samples)
    digest = source.digest() + (history.digest() if history else "")
    if shape is not None and shape not in READINGS:
        raise FunnelError("import.unknown_shape", file=source.file_name)
    # the user's answer: each count is the deals at that stage now; an owner × stage matrix says so itself
    at_stage_now = shape == "stage_counts" or matrix is not None and matrix.current
    if at_stage_now:
        shape = "counts"
    draft = Draft(raw, shape or _shape_of_pairs(mapping_pairs) or detected, None, samples, digest, source,
                  detected_shape=detected, file_rows=matrix.file_rows if matrix is not None else None)
    # a history alone (a change log of the deals' whole state, a stage report): its latest row per deal is
    # the deal, when its rows name the deals' stages and when (stage_rows.py); else the deal list is asked for
    history_alone = draft.shape == "history" and shape is None and history is None
    if draft.shape == "history" and not history_alone:
        raise FunnelError("import.history_as_deals", file=source.file_name)
    if history_alone:
        draft.shape = "deals"
    draft.pairs = mapping_pairs
    if history is not None:
        _second_file(con, draft, history)
    elif raw.archive is not None and draft.shape == "deals":
        _archive_history(con, draft)
    elif raw.streams and draft.shape == "deals":
        _stream_stage_list(con, draft)
    if mapping_pairs and draft.shape in ("events", "counts"):  # the user's answer (the CLI's --map)
        propose(con, store, draft, preset, refuse=False)
        draft.mapping = with_shape_pairs(draft.mapping, draft.raw.headers, mapping_pairs, draft.shape, draft.samples)
        if draft.mapping is None:
            _refuse_unmapped(draft)
    else:
        try:
            propose(con, store, draft, preset)
        except FunnelError as error:  # a change log alone (amoCRM's events list) has no deal columns to map
            if history_alone and error.code == "import.missing_column":
                raise FunnelError("import.history_as_deals", file=source.file_name) from error
            raise
    if draft.shape == "counts" and (shape is None or at_stage_now):
        # also after the user's --map of a stage and a count: their answer to "no stage found" was read as
        # reached counts, «Closed won» a 400 % step (survey 27)
        current_stage_counts(con, store, draft, preset, told=at_stage_now)
        if matrix is not None and matrix.stage_order and draft.shape == "deals":
            # its columns list the CRM's stages in their order; its last is no sale unless named so (ERPNext's
            # sales stages end at «Negotiation/Review»)
            draft.mapping.listed_stages = {"": matrix.stage_order}
    elif draft.shape == "counts" and shape == "counts":
        draft.counts_read_as = ("reached", False)  # the user's answer: the deals that reached each stage
    if mapping_pairs and draft.shape == "deals" and draft.counts_read_as is None:  # the user's answer (the CLI's --map), before any split
        draft.mapping = with_pairs(draft.mapping, draft.raw.headers, mapping_pairs)
        draft.file_order = file_stage_order(con, draft.raw, draft.mapping)
    if draft.shape == "deals" and draft.mapping is not None and _nothing_says_the_outcome(draft):
        _take_stage_candidate(con, draft)
    if draft.shape == "deals" and draft.history_raw is None and draft.joined_with is None:
        fill_down(con, draft.raw, draft.mapping)  # a stage written once per group of rows (stage_fill.py)
        _stage_rows(con, draft)
    if history_alone and draft.stage_rows is None:
        raise FunnelError("import.history_as_deals", file=source.file_name)
    default_pipeline_names(draft, normalize_language(lang) if lang else env_language())
    if draft.category_list is not None and draft.shape == "deals":
        name_categories(con, draft)  # Bitrix24's crm.category.list names the pipelines, the default one too
    if store is not None:
        draft.duplicate_of = store.find_by_hash(digest)
    return draft


def _take_stage_candidate(con, draft: Draft) -> None:
    """A deals file that names no stage and no outcome would be refused; a column of its attributes whose few
    values include a won or lost stage's name is taken as the stage instead, and the quality report says so
    (FreshOffice's ``priznak_deal`` «Сделка успешна» / «Сделка провалена», survey 44: refused, the message
    listing its headers). The Data page shows it picked; the user may pick another."""
    candidate = stage_candidate(con, draft.raw, draft.mapping)
    if candidate is None or candidate.titled:
        return  # (a title row read as the header: the refusal names it, and --header-row; a stage taken would not)
    header, closing = candidate.header, candidate.closing
    draft.mapping = with_pairs(draft.mapping, draft.raw.headers, [f"stage={header}"])
    draft.file_order = file_stage_order(con, draft.raw, draft.mapping)
    draft.raw.notes.append(("stages.candidate_taken", {"column": f"«{header}»", "header": header,
                                                       "values": ", ".join(f"«{v}»" for v in closing)}))


def current_stage_counts(con, store, draft: Draft, preset: str | None, *, told: bool = False) -> None:
    """A report counting deals by their current stage (stage_counts.py): read as those deals. ``told``:
    the user said so (``--shape stage_counts``); else the table's own evidence decides, and a reading the
    evidence does not settle is recorded as a guess (``Draft.counts_read_as``; the pages say it)."""
    reading = read_counts(con, draft.raw, draft.mapping, told=told)
    if reading.as_reached:
        draft.counts_read_as = ("reached", reading.guessed)
        if reading.guessed:
            draft.raw.notes.append(("counts.reached_guess", {"file": draft.source.file_name}))
        return
    if not reading.whole:  # counts that are not whole are no deals
        raise FunnelError("import.stage_counts_not_whole", file=draft.source.file_name, stage=reading.not_whole[0],
                          value=f"{reading.not_whole[1]:g}")
    raw, n = expand(con, draft.raw, draft.mapping)
    code = "counts.current_stage_guess" if reading.guessed else "counts.current_stage"
    raw.notes = [*raw.notes, (code, {"n": n, "rows": draft.raw.n_rows, "file": draft.source.file_name})]
    if draft.file_rows is None:  # (a matrix's were set when it was unfolded)
        draft.file_rows = draft.raw.n_rows
    draft.raw, draft.samples, draft.mapping = raw, [], None
    draft.shape, draft.detected_shape = "deals", "stage_counts"
    draft.counts_read_as = ("current", reading.guessed)
    propose(con, store, draft, preset, refuse=False)
    stage = raw.headers[1]  # expand's second column: the stage, under the report's header («Row Labels» too)
    if draft.mapping is None or draft.mapping.fields.get("stage") != 1:
        draft.mapping = with_pairs(draft.mapping or Mapping(), raw.headers, [f"stage={stage}"])
        known_default_order(con, draft.raw, draft.mapping)  # HubSpot's own stages in an Excel pivot's «Row Labels»
        draft.file_order = file_stage_order(con, draft.raw, draft.mapping)


def _shape_of_pairs(pairs: list[str] | None) -> str | None:
    """The shape ``--map`` pairs name without --shape: an event log's entity/step/timestamp, a counts
    table's count/group (fields no deal list has), else None (the detected shape)."""
    names = {p.partition("=")[0].strip() for p in pairs or []}
    if names & {"entity", "step", "timestamp"}:
        return "events"
    if names & {"count", "group"}:
        return "counts"
    return None


def _stage_rows(con, draft: Draft) -> None:
    """A deals file with one row per stage a deal entered: its own stage history (stage_rows.py)."""
    split = split_stage_rows(con, draft.raw, draft.mapping)
    if split is None:
        return
    history_raw, (draft.raw, draft.history_mapping, n) = draft.raw, split
    draft.history_raw, draft.history_source = history_raw, draft.source
    draft.stage_rows = (history_raw.headers[draft.history_mapping.entered_at], n)


def propose(con, store, draft: Draft, preset: str | None = None, *, refuse: bool = True) -> None:
    """The proposed mapping of ``draft.raw`` for ``draft.shape`` (also after a shape override).
    ``refuse=False``: an event log or counts table with no proposal keeps ``mapping`` None (the
    user's ``--map`` pairs come next)."""
    raw, samples = draft.raw, draft.samples or _samples(con, draft.raw)
    draft.samples = samples
    if draft.shape == "events":
        draft.mapping = propose_event_mapping(raw.headers, samples) or propose_outcome_mapping(raw.headers, samples)
    elif draft.shape == "counts":
        draft.mapping = propose_counts_mapping(raw.headers, samples)
    else:
        draft.shape = "deals"
        _propose_deals(con, store, draft, preset)
    if draft.mapping is None and refuse:
        _refuse_unmapped(draft)


def _refuse_unmapped(draft: Draft) -> None:
    """An event log or a counts table (detected, or asked for with --shape) whose columns could not
    be told: the refusal names the flags that tell them."""
    code = "import.events_unmapped" if draft.shape == "events" else "import.counts_unmapped"
    raise FunnelError(code, file=draft.source.file_name, headers=", ".join(draft.raw.headers[:10]))


def _second_file(con, draft: Draft, second: Source) -> None:
    """A stage history, or outcomes to join to the leads by a shared id (joins.py). A zip archive given
    as the second file gives its table named as a stage history (``OpportunityHistory.csv``) unless a
    member is named."""
    sheet = second.sheet or history_sheet(second.data, second.file_name)
    staged = stage_file(con, second.data, second.file_name, sheet=sheet, table="raw_history")
    if draft.shape == "deals" and (names := category_names_of(con, staged)) is not None:
        draft.category_list = (second.file_name, names)  # the pipelines' names (category_list.py)
        run(con, render("DROP TABLE IF EXISTS {t}", t=ident(staged.table)))
        return
    samples = _samples(con, staged)
    hmap = propose_history_mapping(staged.headers, samples)
    if hmap is not None:
        draft.history_source, draft.history_raw, draft.history_mapping = second, staged, hmap
        return
    listed = stage_list_of(con, staged, deals=draft.raw) if draft.shape == "deals" else None
    if listed is not None:  # the CRM's stage list: names and order of the deals' stage ids (stage_list.py)
        draft.stage_list = listed
        return
    key = join_key(con, draft.raw, staged) if draft.shape == "deals" else None
    if key is None:
        raise FunnelError("import.history_unmapped", file=second.file_name, headers=", ".join(staged.headers[:8]))
    main_stage = propose_mapping(draft.raw.headers, _samples(con, draft.raw)).fields.get("stage")
    hmap = history_by_values(con, draft.raw, main_stage, staged, key, samples)
    if hmap is not None:  # the deals' moves under headers of a warehouse's own naming (history_beside.py)
        draft.history_source, draft.history_raw, draft.history_mapping = second, staged, hmap
        draft.raw.notes.append(("history_beside.read", {
            "file": second.file_name, "deal": staged.headers[hmap.deal_id], "stage": staged.headers[hmap.stage],
            "entered": staged.headers[hmap.entered_at]}))
        return
    draft.raw = join_outcomes(con, draft.raw, staged, key)
    draft.samples = _samples(con, draft.raw)
    draft.joined_with = second
    draft.notes.append(("join_key", key[0]))


def _archive_history(con, draft: Draft) -> None:
    """The stage history in the deals' own archive, when no history file is given: ``OpportunityHistory.csv``
    beside ``Opportunity.csv`` (readers/archive.py, ``history_beside``). Said in the quality report, naming
    both members; one that cannot be read, or holds no stage history, is left out with a warning that
    says why, and the deals are imported without it."""
    source, raw = draft.source, draft.raw
    member = archive_history(source.data, source.file_name, raw.sheet or "")
    if member is None:
        _archive_stage_list(con, draft)
        return
    said = {"archive": source.file_name, "deals": raw.sheet, "history": member}
    try:
        staged = stage_file(con, source.data, source.file_name, sheet=member, table="raw_history")
    except FunnelError as error:
        raw.notes.append(("archive.history_unread", {**error.params, **said, "reason_key": f"error.{error.code}"}))
        return
    hmap = propose_history_mapping(staged.headers, _samples(con, staged))
    if hmap is None:
        run(con, render("DROP TABLE IF EXISTS {t}", t=ident(staged.table)))
        raw.notes.append(("archive.history_unread", {**said, "file": staged.file_name,
                                                     "reason_key": "archive.not_a_history"}))
        return
    draft.history_source = Source(source.data, source.file_name, member)
    draft.history_raw, draft.history_mapping = staged, hmap
    raw.notes.append(("archive.history_member", said))


def _archive_stage_list(con, draft: Draft) -> None:
    """The CRM's list of stages in the deals' own archive (``pipelines.json`` beside ``leads.json``), read
    as a second file would be (stage_list.py; its note names the member). A table so named that is no
    list of stages is left alone: it is one of the archive's other tables."""
    member = archive_stage_list(draft.source.data, draft.source.file_name, draft.raw.sheet or "")
    if member is not None:
        _stage_list_beside(con, draft, member)


def _stream_stage_list(con, draft: Draft) -> None:
    """The CRM's list of stages among a connector's streams beside the deals' (HubSpot's ``deal_pipelines``
    through Airbyte), read as a second file would be: the stage ids take their names and the CRM's order."""
    stream = next((name for name in draft.raw.streams if is_stage_list_stream(name)), None)
    if stream is not None:
        _stage_list_beside(con, draft, stream)


def _stage_list_beside(con, draft: Draft, sheet: str) -> None:
    """Table ``sheet`` of the deals' own file (an archive's member, a connector's stream) as the CRM's list of
    stages, when it reads as one; else left alone (the deals do not need it)."""
    try:
        staged = stage_file(con, draft.source.data, draft.source.file_name, sheet=sheet, table="raw_history")
    except FunnelError:
        return
    listed = stage_list_of(con, staged)
    if listed is None:
        run(con, render("DROP TABLE IF EXISTS {t}", t=ident(staged.table)))
        return
    draft.stage_list = dataclasses.replace(listed, beside=True)


def _forget_remembered_list(draft: Draft) -> None:
    """A mapping remembered from an import with the CRM's stage list (``listed_stages``) holds that list's names as its
    stage order and outcomes. The next file of the same headers names its stages by the ids again (the list renamed
    them only in that import): without the list, the list's names were drawn as steps no deal is at before the ids
    themselves (survey 50: a smart process's «Новая заявка» 6 → … → «DT1036_8:NEW» 5 → …, every step but the first
    wrong). The order and outcomes are proposed afresh, the fields kept; given again, the list names them again."""
    mapping = draft.mapping
    if not mapping.listed_stages:
        return
    listed = {name for names in mapping.listed_stages.values() for name in names}
    fresh = propose_mapping(draft.raw.headers, draft.samples,
                            preset_name=mapping.preset if mapping.preset in PRESETS else None)
    mapping.stage_order, mapping.listed_stages = fresh.stage_order, None
    mapping.won_stages = [s for s in mapping.won_stages if s not in listed] or fresh.won_stages
    mapping.lost_stages = [s for s in mapping.lost_stages if s not in listed] or fresh.lost_stages


def _propose_deals(con, store, draft: Draft, preset: str | None) -> None:
    if preset is not None and preset not in PRESETS:
        raise FunnelError("import.unknown_preset", preset=preset, presets=", ".join(sorted(PRESETS)))
    raw = draft.raw
    remembered = store.remembered_mapping(header_key(raw.headers)) if store and not preset else None
    if remembered:
        draft.mapping, draft.remembered = Mapping.from_json(remembered), True
        _forget_remembered_list(draft)
    else:
        draft.mapping = propose_mapping(raw.headers, draft.samples, preset_name=preset)
        if draft.joined_with is not None:
            key = dict(draft.notes)["join_key"]
            draft.mapping.fields = {f: i for f, i in draft.mapping.fields.items() if i != key}
            draft.mapping.fields["deal_id"] = key
            draft.mapping.extras.pop(key, None)
        refine_deals_mapping(con, raw, draft.mapping)
        sheet_stage_order(con, draft)  # a workbook's own stage list beats a CRM's default order
        known_default_order(con, raw, draft.mapping)
    name_preset_ids(con, draft)
    raw = draft.raw
    if draft.stage_list is not None:
        if draft.pairs:  # «--map stage=status_id» names the column the list's ids are in (survey 42: refused)
            draft.mapping = with_pairs(draft.mapping, raw.headers, draft.pairs)
        try:
            apply_stage_list(con, draft, draft.stage_list)
        except FunnelError:
            if not draft.stage_list.beside:
                raise
            draft.stage_list = None  # found in the archive, not given: a list of other stages is not these deals'
        raw, draft.samples = draft.raw, _samples(con, draft.raw)
    if draft.joined_with is not None and draft.mapping.fields.get("stage", len(raw.headers)) >= len(raw.headers):
        draft.raw, index = with_lead_stage(con, raw)
        draft.mapping.fields["stage"] = index
    fold_stage_spellings(con, draft)
    draft.file_order = file_stage_order(con, draft.raw, draft.mapping)


def _looks_like_data(headers: list[str], samples: list[list[str | None]] | None = None) -> bool:
    r"""A first line of values, not names (a database dump: ``"100","Windrose","179500.00",\N,...``).

    A CRM export saved without its header row has more text than numbers in its first line (a deal's name,
    manager, stage, pipeline, source), so besides numbers, dates and NULLs a cell counts as a value when the
    same text is a value of its column further down (a manager, a stage: «Анна Смирнова», «Переговоры»),
    counted in the sample rows that are not the header again (two exports pasted together)."""
    named = [h.strip() for h in headers if h and h.strip()]
    data = [h for h in named if h in ("\\N", "NULL") or is_number(h) or is_date(h)]
    # a year or a count as a column name is a name; a date, a decimal or a NULL is a value
    telling = [h for h in data if h in ("\\N", "NULL") or is_date(h) or "." in h]
    recurring = _recurring_cells(headers, samples or [])
    values = len(data) + len([i for i in recurring if headers[i].strip() not in data])
    return len(named) >= 3 and 2 * values >= len(named) and (bool(telling) or len(recurring) >= 2)


def _recurring_cells(headers: list[str], samples: list[list[str | None]]) -> list[int]:
    """The header cells whose text is also a value of their column in a sample row other than a repeated
    header (a row sharing half its filled cells with the header is the header pasted again)."""
    filled = [i for i, h in enumerate(headers) if h and h.strip()]
    rows = [row for row in samples
            if 2 * sum(i < len(row) and (row[i] or "").strip() == headers[i].strip() for i in filled) < len(filled)]
    return [i for i in filled if any(i < len(row) and (row[i] or "").strip() == headers[i].strip() for row in rows)]


_STAGE_LIKE = re.compile(r"stage|status|step|phase|pipeline|этап|стади|статус|воронк|阶段|状态|进度|段階|ステータス",
                         re.IGNORECASE)


def _stage_like_first(headers: list[str], shown: int = 10) -> str:
    """The headers a refusal for want of a stage names: those that may hold it first (巨量引擎's «线索阶段»
    is its 15th column, past the ten a message shows), then the rest in file order."""
    ordered = sorted(headers, key=lambda h: not _STAGE_LIKE.search(h or ""))
    return ", ".join(ordered[:shown])


def is_lead_list(fields: dict) -> bool:
    """A list of leads with no stage or outcome (a form's or an ad platform's download: Meta Lead Ads, Typeform,
    Google Forms): each row a lead that came in at a time, from a source. Read as leads, all open, outcomes
    only (``stages.none`` says there is no funnel), instead of refused for want of a stage the file cannot have."""
    return "created_at" in fields and "source" in fields


# the columns that say how a deal ended, beside its stage
OUTCOME_COLUMNS = ("status", "won_flag", "won_at", "closed_flag", "lost_flag", "lost_at", "lost_reason")


def says_outcomes(fields: dict) -> bool:
    """Whether a deals mapping has a column that says how deals ended (:data:`OUTCOME_COLUMNS`)."""
    return any(f in fields for f in OUTCOME_COLUMNS)


def _nothing_says_the_outcome(draft: Draft) -> bool:
    """No stage, no stage history and no column of an outcome, in a file that is no lead list: the deals
    cannot be read (refused for want of a stage, unless a column holding stage names is taken)."""
    fields = draft.mapping.fields
    return "stage" not in fields and not draft.mapping.stage_entered and draft.history_raw is None \
        and not says_outcomes(fields) and not is_lead_list(fields)


def refuse_headerless(draft: Draft) -> None:
    """Refuse a file whose first line holds values, not titles (an export saved without its header row), naming
    its first six filled values. The Data page asks it before it proposes anything: the columns, the reading and
    the pickers would all be built from the first deal's values taken as titles."""
    if _looks_like_data(draft.raw.headers, draft.samples):
        raise FunnelError("import.no_header_row", file=draft.source.file_name,
                          headers=", ".join([h for h in draft.raw.headers if h and h.strip()][:6]))


def _check_required(draft: Draft) -> None:
    refuse_headerless(draft)
    if draft.shape == "deals":
        if _nothing_says_the_outcome(draft):
            others = [name for name in draft.raw.sheets if name != draft.raw.sheet]
            if others and draft.raw.archive is not None:  # an archive: the deals may be another member
                raise FunnelError("archive.missing_column", file=draft.raw.archive, field="stage",
                                  name_key="mapping.field.stage",  # the field in the reader's words
                                  headers=_stage_like_first(draft.raw.headers), member=draft.raw.sheet or "",
                                  members=", ".join(f"«{name}»" for name in others[:8]))
            if others:  # a workbook: the deals may be on another sheet
                raise FunnelError("import.missing_column_sheets", file=draft.source.file_name, field="stage",
                                  name_key="mapping.field.stage",  # the field in the reader's words
                                  headers=_stage_like_first(draft.raw.headers), sheet=draft.raw.sheet or "",
                                  sheets=", ".join(f"«{name}»" for name in others[:8]))
            raise FunnelError("import.missing_column", file=draft.source.file_name, field="stage",
                              name_key="mapping.field.stage", headers=_stage_like_first(draft.raw.headers))
    elif draft.shape == "events":
        if draft.mapping.entity is None or (draft.mapping.step is None and not draft.mapping.flags):
            _refuse_unmapped(draft)


def _file_dates(con, draft: Draft, raw: RawTable, mapping) -> FileDates:
    """The day/month order of the deals file's date columns and its history's, decided once (columns.py),
    and the dataset's zone."""
    columns = _date_columns(draft, raw, mapping)
    headers = list(raw.headers) + (list(draft.history_raw.headers) if draft.history_raw is not None else [])
    amount = (raw.table, f"c{mapping.fields['amount']}") if "amount" in mapping.fields else None
    dates = file_dates(con, columns, mapping.date_order, delimiter=draft.raw.delimiter, headers=headers, amount=amount,
                       known=draft.date_order_found)
    return dataclasses.replace(dates, timezone=draft.timezone)


def _date_columns(draft: Draft, raw: RawTable, mapping) -> list[tuple[str, str, str, str]]:
    """(table, staged column, header, field) of every date column of the deals file and its history."""
    columns = [(raw.table, f"c{i}", raw.headers[i], name) for name, i in mapping.fields.items()
               if field_kind(name) == "date"]
    columns += [(raw.table, f"c{i}", raw.headers[i], "stage_entered") for i in sorted(mapping.stage_entered)]
    if draft.history_raw is not None:
        hist, index = draft.history_raw, draft.history_mapping.entered_at
        columns.append((hist.table, f"c{index}", hist.headers[index], "history"))
    return columns


def _instants(con, draft: Draft, dates: FileDates, columns: list[tuple[str, str, str, str]]) -> list[Instants]:
    """The instants of the import's date columns (instants.py), from the profiles ``dates`` holds. A file of
    one row per stage is its history: its deals' dates are taken from its rows, counted there. A history
    file's column named as one of the deals file's is named with its file («CreatedDate (OpportunityHistory.csv)»)."""
    history = draft.history_raw
    if draft.stage_rows is not None and history is not None:
        columns = [c for c in columns if c[0] == history.table]
    deals_headers = {c[2] for c in columns if history is None or c[0] != history.table}
    by_table: dict[str, list] = {}
    for table, col, header, _name in columns:
        profile = dates.profiles.get((table, col))
        if history is not None and table == history.table and header in deals_headers:
            header = f"{header} ({history.file_name})"
        if isinstance(profile, ColumnProfile) and all(c[0] != col for c in by_table.get(table, [])):
            by_table.setdefault(table, []).append((col, header, profile))
    return [item for table, cols in by_table.items() for item in count_instants(con, table, cols)]


def build(con, draft: Draft, *, stages=None, into: str | None = None, drop_staged: bool = False) -> dict[str, Any]:
    """Build the canonical temp tables (imp_deals, imp_events, imp_stages, imp_counts, imp_quality).

    ``into``: a dataset schema created in the store's open transaction (``Store.begin_dataset``): a
    deals file's deals, events and stays are then built there directly (listed in ``in_place``)
    instead of as temp tables that the save would copy. ``drop_staged``: the staged history is not
    needed after this build (nothing keeps it): the staged history and the staged deals file are
    dropped as soon as they are typed, which frees their memory (or spill) before the windows run. Intermediate tables are dropped at the end."""
    _check_required(draft)
    check_stages(con, draft.raw, _stage_column(draft))
    if draft.history_raw is not None:
        check_stages(con, draft.history_raw, draft.history_mapping.stage)
    findings = Findings()
    for row in draft.raw.skipped:
        findings.add(f"file.skipped_{row.reason}", "warning" if row.reason in CUT_ROWS else "info",
                     row_no=row.row_no, value=row.text[:200])
    for reason in CUT_ROWS:  # deals not imported: a warning
        if n := sum(row.reason == reason for row in draft.raw.skipped):
            findings.add(f"file.skipped_{reason}", "warning", n=n)
    for code, params in draft.raw.notes:
        findings.add(code, "warning" if code in WARNING_NOTES else "info",
                     detail=json.dumps(params, ensure_ascii=False, default=str),
                     n=params.get("n") if code in WARNING_NOTES | COUNTED_NOTES else None)
    for table, ddl in (("imp_deals", DEALS_DDL), ("imp_events", EVENTS_DDL), ("imp_counts", COUNTS_DDL)):
        key = table[4:]
        ddl = ddl.replace("CREATE TABLE", "CREATE OR REPLACE TEMP TABLE")
        run(con, render(ddl, **{key: ident(table)}, extra_columns=""))
    rows_rejected = 0
    instants: dict[str, int] = {}
    if draft.shape == "deals":
        raw, mapping = draft.raw, draft.mapping
        if (unread := unread_amount_column(raw.headers, mapping, draft.samples)) is not None:
            header = raw.headers[unread[0]]
            findings.add("mapping.amount_unread", "warning", column=header, value=unread[1][:200],
                         detail=json.dumps({"column": header, "example": unread[1][:200]}, ensure_ascii=False),
                         n=None)
        else:  # columns of numbers no field took: named as possible amounts, money words first, then user fields
            for code, find in (("mapping.amount_candidates", amount_like_columns),
                               ("mapping.amount_user_fields", numeric_user_fields)):
                if unnamed := find(raw.headers, mapping, draft.samples):
                    named = ", ".join(f"«{raw.headers[i]}»" for i in unnamed[:4])
                    findings.add(code, "warning", column=raw.headers[unnamed[0]], n=None, detail=json.dumps(
                        {"columns": named, "column": raw.headers[unnamed[0]], "n": len(unnamed)}, ensure_ascii=False))
                    break
        partial = [("date.month_only", *c) for c in month_only_columns(raw.headers, mapping, draft.samples)]
        partial += [("date.no_year", *c) for c in yearless_date_columns(raw.headers, mapping, draft.samples)]
        for code, field, index, example in partial:
            header = raw.headers[index]
            findings.add(code, "warning", column=header, value=example[:200], n=None,
                         detail=json.dumps({"column": header, "example": example[:200],
                                            "field_key": f"mapping.field.{field}"}, ensure_ascii=False))
        keyed = None
        if "deal_id" not in mapping.fields and draft.history_raw is not None:
            # no id column, and a history keyed by a column of the list (its «Deal» names): that is the id
            skip = {i for f, i in mapping.fields.items() if f not in ("deal_name", "stage", "manager", "source")}
            keyed = history_key_column(con, raw, draft.history_raw, draft.history_mapping.deal_id, skip)
        if keyed is not None:
            mapping = dataclasses.replace(mapping, fields={**mapping.fields, "deal_id": keyed},
                                          extras={k: v for k, v in mapping.extras.items() if k != keyed})
            findings.add("deals.id_from_history", "info", column=raw.headers[keyed], n=None,
                         detail=json.dumps({"column": f"«{raw.headers[keyed]}»",
                                            "history": f"«{draft.history_raw.file_name}»"}, ensure_ascii=False))
        elif "deal_id" not in mapping.fields:  # a view export: one row is one deal
            raw, index = with_row_ids(con, raw)
            mapping = dataclasses.replace(mapping, fields={**mapping.fields, "deal_id": index})
            findings.add("deals.no_id_column", "info", n=None)
        if "stage" not in mapping.fields and mapping.stage_entered:  # stage dates only: the latest is the stage
            raw, index, at = with_latest_stage(con, raw, mapping.stage_entered, timezone=draft.timezone)
            mapping = dataclasses.replace(mapping, fields={"stage_changed_at": at, **mapping.fields, "stage": index})
        history_loaded, history_orders = False, True
        dates = _file_dates(con, draft, raw, mapping)
        draft.date_order_found = dates.found or draft.date_order_found
        instants = note_instants(findings, _instants(con, draft, dates, _date_columns(draft, raw, mapping)),
                                 draft.timezone)
        if draft.stage_rows is not None:
            findings.add("deals.change_log" if is_change_log(draft.stage_rows[0]) else "deals.stage_rows", "info",
                         column=draft.stage_rows[0], n=draft.stage_rows[1])
        if draft.history_raw is not None:
            name = draft.history_raw.file_name  # the file's name (an archive's: "export.zip › OpportunityHistory.csv")
            load_history(con, draft.history_raw, draft.history_mapping, findings, name, dates)
            if drop_staged:
                run(con, render("DROP TABLE IF EXISTS {t}", t=ident(draft.history_raw.table)))
            reconcile_names(con, raw, mapping.fields["deal_id"], mapping.fields.get("deal_name"), findings)
            reconcile_ids(con, raw, mapping.fields["deal_id"], findings)
            reconcile_stages(con, raw, mapping.fields.get("stage"), findings, name)
            compare_last_stages(con, raw, mapping.fields["deal_id"], mapping.fields.get("stage"), findings, name)
            history_orders = history_orders_stages(con, findings, name)
            history_loaded = True
        explicit = stages if stages else draft.file_order
        result = build_deals(con, raw, mapping, explicit_stages=explicit, users_order=bool(stages),
                             history_loaded=history_loaded,
                             findings=findings, history_orders=history_orders, into=into,
                             drop_raw=drop_staged, dates=dates, currency_kept=draft.currency_kept)
        rows_rejected = run(con, "SELECT count(DISTINCT row_no) FROM imp_rejected").fetchone()[0]
        for table in ("imp_hist", "imp_hist_pos", "imp_valid", "imp_rejected"):  # consumed
            run(con, render("DROP TABLE IF EXISTS {t}", t=ident(table)))
        deals_table = ident(into, "deals") if into else ident("imp_deals")
        empty_stage = only_outcomes = False
        if "stage" in mapping.fields and not history_loaded and not mapping.stage_entered:
            n_stages, n_open = run(con, "SELECT count(*), count(*) FILTER (WHERE kind = 'open') FROM imp_stages"
                                   ).fetchone()
            # no stage at all: the column is empty in every row (an API dump whose properties were not
            # requested); only end states (a list of finished leads: «Качественный лид», «Некачественный
            # лид»): no step to draw, and a one-bar funnel of the won stage would count the lost deals
            # as having reached it
            empty_stage, only_outcomes = n_stages == 0, n_stages > 0 and n_open == 0
        outcomes_only = empty_stage or only_outcomes or "stage" not in mapping.fields and not history_loaded \
            and not mapping.stage_entered
        if outcomes_only:  # no stage: outcomes without a funnel (issue 16, class 8)
            # no stage was ever recorded, so "lost at an unknown stage" says nothing either
            run(con, render("UPDATE {t} SET lost_stage_known = NULL", t=deals_table))
            findings.rows = [r for r in findings.rows
                             if r[0] not in ("stages.no_won", "stages.no_won_pipeline", "stages.no_won_yet",
                                             "deals.lost_stage_unknown")]
            if only_outcomes:  # like a status column: outcomes, and no bar of the won stage
                run(con, "DELETE FROM imp_stages WHERE kind <> 'lost'")
                result["meta"]["stage_order"] = {p: [] for p in result["meta"]["stage_order"]}
            if empty_stage or only_outcomes:
                findings.add("stages.empty" if empty_stage else "stages.only_outcomes", "warning",
                             column=raw.headers[mapping.fields["stage"]], n=None)
            elif candidate := stage_candidate(con, draft.raw, mapping):
                header, closing = candidate.header, candidate.closing
                findings.add("stages.none_candidate", "warning", column=header, n=None,
                             detail=json.dumps({"column": f"«{header}»", "header": header,
                                                "values": ", ".join(f"«{v}»" for v in closing)}, ensure_ascii=False))
            else:
                findings.add("stages.none", "warning", n=None)
        result["meta"]["outcomes_only"] = outcomes_only
        result["meta"]["order_source"] = ("user" if stages else "file" if draft.file_order else
                                          "history" if (history_loaded or mapping.stage_entered) and history_orders else
                                          "preset" if mapping.stage_order else "guess")
    elif draft.shape == "events":
        result = build_event_log(con, draft.raw, draft.mapping, explicit_stages=stages, findings=findings,
                                 file_name=draft.source.file_name, timezone=draft.timezone)
        instants = result["meta"].pop("instants", {})
        rows_rejected = result["rows_rejected"]
    elif draft.mapping.base is not None:  # an experiment's results: a funnel per metric
        result = build_experiment(con, draft.raw, draft.mapping, findings=findings)
        rows_rejected = result["rows_rejected"]
    else:
        result = build_counts(con, draft.raw, draft.mapping, explicit_stages=stages, findings=findings)
        rows_rejected = result["rows_rejected"]
    if draft.shape != "counts" and result["n_deals"] == 0:
        # nothing is stored, so no quality report to look in: the first refused row is named here
        first = next((r for r in findings.rows if r[1] == "error" and r[2] is not None), None)
        if first is None:
            raise FunnelError("import.no_valid_rows", file=draft.source.file_name, rejected=rows_rejected)
        code, _severity, row_no, column, value = first[:5]
        raise FunnelError("import.no_valid_rows_example", file=draft.source.file_name, rejected=rows_rejected,
                          row=row_no, column=column or "—", value=value if value is not None else "",
                          reason_key=f"quality.{code}")
    findings.write(con, "imp_quality")
    meta = dict(result["meta"])
    meta["mapping"] = _mapping_summary(draft)
    meta["sheet"] = draft.raw.sheet
    meta["encoding"] = draft.raw.encoding
    meta["detected_shape"] = draft.detected_shape or draft.shape
    meta["order_guessed"] = "stages.order_guessed" in findings.codes()
    meta["guessed_pipelines"] = guessed_pipelines(findings.rows)
    # a sale or a loss taken from the close dates (deals.py _outcome_by_date): the pages say it beside the numbers
    meta["outcome_guesses"] = [{"code": r[0], "stage": r[4]} for r in findings.rows if r[0] in OUTCOME_NOTES]
    if draft.counts_read_as is not None:  # a refresh reads next week's report the same way; the pages say a guess
        meta["counts_read_as"], meta["counts_guessed"] = draft.counts_read_as
    meta["timezone"] = draft.timezone  # kept for a refresh and an edit (dataset_edit.py)
    if draft.date_order_found:  # the day/month order the values settled: a refresh reads next week's dates so
        meta["date_order_found"] = draft.date_order_found
    if found := next((r[4] for r in findings.rows if r[0] in CURRENCY_FOUND), None):
        meta["currency_found"] = found  # a refresh whose amount column names no currency keeps it
    meta["instants"] = instants  # header -> values: where a zone changes anything
    if draft.shape == "deals":
        meta["mapping_json"] = draft.mapping.to_json()  # for a refresh or an edit after import
    else:  # an event log's or a counts table's columns, for an edit after import (dataset_edit._stored_draft)
        meta["shape_mapping"] = dataclasses.asdict(draft.mapping)
    if draft.joined_with is not None:
        meta["joined_file"] = draft.joined_with.file_name
    if draft.stage_names is not None:
        meta["stage_names"] = draft.stage_names  # a refresh with the deals alone names them the same
    tables = {"deals": "imp_deals", "events": "imp_events", "stages": "imp_stages",
              "counts": "imp_counts", "quality": "imp_quality"}
    meta["capabilities"] = derive_capabilities(con, {k: ident(v) for k, v in tables.items()},
                                               draft.shape, meta).to_json()
    return {
        "tables": {**tables, **{t: f"imp_{t}" for t in derived_tables(result["meta"])}},
        "in_place": ["deals", "events", *DERIVED_TABLES] if into and draft.shape == "deals" else [],
        "shape": draft.shape,
        "rows_read": draft.rows_read,
        "rows_rejected": rows_rejected + draft.rows_shifted,
        # rows kept with an unreadable amount or date: a mapping that reads few is not remembered (a row
        # with both counts twice: the sum only decides whether the mapping is remembered)
        "rows_unread": sum(r[6] or 0 for r in findings.rows if r[0] in KEPT_KINDS.values() and r[2] is None),
        "n_deals": result["n_deals"],
        "n_events": result["n_events"],
        "meta": meta,
        "source_file": draft.source.file_name,
        "source_hash": draft.source_hash,
        "history_file": draft.history_raw.file_name if draft.history_source and draft.history_raw
        else draft.joined_with.file_name if draft.joined_with else None,
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
        if m.base is not None:
            out["fields"]["users"] = headers[m.base]
    if draft.history_mapping is not None:
        hh = draft.history_raw.headers
        hm = draft.history_mapping
        out["history"] = {"deal_id": hh[hm.deal_id], "stage": hh[hm.stage], "entered_at": hh[hm.entered_at]}
    return out


def finish(con, store, draft: Draft, *, stages=None, name: str | None = None, remember: bool = True):
    """Build and store the dataset. Its big tables are built in place, in the new dataset's schema
    inside one store transaction: committed by the save, rolled back on any failure."""
    from ..dataset_edit import KEEP_RAW_MAX_ROWS, keep_raw  # the edit module imports this one

    dataset_id = store.begin_dataset(con)
    try:
        built = build(con, draft, stages=stages, into=f"ds_{dataset_id}",
                      drop_staged=draft.raw.n_rows > KEEP_RAW_MAX_ROWS)  # too big to keep (keep_raw)
        built["name"] = (name or "").strip() or Path(draft.source.file_name).stem
        built["meta"]["user_stage_order"] = stages or None
        info = store.save(con, built, dataset_id=dataset_id)
    except BaseException:
        store.abandon_dataset(con)
        raise
    keep_raw(store, con, info.id, draft)
    if remember and draft.shape == "deals" and _clean_enough(built):
        store.remember_mapping(header_key(draft.raw.headers), draft.mapping.to_json())
    store.checkpoint()  # the new dataset in the .duckdb file itself, not only in its write-ahead log
    return info, built


def _clean_enough(built: dict[str, Any]) -> bool:
    """A mapping is remembered for the next file with these headers only when it read this one:
    a mapping under which most rows were rejected or their amounts unreadable (a broken file, a wrong
    column) would do the same to the rows of the next, clean file."""
    return (built["rows_rejected"] + built.get("rows_unread", 0)) * 2 <= built["rows_read"]


def guessed_pipelines(rows) -> list[str]:
    """The pipelines whose stage order is a guess, from quality rows (code, severity, row, column, value, detail,
    …): "" for a dataset's one order (a file without pipelines, an event log's steps). The pages say the guess on
    those pipelines only (survey 31: the main pipeline's pages said «a guess» for a new pipeline's order)."""
    return sorted({r[5] or "" for r in rows if r[0] == "stages.order_guessed"})


def import_file(store, path: Path | bytes, file_name: str | None = None, *, history=None,
                history_name: str | None = None, preset=None, stages=None, name=None, sheet=None,
                force: bool = False, shape: str | None = None, mapping_pairs: list[str] | None = None,
                header_rows: tuple[int, int] | None = None, timezone: str | None = None, lang: str | None = None):
    """Prepare + finish with the proposed mapping, changed by ``mapping_pairs`` (``FIELD=HEADER``, the
    CLI's ``--map``); ``header_rows``: the main file's header row(s), 1-based (``--header-row``);
    ``timezone``: the dataset's zone, an IANA name (``--timezone``; refused before anything is read when
    unknown). Returns (DatasetInfo, built, draft)."""
    zone = check_zone(timezone)
    file_name = file_name or (Path(path).name if not isinstance(path, bytes) else "upload.csv")
    hist = None
    if history is not None:
        hist = Source(history, history_name or (Path(history).name if not isinstance(history, bytes) else "history.csv"))
    budgets = (first_budget(_input_bytes(path) + (_input_bytes(history) if history is not None else 0)),
               *RETRY_BUDGETS[1:])
    for k, budget in enumerate(budgets):
        try:
            with store.connect() as con, _memory_budget(con, budget):
                draft = prepare(con, store, Source(path, file_name, sheet, header_rows), history=hist, preset=preset,
                                shape=shape, mapping_pairs=mapping_pairs, lang=lang)
                draft.timezone = zone
                same = _same_import(store, draft.source_hash, zone) if draft.duplicate_of and not force else None
                if same is not None:
                    raise FunnelError("import.duplicate", file=file_name, dataset=same["id"], name=same["name"])
                if stages is not None:  # a typo is refused, not an empty bar (read only when an order is given)
                    stages = checked_order(stages, draft_stages(con, draft))
                info, built = finish(con, store, draft, stages=stages, name=name)
            return info, built, draft
        except FunnelError as exc:
            if exc.code != "store.out_of_memory" or k == len(budgets) - 1:
                raise
    raise AssertionError("unreachable")


def _same_import(store, source_hash: str, zone: str | None) -> dict[str, Any] | None:
    """A stored dataset of the same file read the same way, or None. The same file read in another zone
    is not one: importing it again with ``--timezone`` is what the ``tz.instants_utc`` note advises. A
    file without instants reads the same in any zone; a dataset imported before zones were kept (no
    ``instants`` in its meta) may have had some."""
    for row in store.datasets():
        meta = row.get("meta") or {}
        if row["source_hash"] == source_hash and (meta.get("timezone") == zone or meta.get("instants", True) == {}):
            return row
    return None


# An import that does not fit the store's memory budget (FUNNEL_MEMORY_LIMIT) is tried again from
# scratch with a larger one, then with DuckDB's own default (80 % of RAM): slower, never refused
# for memory a machine has. Nothing is stored by a failed attempt (temp tables, one transaction).
RETRY_BUDGETS = (None, "2GB", "default")
# The first attempt of a big import starts with a budget of its input's size / INPUT_PER_BUDGET when
# that is above the store's: at 10M deals + 44M history rows (2.5 GB of CSV) the 400MB budget ran out
# in the events statement after spilling every table before it (minutes of work thrown away, then
# done again at 2GB: peak 2.5 GB); started at 1GB the same import went through with a peak of
# ~1.4 GB. Files up to ~1 GB keep the store's budget. Never above the first retry's 2GB.
INPUT_PER_BUDGET = 2.4


def _input_bytes(data: Path | bytes) -> int:
    if isinstance(data, bytes):
        return len(data)
    try:
        return Path(data).stat().st_size
    except OSError:
        return 0  # the reader says what is wrong with the file


def first_budget(input_bytes: int) -> str | None:
    """The first attempt's memory budget for an import of ``input_bytes``: None keeps the store's."""
    configured = budget_bytes(memory_limit())
    wanted = min(input_bytes / INPUT_PER_BUDGET, 2 * 10**9)
    if configured is None or wanted <= configured:
        return None
    return f"{int(wanted // 2**20)}MiB"


@contextmanager
def _memory_budget(con, budget: str | None):
    if budget is None:
        yield
        return
    run(con, "RESET memory_limit" if budget == "default" else f"SET memory_limit = '{budget}'")
    try:
        yield
    finally:
        configured = memory_limit()
        run(con, "RESET memory_limit" if configured is None else render(
            "SET memory_limit = {v}", v="'" + configured.replace("'", "") + "'"))
