"""Pre-configure the demo server entry and camera for scripts/develop (once).

Also warn when config/configuration.yaml no longer lists every integration of
Home Assistant's default_config (it spells them out, less go2rtc).
"""

from __future__ import annotations

import json
from pathlib import Path
import re
import sys
from types import MappingProxyType

from homeassistant.components import default_config
from homeassistant.config_entries import (
    STORAGE_KEY,
    STORAGE_VERSION,
    STORAGE_VERSION_MINOR,
    ConfigEntry,
)
from homeassistant.helpers.json import json_bytes

from custom_components.vlm_guard.const import DOMAIN, SUBENTRY_CAMERA

# Left out of configuration.yaml on purpose: see the comment there.
LEFT_OUT = {"go2rtc"}


def check_default_config(config: Path) -> None:
    """Name the default_config integrations configuration.yaml does not list."""
    manifest = Path(default_config.__file__).parent / "manifest.json"
    wanted = set(json.loads(manifest.read_text(encoding="utf-8"))["dependencies"])
    text = (config / "configuration.yaml").read_text(encoding="utf-8")
    listed = set(re.findall(r"^([a-z0-9_]+):", text, re.MULTILINE))
    if "default_config" in listed:
        return
    if missing := sorted(wanted - LEFT_OUT - listed):
        print(
            f"Warning: {config / 'configuration.yaml'} does not list {', '.join(missing)}, "
            "which this Home Assistant's default_config loads",
            file=sys.stderr,
        )


def main() -> None:
    """Write config/.storage/core.config_entries unless it exists."""
    config, vlm_url, rtsp_url = sys.argv[1:4]
    check_default_config(Path(config))
    storage = Path(config) / ".storage" / STORAGE_KEY
    if storage.exists():
        return
    model = "qwen2.5vl:7b"
    entry = ConfigEntry(
        domain=DOMAIN,
        title=f"{model} (stand-in)",
        data={
            "backend": "ollama",
            "url": vlm_url,
            "api_key": "",
            "model": model,
            "num_ctx": 4096,
            "keep_alive": "30m",
            "timeout": 30.0,
        },
        options={},
        source="user",
        unique_id=f"{vlm_url}|{model}",
        version=1,
        minor_version=1,
        discovery_keys=MappingProxyType({}),
        subentries_data=[
            {
                "data": {"rtsp_url": rtsp_url, "interval": 5.0, "alert_hold": 30.0},
                "subentry_type": SUBENTRY_CAMERA,
                "title": "Demo room",
                "unique_id": None,
            }
        ],
    )
    storage.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "version": STORAGE_VERSION,
        "minor_version": STORAGE_VERSION_MINOR,
        "key": STORAGE_KEY,
        "data": {"entries": [json.loads(json_bytes(entry.as_storage_fragment))]},
    }
    storage.write_text(json.dumps(document, indent=2), encoding="utf-8")
    print(f"Seeded the demo VLM server and camera in {storage}")


if __name__ == "__main__":
    main()
