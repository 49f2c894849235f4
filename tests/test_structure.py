"""The shape of the code: no import cycles, small modules, each module importable on its own,
every raised error code registered, and the README's settings table generated from Settings."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from suggest import errors
from suggest.cli.settings_cmds import MARK_BEGIN, MARK_END, settings_markdown
from suggest.settings import Settings

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "suggest"
sys.path.insert(0, str(REPO / "tools"))
import check_imports  # noqa: E402


def _modules() -> list[str]:
    return sorted(check_imports.module_names(PACKAGE))


def test_import_graph_has_no_cycles_and_no_module_exceeds_400_lines():
    result = subprocess.run([sys.executable, str(REPO / "tools" / "check_imports.py")], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout


def test_the_cycle_check_finds_a_planted_cycle(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from .b import f\n")
    (pkg / "b.py").write_text("def f():\n    from . import a\n")
    (pkg / "c.py").write_text("x = 1\n" * 5)
    found = check_imports.problems(pkg, max_lines=4)
    assert "import cycle: pkg.a <-> pkg.b" in found
    assert any(line.startswith("pkg.c has 5 lines") for line in found)


@pytest.mark.parametrize("module", _modules())
def test_each_module_imports_alone(module):
    """Drop every module of the package, then import one: an order-dependent import fails here. The
    original modules go back afterwards, so later tests keep one copy of each class."""
    saved = {n: m for n, m in sys.modules.items() if n == "suggest" or n.startswith("suggest.")}
    for name in saved:
        del sys.modules[name]
    try:
        importlib.import_module(module)
    finally:
        for name in [n for n in sys.modules if n == "suggest" or n.startswith("suggest.")]:
            del sys.modules[name]
        sys.modules.update(saved)


def _raised_codes() -> dict[str, set[str]]:
    """code literal -> names of the callables it is passed to (the error classes), over the package."""
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    if kw.arg == "code":
                        assert isinstance(kw.value, ast.Constant), f"{path}: a code must be a literal"
                        func = node.func
                        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "?")
                        found.setdefault(kw.value.value, set()).add(name)
    return found


def test_every_raised_code_is_registered_with_its_class_status():
    raised = _raised_codes()
    assert len(raised) > 50
    unregistered = sorted(set(raised) - set(errors.CODES))
    assert not unregistered, f"raised but not in suggest.errors.CODES: {unregistered}"
    classes = {c.__name__: c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.CDEError)}
    for code, callers in raised.items():
        for caller in callers & set(classes):
            default = errors.CODES[classes[caller].code].status
            assert errors.CODES[code].status == default, (code, caller)


def test_every_error_class_default_is_registered_and_messages_say_something():
    for cls in (c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.CDEError)):
        assert cls.code in errors.CODES, cls
    for code, spec in errors.CODES.items():
        assert 100 <= spec.status <= 599 and len(spec.message) >= 15, code


def test_an_error_takes_its_status_from_the_registry():
    assert errors.InputError("x", code="page_out_of_range").status == 422
    assert errors.NotFound("x", code="position_not_found").status == 404
    assert errors.InputError("x", code="not_a_registered_code").status == 422  # falls back to its class


def test_every_setting_is_described():
    missing = [name for name, field in Settings.model_fields.items() if not (field.description or "").strip()]
    assert not missing


def test_readme_settings_table_matches_the_code():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert MARK_BEGIN in readme and MARK_END in readme, "run: cde-suggest settings --markdown"
    block = readme[readme.index(MARK_BEGIN): readme.index(MARK_END) + len(MARK_END)]
    assert block == settings_markdown(), "README settings table is stale: paste `cde-suggest settings --markdown`"
    for name in Settings.model_fields:
        assert f"`CDE_{name.upper()}`" in block
