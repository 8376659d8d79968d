"""Funnel page in a real browser: a click on a funnel bar lists the deals behind it."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from funnel.samples import SAMPLE_DIR, manifest
from tests.e2e.conftest import shot, wait_idle

pytestmark = pytest.mark.e2e


def reached_by_hand(position: int) -> int:
    """Deals of the B2B sample whose furthest stage (history or current stage; won = last) >= position."""
    entry = manifest()[0]
    order = {s: i for i, s in enumerate(entry["stages"], start=1)}
    deals = pd.read_csv(SAMPLE_DIR / entry["file"], dtype=str).drop_duplicates("ID")
    hist = pd.read_csv(SAMPLE_DIR / entry["history"], dtype=str)
    pos_hist = hist.assign(p=hist["Этап"].map(order)).groupby("ID сделки")["p"].max()
    pos_now = deals.set_index("ID")["Этап сделки"].map(order)
    furthest = pd.concat([pos_now, pos_hist.reindex(pos_now.index)], axis=1).max(axis=1).fillna(1)
    return int((furthest >= position).sum())


def test_click_a_funnel_bar_opens_its_deals(browser, server):
    expected = reached_by_hand(3)  # «Встреча назначена»
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(server.url + "/funnel?ds=1&lang=en")
    wait_idle(page, timeout=180_000)
    page.wait_for_selector(".js-plotly-plot g.point", timeout=60_000)
    bar = page.locator(".js-plotly-plot").first.locator("g.point path").nth(2)
    box = bar.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_idle(page)
    dialog = page.wait_for_selector("[role='dialog']", timeout=30_000)
    text = dialog.inner_text()
    shot(page, "funnel_bar_click")
    assert "Встреча назначена" in text
    total = int(re.search(r"([\d,]+)\s+deals", text).group(1).replace(",", ""))
    assert total == expected
