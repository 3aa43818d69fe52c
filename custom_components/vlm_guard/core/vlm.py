"""Clients for the VLM servers: Ollama's native API and OpenAI-compatible servers."""

from __future__ import annotations

from abc import ABC, abstractmethod
import asyncio
import base64
from dataclasses import dataclass, replace
import json
import time
from typing import Any, Final

import aiohttp

from .prompt import DEFAULT_PROMPT, VERDICT_SCHEMA
from .redact import mask_url
from .slots import Slots

BACKEND_OLLAMA: Final = "ollama"
BACKEND_OPENAI: Final = "openai"
BACKENDS: Final = (BACKEND_OLLAMA, BACKEND_OPENAI)

DEFAULT_NUM_CTX: Final = 4096
DEFAULT_KEEP_ALIVE: Final = "30m"
DEFAULT_TIMEOUT: Final = 30.0
DEFAULT_MAX_CONCURRENT: Final = 2


class VLMError(Exception):
    """Base of every VLM failure."""


class VLMConnectionError(VLMError):
    """The server cannot be reached, timed out or failed (5xx)."""


class VLMAuthError(VLMError):
    """The server refused our credentials (401/403)."""


class VLMResponseError(VLMError):
    """The server answered, but not with something we can use."""


class VLMModelNotFoundError(VLMResponseError):
    """The server does not serve the configured model."""


@dataclass(frozen=True, slots=True, kw_only=True)
class VLMSettings:
    """How to reach one VLM server and which model to ask."""

    backend: str
    url: str
    model: str = ""
    api_key: str = ""
    num_ctx: int = DEFAULT_NUM_CTX
    keep_alive: str = DEFAULT_KEEP_ALIVE
    timeout: float = DEFAULT_TIMEOUT
    max_concurrent: int = DEFAULT_MAX_CONCURRENT


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What the server says about the configured model."""

    context_length: int | None
    capabilities: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LoadedModel:
    """A model the server holds in memory right now."""

    name: str
    context_length: int | None
    size_vram: int | None


@dataclass(frozen=True, slots=True)
class VLMAnswer:
    """The raw text a model answered and how long it took."""

    text: str
    model: str
    latency: float


class VLMClient(ABC):
    """Common HTTP handling of both backends."""

    def __init__(self, session: aiohttp.ClientSession, settings: VLMSettings) -> None:
        """Use a shared aiohttp session (Home Assistant's) for every request."""
        self._session = session
        self.settings = settings
        # A burst of motion on many cameras queues here instead of piling onto the GPU.
        self._slots = Slots(settings.max_concurrent)
        self.pending = 0
        """Questions asked and not answered yet: in flight plus waiting for a slot."""
        self.max_pending = 0
        self.thinking = False
        """True when the model thinks before answering (then thinking is turned off)."""

    async def analyze(self, image_jpeg: bytes, prompt: str = DEFAULT_PROMPT) -> VLMAnswer:
        """Ask the model about one JPEG image; at most max_concurrent calls run at once."""
        return await self.ask(self.chat_payload(image_jpeg, prompt))

    async def complete(
        self, prompt: str, schema: dict[str, Any], *, name: str = "answer", max_tokens: int = 2000
    ) -> VLMAnswer:
        """Ask the model a question in words only; it answers JSON shaped by `schema`."""
        return await self.ask(
            self.chat_payload(None, prompt, schema=schema, name=name, max_tokens=max_tokens)
        )

    async def ask(self, payload: dict[str, Any]) -> VLMAnswer:
        """Send a request body made by chat_payload; at most max_concurrent run at once."""
        self.pending += 1
        self.max_pending = max(self.max_pending, self.pending)
        try:
            async with self._slots:
                return await self._chat(payload)
        finally:
            self.pending -= 1

    def set_max_concurrent(self, max_concurrent: int) -> None:
        """Change how many calls may run at once, for questions waiting and to come."""
        self.settings = replace(self.settings, max_concurrent=max_concurrent)
        self._slots.set_limit(max_concurrent)

    async def model_info(self) -> ModelInfo | None:
        """Return what the server knows about the model, when its API tells."""
        return None

    async def loaded_models(self) -> list[LoadedModel]:
        """Return the models held in memory, when the server's API tells."""
        return []

    @property
    def base_url(self) -> str:
        """Return the server URL without a trailing slash."""
        return self.settings.url.rstrip("/")

    @property
    def display_url(self) -> str:
        """Return the server URL fit for messages (any credentials in it masked)."""
        return mask_url(self.base_url)

    def _headers(self) -> dict[str, str]:
        if self.settings.api_key:
            return {"Authorization": f"Bearer {self.settings.api_key}"}
        return {}

    async def _request(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        """Send a request and return the decoded JSON body, mapping every failure."""
        url = f"{self.base_url}{path}"
        try:
            async with asyncio.timeout(self.settings.timeout):
                async with self._session.request(
                    method, url, json=payload, headers=self._headers()
                ) as response:
                    body = await response.text()
        except TimeoutError as err:
            raise VLMConnectionError(
                f"no answer from {self.display_url} within {self.settings.timeout:g} s"
            ) from err
        except aiohttp.ClientError as err:
            raise VLMConnectionError(f"cannot reach {self.display_url}: {err}") from err
        if response.status in (401, 403):
            raise VLMAuthError(f"{self.display_url} refused access ({response.status})")
        if response.status == 404 and "model" in body.lower():
            raise VLMModelNotFoundError(
                f"{self.display_url} does not serve model {self.settings.model!r}"
            )
        if response.status >= 500:
            raise VLMConnectionError(
                f"{self.display_url} failed with HTTP {response.status}: {body[:200]}"
            )
        if response.status >= 400:
            raise VLMResponseError(
                f"{self.display_url} rejected the request with HTTP {response.status}: {body[:200]}"
            )
        try:
            return json.loads(body)
        except ValueError as err:
            raise VLMResponseError(
                f"{self.display_url} answered with something that is not JSON: {body[:100]!r}"
            ) from err

    @abstractmethod
    async def list_models(self) -> list[str]:
        """Return the names of the models the server offers."""

    @abstractmethod
    def chat_payload(
        self,
        image_jpeg: bytes | None,
        prompt: str,
        *,
        schema: dict[str, Any] = VERDICT_SCHEMA,
        name: str = "verdict",
        max_tokens: int = 300,
    ) -> dict[str, Any]:
        """Return the chat request body for a question, with an image or without."""

    @abstractmethod
    async def _chat(self, payload: dict[str, Any]) -> VLMAnswer:
        """Send a chat request and return the model's raw answer."""


class OllamaClient(VLMClient):
    """Ollama's native API: /api/tags and /api/chat."""

    async def list_models(self) -> list[str]:
        """Return the names of the models pulled on the Ollama server."""
        data = await self._request("GET", "/api/tags")
        try:
            return [str(model["name"]) for model in data["models"]]
        except (KeyError, TypeError) as err:
            raise VLMResponseError(f"{self.display_url} is not an Ollama server") from err

    def _keep_alive(self) -> str | int:
        value = self.settings.keep_alive.strip()
        # Ollama reads a bare number as seconds and a string as a duration.
        return int(value) if value.lstrip("-").isdigit() else value

    def chat_payload(
        self,
        image_jpeg: bytes | None,
        prompt: str,
        *,
        schema: dict[str, Any] = VERDICT_SCHEMA,
        name: str = "verdict",
        max_tokens: int = 300,
    ) -> dict[str, Any]:
        """Return the /api/chat request body for a question (about one image, or none)."""
        message: dict[str, Any] = {"role": "user", "content": prompt}
        if image_jpeg is not None:
            message["images"] = [base64.b64encode(image_jpeg).decode("ascii")]
        return {
            "model": self.settings.model,
            "messages": [message],
            "stream": False,
            "format": schema,
            # Without num_ctx Ollama sizes the KV cache for the model's full
            # declared context: tens of GB of VRAM for a 7B VLM.
            "options": {"num_ctx": self.settings.num_ctx, "temperature": 0},
            "keep_alive": self._keep_alive(),
            # A thinking model would spend seconds reasoning before each verdict.
            **({"think": False} if self.thinking else {}),
        }

    async def model_info(self) -> ModelInfo | None:
        """Read /api/show: the declared context length and the capabilities."""
        data = await self._request("POST", "/api/show", {"model": self.settings.model})
        if not isinstance(data, dict):
            raise VLMResponseError(f"{self.display_url} answered /api/show with {str(data)[:100]}")
        model_info = data.get("model_info") or {}
        context = next(
            (
                int(value)
                for key, value in model_info.items()
                if key.endswith(".context_length") and isinstance(value, int)
            ),
            None,
        )
        capabilities = tuple(str(c) for c in data.get("capabilities") or ())
        self.thinking = "thinking" in capabilities
        return ModelInfo(context, capabilities)

    async def loaded_models(self) -> list[LoadedModel]:
        """Read /api/ps: which models are in memory, with which context and VRAM."""
        data = await self._request("GET", "/api/ps")
        try:
            return [
                LoadedModel(
                    name=str(model.get("name") or model.get("model")),
                    context_length=model.get("context_length"),
                    size_vram=model.get("size_vram"),
                )
                for model in data.get("models") or []
            ]
        except AttributeError as err:
            raise VLMResponseError(
                f"{self.display_url} answered /api/ps with {str(data)[:100]}"
            ) from err

    async def _chat(self, payload: dict[str, Any]) -> VLMAnswer:
        """Ask the model through /api/chat."""
        started = time.monotonic()
        data = await self._request("POST", "/api/chat", payload)
        try:
            text = data["message"]["content"]
        except (KeyError, TypeError) as err:
            raise VLMResponseError(
                f"{self.display_url} answered without a message: {str(data)[:100]}"
            ) from err
        return VLMAnswer(
            str(text), str(data.get("model", self.settings.model)), time.monotonic() - started
        )


class OpenAIClient(VLMClient):
    """OpenAI-compatible servers (vLLM, llama.cpp, LocalAI): /v1/models and /v1/chat/completions."""

    @property
    def base_url(self) -> str:
        """Return the API root, which ends with /v1."""
        url = self.settings.url.rstrip("/")
        return url if url.endswith("/v1") else f"{url}/v1"

    async def list_models(self) -> list[str]:
        """Return the ids of the models the server offers."""
        data = await self._request("GET", "/models")
        try:
            return [str(model["id"]) for model in data["data"]]
        except (KeyError, TypeError) as err:
            raise VLMResponseError(
                f"{self.display_url} is not an OpenAI-compatible server"
            ) from err

    def chat_payload(
        self,
        image_jpeg: bytes | None,
        prompt: str,
        *,
        schema: dict[str, Any] = VERDICT_SCHEMA,
        name: str = "verdict",
        max_tokens: int = 300,
    ) -> dict[str, Any]:
        """Return the /v1/chat/completions request body for a question (one image, or none)."""
        content: list[dict[str, Any]] = [{"type": "text", "text": prompt}]
        if image_jpeg is not None:
            image_url = "data:image/jpeg;base64," + base64.b64encode(image_jpeg).decode("ascii")
            content.append({"type": "image_url", "image_url": {"url": image_url}})
        return {
            "model": self.settings.model,
            "messages": [{"role": "user", "content": content}],
            "temperature": 0,
            "max_tokens": max_tokens,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": name, "schema": schema},
            },
        }

    async def _chat(self, payload: dict[str, Any]) -> VLMAnswer:
        """Ask the model through /v1/chat/completions."""
        started = time.monotonic()
        data = await self._request("POST", "/chat/completions", payload)
        try:
            text = data["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError) as err:
            raise VLMResponseError(
                f"{self.display_url} answered without a choice: {str(data)[:100]}"
            ) from err
        return VLMAnswer(
            str(text or ""), str(data.get("model", self.settings.model)), time.monotonic() - started
        )


def create_client(session: aiohttp.ClientSession, settings: VLMSettings) -> VLMClient:
    """Return the client for the configured backend."""
    if settings.backend == BACKEND_OPENAI:
        return OpenAIClient(session, settings)
    return OllamaClient(session, settings)
