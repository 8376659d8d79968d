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
from funnel.markdown_escape import md_escape
from funnel.report import FORMATS, MIME, build_from_store, render
from funnel.report.html import logo_type
from funnel.report.pdf import chromium_path, pdf_available
from funnel.report.words import report_languages, word
from funnel.sample_datasets import display_name
from funnel.spec import FunnelSpec

from .context import get_store

LOGO_TYPES = ("png", "jpg", "jpeg")


def file_name(info: DatasetInfo, lang: str, fmt: str, spec: FunnelSpec | None = None) -> str:
    """``report_<dataset>[_<from>_<to>]_<lang>.<fmt>``: a chosen period's first and last day in the name (session
    50: a consultant's reports of two quarters of one client were both «report_Кухни_ru.pdf», the second saved as
    «(1)»)."""
    name = display_name(info.name, lang)  # a bundled sample's name in the report's language, as on its cover
    stem = re.sub(r"[^\w.-]+", "_", name, flags=re.UNICODE).strip("_")[:60] or f"dataset_{info.id}"
    period = (f"_{spec.date_from.isoformat()}_{spec.date_to.isoformat()}"
              if spec is not None and spec.date_from is not None and spec.date_to is not None else "")
    return f"report_{stem}{period}_{lang}.{fmt}"


KEPT = ("report_lang", "report_fmt", "report_consultant")  # choices kept while the popover is closed
LOGO_KEPT = "_report_logo_kept"  # (file name, bytes) of the logo uploaded in this session


def _keep_choices() -> None:
    """Widgets not drawn in a run lose their values: written back as the session's own state, the
    report's language, format and consultant name survive the popover being closed (and the pages)."""
    for key in KEPT:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def _on_logo() -> None:
    upload = st.session_state.get("report_logo")
    if upload is None:
        st.session_state.pop(LOGO_KEPT, None)
    else:
        st.session_state[LOGO_KEPT] = (upload.name, upload.getvalue())


def show(info: DatasetInfo, spec: FunnelSpec, t) -> None:
    """A popover with the report's language, format, optional consultant name and logo, and the download.

    Its content is computed only while it is open (``on_change="rerun"``: opening it reruns the
    page once): a closed popover's five widgets were sent to the browser on every rerun of every
    page (README, "A page rerun")."""
    _keep_choices()
    popover = st.popover(t("report.ui.button"), icon=":material/description:", help=t("report.ui.help"),
                         key="report_popover", on_change="rerun")
    if not popover.open:
        return
    extras = {"ab_pins": pins(info)}
    with popover:
        langs = list(report_languages())
        if st.session_state.get("report_lang") not in langs:
            st.session_state["report_lang"] = t.lang if t.lang in langs else langs[0]
        lang = st.selectbox(t("report.ui.lang"), langs, key="report_lang",
                            format_func=lambda code: word("report.language_name", code))
        formats = [f for f in FORMATS if f != "pdf" or pdf_available()]
        if st.session_state.get("report_fmt") not in formats:
            st.session_state["report_fmt"] = "html"
        fmt = st.segmented_control(t("report.ui.format"), formats, key="report_fmt",
                                   required=True, format_func=str.upper) or "html"
        if "pdf" not in formats:
            st.caption(t("report.ui.pdf_missing", chromium=chromium_path()))
        consultant = st.text_input(t("report.ui.consultant"), key="report_consultant", max_chars=120)
        st.file_uploader(t("report.ui.logo"), type=list(LOGO_TYPES), key="report_logo", on_change=_on_logo)
        name, data = st.session_state.get(LOGO_KEPT) or ("", b"")
        if data and st.session_state.get("report_logo") is None:  # uploaded before the popover was closed
            c1, c2 = st.columns([3, 1], vertical_alignment="center")
            c1.caption(t("rerun.report.logo_kept", name=md_escape(name)))
            c2.button(t("rerun.report.logo_drop"), key="report_logo_drop", type="tertiary",
                      on_click=lambda: st.session_state.pop(LOGO_KEPT, None))
        logo = (data, logo_type(data)) if data and logo_type(data) else None
        store = get_store()

        def make() -> bytes:
            report = build_from_store(store, info.id, spec, lang, consultant=consultant, logo=logo, extras=extras)
            return render(report, fmt)

        st.download_button(t("report.ui.download"), data=make, file_name=file_name(info, lang, fmt, spec),
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
