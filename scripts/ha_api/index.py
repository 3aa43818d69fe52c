"""Parsed modules with their top-level bindings, class members, and the symbols names reach."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TypeGuard

from .nodes import Function, import_source, last_name, self_attr, strings, targets


@dataclass
class Module:
    """A parsed module and its top-level bindings: nodes, or imports as (module, name)."""

    name: str
    package: str
    tree: ast.Module
    bindings: dict[str, ast.AST | tuple[str, str | None]] = field(default_factory=dict)
    stars: list[str] = field(default_factory=list)
    exported: set[str] = field(default_factory=set)
    dynamic: bool = False  # A module `__getattr__` other than the deprecated-constant one.


@dataclass
class Sym:
    """What a name resolves to: a definition (`node`), a module, or something outside."""

    module: Module | None
    name: str
    node: ast.AST | None = None
    target: Module | None = None  # Set when the name is a module.
    deprecated: str | None = None
    owner: Sym | None = None  # The class a member belongs to.
    external: tuple[str, str] | None = None  # (module, name) outside the checked trees.
    scope: Function | None = None  # The method of a `self.x = ...` member.

    @property
    def qualname(self) -> str:
        """Return the dotted name shown in reports."""
        if self.owner is not None:
            return f"{self.owner.qualname}.{self.name}"
        if self.target is not None:
            return self.target.name
        return f"{self.module.name if self.module else '?'}.{self.name}"


UNKNOWN = Sym(None, "?")  # A lookup that cannot be decided statically.


def known(sym: Sym | None) -> TypeGuard[Sym]:
    """Return whether a lookup found something, rather than nothing or UNKNOWN."""
    return sym is not None and sym is not UNKNOWN


def is_ha_name(name: str) -> bool:
    """Return whether a dotted module name is Home Assistant's."""
    return name.split(".")[0] == "homeassistant"


def is_ha(sym: Sym | None) -> bool:
    """Return whether a symbol is defined in Home Assistant."""
    module = sym.module if known(sym) else None
    return module is not None and is_ha_name(module.name)


def index_module(name: str, path: str, tree: ast.Module) -> Module:
    """Collect a module's top-level bindings, those under `if`, `try` and `with` too."""
    package = name if path.endswith("__init__.py") else name.rpartition(".")[0]
    module = Module(name, package, tree)
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop(0)
        if isinstance(node, ast.If | ast.Try | ast.With):
            pending += [*node.body, *getattr(node, "orelse", []), *getattr(node, "finalbody", [])]
            pending += [n for h in getattr(node, "handlers", []) for n in h.body]
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            module.bindings[node.name] = node
        elif isinstance(node, ast.TypeAlias) and isinstance(node.name, ast.Name):
            module.bindings[node.name.id] = node
        elif isinstance(node, ast.AugAssign) and last_name(node.target) == "__all__":
            module.exported |= strings(node.value)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            for leaf in (n for t in targets(node) for n in ast.walk(t)):
                if isinstance(leaf, ast.Name):
                    module.bindings[leaf.id] = node
                    module.exported |= strings(node.value) if leaf.id == "__all__" else set()
        elif isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                module.bindings[alias.asname or top] = (alias.name if alias.asname else top, None)
        elif isinstance(node, ast.ImportFrom):
            source = import_source(package, node)
            for alias in node.names:
                if alias.name == "*":
                    module.stars.append(source)
                else:
                    module.bindings[alias.asname or alias.name] = (source, alias.name)
    if isinstance(getattr_ := module.bindings.get("__getattr__"), ast.AST):
        module.dynamic = "check_if_deprecated_constant" not in ast.unparse(getattr_)
    return module


def class_body(klass: Sym) -> list[ast.stmt]:
    """Return the statements of a class body, those under `if` and `try` included."""
    assert isinstance(klass.node, ast.ClassDef)
    pending, body = list(klass.node.body), []
    while pending:
        node = pending.pop(0)
        if isinstance(node, ast.If | ast.Try):
            pending[:0] = [*node.body, *node.orelse]
        else:
            body.append(node)
    return body


def class_member(klass: Sym, attr: str) -> Sym | None:
    """Find `attr` in one class: its body (the last definition wins), else `self.attr = `."""
    found: Sym | None = None
    assigned: Sym | None = None
    for node in class_body(klass):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if node.name == attr:
                found = Sym(klass.module, attr, node, owner=klass)
            elif not isinstance(node, ast.ClassDef) and assigned is None:
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Assign | ast.AnnAssign) and any(
                        self_attr(t) == attr for t in targets(inner)
                    ):
                        assigned = Sym(klass.module, attr, inner, owner=klass, scope=node)
                        break
        elif isinstance(node, ast.Assign | ast.AnnAssign) and any(
            last_name(t) == attr and isinstance(t, ast.Name) for t in targets(node)
        ):
            found = Sym(klass.module, attr, node, owner=klass)
    return found or assigned
