"""«Time zone of timestamps»: the dataset's zone, offered only where the file writes instants.

An export of Unix times or ``…Z`` times (HubSpot's, OKKI's APIs, Salesforce's Weekly Data Export) is
read in UTC unless the team's zone is chosen (funnel/timezones.py); a file of plain dates and times has
nothing a zone would change, so the control is not shown for it. The first choice, "UTC (as written)",
is no zone at all (None): the values as the import reads them without one.
"""

from __future__ import annotations

import streamlit as st

from funnel.markdown_escape import md_escape
from funnel.timezones import zone_choices


def _columns(instants: dict[str, int]) -> str:
    return ", ".join(f"«{md_escape(header)}»" for header in instants)


def zone_picker(t, instants: dict[str, int], current: str | None, key: str) -> str | None:
    """The selectbox: None ("UTC (as written)") or an IANA name, common zones first."""
    options: list[str | None] = [None, *zone_choices()]
    return st.selectbox(t("tz.ui.label"), options, index=options.index(current) if current in options else 0,
                        format_func=lambda z: t("tz.ui.as_written") if z is None else z, key=key,
                        help=t("tz.ui.help", columns=_columns(instants)))


def import_zone(t, place, built: dict, state: dict, prefix: str) -> None:
    """The import's control, drawn in ``place`` once the preview build has counted the instants; a new
    choice is kept in ``state`` and the preview is built again with it."""
    instants = built["meta"].get("instants") or {}
    if not instants:
        return
    with place:
        chosen = zone_picker(t, instants, state.get("timezone"), f"{prefix}timezone")
    if chosen != state.get("timezone"):
        state["timezone"] = chosen
        st.rerun()


def edit_zone(t, view: dict, key: str) -> str | None:
    """The dataset editor's control: the zone now, and the one picked when it differs (None: no change;
    ``""``: back to the values as written)."""
    instants = view.get("instants") or {}
    if not instants:
        return None
    current = view.get("timezone")
    st.caption(t("tz.ui.edit_caption", columns=_columns(instants), zone=current or t("tz.ui.as_written")))
    chosen = zone_picker(t, instants, current, key + "timezone")
    if chosen != current and st.button(t("tz.ui.edit_apply"), key=key + "timezone_apply"):
        return chosen or ""
    return None
