"""A stage history from another export than the deals file: make the two speak the same language.

Run on ``imp_hist`` (the loaded history, and ``imp_hist_from``, its moves' stages) against the staged deals file, before the deals are built:

- **names**: a history that names each deal by its name (a report keyed by «Opportunity Name») gets the
  deals' ids for the names that are one deal's.
- **ids**: Salesforce writes 15-character ids in reports and 18-character ones (the same id plus a
  3-character case-safe suffix) in Data Export and the API. When one file has 15 and the other 18,
  the history's ids are cut to 15, or the deals' ids get their suffix computed, so both match.
- **stage names**: a history from Bitrix24's REST API has stage codes (``NEW``, ``C3:WON``) while a
  deals file from the web UI has names (``Новая``, ``Сделка успешна``). Codes are translated to the
  names of the deals file through Bitrix24's default names, and names that differ only in case or
  punctuation are unified; whatever still differs is reported (``history.stage_mismatch``) instead
  of drawing every stage twice.
- **timestamps**: when the history's rows of a deal all share one time (a data migration, a bulk
  update), they cannot say in which order stages follow: ``history.same_timestamp``, and the order
  comes from elsewhere (the file's own order, a preset, or a guess the user confirms).
"""

from __future__ import annotations

import json
import re

from ..mapping import classify_stage_name
from ..mapping.stage_names import stage_key
from ..sql import ident, render, run
from .quality_findings import Findings

# Bitrix24 default stage names per code (crm.status.list; ../shared/reference/crm-exports.md), RU and EN.
BITRIX24_NAMES: dict[str, tuple[str, ...]] = {
    "NEW": ("Новая", "New"),
    "PREPARATION": ("Подготовка документов", "Preparing documents", "Prepare documents"),
    "PREPAYMENT_INVOICE": ("Счёт на предоплату", "Счет на предоплату", "Prepayment invoice"),
    "EXECUTING": ("В работе", "In progress"),
    "FINAL_INVOICE": ("Финальный счёт", "Финальный счет", "Final invoice"),
    "WON": ("Сделка успешна", "Deal won"),
    "LOSE": ("Сделка провалена", "Deal lost"),
    "APOLOGY": ("Анализ причины провала", "Analyze failure", "Analyse failure"),
}
# Bitrix24's lead statuses (crm.status.list ENTITY_ID STATUS): a lead history's STATUS_ID; NEW is «Не обработан»
# for a lead, «Новая» for a deal, so a leads file's names are matched against these (survey 22)
BITRIX24_LEAD_NAMES: dict[str, tuple[str, ...]] = {
    "NEW": ("Не обработан", "Unprocessed", "Not processed"),
    "IN_PROCESS": ("В работе", "In progress"),
    "PROCESSED": ("Обработан", "Processed"),
    "CONVERTED": ("Качественный лид", "Good lead", "Converted"),
    "JUNK": ("Некачественный лид", "Junk lead", "Poor lead"),
}
# Share of a deal's multi-row histories with a single shared timestamp that makes the history useless for order.
SAME_TIME_SHARE = 0.5
# Above twice this many history rows the check looks at a sample of deals first (about
# SAME_TIME_SAMPLE_ROWS of their rows): when under half the threshold of the sample's multi-stage
# deals are flat, and there are at least SAME_TIME_SAMPLE_MIN of them, the history orders its stages
# without the whole count (at 1M deals 0.2 s of CPU instead of 0.8); otherwise it is counted whole.
SAME_TIME_SAMPLE_ROWS = 200_000
SAME_TIME_SAMPLE_MIN = 1_000
_CODE = re.compile(r"^(?:C\d+:)?[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")  # NEW, C3:FINAL_INVOICE, UC_7X2KQ1
_SF_ID = "^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$"
_SF_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def salesforce_id18(id15: str) -> str:
    """The 18-character case-safe form of a 15-character Salesforce id (the published algorithm:
    per 5-character chunk, a bit per upper-case letter, read as an index into A-Z0-5)."""
    suffix = ""
    for k in range(3):
        chunk = id15[5 * k:5 * k + 5]
        bits = sum(1 << i for i, ch in enumerate(chunk) if "A" <= ch <= "Z")
        suffix += _SF_SUFFIX[bits]
    return id15 + suffix


def _id_lengths(con, sql_from: str, col: str) -> tuple[int, int, int]:
    """(rows, rows that look like 15-char Salesforce ids, rows like 18-char ones)."""
    # the regex runs only on cells of 15 or 18 bytes (an id of that many ASCII characters has them)
    return run(con, render(
        "SELECT count({c}), "
        "count(*) FILTER (WHERE CASE WHEN strlen({c}) = 15 THEN regexp_full_match({c}, $re) AND length({c}) = 15 END), "
        "count(*) FILTER (WHERE CASE WHEN strlen({c}) = 18 THEN regexp_full_match({c}, $re) AND length({c}) = 18 END) "
        "FROM {f}", c=col, f=sql_from), {"re": _SF_ID}).fetchone()


def reconcile_ids(con, raw, id_index: int, findings: Findings) -> None:
    """Match 15- and 18-character Salesforce ids by rewriting the history's ids to the deals' form."""
    n_d, d15, d18 = _id_lengths(con, ident(raw.table), ident(f"c{id_index}"))
    if not n_d or (d15 != n_d and d18 != n_d):  # the deals' ids are not all of one Salesforce form
        return
    n_h, h15, h18 = _id_lengths(con, "imp_hist", "deal_id")
    if not n_d or not n_h:
        return
    if d15 == n_d and h18 == n_h:
        run(con, "UPDATE imp_hist SET deal_id = left(deal_id, 15)")
        run(con, "UPDATE imp_hist_from SET deal_id = left(deal_id, 15)")
        findings.add("history.salesforce_ids", "info", detail="18→15", n=None)
    elif d18 == n_d and h15 == n_h:
        rows = run(con, "SELECT DISTINCT deal_id FROM imp_hist").fetchall()
        run(con, "CREATE OR REPLACE TEMP TABLE imp_sfid (short VARCHAR, long VARCHAR)")
        con.executemany("INSERT INTO imp_sfid VALUES (?, ?)", [(r[0], salesforce_id18(r[0])) for r in rows])
        run(con, """UPDATE imp_hist SET deal_id = s.long FROM imp_sfid s WHERE imp_hist.deal_id = s.short""")
        run(con, """UPDATE imp_hist_from SET deal_id = s.long FROM imp_sfid s WHERE imp_hist_from.deal_id = s.short""")
        findings.add("history.salesforce_ids", "info", detail="15→18", n=None)


NAME_PROBE = 200  # history keys looked up among the deals' ids before names are tried


def reconcile_names(con, raw, id_index: int, name_index: int | None, findings: Findings) -> None:
    """A history naming its deals by their names (Salesforce's Opportunity History report, Zoho's Stage History
    by «Deal Name», survey 22) meets the deals by name: when more of its keys are names of the deals than their
    ids, and at least half are, each key that names one deal only is rewritten to that deal's id (a name two
    deals share says nothing: its rows are left out as unknown, said as such)."""
    if name_index is None or name_index == id_index:
        return
    # the usual case first, cheaply: most of a sample of the history's keys are the deals' ids
    sample = [r[0] for r in run(con, "SELECT DISTINCT deal_id FROM imp_hist LIMIT $n", {"n": NAME_PROBE}).fetchall()]
    if not sample:
        return
    ids = run(con, render("SELECT count(DISTINCT {i}) FROM {t} WHERE {i} IN (SELECT unnest($keys))",
                          i=ident(f"c{id_index}"), t=ident(raw.table)), {"keys": sample}).fetchall()[0][0]
    if 2 * ids >= len(sample):
        return
    keys = run(con, "SELECT count(DISTINCT deal_id) FROM imp_hist").fetchone()[0]
    run(con, render("""CREATE OR REPLACE TEMP TABLE imp_names AS
        SELECT {n} AS name, any_value({i}) AS id FROM {t} WHERE {n} IS NOT NULL GROUP BY 1 HAVING count(*) = 1""",
                    n=ident(f"c{name_index}"), i=ident(f"c{id_index}"), t=ident(raw.table)))
    by_id, by_name = run(con, render("""SELECT
        (SELECT count(DISTINCT deal_id) FROM imp_hist WHERE deal_id IN (SELECT {i} FROM {t})),
        (SELECT count(DISTINCT h.deal_id) FROM imp_hist h JOIN imp_names n ON n.name = h.deal_id)""",
                                     i=ident(f"c{id_index}"), t=ident(raw.table))).fetchone()
    if by_name > by_id and by_name * 2 >= keys:
        for table in ("imp_hist", "imp_hist_from"):
            run(con, render("UPDATE {h} SET deal_id = n.id FROM imp_names n WHERE {h}.deal_id = n.name",
                            h=ident(table)))
        findings.add("history.keyed_by_name", "info", column=raw.headers[name_index], n=int(by_name),
                     detail=json.dumps({"column": raw.headers[name_index]}, ensure_ascii=False))
    run(con, "DROP TABLE imp_names")


def reconcile_stages(con, raw, stage_index: int | None, findings: Findings, file_name: str) -> None:
    """Give the history the deals file's stage names (see the module docstring)."""
    # the stages entered, and those the moves left (a deal's creation stage shows only there: history.py)
    hist = [r[0] for r in run(con, "SELECT stage FROM imp_hist WHERE stage IS NOT NULL UNION "
                                   "SELECT stage_from FROM imp_hist_from WHERE stage_from IS NOT NULL").fetchall()]
    if stage_index is None or not hist:
        return
    names = [r[0] for r in run(con, render("SELECT DISTINCT {s} FROM {t} WHERE {s} IS NOT NULL LIMIT 2000",
                                           s=ident(f"c{stage_index}"), t=ident(raw.table))).fetchall()]
    known = set(names)
    by_key: dict[str, list[str]] = {}
    for n in names:
        by_key.setdefault(stage_key(n), []).append(n)
    renames: list[tuple[str, str]] = []
    unmatched: list[str] = []
    defaults = _defaults_of(names)
    for h in hist:
        if h in known:
            continue
        same = by_key.get(stage_key(h), [])
        coded = [n for n in names if n in defaults.get(_bitrix_code(h), ())]
        # amoCRM's events write «Воронка / Переговоры»: the pipeline, then the stage the deals file names
        piped = [h.rsplit(" / ", 1)[1]] if " / " in h and h.rsplit(" / ", 1)[1] in known else []
        target = same if len(same) == 1 else coded or piped
        if len(target) == 1:
            renames.append((h, target[0]))
        else:
            unmatched.append(h)
    # a code whose stage no deal is at now (PREPARATION, passed by every deal that moved on): its default
    # name in the language of the deals file's default names, when the file has some of them
    language = _default_names_language(names, defaults)
    if language is not None:
        named = [(h, _default_name(defaults[_bitrix_code(h)], language)) for h in unmatched
                 if _bitrix_code(h) in defaults]
        renames += named
        unmatched = [h for h in unmatched if _bitrix_code(h) not in defaults]
    if renames:
        con.executemany("UPDATE imp_hist SET stage = ? WHERE stage = ?", [(new, old) for old, new in renames])
        for column in ("stage_from", "stage_to"):  # the moves' stages (history.load_history) the same
            con.executemany(render("UPDATE imp_hist_from SET {c} = ? WHERE {c} = ?", c=ident(column)),
                            [(new, old) for old, new in renames])
        findings.add("history.stage_renamed", "info", column=file_name,
                     value=", ".join(f"{old} → {new}" for old, new in renames[:20]), n=len(renames))
    # a history names the stages deals passed, so some of its names are no deal's current stage;
    # codes against names, or no name in common at all, are a mismatch
    overlap = known & ({h for h in hist if h not in unmatched} | {new for _old, new in renames})
    coded_deals = any(_CODE.match(n) for n in names)
    codes = [h for h in unmatched if _CODE.match(h)] if not coded_deals else []
    # both in Bitrix24's codes (crm.deal.list beside crm.stagehistory.list): a code no deal is at now is a
    # stage they passed, not another language
    same_codes = coded_deals and all(_CODE.match(h) for h in unmatched)
    if unmatched and (codes or not overlap) and not same_codes:
        findings.add("history.stage_mismatch", "warning", column=file_name,
                     value=", ".join(unmatched[:20]), n=len(unmatched))


def _bitrix_code(stage: str) -> str:
    """A Bitrix24 stage code without its pipeline's prefix, upper-case: ``C3:won`` -> ``WON``."""
    return (stage.split(":", 1)[1] if stage[:1] in "Cc" and ":" in stage else stage).upper()


def _defaults_of(names: list[str]) -> dict[str, tuple[str, ...]]:
    """Bitrix24's default names of a leads file (one of its lead statuses is there) or of a deals file."""
    leads = {name for variants in BITRIX24_LEAD_NAMES.values() for name in variants} - {"В работе", "In progress"}
    return BITRIX24_LEAD_NAMES if leads & set(names) else BITRIX24_NAMES


def _default_names_language(names: list[str], defaults: dict[str, tuple[str, ...]]) -> bool | None:
    """Whether the file's stages include Bitrix24's default names in Russian (True) or English (False);
    None when it has none of them (a company's own names: codes are not guessed)."""
    known = {name for variants in defaults.values() for name in variants}
    found = [n for n in names if n in known]
    if not found:
        return None
    return any(re.search("[а-яё]", n, re.IGNORECASE) for n in found)


def _default_name(spellings: tuple[str, ...], russian: bool) -> str:
    """Bitrix24's default name of a stage code in Russian or in English (the first spelling listed)."""
    return next(n for n in spellings if bool(re.search("[а-яё]", n, re.IGNORECASE)) == russian)


LAST_STAGE_SAMPLE_ROWS = 500_000  # history rows above which the deals compared are a sample (by a hash of the id)
LISTED_PAIRS = 5


def compare_last_stages(con, raw, id_index: int, stage_index: int | None, findings: Findings, file_name: str) -> None:
    """Open deals whose stage in the deal list is not the last stage their history entered: a stage renamed
    between the two exports (Salesforce's «Needs Analysis» become «Discovery», drawn as two stages), or a
    history older than the list. Said with the commonest pairs (``history.current_differs``), never fixed by
    a guess. Above :data:`LAST_STAGE_SAMPLE_ROWS` history rows a sample of deals is compared, said as such
    (``history.current_differs_sample``: the count is the sample's)."""
    if stage_index is None:
        return
    rows = run(con, "SELECT count(*) FROM imp_hist").fetchone()[0]
    every = max(1, rows // LAST_STAGE_SAMPLE_ROWS)
    sample = "WHERE hash(deal_id) % CAST($every AS UBIGINT) = 0" if every > 1 else ""
    pairs = run(con, render("""
        WITH last AS (SELECT deal_id, arg_max(stage, (entered_at, row_no)) AS stage FROM imp_hist {sample} GROUP BY 1)
        SELECT l.stage, r.{s}, count(*) FROM last l JOIN (SELECT {d}, {s} FROM {t} {deal_sample}) r ON r.{d} = l.deal_id
        WHERE r.{s} IS NOT NULL AND r.{s} <> l.stage GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 200""",
                            sample=sample, s=ident(f"c{stage_index}"), d=ident(f"c{id_index}"), t=ident(raw.table),
                            deal_sample=render("WHERE hash({d}) % CAST($every AS UBIGINT) = 0", d=ident(f"c{id_index}"))
                            if sample else ""),
                 {"every": every} if sample else None).fetchall()
    # a deal closed since (won or lost by its stage's name) whose history has no closing row is no rename
    pairs = [(was, now, n) for was, now, n in pairs if not classify_stage_name(now) and not classify_stage_name(was)]
    if not pairs:
        return
    listed = ", ".join(f"«{was}» → «{now}» ({n})" for was, now, n in pairs[:LISTED_PAIRS])
    code = "history.current_differs_sample" if sample else "history.current_differs"  # a sample's count says so
    findings.add(code, "warning", column=file_name, n=sum(n for *_p, n in pairs), value=listed,
                 detail=json.dumps({"value": listed, "every": every}, ensure_ascii=False))


def history_orders_stages(con, findings: Findings, file_name: str) -> bool:
    """False (with a warning) when most deals' history rows share one timestamp each."""
    # imp_hist has no NULL stage or time (load_history), so "more than one distinct stage" is
    # min <> max, and "one distinct time" is min = max: plain aggregates, no per-deal DISTINCT sets
    shares = """SELECT count(*), count(*) FILTER (WHERE first_at = last_at) FROM (
            SELECT deal_id, min(stage) AS lo, max(stage) AS hi, min(entered_at) AS first_at,
                   max(entered_at) AS last_at
            FROM imp_hist {sample}
            GROUP BY deal_id) AS d WHERE lo <> hi"""
    every = run(con, "SELECT count(*) FROM imp_hist").fetchone()[0] // SAME_TIME_SAMPLE_ROWS
    if every > 1:  # a sample of deals (picked by a hash of their id) that is clearly not flat decides
        sample = "WHERE hash(deal_id) % CAST($every AS UBIGINT) = 0"
        multi, flat = run(con, render(shares, sample=sample), {"every": every}).fetchone()
        if multi >= SAME_TIME_SAMPLE_MIN and flat < SAME_TIME_SHARE / 2 * multi:
            return True
    multi, flat = run(con, render(shares, sample="")).fetchone()  # the whole history: no hash per row
    if multi and flat >= SAME_TIME_SHARE * multi:
        findings.add("history.same_timestamp", "warning", column=file_name, n=flat)
        return False
    return True
