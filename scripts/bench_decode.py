"""CPU per stream-minute of a 4K H.264 RTSP camera: full decoding vs VLM Guard's reader.

Serves a 4K15 H.264 clip (1 s keyframe interval, made once with FFmpeg and
cached) from the real RTSP server, then reads it for the same wall time, at the
same time, in two processes: (a) decoding every frame, (b) VLM Guard's
StreamReader with a 5 s tick, taking one frame per tick as the monitor does.
Each process reports its own CPU time (all threads), so the two figures and
their ratio come from one run.
"""

from __future__ import annotations

import argparse
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


def make_clip(seconds: int, source: str) -> Path:
    """Return a cached 4K15 H.264 clip like a 4K camera sends (8 Mbit/s cap, 1 s GOP).

    `source` "footage" upscales the real indoor clip and adds light sensor noise;
    "pattern" is FFmpeg's moving test pattern, harder to compress and decode.
    """
    CACHE.mkdir(parents=True, exist_ok=True)
    short = CACHE / f"4k15-{source}-20s.mp4"
    clip = CACHE / f"4k15-{source}-{seconds}s.mp4"
    if source == "footage":
        from tests.harness.rtsp import footage

        inputs = ["-i", str(footage("one-by-one-person-detection.mp4"))]
        scale = "scale=3840:2160:flags=bicubic,fps=15,"
    else:
        inputs = ["-f", "lavfi", "-i", "testsrc2=size=3840x2160:rate=15"]
        scale = ""
    if not short.exists():
        subprocess.run(
            [
                "ffmpeg", "-v", "error", *inputs, "-t", "20",
                "-vf", f"{scale}noise=alls=1:allf=t",
                "-c:v", "libx264", "-preset", "veryfast", "-b:v", "8M", "-maxrate", "8M",
                "-bufsize", "16M", "-g", "15", "-pix_fmt", "yuv420p", "-y", str(short),
            ],
            check=True,
        )  # fmt: skip
    if not clip.exists():
        loops = max(0, -(-seconds // 20) - 1)
        subprocess.run(
            ["ffmpeg", "-v", "error", "-stream_loop", str(loops), "-i", str(short),
             "-c", "copy", "-t", str(seconds), "-y", str(clip)],
            check=True,
        )  # fmt: skip
    return clip


def worker_full(url: str, seconds: float) -> dict[str, float]:
    """Decode every frame, the way a plain RTSP client would."""
    import av

    from custom_components.vlm_guard.core.stream import OPEN_OPTIONS

    started_cpu, started = _cpu_seconds(), time.monotonic()
    frames = 0
    with av.open(url, options=dict(OPEN_OPTIONS), timeout=(10, 10)) as container:
        video = container.streams.video[0]
        video.thread_type = "AUTO"
        for _ in container.decode(video):
            frames += 1
            if time.monotonic() - started >= seconds:
                break
    return {
        "cpu": _cpu_seconds() - started_cpu,
        "wall": time.monotonic() - started,
        "frames": frames,
    }


def worker_reader(url: str, seconds: float, interval: float) -> dict[str, float]:
    """Run VLM Guard's reader and take one frame per tick, as the camera monitor does."""
    from custom_components.vlm_guard.core.stream import StreamReader

    started_cpu, started = _cpu_seconds(), time.monotonic()
    reader = StreamReader(url, name="bench", tick_interval=interval)
    reader.start()
    ticks = fresh = 0
    last_sequence = 0
    try:
        next_tick = started + interval
        while (now := time.monotonic()) - started < seconds:
            time.sleep(max(0.0, min(next_tick, started + seconds) - now))
            if time.monotonic() < next_tick:
                continue
            next_tick += interval
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


def main() -> None:
    """Serve the clip, run both readers at once, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0, help="stream time measured (60)")
    parser.add_argument("--interval", type=float, default=5.0, help="tick interval (5)")
    parser.add_argument(
        "--source",
        choices=["footage", "pattern"],
        default="footage",
        help="real footage upscaled to 4K (default) or FFmpeg's test pattern",
    )
    parser.add_argument("--worker", choices=["full", "reader"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker == "full":
        print(json.dumps(worker_full(args.url, args.seconds)))
        return
    if args.worker == "reader":
        print(json.dumps(worker_reader(args.url, args.seconds, args.interval)))
        return

    sys.path.insert(0, str(ROOT))
    from tests.harness.rtsp import RtspServer

    clip = make_clip(int(args.seconds) + 30, args.source)
    bitrate = int(
        subprocess.run(
            ["ffprobe", "-v", "error", "-show_entries", "format=bit_rate", "-of", "csv=p=0", str(clip)],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    )  # fmt: skip
    server = RtspServer(file=clip)
    server.start()
    try:
        command = [
            sys.executable,
            __file__,
            "--seconds",
            str(args.seconds),
            "--interval",
            str(args.interval),
            "--url",
            server.url,
        ]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        procs = {
            name: subprocess.Popen(
                [*command, "--worker", name], stdout=subprocess.PIPE, text=True, env=env
            )
            for name in ("full", "reader")
        }
        results = {
            name: json.loads(proc.communicate(timeout=args.seconds + 120)[0])
            for name, proc in procs.items()
        }
    finally:
        server.stop()

    full, ours = results["full"], results["reader"]
    per_minute = {name: r["cpu"] / r["wall"] * 60 for name, r in results.items()}
    print(
        f"4K15 H.264 ({args.source}, {bitrate / 1e6:.1f} Mbit/s, 1 s keyframe interval) over RTSP/TCP, "
        f"{args.seconds:.0f} s of stream, tick {args.interval:g} s"
    )
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


if __name__ == "__main__":
    main()
