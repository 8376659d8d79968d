"""Which catalog key a page says a thing with, for the dataset on screen.

A web funnel (event log, A/B visitor file; ``Capabilities.is_web_funnel``) has visitors and steps,
not deals and stages: the sentences that name deals have a web twin, and :func:`key` picks it. A
page writes ``t(words.key(info, "pages.funnel.cell_hint"))`` instead of testing the dataset itself.
"""

from __future__ import annotations

from funnel.capabilities import Capabilities
from funnel.dataset import DatasetInfo

WEB = {
    "pages.drill.open": "audit.drill.visitors",
    "audit.ui.deals": "polish.web.finding_deals",
    "pages.funnel.click_hint": "audit.click_hint.web",
    "pages.funnel.cell_hint": "polish.web.cell_hint",
    "pages.drill.title_reached": "polish.web.title_reached",
    "pages.drill.title_drop_off": "polish.web.title_drop_off",
    "pages.drill.total": "polish.web.total",
    "metrics.label.drill_truncated": "polish.web.drill_truncated",
    "pages.drill.title_cohort": "polish.web.title_cohort",
    "pages.cohort.title": "polish.web.cohort_title",
    "pages.cohort.caption": "polish.web.cohort_caption",
    "metrics.label.undated": "polish.web.undated",
    "velocity.col.stage": "polish.web.table_stage",
    "velocity.ui.time_in_stage": "polish.web.time_in_stage",
    "velocity.ui.slowest": "polish.web.slowest",
    "velocity.ui.tis_caption": "polish.web.tis_caption",
    "velocity.col.n": "polish.web.col_n",
    "velocity.drill.stayed": "polish.web.stayed",
    "metrics.column.deal_id": "polish.web.column.deal_id",
    "metrics.column.stage": "polish.web.column.stage",
    "metrics.column.closed_at": "polish.web.column.closed_at",
    "pages.status.won": "polish.web.status.won",
    "pages.status.lost": "polish.web.status.lost",
    "pages.status.open": "polish.web.status.open",
    "hardening.export_all": "polish.web.export_all",
    "audit.managers.click_hint": "polish.web.click_cell",
    "audit.segments.steps_caption": "polish.web.steps_caption",
    "audit.segments.steps_click": "polish.web.steps_click",
    "audit.segments.steps_small": "polish.web.steps_small",
    "metrics.kpi.deals": "audit.tile.visitors",
    "metrics.kpi.won": "polish.web.col.converted_n",
    "metrics.kpi.win_rate_all": "audit.tile.converted",
    "ui.data.deals": "audit.tile.visitors",
    "ui.data.events": "ui.data.step_entries",
    "audit.segments.col.n": "audit.tile.visitors",
    "ui.data.dataset_line": "polish.web.dataset_line",
}


# the words of any funnel of visitors (a web funnel, an ad platform's counts: ``Capabilities.of_visitors``) that the
# deals' words got wrong: the Funnel page's table headed its steps «Stage» and the Funnel page's cohorts «by creation
# date» for Facebook's impressions → clicks → purchases
STEPS = {
    "pages.table.stage": "words50.table.step",
    "pages.table.step_conversion": "words50.table.step_conversion",  # (its «Step» would head two columns)
    "pages.cohort.title": "polish.web.cohort_title",
}


def key(info: DatasetInfo, catalog_key: str) -> str:
    """``catalog_key``, or its visitors-and-steps twin when ``info`` is a web funnel (or, for the words of
    :data:`STEPS`, any funnel of visitors)."""
    caps = info.capabilities
    if caps.is_web_funnel and catalog_key in WEB:
        return WEB[catalog_key]
    return STEPS.get(catalog_key, catalog_key) if caps.of_visitors else catalog_key


# The Data page's words of the steps of a dataset whose people are visitors: a web funnel and an ad platform's or
# web analytics' counts (``Capabilities.of_visitors``: impressions, clicks, users). Its caption, stage order, paste
# box and edit panel spoke of deals, stages and «the last stage is the sale» for Facebook's ad report.
VISITOR_DATA = {
    "ui.data.counts_stored": "visitors49.data.counts_stored",
    "ui.data.dataset_line_counts": "visitors49.data.dataset_line_counts",
    "ui.data.stages": "visitors49.data.steps",
    "ui.data.stage_order": "visitors49.data.step_order",
    "ui.data.stages_help": "visitors49.data.steps_help",
    "ui.data.order_guessed": "visitors49.data.order_guessed_counts",
    "crmimport.edit_title": "visitors49.data.edit_title",
    "crmimport.edit_order_guessed": "visitors49.data.edit_order_guessed",
    "crmimport.paste_order_placeholder": "visitors49.paste.placeholder",
    "crmimport.paste_order_help": "visitors49.paste.help",
    "crmimport.into_help": "words50.data.into_help",  # «its mapping and stage order are kept»
    "crmimport.refresh_note": "words50.data.refresh_note",  # «… and the won/lost stages are kept»
}


def data_key(caps: Capabilities | None, catalog_key: str) -> str:
    """``catalog_key``, or its visitors-and-steps twin when ``caps`` (a stored dataset's or an import draft's
    expected capabilities; None: not known, the deals' words) count visitors."""
    return VISITOR_DATA.get(catalog_key, catalog_key) if caps is not None and caps.of_visitors else catalog_key
