"""The report's words of a funnel of visitors (a web funnel; an ad platform's or analytics' counts): steps, not
stages; visitors, not deals. The report of Facebook's impressions → clicks → purchases had a chapter «Where deals are
lost», a table «Stages» of «Stage» and «From stage / To stage», and said its counts hold «no individual deals»."""

from __future__ import annotations

from ..capabilities import Capabilities

# any funnel of visitors (``Capabilities.of_visitors``)
STEPS = {
    "report.section.drop_offs": "words50.report.section.drop_offs",
    "report.funnel.intro": "words50.report.funnel_intro",
    "report.col.stage": "words50.table.step",
    "report.table.stages": "words50.report.table.steps",
    "report.col.stage_from": "words50.report.col.step_from",
    "report.col.stage_to": "words50.report.col.step_to",
}
# a table of counted visitors only (``Capabilities.counts_visitors``)
COUNTED = {
    "report.note.findings_counts": "words50.report.findings_counts",
    "report.note.no_managers_counts": "words50.report.managers_counts",
    "report.note.velocity_counts": "words50.report.velocity_counts",
    "report48.quality.counts_table": "words50.report.quality_counts_table",
}


def step_key(caps: Capabilities, key: str) -> str:
    """``key``, or its steps-and-visitors twin for a funnel of visitors."""
    if caps.aggregate and caps.counts_visitors and key in COUNTED:
        return COUNTED[key]
    return STEPS.get(key, key) if caps.of_visitors else key
