"""Funnel Audit — the entry point: language, dataset, filters, navigation (pages are thin)."""

from __future__ import annotations

import streamlit as st

from funnel.samples import ensure_samples
from ui import context

st.set_page_config(page_title="Funnel Audit", page_icon="📉", layout="wide")


@st.cache_resource(show_spinner=False)
def _bootstrap() -> bool:
    ensure_samples(context.get_store())
    return True


def _language_picker() -> None:
    names = context.language_names()
    current = context.lang()
    choice = st.sidebar.selectbox("🌐", list(names), index=list(names).index(current),
                                  format_func=names.get, key="lang_select", label_visibility="collapsed")
    if choice != st.query_params.get("lang", "en"):
        st.query_params["lang"] = choice


def _dataset_picker(t) -> None:
    rows = context.datasets()
    if not rows:
        st.sidebar.info(t("ui.no_datasets"))
        return
    ids = [r["id"] for r in rows]
    current = context.current_dataset()
    names = {r["id"]: r["name"] for r in rows}
    choice = st.sidebar.selectbox(t("ui.dataset"), ids, index=ids.index(current.id), format_func=names.get,
                                  key=f"ds_select_{current.id}")
    if str(choice) != st.query_params.get("ds"):
        st.query_params["ds"] = str(choice)
        st.rerun()


_bootstrap()
_language_picker()
t = context.tr()
_dataset_picker(t)

pages = [
    st.Page("pages/overview.py", title=t("ui.page.overview"), icon="📊", url_path="overview", default=True),
    st.Page("pages/funnel.py", title=t("ui.page.funnel"), icon="🔻", url_path="funnel"),
    st.Page("pages/ab.py", title=t("ui.page.ab"), icon="🆎", url_path="ab"),
    st.Page("pages/data.py", title=t("ui.page.data"), icon="🗂️", url_path="data"),
]
st.navigation(pages).run()
