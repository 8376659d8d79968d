"""Sections that qualify the numbers: data quality, definitions, caveats, reproducibility."""

from __future__ import annotations

import platform
from importlib import metadata

from .. import __version__, quality_report
from ..dataset import guessed_for
from ..formats import fmt_datetime
from ..sample_datasets import display_name
from .inputs import MIN_CLOSED, Inputs
from .model import Cell, Column, Section, Table
from .step_words import step_key

DEFINED = ("deals", "reached", "step_conversion", "cumulative_conversion", "drop_off", "lost_here", "open_here",
           "win_rate", "win_rate_all", "revenue", "avg_deal_size", "median_deal_size", "cycle", "previous_period")
# a web funnel's and a counts table's terms: (term, definition) catalog keys. Their reports defined deals, «lost
# here», «still open here», win rate, revenue and cycle, none of which such a dataset has
DEFINED_WEB = (("visitors49.report.term.visitors", "visitors49.report.def.visitors"),
               ("visitors49.report.term.reached", "visitors49.report.def.reached_web"),
               ("report.term.step_conversion", "visitors49.report.def.step_conversion_web"),
               ("report.term.cumulative_conversion", "visitors49.report.def.cumulative_conversion_web"),
               ("report.term.drop_off", "visitors49.report.def.drop_off_web"),
               ("visitors49.report.term.converted", "visitors49.report.def.converted"),
               ("report.term.previous_period", "report.def.previous_period"))
DEFINED_COUNTS = (("visitors49.report.term.first_step", "visitors49.report.def.first_step"),
                  ("visitors49.report.term.reached", "visitors49.report.def.reached_counts"),
                  ("report.term.step_conversion", "visitors49.report.def.step_conversion_counts"),
                  ("report.term.cumulative_conversion", "visitors49.report.def.cumulative_conversion_counts"),
                  ("report.term.drop_off", "visitors49.report.def.drop_off_counts"))
PACKAGES = ("duckdb", "pandas", "plotly", "streamlit", "xlsxwriter")


def data_quality(inp: Inputs) -> Section:
    w = inp.w
    sec = Section("quality", w("report.section.quality"))
    sec.paragraphs.append(import_counts(inp))
    found = inp.quality
    if found.empty:
        sec.paragraphs.append(w("report.quality.clean"))
        return sec
    texts = quality_report.translated(found, w.lang)["finding"]
    cols = [Column("finding", w("report.col.finding")), Column("severity", w("report.col.severity")),
            Column("column", w("report.col.column")), Column("count", w("report.col.rows"), "int")]
    # a note about the whole file (no creation date column, a table read from a zip) counts no rows: «—» (a blank
    # cell in the XLSX), as on the Data page, not «1»
    rows = [[text, w(f"report.severity.{r.severity}"), "" if r.column_name != r.column_name or r.column_name is None
             else str(r.column_name), int(r.count) if r.counted else None]
            for text, r in zip(texts, found.itertuples(), strict=True)]
    sec.tables.append(Table("quality", w("report.table.quality"), cols, rows))
    return sec


def import_counts(inp: Inputs) -> str:
    """What the import read and kept, in the words of ``datasets``: a table of stage counts keeps rows, not deals
    (it said «deals imported: 0» beside a funnel of 40,000), an event log keeps visitors."""
    w, row, caps = inp.w, inp.row, inp.info.capabilities
    read, rejected = int(row.get("rows_read") or 0), int(row.get("rows_rejected") or 0)
    if caps.aggregate:
        return w(step_key(caps, "report48.quality.counts_table"), rows=w.int(read), rejected=w.int(rejected),
                 kept=w.int(read - rejected))
    if caps.is_web_funnel:
        return w("report48.quality.visitors", rows=w.int(read), rejected=w.int(rejected),
                 n=w.int(row.get("n_deals")))
    return w("report.quality.counts", rows=w.int(read), rejected=w.int(rejected), deals=w.int(row.get("n_deals")))


def defined_terms(caps) -> tuple[tuple[str, str], ...]:
    """The (term, definition) catalog keys of a dataset with these capabilities: a web funnel's visitors and steps,
    a counts table's numbers (its visitors' when it counts visitors), else a CRM's deals."""
    if caps.aggregate:
        reached = "visitors49.report.def.reached_counts_visitors" if caps.counts_visitors else "visitors49.report.def.reached_counts"
        return tuple((term, reached if term == "visitors49.report.term.reached" else d) for term, d in DEFINED_COUNTS)
    if caps.is_web_funnel:
        return DEFINED_WEB
    return tuple((f"report.term.{key}", f"report.def.{key}") for key in DEFINED)


def definitions(inp: Inputs) -> Section:
    w, caps = inp.w, inp.info.capabilities
    sec = Section("definitions", w("report.section.definitions"))
    if caps.aggregate:
        sec.paragraphs.append(w("visitors49.report.view_counts"))
    elif caps.is_web_funnel:
        sec.paragraphs.append(w("visitors49.report.view_web"))
    else:
        view = w("report.view.closed_only" if inp.spec.closed_only else "report.view.all_deals")
        sec.paragraphs.append(w("report.definitions.view", view=view))
    sec.tables.append(Table("definitions", w("report.table.definitions"),
                            [Column("term", w("report.col.term")), Column("definition", w("report.col.definition"))],
                            [[w(term), w(meaning)] for term, meaning in defined_terms(caps)]))
    return sec


def caveats(inp: Inputs) -> Section:
    w, out = inp.w, inp.outcomes
    sec = Section("caveats", w("report.section.caveats"))
    if inp.info.shape == "counts":
        sec.bullets.append(w("visitors49.report.caveat_counts" if inp.info.capabilities.counts_visitors else "report.caveat.counts"))
    if out.open:
        sec.bullets.append(w("report.caveat.open", n=w.int(out.open), share=w.pct(out.open / out.deals)))
    if ((inp.info.capabilities.order_guessed or inp.quality_codes & {"stages.order_guessed"})
            and guessed_for(inp.info, inp.pipeline)):  # the report's pipeline: another's guess is not this one's
        sec.bullets.append(w("report.caveat.order_guessed"))
    closed = (out.won or 0) + (out.lost or 0)
    if inp.info.shape != "counts" and out.deals and closed < MIN_CLOSED:
        sec.bullets.append(w("report.caveat.small_sample", n=w.int(closed), min_closed=MIN_CLOSED))
    small = sorted(str(name) for name, g in (inp.managers or {}).items()
                   if name is not None and g.deals and (g.won or 0) + (g.lost or 0) < MIN_CLOSED)
    if small:
        sec.bullets.append(w("report.caveat.small_managers", names=w("zh49.list_sep").join(small),
                             min_closed=MIN_CLOSED))
    if out.lost_stage_unknown:
        sec.bullets.append(w("report.caveat.lost_unknown", n=w.int(out.lost_stage_unknown)))
    if "revenue" in out.reasons and out.reasons["revenue"] == "metrics.reason.mixed_currencies":
        sec.bullets.append(w("report.metrics.reason.mixed_currencies"))
    if not sec.bullets:
        sec.paragraphs.append(w("report.caveat.none"))
    return sec


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "—"


def reproduce_command(inp: Inputs) -> str:
    """The CLI line that recomputes these numbers (``metrics --json`` with the report's filters)."""
    spec = inp.spec
    parts = ["python -m funnel metrics", _quote(inp.info.name)]
    if spec.pipeline:
        parts += ["--pipeline", _quote(spec.pipeline)]
    if spec.date_from:
        parts += ["--from", spec.date_from.isoformat()]
    if spec.date_to:
        parts += ["--to", spec.date_to.isoformat()]
    if spec.closed_only:
        parts.append("--closed-only")
    return " ".join(parts + ["--json"])


def _quote(text: str) -> str:
    return text if text.replace("-", "").replace("_", "").isalnum() else "'" + text.replace("'", "'\\''") + "'"


def _hashes(w, row: dict) -> list[tuple[str, str]]:
    """The source file's SHA-256, and the history file's on a line of its own: the dataset keeps both digests as one
    string (survey 51: 128 hex digits under «SHA-256 of the source file», which no ``sha256sum`` of it gives)."""
    digest = str(row.get("source_hash") or "")
    if not digest:
        return [(w("report.repro.hash"), "—")]
    if row.get("history_file") and len(digest) == 128:
        return [(w("report.repro.hash"), digest[:64]), (w("report.repro.hash_history"), digest[64:])]
    return [(w("report.repro.hash"), digest)]


def reproducibility(inp: Inputs) -> Section:
    w, row = inp.w, inp.row
    sec = Section("reproducibility", w("report.section.reproducibility"))
    sec.paragraphs.append(w("report.reproduce.intro"))
    lines = [
        # a bundled sample's name in the report's language, as on the cover; the command below keeps the stored name
        # «销售易（编号 5，版本 1）» in Chinese (was «销售易 (id 5, 版本 1)», session 49)
        (w("report.repro.dataset"), w("zh49.repro.dataset", name=display_name(inp.info.name, w.lang),
                                      id=inp.info.id, version=inp.info.version)),
        (w("report.repro.source_file"), str(row.get("source_file") or "—")),
        *_hashes(w, row),
        (w("report.repro.imported_at"), fmt_datetime(row["imported_at"], w.lang) if row.get("imported_at") else "—"),
        (w("report.repro.generated_at"), fmt_datetime(inp.now, w.lang)),
        (w("report.repro.command"), Cell(reproduce_command(inp), "code")),
        ("Funnel Audit", __version__),
        ("Python", platform.python_version()),
        *((name, _version(name)) for name in PACKAGES),
    ]
    if inp.spec.filters:
        sec.paragraphs.append(w("report.reproduce.filters"))
    sec.tables.append(Table("versions", w("report.table.versions"),
                            [Column("item", w("report.col.item")), Column("value", w("report.col.value"))],
                            [list(line) for line in lines]))
    return sec
