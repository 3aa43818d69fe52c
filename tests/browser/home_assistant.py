"""A real Home Assistant process for browser tests, with VLM Guard loaded from this checkout.

Home Assistant runs as `python -m homeassistant` on a temporary config folder,
with a real RTSP server (the person clip, password-protected) as the camera
and the stand-in VLM as its server; VLM Guard's server entry and camera are
seeded into `.storage` by scripts/develop_seed.py, and onboarding is finished
through Home Assistant's own onboarding HTTP API, as the frontend does it.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import io
import os
from pathlib import Path
import re
import select
import signal
import subprocess
import sys
import time
from typing import Any, NamedTuple
from unittest.mock import patch

import aiohttp

from tests.guards import CAMERA_PASSWORD, CAMERA_USER
from tests.harness.rtsp import RtspServer, footage, free_port

ROOT = Path(__file__).resolve().parents[2]
PYTHON = Path(sys.executable)
PERSON_CLIP = "one-by-one-person-detection.mp4"
# The camera loops the clip (139 s) this many times, copied without re-encoding,
# so the stream does not end and reconnect while a long test session runs.
CLIP_LOOPS = 12
MASK = "********"
OUR_LOGGER = "custom_components.vlm_guard"
# The start of a record in Home Assistant's log: time, level, (thread) and [logger].
RECORD = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ (?P<level>[A-Z]+) \(.*?\) \[(?P<logger>[^\]]+)\] ",
    re.MULTILINE,
)

# As little as a working UI needs: frontend (with config, lovelace in storage
# mode, onboarding, websocket_api...) and the default integrations are always
# loaded; media_source is what VLM Guard's media platform plugs into, automation
# and notify what its blueprints need. Not default_config: it is slow to start
# here and wants a go2rtc binary.
CONFIGURATION = """\
homeassistant:
  media_dirs:
    local: {media}
http:
  server_host: 127.0.0.1
  server_port: {port}
media_source:
notify:
automation: !include automations.yaml
logger:
  default: info
  logs:
    custom_components.vlm_guard: debug
"""


def mask(text: str) -> str:
    """Hide the camera password, should anything have written it."""
    return text.replace(CAMERA_PASSWORD, MASK)


def seed_vlm_guard(config_dir: Path, vlm_url: str, rtsp_url: str) -> None:
    """Write VLM Guard's server entry and one camera with scripts/develop_seed.py."""
    spec = importlib.util.spec_from_file_location(
        "develop_seed", ROOT / "scripts" / "develop_seed.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # Its main() reads the command line, and warns (on stderr) that this
    # configuration does not list default_config's integrations: it is not
    # meant to.
    argv = ["develop_seed.py", str(config_dir), vlm_url, rtsp_url]
    with (
        patch.object(sys, "argv", argv),
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()),
    ):
        module.main()


def _looped_clip(folder: Path) -> Path:
    """Return the person clip played CLIP_LOOPS times, without re-encoding."""
    looped = folder / "person-loop.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-stream_loop", str(CLIP_LOOPS - 1), "-i",
         str(footage(PERSON_CLIP)), "-c", "copy", "-y", str(looped)],
        check=True,
    )  # fmt: skip
    return looped


class LogEntry(NamedTuple):
    """One record of Home Assistant's log."""

    level: str
    logger: str
    text: str


class StartError(RuntimeError):
    """Home Assistant, or one of its peers, did not come up."""


class HomeAssistantProcess:
    """Home Assistant with VLM Guard, a camera and the stand-in VLM, each its own process."""

    username = "admin"
    password = "browser-tests"
    name = "Browser Tests"

    def __init__(self, work_dir: Path) -> None:
        """Lay out the folders and pick the ports; start() runs everything."""
        self.work_dir = work_dir
        self.config_dir = work_dir / "config"
        self.port = free_port()
        self.vlm_port = free_port()
        self.rtsp: RtspServer | None = None
        self.token = ""
        self.start_seconds = 0.0
        self._process: subprocess.Popen[bytes] | None = None
        self._vlm: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        """Return the base URL, with no trailing slash."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def client_id(self) -> str:
        """Return the OAuth client id the frontend uses for this URL."""
        return f"{self.url}/"

    @property
    def rtsp_port(self) -> int:
        """Return the camera's RTSP port."""
        assert self.rtsp is not None
        return self.rtsp.port

    @property
    def vlm_url(self) -> str:
        """Return the stand-in VLM's base URL."""
        return f"http://127.0.0.1:{self.vlm_port}"

    @property
    def log_path(self) -> Path:
        """Return Home Assistant's log file."""
        return self.config_dir / "home-assistant.log"

    @property
    def media_dir(self) -> Path:
        """Return Home Assistant's media folder (its default, `local` media source)."""
        return self.config_dir / "media"

    @property
    def output_path(self) -> Path:
        """Return where the process's own stdout and stderr go (tracebacks before logging)."""
        return self.work_dir / "home-assistant.out"

    # --- Starting and stopping ---------------------------------------------

    def start(self, timeout: float = 90.0) -> None:
        """Start the camera, the stand-in VLM and Home Assistant; onboard; wait for VLM Guard.

        It runs on a private event loop, so the instance belongs to no test's
        loop: its helpers open their own connections on whichever loop awaits them.
        """
        started = time.monotonic()
        self._start_camera()
        self._start_vlm()
        self._write_config()
        self._start_home_assistant()
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(self._until_ready(started + timeout))
        finally:
            loop.close()
        self.start_seconds = time.monotonic() - started

    async def _until_ready(self, deadline: float) -> None:
        await self._wait_for_http(deadline)
        await self._onboard()
        await self._wait_for_vlm_guard(deadline)

    def stop(self) -> None:
        """Stop Home Assistant gracefully (SIGTERM, then SIGKILL), then its peers."""
        if (process := self._process) is not None:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(10)
            self._process = None
        if (vlm := self._vlm) is not None:
            vlm.terminate()
            try:
                vlm.wait(5)
            except subprocess.TimeoutExpired:
                vlm.kill()
                vlm.wait(5)
            if vlm.stdout is not None:
                vlm.stdout.close()
            self._vlm = None
        if self.rtsp is not None:
            self.rtsp.stop()

    def _start_camera(self) -> None:
        self.rtsp = RtspServer(
            file=_looped_clip(self.work_dir), user=CAMERA_USER, password=CAMERA_PASSWORD
        )
        try:
            self.rtsp.start()
        except RuntimeError as err:
            # Its message holds the whole command line, password included.
            raise StartError(mask(str(err))) from None

    def _start_vlm(self, timeout: float = 30.0) -> None:
        self._vlm = subprocess.Popen(
            [str(PYTHON), "-m", "tests.harness.vlm_server", "--port", str(self.vlm_port)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        assert self._vlm.stdout is not None
        deadline = time.monotonic() + timeout
        output = []
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self._vlm.stdout], [], [], 0.2)
            if ready:
                line = self._vlm.stdout.readline()
                if line.startswith("Stand-in VLM listening"):
                    return
                if not line:
                    break
                output.append(line)
        raise StartError(f"the stand-in VLM did not start:\n{''.join(output)}")

    def _write_config(self) -> None:
        self.config_dir.mkdir(parents=True, exist_ok=True)
        (self.config_dir / "configuration.yaml").write_text(
            CONFIGURATION.format(port=self.port, media=self.media_dir), encoding="utf-8"
        )
        (self.config_dir / "automations.yaml").write_text("[]\n", encoding="utf-8")
        # Its own media folder: another Home Assistant on this machine keeps its files.
        self.media_dir.mkdir(parents=True, exist_ok=True)
        assert self.rtsp is not None
        seed_vlm_guard(self.config_dir, self.vlm_url, self.rtsp.url)

    def _start_home_assistant(self) -> None:
        # VLM Guard is found as scripts/develop finds it: custom_components is a
        # namespace package, and the repository root is on the path.
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
        with self.output_path.open("wb") as output:
            self._process = subprocess.Popen(
                [str(PYTHON), "-m", "homeassistant", "--config", str(self.config_dir),
                 "--skip-pip", "--log-no-color"],
                cwd=self.work_dir, env=env, stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def _check_running(self) -> None:
        if self._process is not None and (code := self._process.poll()) is not None:
            raise StartError(f"Home Assistant exited with code {code}\n{self.output_tail()}")

    async def _wait_for_http(self, deadline: float) -> None:
        """Wait until the HTTP API answers.

        It asks /api/onboarding, which needs no token: a request to /api/ without
        one answers 401 too, but Home Assistant counts it as a failed login and
        shows a "Login attempt failed" notification in the UI.
        """
        async with aiohttp.ClientSession() as session:
            while True:
                self._check_running()
                with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                    async with session.get(
                        f"{self.url}/api/onboarding", timeout=aiohttp.ClientTimeout(total=5)
                    ) as response:
                        if response.status == 200:
                            return
                if time.monotonic() > deadline:
                    raise StartError(
                        f"Home Assistant did not answer on {self.url} in time"
                        f" (log: {self.log_path})\n{self.log_tail()}"
                    )
                await asyncio.sleep(0.5)

    async def _onboard(self) -> None:
        """Create the owner and finish every onboarding step, as the frontend does."""
        async with aiohttp.ClientSession(base_url=self.url) as session:
            async with session.post(
                "/api/onboarding/users",
                json={
                    "client_id": self.client_id,
                    "name": self.name,
                    "username": self.username,
                    "password": self.password,
                    "language": "en",
                },
            ) as response:
                response.raise_for_status()
                code = (await response.json())["auth_code"]
            async with session.post(
                "/auth/token",
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "client_id": self.client_id,
                },
            ) as response:
                response.raise_for_status()
                tokens = await response.json()
            headers = {"Authorization": f"Bearer {tokens['access_token']}"}
            # The frontend's core config step saves the location first; without a
            # country Home Assistant raises a repair issue the UI would show.
            await self.ws(
                {"type": "config/core/update", "country": "US"}, token=tokens["access_token"]
            )
            for step, body in (
                ("core_config", None),
                ("analytics", None),
                (
                    "integration",
                    {"client_id": self.client_id, "redirect_uri": f"{self.url}/?auth_callback=1"},
                ),
            ):
                async with session.post(
                    f"/api/onboarding/{step}", json=body, headers=headers
                ) as response:
                    response.raise_for_status()
        # A long-lived token: an access token expires after 30 minutes, the session may not.
        self.token = await self.ws(
            {
                "type": "auth/long_lived_access_token",
                "client_name": "browser tests",
                "lifespan": 30,
            },
            token=tokens["access_token"],
        )

    async def _wait_for_vlm_guard(self, deadline: float) -> None:
        """Wait until VLM Guard's entry is loaded, so tests start from a steady state."""
        while True:
            entries = await self.ws({"type": "config_entries/get", "domain": "vlm_guard"})
            states = [entry["state"] for entry in entries]
            if states and all(state == "loaded" for state in states):
                return
            if time.monotonic() > deadline:
                raise StartError(f"VLM Guard's entries are {states}, not loaded\n{self.log_tail()}")
            await asyncio.sleep(0.5)

    # --- Talking to Home Assistant -----------------------------------------

    def headers(self) -> dict[str, str]:
        """Return the headers of an admin API request."""
        return {"Authorization": f"Bearer {self.token}"}

    async def call_service(
        self,
        domain: str,
        service: str,
        data: dict[str, Any] | None = None,
        *,
        return_response: bool = False,
    ) -> Any:
        """Call a service through the REST API and return its JSON answer."""
        url = f"{self.url}/api/services/{domain}/{service}"
        if return_response:
            url += "?return_response"
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, json=data or {}, headers=self.headers()) as response,
        ):
            if response.status >= 400:
                raise AssertionError(
                    f"{domain}.{service} failed ({response.status}): {await response.text()}"
                )
            return await response.json()

    async def ws(self, command: dict[str, Any], *, token: str | None = None) -> Any:
        """Send one command over the websocket API and return its result (raise on an error)."""
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(f"{self.url}/api/websocket") as socket,
        ):
            assert (await socket.receive_json())["type"] == "auth_required"
            await socket.send_json({"type": "auth", "access_token": token or self.token})
            if (answer := await socket.receive_json())["type"] != "auth_ok":
                raise AssertionError(f"websocket authentication failed: {answer}")
            await socket.send_json({**command, "id": 1})
            answer = await socket.receive_json()
        if not answer["success"]:
            raise AssertionError(f"{command['type']} failed: {answer['error']}")
        return answer["result"]

    # --- Reading the log -----------------------------------------------------

    def log_text(self, since: int = 0) -> str:
        """Return Home Assistant's log from a byte offset (see log_offset) on."""
        if not self.log_path.exists():
            return ""
        with self.log_path.open("rb") as log:
            log.seek(since)
            return log.read().decode("utf-8", errors="replace")

    def log_offset(self) -> int:
        """Return the log's current end, to read or wait for what comes after it."""
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    async def wait_for_log(
        self, pattern: str, timeout: float = 30.0, *, since: int = 0
    ) -> re.Match[str]:
        """Wait until a line of the log (after `since`) matches a regular expression."""
        regex = re.compile(pattern, re.MULTILINE)
        deadline = time.monotonic() + timeout
        while True:
            if match := regex.search(self.log_text(since)):
                return match
            self._check_running()
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{pattern!r} not logged within {timeout} s\n{self.log_tail()}"
                )
            await asyncio.sleep(0.25)

    def log_entries(self, since: int = 0) -> list[LogEntry]:
        """Return the log's records (a record's traceback lines included) from an offset on."""
        text = self.log_text(since)
        starts = list(RECORD.finditer(text))
        return [
            LogEntry(
                level=match["level"],
                logger=match["logger"],
                text=text[match.start() : ends.start() if ends else len(text)].rstrip("\n"),
            )
            for match, ends in zip(starts, [*starts[1:], None], strict=True)
        ]

    def errors(self, since: int = 0) -> list[str]:
        """Return VLM Guard's ERROR and CRITICAL records, as the suite's guard counts them.

        Those its loggers wrote, and any other that names vlm_guard (Home
        Assistant's own report of a failed setup or platform, say).
        """
        return [
            mask(entry.text)
            for entry in self.log_entries(since)
            if entry.level in {"ERROR", "CRITICAL"}
            and (
                entry.logger == OUR_LOGGER
                or entry.logger.startswith(f"{OUR_LOGGER}.")
                or "vlm_guard" in entry.text
            )
        ]

    def log_tail(self, lines: int = 60, since: int = 0) -> str:
        """Return the last lines of the log, password masked, as a block to print."""
        text = self.log_text(since) or self.output_tail()
        return mask("\n".join(text.splitlines()[-lines:]))

    def output_tail(self, lines: int = 40) -> str:
        """Return the last lines the process itself printed."""
        if not self.output_path.exists():
            return ""
        text = self.output_path.read_text(encoding="utf-8", errors="replace")
        return mask("\n".join(text.splitlines()[-lines:]))
