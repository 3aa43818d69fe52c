"""Replay a recording (or a live RTSP URL) through VLM Guard's own pipeline.

Prints one JSON object per tick to stdout, as fast as the source decodes:
  {"t": seconds into the stream, "frame": seconds of the frame analysed,
   "motion": bool, "boxes": [[x, y, w, h], ...], "crop": [x, y, w, h] or null,
   "vlm": bool, "reason": "motion" | "fallback" | "first" | null}
`vlm` is true when the VLM would be asked; with --vlm it is asked, and the line
also carries "verdict": {"alert", "rule", "description"}. Boxes are in source
pixels. A summary goes to stderr: ticks, VLM calls, frames decoded, CPU seconds.

The source is read as the live reader reads a camera, on the source's own
timeline: when keyframes come at least once per tick, only the keyframe that
arrives just before each tick is decoded, and that is the frame the tick sees.
A tick that would see no new frame is skipped, as on the camera.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
import json
import os
from pathlib import Path
import sys
import time
from typing import Any, Final

import aiohttp
import av

from custom_components.vlm_guard.core.defaults import DEFAULT_FALLBACK_INTERVAL, MOTION_MODES
from custom_components.vlm_guard.core.keyframes import KeyframeGate
from custom_components.vlm_guard.core.pipeline import Analyzer
from custom_components.vlm_guard.core.settings import (
    CONF_MOTION_MODE,
    MOTION_DEFAULTS,
    motion_config,
)
from custom_components.vlm_guard.core.stream import OPEN_OPTIONS, decode_keyframe
from custom_components.vlm_guard.core.verdict import parse_verdict
from custom_components.vlm_guard.core.vlm import (
    BACKENDS,
    VLMClient,
    VLMError,
    VLMSettings,
    create_client,
)
from custom_components.vlm_guard.core.zones import ZoneError, parse_zones

# Timestamps closer than this are the same instant (they went through floats).
_SAME_TIME: Final = 1e-6


@dataclass(frozen=True, slots=True)
class Tick:
    """One tick: when it came, and the frame the live reader would have had in hand."""

    t: float
    frame_t: float
    frame: av.VideoFrame


class TickReader:
    """Read a source as the camera's reader does, with ticks on the source's own timeline."""

    def __init__(self, source: str, interval: float) -> None:
        """Prepare to read `source` with a tick every `interval` seconds of its timeline."""
        self.source = source
        self.interval = interval
        self.gate = KeyframeGate(interval)
        self.packets = 0
        self.decoded = 0
        """Frames the decoder gave: about one per tick when keyframes suffice."""
        self.keyframes_only = False

    def __iter__(self) -> Iterator[Tick]:
        """Yield the ticks that get a new frame, in order."""
        live = self.source.startswith(("rtsp://", "rtsps://"))
        options = dict(OPEN_OPTIONS) if live else {}
        gate = self.gate
        with av.open(self.source, options=options) as container:
            video = container.streams.video[0]
            # The reader's settings, so that the same frames come out at the same time.
            video.thread_type = "SLICE"
            time_base = video.time_base
            # Demuxers give every stream a time base; the type allows for none.
            assert time_base is not None
            start: float | None = None
            clock = next_tick = 0.0
            in_hand: tuple[float, av.VideoFrame] | None = None
            seen: av.VideoFrame | None = None
            gate.schedule_tick(next_tick)
            for packet in container.demux(video):
                if packet.size == 0 or packet.pts is None:
                    continue
                seconds = float(packet.pts * time_base)
                start = seconds if start is None else start
                # With B-frames packets come out of display order: time is the newest seen.
                clock = max(clock, seconds - start)
                # Ticks whose time has passed read the frame in hand, as the live ticks do;
                # ticks before the first frame wait for it.
                while in_hand is not None and clock > next_tick + _SAME_TIME:
                    if in_hand[1] is not seen:
                        seen = in_hand[1]
                        yield Tick(next_tick, *in_hand)
                    next_tick += self.interval
                    gate.schedule_tick(next_tick)
                self.packets += 1
                if packet.is_keyframe:
                    gate.keyframe(seconds)
                    # Switch modes only on a keyframe: a P-frame needs its references.
                    self.keyframes_only = gate.keyframes_suffice
                    if self.keyframes_only and not gate.wanted(clock):
                        continue
                elif self.keyframes_only:
                    continue
                gate.decoding(clock)
                try:
                    images = (
                        decode_keyframe(video, packet)
                        if self.keyframes_only
                        else video.codec_context.decode(packet)
                    )
                except av.error.InvalidDataError:
                    continue
                for image in images:
                    self.decoded += 1
                    gate.delivered()
                    if image.pts is not None:
                        in_hand = (float(image.pts * time_base) - start, image)


def _parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scripts/replay",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("source", help="a video file or an rtsp:// URL")
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between ticks (5)")
    parser.add_argument(
        "--zones", type=Path, help='zones file: {"zones": [{"name", "type", "points"}]}'
    )
    parser.add_argument(
        "--fallback",
        type=float,
        default=DEFAULT_FALLBACK_INTERVAL,
        help="seconds between full-frame checks, 0 for none (60)",
    )
    parser.add_argument(
        "--motion",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help=(
            f"override a motion constant ({', '.join(MOTION_DEFAULTS)}),"
            f" or the filter: mode={'|'.join(MOTION_MODES)}; repeatable"
        ),
    )
    parser.add_argument("--vlm", metavar="URL", help="ask this VLM server and print its verdicts")
    parser.add_argument("--backend", choices=BACKENDS, default="ollama")
    parser.add_argument("--model", default="qwen2.5vl:7b")
    parser.add_argument("--num-ctx", type=int, default=4096)
    parser.add_argument("--timeout", type=float, default=60.0)
    return parser.parse_args(argv)


def _motion(overrides: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for item in overrides:
        key, _, value = item.partition("=")
        if key == CONF_MOTION_MODE and value in MOTION_MODES:
            values[key] = value
            continue
        if key not in MOTION_DEFAULTS or not value:
            raise SystemExit(
                f"--motion {item}: expected KEY=VALUE with KEY one of "
                f"{', '.join(MOTION_DEFAULTS)}, or mode={'|'.join(MOTION_MODES)}"
            )
        values[key] = float(value)
    return values


async def _judge(client: VLMClient, image: bytes) -> dict[str, Any]:
    try:
        answer = await client.analyze(image)
    except VLMError as err:
        return {"error": str(err)}
    verdict = parse_verdict(answer.text)
    return {"alert": verdict.alert, "rule": verdict.rule, "description": verdict.description}


async def replay(args: argparse.Namespace) -> int:
    """Run the pipeline over the source; return the process exit code."""
    try:
        zones = (
            parse_zones(json.loads(args.zones.read_text(encoding="utf-8"))) if args.zones else []
        )
    except (OSError, ValueError, ZoneError) as err:
        print(f"replay: cannot use zones file {args.zones}: {err}", file=sys.stderr)
        return 2
    analyzer = Analyzer(motion_config(_motion(args.motion)), zones, args.fallback)
    session = aiohttp.ClientSession() if args.vlm else None
    client = (
        create_client(
            session,
            VLMSettings(
                backend=args.backend,
                url=args.vlm,
                model=args.model,
                num_ctx=args.num_ctx,
                timeout=args.timeout,
            ),
        )
        if session is not None
        else None
    )
    count = calls = motion = 0
    started_cpu, started_wall = time.process_time(), time.monotonic()
    reader = TickReader(args.source, args.interval)
    try:
        for tick in reader:
            # The frame's own time, as the live camera passes when its frame arrived.
            result = analyzer.tick(tick.frame, tick.frame_t)
            count += 1
            motion += result.motion
            calls += result.ask_vlm
            line: dict[str, Any] = {
                "t": round(tick.t, 3),
                "frame": round(tick.frame_t, 3),
                "motion": result.motion,
                "boxes": [list(box) for box in result.boxes],
                "crop": list(result.crop_box) if result.crop_box else None,
                "vlm": result.ask_vlm,
                "reason": result.reason,
            }
            if client is not None and result.image_jpeg is not None:
                line["verdict"] = await _judge(client, result.image_jpeg)
            print(json.dumps(line), flush=True)
    except av.error.FFmpegError as err:
        print(f"replay: cannot read {args.source}: {err}", file=sys.stderr)
        return 1
    finally:
        if session is not None:
            await session.close()
    summary = {
        "ticks": count,
        "motion_ticks": motion,
        "vlm_calls": calls,
        "decoded_frames": reader.decoded,
        "packets": reader.packets,
        "keyframes_only": reader.keyframes_only,
        "cpu_seconds": round(time.process_time() - started_cpu, 3),
        "wall_seconds": round(time.monotonic() - started_wall, 3),
    }
    print(json.dumps(summary), file=sys.stderr)
    return 0


def main() -> None:
    """Entry point of scripts/replay."""
    try:
        sys.exit(asyncio.run(replay(_parse_args(sys.argv[1:]))))
    except BrokenPipeError:
        # The reader of our output (head, for example) has gone: stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)


if __name__ == "__main__":
    main()
