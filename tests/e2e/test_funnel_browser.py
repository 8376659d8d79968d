"""Funnel page in a real browser: a click on a funnel bar lists the deals behind it."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import click_for_dialog, settled_box, shot, wait_idle
from tests.sample_truth import b2b_reached

pytestmark = pytest.mark.e2e


def test_click_a_funnel_bar_opens_its_deals(browser, server):
    expected = b2b_reached(3)  # «Встреча назначена»
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(server.url + "/funnel?ds=1&lang=en")
    wait_idle(page, timeout=180_000)
    page.wait_for_selector(".js-plotly-plot g.point", timeout=60_000)
    bar = page.locator(".js-plotly-plot").first.locator("g.point path").nth(2)

    def middle() -> tuple[float, float]:
        box = settled_box(bar)
        return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

    text = click_for_dialog(page, middle).inner_text()
    shot(page, "funnel_bar_click")
    assert "Встреча назначена" in text
    total = int(re.search(r"([\d,]+)\s+deals", text).group(1).replace(",", ""))
    assert total == expected
