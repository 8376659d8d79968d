"""A dataset attached from ClickHouse (chdb) shows the same Overview, Funnel and A/B numbers as
the same data imported into DuckDB: the SaaS sample is imported, exported to Parquet, loaded into
a chdb "warehouse" and attached with ``python -m funnel attach`` (all in a child process, which
then lets go of chdb and the store file), then both datasets are opened in the browser."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.e2e.conftest import ROOT, Server, shot, wait_idle

pytestmark = pytest.mark.e2e
SAAS = "SaaS pipeline (with history)"
PREPARE = """
import sys, pyarrow.parquet as pq
from pathlib import Path
from funnel.store import Store
from funnel.sample_datasets import ensure_samples
from funnel.backends import connect
from funnel.cli import main
data, warehouse = Path(sys.argv[1]), sys.argv[2]
store = Store(data / "funnel.duckdb")
ensure_samples(store)
saas = next(r["id"] for r in store.datasets() if r["name"] == sys.argv[3])
store.close()
assert main(["--data-dir", str(data), "export", str(saas), "--parquet", str(data / "lake")]) == 0
ch = connect("chdb", warehouse)
for table in ("deals", "stages", "events"):
    ch.load_arrow("crm", table, pq.read_table(data / "lake" / f"{table}.parquet"))
assert main(["--data-dir", str(data), "attach", "--backend", "chdb", "--url", warehouse, "--name", sys.argv[3],
             "--tables", "deals=crm.deals,stages=crm.stages,events=crm.events", "--json"]) == 0
print(saas)
"""


@pytest.fixture(scope="module")
def attached_server(tmp_path_factory):
    pytest.importorskip("chdb")
    data = tmp_path_factory.mktemp("store")
    out = subprocess.run([sys.executable, "-c", PREPARE, str(data), str(data / "warehouse"), SAAS], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.strip().splitlines()
    imported, attached = int(lines[-1]), int(__import__("json").loads(lines[-2])["dataset_id"])
    srv = Server(data)
    srv.start()
    yield srv, imported, attached
    srv.stop()


def _numbers(page, url: str) -> dict[str, list[str]]:
    page.goto(url)
    wait_idle(page, timeout=180_000)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    wait_idle(page)
    return {"metrics": page.locator("[data-testid='stMetricValue']").all_inner_texts(),
            "charts": page.locator(".js-plotly-plot text").all_inner_texts()}


@pytest.mark.parametrize("path", ["/overview?", "/funnel?", "/ab?ab_by=source&"])
def test_attached_chdb_dataset_shows_the_imported_numbers(attached_server, browser, path):
    srv, imported, attached = attached_server
    page = browser.new_page(viewport={"width": 1400, "height": 2200})
    want = _numbers(page, f"{srv.url}{path}ds={imported}&lang=en")
    got = _numbers(page, f"{srv.url}{path}ds={attached}&lang=en")
    shot(page, "engines_attached_" + path.strip("/?&").split("?")[0])
    assert want["metrics"] or want["charts"]  # the page showed numbers at all
    assert got == want
    body = page.inner_text("[data-testid='stMain']")
    assert "Traceback" not in body and "Error" not in body
