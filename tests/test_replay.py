"""scripts/replay: the user's tuning tool, run as a user runs it, on synthetic and real clips."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
import subprocess
import sys
from typing import Any

import cv2
import numpy as np
import pytest

from . import clips
from .conftest import PERSON_CLIP
from .harness.rtsp import ROOT, footage
from .harness.vlm_server import StandInVLM

REPLAY = [sys.executable, str(ROOT / "scripts" / "replay.py")]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _run(*args: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    done = subprocess.run(
        [*REPLAY, *args], capture_output=True, text=True, env=ENV, check=True, timeout=120
    )
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    summary = json.loads(done.stderr.strip().splitlines()[-1])
    return lines, summary


@pytest.fixture(scope="module")
def clip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("clips")


@pytest.mark.parametrize(
    ("maker", "interval"),
    [
        (clips.noise, 1.0),
        (clips.brightness_ramp, 1.0),
        (clips.brightness_ramp, 5.0),
        (clips.particles, 1.0),
        (clips.particles, 5.0),
    ],
    ids=["noise", "dawn-1s", "dawn-5s", "rain-1s", "rain-5s"],
)
def test_no_motion_where_nothing_moves(
    clip_dir: Path, maker: clips.FrameMaker, interval: float
) -> None:
    clip = clips.write_clip(clip_dir / f"{maker.__name__}.mp4", maker, 30)
    lines, summary = _run(str(clip), "--interval", str(interval), "--fallback", "0")
    assert summary["ticks"] == len(lines) == int(30 / interval)
    assert [line["t"] for line in lines[:3]] == [0.0, interval, 2 * interval]
    assert not any(line["motion"] for line in lines)
    assert summary["vlm_calls"] == 0


def test_slow_walker_is_found_where_it_walks(clip_dir: Path) -> None:
    clip = clips.write_clip(clip_dir / "walker.mp4", clips.slow_walker, 30)
    lines, summary = _run(str(clip), "--interval", "5", "--fallback", "0")
    # As on the camera, each tick sees the keyframe that came just before it (1 s GOP).
    assert [(line["t"], line["frame"]) for line in lines] == [
        (0.0, 0.0),
        (5.0, 4.0),
        (10.0, 9.0),
        (15.0, 14.0),
        (20.0, 19.0),
        (25.0, 24.0),
    ]
    motion = {line["frame"]: line for line in lines if line["motion"]}
    # Absent for 10 s, then walking: 15 px/s is 75 px between 5-second ticks, plenty to see.
    assert sorted(motion) == [14.0, 19.0, 24.0]
    for t, line in motion.items():
        x, y, w, h = line["crop"]
        walker_x = 40 + int((t - 10) * 15)
        assert x <= walker_x + 60
        assert x + w >= walker_x
        assert y <= 150
        assert y + h >= 300
    assert summary["vlm_calls"] == 3


def test_zones_file_and_fallback(clip_dir: Path, tmp_path: Path) -> None:
    clip = clips.write_clip(clip_dir / "walker2.mp4", clips.slow_walker, 30)
    zones = tmp_path / "zones.json"
    zones.write_text(
        json.dumps(
            {
                "zones": [
                    {
                        "name": "path",
                        "type": "exclude",
                        "points": [[0, 0.3], [1, 0.3], [1, 1], [0, 1]],
                    }
                ]
            }
        )
    )
    lines, summary = _run(str(clip), "--interval", "5", "--zones", str(zones), "--fallback", "10")
    assert not any(line["motion"] for line in lines)
    # The fallback counts the frames' own times (0, 4, 9, 14, 19, 24), as on the camera.
    assert [line["reason"] for line in lines] == ["first", None, None, "fallback", None, "fallback"]
    assert summary["vlm_calls"] == 3


def test_replay_decodes_one_keyframe_per_tick(clip_dir: Path) -> None:
    """1 s keyframe interval, 5 s ticks: every packet is read, one frame per tick decoded."""
    clip = clips.write_clip(clip_dir / "noise.mp4", clips.noise, 30)
    lines, summary = _run(str(clip), "--interval", "5", "--fallback", "0")
    assert summary["keyframes_only"]
    assert summary["packets"] == 30 * clips.FPS
    assert summary["ticks"] == len(lines) == 6
    # One per tick, and the keyframe for a tick at 30 s that the clip ends before.
    assert summary["decoded_frames"] == summary["ticks"] + 1
    for line in lines[1:]:
        assert line["t"] - 1.5 <= line["frame"] < line["t"]


def test_replay_decodes_everything_when_keyframes_are_rare(clip_dir: Path) -> None:
    """3 s keyframe interval, 1 s ticks: keyframes alone would be stale, so all is decoded."""
    clip = clips.write_clip(clip_dir / "noise-gop3.mp4", clips.noise, 12, gop=3 * clips.FPS)
    lines, summary = _run(str(clip), "--interval", "1", "--fallback", "0")
    assert not summary["keyframes_only"]
    # Until the second keyframe shows the GOP, the first keyframe is all there is.
    assert summary["decoded_frames"] == summary["packets"] - (3 * clips.FPS - 1)
    assert [line["t"] for line in lines] == [0.0, *range(3, 12)]
    for line in lines[1:]:
        assert line["t"] - 0.3 <= line["frame"] <= line["t"]


def test_bad_zones_file_is_explained(tmp_path: Path) -> None:
    zones = tmp_path / "zones.json"
    zones.write_text(
        json.dumps({"zones": [{"name": "road", "type": "exclude", "points": [[0, 0]]}]})
    )
    done = subprocess.run(
        [*REPLAY, str(footage(PERSON_CLIP)), "--zones", str(zones)],
        check=False,
        capture_output=True,
        text=True,
        env=ENV,
    )
    assert done.returncode == 2
    assert "zone 'road': a polygon needs at least 3 points" in done.stderr


def test_motion_overrides_change_the_result(clip_dir: Path) -> None:
    clip = clips.write_clip(clip_dir / "walker3.mp4", clips.slow_walker, 30)
    lines, _ = _run(str(clip), "--interval", "5", "--fallback", "0", "--motion", "min_area=20000")
    assert not any(line["motion"] for line in lines)


def _snowfall(_index: int, rng: np.random.Generator) -> np.ndarray:
    """Big wet flakes all over a still scene, new ones in every frame."""
    image = clips.BACKGROUND.copy()
    for x, y in zip(
        rng.integers(0, clips.WIDTH, 60), rng.integers(0, clips.HEIGHT, 60), strict=True
    ):
        cv2.circle(image, (int(x), int(y)), int(rng.integers(3, 7)), (235, 235, 235), -1)
    return image


def test_motion_mode_chooses_the_filter(clip_dir: Path) -> None:
    """Snow is motion on every tick for the reference filter, never for the default one."""
    clip = clips.write_clip(clip_dir / "snow.mp4", _snowfall, 40)
    robust, _ = _run(str(clip), "--interval", "5", "--fallback", "0")
    reference, _ = _run(
        str(clip), "--interval", "5", "--fallback", "0", "--motion", "mode=reference"
    )
    assert all(line["motion"] for line in reference[1:])
    assert not any(line["motion"] for line in robust)


def test_unknown_motion_mode_is_explained(clip_dir: Path) -> None:
    done = subprocess.run(
        [*REPLAY, "unused.mp4", "--motion", "mode=sharp"],
        check=False,
        capture_output=True,
        text=True,
        env=ENV,
    )
    assert done.returncode != 0
    assert "mode=robust|reference" in done.stderr


async def test_replay_asks_the_vlm(socket_enabled: None) -> None:
    server = StandInVLM()
    await server.start()
    try:
        process = await asyncio.create_subprocess_exec(
            *REPLAY,
            str(footage(PERSON_CLIP)),
            "--interval",
            "10",
            "--vlm",
            server.url,
            env=ENV,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await asyncio.wait_for(process.communicate(), 120)
    finally:
        await server.stop()
    assert process.returncode == 0, stderr.decode()
    lines = [json.loads(line) for line in stdout.decode().splitlines()]
    judged = [line for line in lines if line["vlm"]]
    assert judged
    assert all(line["verdict"]["alert"] for line in judged)
    assert all(line["verdict"]["rule"] == "json_alert" for line in judged)
    assert len(server.chat_requests) == len(judged)
    assert all(request.body["options"]["num_ctx"] == 4096 for request in server.chat_requests)
