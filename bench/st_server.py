"""A Streamlit server for a benchmark: the e2e tests' server on a port of the bench's own choosing,
and the CPU time it has used (from /proc), the steadier measure on a shared machine."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.e2e.conftest import ROOT, Server

__all__ = ["ROOT", "StServer"]


class StServer(Server):
    def __init__(self, port: int, data_dir: Path | None = None, script: Path | None = None, root: Path | None = None):
        # every server runs with the project as its folder: same .streamlit/config.toml for app and floor;
        # ``root``: another checkout of the project (its app.py, run in its folder: its own modules)
        super().__init__(data_dir or Path(os.devnull), port=port, script=script or (root / "app.py" if root else None))
        self.root = root

    @property
    def http(self) -> str:
        return self.url

    @property
    def ws(self) -> str:
        return self.url.replace("http://", "ws://")

    def start(self, timeout: float = 120) -> StServer:
        if self.root is None:
            super().start(timeout)
            return self
        env = dict(os.environ, FUNNEL_DATA_DIR=str(self.data_dir), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(self.script), "--server.headless=true",
             f"--server.port={self.port}", "--server.address=127.0.0.1", "--server.fileWatcherType=none"],
            cwd=self.root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("streamlit did not start")

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far (Linux /proc)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
