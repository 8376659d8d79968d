"""A Streamlit server for a benchmark: the e2e tests' server on a port of the bench's own choosing,
and the CPU time it has used (from /proc), the steadier measure on a shared machine."""

from __future__ import annotations

import os
from pathlib import Path

from tests.e2e.conftest import ROOT, Server

__all__ = ["ROOT", "StServer"]


class StServer(Server):
    def __init__(self, port: int, data_dir: Path | None = None, script: Path | None = None):
        # every server runs with the project as its folder: same .streamlit/config.toml for app and floor
        super().__init__(data_dir or Path(os.devnull), port=port, script=script)

    @property
    def http(self) -> str:
        return self.url

    @property
    def ws(self) -> str:
        return self.url.replace("http://", "ws://")

    def start(self, timeout: float = 120) -> StServer:
        super().start(timeout)
        return self

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far (Linux /proc)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
