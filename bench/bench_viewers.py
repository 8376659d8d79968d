"""Many viewers at once: page times for one viewer, then for 20 concurrent viewers while an import runs.

    python -m bench.bench_viewers [--viewers 20] [--rounds 3] [--import-deals 50000] [--port 8573]
                                  [--think 5 15] [--models burst,think]

One Streamlit server on a fresh store (the samples are imported on first run). The viewers are
driven at the protocol level (bench/st_client.py: the websocket messages a browser tab sends and
receives, no rendering), so 20 of them cost the load machine almost nothing and what is measured
is the server, not 20 Chromium tabs on the server's own two cores. A page time is "rerun request
sent -> script finished" for the Overview, Funnel and A/B pages. Two load models:

- ``burst`` (worst case): all viewers start at once and open their pages back to back, no pause:
  every viewer always has a page running (20 runs in flight all the time);
- ``think`` (people reading): each viewer pauses a random 5-15 s (``--think``) before each page,
  as someone reading the last one would, and the viewers start at random moments within one pause.

Each model first measures ONE protocol viewer alone (same pages, rounds and pauses; no import),
then the crowd with an import running: an editor in a real Chromium uploads a generated CRM export
on the Data page and confirms it (the import runs in the server, as an editor's would). A second
real Chromium tab reads the same pages during the crowd, as a sanity check that a browser sees what
the protocol viewers see ("navigation -> Streamlit idle", rendering included). Reported per page:
median and p95 alone and in the crowd, their ratio, the crowd's median among the runs that overlapped
the import, the slowest run during the import, every error (an exception or error box on the page,
a timeout), and the machine's load average. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import generate_crm_files
from bench.st_client import Viewer
from bench.st_server import StServer
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

PAGES = ["overview", "funnel", "ab"]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


@dataclass
class Runs:
    times: dict[str, list[tuple[float, float]]] = field(default_factory=lambda: {p: [] for p in PAGES})
    errors: list[str] = field(default_factory=list)

    def add(self, page: str, start: float, seconds: float) -> None:
        self.times[page].append((start, seconds))


async def protocol_viewer(base_ws: str, rounds: int, think: tuple[float, float] | None, runs: Runs,
                          rng: random.Random, stagger: bool) -> None:
    viewer = Viewer(base_ws, timeout=300)
    if think and stagger:
        await asyncio.sleep(rng.uniform(0, think[1]))
    for _ in range(rounds):
        for page in PAGES:
            if think:
                await asyncio.sleep(rng.uniform(*think))
            start = time.monotonic()
            result = await viewer.open(page)
            runs.add(page, start, result.seconds)
            runs.errors += [f"{page}: {e}" for e in result.errors]
    await viewer.close()


async def _browser_open(page, url: str) -> float:
    start = time.perf_counter()
    await page.goto(url)
    await page.wait_for_selector(IDLE, timeout=300_000)
    await page.wait_for_timeout(200)  # a rerun may start right after the first idle
    await page.wait_for_selector(IDLE, timeout=300_000)
    if await page.locator("[data-testid='stException']").count():
        raise RuntimeError(f"exception on screen at {url}")
    return time.perf_counter() - start - 0.2


async def browser_viewer(browser, base: str, rounds: int, runs: Runs) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    for _ in range(rounds):
        for name in PAGES:
            start = time.monotonic()
            try:
                runs.add(name, start, await _browser_open(page, f"{base}/{name}"))
            except Exception as exc:  # a benchmark reports failures, it does not stop at the first
                runs.errors.append(f"browser {name}: {type(exc).__name__}: {str(exc)[:120]}")
    await context.close()


async def importer(browser, base: str, csv: Path, span: list[float], errors: list[str]) -> None:
    """An editor in Chromium: upload ``csv`` on the Data page, confirm, wait for it in the list."""
    context = await browser.new_context()
    context.set_default_timeout(900_000)
    page = await context.new_page()
    try:
        await _browser_open(page, base + "/data")
        span.append(time.monotonic())
        await page.locator("input[type='file']").first.set_input_files(str(csv))
        await page.wait_for_selector(IDLE, timeout=900_000)
        await page.get_by_role("button", name="Import", exact=True).click()
        await page.wait_for_function(f"document.body.innerText.includes('{csv.stem}')", timeout=900_000)
        span.append(time.monotonic())
    except Exception as exc:
        errors.append(f"import: {type(exc).__name__}: {str(exc)[:120]}")
    await context.close()


def _summary(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def _report(model: str, alone: Runs, crowd: Runs, sane_alone: Runs, sane: Runs, span: list[float],
            load: tuple[float, float]) -> None:
    print(f"\n== {model}: load average {load[0]:.1f} before, {load[1]:.1f} after ({os.cpu_count()} cores)")
    print(f"{'page':<10} {'1 viewer p50':>12} {'p95':>7} {'crowd p50':>10} {'p95':>7} {'ratio':>7}"
          f" {'in import p50':>13} {'max':>7} {'n':>4} | {'browser alone':>13} {'in crowd':>9}")
    for page in PAGES:
        a50, a95 = _summary([s for _, s in alone.times[page]])
        c = [s for _, s in crowd.times[page]]
        c50, c95 = _summary(c)
        during = [s for t0, s in crowd.times[page] if len(span) == 2 and t0 < span[1] and t0 + s > span[0]]
        d50 = f"{statistics.median(during):.2f}s" if during else "-"
        dmax = f"{max(during):.2f}s" if during else "-"
        b_alone = [s for _, s in sane_alone.times[page]]
        b_crowd = [s for _, s in sane.times[page]]
        b1 = f"{statistics.median(b_alone):.2f}s" if b_alone else "-"
        b2 = f"{statistics.median(b_crowd):.2f}s" if b_crowd else "-"
        print(f"{page:<10} {a50:>11.2f}s {a95:>6.2f}s {c50:>9.2f}s {c95:>6.2f}s {c50 / a50:>6.2f}x"
              f" {d50:>13} {dmax:>7} {len(c):>4} | {b1:>13} {b2:>9}")
    if len(span) == 2:
        overlapped = sum(1 for p in PAGES for t0, s in crowd.times[p] if t0 < span[1] and t0 + s > span[0])
        print(f"import through the Data page: {span[1] - span[0]:.1f} s, overlapping {overlapped} crowd page runs")
    else:
        print("import: did not finish")
    errors = alone.errors + crowd.errors + sane_alone.errors + sane.errors
    print(f"errors: {len(errors)}")
    for line in errors:
        print("  ", line)


async def run_model(model: str, server: StServer, browser, viewers: int, rounds: int,
                    think: tuple[float, float], upload: Path, seed: int) -> None:
    pause = think if model == "think" else None
    load_before = os.getloadavg()[0]
    alone, sane_alone = Runs(), Runs()
    await protocol_viewer(server.ws, rounds, pause, alone, random.Random(seed), stagger=False)
    await browser_viewer(browser, server.http, 1, sane_alone)
    crowd, sane, span, errors = Runs(), Runs(), [], []
    rngs = [random.Random(seed + 1 + i) for i in range(viewers)]
    await asyncio.gather(
        importer(browser, server.http, upload, span, errors),
        browser_viewer(browser, server.http, rounds, sane),
        *(protocol_viewer(server.ws, rounds, pause, crowd, rng, stagger=True) for rng in rngs))
    crowd.errors += errors
    _report(model, alone, crowd, sane_alone, sane, span, (load_before, os.getloadavg()[0]))


async def main(args) -> None:
    from playwright.async_api import async_playwright

    work = Path(tempfile.mkdtemp(prefix="bench_viewers_"))
    deals_csv, _ = generate_crm_files(args.import_deals, work / "gen")
    server = StServer(args.port, work / "store").start()
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            await protocol_viewer(server.ws, 1, None, Runs(), random.Random(0), stagger=False)  # samples, warm
            print(f"viewers={args.viewers} rounds={args.rounds} import={args.import_deals} deals;"
                  f" think {args.think[0]:g}-{args.think[1]:g} s")
            for i, model in enumerate(args.models.split(",")):
                upload = work / f"crowd_import_{model}.csv"  # a new file name (and content hash) each time
                upload.write_bytes(deals_csv.read_bytes().replace(b"Deal ", f"Deal{i} ".encode()))
                await run_model(model, server, browser, args.viewers, args.rounds, tuple(args.think), upload,
                                args.seed)
            await browser.close()
    finally:
        server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--import-deals", type=int, default=50_000)
    parser.add_argument("--port", type=int, default=8573)
    parser.add_argument("--think", type=float, nargs=2, default=(5.0, 15.0))
    parser.add_argument("--models", default="burst,think")
    parser.add_argument("--seed", type=int, default=14)
    asyncio.run(main(parser.parse_args()))
