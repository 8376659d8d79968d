"""The one URL <-> widget pattern of every page: the URL is the truth.

Before a widget is drawn, :func:`sync` puts the URL's value (checked by :func:`choice`) into its
state; its ``on_change`` (:func:`on_change`) writes the URL back. Callbacks run before the script,
so the run that follows already reads the new URL. A value in the link that is not one of the
options falls back to the default and is remembered for :func:`notes` (pages say so).

Why not Streamlit 1.67's ``bind="query-params"``: it writes the *displayed* option text to the
URL (``?fn_cohort_unit=Месяц``), so a link would depend on the viewer's language, and a value
it does not know is dropped silently; here the URL carries stable codes and bad values are said.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

_NOTES = "_url_bad_params"


def param(name: str, default: str | None = None) -> str | None:
    return st.query_params.get(name, default)


def set_param(name: str, value: str | list[str] | None) -> None:
    """Write ``name`` to the URL; ``None`` / empty removes it (defaults are not kept in links)."""
    if value is None or value == "" or value == []:
        if name in st.query_params:
            del st.query_params[name]
    else:
        st.query_params[name] = value


def choice(name: str, options: Sequence[str], default: str) -> str:
    """The URL's ``name`` when it is one of ``options``, else ``default`` (a bad value is noted)."""
    value = param(name)
    if value is None:
        return default
    if value in options:
        return value
    bad = st.session_state.setdefault(_NOTES, {})
    bad[name] = value
    return default


def sync(key: str, value: Any) -> None:
    """The URL's value into the widget's state before the widget is drawn."""
    if st.session_state.get(key) != value:
        st.session_state[key] = value


def on_change(key: str, name: str, encode: Callable[[Any], str] = str, default: Any = None) -> None:
    """Widget callback: its value into the URL (removed when it is the default)."""
    value = st.session_state.get(key)
    set_param(name, None if value is None or value == default else encode(value))
    st.session_state.get(_NOTES, {}).pop(name, None)


def notes(t) -> list[str]:
    """The page-level params of this run whose link value was unusable, in words."""
    from funnel.markdown_escape import md_escape

    bad = st.session_state.pop(_NOTES, {})
    return [t("audit.url.bad_value", param=md_escape(k), value=md_escape(v)) for k, v in bad.items()]
