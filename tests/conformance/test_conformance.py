"""Every case of cases.py on every engine of engines.py over every dataset: the same numbers as
DuckDB (the store), floats to 1e-9 relative. An engine that cannot run a case fails it."""

from __future__ import annotations

import pytest
from cases import CASES
from compare import differences

from funnel.errors import FunnelError


def _outcome(fn, con, info):
    try:
        return fn(con, info)
    except FunnelError as exc:  # the same refusal (code) on every engine is conformance too
        return ("FunnelError", exc.code)


@pytest.mark.parametrize("case", list(CASES))
def test_same_numbers(engine, reference, case):
    name, backend = engine
    store, infos = reference
    fn = CASES[case]
    failures = []
    with store.connect() as con:
        for info in infos:
            expected = _outcome(fn, con, info)
            got = _outcome(fn, backend, info)
            diff = differences(expected, got, f"{info.name}:{case}")
            if diff:
                failures.append(diff)
    assert not failures, f"{name} differs from DuckDB:\n" + "\n".join(failures)
