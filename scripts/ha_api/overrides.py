"""Overrides: what our subclass defines, and whether each definition still fits its base."""

from __future__ import annotations

import ast

from .nodes import Function, decorators, is_property, last_name, self_attr, targets
from .params import Params


def defined_members(node: ast.ClassDef) -> dict[str, ast.AST]:
    """Return what a class body defines, and the `self._attr_*` its methods assign."""
    defined: dict[str, ast.AST] = {}
    for statement in node.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            defined.setdefault(statement.name, statement)
        if isinstance(statement, ast.Assign | ast.AnnAssign):
            for target in targets(statement):
                defined.setdefault(last_name(target), statement)
    for item in ast.walk(node):
        for target in targets(item) if isinstance(item, ast.Assign | ast.AnnAssign) else []:
            if (attr := self_attr(target)) and attr.startswith("_attr_"):
                defined.setdefault(attr, item)
    return defined


def override_problems(ours: ast.AST, theirs: ast.AST | None, release: str) -> list[str]:
    """Return why an override no longer fits: a final base, a changed kind or parameters."""
    found = []
    if "final" in decorators(theirs):
        found.append(f"is final in {release}, not to be overridden")
    if not isinstance(ours, ast.FunctionDef | ast.AsyncFunctionDef):
        return found
    if not isinstance(theirs, ast.FunctionDef | ast.AsyncFunctionDef):
        return [*found, f"is an attribute in {release}, not a method"]
    if is_property(ours) != is_property(theirs) or type(ours) is not type(theirs):
        return [*found, f"is now `{_signature(theirs)}`" + " (a property)" * is_property(theirs)]
    mine, expected = Params.of(ours, bound=True), Params.of(theirs, bound=True)
    same = (mine.positional, set(mine.keyword)) == (expected.positional, set(expected.keyword))
    if not same and not (mine.varargs and mine.varkw):
        found.append(f"parameters changed, the base is now `{_signature(theirs)}`")
    return found


def _signature(func: Function) -> str:
    prefix = "async def" if isinstance(func, ast.AsyncFunctionDef) else "def"
    return f"{prefix} {func.name}({ast.unparse(func.args)})"
