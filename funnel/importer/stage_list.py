"""The CRM's own list of stages as the second file: names and order for the stage ids of an API export.

An API's deal list names each deal's stage by an id: amoCRM's ``status_id`` 4001, Pipedrive's
``stage_id`` 7, Bitrix24's ``STAGE_ID`` ``C1:UC_7X2KQ1``. The names and their order live in another
answer of the same API, which people save beside the deals: amoCRM's ``/api/v4/leads/pipelines``
(each pipeline's ``_embedded.statuses``: ``id, name, sort, pipeline_id``), Pipedrive's ``/v1/stages``
(``id, order_nr, name, pipeline_id``), Bitrix24's ``crm.status.list`` / ``crm.dealcategory.stage.list``
(``STATUS_ID, NAME, SORT, SEMANTICS``), Salesforce's ``OpportunityStage`` (``SELECT MasterLabel,
ApiName, SortOrder, IsClosed, IsWon``: the deals' ``StageName`` holds the ``ApiName``). Given as the
second file, such a list (a few hundred rows at most, an id, a name and an order column) renames the
deals' stage ids to their names and gives the funnel its order: the CRM's own, not a guess; when it
names the pipelines (Pipedrive's ``pipeline_name``, amoCRM's pipeline records), the deals' pipeline ids
take those names too. ``SEMANTICS`` S / F (Bitrix24), ``IsWon`` / ``IsClosed`` (Salesforce) or ``category`` won / lost /
unqualified (Zendesk Sell) mark the won / lost stages; the CRM's fixed closing ids (amoCRM's 142 / 143) keep their meaning under their
names. Said in the quality report (``stage_list.applied``); a list whose ids are not the deals' stages
is refused by name.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..errors import FunnelError
from ..mapping import classify_stage_name
from ..mapping.normalize import normalize_header
from ..mapping.order_status import is_order_list, order_outcome
from ..mapping.presets import PRESETS
from ..readers import RawTable
from ..readers.values import TRUE_WORDS
from ..sql import ident, render, run

MAX_ROWS = 2_000  # an account's pipelines × stages; a longer table is a list of deals
# the columns of a stage list, normalised headers in order of preference
ID_HEADERS = ("status_id", "stage_id", "statusid", "stageid", "apiname", "id")
NAME_HEADERS = ("name", "stage name", "status name", "stage_name", "status_name", "title", "label", "masterlabel")
SORT_HEADERS = ("sort", "order_nr", "sort_order", "sortorder", "order", "position", "display_order", "displayorder",
                "rank")
# without an order column, a list whose id or name says stage (a database's lookup table ``stage_id, stage_name,
# win_probability``) is in the order of its win probability, else of its rows
STAGE_ID_HEADERS = ("status_id", "stage_id", "statusid", "stageid")
STAGE_NAME_HEADERS = ("stage name", "status name", "stage_name", "status_name")
PROBABILITY_HEADERS = ("win_probability", "probability", "deal_probability", "defaultprobability", "win probability")
# Zendesk Sell's ``/v2/stages`` write a stage's kind as its ``category`` (incoming, qualified, quote, custom, won,
# lost, unqualified): survey 49, a company's renamed closing stages («Signed», «Dropped») were steps, 0 won
SEMANTICS_HEADERS = ("semantics", "semantic", "status_semantic_id", "stage_semantic_id", "category")
# Salesforce's OpportunityStage (SELECT MasterLabel, ApiName, SortOrder, IsClosed, IsWon): won, and closed not won
WON_FLAG_HEADERS = ("iswon", "is_won")
CLOSED_FLAG_HEADERS = ("isclosed", "is_closed")
PIPELINE_HEADERS = ("pipeline_id", "category_id", "entity_id", "pipeline")
PIPELINE_NAME_HEADERS = ("pipeline_name", "category_name")
SEMANTIC_KINDS = {"s": "won", "f": "lost", "won": "won", "lost": "lost", "unqualified": "lost"}
MIN_MATCHED = 0.8  # of the deals' distinct stages, found among the list's ids


@dataclasses.dataclass
class StageList:
    raw: RawTable
    ids: list[int]  # candidate id columns, best first (Bitrix24: STATUS_ID before ID)
    name: int
    sort: int | None  # the order column; None: the rows' order
    semantics: int | None
    pipeline: int | None
    pipeline_name: int | None = None
    won_flag: int | None = None
    closed_flag: int | None = None
    beside: bool = False  # found in the deals' archive, not given: one that does not fit is left out
    deals_column: int | None = None  # a plain «id, name» list: the deals' column its ids were found in


def stage_list_of(con, raw: RawTable, deals: RawTable | None = None) -> StageList | None:
    """The columns of a stage list, when ``raw`` is one by its headers and size, or (a plain ``id, name`` list)
    by its ids being the values of a column of ``deals``; else None."""
    if raw.n_rows > MAX_ROWS:
        return None
    norm = [normalize_header(h or "") for h in raw.headers]

    def find(names: tuple[str, ...]) -> list[int]:
        return [norm.index(n) for n in names if n in norm]

    ids, names, sorts = find(ID_HEADERS), find(NAME_HEADERS), find(SORT_HEADERS)
    if not ids or not names:
        return None
    deals_column = None
    if not sorts:
        if not any(norm[i] in STAGE_ID_HEADERS for i in ids) and not any(norm[i] in STAGE_NAME_HEADERS for i in names):
            deals_column = _deals_column(con, raw, ids[0], deals) if deals is not None else None
            if deals_column is None:
                return None  # «id, name» alone is any lookup table (owners, sources), not a list of stages
        if not _distinct(con, raw, next((i for i in ids if norm[i] in STAGE_ID_HEADERS), ids[0])):
            return None  # a stage id repeated: deals or outcomes by stage, not the list of stages
        sorts = find(PROBABILITY_HEADERS)
    semantics, pipelines, pipeline_names = find(SEMANTICS_HEADERS), find(PIPELINE_HEADERS), find(PIPELINE_NAME_HEADERS)
    won, closed = find(WON_FLAG_HEADERS), find(CLOSED_FLAG_HEADERS)
    return StageList(raw, ids, names[0], sorts[0] if sorts else None,
                     semantics[0] if semantics else None, pipelines[0] if pipelines else None,
                     pipeline_names[0] if pipeline_names else None, won[0] if won else None,
                     closed[0] if closed else None, deals_column=deals_column)


def _deals_column(con, raw: RawTable, column: int, deals: RawTable) -> int | None:
    """The deals' column whose values the list's ids (column ``column``) are, else None: a plain ``id, name``
    answer (KeyCRM's ``/order/status``, SalesDrive's ``/api/statuses/``, LPTracker's funnel, Brevo's pipeline
    stages; survey 42: all six refused as «no deal id, stage and date columns») given beside deals that name
    their stages by those ids. Which column, and that it is the stage, :func:`apply_stage_list` checks."""
    if not _distinct(con, raw, column):
        return None
    ids = {str(r[0]).strip() for r in run(con, render("SELECT {c} FROM {t} WHERE {c} IS NOT NULL", c=ident(f"c{column}"),
                                                       t=ident(raw.table))).fetchall()}
    return _column_of_ids(con, deals, ids)


def _column_of_ids(con, deals: RawTable, ids: set[str], taken: frozenset[int] | set[int] = frozenset()) -> int | None:
    """The deals' column (not one of ``taken``) whose values ``ids`` name best: at least ``MIN_MATCHED`` of its two
    or more distinct values; else None."""
    best: tuple[int, int] | None = None  # (matched, column)
    for i in range(len(deals.headers)):
        if i in taken:
            continue
        values = {str(r[0]).strip() for r in run(con, render(
            "SELECT DISTINCT {c} FROM {t} WHERE {c} IS NOT NULL LIMIT {k}", c=ident(f"c{i}"), t=ident(deals.table),
            k=str(MAX_ROWS + 1))).fetchall()}
        matched = len(values & ids)
        if 2 <= len(values) <= MAX_ROWS and matched >= MIN_MATCHED * len(values) and (best is None or matched > best[0]):
            best = (matched, i)
    return best[1] if best else None


def _distinct(con, raw: RawTable, column: int) -> bool:
    n, distinct = run(con, render("SELECT count({c}), count(DISTINCT {c}) FROM {t}", c=ident(f"c{column}"),
                                  t=ident(raw.table))).fetchone()
    return n > 0 and n == distinct


def apply_stage_list(con, draft, found: StageList) -> None:
    """Rename the deals' stage ids to the list's names (a view over the staged deals), and set the
    mapping's stage order and won / lost stages from the list. Refused when the ids are not the deals'."""
    raw, mapping = draft.raw, draft.mapping
    rows = run(con, render("SELECT * FROM {t} ORDER BY row_no", t=ident(found.raw.table))).fetchall()
    if "stage" not in mapping.fields:
        # the list says which column is the stage: its ids are that column's values (KeyCRM's status_id; survey 43:
        # on the Data page the stage could not be picked before the list refused the import)
        taken = set(mapping.fields.values())
        ids_in = found.deals_column if found.deals_column is not None and found.deals_column not in taken else \
            _column_of_ids(con, raw, set().union(*(_ids(rows, c) for c in found.ids)), taken)
        if ids_in is not None:
            mapping.fields["stage"] = ids_in
            mapping.extras.pop(ids_in, None)
    if "stage" not in mapping.fields:
        raise FunnelError("stage_list.no_stage", file=found.raw.file_name)
    stage = f"c{mapping.fields['stage']}"
    deal_stages = {r[0] for r in run(con, render("SELECT DISTINCT {s} FROM {t} WHERE {s} IS NOT NULL",
                                                 s=ident(stage), t=ident(raw.table))).fetchall()}
    # (matched, id column): the id column naming most of the deals' stages (Bitrix24: STATUS_ID, not ID)
    best = max(((len(deal_stages & _ids(rows, column)), column) for column in found.ids), key=lambda m: m[0])
    if not deal_stages or best[0] < MIN_MATCHED * len(deal_stages):
        missing = sorted(deal_stages - _ids(rows, best[1]))[:5]
        raise FunnelError("stage_list.unmatched", file=found.raw.file_name, stages=", ".join(f"«{s}»" for s in missing))
    by_id = _entries(rows, found, best[1])
    pipelines = _pipeline_names(rows, found)
    rename = {i: e[0] for i, e in by_id.items()}
    names_of: dict[str, Any] = {"file": found.raw.file_name, "stages": rename, "pipelines": pipelines}
    _name_ids(con, draft, names_of)
    draft.stage_names = names_of
    ordered = sorted(((*e, i) for i, e in by_id.items()), key=lambda e: (e[3], e[1], e[0]))
    names = list(dict.fromkeys(name for name, *_rest in ordered))
    won = [rename.get(s, s) for s in mapping.won_stages] + [e[0] for e in ordered if e[2] == "won"]
    lost = [rename.get(s, s) for s in mapping.lost_stages] + [e[0] for e in ordered if e[2] == "lost"]
    if is_order_list(raw.headers):  # an order list's «Виконано» / «Скасовано» end it, though the list marks neither
        won += [e[0] for e in ordered if e[2] is None and order_outcome(e[0]) == "won"]
        lost += [e[0] for e in ordered if e[2] is None and order_outcome(e[0]) == "lost"]
    mapping.won_stages = [s for s in dict.fromkeys(won) if s in names or classify_stage_name(s) == "won"]
    mapping.lost_stages = [s for s in dict.fromkeys(lost) if s in names or classify_stage_name(s) == "lost"]
    mapping.stage_order = [s for s in names if s not in mapping.lost_stages]
    # the deals' "date entered <stage id>" columns (HubSpot's hs_date_entered_appointmentscheduled) name the same ids
    mapping.stage_entered = {i: (rename.get(s, s), p) for i, (s, p) in mapping.stage_entered.items()}
    mapping.listed_stages = _listed(ordered, deal_stages, pipelines, "pipeline" in mapping.fields)
    mapping.stage_sort = None
    raw.notes.append(("stage_list.applied", {"file": found.raw.file_name, "n": len(names),
                                            "renamed": best[0], "deals": len(deal_stages)}))


def _listed(ordered: list[tuple[str, float, str | None, str, str]], deal_stages: set[str], pipelines: dict[str, str],
            by_pipeline: bool) -> dict[str, list[str]]:
    """The list's stages in its order, per pipeline as the deals will name it: those of the list's pipelines
    that hold a deal (a stage no deal reached is drawn at 0; another pipeline's stages are not these deals').
    The deals' ids are matched before renaming: ``deal_stages`` holds ids, ``ordered`` names, so each
    entry's id is looked up through the names its rows gave."""
    out: dict[str, list[str]] = {}
    used = {e[3] for e in ordered if e[4] in deal_stages}
    for name, _sort, _kind, pipeline, _id in ordered:
        if pipeline in used:
            out.setdefault(pipelines.get(pipeline, pipeline) if by_pipeline else "", []).append(name)
    return {p: list(dict.fromkeys(names)) for p, names in out.items()}


def keep_stage_names(con, draft, kept: dict[str, Any]) -> None:
    """A refresh with the deals alone: the stage (and pipeline) ids are named as the stage list given
    with an earlier import named them (``kept``, the dataset's ``meta["stage_names"]``), so next week's
    API answer is drawn with the same names and order. Nothing happens when the file's stages are not
    those ids (an export that names its stages). Ids the list does not know (a stage added in the CRM
    since) stay ids, with a warning that asks for this week's list."""
    mapping = draft.mapping
    if "stage" not in mapping.fields or not kept.get("stages"):
        return
    stage = f"c{mapping.fields['stage']}"
    counts = dict(run(con, render("SELECT {s}, count(*) FROM {t} WHERE {s} IS NOT NULL GROUP BY {s}",
                                  s=ident(stage), t=ident(draft.raw.table))).fetchall())
    deal_stages = set(counts)
    named = deal_stages & set(kept["stages"])
    if not named:
        return
    notes = draft.raw.notes
    _name_ids(con, draft, kept)
    draft.stage_names = kept
    notes.append(("stage_list.kept", {"file": kept.get("file") or "", "renamed": len(named), "deals": len(deal_stages)}))
    unknown = sorted(deal_stages - named - set(kept["stages"].values()))
    if unknown:
        notes.append(("stage_list.kept_unknown", {"file": kept.get("file") or "", "n": sum(counts[s] for s in unknown),
                                                  "stages": ", ".join(f"«{s}»" for s in unknown[:8])}))


def _name_ids(con, draft, names_of: dict[str, Any]) -> None:
    """Replace the staged deals by a view whose stage (and pipeline) ids read as their names."""
    raw, mapping = draft.raw, draft.mapping
    stage = f"c{mapping.fields['stage']}"
    run(con, "CREATE OR REPLACE TEMP TABLE imp_stage_names (id VARCHAR, name VARCHAR)")
    con.executemany("INSERT INTO imp_stage_names VALUES (?, ?)", list(names_of["stages"].items()))
    run(con, "CREATE OR REPLACE TEMP TABLE imp_pipeline_names (id VARCHAR, name VARCHAR)")
    pipelines = names_of.get("pipelines") or {}
    if pipelines and "pipeline" in mapping.fields:  # Pipedrive's pipeline_name, amoCRM's pipeline's name
        con.executemany("INSERT INTO imp_pipeline_names VALUES (?, ?)", list(pipelines.items()))
    pipeline = ident(f"c{mapping.fields['pipeline']}") if "pipeline" in mapping.fields else None
    view = raw.table + "_named"
    run(con, render("CREATE OR REPLACE TEMP VIEW {v} AS SELECT r.* REPLACE (COALESCE(m.name, r.{s}) AS {s}{p}) "
                    "FROM {t} r LEFT JOIN imp_stage_names m ON m.id = r.{s} {join}",
                    v=ident(view), s=ident(stage), t=ident(raw.table),
                    p=render(", COALESCE(pn.name, r.{c}) AS {c}", c=pipeline) if pipeline else "",
                    join=render("LEFT JOIN imp_pipeline_names pn ON pn.id = r.{c}", c=pipeline) if pipeline else ""))
    draft.raw = dataclasses.replace(raw, table=view)


def _kind(row: tuple, found: StageList) -> str | None:
    """"won" / "lost" / None of a list's stage: Bitrix24's SEMANTICS S / F, Zendesk Sell's category, or Salesforce's
    IsWon / IsClosed."""
    if found.semantics is not None:
        semantic = row[1 + found.semantics]
        return SEMANTIC_KINDS.get(str(semantic).strip().lower()) if semantic is not None else None
    def flag(column: int | None) -> bool:
        return column is not None and str(row[1 + column] or "").strip().lower() in TRUE_WORDS
    if flag(found.won_flag):
        return "won"
    return "lost" if flag(found.closed_flag) else None


def _pipeline_names(rows: list[tuple], found: StageList) -> dict[str, str]:
    """pipeline id -> its name, when the list names its pipelines (one name per id)."""
    if found.pipeline is None or found.pipeline_name is None:
        return {}
    out: dict[str, str] = {}
    for r in rows:
        pid, name = r[1 + found.pipeline], r[1 + found.pipeline_name]
        if pid is not None and name is not None:
            out.setdefault(str(pid).strip(), str(name).strip())
    return out


def _ids(rows: list[tuple], column: int) -> set[str]:
    return {str(r[1 + column]).strip() for r in rows if r[1 + column] is not None}


def _entries(rows: list[tuple], found: StageList, id_column: int) -> dict[str, tuple[str, float, str | None, str]]:
    """id -> (name, sort, won/lost/None, pipeline) for every row with an id and a name (the first of a
    repeated id: an id shared by two pipelines names one stage in both)."""
    out: dict[str, tuple[str, float, str | None, str]] = {}
    for r in rows:
        cell = r[1 + id_column]
        name = r[1 + found.name]
        if cell is None or name is None or str(cell).strip() in out:
            continue
        try:
            sort = float(str(r[1 + found.sort]).replace(",", ".")) if found.sort is not None else float(r[0])
        except (TypeError, ValueError):
            sort = float("inf")
        kind = _kind(r, found)
        pipeline = str(r[1 + found.pipeline] or "") if found.pipeline is not None else ""
        out[str(cell).strip()] = (str(name).strip(), sort, kind, pipeline)
    return out


def name_preset_ids(con, draft) -> None:
    """A preset's fixed stage ids read as the CRM's default names (``stage_id_names``: Odoo's
    ``crm.stage_lead1`` is «New»), so the preset's default order and won stage apply; said in the quality
    report. A company's own stages (``__export__.crm_stage_7_…``) stay as written."""
    mapping = draft.mapping
    names = PRESETS.get(mapping.preset or "", {}).get("stage_id_names")
    if not names or "stage" not in mapping.fields:
        return
    stage = ident(f"c{mapping.fields['stage']}")
    present = {r[0] for r in run(con, render("SELECT DISTINCT {s} FROM {t} WHERE {s} IS NOT NULL",
                                             s=stage, t=ident(draft.raw.table))).fetchall()}
    named = {i: n for i, n in names.items() if i in present}
    if not named:
        return
    run(con, "CREATE OR REPLACE TEMP TABLE imp_preset_stage_names (id VARCHAR, name VARCHAR)")
    con.executemany("INSERT INTO imp_preset_stage_names VALUES (?, ?)", sorted(named.items()))
    view = draft.raw.table + "_ids_named"
    run(con, render("CREATE OR REPLACE TEMP VIEW {v} AS SELECT r.* REPLACE (COALESCE(m.name, r.{s}) AS {s}) "
                    "FROM {t} r LEFT JOIN imp_preset_stage_names m ON m.id = r.{s}",
                    v=ident(view), s=stage, t=ident(draft.raw.table)))
    draft.raw = dataclasses.replace(draft.raw, table=view)
    draft.raw.notes.append(("stage_list.preset_named", {"n": len(named), "stages": ", ".join(
        f"{i} → {n}" for i, n in sorted(named.items()))}))
