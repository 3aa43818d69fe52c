"""Parse sources with this Python's `ast`, rewriting Python 3.14's `except A, B:` first."""

from __future__ import annotations

import ast
import io
import tokenize


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
