"""Layering contract: the domain (services, models, database, money, codes, errors) never imports Qt, so it runs
headless in the CLI and in tests; the UI never talks SQL, only to services. Checked on the source with `ast`,
so a violation is found even in a function that no test calls (imports under TYPE_CHECKING count too)."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psp_desktop

PACKAGE = Path(psp_desktop.__file__).resolve().parent

QT_FREE = ["services", "models", "db.py", "money.py", "codes.py", "errors.py"]
QT_FREE_IF_PRESENT = ["dbfile.py", "enums.py"]  # stdlib-only by their own docstrings
QT_MODULES = {"PySide6", "shiboken6"}
SQL_MODULES = {"sqlalchemy", "alembic"}


def python_files(*names: str) -> list[Path]:
    files: list[Path] = []
    for name in names:
        target = PACKAGE / name
        if target.is_dir():
            files.extend(sorted(target.rglob("*.py")))
        elif target.is_file():
            files.append(target)
    return files


def imported_modules(path: Path, source: str | None = None) -> Iterator[tuple[int, str]]:
    """(line, absolute module) for every import anywhere in the file at path (or in source, read as if it were
    that file), relative imports resolved against the file's package."""
    if source is None:
        source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    package_parts = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - node.level + 1]
                yield node.lineno, ".".join([*base, *([node.module] if node.module else [])])
            elif node.module:
                yield node.lineno, node.module


def violations(files: list[Path], forbidden: set[str]) -> list[str]:
    return [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}"
        for path in files
        for line, module in imported_modules(path)
        if module.split(".")[0] in forbidden
    ]


def test_domain_never_imports_qt() -> None:
    files = python_files(*QT_FREE, *QT_FREE_IF_PRESENT)
    assert len(files) >= 8  # the walk found the models and the core modules: an empty walk proves nothing
    assert violations(files, QT_MODULES) == []


def test_ui_never_imports_sqlalchemy_or_alembic() -> None:
    files = python_files("ui")  # the UI may not exist yet, or be partial
    assert violations(files, SQL_MODULES) == []


def test_stdlib_only_modules_do_not_import_sqlalchemy() -> None:
    """dbfile and enums are read at start-up before SQLAlchemy is loaded (see their docstrings)."""
    assert violations(python_files(*QT_FREE_IF_PRESENT), SQL_MODULES) == []


def test_the_checker_sees_every_kind_of_import() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "import sqlalchemy.orm\n"
        "def later():\n    from alembic import command\n"
        "if TYPE_CHECKING:\n    from PySide6.QtCore import QObject\n"
        "from ..db import Database\n"
        "from . import widgets\n"
    )
    found = {module for _line, module in imported_modules(PACKAGE / "ui" / "probe.py", source)}
    assert {"sqlalchemy.orm", "alembic", "PySide6.QtCore", "psp_desktop.db", "psp_desktop.ui"} <= found
    assert len(violations_in_source(source, SQL_MODULES)) == 2


def violations_in_source(source: str, forbidden: set[str]) -> list[int]:
    return [
        line for line, module in imported_modules(PACKAGE / "ui" / "probe.py", source)
        if module.split(".")[0] in forbidden
    ]


def test_domain_modules_load_without_qt() -> None:
    """Also transitively: importing every domain module in a fresh interpreter loads no Qt at all."""
    modules = ["psp_desktop.db", "psp_desktop.money", "psp_desktop.codes", "psp_desktop.errors", "psp_desktop.models"]
    modules += [
        "psp_desktop.services." + p.stem
        for p in sorted((PACKAGE / "services").glob("*.py"))
        if p.stem != "__init__"
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n    importlib.import_module(name)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'PySide6', 'shiboken6'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"

