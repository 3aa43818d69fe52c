"""Check one of our modules' Home Assistant usages: imports, attributes, calls, overrides."""

from __future__ import annotations

import ast
from typing import override

from .deprecation import deprecated_keywords, deprecation, reports
from .index import UNKNOWN, Module, Sym, class_member, is_ha, is_ha_name, known
from .infer import Inference
from .nodes import is_property
from .overrides import defined_members, override_problems
from .params import Params, init_params
from .resolve import Api


class Checker(Inference):
    """Collects the Home Assistant usages of one of our modules and checks them."""

    def __init__(self, api: Api, reference: Api, module: Module, release: str) -> None:
        """Check `module` (parsed by `api`) against the release `api` reads."""
        super().__init__(api, module)
        self.reference, self.release = reference, release
        self.problems: dict[tuple[int, str, str], None] = {}
        self.checked: set[tuple[int, str]] = set()
        self.unknown = 0

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
        elif (reason := deprecation(sym)) is not None:
            self.problem(node, name, reason)

    @override
    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        """Check `from homeassistant.x import Name`."""
        source = node.module or ""
        if node.level or not is_ha_name(source):
            return
        if (module := self.api.module(source)) is None:
            self.note(node, None, source, f"module missing in {self.release}")
            return
        for alias in node.names:
            found = self.api.lookup(module, alias.name)
            self.note(node, found, f"{source}.{alias.name}", f"not defined in {self.release}")

    @override
    def visit_Import(self, node: ast.Import) -> None:
        """Check `import homeassistant.x`."""
        for alias in node.names:
            if is_ha_name(alias.name):
                found = self.api.module(alias.name)
                sym = Sym(found, alias.name, target=found) if found else None
                self.note(node, sym, alias.name, f"module missing in {self.release}")

    @override
    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        """Check what our subclass of a Home Assistant class sets and overrides."""
        if bases := self.api.ha_bases(Sym(self.module, node.name, node)):
            self._check_overrides(node, bases)
        super().visit_ClassDef(node)

    def _check_overrides(self, node: ast.ClassDef, bases: list[Sym]) -> None:
        # An override is a member of a Home Assistant base in the reference (the installed
        # release), so our own helpers on an entity are not taken for removed overrides.
        reference = self.reference.module(self.module.name)
        was_cls = self.reference.lookup(reference, node.name) if reference else None
        was_bases = self.reference.ha_bases(was_cls) if known(was_cls) else []
        for name, item in defined_members(node).items():
            base = next((m for b in bases if (m := class_member(b, name))), None)
            was = next((m for b in was_bases if (m := class_member(b, name))), None)
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
            for what in override_problems(item, base.node, self.release):
                self.problem(item, base.qualname, what)

    @override
    def visit_Attribute(self, node: ast.Attribute) -> None:
        """Check `module.name`, `Class.member` and `instance.member` of Home Assistant."""
        base = self.value(node.value) if isinstance(node.ctx, ast.Load) else None
        if base is not None and base.instance and self.api.as_class(base.sym):
            bases = self.api.ha_bases(base.sym)
            found = self.api.member(base.sym, node.attr, base.skip)
            if bases and (not known(found) or is_ha(found.owner)):  # Not one of ours.
                shown = found.qualname if known(found) else f"{bases[0].qualname}.{node.attr}"
                self.note(node, found, shown, f"no such attribute in {self.release}")
            getter = found.node if known(found) and is_ha(found.owner) else None
            if known(found) and isinstance(getter, ast.FunctionDef) and is_property(getter):
                self._check_reports(node, found.qualname, found, Params.of(getter, True), {})
        elif base is not None and not base.instance:
            if is_ha(base.sym) or (base.sym.target and is_ha_name(base.sym.target.name)):
                found = self.api.attribute(base.sym, node.attr)
                self.note(
                    node,
                    found,
                    f"{base.sym.qualname}.{node.attr}",
                    f"not defined in {self.release}",
                )
        self.generic_visit(node)

    @override
    def visit_Call(self, node: ast.Call) -> None:
        """Check the arguments of calls of Home Assistant functions and classes."""
        callee = self.callee(node.func)
        cls = self.api.as_class(callee[0]) if callee else None
        if callee and (is_ha(callee[0]) or (cls and self.api.ha_bases(cls))):
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
                deprecated = deprecated_keywords(sym)
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
        for report in reports(self.api, function):
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
            # A report made only under conditions that cannot be decided here (the entry's
            # state, say) is news only when the reference release lacks it.
            if before is None:
                earlier = self.reference.counterpart(function)
                before = {r.message for r in reports(self.reference, earlier)} if earlier else set()
            if report.message not in before:
                when = " and ".join(
                    f"{'' if branch else 'not '}({ast.unparse(test)})"
                    for test, branch in report.conditions
                    if test
                )
                self.problem(
                    node, shown, f"new deprecation: {report.text}, when {when or 'in a loop'}"
                )
