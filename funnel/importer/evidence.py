"""What the whole file says beyond its headers: refinements of a proposed deals mapping, and a
stage order the file itself carries.

The mapper only sees headers and ~50 sample rows; these checks run in SQL over every staged row:

- a ``Close Date`` column that is empty exactly for the open deals (Maven's ``close_date``) is the
  real close date, not an expected one;
- a ``<word>_date`` / ``<word> date`` column whose word begins a stage name (Maven's
  ``engage_date`` and the stage ``Engaging``) records when deals entered that stage (shape C);
- the stage order: from a column holding each stage's position (Salesforce ``StageSortOrder``), or,
  for one "date entered" column, from which stages have the date and which do not (Maven: every
  ``Prospecting`` deal lacks ``engage_date``, every later deal has it).
"""

from __future__ import annotations

import re

from ..mapping import classify_stage_name, classify_status_value
from ..mapping.normalize import header_tokens
from ..mapping.presets import PRESETS
from ..mapping.stage_names import align_order, stage_key
from ..mapping.status import RESOLUTION_HEADERS, RESOLUTION_VALUES, status_key
from ..readers.json_reader import OPTIONS_NOTE, SIDELOADED_NOTE
from ..readers.values import TRUE_WORDS
from ..sql import ident, render, run
from .columns import date_expr
from .joins import LEAD_STAGE

_DATE_WORD = re.compile(r"^(?:(\w+) date|date (\w+))$")
_STEM_MIN = 4  # "engage" / "engaging": a shared beginning of at least this many letters


def _col(index: int) -> str:
    return ident(f"c{index}")


def refine_deals_mapping(con, raw, mapping) -> None:
    """Apply the whole-file checks of the module docstring to ``mapping`` in place."""
    fields = mapping.fields
    if "stage" not in fields and "status" in fields and not mapping.stage_entered:
        values = [r[0] for r in run(con, render("SELECT DISTINCT {s} FROM {t} WHERE {s} IS NOT NULL LIMIT 200",
                                                s=_col(fields["status"]), t=ident(raw.table))).fetchall()]
        if not _one_unread_status(raw, mapping, values):
            _status_as_stage(mapping, values)
    if "stage" not in fields:
        return
    stage = _col(fields["stage"])
    _converted_beside_stage(con, raw, mapping)
    _resolution_status(con, raw, mapping)
    if "expected_close" in fields and "closed_at" not in fields:
        close = _col(fields["expected_close"])
        rows = run(con, render("SELECT {s}, count({c}), count(*) FROM {t} WHERE {s} IS NOT NULL GROUP BY 1",
                               s=stage, c=close, t=ident(raw.table))).fetchall()
        closing = [(n, total) for name, n, total in rows if classify_stage_name(name)]
        opened = [(n, total) for name, n, total in rows if not classify_stage_name(name)]
        if closing and opened and all(n == total for n, total in closing) and all(n == 0 for n, _t in opened):
            fields["closed_at"] = fields.pop("expected_close")
    if mapping.stage_entered:
        return
    names = [r[0] for r in run(con, render("SELECT DISTINCT {s} FROM {t} WHERE {s} IS NOT NULL LIMIT 500",
                                           s=stage, t=ident(raw.table))).fetchall()]
    taken = set(fields.values())
    for i, header in enumerate(raw.headers):
        if i in taken:
            continue
        m = _DATE_WORD.match(header_tokens(header))
        word = (m.group(1) or m.group(2)) if m else None
        if not word or len(word) < _STEM_MIN or word in ("close", "closing", "create", "created", "expected"):
            continue
        hits = [n for n in names if _shares_stem(word, n)]
        if len(hits) == 1 and not classify_stage_name(hits[0]):
            mapping.stage_entered[i] = (hits[0], None)
            mapping.extras.pop(i, None)


def _resolution_status(con, raw, mapping) -> None:
    """A tracker's resolution is the status when the file has none beside its stage: Yandex Tracker closes won
    and lost deals alike («Закрыт») and only ``resolution.display`` («Решён» / «Не будет сделано») tells them
    (survey 44: 12 open, 0 won, «Закрыт» a step). Taken when it holds one of a resolution's words; its words
    then read as the CRM's codes (mapping/status.py)."""
    if "status" in mapping.fields or mapping.status_values:
        return
    for i in sorted(mapping.extras):
        if header_tokens(raw.headers[i]) not in RESOLUTION_HEADERS:
            continue
        values = run(con, render("SELECT DISTINCT {c} FROM {t} WHERE {c} IS NOT NULL LIMIT 50",
                                 c=_col(i), t=ident(raw.table))).fetchall()
        if any(status_key(v) in RESOLUTION_VALUES for (v,) in values):
            mapping.fields["status"] = i
            mapping.status_values = dict(RESOLUTION_VALUES)
            del mapping.extras[i]
            return


_CONVERTED = {"converted", "is converted", "конвертирован", "是否转化"}


def _converted_beside_stage(con, raw, mapping) -> None:
    """A lead's «Converted» flag beside its status is the win (Zoho keeps a converted lead's last status,
    «Contacted»), unless the file says Yes on leads of a lost status too: then it is not an outcome but
    an attribute (rahulanilnair/Analysis-of-ZOHO-CRM-Analytics-using-SQL ``Leads.csv``: ``CONVERTED`` Yes
    on «Lost Lead» and «Junk Lead»)."""
    flag = mapping.fields.get("won_flag")
    if flag is None or header_tokens(raw.headers[flag]) not in _CONVERTED:
        return
    stages = [r[0] for r in run(con, render("SELECT DISTINCT {s} FROM {t} WHERE list_contains($yes, lower({f}))",
                                            s=_col(mapping.fields["stage"]), t=ident(raw.table), f=_col(flag)),
                                {"yes": list(TRUE_WORDS)}).fetchall()]
    lost = set(mapping.lost_stages)
    if any(name in lost or classify_stage_name(name) == "lost" for name in stages if name):
        del mapping.fields["won_flag"]
        mapping.extras[flag] = raw.headers[flag]


def _one_unread_status(raw, mapping, values: list) -> bool:
    """A «status» of one value in every row (``values``: its distinct ones) that is no outcome word says nothing of
    the outcome: left as an attribute (True), so that a column of stage names may be the stage (Calltouch's request
    ``status`` «REQUEST» beside its order's ``orders.status`` «Оплачена» / «Отказ»: survey 47, 12 open, revenue 0)."""
    if len(values) != 1 or classify_status_value(values[0], mapping.status_values or None) is not None:
        return False
    index = mapping.fields.pop("status")
    mapping.extras[index] = raw.headers[index]
    return True


def _status_as_stage(mapping, values: list) -> None:
    """A lead list's «Status» is its stage when most of its values are not an outcome: Creatio's
    Contacted / First Outreach / Interview / Bad lead, a Bitrix24 web export's Не обработан / В работе /
    Качественный лид. Four values at least, and at most half of them won, lost or open words, or
    two of them not such words while every outcome among them is a closing stage's name or an open word (芋道 CRM's
    «商机状态»: 初步接洽 / 方案报价 / 商务谈判 and the end states 赢单 / 输单 / 无效); or, with no outcome word
    among them, names of closing stages (a list of finished leads: Качественный лид, Некачественный лид;
    Salesforce's Working - Contacted beside Closed - Converted). ``values``: the status's distinct values."""
    known = [v for v in values if classify_status_value(v, mapping.status_values or None) is not None]
    closing = [v for v in values if classify_stage_name(v)]
    # only end states; or, with no outcome word at all, end states among steps (Salesforce's lead statuses
    # Working - Contacted / Closed - Converted / Closed - Not Converted, fewer than four in a small file)
    stage_names = bool(values) and not known and bool(closing)
    # (an open word among them is a step too: ПланФикс's «Новая, В работе, КП отправлено, …, Завершенная,
    # Отклоненная», survey 37, read as outcomes only with no funnel)
    end_states = any(classify_stage_name(v) for v in known) and len(values) - len(known) >= 2 and all(
        classify_stage_name(v) or classify_status_value(v, mapping.status_values or None) == "open" for v in known)
    # (half of them outcome words is a stage too: U-ON's «Новая, В работе, Подбор тура, Бронирование, Тур оплачен,
    # Отказ клиента», survey 47, had no funnel)
    if len(values) >= 4 and (2 * len(known) <= len(values) or end_states) or stage_names:
        mapping.fields["stage"] = mapping.fields.pop("status")


def _shares_stem(word: str, name: str) -> bool:
    key = stage_key(name)
    common = 0
    for a, b in zip(word, key, strict=False):
        if a != b:
            break
        common += 1
    return common >= _STEM_MIN and common >= min(len(word), len(key)) - 3


def _options_order(raw, index: int) -> list[str] | None:
    """The stage column's names in the order the JSON answer's own options list them (SalesDrive's
    ``meta.fields.statusId.options``: readers/json_reader.py), else None."""
    header = raw.headers[index] if index < len(raw.headers) else None
    for code, params in raw.notes:
        if code in (OPTIONS_NOTE, SIDELOADED_NOTE) and header in params.get("orders", {}):
            return list(params["orders"][header])
    return None


def file_stage_order(con, raw, mapping) -> dict[str, list[str]] | list[str] | None:
    """The stage order the file carries (per pipeline, or one for all), or None (module docstring)."""
    fields = mapping.fields
    if "stage" not in fields:
        # one date column per stage and no stage column (stage_dates.py): a team's sheet lists its
        # steps left to right. A deal may skip one (straight to «Handover»): the average step at which
        # deals enter a stage would then put a later step before an earlier one.
        stages = [stage for _i, (stage, _p) in sorted(mapping.stage_entered.items())]
        steps = [s for s in stages if classify_stage_name(s) != "lost"]
        if not steps:
            return None
        # a row with no date yet is a lead (stage_dates.py); a first stage no deal sits in is not drawn
        dates = [date_expr(con, raw.table, f"c{i}", alias="r")[0] for i in sorted(mapping.stage_entered)]
        undated = run(con, render("SELECT count(*) FROM {t} AS r WHERE greatest({d}) IS NULL",
                                  t=ident(raw.table), d=", ".join(dates))).fetchone()[0]
        return [LEAD_STAGE, *steps] if undated else steps
    stage = _col(fields["stage"])
    pipeline = _col(fields["pipeline"]) if "pipeline" in fields else "''"
    if (listed := _options_order(raw, fields["stage"])) is not None:
        present = {r[0] for r in run(con, render("SELECT DISTINCT {s} FROM {t} WHERE {s} IS NOT NULL", s=stage,
                                                 t=ident(raw.table))).fetchall()}
        if present <= set(listed):
            return [name for name in listed if name in present]
    if mapping.stage_sort is not None:
        rows = run(con, render(
            """SELECT COALESCE({p}, '') AS p, {s}, min(TRY_CAST(replace({o}, ',', '.') AS DOUBLE)) AS o
               FROM {t} WHERE {s} IS NOT NULL GROUP BY 1, 2 ORDER BY 1, o NULLS LAST, 2""",
            p=pipeline, s=stage, o=_col(mapping.stage_sort), t=ident(raw.table))).fetchall()
        if rows and all(r[2] is not None for r in rows):
            out: dict[str, list[str]] = {}
            for p, name, _o in rows:
                out.setdefault(p, []).append(name)
            return out
    if len(mapping.stage_entered) == 1:
        (index, (entered_stage, _p)), = mapping.stage_entered.items()
        rows = run(con, render(
            """SELECT {s}, count(*) AS n, count({d}) AS dated FROM {t} WHERE {s} IS NOT NULL
               GROUP BY 1 ORDER BY n DESC, 1""", s=stage, d=_col(index), t=ident(raw.table))).fetchall()
        before = [r[0] for r in rows if r[2] == 0 and not classify_stage_name(r[0])]
        after = [r[0] for r in rows if r[2] == r[1] and r[0] != entered_stage and not classify_stage_name(r[0])]
        mixed = [r[0] for r in rows if 0 < r[2] < r[1]]
        won = [r[0] for r in rows if classify_stage_name(r[0]) == "won"]
        if not mixed and len(before) <= 1 and len(after) <= 1 and won:
            return before + [entered_stage] + after + won
    return None


def known_default_order(con, raw, mapping) -> None:
    """A generic file whose open stages are mostly a CRM's default ones (Zoho's, Salesforce's ...) gets
    that CRM's default order, as if its preset had been recognised (``mapping.stage_order``): at least
    two of them and at least half. The stages the CRM does not know keep the order a guess
    (``stage_order.resolve``): a Salesforce Data Loader file's «Proposal/Quote» beside the picklist's
    «Qualification» and «Needs Analysis», which the most-deals-first guess had put backwards."""
    if mapping.stage_order or ("stage" not in mapping.fields and not mapping.stage_entered):
        return
    # a file of "date entered" columns alone (HubSpot's stage history as numbered pairs: readers/stage_pairs.py)
    # names its stages in their headers
    names = [r[0] for r in run(con, render("SELECT DISTINCT {s} FROM {t} WHERE {s} IS NOT NULL LIMIT 500",
                                           s=_col(mapping.fields["stage"]), t=ident(raw.table))).fetchall()] \
        if "stage" in mapping.fields else list(dict.fromkeys(stage for stage, _p in mapping.stage_entered.values()))
    open_names = [n for n in names if not classify_stage_name(n)]
    if len(open_names) < 2:
        return
    best: tuple[int, dict, bool] | None = None
    for preset in PRESETS.values():
        aligned, _unknown = align_order(preset.get("stage_order"), names)
        known = sum(1 for n in aligned if n in open_names)
        if known >= 2 and 2 * known >= len(open_names) and (best is None or known > best[0]):
            best = (known, preset, known == len(open_names))
    if best:
        mapping.stage_order = list(best[1]["stage_order"])
        if best[2]:
            # every stage is the CRM's: so is its sale, whether or not a deal is there yet (HubSpot's API
            # answer of open deals: none won yet, not "no won stage"). A stage of the file's own may be
            # its sale («Подписано, оплачено» beside amoCRM's defaults): then nothing is assumed
            mapping.won_stages = mapping.won_stages or list(best[1].get("won") or [])
            mapping.lost_stages = mapping.lost_stages or list(best[1].get("lost") or [])
