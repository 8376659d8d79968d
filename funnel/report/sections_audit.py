"""Diagnostics findings (issue 9): every finding ``funnel.audit.diagnose`` ranks, with its numbers, how
sure it is and what to check, and the deals behind each one (a workbook sheet each)."""

from __future__ import annotations

from ..audit.diagnose import diagnose
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


def findings_of(inp: Inputs) -> list:
    """The diagnostics' findings, most costly first, computed once per report (``diagnose``, as on its page)."""
    if "findings" not in inp.cache:
        inp.cache["findings"] = [] if inp.info.shape == "counts" else diagnose(inp.con, inp.info, inp.spec).findings
    return inp.cache["findings"]


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
