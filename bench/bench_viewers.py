"""Many viewers at once: page times for one viewer, then for 20 concurrent viewers while an import runs.

    python -m bench.bench_viewers [--viewers 20] [--rounds 3] [--import-deals 50000]

Starts its own Streamlit server on a fresh store (the samples are imported on first run), drives
Debian's Chromium through Playwright (async API: one browser, one context per viewer), and reports
for each page the median and p95 of "navigation start -> Streamlit idle" for one viewer alone and for
the crowd, their ratio, and every error seen (exceptions on screen, timeouts). An editor uploads and
imports a generated CRM file through the Data page while the crowd reads. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import generate_crm_files
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, Server

PAGES = ["/overview", "/funnel", "/ab"]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


async def _open(page, url: str) -> float:
    start = time.perf_counter()
    await page.goto(url)
    await page.wait_for_selector(IDLE, timeout=120_000)
    await page.wait_for_timeout(200)  # a rerun may start right after the first idle
    await page.wait_for_selector(IDLE, timeout=120_000)
    if await page.locator("[data-testid='stException']").count():
        raise RuntimeError(f"exception on screen at {url}")
    return time.perf_counter() - start - 0.2


async def _viewer(browser, base: str, rounds: int, times: dict[str, list[float]], errors: list[str]) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(180_000)
    page = await context.new_page()
    for _ in range(rounds):
        for path in PAGES:
            try:
                times[path].append(await _open(page, base + path))
            except Exception as exc:  # a benchmark reports failures, it does not stop at the first
                errors.append(f"{path}: {type(exc).__name__}: {str(exc)[:120]}")
    await context.close()


async def _importer(browser, base: str, csv: Path, done: list[float], errors: list[str]) -> None:
    context = await browser.new_context()
    context.set_default_timeout(600_000)
    page = await context.new_page()
    try:
        await _open(page, base + "/data")
        start = time.perf_counter()
        await page.locator("input[type='file']").first.set_input_files(str(csv))
        await page.wait_for_selector(IDLE, timeout=300_000)
        await page.get_by_role("button", name="Import", exact=True).click()
        await page.wait_for_function(f"document.body.innerText.includes('{csv.stem}')", timeout=600_000)
        done.append(time.perf_counter() - start)
    except Exception as exc:
        errors.append(f"import: {type(exc).__name__}: {str(exc)[:120]}")
    await context.close()


def _summary(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


async def main(viewers: int, rounds: int, import_deals: int) -> None:
    from playwright.async_api import async_playwright

    work = Path(tempfile.mkdtemp(prefix="bench_viewers_"))
    deals_csv, _ = generate_crm_files(import_deals, work / "gen")
    upload = work / "crowd_import.csv"
    os.replace(deals_csv, upload)
    server = Server(work / "store")
    server.start()
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            warm_times: dict[str, list[float]] = {p: [] for p in PAGES}
            await _viewer(browser, server.url, 1, warm_times, [])  # imports the samples, warms caches
            alone: dict[str, list[float]] = {p: [] for p in PAGES}
            errors_alone: list[str] = []
            await _viewer(browser, server.url, rounds, alone, errors_alone)
            crowd: dict[str, list[float]] = {p: [] for p in PAGES}
            errors: list[str] = []
            imported: list[float] = []
            await asyncio.gather(_importer(browser, server.url, upload, imported, errors),
                                 *(_viewer(browser, server.url, rounds, crowd, errors) for _ in range(viewers)))
            await browser.close()
    finally:
        server.stop()
    print(f"viewers={viewers} rounds={rounds} import={import_deals} deals ({os.cpu_count()} cores)")
    print(f"{'page':<10} {'1 viewer p50':>13} {'p95':>7} {'crowd p50':>10} {'p95':>7} {'ratio p50':>10} {'n':>5}")
    for path in PAGES:
        a50, a95 = _summary(alone[path])
        c50, c95 = _summary(crowd[path]) if crowd[path] else (float("nan"), float("nan"))
        print(f"{path:<10} {a50:>12.2f}s {a95:>6.2f}s {c50:>9.2f}s {c95:>6.2f}s {c50 / a50:>9.2f}x {len(crowd[path]):>5}")
    print(f"import through the Data page while the crowd read: {imported[0]:.1f} s" if imported else "import: failed")
    print(f"errors: {len(errors_alone) + len(errors)}")
    for line in errors_alone + errors:
        print("  ", line)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--import-deals", type=int, default=50_000)
    args = parser.parse_args()
    asyncio.run(main(args.viewers, args.rounds, args.import_deals))
