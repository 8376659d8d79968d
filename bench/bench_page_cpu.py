"""What one cached page run costs the server, this checkout against another one (before / after).

    python -m bench.bench_page_cpu --against /path/to/other/checkout [--pages overview,funnel,ab]
                                   [--runs 30] [--port 8575] [--store DIR]

Two Streamlit servers, one per checkout, each on its own copy of the store (``--store``: a data
folder to copy; default: a fresh one, the samples imported on the first run). One protocol-level
viewer per server (bench/st_client.py) opens each page a few times to warm its caches, then the
timed runs alternate between the two servers, one page run at a time, so both see the same load.
Per page: the median wall time (rerun request -> ``script_finished``) and the server process's CPU
time per run (user + system from /proc, every thread: the script, Streamlit's event loop sending
the elements, DuckDB), and the ratio of the CPU times. A cached run is what every viewer's page
costs once anyone has looked at the same dataset and filters: what 20 viewers multiply.
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
import urllib.request
from pathlib import Path

from bench.st_client import Viewer
from bench.st_server import ROOT, StServer


class CheckoutServer(StServer):
    """A server of another checkout: its app.py, run from its folder (its own .streamlit config)."""

    def __init__(self, root: Path, port: int, data_dir: Path):
        super().__init__(port, data_dir, script=root / "app.py")
        self.root = root

    def start(self, timeout: float = 120) -> CheckoutServer:
        if self.root == ROOT:
            super().start(timeout)
            return self
        env = dict(os.environ, FUNNEL_DATA_DIR=str(self.data_dir), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true", f"--server.port={self.port}",
             "--server.address=127.0.0.1", "--server.fileWatcherType=none"],
            cwd=self.root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while not _healthy(self.url):
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit of {self.root} did not start")
            time.sleep(0.3)
        return self


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


async def measure(servers: list[CheckoutServer], pages: list[str], runs: int, query: str) -> dict:
    viewers = [Viewer(s.ws, timeout=900) for s in servers]
    found: dict[str, list[tuple[list[float], list[float]]]] = {}
    for page in pages:
        for viewer in viewers:
            for _ in range(3):  # results, figures and formatted numbers cached; background work done
                await viewer.settle(await viewer.open(page, query))
        per = [([], []) for _ in servers]
        for _ in range(runs):
            for viewer, server, (times, cpu) in zip(viewers, servers, per, strict=True):
                before = server.cpu_seconds()
                result = await viewer.open(page, query)
                cpu.append(server.cpu_seconds() - before)
                if result.errors:
                    raise RuntimeError(f"{page}: {result.errors}")
                times.append(result.seconds)
        found[page] = per
    for viewer in viewers:
        await viewer.close()
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--against", type=Path, required=True, help="the other checkout (e.g. a `git archive` of main)")
    ap.add_argument("--pages", default="overview,funnel,ab,velocity,diagnostics")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--port", type=int, default=8575)
    ap.add_argument("--store", type=Path, help="a data folder to copy for each server (default: fresh, samples)")
    ap.add_argument("--query", default="", help="the page's query string, e.g. ds=1")
    args = ap.parse_args()
    roots = [args.against.resolve(), ROOT]
    servers = []
    for i, root in enumerate(roots):
        data = Path(tempfile.mkdtemp(prefix=f"bench_page_cpu_{i}_"))
        if args.store:
            shutil.copytree(args.store, data, dirs_exist_ok=True)
        servers.append(CheckoutServer(root, args.port + i, data).start())
    try:
        found = asyncio.run(measure(servers, args.pages.split(","), args.runs, args.query))
    finally:
        for server in servers:
            server.stop()
    print(f"cached page runs, {args.runs} each, alternating; load average {os.getloadavg()[0]:.1f}"
          f" ({os.cpu_count()} cores); before = {roots[0]}, after = this checkout")
    print(f"{'page':<12} {'before wall':>11} {'CPU/run':>8} {'after wall':>11} {'CPU/run':>8} {'CPU after/before':>17}")
    for page, ((t0, c0), (t1, c1)) in found.items():
        b, a = statistics.mean(c0), statistics.mean(c1)
        print(f"{page:<12} {statistics.median(t0) * 1000:>9.0f}ms {b * 1000:>6.1f}ms {statistics.median(t1) * 1000:>9.0f}ms"
              f" {a * 1000:>6.1f}ms {a / b if b else float('nan'):>16.2f}x")


if __name__ == "__main__":
    main()
