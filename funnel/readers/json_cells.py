"""A table whose records sit as JSON text in its cells: the records, their fields as columns.

Airbyte's CSV destinations write a stream so. The legacy Local CSV / S3 "no flattening" output has
three columns, ``_airbyte_ab_id, _airbyte_emitted_at, _airbyte_data`` (the record as JSON text;
Destinations v2 name them ``_airbyte_raw_id, _airbyte_extracted_at, _airbyte_meta, …``); S3 / GCS with
"root level flattening" give each top-level key its column and leave nested objects as JSON text
(HubSpot's ``properties``). Read as a plain CSV the file had no stage (survey 24: refused, "no column
for «stage»"), although the same records as JSON lines import.

Such a file's cells are parsed and staged as the JSON reader stages an API's records
(:func:`.json_reader.stage_records`): ``_airbyte_data`` (or ``data``) is the record itself, a
container's object (``properties``, ``fields``) gives its keys as columns, the connector's own
``_airbyte_*`` columns (a sync's time, not the deal's) are left out. The rows keep their numbers in
the file. A column is read as JSON only when its name says so and its first cells are JSON objects (every
one opening as one, most of them whole); a cell that is not one is refused by row, column and value.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..errors import FunnelError
from ..sql import ident, render, run
from . import limits
from .json_reader import CONTAINERS, MAX_JSON_BYTES, TEXT_RECORD_KEYS, parsed_object, stage_records
from .staging import RawTable

# the record itself as JSON text (Airbyte's raw column; a generic export's «data»)
RECORD_COLUMNS = TEXT_RECORD_KEYS
# the connector's bookkeeping beside the record: the sync's times and ids, never the deal's
CONNECTOR_PREFIX = "_airbyte_"
# cells looked at to tell a JSON column
SAMPLE = 20


# SQL fragments over the quoted column ``{c}``: a cell holding a JSON object or a list of them (a person, a list of
# people), any JSON cell of such a column (``[]``: nobody), and the names of its objects
_IS_PEOPLE = "left(ltrim({c}), 2) IN ('[{', '{\"') AND json_valid({c})"
_IS_JSON = "left(ltrim({c}), 1) IN ('[', '{') AND json_valid({c})"
_NAMES = "json_extract_string(CASE WHEN left(ltrim({c}), 1) = '[' THEN {c} ELSE '[' || {c} || ']' END, '$[*].name')"


def names_of_people(con, raw: RawTable) -> RawTable:
    """``raw`` with its person cells read as the people's names: a column whose every sampled cell is a JSON object,
    or a list of them, each with a ``name`` (Feishu Bitable's 人员 field by its API:
    ``[{"id": "ou_…", "name": "张伟", "en_name": "", "email": ""}]``; survey 37 showed that whole text as the
    manager). A list's names are joined by ", ". Said in the quality report (``readers.person_names``)."""
    if not raw.headers or raw.n_rows == 0:
        return raw
    cols = list(range(len(raw.headers)))
    shaped = ", ".join(render("count({c}) FILTER (WHERE {c} IS NOT NULL AND trim({c}) <> ''), "
                              "count({c}) FILTER (WHERE CASE WHEN " + _IS_PEOPLE + " THEN len(" + _NAMES + ") > 0 "
                              "ELSE false END)", c=ident(f"c{i}")) for i in cols)
    counts = run(con, render("SELECT {shaped} FROM (SELECT * FROM {t} ORDER BY row_no LIMIT {n})", shaped=shaped,
                             t=ident(raw.table), n=str(SAMPLE * 10))).fetchone()
    people = [i for i in cols if counts[2 * i] and counts[2 * i + 1] == counts[2 * i]
              and raw.headers[i].strip().lower() not in RECORD_COLUMNS | CONTAINERS]
    if not people:
        return raw
    sets = ", ".join(render("{c} = CASE WHEN " + _IS_JSON + " THEN NULLIF(array_to_string(" + _NAMES + ", ', '), '') "
                            "ELSE {c} END", c=ident(f"c{i}")) for i in people)
    run(con, render("UPDATE {t} SET {sets}", t=ident(raw.table), sets=sets))
    said = ("readers.person_names", {"file": raw.file_name,
                                     "columns": ", ".join(f"«{raw.headers[i]}»" for i in people)})
    return replace(raw, notes=[*raw.notes, said])


def expand_json_cells(con, raw: RawTable) -> RawTable:
    """``raw`` itself, or, when some of its columns hold records as JSON text (see the module's
    docstring), the table of those records staged again under the same name."""
    wanted = [i for i, h in enumerate(raw.headers) if h and h.strip().lower() in RECORD_COLUMNS | CONTAINERS]
    if not wanted:
        return raw
    json_columns = [i for i in wanted if _holds_objects(con, raw.table, i)]
    if not json_columns:
        return raw
    lengths = " + ".join(render("COALESCE(strlen({c}), 0)", c=ident(f"c{i}")) for i in range(len(raw.headers)))
    size = run(con, render("SELECT COALESCE(sum({lengths}), 0) FROM {t}", lengths=lengths,
                           t=ident(raw.table))).fetchone()[0]
    if size > MAX_JSON_BYTES:
        raise FunnelError("json.too_large", file=raw.file_name, limit=limits._mb(MAX_JSON_BYTES))
    rows = run(con, render("SELECT * FROM {t} ORDER BY row_no", t=ident(raw.table))).fetchall()
    records = [_record(raw, row, json_columns) for row in rows]
    names, n_rows, skipped, notes = stage_records(con, records, raw.file_name, raw.table,
                                                  [int(r[0]) for r in rows], raw.skipped)
    said = ("readers.json_cells", {"file": raw.file_name, "columns": ", ".join(
        f"«{raw.headers[i]}»" for i in json_columns), "n": len(records)})
    return replace(raw, headers=names, n_rows=n_rows, skipped=skipped, notes=[*raw.notes, said, *notes])


def _holds_objects(con, table: str, column: int) -> bool:
    """Whether the column's first non-empty cells all open as a JSON object does, and most of them are one
    (a record cut off among them is refused by its row, not left as text)."""
    cells = [c[0] for c in run(con, render("SELECT {c} FROM {t} WHERE {c} IS NOT NULL ORDER BY row_no LIMIT $n",
                                           c=ident(f"c{column}"), t=ident(table)), {"n": SAMPLE}).fetchall()]
    return bool(cells) and all(c.lstrip().startswith("{") for c in cells) \
        and 2 * sum(isinstance(parsed_object(c), dict) for c in cells) > len(cells)


def _record(raw: RawTable, row: tuple, json_columns: list[int]) -> dict:
    """One row as a record: its plain cells by their headers, its JSON cells parsed."""
    record: dict[str, Any] = {}
    for i, header in enumerate(raw.headers):
        cell = row[i + 1]
        if not header or header.strip().lower().startswith(CONNECTOR_PREFIX) and i not in json_columns:
            continue
        if i not in json_columns:
            record[header] = cell
            continue
        if cell is None:
            continue
        value = parsed_object(cell)
        if not isinstance(value, dict):
            raise FunnelError("json.cell_unreadable", file=raw.file_name, row=row[0], column=header,
                              value=cell[:80])
        if header.strip().lower() in RECORD_COLUMNS:
            record.update(value)
        else:
            record[header] = value
    return record
