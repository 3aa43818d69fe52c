"""Deprecations in Home Assistant's sources: markers, deprecated keywords, `report_usage` calls."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .index import Sym, known
from .nodes import last_name, strings

if TYPE_CHECKING:
    from .resolve import Api

DEPRECATION_CALLS = {
    *("DeprecatedConstant", "DeprecatedConstantEnum", "DeprecatedAlias"),
    *("DeferredDeprecatedAlias", "DeprecatedEntityProperty", "DeprecatedEntityAttr"),
}
DEPRECATION_DECORATORS = {"deprecated_class", "deprecated_function", "deprecated"}

type Conditions = tuple[tuple[ast.expr | None, bool], ...]  # (test, branch); None: unknown.


def describe(call: ast.AST | None) -> str:
    """Summarise a deprecation marker with its arguments (replacement, version)."""
    if not isinstance(call, ast.Call):
        return "deprecated"
    args = ", ".join(ast.unparse(a) for a in [*call.args, *(k.value for k in call.keywords)])
    return f"deprecated: {last_name(call)}({args[:200]})"


def deprecation(sym: Sym) -> str | None:
    """Return how a definition is marked deprecated, if it is."""
    node = sym.node
    if sym.deprecated:
        return sym.deprecated
    for decorator in getattr(node, "decorator_list", []):
        if last_name(decorator) in DEPRECATION_DECORATORS:
            return describe(decorator)
    value = getattr(node, "value", None)
    if isinstance(value, ast.Call) and last_name(value.func) in DEPRECATION_CALLS:
        return describe(value)
    owner = sym.owner.node if sym.owner else None
    for keyword in owner.keywords if isinstance(owner, ast.ClassDef) else []:
        if keyword.arg == "deprecated" and isinstance(keyword.value, ast.Dict):  # Enum members.
            for key, reason in zip(keyword.value.keys, keyword.value.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == sym.name:
                    return f"deprecated: {ast.unparse(reason)}"
    return None


def deprecated_keywords(func: Sym) -> set[str]:
    """Return the names a function reads from module-level `*DEPRECATED*` tables."""
    if func.module is None or func.node is None:
        return set()
    tables = {n.id for n in ast.walk(func.node) if isinstance(n, ast.Name) and "DEPRECATED" in n.id}
    return {k for t in tables for k in strings(getattr(func.module.bindings.get(t), "value", None))}


@dataclass
class Report:
    """A `report_usage(...)` a function makes, and the branches leading to it."""

    call: ast.Call
    conditions: Conditions

    @property
    def message(self) -> str:
        """Return the report's message, placeholders elided."""
        first = self.call.args[0] if self.call.args else self.call
        if isinstance(first, ast.JoinedStr):
            parts = (v.value if isinstance(v, ast.Constant) else "{...}" for v in first.values)
            return "".join(map(str, parts))
        return str(first.value) if isinstance(first, ast.Constant) else ast.unparse(first)

    @property
    def text(self) -> str:
        """Return the message and the release it breaks in."""
        version = [
            ast.unparse(k.value) for k in self.call.keywords if k.arg == "breaks_in_ha_version"
        ]
        return f"reports {self.message!r}" + (f", breaks in {version[0]}" if version else "")


def reports(api: Api, func: Sym, depth: int = 0) -> list[Report]:
    """Return a function's `report_usage(...)` calls with the conditions leading there.

    A module-level helper that reports unconditionally counts as a report.
    """
    found: list[Report] = []
    if func.module is None or not isinstance(func.node, ast.FunctionDef | ast.AsyncFunctionDef):
        return found
    pending: list[tuple[ast.stmt, Conditions]] = [(n, ()) for n in func.node.body]
    while pending:
        node, conditions = pending.pop(0)
        unknown: Conditions = (*conditions, (None, True))
        if isinstance(node, ast.If):
            pending += [(n, (*conditions, (node.test, True))) for n in node.body]
            pending += [(n, (*conditions, (node.test, False))) for n in node.orelse]
        elif isinstance(node, ast.For | ast.AsyncFor | ast.While | ast.Match):
            pending += [(n, unknown) for n in ast.walk(node) if isinstance(n, ast.Expr)]
        elif isinstance(node, ast.Try | ast.With | ast.AsyncWith):
            pending += [(n, conditions) for n in [*node.body, *getattr(node, "finalbody", [])]]
            pending += [(n, unknown) for h in getattr(node, "handlers", []) for n in h.body]
        elif not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
                found += [
                    Report(r.call, (*conditions, *r.conditions))
                    for r in _relayed(api, func, call, depth)
                ]
    return found


def _relayed(api: Api, func: Sym, call: ast.Call, depth: int) -> list[Report]:
    """Return the reports a call in `func` makes: `report_usage` itself, an unconditional
    report of a module-level helper, or what `super().same_method(...)` reports.
    """
    name = last_name(call.func)
    if name == "report_usage":
        return [Report(call, ())]
    helper = func.module.bindings.get(name) if func.module else None
    if depth < 3 and isinstance(call.func, ast.Name) and isinstance(helper, ast.FunctionDef):
        return [r for r in reports(api, Sym(func.module, name, helper), 3) if not r.conditions]
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    if depth < 3 and func.owner and name == func.name and last_name(receiver or call) == "super":
        base = api.member(func.owner, name, skip=1)  # Arguments are taken to pass through.
        return reports(api, base, depth + 1) if known(base) else []
    return []
