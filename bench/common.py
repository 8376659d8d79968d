"""Benchmark helpers: medians over repeated runs, generated data written by DuckDB itself."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

OUT = Path(__file__).resolve().parent / "out"

STAGES = ["Lead", "Qualified", "Meeting", "Proposal", "Negotiation", "Contract", "Closed Won"]


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def timed_pair(a: Callable[[], object], b: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Medians of ``a`` and ``b`` timed in alternation (a, b, a, b, ...): on a noisy shared machine
    both see the same quiet and busy moments, so their ratio is steadier than two separate blocks."""
    times_a, times_b = [], []
    for _ in range(repeat):
        for fn, times in ((a, times_a), (b, times_b)):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return statistics.median(times_a), statistics.median(times_b)


def generate_crm_files(n_deals: int, out: Path, seed: float = 0.42) -> tuple[Path, Path]:
    """A deals CSV (English CRM-like headers, ISO dates) and a long history CSV (~4 rows per deal)."""
    out.mkdir(parents=True, exist_ok=True)
    deals, history = out / f"deals_{n_deals}.csv", out / f"history_{n_deals}.csv"
    if deals.exists() and history.exists():
        return deals, history
    con = duckdb.connect()
    con.execute("SELECT setseed(?)", [seed])
    con.execute("""CREATE TABLE d AS
        SELECT i AS id, 'Deal ' || i AS name,
               (1 + floor(random() * 6))::INT AS reached,
               random() AS r,
               TIMESTAMP '2024-01-01' + INTERVAL (floor(random() * 600 * 86400)) SECOND AS created,
               ['Anna', 'Boris', 'Chen', 'Dana', 'Egor', 'Fatima'][1 + floor(random() * 6)::INT] AS manager,
               ['google', 'yandex', 'email', 'referral'][1 + floor(random() * 4)::INT] AS source,
               round(1000 + random() * 99000, 2) AS amount
        FROM range(?) t(i)""", [n_deals])
    stages = STAGES
    con.execute("CREATE TABLE s AS SELECT * FROM (VALUES " +
                ", ".join(f"({i + 1}, '{s}')" for i, s in enumerate(stages)) + ") v(pos, name)")
    con.execute("""CREATE TABLE h AS
        SELECT d.id AS deal_id, s.name AS stage,
               d.created + INTERVAL ((s.pos - 1) * 5) DAY + INTERVAL (d.id % 3600) SECOND AS entered_at
        FROM d JOIN s ON s.pos <= CASE WHEN d.r < 0.25 THEN 7 ELSE d.reached END""")
    con.execute(f"""COPY (
        SELECT d.id AS "Deal ID", d.name AS "Deal Name",
               CASE WHEN d.r < 0.25 THEN 'Closed Won' WHEN d.r < 0.7 THEN 'Closed Lost'
                    ELSE (SELECT name FROM s WHERE s.pos = d.reached) END AS "Stage",
               d.amount AS "Amount", strftime(d.created, '%Y-%m-%d %H:%M:%S') AS "Created Date",
               CASE WHEN d.r < 0.7 THEN strftime(d.created + INTERVAL 40 DAY, '%Y-%m-%d %H:%M:%S') END
                   AS "Actual Close Date",
               d.manager AS "Owner", d.source AS "Lead Source"
        FROM d ORDER BY d.id) TO '{deals}' (HEADER, DELIMITER ',')""")
    con.execute(f"""COPY (SELECT deal_id AS "Deal ID", stage AS "Stage", strftime(entered_at, '%Y-%m-%d %H:%M:%S')
                          AS "Date Entered" FROM h ORDER BY deal_id, entered_at)
                   TO '{history}' (HEADER, DELIMITER ',')""")
    con.close()
    return deals, history
