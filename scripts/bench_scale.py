"""Many cameras on one host: VLM Guard with N cameras inside a real Home Assistant.

Serves N 1080p15 H.264 cameras (real footage, 1 s keyframe interval, made once
with FFmpeg and cached) from one real RTSP server process, each at a path of
its own: the first K show people walking in and out, the others an empty room.
Home Assistant runs as its own process (as the browser tests start it), with
VLM Guard seeded with the N cameras (5 s tick) and the stand-in VLM as its
server; a small probe integration (scripts/bench_scale_probe.py, loaded as
`vlm_guard_bench`) measures the event loop's lag from inside Home Assistant.

After a warm-up, everything is measured over the same window: Home Assistant's
CPU time (all its threads, from /proc, and per kind of thread from the probe),
the loop's lag (and, beside it, the same lag in a bare process: what the
host's other load alone costs), the REST API's response time (one request a
second), VLM calls as VLM Guard and the stand-in count them, threads, memory
(at the start and end of the window, and the highest of its first and last
minutes), and what was dropped and counted (skipped ticks and findings,
reconnects, errors, clip packets, video packets received against those sent).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
from pathlib import Path
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any
from unittest.mock import patch

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_decode import make_clip, media_format  # noqa: E402

from tests.browser.home_assistant import HomeAssistantProcess, seed_vlm_guard  # noqa: E402
from tests.harness.rtsp import RtspServer  # noqa: E402

PROBE = ROOT / "scripts" / "bench_scale_probe.py"
PROBE_DOMAIN = "vlm_guard_bench"
SIZE = "1920x1080"
FPS = 15
PERSON_CLIP_SECONDS = 139
QUIET_SECONDS = 60
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
JEMALLOC = Path("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2")
# How Home Assistant's own container image runs it (its s6 run script), for --jemalloc.
JEMALLOC_ENV = {
    "LD_PRELOAD": str(JEMALLOC),
    "MALLOC_CONF": "background_thread:true,metadata_thp:auto,dirty_decay_ms:20000,muzzy_decay_ms:20000",
}
# What a real installation runs besides VLM Guard that matters here: the
# recorder writes every state change to SQLite. Logging stays at Home
# Assistant's usual level: debug lines from 32 cameras would measure logging.
CONFIGURATION = """\
http:
  server_host: 127.0.0.1
  server_port: {port}
recorder:
diagnostics:
media_source:
{probe}:
logger:
  default: warning
  logs:
    custom_components.vlm_guard: info
"""


def looped(clip: Path, seconds: float, folder: Path) -> Path:
    """Return the clip repeated (copied, not re-encoded) to last at least `seconds`.

    Each RTSP client plays its file from the start to the end: a file longer
    than the run means no camera reconnects because its footage ran out.
    """
    duration = media_format(clip, "duration")
    loops = max(1, math.ceil(seconds / duration))
    out = folder / f"{clip.stem}-x{loops}.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-stream_loop", str(loops - 1), "-i", str(clip),
         "-c", "copy", "-y", str(out)],
        check=True,
    )  # fmt: skip
    return out


class ScaleHomeAssistant(HomeAssistantProcess):
    """Home Assistant with N cameras served by one multi-path RTSP server, and the probe."""

    name = "Bench Scale"

    def __init__(
        self,
        work_dir: Path,
        mounts: dict[str, Path],
        interval: float,
        environment: dict[str, str] | None = None,
    ) -> None:
        """Serve `mounts` (path -> file), one camera each, ticking every `interval` s."""
        super().__init__(work_dir)
        self.mounts = mounts
        self.interval = interval
        self.environment = environment or {}

    @property
    def pids(self) -> dict[str, int]:
        """Return the process ids: Home Assistant, the RTSP server, the stand-in VLM."""
        pids = {}
        if self._process is not None:
            pids["home_assistant"] = self._process.pid
        if self.rtsp is not None and self.rtsp.process is not None:
            pids["rtsp_server"] = self.rtsp.process.pid
        if self._vlm is not None:
            pids["stand_in_vlm"] = self._vlm.pid
        return pids

    def _start_camera(self) -> None:
        self.rtsp = RtspServer(mounts=self.mounts)
        self.rtsp.start()

    def _write_config(self) -> None:
        assert self.rtsp is not None
        self.config_dir.mkdir(parents=True, exist_ok=True)
        (self.config_dir / "configuration.yaml").write_text(
            CONFIGURATION.format(port=self.port, probe=PROBE_DOMAIN), encoding="utf-8"
        )
        probe = self.config_dir / "custom_components" / PROBE_DOMAIN
        probe.mkdir(parents=True, exist_ok=True)
        shutil.copy(PROBE, probe / "__init__.py")
        (probe / "manifest.json").write_text(
            json.dumps(
                {
                    "domain": PROBE_DOMAIN,
                    "name": "VLM Guard bench probe",
                    "codeowners": [],
                    "documentation": "https://github.com/vlm-guard/vlm_guard",
                    "iot_class": "local_push",
                    "requirements": [],
                    "version": "0.1.0",
                }
            ),
            encoding="utf-8",
        )
        urls = [self.rtsp.url_with(path=path) for path in self.mounts]
        seed_vlm_guard(self.config_dir, self.vlm_url, urls[0])
        self._seed_cameras(urls)

    def _start_home_assistant(self) -> None:
        # VLM Guard is found in the `custom_components` namespace package through
        # the repository on PYTHONPATH; Home Assistant adds its config folder to
        # the path only while it first imports that package, so the probe's
        # folder must be on PYTHONPATH too to stay part of it.
        path = os.pathsep.join(filter(None, [str(self.config_dir), os.environ.get("PYTHONPATH")]))
        with patch.dict(os.environ, {"PYTHONPATH": path, **self.environment}):
            super()._start_home_assistant()

    def _seed_cameras(self, urls: list[str]) -> None:
        """Make the seeded entry's one camera into one camera per URL, at this tick."""
        from homeassistant.util.ulid import ulid_now

        storage = self.config_dir / ".storage" / "core.config_entries"
        document = json.loads(storage.read_text(encoding="utf-8"))
        entry = document["data"]["entries"][0]
        template = entry["subentries"][0]
        entry["subentries"] = [
            {
                **template,
                "data": {**template["data"], "rtsp_url": url, "interval": self.interval},
                "subentry_id": ulid_now(),
                "title": f"Bench {index:02d}",
            }
            for index, url in enumerate(urls, 1)
        ]
        storage.write_text(json.dumps(document, indent=2), encoding="utf-8")


# ----------------------------------------------------------------- measuring


def proc_stat(pid: int) -> dict[str, float]:
    """Return a process's CPU seconds (all threads), RSS (MB) and thread count."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return {
        "cpu": (int(fields[11]) + int(fields[12])) / CLOCK_TICKS,
        "rss": int(status["VmRSS"].split()[0]) / 1024,
        "threads": int(status["Threads"]),
    }


def load_average() -> float:
    """Return the host's 1-minute load average."""
    return os.getloadavg()[0]


def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


class Counters:
    """VLM Guard's counters, summed over cameras, from its diagnostics.

    VLM calls are the cameras' calls of the day: a run across midnight undercounts them.
    """

    KEYS = (
        "packets", "decoded", "errors", "decode_errors", "reconnects", "restarts",
        "abandoned", "busy_skips", "ticks_skipped", "clip_dropped", "calls",
        "failures", "unparseable", "reused", "server_calls", "frame_age_max",
    )  # fmt: skip

    def __init__(self, diagnostics: dict[str, Any]) -> None:
        """Sum the cameras' figures of one diagnostics download."""
        data = diagnostics["data"]
        self.values = dict.fromkeys(self.KEYS, 0.0)
        self.cameras = len(data["cameras"])
        for camera in data["cameras"].values():
            stream = camera["streams"][0]
            health = camera["health"]
            for key in ("packets", "decoded", "errors", "decode_errors", "reconnects"):
                self.values[key] += stream[key]
            self.values["restarts"] += health["restarts"]
            self.values["abandoned"] += health["abandoned_readers"]
            self.values["busy_skips"] += health["findings_skipped_while_busy"]
            self.values["ticks_skipped"] += health.get("ticks_skipped_while_busy", 0)
            self.values["clip_dropped"] += (camera.get("clips") or {}).get("dropped_packets", 0)
            self.values["calls"] += camera["vlm"]["calls_today"]
            self.values["failures"] += camera["vlm"]["failures"]
            self.values["unparseable"] += camera["vlm"]["unparseable"]
            self.values["reused"] += camera["vlm"]["reused"]
            self.values["frame_age_max"] = max(
                self.values["frame_age_max"], health["last_frame_age"] or 0.0
            )
        self.values["server_calls"] = data["server"]["calls_today"]

    def __sub__(self, other: Counters) -> dict[str, float]:
        """Return what each counter grew by (the largest frame age is not a counter)."""
        grown = {key: self.values[key] - other.values[key] for key in self.KEYS}
        grown["frame_age_max"] = self.values["frame_age_max"]
        return grown


def control_lag(seconds: float) -> None:
    """Sleep 0.1 s again and again for `seconds` in a bare process; print the lag percentiles.

    Run next to Home Assistant, it tells what the host's other load alone does
    to a sleeping event loop: the part of Home Assistant's lag it did not cause.
    """

    async def sample() -> list[float]:
        loop = asyncio.get_running_loop()
        lag = []
        until = loop.time() + seconds
        while (started := loop.time()) < until:
            await asyncio.sleep(0.1)
            lag.append((loop.time() - started - 0.1) * 1000)
        return lag

    lag = asyncio.run(sample())
    print(json.dumps({"p50": percentile(lag, 0.5), "p99": percentile(lag, 0.99), "max": max(lag)}))


class Bench:
    """Drive one measured run against a started ScaleHomeAssistant."""

    def __init__(self, ha: ScaleHomeAssistant, args: argparse.Namespace) -> None:
        """Measure `ha` as the command line says."""
        self.ha = ha
        self.args = args
        self.entry_id = ""
        self.api_times: list[float] = []
        self.api_errors = 0
        self.rss: list[tuple[float, float]] = []
        """(seconds into the window, RSS in MB) every 10 s."""

    async def diagnostics(self, session: aiohttp.ClientSession) -> Counters:
        """Download the server entry's diagnostics and sum its counters."""
        async with session.get(
            f"{self.ha.url}/api/diagnostics/config_entry/{self.entry_id}",
            headers=self.ha.headers(),
        ) as response:
            response.raise_for_status()
            return Counters(await response.json())

    async def probe(self, *, reset: bool) -> dict[str, Any]:
        """Return the in-process probe's figures since its last reset."""
        answer = await self.ha.call_service(
            PROBE_DOMAIN, "report", {"reset": reset}, return_response=True
        )
        return dict(answer["service_response"])

    async def stand_in(self, session: aiohttp.ClientSession) -> dict[str, Any]:
        """Return the stand-in VLM's request counts."""
        async with session.get(f"{self.ha.vlm_url}/_stand_in/stats") as response:
            return dict(await response.json())

    async def poll_api(self, session: aiohttp.ClientSession, entity_id: str, until: float) -> None:
        """Ask the REST API for one state a second, timing each answer, until `until`."""
        url = f"{self.ha.url}/api/states/{entity_id}"
        while (now := time.monotonic()) < until:
            started = time.perf_counter()
            try:
                async with session.get(url, headers=self.ha.headers()) as response:
                    await response.read()
                    if response.status != 200:
                        self.api_errors += 1
                self.api_times.append((time.perf_counter() - started) * 1000)
            except aiohttp.ClientError:
                self.api_errors += 1
            await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - now)))

    async def run(self) -> dict[str, Any]:
        """Warm up, measure the window, return every figure."""
        args = self.args
        ha = self.ha
        pids = ha.pids
        entries = await ha.ws({"type": "config_entries/get", "domain": "vlm_guard"})
        self.entry_id = entries[0]["entry_id"]
        async with aiohttp.ClientSession() as session:
            await asyncio.sleep(args.warmup * 60)
            states = await self._states(session)
            entity = next(s for s in states if s.endswith("_vlm_calls_today"))
            warm = await self.probe(reset=True)
            first = await self.diagnostics(session)
            stand_in_first = await self.stand_in(session)
            begin = {name: proc_stat(pid) for name, pid in pids.items()}
            started = time.monotonic()
            load_start = load_average()
            until = started + args.minutes * 60
            poller = asyncio.create_task(self.poll_api(session, entity, until))
            control = await asyncio.create_subprocess_exec(
                sys.executable, __file__, "--control", str(args.minutes * 60),
                stdout=asyncio.subprocess.PIPE,
            )  # fmt: skip
            next_report = started + args.report_every * 60
            while (now := time.monotonic()) < until:
                self.rss.append((now - started, proc_stat(pids["home_assistant"])["rss"]))
                if now >= next_report:
                    await self._progress(now - started, begin, pids)
                    next_report += args.report_every * 60
                await asyncio.sleep(min(10.0, until - now))
            await poller
            control_out, _ = await control.communicate()
            end = {name: proc_stat(pid) for name, pid in pids.items()}
            wall = time.monotonic() - started
            load_end = load_average()
            lag = await self.probe(reset=False)
            last = await self.diagnostics(session)
            stand_in_last = await self.stand_in(session)
        self.rss.append((wall, end["home_assistant"]["rss"]))
        return {
            "wall": wall,
            "begin": begin,
            "end": end,
            "lag": lag,
            "runqueue_wait": lag["loop_runqueue_wait"] - warm["loop_runqueue_wait"],
            "thread_cpu": {
                name: seconds - warm["thread_cpu_seconds"].get(name, 0.0)
                for name, seconds in lag["thread_cpu_seconds"].items()
            },
            "counters": last - first,
            "cameras": last.cameras,
            "stand_in_calls": stand_in_last["counts"].get("/api/chat", 0)
            - stand_in_first["counts"].get("/api/chat", 0),
            "stand_in_peak": stand_in_last["max_in_flight"],
            "load": (load_start, load_end),
            "control": json.loads(control_out),
            "states": len(states),
        }

    async def _states(self, session: aiohttp.ClientSession) -> list[str]:
        async with session.get(f"{self.ha.url}/api/states", headers=self.ha.headers()) as response:
            response.raise_for_status()
            return [state["entity_id"] for state in await response.json()]

    async def _progress(
        self, elapsed: float, begin: dict[str, dict[str, float]], pids: dict[str, int]
    ) -> None:
        now = proc_stat(pids["home_assistant"])
        lag = await self.probe(reset=False)
        cpu = (now["cpu"] - begin["home_assistant"]["cpu"]) / elapsed * 100
        print(
            f"[{elapsed / 60:5.1f} min] Home Assistant {cpu:.1f} % of a core, "
            f"RSS {now['rss']:.0f} MB, {now['threads']:.0f} threads, "
            f"loop lag p50 {lag['lag_p50_ms']:.1f} / p99 {lag['lag_p99_ms']:.1f} ms, "
            f"API p99 {percentile(self.api_times, 0.99):.1f} ms, load {load_average():.2f}",
            file=sys.stderr,
            flush=True,
        )


def summary(args: argparse.Namespace, figures: dict[str, Any], bitrate: float) -> None:
    """Print the run's figures as one table."""
    cameras = figures["cameras"]
    wall = figures["wall"]
    begin, end = figures["begin"], figures["end"]

    def core_share(name: str) -> float:
        return (end[name]["cpu"] - begin[name]["cpu"]) / wall * 100

    ha_cpu = core_share("home_assistant")
    rss_start, rss_end = begin["home_assistant"]["rss"], end["home_assistant"]["rss"]
    # Incidents come and go (the stand-in sees a person 40 s of every 2 minutes) and
    # hold their clip's packets meanwhile: compare the highest RSS of the window's
    # first and last minutes, each spanning whole incident cycles, as well.
    span = min(5.0, args.minutes / 3) * 60
    early = max(rss for at, rss in figures["rss"] if at <= span)
    late = max(rss for at, rss in figures["rss"] if at >= wall - span)
    lag = figures["lag"]
    counters = figures["counters"]
    expected_packets = FPS * wall * cameras
    python_threads = ", ".join(f"{name} {count}" for name, count in lag["python_threads"].items())
    by_thread = dict(sorted(figures["thread_cpu"].items(), key=lambda item: -item[1]))
    by_thread["other (FFmpeg's own threads...)"] = (
        end["home_assistant"]["cpu"] - begin["home_assistant"]["cpu"] - sum(by_thread.values())
    )
    thread_cpu = ", ".join(
        f"{name} {seconds / wall * 100:.1f}" for name, seconds in by_thread.items() if seconds > 0
    )
    rows = [
        ("cameras", f"{cameras} ({min(args.people, cameras)} with people walking)"),
        ("measured", f"{wall / 60:.1f} min after {args.warmup:g} min warm-up"),
        (
            "Home Assistant CPU",
            f"{ha_cpu:.1f} % of one core = {ha_cpu / cameras:.2f} % per camera",
        ),
        ("CPU by thread (% of one core)", thread_cpu),
        (
            "event-loop lag p50 / p99 / max",
            f"{lag['lag_p50_ms']:.1f} / {lag['lag_p99_ms']:.1f} / {lag['lag_max_ms']:.0f} ms "
            f"({lag['samples']} wake-ups of a 0.1 s sleep, {lag['lag_over_50ms']} over 50 ms); "
            f"the loop's thread waited {figures['runqueue_wait'] / wall * 1000:.1f} ms a second "
            "for a CPU",
        ),
        (
            "the same lag in a bare process beside it",
            f"{figures['control']['p50']:.1f} / {figures['control']['p99']:.1f} / "
            f"{figures['control']['max']:.0f} ms (what the host's load alone costs a sleeping loop)",
        ),
        (
            "REST API p50 / p99",
            f"{statistics.median(figures['api']) if figures['api'] else 0:.1f} / "
            f"{percentile(figures['api'], 0.99):.1f} ms ({len(figures['api'])} requests, "
            f"{figures['api_errors']} failed)",
        ),
        (
            "VLM calls",
            f"{counters['calls']:.0f} answered + {counters['failures']:.0f} failed "
            f"({counters['calls'] / wall * 60:.1f} per minute; {counters['reused']:.0f} repeats "
            f"reused without a call); the stand-in counted {figures['stand_in_calls']}, "
            f"at most {figures['stand_in_peak']} at once",
        ),
        (
            "threads",
            f"{begin['home_assistant']['threads']:.0f} at the start, "
            f"{end['home_assistant']['threads']:.0f} at the end (Python: {python_threads})",
        ),
        (
            "memory (RSS)",
            f"{rss_start:.0f} MB at the start → {rss_end:.0f} MB at the end "
            f"({(rss_end - rss_start) / rss_start * 100:+.1f} %); highest in the first "
            f"{span / 60:g} min {early:.0f} MB, in the last {span / 60:g} min {late:.0f} MB "
            f"({(late - early) / early * 100:+.1f} %); peak {max(r for _, r in figures['rss']):.0f} MB"
            f"{' (jemalloc)' if args.jemalloc else ' (glibc malloc)'}",
        ),
        (
            "executor queue",
            f"p99 {lag['executor_queue_p99']:.0f}, max {lag['executor_queue_max']} jobs waiting; "
            f"non-empty in {lag['executor_queued_share'] * 100:.1f} % of samples; "
            f"{lag['executor_threads']} executor threads",
        ),
        (
            "dropped (counted)",
            f"ticks skipped {counters['ticks_skipped']:.0f}, findings skipped while busy "
            f"{counters['busy_skips']:.0f}, reconnects {counters['reconnects']:.0f}, "
            f"read errors {counters['errors']:.0f}, decode errors {counters['decode_errors']:.0f}, "
            f"watchdog restarts {counters['restarts']:.0f}, clip packets dropped "
            f"{counters['clip_dropped']:.0f}, unparseable answers {counters['unparseable']:.0f}",
        ),
        (
            "video packets",
            f"{counters['packets']:.0f} received of ~{expected_packets:.0f} sent "
            f"({counters['packets'] / expected_packets * 100:.1f} %), {counters['decoded']:.0f} "
            f"decoded; oldest frame at the end {counters['frame_age_max']:.1f} s",
        ),
        (
            "peers (not Home Assistant)",
            f"RTSP server {core_share('rtsp_server'):.1f} %, stand-in VLM "
            f"{core_share('stand_in_vlm'):.1f} % of one core",
        ),
        (
            "host",
            f"{os.cpu_count()} cores; load average {figures['load'][0]:.2f} at the start, "
            f"{figures['load'][1]:.2f} at the end",
        ),
    ]
    print(
        f"VLM Guard at scale: {cameras} cameras, {SIZE} {FPS} fps H.264 at {bitrate / 1e6:.1f} "
        f"Mbit/s, 1 s keyframe interval, {args.interval:g} s tick, real RTSP server, "
        "stand-in VLM, inside Home Assistant"
    )
    print("| | |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


def main() -> None:
    """Make the footage, start everything, measure, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cameras", type=int, default=32, help="cameras (32)")
    parser.add_argument("--minutes", type=float, default=30.0, help="measured minutes (30)")
    parser.add_argument(
        "--people", type=int, help="cameras showing people walking (default: a quarter)"
    )
    # Memory climbs for the first minutes (recordings of the first incidents held,
    # the allocator's arenas filling) and is flat from about the fifth on.
    parser.add_argument("--warmup", type=float, default=5.0, help="minutes before measuring (5)")
    parser.add_argument("--interval", type=float, default=5.0, help="tick interval (5)")
    parser.add_argument("--bitrate", default="4M", help="video bitrate (4M)")
    parser.add_argument(
        "--report-every", type=float, default=5.0, help="minutes between progress lines (5)"
    )
    parser.add_argument(
        "--jemalloc",
        action="store_true",
        help="run Home Assistant on jemalloc, as its container image does (apt-get install libjemalloc2)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder (config, log)")
    parser.add_argument("--control", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.control is not None:
        control_lag(args.control)
        return
    if args.people is None:
        args.people = args.cameras // 4
    if args.jemalloc and not JEMALLOC.exists():
        parser.error(f"--jemalloc needs {JEMALLOC}: apt-get install libjemalloc2")

    busy = make_clip(PERSON_CLIP_SECONDS, "busy", SIZE, args.bitrate)
    quiet = make_clip(QUIET_SECONDS, "empty", SIZE, args.bitrate)
    bitrate = media_format(busy, "bit_rate")
    work = Path(tempfile.mkdtemp(prefix="vlm_guard_scale_"))
    ha: ScaleHomeAssistant | None = None
    try:
        # Footage for the whole run and a margin: no camera's file ends while measured.
        seconds = (args.warmup + args.minutes) * 60 + 300
        files = {"busy": looped(busy, seconds, work), "quiet": looped(quiet, seconds, work)}
        mounts = {
            f"/cam{index:02d}": files["busy" if index <= args.people else "quiet"]
            for index in range(1, args.cameras + 1)
        }
        ha = ScaleHomeAssistant(
            work, mounts, args.interval, JEMALLOC_ENV if args.jemalloc else None
        )
        print(
            f"Starting Home Assistant with {args.cameras} cameras in {work} ...",
            file=sys.stderr,
            flush=True,
        )
        ha.start(timeout=300)
        print(
            f"Started in {ha.start_seconds:.0f} s; warming up {args.warmup:g} min, "
            f"then measuring {args.minutes:g} min",
            file=sys.stderr,
            flush=True,
        )
        bench = Bench(ha, args)
        figures = asyncio.run(bench.run())
        figures["api"] = bench.api_times
        figures["api_errors"] = bench.api_errors
        figures["rss"] = bench.rss
        errors = ha.errors()
    finally:
        if ha is not None:
            ha.stop()
        if args.keep:
            print(f"Kept {work}", file=sys.stderr)
        else:
            with contextlib.suppress(OSError):
                shutil.rmtree(work)
    summary(args, figures, bitrate)
    if errors:
        print(f"\nVLM Guard logged {len(errors)} errors; the first:\n{errors[0]}")


if __name__ == "__main__":
    main()
