"""Keep Python's garbage collector off the page runs' critical path.

``.streamlit/config.toml`` turns off Streamlit's full ``gc.collect()`` after every script run (it
walked the whole heap, ~0.17 s a run on this app, under the GIL that every other viewer's run
needs). Python's generational collector still frees cycles on its own; :func:`freeze_startup_heap`,
called at the start of every run, moves what the process's first run loaded (modules, plotly's
validators, Babel's locale data: long-lived by nature) into the permanent generation at the start
of the second run, so the collector's occasional full pass skips it too.
"""

from __future__ import annotations

import gc
import threading

_LOCK = threading.Lock()
_RUNS = [0]


def freeze_startup_heap() -> bool:
    """Count a script run; at the second one of the process, freeze the objects alive (True then)."""
    with _LOCK:
        _RUNS[0] += 1
        if _RUNS[0] != 2:
            return False
    gc.collect()  # what is garbage now is freed, not frozen
    gc.freeze()
    return True
