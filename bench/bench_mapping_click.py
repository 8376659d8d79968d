"""A click of the Data page's mapping editor on a big upload, against reading the file once with pandas.

Issue 16 measured 6–7 s a click on a 200k-row file: every rerun staged the whole file again. The page now
stages an upload once and rebuilds only the preview a change needs (funnel/importer/preview.py). This runs
the Data page under Streamlit's AppTest (the script as the server runs it, no browser), uploads a generated
CRM export, and switches the «Manager» column back and forth; each switch is one rerun with a new preview
build. The baseline, timed in alternation with it: ``pandas.read_csv`` of the same file (what any page that
re-read the upload on a click would pay at least). A plain rerun (nothing changed) is timed too.

    python -m bench.bench_mapping_click [--deals 200000] [--repeat 7] [--out /tmp/bench_click]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from bench.common import generate_crm_files


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deals", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "bench_click"))
    args = parser.parse_args()
    deals, _history = generate_crm_files(args.deals, Path(args.out))
    os.environ["FUNNEL_DATA_DIR"] = tempfile.mkdtemp()  # a throw-away store: the page lists its datasets
    from tests.app.conftest import open_page  # (after the store is set: the app reads it at import)

    data = deals.read_bytes()
    at = open_page("pages/data.py", lang="en")
    at.default_timeout = 600
    start = time.perf_counter()
    at.file_uploader[0].set_value((deals.name, data, "text/csv")).run()
    first = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"the page failed: {[e.value for e in at.exception]}")
    headers = pd.read_csv(deals, nrows=0).columns.tolist()
    columns = [headers.index("Lead Source"), headers.index("Owner")]

    def box():
        return next(s for s in at.selectbox if (s.key or "").endswith("map_manager"))

    clicks, reads, plain = [], [], []
    for k in range(args.repeat):
        start = time.perf_counter()
        box().set_value(columns[k % 2]).run()
        clicks.append(time.perf_counter() - start)
        assert box().value == columns[k % 2] and not at.exception
        start = time.perf_counter()
        pd.read_csv(deals)
        reads.append(time.perf_counter() - start)
        start = time.perf_counter()
        at.run()
        plain.append(time.perf_counter() - start)
    click, read, rerun = (statistics.median(x) for x in (clicks, reads, plain))
    print(f"{deals.name}: {args.deals:,} deals, {len(data) / 1e6:.1f} MB; load average {os.getloadavg()[0]:.1f}")
    print(f"upload and first preview   : {first:.2f} s")
    print(f"mapping click (new preview): median {click:.2f} s  (runs {', '.join(f'{x:.2f}' for x in clicks)})")
    print(f"plain rerun (no change)    : median {rerun:.2f} s")
    print(f"pandas read_csv, same file : median {read:.2f} s")
    print(f"ratio click / read_csv     : {click / read:.2f}x")


if __name__ == "__main__":
    main()
