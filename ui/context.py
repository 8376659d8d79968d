"""Per-run context read from the URL and the session: language, store, current dataset.

The URL is the source of truth for what a page shows (``?lang=ru&ds=3&...``), so a copied link
opens the same view. The store object is shared by the process; it opens a DuckDB connection
per operation (see funnel/store.py).
"""

from __future__ import annotations

import re

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from funnel.capabilities import needs_deriving
from funnel.dataset import DatasetInfo
from funnel.i18n import LANGUAGES, Translator, normalize_language
from funnel.markdown_escape import md_escape
from funnel.store import Store, read_only_env

_CATALOG_KEY = "_catalog_this_run"


@st.cache_resource(show_spinner=False)
def get_store() -> Store:
    return Store()


def read_only_server() -> bool:
    """A shared read-only deployment for executives: ``FUNNEL_READ_ONLY=1`` hides import, rename, delete."""
    return read_only_env()


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


def _run_token() -> object | None:
    """An object that is new on every script run of this session (None outside a run).

    Streamlit gives each run a fresh ``cursors`` dict; the memo below keeps a reference to the
    one it was filled in, so a later run can never be mistaken for it."""
    ctx = get_script_run_ctx()
    return getattr(ctx, "cursors", None) if ctx is not None else None


def datasets() -> list[dict]:
    """The catalog rows this user may open (all of them in local mode), read once per script run
    (app.py, the sidebar and the page all ask for it).

    Every write of the app (import, rename, delete) is followed by ``st.rerun()``, so a run never
    needs to see a change made during itself."""
    from ui import auth  # ui.auth imports this module

    token = _run_token()
    memo = st.session_state.get(_CATALOG_KEY)
    if token is not None and memo is not None and memo[0] is token:
        return memo[1]
    rows = auth.visible(get_store().datasets())
    if token is not None:
        st.session_state[_CATALOG_KEY] = (token, rows)
    return rows


def current_dataset() -> DatasetInfo | None:
    rows = datasets()
    if not rows:
        return None
    wanted = st.query_params.get("ds")
    return info_of(next((r for r in rows if str(r["id"]) == str(wanted)), rows[0]))


def catalog_row(info: DatasetInfo) -> dict | None:
    """The catalog row of ``info`` (its file's rows read and rejected, ...) from this run's :func:`datasets`."""
    return next((r for r in datasets() if r["id"] == info.id), None)


def info_of(row: dict) -> DatasetInfo:
    """A catalog row (:func:`datasets`) as the engine's :class:`DatasetInfo`; ask its
    ``capabilities`` what it can answer."""
    if needs_deriving(row["meta"]):
        # imported before capabilities were stored, or under older rules: the store derives them (was only
        # the first: a page kept an older dataset's capabilities while the engine's queries derived new ones)
        return get_store().info(row["id"])
    return DatasetInfo(**{k: row[k] for k in ("id", "name", "version", "shape", "meta")})


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


def pipeline_label(pipeline: str, t: Translator, caps=None) -> str:
    """``pipeline``, or the words of the one unnamed funnel: an ad report's or a web funnel's (``caps.of_visitors``)
    is no «sales pipeline» («（主销售管道）» over Facebook's impressions → purchases)."""
    if pipeline:
        return pipeline
    return t("words50.pipeline.default" if caps is not None and caps.of_visitors else "ui.pipeline.default")


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
