"""Per-run context read from the URL and the session: language, store, current dataset.

The URL is the source of truth for what a page shows (``?lang=ru&ds=3&...``), so a copied link
opens the same view. The store object is shared by the process; it opens a DuckDB connection
per operation (see funnel/store.py).
"""

from __future__ import annotations

import streamlit as st

from funnel.dataset import DatasetInfo
from funnel.i18n import LANGUAGES, Translator, normalize_language
from funnel.store import Store, read_only_env


@st.cache_resource(show_spinner=False)
def get_store() -> Store:
    return Store()


def read_only() -> bool:
    """A shared read-only deployment for executives: ``FUNNEL_READ_ONLY=1`` hides import, rename, delete."""
    return read_only_env()


def lang() -> str:
    return normalize_language(st.query_params.get("lang"))


def tr() -> Translator:
    return Translator(lang())


def language_names() -> dict[str, str]:
    return dict(LANGUAGES)


def datasets() -> list[dict]:
    return get_store().datasets()


def current_dataset() -> DatasetInfo | None:
    rows = datasets()
    if not rows:
        return None
    wanted = st.query_params.get("ds")
    for row in rows:
        if str(row["id"]) == str(wanted):
            return get_store().info(row["id"])
    return get_store().info(rows[0]["id"])


def pipeline_label(pipeline: str, t: Translator) -> str:
    return pipeline if pipeline else t("ui.pipeline.default")


def page_start(title_key: str):
    """The head of a dataset page: ``(t, lang, info)`` after the title; stops the page with a
    hint when there is no dataset yet."""
    t = tr()
    st.title(t(title_key))
    info = current_dataset()
    if info is None:
        st.info(t("ui.no_datasets"))
        st.stop()
    return t, t.lang, info
