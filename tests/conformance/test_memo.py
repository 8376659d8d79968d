"""The memory that lets a slow engine run each distinct statement once (memo.py) answers only
an exact repeat, and forgets every answer when a table is written or dropped: a conformance case
never gets rows that the engine would not give for that statement now."""

from __future__ import annotations

import pyarrow as pa
from memo import answer_repeats_from_memory, reads_only

from funnel.backends.base import Backend


class Counting(Backend):
    """An engine that answers every statement with the number of statements it has run so far."""

    name = "counting"
    dialect = "duckdb"

    def __init__(self):
        self.runs: list[tuple[str, dict]] = []

    @classmethod
    def connect(cls, url=None, **options):
        return cls()

    def _execute_native(self, sql, params):
        self.runs.append((sql, dict(params)))
        return pa.table({"n": [len(self.runs)]})

    def load_arrow(self, schema, table, data):
        pass

    def create_table_as(self, schema, table, select_sql, params=None):
        pass

    def drop_schema(self, schema):
        pass


def test_a_repeat_is_answered_from_memory_and_anything_else_runs():
    engine = Counting()
    answer_repeats_from_memory(engine)
    q = "SELECT count(*) FROM t WHERE a = $a"
    # run 1; its repeat answered from memory (still 1); other value: run 2; the value 1 as text
    # ('1' != 1): run 3; another statement: run 4; the first again: still 1
    got = [engine.execute(q, {"a": 1}).fetchone()[0], engine.execute(q, {"a": 1}).fetchone()[0],
           engine.execute(q, {"a": 2}).fetchone()[0], engine.execute(q, {"a": "1"}).fetchone()[0],
           engine.execute("WITH x AS (SELECT 1) SELECT * FROM x").fetchone()[0],
           engine.execute(q, {"a": 1}).fetchone()[0]]
    assert got == [1, 1, 2, 3, 4, 1]
    assert len(engine.runs) == 4


def test_writing_a_table_forgets_every_answer_and_statements_other_than_select_always_run():
    engine = Counting()
    answer_repeats_from_memory(engine)
    q = "SELECT count(*) FROM t"
    assert engine.execute(q).fetchone()[0] == 1
    for write in (lambda: engine.load_arrow("s", "t", pa.table({})), lambda: engine.create_table_as("s", "t", q),
                  lambda: engine.drop_schema("s")):
        write()
        before = len(engine.runs)
        # the table may hold other rows now: the next SELECT runs again (run before + 1), then is remembered
        assert engine.execute(q).fetchone()[0] == before + 1
        assert engine.execute(q).fetchone()[0] == before + 1
    assert engine.execute("DROP TABLE t").fetchone()[0] == 5
    assert engine.execute("DROP TABLE t").fetchone()[0] == 6  # a statement that changes something: never remembered


def test_a_query_file_read_past_its_leading_comments():
    # every funnel/queries file opens with /* what it counts */ comments: still a SELECT
    assert reads_only("/* metrics_stages: the stages */\n/* tables: {stages} */\nSELECT stage FROM s")
    assert reads_only("-- a note\n  WITH x AS (SELECT 1) SELECT * FROM x") and reads_only(" (SELECT 1)")
    assert not reads_only("/* SELECT in a comment */ DROP TABLE t")
    assert not reads_only("-- SELECT\nCREATE TABLE t AS SELECT 1") and not reads_only("INSERT INTO t SELECT 1")
    engine = Counting()
    answer_repeats_from_memory(engine)
    q = "/* metrics_stages: the stages of one pipeline */\nSELECT stage FROM s WHERE pipeline = $pipeline"
    assert [engine.execute(q, {"pipeline": "Sales"}).fetchone()[0] for _ in range(3)] == [1, 1, 1]
