"""What the expressions of our code stand for, told from annotations and what binds them."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import override

from .index import Module, Sym, known
from .nodes import Function, annotation_expr, arguments, decorators, last_name, targets
from .resolve import Api

MAPPINGS = {"dict", "Mapping", "MutableMapping", "MappingProxyType"}
CONTAINERS = {"list", "set", "frozenset", "Iterable", "Iterator", "Sequence", "Collection"}


@dataclass
class Value:
    """What an expression of our code stands for: a module or class, or an instance."""

    sym: Sym
    instance: bool
    skip: int = 0  # 1 for `super()`: members of the bases only.


def _instance(cls: Sym | None) -> Value | None:
    return Value(cls, instance=True) if cls else None


class Inference(ast.NodeVisitor):
    """Walks one of our modules, keeping the enclosing classes and functions to type names."""

    def __init__(self, api: Api, module: Module) -> None:
        """Type the expressions of `module` (parsed by `api`) with the names `api` resolves."""
        self.api, self.module = api, module
        self.classes: list[Sym] = []
        self.functions: list[Function | ast.Lambda] = []
        self._typing: set[str] = set()  # Locals being typed, against `x = f(x)` loops.

    @override
    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        """Track the enclosing classes, for `self` and `super()` inside."""
        self.classes.append(Sym(self.module, node.name, node))
        self.generic_visit(node)
        self.classes.pop()

    @override
    def visit_FunctionDef(self, node: Function | ast.Lambda) -> None:
        """Track the enclosing functions, for the parameters and locals inside."""
        self.functions.append(node)
        self.generic_visit(node)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_Lambda = visit_FunctionDef  # noqa: N815

    def local(self, name: str) -> Value | bool:
        """Return the value of a local name: True when local but untyped, False if not local."""
        for function in reversed(self.functions):
            args = function.args
            for arg in [*arguments(args), *(a for a in (args.vararg, args.kwarg) if a)]:
                if arg.arg != name:
                    continue
                if self.classes and name == "self" and arg is arguments(args)[0]:
                    return Value(self.classes[-1], instance=True)
                return _instance(self.api.annotation(self.module, arg.annotation, None)) or True
            if isinstance(function, ast.Lambda):
                continue
            for node in ast.walk(function):
                if (
                    isinstance(node, ast.Name)
                    and node.id == name
                    and isinstance(node.ctx, ast.Store)
                ):
                    return self._binding(function, node) or True
        return False

    def _binding(self, function: Function, target: ast.Name) -> Value | None:
        """Type a local from what binds it: `x: T = ...`, `x = call()`, `for x in call()`."""
        if target.id in self._typing:
            return None
        self._typing.add(target.id)
        try:
            for node in ast.walk(function):
                if isinstance(node, ast.AnnAssign) and node.target is target:
                    return _instance(self.api.annotation(self.module, node.annotation, None))
                if isinstance(node, ast.Assign | ast.NamedExpr) and target in targets(node):
                    return self.value(node.value)
                if (
                    isinstance(node, ast.For | ast.AsyncFor | ast.comprehension)
                    and node.target is target
                ):
                    return self.element(node.iter)
            return None
        finally:
            self._typing.discard(target.id)

    def mapping_value(self, expr: ast.expr) -> Value | None:
        """Return the class of the values of an attribute annotated as a mapping."""
        if not isinstance(expr, ast.Attribute):
            return None
        base = self.value(expr.value)
        if base is None or not base.instance:
            return None
        found = self.api.member(base.sym, expr.attr, base.skip)
        if not known(found) or found.module is None:
            return None
        annotation = annotation_expr(getattr(found.node, "annotation", None))
        if not (isinstance(annotation, ast.Subscript) and last_name(annotation.value) in MAPPINGS):
            return None
        if not isinstance(annotation.slice, ast.Tuple):
            return None
        return _instance(self.api.annotation(found.module, annotation.slice.elts[-1], found.owner))

    def element(self, expr: ast.expr) -> Value | None:
        """Return the class of the items of an iterable: `list[X]` returned, mapping values."""
        if not isinstance(expr, ast.Call):
            return None
        if isinstance(expr.func, ast.Attribute) and expr.func.attr == "values":
            return self.mapping_value(expr.func.value)
        if (callee := self.callee(expr.func)) is None or callee[0].module is None:
            return None
        returns = annotation_expr(getattr(callee[0].node, "returns", None))
        if isinstance(returns, ast.Subscript) and last_name(returns.value) in CONTAINERS:
            item = returns.slice.elts[0] if isinstance(returns.slice, ast.Tuple) else returns.slice
            return _instance(self.api.annotation(callee[0].module, item, callee[0].owner))
        return None

    def value(self, expr: ast.expr) -> Value | None:
        """Return what an expression stands for, when that can be told statically."""
        if isinstance(expr, ast.Name):
            if (local := self.local(expr.id)) is not False:
                return local if isinstance(local, Value) else None
            found = self.api.lookup(self.module, expr.id)
            return Value(found, instance=False) if known(found) else None
        if isinstance(expr, ast.Attribute) and (base := self.value(expr.value)):
            if not base.instance:
                found = self.api.attribute(base.sym, expr.attr)
                return Value(found, instance=False) if known(found) else None
            found = self.api.member(base.sym, expr.attr, base.skip)
            return _instance(self.api.member_type(found) if known(found) else None)
        if isinstance(expr, ast.Subscript):  # `entry.subentries[key]`
            return self.mapping_value(expr.value)
        if isinstance(expr, ast.IfExp):
            return self.value(expr.body) or self.value(expr.orelse)
        call = expr.value if isinstance(expr, ast.Await) else expr
        if not isinstance(call, ast.Call):
            return None
        if isinstance(call.func, ast.Attribute) and call.func.attr == "get":
            return self.mapping_value(call.func.value)
        if isinstance(call.func, ast.Name) and call.func.id == "super" and self.classes:
            return Value(self.classes[-1], instance=True, skip=1)
        if (callee := self.callee(call.func)) is None:
            return None
        if (cls := self.api.as_class(callee[0])) is not None:
            return Value(cls, instance=True)
        node, module = callee[0].node, callee[0].module
        awaited = isinstance(expr, ast.Await)
        if module and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if isinstance(node, ast.AsyncFunctionDef) != awaited:
                return None  # A coroutine not awaited, or awaiting a plain call's result.
            return _instance(self.api.annotation(module, node.returns, callee[0].owner))
        return None

    def callee(self, func: ast.expr) -> tuple[Sym, bool] | None:
        """Return what a call calls, and whether `self` is bound already."""
        base = self.value(func.value if isinstance(func, ast.Attribute) else func)
        if base is None:
            return None
        if not isinstance(func, ast.Attribute) and not base.instance:
            return base.sym, False
        if not isinstance(func, ast.Attribute):  # A callable instance: its `__call__`.
            found = self.api.member(base.sym, "__call__")
        elif base.instance:
            found = self.api.member(base.sym, func.attr, base.skip)
        else:
            found = self.api.attribute(base.sym, func.attr)
        if not known(found):
            return None
        named = decorators(found.node)
        bound = "classmethod" in named or (base.instance and "staticmethod" not in named)
        return found, bound
