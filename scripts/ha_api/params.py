"""Signatures: what a callable accepts, whether a call fits, what a condition makes of it."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from .index import Sym, class_body, class_member
from .nodes import Function, last_name
from .resolve import Api

FIELDS_MARKERS = {"dataclass", "define", "frozen", "NamedTuple", "TypedDict", "frozen_or_thawed"}


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
        init = class_member(klass, "__init__")
        if init is not None and isinstance(init.node, ast.FunctionDef):
            return None if fields else (Params.of(init.node, bound=True), init)
        fields += [
            node.target.id
            for node in class_body(klass)
            if isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and last_name(node.annotation) not in {"ClassVar", "KW_ONLY"}
        ]
    for klass in order:  # Dataclasses, entity descriptions, NamedTuples, TypedDicts.
        assert isinstance(klass.node, ast.ClassDef)
        marks = [*klass.node.decorator_list, *klass.node.bases]
        names = {last_name(n) for n in marks} | {k.arg or "" for k in klass.node.keywords}
        if names & FIELDS_MARKERS:
            return Params(fields), None
    return None
