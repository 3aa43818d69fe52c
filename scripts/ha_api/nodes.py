"""Small readers of `ast` nodes, shared by the index, the resolver and the checker."""

from __future__ import annotations

import ast

type Function = ast.FunctionDef | ast.AsyncFunctionDef

PROPERTIES = {"property", "cached_property"}


def last_name(node: ast.AST) -> str:
    """Return the last name of an expression: `c` for `a.b.c`, `a.c(x)` and `c[x]`."""
    while isinstance(node, ast.Subscript | ast.Call):
        node = node.value if isinstance(node, ast.Subscript) else node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def strings(node: ast.AST | None) -> set[str]:
    """Return the string constants of a list, tuple or set literal, or of a dict's keys."""
    if isinstance(node, ast.Dict):
        return strings(ast.List([k for k in node.keys if k is not None]))
    elements = node.elts if isinstance(node, ast.List | ast.Tuple | ast.Set) else []
    return {e.value for e in elements if isinstance(e, ast.Constant) and isinstance(e.value, str)}


def annotation_expr(node: ast.expr | None) -> ast.expr | None:
    """Return an annotation, parsing it when it is a string."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            return ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return None
    return node


def targets(node: ast.Assign | ast.AnnAssign | ast.NamedExpr) -> list[ast.expr]:
    """Return what an assignment assigns to."""
    return node.targets if isinstance(node, ast.Assign) else [node.target]


def self_attr(node: ast.AST) -> str | None:
    """Return `x` for `self.x`."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.attr if node.value.id == "self" else None
    return None


def import_source(package: str, node: ast.ImportFrom) -> str:
    """Return the absolute module a `from ... import` reads."""
    parts = package.split(".")
    base = parts[: len(parts) - node.level + 1] if node.level else []
    return ".".join([*base, *([node.module] if node.module else [])])


def arguments(args: ast.arguments) -> list[ast.arg]:
    """Return the named parameters: positional-only, positional, keyword-only."""
    return [*args.posonlyargs, *args.args, *args.kwonlyargs]


def decorators(node: ast.AST | None) -> set[str]:
    """Return the last names of a definition's decorators (none for other nodes)."""
    return {last_name(d) for d in getattr(node, "decorator_list", [])}


def is_property(node: ast.AST | None) -> bool:
    """Return whether a definition is a property."""
    return bool(decorators(node) & PROPERTIES)
