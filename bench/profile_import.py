"""Where an import's time and memory go: every statement of ``funnel import`` timed, one process.

Each statement run through ``funnel.sql.run`` is logged as it ends (time of day, wall and CPU
seconds, resident memory in MB, the process's resident high-water mark so far, the statement's
start) to ``--log``, flushed at once, so a run that stops (out of memory at 10M deals, say) shows
the statement it stopped in, and the statement that raised the peak is the first one logged with
its value. At the end the
statements are printed by CPU time. ``--no-retry``: one attempt at the store's memory budget
(``FUNNEL_MEMORY_LIMIT``, 400MB by default) instead of trying again with a larger one.

Usage: ``python -m bench.profile_import [--deals N] [--out DIR] [--store DIR] [--log FILE]
[--no-retry]``; the files are the ones ``bench.bench_import`` generates (same ``--out``).
CPU time counts all threads of the process (``time.process_time``).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from bench.common import OUT, generate_crm_files


def _rss_mb(field: str = "VmRSS") -> int:
    """Resident memory now (``VmRSS``) or its high-water mark so far (``VmHWM``), in MB."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field):
                return int(line.split()[1]) // 1024
    return 0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--deals", type=int, default=1_000_000)
    ap.add_argument("--out", type=Path, default=OUT, help="folder of the generated CSV files")
    ap.add_argument("--store", type=Path, default=None, help="store folder (default: a new temp folder)")
    ap.add_argument("--log", type=Path, default=Path("import_statements.log"))
    ap.add_argument("--no-retry", action="store_true")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--cli", action="store_true",
                    help="through `python -m funnel import` (the bench's path: the warnings read after it too)")
    args = ap.parse_args()

    import funnel.cli as cli
    import funnel.importer as importer
    import funnel.quality_report  # noqa: F401  (imported by the CLI after the import: its run is timed too)
    import funnel.readers.limits as limits
    import funnel.sql as fsql
    from funnel.store import Store

    deals, history = generate_crm_files(args.deals, args.out)
    limits.MAX_FILE_BYTES = 1 << 40  # the generated 10M history is 1.6 GB (as bench_import)
    if args.no_retry:
        importer.RETRY_BUDGETS = (None,)
    original, stats = fsql.run, []
    log = open(args.log, "w", buffering=1, encoding="utf-8")

    def timed_run(con, sql_text, params=None):
        wall, cpu = time.perf_counter(), time.process_time()
        text = " ".join(sql_text.split())
        try:
            result = original(con, sql_text, params)
        except Exception as exc:
            why = " ".join(str(exc.__cause__ or exc).split())  # DuckDB's own words (out of memory: what it allocated)
            log.write(f"FAILED after {time.perf_counter() - wall:.1f} s, rss {_rss_mb()} MB ({why[:400]}): {text[:600]}\n")
            raise
        stats.append((time.perf_counter() - wall, time.process_time() - cpu, text[:200]))
        log.write(f"{time.strftime('%H:%M:%S')} {stats[-1][0]:8.2f} {stats[-1][1]:8.2f} rss {_rss_mb():5d} "
                  f"peak {_rss_mb('VmHWM'):5d} {text[:200]}\n")
        return result

    for name, module in list(sys.modules.items()):  # every module that imported run by name
        if name.startswith("funnel") and getattr(module, "run", None) is original:
            module.run = timed_run
    store_dir = args.store or Path(tempfile.mkdtemp(prefix="profile_import_"))
    store_dir.mkdir(parents=True, exist_ok=True)
    wall, cpu = time.perf_counter(), time.process_time()
    if args.cli:
        os.environ["FUNNEL_DATA_DIR"] = str(store_dir)
        cli.main(["import", str(deals), "--history", str(history)])
    else:
        importer.import_file(Store(store_dir / "funnel.duckdb"), deals, deals.name, history=history,
                             history_name=history.name)
    print(f"import: wall {time.perf_counter() - wall:.1f} s, cpu {time.process_time() - cpu:.1f} s "
          f"(in statements: cpu {sum(s[1] for s in stats):.1f} s), peak RSS "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, "
          f"load average {os.getloadavg()[0]:.1f}; store in {store_dir}")
    for w, c, text in sorted(stats, key=lambda s: -s[1])[:args.top]:
        print(f"{w:8.2f} {c:8.2f}  {text[:150]}")


if __name__ == "__main__":
    main()
