"""Velocity and Pipeline & Forecast in a real browser: open each page, change a sidebar filter, read
a number (expected values from the SaaS sample CSV with pandas)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.e2e.conftest import shot, wait_idle

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def open_count(pipeline: str) -> int:
    saas = pd.read_csv(ROOT / "sample_data" / "saas_deals.csv")
    return int(((saas["Deal - Status"] == "Open") & (saas["Deal - Pipeline"] == pipeline)).sum())


def metric(page, label: str) -> str:
    tile = page.locator("[data-testid='stMetric']", has_text=label).first
    return tile.locator("[data-testid='stMetricValue']").inner_text().strip()


def test_velocity_page_closed_only_filter(browser, server):
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.goto(server.url + "/velocity?ds=3&lang=en")
    wait_idle(page, timeout=180_000)
    page.wait_for_selector("[data-testid='stMetric']", timeout=60_000)
    assert metric(page, "Open deals") == str(open_count("New business"))
    page.get_by_text("Closed deals only").click()
    # the toggle's rerun may not have started when wait_idle first looks (a loaded machine): wait
    # for the URL to carry the filter, then for that run to finish
    page.wait_for_function("() => location.search.includes('closed=1')", timeout=30_000)
    wait_idle(page)
    shot(page, "velocity_closed_only")
    assert metric(page, "Open deals") == "0"  # the filter keeps closed deals only


def test_pipeline_page_pipeline_filter(browser, server):
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.goto(server.url + "/pipeline?ds=3&lang=en")
    wait_idle(page, timeout=180_000)
    page.wait_for_selector("[data-testid='stMetric']", timeout=60_000)
    assert metric(page, "Open deals") == str(open_count("New business"))
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.locator("[data-testid='stSelectbox']", has_text="Pipeline").click()
    page.get_by_role("option", name="Renewals").click()
    wait_idle(page)
    page.wait_for_function("() => location.search.includes('pipeline=Renewals')", timeout=30_000)
    wait_idle(page)
    shot(page, "pipeline_renewals")
    assert metric(page, "Open deals") == str(open_count("Renewals"))  # README: 24
