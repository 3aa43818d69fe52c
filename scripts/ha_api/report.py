"""Check the whole integration against one release and print what was found."""

from __future__ import annotations

from .resolve import Api
from .usage import Checker
from .wheel import Tree, fetch, verify

PACKAGE = "custom_components.vlm_guard"


def check(api: Api, reference: Api, ours: Tree, release: str) -> tuple[list[str], list[str], int]:
    """Check every module of the integration; return the problems, usages checked, unknowns."""
    problems: list[str] = []
    checked: list[str] = []
    unknown = 0
    for name, path in ours.paths.items():
        if name.startswith(PACKAGE) and (module := api.module(name)) is not None:
            checker = Checker(api, reference, module, release)
            checker.visit(module.tree)
            problems += [
                f"{path}:{line}  {what}  {why}" for line, what, why in sorted(checker.problems)
            ]
            checked += [f"{path}:{line}  {what}" for line, what in sorted(checker.checked)]
            unknown += checker.unknown
    return problems, checked, unknown


def report(release: str, reference: Api, ours: Tree, verbose: bool) -> bool:
    """Check one release, fetching its wheel first, and print the result; True if it failed."""
    wheel = fetch(release)
    tree = Tree(wheel, "homeassistant")
    rewritten, broken = verify(tree)
    print(f"\nHome Assistant {release} ({wheel.name})")
    parsed = f"{len(broken)} unparseable:" if broken else "all parsed"
    print(f"  {len(tree.paths)} modules, {parsed}; {rewritten} needed `except A, B:` parenthesised")
    for line in broken:
        print(f"    {line}")
    problems, checked, unknown = check(Api([tree, ours]), reference, ours, release)
    for line in checked if verbose else []:
        print(f"  checked {line}")
    for line in problems:
        print(f"  {line}")
    undecided = f", {unknown} could not be decided statically" if unknown else ""
    counts = f"{len(checked)} usages checked{undecided}"
    print(f"  {len(problems)} problem(s) in {counts}" if problems else f"  OK: {counts}")
    return bool(problems)
