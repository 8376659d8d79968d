"""Diagnostics in a real browser: open the page, follow the weak manager's finding to its deals."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import shot, wait_idle

pytestmark = pytest.mark.e2e


def test_diagnostics_finding_opens_its_deals(browser, server):
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(server.url + "/diagnostics?ds=1&lang=en&dg_codes=manager_gap")  # one card: the weak manager
    wait_idle(page, timeout=180_000)
    page.get_by_text("Игорь Лебедев converts").first.wait_for(timeout=60_000)
    buttons = page.locator("button", has_text="Deals behind it")
    buttons.first.wait_for(timeout=60_000)
    assert buttons.count() == 1
    buttons.first.click()
    wait_idle(page)
    dialog = page.wait_for_selector("[role='dialog']", timeout=30_000)
    text = dialog.inner_text()
    shot(page, "diagnostics_finding_deals")
    assert "Игорь Лебедев" in text
    # the deals that entered Счёт выставлен -> Предоплата получена with him: 80 (sample_data/README.md)
    assert int(re.search(r"([\d,]+)\s+deals", text).group(1).replace(",", "")) == 80
