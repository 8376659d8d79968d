"""Date patterns for Streamlit's own widgets, per UI language (Babel formats the rest, see
funnel/formats.py). Streamlit's grid takes moment.js patterns and its month names are English, so
months are numeric outside English; ``st.date_input`` accepts only a few fixed orders."""

from __future__ import annotations

# the deal list (st.dataframe): Mar 5, 2024 / 05.03.2024 / 2024年3月5日
GRID_DATE = {"en": "MMM D, YYYY", "ru": "DD.MM.YYYY", "zh": "YYYY年M月D日"}
# st.date_input: 03/05/2024 / 05.03.2024 / 2024/03/05
INPUT_DATE = {"en": "MM/DD/YYYY", "ru": "DD.MM.YYYY", "zh": "YYYY/MM/DD"}


def grid_date(lang: str) -> str:
    return GRID_DATE.get(lang, GRID_DATE["en"])


def input_date(lang: str) -> str:
    return INPUT_DATE.get(lang, INPUT_DATE["en"])
