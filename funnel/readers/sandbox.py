"""Run risky parsing in a child process with memory and time limits.

A crafted workbook can make a native parser allocate hundreds of gigabytes and abort (a Rust
allocation failure is ``SIGABRT``, not an exception): in the Streamlit server that would end every
user's session. So workbook parsing runs in ``python -m funnel.readers.sandbox`` which first limits
its own address space (``RLIMIT_AS``) and CPU time, then calls the function; the parent waits at
most ``WORKER_SECONDS``. Arguments and results travel as pickles in a private temporary folder
(written by this process and its own child only).

:func:`run_isolated` returns the function's result, re-raises a :class:`FunnelError` it raised, and
turns a crash, a memory failure or a timeout into ``FunnelError(crash_code)``.
"""

from __future__ import annotations

import importlib
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..errors import FunnelError
from . import limits

ROOT = Path(__file__).resolve().parents[2]


def run_isolated(target: str, args: tuple, *, crash_code: str, params: dict[str, Any],
                 memory: int | None = None, seconds: int | None = None) -> Any:
    """``target`` is ``"module:function"``; ``params`` fill the crash message (e.g. the file name)."""
    memory = memory or limits.WORKER_MEMORY_BYTES
    seconds = seconds or limits.WORKER_SECONDS
    with tempfile.TemporaryDirectory(prefix="funnel_sandbox_") as tmp:
        job, out = Path(tmp) / "job.pickle", Path(tmp) / "out.pickle"
        job.write_bytes(pickle.dumps((target, args, memory, seconds)))
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        try:
            proc = subprocess.run([sys.executable, "-m", "funnel.readers.sandbox", str(job), str(out)],
                                  env=env, cwd=str(ROOT), timeout=seconds, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        except subprocess.TimeoutExpired as error:
            raise FunnelError("limits.parse_timeout", seconds=seconds, **params) from error
        if proc.returncode != 0 or not out.exists():
            raise FunnelError(crash_code, **params)
        status, payload = pickle.loads(out.read_bytes())
    if status == "error":
        code, error_params = payload
        raise FunnelError(code, **error_params)
    if status == "memory":
        raise FunnelError("limits.parse_memory", limit=f"{memory >> 30} GB", **params)
    return payload


def _child(job: Path, out: Path) -> int:
    import resource

    target, args, memory, seconds = pickle.loads(job.read_bytes())
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))
    module, function = target.split(":")
    try:
        result = ("ok", getattr(importlib.import_module(module), function)(*args))
    except FunnelError as error:
        result = ("error", (error.code, error.params))
    except MemoryError:
        result = ("memory", None)
    out.write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    sys.exit(_child(Path(sys.argv[1]), Path(sys.argv[2])))
