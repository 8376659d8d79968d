"""Cost of a filter change: one rerun of the Overview page (AppTest) against a bare Streamlit floor.

The page runs through app.py as in the browser (language, dataset picker, sidebar filters, the
page). Each timed rerun flips the sidebar's "closed deals only" toggle:

- ``cached``: the page's results for both filter states are already cached (a user going back
  and forth) — what the app itself costs per rerun;
- ``uncached``: ``st.cache_data`` is cleared first, so every metric query runs again.

The floor, timed in alternation with the same AppTest machinery: a bare script with a title and a
sidebar toggle. Usage: ``python -m bench.bench_rerun [--deals N] [--repeat K] [--out DIR]``
(``--deals 0``: the bundled sample datasets only).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import OUT, generate_crm_files

ROOT = Path(__file__).resolve().parent.parent
BARE = """
import streamlit as st
st.title("Overview")
st.sidebar.toggle("Closed deals only", key="flt_closed")
"""


def timed_rerun(at, before=None) -> float:
    if before:
        before()
    at.toggle(key="flt_closed").set_value(not at.toggle(key="flt_closed").value)
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    assert not at.exception, [e.value for e in at.exception]
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--deals", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    store_dir = Path(tempfile.mkdtemp(prefix="bench_rerun_")) if not args.deals else args.out / f"rerun_{args.deals}"
    os.environ["FUNNEL_DATA_DIR"] = str(store_dir)
    if args.deals and not (store_dir / "funnel.duckdb").exists():
        deals, history = generate_crm_files(args.deals, args.out)
        subprocess.run([sys.executable, "-m", "funnel", "import", str(deals), "--history", str(history)],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    sys.path.insert(0, str(ROOT))
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    if args.deals:
        app.query_params["ds"] = "1"
    app.switch_page("pages/overview.py")
    app.run()
    bare_file = Path(tempfile.mkdtemp(prefix="bench_bare_")) / "bare.py"
    bare_file.write_text(BARE, encoding="utf-8")
    bare = AppTest.from_file(str(bare_file), default_timeout=60)
    bare.run()
    for _ in range(2):  # warm both filter states
        timed_rerun(app)
    times: dict[str, list[float]] = {"cached": [], "uncached": [], "floor": []}
    for _ in range(args.repeat):
        times["cached"].append(timed_rerun(app))
        times["floor"].append(timed_rerun(bare))
        times["uncached"].append(timed_rerun(app, st.cache_data.clear))
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"store: {'samples' if not args.deals else f'{args.deals:,} deals'}")
    for k in ("cached", "uncached", "floor"):
        ratio = f"  {med[k] / med['floor']:.2f}x floor" if k != "floor" else ""
        print(f"overview rerun {k:8}: median {med[k] * 1000:7.1f} ms{ratio}")


if __name__ == "__main__":
    main()
