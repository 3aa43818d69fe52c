"""CPU per stream-minute of a 4K H.264 RTSP camera: full decoding vs VLM Guard's reader.

Serves a 4K15 H.264 clip (1 s keyframe interval, made once with FFmpeg and
cached) from the real RTSP server, then reads it for the same wall time, at the
same time, in separate processes: (a) decoding every frame, (b) VLM Guard's
StreamReader with a 5 s tick, taking one frame per tick as the monitor does,
(c) the camera's feed with a 640x360 detection substream, ticked by the live
camera's own FrameTicker and Analyzer. Each process reports its own CPU time
(all threads), so the figures and their ratios come from one run.

With --replay, the same clip is read as a file instead: a full decode of it
against scripts/replay at the tick interval, each in a process of its own.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
import json
import os
from pathlib import Path
import resource
import subprocess
import sys
import time

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("VLM_GUARD_CACHE", Path.home() / ".cache" / "vlm_guard")) / "bench"


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def media_format(path: Path, field: str) -> float:
    """Return one field of a media file's container (duration, bit_rate) as ffprobe reads it."""
    return float(
        subprocess.run(
            ["ffprobe", "-v", "error", "-show_entries", f"format={field}", "-of", "csv=p=0", str(path)],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    )  # fmt: skip


def make_clip(seconds: int, scene: str, size: str, bitrate: str) -> Path:
    """Return a cached 15 fps H.264 clip with a 1 s keyframe interval, like a camera sends.

    `scene` "empty" loops the first 5 s of the real indoor clip (an empty room:
    the quiet ticks that are most of a camera's day); "busy" is the whole clip
    (people walking in and out). Light sensor noise is added, as cameras have.
    """
    CACHE.mkdir(parents=True, exist_ok=True)
    width, height = size.split("x")
    name = f"{scene}-{size}-{bitrate}"
    clip = CACHE / f"{name}-{seconds}s.mp4"
    if not clip.exists():
        from tests.harness.rtsp import footage

        source = footage("one-by-one-person-detection.mp4")
        if scene == "empty":
            inputs = ["-i", str(source)]
            prefix = "trim=0:5,setpts=PTS-STARTPTS,loop=loop=-1:size=50:start=0,"
        else:
            inputs, prefix = ["-stream_loop", "-1", "-i", str(source)], ""
        buffer = "2M" if width == "640" else "16M"
        # Encoded under another name first: a run cut short leaves no broken clip in the cache.
        partial = clip.with_suffix(".part.mp4")
        subprocess.run(
            [
                "ffmpeg", "-v", "error", *inputs, "-t", str(seconds),
                "-vf", f"{prefix}scale={width}:{height}:flags=bicubic,fps=15,noise=alls=1:allf=t",
                "-c:v", "libx264", "-preset", "veryfast", "-b:v", bitrate, "-maxrate", bitrate,
                "-bufsize", buffer, "-g", "15", "-pix_fmt", "yuv420p", "-an", "-y", str(partial),
            ],
            check=True,
        )  # fmt: skip
        partial.rename(clip)
    return clip


def _tick_schedule(started: float, seconds: float, interval: float) -> Iterator[float]:
    """Sleep until each tick, as the monitor's timer would; yield when the next one is due."""
    due = started + interval
    while (now := time.monotonic()) - started < seconds:
        time.sleep(max(0.0, min(due, started + seconds) - now))
        if time.monotonic() < due:
            continue
        due += interval
        yield due


def worker_full(url: str, seconds: float | None) -> dict[str, float]:
    """Decode every frame, the way a plain RTSP client (or player) would; a file to its end."""
    import av

    from custom_components.vlm_guard.core.stream import OPEN_OPTIONS

    started_cpu, started = _cpu_seconds(), time.monotonic()
    frames = 0
    live = url.startswith("rtsp://")
    options = dict(OPEN_OPTIONS) if live else {}
    with av.open(url, options=options, timeout=(10, 10)) as container:
        video = container.streams.video[0]
        video.thread_type = "AUTO"
        for _ in container.decode(video):
            frames += 1
            if seconds is not None and time.monotonic() - started >= seconds:
                break
    return {
        "cpu": _cpu_seconds() - started_cpu,
        "wall": time.monotonic() - started,
        "frames": frames,
    }


def worker_receive(url: str, seconds: float) -> dict[str, float]:
    """Only receive and demux the stream, decoding nothing: the floor of any RTSP reader."""
    import av

    from custom_components.vlm_guard.core.stream import OPEN_OPTIONS

    started_cpu, started = _cpu_seconds(), time.monotonic()
    packets = 0
    with av.open(url, options=dict(OPEN_OPTIONS), timeout=(10, 10)) as container:
        for _ in container.demux(container.streams.video[0]):
            packets += 1
            if time.monotonic() - started >= seconds:
                break
    return {"cpu": _cpu_seconds() - started_cpu, "wall": time.monotonic() - started, "frames": 0}


def worker_reader(url: str, seconds: float, interval: float) -> dict[str, float]:
    """Run VLM Guard's reader and take one frame per tick, as the camera monitor does."""
    from custom_components.vlm_guard.core.stream import StreamReader

    started_cpu, started = _cpu_seconds(), time.monotonic()
    reader = StreamReader(url, name="bench", tick_interval=interval)
    reader.start()
    ticks = fresh = 0
    last_sequence = 0
    try:
        for next_tick in _tick_schedule(started, seconds, interval):
            reader.schedule_tick(next_tick)
            frame = reader.latest()
            ticks += 1
            if frame is not None and frame.sequence != last_sequence:
                fresh += 1
                last_sequence = frame.sequence
    finally:
        reader.stop(5)
    return {
        "cpu": _cpu_seconds() - started_cpu,
        "wall": time.monotonic() - started,
        "frames": reader.decoded,
        "ticks": ticks,
        "fresh_ticks": fresh,
        "keyframes_only": reader.keyframes_only,
    }


def worker_substream(url: str, sub_url: str, seconds: float, interval: float) -> dict[str, float]:
    """Find motion on the substream; decode the 4K stream only when the VLM is to look.

    The camera's own feed and ticker do the work, as in Home Assistant: each
    tick schedules the next one and analyses the newest frame, blocking.
    """
    from custom_components.vlm_guard.core.feed import CameraFeed, FrameTicker
    from custom_components.vlm_guard.core.pipeline import Analyzer

    started_cpu, started = _cpu_seconds(), time.monotonic()
    feed = CameraFeed(url, sub_url, name="bench", interval=interval)
    ticker = FrameTicker(feed, Analyzer())
    feed.start()
    ticks = judged = 0
    try:
        for next_tick in _tick_schedule(started, seconds, interval):
            feed.schedule_tick(next_tick)
            result = ticker.tick()
            ticks += 1
            judged += result is not None and result.ask_vlm
    finally:
        CameraFeed.stop_readers(feed.readers, 5)
    assert feed.detect is not None
    return {
        "cpu": _cpu_seconds() - started_cpu,
        "wall": time.monotonic() - started,
        "frames": feed.main.decoded,
        "sub_frames": feed.detect.decoded,
        "ticks": ticks,
        "judged": judged,
    }


def worker_replay_read(path: str, interval: float) -> dict[str, float]:
    """Only read the file as scripts/replay does, analysing nothing: its decoding cost."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from replay import TickReader

    started_cpu, started = _cpu_seconds(), time.monotonic()
    reader = TickReader(path, interval)
    ticks = sum(1 for _ in reader)
    return {
        "cpu": _cpu_seconds() - started_cpu,
        "wall": time.monotonic() - started,
        "frames": reader.decoded,
        "ticks": ticks,
    }


def bench_replay(clip: Path, interval: float, description: str) -> None:
    """Time a full decode of a file against scripts/replay of it, one after the other."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    base = [sys.executable, __file__, "--interval", str(interval), "--url", str(clip)]

    def worker(name: str) -> dict[str, float]:
        done = subprocess.run(
            [*base, "--worker", name], capture_output=True, text=True, env=env, check=True
        )
        return dict(json.loads(done.stdout))

    full = worker("full-file")
    reading = worker("replay-read")
    # scripts/replay as a user runs it; its summary carries its own CPU time.
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "replay.py"), str(clip), "--interval", str(interval)],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    replay = json.loads(done.stderr.strip().splitlines()[-1])
    print(f"{description} as a file, replayed at a {interval:g} s tick")
    print(f"full decode: {full['cpu']:.2f} CPU s ({full['frames']} frames)")
    print(
        f"replay, reading only: {reading['cpu']:.2f} CPU s ({reading['frames']} frames decoded "
        f"for {reading['ticks']} ticks) = {reading['cpu'] / full['cpu']:.3f}x a full decode"
    )
    print(
        f"replay with motion analysis: {replay['cpu_seconds']:.2f} CPU s ({replay['ticks']} ticks, "
        f"{replay['decoded_frames']} of {replay['packets']} frames decoded, "
        f"{replay['vlm_calls']} VLM questions)"
    )
    print(
        f"replay at {interval:g} s tick: {replay['cpu_seconds'] / full['cpu']:.3f}x a full decode"
    )


def main() -> None:
    """Serve the clip, run both readers at once, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0, help="stream time measured (60)")
    parser.add_argument("--interval", type=float, default=5.0, help="tick interval (5)")
    parser.add_argument(
        "--scene",
        choices=["empty", "busy"],
        default="empty",
        help="an empty room (default: the quiet ticks) or people walking",
    )
    parser.add_argument(
        "--replay",
        action="store_true",
        help="compare scripts/replay of the clip as a file with a full decode of it",
    )
    parser.add_argument(
        "--worker",
        choices=["full", "full-file", "receive", "reader", "substream", "replay-read"],
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--sub-url", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker == "full":
        print(json.dumps(worker_full(args.url, args.seconds)))
        return
    if args.worker == "full-file":
        print(json.dumps(worker_full(args.url, None)))
        return
    if args.worker == "replay-read":
        print(json.dumps(worker_replay_read(args.url, args.interval)))
        return
    if args.worker == "receive":
        print(json.dumps(worker_receive(args.url, args.seconds)))
        return
    if args.worker == "reader":
        print(json.dumps(worker_reader(args.url, args.seconds, args.interval)))
        return
    if args.worker == "substream":
        print(json.dumps(worker_substream(args.url, args.sub_url, args.seconds, args.interval)))
        return

    sys.path.insert(0, str(ROOT))
    from tests.harness.rtsp import RtspServer

    length = int(args.seconds) + 30
    clip = make_clip(length, args.scene, "3840x2160", "8M")
    bitrate = int(media_format(clip, "bit_rate"))
    description = (
        f"4K15 H.264 ({args.scene} scene, {bitrate / 1e6:.1f} Mbit/s, 1 s keyframe interval)"
    )
    if args.replay:
        bench_replay(clip, args.interval, f"{description}, {length} s")
        return
    sub_clip = make_clip(length, args.scene, "640x360", "512k")
    # One server per reader, so that each reader gets its own session from the start.
    servers = [RtspServer(file=clip) for _ in range(4)] + [RtspServer(file=sub_clip)]
    for server in servers:
        server.start()
    try:
        base = [
            sys.executable,
            __file__,
            "--seconds",
            str(args.seconds),
            "--interval",
            str(args.interval),
        ]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        commands = {
            "full": [*base, "--worker", "full", "--url", servers[0].url],
            "reader": [*base, "--worker", "reader", "--url", servers[1].url],
            "substream": [
                *base,
                "--worker",
                "substream",
                "--url",
                servers[2].url,
                "--sub-url",
                servers[4].url,
            ],
            "receive": [*base, "--worker", "receive", "--url", servers[3].url],
        }
        procs = {
            name: subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
            for name, command in commands.items()
        }
        results = {
            name: json.loads(proc.communicate(timeout=args.seconds + 120)[0])
            for name, proc in procs.items()
        }
    finally:
        for server in servers:
            server.stop()

    full, ours = results["full"], results["reader"]
    per_minute = {name: r["cpu"] / r["wall"] * 60 for name, r in results.items()}
    print(f"{description} over RTSP/TCP, {args.seconds:.0f} s of stream, tick {args.interval:g} s")
    print(
        f"(a) decode every frame: {per_minute['full']:.2f} CPU s per stream-minute "
        f"= {per_minute['full'] / 60 * 100:.2f} % of one core ({full['frames']} frames)"
    )
    print(
        f"(b) VLM Guard reader:   {per_minute['reader']:.2f} CPU s per stream-minute "
        f"= {per_minute['reader'] / 60 * 100:.2f} % of one core ({ours['frames']} frames decoded, "
        f"{ours['fresh_ticks']}/{ours['ticks']} ticks got a new frame, keyframes only: {ours['keyframes_only']})"
    )
    print(f"(b)/(a) = {per_minute['reader'] / per_minute['full']:.3f}")
    sub = results["substream"]
    print(
        f"(c) with a 640x360 substream for motion, 4K decoded only when the VLM looks, analysis included: "
        f"{per_minute['substream']:.2f} CPU s per stream-minute = {per_minute['substream'] / 60 * 100:.2f} % "
        f"of one core ({sub['judged']}/{sub['ticks']} ticks judged, {sub['frames']} 4K frames decoded)"
    )
    print(f"(c)/(a) = {per_minute['substream'] / per_minute['full']:.3f}")
    print(
        f"(0) receiving the 4K stream without decoding anything: {per_minute['receive']:.2f} CPU s "
        f"per stream-minute = {per_minute['receive'] / 60 * 100:.2f} % of one core (the floor of any reader)"
    )


if __name__ == "__main__":
    main()
