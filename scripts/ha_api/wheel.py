"""Sources of one package, read in place from a release's cached wheel or a directory."""

from __future__ import annotations

import os
from pathlib import Path
import subprocess
import sys
import zipfile

from .syntax import parse


class Tree:
    """The Python files of one top-level package, in a wheel or under a directory."""

    def __init__(self, location: Path, package: str) -> None:
        """Index the package's files without reading them."""
        self._location = location
        self._zip = zipfile.ZipFile(location) if location.is_file() else None
        if self._zip is not None:
            paths = [n for n in self._zip.namelist() if n.startswith(f"{package}/")]
        else:
            paths = [p.relative_to(location).as_posix() for p in (location / package).rglob("*")]
        self.package = package
        self.paths = {_module_name(p): p for p in sorted(paths) if p.endswith(".py")}

    def source(self, module: str) -> str | None:
        """Return a module's source, None when the tree has no such module."""
        if (path := self.paths.get(module)) is None:
            return None
        if self._zip is not None:
            return self._zip.read(path).decode()
        return (self._location / path).read_text(encoding="utf-8")


def _module_name(path: str) -> str:
    parts = path.removesuffix(".py").split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def cache_dir() -> Path:
    """Return where downloaded wheels are kept, outside the repository."""
    default = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "vlm_guard"
    return Path(os.environ.get("VLM_GUARD_CACHE") or default) / "ha-wheels"


def fetch(release: str) -> Path:
    """Return the release's wheel, downloaded once."""
    directory = cache_dir()
    if found := sorted(directory.glob(f"homeassistant-{release}-*.whl")):
        return found[0]
    directory.mkdir(parents=True, exist_ok=True)
    print(f"Downloading homeassistant {release} into {directory}", flush=True)
    command = [sys.executable, "-m", "pip", "download", f"homeassistant=={release}", "--no-deps"]
    command += ["--ignore-requires-python", "--only-binary=:all:", "-q", "-d", str(directory)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if not (found := sorted(directory.glob(f"homeassistant-{release}-*.whl"))):
        why = (result.stderr.strip().splitlines() or ["no wheel"])[-1]
        raise SystemExit(f"pip could not download homeassistant {release}: {why}")
    return found[0]


def verify(tree: Tree) -> tuple[int, list[str]]:
    """Parse every module; return how many needed the except rewrite, and the unparseable."""
    rewritten, broken = 0, []
    for name, path in tree.paths.items():
        try:
            rewritten += parse(tree.source(name) or "", path)[1]
        except SyntaxError as err:
            broken.append(f"{path}:{err.lineno}: {err.msg}")
    return rewritten, broken
