"""A stand-in VLM server speaking Ollama's API and the OpenAI-compatible API.

No GPU and no vision weights exist where the tests run, so this server stands
in for the network peer: it answers like Ollama (`/api/tags`, `/api/show`,
`/api/ps`, `/api/chat`, plain and streamed) and like an OpenAI-compatible server
(`/v1/models`, `/v1/chat/completions`, plain and streamed), returns scripted
answers, records every request it was sent, and fails on demand.

Run it alone for the demo: `python -m tests.harness.vlm_server --port 11434`.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
from collections.abc import Callable
import contextlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import json
import time
from typing import Any
import uuid

from aiohttp import web

DEFAULT_MODEL = "qwen2.5vl:7b"
DEFAULT_ANSWER = json.dumps(
    {
        "verdict": "ALERT",
        "description": "A person walks into the room.",
        "subjects": ["person"],
        "on_property": True,
    }
)
FAILURES = ("http_500", "timeout", "garbage", "empty")
CHAT_PATHS = ("/api/chat", "/v1/chat/completions")


@dataclass(slots=True)
class RecordedRequest:
    """One request as the server received it."""

    method: str
    path: str
    body: Any
    headers: dict[str, str]
    received: float = field(default_factory=time.monotonic)

    def images(self) -> list[bytes]:
        """Return the images carried by a chat request (either API), decoded."""
        found: list[bytes] = []
        if not isinstance(self.body, dict):
            return found
        for message in self.body.get("messages", []):
            found.extend(base64.b64decode(image) for image in message.get("images", []))
            content = message.get("content")
            if isinstance(content, list):
                for part in content:
                    url = part.get("image_url", {}).get("url", "")
                    if url.startswith("data:"):
                        found.append(base64.b64decode(url.split(",", 1)[1]))
        return found


class StandInVLM:
    """The server; start() binds to 127.0.0.1 on a free port unless one is given."""

    def __init__(self, models: list[str] | None = None, *, api_key: str | None = None) -> None:
        """Serve the given model names; require a bearer key when `api_key` is set."""
        self.models = list(models) if models is not None else [DEFAULT_MODEL]
        self.api_key = api_key
        self.context_length = 128000
        self.capabilities = ["completion", "vision"]
        self.answer: str | Callable[[RecordedRequest], str] = DEFAULT_ANSWER
        self.delay = 0.0
        self.requests: list[RecordedRequest] = []
        self.keep_requests: int | None = None
        """Keep only this many of the newest requests (None: all); a long run's memory stays flat."""
        self.counts: dict[str, int] = {}
        """Requests received per path, however many are kept."""
        self.in_flight = 0
        self.max_in_flight = 0
        self._failures: list[str] = []
        self._fail_always: str | None = None
        self._fail_chat: str | None = None
        self.loaded: dict[str, int] = {}
        """Models in memory and their context length, as /api/ps reports them."""
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()
        self.port = 0

    # ----------------------------------------------------------------- control
    @property
    def url(self) -> str:
        """Return the base URL to configure."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        """Return the recorded chat requests of both APIs."""
        return [r for r in self.requests if r.path in CHAT_PATHS]

    def fail_next(self, mode: str, count: int = 1) -> None:
        """Fail the next `count` requests with one of FAILURES."""
        assert mode in FAILURES, mode
        self._failures.extend([mode] * count)

    def fail_always(self, mode: str | None) -> None:
        """Fail every request with `mode` until called with None."""
        assert mode is None or mode in FAILURES, mode
        self._fail_always = mode

    def fail_chat(self, mode: str | None) -> None:
        """Fail every chat request (either API) with `mode` until called with None.

        The model list and the other endpoints keep answering, like a server
        whose GPU worker is broken while its API front end is up.
        """
        assert mode is None or mode in FAILURES, mode
        self._fail_chat = mode

    async def start(self, port: int = 0, host: str = "127.0.0.1") -> None:
        """Start listening."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/api/tags", self._tags)
        app.router.add_post("/api/show", self._show)
        app.router.add_get("/api/ps", self._ps)
        app.router.add_post("/api/chat", self._ollama_chat)
        app.router.add_get("/api/version", self._version)
        app.router.add_get("/v1/models", self._openai_models)
        app.router.add_post("/v1/chat/completions", self._openai_chat)
        app.router.add_post("/_stand_in/answer", self._set_answer)
        app.router.add_get("/_stand_in/stats", self._stats)
        self._closing = asyncio.Event()
        self._runner = web.AppRunner(
            app, handle_signals=False, access_log=None, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening and drop open connections."""
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _set_answer(self, request: web.Request) -> web.Response:
        """Let a test in another process choose the answer: a text, or the demo's."""
        body = await request.json()
        self.answer = demo_answer if body.get("demo") else str(body["answer"])
        return web.json_response({"ok": True})

    async def _stats(self, request: web.Request) -> web.Response:
        """Let a benchmark in another process count the requests (per path) and the peak in flight."""
        return web.json_response({"counts": self.counts, "max_in_flight": self.max_in_flight})

    # ----------------------------------------------------------------- helpers
    async def _record(self, request: web.Request) -> RecordedRequest:
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw
        recorded = RecordedRequest(request.method, request.path, body, dict(request.headers))
        self.requests.append(recorded)
        self.counts[request.path] = self.counts.get(request.path, 0) + 1
        if self.keep_requests is not None and len(self.requests) > self.keep_requests:
            del self.requests[: len(self.requests) - self.keep_requests]
        return recorded

    async def _gate(self, request: web.Request) -> tuple[RecordedRequest, web.Response | None]:
        """Record, check auth, apply delay and scripted failures."""
        recorded = await self._record(request)
        if (
            self.api_key is not None
            and request.headers.get("Authorization") != f"Bearer {self.api_key}"
        ):
            return recorded, web.json_response({"error": "unauthorized"}, status=401)
        mode = self._failures.pop(0) if self._failures else self._fail_always
        if mode is None and request.path in CHAT_PATHS:
            mode = self._fail_chat
        if self.delay:
            await asyncio.sleep(self.delay)
        if mode == "timeout":
            # Hang like a stuck GPU server until the client gives up or we stop.
            await self._closing.wait()
        if mode == "http_500":
            return recorded, web.json_response({"error": "internal server error"}, status=500)
        if mode == "garbage":
            return recorded, web.Response(text="<html>\x00\x01 not json", content_type="text/html")
        if mode == "empty":
            return recorded, web.Response(text="", content_type="application/json")
        return recorded, None

    def _answer(self, recorded: RecordedRequest) -> str:
        return self.answer(recorded) if callable(self.answer) else self.answer

    @staticmethod
    def _now() -> str:
        return datetime.now(UTC).isoformat().replace("+00:00", "Z")

    def _model_missing(self, name: Any) -> web.Response | None:
        if name in self.models:
            return None
        return web.json_response(
            {"error": f'model "{name}" not found, try pulling it first'}, status=404
        )

    # ------------------------------------------------------------------ Ollama
    async def _version(self, request: web.Request) -> web.Response:
        await self._record(request)
        return web.json_response({"version": "0.12.6"})

    async def _tags(self, request: web.Request) -> web.Response:
        _, failure = await self._gate(request)
        if failure is not None:
            return failure
        return web.json_response(
            {
                "models": [
                    {
                        "name": name,
                        "model": name,
                        "modified_at": self._now(),
                        "size": 6_000_000_000,
                        "digest": uuid.uuid5(uuid.NAMESPACE_DNS, name).hex * 2,
                        "details": {
                            "format": "gguf",
                            "family": "qwen25vl",
                            "parameter_size": "8.3B",
                            "quantization_level": "Q4_K_M",
                        },
                    }
                    for name in self.models
                ]
            }
        )

    async def _show(self, request: web.Request) -> web.Response:
        recorded, failure = await self._gate(request)
        if failure is not None:
            return failure
        name = (recorded.body or {}).get("model") or (recorded.body or {}).get("name")
        if (missing := self._model_missing(name)) is not None:
            return missing
        return web.json_response(
            {
                "modelfile": f"FROM {name}",
                "parameters": "temperature 0.1",
                "template": "{{ .Prompt }}",
                "details": {"format": "gguf", "family": "qwen25vl", "parameter_size": "8.3B"},
                "model_info": {
                    "general.architecture": "qwen25vl",
                    "qwen25vl.context_length": self.context_length,
                },
                "capabilities": self.capabilities,
                "modified_at": self._now(),
            }
        )

    async def _ps(self, request: web.Request) -> web.Response:
        _, failure = await self._gate(request)
        if failure is not None:
            return failure
        expires = (datetime.now(UTC) + timedelta(minutes=30)).isoformat()
        return web.json_response(
            {
                "models": [
                    {
                        "name": name,
                        "model": name,
                        "size": 6_000_000_000 + num_ctx * 150_000,
                        "size_vram": 6_000_000_000 + num_ctx * 150_000,
                        "expires_at": expires,
                        "context_length": num_ctx,
                    }
                    for name, num_ctx in self.loaded.items()
                ]
            }
        )

    async def _ollama_chat(self, request: web.Request) -> web.StreamResponse:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            recorded, failure = await self._gate(request)
            if failure is not None:
                return failure
            body = recorded.body if isinstance(recorded.body, dict) else {}
            model = body.get("model")
            if (missing := self._model_missing(model)) is not None:
                return missing
            options = body.get("options") or {}
            self.loaded[model] = int(options.get("num_ctx") or self.context_length)
            text = self._answer(recorded)
            final = {
                "model": model,
                "created_at": self._now(),
                "done": True,
                "done_reason": "stop",
                "total_duration": 180_000_000,
                "load_duration": 1_000_000,
                "prompt_eval_count": 300,
                "prompt_eval_duration": 100_000_000,
                "eval_count": 40,
                "eval_duration": 79_000_000,
            }
            if body.get("stream", True) is False:
                final["message"] = {"role": "assistant", "content": text}
                return web.json_response(final)
            response = web.StreamResponse(headers={"Content-Type": "application/x-ndjson"})
            await response.prepare(request)
            for piece in _pieces(text):
                chunk = {
                    "model": model,
                    "created_at": self._now(),
                    "message": {"role": "assistant", "content": piece},
                    "done": False,
                }
                await response.write(json.dumps(chunk).encode() + b"\n")
            final["message"] = {"role": "assistant", "content": ""}
            await response.write(json.dumps(final).encode() + b"\n")
            await response.write_eof()
            return response
        finally:
            self.in_flight -= 1

    # ------------------------------------------------------- OpenAI-compatible
    async def _openai_models(self, request: web.Request) -> web.Response:
        _, failure = await self._gate(request)
        if failure is not None:
            return failure
        return web.json_response(
            {
                "object": "list",
                "data": [
                    {"id": name, "object": "model", "created": 1_700_000_000, "owned_by": "library"}
                    for name in self.models
                ],
            }
        )

    async def _openai_chat(self, request: web.Request) -> web.StreamResponse:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            recorded, failure = await self._gate(request)
            if failure is not None:
                return failure
            body = recorded.body if isinstance(recorded.body, dict) else {}
            model = body.get("model")
            if model not in self.models:
                return web.json_response(
                    {
                        "error": {
                            "message": f"The model `{model}` does not exist.",
                            "type": "invalid_request_error",
                            "code": "model_not_found",
                        }
                    },
                    status=404,
                )
            text = self._answer(recorded)
            completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
            created = int(time.time())
            if not body.get("stream"):
                return web.json_response(
                    {
                        "id": completion_id,
                        "object": "chat.completion",
                        "created": created,
                        "model": model,
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": text},
                                "finish_reason": "stop",
                            }
                        ],
                        "usage": {
                            "prompt_tokens": 300,
                            "completion_tokens": 40,
                            "total_tokens": 340,
                        },
                    }
                )
            response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
            await response.prepare(request)
            for piece in _pieces(text):
                chunk = {
                    "id": completion_id,
                    "object": "chat.completion.chunk",
                    "created": created,
                    "model": model,
                    "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
                }
                await response.write(f"data: {json.dumps(chunk)}\n\n".encode())
            done = {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
            }
            await response.write(f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n".encode())
            await response.write_eof()
            return response
        finally:
            self.in_flight -= 1


def _pieces(text: str, size: int = 8) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def demo_answer(request: RecordedRequest) -> str:
    """Answer like a plausible model, for trying VLM Guard by hand.

    A question without a picture is the daily review: every group is labelled
    REAL. A flat picture (the blank one of the vision check) has nobody in it.
    Other pictures show a person for the first 40 s of every two minutes and an
    empty room otherwise, so incidents start and end as they would for real.
    """
    # Only the demo reads pictures.
    import cv2
    import numpy as np

    images = request.images()
    if not images:
        prompt = json.dumps(request.body)
        count = prompt.count("Group ")
        groups = [
            {"group": index, "label": "REAL", "reason": "Looks like a real visit."}
            for index in range(1, count + 1)
        ]
        return json.dumps({"groups": groups})
    picture = cv2.imdecode(np.frombuffer(images[0], np.uint8), cv2.IMREAD_GRAYSCALE)
    if picture is None or float(picture.std()) < 4.0:
        return json.dumps({"verdict": "CLEAR", "description": "A plain grey picture."})
    if time.time() % 120 >= 40:
        return json.dumps({"verdict": "CLEAR", "description": "An empty room."})
    return DEFAULT_ANSWER


async def _serve(args: argparse.Namespace) -> None:
    server = StandInVLM(args.model)
    server.answer = args.answer or demo_answer
    # Nobody reads the requests of a server run on its own: keep a few, not hours of pictures.
    server.keep_requests = 100
    await server.start(args.port, args.host)
    print(
        f"Stand-in VLM listening on {server.url} (models: {', '.join(server.models)})", flush=True
    )
    await asyncio.Event().wait()


def main() -> None:
    """Run the stand-in server until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=11434)
    parser.add_argument("--model", action="append", help="model name to serve (repeatable)")
    parser.add_argument(
        "--answer",
        help="the text every chat request is answered with (default: a plausible demo answer)",
    )
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))


if __name__ == "__main__":
    main()
