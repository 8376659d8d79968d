"""The per-backend rewrites (funnel/backends/clickhouse.py REWRITES), each checked on its own:
what SQLGlot alone writes is wrong, the rewrite's output is what ClickHouse needs, and chdb
computes the value worked out by hand. Also: typed parameters, NULLs, comments in render()."""

from __future__ import annotations

from datetime import datetime

import pytest

from funnel.backends.clickhouse import REWRITES, ChdbBackend
from funnel.sql import render

chdb = pytest.importorskip("chdb")


@pytest.fixture(scope="module")
def ch():
    from funnel.backends import connect

    backend = connect("chdb")
    yield backend


def sql_of(text: str) -> str:
    return ChdbBackend.translate(ChdbBackend.__new__(ChdbBackend), text)


def test_every_rewrite_is_documented():
    assert [r.name for r in REWRITES] == ["exact_percentile", "micro_timestamps", "epoch_seconds",
                                          "trunc_timestamp", "named_columns", "hash"]
    assert all(len(r.why) > 20 for r in REWRITES)


def test_exact_percentile(ch):
    sql = sql_of("SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY x), median(x) FROM t")
    assert "WITHIN GROUP" not in sql and "median(" not in sql.lower().replace("quantile", "")
    assert sql.count("quantileExactInclusive") == 2
    # type 7 by hand over 1, 2, 4, 10: p25 at rank 1 + 0.75 = 1.75 -> 1 + 0.75 * (2 - 1) = 1.75;
    # median at rank 2.5 -> (2 + 4) / 2 = 3; p90 at rank 3.7 -> 4 + 0.7 * 6 = 8.2
    row = ch.execute("SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY x), median(x), "
                     "percentile_cont(0.9) WITHIN GROUP (ORDER BY x) "
                     "FROM (SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 4 UNION ALL SELECT 10) AS v").fetchone()
    assert row == pytest.approx((1.75, 3.0, 8.2))


def test_percentile_disc_is_refused_not_guessed():
    with pytest.raises(NotImplementedError):
        sql_of("SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM t")


def test_micro_timestamps_and_epoch(ch):
    assert "DateTime64(6)" in sql_of("SELECT CAST(x AS TIMESTAMP) FROM t")
    # 2024-01-01 00:00:01.5 is 1704067201.5 s after 1970-01-01 (19723 days * 86400 + 1.5)
    row = ch.execute("SELECT EXTRACT(EPOCH FROM CAST($t AS TIMESTAMP))",
                     {"t": datetime(2024, 1, 1, 0, 0, 1, 500000)}).fetchone()
    assert row[0] == pytest.approx(19723 * 86400 + 1.5, rel=1e-12)


def test_trunc_timestamp_is_a_timestamp(ch):
    # 2024-02-29 (a Thursday): its ISO week starts Monday 2024-02-26, its month on 2024-02-01
    week, month = ch.execute("SELECT date_trunc('week', $t), date_trunc('month', $t)",
                             {"t": datetime(2024, 2, 29, 13, 5)}).fetchone()
    assert (week, month) == (datetime(2024, 2, 26), datetime(2024, 2, 1))


def test_named_columns(ch):
    sql = sql_of('SELECT h.deal_id, h."город" FROM t AS h')
    assert 'AS "deal_id"' in sql and 'AS "город"' in sql
    row = ch.execute("SELECT deal_id FROM (SELECT h.deal_id FROM (SELECT 'D1' AS deal_id) AS h "
                     "JOIN (SELECT 'D1' AS deal_id) AS g ON g.deal_id = h.deal_id) AS x").fetchone()
    assert row == ("D1",)


def test_hash_exists(ch):
    assert "cityHash64" in sql_of("SELECT hash(x) % 1 FROM t")
    assert ch.execute("SELECT hash('a') % 1").fetchone() == (0,)


def test_typed_parameters_and_null(ch):
    sql, bound = ChdbBackend.bind(None, "SELECT {a: }, {b: }, {c: }, {d: }, {e: }",
                                  {"a": "x", "b": 2, "c": 1.5, "d": datetime(2024, 1, 2, 3, 4, 5), "e": None})
    assert sql == "SELECT {a:String}, {b:Int64}, {c:Float64}, {d:DateTime64(6)}, NULL"
    assert bound == {"a": "x", "b": 2, "c": 1.5, "d": "2024-01-02 03:04:05.000000"}
    # a NULL parameter is NULL (ClickHouse binds None as the text 'NULL'); a text value is only text
    row = ch.execute("SELECT $n IS NULL, $s", {"n": None, "s": "'); DROP TABLE deals; --"}).fetchone()
    assert row == (True, "'); DROP TABLE deals; --")


def test_empty_groups_stay_null(ch):
    import pyarrow as pa

    ch.load_arrow("rw_test", "deals", pa.table({"manager": ["Ann", None], "amount": [None, 5.0]}))
    rows = ch.execute('SELECT manager, sum(amount) FROM "rw_test"."deals" GROUP BY manager ORDER BY manager').fetchall()
    assert rows == [("Ann", None), (None, 5.0)]  # not ('', 0.0): NULL stays NULL
    # an unmatched LEFT JOIN column and an aggregate over no rows are NULL, as in DuckDB
    assert ch.execute('SELECT g.x FROM "rw_test"."deals" AS d LEFT JOIN (SELECT \'zz\' AS m, 1 AS x) AS g '
                      "ON g.m = d.manager ORDER BY d.manager").fetchall() == [(None,), (None,)]
    assert ch.execute('SELECT sum(amount) FROM "rw_test"."deals" WHERE amount > 100').fetchone() == (None,)


def test_render_leaves_comments_and_strings_alone():
    template = "-- uses {where} and {deals}\nSELECT '{x}' AS \"{y}\" FROM {deals} -- {deals}\nWHERE {where}"
    out = render(template, deals='"ds_1"."deals"', where="a = 1\nAND b = 2")
    assert out == ("-- uses {where} and {deals}\nSELECT '{x}' AS \"{y}\" FROM \"ds_1\".\"deals\" -- {deals}\n"
                   "WHERE a = 1\nAND b = 2")
    with pytest.raises(KeyError):
        render("SELECT * FROM {nothing}")


def test_the_in_memory_backend_keeps_one_temporary_folder_and_removes_it_at_exit(tmp_path):
    """``connect("chdb")`` made a new folder under the temp dir on every call (``setdefault`` evaluates its default)
    and none was removed: 26 ``funnel-chdb-*`` folders after a day of test runs. One folder per process, gone at
    its exit."""
    import os
    import subprocess
    import sys

    script = ("from funnel.backends import connect\n"
              "a = connect('chdb'); b = connect('chdb')\n"
              "a.execute_ddl('CREATE TABLE t (x Int32) ENGINE = Memory')\n"
              "print(a.url == b.url, a.url)\n")
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__)))).stdout.split()
    assert out[0] == "True" and out[1].startswith(str(tmp_path))
    assert list(tmp_path.iterdir()) == []
