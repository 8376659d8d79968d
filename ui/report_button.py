"""The *Report* button every page shows: the audit report of the page's dataset and filters.

The report's language is picked here, apart from the UI's (a Russian consultant may hand an
English report to a foreign client); it starts as the UI language. The file is produced only when
the download is clicked (Streamlit runs the callable on its own thread), so pages pay nothing for
the button.
"""

from __future__ import annotations

import re

import streamlit as st

from funnel.dataset import DatasetInfo
from funnel.report import FORMATS, MIME, build_from_store, render
from funnel.report.html import logo_type
from funnel.report.pdf import chromium_path, pdf_available
from funnel.report.words import report_languages, word
from funnel.spec import FunnelSpec

from .context import get_store

LOGO_TYPES = ("png", "jpg", "jpeg")


def file_name(info: DatasetInfo, lang: str, fmt: str) -> str:
    stem = re.sub(r"[^\w.-]+", "_", info.name, flags=re.UNICODE).strip("_")[:60] or f"dataset_{info.id}"
    return f"report_{stem}_{lang}.{fmt}"


def show(info: DatasetInfo, spec: FunnelSpec, t) -> None:
    """A popover with the report's language, format, optional consultant name and logo, and the download."""
    extras = {"ab_pins": pins(info)}
    with st.popover(t("report.ui.button"), icon=":material/description:", help=t("report.ui.help")):
        langs = list(report_languages())
        if st.session_state.get("report_lang") not in langs:
            st.session_state["report_lang"] = t.lang if t.lang in langs else langs[0]
        lang = st.selectbox(t("report.ui.lang"), langs, key="report_lang",
                            format_func=lambda code: word("report.language_name", code))
        formats = [f for f in FORMATS if f != "pdf" or pdf_available()]
        fmt = st.segmented_control(t("report.ui.format"), formats, key="report_fmt", default="html",
                                   required=True, format_func=str.upper) or "html"
        if "pdf" not in formats:
            st.caption(t("report.ui.pdf_missing", chromium=chromium_path()))
        consultant = st.text_input(t("report.ui.consultant"), key="report_consultant", max_chars=120)
        upload = st.file_uploader(t("report.ui.logo"), type=list(LOGO_TYPES), key="report_logo")
        data = upload.getvalue() if upload else b""
        logo = (data, logo_type(data)) if upload and logo_type(data) else None
        store = get_store()

        def make() -> bytes:
            report = build_from_store(store, info.id, spec, lang, consultant=consultant, logo=logo, extras=extras)
            return render(report, fmt)

        st.download_button(t("report.ui.download"), data=make, file_name=file_name(info, lang, fmt),
                           mime=MIME[fmt], key="report_download", on_click="ignore", type="primary",
                           icon=":material/download:")


# -- A/B comparisons pinned to the report (kept in the session, per dataset) -------------------
PINS = "_report_ab_pins"


def pins(info: DatasetInfo) -> list[dict]:
    return [p for p in st.session_state.get(PINS, []) if p["ds"] == info.id]


def _pin(pin: dict) -> None:
    pinned = st.session_state.setdefault(PINS, [])
    if pin not in pinned:
        pinned.append(pin)


def _unpin(dataset_id: int) -> None:
    st.session_state[PINS] = [p for p in st.session_state.get(PINS, []) if p["ds"] != dataset_id]


def pin(info: DatasetInfo, choice: dict, t) -> None:
    """*Pin to the report* under an A/B result: the report recomputes it under its own filters."""
    wanted = {"ds": info.id, "by": choice["by"], "control": choice["control"],
              "step": list(choice["step"]) if choice.get("step") else None, "alpha": choice["alpha"],
              "sequential": bool(choice.get("sequential"))}
    pinned = pins(info)
    c1, c2 = st.columns([1, 2], vertical_alignment="center")
    c1.button(t("report.ui.pin"), key="report_pin", on_click=_pin, args=(wanted,), disabled=wanted in pinned,
              icon=":material/push_pin:")
    if pinned:
        c2.caption(t("report.ui.pinned", n=len(pinned)))
        c2.button(t("report.ui.unpin"), key="report_unpin", on_click=_unpin, args=(info.id,), type="tertiary")
