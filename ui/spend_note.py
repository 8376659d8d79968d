"""The spend tables' note on pipelines: which pipeline's leads the cost was divided by, and the sources' leads in
the other pipelines that are not in their cost per lead (``spend_report``'s ``other_pipelines``)."""

from __future__ import annotations

import streamlit as st

from funnel.dataset import DatasetInfo
from funnel.markdown_escape import md_escape


def spend_pipelines_note(report: dict, info: DatasetInfo, t) -> None:
    def name(pipeline: str | None) -> str:
        return md_escape(pipeline) if pipeline else t("ui.pipeline.default")

    elsewhere = [row for row in report["sources"] if row.get("other_pipelines")]
    if len(info.pipelines) < 2 and not elsewhere:
        return
    st.caption(t("pipes48.spend.pipeline", pipeline=name(report.get("pipeline"))))
    if elsewhere:
        st.info(t("pipes48.spend.elsewhere", sources="; ".join(
            t("pipes48.spend.source_leads", source=md_escape(row["source"]),
              leads=", ".join(t.plural("pipes48.spend.leads_in", n, pipeline=name(p))
                              for p, n in row["other_pipelines"].items()))
            for row in elsewhere)))
