"""Replay a recording (or a live RTSP URL) through VLM Guard's own pipeline.

Prints one JSON object per tick to stdout, as fast as the source decodes:
  {"t": seconds into the stream, "motion": bool, "boxes": [[x, y, w, h], ...],
   "crop": [x, y, w, h] or null, "vlm": bool, "reason": "motion" | "fallback" | "first" | null}
`vlm` is true when the VLM would be asked; with --vlm it is asked, and the line
also carries "verdict": {"alert", "rule", "description"}. Boxes are in source
pixels. A summary goes to stderr: ticks, VLM calls, CPU seconds.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Iterator
import json
import os
from pathlib import Path
import sys
import time
from typing import Any

import aiohttp
import av

from custom_components.vlm_guard.core.pipeline import DEFAULT_FALLBACK_INTERVAL, Analyzer
from custom_components.vlm_guard.core.settings import MOTION_DEFAULTS, motion_config
from custom_components.vlm_guard.core.stream import OPEN_OPTIONS
from custom_components.vlm_guard.core.verdict import parse_verdict
from custom_components.vlm_guard.core.vlm import (
    BACKENDS,
    VLMClient,
    VLMError,
    VLMSettings,
    create_client,
)
from custom_components.vlm_guard.core.zones import ZoneError, parse_zones


def ticks(source: str, interval: float) -> Iterator[tuple[float, av.VideoFrame]]:
    """Yield the first frame at or after every multiple of `interval` seconds."""
    options = dict(OPEN_OPTIONS) if source.startswith(("rtsp://", "rtsps://")) else {}
    with av.open(source, options=options) as container:
        video = container.streams.video[0]
        video.thread_type = "AUTO"
        start: float | None = None
        next_time = 0.0
        for frame in container.decode(video):
            if frame.pts is None or video.time_base is None:
                continue
            seconds = float(frame.pts * video.time_base)
            start = seconds if start is None else start
            t = seconds - start
            if t + 1e-6 < next_time:
                continue
            next_time = (int(t / interval + 1e-6) + 1) * interval
            yield t, frame


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
        help=f"override a motion constant ({', '.join(MOTION_DEFAULTS)}); repeatable",
    )
    parser.add_argument("--vlm", metavar="URL", help="ask this VLM server and print its verdicts")
    parser.add_argument("--backend", choices=BACKENDS, default="ollama")
    parser.add_argument("--model", default="qwen2.5vl:7b")
    parser.add_argument("--num-ctx", type=int, default=4096)
    parser.add_argument("--timeout", type=float, default=60.0)
    return parser.parse_args(argv)


def _motion(overrides: list[str]) -> dict[str, float]:
    values: dict[str, float] = {}
    for item in overrides:
        key, _, value = item.partition("=")
        if key not in MOTION_DEFAULTS or not value:
            raise SystemExit(
                f"--motion {item}: expected KEY=VALUE with KEY one of {', '.join(MOTION_DEFAULTS)}"
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
    try:
        for t, frame in ticks(args.source, args.interval):
            result = analyzer.tick(frame, t)
            count += 1
            motion += result.motion
            calls += result.ask_vlm
            line: dict[str, Any] = {
                "t": round(t, 3),
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
