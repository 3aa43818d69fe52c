"""Check VLM Guard's use of Home Assistant's API against Home Assistant releases.

Each release's wheel is downloaded once into a cache outside the repository and
read in place with `ast` (Python 3.14 sources too, see `parenthesize_excepts`),
never installed or imported. Every Home Assistant name the integration imports,
reads, calls or overrides is looked up in that release: the module and the name
exist, calls fit the signature, overrides still match their base, nothing used is
deprecated. Types come from annotations (`hass: HomeAssistant`, `self.hass`,
return types), so `hass.config_entries.async_reload(...)` is checked too.

An override is a member of a Home Assistant base class in the installed Home
Assistant, the reference release: our own helpers on an entity are not overrides.
A deprecation that `report_usage` makes only under conditions the checker cannot
decide (the entry's state, say) is reported when the reference lacks it.
"""

from __future__ import annotations

import argparse
import ast
from dataclasses import dataclass, field
import importlib
import importlib.metadata
import importlib.util
import io
import os
from pathlib import Path
import subprocess
import sys
import tokenize
from typing import TypeGuard
import zipfile

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "custom_components.vlm_guard"
DEFAULT_RELEASES = ["2026.11.0"]
DEPRECATION_CALLS = {
    *("DeprecatedConstant", "DeprecatedConstantEnum", "DeprecatedAlias"),
    *("DeferredDeprecatedAlias", "DeprecatedEntityProperty", "DeprecatedEntityAttr"),
}
DEPRECATION_DECORATORS = {"deprecated_class", "deprecated_function", "deprecated"}
FIELDS_MARKERS = {"dataclass", "define", "frozen", "NamedTuple", "TypedDict", "frozen_or_thawed"}
PROPERTIES = {"property", "cached_property"}
MAPPINGS = {"dict", "Mapping", "MutableMapping", "MappingProxyType"}
CONTAINERS = {"list", "set", "frozenset", "Iterable", "Iterator", "Sequence", "Collection"}

type Function = ast.FunctionDef | ast.AsyncFunctionDef
type Conditions = tuple[tuple[ast.expr | None, bool], ...]  # (test, branch); None: unknown.


def parenthesize_excepts(source: str) -> str:
    """Rewrite Python 3.14's `except A, B:` (PEP 758) as `except (A, B):`.

    Works on tokens, so strings and comments are left alone. A clause with `as`
    is not valid 3.14 either and is left for the parser to refuse.
    """
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    inserts: list[tuple[tuple[int, int], str]] = []
    index = 0
    while index < len(tokens):
        index += 1
        if tokens[index - 1].type != tokenize.NAME or tokens[index - 1].string != "except":
            continue
        index += tokens[index].string == "*"
        start, depth, comma, alias = index, 0, False, False
        while index < len(tokens) and not (depth == 0 and tokens[index].string == ":"):
            token = tokens[index]
            if token.type == tokenize.OP and token.string in "([{":
                depth += 1
            elif token.type == tokenize.OP and token.string in ")]}":
                depth -= 1
            elif depth == 0:
                comma |= token.string == ","
                alias |= token.type == tokenize.NAME and token.string == "as"
            index += 1
        if comma and not alias:
            inserts += [(tokens[start].start, "("), (tokens[index - 1].end, ")")]
    lines = source.splitlines(keepends=True)
    for (row, col), text in sorted(inserts, reverse=True):
        lines[row - 1] = lines[row - 1][:col] + text + lines[row - 1][col:]
    return "".join(lines)


def parse(source: str, filename: str) -> tuple[ast.Module, bool]:
    """Parse a source file; return its tree and whether the except rewrite was needed."""
    try:
        return ast.parse(source, filename), False
    except SyntaxError:
        try:
            rewritten = parenthesize_excepts(source)
        except (SyntaxError, tokenize.TokenError):
            rewritten = source  # Not even tokenizable: the original error stands.
        if rewritten == source:
            raise
        return ast.parse(rewritten, filename), True


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


def _known(sym: Sym | None) -> TypeGuard[Sym]:
    return sym is not None and sym is not UNKNOWN


def _is_ha(sym: Sym | None) -> bool:
    module = sym.module if _known(sym) else None
    return module is not None and module.name.split(".")[0] == "homeassistant"


def _last_name(node: ast.AST) -> str:
    while isinstance(node, ast.Subscript | ast.Call):
        node = node.value if isinstance(node, ast.Subscript) else node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _strings(node: ast.AST | None) -> set[str]:
    if isinstance(node, ast.Dict):
        return _strings(ast.List([k for k in node.keys if k is not None]))
    elements = node.elts if isinstance(node, ast.List | ast.Tuple | ast.Set) else []
    return {e.value for e in elements if isinstance(e, ast.Constant) and isinstance(e.value, str)}


def _expr(node: ast.expr | None) -> ast.expr | None:
    """Return an annotation, parsing it when it is a string."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            return ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return None
    return node


def _describe(call: ast.AST | None) -> str:
    """Summarise a deprecation marker with its arguments (replacement, version)."""
    if not isinstance(call, ast.Call):
        return "deprecated"
    args = ", ".join(ast.unparse(a) for a in [*call.args, *(k.value for k in call.keywords)])
    return f"deprecated: {_last_name(call)}({args[:200]})"


def _targets(node: ast.Assign | ast.AnnAssign | ast.NamedExpr) -> list[ast.expr]:
    return node.targets if isinstance(node, ast.Assign) else [node.target]


def _self_attr(node: ast.AST) -> str | None:
    """Return `x` for `self.x`."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.attr if node.value.id == "self" else None
    return None


def _import_source(package: str, node: ast.ImportFrom) -> str:
    """Return the absolute module a `from ... import` reads."""
    parts = package.split(".")
    base = parts[: len(parts) - node.level + 1] if node.level else []
    return ".".join([*base, *([node.module] if node.module else [])])


def _index(name: str, path: str, tree: ast.Module) -> Module:
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
        elif isinstance(node, ast.AugAssign) and _last_name(node.target) == "__all__":
            module.exported |= _strings(node.value)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            for leaf in (n for t in _targets(node) for n in ast.walk(t)):
                if isinstance(leaf, ast.Name):
                    module.bindings[leaf.id] = node
                    module.exported |= _strings(node.value) if leaf.id == "__all__" else set()
        elif isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                module.bindings[alias.asname or top] = (alias.name if alias.asname else top, None)
        elif isinstance(node, ast.ImportFrom):
            source = _import_source(package, node)
            for alias in node.names:
                if alias.name == "*":
                    module.stars.append(source)
                else:
                    module.bindings[alias.asname or alias.name] = (source, alias.name)
    if isinstance(getattr_ := module.bindings.get("__getattr__"), ast.AST):
        module.dynamic = "check_if_deprecated_constant" not in ast.unparse(getattr_)
    return module


def _class_body(klass: Sym) -> list[ast.stmt]:
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


def _class_member(klass: Sym, attr: str) -> Sym | None:
    """Find `attr` in one class: its body (the last definition wins), else `self.attr = `."""
    found: Sym | None = None
    assigned: Sym | None = None
    for node in _class_body(klass):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if node.name == attr:
                found = Sym(klass.module, attr, node, owner=klass)
            elif not isinstance(node, ast.ClassDef) and assigned is None:
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Assign | ast.AnnAssign) and any(
                        _self_attr(t) == attr for t in _targets(inner)
                    ):
                        assigned = Sym(klass.module, attr, inner, owner=klass, scope=node)
                        break
        elif isinstance(node, ast.Assign | ast.AnnAssign) and any(
            _last_name(t) == attr and isinstance(t, ast.Name) for t in _targets(node)
        ):
            found = Sym(klass.module, attr, node, owner=klass)
    return found or assigned


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
                        self._modules[name] = _index(name, tree.paths[name], parse(source, name)[0])
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
            return Sym(module, name, marker, deprecated=_describe(getattr(marker, "value", None)))
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
        if not _known(sym) or sym.module is None or depth > 10:
            return None
        assert sym is not None
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
                    external = base.external if _known(base) else None
                    outside.append(external or ("?", ast.unparse(base_expr)))
        return order, outside

    def member(self, cls: Sym, attr: str, skip: int = 0) -> Sym | None:
        """Find a class member along its bases; UNKNOWN when a base outside may have it."""
        order, outside = self.mro(cls)
        for klass in order[skip:]:
            if (found := _class_member(klass, attr)) is not None:
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
        node = _expr(node)
        if isinstance(node, ast.BinOp):
            left = self.annotation(module, node.left, owner)
            return left or self.annotation(module, node.right, owner)
        if isinstance(node, ast.Subscript) and _last_name(node.value) in {
            *("Final", "ClassVar", "Optional", "Annotated"),
        }:
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
            is_property = {_last_name(d) for d in node.decorator_list} & PROPERTIES
            return self.annotation(module, node.returns, found.owner) if is_property else None
        value = getattr(node, "value", None)
        if isinstance(value, ast.Name) and scope:  # `self.hass = hass`
            arg = next((a for a in _arguments(scope.args) if a.arg == value.id), None)
            return self.annotation(module, arg.annotation, found.owner) if arg else None
        if isinstance(value, ast.Call):  # `self.bus = EventBus(self)`, maybe imported locally
            local = [n for n in ast.walk(scope) if isinstance(n, ast.ImportFrom)] if scope else []
            for node in local:
                for alias in node.names:
                    if (alias.asname or alias.name) == _last_name(value.func):
                        source = _import_source(module.package, node)
                        return self.as_class(self._imported(source, alias.name, 0))
            return self.as_class(self.resolve(module, value.func))
        return None

    def deprecation(self, sym: Sym) -> str | None:
        """Return how a definition is marked deprecated, if it is."""
        node = sym.node
        if sym.deprecated:
            return sym.deprecated
        for decorator in getattr(node, "decorator_list", []):
            if _last_name(decorator) in DEPRECATION_DECORATORS:
                return _describe(decorator)
        value = getattr(node, "value", None)
        if isinstance(value, ast.Call) and _last_name(value.func) in DEPRECATION_CALLS:
            return _describe(value)
        owner = sym.owner.node if sym.owner else None
        for keyword in owner.keywords if isinstance(owner, ast.ClassDef) else []:
            if keyword.arg == "deprecated" and isinstance(keyword.value, ast.Dict):  # Enum members.
                for key, reason in zip(keyword.value.keys, keyword.value.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value == sym.name:
                        return f"deprecated: {ast.unparse(reason)}"
        return None

    def deprecated_keywords(self, func: Sym) -> set[str]:
        """Return the names a function reads from module-level `*DEPRECATED*` tables."""
        if func.module is None or func.node is None:
            return set()
        tables = {
            n.id for n in ast.walk(func.node) if isinstance(n, ast.Name) and "DEPRECATED" in n.id
        }
        return {
            k for t in tables for k in _strings(getattr(func.module.bindings.get(t), "value", None))
        }

    def counterpart(self, sym: Sym) -> Sym | None:
        """Return the same definition (module, class, name) in this Api's release."""
        module = self.module(sym.module.name) if sym.module else None
        if module is None:
            return None
        if sym.owner is None:
            found = self.lookup(module, sym.name)
        else:
            owner = self.as_class(self.counterpart(sym.owner))
            found = _class_member(owner, sym.name) if owner else None
        return found if _known(found) else None

    def reports(self, func: Sym, depth: int = 0) -> list[Report]:
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
                        for r in self._relayed(func, call, depth)
                    ]
        return found

    def _relayed(self, func: Sym, call: ast.Call, depth: int) -> list[Report]:
        """Return the reports a call in `func` makes: `report_usage` itself, an unconditional
        report of a module-level helper, or what `super().same_method(...)` reports.
        """
        name = _last_name(call.func)
        if name == "report_usage":
            return [Report(call, ())]
        helper = func.module.bindings.get(name) if func.module else None
        if depth < 3 and isinstance(call.func, ast.Name) and isinstance(helper, ast.FunctionDef):
            return [r for r in self.reports(Sym(func.module, name, helper), 3) if not r.conditions]
        receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
        if (
            depth < 3
            and func.owner
            and name == func.name
            and _last_name(receiver or call) == "super"
        ):
            base = self.member(func.owner, name, skip=1)  # Arguments are taken to pass through.
            return self.reports(base, depth + 1) if _known(base) else []
        return []


def _arguments(args: ast.arguments) -> list[ast.arg]:
    return [*args.posonlyargs, *args.args, *args.kwonlyargs]


@dataclass
class Params:
    """What a callable accepts."""

    positional: list[str]
    required: int = 0  # Leading positional parameters without a default.
    posonly: int = 0
    keyword: dict[str, bool] = field(default_factory=dict)  # Keyword-only: name -> required.
    varargs: bool = False
    varkw: str | None = None  # The name of `**kwargs`.
    defaults: dict[str, ast.expr] = field(default_factory=dict)

    @classmethod
    def of(cls, func: Function, bound: bool) -> Params:
        """Read a function's parameters; `bound` drops `self`."""
        args = func.args
        positional = [*args.posonlyargs, *args.args]
        drop = 1 if bound and positional else 0
        defaults = [*zip(positional[::-1], args.defaults[::-1], strict=False)]
        defaults += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d]
        return cls(
            positional=[a.arg for a in positional[drop:]],
            required=len(positional) - len(args.defaults) - drop,
            posonly=max(len(args.posonlyargs) - drop, 0),
            keyword={
                a.arg: d is None for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)
            },
            varargs=args.vararg is not None,
            varkw=args.kwarg.arg if args.kwarg else None,
            defaults={a.arg: d for a, d in defaults},
        )

    def problems(self, call: ast.Call) -> list[str]:
        """Return what a call passes that this signature does not accept, or lacks."""
        count = sum(not isinstance(a, ast.Starred) for a in call.args)
        names = [k.arg for k in call.keywords if k.arg is not None]
        found = []
        if count > len(self.positional) and not self.varargs:
            found.append(f"takes {len(self.positional)} positional arguments, {count} given")
        accepted = set(self.positional[self.posonly :]) | set(self.keyword)
        found += [f"has no parameter {n!r}" for n in names if n not in accepted and not self.varkw]
        if self.passed(call) is not None:
            given = set(self.positional[:count]) | set(names)
            needed = [*self.positional[: self.required], *(k for k, r in self.keyword.items() if r)]
            found += [f"requires argument {n!r}" for n in needed if n not in given]
        return found

    def passed(self, call: ast.Call) -> dict[str, ast.expr] | None:
        """Map parameter names to what a call passes; None when it unpacks arguments."""
        if any(isinstance(a, ast.Starred) for a in call.args) or any(
            k.arg is None for k in call.keywords
        ):
            return None
        keywords = {k.arg: k.value for k in call.keywords if k.arg}
        return dict(zip(self.positional, call.args, strict=False)) | keywords

    def truth(self, test: ast.expr, passed: dict[str, ast.expr]) -> bool | None:
        """Evaluate a condition on the parameters for what a call passes; None if unknown."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            value = self.truth(test.operand, passed)
            return None if value is None else not value
        if isinstance(test, ast.BoolOp):
            values = [self.truth(v, passed) for v in test.values]
            decisive = isinstance(test.op, ast.Or)
            return decisive if decisive in values else (None if None in values else not decisive)
        if isinstance(test, ast.Name):  # A flag: what is passed, else the default.
            given = passed.get(test.id, self.defaults.get(test.id))
            return bool(given.value) if isinstance(given, ast.Constant) else None
        if not isinstance(test, ast.Compare) or len(test.ops) != 1:
            return None
        left, op, right = test.left, test.ops[0], test.comparators[0]
        if isinstance(op, ast.In | ast.NotIn) and isinstance(left, ast.Constant):
            if isinstance(right, ast.Name) and right.id == self.varkw:  # `"x" in kwargs`
                return (left.value in passed) == isinstance(op, ast.In)
            return None
        if not isinstance(left, ast.Name) or not isinstance(op, ast.Is | ast.IsNot):
            return None
        given = passed.get(left.id, self.defaults.get(left.id))
        if given is None:
            return None
        same = ast.unparse(given) == ast.unparse(right)
        # What we pass is taken not to be the sentinel (None, UNDEFINED) it is compared with.
        if not same and not isinstance(given, ast.Constant) and left.id not in passed:
            return None
        return same == isinstance(op, ast.Is)


def init_params(api: Api, cls: Sym) -> tuple[Params, Sym | None] | None:
    """Return what calling a class accepts (its `__init__`, or its fields) and the `__init__`."""
    order, _ = api.mro(cls)
    fields: list[str] = []
    for klass in order:
        init = _class_member(klass, "__init__")
        if init is not None and isinstance(init.node, ast.FunctionDef):
            return None if fields else (Params.of(init.node, bound=True), init)
        fields += [
            node.target.id
            for node in _class_body(klass)
            if isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and _last_name(node.annotation) not in {"ClassVar", "KW_ONLY"}
        ]
    for klass in order:  # Dataclasses, entity descriptions, NamedTuples, TypedDicts.
        assert isinstance(klass.node, ast.ClassDef)
        marks = [*klass.node.decorator_list, *klass.node.bases]
        names = {_last_name(n) for n in marks} | {k.arg or "" for k in klass.node.keywords}
        if names & FIELDS_MARKERS:
            return Params(fields), None
    return None


def _signature(func: Function) -> str:
    prefix = "async def" if isinstance(func, ast.AsyncFunctionDef) else "def"
    return f"{prefix} {func.name}({ast.unparse(func.args)})"


@dataclass
class Value:
    """What an expression of our code stands for: a module or class, or an instance."""

    sym: Sym
    instance: bool
    skip: int = 0  # 1 for `super()`: members of the bases only.


class Checker(ast.NodeVisitor):
    """Collects the Home Assistant usages of one of our modules and checks them."""

    def __init__(self, api: Api, reference: Api, module: Module, release: str) -> None:
        """Check `module` (parsed by `api`) against the release `api` reads."""
        self.api, self.reference, self.module, self.release = api, reference, module, release
        self.problems: dict[tuple[int, str, str], None] = {}
        self.checked: set[tuple[int, str]] = set()
        self.unknown = 0
        self.classes: list[Sym] = []
        self.functions: list[Function | ast.Lambda] = []
        self._typing: set[str] = set()  # Locals being typed, against `x = f(x)` loops.

    def problem(self, node: ast.AST, name: str, what: str) -> None:
        """Record a problem of a usage."""
        self.problems[getattr(node, "lineno", 0), name, what] = None

    def note(self, node: ast.AST, sym: Sym | None, name: str, missing: str) -> None:
        """Count a usage; report it missing or deprecated."""
        if sym is UNKNOWN:
            self.unknown += 1
            return
        self.checked.add((getattr(node, "lineno", 0), name))
        if sym is None:
            self.problem(node, name, missing)
        elif (reason := self.api.deprecation(sym)) is not None:
            self.problem(node, name, reason)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        """Check `from homeassistant.x import Name`."""
        source = node.module or ""
        if node.level or source.split(".")[0] != "homeassistant":
            return
        if (module := self.api.module(source)) is None:
            self.note(node, None, source, f"module missing in {self.release}")
            return
        for alias in node.names:
            found = self.api.lookup(module, alias.name)
            self.note(node, found, f"{source}.{alias.name}", f"not defined in {self.release}")

    def visit_Import(self, node: ast.Import) -> None:
        """Check `import homeassistant.x`."""
        for alias in node.names:
            if alias.name.split(".")[0] == "homeassistant":
                found = self.api.module(alias.name)
                sym = Sym(found, alias.name, target=found) if found else None
                self.note(node, sym, alias.name, f"module missing in {self.release}")

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        """Check what our subclass of a Home Assistant class sets and overrides."""
        cls = Sym(self.module, node.name, node)
        if bases := [k for k in self.api.mro(cls)[0] if _is_ha(k)]:
            self._check_overrides(node, bases)
        self.classes.append(cls)
        self.generic_visit(node)
        self.classes.pop()

    def _check_overrides(self, node: ast.ClassDef, bases: list[Sym]) -> None:
        defined: dict[str, ast.AST] = {}
        for statement in node.body:
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
                defined.setdefault(statement.name, statement)
            if isinstance(statement, ast.Assign | ast.AnnAssign):
                for target in _targets(statement):
                    defined.setdefault(_last_name(target), statement)
        for item in ast.walk(node):  # `self._attr_x = ...` in methods.
            for target in _targets(item) if isinstance(item, ast.Assign | ast.AnnAssign) else []:
                if (attr := _self_attr(target)) and attr.startswith("_attr_"):
                    defined.setdefault(attr, item)
        reference = self.reference.module(self.module.name)
        was_cls = self.reference.lookup(reference, node.name) if reference else None
        was_bases = (
            [k for k in self.reference.mro(was_cls)[0] if _is_ha(k)] if _known(was_cls) else []
        )
        for name, item in defined.items():
            base = next((m for b in bases if (m := _class_member(b, name))), None)
            was = next((m for b in was_bases if (m := _class_member(b, name))), None)
            if (was is None and not name.startswith("_attr_")) or name.startswith("__"):
                continue  # Our own member, not an override; constructors are ours to shape.
            if base is None:
                names = ", ".join(b.name for b in bases)
                shown = was.qualname if was else f"{bases[0].qualname}.{name}"
                self.note(
                    item, None, shown, f"not defined by the bases ({names}) in {self.release}"
                )
                continue
            self.note(item, base, base.qualname, "")
            self._compare(item, base)

    def _compare(self, ours: ast.AST, base: Sym) -> None:
        """Report an override the base no longer allows, or whose kind or parameters changed."""
        theirs = base.node
        if "final" in {_last_name(d) for d in getattr(theirs, "decorator_list", [])}:
            self.problem(ours, base.qualname, f"is final in {self.release}, not to be overridden")
        if not isinstance(ours, ast.FunctionDef | ast.AsyncFunctionDef):
            return
        if not isinstance(theirs, ast.FunctionDef | ast.AsyncFunctionDef):
            self.problem(ours, base.qualname, f"is an attribute in {self.release}, not a method")
            return
        mine_property, their_property = (
            {_last_name(d) for d in f.decorator_list} & PROPERTIES for f in (ours, theirs)
        )
        if bool(mine_property) != bool(their_property) or type(ours) is not type(theirs):
            self.problem(
                ours,
                base.qualname,
                f"is now `{_signature(theirs)}`" + " (a property)" * bool(their_property),
            )
            return
        mine, expected = Params.of(ours, bound=True), Params.of(theirs, bound=True)
        same = (mine.positional, set(mine.keyword)) == (expected.positional, set(expected.keyword))
        if not same and not (mine.varargs and mine.varkw):
            self.problem(
                ours, base.qualname, f"parameters changed, the base is now `{_signature(theirs)}`"
            )

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
            for arg in [*_arguments(args), *(a for a in (args.vararg, args.kwarg) if a)]:
                if arg.arg != name:
                    continue
                if self.classes and name == "self" and arg is _arguments(args)[0]:
                    return Value(self.classes[-1], instance=True)
                cls = self.api.annotation(self.module, arg.annotation, None)
                return Value(cls, instance=True) if cls else True
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
                    cls = self.api.annotation(self.module, node.annotation, None)
                    return Value(cls, instance=True) if cls else None
                if isinstance(node, ast.Assign | ast.NamedExpr) and target in _targets(node):
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
        base = self.value(expr.value) if isinstance(expr, ast.Attribute) else None
        if base is None or not base.instance:
            return None
        found = (
            self.api.member(base.sym, expr.attr, base.skip)
            if isinstance(expr, ast.Attribute)
            else None
        )
        if not _known(found) or found.module is None:
            return None
        annotation = _expr(getattr(found.node, "annotation", None))
        if not (isinstance(annotation, ast.Subscript) and _last_name(annotation.value) in MAPPINGS):
            return None
        if not isinstance(annotation.slice, ast.Tuple):
            return None
        cls = self.api.annotation(found.module, annotation.slice.elts[-1], found.owner)
        return Value(cls, instance=True) if cls else None

    def element(self, expr: ast.expr) -> Value | None:
        """Return the class of the items of an iterable: `list[X]` returned, mapping values."""
        if not isinstance(expr, ast.Call):
            return None
        if isinstance(expr.func, ast.Attribute) and expr.func.attr == "values":
            return self.mapping_value(expr.func.value)
        if (callee := self.callee(expr.func)) is None or callee[0].module is None:
            return None
        returns = _expr(getattr(callee[0].node, "returns", None))
        if isinstance(returns, ast.Subscript) and _last_name(returns.value) in CONTAINERS:
            item = returns.slice.elts[0] if isinstance(returns.slice, ast.Tuple) else returns.slice
            cls = self.api.annotation(callee[0].module, item, callee[0].owner)
            return Value(cls, instance=True) if cls else None
        return None

    def value(self, expr: ast.expr) -> Value | None:
        """Return what an expression stands for, when that can be told statically."""
        if isinstance(expr, ast.Name):
            if (local := self.local(expr.id)) is not False:
                return local if isinstance(local, Value) else None
            found = self.api.lookup(self.module, expr.id)
            return Value(found, instance=False) if _known(found) else None
        if isinstance(expr, ast.Attribute) and (base := self.value(expr.value)):
            if not base.instance:
                found = self.api.attribute(base.sym, expr.attr)
                return Value(found, instance=False) if _known(found) else None
            found = self.api.member(base.sym, expr.attr, base.skip)
            cls = self.api.member_type(found) if _known(found) else None
            return Value(cls, instance=True) if cls else None
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
            cls = self.api.annotation(module, node.returns, callee[0].owner)
            return Value(cls, instance=True) if cls else None
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
        if not _known(found):
            return None
        decorators = {_last_name(d) for d in getattr(found.node, "decorator_list", [])}
        bound = "classmethod" in decorators or (base.instance and "staticmethod" not in decorators)
        return found, bound

    def visit_Attribute(self, node: ast.Attribute) -> None:
        """Check `module.name`, `Class.member` and `instance.member` of Home Assistant."""
        base = self.value(node.value) if isinstance(node.ctx, ast.Load) else None
        if base is not None and base.instance and self.api.as_class(base.sym):
            bases = [k for k in self.api.mro(base.sym)[0] if _is_ha(k)]
            found = self.api.member(base.sym, node.attr, base.skip)
            if bases and (not _known(found) or _is_ha(found.owner)):  # Not one of ours.
                shown = found.qualname if _known(found) else f"{bases[0].qualname}.{node.attr}"
                self.note(node, found, shown, f"no such attribute in {self.release}")
            getter = found.node if _known(found) and _is_ha(found.owner) else None
            if (
                _known(found)
                and isinstance(getter, ast.FunctionDef)
                and {_last_name(d) for d in getter.decorator_list} & PROPERTIES
            ):
                self._check_reports(node, found.qualname, found, Params.of(getter, True), {})
        elif base is not None and not base.instance:
            if _is_ha(base.sym) or (
                base.sym.target and base.sym.target.name.startswith("homeassistant")
            ):
                found = self.api.attribute(base.sym, node.attr)
                self.note(
                    node,
                    found,
                    f"{base.sym.qualname}.{node.attr}",
                    f"not defined in {self.release}",
                )
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        """Check the arguments of calls of Home Assistant functions and classes."""
        callee = self.callee(node.func)
        cls = self.api.as_class(callee[0]) if callee else None
        if callee and (_is_ha(callee[0]) or (cls and any(map(_is_ha, self.api.mro(cls)[0])))):
            sym, bound = callee
            signature = init_params(self.api, cls) if cls else None
            if isinstance(sym.node, ast.FunctionDef | ast.AsyncFunctionDef):
                signature = Params.of(sym.node, bound), sym
            if signature is not None:
                params, function = signature
                shown = f"{sym.qualname}()"
                self.checked.add((node.lineno, shown))
                for problem in params.problems(node):
                    self.problem(node, shown, problem)
                deprecated = self.api.deprecated_keywords(sym)
                for keyword in (k for k in node.keywords if k.arg in deprecated):
                    self.problem(node, shown, f"keyword {keyword.arg!r} is deprecated")
                if function is not None:
                    self._check_reports(node, shown, function, params, params.passed(node))
        self.generic_visit(node)

    def _check_reports(
        self,
        node: ast.AST,
        shown: str,
        function: Sym,
        params: Params,
        passed: dict[str, ast.expr] | None,
    ) -> None:
        """Report the deprecations a call reaches; undecided ones only when new in the release."""
        before: set[str] | None = None
        for report in self.api.reports(function):
            verdicts = [
                None
                if test is None or passed is None or (v := params.truth(test, passed)) is None
                else v == branch
                for test, branch in report.conditions
            ]
            if False in verdicts:
                continue
            if None not in verdicts:
                self.problem(node, shown, f"deprecated: {report.text}")
                continue
            if before is None:
                earlier = self.reference.counterpart(function)
                before = {r.message for r in self.reference.reports(earlier)} if earlier else set()
            if report.message not in before:
                when = " and ".join(
                    f"{'' if branch else 'not '}({ast.unparse(test)})"
                    for test, branch in report.conditions
                    if test
                )
                self.problem(
                    node, shown, f"new deprecation: {report.text}, when {when or 'in a loop'}"
                )


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


def main(argv: list[str] | None = None) -> int:
    """Check each release given; exit non-zero if a usage is missing, changed or deprecated."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
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
        wheel = fetch(release)
        tree = Tree(wheel, "homeassistant")
        rewritten, broken = verify(tree)
        print(f"\nHome Assistant {release} ({wheel.name})")
        parsed = f"{len(broken)} unparseable:" if broken else "all parsed"
        print(
            f"  {len(tree.paths)} modules, {parsed}; {rewritten} needed `except A, B:` parenthesised"
        )
        for line in broken:
            print(f"    {line}")
        problems, checked, unknown = check(Api([tree, ours]), reference, ours, release)
        for line in checked if args.verbose else []:
            print(f"  checked {line}")
        for line in problems:
            print(f"  {line}")
        undecided = f", {unknown} could not be decided statically" if unknown else ""
        counts = f"{len(checked)} usages checked{undecided}"
        print(f"  {len(problems)} problem(s) in {counts}" if problems else f"  OK: {counts}")
        failed |= bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
