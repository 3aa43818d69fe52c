"""Start and stop the real RTSP server (tests/harness/gst_rtsp_server.py) as a process."""

from __future__ import annotations

from collections.abc import Mapping
import os
from pathlib import Path
import select
import socket
import subprocess
import time

SCRIPT = Path(__file__).with_name("gst_rtsp_server.py")
# GStreamer's Python bindings come from Debian's python3-gi, for the system Python.
SYSTEM_PYTHON = os.environ.get("VLM_GUARD_GST_PYTHON", "/usr/bin/python3")
ROOT = Path(__file__).resolve().parents[2]


def footage(name: str) -> Path:
    """Return the path of a clip of the shared real footage."""
    candidates = [Path(os.environ["VLM_GUARD_DATA"])] if "VLM_GUARD_DATA" in os.environ else []
    candidates += [parent / "shared" / "data" for parent in ROOT.parents]
    candidates.append(Path("/work/shared/data"))
    for folder in candidates:
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(
        f"footage {name} not found; set VLM_GUARD_DATA to the folder holding it"
    )


def free_port() -> int:
    """Return a TCP port that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RtspServer:
    """One RTSP server process serving a file, a GStreamer launch line, or files at several paths."""

    def __init__(
        self,
        *,
        file: Path | None = None,
        launch: str | None = None,
        audio: bool = False,
        audio_codec: str = "aac",
        user: str | None = None,
        password: str | None = None,
        path: str = "/stream",
        mounts: Mapping[str, Path] | None = None,
    ) -> None:
        """Describe the server; start() runs it.

        With `mounts` (path -> file) one process serves every file at its own
        path (see url_with(path=...)); `file` and `path` are then not used.
        """
        self.file = file
        self.mounts = dict(mounts or {})
        self.launch = launch
        self.audio = audio
        self.audio_codec = audio_codec
        self.user = user
        self.password = password
        self.path = path
        self.port = free_port()
        self.process: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        """Return the stream URL, with the credentials when the server has them."""
        auth = f"{self.user}:{self.password}@" if self.user is not None else ""
        return f"rtsp://{auth}127.0.0.1:{self.port}{self.path}"

    def url_with(
        self, *, user: str | None = None, password: str | None = None, path: str | None = None
    ) -> str:
        """Return a variant of the URL (wrong password, wrong path...)."""
        user = self.user if user is None else user
        password = self.password if password is None else password
        auth = f"{user}:{password}@" if user is not None else ""
        return f"rtsp://{auth}127.0.0.1:{self.port}{path or self.path}"

    def start(self, timeout: float = 15.0) -> None:
        """Start the process and wait until it listens."""
        args = [SYSTEM_PYTHON, str(SCRIPT), "--port", str(self.port), "--path", self.path]
        if self.launch is not None:
            args += ["--launch", self.launch]
        elif self.mounts:
            for path, file in self.mounts.items():
                args += ["--mount", f"{path}={file}"]
        else:
            args += ["--file", str(self.file)]
        if self.audio:
            args += ["--audio", "--audio-codec", self.audio_codec]
        if self.user is not None:
            args += ["--user", self.user, "--password", self.password or ""]
        self.process = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.2)
            if ready:
                line = self.process.stdout.readline()
                if line.startswith("READY"):
                    return
                if not line:
                    break
        self.stop()
        raise RuntimeError(f"RTSP server did not start: {' '.join(args)}")

    def stop(self) -> None:
        """Stop the process (and every client session with it)."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None

    def restart(self) -> None:
        """Stop and start again on the same port."""
        self.stop()
        self.start()
