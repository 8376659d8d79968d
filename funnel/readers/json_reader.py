"""A CRM's API answer saved as it came (JSON or JSON lines) into a staged table.

People who pull deals through an API keep what the API returned: Bitrix24's ``crm.deal.list``
(``{"result": [...], "next": 50, "total": …}``), amoCRM's ``/api/v4/leads`` (``{"_embedded":
{"leads": [...]}}``), HubSpot's ``crm/v3/objects/deals`` (``{"results": [{"id", "properties": {…}}]}``;
the legacy v1 API wraps every property as ``{"value", "timestamp", "versions"}``), Pipedrive's
``/v1/deals`` (``{"success": true, "data": [...]}``), Dynamics 365's OData (``{"value": [...]}``), a
plain array of records, or one record per line; of an answer listing pipelines with their stages (amoCRM's
``/api/v4/leads/pipelines``), the stages are the records, each with its pipeline's name. Several pages saved one after another (a list of
answers, or one answer per line) are one table.

The records are the list under a top-level ``deals`` / ``leads`` / ``opportunities`` key, whose sibling lists of
``id`` + ``name`` objects (Freshsales' side-loaded ``deal_stages``, ``users``) name the records' ``<thing>_id``
codes; else the longest list of objects reachable through objects from the top (never through another list,
except one holding a single object: monday.com's ``data.boards[0].items_page.items``). Each record becomes one row, its nested objects flattened:

- a property wrapped with its metadata (``{"value": …, "timestamp": …}``) is its value;
- an object under a container key (``properties``, ``fields``, ``attributes``) or a key starting
  with ``_`` (``_embedded``) gives its keys as they are (``properties.dealname`` → ``dealname``);
- a reference to another record (``{"name", "value": its id, …}``: Pipedrive's ``user_id``,
  ``org_id``) is only its name, ``user_id.name`` (a bare ``user_id`` of names reads as a visitor's id);
  any other object gives ``key.child`` columns (never a bare ``name`` or ``owner_id`` that belongs to
  another record);
- OData annotations (``@odata.etag``) are left out, and a value with its shown text beside it
  (``statecode@OData.Community.Display.V1.FormattedValue``, Dynamics 365) is that text, a lookup
  ``_ownerid_value`` named ``ownerid``;
- a list of scalars is one cell, its values joined with ", "; a list of custom fields (``{"field_name":
  "Источник", "values": [{"value": "Сайт"}]}``, amoCRM) is one column per field; a list of objects
  with a ``value`` (e-mails, phones) or only a ``name`` (tags) is their values joined; a stage
  property's history (HubSpot's ``propertiesWithHistory.dealstage``) is one ``date_entered_<stage>``
  column per stage, when the deal first entered it; a list holding one other object is that object
  (amoCRM's event ``value_after: [{"lead_status": {"id"}}]`` → ``value_after.lead_status.id``); a record's
  lines (``services``, ``products``, ``line_items``) are their money's sum, ``services.price``; monday.com's
  ``column_values`` (``{"title": "Stage", "text": "Won", "value": …}``) are one column per title, holding the text;
- a typed value (Notion's properties: ``{"id", "type": "status", "status": {"name": "Won"}}``) is its value: a
  select's or a person's name, a date's start, rich text's plain text, names joined;
- Odoo's reference ``[7, "Proposition"]`` is its name, and ``false`` in a column of other values (Odoo's empty
  field) an empty cell;
- ``_links``, Salesforce's ``attributes`` (``type``, ``url``) and any other list of objects are left out.

Cells are the values' text as the API wrote them (numbers as written, ``true``/``false``), then go
through exactly what a CSV's cells go through. The data rows are numbered by record (the first record
is row 1). The whole answer is parsed in memory, so a JSON file is held to ``MAX_JSON_BYTES``.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import FunnelError
from ..sql import ident, render, run
from . import limits, sniff
from .staging import RawTable, finish_table, staged_cells_sql

# a JSON answer is parsed whole: Python's objects take ~10× the file's bytes
MAX_JSON_BYTES = 128 << 20

# keys whose object holds the record's own fields
CONTAINERS = frozenset({"properties", "fields", "attributes", "custom_fields", "customfields",
                        "propertieswithhistory"})
# a property whose history is the deal's moves between stages (HubSpot's dealstage, lifecyclestage)
STAGE_PROPERTY = re.compile(r"stage|status", re.IGNORECASE)
# the keys beside "value" that make an object one wrapped property (HubSpot's legacy API, Salesforce's)
WRAPPER_KEYS = frozenset({"timestamp", "source", "sourceid", "sourcevid", "versions", "updatedbyuserid",
                          "requestid", "selected", "isencrypted", "sourcetype", "sourcelabel", "label",
                          "displayvalue", "type",
                          "extendvalue"})  # DingTalk's select: {"value": "赢单", "extendValue": "{\"label\": …}"}
# the keys an API's answer holds its records under (Bitrix24, HubSpot, Pipedrive, OData, amoCRM, …)
PAGE_KEYS = frozenset({"result", "results", "data", "items", "records", "value", "_embedded", "elements",
                       "entries", "rows", "deals", "leads", "opportunities", "objects", "list"})
# OData's annotation of a value's shown text (Dynamics 365 with Prefer: odata.include-annotations)
FORMATTED = "@OData.Community.Display.V1.FormattedValue"
# the keys of a list item that is one value among several (e-mails, phones, tags, multi-select options)
LISTED_KEYS = frozenset({"value", "name", "id", "label", "primary", "enum_id", "enum_code", "enum", "color"})
# marks a custom field's key in a path: its column is named by the field alone
CUSTOM = "\x00"
_SCALARS = frozenset({str, int, float, bool})
# a pipeline's list of its stages: the records of an answer listing pipelines (amoCRM's /api/v4/leads/pipelines)
NESTED_RECORDS = ("statuses", "stages", "steps")  # SendPulse: a pipeline's «steps» (survey 50)
# how deep the records may lie (amoCRM: _embedded → leads)
MAX_DEPTH = 4
# a record's list of its lines (U-ON.Travel's ``services``, a shop's ``line_items``, Bitrix24's product rows):
# their money is one column, the lines' sum, for a record that has no amount of its own
LINE_LISTS = frozenset({"services", "products", "items", "line_items", "lineitems", "goods", "positions",
                        "order_items", "orderitems", "product_rows", "productrows"})
# a line's money, its total first (already times the quantity); a price alone is times the line's quantity
LINE_TOTALS = ("total", "sum", "cost", "price")
LINE_QUANTITIES = ("quantity", "qty", "count")


def stage_json(con, path: Path, file_name: str, table: str, stream: str | None = None) -> RawTable:
    """Stage the records of a JSON answer as TEMP table ``table`` (see the module's docstring); of a data
    connector's output, the deals' stream, or ``stream`` when named."""
    size = path.stat().st_size
    if size > MAX_JSON_BYTES:
        raise FunnelError("json.too_large", file=file_name, limit=limits._mb(MAX_JSON_BYTES))
    text, encoding = _decode(path.read_bytes())
    documents = _documents(text, file_name)
    found = _records(documents, stream)
    records, where, left, split = found.records, found.where, found.left, found.split
    if not records:
        raise FunnelError("json.no_column_names" if found.orient == "values" else "json.no_records", file=file_name)
    names, n_rows, skipped, notes = stage_records(con, records, file_name, table)
    notes.insert(0, ("json.records", {"file": file_name, "n": len(records), "where": where}) if where
                 else ("json.data_frame", {"file": file_name, "n": len(records), "orient": found.orient}) if found.orient
                 else ("json.array", {"file": file_name, "n": len(records)}) if found.array
                 else ("json.lines", {"file": file_name, "n": len(records)}))
    if split:  # one object's streams split by outcome, read as one table (_outcome_streams)
        streams = ", ".join(f"«{name}»" for name in split)
        notes.insert(1, ("json.streams_split", {"file": file_name, "streams": streams, "left": left or "—"}))
    elif left and stream is None:  # a connector's sync of several objects: which one was read, and what was left
        notes.insert(1, ("json.streams", {"file": file_name, "stream": where, "left": left}))
    if found.owners:
        notes.insert(2, ("json.owners_named", {"file": file_name, "stream": found.owners[0], "n": found.owners[1]}))
    if found.options:  # read by evidence.file_stage_order: a stage column's names in the CRM's own order
        fields = ", ".join(f"«{f}»" for f, _ in found.options)
        notes.append((SIDELOADED_NOTE, {"file": file_name, "fields": fields, "orders": dict(found.options),
                                        "lists": ", ".join(f"«{n}»" for n in found.sideloaded)}) if found.sideloaded
                     else (OPTIONS_NOTE, {"file": file_name, "fields": fields, "orders": dict(found.options)}))
    return RawTable(table, names, n_rows, file_name, "json", encoding, None, None, [], 0, skipped, notes,
                    streams=tuple(found.streams))


def stage_records(con, records: list[dict], file_name: str, table: str, row_numbers: list[int] | None = None,
                  skipped: list | None = None) -> tuple[list[str], int, list, list[tuple[str, dict]]]:
    """Records (parsed JSON objects) as TEMP table ``table``, one row each, nested values flattened as the
    module's docstring says; the columns' names, the rows kept and the rows skipped (:func:`finish_table`).
    ``row_numbers``: each record's row in its file (else numbered from 1)."""
    try:
        flat = [_flatten(r) for r in records]
    except RecursionError as error:
        raise FunnelError("json.too_deep", file=file_name) from error
    headers = _column_names(flat)
    _false_as_empty(flat, headers)
    names = list(headers.values())
    if len(names) > limits.MAX_COLUMNS:
        raise FunnelError("limits.too_many_columns", file=file_name, columns=len(names), limit=limits.MAX_COLUMNS)
    _load_columns(con, table, [[_cell(f.get(k)) for f in flat] for k in headers], row_numbers)
    return finish_table(con, table, names, file_name, list(skipped or []))


def _false_as_empty(flat: list[dict[tuple[str, ...], Any]], headers: dict[tuple[str, ...], Any]) -> None:
    """``false`` in a column whose other values are no booleans is an empty cell: Odoo's external API writes
    ``false`` for every field left empty (an open lead's ``date_closed``, a lead with no salesperson's
    ``user_id``). Survey 49: the dates were unreadable beside it and «false» was a salesperson. A column of
    ``true`` and ``false`` keeps both."""
    for key in headers:
        values = [f.get(key) for f in flat]
        if any(v is False for v in values) and not any(v is True for v in values) \
                and any(v is not None and not isinstance(v, bool) for v in values):
            for record in flat:
                if record.get(key) is False:
                    record[key] = None


def count_records(path: Path, file_name: str) -> int:
    """The records an import of the answer would read (an archive's tables are ranked by their rows)."""
    if path.stat().st_size > MAX_JSON_BYTES:
        raise FunnelError("json.too_large", file=file_name, limit=limits._mb(MAX_JSON_BYTES))
    return len(_records(_documents(_decode(path.read_bytes())[0], file_name)).records)


def _load_columns(con, table: str, columns: list[list[str | None]], row_numbers: list[int] | None = None) -> None:
    """The staged table from the cells column by column (records numbered from 1 unless ``row_numbers``
    says), as a sheet's rows are."""
    import pyarrow as pa  # here, not at the top: a CSV import never loads it

    n = len(columns[0]) if columns else 0
    arrays = {"row_no": pa.array(row_numbers if row_numbers is not None else range(1, n + 1), pa.int32())}
    arrays.update({f"c{i}": pa.array(cells, pa.string()) for i, cells in enumerate(columns)})
    view = "funnel_json_rows"
    con.register(view, pa.table(arrays))
    try:
        run(con, render("CREATE OR REPLACE TEMP TABLE {t} AS SELECT row_no, {cells} FROM {v} ORDER BY row_no",
                        t=ident(table), cells=staged_cells_sql(len(columns)), v=ident(view)))
    finally:
        con.unregister(view)


def _decode(data: bytes) -> tuple[str, str]:
    """The text and its encoding. JSON is UTF-8; Windows PowerShell writes UTF-16 with a BOM
    (``ConvertTo-Json > deals.json``); anything else is told as a CSV's encoding is (:mod:`.sniff`)."""
    encoding = sniff.detect_encoding(data[:sniff.SAMPLE_BYTES], len(data) <= sniff.SAMPLE_BYTES) or "utf-8"
    try:
        return data.decode(encoding), encoding.replace("-sig", "")
    except UnicodeDecodeError:  # the sample was UTF-8, a later byte is not: the whole file decides
        encoding = sniff.detect_encoding(data, True) or "cp1252"
        return data.decode(encoding, errors="replace"), encoding


def _documents(text: str, file_name: str) -> list[Any]:
    """One JSON document, or several one after another (JSON lines; pages saved in a row)."""
    decoder = json.JSONDecoder()
    found: list[Any] = []
    pos, end = 0, len(text)
    while True:
        while pos < end and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= end:
            return found
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as error:
            where = {"file": file_name, "line": error.lineno, "column": error.colno}
            if error.msg.startswith("Unterminated") or error.pos >= len(text.rstrip()) - 1:
                raise FunnelError("json.cut", **where) from error  # the text ends inside a value
            near = " ".join(text[max(0, error.pos - 25):error.pos + 25].split())
            raise FunnelError("json.unreadable", near=near, **where) from error
        except RecursionError as error:
            raise FunnelError("json.too_deep", file=file_name) from error
        found.append(value)


OPTIONS_NOTE = "json.options_named"
SIDELOADED_NOTE = "json.sideloaded_named"  # the same, named by lists side-loaded beside the deals (Freshsales)


class Found(NamedTuple):
    """The records of a JSON file and what an import says of them."""

    records: list[dict]
    where: str | None  # the path they were found at (``result``, ``_embedded.leads``), or their stream
    left: str = ""  # of a connector's output, the streams left out with their records (``currencies (3), …``)
    split: tuple[str, ...] = ()  # the streams read as one table when they split an object by outcome
    streams: tuple[str, ...] = ()  # of a connector's output, every stream's name
    owners: tuple[str, int] | None = None  # the stream that named the records' owner ids, and how many cells
    orient: str | None = None  # a pandas DataFrame's JSON: its orient (split, columns, index)
    array: bool = False  # one JSON array of records (not one record per line)
    options: tuple[tuple[str, tuple[str, ...]], ...] = ()  # fields named by the answer's options, their names in order
    sideloaded: tuple[str, ...] = ()  # the lists beside the records that named them (``deal_stages``, ``users``)


def _records(documents: list[Any], stream: str | None = None) -> Found:
    """The records of every document (see :class:`Found`); of a connector's output, the deals' stream or
    ``stream`` when named."""
    streams = _streams(documents)
    if streams:
        return _one_stream(streams, stream)
    if len(documents) > 1 and all(isinstance(d, dict) for d in documents) and not _pages(documents):
        return Found(list(documents), None)  # JSON lines: one record per line
    if len(documents) == 1 and (primary := _json_api(documents[0])) is not None:
        return Found(primary, "data")
    if len(documents) == 1 and isinstance(documents[0], list):
        documents = documents[0] if _pages(documents[0]) else documents
    records: list[dict] = []
    where = None
    options: tuple[tuple[str, tuple[str, ...]], ...] = ()
    sideloaded: tuple[str, ...] = ()
    for document in documents:
        found, path = _named_list(document) or _longest(document, 0)
        if path == "data" and (lookups := _options(document)):
            found = _named(found, lookups)
            options = tuple((field, tuple(names.values())) for field, names in lookups.items())
        elif path in RECORD_KEYS and (side := _sideloaded(document, path, found)):
            lookups = {field: names for field, (_list, names) in side.items()}
            found = _named(found, lookups)
            options = tuple((field, tuple(names.values())) for field, names in lookups.items())
            sideloaded = tuple(dict.fromkeys(name for name, _names in side.values()))
        records += found
        where = where or path
    if not records and len(documents) == 1 and (frame := _data_frame(documents[0])) is not None:
        return Found(frame[0], None, orient=frame[1])
    if not records and len(documents) == 1 and _rows_without_names(documents[0]):
        return Found([], None, orient="values")  # refused by name: no column names
    return Found(*_unnested(records, where), array=len(documents) == 1 and isinstance(documents[0], list),
                 options=options, sideloaded=sideloaded)


def _options(document: Any) -> dict[str, dict[str, str]]:
    """The names an answer gives its own codes: SalesDrive's order list writes ``meta.fields.<field>.options`` =
    ``[{"value": 5, "text": "Продаж"}, …]`` beside ``data`` (its statuses, managers, sites: the lookup its users'
    scripts read), in the order its screens list them. {field: {code: name}}, empty for any other document."""
    meta = document.get("meta") if isinstance(document, dict) else None
    fields = meta.get("fields") if isinstance(meta, dict) else None
    out: dict[str, dict[str, str]] = {}
    for field, spec in (fields or {}).items() if isinstance(fields, dict) else ():
        options = spec.get("options") if isinstance(spec, dict) else None
        pairs = {str(o["value"]): o["text"].strip() for o in options if isinstance(o, dict) and "value" in o
                 and isinstance(o.get("text"), str) and o["text"].strip()} if isinstance(options, list) else {}
        if pairs:
            out[str(field)] = pairs
    return out


# the keys an answer names its deals by: beside them, longer lists are lookups (survey 49: Freshsales' answer with
# ``include=deal_stage,owner`` holds ``deals`` and its ``deal_stages``; five stages outnumbered four deals and were
# read as the deals, silently)
RECORD_KEYS = frozenset({"deals", "leads", "opportunities", "potentials"})


def _named_list(document: Any) -> tuple[list[dict], str] | None:
    """The records under a top-level key naming deals (:data:`RECORD_KEYS`), whatever else is longer; else None."""
    if not isinstance(document, dict):
        return None
    for key, value in document.items():
        if str(key).lower() in RECORD_KEYS and isinstance(value, list) and value \
                and all(isinstance(v, dict) for v in value):
            return value, str(key)
    return None


def _sideloaded(document: dict, path: str, records: list[dict]) -> dict[str, tuple[str, dict[str, str]]]:
    """The names an answer side-loads beside its deals for their ids: Freshsales' ``deal_stages`` (``id, name,
    position``) for ``deal_stage_id``, its ``users`` (``display_name``) for ``owner_id``; a list ``<thing>s`` names
    the records' ``<thing>_id`` (``users`` their ``owner_id`` too), in its ``position`` order.
    {field: (the list's key, {id: name})}."""
    fields = {str(k) for r in records[:50] for k in r}
    out: dict[str, tuple[str, dict[str, str]]] = {}
    for key, value in document.items():
        key = str(key)
        if key == path or not key.endswith("s") or not isinstance(value, list) or not value \
                or not all(isinstance(v, dict) and "id" in v for v in value):
            continue
        singular = key[:-1]
        targets = [f for f in fields if f.lower() == f"{singular.lower()}_id"
                   or key.lower() == "users" and f.lower() in ("owner_id", "user_id")]
        rows = sorted(value, key=lambda v: v.get("position") if isinstance(v.get("position"), int | float) else 0)
        names = {str(v["id"]): str(v.get("name") or v.get("display_name")).strip() for v in rows
                 if isinstance(v.get("name") or v.get("display_name"), str)}
        for target in targets:
            if names:
                out[target] = (key, names)
    return out


def _named(records: list[dict], lookups: dict[str, dict[str, str]]) -> list[dict]:
    """``records`` with each code of ``lookups`` replaced by its name (survey 41: SalesDrive's statuses and managers
    were ids «1» … «6», the sale unknown); a value the options do not hold stays as it is."""
    return [{k: lookups[k].get(str(v), v) if k in lookups and isinstance(v, (str, int)) else v for k, v in r.items()}
            for r in records]


def _json_api(document: Any) -> list[dict] | None:
    """The primary records of a JSON:API document (jsonapi.org; SalesapCRM's ``/api/v1/deals?include=stage,…``):
    ``data``, each ``{"type", "id", "attributes", "relationships"}``, not the longer ``included`` list beside it
    (survey 39: the stages, users and sources it holds were taken for the deals). A relationship is named by the
    included record it points to (its ``name`` or ``title``, a person's first and last name), else its id.
    None for any other document."""
    if not isinstance(document, dict):
        return None
    data = document.get("data")
    if not isinstance(data, list) or not data or not all(
            isinstance(r, dict) and "type" in r and "id" in r and isinstance(r.get("attributes"), dict) for r in data):
        return None
    included = {(str(r.get("type")), str(r.get("id"))): r.get("attributes") or {}
                for r in document.get("included") or () if isinstance(r, dict)}

    def named(target: Any) -> Any:
        if not isinstance(target, dict):
            return None
        attributes = included.get((str(target.get("type")), str(target.get("id")))) or {}
        person = " ".join(str(attributes[k]) for k in ("first-name", "last-name", "first_name", "last_name",
                                                      "firstName", "lastName") if attributes.get(k))
        return attributes.get("name") or attributes.get("title") or person or target.get("id")

    records = []
    for r in data:
        record = {"id": r["id"], **r["attributes"]}
        for name, link in (r.get("relationships") or {}).items():
            target = link.get("data") if isinstance(link, dict) else None
            names = [named(t) for t in target] if isinstance(target, list) else [named(target)]
            if name not in record and any(n is not None for n in names):
                record[name] = ", ".join(str(n) for n in names if n is not None)
        records.append(record)
    return records


def _data_frame(document: Any) -> tuple[list[dict], str] | None:
    """A table as pandas' ``DataFrame.to_json`` writes it by default or in another orient, as records and the
    orient's name, else None: ``split`` (``{"columns": […], "index": […], "data": [[…], …]}``), ``columns``
    (the default: ``{column: {row: value}}``), ``index`` (``{row: {column: value}}``). A notebook user's
    hand-off; before, refused as "no list of records" with advice about CRM APIs (survey 25)."""
    if not isinstance(document, dict) or len(document) < 2:
        return None
    columns, data = document.get("columns"), document.get("data")
    if isinstance(columns, list) and isinstance(data, list) and set(document) <= {"columns", "index", "data", "schema"}:
        if data and all(isinstance(r, list) and len(r) == len(columns) for r in data):
            names = [str(c) for c in columns]
            return [dict(zip(names, r, strict=True)) for r in data], "split"
        return None
    inner = list(document.values())
    if not all(isinstance(v, dict) and v and all(x is None or type(x) in _SCALARS for x in v.values()) for v in inner):
        return None
    keys = set(inner[0])
    if any(set(v) != keys for v in inner):
        return None
    outer_rows = all(str(k).lstrip("-").isdigit() for k in document)
    inner_rows = all(str(k).lstrip("-").isdigit() for k in keys)
    if inner_rows and not outer_rows or not outer_rows and not inner_rows and len(keys) > len(document):
        rows = list(inner[0])  # columns: each outer key a column, its object the column's cells by row
        return [{str(c): document[c].get(r) for c in document} for r in rows], "columns"
    return [dict(v) for v in inner], "index"


def _rows_without_names(document: Any) -> bool:
    """A list of rows that are lists (pandas' ``orient="values"``, a spreadsheet API's ``values``): no column names."""
    return isinstance(document, list) and bool(document) and all(isinstance(r, list) for r in document)


def _unnested(records: list[dict], where: str | None) -> tuple[list[dict], str | None]:
    """Of pipeline records (amoCRM's ``/api/v4/leads/pipelines``, HubSpot's pipelines), their stages, each
    named by its pipeline (``pipeline_name``, ``pipeline_id``; HighLevel's stages lack its id too); any
    other records as they are."""
    inner = [_nested(r) for r in records]
    if not records or any(i is None for i in inner):
        return records, where
    return [{**s, **{k: v for k, v in (("pipeline_name", r.get("name", r.get("label"))),
                                        ("pipeline_id", r.get("id", r.get("pipelineId")))) if k not in s}}
            for r, i in zip(records, inner, strict=True) for s in i or []], \
        f"{where}[]._embedded.{NESTED_RECORDS[0]}"


def _streams(documents: list[Any]) -> dict[str, list[dict]]:
    """A data connector's output, its records by stream; empty for anything else. Airbyte writes one
    envelope per line, ``{"stream", "data": {record}, "emitted_at"}`` (its protocol's messages wrap that
    as ``{"type": "RECORD", "record": {…}}`` among LOG and STATE lines; its JSON destinations keep the
    record as ``_airbyte_data``; a Singer tap writes ``{"type": "RECORD", "stream", "record": {record}}`` among
    SCHEMA and STATE lines), several streams in one file: a sync of Pipedrive gives its deals
    beside its currencies and activity types."""
    found: dict[str, list[dict]] = {}
    for document in documents:
        if not isinstance(document, dict):
            return {}
        if document.get("type") in ("LOG", "STATE", "TRACE", "CONTROL", "SPEC", "CATALOG", "CONNECTION_STATUS",
                                    "SCHEMA", "ACTIVATE_VERSION", "BATCH"):
            continue  # a connector's own messages between its records (Airbyte's; Singer's SCHEMA, …)
        envelope = document.get("record") if document.get("type") == "RECORD" else document
        if document.get("type") == "RECORD" and isinstance(envelope, dict) and "data" not in envelope \
                and isinstance(document.get("stream"), str):
            # a Singer tap's message: {"type": "RECORD", "stream": "deals", "record": {the record}, "time_extracted"}
            envelope = {"stream": document["stream"], "data": envelope, "emitted_at": document.get("time_extracted")}
        if not isinstance(envelope, dict):
            return {}
        data = envelope.get("data", envelope.get("_airbyte_data"))
        if isinstance(data, str):  # _airbyte_data as a JSON text
            try:
                data = json.loads(data)
            except ValueError:
                return {}
        if not isinstance(data, dict) or not (set(envelope) & {"stream", "emitted_at", "_airbyte_emitted_at",
                                                               "_airbyte_ab_id", "_airbyte_raw_id"}):
            return {}
        found.setdefault(str(envelope.get("stream") or ""), []).append(data)
    return found


# a connector's stream of deals, by the names CRMs give them (the first present is read)
DEAL_STREAMS = ("deals", "deal", "opportunities", "opportunity", "leads", "lead")


# streams of one object split by outcome (Freshsales' connector: open_deals, won_deals, lost_deals)
_OUTCOME_STREAM = re.compile(r"^(open|won|lost)_(deals?|opportunit(?:y|ies)|leads?)$")
OUTCOME_KEY = "Outcome"  # the column the stream's word goes to (a status synonym)


def _outcome_streams(streams: dict[str, list[dict]]) -> tuple[list[dict], tuple[str, ...]] | None:
    """The records of an object's streams split by outcome, each given its stream's word under
    :data:`OUTCOME_KEY`, and the streams' names; None without two such streams of one object. Read alone,
    ``open_deals`` made every deal open and the won and lost ones were left out (survey 23: Airbyte's
    Freshsales records, 6 deals of 14)."""
    by_object: dict[str, dict[str, str]] = {}
    for name in streams:
        if m := _OUTCOME_STREAM.match(name.lower().rsplit(".", 1)[-1]):
            by_object.setdefault(m.group(2), {})[m.group(1)] = name
    split = max(by_object.values(), key=len, default={})
    if len(split) < 2 or any(OUTCOME_KEY in r for name in split.values() for r in streams[name]):
        return None
    records = [{**r, OUTCOME_KEY: outcome} for outcome, name in split.items() for r in streams[name]]
    return records, tuple(split.values())


def _one_stream(streams: dict[str, list[dict]], stream: str | None = None) -> Found:
    """The deals' stream (by its name or a word of it, else the one with most records; of streams split by
    outcome, all of them), or ``stream`` when named (a pipelines stream: its stages); the records' owner
    ids named from an owners stream beside them (:func:`_name_owners`)."""
    names = tuple(streams)
    if stream is None and (found := _outcome_streams(streams)):
        records, split = found
        left = ", ".join(f"{name} ({len(rows)})" for name, rows in streams.items() if name not in split)
        return Found(records, " + ".join(split), left, split, names, _name_owners(streams, records))
    named = {name.lower().rsplit(".", 1)[-1]: name for name in streams}
    # a connector's own naming around the object's word (Zoho's «incremental_leads_zoho_crm_stream»)
    words = {name: set(re.split(r"[^a-z]+", key)) for key, name in named.items()}
    chosen = stream if stream is not None and stream in streams else \
        next((named[s] for s in DEAL_STREAMS if s in named), "") \
        or next((name for s in DEAL_STREAMS for name, ws in words.items() if s in ws), "") \
        or max(streams, key=lambda name: len(streams[name]))
    left = ", ".join(f"{name} ({len(rows)})" for name, rows in streams.items() if name != chosen)
    records, where = _unnested(streams[chosen], chosen or "data")
    owners = _name_owners(streams, records) if where == (chosen or "data") else None
    return Found(records, where, left, (), names, owners)


# a stream listing the stages (HubSpot's «deal_pipelines», Pipedrive's «stages», amoCRM's «pipelines»)
_STAGE_LIST_STREAM = re.compile(r"(?:^|[^a-z])(pipelines|stages|statuses)$")


def is_stage_list_stream(name: str) -> bool:
    """Whether a connector's stream is named as the CRM's list of stages (read beside its deals)."""
    return bool(_STAGE_LIST_STREAM.search(name.lower().rsplit(".", 1)[-1]))


# a stream of the account's users: their ids and names (HubSpot's «owners», Pipedrive's «users»)
_OWNER_STREAM = re.compile(r"(?:^|[^a-z])(owners|users)$")
# a record's key holding an owner's id (HubSpot's hubspot_owner_id, amoCRM's responsible_user_id, Bitrix24's ASSIGNED_BY_ID)
_OWNER_KEY = re.compile(r"owner_?id$|^(user_id|responsible_user_id|assigned_by_id|assigned_user_id|creator_user_id)$",
                        re.IGNORECASE)


def _name_owners(streams: dict[str, list[dict]], records: list[dict]) -> tuple[str, int] | None:
    """Owner ids of ``records`` (their own keys and their properties') replaced by the names an owners stream
    beside them gives (``{"id", "firstName", "lastName", "email"}``, ``{"id", "name"}``): the stream and the
    cells named, None when there is no such stream or no id of it. HubSpot through Airbyte showed the
    managers as «52550153» while the file named them (survey 24)."""
    stream = next((name for name in streams if _OWNER_STREAM.search(name.lower())), None)
    if stream is None:
        return None
    names: dict[str, str] = {}
    for user in streams[stream]:
        full = " ".join(str(user[k]).strip() for k in ("firstName", "lastName", "first_name", "last_name")
                        if user.get(k) not in (None, ""))
        name = full or user.get("name") or user.get("email")
        if user.get("id") not in (None, "") and name:
            names[str(user["id"])] = str(name)
    n = 0
    for record in records:
        for holder in (record, *(v for k, v in record.items() if k.lower() in CONTAINERS and isinstance(v, dict))):
            for key, value in holder.items():
                if value is not None and type(value) in _SCALARS and _OWNER_KEY.search(key) and str(value) in names:
                    holder[key] = names[str(value)]
                    n += 1
    return (stream, n) if n else None


def _nested(record: dict) -> list[dict] | None:
    """The stages a pipeline record holds (``_embedded.statuses``, ``stages``), None for any other record."""
    for holder in (record.get("_embedded"), record):
        if isinstance(holder, dict):
            for key in NESTED_RECORDS:
                found = holder.get(key)
                if isinstance(found, list) and found and all(isinstance(f, dict) for f in found):
                    return found
    return None


def _pages(documents: list) -> bool:
    """Whether these objects are answers (pages), each holding a list of records, not records: no id
    of their own, and their longest list under a key APIs put records under (a record's own list, an
    amoCRM lead's ``_embedded.tags``, sits beside its ``id``)."""
    return bool(documents) and all(_is_page(d) for d in documents)


def _is_page(document: Any) -> bool:
    if not isinstance(document, dict) or any(str(k).lower() == "id" for k in document):
        return False
    path = _longest(document, 0)[1]
    return path is not None and path.split(".")[0].lower() in PAGE_KEYS


def _longest(value: Any, depth: int, path: str = "") -> tuple[list[dict], str | None]:
    """The longest list of objects under ``value`` (through objects only) and its path; through a list holding
    one object (:func:`_one_holder`)."""
    if isinstance(value, list):
        objects = [v for v in value if isinstance(v, dict)]
        if (inner := _one_holder(value, depth, path)) is not None:
            return inner
        return (objects, path or None) if objects and len(objects) * 2 >= len(value) else ([], None)
    best: tuple[list[dict], str | None] = ([], None)
    if isinstance(value, dict) and (keyed := _keyed_by_id(value)):
        best = (keyed, path or None)
    if isinstance(value, dict) and depth < MAX_DEPTH:
        for key, child in value.items():
            if key == "_links" or key == "meta" and depth == 0:  # an answer's paging and lookups, not its records
                continue  # (survey 41: SalesDrive's 7 status options outnumbered a page of 6 orders)
            found = _longest(child, depth + 1, f"{path}.{key}" if path else str(key))
            if len(found[0]) > len(best[0]):
                best = found
    return best


def _one_holder(value: list, depth: int, path: str) -> tuple[list[dict], str | None] | None:
    """The records under the one object of a list that is no page of records, when they lie under a key APIs put
    records under: monday.com's GraphQL answer ``data.boards[0].items_page.items`` (survey 49: the one board was
    taken for the only record, refused as «column titles but no deals»). None otherwise: a list under a page key
    (``results: [one deal]``) or at the top is records, and a pipeline's own ``statuses`` stay its (an answer
    listing one pipeline is read by :func:`_unnested`)."""
    if len(value) != 1 or not isinstance(value[0], dict) or depth >= MAX_DEPTH or not path \
            or path.split(".")[-1].lower() in PAGE_KEYS:
        return None
    inner = _longest(value[0], depth, path)
    return inner if len(inner[0]) > 1 and (inner[1] or "").split(".")[-1].lower() in PAGE_KEYS else None


def _keyed_by_id(value: dict) -> list[dict]:
    """The records of an object keyed by their own ids (Bitrix24's ``task.stages.get``: ``{"result": {"101":
    {"ID": "101", "TITLE": "Новые", "SORT": "100"}, …}}``; survey 44: refused as "no list of records"), else []."""
    if len(value) < 2 or not all(isinstance(v, dict) for v in value.values()):
        return []
    ok = all(any(k.lower() == "id" and str(v) == str(key) for k, v in child.items()) for key, child in value.items())
    return list(value.values()) if ok else []


def _flatten(record: dict) -> dict[tuple[str, ...], Any]:
    """A record's cells by their key path (see the module's docstring)."""
    out: dict[tuple[str, ...], Any] = {}
    if set(record) <= ENVELOPE and isinstance(record.get("data"), dict):
        record = record["data"]  # Zendesk Sell's item {"data": {the deal}, "meta": {"type": "deal"}} (survey 49)
    _walk(record, (), out)
    return out


# an API's item wrapping its record: Zendesk Sell's ``items[]: {"data": {…}, "meta": {"type": "deal", …}}`` (the
# record's fields were ``data.stage_id``, ``data.value``: no stage found, survey 49)
ENVELOPE = frozenset({"data", "meta"})


def _walk(value: Any, path: tuple[str, ...], out: dict) -> None:
    if path and isinstance(value, dict) and (typed := _typed(value)) is not None:
        value = typed[0]  # Notion's {"id", "type": "status", "status": {"name": "Won"}}: the value of its type
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            out[path] = _typed_list(value)
            return
        if isinstance(value, dict) and not _typed(value):
            out[path] = _typed_object(value)
            return
    if isinstance(value, dict):
        if path and "value" in value and set(k.lower() for k in value) - {"value"} <= WRAPPER_KEYS:
            _walk(value["value"], path, out)
            return
        if path and isinstance(value.get("name"), str) and "value" in value and not isinstance(
                value["value"], dict | list):  # a reference to another record (Pipedrive's owner, person)
            out[path + ("name",)] = value["name"]
            return
        annotated = any("@" in k for k in value)
        shown = {k[:-len(FORMATTED)]: v for k, v in value.items() if k.endswith(FORMATTED)} if annotated else {}
        for key, child in value.items():
            key = str(key)
            if annotated and "@" in key or key == "_links" or key == "attributes" and _is_metadata(child):
                continue
            if key in shown:  # OData: the value as the CRM shows it («Won», the owner's name), not its code
                key, child = _lookup_name(key), shown[key]
            if key.lower() in TEXT_RECORD_KEYS and isinstance(child, str) and isinstance(record := parsed_object(child), dict):
                _walk(record, path, out)  # the record as JSON text (DingTalk CRM's objectdata «data»): its fields
                continue
            if child is None or type(child) in _SCALARS:  # most cells: a record's own field
                out[path + (key,)] = child
            elif key.startswith("_") or key.lower() in CONTAINERS:
                if isinstance(child, list) and key.lower() in CONTAINERS:
                    _custom_fields(child, path, out)
                else:
                    _walk(child, path, out)
            else:
                _walk(child, path + (key,), out)
        return
    if isinstance(value, list):
        _walk_list(value, path, out)
        return
    if path:
        out[path] = value


def _walk_list(items: list, path: tuple[str, ...], out: dict) -> None:
    """A list's cells (see the module's docstring): values joined, custom fields, a stage's history, one object."""
    if not items:
        return
    if all(not isinstance(v, dict | list) for v in items):
        if _is_reference_pair(items):  # Odoo's many2one [7, "Proposition"]: the record's name (survey 49)
            out[path] = items[1]
            return
        texts = [_text(v) for v in items if v is not None]
        out[path] = ", ".join(t for t in texts if t != "") or None
        return
    if _custom_fields(items, path, out) or _board_columns(items, path, out) or _stage_history(items, path, out) \
            or _lines_total(items, path, out):
        return
    if all(isinstance(v, dict) and set(v) - {"_links"} <= LISTED_KEYS for v in items):
        texts = [_text(v["value"] if "value" in v else v.get("name")) for v in items
                 if v.get("value", v.get("name")) is not None]
        if texts:  # ids alone (amoCRM's companies: [{"id", "_links"}]) are no column
            out[path] = ", ".join(t for t in texts if t)
    elif len(items) == 1 and isinstance(items[0], dict):
        _walk(items[0], path, out)  # one object in a list (amoCRM's event: value_after [{lead_status}])


def _lines_total(items: list, path: tuple[str, ...], out: dict) -> bool:
    """A record's lines (``services: [{"type": "Проживание", "price": 30000}, {"price": 20000}]``) as one
    column, ``services.price``: the lines' sum (a price times its line's quantity). U-ON.Travel's request holds
    its money only there (survey 47: revenue «—»); the column is a candidate amount like any other, so a
    record's own total (``order_total``) is still there to be mapped. False for any other list."""
    if not path or path[-1].lower() not in LINE_LISTS or not all(isinstance(v, dict) for v in items):
        return False
    keys = {k.lower(): k for k in items[0]}
    money = next((keys[k] for k in LINE_TOTALS if k in keys), None)
    if money is None:
        return False
    quantity = next((keys[k] for k in LINE_QUANTITIES if k in keys), None) if money.lower() == "price" else None
    total = 0.0
    for line in items:
        value, count = _number(line.get(money)), _number(line.get(quantity)) if quantity else 1.0
        if value is None or count is None:
            return False  # a line without a number: no sum to tell
        total += value * count
    out[path + (money,)] = round(total, 6)
    return True


def _number(value: Any) -> float | None:
    """A line's number written as a number or as its text ("30000", "30000.50"), else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


# a record written as JSON text under these keys is the record's own fields (json_cells.RECORD_COLUMNS for a table)
TEXT_RECORD_KEYS = frozenset({"data", "_airbyte_data"})


def parsed_object(text: str) -> Any:
    """The JSON value of text that opens as an object, else None (not JSON, or cut off)."""
    if not text.lstrip().startswith("{"):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _is_metadata(value: Any) -> bool:
    """Salesforce's ``attributes`` of a record (``{"type": "Opportunity", "url": "/services/…"}``): no field."""
    return isinstance(value, dict) and bool(value) and set(value) <= {"type", "url", "referenceId"}


def _lookup_name(key: str) -> str:
    """OData's name of a lookup's id, ``_ownerid_value``, as the field's own name, ``ownerid``."""
    return key[1:-len("_value")] if key.startswith("_") and key.endswith("_value") and len(key) > 7 else key


def _stage_history(items: list, path: tuple[str, ...], out: dict) -> bool:
    """A stage property's history (HubSpot's ``propertiesWithHistory.dealstage``: ``[{"value", "timestamp",
    "sourceType"}, …]``) as one ``date_entered_<stage>`` column per stage, its first entry: the "date
    entered" columns a HubSpot deals table has (the matcher reads them as the deal's moves). False for
    any other list; another property's history (amount) is left out, its current value is the record's."""
    if not items or not all(isinstance(i, dict) and "value" in i and "timestamp" in i for i in items):
        return False
    if path and STAGE_PROPERTY.search(path[-1]):
        first: dict[str, Any] = {}
        for item in items:
            stage, at = item["value"], item["timestamp"]
            if stage not in (None, "") and at is not None and (str(stage) not in first or _text(at) < _text(first[str(stage)])):
                first[str(stage)] = at
        for stage, at in first.items():
            out[path[:-1] + (f"date_entered_{stage}",)] = at
    return True


def _custom_fields(items: list, path: tuple[str, ...], out: dict) -> bool:
    """amoCRM's ``custom_fields_values`` (``field_name`` + ``values``) and the like: one column per
    field, named by the field. False when the list is not such a list."""
    named = [i for i in items if isinstance(i, dict) and (i.get("field_name") or i.get("name"))
             and ("values" in i or "value" in i)]
    if not named or len(named) != len(items):
        return False
    for item in named:
        name = str(item.get("field_name") or item.get("name"))
        values = item.get("values", item.get("value"))
        key = path + (CUSTOM + name,)
        if isinstance(values, list):
            texts = [_text(v.get("value") if isinstance(v, dict) else v) for v in values]
            out[key] = ", ".join(t for t in texts if t) or None
        elif not isinstance(values, dict):
            out[key] = values
    return True


def _board_columns(items: list, path: tuple[str, ...], out: dict) -> bool:
    """monday.com's ``column_values`` (``[{"id": "deal_stage", "text": "Won", "value": "{\\"index\\":2}",
    "title": "Stage"}]``; the API's newer answers name the column as ``column: {"title": …}``): one column per
    board column, named by its title, holding the text the board shows (``value`` is the widget's own JSON).
    Survey 49: the whole list was left out, so a board's answer had no stage, amount or owner. False for any
    other list."""
    def title(item: Any) -> Any:
        column = item.get("column") if isinstance(item, dict) else None
        return item.get("title") or (column.get("title") if isinstance(column, dict) else None) \
            if isinstance(item, dict) else None

    if not items or not all(isinstance(i, dict) and "id" in i and "text" in i and ("value" in i or "type" in i)
                            and isinstance(title(i), str) and title(i).strip() for i in items):
        return False  # (a column's id, its shown text and its value or type: no list of notes with a title)
    for item in items:
        text = item.get("text")
        out[path + (CUSTOM + title(item).strip(),)] = text if text not in ("", None) else None
    return True


# Notion's property values: {"type": "<kind>", "<kind>": value} (with the property's "id"); a formula's and a
# rollup's result are typed the same way
_TYPED_EXTRA = frozenset({"id", "type"})


def _typed(value: dict) -> tuple[Any] | None:
    """The value of a typed property (Notion: ``{"id": "s1", "type": "status", "status": {"name": "Won"}}`` →
    ``({"name": "Won"},)``), None for any other object. Survey 49: the property's ``id`` («s1») was taken for
    the stage and every name was a column of its own («Stage.status.name»)."""
    kind = value.get("type")
    if not isinstance(kind, str) or kind not in value or set(value) - _TYPED_EXTRA - {kind}:
        return None
    return (value[kind],)


def _typed_object(value: dict) -> Any:
    """A typed property's object as one cell: a select's or a person's ``name``, a date's ``start``, a unique
    id's ``prefix-number``, else the object's text."""
    if isinstance(value.get("name"), str):
        return value["name"]
    if "start" in value:
        return value.get("start")
    if "number" in value and "prefix" in value:
        return f"{value['prefix']}-{value['number']}" if value.get("prefix") else value.get("number")
    return _text(value) if value else None


def _typed_list(items: list[dict]) -> str | None:
    """A typed property's list as one cell: rich text's ``plain_text`` run together, names (people, options,
    files) or typed values (a rollup's) joined with ", "."""
    if all("plain_text" in i for i in items):
        return "".join(str(i.get("plain_text") or "") for i in items) or None
    texts: list[str] = []
    for item in items:
        typed = _typed(item)
        cell = (typed[0] if not isinstance(typed[0], dict) else _typed_object(typed[0])) if typed \
            else item.get("name") or item.get("id")
        if cell not in (None, ""):
            texts.append(_text(cell))
    return ", ".join(texts) or None


def _is_reference_pair(items: list) -> bool:
    """Odoo's reference to another record as its external API writes it, ``[id, "display name"]``."""
    return len(items) == 2 and type(items[0]) is int and isinstance(items[1], str) and items[1].strip() != ""


def _column_names(flat: list[dict[tuple[str, ...], Any]]) -> dict[tuple[str, ...], str]:
    """Every key path in the order first met, named by its keys joined with dots (``user_id.name``); a
    custom field by its own name (``Источник``) unless another column has that name."""
    paths: dict[tuple[str, ...], None] = {}
    for record in flat:
        for key in record:
            paths.setdefault(key, None)
    # a list of custom fields that some record leaves null is no column of its own beside its fields
    for key in [k for k in paths if any(o[:len(k)] == k and len(o) > len(k) for o in paths)]:
        if all(r.get(key) is None for r in flat):
            del paths[key]
    dotted = {key: ".".join(k.lstrip(CUSTOM) for k in key) for key in paths}
    taken = {name.lower() for key, name in dotted.items() if not key[-1].startswith(CUSTOM)}
    return {key: key[-1][1:] if key[-1].startswith(CUSTOM) and key[-1][1:].lower() not in taken else name
            for key, name in dotted.items()}


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    text = value if type(value) is str else _text(value)
    return text if text != "" else None  # a cell over the limit is cut, and said, after staging (limits)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
