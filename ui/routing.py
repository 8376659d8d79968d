"""Deep links on a fresh server.

Until some session has run ``app.py`` (and so ``st.navigation``), Streamlit still routes URLs
like ``/funnel`` with its legacy ``pages/`` directory router and runs the page file alone, without
the frame (sidebar, language, filters). ``app.py`` marks the thread while it runs a page; a page
that finds no mark runs the entry point instead, whose ``st.navigation`` then serves the page the
URL names, and stops its own legacy run.
"""

from __future__ import annotations

import runpy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

ENTRY = Path(__file__).resolve().parent.parent / "app.py"
_FRAME = threading.local()


@contextmanager
def framed() -> Iterator[None]:
    """Used by app.py around ``st.navigation(...).run()``."""
    _FRAME.active = True
    try:
        yield
    finally:
        _FRAME.active = False


def require_frame() -> None:
    if getattr(_FRAME, "active", False):
        return
    runpy.run_path(str(ENTRY), run_name="__main__")
    st.stop()
