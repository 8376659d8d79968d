"""Per-deal funnel facts, events and data-quality checks, derived once at import.

Definitions (DOMAIN.md, "Funnel semantics"): a deal reached stage k when its furthest position
is >= k. The furthest position is the largest of: the positions in its history, the position of
its current stage (a snapshot deal at stage k passed 1..k), and for a won deal the won stage's
position. A lost deal that has neither history nor an open current stage (it sits in a "lost"
stage) keeps no record of where it died: it is counted at stage 1 with ``lost_stage_known``
FALSE, and the report says how many. Backward moves and skipped stages are counted from the
history, never dropped.
"""

from __future__ import annotations

import json
import re

from ..audit.facts import COLUMN as FACTS_COLUMN
from ..mapping.cell_kinds import is_compact_date, is_date
from ..mapping.matcher import DATE_WORDS
from ..mapping.normalize import normalize_header
from ..mapping.synonyms import is_close_date_when_closed
from ..money import CURRENCY_NAMES
from ..readers.headers import clean_header
from ..readers.values import none_word_sql
from ..sql import ident, render, run
from ..velocity.stays import STAYS_VERSION, derive_stays
from .history import enter_creation_stages
from .quality_findings import Findings
from .source_spellings import merge_case_spellings, note_punctuation_spellings

STATUS_CASE = """CASE
    WHEN m.status IS NOT NULL THEN m.status
    WHEN v.won_flag IS TRUE THEN 'won'
    WHEN v.lost_flag IS TRUE THEN 'lost'
    WHEN v.closed_flag IS TRUE AND v.won_flag IS FALSE THEN 'lost'
    WHEN v.closed_flag IS TRUE AND s.kind = 'won' THEN 'won'
    WHEN v.closed_flag IS TRUE THEN 'lost'
    WHEN v.closed_flag IS FALSE THEN 'open'
    WHEN v.won_flag IS FALSE AND v.lost_flag IS FALSE THEN 'open'
    WHEN s.kind IN ('won', 'lost') AND cl.stage IS NULL THEN s.kind
    WHEN v.won_at IS NOT NULL THEN 'won'
    WHEN v.lost_at IS NOT NULL THEN 'lost'{by_reason}
    ELSE 'open' END"""
# Where the file says nothing else of the outcome (no status, flag or won/lost date), a deal at an
# open stage whose lost reason is filled was lost there: Odoo keeps a lost opportunity in its stage,
# archived, with its «Lost Reason»; amoCRM and Kommo views may drop the status column too.
BY_REASON = "\n    WHEN v.lost_reason IS NOT NULL AND NOT {none} THEN 'lost'"
OUTCOME_FIELDS = ("status", "won_flag", "closed_flag", "lost_flag", "won_at", "lost_at")
# A sheet's lone won flag (a Google Sheets checkbox «Won?» TRUE / FALSE) with no closed flag beside it:
# FALSE on a deal the file says was closed (a real close date, not a CRM's expected-or-actual «Close
# Date») is a deal closed and not won. It was counted open, "closed, no outcome".
BY_CLOSE = "\n    WHEN v.won_flag IS FALSE AND v.closed_at IS NOT NULL THEN 'lost'"


def lost_by_close(headers: dict[str, str | None]) -> bool:
    """Whether a won flag FALSE with a close date says lost (:data:`BY_CLOSE`); ``headers``: field ->
    the header of its column."""
    close = headers.get("closed_at")
    return ("won_flag" in headers and "closed_flag" not in headers and close is not None
            and not is_close_date_when_closed(close))


# what says only that a deal was won: a lone won flag or won date leaves the losses to the lost reason (Alfa CRM's
# leads: ``is_study`` 1 a paying student, ``lead_reject_id`` an archived lead's reason; survey 44: 4 won, 0 lost)
_WIN_ONLY = ("won_flag", "won_at")


def lost_by_reason(fields) -> bool:
    """Whether a filled lost reason decides a loss: the file has one and nothing else of the outcome but what
    says a win (:data:`_WIN_ONLY`: checked before the reason)."""
    return "lost_reason" in fields and not any(f in fields for f in OUTCOME_FIELDS if f not in _WIN_ONLY)


def status_case(fields) -> str:
    """:data:`STATUS_CASE` for a mapping's typed fields (:func:`lost_by_reason`, :func:`lost_by_close`)."""
    by_reason = BY_REASON.format(none=none_word_sql("v.lost_reason")) if lost_by_reason(fields) else ""
    if lost_by_close({f: getattr(c, "header", None) for f, c in fields.items() if c is not None}):
        by_reason = BY_CLOSE + by_reason
    return STATUS_CASE.format(by_reason=by_reason)


def _final(con, into: str | None, name: str) -> str:
    """The quoted name the final table ``name`` (deals, events) is built under: in the dataset's
    schema ``into`` (an import writing in place, inside the store's open transaction; see
    :func:`_view`), else the temp table ``imp_<name>``."""
    temp = f"imp_{name}"
    if into is None:
        return ident(temp)
    run(con, render("DROP TABLE IF EXISTS {t}", t=ident(temp)))
    run(con, render("DROP VIEW IF EXISTS {t}", t=ident(temp)))
    return ident(into, name)


def _view(con, into: str | None, name: str) -> None:
    """In place, ``imp_<name>`` becomes a temp view of the final table: later steps read it by that name.
    Made again after the table loses a column (a view names the columns it was made with)."""
    if into is not None:
        run(con, render("CREATE OR REPLACE TEMP VIEW {v} AS SELECT * FROM {t}", v=ident(f"imp_{name}"),
                        t=ident(into, name)))


def _create(con, into: str | None, name: str, body: str) -> None:
    """``CREATE TABLE <final name> <body>`` (see :func:`_final`), readable as ``imp_<name>`` after."""
    target = _final(con, into, name)
    run(con, ("CREATE TABLE " if into else "CREATE OR REPLACE TEMP TABLE ") + target + " " + body)
    _view(con, into, name)


def _drop_deal_row(con, into: str | None) -> None:
    """The events' ``deal_row`` (their deal's row_no, which the stays joined on) is not stored."""
    events = ident(into, "events") if into else ident("imp_events")
    run(con, render("ALTER TABLE {t} DROP COLUMN {c}", t=events, c=ident("deal_row")))
    _view(con, into, "events")


def _events(con, history_loaded: bool, findings: Findings, into: str | None = None) -> int:
    """``imp_events`` from ``imp_hist``: only known deals, runs of one stage collapsed."""
    run(con, """CREATE OR REPLACE TEMP TABLE imp_hist_pos (deal_row INTEGER, hist_pos INTEGER, back BIGINT,
                skipped BIGINT, last_entry_at TIMESTAMP)""")
    if not history_loaded:
        _create(con, into, "events", """(deal_id VARCHAR, pipeline VARCHAR, stage VARCHAR,
                    position INTEGER, entered_at TIMESTAMP, deal_row INTEGER)""")
        return 0
    entered = enter_creation_stages(con)
    if entered:
        findings.add("history.creation_stage", "info", n=entered)
    # One window pass over the history: the previous row's stage collapses runs of one stage, and
    # the previous known position (IGNORE NULLS) gives backward moves and skipped stages. A row
    # dropped as a repeat has its run's stage, so the previous known position of a kept row is
    # the same over all rows as over the kept ones. The deal's row number (one per deal id in
    # imp_valid) partitions the window: an integer key sorts and hashes far cheaper than the id text.
    # The same window counts each deal's history rows (before runs collapse): when they add up to
    # every row of the history, no row names an unknown deal and the NOT EXISTS below is skipped. It
    # builds a second hash table of every deal id, and was the import's peak memory at 10M deals.
    events = _final(con, into, "events")
    run(con, ("CREATE TABLE " if into else "CREATE OR REPLACE TEMP TABLE ") + events + """ AS
        SELECT deal_id, pipeline, stage, position, entered_at, deal_row, prev_pos, hist_rows FROM (
            SELECT h.deal_id, v.pipeline, h.stage, s.position, h.entered_at, v.deal_row,
                   lag(h.stage) OVER w AS prev, lag(s.position IGNORE NULLS) OVER w AS prev_pos,
                   count(*) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS hist_rows
            FROM imp_hist h
            JOIN (SELECT deal_id, row_no AS deal_row, COALESCE(pipeline, '') AS pipeline FROM imp_valid) v
              ON v.deal_id = h.deal_id
            LEFT JOIN imp_stages s ON s.pipeline = v.pipeline AND s.stage = h.stage
            WINDOW w AS (PARTITION BY v.deal_row ORDER BY h.entered_at, h.row_no)) AS r
        WHERE prev IS NULL OR prev <> stage""")
    # per deal: furthest position in the history, backward moves, stages skipped, and the last
    # stage entry (the audit's ``last_entry_at``, funnel/audit/facts.py), read by derive_deals
    run(con, render("""CREATE OR REPLACE TEMP TABLE imp_hist_pos AS
        SELECT deal_row, max(position) AS hist_pos,
               count(*) FILTER (WHERE position < prev_pos) AS back,
               sum(position - prev_pos - 1) FILTER (WHERE position > prev_pos + 1) AS skipped,
               max(entered_at) AS {last}, max(hist_rows) AS hist_rows
        FROM {t} GROUP BY deal_row""", t=events, last=ident(FACTS_COLUMN)))
    known, total = run(con, "SELECT (SELECT COALESCE(sum(hist_rows), 0) FROM imp_hist_pos), "
                            "(SELECT count(*) FROM imp_hist)").fetchone()
    if total and not known:  # not one deal in common: the history of another account or period, said once
        findings.add("history.no_common_deal", "warning", n=total)
    if known != total:  # every skipped row is counted and listed (the report's column says rows)
        findings.examples(con, """SELECT row_no, deal_id AS value FROM imp_hist h
                                  WHERE NOT EXISTS (SELECT 1 FROM imp_valid v WHERE v.deal_id = h.deal_id)""",
                          None, "history.unknown_deal", "warning", None)
    # deal_row stays until the stays are derived (their join to the deals: derive_deals)
    for column in ("prev_pos", "hist_rows"):
        run(con, render("ALTER TABLE {t} DROP COLUMN {c}", t=events, c=ident(column)))
    _view(con, into, "events")
    moves = run(con, """SELECT COALESCE(sum(back), 0), count(*) FILTER (WHERE back > 0),
                               COALESCE(sum(skipped), 0), count(*) FILTER (WHERE skipped > 0)
                        FROM imp_hist_pos""").fetchone()
    n_events = run(con, "SELECT count(*) FROM imp_events").fetchone()[0]
    if known > n_events:  # collapsed runs of one stage (a row written twice among them): said, not dropped unseen
        findings.add("history.repeats_collapsed", "info", n=int(known - n_events))
    if moves[0]:
        findings.add("history.backward_moves", "info", n=moves[0], detail=str(moves[1]))
    if moves[2]:
        findings.add("history.skipped_stages", "info", n=moves[2], detail=str(moves[3]))
    # a stage of no position in the deal's pipeline, unless that pipeline's own lost stage: another pipeline's lost
    # stage is no stage of this one (was read «lost» whichever pipeline it belonged to: a Renewals deal's history
    # through Sales' «Dropped» went unsaid)
    unknown = run(con, "SELECT e.stage, count(*) FROM imp_events e WHERE e.position IS NULL AND NOT EXISTS "
                       "(SELECT 1 FROM imp_stages s WHERE s.kind = 'lost' AND s.pipeline = e.pipeline "
                       "AND s.stage = e.stage) GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
    for stage, n in unknown:
        findings.add("history.unknown_stage", "warning", value=stage, n=n)
    return n_events


def derive_deals(con, typed: dict, extras: dict, stages: list, history_loaded: bool,
                 findings: Findings, into: str | None = None) -> dict:
    """``into``: the dataset schema to build deals, events and stays in (see :func:`_final`)."""
    n_events = _events(con, history_loaded, findings, into)
    # consumed: their memory goes to the windows of the stays below instead of spilling them
    run(con, "DROP TABLE IF EXISTS imp_hist")
    run(con, "DROP TABLE IF EXISTS imp_hist_from")
    extra_select = "".join(", v." + ident(name) for name in extras)
    one_source = merge_case_spellings(con, typed, findings)
    note_punctuation_spellings(con, typed, findings, one_source)
    if typed.get("currency"):  # a number is no currency (SuiteCRM writes its default's id, «'-99»): left empty, said
        findings.examples(con, "SELECT row_no, currency AS value FROM imp_valid WHERE regexp_matches(currency, '[0-9]')",
                          None, "currency.not_a_currency", "warning", typed["currency"].header)
    _create(con, into, "deals", render("""AS
        WITH hist AS (SELECT deal_row, hist_pos, {last} FROM imp_hist_pos),
        last_pos AS (SELECT pipeline, max(position) AS n,
                            min(position) FILTER (WHERE kind = 'won') AS first_won FROM imp_stages GROUP BY pipeline),
        base AS (
            SELECT v.*, {source_as}{lost_pos}COALESCE(v.pipeline, '') AS pl, s.position AS stage_pos_raw, s.kind AS stage_kind,
                   {status} AS status_final, h.hist_pos, h.{last}, lp.n AS last_position, lp.first_won
            FROM imp_valid v
            LEFT JOIN imp_stages s ON s.pipeline = COALESCE(v.pipeline, '') AND s.stage = v.stage
            LEFT JOIN imp_status_map m ON m.value = v.status
            -- a stage «Closed» of won and lost deals (deals.resolve_stages): the flag says which, not the stage
            LEFT JOIN imp_closing cl ON cl.pipeline = COALESCE(v.pipeline, '') AND cl.stage = v.stage
            LEFT JOIN hist h ON h.deal_row = v.row_no
            LEFT JOIN last_pos lp ON lp.pipeline = COALESCE(v.pipeline, ''){source_join}{lost_join}),
        pos AS (
            SELECT *, CASE
                -- a won deal reached the won stage; one at a later won stage (HubSpot's Evangelist after
                -- Customer) or with a history that went further, that far
                WHEN status_final = 'won' THEN greatest(COALESCE(hist_pos, 0), COALESCE(first_won, last_position),
                    CASE WHEN stage_kind = 'won' THEN COALESCE(stage_pos_raw, 0) ELSE 0 END)
                ELSE greatest(COALESCE(hist_pos, 0),
                              CASE WHEN stage_kind = 'open' THEN COALESCE(stage_pos_raw, 0) ELSE 0 END{lost_at})
              END AS reached,
              COALESCE({closed_at},
                       CASE WHEN status_final = 'won' THEN won_at WHEN status_final = 'lost' THEN lost_at END,
                       CASE WHEN status_final <> 'open' THEN stage_changed_at END,
                       CASE WHEN status_final <> 'open' THEN {expected_close} END,
                       -- else when it entered its last stage (HubSpot contacts' «Became a Customer Date»)
                       CASE WHEN status_final <> 'open' THEN {last} END) AS closed_any
            FROM base),
        fixed AS (  -- a close time kept to the minute (or day) is not "before" a creation in that minute (day)
            SELECT *, CASE WHEN closed_any < created_at AND closed_any = date_trunc('minute', created_at)
                             OR closed_any < created_at AND closed_any = date_trunc('day', created_at)
                           THEN created_at ELSE closed_any END AS closed_final
            FROM pos)
        SELECT deal_id, deal_name, created_at, closed_final AS closed_at, stage, status_final AS status,
               {amount} AS amount, {currency} AS currency, manager, {source}, variant, pl AS pipeline, lost_reason,
               stage_pos_raw AS stage_pos,
               CASE WHEN reached > 0 THEN reached ELSE 1 END AS furthest_pos,
               CASE WHEN status_final = 'lost' THEN (CASE WHEN reached > 0 THEN reached ELSE 1 END) END AS lost_pos,
               CASE WHEN status_final = 'lost' THEN reached > 0 END AS lost_stage_known,
               -- closed before it was created (reported as date.closed_before_created): no cycle, not a negative one;
               -- a close known only to its day beside a creation with its time counts calendar days, as the CRM
               -- and a reader do (created 1 March 10:15, closed 26 March: 25 days, not 24.57)
               CASE WHEN closed_final >= created_at AND closed_final = date_trunc('day', closed_final)
                         AND created_at <> date_trunc('day', created_at)
                    THEN CAST(date_diff('day', CAST(created_at AS DATE), CAST(closed_final AS DATE)) AS DOUBLE)
                    WHEN closed_final >= created_at
                    THEN date_diff('second', created_at, closed_final) / 86400.0 END AS cycle_days,
               row_no{extras}, {last}, closed_final IS DISTINCT FROM closed_any AS {rounded}
        FROM fixed v""", status=status_case(typed), extras=extra_select, last=ident(FACTS_COLUMN),
        currency=_currency_codes(),
        source="COALESCE(source_as, source) AS source" if one_source else "source",
        source_as="sa.canonical AS source_as, " if one_source else "",
        source_join=" LEFT JOIN imp_source_as sa ON sa.spelling = v.source" if one_source else "",
        rounded=ident(ROUNDED), **_close_columns(con, typed, findings), **_lost_at(typed)))
    _close_rounded(con, into, typed, findings)
    close_is_expected = _close_is_expected(con, typed, findings)
    run(con, "DROP TABLE IF EXISTS imp_source_as")
    for table in ("imp_valid", "imp_hist_pos"):  # consumed
        run(con, render("DROP TABLE IF EXISTS {t}", t=ident(table)))
    _missing_optional(typed)
    _quality_checks(con, typed, findings)
    won, lost, open_closed, still_open = run(con, """SELECT count(*) FILTER (WHERE status = 'won'),
                                                count(*) FILTER (WHERE status = 'lost'),
                                                count(*) FILTER (WHERE status = 'open' AND closed_at IS NOT NULL),
                                                count(*) FILTER (WHERE status = 'open')
                                         FROM imp_deals""").fetchone()
    _planned_close_of_open_deals(con, into, typed, findings, won=won, lost=lost, planned=open_closed)
    _what_the_outcomes_lack(con, typed, extras, findings, won=won, lost=lost, still_open=still_open)
    n_deals = run(con, "SELECT count(*) FROM imp_deals").fetchone()[0]
    derive_stays(con, into)  # per-stay facts for velocity / pipeline pages (funnel/velocity/stays.py)
    _drop_deal_row(con, into)
    return {
        "n_deals": n_deals,
        "n_events": n_events,
        "meta": {
            "pipelines": [ps.pipeline for ps in stages],
            "extra_columns": {name: header for name, (_i, header) in extras.items()},
            "stage_order": {ps.pipeline: ps.funnel for ps in stages},
            "lost_stages": {ps.pipeline: ps.lost for ps in stages},
            "stays_table": STAYS_VERSION,
            **({"close_is_expected": close_is_expected} if close_is_expected else {}),
        },
    }


def _currency_codes() -> str:
    """SQL: the currency column, a currency's name (``Российский рубль``) as its code (``RUB``); the names
    are the code's own constants (money.CURRENCY_NAMES), not the file's values. A value with a digit is
    no currency (code, name and symbol have none): empty (reported as ``currency.not_a_currency``)."""
    whens = " ".join(f"WHEN '{name}' THEN '{code}'" for name, code in CURRENCY_NAMES.items())
    return (f"CASE WHEN regexp_matches(currency, '[0-9]') THEN NULL "
            f"ELSE CASE lower(trim(currency)) {whens} ELSE currency END END")


def _missing_optional(typed: dict) -> None:
    for field in ("deal_name", "currency", "manager", "source", "variant", "lost_reason"):
        typed.setdefault(field, None)


def _planned_close_of_open_deals(con, into: str | None, typed: dict, findings: Findings, *, won: int, lost: int,
                                 planned: int) -> None:
    """A close-date column filled on open deals, in a file that records both won and lost ones, is the CRM's
    close date that stays a plan until a deal closes (Salesforce's and Zoho's «Дата закрытия» / 结束日期 in a
    Russian or Chinese interface): an open deal has no close, said once (``date.open_close_planned``). With no
    won or no lost deal the outcome itself may be what the file lacks: then :func:`_what_the_outcomes_lack`
    warns instead. ``won``, ``lost``: the deals so; ``planned``: open deals with a close."""
    if typed.get("closed_at") is None or not (won and lost and planned):
        return
    deals = ident(into, "deals") if into else ident("imp_deals")
    run(con, render("UPDATE {t} SET closed_at = NULL, cycle_days = NULL WHERE status = 'open'", t=deals))
    findings.add("date.open_close_planned", "info", column=typed["closed_at"].header, n=int(planned),
                 detail=json.dumps({"column": typed["closed_at"].header}, ensure_ascii=False))


def _what_the_outcomes_lack(con, typed: dict, extras: dict, findings: Findings, *, won: int, lost: int,
                            still_open: int = 0) -> None:
    """Said at import, not only beside a chart: won deals and no lost one (won / closed reads 100 %),
    and no creation date (no cycle, velocity, cohorts or period), with the date columns the file has.
    A won flag alone (Salesforce's «IsWon» without «IsClosed», a stage or a status) cannot tell a lost deal
    from an open one: said so, not as «lost deals under a stage of its own name» (survey 34)."""
    if won and not lost:
        told = ("stage", "status", "closed_flag", "lost_flag", "lost_at")
        flag = typed.get("won_flag")
        if flag is not None and still_open and not any(typed.get(f) is not None for f in told):
            findings.add("deals.won_flag_only", "warning", n=int(still_open), column=flag.header,
                         detail=json.dumps({"column": f"«{flag.header}»", "won": won}, ensure_ascii=False))
        else:
            findings.add("deals.no_lost", "warning", n=won)
    _stages_are_ids(con, findings)
    _smart_process_codes(con, findings)
    _people_are_ids(con, typed, findings)
    # a column of months without a day is said on its own (date.month_only): never offered as a date here
    months = {clean_header(row[3]) for row in findings.rows if row[0] in ("date.month_only", "date.no_year")}
    extras = {name: (i, header) for name, (i, header) in extras.items() if clean_header(header) not in months}
    if typed.get("created_at") is None:
        dated = [header for name, (_i, header) in extras.items() if _holds_dates(con, name, header)]
        if dated:
            findings.add("date.no_created_column", "warning", value=", ".join(dated[:5]), n=None,
                         detail=json.dumps({"columns": ", ".join(f"«{h}»" for h in dated[:5])}, ensure_ascii=False))
        else:
            findings.add("date.no_created_column_at_all", "warning", n=None)
    if won and typed.get("created_at") is not None and not run(
            con, "SELECT count(closed_at) FROM imp_deals WHERE status = 'won'").fetchone()[0]:
        # Dolibarr's projects: no cycle, said; with the file's date columns filled on won deals, which may
        # be the close («结束时间», an end time some CRMs give the expected end: not taken, asked)
        dated = [header for name, (_i, header) in extras.items() if _holds_dates(con, name, header)
                 and not _EXPECTED_DATE.search(normalize_header(header))  # 预计结束时间 would make up a cycle
                 and not _NOT_THE_CLOSE.search(normalize_header(header))
                 and run(con, render("SELECT count({c}) FROM imp_deals WHERE status = 'won'",
                                     c=ident(name))).fetchone()[0]]
        dated.sort(key=lambda h: not _SAYS_DONE.search(normalize_header(h)))  # the one offered first
        if dated:
            findings.add("deals.won_no_close_columns", "warning", value=", ".join(dated[:5]), n=won,
                         detail=json.dumps({"columns": ", ".join(f"«{h}»" for h in dated[:5]),
                                            "header": dated[0]}, ensure_ascii=False))
        else:
            findings.add("deals.won_no_close", "warning", n=won)
    if typed.get("closed_at") is not None:  # a close date and nothing that says won or lost: kept open, said
        findings.examples(con, "SELECT row_no, CAST(closed_at AS VARCHAR) AS value FROM imp_deals "
                          "WHERE status = 'open' AND closed_at IS NOT NULL", None, "deals.closed_no_outcome",
                          "warning", typed["closed_at"].header)


# a stage that is a record's id, not a name: a UUID (HighLevel's pipelineStageId), or one word of 16 or more
# letters and digits mixed (a Salesforce or Firestore id, MongoDB's 24 hex digits); never a word alone
_OPAQUE_ID = re.compile(r"^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|"
                        r"(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{16,})$", re.IGNORECASE)


def _stages_are_ids(con, findings: Findings) -> None:
    """Stages that are numbers (amoCRM's status_id 60456942, a database's stage_id 1..6) or UUIDs and other
    record ids (HighLevel's pipelineStageId) are ids whose names
    and order live in the CRM's list of stages: said, with how to give it (importer/stage_list.py). The
    order shown meanwhile is the ids' (a guess, said as such)."""
    stages = [r[0] for r in run(con, "SELECT DISTINCT stage FROM imp_stages WHERE kind = 'open' "
                                     "ORDER BY 1 LIMIT 50").fetchall()]  # the funnel's steps, not its won «Won»
    if len(stages) < 2 or not all(str(s).isdigit() or _OPAQUE_ID.match(str(s)) for s in stages):
        return
    shown = ", ".join(sorted(stages, key=lambda s: (len(s), s))[:5])
    findings.add("stages.ids_only" if all(str(s).isdigit() for s in stages) else "stages.ids_codes", "warning",
                 value=shown, n=None, detail=json.dumps({"stages": shown}, ensure_ascii=False))


# a Bitrix24 smart process's stage code (``DT1036_8:NEW``: ``DT<entityTypeId>_<categoryId>:<code>``, dev.1c-bitrix.ru
# rest_help/crm/dynamic/stage.php) and the ENTITY_ID of its funnel's list in crm.status.list (``DYNAMIC_1036_STAGE_8``)
_SMART_PROCESS_CODE = re.compile(r"^DT(\d+)_(\d+):[A-Z0-9_]+$")


def _smart_process_codes(con, findings: Findings) -> None:
    """A smart process's items (``crm.item.list``) name their stages by codes, ``DT1036_8:UC_ABC123`` a portal's own:
    read in Bitrix24's default order (NEW … SUCCESS, FAIL lost), the names are in the portal's list of stages. Said
    with the exact ENTITY_ID to ask crm.status.list for, per funnel (survey 50: the Overview drew «DT1036_8:NEW», and
    nothing said where the names were)."""
    codes = [r[0] for r in run(con, "SELECT DISTINCT stage FROM imp_stages ORDER BY 1 LIMIT 200").fetchall()]
    found = [(m.group(1), m.group(2), code) for code in codes if (m := _SMART_PROCESS_CODE.match(str(code)))]
    if not found:
        return
    entities = sorted({f"DYNAMIC_{t}_STAGE_{c}" for t, c, _code in found}, key=lambda e: (len(e), e))
    # the portal's own stages first (``UC_…``: Bitrix24's default codes say what they are, these only their names)
    found.sort(key=lambda f: (":UC_" not in f[2], f[2]))
    shown = ", ".join(code for _t, _c, code in found[:4])
    findings.add("stages.bitrix_smart_codes", "warning", value=shown, n=len(found),
                 detail=json.dumps({"stages": shown, "entities": ", ".join(entities[:5])}, ensure_ascii=False))


# a person who is a record's id: one word of 15 or more letters and digits mixed (Salesforce's OwnerId «005…», 15 or
# 18 characters; survey 52: a real Opportunity.csv's managers shown as «0055g00000AbCdE» with no word) or a UUID
_PERSON_ID = re.compile(r"^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|"
                        r"(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{15,})$", re.IGNORECASE)


def _people_are_ids(con, typed: dict, findings: Findings) -> None:
    """Managers or sources that are all numbers (Alfa CRM's ``assigned_id`` 3, 5, 8; Intrum's ``employee_id``) or
    record ids (Salesforce's ``OwnerId``) are ids of the CRM's users or sources, shown as they are: said, with how to map the names where the file has them
    (survey 48: the Managers page showed «3», «5», «8» and nothing said why)."""
    for field in ("manager", "source"):
        if typed.get(field) is None:
            continue
        values = [r[0] for r in run(con, render("SELECT DISTINCT {c} FROM imp_deals WHERE {c} IS NOT NULL LIMIT 50",
                                                c=ident(field))).fetchall()]
        numbers = bool(values) and all(str(v).isdigit() for v in values)
        if numbers or values and all(_PERSON_ID.match(str(v)) for v in values):
            shown = ", ".join(f"«{v}»" for v in sorted(values, key=lambda v: (len(str(v)), str(v)))[:5])
            said = {} if numbers else {"sentence": "quality.people.ids_codes"}  # Salesforce's OwnerId «0055g00000…»
            findings.add("people.ids_only", "warning", column=typed[field].header, value=shown, n=None,
                         detail=json.dumps({"column": f"«{typed[field].header}»", "values": shown, "role": field,
                                            "field_key": f"mapping.field.{field}", **said}, ensure_ascii=False))


# a date column whose name says it is planned, not what happened: never offered as the close (survey 39: 销帮帮's
# «预计结束时间», expected end, gave 45 days for an unknown cycle)
_EXPECTED_DATE = re.compile(r"预计|预期|计划|期望|expected|planned|(?<![a-z])plan(?![a-z])|estimated|forecast|target|ожидаем|планир|"
                            r"предполаг|прогноз")

# a date that is no close either (survey 40): a due date or deadline (Teambition's «截止时间» gave 21 days for 25),
# the last change or view (Kaiten's «updated»: 27.2 days), the start of work
_NOT_THE_CLOSE = re.compile(r"\bdue\b|deadline|дедлайн|\bсрок|截止|到期|modif|updat|\blast\b|viewed|изменен|обновлен|"
                            r"просмотр|修改|更新|\bstart|начал|开始")
# a date that says the work ended: offered first when several are left
_SAYS_DONE = re.compile(r"complet|\bdone\b|resolv|finish|clos|\bwon\b|выполн|заверш|закры|完成|结束|关闭|成交|解决")

DATED_SAMPLE = 20  # distinct cells of an attribute column looked at before it is offered as a date


def _holds_dates(con, name: str, header: str) -> bool:
    """An attribute column worth offering as a date: its header names one and most of its filled cells
    read as dates. «created_by_id» of numbers, «deal_update_flag» of TRUE/FALSE («update» holds «date»)
    or a column of #N/A only are not offered (a Salesforce Data Loader file, a competition's dataset)."""
    if not DATE_WORDS.search(normalize_header(header)):
        return False
    cells = [r[0] for r in run(con, render("SELECT DISTINCT {c} FROM imp_deals WHERE {c} IS NOT NULL AND NOT {none} "
                                           "LIMIT {k}", c=ident(name), none=none_word_sql(ident(name)),
                                           k=str(DATED_SAMPLE))).fetchall()]
    return 2 * sum(is_date(str(v).strip()) or is_compact_date(str(v).strip()) for v in cells) > len(cells) > 0


def _read_as(con, typed: dict, findings: Findings) -> dict[str, str]:
    """SQL for the close, expected-close and amount columns, from one scan of the typed rows; each
    change said in the quality report:

    - a date column whose every value has one time of day other than midnight holds dates, shifted
      by a time zone (Bitrix24's CLOSEDATE: «2020-03-12T03:00:00+03:00» for the 12th): read as that
      day, a deal closed on the day it was created is not closed "before" it (see ``fixed``); moments
      in UTC at a time after noon are the next day's midnight east of UTC («2024-03-10T16:00:00.000Z»
      is 11 March in China): read as the next day;
    - amounts that are all 0 (Bitrix24 writes «0.00» in a lead's «Сумма» when nobody filled it in)
      are none: revenue and deal sizes say "no amounts" instead of 0."""
    out = {field: ident(field) for field in ("closed_at", "expected_close", "amount")}
    dates = [f for f in ("closed_at", "expected_close") if f in typed]
    parts = [render("count({c}), min(CAST({c} AS TIME)), max(CAST({c} AS TIME))", c=ident(f)) for f in dates]
    if "amount" in typed:
        parts.append("count(amount), count(*) FILTER (WHERE amount = 0)")
    if not parts:
        return out
    # the creation times: when they too all fall at the close's one time of day, both columns are times
    # of a sheet written at one hour (or both dates of one zone): the difference is the cycle, cut neither
    created = "min(CAST(created_at AS TIME)), max(CAST(created_at AS TIME))" if "created_at" in typed \
        else "NULL, NULL"
    facts = list(run(con, "SELECT " + ", ".join([*parts, created]) + " FROM imp_valid").fetchone())
    created_times = {facts.pop(-2), facts.pop(-1)}
    utc = {row[3] for row in findings.rows if row[0] == "tz.instants_utc"}  # columns of moments read in UTC
    for field in dates:
        n, first, last = facts[:3]
        del facts[:3]
        if n >= DAY_ONLY_ROWS and first == last and (first.hour, first.minute, first.second) != (0, 0, 0) \
                and created_times != {first}:
            # moments read in UTC (a Z, unix time) at one time after noon: the midnight of a zone east of UTC (China's
            # 16:00, Moscow's 21:00: an antd date picker's toISOString, amoCRM's unix date fields), the next day's
            # date. A wall-clock time stays this day's (survey 45: ПланФикс's 18:00 and OKKI's 15:00 are the CRM's
            # own hour; read as the next day, every cycle was a day long)
            after_noon = (first.hour, first.minute, first.second) > (12, 0, 0) and typed[field].header in utc
            out[field] = render("date_trunc('day', {c} + INTERVAL '12' HOUR)" if after_noon else
                                "date_trunc('day', {c})", c=ident(field))
            findings.add("date.day_only_next" if after_noon else "date.day_only", "info", column=typed[field].header,
                         value=first.strftime("%H:%M:%S"), n=n)
    if "amount" in typed:
        filled, zero = facts
        if filled and zero == filled:
            out["amount"] = "CAST(NULL AS DOUBLE)"
            findings.add("amount.all_zero", "warning", column=typed["amount"].header, n=filled)
    return out


DAY_ONLY_ROWS = 3  # values at one time of day before a column is read as dates


def _close_columns(con, typed: dict, findings: Findings) -> dict[str, str]:
    """:func:`_read_as`, with the expected-close column left out of a closed deal's close time unless
    its header is the CRM's own close date, which the CRM sets when the deal closes (Salesforce
    CloseDate, HubSpot closedate, Bitrix24 CLOSEDATE: ``synonyms.CLOSE_DATE_WHEN_CLOSED``). An expected
    date (纷享销客 / 72crm 预计成交日期) would make up a cycle: none, said by :func:`_close_is_expected`."""
    out = _read_as(con, typed, findings)
    if not _expected_is_close(typed):
        out["expected_close"] = "CAST(NULL AS TIMESTAMP)"
    return out


def _expected_is_close(typed: dict) -> bool:
    column = typed.get("expected_close")
    return column is not None and is_close_date_when_closed(column.header)


def _close_is_expected(con, typed: dict, findings: Findings) -> str | None:
    """The expected-close column's header when closed deals got no close time because that column is
    only an expectation (quality finding ``date.close_is_expected``: no cycle for them), else None."""
    column = typed.get("expected_close")
    if column is None or _expected_is_close(typed):
        return None
    n = run(con, "SELECT count(*) FROM imp_deals d JOIN imp_valid v ON v.row_no = d.row_no "
                 "WHERE d.status <> 'open' AND d.closed_at IS NULL AND v.expected_close IS NOT NULL").fetchone()[0]
    if not n:
        return None
    findings.add("date.close_is_expected", "warning", column=column.header, n=int(n),
                 detail=json.dumps({"column": column.header}, ensure_ascii=False))
    return column.header


def _lost_at(typed: dict) -> dict[str, str]:
    """SQL for a file that names the stage each lost deal was lost at beside its «Closed Lost» stage
    (``lost_stage``): the deal reached that stage (its position, when it is an open stage)."""
    if "lost_stage" not in typed:
        return {"lost_pos": "", "lost_join": "", "lost_at": ""}
    return {"lost_pos": "ls.position AS lost_at_pos, ",
            "lost_join": " LEFT JOIN imp_stages ls ON ls.pipeline = COALESCE(v.pipeline, '') "
                         "AND ls.stage = v.lost_stage AND ls.kind = 'open'",
            "lost_at": ",\n                              CASE WHEN status_final = 'lost' THEN COALESCE(lost_at_pos, 0) "
                       "ELSE 0 END"}


ROUNDED = "close_rounded"  # a column of the deals only while they are derived


def _close_rounded(con, into: str | None, typed: dict, findings: Findings) -> None:
    """Said, then dropped: the deals whose close time, kept to the minute or the day (amoCRM writes
    «Дата закрытия» to the minute), fell before their creation in that minute or day and was taken
    as the creation (a cycle of 0, not a negative one)."""
    column = typed.get("closed_at") or typed.get("expected_close")  # Bitrix24's CLOSEDATE is the latter
    findings.examples(con, render("SELECT row_no, CAST(created_at AS VARCHAR) AS value FROM imp_deals WHERE {c}",
                                  c=ident(ROUNDED)),
                      None, "date.close_rounded", "info", column.header if column else None)
    deals = ident(into, "deals") if into else ident("imp_deals")
    run(con, render("ALTER TABLE {t} DROP COLUMN {c}", t=deals, c=ident(ROUNDED)))
    _view(con, into, "deals")


def _unless_unread(con) -> str:
    listed = run(con, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'imp_unread_created'").fetchone()[0]
    return " AND row_no NOT IN (SELECT row_no FROM imp_unread_created)" if listed else ""


def _quality_checks(con, typed: dict, findings: Findings) -> None:
    def header(field):
        if field == "closed_at":  # the close may be read from any of these (deals' closed_any): name those present
            names = [typed[f].header for f in ("closed_at", "won_at", "lost_at", "stage_changed_at", "expected_close")
                     if typed.get(f) is not None]
            return " / ".join(dict.fromkeys(names)) or None
        col = typed.get(field)
        return col.header if col else None

    checks = [
        ("date.closed_before_created", "warning", "closed_at",
         "SELECT row_no, CAST(closed_at AS VARCHAR) AS value FROM imp_deals WHERE closed_at < created_at"),
        ("date.in_future", "warning", "created_at",
         "SELECT row_no, CAST(created_at AS VARCHAR) AS value FROM imp_deals "
         "WHERE created_at > current_timestamp::TIMESTAMP + INTERVAL 1 DAY"),
        ("date.in_future", "warning", "closed_at",
         "SELECT row_no, CAST(closed_at AS VARCHAR) AS value FROM imp_deals "
         "WHERE closed_at > current_timestamp::TIMESTAMP + INTERVAL 1 DAY"),
        # a creation date written but unreadable is said once, as unreadable with its value (deals.py), not again
        # as missing (survey 29: «Нет даты создания» and «Дату не удалось прочитать» for one cell)
        ("date.missing_created", "warning", "created_at",
         "SELECT row_no, NULL AS value FROM imp_deals WHERE created_at IS NULL" + _unless_unread(con)),
        ("amount.negative", "warning", "amount",
         # a whole amount as the file writes it, «-446500», not DOUBLE's «-446500.0» (h3's audit)
         "SELECT row_no, CASE WHEN amount = trunc(amount) AND abs(amount) < 1e15 THEN CAST(CAST(amount AS BIGINT) "
         "AS VARCHAR) ELSE CAST(amount AS VARCHAR) END AS value FROM imp_deals WHERE amount < 0"),
        # a status or flag that says won at a lost stage (or lost at a won one): the status decides, said
        ("status.against_stage", "warning", "stage",
         "SELECT d.row_no, d.stage AS value FROM imp_deals d JOIN imp_stages s ON s.pipeline = d.pipeline "
         "AND s.stage = d.stage WHERE ((d.status = 'won' AND s.kind = 'lost') OR (d.status = 'lost' AND s.kind = 'won')) "
         # a stage «Closed» holding won and lost deals (deals.resolve_stages) is no disagreement
         "AND NOT EXISTS (SELECT 1 FROM imp_closing c WHERE c.pipeline = d.pipeline AND c.stage = d.stage)"),
        # a row of a stage column left empty (a sum row under the data, a deal nobody staged): the deal
        # counts at the funnel's first stage, said
        ("stages.missing", "warning", "stage",
         "SELECT row_no, NULL AS value FROM imp_deals WHERE stage IS NULL "
         "AND EXISTS (SELECT 1 FROM imp_deals WHERE stage IS NOT NULL)"),  # an empty column: stages.empty
        ("stages.unknown", "warning", "stage",
         "SELECT row_no, stage AS value FROM imp_deals WHERE stage IS NOT NULL AND stage_pos IS NULL "
         "AND stage NOT IN (SELECT stage FROM imp_stages WHERE kind = 'lost' AND pipeline = imp_deals.pipeline) "
         # a paused status left out of a guessed order is said as such (deals._without_paused), not again here
         "AND NOT EXISTS (SELECT 1 FROM imp_paused p WHERE p.pipeline = COALESCE(imp_deals.pipeline, '') "
         "AND p.stage = imp_deals.stage)"),
    ]
    for code, severity, field, sql_text in checks:
        if field in ("created_at", "stage") and field not in typed and code in ("date.missing_created",
                                                                                 "stages.missing"):
            continue
        findings.examples(con, sql_text, None, code, severity, header(field))
    if lost_by_reason(typed):
        by_reason = run(con, """SELECT count(*) FROM imp_deals d LEFT JOIN imp_stages s
                                  ON s.pipeline = d.pipeline AND s.stage = d.stage
                                WHERE d.status = 'lost' AND COALESCE(s.kind, 'open') <> 'lost'""").fetchone()[0]
        if by_reason:
            findings.add("deals.lost_by_reason", "info", column=header("lost_reason"), n=by_reason)
    unknown_lost = run(con, "SELECT count(*) FROM imp_deals WHERE lost_stage_known IS FALSE").fetchone()[0]
    if unknown_lost:
        findings.add("deals.lost_stage_unknown", "info", n=unknown_lost)
    currencies = [r[0] for r in run(con, "SELECT DISTINCT currency FROM imp_deals WHERE currency IS NOT NULL "
                                         "ORDER BY 1").fetchall()]
    if len(currencies) > 1:
        findings.add("currency.mixed", "warning", column=header("currency"), value=", ".join(currencies),
                     n=len(currencies))
