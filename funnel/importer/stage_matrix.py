"""A CRM's matrix report of deal counts, stages against owners, read as the long report it folds.

CRMs print the deals at each stage per owner as a matrix (survey 27): ERPNext's «Opportunity Summary by
Sales Stage» (owner rows, one column per sales stage, empty cells for none), HubSpot's pivoted custom
report (owner rows, «Closed won» and «Closed lost» columns, a «Total»), a Salesforce matrix report
(stage rows, one column per owner). Read as wide counts, each owner's row became a funnel of reached
counts: «Closed lost» a step, «Closed won» 4 after «Contract sent» 1 a 400 % step, the owners lost; with
a «Total» column the file was refused, and stage rows by owner columns became one deal per row (5 deals
for 27).

Such a table is unfolded into one row per (row label, column, count): ``Owner, Stage, Count``. A matrix
with stages as columns counts the deals at each stage now when a column is a lost stage, or when its row
label is an owner and a row's count rises along the stages (no deal reaches a later stage without the
earlier one: ERPNext's empty cells before a filled one): it is then read as those deals, each with its
owner (stage_counts.py). Stages as rows are unfolded whatever they count; the long table's own rules then
tell current from reached counts. A «Total» column (or row) is left out: its counts are the others'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..mapping import cell_kinds as sv
from ..mapping import classify_stage_name
from ..mapping.normalize import normalize_header
from ..mapping.synonyms import NORMALIZED_SYNONYMS
from ..readers.staging import RawTable
from ..sql import ident, render, run
from .columns import number_expr
from .counts import TOTAL_WORDS

# a column of counts is named by who or what it counts for (an owner, a stage, a month), never by a measure
# («Count of Deals», «Deals won», «Won deals value», «Сумма»); a stage may hold such a word inside its name
# («Value Proposition», «Proposal/Price Quote»): «value», «price», «time» are measures only as the last word
_MEASURE = re.compile(r"\b(?:count|number|qty|amount|sum|revenue|budget|cost|rate|conversion|percent|share|days|average|"
                      r"avg|probability|deals|opportunities|leads|users|sessions|visits|total)\b|%|(?:value|price|time)$|"
                      r"сумм|бюджет|количеств|кол-во|\bчисло|сделки|сделок|лидов|процент|доля|конверс|\bдн(?:ей|и|я)?\b|"
                      r"время|金额|数|率")
# the headers a matrix's row labels carry when they are stages
_STAGE_HEADERS = set(NORMALIZED_SYNONYMS["stage"]) | {"stage", "deal stage", "opportunity stage", "row labels",
                                                      "этап", "стадия", "阶段"}
_PERSON = re.compile(r"^[^\W\d_][^\W\d_'.-]*(?:[ .'-]+[^\W\d_][^\W\d_'.-]*)+$|^[^@\s]+@[^@\s]+\.\w+$")


@dataclass
class Matrix:
    raw: RawTable  # the unfolded table: owner, stage, count
    current: bool  # its counts are the deals at each stage now
    stage_order: list[str] | None  # the stages as the matrix's columns list them (the CRM's order)
    file_rows: int  # the matrix's own rows (its «Total» too): the rows read


def melted(con, raw: RawTable, samples, *, told: bool = False) -> Matrix | None:
    """``raw`` unfolded into ``Owner, Stage, Count`` rows (module docstring), when it is such a matrix; else None. ``told``: the user said its counts are the
    deals at each stage now (``--shape stage_counts``)."""
    found = _matrix(raw, samples)
    if found is None:
        return None
    label, columns, stages_in_columns = found
    headers = [normalize_header(h) for h in raw.headers]
    if stages_in_columns:
        current = told or _current_by_columns(con, raw, label, columns, headers)
        if not current:
            return None  # each owner's own funnel of reached counts: wide counts, as before
        names = (raw.headers[label], "Stage")
    else:
        current = False
        names = ("Owner" if all(_PERSON.match(raw.headers[i].strip()) for i in columns) else "Group", raw.headers[label])
    cells = " UNION ALL ".join(
        render("SELECT row_no, {k} AS col, {lab} AS lab, $h{k} AS head, {n} AS n FROM {t}",
               k=str(k), lab=ident(f"c{label}"), n=number_expr(con, raw.table, f"c{i}"), t=ident(raw.table))
        for k, i in enumerate(columns))
    params = {f"h{k}": raw.headers[i] for k, i in enumerate(columns)}
    totals = list(TOTAL_WORDS)
    # by stages as columns: (owner, stage) = (label, header); by stages as rows: (owner, stage) = (header, label)
    owner, stage = ("lab", "head") if stages_in_columns else ("head", "lab")
    table = "raw_stage_matrix"
    run(con, render("""CREATE OR REPLACE TEMP TABLE {out} AS
        SELECT CAST(row_number() OVER (ORDER BY row_no, col) AS INTEGER) AS row_no,
               {owner} AS c0, {stage} AS c1, CAST(n AS VARCHAR) AS c2
        FROM ({cells}) AS m
        WHERE lab IS NOT NULL AND NOT list_contains($totals, lower(trim(lab))) AND COALESCE(n, 0) > 0""",
                    out=ident(table), owner=owner, stage=stage, cells=cells), {**params, "totals": totals})
    n_rows = run(con, render("SELECT count(*) FROM {t}", t=ident(table))).fetchone()[0]
    said = (("readers.stage_matrix_columns" if stages_in_columns else "readers.stage_matrix_rows"),
            {"file": raw.file_name, "rows": raw.n_rows, "columns": len(columns)})
    out = replace(raw, table=table, headers=[names[0], names[1], "Count"], n_rows=n_rows,
                  notes=[*raw.notes, said])
    order = [raw.headers[i] for i in columns if classify_stage_name(raw.headers[i]) != "lost"] if stages_in_columns else None
    return Matrix(out, current, order, raw.n_rows)


def _matrix(raw: RawTable, samples) -> tuple[int, list[int], bool] | None:
    """(row label column, count columns, whether the columns are stages) when every column but the first
    text one holds whole numbers (or nothing) and is named by no measure, the labels are distinct, and the
    stages are told apart from the owners by a stage header or a closing stage's name; else None."""
    if not samples or len(raw.headers) < 3:
        return None
    headers = [normalize_header(h) for h in raw.headers]
    label = next((i for i, h in enumerate(headers) if h and sv.values(samples, i)
                  and not all(sv.is_number(v) for v in sv.values(samples, i))), None)
    if label is None:
        return None
    columns = [i for i, h in enumerate(headers) if i != label and h not in TOTAL_WORDS]
    labels = [v for v in sv.column(samples, label) if v.strip().lower() not in TOTAL_WORDS]
    if len(columns) < 2 or len(labels) < 2 or len(set(labels)) != len(labels):
        return None
    for i in columns:
        vals = sv.values(samples, i)
        measure = _MEASURE.search(headers[i]) and classify_stage_name(raw.headers[i]) is None
        if not headers[i] or measure or not all(sv.is_number(v) and sv.is_whole_number(v)
                                                                    for v in vals):
            return None
    column_kinds = {classify_stage_name(raw.headers[i]) for i in columns}
    if headers[label] in _STAGE_HEADERS or {classify_stage_name(v) for v in labels} & {"won", "lost"}:
        return label, columns, False
    if column_kinds & {"won", "lost"} or headers[label] in NORMALIZED_SYNONYMS["manager"]:
        return label, columns, True
    return None


def _current_by_columns(con, raw: RawTable, label: int, columns: list[int], headers: list[str]) -> bool:
    """A lost stage among the columns, or an owner's row whose count rises along the open stages (an empty
    cell is none): the deals at each stage now (module docstring)."""
    kinds = [classify_stage_name(raw.headers[i]) for i in columns]
    if "lost" in kinds:
        return True
    if headers[label] not in NORMALIZED_SYNONYMS["manager"]:
        return False
    chain = [i for i, kind in zip(columns, kinds, strict=True) if kind != "lost"]
    values = ", ".join(render("COALESCE({n}, 0)", n=number_expr(con, raw.table, f"c{i}")) for i in chain)
    rows = run(con, render("SELECT {values} FROM {t} WHERE {lab} IS NOT NULL", values=values, t=ident(raw.table),
                           lab=ident(f"c{label}"))).fetchall()
    return any(b > a for row in rows for a, b in zip(row, row[1:], strict=False))
