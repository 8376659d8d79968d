"""A viewer at the protocol level: Streamlit's websocket ``/_stcore/stream`` without a browser.

A browser tab sends a ``BackMsg.rerun_script`` (the URL's path and query, the widgets' values) and
the server answers with ``ForwardMsg``s: the page's elements (deltas), URL changes
(``page_info_changed``) and finally ``script_finished``. :class:`Viewer` does the same with the
proto classes Streamlit ships, so 20 viewers cost the load machine almost nothing and the server's
time is what gets measured (20 Chromium tabs on the server's own two cores mostly measured the
browsers). Rendering in a browser is not included: one real browser runs beside as a sanity check.

A fragment with ``run_every`` (a placeholder that waits for a background result, ui/background.py)
registers an ``auto_rerun``; :meth:`Viewer.settle` does what the browser's timer does (a fragment
rerun every interval) until a full run registers none, i.e. until the page is complete.

A run counts as an error when its elements hold an exception, an error box (``st.error``: a
"store busy" or "dataset gone" line), or when it does not finish within the timeout.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

FINAL = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
         ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


@dataclass
class RunResult:
    seconds: float
    errors: list[str] = field(default_factory=list)
    widgets: dict[str, str] = field(default_factory=dict)  # user key -> widget id
    auto_reruns: dict[str, float] = field(default_factory=dict)  # fragment id -> interval (s)
    fragment_only: bool = False  # the run was one fragment's, not the page's


class Viewer:
    """One browser session: ``await open(page, query)``, ``await toggle(key)``, ``await close()``."""

    def __init__(self, base_ws: str, timeout: float = 300.0):
        self.url = base_ws.rstrip("/") + "/_stcore/stream"
        self.timeout = timeout
        self.ws = None
        self.page = ""
        self.query = ""
        self.widgets: dict[str, str] = {}
        self.bools: dict[str, bool] = {}  # widget id -> value sent (toggles and checkboxes)

    async def connect(self) -> None:
        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None,
                                           open_timeout=self.timeout, ping_interval=None)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    async def open(self, page: str, query: str = "") -> RunResult:
        """Navigate to ``/<page>?<query>`` (a new page: no widget values carried over)."""
        self.page, self.query = page, query
        self.bools = {}
        return await self._rerun()

    async def toggle(self, key: str) -> RunResult:
        """Flip the toggle or checkbox with user key ``key`` (as a click would), then time the rerun."""
        wid = self.widgets[key]
        self.bools[wid] = not self.bools.get(wid, False)
        return await self._rerun()

    async def settle(self, last: RunResult) -> RunResult:
        """Follow the page's auto-reruns (as the browser's timers would) until a full run leaves
        none; the returned result's ``seconds`` is the time this took (0 when nothing was pending)."""
        start = time.perf_counter()
        result, pending = RunResult(0.0), dict(last.auto_reruns)
        while pending and not result.errors:
            fragment, interval = next(iter(pending.items()))
            await asyncio.sleep(interval)
            result = await self._rerun(fragment)
            if not result.fragment_only:  # the fragment asked for the whole page: what it registers now
                pending = dict(result.auto_reruns)
        result.seconds = time.perf_counter() - start if last.auto_reruns else 0.0
        return result

    async def _rerun(self, fragment: str = "") -> RunResult:
        if self.ws is None:
            await self.connect()
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_name = self.page
        if fragment:
            state.fragment_id = fragment
            state.is_auto_rerun = True
        for wid, value in self.bools.items():
            widget = state.widget_states.widgets.add()
            widget.id = wid
            widget.bool_value = value
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        result = RunResult(0.0)
        try:
            await asyncio.wait_for(self._until_finished(result), self.timeout)
        except TimeoutError:
            result.errors.append(f"timeout after {self.timeout:.0f} s")
            await self.close()  # the next run starts a fresh session
        result.seconds = time.perf_counter() - start
        self.widgets.update(result.widgets)
        return result

    async def _until_finished(self, result: RunResult) -> None:
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await self.ws.recv())
            kind = fwd.WhichOneof("type")
            if kind == "delta":
                _read_delta(fwd.delta, result)
            elif kind == "page_info_changed":
                self.query = fwd.page_info_changed.query_string
            elif kind == "auto_rerun":
                result.auto_reruns[fwd.auto_rerun.fragment_id] = fwd.auto_rerun.interval
            elif kind == "script_finished" and fwd.script_finished in FINAL:
                result.fragment_only = fwd.script_finished == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
                return


def _read_delta(delta, result: RunResult) -> None:
    if delta.WhichOneof("type") != "new_element":
        return
    element = delta.new_element
    kind = element.WhichOneof("type")
    if kind == "exception":
        result.errors.append(f"exception: {element.exception.type}: {element.exception.message[:120]}")
    elif kind == "alert" and element.alert.format == element.alert.ERROR:
        result.errors.append(f"error box: {element.alert.body[:120]}")
    elif kind == "checkbox" and "-" in element.checkbox.id:
        result.widgets[element.checkbox.id.rsplit("-", 1)[-1]] = element.checkbox.id
