"""The frozen build's recipe (installers/): what it bundles, what it trims and the Linux menu entry. Builds nothing."""

from __future__ import annotations

import configparser
import importlib.util
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import psp_desktop
from psp_desktop import migrations

ROOT = Path(__file__).resolve().parents[2]
INSTALLERS = ROOT / "installers"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"installers_{name}", INSTALLERS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bundle = _load("bundle")


def _bundled() -> dict[str, set[str]]:
    """Folder in the bundle -> names of the files put there."""
    folders: dict[str, set[str]] = {}
    for source, folder in bundle.data_files():
        assert Path(source).is_file(), source
        folders.setdefault(folder, set()).add(Path(source).name)
    return folders


def test_the_spec_takes_its_version_from_the_package() -> None:
    assert bundle.version() == psp_desktop.__version__
    spec = (INSTALLERS / "psp-desktop.spec").read_text(encoding="utf-8")
    assert "VERSION = bundle.version()" in spec
    assert not re.search(r"\d+\.\d+\.\d+", spec), "no version number written into the spec"


def test_resources_are_bundled_where_the_app_looks_for_them() -> None:
    folders = _bundled()
    fonts = folders["resources/fonts"]
    for font in (ROOT / "resources/fonts").glob("*.tt[cf]"):
        assert font.name in fonts
        assert f"{font.stem}.LICENSE.txt" in fonts, f"{font.name} ships without its licence"
    assert "psp_zh_CN.qm" in folders["resources/translations"]
    assert not any(name.endswith(".ts") for name in folders["resources/translations"])
    assert folders["resources/templates"] == {path.name for path in (ROOT / "resources/templates").glob("*.json")}
    assert "psp-desktop.png" in folders["resources/icons"]


def test_every_migration_script_is_bundled_on_disk_for_alembic() -> None:
    folders = _bundled()
    assert {"env.py", "script.py.mako", "__init__.py"} <= folders["psp_desktop/migrations"]
    scripts = folders["psp_desktop/migrations/versions"]
    assert scripts == {path.name for path in (ROOT / "psp_desktop/migrations/versions").glob("*.py")}
    for revision in migrations.REVISIONS:
        assert any(name.startswith(f"{revision}_") for name in scripts), revision


def test_every_qt_module_the_app_imports_is_kept() -> None:
    imported = set()
    for path in (ROOT / "psp_desktop").rglob("*.py"):
        imported |= set(re.findall(r"PySide6\.(Qt\w+)", path.read_text(encoding="utf-8")))
    assert imported, "the app imports Qt"
    missing = imported - set(bundle.QT_MODULES)
    assert not missing, f"add to QT_MODULES in installers/bundle.py: {missing}"
    excluded = set(bundle.excluded_modules())
    assert not {f"PySide6.{name}" for name in bundle.QT_MODULES} & excluded
    assert "PySide6.QtQml" in excluded and "PySide6.QtWebEngineCore" in excluded


@pytest.mark.parametrize(("dest", "kept"), [
    ("PySide6/Qt/translations/qtbase_zh_CN.qm", True),
    ("PySide6/Qt/translations/qtbase_de.qm", False),
    ("PySide6/Qt/translations/qtwebengine_zh_CN.qm", False),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
    ("PySide6/Qt/plugins/imageformats/libqjpeg.so", True),
    ("PySide6/Qt/plugins/generic/libqevdevmouseplugin.so", False),
    ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
    ("PySide6/Qt/lib/libQt6Core.so.6", True),
    ("PySide6/plugins/platforms/qwindows.dll", True),
    ("resources/translations/psp_zh_CN.qm", True),
    ("libpython3.11.so.1.0", True),
])
def test_trimming_drops_unused_qt_plugins_and_translations(dest: str, kept: bool) -> None:
    assert bundle.keep(dest) is kept


def test_libraries_only_dropped_plugins_needed_are_dropped() -> None:
    binaries = [
        ("PySide6/QtGui.abi3.so", "/s/QtGui.abi3.so", "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/s/libQt6Gui.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Core.so.6", "/s/libQt6Core.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6XcbQpa.so.6", "/s/libQt6XcbQpa.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Quick.so.6", "/s/libQt6Quick.so.6", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/s/libqxcb.so", "BINARY"),
        ("libcairo.so.2", "/usr/lib/libcairo.so.2", "BINARY"),
    ]
    links = {"/s/QtGui.abi3.so": ["libQt6Gui.so.6"], "/s/libQt6Gui.so.6": ["libQt6Core.so.6", "libc.so.6"],
             "/s/libqxcb.so": ["libQt6XcbQpa.so.6"], "/s/libQt6Quick.so.6": ["libQt6Gui.so.6"]}
    dropped = bundle.unreachable(binaries, lambda source: links.get(source, []))
    assert dropped == {"PySide6/Qt/lib/libQt6Quick.so.6", "libcairo.so.2"}


@pytest.mark.parametrize(("started_as", "expected"), [
    ("/opt/psp-desktop/psp", "cli"), ("/usr/bin/psp", "cli"), ("psp.exe", "cli"),
    ("/opt/psp-desktop/psp-desktop", "app"), ("psp-desktop.exe", "app"),
])
def test_one_program_two_names(monkeypatch: pytest.MonkeyPatch, started_as: str, expected: str) -> None:
    from psp_desktop import app, cli

    ran = []
    monkeypatch.setattr(cli, "main", lambda: ran.append("cli") or 0)
    monkeypatch.setattr(app, "main", lambda: ran.append("app") or 0)
    monkeypatch.setattr(sys, "argv", [started_as])
    assert _load("launcher").main() == 0
    assert ran == [expected]


def test_the_desktop_entry_is_valid() -> None:
    path = INSTALLERS / "psp-desktop.desktop"
    entry = configparser.ConfigParser(interpolation=None, strict=True)
    entry.optionxform = str  # type: ignore[assignment,method-assign] - keys are case-sensitive
    entry.read(path, encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Name"] == section["Name[zh_CN]"] == "PSP 公益创投"
    assert section["Exec"] == "psp-desktop"
    assert "Office" in section["Categories"].split(";") and section["Categories"].endswith(";")
    icon = ROOT / "resources/icons" / f"{section['Icon']}.png"
    header = icon.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (256, 256), "the .deb installs it as a 256x256 icon"
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True, check=False)
        assert result.returncode == 0 and not result.stdout.strip(), result.stdout


@pytest.mark.parametrize("script", ["smoke.sh", "build_deb.sh"])
def test_shell_scripts_parse(script: str) -> None:
    path = INSTALLERS / script
    assert path.stat().st_mode & 0o111, f"{script} is not executable"
    subprocess.run(["bash", "-n", str(path)], check=True)
