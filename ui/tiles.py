"""KPI tiles in rows short enough for their labels: Streamlit cuts a metric's label that does not fit its column
(«Средняя выигра…», «2026年10月 预期赢单（…»), and five or four tiles side by side on a 1 280–1 400 px screen cut
the Russian and Chinese ones (the Overview has been three a row since survey 51)."""

from __future__ import annotations

import streamlit as st


def rows(n: int, per_row: int = 3) -> list:
    """``n`` columns for ``n`` tiles, ``per_row`` a row (the last row's spare columns left empty, so every tile
    has the same width); a phone stacks them, as any columns."""
    per_row = max(1, min(per_row, n))
    cols = [col for _start in range(0, n, per_row) for col in st.columns(per_row)]
    return cols[:n]
