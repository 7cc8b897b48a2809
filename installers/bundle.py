"""What the frozen build contains, as plain data: read by psp-desktop.spec and checked by tests/unit/test_packaging.py.

Kept free of PyInstaller so the test suite can check it without building anything.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "psp_desktop"
RESOURCES = ROOT / "resources"

# The Qt modules the app imports (grep "PySide6.Qt" psp_desktop) plus QtSvg for SVG icons; every other PySide6
# module is excluded from the analysis so its Qt libraries are not pulled in.
QT_MODULES = ("QtCore", "QtGui", "QtWidgets", "QtPdf", "QtPdfWidgets", "QtCharts", "QtPrintSupport", "QtSvg")

# Qt plugins by folder: None keeps the whole folder, a tuple keeps those files only; other folders are dropped.
# xcb covers X11 and Wayland sessions (through XWayland); offscreen is for screenshots and the smoke test.
QT_PLUGINS: dict[str, tuple[str, ...] | None] = {
    "platforms": ("libqxcb.so", "libqoffscreen.so", "libqminimal.so", "qwindows.dll", "qoffscreen.dll",
                  "qminimal.dll"),
    "platformthemes": ("libqxdgdesktopportal.so",),
    "platforminputcontexts": ("libcomposeplatforminputcontextplugin.so", "libibusplatforminputcontextplugin.so"),
    "xcbglintegrations": None,
    "imageformats": ("libqjpeg.so", "libqgif.so", "libqico.so", "libqsvg.so", "libqwebp.so", "qjpeg.dll",
                     "qgif.dll", "qico.dll", "qsvg.dll", "qwebp.dll"),
    "iconengines": None,
    "printsupport": None,
    "styles": None,  # Windows only (qmodernwindowsstyle)
}
# Only Qt's own Chinese strings are loaded (psp_desktop.i18n installs qtbase_zh_CN for the standard dialogs).
QT_TRANSLATIONS = ("qtbase_zh_CN.qm",)

EXCLUDES = ("tkinter", "sqlalchemy.testing", "alembic.testing", "pytest", "IPython", "matplotlib", "numpy")


def version() -> str:
    """psp_desktop.__version__, read without importing the package (the spec runs inside PyInstaller)."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__version__" for t in node.targets):
            return str(ast.literal_eval(node.value))
    raise LookupError("psp_desktop/__init__.py sets no __version__")


def data_files() -> list[tuple[str, str]]:
    """(source file, folder in the bundle) for every file the app reads from disk at run time."""
    patterns = {
        RESOURCES / "fonts": ("*.ttc", "*.ttf", "*.LICENSE.txt"),
        RESOURCES / "translations": ("*.qm",),
        RESOURCES / "templates": ("*.json",),
        RESOURCES / "icons": ("*.png", "*.svg", "*.ico"),
        # Alembic loads env.py and the revision scripts from disk, not from the frozen archive
        PACKAGE / "migrations": ("*.py", "*.mako"),
        PACKAGE / "migrations" / "versions": ("*.py",),
    }
    files = []
    for folder, globs in patterns.items():
        target = folder.relative_to(ROOT).as_posix()
        for pattern in globs:
            files += [(str(path), target) for path in sorted(folder.glob(pattern))]
    return files


def excluded_modules() -> list[str]:
    """PySide6 modules the app does not use, plus development-only packages."""
    present = {path.name.split(".")[0] for path in (_pyside_dir() or Path()).glob("Qt*.*")
               if path.suffix in (".so", ".pyd") or path.name.endswith(".abi3.so")}
    return sorted(f"PySide6.{name}" for name in present - set(QT_MODULES)) + list(EXCLUDES)


def keep(dest: str) -> bool:
    """Whether a collected file (its path inside the bundle) stays: unused Qt plugins and translations go."""
    parts = PurePosixPath(dest.replace("\\", "/")).parts
    if not parts or parts[0] != "PySide6":  # Qt's files: PySide6/Qt/... on Linux, PySide6/... on Windows
        return True
    if "translations" in parts:
        return parts[-1] in QT_TRANSLATIONS
    if "plugins" in parts:
        index = parts.index("plugins")
        if len(parts) <= index + 2:
            return True
        wanted = QT_PLUGINS.get(parts[index + 1], ())
        return wanted is None or parts[-1] in wanted
    return True


def unreachable(binaries: list[tuple[str, str, str]], needed: Callable[[str], list[str]]) -> set[str]:
    """Shared libraries no kept extension module, Qt plugin or libpython links to, directly or through others.

    binaries: PyInstaller's (path in bundle, source, kind) entries; needed(source) gives the library names it links
    to. Libraries pulled in only by the Qt plugins keep() dropped (QML, Wayland, GTK's cairo and gio...) go.
    """
    by_name = {PurePosixPath(dest).name: (dest, src) for dest, src, _kind in binaries}
    todo = [(dest, src) for dest, src, kind in binaries
            if kind == "EXTENSION" or "/plugins/" in dest or PurePosixPath(dest).name.startswith("libpython")]
    seen = {dest for dest, _src in todo}
    while todo:
        _dest, src = todo.pop()
        for name in needed(src):
            hit = by_name.get(PurePosixPath(name).name)
            if hit and hit[0] not in seen:
                seen.add(hit[0])
                todo.append(hit)
    return {dest for dest, _src, _kind in binaries if dest not in seen and ".so" in PurePosixPath(dest).name}


def environ_flag(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0")


def windows_version_file(version_: str, name: str, workdir: Path) -> str | None:
    """The version resource of a Windows executable (Explorer's Details tab); None elsewhere."""
    if sys.platform != "win32":
        return None
    numbers = ([int(n) for n in re.findall(r"\d+", version_)] + [0, 0, 0, 0])[:4]
    fields = {"FileDescription": "PSP Desktop", "FileVersion": version_, "InternalName": name,
              "OriginalFilename": f"{name}.exe", "ProductName": "PSP Desktop", "ProductVersion": version_}
    strings = ", ".join(f"StringStruct({key!r}, {value!r})" for key, value in fields.items())
    text = (f"VSVersionInfo(ffi=FixedFileInfo(filevers={tuple(numbers)}, prodvers={tuple(numbers)}), "
            f"kids=[StringFileInfo([StringTable('080404b0', [{strings}])]), "
            f"VarFileInfo([VarStruct('Translation', [2052, 1200])])])")
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"{name}-version.txt"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _pyside_dir() -> Path | None:
    import importlib.util

    spec = importlib.util.find_spec("PySide6")
    return Path(spec.origin).parent if spec and spec.origin else None
