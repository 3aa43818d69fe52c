"""VLM Guard's own overhead per VLM call, against a stand-in server that answers at once.

Each call does what a camera tick does when motion is found: cut the crop out of
a real decoded frame, encode it as JPEG, send it to the server over HTTP (Ollama
API, base64 image, JSON schema) and parse the answer into a verdict. The stand-in
server runs in another process pinned to another core; this process is pinned to
one core, so calls/s is what one core of ours sustains and CPU ms per call is
our cost alone.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path
import subprocess
import sys
import time

import aiohttp
import av

ROOT = Path(__file__).resolve().parents[1]


def _frames(count: int) -> list[object]:
    from tests.harness.rtsp import footage

    frames = []
    with av.open(str(footage("one-by-one-person-detection.mp4"))) as container:
        for index, frame in enumerate(container.decode(video=0)):
            if index % 10 == 0:
                frames.append(frame.to_ndarray(format="bgr24"))
            if len(frames) >= count:
                break
    return frames


async def _run(url: str, calls: int) -> None:
    from custom_components.vlm_guard.core.pipeline import REASON_MOTION, Analyzer, Finding
    from custom_components.vlm_guard.core.verdict import parse_verdict
    from custom_components.vlm_guard.core.vlm import VLMSettings, create_client

    frames = _frames(20)
    finding = Finding([(200, 20, 240, 400)], (170, 0, 300, 432), REASON_MOTION)
    async with aiohttp.ClientSession() as session:
        client = create_client(
            session, VLMSettings(backend="ollama", url=url, model="qwen2.5vl:7b", max_concurrent=4)
        )
        for frame in frames[:5]:  # warm up the connection pool and the JIT-free paths
            parse_verdict(
                (await client.analyze(Analyzer().render(finding, frame).image_jpeg or b"")).text
            )
        started_cpu, started = time.process_time(), time.monotonic()
        alerts = 0
        for index in range(calls):
            result = Analyzer().render(finding, frames[index % len(frames)])
            answer = await client.analyze(result.image_jpeg or b"")
            alerts += parse_verdict(answer.text).alert
        cpu, wall = time.process_time() - started_cpu, time.monotonic() - started
    print(
        f"{calls} calls (crop {finding.crop[2]}x{finding.crop[3]} from 768x432 frames), all answered, {alerts} alerts"
    )
    print(f"wall: {wall / calls * 1000:.2f} ms per call = {calls / wall:.0f} calls/s on one core")
    print(f"CPU of VLM Guard: {cpu / calls * 1000:.2f} ms per call")


def main() -> None:
    """Start the stand-in server on one core and call it from another."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--port", type=int, default=18434)
    args = parser.parse_args()
    cores = sorted(os.sched_getaffinity(0))
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.harness.vlm_server", "--port", str(args.port)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        server.stdout.readline()  # listening
        if len(cores) > 1:
            os.sched_setaffinity(server.pid, {cores[-1]})
        os.sched_setaffinity(0, {cores[0]})
        asyncio.run(_run(f"http://127.0.0.1:{args.port}", args.calls))
    finally:
        server.terminate()
        server.wait(5)


if __name__ == "__main__":
    main()
