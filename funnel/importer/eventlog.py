"""Input shape D: a raw event log (entity, step, timestamp), e.g. a web funnel.

Each entity becomes a deal: created when first seen, at the furthest step it reached. The last
step of the funnel is the won one. An event log has no "open" state: an entity that never reached
the last step counts as not converted (lost) at its furthest step — so win rate = conversion to
the last step. Attributes (variant, source, extras) are taken from the entity's first event.
Step order: the explicit one if given, else the order in time the log shows (a step goes before
another when more entities did it first: history_order.py's precedences), else (no times) by the
number of entities that reached each step, most first (a funnel narrows), ties in file order; a
guessed order is said (``stages.order_guessed``). Removal events (``remove_from_cart``) and
engagement pings (``scroll``, ``user_engagement``) are not steps: left out, and said
(``events.not_steps``).

Times: anything :func:`date_expr` reads, and GA4's compact forms: ``event_timestamp`` in
microseconds since 1970 (16 digits) and ``event_date`` as yyyymmdd. Instants (Unix time, offsets) are
read in the dataset's zone when one is given, else in UTC, and said (instants.py).

A table of outcome flags (one row per visitor: ``user_id, group, converted``) is read as the same
log: each row is an event at the first step, named ``visit`` (everyone who was counted),
and each "yes" in an outcome column an event at the step named after that column; the steps keep
the columns' order. A flag cell that is not a yes/no word rejects its row.
"""

from __future__ import annotations

from ..errors import FunnelError
from ..readers.values import FALSE_WORDS, TRUE_WORDS, ColumnProfile, bool_sql
from ..sql import ident, render, run
from ..timezones import zone_literal
from ..velocity.stays import BY_DEAL_ID, STAYS_VERSION, derive_stays
from .columns import extra_columns, read_date
from .history_order import history_order
from .instants import Instants, count_instants, note_instants
from .quality_findings import Findings

# events that are no step of a funnel, matched on their name folded to letters only: taking a product
# out of the cart (e-commerce logs, GA4, RetailRocket-style), and GA4's engagement pings
NOT_STEPS = ("removefromcart", "removedfromcart", "removefromwishlist", "scroll", "userengagement")


def _letters_sql(column: str) -> str:
    return f"regexp_replace(lower({column}), '[^a-z]', '', 'g')"


def _time_expr(con, raw, col: str, timezone: str | None = None) -> tuple[str, ColumnProfile | None, int]:
    """SQL typing an event log's time column: 16-digit microseconds since 1970 (GA4's
    event_timestamp) and yyyymmdd (GA4's event_date) when every filled cell is one, else date_expr;
    with the column's profile when it has one, and the count of GA4 microseconds (instants all)."""
    c = ident(col)
    kinds = run(con, render("""SELECT count(*), count(*) FILTER (WHERE regexp_full_match(trim({c}), '1[0-9]{15}')),
                                      count(*) FILTER (WHERE regexp_full_match(trim({c}), '(19|20)[0-9]{2}[01][0-9][0-3][0-9]'))
                               FROM {t} WHERE NULLIF(trim({c}), '') IS NOT NULL""", c=c, t=ident(raw.table))).fetchone()
    filled, micros, compact = kinds
    if filled and micros == filled:
        utc = render("make_timestamp(TRY_CAST(trim({c}) AS BIGINT))", c=c)
        if timezone:
            utc = render("timezone({z}, timezone('UTC', {u}))", z=zone_literal(timezone), u=utc)
        return utc, None, int(micros)
    if filled and compact == filled:
        return render("try_strptime(trim({c}), '%Y%m%d')", c=c), None, 0
    expr, _ambiguous, profile = read_date(con, raw.table, col, timezone=timezone)
    return expr, profile, 0


def build_event_log(con, raw, emap, *, explicit_stages=None, findings: Findings, file_name: str = "",
                    timezone: str | None = None) -> dict:
    """``timezone``: the dataset's zone (instants read as its clock time); the columns with instants are
    returned in ``meta['instants']`` (header -> values)."""
    ts = "NULL::TIMESTAMP"
    ts_raw = "NULL"
    instants: dict[str, int] = {}
    if emap.timestamp is not None:
        col = f"c{emap.timestamp}"
        ts, profile, micros = _time_expr(con, raw, col, timezone)
        header = raw.headers[emap.timestamp]
        found = count_instants(con, raw.table, [(col, header, profile)]) if profile is not None else []
        instants = note_instants(findings, found or ([Instants(header, micros)] if micros else []), timezone)
        ts_raw = render("NULLIF(trim({c}), '')", c=ident(col))
    extras = extra_columns(raw.headers, emap.extras, {"variant", "source"})

    def text(index):
        return "NULL" if index is None else render("NULLIF(trim({c}), '')", c=ident(f"c{index}"))

    extra_sql = "".join(f", {text(i)} AS {ident(name)}" for name, (i, _h) in extras.items())

    def log_rows(stage: str, where: str = "TRUE") -> str:
        return render("""SELECT row_no, {entity} AS deal_id, {stage} AS stage, {ts} AS entered_at,
                                {ts_raw} AS ts_raw, {variant} AS variant, {source} AS source{extras}
                         FROM {raw} WHERE {where}""", entity=text(emap.entity), stage=stage, ts=ts,
                      ts_raw=ts_raw, variant=text(emap.variant), source=text(emap.source), extras=extra_sql,
                      raw=ident(raw.table), where=where)

    params: dict = {}
    if emap.step is not None:
        log = log_rows(text(emap.step))
        step_header = raw.headers[emap.step]
    else:
        log, step_header, explicit_stages = _outcome_log(con, raw, emap, log_rows, params, findings,
                                                          explicit_stages)
    run(con, render("CREATE OR REPLACE TEMP TABLE imp_log AS {log}", log=log), params)
    entity_header = raw.headers[emap.entity]
    findings.examples(con, "SELECT DISTINCT row_no, NULL AS value FROM imp_log WHERE deal_id IS NULL", None,
                      "reject.missing_id", "error", entity_header)
    findings.examples(con, "SELECT DISTINCT row_no, NULL AS value FROM imp_log WHERE stage IS NULL AND deal_id IS NOT NULL",
                      None, "reject.missing_stage", "error", step_header)
    if emap.timestamp is not None:
        findings.examples(con, "SELECT DISTINCT row_no, ts_raw AS value FROM imp_log WHERE ts_raw IS NOT NULL "
                          "AND entered_at IS NULL", None, "reject.bad_date", "error", raw.headers[emap.timestamp])
    run(con, "DELETE FROM imp_log WHERE deal_id IS NULL OR stage IS NULL OR (ts_raw IS NOT NULL AND entered_at IS NULL)")
    # a row of outcome flags gives several log rows: count rows of the file
    rejected = raw.n_rows - run(con, "SELECT count(DISTINCT row_no) FROM imp_log").fetchone()[0]
    if rejected == raw.n_rows:
        _refuse_empty(con, raw, emap, entity_header, step_header, file_name)
    if emap.step is None:  # a row per visitor: a visitor listed again is merged, and said
        _repeated_visitors(con, raw, emap, findings, entity_header)

    order = list(explicit_stages) if explicit_stages and not isinstance(explicit_stages, dict) else \
        (list(explicit_stages.get("", [])) if isinstance(explicit_stages, dict) else [])
    if not order and emap.step is not None:
        _leave_out_non_steps(con, findings, step_header)
    reach = run(con, "SELECT stage, count(DISTINCT deal_id) AS n, min(row_no) FROM imp_log GROUP BY 1 "
                     "ORDER BY n DESC, 3").fetchall()
    if not order:
        order = _time_order(con) or [r[0] for r in reach]
        if emap.step is not None and len(order) > 1:  # outcome flags keep their columns' order
            findings.add("stages.order_guessed", "warning", n=None)
    unknown = [r for r in reach if r[0] not in order]
    for stage, n, _ in unknown:
        findings.add("stages.unknown", "warning", column=step_header, value=stage, n=n)
    rows = [("", s, i, "won" if i == len(order) else "open") for i, s in enumerate(order, start=1)]
    run(con, "CREATE OR REPLACE TEMP TABLE imp_stages (pipeline VARCHAR, stage VARCHAR, position INTEGER, kind VARCHAR)")
    if rows:
        con.executemany("INSERT INTO imp_stages VALUES (?, ?, ?, ?)", rows)
    run(con, """CREATE OR REPLACE TEMP TABLE imp_events AS
        SELECT l.deal_id, '' AS pipeline, l.stage, s.position, min(l.entered_at) AS entered_at
        FROM imp_log l JOIN imp_stages s ON s.stage = l.stage GROUP BY 1, 2, 3, 4""")
    skipped = run(con, "SELECT count(*) FROM (SELECT deal_id FROM imp_events GROUP BY deal_id "
                       "HAVING count(*) < max(position)) AS s").fetchone()[0]
    if skipped:  # e.g. retained on day 7 but not on day 1: the funnel counts day 1 as passed
        findings.add("events.skipped_steps", "info", n=skipped)
    firsts = "".join(f", arg_min({ident(n)}, row_no) AS {ident(n)}" for n in ["variant", "source", *extras])
    run(con, render("""CREATE OR REPLACE TEMP TABLE imp_deals AS
        WITH per AS (SELECT deal_id, min(entered_at) AS created_at, min(row_no) AS row_no{firsts}
                     FROM imp_log GROUP BY deal_id),
             reach AS (SELECT deal_id, max(position) AS furthest, max(entered_at) AS last_at
                       FROM imp_events GROUP BY deal_id),
             n AS (SELECT max(position) AS n FROM imp_stages)
        SELECT p.deal_id, NULL::VARCHAR AS deal_name, p.created_at,
               CASE WHEN r.furthest = n.n THEN r.last_at END AS closed_at,
               s.stage, CASE WHEN r.furthest = n.n THEN 'won' ELSE 'lost' END AS status,
               NULL::DOUBLE AS amount, NULL::VARCHAR AS currency, NULL::VARCHAR AS manager,
               p.source, p.variant, '' AS pipeline, NULL::VARCHAR AS lost_reason,
               r.furthest AS stage_pos, r.furthest AS furthest_pos,
               CASE WHEN r.furthest < n.n THEN r.furthest END AS lost_pos,
               CASE WHEN r.furthest < n.n THEN TRUE END AS lost_stage_known,
               CASE WHEN r.furthest = n.n THEN date_diff('second', p.created_at, r.last_at) / 86400.0 END
                   AS cycle_days,
               p.row_no{extra_cols}
        FROM per p JOIN reach r ON r.deal_id = p.deal_id CROSS JOIN n
        JOIN imp_stages s ON s.position = r.furthest""",
        firsts=firsts, extra_cols="".join(", p." + ident(n) for n in extras)))
    derive_stays(con, keys=BY_DEAL_ID)  # stored, as a deals file's: velocity pages read them, not a derivation
    return {
        "rows_rejected": rejected,
        "n_deals": run(con, "SELECT count(*) FROM imp_deals").fetchone()[0],
        "n_events": run(con, "SELECT count(*) FROM imp_events").fetchone()[0],
        "meta": {"pipelines": [""], "extra_columns": {n: h for n, (_i, h) in extras.items()},
                 "stage_order": {"": order}, "lost_stages": {"": []}, "stays_table": STAYS_VERSION,
                 "instants": instants},
    }


def _repeated_visitors(con, raw, emap, findings: Findings, entity_header: str) -> None:
    """A file of one row per visitor that lists a visitor again: the rows after the first are merged into it (its
    group and attributes from the first row, converted when any row says so). Said, each row by its number and
    id, and apart the rows that put the visitor in another group than its first row did (Udacity's ab_data:
    3,894 repeated users, 1,998 of them shown both landing pages; before, «no data-quality notes»)."""
    run(con, """CREATE OR REPLACE TEMP TABLE imp_repeats AS
        SELECT row_no, deal_id, variant, arg_min(variant, row_no) OVER (PARTITION BY deal_id) AS first_variant,
               min(row_no) OVER (PARTITION BY deal_id) AS first_row
        FROM (SELECT DISTINCT row_no, deal_id, variant FROM imp_log) AS r""")
    findings.examples(con, "SELECT row_no, deal_id AS value FROM imp_repeats WHERE row_no > first_row", None,
                      "events.repeated_visitor", "warning", entity_header)
    if emap.variant is not None:
        findings.examples(con, "SELECT row_no, concat_ws(' → ', first_variant, variant) AS value FROM imp_repeats "
                               "WHERE row_no > first_row AND variant IS DISTINCT FROM first_variant", None,
                          "events.visitor_two_groups", "warning", raw.headers[emap.variant])
    run(con, "DROP TABLE imp_repeats")


def _refuse_empty(con, raw, emap, entity_header: str, step_header: str, file_name: str) -> None:
    """Every row was refused: a column that is empty in every row is named (with the flag that maps
    another), else the caller's general refusal names the first refused row."""
    for index, header, field in ((emap.entity, entity_header, "entity"), (emap.step, step_header, "step")):
        if index is None:
            continue
        filled = run(con, render("SELECT count(NULLIF(trim({c}), '')) FROM {t}", c=ident(f"c{index}"),
                                 t=ident(raw.table))).fetchone()[0]
        if not filled:
            raise FunnelError("import.events_column_empty", file=file_name, column=header, field=field,
                              role_key=f"ui.data.role.{field}", headers=", ".join(raw.headers[:10]))


def _leave_out_non_steps(con, findings: Findings, step_header: str) -> None:
    """Drop removal events and engagement pings from the log (NOT_STEPS), one info finding each."""
    gone = run(con, render("SELECT stage, count(*) FROM imp_log WHERE {k} IN (SELECT unnest($names)) "
                           "GROUP BY 1 ORDER BY min(row_no)", k=_letters_sql("stage")),
               {"names": list(NOT_STEPS)}).fetchall()
    for stage, n in gone:
        findings.add("events.not_steps", "info", column=step_header, value=stage, n=n)
    if gone:
        run(con, render("DELETE FROM imp_log WHERE {k} IN (SELECT unnest($names))", k=_letters_sql("stage")),
            {"names": list(NOT_STEPS)})


def _time_order(con) -> list[str]:
    """The steps in the order the log's times show (history_order.py: pairwise precedence, then
    Kahn's algorithm), [] when no entity did two steps at two different times."""
    run(con, "CREATE OR REPLACE TEMP VIEW imp_valid AS SELECT DISTINCT deal_id, '' AS pipeline FROM imp_log")
    run(con, "CREATE OR REPLACE TEMP VIEW imp_hist AS SELECT deal_id, '' AS pipeline, stage, entered_at "
             "FROM imp_log WHERE entered_at IS NOT NULL")
    try:
        return history_order(con).get("", [])
    finally:
        run(con, "DROP VIEW imp_hist")
        run(con, "DROP VIEW imp_valid")


FIRST_STEP_NAMES = ("visit", "visited", "visitors")
_BOOL_WORDS = frozenset(TRUE_WORDS) | frozenset(FALSE_WORDS)  # what bool_sql reads, lower-cased and trimmed


def _is_marker(con, table: str, i: int) -> bool:
    """Whether flag column ``i`` marks a step by one word in the rows that reached it, no yes/no word
    (the Kaggle e-commerce funnel's page tables joined on ``user_id``: ``search_page`` or empty)."""
    cell = render("NULLIF(trim({c}), '')", c=ident(f"c{i}"))
    low, high = run(con, render("SELECT min({x}), max({x}) FROM {t}", x=cell, t=ident(table))).fetchone()
    return low is not None and low == high and low.lower() not in _BOOL_WORDS


def flag_step_names(flags: list[str]) -> list[str]:
    """The steps of a visitor file whose yes/no columns are ``flags`` (their titles, in funnel order): every row is
    a visit, and the first step says so (not the id column's name, e.g. "user_id"), then one step a column."""
    first = next(n for n in (*FIRST_STEP_NAMES, f"{FIRST_STEP_NAMES[0]}_{len(flags)}") if n not in flags)
    return [first, *flags]


def _outcome_log(con, raw, emap, log_rows, params: dict, findings: Findings, explicit_stages):
    """The event-log rows of a table of outcome flags (SQL with ``$s<i>`` step names in ``params``).

    Returns the SQL, the header to name in messages about steps, and the step order (the given one,
    else ``visit`` then the flag columns as they stand in the file)."""
    bad = []
    reached = {}
    for i in emap.flags:
        cell = render("NULLIF(trim({c}), '')", c=ident(f"c{i}"))
        if _is_marker(con, raw.table, i):  # the page's name where the visitor saw it, else empty
            reached[i] = f"{cell} IS NOT NULL"
            continue
        reached[i] = bool_sql(ident(f"c{i}"))
        test = f"({cell} IS NOT NULL AND {bool_sql(ident(f'c{i}'))} IS NULL)"
        findings.examples(con, render("SELECT row_no, {c} AS value FROM {raw} WHERE {t}", c=cell,
                                      raw=ident(raw.table), t=test), None, "reject.bad_boolean", "error",
                          raw.headers[i])
        bad.append(test)
    keep = f"NOT ({' OR '.join(bad)})" if bad else "TRUE"
    names = flag_step_names([raw.headers[i] for i in emap.flags])
    params.update({f"s{k}": name for k, name in enumerate(names)})
    parts = [log_rows("$s0", keep)]
    parts += [log_rows(f"$s{k}", f"{keep} AND {reached[i]}") for k, i in enumerate(emap.flags, start=1)]
    return " UNION ALL ".join(parts), raw.headers[emap.flags[0]], explicit_stages or names
