"""Spark local on its own: every rewrite of funnel/backends/spark_rewrites.py gives the number worked
out by hand (DuckDB's definition), binding, tables and user relations work. The metric functions
themselves are compared with DuckDB by test_conformance.py (engine ``spark`` of engines.py).
Skipped, with the reason, where pyspark or Java is missing; CI installs Java."""

from __future__ import annotations

from datetime import date, datetime

import pyarrow as pa
import pytest

from funnel.backends import spark as spark_module

pytestmark = pytest.mark.xdist_group("spark")  # one Spark JVM per test run (see conftest)


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    reason = spark_module.unavailable()
    if reason:
        pytest.skip(reason)
    from funnel.backends import connect

    return connect("spark", "local[2]", warehouse=str(tmp_path_factory.mktemp("spark-warehouse")),
                   small_data=True)


X = "(SELECT CAST(v AS DOUBLE) AS x FROM (VALUES (1.0), (2.0), (3.5), (10.0)) AS t(v)) AS s"


def one(backend, sql, params=None):
    return backend.execute(sql, params).fetchone()


def test_exact_percentiles(spark):
    # Hyndman & Fan type 7 over 1, 2, 3.5, 10: h = (n - 1) q; q = .5: h = 1.5 -> 2 + .5 * 1.5 = 2.75;
    # q = .9: h = 2.7 -> 3.5 + .7 * 6.5 = 8.05. An approximate percentile returns 2.0 and 10.0.
    p50, p90 = one(spark, f"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x), "
                          f"percentile_cont(0.9) WITHIN GROUP (ORDER BY x) FROM {X}")
    assert p50 == pytest.approx(2.75, rel=1e-12) and p90 == pytest.approx(8.05, rel=1e-12)
    # DESC: the 0.9 quantile from the top is the 0.1 quantile: h = 0.3 -> 1 + .3 * 1 = 1.3
    assert one(spark, f"SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY x DESC) FROM {X}")[0] == pytest.approx(1.3)
    # FILTER keeps 2, 3.5, 10: median 3.5
    assert one(spark, f"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FILTER (WHERE x > 1) FROM {X}")[0] == 3.5
    # discrete: the first value whose cumulative share reaches q (1.0 holds 25 %, 2.0 reaches 50 %)
    assert one(spark, f"SELECT percentile_disc(0.25) WITHIN GROUP (ORDER BY x), quantile_disc(x, 0.5), "
                      f"quantile_cont(x, 0.5) FROM {X}") == (1.0, 2.0, 2.75)


def test_epoch_and_boundary_differences(spark):
    # 2026-10-31 is day 20,757 after 1970-01-01 (56 years with 14 leap days = 20,454, + 303 days of
    # 2026 before 31 October); 23:27:44.5 is 84,464.5 s into the day.
    epoch = 20_757 * 86_400 + 23 * 3600 + 27 * 60 + 44.5
    assert one(spark, "SELECT EXTRACT(EPOCH FROM TIMESTAMP '2026-10-31 23:27:44.5')")[0] == epoch
    # DuckDB counts boundaries: 44.9 s -> 45.1 s crosses one second; 23:00 -> 01:00 crosses a day
    assert one(spark, "SELECT date_diff('second', TIMESTAMP '2026-10-31 23:27:44.9', TIMESTAMP '2026-10-31 23:27:45.1'), "
                      "date_diff('day', TIMESTAMP '2024-01-01 23:00:00', TIMESTAMP '2024-01-02 01:00:00')") == (1, 1)


def test_truncation_is_a_wall_clock_timestamp(spark):
    # 2026-10-31 is a Saturday: its week starts on Monday the 26th
    week, month = one(spark, "SELECT date_trunc('week', TIMESTAMP '2026-10-31 23:27:44'), "
                             "date_trunc('month', CAST(TIMESTAMP '2026-10-31 23:27:44' AS DATE))")
    assert (week, month) == (datetime(2026, 10, 26), datetime(2026, 10, 1))


def test_division_is_floating_point_and_nulls_sort_last(spark):
    assert one(spark, "SELECT date_diff('second', TIMESTAMP '2024-01-01', TIMESTAMP '2024-01-01 00:00:01') / 86400.0, "
                      "7 / 2")[0] == 1 / 86400
    rows = spark.execute("SELECT x FROM (VALUES (2), (NULL), (1)) AS t(x) ORDER BY x").fetchall()
    assert rows == [(1,), (2,), (None,)]


def test_parameters_by_name_with_times_and_dates(spark):
    got = one(spark, "SELECT $p = 'Продажи', CAST($t AS TIMESTAMP), $t > TIMESTAMP '2025-03-01', $d, $n + 1, $none IS NULL",
              {"p": "Продажи", "t": datetime(2025, 3, 1, 12, 0, 0, 5), "d": date(2025, 1, 2), "n": 41, "none": None})
    assert got == (True, datetime(2025, 3, 1, 12, 0, 0, 5), True, date(2025, 1, 2), 42, True)
    # a value is never SQL: a stage named like an injection is just text
    evil = "'); DROP TABLE deals; --"
    assert one(spark, "SELECT $s", {"s": evil}) == (evil,)


def test_load_arrow_keeps_nulls_and_types(spark):
    data = pa.table({"deal_id": ["a", "b", None], "amount": [1.5, None, 3.0],
                     "n": pa.array([40_000, 2, None], pa.decimal128(38, 0)),  # DuckDB's HUGEINT
                     "at": pa.array([datetime(2025, 1, 1, 8, 30), None, datetime(2025, 1, 2)], pa.timestamp("us"))})
    spark.load_arrow("t_load", "rows", data)
    rows = spark.execute('SELECT deal_id, amount, n, at FROM "t_load"."rows" ORDER BY deal_id').fetchall()
    assert rows == [("a", 1.5, 40_000, datetime(2025, 1, 1, 8, 30)), ("b", None, 2, None), (None, 3.0, None, datetime(2025, 1, 2))]
    spark.create_table_as("t_load", "big", 'SELECT deal_id FROM "t_load"."rows" WHERE amount > $a', {"a": 2.0})
    assert spark.execute('SELECT * FROM "t_load"."big"').fetchall() == [(None,)]
    spark.drop_schema("t_load")
    from funnel.errors import FunnelError

    with pytest.raises(FunnelError) as err:
        spark.execute('SELECT * FROM "t_load"."rows"')
    assert err.value.code == "spark.query_failed" and "NOT_FOUND" in err.value.params["reason"]


def test_tables_survive_a_new_session_catalog(spark):
    """Local mode keeps stored tables' files: a catalog that lost them registers them again."""
    spark.load_arrow("t_keep", "deals", pa.table({"x": [1, 2, 3]}))
    spark.spark.sql("DROP TABLE `t_keep`.`deals`")  # what a restart does to the in-memory catalog
    spark._register_warehouse()
    assert one(spark, 'SELECT sum(x) FROM "t_keep"."deals"') == (6,)
    spark.drop_schema("t_keep")


def test_attach_parquet_paths_gives_the_imported_numbers(spark, tmp_path, monkeypatch):
    """A sample exported to Parquet (``funnel export``) and attached from its paths on Spark shows
    the same Overview, funnel, A/B and velocity numbers as the same sample imported into DuckDB."""
    from compare import differences

    from funnel import ab_dataset, metrics
    from funnel.backends.attach import attach
    from funnel.backends.transfer import export_parquet
    from funnel.importer import import_file
    from funnel.sample_datasets import SAMPLE_DIR, manifest
    from funnel.spec import FunnelSpec
    from funnel.store import Store
    from funnel.velocity import cycle

    monkeypatch.setenv("FUNNEL_SPARK_WAREHOUSE", str(tmp_path / "warehouse"))
    entry = next(e for e in manifest() if e["file"].startswith("saas"))
    store = Store(":memory:")
    info, _b, _d = import_file(store, SAMPLE_DIR / entry["file"], entry["file"], history=SAMPLE_DIR / entry["history"],
                               stages=entry.get("stages"), preset=entry.get("preset"), name=entry["name"])
    with store.connect() as con:
        export_parquet(con, info, tmp_path / "lake")
    tables = {role: ("parquet", str(tmp_path / "lake" / f"{role}.parquet")) for role in ("deals", "stages", "events")}
    attached = attach(store, "spark", "local[2]", tables, "SaaS on Spark")
    assert attached.engine["backend"] == "spark" and attached.pipelines == info.pipelines
    spec = FunnelSpec()
    with store.connect() as con, store.connect(attached) as remote:
        for what, fn in {
            "overview": lambda c, i: metrics.overview(c, i, spec),
            "funnel": lambda c, i: metrics.stage_funnel(c, i, spec),
            "ab": lambda c, i: ab_dataset.step_counts(c, i, spec, "source"),
            "cycle": lambda c, i: cycle.cycle(c, i, spec),
        }.items():
            assert differences(fn(con, info), fn(remote, attached), what) is None
