"""Assemble a :class:`~.model.Report` from the engine's results: a cover and a list of section builders.

A section builder is ``(Inputs) -> Section | None`` (``None``: the section does not apply at all,
e.g. no pinned A/B verdicts). Sections the dataset cannot support still come back, with ``note``
saying why. New sections (diagnostics findings, velocity/pipeline/forecast, pinned A/B verdicts)
are one more function in :data:`SECTION_BUILDERS`, placed where they belong in the reading order.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..dataset import DatasetInfo
from ..formats import fmt_date
from ..sample_datasets import display_name
from ..spec import FunnelSpec
from . import sections_ab as sa
from . import sections_funnel as sf
from . import sections_notes as sn
from .inputs import Inputs
from .model import Report, Section
from .words import Words

SectionBuilder = Callable[[Inputs], Section | None]


def optional(name: str):
    """A section module that needs an engine package landing separately (``funnel.audit``,
    ``funnel.velocity``): ``None`` while that package is absent; any other import error is raised."""
    try:
        return importlib.import_module(f".{name}", __package__)
    except ModuleNotFoundError as exc:
        if exc.name in ("funnel.audit", "funnel.velocity") or (exc.name or "").startswith(("funnel.audit.",
                                                                                          "funnel.velocity.")):
            return None
        raise


sd = optional("sections_audit")  # diagnostics findings (issue 9)
sv = optional("sections_velocity")  # velocity, pipeline and forecast (issue 10)

SECTION_BUILDERS: list[SectionBuilder] = [
    sf.summary,
    sf.kpis,
    sf.funnel,
    sf.drop_offs,
    *([sd.findings] if sd else []),
    sf.managers,
    *([sd.lost_reasons] if sd else []),
    *([sv.velocity, sv.pipeline_forecast] if sv else []),
    sa.ab_verdicts,
    sn.data_quality,
    sn.definitions,
    sn.caveats,
    sn.reproducibility,
]

if sd:
    sf.SUMMARY_LINES.append(sd.top_finding)

RENDER_WORDS = ("contents", "page", "of", "prepared_by", "cover_title")


def cover(inp: Inputs) -> list[tuple[str, str]]:
    """Dataset, source file, period, filters, pipeline, view: what the numbers are about."""
    w, spec, row = inp.w, inp.spec, inp.row
    source = str(row.get("source_file") or "—")
    if row.get("history_file"):
        source += f" + {row['history_file']}"
    # a bundled sample's name in the report's language (survey 51: «B2B services (amoCRM)» on a Russian cover and in
    # every footer); a user's dataset keeps the name they gave it
    lines = [(w("report.cover.dataset"), display_name(inp.info.name, w.lang)), (w("report.cover.source"), source),
             (w("report.cover.period"), sf.period_text(inp))]
    if inp.info.shape != "counts":
        lines.append((w("report.cover.pipeline"), inp.pipeline if inp.pipeline else w("report.pipeline.default")))
    labels = inp.info.extra_columns
    for column, values in spec.filters:
        shown = ", ".join(w("report.no_value") if v is None else str(v) for v in values)
        name = labels.get(column) or w(f"report.column.{column}")
        lines.append((w("report.cover.filter", column=name), shown))
    if not spec.filters:
        lines.append((w("report.cover.filters"), w("report.cover.no_filters")))
    if not inp.info.capabilities.aggregate:  # counts hold no deals, open or closed
        lines.append((w("report.cover.view"),
                      w("report.view.closed_only" if spec.closed_only else "report.view.all_deals")))
    lines.append((w("report.cover.date"), fmt_date(inp.now.date(), w.lang)))
    return lines


def build_report(con, info: DatasetInfo, row: dict[str, Any], spec: FunnelSpec, lang: str = "en", *,
                 consultant: str | None = None, logo: tuple[bytes, str] | None = None,
                 now: datetime | None = None, builders: list[SectionBuilder] | None = None,
                 extras: dict[str, Any] | None = None) -> Report:
    """The report of ``info`` under ``spec`` in ``lang`` (independent of any UI language)."""
    w = Words(lang)
    inp = Inputs(con, info, row, spec, w, now or datetime.now(), extras or {})
    sections = [s for s in (build(inp) for build in (builders or SECTION_BUILDERS)) if s is not None]
    return Report(
        lang=w.lang, title=w("report.title"), cover=cover(inp), generated_at=inp.now, sections=sections,
        consultant=(consultant or "").strip() or None, logo=logo,
        labels={key: w(f"report.render.{key}") for key in RENDER_WORDS},
    )


def build_from_store(store, dataset_id: int, spec: FunnelSpec, lang: str = "en", **options: Any) -> Report:
    """The same, opening the store's connection (what the UI button and the CLI call)."""
    info = store.info(dataset_id)
    row = store.row(dataset_id)
    with store.connect(info) as con:
        return build_report(con, info, row, spec, lang, **options)
