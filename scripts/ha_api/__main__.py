"""Check VLM Guard's use of Home Assistant's API against Home Assistant releases."""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
from pathlib import Path
import sys

from .report import report
from .resolve import Api
from .wheel import Tree

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_RELEASES = ["2026.11.0"]


def main(argv: list[str] | None = None) -> int:
    """Check each release given; exit non-zero if a usage is missing, changed or deprecated."""
    parser = argparse.ArgumentParser(prog="check_ha_api", description=__doc__)
    parser.add_argument("releases", nargs="*", default=DEFAULT_RELEASES, metavar="RELEASE")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every usage checked")
    args = parser.parse_args(argv)
    ours = Tree(ROOT, "custom_components")
    spec = importlib.util.find_spec("homeassistant")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("Home Assistant is not installed: run scripts/setup")
    installed = Path(next(iter(spec.submodule_search_locations))).parent
    reference = Api([Tree(installed, "homeassistant"), ours])
    version = importlib.metadata.version("homeassistant")
    print(f"Reference (what counts as an override): the installed Home Assistant {version}")
    failed = False
    for release in args.releases:
        failed |= report(release, reference, ours, args.verbose)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
