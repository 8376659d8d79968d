"""Data page: import a CRM export, see its data-quality report, rename or delete datasets."""

import streamlit as st

from funnel import quality_report
from funnel.access import Action
from funnel.formats import fmt_int
from funnel.markdown_escape import md_escape
from funnel.sample_datasets import display_name
from ui import auth, context, filters, report_button, words
from ui.dataset_editor import edit_panel
from ui.import_flow import run_flow
from ui.routing import require_frame
from ui.sharing import sharing_editor

require_frame()

t = context.tr()
store = context.get_store()
st.title(t("ui.page.data"))

read_only = context.read_only()
if read_only:
    st.info(t("ui.data.read_only") if context.read_only_server() else t("auth.viewer_cannot_import"))
else:
    with st.container(border=True):
        st.subheader(t("ui.data.import_title"))
        run_flow(t)

info = context.current_dataset()
if info is not None:
    context.show_url_notes(info, t)
    if info.engine:  # attached from a warehouse (funnel/backends/attach.py): shown, never edited
        st.info(t("engines.read_only_note", backend=md_escape(info.engine["backend"]),
                  source=md_escape(", ".join((info.engine.get("source") or {}).values()))))
    row = store.row(info.id)
    report_button.show(info, filters.current_spec(info), t)
    st.subheader(t("ui.data.quality_title", name=md_escape(display_name(info.name, t.lang))))
    counts = info.capabilities.aggregate  # stage counts store no deals and no events: not «Deals 0»
    c = st.columns(2 if counts else 4)
    c[0].metric(t("ui.data.rows_read"), fmt_int(row['rows_read'], context.lang()))
    c[1].metric(t("ui.data.rows_rejected"), fmt_int(row['rows_rejected'], context.lang()))
    if counts:
        st.caption(t(words.data_key(info.capabilities, "ui.data.counts_stored")))
    else:
        c[2].metric(t(words.key(info, "ui.data.deals")), fmt_int(row['n_deals'], context.lang()))
        c[3].metric(t(words.key(info, "ui.data.events")), fmt_int(row['n_events'], context.lang()))
    with store.connect(info) as con:
        report = quality_report.report(con, info)
    if report.empty:
        st.success(t("ui.data.quality_clean"))
    else:
        st.dataframe(quality_report.display(quality_report.summary(report), context.lang()), hide_index=True,
                     key="quality_summary")
        with st.expander(t("ui.data.quality_rows")):
            rows = report[report["row_no"].notna()]
            if rows.empty:  # Streamlit's own «empty» is English in every language
                st.caption(t("ui.data.quality_no_rows"))
            else:
                st.dataframe(quality_report.display(rows, context.lang()), hide_index=True)
        st.download_button(t("ui.data.quality_download"), quality_report.to_csv(report, context.lang()),
                           file_name=f"quality_{info.id}.csv", mime="text/csv", key="quality_csv")
    if auth.allowed(Action.MANAGE, info.id):  # the owner (an editor) or an admin; anyone in local mode
        edit_panel(t, info)

managed = [r for r in context.datasets() if auth.allowed(Action.MANAGE, r["id"])]
if managed:  # a viewer manages none: the heading stood alone over nothing (session 49)
    st.subheader(t("ui.data.datasets_title"))
for row in managed:
    with st.expander(f"{row['id']} · {md_escape(display_name(row['name'], t.lang))} — {md_escape(row['source_file'])}"):
        listed = context.info_of(row)
        line = words.data_key(listed.capabilities, "ui.data.dataset_line_counts") if listed.capabilities.aggregate \
            else words.key(listed, "ui.data.dataset_line")
        st.caption(t(line, deals=fmt_int(row["n_deals"], context.lang()),
                     rows=fmt_int(row["rows_read"], context.lang()),
                     rejected=fmt_int(row["rows_rejected"], context.lang()),
                     when=row["imported_at"]))
        new_name = st.text_input(t("ui.data.rename"), value=row["name"], key=f"rename_{row['id']}")
        c1, c2 = st.columns(2)
        if c1.button(t("ui.data.rename_button"), key=f"rename_btn_{row['id']}") and new_name != row["name"]:
            store.rename(row["id"], new_name)
            auth.access().record(auth.current_user(), "rename", row["id"], f"{row['name']} -> {new_name}")
            st.rerun()
        if c2.checkbox(t("ui.data.delete_confirm"), key=f"del_ok_{row['id']}"):
            if c2.button(t("ui.data.delete_button"), key=f"del_btn_{row['id']}", type="primary"):
                store.delete(row["id"])
                auth.access().forget(auth.current_user(), row["id"], row["name"])
                if st.query_params.get("ds") == str(row["id"]):
                    del st.query_params["ds"]
                st.rerun()
        sharing_editor(t, row["id"])
