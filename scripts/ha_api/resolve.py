"""Resolve names across source trees: modules, re-exports, classes, members and their types."""

from __future__ import annotations

import ast
import importlib
import sys

from .deprecation import describe
from .index import UNKNOWN, Module, Sym, class_member, index_module, is_ha, known
from .nodes import annotation_expr, arguments, import_source, is_property, last_name
from .syntax import parse
from .wheel import Tree

WRAPPERS = {"Final", "ClassVar", "Optional", "Annotated"}  # Annotations around the class.


class Api:
    """Resolves names in a set of source trees, with the parsed modules cached."""

    def __init__(self, trees: list[Tree]) -> None:
        """Resolve against these trees; any other module is outside (stdlib, libraries)."""
        self.trees = trees
        self._modules: dict[str, Module | None] = {}
        self.unparseable: set[str] = set()

    def module(self, name: str) -> Module | None:
        """Return a parsed module, None when no tree has it (or it cannot be parsed)."""
        if name not in self._modules:
            self._modules[name] = None
            for tree in self.trees:
                if (source := tree.source(name)) is not None:
                    try:
                        parsed = parse(source, name)[0]
                        self._modules[name] = index_module(name, tree.paths[name], parsed)
                    except SyntaxError:
                        self.unparseable.add(name)
        return self._modules[name]

    def lookup(self, module: Module, name: str, depth: int = 0) -> Sym | None:
        """Resolve a module attribute: definitions, re-exports, submodules, `__all__`."""
        binding = module.bindings.get(name)
        if depth > 20:
            return UNKNOWN
        if isinstance(binding, tuple):
            return self._imported(binding[0], binding[1], depth)
        if binding is not None:
            return Sym(module, name, binding)
        if isinstance(marker := module.bindings.get(f"_DEPRECATED_{name}"), ast.AST):
            return Sym(module, name, marker, deprecated=describe(getattr(marker, "value", None)))
        for star in module.stars:
            if (target := self.module(star)) and (found := self.lookup(target, name, depth + 1)):
                return found
        if (sub := self.module(f"{module.name}.{name}")) is not None:
            return Sym(module, name, target=sub)
        if name in module.exported:
            return Sym(module, name)
        return UNKNOWN if module.dynamic else None

    def _imported(self, source: str, name: str | None, depth: int) -> Sym | None:
        if (target := self.module(source)) is None:
            if source in self.unparseable:
                return UNKNOWN
            if any(source.split(".")[0] == tree.package for tree in self.trees):
                return None
            return Sym(None, name or source, external=(source, name or ""))
        if name is None:
            return Sym(target, source.rpartition(".")[2], target=target)
        return self.lookup(target, name, depth + 1)

    def resolve(self, module: Module, expr: ast.expr) -> Sym | None:
        """Resolve a module-level expression: a name, an attribute chain, a generic."""
        if isinstance(expr, ast.Subscript):
            return self.resolve(module, expr.value)
        if isinstance(expr, ast.Name):
            return self.lookup(module, expr.id)
        if isinstance(expr, ast.Attribute) and (base := self.resolve(module, expr.value)):
            return self.attribute(base, expr.attr)
        return None

    def attribute(self, base: Sym, attr: str) -> Sym | None:
        """Resolve `base.attr` for a module or a class."""
        if base is UNKNOWN or base.external:
            return UNKNOWN
        if base.target is not None:
            return self.lookup(base.target, attr)
        cls = self.as_class(base)
        return self.member(cls, attr) if cls else UNKNOWN

    def as_class(self, sym: Sym | None, depth: int = 0) -> Sym | None:
        """Follow aliases (`X = Y`, `type X = Y[Z]`) to a class definition."""
        if not known(sym) or sym.module is None or depth > 10:
            return None
        if isinstance(sym.node, ast.ClassDef):
            return sym
        value = getattr(sym.node, "value", None)
        if isinstance(sym.node, ast.Assign | ast.TypeAlias) and isinstance(value, ast.expr):
            return self.as_class(self.resolve(sym.module, value), depth + 1)
        return None

    def mro(self, cls: Sym) -> tuple[list[Sym], list[tuple[str, str]]]:
        """Return a class and its bases (depth first), and the bases outside the trees."""
        order: list[Sym] = []
        outside: list[tuple[str, str]] = []
        pending = [cls]
        while pending:
            current = pending.pop(0)
            if any(c.node is current.node for c in order):
                continue
            order.append(current)
            assert isinstance(current.node, ast.ClassDef)
            assert current.module is not None
            for base_expr in current.node.bases:
                base = self.resolve(current.module, base_expr)
                if (base_cls := self.as_class(base)) is not None:
                    pending.append(base_cls)
                else:
                    external = base.external if known(base) else None
                    outside.append(external or ("?", ast.unparse(base_expr)))
        return order, outside

    def ha_bases(self, cls: Sym) -> list[Sym]:
        """Return the Home Assistant classes among a class and its bases."""
        return [k for k in self.mro(cls)[0] if is_ha(k)]

    def member(self, cls: Sym, attr: str, skip: int = 0) -> Sym | None:
        """Find a class member along its bases; UNKNOWN when a base outside may have it."""
        order, outside = self.mro(cls)
        for klass in order[skip:]:
            if (found := class_member(klass, attr)) is not None:
                return found
        for module_name, name in outside:  # Only the standard library is looked into.
            if module_name.split(".")[0] not in sys.stdlib_module_names:
                return UNKNOWN
            try:
                if hasattr(getattr(importlib.import_module(module_name), name), attr):
                    return UNKNOWN
            except (ImportError, AttributeError):
                return UNKNOWN
        return None

    def annotation(self, module: Module, node: ast.expr | None, owner: Sym | None) -> Sym | None:
        """Return the class an annotation names (`X | None`, `"X"`, `Final[X]`, `Self`)."""
        node = annotation_expr(node)
        if isinstance(node, ast.BinOp):
            left = self.annotation(module, node.left, owner)
            return left or self.annotation(module, node.right, owner)
        if isinstance(node, ast.Subscript) and last_name(node.value) in WRAPPERS:
            inner = node.slice.elts[0] if isinstance(node.slice, ast.Tuple) else node.slice
            return self.annotation(module, inner, owner)
        if isinstance(node, ast.Name) and node.id == "Self":
            return owner
        if isinstance(node, ast.Name | ast.Attribute | ast.Subscript):
            return self.as_class(self.resolve(module, node))
        return None

    def member_type(self, found: Sym) -> Sym | None:
        """Return the class of a member's value: its annotation, or what `self.x = ` assigns."""
        node, module, scope = found.node, found.module, found.scope
        if module is None:
            return None
        if isinstance(node, ast.AnnAssign):
            return self.annotation(module, node.annotation, found.owner)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return self.annotation(module, node.returns, found.owner) if is_property(node) else None
        value = getattr(node, "value", None)
        if isinstance(value, ast.Name) and scope:  # `self.hass = hass`
            arg = next((a for a in arguments(scope.args) if a.arg == value.id), None)
            return self.annotation(module, arg.annotation, found.owner) if arg else None
        if isinstance(value, ast.Call):  # `self.bus = EventBus(self)`, maybe imported locally
            local = [n for n in ast.walk(scope) if isinstance(n, ast.ImportFrom)] if scope else []
            for statement in local:
                for alias in statement.names:
                    if (alias.asname or alias.name) == last_name(value.func):
                        source = import_source(module.package, statement)
                        return self.as_class(self._imported(source, alias.name, 0))
            return self.as_class(self.resolve(module, value.func))
        return None

    def counterpart(self, sym: Sym) -> Sym | None:
        """Return the same definition (module, class, name) in this Api's release."""
        module = self.module(sym.module.name) if sym.module else None
        if module is None:
            return None
        if sym.owner is None:
            found = self.lookup(module, sym.name)
        else:
            owner = self.as_class(self.counterpart(sym.owner))
            found = class_member(owner, sym.name) if owner else None
        return found if known(found) else None
