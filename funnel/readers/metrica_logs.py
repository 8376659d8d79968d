"""Yandex Metrica's Logs API visits (``ym:s:*`` columns): one row per visit, its goals in one cell, as an event log.

The Logs API writes a visit per row (TSV): ``ym:s:visitID, ym:s:clientID, ym:s:dateTime, …, ym:s:goalsID,
ym:s:goalsDateTime, ym:s:lastTrafficSource``, the goals reached in the visit as a list, ``[111,222]``, and when
each was reached, ``['2024-03-01 11:21:10','2024-03-01 11:24:30']``. Read as it was, every whole-number column
(the new-visitor flag, page views, the visit's seconds, the bounce flag) became a step of counts: 8 → 29 → 1,352
→ 2 (survey 26). Here each visit is an event ``visit`` of its client at its time, and each goal an event ``goal
<id>`` at the time the list gives (else the visit's), the visit's other columns beside them: the event log a
web funnel is (entity ``client_id``, step ``event``, ``event_time``), read by the same importer. The rows are
numbered again (a visit's events one after another), and the reading is said (``readers.metrica_logs``).
"""

from __future__ import annotations

from dataclasses import replace

from ..sql import ident, render, run
from .staging import RawTable

PREFIX = "ym:s:"
CLIENT, TIME, GOALS, GOAL_TIMES = "ym:s:clientid", "ym:s:datetime", "ym:s:goalsid", "ym:s:goalsdatetime"
# the Logs API's list columns: one value per goal, no value of the visit (the others are the visit's own)
_LISTS = ("ym:s:goals", "ym:s:goalsid", "ym:s:goalsdatetime", "ym:s:goalsprice", "ym:s:goalsorder",
          "ym:s:goalsserialnumber", "ym:s:goalscurrency", "ym:s:purchaseid", "ym:s:purchasedatetime",
          "ym:s:purchaserevenue", "ym:s:productsid", "ym:s:productsname", "ym:s:watchids")
# the visit's own id: one value per visit, no attribute of its client (the A/B page offered it as a grouping)
VISIT = "ym:s:visitid"
# the visit's attributes by the names the matcher and the A/B page know (the source, UTM tags, the device)
_NAMES = {"ym:s:lasttrafficsource": "Traffic source", "ym:s:lastsigntrafficsource": "Traffic source",
          "ym:s:lastutmsource": "utm_source", "ym:s:lastutmmedium": "utm_medium", "ym:s:lastutmcampaign": "utm_campaign",
          "ym:s:lastadvengine": "Ad engine", "ym:s:devicecategory": "Device category", "ym:s:regioncity": "City"}
# a list cell's items: «[111,222]», «['2024-03-01 11:21:10','2024-03-01 11:24:30']»
_ITEMS = "list_transform(string_split(trim({c}, '[] '), ','), lambda x: NULLIF(trim(x, ' ''\"'), ''))"


def events_of_visits(con, raw: RawTable) -> RawTable:
    """``raw`` itself, or, for the Logs API's visits with their goals, one row per visit and per goal reached."""
    low = [(h or "").strip().lower() for h in raw.headers]
    if CLIENT not in low or TIME not in low or GOALS not in low:
        return raw
    col = {h: ident(f"c{low.index(h)}") for h in (CLIENT, TIME, GOALS, GOAL_TIMES) if h in low}
    kept = [i for i, h in enumerate(low) if h not in _LISTS and h not in (CLIENT, TIME, VISIT)]
    names = ["client_id", "event", "event_time"] + [
        _NAMES.get(low[i], raw.headers[i][len(PREFIX):] if low[i].startswith(PREFIX) else raw.headers[i]) for i in kept]
    visit_cells = ", ".join(ident(f"c{i}") for i in kept)
    goal_times = render(_ITEMS, c=col[GOAL_TIMES]) if GOAL_TIMES in col else "[]"
    t, out = ident(raw.table), ident(f"{raw.table}_events")
    rest = (", " + visit_cells) if kept else ""
    run(con, render(
        """CREATE OR REPLACE TEMP TABLE {out} AS
           WITH visits AS (SELECT row_no, {client} AS client, {time} AS moment, {goals} AS goals, {goal_times} AS goal_times
                                  {rest} FROM {t}),
                events AS (
               SELECT row_no, 0 AS k, client, 'visit' AS event, moment {rest} FROM visits
               UNION ALL
               SELECT row_no, k, client, 'goal ' || goals[k] AS event, COALESCE(goal_times[k], moment) AS moment {rest}
               FROM visits, range(1, len(goals) + 1) AS r(k) WHERE goals[k] IS NOT NULL)
           SELECT CAST(row_number() OVER (ORDER BY row_no, k) AS INTEGER) AS row_no, {cells}
           FROM events ORDER BY row_no""",
        out=out, t=t, client=col[CLIENT], time=col[TIME], goals=render(_ITEMS, c=col[GOALS]),
        goal_times=goal_times, rest=rest,
        cells=", ".join(render("{a} AS {c}", a=a, c=ident(f"c{j}")) for j, a in enumerate(
            ["client", "event", "moment", *(ident(f"c{i}") for i in kept)]))))
    run(con, render("CREATE OR REPLACE TEMP TABLE {t} AS SELECT * FROM {out} ORDER BY row_no", t=t, out=out))
    run(con, render("DROP TABLE {out}", out=out))
    n_rows = run(con, render("SELECT count(*) FROM {t}", t=t)).fetchone()[0]
    said = ("readers.metrica_logs", {"file": raw.file_name, "visits": raw.n_rows, "n": n_rows})
    return replace(raw, headers=names, n_rows=n_rows, notes=[*raw.notes, said])
