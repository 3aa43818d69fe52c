"""scripts/ha_api: the Python 3.14 except rewrite and the resolver, offline."""

from __future__ import annotations

import ast
from pathlib import Path
import zipfile

import pytest

from scripts.ha_api import report, resolve, syntax, wheel


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("except A, B:\n", "except (A, B):\n"),
        ("except* A, B:\n", "except* (A, B):\n"),
        ("except (A, B), C:\n", "except ((A, B), C):\n"),
        ('except getattr(m, "A"), B:\n', 'except (getattr(m, "A"), B):\n'),
        ("except mod.A, mod.B, C: pass\n", "except (mod.A, mod.B, C): pass\n"),
        ("except A, \\\n    B:\n", "except (A, \\\n    B):\n"),
        ("except KeyError: x = {1: 2, 3: 4}\n", "except KeyError: x = {1: 2, 3: 4}\n"),
        # Already valid, or not a multi-exception clause: left alone.
        ("except (A, B):\n", "except (A, B):\n"),
        ("except A:\n", "except A:\n"),
        ("except:\n", "except:\n"),
        # Not valid Python 3.14 either: left for the parser to refuse.
        ("except A, B as err:\n", "except A, B as err:\n"),
    ],
)
def test_except_clause_rewrite(source: str, expected: str) -> None:
    wrapped = f"try:\n    pass\n{source}" + ("    pass\n" if source.endswith(":\n") else "")
    assert syntax.parenthesize_excepts(wrapped) == wrapped.replace(source, expected)


def test_strings_and_comments_that_look_like_except_clauses_are_left_alone() -> None:
    source = (
        '"""Docstring: except A, B: is how 3.14 spells it."""\n'
        "text = 'except A, B:'  # except C, D:\n"
        'other = f"{text} except E, F:"\n'
        "try:\n"
        "    pass\n"
        "# except G, H:\n"
        "except ValueError, TypeError:  # except I, J:\n"
        "    message = 'except K, L:'\n"
    )
    rewritten = syntax.parenthesize_excepts(source)
    assert rewritten == source.replace(
        "except ValueError, TypeError:", "except (ValueError, TypeError):"
    )
    tree, needed = syntax.parse(source, "sample.py")
    assert needed is True
    assert isinstance(tree.body[-1], ast.Try)


def test_parse_says_when_the_rewrite_was_not_needed_or_cannot_help() -> None:
    assert syntax.parse("try:\n    pass\nexcept (A, B):\n    pass\n", "ok.py")[1] is False
    with pytest.raises(SyntaxError):
        syntax.parse("try:\n    pass\nexcept A, B as err:\n    pass\n", "bad.py")
    with pytest.raises(SyntaxError):
        syntax.parse('text = """never closed\n', "untokenizable.py")


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


HA_BASE = {
    "homeassistant/__init__.py": "",
    "homeassistant/const.py": (
        "from .helpers.deprecation import DeprecatedConstant\n"
        "NEW_NAME = 'x'\n"
        "_DEPRECATED_OLD_NAME = DeprecatedConstant('x', 'NEW_NAME', '2027.1')\n"
        "__all__ = ['NEW_NAME', 'LAZY']\n"
    ),
    "homeassistant/core.py": (
        "class EventBus:\n"
        "    def async_fire(self, event_type: str, data: dict | None = None) -> None: ...\n"
        "class HomeAssistant:\n"
        "    def __init__(self) -> None:\n"
        "        self.bus = EventBus()\n"
        "type CallbackType = object\n"
    ),
    "homeassistant/helpers/__init__.py": "",
    "homeassistant/helpers/entity.py": (
        "from typing import final\n"
        "from homeassistant.core import HomeAssistant\n"
        "class Entity:\n"
        "    hass: HomeAssistant\n"
        "    _attr_name: str | None = None\n"
        "    async def async_added_to_hass(self) -> None: ...\n"
        "    @final\n"
        "    def async_write_ha_state(self) -> None: ...\n"
        "    def turn_on(self, brightness: int) -> None: ...\n"
    ),
    "homeassistant/helpers/util.py": (
        "from .entity import *\n"
        "from .frame import report_usage\n"
        "from .deprecation import deprecated_function\n"
        "def helper(hass, name, *, flag: bool = False, **kwargs) -> None:\n"
        "    if flag:\n"
        "        report_usage('passes flag', breaks_in_ha_version='2027.2')\n"
        "    if 'legacy' in kwargs:\n"
        "        report_usage('passes legacy')\n"
        "@deprecated_function('helper', breaks_in_ha_version='2027.3')\n"
        "def old_helper(hass) -> None: ...\n"
    ),
}
OURS = {
    "custom_components/vlm_guard/__init__.py": "",
    "custom_components/vlm_guard/sample.py": (
        "from homeassistant.const import LAZY, NEW_NAME, OLD_NAME, REMOVED\n"
        "from homeassistant.core import CallbackType, HomeAssistant\n"
        "from homeassistant.helpers import util\n"
        "from homeassistant.helpers.util import Entity, helper\n"
        "\n"
        "def use(hass: HomeAssistant) -> None:\n"
        "    hass.bus.async_fire('x', {}, 1)\n"
        "    hass.bus.async_fire('x', data={})\n"
        "    helper(hass, 'n', flag=True)\n"
        "    helper(hass, 'n', flag=False, legacy=1)\n"
        "    helper(hass)\n"
        "    util.old_helper(hass)\n"
        "    util.missing(hass)\n"
        "\n"
        "class Light(Entity):\n"
        "    _attr_name = 'light'\n"
        "    _attr_colour = 'red'\n"
        "\n"
        "    async def async_added_to_hass(self) -> None:\n"
        "        self.hass.bus.async_fire('added')\n"
        "\n"
        "    def async_write_ha_state(self) -> None: ...\n"
        "\n"
        "    def turn_on(self, level: int) -> None: ...\n"
        "\n"
        "    def async_own_helper(self) -> None:\n"
        "        self.turn_on(brightness=2)\n"
        "        self.no_such_thing()\n"
    ),
}


def _check(tmp_path: Path, ha: dict[str, str], reference: dict[str, str]) -> list[str]:
    _write(tmp_path / "release", ha)
    _write(tmp_path / "reference", reference)
    _write(tmp_path / "ours", OURS)
    ours = wheel.Tree(tmp_path / "ours", "custom_components")
    api = resolve.Api([wheel.Tree(tmp_path / "release", "homeassistant"), ours])
    older = resolve.Api([wheel.Tree(tmp_path / "reference", "homeassistant"), ours])
    problems, checked, _unknown = report.check(api, older, ours, "2099.1")
    assert checked
    prefix = "custom_components/vlm_guard/sample.py:"
    return [p.removeprefix(prefix) for p in problems]


def _has(problems: list[str], line: int, name: str, what: str) -> bool:
    return any(p.startswith(f"{line}  {name}") and what in p for p in problems)


def test_resolver_finds_what_is_missing_changed_or_deprecated(tmp_path: Path) -> None:
    problems = _check(tmp_path, HA_BASE, HA_BASE)

    def found(line: int, name: str, what: str) -> bool:
        return _has(problems, line, name, what)

    # Names: re-exported, in `__all__`, `type` aliases, deprecated constants, gone.
    assert found(1, "homeassistant.const.OLD_NAME", "DeprecatedConstant('x', 'NEW_NAME'")
    assert found(1, "homeassistant.const.REMOVED", "not defined in 2099.1")
    for name in ("const.LAZY", "const.NEW_NAME", "core.CallbackType"):
        assert not any(f"homeassistant.{name}  " in p for p in problems)
    assert not any(p.startswith("4  ") for p in problems)  # Entity and helper via `import *`.
    # Calls through annotations: `hass.bus` is an EventBus.
    assert found(7, "homeassistant.core.EventBus.async_fire()", "takes 2 positional arguments")
    assert not any(p.startswith("8  ") for p in problems)
    # report_usage: decided from the arguments where it can be.
    assert found(9, "homeassistant.helpers.util.helper()", "'passes flag', breaks in '2027.2'")
    assert found(10, "homeassistant.helpers.util.helper()", "'passes legacy'")
    assert not any("passes flag" in p for p in problems if p.startswith("10  "))
    assert found(11, "homeassistant.helpers.util.helper()", "requires argument 'name'")
    assert found(12, "homeassistant.helpers.util.old_helper", "deprecated_function('helper'")
    assert found(13, "homeassistant.helpers.util.missing", "not defined in 2099.1")
    # Subclasses: `_attr_*` names, final methods, changed parameters, own helpers.
    assert found(17, "homeassistant.helpers.entity.Entity._attr_colour", "not defined by the bases")
    assert not any(p.startswith(("16  ", "19  ", "20  ")) for p in problems)
    assert found(22, "homeassistant.helpers.entity.Entity.async_write_ha_state", "is final")
    assert found(24, "homeassistant.helpers.entity.Entity.turn_on", "parameters changed")
    assert not any("async_own_helper" in p for p in problems)
    assert not any(p.startswith("27  ") for p in problems)
    assert found(28, "homeassistant.helpers.entity.Entity.no_such_thing", "no such attribute")


def test_overrides_removed_and_deprecations_new_in_the_release(tmp_path: Path) -> None:
    release = dict(HA_BASE)
    release["homeassistant/helpers/entity.py"] = (
        release["homeassistant/helpers/entity.py"]
        .replace("    async def async_added_to_hass(self) -> None: ...\n", "")
        .replace(
            "    _attr_name: str | None = None\n",
            "    _attr_name = DeprecatedEntityAttr('_attr_label', '2027.1')\n",
        )
    )
    release["homeassistant/core.py"] = release["homeassistant/core.py"].replace(
        "None: ...\n",
        "None:\n        if self.listeners:\n            report_usage('fires with listeners')\n",
        1,
    )
    problems = _check(tmp_path, release, HA_BASE)
    assert _has(
        problems,
        16,
        "homeassistant.helpers.entity.Entity._attr_name",
        "DeprecatedEntityAttr('_attr_label'",
    )
    assert _has(
        problems,
        19,
        "homeassistant.helpers.entity.Entity.async_added_to_hass",
        "not defined by the bases",
    )
    assert _has(
        problems,
        20,
        "homeassistant.core.EventBus.async_fire()",
        "new deprecation: reports 'fires with listeners', when (self.listeners)",
    )
    # The same undecidable report in the reference release is not news.
    assert not any("fires with listeners" in p for p in _check(tmp_path, release, release))


def test_a_cached_wheel_is_read_in_place_without_pip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VLM_GUARD_CACHE", str(tmp_path))
    wheels = tmp_path / "ha-wheels"
    wheels.mkdir()
    cached = wheels / "homeassistant-2099.1.0-py3-none-any.whl"
    with zipfile.ZipFile(cached, "w") as archive:
        archive.writestr("homeassistant/__init__.py", "")
        archive.writestr(
            "homeassistant/util/__init__.py", "try:\n    pass\nexcept A, B:\n    pass\n"
        )
        archive.writestr("homeassistant-2099.1.0.dist-info/METADATA", "Name: homeassistant\n")

    def no_pip(*args: object, **kwargs: object) -> None:
        raise AssertionError("pip must not run for a cached wheel")

    monkeypatch.setattr(wheel.subprocess, "run", no_pip)
    assert wheel.fetch("2099.1.0") == cached
    tree = wheel.Tree(cached, "homeassistant")
    assert sorted(tree.paths) == ["homeassistant", "homeassistant.util"]
    assert wheel.verify(tree) == (1, [])
