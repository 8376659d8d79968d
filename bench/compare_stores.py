"""Are two stores' datasets the same? Every stored table compared row for row, both ways.

Usage: ``python -m bench.compare_stores A B [--exact-rank]`` (two store files, ``funnel.duckdb``, or
the folders holding them). Datasets are paired by id (two stores filled by the same imports in the
same order give the same ids); for each pair every table of the dataset's schema (deals, events,
stays, stages, counts, quality, ...) is compared with ``EXCEPT ALL`` both ways (a multiset
comparison: duplicates count, row order does not), and the catalog rows (``main.datasets``) on
their counts, shape, version and meta (the import time and id aside).

``stay_rank`` orders stays of equal duration arbitrarily in stores built before it was made
deterministic (ties broken by the deal's row_no and the entry time), so by default the stays are
compared without it, plus the multiset of (pipeline, position, stay_days, stay_rank): the same
ranks given to the same durations. ``--exact-rank`` compares the stays' rows whole.

Prints one line per table (rows, and the rows only one side has) and ends with ``SAME`` or
``DIFFERENT``; exit status 0 when the same, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb

from funnel.sql import ident

CATALOG_COLUMNS = ("name", "source_file", "source_hash", "history_file", "shape", "rows_read", "rows_rejected",
                   "n_deals", "n_events", "version")


def _file(path: str) -> str:
    p = Path(path)
    return str(p / "funnel.duckdb") if p.is_dir() else str(p)


def _columns(con, db: str, schema: str, table: str) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = $d AND schema_name = $s "
        "AND table_name = $t ORDER BY column_index", {"d": db, "s": schema, "t": table}).fetchall()]


def _tables(con, db: str, schema: str) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = $d AND schema_name = $s ORDER BY 1",
        {"d": db, "s": schema}).fetchall()]


def _only(con, left: str, right: str, cols: list[str]) -> int:
    select = ", ".join(ident(c) for c in cols)
    return con.execute(f"SELECT count(*) FROM (SELECT {select} FROM {left} EXCEPT ALL "
                       f"SELECT {select} FROM {right})").fetchone()[0]


def _compare(con, a: str, b: str, cols: list[str], label: str) -> bool:
    n_a = con.execute(f"SELECT count(*) FROM {a}").fetchone()[0]
    n_b = con.execute(f"SELECT count(*) FROM {b}").fetchone()[0]
    only_a, only_b = _only(con, a, b, cols), _only(con, b, a, cols)
    same = n_a == n_b and only_a == 0 and only_b == 0
    print(f"  {label:50s} rows {n_a:>10,} / {n_b:>10,}  only in A {only_a:>8,}  only in B {only_b:>8,}"
          f"  {'same' if same else 'DIFFERENT'}")
    return same


def compare(path_a: str, path_b: str, exact_rank: bool = False) -> bool:
    con = duckdb.connect()
    con.execute(f"ATTACH {_quote(_file(path_a))} AS a (READ_ONLY)")
    con.execute(f"ATTACH {_quote(_file(path_b))} AS b (READ_ONLY)")
    cat = {db: {r[0]: r[1:] for r in con.execute(
        f"SELECT id, {', '.join(CATALOG_COLUMNS)}, meta FROM {db}.main.datasets ORDER BY id").fetchall()}
        for db in ("a", "b")}
    same = True
    if set(cat["a"]) != set(cat["b"]):
        print(f"dataset ids differ: A {sorted(cat['a'])}, B {sorted(cat['b'])}")
        same = False
    for ds in sorted(set(cat["a"]) & set(cat["b"])):
        row_a, row_b = cat["a"][ds], cat["b"][ds]
        meta_a, meta_b = (json.loads(r[-1] or "{}") for r in (row_a, row_b))
        catalog_same = row_a[:-1] == row_b[:-1] and meta_a == meta_b
        print(f"dataset {ds} ({row_a[0]}): catalog row {'same' if catalog_same else 'DIFFERENT'}")
        if not catalog_same:
            for name, x, y in zip((*CATALOG_COLUMNS, "meta"), (*row_a[:-1], meta_a), (*row_b[:-1], meta_b), strict=True):
                if x != y:
                    print(f"    {name}: A {x!r}\n    {' ' * len(name)}  B {y!r}")
        same &= catalog_same
        schema = f"ds_{ds}"
        tables_a, tables_b = _tables(con, "a", schema), _tables(con, "b", schema)
        if tables_a != tables_b:
            print(f"  tables differ: A {tables_a}, B {tables_b}")
            same = False
        for table in sorted(set(tables_a) & set(tables_b)):
            cols = _columns(con, "a", schema, table)
            if cols != _columns(con, "b", schema, table):
                print(f"  {table}: columns differ: A {cols}, B {_columns(con, 'b', schema, table)}")
                same = False
                continue
            ta, tb = ident("a", schema, table), ident("b", schema, table)
            if table == "stays" and "stay_rank" in cols and not exact_rank:
                same &= _compare(con, ta, tb, [c for c in cols if c != "stay_rank"], "stays (without stay_rank)")
                same &= _compare(con, ta, tb, ["pipeline", "position", "stay_days", "stay_rank"],
                                 "stays (pipeline, position, stay_days, stay_rank)")
            else:
                same &= _compare(con, ta, tb, cols, table)
    print("SAME" if same else "DIFFERENT")
    return same


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--exact-rank", action="store_true", help="compare the stays' stay_rank row for row too")
    args = ap.parse_args()
    sys.exit(0 if compare(args.a, args.b, args.exact_rank) else 1)


if __name__ == "__main__":
    main()
