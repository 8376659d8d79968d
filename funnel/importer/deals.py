"""Deals files (input shapes A, B and C) into the canonical temp tables of an import.

Steps, all in SQL over the staged file: type the mapped columns; reject rows that have no deal
id or a value that does not parse (each reported with row, column and value); make one deal of a
deal's product rows (Bitrix24 writes one row per product: the amount is their sum), keep the first
row of any other duplicated deal id; resolve won/lost/open; order
the stages; turn history (a second file, or HubSpot ``Date entered`` columns) into events; and
derive the per-deal funnel facts (see funnel/schema.py).
"""

from __future__ import annotations

import json

from ..mapping import classify_stage_name, classify_status_value
from ..mapping.header_currency import header_currency, header_multiplier
from ..mapping.normalize import normalize_header
from ..mapping.order_status import (
    STATUS_GROUP_HEADERS,
    group_kind,
    group_rank,
    is_order_list,
    order_outcome,
    status_rank,
)
from ..mapping.presets import PRESETS
from ..mapping.stage_names import stage_key
from ..mapping.stage_probability import is_probability_header
from ..mapping.status import is_paused_stage
from ..readers.values import TRUE_WORDS
from ..sql import ident, render, run
from . import stage_order
from .amount_cents import preset_cents
from .amount_currency import amount_currency, cell_currencies, cell_currency_sql, shared_signs
from .columns import (
    FileDates,
    TypedColumn,
    confirm_typed,
    extra_columns,
    order_warning,
    select_list,
    typed_columns,
    year_first_note,
)
from .deleted_rows import count_gone, gone_mark
from .derive import derive_deals, lost_by_close
from .history import stage_entered_events
from .history_order import history_order
from .pipeline_names import name_pipelines
from .quality_findings import Findings

NULL_COLUMNS = {
    "deal_name": "VARCHAR", "created_at": "TIMESTAMP", "closed_at": "TIMESTAMP", "stage": "VARCHAR",
    "status": "VARCHAR", "amount": "DOUBLE", "currency": "VARCHAR", "manager": "VARCHAR",
    "source": "VARCHAR", "variant": "VARCHAR", "pipeline": "VARCHAR", "lost_reason": "VARCHAR",
    "won_flag": "BOOLEAN", "closed_flag": "BOOLEAN", "lost_flag": "BOOLEAN", "won_at": "TIMESTAMP", "lost_at": "TIMESTAMP",
    "expected_close": "TIMESTAMP", "stage_changed_at": "TIMESTAMP", "lost_stage": "VARCHAR",
}
REJECT_CHECKS = {"date": "reject.bad_date", "number": "reject.bad_number", "bool": "reject.bad_boolean"}
# an unreadable cell of these kinds keeps its deal without the value (said row by row, as a warning): an
# amount or a date («Dec 31», «TBD», «Q3») is one fact of the deal, and dropping the deal for it would
# take it out of every count of the funnel too. A date column none of whose cells reads is no date
# column (a month «2024-01» or «31/31/2024» mapped by hand): its rows are rejected as before, so an
# import of nothing names the first one. An unreadable yes/no flag rejects the row (its outcome is unknown).
KEPT_KINDS = {"number": "amount.unreadable", "date": "date.unreadable"}


# the findings whose value is the currency a build gave the amounts (saved as meta ``currency_found``)
CURRENCY_FOUND = ("deals.currency_from_header", "deals.currency_from_amounts", "deals.currency_kept")


def parse_rows(con, raw, mapping, findings: Findings, dates: FileDates | None = None,
               currency_kept: str | None = None) -> tuple[dict, dict]:
    """Create ``imp_valid`` (typed, accepted, de-duplicated rows). Returns (typed by field, extras).
    ``dates``: the import's day/month order (columns.file_dates), else each column decides its own.
    ``currency_kept``: the currency the dataset's earlier exports named, for amounts this file names none of."""
    typed = typed_columns(con, raw.table, raw.headers, mapping.fields, mapping.date_order, dates)
    extras = extra_columns(raw.headers, mapping.extras, set(mapping.fields))
    _header_unit(typed, findings)
    preset_cents(con, raw, mapping, typed, findings)  # Close: cents
    _per_period(con, raw, mapping, findings)
    # fields the file does not have are typed NULL columns, so one query serves every export (in
    # this statement: an ALTER TABLE ... ADD COLUMN per field on a 10M-row temp table, inside the
    # import's transaction, ran out of the memory budget)
    # no currency column: the one the amount's header names (Бюджет ₽, Amount (EUR)), else the one its
    # cells are written in (£9000, 82 500 ₽); none when the two disagree
    currency = None
    from_kept = False
    params: dict = {}
    if "currency" not in mapping.fields and "amount" in mapping.fields:
        index = mapping.fields["amount"]
        header = raw.headers[index]
        per_row = cell_currencies(con, raw.table, index)
        # «1 500,50 $» beside «150 000 ₽»: the dollar sign names USD there (amount_currency.SHARED_SIGNS)
        shared = bool(per_row) and shared_signs(con, raw.table, index)
        if shared:
            per_row = cell_currencies(con, raw.table, index, shared=True)
        if len(per_row) > 1:  # USD 1,200.00 beside RUB 50 000: each deal in its own (currency.mixed follows)
            expr, params = cell_currency_sql(ident(f"c{index}"), shared)
            typed.append(TypedColumn("currency", index, header, "text", expr, ident(f"c{index}")))
            findings.add("deals.currency_per_row", "info", column=header, value=", ".join(per_row), n=None)
        else:
            named, written = header_currency(header), amount_currency(con, raw.table, index)
            currency = named if written in (None, named) else None if named else written
            from_kept = bool(currency is None and named is None and written is None and currency_kept)
            currency = currency_kept if from_kept else currency
        if currency:
            code = "deals.currency_kept" if from_kept else "deals.currency_from_header" if named else \
                "deals.currency_from_amounts"
            findings.add(code, "info", column=header, value=currency, n=None)
            params = {"currency": currency}
    have = {col.field for col in typed} | set(mapping.fields)
    missing = "".join(render(", CAST($currency AS VARCHAR) AS {c}" if name == "currency" and currency
                             else ", CAST(NULL AS {t}) AS {c}", t=sql_type, c=ident(name))
                      for name, sql_type in NULL_COLUMNS.items() if name not in have)

    def parse() -> None:
        run(con, render("CREATE OR REPLACE TEMP TABLE imp_parsed AS SELECT *{missing} FROM ({q}) AS p",
                        q=select_list(typed, extras, raw.table), missing=missing), params or None)

    parse()
    if confirm_typed(con, raw.table, "imp_parsed", typed, mapping.date_order, dates=dates):  # a fast path did not hold
        parse()
    for col in typed:
        if col.ambiguous_dates:
            reason = dates.reason if dates else "preset" if mapping.date_order else "default"
            if reason == "column":  # still a guess after another column settled the order: its AM/PM times
                reason = "twelve_hour" if col.date_order == "mdy" else "default"  # (FileDates.apply)
            warning = order_warning(con, raw.table, f"c{col.index}", col.date_order, reason)
            if warning:
                findings.add("date.ambiguous_order", "warning", column=col.header, **warning)
        if col.year_first:
            findings.add("date.year_first", "warning", column=col.header, **year_first_note(con, raw.table, f"c{col.index}"))
        if col.dot_groups:
            _dot_groups_finding(con, raw.table, col, findings)
    checked = [col for col in typed if col.kind in REJECT_CHECKS]
    findings.examples(
        con, "SELECT row_no, NULL AS value FROM imp_parsed WHERE deal_id IS NULL", None,
        "reject.missing_id", "error", raw.headers[mapping.fields["deal_id"]])
    unreadable = _none_read(con, [col.field for col in checked if col.kind == "date"])
    rejecting = [col for col in checked if col.kind not in KEPT_KINDS or col.field in unreadable]
    run(con, "CREATE OR REPLACE TEMP TABLE imp_unread_created (row_no INTEGER)")
    for col in checked:
        kept = col not in rejecting
        unread = render("SELECT row_no, {raw} AS value FROM imp_parsed WHERE {raw} IS NOT NULL", raw=ident(col.field + "__raw"))
        n = findings.examples(con, unread, None, KEPT_KINDS[col.kind] if kept else REJECT_CHECKS[col.kind],
                              "warning" if kept else "error", col.header)
        if kept and n and col.field == "created_at":  # said as unreadable: not again as missing (derive.py)
            run(con, render("INSERT INTO imp_unread_created SELECT row_no FROM ({q})", q=unread))
    bad = " OR ".join(["deal_id IS NULL"] + [ident(col.field + "__raw") + " IS NOT NULL" for col in rejecting])
    run(con, render("CREATE OR REPLACE TEMP TABLE imp_rejected AS SELECT row_no FROM imp_parsed WHERE {bad}",
                    bad=bad))
    raw_columns = [ident(c.field + "__raw") for c in checked]
    columns = "* EXCLUDE ({})".format(", ".join(raw_columns)) if checked else "*"
    status = raw.headers[mapping.fields["status"]] if "status" in mapping.fields else None
    gone = _deleted_rows(con, extras, status, findings)
    keep = render("SELECT {columns} FROM imp_parsed WHERE NOT ({bad}){gone}", columns=columns, bad=bad,
                  gone=" AND row_no NOT IN (SELECT row_no FROM imp_gone)" if gone else "")
    # a duplicated id keeps its first row, its product rows' amounts summed (Bitrix24 writes one row per
    # product: _product_lines); the window that picks it runs only when there are duplicates
    # (ids counted by a GROUP BY, which spills to disk beyond the memory budget; kept rows have an id)
    duplicates = run(con, render("SELECT COALESCE(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM ({q}) AS k "
                                 "GROUP BY deal_id) AS g", q=keep)).fetchone()[0]
    if duplicates:  # ids Excel rounded into one are no duplicates: each row its own deal, said
        keep = _rounded_ids(con, keep, raw.headers[mapping.fields["deal_id"]], findings)
        lines, line_columns = _product_lines(con, keep, typed, extras, mapping, raw, findings)
        findings.examples(
            con, render("""SELECT row_no, deal_id AS value FROM (
                      SELECT row_no, deal_id, row_number() OVER (PARTITION BY deal_id ORDER BY row_no) AS k
                      FROM ({q}) AS a) AS d WHERE k > 1{lines}""", q=keep,
                        lines=" AND deal_id NOT IN (SELECT deal_id FROM imp_lines)" if lines else ""),
            None, "deals.duplicate_id", "warning", raw.headers[mapping.fields["deal_id"]])
        if lines:  # a deal's product rows: one deal, its amount their sum, its products named together
            keep = render("""SELECT * FROM (
                                 SELECT a.* REPLACE (CASE WHEN l.deal_id IS NULL THEN a.amount ELSE l.total END AS amount{cols})
                                 FROM ({q}) AS a LEFT JOIN imp_lines l ON l.deal_id = a.deal_id) AS summed""", q=keep,
                          cols="".join(render(", CASE WHEN l.deal_id IS NULL THEN a.{c} ELSE l.{c} END AS {c}", c=ident(n))
                                       for n in line_columns))
        keep += " QUALIFY row_number() OVER (PARTITION BY deal_id ORDER BY row_no) = 1"
    if duplicates or gone or run(con, "SELECT count(*) FROM imp_rejected").fetchone()[0]:
        run(con, render("CREATE OR REPLACE TEMP TABLE imp_valid AS {q}", q=keep))
        run(con, "DROP TABLE imp_parsed")
        run(con, "DROP TABLE IF EXISTS imp_gone")
        run(con, "DROP TABLE IF EXISTS imp_lines")
    else:  # every row kept: the parsed rows are the valid ones, less their unparsed-text columns
        for column in raw_columns:  # (dropping a column shares the other columns' data, no copy)
            run(con, render("ALTER TABLE imp_parsed DROP COLUMN {c}", c=column))
        run(con, "DROP TABLE IF EXISTS imp_valid")
        run(con, "ALTER TABLE imp_parsed RENAME TO imp_valid")
    name_pipelines(con, raw, mapping)  # Bitrix24's CATEGORY_ID 0 read as its name (pipeline_names.py)
    return {c.field: c for c in typed}, extras


# an id an Excel round-trip wrote in scientific notation («5.36827E+18», «5,36827E+18» in a comma-decimal locale)
_ROUNDED_ID = "regexp_full_match(deal_id, '[0-9]([.,][0-9]+)?[Ee]\\+[0-9]{1,3}')"


def _rounded_ids(con, keep: str, header: str, findings: Findings) -> str:
    """Rows whose ids Excel rounded into one («5.36827E+18»: Zoho's 19-digit ids, hard case 20 of the research
    note on CRM exports) are not one deal repeated: the digits are lost for good, so each such row stays its own
    deal (its id suffixed with its row number) and the loss is said. Before, all but the first row of each rounded
    id were dropped as duplicates: 8 deals read as 1, with a win rate of 100 %. Other repeated ids are untouched."""
    shared = render("SELECT deal_id FROM ({q}) AS d WHERE {r} GROUP BY deal_id HAVING count(*) > 1", q=keep, r=_ROUNDED_ID)
    if not findings.examples(con, render("SELECT row_no, deal_id AS value FROM ({q}) AS k WHERE deal_id IN ({s})",
                                         q=keep, s=shared), None, "deals.rounded_id", "warning", header):
        return keep
    # wrapped, so that a window or QUALIFY added after partitions by the new ids, not the rounded ones
    return render("SELECT * FROM (SELECT * REPLACE (CASE WHEN deal_id IN ({s}) THEN deal_id || ' #' || "
                  "CAST(row_no AS VARCHAR) ELSE deal_id END AS deal_id) FROM ({q}) AS r) AS rounded", s=shared, q=keep)


# the columns of a deal's product row (Bitrix24's deal list with the «Товар» column chosen: one row per
# product, ``Product`` / ``Price`` / ``Quantity`` in lang/en/csv.php of crm.deal.list's template)
PRODUCT_HEADERS = frozenset({"product", "products", "product name", "товар", "товары", "продукт", "продукция",
                             "наименование товара", "номенклатура",
                             "选购商品", "商品名称", "商品", "全部商品名称"})  # 抖店's sub-orders, 有赞's
PRODUCT_LINE_HEADERS = PRODUCT_HEADERS | {"price", "цена", "quantity", "qty", "количество", "кол-во", "unit price",
                                          "цена за единицу", "сумма товара", "скидка", "discount", "налог", "tax",
                                          "子订单编号", "商品规格", "商品数量", "商家编码", "商品id", "商品单价",
                                          "售后状态"}


def _product_lines(con, keep: str, typed: list, extras: dict, mapping, raw, findings: Findings
                   ) -> tuple[int, list[str]]:
    """``imp_lines(deal_id, total, <product columns>)``: the repeated ids whose rows are a deal's product
    lines, with the sum of their amounts, their products' names joined («Окно, Монтаж») and no single
    price or quantity (NULL: one line's says nothing of the deal); the count of those deals (0 and no
    table when there are none) and the product columns' names. Before, the deal kept its first line's.

    Product lines only: the file has a product column, the amount is mapped, and the id's rows are equal
    in every column but the product columns and the amount, while their product columns differ. Any other
    repeated id stays a duplicate (its first row kept, said). Said: the file, the amount column, the count."""
    names = {name: header for name, (_i, header) in extras.items()}
    product = [n for n, h in names.items() if normalize_header(h) in PRODUCT_LINE_HEADERS]
    if "amount" not in mapping.fields or not any(normalize_header(names[n]) in PRODUCT_HEADERS for n in product):
        return 0, []
    deal = [ident(c.field) for c in typed if c.field not in ("amount", "deal_id")] + \
        [ident(n) for n in names if n not in product]
    line = ", ".join(ident(n) for n in product)
    same = f"count(DISTINCT row({', '.join(deal)})) = 1" if deal else "true"
    joined = "".join(render(", array_to_string(list({c} ORDER BY row_no), ', ') AS {c}", c=ident(n))
                     if normalize_header(names[n]) in PRODUCT_HEADERS else render(", CAST(NULL AS VARCHAR) AS {c}", c=ident(n))
                     for n in product)
    run(con, render("""CREATE OR REPLACE TEMP TABLE imp_lines AS
                       SELECT deal_id, sum(amount) AS total, count(*) AS n{joined} FROM ({q}) AS a GROUP BY deal_id
                       HAVING count(*) > 1 AND {same} AND count(DISTINCT row({line})) > 1""",
                    q=keep, same=same, line=line, joined=joined))
    deals, rows = run(con, "SELECT count(*), COALESCE(sum(n), 0) FROM imp_lines").fetchone()
    if deals:
        column = raw.headers[mapping.fields["amount"]]
        findings.add("deals.product_rows", "info", column=column, n=deals,
                     detail=json.dumps({"file": raw.file_name, "column": column, "n": deals, "rows": rows},
                                       ensure_ascii=False))
    return deals, product


def _none_read(con, fields: list[str]) -> set[str]:
    """The typed columns of ``imp_parsed`` among ``fields`` that read none of their filled cells (some are),
    counted in one pass."""
    if not fields:
        return set()
    counts = run(con, render("SELECT {c} FROM imp_parsed", c=", ".join(
        render("count({v}), count({raw})", v=ident(f), raw=ident(f + "__raw")) for f in fields))).fetchone()
    return {f for k, f in enumerate(fields) if counts[2 * k] == 0 and counts[2 * k + 1] > 0}


# a column saying the amount is per period: Close's ``value_period`` (one_time, monthly, annual), Capsule's
# «Duration Basis» (FIXED, MONTH, …), Insightly's «Bid Type» (Fixed Bid, Per Month, …)
_PERIOD_HEADERS = frozenset({"value period", "duration basis", "bid type", "billing period", "periodicity",
                             "периодичность", "период оплаты", "计费周期", "付款周期"})
_ONE_TIME = ["one time", "one-time", "one_time", "onetime", "fixed", "fixed bid", "once", "single", "разово",
             "единоразово", "разовый", "一次性"]


def _per_period(con, raw, mapping, findings: Findings) -> None:
    """Deals whose amount is a value per month or year (the side column says so): the revenue adds them as
    they are, so a 500-a-month retainer for a year counts 500, not 6,000. Said as a warning with the
    deals and an example, never multiplied out (the contract's length is rarely in the file)."""
    if "amount" not in mapping.fields:
        return
    col = next((i for i, h in enumerate(raw.headers) if normalize_header(h).replace("_", " ") in _PERIOD_HEADERS), None)
    if col is None:
        return
    n, example = run(con, render("""SELECT count(*), min(trim({c})) FROM {t}
                                    WHERE trim({c}) <> '' AND NOT list_contains($one, lower(trim({c})))""",
                                 c=ident(f"c{col}"), t=ident(raw.table)), {"one": _ONE_TIME}).fetchone()
    if n:
        amount = raw.headers[mapping.fields["amount"]]
        findings.add("amount.per_period", "warning", column=raw.headers[col], value=example, n=n,
                     detail=json.dumps({"column": raw.headers[col], "amount": amount, "example": example},
                                       ensure_ascii=False))


def _header_unit(typed: list, findings: Findings) -> None:
    """An amount header that names its unit (商机金额（万元）, Сумма (тыс. руб.), Revenue (000s)): the
    amounts are multiplied by it, and the quality report says so."""
    col = next((c for c in typed if c.field == "amount"), None)
    factor = header_multiplier(col.header) if col is not None else None
    if col is None or factor is None:
        return
    col.expr = f"(({col.expr}) * {int(factor)})"  # a constant of the code (header_currency._UNITS), not a value
    findings.add("amount.header_unit", "info", column=col.header, value=str(factor),
                 detail=json.dumps({"factor": f"{factor:,}".replace(",", "\u00a0"), "header": col.header},
                                   ensure_ascii=False), n=None)


def _dot_groups_finding(con, table: str, col, findings: Findings) -> None:
    """Say how a number column's ``1.234`` was read: as thousands on the column's evidence (info), or
    as a decimal point when nothing told (a warning: it may be 1234), naming the column and a value."""
    example = run(con, render("SELECT {c} FROM {t} WHERE regexp_matches({c}, $re) ORDER BY row_no LIMIT 1",
                              c=col.raw, t=ident(table)),
                  {"re": r"(^|[^\d.,])\d{1,3}\.\d{3}([^\d.,]|$)"}).fetchone()
    if example is None:
        return
    thousands = col.dot_groups == "thousands"
    findings.add("amount.dot_thousands" if thousands else "amount.dot_decimal_doubt",
                 "info" if thousands else "warning", column=col.header, value=example[0],
                 detail=json.dumps({"column": col.header, "example": example[0]}, ensure_ascii=False), n=None)


def _deleted_rows(con, extras: dict, status: str | None, findings: Findings) -> bool:
    """``imp_gone(row_no)``: the rows to leave out, said in the quality report; False when there are
    none, or when every row carries the mark (a test seed's flag: leaving every deal out says nothing).
    ``status``: the status column's header, whose «Deleted» deals are gone too."""
    marked: list[tuple[str, str, bool | None]] = [(name, header, drop) for name, (_index, header) in extras.items()
                                                  if (drop := gone_mark(header)) is not None]
    if status is not None:
        marked.append(("status", status, None))
    if not marked:
        return False
    run(con, "CREATE OR REPLACE TEMP TABLE imp_gone (row_no BIGINT)")
    for name, header, drop in marked:
        n, total, condition, params = count_gone(con, "imp_parsed", name, drop)
        if n and n < total:
            code = "deals.deleted_status" if drop is None else "deals.deleted" if drop else "deals.superseded"
            findings.add(code, "warning", column=header, n=n)
            run(con, render("INSERT INTO imp_gone SELECT row_no FROM imp_parsed WHERE {gone}", gone=condition), params)
        elif n:
            findings.add("deals.all_deleted", "warning", column=header, n=n)
    return bool(run(con, "SELECT count(*) FROM imp_gone").fetchone()[0])


def status_map(con, findings: Findings, header: str | None, codes: dict | None = None) -> None:
    """``imp_status_map(value, status)`` from the distinct values of the status column."""
    run(con, "CREATE OR REPLACE TEMP TABLE imp_status_map (value VARCHAR, status VARCHAR)")
    if header is None:
        return
    values = [r[0] for r in run(con, "SELECT DISTINCT status FROM imp_valid WHERE status IS NOT NULL").fetchall()]
    pairs = [(v, classify_status_value(v, codes)) for v in values]
    for value, status in pairs:
        if status is None:
            n = run(con, "SELECT count(*) FROM imp_valid WHERE status = $v", {"v": value}).fetchone()[0]
            findings.add("status.unknown_value", "warning", column=header, value=value, n=n,
                         detail=json.dumps({"value": f"«{value}»"}, ensure_ascii=False))
    known = [(v, s) for v, s in pairs if s]
    if known:
        con.executemany("INSERT INTO imp_status_map VALUES (?, ?)", known)


def _stage_from_history(con, findings: Findings) -> None:
    """A deal list with no stage column beside a history (Pipedrive's deal changes, a list of ids and
    titles): each deal is at the stage it entered last. Said."""
    run(con, """UPDATE imp_valid SET stage = h.stage
                FROM (SELECT deal_id, arg_max(stage, entered_at) AS stage FROM imp_hist GROUP BY deal_id) h
                WHERE imp_valid.deal_id = h.deal_id""")
    n = run(con, "SELECT count(stage) FROM imp_valid").fetchone()[0]
    findings.add("deals.stage_from_history", "info", n=n)


# A stage's name that says only "closed", not how (folded by stage_key): a sheet's or a simple CRM's last
# column beside a won flag or an outcome
CLOSED_STAGE_WORDS = frozenset(stage_key(w) for w in (
    "Closed", "Done", "Closed/Done", "Complete", "Completed", "Finished", "Закрыта", "Закрыто", "Закрыт",
    "Закрытые", "Завершена", "Завершено", "Abgeschlossen", "Geschlossen", "Cerrado", "Cerrada", "Fechado",
    "Fermé", "Clôturé", "已关闭", "关闭", "已结束", "结束"))


def resolve_stages(con, mapping, explicit, has_history: bool, findings: Findings, extras=None,
                   users_order: bool = True, headers=()) -> list:
    """Per pipeline stage lists, written to ``imp_stages``. ``extras``: the extra columns (a win
    probability among them can order the stages of a snapshot). ``users_order``: ``explicit`` is the
    user's (whose last stage is the sale, as they were told), not the file's own. ``headers``: the
    file's, which say whether its rows are orders (``mapping.order_status``)."""
    # Most populated first, but a stage that holds only closed deals (by the file's closed or won
    # flag, its status, or a won or lost date) after every stage with an open deal: it is an outcome of the funnel
    # (a won or lost stage under a name of the company's own, such as Bitrix24's «Выдано» or
    # «Отложенные»), never its first step.
    # A lost deal's «lost at stage» (``lost_stage``) names an open stage it reached: one more deal there
    lost_at = """ UNION ALL SELECT pipeline, lost_stage, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM imp_valid
                  WHERE lost_stage IS NOT NULL""" if "lost_stage" in mapping.fields else ""
    # a sheet's lone «Won?» FALSE on a deal with a close date: closed and not won (derive.lost_by_close)
    # (every deal of a stage so: a lost stage; two deals or more all TRUE with a close date: a won one, as
    # a sheet's «Signed»; a lone won deal may sit at the stage it was won at)
    by_close = lost_by_close({f: headers[i] if i < len(headers) else None for f, i in mapping.fields.items()})
    closed_lost = "v.won_flag IS FALSE AND v.closed_at IS NOT NULL" if by_close else "false"
    closed_won = "v.won_flag IS TRUE AND v.closed_at IS NOT NULL" if by_close else "false"
    counts = run(con, render("""SELECT COALESCE(v.pipeline, '') AS pipeline, v.stage, count(*) AS n,
                                bool_and(v.closed_flag IS TRUE OR v.won_flag IS TRUE OR v.lost_flag IS TRUE
                                         OR COALESCE(m.status IN ('won', 'lost'), false)
                                         OR v.won_at IS NOT NULL OR v.lost_at IS NOT NULL OR {closed_lost}) AS closed_only,
                                bool_and(v.won_flag IS TRUE) AS won_by_flag,
                                bool_and(v.closed_flag IS TRUE AND v.won_flag IS FALSE OR {closed_lost}) AS lost_by_flag,
                                bool_and(m.status = 'won') AS won_by_status,
                                bool_and(m.status = 'lost') AS lost_by_status,
                                bool_and({closed_lost}) AS lost_by_close,
                                bool_and({closed_won}) AND count(*) >= {least} AS won_by_close,
                                bool_and(v.lost_flag IS TRUE) AS lost_by_lost_flag,
                                bool_or(v.won_flag IS TRUE OR COALESCE(m.status = 'won', false)) AS any_won,
                                bool_or(v.lost_flag IS TRUE OR COALESCE(m.status = 'lost', false)
                                        OR v.closed_flag IS TRUE AND v.won_flag IS FALSE OR {closed_lost}) AS any_lost,
                                bool_and(v.closed_at IS NOT NULL) AS dated_only, count(v.closed_at) AS dated
                         FROM (SELECT pipeline, stage, closed_flag, won_flag, lost_flag, status, won_at, lost_at, closed_at
                               FROM imp_valid{lost_at}) v
                         LEFT JOIN imp_status_map m ON m.value = v.status
                         WHERE v.stage IS NOT NULL
                         GROUP BY 1, 2 ORDER BY 1, closed_only, n DESC, v.stage""", lost_at=lost_at,
                             closed_lost=closed_lost, closed_won=closed_won,
                             least=str(CLOSING_BY_PROBABILITY_DEALS))).fetchall()
    closed_by_date = _closed_by_date(counts) if "closed_at" in mapping.fields and not explicit else set()
    if closed_by_date:  # outcomes of the funnel: after every stage with an open deal, as the flags' ones
        counts = sorted(counts, key=lambda r: (r[0], r[3] or (r[0], r[1]) in closed_by_date, -r[2], r[1]))
    # Salesforce's IsWon / IsClosed and HubSpot's is_closed_won / is_closed are set by the stage: a stage
    # whose every deal is won by the flag is a won stage, closed and not won a lost one, whatever its
    # name (a warehouse sync's hashed names; a company's «Signed»). Only with both flags, the CRM's
    # pair: a sheet's lone «Won?» or a status may keep a deal at the stage it was won at (Pipedrive).
    # HubSpot's «Is closed lost» beside «Is Closed Won» is such a pair too.
    both_flags = "won_flag" in mapping.fields and ("closed_flag" in mapping.fields or "lost_flag" in mapping.fields)
    # Bitrix24's STAGE_SEMANTIC_ID / STATUS_SEMANTIC_ID is the stage's own kind (S won, F failed): a
    # portal's own «UC_R8ML0A» whose deals are all F is a lost stage, not a step of the funnel
    by_stage = bool(PRESETS.get(mapping.preset or "", {}).get("status_is_stage_kind"))
    won_by_flag = {(r[0], r[1]) for r in counts if (r[4] and both_flags) or (r[6] and by_stage) or r[9]}
    lost_by_flag = {(r[0], r[1]) for r in counts
                    if ((r[5] or r[10]) and both_flags) or (r[7] and by_stage) or r[8]}
    # per pipeline: whether a status or flag says some deal won, and whether it tells the deals' outcomes at
    # all (open ones too: then no stage is taken for the sale for want of a won deal, as Pipedrive's deals
    # all still open in its stages' own order); one pass over the deals
    outcomes = run(con, """SELECT COALESCE(v.pipeline, ''),
            bool_or(m.status = 'won' OR v.won_flag IS TRUE OR v.won_at IS NOT NULL),
            bool_or(m.status IS NOT NULL OR v.won_flag IS NOT NULL)
        FROM imp_valid v LEFT JOIN imp_status_map m ON m.value = v.status GROUP BY 1""").fetchall() \
        if _has_status_inputs(mapping) else []
    won_status = {r[0] for r in outcomes if r[1]}
    told = {r[0] for r in outcomes if r[2]}
    won_words = _won_words(con) if won_status else {}
    hist_rank = history_order(con, mapping.stage_order) if has_history else {}
    probabilities = _stage_probabilities(con, extras or {})
    orders = _order_statuses(con, extras or {}) if is_order_list(headers) else {}
    won_by_p, lost_by_p = _closing_by_probability(con, extras or {}) \
        if probabilities and not _has_status_inputs(mapping) else (set(), set())
    won_by_flag |= won_by_p
    lost_by_flag |= lost_by_p
    # a stage named only «Closed» («Закрыта», 已关闭) whose deals are all closed, some won and some lost (a
    # sheet's «Won?» says which): the sale of its won deals; its lost ones keep no stage they were lost at
    closing = {(r[0], r[1]) for r in counts if r[3] and r[11] and r[12] and stage_key(r[1]) in CLOSED_STAGE_WORDS}
    won_by_flag |= closing
    # such a stage whose deals are all won (a Vertex42 tracker's «Closed» beside Status Won, its lost deals
    # left at the stage they were lost at) is the sale, not a step before a made-up «Won»
    won_by_flag |= {(r[0], r[1]) for r in counts
                    if r[3] and r[11] and not r[12] and stage_key(r[1]) in CLOSED_STAGE_WORDS}
    # the CRM's own list of stages, marking no outcome, whose last stage holds only won deals (Alfa CRM's «Получена
    # оплата», every lead at it a paying student by ``is_study``): that stage is the sale, not a step before a
    # made-up «Выиграна» of as many deals (survey 48: 12 → 9 → 7 → 5 → 4 → 4)
    listed_won = {(pipeline, listed[-1]) for pipeline, listed in (mapping.listed_stages or {}).items()
                  if listed and not any(classify_stage_name(n) == "won" for n in listed)
                  and any(r[0] == pipeline and r[1] == listed[-1] and (r[4] or r[6]) for r in counts)}
    won_by_date, lost_by_date = _outcome_by_date(closed_by_date, counts, mapping, won_by_flag, lost_by_flag,
                                                 won_status, headers, findings)
    won_by_flag |= won_by_date
    lost_by_flag |= lost_by_date
    # a stage whose every deal (two or more) the status column says won (lost), no open one: the pipeline's own
    # sale (loss) under a name of its own (a Renewals pipeline's «Renewed», «Churned»). Taken only where the
    # order is a guess from the snapshot, for a name off the sales ladder (stage_order.resolve): a known order
    # keeps it where it stands, and Pipedrive keeps a deal at the step it was won or lost at (a lone one, or
    # every deal at «Negotiation»)
    won_by_status = {(r[0], r[1]) for r in counts if r[3] and r[6] and r[2] >= STAGE_BY_STATUS_DEALS}
    lost_by_status = {(r[0], r[1]) for r in counts if r[3] and r[7] and r[2] >= STAGE_BY_STATUS_DEALS}
    run(con, "CREATE OR REPLACE TEMP TABLE imp_closing (pipeline VARCHAR, stage VARCHAR)")
    run(con, "CREATE OR REPLACE TEMP TABLE imp_paused (pipeline VARCHAR, stage VARCHAR)")  # _without_paused
    if closing:
        con.executemany("INSERT INTO imp_closing VALUES (?, ?)", sorted(closing))
        for _pipeline, stage in sorted(closing):
            findings.add("stages.closing_both", "info", value=stage, n=None,
                         detail=json.dumps({"stage": f"«{stage}»"}, ensure_ascii=False))
    pipelines = list(dict.fromkeys([r[0] for r in counts] + list(hist_rank))) or [
        # no stage anywhere (outcomes only): the deals' own pipelines, or the metrics find none of them
        r[0] for r in run(con, "SELECT DISTINCT COALESCE(pipeline, '') FROM imp_valid ORDER BY 1").fetchall()] or [""]
    parked = _parked_by_dates(con, mapping, findings)
    result = []
    for pipeline in pipelines:
        said = {*mapping.won_in(pipeline), *mapping.lost_in(pipeline)}  # this pipeline's (the user's picks for it)
        names = [r[1] for r in counts if r[0] == pipeline and (pipeline, r[1]) not in parked]
        # a stage of the CRM's own list is what the list says, whatever its deals' flags (stage_list.py)
        in_list = set((mapping.listed_stages or {}).get(pipeline) or ())
        names = _without_paused(con, pipeline, names, counts, explicit, in_list | set(mapping.stage_order or ()), findings)
        unnamed = [n for n in names if n not in said and n not in in_list and not classify_stage_name(n)]
        kinds, ranks = orders.get(pipeline, ({}, {}))
        ps = stage_order.resolve(
            pipeline, names, explicit=explicit, preset_order=mapping.stage_order,
            history_order=hist_rank.get(pipeline),
            won_names=[*mapping.won_in(pipeline), *(n for n in names if (pipeline, n) in listed_won),
                       *(n for n in unnamed if (pipeline, n) in won_by_flag
                                              or kinds.get(n) == "won")],
            lost_names=[*mapping.lost_in(pipeline), *(n for n in unnamed if (pipeline, n) in lost_by_flag
                                                or kinds.get(n) == "lost")],
            has_won_status=pipeline in won_status, status_told=pipeline in told,
            probabilities=probabilities.get(pipeline) or ranks or None,
            won_word=won_words.get(pipeline), listed=(mapping.listed_stages or {}).get(pipeline),
            won_by_status=[n for n in unnamed if (pipeline, n) in won_by_status],
            lost_by_status=[n for n in unnamed if (pipeline, n) in lost_by_status])
        # two open stages are a guess too (survey 34: «Zeta → Alpha» said as known); one before the won is none
        if ps.guessed and len([s for s in ps.funnel if s not in ps.won]) >= 2:
            findings.add("stages.order_guessed", "warning", detail=pipeline or None, n=None)
        if ps.won_assumed and not users_order:  # a sheet's stage columns: its last one taken for the sale
            findings.add("stages.last_is_won", "warning", value=ps.won[0], n=None,
                         detail=json.dumps({"stage": f"«{ps.won[0]}»"}, ensure_ascii=False))
        result.append(ps)
    lost_names = {s for ps in result for s in ps.lost}
    closed_unnamed = any((r[3] or (r[0], r[1]) in closed_by_date) and r[1] not in lost_names for r in counts)
    if not any(ps.won for ps in result) and mapping.won_stages and not closed_unnamed:
        # the CRM's won stage is known (HubSpot's closedwon) and holds no deal yet: nothing to fix. Not
        # when a stage of the company's own holds closed deals (Bitrix24's «Выдано»): that may be the sale
        quoted = ", ".join(f"«{s}»" for s in mapping.won_stages[:3])
        findings.add("stages.no_won_yet", "warning", value=", ".join(mapping.won_stages[:3]), n=None,
                     detail=json.dumps({"stages": quoted}, ensure_ascii=False))
    elif not any(ps.won for ps in result) and told and not won_status and not closed_unnamed \
            and "status.unknown_value" not in findings.codes():
        # a status or flag tells the outcomes and no deal is won yet (an API answer of open deals): nothing
        # to fix, and no stage to mark. Not while status values went unread: the sale may be one of them
        # (survey 47: WooCommerce's «completed», U-ON's «Тур оплачен» beside «nothing to fix»)
        told_by = next(f for f in ("status", "won_flag") if f in mapping.fields)
        index = mapping.fields[told_by]
        column = headers[index] if index < len(headers) else told_by
        findings.add("status.none_won_yet", "info", column=column, n=None,
                     detail=json.dumps({"column": f"«{column}»"}, ensure_ascii=False))
    elif not any(ps.won for ps in result):
        # a pipeline may have won nothing yet; no won stage anywhere means won deals went unseen
        findings.add("stages.no_won", "warning", n=None)
        closed_only = [(r[1], r[2]) for r in counts if r[3] and r[1] not in lost_names]
        if closed_only:  # Bitrix24's «Выдано»: its deals count as lost until the user names the sale
            listed = ", ".join(f"«{stage}» ({n})" for stage, n in closed_only[:5])
            findings.add("stages.closed_unnamed", "warning", n=sum(n for _s, n in closed_only),
                         detail=json.dumps({"stages": listed}, ensure_ascii=False))
    else:  # one pipeline's sale under a name of its own (Bitrix24 «Опт»: «Оплата получена») beside one that has
        # the CRM's won stage: that pipeline's closed-only stages are named too, else its 0 % goes unsaid
        for ps in result:
            closed_only = [(r[1], r[2]) for r in counts
                           if r[0] == ps.pipeline and r[3] and r[1] not in ps.lost and r[1] not in ps.won]
            if not ps.won and _won_unmarked_in(ps.pipeline, mapping, told, bool(closed_only)):
                findings.add("stages.no_won_pipeline", "warning", value=ps.pipeline, n=None,
                             detail=json.dumps({"pipeline": ps.pipeline}, ensure_ascii=False))
            if ps.won or not closed_only:
                continue
            listed = ", ".join(f"«{stage}» ({n})" for stage, n in closed_only[:5])
            findings.add("stages.closed_unnamed_pipeline", "warning", value=ps.pipeline,
                         n=sum(n for _s, n in closed_only),
                         detail=json.dumps({"stages": listed, "pipeline": ps.pipeline}, ensure_ascii=False))
    run(con, "CREATE OR REPLACE TEMP TABLE imp_stages (pipeline VARCHAR, stage VARCHAR, position INTEGER, kind VARCHAR)")
    rows = [r for ps in result for r in ps.rows()]
    if rows:
        con.executemany("INSERT INTO imp_stages VALUES (?, ?, ?, ?)", rows)
    return result


# the stages _outcome_by_date takes for the sale or the loss, by finding code, and the note the pages and
# ``metrics`` say beside the numbers until the user names them (dataset_edit.outcome_guesses)
OUTCOME_NOTES = {"stages.won_by_close_date": "crmimport.note_won_by_close_date",
                 "stages.lost_by_close_date": "crmimport.note_lost_by_close_date"}
CLOSED_BY_DATE_DEALS = 2  # deals a stage holds, each with a close date, before its close dates say it is closed
CLOSED_BY_DATE_SHARE = 0.05  # at most this share of the other stages' deals has a close date


def _closed_by_date(counts) -> set[tuple[str, str]]:
    """Stages whose every deal has a close date while (almost) no deal at the pipeline's other stages has
    one: amoCRM writes «Дата закрытия» only when a deal closes, so a won stage the company renamed
    («Акты подписаны, оплачено» for «Успешно реализовано») shows as the stage where every deal is
    closed. At most two per pipeline (its sale and its loss): more is a file of closed deals kept at the
    stage each reached, where the dates say nothing of the stage."""
    out: set[tuple[str, str]] = set()
    for pipeline in dict.fromkeys(r[0] for r in counts):
        rows = [r for r in counts if r[0] == pipeline]
        found = [r for r in rows if not r[3] and r[13] and r[2] >= CLOSED_BY_DATE_DEALS]
        rest = [r for r in rows if not r[3] and r not in found]
        n_rest = sum(r[2] for r in rest)
        if found and len(found) <= 2 and n_rest and sum(r[14] for r in rest) <= CLOSED_BY_DATE_SHARE * n_rest:
            out |= {(pipeline, r[1]) for r in found}
    return out


def _outcome_by_date(closed_by_date, counts, mapping, won_by_flag, lost_by_flag, won_status, headers,
                     findings: Findings) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """The pipeline's sale or its loss, when one stage closed by its dates (:func:`_closed_by_date`) is
    all that is left of them: the loss is known (a lost stage by name, the preset or the flags) and
    nothing says won, so that stage is the sale; or the sale is known and nothing says lost, so it is
    the loss. Said, with how to change it (a renamed loss beside an unseen sale would be taken for it).
    Returns (won, lost) stages."""
    listed = {p: set(s) for p, s in (mapping.listed_stages or {}).items()}
    won: set[tuple[str, str]] = set()
    lost: set[tuple[str, str]] = set()
    for pipeline in dict.fromkeys(p for p, _s in closed_by_date):
        said = {*mapping.won_in(pipeline), *mapping.lost_in(pipeline)}
        names = [r[1] for r in counts if r[0] == pipeline]
        candidates = [s for s in names if (pipeline, s) in closed_by_date and s not in said
                      and s not in listed.get(pipeline, ()) and not classify_stage_name(s)
                      and (pipeline, s) not in lost_by_flag and (pipeline, s) not in won_by_flag]
        lost_known = any(s in mapping.lost_in(pipeline) or classify_stage_name(s) == "lost" or (pipeline, s) in lost_by_flag
                         for s in names)
        won_known = pipeline in won_status or any(
            s in mapping.won_in(pipeline) or classify_stage_name(s) == "won" or (pipeline, s) in won_by_flag for s in names)
        if len(candidates) != 1 or lost_known == won_known:
            continue
        stage = candidates[0]
        index = mapping.fields["closed_at"]
        column = headers[index] if index < len(headers) else "closed_at"
        n = next(r[2] for r in counts if r[0] == pipeline and r[1] == stage)
        (won if lost_known else lost).add((pipeline, stage))
        findings.add("stages.won_by_close_date" if lost_known else "stages.lost_by_close_date", "warning",
                     value=stage, column=column, n=n,
                     detail=json.dumps({"stage": f"«{stage}»", "column": f"«{column}»"}, ensure_ascii=False))
    return won, lost


def _order_statuses(con, extras: dict) -> dict[str, tuple[dict[str, str], dict[str, float]]]:
    """An order list's statuses, per pipeline: (status -> 'won' / 'lost' where the order ended, status ->
    its rank along the order's way). With a status-group column (RetailCRM «Группа статусов») the group
    decides both (every status of the cancel group lost; the groups' order, RetailCRM's default statuses
    first within a group); without one, the status's own word («Выполнен», «Доставлен», «Возврат») and
    RetailCRM's default order when every open status is one of its defaults (a guess either way, said)."""
    group = next((name for name, (_i, header) in extras.items()
                  if normalize_header(header) in STATUS_GROUP_HEADERS), None)
    rows = run(con, render("""SELECT COALESCE(pipeline, ''), stage, {g}, count(*) FROM imp_valid
                              WHERE stage IS NOT NULL GROUP BY 1, 2, 3""",
                           g=ident(group) if group else "NULL")).fetchall()
    out: dict[str, tuple[dict[str, str], dict[str, float]]] = {}
    for pipeline, stage, stage_group, _n in rows:
        kinds, ranks = out.setdefault(pipeline, ({}, {}))
        kind = group_kind(stage_group) if group else None
        kind = kind or order_outcome(stage)
        if kind:
            kinds[stage] = kind
        own = status_rank(stage)
        if group:
            at = group_rank(stage_group)
            if at is not None:
                ranks[stage] = at * 100 + (own if own is not None else 50)
        elif own is not None:
            ranks[stage] = own
    return out


def _without_paused(con, pipeline: str, names: list[str], counts, explicit, known: set[str],
                    findings: Findings) -> list[str]:
    """``names`` less a paused status (ПланФикс's «Отложенная»: :func:`is_paused_stage`) when the order is to be
    found, not given (the user's order or a CRM's list keeps it where they put it). A deal put off is open, but
    where it was put off is not known: as a rung of the guessed ladder (third, by its deals) it made every deal
    there reach the steps before it and none after. Its deals stay open, reached the first step (or as far as
    their history went), said with how many (``stages.paused``, a warning: it is what the Data page lists before
    the import, where the rows' «not in the funnel order» said nothing of why; ``imp_paused`` keeps those rows
    out of ``stages.unknown``, derive.py)."""
    if explicit:
        return names
    paused = [n for n in names if n not in known and is_paused_stage(n)]
    if not paused:
        return names
    n = sum(r[2] for r in counts if r[0] == pipeline and r[1] in paused)
    con.executemany("INSERT INTO imp_paused VALUES (?, ?)", [(pipeline or "", p) for p in paused])
    findings.add("stages.paused", "warning", value=", ".join(paused), n=n,
                 detail=json.dumps({"stages": ", ".join(f"«{p}»" for p in paused)}, ensure_ascii=False))
    return [name for name in names if name not in paused]


def _won_unmarked_in(pipeline: str, mapping, told: set[str], closed_unnamed: bool) -> bool:
    """Whether nothing can mark a deal of ``pipeline`` won while another pipeline of the file has its won stage: no
    won stage of its own, no status or flag telling its outcomes (``told``). Its revenue and win rate are then
    unknown, not 0 (``stages.no_won_pipeline``; the file-wide ``stages.no_won`` said nothing while a second
    pipeline had a won stage: a Renewals pipeline of open-looking stages read «won 0, revenue 0»). Not when the
    CRM's won stage is known from its preset (amoCRM's «Успешно реализовано» in every pipeline) and the pipeline
    holds no closed deal under a stage of its own: it has won nothing yet, a fact (as ``stages.no_won_yet``)."""
    if pipeline in told:
        return False
    return not (mapping.preset and mapping.won_stages and not closed_unnamed)


def _parked_by_dates(con, mapping, findings: Findings) -> set[tuple[str, str]]:
    """Stages where closed deals are parked, when only a won or a lost date says a deal's outcome
    (NetHunt's «Closed» with «Won date» / «Lost date»): every deal there closed, some won and some lost.
    Such a stage is no step of the funnel: its won deals count at the won stage, its lost deals at the
    first stage (where they were lost is not known). Said, with the stages named."""
    if any(f in mapping.fields for f in ("status", "won_flag", "closed_flag", "lost_flag")) or not (
            "won_at" in mapping.fields and "lost_at" in mapping.fields):
        return set()
    rows = run(con, """SELECT COALESCE(pipeline, ''), stage, count(*) FROM imp_valid WHERE stage IS NOT NULL
                       GROUP BY 1, 2 HAVING bool_and(won_at IS NOT NULL OR lost_at IS NOT NULL)
                       AND bool_or(won_at IS NOT NULL) AND bool_or(lost_at IS NOT NULL) ORDER BY 1, 2""").fetchall()
    if rows:
        listed = ", ".join(f"«{stage}» ({n})" for _p, stage, n in rows[:5])
        findings.add("stages.closed_by_dates", "info", n=sum(n for _p, _s, n in rows),
                     detail=json.dumps({"stages": listed}, ensure_ascii=False))
    return {(p, stage) for p, stage, _n in rows}


def _won_words(con) -> dict[str, str]:
    """Per pipeline, the most common spelling of a won status that is a word («Успешно реализовано»,
    赢单, "Closed Won"; not a yes or a 1): the name of a won stage the import adds, in the file's
    language."""
    rows = run(con, """SELECT COALESCE(v.pipeline, ''), v.status, count(*) AS n
                       FROM imp_valid v JOIN imp_status_map m ON m.value = v.status
                       WHERE m.status = 'won' GROUP BY 1, 2 ORDER BY 1, n DESC, 2""").fetchall()
    out: dict[str, str] = {}
    for pipeline, value, _n in rows:
        word = (value or "").strip()
        if pipeline not in out and word.lower() not in TRUE_WORDS and any(c.isalpha() for c in word):
            out[pipeline] = word
    return out


# the least share of a stage's open deals (0 and 100 % left out) that carry its most common probability
SAME_PROBABILITY = 0.5


def _stage_probabilities(con, extras: dict) -> dict[str, dict[str, float]]:
    """Per pipeline, stage -> median win probability of its deals not closed by a flag or status.

    A 0 or a 100 % (1 on a 0-1 scale) is a closed deal's, not its stage's: left out. A pipeline with a
    stage whose deals do not mostly share one probability (:data:`SAME_PROBABILITY`) is left out."""
    column = next((name for name, (_i, header) in extras.items() if is_probability_header(header)), None)
    if column is None:
        return {}
    rows = run(con, render("""WITH probs AS (
            SELECT COALESCE(v.pipeline, '') AS pipeline, v.stage,
                   TRY_CAST(replace(regexp_replace(v.{c}, '[ \t\u00a0\u202f%％]', '', 'g'), ',', '.') AS DOUBLE) AS p
            FROM imp_valid v LEFT JOIN imp_status_map m ON m.value = v.status
            WHERE v.stage IS NOT NULL AND v.closed_flag IS NOT TRUE AND v.won_flag IS NOT TRUE AND v.lost_flag IS NOT TRUE
              AND COALESCE(m.status IN ('won', 'lost'), false) IS FALSE),
        scale AS (SELECT CASE WHEN max(p) FILTER (WHERE isfinite(p)) <= 1 THEN 1.0 ELSE 100.0 END AS top
                  FROM probs),
        kept AS (SELECT pipeline, stage, p FROM probs, scale WHERE p > 0 AND p < top),
        modes AS (SELECT pipeline, stage, max(n) AS top_n
                  FROM (SELECT pipeline, stage, p, count(*) AS n FROM kept GROUP BY 1, 2, 3) AS c GROUP BY 1, 2)
        SELECT k.pipeline, k.stage, median(k.p), max(m.top_n) / count(*)
        FROM kept k JOIN modes m ON m.pipeline = k.pipeline AND m.stage = k.stage GROUP BY 1, 2""",
                           c=ident(column))).fetchall()
    out: dict[str, dict[str, float]] = {}
    scattered = set()
    for pipeline, stage, median, agree in rows:
        out.setdefault(pipeline, {})[stage] = median
        if agree < SAME_PROBABILITY:
            scattered.add(pipeline)
    # a CRM gives a stage's deals its probability; where they scatter, the column is the reps' own
    # estimates and says nothing of the stage order (a Zoho file: Qualification 90, Negotiation 10)
    return {p: medians for p, medians in out.items() if p not in scattered}


CLOSING_BY_PROBABILITY_DEALS = 2  # deals a stage needs before its 100 % (0) makes it won (lost)
STAGE_BY_STATUS_DEALS = 2  # deals a stage needs before their status (all won, or all lost) makes it won (lost)


def _closing_by_probability(con, extras: dict) -> tuple[set, set]:
    """(pipeline, stage) pairs whose every deal has a win probability of 100 % (won) or 0 (lost): the
    CRM's closing stages under the company's own names. Salesforce gives Closed Won 100 and Closed Lost
    0; 销售易 (``winRate``) and Zoho (``概率 (%)``) do the same. Only asked where the probabilities order
    the open stages (:func:`_stage_probabilities`), so a column of zeros says nothing, and where no status
    or won flag says who won (Dynamics keeps a won deal at «4-Close», 100 %: a step). A stage of one deal
    says too little (a team's sheet: «Delivered» at 0 %, the rep's own estimate)."""
    column = next((name for name, (_i, header) in extras.items() if is_probability_header(header)), None)
    if column is None:
        return set(), set()
    rows = run(con, render("""WITH probs AS (
            SELECT COALESCE(pipeline, '') AS pipeline, stage,
                   TRY_CAST(replace(regexp_replace({c}, '[ \t\u00a0\u202f%％]', '', 'g'), ',', '.') AS DOUBLE) AS p
            FROM imp_valid WHERE stage IS NOT NULL),
        scale AS (SELECT CASE WHEN max(p) FILTER (WHERE isfinite(p)) <= 1 THEN 1.0 ELSE 100.0 END AS top FROM probs)
        SELECT pipeline, stage, bool_and(p IS NOT NULL AND p >= top), bool_and(p IS NOT NULL AND p = 0)
        FROM probs, scale GROUP BY 1, 2 HAVING count(*) >= {least}""", c=ident(column),
                           least=str(CLOSING_BY_PROBABILITY_DEALS))).fetchall()
    return {(r[0], r[1]) for r in rows if r[2]}, {(r[0], r[1]) for r in rows if r[3]}


def _has_status_inputs(mapping) -> bool:
    return any(f in mapping.fields for f in ("status", "won_flag", "won_at"))


def build_deals(con, raw, mapping, *, explicit_stages=None, users_order: bool = True, history_loaded: bool = False,
                findings: Findings, history_orders: bool = True, into: str | None = None,
                drop_raw: bool = False, dates: FileDates | None = None, currency_kept: str | None = None) -> dict:
    """Fill ``imp_deals``, ``imp_events``, ``imp_stages``. Returns counts and meta for the catalog.
    ``history_orders=False``: the history's times cannot order the stages (one shared timestamp).
    ``into``: build deals, events and stays in that dataset schema instead (derive.py).
    ``drop_raw``: nothing keeps the staged file: dropped once typed, which frees its memory."""
    typed, extras = parse_rows(con, raw, mapping, findings, dates, currency_kept)
    status_map(con, findings, raw.headers[mapping.fields["status"]] if "status" in mapping.fields else None,
               mapping.status_values)
    if mapping.stage_entered and history_loaded:  # a history file beats the list's own stage-date columns
        findings.add("history.beats_stage_dates", "info", value=", ".join(s for s, _p in mapping.stage_entered.values()),
                     n=len(mapping.stage_entered))
    elif mapping.stage_entered:
        stage_entered_events(con, raw, mapping, findings, dates)
        history_loaded = True
    if "stage" not in mapping.fields and history_loaded:
        _stage_from_history(con, findings)
    if drop_raw:  # the staged file itself (a view over it, as for an id-less file, is left alone)
        if run(con, "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = $t",
               {"t": raw.table}).fetchone()[0]:
            run(con, render("DROP TABLE {t}", t=ident(raw.table)))
    stages = resolve_stages(con, mapping, explicit_stages, history_loaded and history_orders, findings, extras,
                            users_order, raw.headers)
    return derive_deals(con, typed, extras, stages, history_loaded, findings, into)
