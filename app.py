"""Funnel Audit — the entry point: language, dataset, filters, navigation (pages are thin)."""

from __future__ import annotations

import streamlit as st

from funnel.sample_datasets import display_name, ensure_samples
from ui import auth, context
from ui.errors import store_errors
from ui.filters import sidebar_filters
from ui.gc_tuning import freeze_startup_heap
from ui.routing import framed
from ui.uploader_text import translate_uploaders

st.set_page_config(page_title="Funnel Audit", page_icon=":material/filter_alt:", layout="wide")


@st.cache_resource(show_spinner=False)
def _bootstrap() -> bool:
    ensure_samples(context.get_store())
    return True


def _keep_param(name: str) -> None:
    """The URL is the truth, but Streamlit drops query params on a page switch: write the
    session's last value back when the URL lost it, so language and dataset survive navigation."""
    value = st.query_params.get(name)
    if value is None and st.session_state.get(f"param_{name}") is not None:
        st.query_params[name] = st.session_state[f"param_{name}"]
    elif value is not None:
        st.session_state[f"param_{name}"] = value


def _set_param(name: str, widget_key: str) -> None:
    st.query_params[name] = str(st.session_state[widget_key])
    st.session_state[f"param_{name}"] = str(st.session_state[widget_key])


def _language_picker() -> None:
    names = context.language_names()
    current = context.lang()
    st.session_state["lang_select"] = current
    st.sidebar.selectbox(":material/language:", list(names), format_func=names.get, key="lang_select",
                         label_visibility="collapsed", on_change=_set_param, args=("lang", "lang_select"))


def _dataset_picker(t) -> None:
    rows = context.datasets()
    if not rows:
        st.sidebar.info(t("ui.no_datasets"))
        return
    ids = [r["id"] for r in rows]
    names = {r["id"]: display_name(r["name"], t.lang) for r in rows}
    st.session_state["ds_select"] = context.current_dataset().id
    st.sidebar.selectbox(t("ui.dataset"), ids, format_func=names.get, key="ds_select",
                         on_change=_set_param, args=("ds", "ds_select"))


def _pages(t, admin: str | None) -> list:
    """The app's pages; ``admin``: "visible", "hidden" (typed URL shows "admins only") or None.

    Built once per session, language and admin visibility (each ``st.Page`` resolves its file on
    the disk: ~7 % of a cached page run, README "A page rerun"); a session's runs are sequential,
    so its own list is never used by two runs at once."""
    key = (t.lang, admin)
    kept = st.session_state.get("_nav_pages")
    if kept is not None and kept[0] == key:
        return kept[1]
    pages = [
        st.Page("pages/overview.py", title=t("ui.page.overview"), icon=":material/dashboard:", url_path="home",
                default=True),
        # the default page is served at "/" only: "/overview", the path people type, is this hidden twin
        st.Page("pages/overview.py", title=t("ui.page.overview"), url_path="overview", visibility="hidden"),
        st.Page("pages/funnel.py", title=t("ui.page.funnel"), icon=":material/filter_alt:", url_path="funnel"),
        st.Page("pages/ab.py", title=t("ui.page.ab"), icon=":material/compare_arrows:", url_path="ab"),
        st.Page("pages/velocity.py", title=t("ui.page.velocity"), icon=":material/speed:", url_path="velocity"),
        st.Page("pages/pipeline.py", title=t("ui.page.pipeline"), icon=":material/waterfall_chart:",
                url_path="pipeline"),
        st.Page("pages/diagnostics.py", title=t("audit.page.diagnostics"), icon=":material/troubleshoot:",
                url_path="diagnostics"),
        st.Page("pages/managers.py", title=t("audit.page.managers"), icon=":material/groups:", url_path="managers"),
        st.Page("pages/segments.py", title=t("audit.page.segments"), icon=":material/donut_small:", url_path="segments"),
        st.Page("pages/data.py", title=t("ui.page.data"), icon=":material/database:", url_path="data"),
    ]
    if admin is not None:
        pages.append(st.Page("pages/admin.py", title=t("auth.admin.title"), icon=":material/admin_panel_settings:",
                             url_path="admin", visibility=admin))
    st.session_state["_nav_pages"] = (key, pages)
    return pages


freeze_startup_heap()  # the first run's imports leave the collector's full passes (ui/gc_tuning.py)
with store_errors():  # a busy store or a dataset deleted mid-run: one translated line (ui/errors.py)
    _bootstrap()
    _keep_param("lang")
    _keep_param("ds")
    auth.require_user(lambda: _pages(context.tr(), admin="hidden"))  # signed-in mode: nothing below runs before sign-in
    _language_picker()
    t = context.tr()
    translate_uploaders(t)  # Streamlit's own uploader texts in the reader's language
    auth.sidebar_account(t)
    _dataset_picker(t)
    sidebar_filters(context.current_dataset(), t)

    with framed():
        st.navigation(_pages(t, admin=auth.admin_page_visibility())).run()
