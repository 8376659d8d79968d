"""Input shape E: aggregate counts (stage, count [, group]) — a consultant's spreadsheet or an ad
platform's numbers. Long form (one row per stage and group) or wide form (one numeric column per
stage, e.g. daily Pageviews, Clicks, Enrollments, Payments). Rows of the same stage and group are
summed. The overall row (group '') is the sum over groups. A later stage larger than an earlier
one is kept as it is and reported (``counts.non_monotone``), never clipped.

Rows whose group is a total (``Total``, ``All``, ``Итого``, ``合计``: an analytics export's own sum
beside its parts) are not one more group: they are the overall numbers of their stages (a
platform's total of users is deduplicated, so it may be below the sum of its parts) and the parts
stay the groups (``counts.total_rows``, info).

Wide form, cells left empty (Udacity's daily table: enrollments not known yet for the last 14
days): the conversion from one step to the next is read only from the rows where both counts are
filled, never a sum over some days divided by a sum over others. The stored model holds one
number per stage, so the stored reached numbers are chained: the first step is its sum, each next
one the stored previous times the paired conversion. A step conversion is then exactly the paired
ratio; the reached numbers after such a step are estimates, not the file's sums, and a finding
says so (``counts.unpaired_rows``: the step and the rows left out of it).
"""

from __future__ import annotations

import json

from ..errors import FunnelError
from ..mapping import classify_stage_name
from ..mapping.visitor_counts import of_visitors
from ..readers.values import none_word_sql
from ..sql import ident, render, run
from .columns import number_expr
from .quality_findings import Findings

# group values that name the total of the other rows, compared case-insensitively
TOTAL_WORDS = ("total", "totals", "grand total", "all", "overall", "sum", "итого", "всего", "все", "合计",
               "总计", "总数", "全部")

# the finding that says why a number column of a wide table is not a step (shapes.never_count)
LEFT_OUT = {"id": "counts.left_out_id", "time": "counts.left_out_time", "percentage": "counts.left_out_percentage",
            "fraction": "counts.left_out_fraction", "not_step": "counts.left_out_not_step",
            "average": "counts.left_out_average", "people": "counts.left_out_people"}


_MAX_COUNT = 10 ** 15  # more people than live on Earth by far, and below BIGINT's 9.2e18


def _number(con, raw, index: int) -> str:
    return number_expr(con, raw.table, f"c{index}")


def build_counts(con, raw, cmap, *, explicit_stages=None, findings: Findings) -> dict:
    grp = "''" if cmap.group is None else render("COALESCE(NULLIF(trim({c}), ''), '')", c=ident(f"c{cmap.group}"))
    if cmap.group is not None and cmap.detail is not None:
        # «level 1 › level 2» (Metrica's «Переходы из поисковых систем › Яндекс»); a detail Metrica could not
        # tell («Не определено») leaves the first level alone
        d = ident(f"c{cmap.detail}")
        findings.add("counts.group_detail", "info", column=raw.headers[cmap.detail], n=None, detail=json.dumps(
            {"group": raw.headers[cmap.group], "column": raw.headers[cmap.detail]}, ensure_ascii=False))
        grp = render("CASE WHEN NULLIF(trim({d}), '') IS NULL OR {none} OR lower(trim({d})) IN ('не определено', "
                     "'(not set)', 'not set', 'undefined', '未知', '未定义') THEN {g} ELSE {g} || ' › ' || trim({d}) END",
                     d=d, g=grp, none=none_word_sql(d))
    run(con, "CREATE OR REPLACE TEMP TABLE imp_long (row_no INTEGER, stage VARCHAR, grp VARCHAR, n DOUBLE, "
             "raw VARCHAR, col INTEGER)")
    if cmap.wide_stages:
        for k, index in enumerate(cmap.wide_stages):
            # a "no value" word («--»: Yandex Direct's conversions without goal data) is an empty count
            number = _number(con, raw, index)
            if index in cmap.rounded:  # an attribution's fractional counts: each row's rounded, said
                exact, whole = run(con, render("SELECT sum({n}), sum(round({n})) FROM {raw}", n=number,
                                               raw=ident(raw.table))).fetchone()
                findings.add("counts.rounded", "info", column=raw.headers[index], n=None, detail=json.dumps(
                    {"column": raw.headers[index], "exact": f"{exact or 0:.2f}", "whole": f"{whole or 0:.0f}"},
                    ensure_ascii=False))
                number = f"round({number})"
            run(con, render("""INSERT INTO imp_long SELECT row_no, $stage, {grp}, {num},
                               CASE WHEN {none} THEN NULL ELSE NULLIF(trim({c}), '') END, $k FROM {raw}""",
                            grp=grp, num=number, c=ident(f"c{index}"), raw=ident(raw.table),
                            none=none_word_sql(ident(f"c{index}"))),
                {"stage": raw.headers[index], "k": k})
        order_default = [raw.headers[i] for i in cmap.wide_stages]
    else:
        run(con, render("""INSERT INTO imp_long SELECT row_no, NULLIF(trim({s}), ''), {grp}, {num},
                           NULLIF(trim({c}), ''), 0 FROM {raw}""",
                        s=ident(f"c{cmap.stage}"), grp=grp, num=_number(con, raw, cmap.count),
                        c=ident(f"c{cmap.count}"), raw=ident(raw.table)))
        order_default = [r[0] for r in run(con, "SELECT stage FROM imp_long WHERE stage IS NOT NULL "
                                                "GROUP BY stage ORDER BY min(row_no)").fetchall()]
        order_default = _without_lost(con, order_default, findings)
    for index, reason in cmap.left_out:
        findings.add(LEFT_OUT[reason], "info", column=raw.headers[index], n=None)
    findings.examples(con, "SELECT row_no, raw AS value FROM imp_long WHERE raw IS NOT NULL AND n IS NULL",
                      None, "reject.bad_number", "error", None)
    missing = run(con, "SELECT count(*) FROM imp_long WHERE raw IS NULL").fetchone()[0]
    if missing:
        findings.add("counts.missing_values", "warning", n=missing)
    rejected = run(con, "SELECT count(DISTINCT row_no) FROM imp_long WHERE raw IS NOT NULL AND n IS NULL").fetchone()[0]
    order = list(explicit_stages) if explicit_stages and not isinstance(explicit_stages, dict) else order_default
    rows = [("", s, i, "won" if i == len(order) else "open") for i, s in enumerate(order, start=1)]
    run(con, "CREATE OR REPLACE TEMP TABLE imp_stages (pipeline VARCHAR, stage VARCHAR, position INTEGER, kind VARCHAR)")
    if rows:
        con.executemany("INSERT INTO imp_stages VALUES (?, ?, ?, ?)", rows)
    totals = _total_rows(con, cmap, raw, findings)
    # the rows behind each stored funnel ("part"): a group's own rows; the overall '' has the total
    # rows where the file has them, else every row
    run(con, """CREATE OR REPLACE TEMP TABLE imp_parts AS
        SELECT l.row_no, l.grp AS part, s.position, l.n
        FROM imp_long l JOIN imp_stages s ON s.stage = l.stage
        WHERE l.n IS NOT NULL AND l.grp <> '' AND NOT list_contains($totals, lower(l.grp))
        UNION ALL
        SELECT l.row_no, '' AS part, s.position, l.n
        FROM imp_long l JOIN imp_stages s ON s.stage = l.stage
        WHERE l.n IS NOT NULL AND ($has_totals = list_contains($totals, lower(l.grp)))""",
        {"totals": list(TOTAL_WORDS), "has_totals": totals > 0})
    reached = _reached(con, order, findings) if cmap.wide_stages else _sums(con)
    run(con, "CREATE OR REPLACE TEMP TABLE imp_counts (pipeline VARCHAR, stage VARCHAR, position INTEGER, "
             "grp VARCHAR, n BIGINT)")
    stored = [("", order[pos - 1], pos, part, n) for (part, pos), n in sorted(reached.items())]
    if any(n >= _MAX_COUNT for *_rest, n in stored):  # summed ids or money, no people: said, never a crash
        _pos, part, n = max(((pos, part, n) for (part, pos), n in reached.items()), key=lambda t: t[2])
        raise FunnelError("import.counts_too_large", file=raw.file_name, stage=order[_pos - 1], n=f"{n:.3g}")
    if stored:
        con.executemany("INSERT INTO imp_counts VALUES (?, ?, ?, ?, ?)", stored)
    if cmap.wide_stages:  # a row whose later step counts more than its earlier one: no funnel in that row
        findings.examples(con, """
            WITH r AS (SELECT DISTINCT p.row_no, p.position, p.n, s.stage,
                              CASE WHEN p.n = round(p.n) THEN CAST(round(p.n) AS BIGINT)::VARCHAR ELSE p.n::VARCHAR END
                                  AS shown FROM imp_parts p
                       JOIN imp_stages s ON s.position = p.position),
                 o AS (SELECT *, lag(n) OVER w AS prev_n, lag(shown) OVER w AS prev_shown, lag(stage) OVER w AS prev_stage,
                              lag(position) OVER w AS prev_pos
                       FROM r WINDOW w AS (PARTITION BY row_no ORDER BY position))
            SELECT row_no, min(concat(prev_stage, ' ', prev_shown, ' → ', stage, ' ', shown)) AS value
            FROM o WHERE prev_pos = position - 1 AND n > prev_n GROUP BY row_no""", None,
                          "counts.row_not_nested", "warning", None)
    run(con, "DROP TABLE imp_parts")
    non_monotone = run(con, """WITH o AS (SELECT grp, position, n, lag(n) OVER (PARTITION BY grp ORDER BY position) AS prev
                                          FROM imp_counts)
                               SELECT count(*) FROM o WHERE n > prev""").fetchone()[0]
    if non_monotone:
        findings.add("counts.non_monotone", "warning", n=non_monotone)
    groups = [r[0] for r in run(con, "SELECT DISTINCT grp FROM imp_counts WHERE grp <> '' ORDER BY 1").fetchall()]
    counted = raw.headers[cmap.count] if not cmap.wide_stages and cmap.count is not None else order[:1]
    return {
        "rows_rejected": rejected,
        "n_deals": 0,
        "n_events": 0,
        "meta": {"pipelines": [""], "extra_columns": {}, "stage_order": {"": order}, "lost_stages": {"": []},
                 "group_column": None if cmap.group is None else raw.headers[cmap.group] + (
                     f" › {raw.headers[cmap.detail]}" if cmap.detail is not None else ""),
                 "groups": groups, **({"counted": "visitors"} if of_visitors(counted) else {})},
    }


def _without_lost(con, order: list[str], findings: Findings) -> list[str]:
    """The stages of reached counts without those named lost: «Closed lost 12» after «Closed won 6» counts the
    deals lost on the way, no step after the won one (it was drawn as a 200 % step; survey 27). Said with
    each one's count; kept when fewer than two stages would remain."""
    lost = [s for s in order if classify_stage_name(s) == "lost"]
    if not lost or len(order) - len(lost) < 2:
        return order
    for stage in lost:
        n = run(con, "SELECT sum(n) FROM imp_long WHERE stage = $s", {"s": stage}).fetchone()[0]
        findings.add("counts.left_out_lost", "info", value=stage, n=int(n) if n is not None else None,
                     detail=json.dumps({"stage": stage, "n": f"{n:g}"}, ensure_ascii=False))
    return [s for s in order if s not in lost]


def counts_of_visitors(cmap, headers: list[str]) -> bool:
    """Whether a counts table read with ``cmap`` counts visitors (what its import records as ``counted``, before
    it: the count column of a long table, the first step column of a wide one): the Data page names the reading so."""
    if cmap is None or not hasattr(cmap, "wide_stages"):
        return False
    if cmap.wide_stages:
        return of_visitors(headers[cmap.wide_stages[0]])
    return cmap.count is not None and of_visitors(headers[cmap.count])


def _total_rows(con, cmap, raw, findings: Findings) -> int:
    """The number of rows whose group names a total; said as an info finding."""
    if cmap.group is None:
        return 0
    total = run(con, "SELECT count(DISTINCT row_no), min(grp) FROM imp_long WHERE list_contains($totals, lower(grp))",
                {"totals": list(TOTAL_WORDS)}).fetchone()
    if total[0]:
        findings.add("counts.total_rows", "info", column=raw.headers[cmap.group], value=total[1], n=total[0])
    return int(total[0])


def _sums(con) -> dict[tuple[str, int], int]:
    """Per (part, position): the sum of its counts."""
    rows = run(con, "SELECT part, position, CAST(round(sum(n)) AS BIGINT) FROM imp_parts GROUP BY 1, 2").fetchall()
    return {(part, pos): n for part, pos, n in rows}


def _reached(con, order: list[str], findings: Findings) -> dict[tuple[str, int], int]:
    """Per (part, position) of a wide table: the chained reached numbers (the module docstring)."""
    sums = {(p, pos): n for p, pos, n in run(con, "SELECT part, position, sum(n) FROM imp_parts GROUP BY 1, 2").fetchall()}
    # per part and step k-1 -> k: the sums of both counts over the rows that have both, and the rows
    # that have only one of the two
    pairs = run(con, """
        WITH a AS (SELECT * FROM imp_parts), b AS (SELECT * FROM imp_parts)
        SELECT coalesce(a.part, b.part), coalesce(a.position + 1, b.position) AS pos,
               sum(a.n) FILTER (WHERE b.n IS NOT NULL), sum(b.n) FILTER (WHERE a.n IS NOT NULL),
               count(*) FILTER (WHERE a.n IS NULL OR b.n IS NULL)
        FROM a FULL JOIN b ON a.row_no = b.row_no AND a.part = b.part AND b.position = a.position + 1
        GROUP BY 1, 2""").fetchall()
    paired = {(p, pos): (prev, cur, lone) for p, pos, prev, cur, lone in pairs if 1 < pos <= len(order)}
    out: dict[tuple[str, int], int] = {}
    for part in sorted({p for p, _pos in sums}):
        value = float(sums.get((part, 1), 0))
        out[(part, 1)] = round(value)
        for pos in range(2, len(order) + 1):
            prev, cur, lone = paired.get((part, pos), (None, None, 0))
            if prev:  # the paired conversion carries the chain on
                value = value * float(cur or 0) / float(prev)
            elif (part, pos) in sums:  # no row has both counts: the stage's own sum, and nothing to pair
                value = float(sums[(part, pos)])
            else:  # not one count of this step in the part («--» in every cell): unknown, never 0
                break
            out[(part, pos)] = round(value)
            if lone and part == "":
                findings.add("counts.unpaired_rows", "info", n=lone,
                             detail=json.dumps({"step": f"{order[pos - 2]} → {order[pos - 1]}", "n": lone},
                                               ensure_ascii=False))
    return out
