"""A probe that scripts/bench_scale loads into Home Assistant as `vlm_guard_bench`.

It measures from inside Home Assistant's own process what its owners feel:
how late the event loop wakes a task that sleeps 0.1 s (the lag every callback,
timer and API request of Home Assistant waits on top of its own work), how many
jobs wait in the default executor's queue (where VLM Guard's frame work and
every integration's blocking I/O run), and which Python threads exist and
how much CPU each kind has used. The service `vlm_guard_bench.report` returns
the figures since the last reset.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
import os
from pathlib import Path
import re
import threading
from typing import Any

from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.helpers.typing import ConfigType
import voluptuous as vol

DOMAIN = "vlm_guard_bench"
PERIOD = 0.1
# A thread's name less its number or camera: "SyncWorker_12", "vlm_guard_reader[Bench 07]".
_NUMBERED = re.compile(r"(\[.*\]|[_-]?\d+)$")


def _thread_cpu() -> dict[str, float]:
    """Return the CPU seconds used so far by each kind of Python thread of this process."""
    ticks = os.sysconf("SC_CLK_TCK")
    used: Counter[str] = Counter()
    for thread in threading.enumerate():
        try:
            stat = Path(f"/proc/self/task/{thread.native_id}/stat").read_text()
        except OSError:
            continue  # It has just ended.
        fields = stat.rsplit(")", 1)[1].split()
        used[_NUMBERED.sub("", thread.name)] += (int(fields[11]) + int(fields[12])) / ticks
    return dict(used)


def _runqueue_wait() -> float:
    """Return how long (s) the event loop's thread has waited for a CPU so far (runnable, not run)."""
    main = threading.main_thread().native_id
    try:
        return int(Path(f"/proc/self/task/{main}/schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def _percentile(ordered: list[float], share: float) -> float:
    """Return the nearest-rank percentile of sorted values (0 for none)."""
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


class LagProbe:
    """Sleep PERIOD again and again on the event loop; record how late each wake-up came."""

    def __init__(self) -> None:
        """Start with no samples."""
        self.lag: list[float] = []
        self.queued: list[int] = []
        self._executor: ThreadPoolExecutor | None = None

    async def run(self) -> None:
        """Sample until Home Assistant stops (it cancels background tasks)."""
        loop = asyncio.get_running_loop()
        # Home Assistant's runner sets the loop's default executor; asyncio keeps it
        # in a private attribute, which only a probe like this one has a reason to read.
        executor = getattr(loop, "_default_executor", None)
        self._executor = executor if isinstance(executor, ThreadPoolExecutor) else None
        while True:
            started = loop.time()
            await asyncio.sleep(PERIOD)
            self.lag.append(loop.time() - started - PERIOD)
            if self._executor is not None:
                self.queued.append(self._executor._work_queue.qsize())  # noqa: SLF001

    def report(self, reset: bool) -> dict[str, Any]:
        """Return lag percentiles (ms), executor queue and threads; start over if asked."""
        lag = sorted(self.lag)
        queued = sorted(self.queued)
        threads = Counter(_NUMBERED.sub("", thread.name) for thread in threading.enumerate())
        cpu = _thread_cpu()
        report = {
            "samples": len(lag),
            "lag_p50_ms": _percentile(lag, 0.50) * 1000,
            "lag_p90_ms": _percentile(lag, 0.90) * 1000,
            "lag_p99_ms": _percentile(lag, 0.99) * 1000,
            "lag_max_ms": (lag[-1] if lag else 0.0) * 1000,
            "lag_over_50ms": sum(value > 0.050 for value in lag),
            "executor_queue_p99": _percentile([float(q) for q in queued], 0.99),
            "executor_queue_max": queued[-1] if queued else 0,
            "executor_queued_share": sum(q > 0 for q in queued) / len(queued) if queued else 0.0,
            "executor_threads": (
                len(self._executor._threads)  # noqa: SLF001
                if self._executor is not None
                else None
            ),
            "python_threads": dict(threads.most_common()),
            "thread_cpu_seconds": cpu,
            "loop_runqueue_wait": _runqueue_wait(),
        }
        if reset:
            self.lag, self.queued = [], []
        return report


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Start the probe and register its report service."""
    probe = LagProbe()
    hass.async_create_background_task(probe.run(), f"{DOMAIN} lag probe")

    async def _report(call: ServiceCall) -> ServiceResponse:
        return probe.report(bool(call.data.get("reset")))

    hass.services.async_register(
        DOMAIN,
        "report",
        _report,
        schema=vol.Schema({vol.Optional("reset", default=False): bool}),
        supports_response=SupportsResponse.ONLY,
    )
    return True
