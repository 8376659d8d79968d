"""Amounts a CRM keeps in cents: Close's opportunity ``value`` is 1000000 beside ``value_formatted``
«$10,000». The preset says so (``amount_divisor``): the amounts are divided, the quality report says
it, and where the file shows the amount in money too (``amount_shown``) the rows where the two
disagree are listed."""

from __future__ import annotations

import json

from ..mapping.normalize import normalize_header
from ..mapping.presets import PRESETS
from ..sql import ident, render
from .quality_findings import Findings


def preset_cents(con, raw, mapping, typed: list, findings: Findings) -> None:
    """Divide the amount's parse expression by the preset's ``amount_divisor``; check it against the
    money the file shows beside it (its digits are the whole amount's, or the amount's with cents)."""
    preset = PRESETS.get(mapping.preset or "") or {}
    divisor = preset.get("amount_divisor")
    col = next((c for c in typed if c.field == "amount"), None)
    if not divisor or col is None:
        return
    col.expr = f"(({col.expr}) / {int(divisor)})"  # a constant of the preset, not a value of the file
    findings.add("amount.cents", "info", column=col.header, value=str(divisor), n=None,
                 detail=json.dumps({"column": col.header, "divisor": int(divisor)}, ensure_ascii=False))
    shown = next((i for i, h in enumerate(raw.headers) if normalize_header(h) in preset.get("amount_shown", ())), None)
    if shown is None:
        return
    digits = render("regexp_replace(COALESCE({s}, ''), '[^0-9]', '', 'g')", s=ident(f"c{shown}"))
    whole = "CAST(CAST(round(a) AS BIGINT) AS VARCHAR)"
    cents = "CAST(CAST(round(a * 100) AS BIGINT) AS VARCHAR)"
    rows = render("""SELECT row_no, {s} AS value FROM (SELECT row_no, {s}, {d} AS d, TRY_CAST({a} AS DOUBLE) AS a
                     FROM {t}) AS x WHERE d <> '' AND a IS NOT NULL AND ltrim(d, '0') NOT IN ({whole}, {cents})
                     AND NOT (a = 0 AND ltrim(d, '0') = '')""",
                  s=ident(f"c{shown}"), d=digits, a=col.expr, t=ident(raw.table), whole=whole, cents=cents)
    findings.examples(con, rows, None, "amount.shown_differs", "warning", raw.headers[shown])
