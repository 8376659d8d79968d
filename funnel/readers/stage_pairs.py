"""A stage history written beside each deal as numbered pairs of columns: the stage and when it was entered.

A HubSpot deals table dumped from the API's ``propertiesWithHistory`` through a flattening script writes the
stage property's history as ``deal_stage_1_value, deal_stage_1_timestamp, deal_stage_1_source_type, …,
deal_stage_9_value, deal_stage_9_timestamp`` (pwkasay/anzu-data-exporter ``deal.csv``, survey 34); a hand-kept
sheet as «Этап 1, Дата 1, Этап 2, Дата 2». The file has no stage column of its own, so it was refused for want of
one, and mapped by hand it read one pair as the stage, dropped the rest and took a blank stage column for the
amount. Here the pairs become what the JSON reader makes of the same history (json_reader._stage_history) and
the matcher reads as the deals' moves: one ``date_entered_<stage>`` column per stage, the deal's first entry
into it. The pair columns themselves leave the table.

Only ISO timestamps (``2021-05-02T23:00:03.370Z``, ``2021-05-02 23:00``) are taken: the earliest entry is the
least of their texts. A table whose pairs hold anything else is left as it was.
"""

from __future__ import annotations

import dataclasses
import re

from ..sql import ident, render, run
from .staging import RawTable

# «deal_stage_3_value», «dealstage.2.timestamp», «Stage 1», «Этап 2», «阶段3»; the number before the part
_PAIR = re.compile(r"(?i)^(?P<prop>.*?(?:stage|этап|стади|阶段).*?)[\s_.\-]*(?P<n>\d{1,2})[\s_.\-]*"
                   r"(?P<part>value|timestamp|time|date|source[\s_]?type|дата|日期|时间)?$")
_DATE_PART = re.compile(r"(?i)^(?:(?:date|дата|日期|时间|entered|вход)[\s_.\-]*(?P<n>\d{1,2})|"
                        r"(?P<m>\d{1,2})[\s_.\-]*(?:date|дата|日期|时间))$")
_ISO = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$"
MIN_PAIRS = 2
MAX_STAGES = 200


def _pairs(headers: list[str]) -> tuple[list[tuple[int, int]], set[int]]:
    """(value column, time column) per numbered pair, in their numbers' order, and every column of the
    pairs (a «source_type» third of a pair among them); ([], set()) when the headers hold fewer than two."""
    values: dict[int, int] = {}
    times: dict[int, int] = {}
    used: set[int] = set()
    for i, header in enumerate(headers):
        text = (header or "").strip()
        m = _PAIR.match(text)
        if m:
            n, part = int(m["n"]), (m["part"] or "value").lower()
            if part == "value":
                values.setdefault(n, i)
            elif part in ("timestamp", "time", "date", "дата", "日期", "时间"):
                times.setdefault(n, i)
            used.add(i)
            continue
        d = _DATE_PART.match(text)
        if d:  # «Этап 1, Дата 1»: the date column names no stage
            times.setdefault(int(d["n"] or d["m"]), i)
            used.add(i)
    pairs = [(values[n], times[n]) for n in sorted(values) if n in times]
    if len(pairs) < MIN_PAIRS:
        return [], set()
    return pairs, used


def stage_pairs(con, raw: RawTable) -> RawTable:
    """``raw`` with its numbered stage/time pairs as ``date_entered_<stage>`` columns (module docstring); ``raw``
    itself when it has no such pairs or when their times are not ISO timestamps. A stage column of its own
    beside them (a «Stage» without a number) stays the deal's current stage."""
    pairs, used = _pairs(raw.headers)
    if not pairs:
        return raw
    table = ident(raw.table)
    cells = [(ident(f"c{v}"), ident(f"c{t}")) for v, t in pairs]
    filled = " UNION ALL ".join(render("SELECT row_no, {v} AS v, {t} AS t FROM {tb} WHERE {v} IS NOT NULL", v=v, t=t,
                                       tb=table) for v, t in cells)
    bad = run(con, f"SELECT count(*) FILTER (WHERE t IS NULL OR NOT regexp_matches(t, $iso)) FROM ({filled})",
              {"iso": _ISO}).fetchone()[0]
    # the stages in the order deals enter them: by how many more deals entered each before another stage than
    # after it (the columns' numbers count from the newest entry in HubSpot's history, and an id says nothing)
    stages = [r[0] for r in run(con, f"""WITH e AS (SELECT row_no, v, min(t) AS t FROM ({filled}) GROUP BY row_no, v)
                                       SELECT a.v FROM e a LEFT JOIN e b ON a.row_no = b.row_no AND a.v <> b.v
                                       GROUP BY a.v ORDER BY count(*) FILTER (WHERE b.t < a.t)
                                                             - count(*) FILTER (WHERE b.t > a.t), a.v""").fetchall()]
    if not stages or bad or len(stages) > MAX_STAGES:
        return raw
    kept = [i for i in range(len(raw.headers)) if i not in used]
    params: dict = {}
    entered = []
    for k, stage in enumerate(stages):
        params[f"s{k}"] = stage
        options = ", ".join(render("CASE WHEN {v} = $s" + str(k) + " THEN {t} END", v=v, t=t) for v, t in cells)
        entered.append(f"list_min([{options}]) AS {ident('c' + str(len(kept) + k))}")
    columns = ", ".join(["row_no"] + [render("{c} AS {n}", c=ident(f"c{i}"), n=ident(f"c{j}"))
                                      for j, i in enumerate(kept)] + entered)
    view = raw.table + "_pairs"
    run(con, render("CREATE OR REPLACE TEMP TABLE {v} AS SELECT " + columns + " FROM {t}", v=ident(view), t=table),
        params)
    headers = [raw.headers[i] for i in kept] + [f"date_entered_{stage}" for stage in stages]
    note = ("readers.stage_pairs", {"file": raw.file_name, "n": len(pairs), "stages": len(stages),
                                    "columns": f"«{raw.headers[pairs[0][0]]}» … «{raw.headers[pairs[-1][1]]}»"})
    return dataclasses.replace(raw, table=view, headers=headers, notes=[*raw.notes, note])
