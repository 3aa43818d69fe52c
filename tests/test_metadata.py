"""Validate manifest.json, hacs.json, translations and icons the way hassfest and HACS do."""

from __future__ import annotations

import json
from pathlib import Path
import re

from awesomeversion import AwesomeVersion
import pytest

from custom_components.vlm_guard.core import probe

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "custom_components" / "vlm_guard"
IOT_CLASSES = {
    "assumed_state",
    "calculated",
    "cloud_polling",
    "cloud_push",
    "local_polling",
    "local_push",
}
HACS_KEYS = {
    "name",
    "content_in_root",
    "zip_release",
    "filename",
    "hide_default_branch",
    "country",
    "homeassistant",
    "hacs",
    "persistent_directory",
    "render_readme",
}


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _ha_constraints() -> dict[str, str]:
    import homeassistant

    pins: dict[str, str] = {}
    path = Path(homeassistant.__file__).parent / "package_constraints.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line):
            pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


def test_manifest_like_hassfest() -> None:
    manifest = _load(PACKAGE / "manifest.json")
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"], "domain and name come first"
    assert keys[2:] == sorted(keys[2:]), "the other keys are sorted"
    assert manifest["domain"] == PACKAGE.name
    for key in ("codeowners", "documentation", "integration_type", "iot_class", "version"):
        assert key in manifest, key
    assert manifest["config_flow"] is True
    assert manifest["iot_class"] == "local_push"
    assert manifest["iot_class"] in IOT_CLASSES
    assert manifest["integration_type"] == "hub"
    assert AwesomeVersion(manifest["version"]).valid
    assert manifest["documentation"].startswith("https://")
    assert isinstance(manifest["requirements"], list)


def test_requirements_compatible_with_home_assistant_pins() -> None:
    """Every requirement must accept the version Home Assistant pins, if it pins one."""
    from packaging.requirements import Requirement

    pins = _ha_constraints()
    names = set()
    for line in _load(PACKAGE / "manifest.json")["requirements"]:
        requirement = Requirement(line)
        name = requirement.name.lower().replace("_", "-")
        names.add(name)
        if name in pins:
            assert requirement.specifier.contains(pins[name], prereleases=True), (
                f"{line} excludes Home Assistant's {name}=={pins[name]}"
            )
    assert {"av", "numpy", "opencv-python-headless", "faster-whisper"} <= names


def test_hacs_json() -> None:
    hacs = _load(ROOT / "hacs.json")
    assert set(hacs) <= HACS_KEYS, set(hacs) - HACS_KEYS
    assert hacs["name"]
    assert AwesomeVersion(hacs["homeassistant"]).valid
    assert (ROOT / "README.md").is_file()


def test_brand_icon_is_a_square_png() -> None:
    data = (PACKAGE / "brand" / "icon.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20]), int.from_bytes(data[20:24])
    assert width == height == 256


def test_every_flow_error_is_translated() -> None:
    strings = _load(PACKAGE / "translations" / "en.json")
    camera_errors = strings["config_subentries"]["camera"]["error"]
    for reason in (
        probe.REASON_INVALID_URL,
        probe.REASON_INVALID_AUTH,
        probe.REASON_NOT_FOUND,
        probe.REASON_CANNOT_CONNECT,
        probe.REASON_NO_VIDEO,
    ):
        assert reason in camera_errors, reason
    for reason in ("cannot_connect", "invalid_auth", "model_not_found", "no_models"):
        assert reason in strings["config"]["error"], reason
    for key in re.findall(
        r'translation_key="([a-z_]+)"', (PACKAGE / "__init__.py").read_text(encoding="utf-8")
    ) + re.findall(
        r'translation_key="([a-z_]+)"', (PACKAGE / "camera.py").read_text(encoding="utf-8")
    ):
        if key != "snapshot":
            assert strings["exceptions"][key]["message"], key


# Home Assistant's frontend formats every translation as an ICU message: a brace
# opens a placeholder, and an apostrophe before a brace or another apostrophe
# quotes text. Anything else in braces shows "Translation error: MALFORMED_ARGUMENT".
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
# Parts of en.json shown as names, labels or actions' help: no placeholders reach them.
NO_PLACEHOLDERS = ("entity", "selector", "services", "data", "name", "initiate_flow")


def _strings(node: object, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str]]:
    """Return every string of a translations file with the keys that lead to it."""
    if isinstance(node, dict):
        return [item for key, value in node.items() for item in _strings(value, (*path, key))]
    assert isinstance(node, str), path
    return [(path, node)]


def _placeholders_passed() -> set[str]:
    """Return every name the integration's code passes as a placeholder (dict keys it writes)."""
    names: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        names |= set(re.findall(r'"([a-z_]+)":', path.read_text(encoding="utf-8")))
    return names


def icu_placeholders(text: str) -> set[str]:
    """Return the placeholders of a message; fail when it would not format as plain ICU."""
    rest = PLACEHOLDER.sub("", text)
    assert not re.search(r"[{}]", rest), f"braces outside a {{name}} placeholder: {text!r}"
    for quote in ("'{", "'}", "''"):
        assert quote not in text, f"{quote} is an ICU quote: {text!r}"
    assert not re.search(r"<[A-Za-z/]", text), f"a tag: {text!r}"
    return set(PLACEHOLDER.findall(text))


def test_icu_reader_tells_placeholders_from_broken_braces() -> None:
    assert icu_placeholders("{model} at {server} failed") == {"model", "server"}
    assert icu_placeholders("Ollama's own API, no braces") == set()
    for broken in ('each {"name": ...}', "{}", "{a b}", "{count, plural}", "'{literal}'"):
        with pytest.raises(AssertionError):
            icu_placeholders(broken)


def test_every_translation_formats_as_an_icu_message() -> None:
    passed = _placeholders_passed()
    for path, text in _strings(_load(PACKAGE / "translations" / "en.json")):
        names = icu_placeholders(text)
        assert names <= passed, f"{'.'.join(path)}: no code passes {names - passed}"
        if any(part in NO_PLACEHOLDERS for part in path):
            assert not names, f"{'.'.join(path)} is shown without placeholders: {text!r}"


def test_examples_in_help_texts_are_not_links() -> None:
    """Markdown turns a bare user@host into a mailto: link: examples go in backticks."""
    for path, text in _strings(_load(PACKAGE / "translations" / "en.json")):
        outside_code = re.sub(r"`[^`]*`", "", text)
        assert not re.search(r"\w@\w", outside_code), f"{'.'.join(path)}: {text!r}"


def test_every_action_is_described() -> None:
    import yaml

    strings = _load(PACKAGE / "translations" / "en.json")
    icons = _load(PACKAGE / "icons.json")
    actions = yaml.safe_load((PACKAGE / "services.yaml").read_text(encoding="utf-8"))
    assert set(actions) == {
        "set_zones", "get_zones", "snooze", "review_incident", "add_suppression",
        "remove_suppression", "list_suppressions", "accept_suppressions", "rejudge",
        "run_daily_review", "check_vision",
    }  # fmt: skip
    for action, spec in actions.items():
        assert strings["services"][action]["name"]
        assert icons["services"][action]["service"].startswith("mdi:")
        for field in (spec or {}).get("fields", {}):
            assert strings["services"][action]["fields"][field]["name"]


@pytest.mark.parametrize(
    "platform", ["binary_sensor", "button", "calendar", "camera", "event", "sensor", "switch"]
)
def test_every_entity_has_a_name_and_an_icon(platform: str) -> None:
    strings = _load(PACKAGE / "translations" / "en.json")["entity"][platform]
    icons = _load(PACKAGE / "icons.json")["entity"][platform]
    source = (PACKAGE / f"{platform}.py").read_text(encoding="utf-8")
    keys = set(re.findall(r'Description\([^)]*translation_key="([a-z_]+)"', source))
    assert keys
    for key in keys:
        assert strings[key]["name"], key
        assert icons[key]["default"].startswith("mdi:"), key


# Every rule of Home Assistant's integration quality scale, by tier.
QUALITY_RULES = {
    "bronze": [
        "action-setup", "appropriate-polling", "brands", "common-modules",
        "config-flow-test-coverage", "config-flow", "dependency-transparency", "docs-actions",
        "docs-high-level-description", "docs-installation-instructions",
        "docs-removal-instructions", "entity-event-setup", "entity-unique-id", "has-entity-name",
        "runtime-data", "test-before-configure", "test-before-setup", "unique-config-entry",
    ],
    "silver": [
        "action-exceptions", "config-entry-unloading", "docs-configuration-parameters",
        "docs-installation-parameters", "entity-unavailable", "integration-owner",
        "log-when-unavailable", "parallel-updates", "reauthentication-flow", "test-coverage",
    ],
    "gold": [
        "devices", "diagnostics", "discovery-update-info", "discovery", "docs-data-update",
        "docs-examples", "docs-known-limitations", "docs-supported-devices",
        "docs-supported-functions", "docs-troubleshooting", "docs-use-cases", "dynamic-devices",
        "entity-category", "entity-device-class", "entity-disabled-by-default",
        "entity-translations", "exception-translations", "icon-translations",
        "reconfiguration-flow", "repair-issues", "stale-devices",
    ],
    "platinum": ["async-dependency", "inject-websession", "strict-typing"],
}  # fmt: skip
PLATFORM_MODULES = ["binary_sensor", "button", "camera", "event", "sensor", "switch"]


def test_quality_scale_lists_every_rule_done_or_exempt_with_a_reason() -> None:
    import yaml

    rules = yaml.safe_load((PACKAGE / "quality_scale.yaml").read_text(encoding="utf-8"))["rules"]
    expected = [rule for tier in QUALITY_RULES.values() for rule in tier]
    assert sorted(rules) == sorted(expected)
    for rule, value in rules.items():
        status = value if isinstance(value, str) else value["status"]
        assert status in ("done", "exempt"), (rule, status)
        if status == "exempt":
            assert value["comment"].strip(), rule


def test_quality_scale_claims_that_can_be_read_off_the_code() -> None:
    manifest = _load(PACKAGE / "manifest.json")
    assert manifest["codeowners"], "integration-owner"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for heading in ("## Install", "## Remove", "## Troubleshooting", "## Known limitations"):
        assert heading in readme, heading
    for module in PLATFORM_MODULES:
        source = (PACKAGE / f"{module}.py").read_text(encoding="utf-8")
        assert re.search(r"^PARALLEL_UPDATES = \d+$", source, re.MULTILINE), module
        assert "name=" not in source.replace("translation_key=", ""), module
    assert (PACKAGE / "repairs.py").is_file()
    assert (PACKAGE / "diagnostics.py").is_file()
    config_flow = (PACKAGE / "config_flow.py").read_text(encoding="utf-8")
    for step in ("async_step_reauth", "async_step_reconfigure"):
        assert step in config_flow, step
    assert "unique_id" not in config_flow.replace("unique_id is None", "")


def test_every_module_is_small() -> None:
    """One concern per module: none over 400 lines."""
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    assert {path: size for path, size in sizes.items() if size > 400} == {}


def test_core_never_imports_home_assistant() -> None:
    import ast

    for path in (PACKAGE / "core").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not any(name.startswith("homeassistant") for name in names), path.name
