"""What clips with pre-roll cost: buffer memory, remuxing a 30 s clip against decoding it, add().

Serves a 1080p15 H.264 clip with AAC sound (1 s keyframe interval, made once
with FFmpeg from the shared footage and cached) from the real RTSP server, and
reads it with VLM Guard's reader feeding a ClipBuffer, as a camera's main
stream is read. Once the buffer holds its 10 s, a recording starts with the
default 5 s pre-roll and is finished 25 s later: a 30 s clip. Then, in this
process with the reader stopped, the clip is written (remux, no re-encoding)
and the same clip is decoded in full, each timed in CPU seconds; and
ClipBuffer.add is timed per packet on the clip's packets.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
import statistics
import subprocess
import sys
import tempfile
import time

import av

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CACHE = Path(os.environ.get("VLM_GUARD_CACHE", Path.home() / ".cache" / "vlm_guard")) / "bench"

from bench_decode import media_format  # noqa: E402

from custom_components.vlm_guard.core.clip_buffer import (  # noqa: E402
    DEFAULT_PREROLL,
    ClipBuffer,
    ClipPackets,
)
from custom_components.vlm_guard.core.clip_writer import write_clip  # noqa: E402
from custom_components.vlm_guard.core.stream import StreamReader  # noqa: E402
from tests.harness.rtsp import RtspServer, footage  # noqa: E402

KEEP = 10.0
CLIP = 30.0


def make_clip(seconds: int, size: str, bitrate: str) -> Path:
    """Return a cached 15 fps H.264 clip (1 s keyframe interval) with 16 kHz mono AAC, like a camera."""
    CACHE.mkdir(parents=True, exist_ok=True)
    clip = CACHE / f"clip-{size}-{bitrate}-aac-{seconds}s.mp4"
    if clip.exists():
        return clip
    width, height = size.split("x")
    # Encoded under another name first: a run cut short leaves no broken clip in the cache.
    partial = clip.with_suffix(".part.mp4")
    subprocess.run(
        [
            "ffmpeg", "-v", "error", "-stream_loop", "-1",
            "-i", str(footage("one-by-one-person-detection.mp4")),
            "-f", "lavfi", "-i", "anoisesrc=color=pink:amplitude=0.02:sample_rate=16000",
            "-t", str(seconds), "-map", "0:v", "-map", "1:a",
            "-vf", f"scale={width}:{height}:flags=bicubic,fps=15,noise=alls=1:allf=t",
            "-c:v", "libx264", "-preset", "veryfast", "-b:v", bitrate, "-maxrate", bitrate,
            "-bufsize", bitrate, "-g", "15", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "32k", "-ac", "1", "-y", str(partial),
        ],
        check=True,
    )  # fmt: skip
    partial.rename(clip)
    return clip


def record(url: str) -> tuple[ClipPackets, list[tuple[float, int, int]]]:
    """Read the stream into a buffer; return the 30 s clip, memory samples and the stream's start."""
    buffer = ClipBuffer(keep_seconds=KEEP)
    reader = StreamReader(url, name="bench", tick_interval=5.0, clip_buffer=buffer)
    samples: list[tuple[float, int, int]] = []
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while buffer.seconds < KEEP and time.monotonic() < deadline:
            time.sleep(0.1)
        # Not recording: what a camera's buffer costs all day long.
        for _ in range(10):
            samples.append((buffer.seconds, buffer.bytes, buffer.packets))
            time.sleep(0.1)
        begun = time.monotonic()
        held = buffer.start(begun, DEFAULT_PREROLL)
        until = begun + CLIP - DEFAULT_PREROLL
        while (buffer.newest or 0.0) < until and time.monotonic() < until + 10:
            time.sleep(0.1)
        clip = buffer.finish(held, until)
    finally:
        reader.stop(5)
    if clip is None:
        raise SystemExit("no clip was recorded")
    return clip, samples


def time_add(path: Path, rounds: int = 3) -> tuple[float, int]:
    """Return the best per-packet wall time of ClipBuffer.add (µs) over the clip's packets."""
    with av.open(str(path)) as container:
        streams = [container.streams.video[0], *container.streams.audio[:1]]
        packets = [packet for packet in container.demux(streams) if packet.size]
        best = float("inf")
        for _ in range(rounds):
            buffer = ClipBuffer(keep_seconds=KEEP)
            buffer.open(container.streams.video[0], container.streams.audio[0])
            step = CLIP / len(packets)
            started = time.perf_counter()
            for index, packet in enumerate(packets):
                buffer.add(packet, index * step)
            best = min(best, (time.perf_counter() - started) / len(packets) * 1e6)
    return best, len(packets)


def decode_all(path: Path) -> tuple[float, int, int]:
    """Decode the clip's pictures and sound in full, as a player would: (CPU s, pictures, sound frames)."""
    started = time.process_time()
    pictures = sounds = 0
    with av.open(str(path)) as container:
        container.streams.video[0].thread_type = "AUTO"
        for packet in container.demux(*container.streams):
            decoded = len(packet.decode())
            if packet.stream.type == "video":
                pictures += decoded
            else:
                sounds += decoded
    return time.process_time() - started, pictures, sounds


def main() -> None:
    """Record a clip from the real RTSP server, then time writing and decoding it."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="1920x1080", help="picture size (1920x1080)")
    parser.add_argument("--bitrate", default="4M", help="video bitrate (4M)")
    args = parser.parse_args()

    source = make_clip(int(KEEP + CLIP + 20), args.size, args.bitrate)
    bitrate = int(media_format(source, "bit_rate"))
    server = RtspServer(file=source, audio=True)
    server.start()
    try:
        clip, samples = record(server.url)
    finally:
        server.stop()

    span = statistics.mean(seconds for seconds, _, _ in samples)
    kept = statistics.mean(size for _, size, _ in samples)
    count = statistics.mean(packets for _, _, packets in samples)
    print(
        f"{args.size} 15 fps H.264 + 16 kHz AAC, {bitrate / 1e6:.2f} Mbit/s, 1 s keyframe interval, "
        "over RTSP/TCP through VLM Guard's reader"
    )
    print(
        f"buffer per camera, not recording: {kept / 1e6:.2f} MB in {count:.0f} packets for "
        f"{span:.1f} s kept (keep {KEEP:g} s in whole GOPs) = {kept / span / 1e6:.2f} MB per second"
    )
    print(
        f"recording held: {clip.bytes / 1e6:.2f} MB for {clip.seconds:.1f} s "
        f"({len(clip.packets)} packets)"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clip.mp4"
        started, wall = time.process_time(), time.perf_counter()
        info = write_clip(clip, path)
        remux, remux_wall = time.process_time() - started, time.perf_counter() - wall
        decode, pictures, sounds = decode_all(path)
        per_packet, packets = time_add(path)
    print(
        f"write the {info.duration:.1f} s clip (remux to MP4, faststart, {info.size / 1e6:.2f} MB, "
        f"audio {info.has_audio}): {remux:.3f} CPU s ({remux_wall:.3f} s wall)"
    )
    print(
        f"decode the same clip in full: {decode:.3f} CPU s "
        f"({pictures} pictures, {sounds} audio frames)"
    )
    print(f"remux / decode = {remux / decode:.4f} (decoding costs {decode / remux:.0f}x the remux)")
    print(f"ClipBuffer.add: {per_packet:.1f} µs per packet (best of 3 over {packets} packets)")


if __name__ == "__main__":
    main()
