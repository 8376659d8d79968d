"""A read beyond the store's memory budget runs again with a larger one (funnel/sql.py).

At 10M deals the Overview's findings and the Velocity page stopped with "the data needs more memory
than the store's budget": DuckDB's quantiles keep every value in memory and cannot spill, and the
store's 400MB budget is sized for what can. Scaled down here: three percentiles of 2,000,000 values
do not fit in 20 MB."""

from __future__ import annotations

import pytest

from funnel.errors import FunnelError
from funnel.sql import fetch_frame, run
from funnel.store import Store

# type 7 percentiles of 1..N: 1 + q (N - 1)
N = 2_000_000
PERCENTILES = (f"SELECT percentile_cont(0.1) WITHIN GROUP (ORDER BY x) AS p10, "
               f"percentile_cont(0.5) WITHIN GROUP (ORDER BY x) AS p50, "
               f"percentile_cont(0.9) WITHIN GROUP (ORDER BY x) AS p90 "
               f"FROM (SELECT range::DOUBLE + 1 AS x FROM range({N}))")
EXPECTED = (200_000.9, 1_000_000.5, 1_800_000.1)


def _limit(con) -> str:
    return con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]


@pytest.fixture
def small_store(tmp_path, monkeypatch):
    monkeypatch.setenv("FUNNEL_MEMORY_LIMIT", "20MB")
    return Store(tmp_path / "funnel.duckdb")


def test_a_read_beyond_the_budget_is_answered_with_a_larger_one(small_store, monkeypatch):
    with small_store.connect() as con:
        before = _limit(con)  # 20 MB = 2e7 bytes = 19.07 MiB
        monkeypatch.setattr("funnel.sql.READ_RETRY_BUDGETS", ())
        with pytest.raises(FunnelError) as err:  # without the retry: the store's budget is too small
            run(con, PERCENTILES)
        assert err.value.code == "store.out_of_memory"
    assert before == "19.0 MiB"
    monkeypatch.setattr("funnel.sql.READ_RETRY_BUDGETS", ("2GB", None))
    with small_store.connect() as con:
        # a query file's header comment goes first; the result is the statement's, not the SET's
        assert run(con, "-- percentiles of 1..N\n" + PERCENTILES).fetchone() == pytest.approx(EXPECTED)
        assert _limit(con) == "1.8 GiB"  # 2 GB = 2e9 bytes, while the result is held
    with small_store.connect() as con:
        assert _limit(con) == before  # the operation is over: the store's budget is back
        assert tuple(fetch_frame(con, PERCENTILES).iloc[0]) == pytest.approx(EXPECTED)
    with small_store.connect() as con:
        assert _limit(con) == before


def test_a_write_or_a_read_in_an_aborted_transaction_keeps_the_memory_message(small_store):
    with small_store.connect() as con:
        before = _limit(con)
        with pytest.raises(FunnelError) as err:  # a write is the caller's to retry (the import does)
            run(con, "CREATE TEMP TABLE q AS " + PERCENTILES)
        assert err.value.code == "store.out_of_memory"
        run(con, "BEGIN")
        with pytest.raises(FunnelError) as err:
            run(con, PERCENTILES)  # fails, then its retry finds the transaction aborted
        assert err.value.code == "store.out_of_memory" and "FUNNEL_MEMORY_LIMIT" in err.value.message("en")
        run(con, "ROLLBACK")
        assert _limit(con) == before
