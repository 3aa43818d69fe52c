"""The panel and card bundles: committed, current with their sources, and reproducible."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
import re
import shutil
import subprocess

import pytest

ROOT = Path(__file__).resolve().parents[1]
FRONTEND = ROOT / "frontend"
BUILT = ROOT / "custom_components" / "vlm_guard" / "frontend"
PANEL = "vlm-guard-panel.js"
CARD = "vlm-guard-card.js"
OUTPUTS = (PANEL, CARD, "build.json")
REBUILD = "run scripts/build_frontend and commit what it writes"

# Code loaded from elsewhere at run time: a static or dynamic import, a CSS @import or a
# script element naming an http(s) or protocol-relative URL.
REMOTE_CODE = re.compile(
    r"""(?:\bimport\s*\(?|\bfrom|@import\s+(?:url\()?|<script[^>]*\bsrc=)\s*["'`]?\s*(?:https?:)?//""",
    re.IGNORECASE,
)


def frontend_sources(folder: Path) -> list[str]:
    """Every file under frontend/ except node_modules/, relative with "/", sorted."""
    found = []
    for parent, folders, files in os.walk(folder):
        if Path(parent) == folder and "node_modules" in folders:
            folders.remove("node_modules")
        for name in files:
            path = Path(parent) / name
            if path.is_file() and not path.is_symlink():
                found.append(path.relative_to(folder).as_posix())
    return sorted(found)


def sources_sha256(folder: Path) -> str:
    """The hash frontend/build.mjs records: sha256 of sha256sum-style lines of the sources."""
    listing = "".join(
        f"{hashlib.sha256((folder / path).read_bytes()).hexdigest()}  {path}\n"
        for path in frontend_sources(folder)
    )
    return hashlib.sha256(listing.encode()).hexdigest()


def build_record() -> dict[str, object]:
    path = BUILT / "build.json"
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing: {REBUILD}"
    record: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return record


def test_bundles_are_built_from_the_current_sources() -> None:
    record = build_record()
    assert record["sources"] == frontend_sources(FRONTEND), (
        f"files under frontend/ were added or removed since the bundles were built: {REBUILD}"
    )
    assert record["sources_sha256"] == sources_sha256(FRONTEND), (
        f"frontend/ changed since the bundles were built: {REBUILD}"
    )
    assert re.fullmatch(r"\d+\.\d+\.\d+", str(record["esbuild"]))
    lock = json.loads((FRONTEND / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/esbuild"]["version"] == record["esbuild"]


def test_bundles_are_the_ones_recorded() -> None:
    outputs = build_record()["outputs"]
    assert isinstance(outputs, dict)
    assert sorted(outputs) == sorted((PANEL, CARD))
    for name, digest in outputs.items():
        path = BUILT / name
        assert path.is_file(), f"{path.relative_to(ROOT)} is missing: {REBUILD}"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, (
            f"{name} was changed by hand: {REBUILD}"
        )


def test_package_versions_are_pinned() -> None:
    package = json.loads((FRONTEND / "package.json").read_text(encoding="utf-8"))
    for group in ("dependencies", "devDependencies"):
        for name, version in package.get(group, {}).items():
            assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} is not pinned: {version}"
    lock = json.loads((FRONTEND / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["lockfileVersion"] >= 3
    assert lock["packages"][""]["devDependencies"] == package["devDependencies"]
    assert lock["packages"][""]["dependencies"] == package["dependencies"]


@pytest.mark.parametrize(
    ("bundle", "element"), [(PANEL, "vlm-guard-panel"), (CARD, "vlm-guard-incidents-card")]
)
def test_bundle_defines_its_element(bundle: str, element: str) -> None:
    text = (BUILT / bundle).read_text(encoding="utf-8")
    assert f'customElements.define("{element}"' in text


@pytest.mark.parametrize("bundle", [PANEL, CARD])
def test_bundle_loads_nothing_from_the_internet(bundle: str) -> None:
    text = (BUILT / bundle).read_text(encoding="utf-8")
    assert not REMOTE_CODE.findall(text)


def test_remote_code_pattern() -> None:
    for remote in (
        'import{x}from"https://cdn.example/lit.js"',
        'import("http://example.org/a.js")',
        "import '//example.org/a.js'",
        "@import url(https://fonts.example/css)",
        '<script src="https://example.org/a.js">',
    ):
        assert REMOTE_CODE.search(remote), remote
    for local in (
        'createElementNS("http://www.w3.org/2000/svg","svg")',
        'import{LitElement}from"./lit.js"',
        'const from = "https://example.org"',
    ):
        assert not REMOTE_CODE.search(local), local


def test_card_registers_in_the_card_picker() -> None:
    text = (BUILT / CARD).read_text(encoding="utf-8")
    assert "window.customCards=window.customCards||[]" in text
    assert re.search(r'window\.customCards\.push\(\{type:"vlm-guard-incidents-card",', text)
    assert 'name:"VLM Guard incidents"' in text


def test_node_modules_are_not_committed() -> None:
    lines = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "frontend/node_modules/" in lines


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
@pytest.mark.skipif(bool(os.environ.get("VLM_GUARD_SKIP_NPM")), reason="VLM_GUARD_SKIP_NPM is set")
@pytest.mark.timeout(600)
def test_build_reproduces_the_committed_bundles(tmp_path: Path) -> None:
    """scripts/build_frontend run on a copy of the sources writes the committed bytes."""
    shutil.copytree(FRONTEND, tmp_path / "frontend", ignore=shutil.ignore_patterns("node_modules"))
    (tmp_path / "scripts").mkdir()
    shutil.copy2(ROOT / "scripts" / "build_frontend", tmp_path / "scripts" / "build_frontend")
    subprocess.run(
        ["bash", str(tmp_path / "scripts" / "build_frontend")],
        check=True,
        capture_output=True,
        timeout=540,
    )
    built = tmp_path / "custom_components" / "vlm_guard" / "frontend"
    for name in OUTPUTS:
        assert (built / name).read_bytes() == (BUILT / name).read_bytes(), (
            f"{name} built from the committed sources differs from the committed one: {REBUILD}"
        )
