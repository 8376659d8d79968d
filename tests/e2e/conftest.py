"""Browser tests: a real Streamlit server on a free loopback port, driven by Debian's chromium.

Never downloads a browser: Playwright launches /usr/bin/chromium. Waits for Streamlit's
``[data-testid='stApp'][data-test-script-state='notRunning']`` as Streamlit's own e2e suite does.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SHOTS = ROOT / "screens"

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, data_dir: Path, extra_args: tuple[str, ...] = (), extra_env: dict[str, str] | None = None,
                 port: int | None = None, script: Path | None = None):
        self.data_dir = data_dir
        self.extra_args = extra_args
        self.extra_env = extra_env or {}
        self.port = port or _free_port()
        self.script = script or ROOT / "app.py"  # bench/bench_rerun.py serves a bare script beside the app
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120) -> None:
        env = dict(os.environ, FUNNEL_DATA_DIR=str(self.data_dir), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
                   **self.extra_env)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(self.script), "--server.headless=true",
             f"--server.port={self.port}", "--server.address=127.0.0.1", "--server.fileWatcherType=none", *self.extra_args],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("streamlit did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            self.proc = None


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("store"))
    srv.start()
    yield srv
    srv.stop()


def wait_idle(page, timeout: float = 60_000) -> None:
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def settled_box(locator, timeout: float = 10_000) -> dict:
    """The element's box once two readings 250 ms apart agree (charts drawn later shift the page)."""
    deadline = time.monotonic() + timeout / 1000
    box = locator.bounding_box()
    while time.monotonic() < deadline:
        locator.page.wait_for_timeout(250)
        again = locator.bounding_box()
        if again == box:
            return box
        box = again
    return box


def click_for_dialog(page, point, attempts: int = 3):
    """Click ``point()`` (x, y, worked out afresh each time) until the deals dialog opens; return it.

    On a loaded machine a canvas (plotly, the data grid) may take the first click before it has
    wired its handlers; a second click on the same spot is what a user would do too."""
    for attempt in range(attempts):
        x, y = point()
        page.mouse.click(x, y)
        wait_idle(page)
        dialog = page.locator("[role='dialog']")
        try:
            dialog.wait_for(timeout=15_000)
            return dialog
        except Exception:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")
