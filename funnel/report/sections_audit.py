"""Diagnostics findings (issue 9): every finding ``funnel.audit.diagnose`` ranks, with its numbers, how
sure it is and what to check, and the deals behind each one (a workbook sheet each)."""

from __future__ import annotations

from ..audit.diagnose import Diagnosis, diagnose
from ..audit.findings import pareto_rows
from ..audit.wording import check, sureness, title, why
from .inputs import Inputs
from .model import Cell, Column, Section, Table
from .sections_funnel import deals_sheet
from .step_words import step_key

FINDING_COLUMNS = (("n", "int"), ("finding", "text"), ("severity", "text"), ("value", "num"), ("benchmark", "num"),
                   ("impact", "money"), ("deals", "int"), ("sure", "text"), ("check", "text"))
WORKBOOK_ONLY = ("sure", "check")  # printed in full in the list above the table
RATE_METRICS = ("step_rate", "p_won", "lost_share")
# a finding's value in its own kind: a count of deals or moves as a whole number, a lost amount as money (survey 51: the
# table wrote «104,0» deals and «7 653 500,0»), days with their unit (the column mixes kinds)
METRIC_KINDS = {"days_in_stage": "days_unit", "lost_amount": "money"}


def _number(metric: str | None, value: float | None):
    if value is None:
        return None
    if metric in RATE_METRICS:
        return Cell(value, "pct")
    kind = METRIC_KINDS.get(metric or "")
    if kind is None and float(value).is_integer():
        kind = "int"  # open deals, lost deals with no stage, backward moves: counts
    return Cell(value, kind or "num")


def diagnosis_of(inp: Inputs) -> Diagnosis | None:
    """The diagnostics (``diagnose``, as on its page), computed once per report; ``None`` for aggregate counts."""
    if "diagnosis" not in inp.cache:
        inp.cache["diagnosis"] = None if inp.info.shape == "counts" else diagnose(inp.con, inp.info, inp.spec)
    return inp.cache["diagnosis"]


def findings_of(inp: Inputs) -> list:
    """The diagnostics' findings, most costly first."""
    found = diagnosis_of(inp)
    return found.findings if found is not None else []


LOST_TABLES = {"all": "consult50.report.table.lost_reasons_all", "stage": "consult50.report.table.lost_reasons_stage",
               "manager": "consult50.report.table.lost_reasons_manager"}


def lost_reasons(inp: Inputs) -> Section | None:
    """Why deals are lost, as the Diagnostics page's Pareto tables give it: all lost deals with a reason, then by the
    stage they were lost at (where the file records it) and by manager, the three commonest reasons of each and one
    row of the others, so the shares add up to 100 % (session 50: the report had no lost reasons at all, the
    consultant's first question of a client's lost deals). ``None`` when no lost deal carries a reason."""
    found = diagnosis_of(inp)
    rows = [r for r in (found.data.lost if found is not None else []) if r["lost_reason"] is not None]
    if found is None or not rows:
        return None
    w = inp.w
    sec = Section("lost_reasons", w("consult50.report.section.lost_reasons"))
    names = {s["position"]: s["stage"] for s in found.data.ctx.stages}
    total = sum(r["n"] for r in rows)
    sec.paragraphs.append(w("consult50.report.lost_reasons.intro", n=w.int(total)))
    groups: list[tuple[str, str, list[dict]]] = [("all", "", rows)]
    known = [r for r in rows if r["stage_known"]]
    if known:
        groups.append(("stage", w("audit.ui.col.stage"), known))
    else:
        sec.bullets.append(w("consult50.report.lost_reasons.no_stage"))
    if found.data.caps.has_managers:
        groups.append(("manager", w("report.col.manager"), rows))
    for key, label, part in groups:
        table_rows = []
        for r in pareto_rows([{**x, "all": None} for x in part] if key == "all" else part,
                             "position" if key == "stage" else key):
            reason = r["reason"] if r["reason"] is not None else w("zh49.pareto.other", n=w.int(r["others"]))
            head = [] if key == "all" else [names.get(r["value"], r["value"]) if key == "stage" else r["value"]]
            table_rows.append([*head, reason, r["n"], r["share"]])
        columns = ([] if key == "all" else [Column(key, label)]) + [
            Column("reason", w("audit.column.lost_reason")), Column("lost", w("audit.ui.col.lost"), "int"),
            Column("share", w("audit.ui.col.share"), "pct")]
        sec.tables.append(Table(f"lost_reasons_{key}", w(LOST_TABLES[key]), columns, table_rows))
    sec.paragraphs.append(w("zh49.pareto.caption"))
    return sec


def top_finding(inp: Inputs) -> str | None:
    """The executive summary's sentence about the most costly finding."""
    found = findings_of(inp)
    return inp.w("report.summary.top_finding", title=title(found[0], inp.info, inp.w.lang)) if found else None


def findings(inp: Inputs) -> Section:
    w, info, lang = inp.w, inp.info, inp.w.lang
    sec = Section("findings", w("report.section.findings"))
    if info.shape == "counts":
        sec.note = w(step_key(info.capabilities, "report.note.findings_counts"))
        return sec
    found = findings_of(inp)
    if not found:
        sec.paragraphs.append(w("report.findings.none"))
        return sec
    sec.paragraphs.append(w("report.findings.intro"))
    table = Table("findings", w("report.table.findings"),
                  [Column(k, w(f"report.col.finding_{k}"), kind, k not in WORKBOOK_ONLY) for k, kind in FINDING_COLUMNS])
    # the deals behind each finding, as its page's button lists them: the table's «Deals behind it» counts the rows of
    # its sheet (survey 51: the table gave the step's decided deals, 1,832, beside a sheet of the 1,006 lost there)
    sheets: dict[int, tuple[Table, int]] = {}
    for i, f in enumerate(found, 1):
        if f.selection is not None:
            spec = inp.spec.replace(date_from=f.period[0], date_to=f.period[1]) if f.period else inp.spec
            sheets[i] = deals_sheet(inp, f.selection, f"deals_finding_{i}", w("report.table.deals_finding", i=i), spec)
    for i, f in enumerate(found, 1):
        head = title(f, info, lang)
        # the sentence's stops as the language writes them (survey 51: «.» and «: » between Chinese sentences)
        sec.bullets.append(w("report.findings.bullet", i=i, title=head, why=why(f, info, lang),
                             sure=sureness(f, info, lang), check_label=w("report.findings.check"),
                             check=check(f, info, lang)))
        table.rows.append([i, head, w(f"report.severity.{f.severity}"), _number(f.metric, f.value),
                           _number(f.metric, f.benchmark), f.impact, sheets[i][1] if i in sheets else None,
                           sureness(f, info, lang), check(f, info, lang)])
    sec.tables.append(table)
    sec.tables.extend(sheet for sheet, _total in sheets.values())
    return sec
