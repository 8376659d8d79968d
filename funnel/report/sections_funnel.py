"""Sections about the funnel itself: summary, KPIs, the funnel chart and table, drop-offs, managers."""

from __future__ import annotations

from typing import Any

from ..charts import funnel_figure
from ..formats import kpi_delta
from ..i18n import in_quotes, names_in_quotes
from ..metrics import Selection, deals_behind
from ..metrics.cycle_rules import P90_FEW, beside, no_cycle_reason, p90_reason_params
from ..metrics.goal import goal
from ..metrics.periods import Change, previous_reason_params
from ..metrics.stages import StageRow
from ..money import currency_of, with_currency
from ..spec import FunnelSpec
from .inputs import MIN_CLOSED, Inputs
from .model import Cell, Column, Section, Table
from .step_words import step_key

KPI_KINDS = {"deals": "int", "won": "int", "lost": "int", "open": "int", "win_rate": "pct",
             "win_rate_all": "pct", "revenue": "money", "avg_deal_size": "money", "median_deal_size": "money",
             "median_cycle_days": "days", "p90_cycle_days": "days"}
RATES = ("win_rate", "win_rate_all")
KPI_NEEDS = {"won": "outcomes", "lost": "win_rate", "win_rate": "win_rate", "revenue": "money",
             "avg_deal_size": "money", "median_deal_size": "money", "median_cycle_days": "cycle",
             "p90_cycle_days": "cycle"}
WEB_LABELS = {"deals": "audit.tile.visitors", "win_rate_all": "audit.tile.converted"}
CYCLE_KEYS = ("median_cycle_days", "p90_cycle_days")
STATUSES = ("won", "lost", "open")
SUMMARY_LINES: list = []  # more summary sentences from optional sections (the top diagnostic finding)


def change_text(inp: Inputs, key: str, change: Change | None) -> str | None:
    """The change against the previous period as the Overview tile shows it (points for rates), with the minus sign
    the key figures' table prints («−11,1 п. п.»; the tile's «-» is what makes Streamlit colour it red)."""
    text = kpi_delta(key, change, inp.w.num_lang, inp.w("report.pp"))
    return "\u2212" + text[1:] if text and text.startswith("-") else text


def _change_cell(key: str, change: Change | None) -> Any:
    if change is None or change.change_abs is None:
        return None
    if key in RATES:
        return Cell(change.change_abs * 100, "pp")
    if change.change_rel is None:
        return Cell(change.change_abs, KPI_KINDS[key])
    return Cell(change.change_rel, "change")


def summary(inp: Inputs) -> Section:
    """A few sentences generated from the numbers (nothing here is typed by hand)."""
    w, out, ov = inp.w, inp.outcomes, inp.overview
    sec = Section("summary", w("report.section.summary"))
    if not out.deals:
        sec.note = w("report.note.no_deals")
        return sec
    caps = inp.info.capabilities
    # counts say how many entered the first step, an event log how many visited: neither is a deal (the Overview's
    # first tile)
    first = "report48.summary.entrants" if caps.aggregate else "report48.summary.visitors" if caps.is_web_funnel else ""
    sec.paragraphs.append(w(first, n=w.int(out.deals), period=period_text(inp)) if first else
                          w("report.summary.deals", deals=w.int(out.deals), period=period_text(inp)))
    if caps.can("win_rate"):
        sec.paragraphs.append(w("report.summary.outcomes", won=w.int(out.won), lost=w.int(out.lost),
                                open=w.int(out.open)))
        if why := reason_text(inp, "won"):  # «Won: —» with why (nothing marks a win: unknown, not 0)
            sec.paragraphs.append(why)
    if out.win_rate is not None and caps.can("win_rate"):
        delta = change_text(inp, "win_rate", ov.comparison.kpis.get("win_rate"))
        sec.paragraphs.append(w("report.summary.win_rate", rate=w.pct(out.win_rate))
                              + (" " + w("report.summary.change", change=delta) if delta else ""))
    sec.paragraphs += money_lines(inp)
    if ov.drop_offs:
        # the deals that stopped at a step are lost there or still open (survey 46: «deals lost there: 7,158» where
        # none was lost)
        d = ov.drop_offs[0]
        where = {"stage_from": d["stage_from"], "stage_to": d["stage_to"], "count": w.int(d["count"]),
                 "rate": w.pct(d["rate"])}
        # a web funnel's visitors who stopped are neither lost deals nor open ones (the Overview: «N visitors stopped»)
        sec.paragraphs.append(w("report.summary.leak_counts", **where) if inp.info.shape == "counts" else
                              w("report48.summary.leak_web", **where) if caps.is_web_funnel else
                              w("report.summary.leak", **where, lost_here=w.int(d["lost_here"]),
                                open_here=w.int(d["open_here"])))
    for line in SUMMARY_LINES:
        text = line(inp)
        if text:
            sec.paragraphs.append(text)
    weakest = weakest_manager(inp)
    if weakest is not None:
        name, rate, closed = weakest
        sec.paragraphs.append(w("report.summary.manager", name=name, rate=w.pct(rate), closed=w.int(closed),
                                team=w.pct(out.win_rate), min_closed=MIN_CLOSED))
    found = inp.quality
    warned = found[found["severity"] == "warning"] if len(found) else found
    # rows only where a warning counts rows; a note about the whole file (no creation date) is one note, not «1 row»
    rows = int(warned.loc[warned["counted"], "count"].sum()) if len(warned) else 0
    notes = int((~warned["counted"].astype(bool)).sum()) if len(warned) else 0
    if rows:
        sec.paragraphs.append(w("report.summary.quality", n=w.int(rows)))
    if notes:
        sec.paragraphs.append(w("report.summary.quality_notes", n=w.int(notes)))
    if not rows and not notes:
        sec.paragraphs.append(w("report.summary.quality_clean"))
    return sec


def money_lines(inp: Inputs) -> list[str]:
    """The Overview's money and cycle tiles with their captions: revenue, the mean and the median won deal, the cycle's
    median and p90 with the won deals it is measured on; where a number cannot be computed, why (the summary said
    «median sales cycle, days: —» for a file without creation dates). Nothing where the data has no such question at all
    (a web funnel, counts: the key figures say why) or nothing was won (the outcomes line says so)."""
    w, out, caps = inp.w, inp.outcomes, inp.info.capabilities
    lines: list[str] = []
    if not out.won or caps.aggregate or caps.is_web_funnel:
        return lines
    currency = currency_of(caps.currencies)
    # the reason the key figures give: what the data cannot answer at all, else why this selection has no number
    why_money = caps.why_not("money") or out.reasons.get("revenue") or out.reasons.get("avg_deal_size")
    if why_money:
        lines.append(w("report48.summary.no_money", reason=w.reason(why_money)))
    elif out.revenue is not None and out.avg_deal_size is not None and out.median_deal_size is not None:
        lines.append(w("report48.summary.money", revenue=with_currency(w.num(out.revenue), currency, w.lang),
                       avg=with_currency(w.num(out.avg_deal_size), currency, w.lang),
                       median=with_currency(w.num(out.median_deal_size), currency, w.lang)))
    why_cycle = no_cycle_reason(inp.info) or out.reasons.get("median_cycle_days")
    if why_cycle:
        lines.append(w("report48.summary.no_cycle", reason=w.reason(why_cycle)))
    elif out.median_cycle_days is not None:
        # a p90 fewer than 10 won deals cannot support: a dash, and the Overview's sentence why
        numbers = {"median": w.num(out.median_cycle_days, 1), "p90": w.num(out.p90_cycle_days, 1)}
        if out.cycle_deals < out.won:
            key = "report48.summary.cycle_basis_reversed" if out.cycle_reversed else "report48.summary.cycle_basis"
            line = w(key, **numbers, n=w.int(out.cycle_deals), won=w.int(out.won), reversed=w.int(out.cycle_reversed))
        else:
            line = w("report48.summary.cycle", **numbers)
        few = reason_text(inp, "p90_cycle_days")
        lines.append(beside(line, few, w.lang))
    return lines


def reason_text(inp: Inputs, key: str) -> str | None:
    """Why the outcomes' ``key`` is null, in words (a p90's sentence names how many won deals it had), else None."""
    out, reason = inp.outcomes, inp.outcomes.reasons.get(key)
    if reason is None or getattr(out, key) is not None:
        return None
    return inp.w.reason(reason, **(p90_reason_params(out.cycle_deals) if reason in P90_FEW.values() else {}))


def why_not(inp: Inputs, question: str) -> str | None:
    """What the data cannot answer at all: the capabilities' reason; for the cycle the Overview tile's (cycle_rules)."""
    caps = inp.info.capabilities
    return no_cycle_reason(inp.info) if question == "cycle" else caps.why_not(question)


def cycle_basis(inp: Inputs, key: str) -> str | None:
    """The Overview's caption under the cycle tile, beside the cycle's median and p90 in the key figures: the won
    deals the cycle is measured on, when some have no cycle."""
    out, w = inp.outcomes, inp.w
    if key not in CYCLE_KEYS or getattr(out, key) is None or not out.won or out.cycle_deals >= out.won:
        return None
    code = "pages.tile.cycle_basis_reversed" if out.cycle_reversed else "pages.tile.cycle_basis"
    return w.reason(code, n=w.int(out.cycle_deals), won=w.int(out.won), reversed=w.int(out.cycle_reversed))


def weakest_manager(inp: Inputs) -> tuple[str, float, int] | None:
    """The manager with the lowest win rate among those with enough closed deals to judge."""
    groups = inp.managers or {}
    team = inp.outcomes.win_rate
    judged = [(str(name), out.win_rate, (out.won or 0) + (out.lost or 0)) for name, out in groups.items()
              if name is not None and out.win_rate is not None and (out.won or 0) + (out.lost or 0) >= MIN_CLOSED]
    if len(judged) < 2 or team is None:
        return None
    worst = min(judged, key=lambda g: (g[1], g[0]))
    return worst if worst[1] < team else None


def period_text(inp: Inputs) -> str:
    w, spec = inp.w, inp.spec
    if inp.info.shape == "counts":
        return w("report.period.counts")
    if spec.date_from is None and spec.date_to is None:
        return w("report.period.all")
    return w(f"report.period.{spec.date_field}", date_from=spec.date_from or "…", date_to=spec.date_to or "…")


def kpis(inp: Inputs) -> Section:
    w, out, cmp = inp.w, inp.outcomes, inp.overview.comparison
    sec = Section("kpis", w("report.section.kpis"))
    if inp.info.shape == "counts" or cmp.reason == "metrics.reason.no_period":
        sec.paragraphs.append(w("report.kpis.no_previous_counts" if inp.info.shape == "counts"
                                else "report.kpis.no_previous"))
    elif cmp.reason:  # its dates filled in: «({date_from} – {date_to}) … {first}» stood in the report (session 50)
        sec.paragraphs.append(w.reason(cmp.reason, **previous_reason_params(inp.info, cmp.previous_from,
                                                                            cmp.previous_to)))
    else:
        sec.paragraphs.append(w("report.kpis.previous", date_from=cmp.previous_from, date_to=cmp.previous_to))
    table = Table("kpis", w("report.table.kpis"), [
        Column("kpi", w("report.col.kpi")), Column("value", w("report.col.value"), "num"),
        Column("previous", w("report.col.previous"), "num"), Column("change", w("report.col.change"), "num"),
        Column("note", w("report.col.note"))])
    caps = inp.info.capabilities
    if caps.aggregate and caps.counts_visitors:  # an ad report's: the goal and its conversion, no win rate or money
        sec.tables.append(goal_table(inp, table))
        return sec
    currency = currency_of(caps.currencies)
    for key, kind in KPI_KINDS.items():
        change = cmp.kpis.get(key)
        value, previous = getattr(out, key), change.previous if change is not None else None
        # a number the data cannot support is not shown as if it could (a web funnel's "win rate")
        reason = why_not(inp, KPI_NEEDS[key]) if key in KPI_NEEDS else None
        if reason:
            value = previous = change = None
        # counts say how many entered the first step (visits, users, leads), not that they are deals
        # a web funnel speaks of visitors and converted, as the Overview's tiles do
        name = ("pages.tile.entrants" if key == "deals" and caps.aggregate else
                WEB_LABELS.get(key, f"report.kpi.{key}") if caps.is_web_funnel else f"report.kpi.{key}")
        label = w(name) + (f", {currency}" if kind == "money" and currency else "")
        note = (w.reason(reason) if reason else reason_text(inp, key)) or cycle_basis(inp, key) or ""
        table.rows.append([label, Cell(value, kind), Cell(previous, kind), _change_cell(key, change), note])
    sec.tables.append(table)
    return sec


def goal_table(inp: Inputs, table: Table) -> Table:
    """The key figures of counted visitors, as the Overview's tiles: at the first step, reached the goal (the last
    step), goal conversion; the note says which step is the goal and why there is no win rate, revenue or cycle."""
    w, found = inp.w, goal(inp.outcomes.stages)
    table.rows.append([w("pages.tile.entrants"), Cell(inp.outcomes.deals, "int"), Cell(None, "int"), None, ""])
    note = w("words50.report.kpis_counts", step=found.step) if found else w("words50.reason.one_step")
    table.rows.append([w("words50.tile.goal_reached"), Cell(found.reached if found else None, "int"),
                       Cell(None, "int"), None, note])
    table.rows.append([w("words50.tile.goal_conversion"), Cell(found.conversion if found else None, "pct"),
                       Cell(None, "pct"), None, ""])
    return table


STAGE_COLUMNS = (("stage", "text"), ("reached", "int"), ("step_conversion", "pct"),
                 ("cumulative_conversion", "pct"), ("drop_off", "int"), ("lost_here", "int"), ("open_here", "int"))


def stage_table(inp: Inputs, rows: list[StageRow]) -> Table:
    w, caps = inp.w, inp.info.capabilities
    # a visitor who stopped is neither lost nor open, and counts say neither: no columns of «—» (the Funnel page's)
    shown = [(k, kind) for k, kind in STAGE_COLUMNS if not (k in ("lost_here", "open_here")
                                                             and (caps.aggregate or caps.is_web_funnel))]
    return Table("stages", w(step_key(caps, "report.table.stages")),
                 [Column(key, w(step_key(caps, f"report.col.{key}")), kind) for key, kind in shown],
                 [[getattr(r, key) for key, _ in shown] for r in rows])


def chart_labels(w) -> dict[str, str]:
    return {"reached": w("report.col.reached"), "step": w("report.chart.step"),
            "cumulative": w("report.chart.cumulative")}


def funnel(inp: Inputs) -> Section:
    w, rows = inp.w, inp.outcomes.stages
    sec = Section("funnel", w("report.section.funnel"))
    if not rows:
        sec.note = w("report.note.no_deals")
        return sec
    sec.paragraphs.append(w(step_key(inp.info.capabilities, "report.funnel.intro")))
    fig = funnel_figure(rows, chart_labels(w), w.num_lang)
    fig.update_traces(textfont={"size": 10})
    fig.update_layout(clickmode="none", width=680, height=max(260, 40 + 54 * len(rows)), plot_bgcolor="white",
                      paper_bgcolor="white")
    sec.figures.append(fig.to_plotly_json())
    sec.tables.append(stage_table(inp, rows))
    for finding in inp.outcomes.findings:
        params = {k: (w.int(v) if isinstance(v, int) else in_quotes(v, w.lang) if k == "stages" else v)
                  for k, v in finding.items() if k != "code"}
        sec.bullets.append(w.reason(finding["code"], **params))
    return sec


def drop_offs(inp: Inputs) -> Section:
    w = inp.w
    sec = Section("drop_offs", w(step_key(inp.info.capabilities, "report.section.drop_offs")))
    found = inp.overview.drop_offs
    if not found:
        sec.note = w("report.note.no_drop_offs" if inp.outcomes.stages else "report.note.no_deals")
        return sec
    counts, web = inp.info.shape == "counts", inp.info.capabilities.is_web_funnel
    for d in found:
        key = "report.dropoff.counts" if counts else "audit.dropoff.web" if web else "report.dropoff.step"
        text = w(key, count=w.int(d["count"]), rate=w.pct(d["rate"]), stage_from=d["stage_from"],
                 stage_to=d["stage_to"], lost_here=w.int(d["lost_here"]), open_here=w.int(d["open_here"]),
                 n=d["count"])
        if d.get("lost_unknown"):
            text += " " + w.reason("metrics.dropoff.unknown_part", n=d["lost_unknown"])
        if d.get("open_off_order"):
            text += " " + w.reason("metrics.dropoff.off_order_part", n=d["open_off_order"],
                                   stages=names_in_quotes(d["off_order_stages"], w.lang))
        sec.bullets.append(text)
    caps = inp.info.capabilities
    cols = [Column("stage_from", w(step_key(caps, "report.col.stage_from"))),
            Column("stage_to", w(step_key(caps, "report.col.stage_to"))),
            Column("count", w("report.col.drop_off"), "int"), Column("rate", w("report.col.drop_rate"), "pct")]
    if not counts and not web:  # a visitor who stopped is not «lost here» beside «still open: 0»
        cols += [Column("lost_here", w("report.col.lost_here"), "int"),
                 Column("open_here", w("report.col.open_here"), "int")]
    sec.tables.append(Table("drop_offs", w("report.table.drop_offs"), cols,
                            [[d[c.key] for c in cols] for d in found]))
    if not counts:
        sec.paragraphs.append(w("report.dropoff.deals_in_xlsx"))
        sec.tables += deals_behind_drop_offs(inp)
    return sec


MANAGER_COLUMNS = (("deals", "int"), ("won", "int"), ("lost", "int"), ("open", "int"), ("win_rate", "pct"),
                   ("revenue", "money"), ("avg_deal_size", "money"), ("median_cycle_days", "days"))


def managers(inp: Inputs) -> Section:
    w = inp.w
    sec = Section("managers", w("report.section.managers"))
    groups = inp.managers
    if groups is None:
        sec.note = w(step_key(inp.info.capabilities, "report.note.no_managers_counts") if inp.info.shape == "counts"
                     else "report.note.no_managers")
        return sec
    sec.paragraphs.append(w("report.managers.intro", min_closed=MIN_CLOSED))
    cols = [Column("manager", w("report.col.manager"))] + [
        Column(key, w(f"report.kpi.{key}"), kind) for key, kind in MANAGER_COLUMNS]
    ordered = sorted(groups.items(), key=lambda kv: (-kv[1].deals, kv[0] is None, str(kv[0])))
    rows = [[w("report.no_value") if name is None else str(name)] + [getattr(out, key) for key, _ in MANAGER_COLUMNS]
            for name, out in ordered if out.deals]
    sec.tables.append(Table("managers", w("report.table.managers"), cols, rows))
    sec.paragraphs += empty_columns(inp, cols, rows)
    return sec


def empty_columns(inp: Inputs, cols: list[Column], rows: list[list[Any]]) -> list[str]:
    """Why a money or cycle column has no number for any manager (a file without creation dates: a column of «—»)."""
    w, out = inp.w, inp.outcomes
    lines = []
    for i, col in enumerate(cols):
        if col.key not in KPI_NEEDS or col.key in ("won", "lost", "win_rate") or not rows:
            continue
        if all(row[i] is None for row in rows):
            why = why_not(inp, KPI_NEEDS[col.key]) or out.reasons.get(col.key)
            if why:
                lines.append(w("report48.managers.empty_column", column=col.label, reason=w.reason(why)))
    return lines


DEAL_KINDS = {"amount": "money", "created_at": "date", "closed_at": "date"}


def _cell(value: Any) -> Any:
    """A value of the drill frame as a plain Python value (``None`` for NaN / NaT)."""
    if value is None or value != value:
        return None
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    return value.item() if hasattr(value, "item") else value


def deals_table(inp: Inputs, selection: Selection, key: str, title: str, spec: FunnelSpec | None = None) -> Table:
    """The deals behind one number (the pages' drill-down, at most 10,000) as a workbook sheet."""
    return deals_sheet(inp, selection, key, title, spec)[0]


def deals_sheet(inp: Inputs, selection: Selection, key: str, title: str,
                spec: FunnelSpec | None = None) -> tuple[Table, int]:
    """:func:`deals_table` and how many deals are behind the number in all (the sheet lists at most 10,000)."""
    w = inp.w
    result = deals_behind(inp.con, inp.info, spec or inp.spec, selection, sort="deal_id")
    frame = result.frame
    caps = inp.info.capabilities  # the columns the pages' list shows: no «Variant» of «—» for an amoCRM export
    frame = frame[[c for c in frame.columns if caps.lists(c)
                   and (not caps.is_web_funnel or frame.empty or frame[c].notna().any())]]
    columns = [Column(c, w(f"report.deal.{c}"), DEAL_KINDS.get(c, "text")) for c in frame.columns]
    rows = [[w(f"report.status.{v}") if c.key == "status" and v in STATUSES else _cell(v)
             for c, v in zip(columns, row, strict=True)] for row in frame.itertuples(index=False)]
    return Table(key, title, columns, rows, appendix=True), result.total


def deals_behind_drop_offs(inp: Inputs) -> list[Table]:
    """The deals behind each of the biggest drop-offs, one sheet each."""
    return [deals_table(inp, Selection("drop_off", position=d["position_from"]), f"deals_drop_{i}",
                        inp.w("report.table.deals_behind", i=i, stage=d["stage_from"]))
            for i, d in enumerate(inp.overview.drop_offs, 1)]
