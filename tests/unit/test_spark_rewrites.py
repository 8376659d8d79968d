"""The Spark rewrites (funnel/backends/spark_rewrites.py), each on its own: what SQLGlot alone
writes for a DuckDB statement, and what the rewrite makes of it. Pure SQLGlot, no Java: the numbers
Spark gives for the rewritten SQL are checked in tests/conformance/test_spark_engine.py."""

from __future__ import annotations

import pytest

sqlglot = pytest.importorskip("sqlglot")

from funnel.backends.spark_rewrites import REWRITES  # noqa: E402

BY_NAME = {r.name: r for r in REWRITES}


def plain(sql: str) -> str:
    return sqlglot.transpile(sql, read="duckdb", write="spark")[0]


def rewritten(sql: str, *names: str) -> str:
    tree = sqlglot.parse_one(sql, read="duckdb")
    for name in names or BY_NAME:
        tree = BY_NAME[name].apply(tree)
    return tree.sql(dialect="spark")


def test_every_rewrite_says_why():
    assert len(BY_NAME) == len(REWRITES) >= 6
    for r in REWRITES:
        assert r.why and len(r.why) < 200, r.name


def test_exact_percentile_replaces_the_approximate_one():
    sql = "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY amount) FROM t"
    assert "PERCENTILE_APPROX(amount, 0.5)" in plain(sql)  # what SQLGlot does silently
    out = rewritten(sql, "exact_percentile")
    assert "PERCENTILE(amount, 0.5)" in out and "APPROX" not in out


def test_exact_percentile_keeps_filter_and_turns_desc_into_one_minus_q():
    out = rewritten("SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY d DESC) FILTER (WHERE s = 'won') FROM t",
                    "exact_percentile")
    assert "PERCENTILE(d, 1 - 0.9) FILTER(WHERE s = 'won')" in out


def test_percentile_disc_stays_spark_own_discrete_percentile():
    sql = "SELECT percentile_disc(0.25) WITHIN GROUP (ORDER BY x) FROM t"
    assert "PERCENTILE_APPROX" in plain(sql)
    assert "PERCENTILE_DISC(0.25) WITHIN GROUP (ORDER BY x NULLS LAST)" in rewritten(sql, "exact_percentile")


def test_quantile_functions():
    sql = "SELECT quantile_cont(x, 0.9), quantile_disc(x, 0.5) FROM t"
    assert "PERCENTILE_CONT(x, 0.9)" in plain(sql)  # two arguments: Spark refuses it
    out = rewritten(sql, "quantile_functions")
    assert "PERCENTILE(x, 0.9)" in out
    assert "PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY x NULLS LAST)" in out


def test_epoch_seconds():
    sql = "SELECT EXTRACT(EPOCH FROM closed_at) FROM t"
    assert "EXTRACT(EPOCH FROM closed_at)" in plain(sql)  # no such field in Spark
    out = rewritten(sql, "epoch_seconds")
    assert out == ("SELECT CAST(TIMESTAMPDIFF(MICROSECOND, CAST('1970-01-01 00:00:00' AS TIMESTAMP_NTZ), "
                   "CAST(closed_at AS TIMESTAMP_NTZ)) AS DOUBLE) / 1000000 FROM t")


def test_boundary_date_diff_truncates_both_ends():
    sql = "SELECT date_diff('second', a, b) FROM t"
    assert plain(sql) == "SELECT DATEDIFF(SECOND, a, b) FROM t"  # whole elapsed seconds on Spark
    assert rewritten(sql, "boundary_date_diff") == (
        "SELECT TIMESTAMPDIFF(SECOND, CAST(DATE_TRUNC('SECOND', a) AS TIMESTAMP_NTZ), "
        "CAST(DATE_TRUNC('SECOND', b) AS TIMESTAMP_NTZ)) FROM t")


def test_week_difference_is_left_alone():
    # DuckDB's week difference is not a boundary count of Monday weeks: no truncation rewrite
    assert "DATE_TRUNC" not in rewritten("SELECT date_diff('week', a, b) FROM t", "boundary_date_diff")


def test_trunc_is_a_wall_clock_timestamp_for_dates_and_timestamps():
    sql = "SELECT date_trunc('month', CAST(created_at AS DATE)), date_trunc('week', entered_at) FROM t"
    assert "TRUNC(CAST(created_at AS DATE), 'MONTH')" in plain(sql)  # a DATE on Spark
    out = rewritten(sql, "trunc_wall_clock")
    assert "CAST(DATE_TRUNC('MONTH', CAST(created_at AS DATE)) AS TIMESTAMP_NTZ)" in out
    assert "CAST(DATE_TRUNC('WEEK', entered_at) AS TIMESTAMP_NTZ)" in out


def test_float_division():
    sql = "SELECT date_diff('second', a, b) / 86400.0, n / 2 FROM t"
    out = rewritten(sql, "float_division")
    assert "CAST(DATEDIFF(SECOND, a, b) AS DOUBLE) / 86400.0" in out
    assert "CAST(n AS DOUBLE) / 2" in out
    # applied once, not again on its own output
    assert rewritten("SELECT CAST(x AS DOUBLE) / 3 FROM t", "float_division") == "SELECT CAST(x AS DOUBLE) / 3 FROM t"


@pytest.mark.parametrize("sql, expected", [
    ("SELECT x FROM t ORDER BY x", "ORDER BY x NULLS LAST"),  # DuckDB sorts NULLs last, Spark first
    ("SELECT count(*) FILTER (WHERE a > 1) FROM t", "COUNT(*) FILTER(WHERE a > 1)"),
    ("SELECT last_value(x IGNORE NULLS) OVER (ORDER BY y) FROM t", "LAST_VALUE(x) IGNORE NULLS OVER"),
    ("SELECT 7 // 2 FROM t", "7 DIV 2"),
    ("SELECT CAST(x AS TIMESTAMP) FROM t", "CAST(x AS TIMESTAMP_NTZ)"),
    ("SELECT x FROM t WHERE a = $p_pipeline", "a = :p_pipeline"),
])
def test_what_sqlglot_already_gets_right(sql, expected):
    assert expected in rewritten(sql)


def test_bind_sends_times_as_text_cast_in_sql():
    from datetime import date, datetime

    from funnel.backends.spark import SparkBackend

    backend = SparkBackend.__new__(SparkBackend)
    sql, params = backend.bind("SELECT ':a' AS s, x FROM t WHERE a <= :a AND d = :d AND p = :p",
                               {"a": datetime(2025, 3, 1, 12, 0, 0, 5), "d": date(2025, 1, 2), "p": "x"})
    assert sql == ("SELECT ':a' AS s, x FROM t WHERE a <= CAST(:a AS TIMESTAMP_NTZ) "
                   "AND d = CAST(:d AS DATE) AND p = :p")
    assert params == {"a": "2025-03-01 12:00:00.000005", "d": "2025-01-02", "p": "x"}
