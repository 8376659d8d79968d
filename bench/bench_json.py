"""Importing an API's answer saved as JSON (funnel/readers/json_reader.py) against the same deals as CSV.

A generated Bitrix24 ``crm.deal.list`` answer (``{"result": [...], "total": N}``, every value a string,
16 fields per deal) and the same records written as CSV. Three contenders alternate, each run in a
fresh in-memory store: the import of the JSON file, the import of the CSV file, and plain pandas
reading the JSON (``json.load`` + ``pandas.json_normalize``: a table of text, no typing, no checks; the
least a script that flattens such an answer does). Medians and ratios are printed.

Usage: ``python -m bench.bench_json [--deals N] [--repeat K]``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import statistics
import time


def answer(n: int, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    stages = ["NEW", "PREPARATION", "EXECUTING", "WON", "LOSE"]
    semantic = {"WON": "S", "LOSE": "F"}
    records = []
    for i in range(n):
        stage = rng.choice(stages)
        records.append({
            "ID": str(i + 1), "TITLE": f"Deal #{i + 1}", "TYPE_ID": "SALE", "STAGE_ID": stage, "PROBABILITY": None,
            "CURRENCY_ID": "RUB", "OPPORTUNITY": f"{rng.randint(1, 500) * 1000}.00", "CATEGORY_ID": "0",
            "STAGE_SEMANTIC_ID": semantic.get(stage, "P"),
            "DATE_CREATE": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00+03:00",
            "CLOSEDATE": "2025-01-31T03:00:00+03:00", "CLOSED": "Y" if stage in semantic else "N",
            "ASSIGNED_BY_ID": str(1 + i % 25), "SOURCE_ID": rng.choice(["WEB", "CALL", "EMAIL"]),
            "UTM_SOURCE": None, "COMMENTS": None})
    return records


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--deals", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    import pandas as pd

    from funnel.importer import import_file
    from funnel.store import Store

    records = answer(args.deals)
    as_json = json.dumps({"result": records, "next": None, "total": len(records)}).encode()
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(records[0]))
    writer.writeheader()
    writer.writerows(records)
    as_csv = text.getvalue().encode()
    print(f"{args.deals:,} deals: JSON {len(as_json) / 1e6:.1f} MB, CSV {len(as_csv) / 1e6:.1f} MB")

    def json_import() -> None:
        import_file(Store(":memory:"), as_json, "crm.deal.list.json")

    def csv_import() -> None:
        import_file(Store(":memory:"), as_csv, "crm.deal.list.csv")

    def pandas_baseline() -> None:
        pd.json_normalize(json.loads(as_json)["result"])

    contenders = {"import JSON": json_import, "import CSV": csv_import, "pandas json_normalize": pandas_baseline}
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(args.repeat):
        for name, run in contenders.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    medians = {name: statistics.median(ts) for name, ts in times.items()}
    base = medians["pandas json_normalize"]
    for name, m in medians.items():
        print(f"{name:24} median {m:6.2f} s  ({m / base:4.1f}x pandas)  runs {[round(t, 2) for t in times[name]]}")
    print(f"JSON / CSV import: {medians['import JSON'] / medians['import CSV']:.2f}x")


if __name__ == "__main__":
    main()
