"""Streamlit's file uploader in the reader's language.

Streamlit draws its own button ("Upload") and limit line ("500MB per file • CSV, …") in English and
offers no option to change them. The page's stylesheet hides those two texts and writes the
translated ones in their place (CSS generated content), so an upload looks the same in every
language. The strings come from the catalogs, never from user data, and are still escaped for a
CSS string.
"""

from __future__ import annotations

import streamlit as st

from funnel.formats import fmt_int

_BUTTON = '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p'
_LIMIT = '[data-testid="stFileUploaderDropzoneInstructions"] span'


def css_string(text: str) -> str:
    """``text`` as a CSS string literal: quotes, backslashes and line breaks escaped, ``<`` too so the
    stylesheet cannot be closed from inside it."""
    out = []
    for ch in text:
        if ch in '"\\<>' or ord(ch) < 0x20:
            out.append(f"\\{ord(ch):06x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def stylesheet(t, limit_mb: int) -> str:
    """The rules that replace the uploader's English texts with ``t``'s."""
    button = css_string(t("uploader.button"))
    limit = css_string(t("uploader.limit", size=fmt_int(limit_mb, t.lang)))
    return (f"<style>{_BUTTON}, {_LIMIT} {{font-size: 0;}}\n"
            f"{_BUTTON}::after {{content: {button}; font-size: 0.875rem;}}\n"
            f"{_LIMIT}::after {{content: {limit}; font-size: 0.875rem;}}</style>")


def translate_uploaders(t) -> None:
    """Add the stylesheet to this run's page (a style-only ``st.html`` takes no space)."""
    st.html(stylesheet(t, int(st.get_option("server.maxUploadSize"))))
