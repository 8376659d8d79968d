"""Per-run context read from the URL and the session: language, store, current dataset.

The URL is the source of truth for what a page shows (``?lang=ru&ds=3&...``), so a copied link
opens the same view. The store object is shared by the process; it opens a DuckDB connection
per operation (see funnel/store.py).
"""

from __future__ import annotations

import os
import re

import streamlit as st

from funnel.charts import md_escape
from funnel.dataset import DatasetInfo
from funnel.i18n import LANGUAGES, Translator, normalize_language
from funnel.store import Store


@st.cache_resource(show_spinner=False)
def get_store() -> Store:
    return Store()


def read_only_server() -> bool:
    """A shared read-only deployment for executives: ``FUNNEL_READ_ONLY=1`` hides import, rename, delete."""
    return os.environ.get("FUNNEL_READ_ONLY", "").strip().lower() in ("1", "true", "yes")


def read_only() -> bool:
    """Whether this user may not import: a read-only server, or a viewer (ui/auth.py)."""
    from funnel.access import Action
    from ui import auth

    return not auth.allowed(Action.IMPORT)


def lang() -> str:
    return normalize_language(st.query_params.get("lang"))


def tr() -> Translator:
    return Translator(lang())


def language_names() -> dict[str, str]:
    return dict(LANGUAGES)


def datasets() -> list[dict]:
    """The stored datasets this user may open (all of them in local mode)."""
    from ui import auth

    return auth.visible(get_store().datasets())


def current_dataset() -> DatasetInfo | None:
    rows = datasets()
    if not rows:
        return None
    wanted = st.query_params.get("ds")
    for row in rows:
        if str(row["id"]) == str(wanted):
            return get_store().info(row["id"])
    return get_store().info(rows[0]["id"])


def dataset_note(info: DatasetInfo, t: Translator) -> str | None:
    """Why the dataset shown is not the one the link names (``ds`` malformed or deleted), or None."""
    wanted = st.query_params.get("ds")
    if wanted is None or str(info.id) == wanted:
        return None
    key = "audit.url.missing_dataset" if re.fullmatch(r"[1-9][0-9]{0,17}", wanted) else "audit.url.bad_dataset"
    return t(key, value=md_escape(wanted[:40]), name=md_escape(info.name))


def show_url_notes(info: DatasetInfo, t: Translator) -> None:
    """Say, above the page, what the link asked for that could not be shown (never silently)."""
    from . import filters  # filters -> cache -> context: imported here, not at the top

    for note in [dataset_note(info, t), *filters.url_notes(info, t)]:
        if note:
            st.warning(note, icon=":material/link_off:")


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
    show_url_notes(info, t)
    return t, t.lang, info
