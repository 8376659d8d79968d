"""Instants in an import's date columns: counted, and said in the quality report.

An export that writes instants (Unix time: HubSpot's and OKKI's APIs; ``…Z``: Salesforce's Weekly
Data Export) does not say the team's clock time: read as written, a deal created at 18:00 in New York
on 31 January is a February deal. Nothing in the file tells the team's zone, so the import says what
it did, per column (``n``: the values concerned):

- ``tz.instants_utc`` (no zone given): read in UTC (Unix time, ``Z``/``UTC``/``GMT``, mixed offsets);
- ``tz.instants_offset`` (no zone given): one shared offset (``+03:00``), kept as the clock time there;
- ``tz.converted`` (a zone given): converted to that zone's clock time.

The first two name the remedy (``--timezone`` or the Data page's «Time zone of timestamps»). Only the
columns whose profile found Unix time or offsets are counted (one scan of those columns): a file of
plain dates costs nothing more.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..readers.values import ColumnProfile, instant_sql, offset_sql
from ..sql import ident, render, run
from .quality_findings import Findings

UTC_OFFSETS = ("Z", "UTC", "GMT", "+00:00", "+0000", "-00:00", "-0000")


@dataclass(frozen=True)
class Instants:
    """A column's instants: how many, and the one offset they share when read at it (None: UTC)."""
    header: str
    n: int
    offset: str | None = None


def count_instants(con, table: str, columns: list[tuple[str, str, ColumnProfile]]) -> list[Instants]:
    """The instants of ``columns`` ((staged column, header, profile) of one table), in one scan; columns
    without any are left out. A column with one shared non-UTC offset and no Unix time, read without a
    zone, keeps its clock time at that offset (values.py): its ``offset`` says which."""
    columns = [c for c in columns if c[2].epoch_ms or (c[2].utc_offsets and c[2].date_formats)]
    if not columns:
        return []
    parts = []
    for col, _header, profile in columns:
        found, offset = instant_sql(ident(col), profile), offset_sql(ident(col), profile)
        parts.append(render("count(*) FILTER (WHERE {f}), count(DISTINCT {o}) FILTER (WHERE {o} <> ''), "
                            "min({o}) FILTER (WHERE {o} <> ''), count(*) FILTER (WHERE {o} = '' AND {f})",
                            f=found, o=offset))
    row = run(con, render("SELECT {p} FROM {t}", p=", ".join(parts), t=ident(table))).fetchone()
    out = []
    for k, (_col, header, profile) in enumerate(columns):
        n, offsets, first, unix = row[4 * k: 4 * k + 4]
        if not n:
            continue
        shared = first if profile.utc_offsets == "drop" and offsets == 1 and not unix else None
        out.append(Instants(header, int(n), None if shared in UTC_OFFSETS else shared))
    return out


def note_instants(findings: Findings, found: list[Instants], zone: str | None) -> dict[str, int]:
    """One info finding per column with instants (module docstring); returns header -> count, for the
    dataset's meta (the Data page offers a zone only where there are instants)."""
    for item in found:
        if zone:
            code, params = "tz.converted", {"column": item.header, "zone": zone}
        elif item.offset:
            code, params = "tz.instants_offset", {"column": item.header, "offset": item.offset}
        else:
            code, params = "tz.instants_utc", {"column": item.header}
        findings.add(code, "info", column=item.header, n=item.n,
                     detail=json.dumps({**params, "n": item.n}, ensure_ascii=False))
    return {item.header: item.n for item in found}
