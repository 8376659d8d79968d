"""Store and input errors on a page: one translated line, never a traceback.

``app.py`` runs the sidebar and the page inside :func:`store_errors`. A store held by another
process past the page's patience (``store.busy``), a dataset deleted while someone views it (its
tables vanish mid-run), or any other coded engine error ends the run with a translated message;
Streamlit's own rerun/stop signals pass through (they are not ``Exception``).

Any other exception is a bug of ours. A viewer gets one translated line with a short reference, and
the traceback goes to the server's log under that reference (an executive reading a shared link must
not see our stack, nor the paths and values in it). ``FUNNEL_RAISE_ERRORS=1`` (set by the test suite)
lets it through instead, so a page test still fails on a bug rather than on a polite message.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import streamlit as st

from funnel.errors import FunnelError
from funnel.i18n import Translator
from funnel.markdown_escape import md_escape

from . import context

GONE = ("store.no_dataset",)
LOG = logging.getLogger("funnel.app")


def message(error: Exception, lang: str) -> str:
    """The translated line for an error raised while a page runs."""
    t = Translator(lang)
    if isinstance(error, FunnelError):
        if error.code == "store.busy":
            return t("hardening.store_busy")
        if error.code in GONE:
            return t("hardening.dataset_gone")
        return error_text(error, lang)
    if isinstance(error, duckdb.CatalogException):  # a dataset's tables dropped while the page read them
        return t("hardening.dataset_gone")
    return t("hardening.store_error")


# errors whose advice names a CLI option («without --into»): on the page, the page's own control instead
WEB_WORDED = {"refresh.no_stage_column": "error.refresh.no_stage_column_web",
              "refresh.other_export": "error.refresh.other_export_web"}


def error_text(error: FunnelError, lang: str) -> str:
    """``error.message`` for the screen: the file names, values and headers it quotes are text,
    not Markdown (a file called ``![x](http://host/p.png).csv`` must not load an image)."""
    t = Translator(lang)
    params = {k: md_escape(v) for k, v in error.params_in(lang).items()}
    if error.code in WEB_WORDED:
        return t(WEB_WORDED[error.code], **params, into=t("crmimport.into"), new=t("crmimport.into_new"))
    return t(f"error.{error.code}", **params)


@contextmanager
def store_errors() -> Iterator[None]:
    try:
        yield
    except (FunnelError, duckdb.Error) as error:
        st.error(message(error, context.lang()), icon=":material/error:")
    except Exception as error:  # a bug: the reference on screen, the traceback in the server log
        if os.environ.get("FUNNEL_RAISE_ERRORS") == "1":
            raise
        ref = uuid.uuid4().hex[:8]
        LOG.exception("page error %s", ref, exc_info=error)
        st.error(Translator(context.lang())("hardening.unexpected", ref=ref), icon=":material/error:")
