"""Cost of a filter change, as a browser sees it: one Overview rerun against the bare-Streamlit floor.

Two real Streamlit servers run side by side: the app on a store (the samples, or a generated CRM
export of ``--deals`` deals), and the floor: a bare script with a title and one sidebar toggle,
served by the same Streamlit with the same project config. A viewer at the protocol level
(bench/st_client.py: the websocket messages a browser tab sends and receives, no rendering) opens
the Overview and flips the sidebar's "closed deals only" toggle; a run is timed from the rerun
request to the ``script_finished`` message. Runs alternate app / floor so both see the same load:

- ``cached``: the toggle goes back and forth, so the page's results for both states are cached
  (what the app costs on every rerun: the script, the sidebar, the elements sent);
- ``new filter``: each timed flip follows a link with a period the server has not computed yet
  (``period=custom&from=<a new day>``), so every metric query of the page runs (the first time
  anyone looks at that filter set). The page's numbers are drawn when its run finishes; its top
  findings (the whole audit) may still be computing in the background (ui/background.py), and
  ``new filter, findings shown`` is the time until the page is complete (the viewer follows the
  placeholder's reruns as a browser does); the next timed run starts only then.

Beside the wall-clock medians, the servers' CPU time per run (from /proc) is reported: on a shared
machine it is the steadier of the two.

``--browser``: the same runs in headless Chromium (one tab on the app, one on the floor), as the
issue measured them: a click on the toggle, timed until the server's ``script_finished`` message has
reached the page and two animation frames have been painted after it (rendering included, for the
app and the floor alike).

``--page funnel`` times the Funnel page instead of the Overview. ``--parts`` adds two more bare
scripts to the alternation, to split a page's cost into what a real page cannot do without
(README, "A page rerun"): ``floor + chart`` (the floor and the Overview's clickable Plotly funnel,
whose numbers change with the toggle: Streamlit re-creates a Plotly chart whenever its figure
changes) and ``floor + N elements`` (the floor and N one-line captions that change with the toggle;
N = ``--elements``, the Overview's count). Usage::

    python -m bench.bench_rerun [--deals N] [--repeat K] [--out DIR] [--port P] [--browser]
                                [--page overview|funnel] [--parts] [--elements N]

``--against DIR`` serves another checkout of the project (e.g. the branch's starting point, ``git
worktree add`` or ``git archive``) beside the app on the same store, and times its runs in the same
alternation (``against: cached``, ``against: new filter``): a before/after comparison in which both
sides see the same load, flip by flip.

(``--deals 0``: the bundled sample datasets only; the app listens on P, the floors on P + 1 and up,
the ``--against`` app on P + 9.)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.bench_import import ENGINE
from bench.common import OUT, generate_crm_files
from bench.st_client import Viewer
from bench.st_server import ROOT, StServer

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
PENDING = "Looking for findings"  # the Overview's placeholder while its findings compute (English)
BARE = """
import streamlit as st
st.title("Overview")
st.sidebar.toggle("Closed deals only", key="flt_closed")
"""
BARE_CHART = BARE.replace("st.sidebar.toggle", "on = st.sidebar.toggle") + """
from funnel.charts import funnel_figure
from funnel.metrics.stages import StageRow
reached = (1200, 900, 700, 520, 400, 300, 272) if on else (4000, 2530, 1864, 1190, 700, 520, 272)
rows = [StageRow(f"Stage {i + 1}", i, n, n / reached[i - 1] if i else None, n / reached[0], None, None, None)
        for i, n in enumerate(reached)]
st.plotly_chart(funnel_figure(rows, {}, "en"), key="chart", on_select=lambda: None, selection_mode="points",
                config={"displayModeBar": False})
"""
BARE_ELEMENTS = BARE.replace("st.sidebar.toggle", "on = st.sidebar.toggle") + """
for i in range({n}):
    st.caption(f"Line {{i + 1}}: {{'closed' if on else 'all'}} deals")
"""
OVERVIEW_ELEMENTS = 61  # elements and blocks the Overview sends per rerun (samples, sidebar included)


async def _flip(viewer: Viewer, server: StServer, times: list[float], cpu: list[float],
                complete: list[float] | None = None) -> None:
    before = server.cpu_seconds()
    result = await viewer.toggle("flt_closed")
    if result.errors:
        raise RuntimeError(result.errors)
    times.append(result.seconds)
    cpu.append(server.cpu_seconds() - before)
    settled = await viewer.settle(result)  # the findings computed in the background, if any
    if settled.errors:
        raise RuntimeError(settled.errors)
    if complete is not None:
        complete.append(result.seconds + settled.seconds)


def _turn(items: dict, i: int) -> list:
    """The items in order on even rounds, reversed on odd ones: none always runs right after
    another's heavy run (a new filter's page is still being drawn when the next flip starts)."""
    pairs = list(items.items())
    return pairs if i % 2 == 0 else pairs[::-1]


def _kinds(floors: dict[str, StServer], other: StServer | None) -> dict[str, tuple[list, list]]:
    kinds = ["cached", *floors, "new filter", "new filter, findings shown"]
    if other is not None:
        kinds += ["against: cached", "against: new filter", "against: new filter, findings shown"]
    return {k: ([], []) for k in kinds}


async def measure(app: StServer, floors: dict[str, StServer], ds: str, repeat: int,
                  page: str = "overview", other: StServer | None = None) -> dict[str, tuple[list, list]]:
    query = f"ds={ds}" if ds else ""
    apps = {"": (app, Viewer(app.ws))} | ({"against: ": (other, Viewer(other.ws))} if other else {})
    bare = {name: Viewer(server.ws) for name, server in floors.items()}
    for _, viewer in apps.values():
        await viewer.settle(await viewer.open(page, query))
    for floor in bare.values():
        await floor.open("", "")
    for _ in range(2):  # warm both filter states, their findings included
        for _, viewer in apps.values():
            await viewer.settle(await viewer.toggle("flt_closed"))
        for floor in bare.values():
            await floor.toggle("flt_closed")
    runs = _kinds(floors, other)
    first_day = date(2000, 1, 1)
    for i in range(repeat):
        for prefix, (server, viewer) in _turn(apps, i):
            await _flip(viewer, server, *runs[prefix + "cached"])
        for name, floor in _turn(bare, i):
            await _flip(floor, floors[name], *runs[name])
        day = first_day + timedelta(days=i)  # a period no one has asked for: every query runs
        for prefix, (server, viewer) in _turn(apps, i):
            opened = await viewer.open(page, f"{query}&period=custom&from={day}&to=2199-12-31".lstrip("&"))
            await viewer.settle(opened)  # its findings too: no background work left under the next timed runs
            await _flip(viewer, server, *runs[prefix + "new filter"], runs[prefix + "new filter, findings shown"][0])
    for _, viewer in apps.values():
        await viewer.close()
    for floor in bare.values():
        await floor.close()
    return runs


class Tab:
    """A Chromium tab whose script runs are timed by the websocket frames it receives."""

    PAINTED = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"

    def __init__(self, page):
        self.page, self.finished = page, None
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        if isinstance(payload, str) or self.finished is None or self.finished.done():
            return
        msg = ForwardMsg()
        msg.ParseFromString(payload)
        if msg.WhichOneof("type") == "script_finished" and msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
            self.finished.set_result(None)

    async def open(self, url: str) -> None:
        await self.page.goto(url)
        await self.page.wait_for_selector(IDLE, timeout=600_000)
        await self.page.wait_for_timeout(300)
        await self.page.wait_for_function(f"!document.body.innerText.includes({PENDING!r})", timeout=600_000)
        await self.page.wait_for_selector(IDLE, timeout=600_000)

    async def flip(self, times: list[float], complete: list[float] | None = None) -> None:
        self.finished = asyncio.get_running_loop().create_future()
        start = time.perf_counter()
        await self.page.locator("[data-testid='stSidebar']").get_by_text("Closed deals only").click()
        await asyncio.wait_for(self.finished, 600)
        await self.page.evaluate(self.PAINTED)
        times.append(time.perf_counter() - start)
        await self.page.wait_for_function(f"!document.body.innerText.includes({PENDING!r})", timeout=600_000)
        await self.page.wait_for_selector(IDLE, timeout=600_000)
        if complete is not None:
            complete.append(time.perf_counter() - start)


async def measure_browser(app: StServer, floors: dict[str, StServer], ds: str, repeat: int,
                          page: str = "overview", other: StServer | None = None) -> dict[str, tuple[list, list]]:
    from playwright.async_api import async_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    query = f"ds={ds}" if ds else ""
    runs = _kinds(floors, other)
    servers = {"": app} | ({"against: ": other} if other else {})
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        async def tab() -> Tab:
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            return Tab(await context.new_page())

        viewers = {prefix: await tab() for prefix in servers}
        bare = {name: await tab() for name in floors}
        for prefix, viewer in viewers.items():
            await viewer.open(f"{servers[prefix].http}/{page}?{query}")
        for name, floor in bare.items():
            await floor.open(floors[name].http)
        for _ in range(2):
            for each in (*viewers.values(), *bare.values()):
                await each.flip([])
        first_day = date(2000, 1, 1)
        for i in range(repeat):
            for prefix, viewer in _turn(viewers, i):
                await viewer.flip(runs[prefix + "cached"][0])
            for name, floor in _turn(bare, i):
                await floor.flip(runs[name][0])
            day = first_day + timedelta(days=i)
            for prefix, viewer in _turn(viewers, i):
                await viewer.open(f"{servers[prefix].http}/{page}?{query}&period=custom&from={day}&to=2199-12-31")
                await viewer.flip(runs[prefix + "new filter"][0], runs[prefix + "new filter, findings shown"][0])
        await browser.close()
    return runs


def _store(deals: int, out: Path) -> Path:
    if not deals:
        return Path(tempfile.mkdtemp(prefix="bench_rerun_"))
    store_dir = out / f"rerun_{deals}"
    if not (store_dir / "funnel.duckdb").exists():
        deals_csv, history = generate_crm_files(deals, out)
        # as bench_import's engine: the upload limit lifted (the generated 10M history is 1.6 GB)
        subprocess.run([sys.executable, "-c", ENGINE, str(deals_csv), str(history)],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env=dict(os.environ, FUNNEL_DATA_DIR=str(store_dir)))
    return store_dir


def _copy(store: Path) -> Path:
    """A store of its own for the ``--against`` app (two servers never write one DuckDB file)."""
    copy = Path(tempfile.mkdtemp(prefix="bench_rerun_against_"))
    if (store / "funnel.duckdb").exists():
        shutil.copy2(store / "funnel.duckdb", copy / "funnel.duckdb")
    return copy


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--deals", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--port", type=int, default=8571)
    ap.add_argument("--browser", action="store_true", help="time the runs in headless Chromium")
    ap.add_argument("--page", choices=("overview", "funnel"), default="overview")
    ap.add_argument("--parts", action="store_true", help="also time the floor with a chart and with N elements")
    ap.add_argument("--elements", type=int, default=OVERVIEW_ELEMENTS)
    ap.add_argument("--against", type=Path, help="another checkout of the project, timed in the same alternation")
    args = ap.parse_args()
    scripts = {"floor": BARE}
    if args.parts:
        scripts |= {"floor + chart": BARE_CHART, f"floor + {args.elements} elements": BARE_ELEMENTS.format(n=args.elements)}
    folder = Path(tempfile.mkdtemp(prefix="bench_bare_"))
    store = _store(args.deals, args.out)
    app = StServer(args.port, store).start()
    floors: dict[str, StServer] = {}
    other = StServer(args.port + 9, _copy(store), root=args.against.resolve()).start() if args.against else None
    try:
        for i, (name, text) in enumerate(scripts.items()):
            script = folder / f"bare_{i}.py"
            script.write_text(text, encoding="utf-8")
            floors[name] = StServer(args.port + 1 + i, script=script).start()
        how = measure_browser if args.browser else measure
        runs = asyncio.run(how(app, floors, "1" if args.deals else "", args.repeat, args.page, other))
    finally:
        for server in (app, other, *floors.values()):
            if server is not None:
                server.stop()
    floor = statistics.median(runs["floor"][0])
    floor_cpu = statistics.mean(runs["floor"][1]) if runs["floor"][1] else 0.0
    print(f"{'browser' if args.browser else 'protocol'}; page: {args.page};"
          f" store: {'samples' if not args.deals else f'{args.deals:,} deals'}; {args.repeat} runs each, alternating;"
          f" load average {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
    for kind, (times, cpu) in runs.items():
        ratio = "" if kind == "floor" else f"  {statistics.median(times) / floor:.2f}x floor"
        cpu_text = "" if not cpu else f"; server CPU {statistics.mean(cpu) * 1000:6.1f} ms/run" + (
            "" if kind == "floor" or not floor_cpu else f"  {statistics.mean(cpu) / floor_cpu:.2f}x floor")
        print(f"{args.page} rerun {kind:36}: median {statistics.median(times) * 1000:8.1f} ms{ratio}{cpu_text}")


if __name__ == "__main__":
    main()
