"""Chinese renders on a bare machine (bundled font), and `psp-desktop --demo` builds the demo on first launch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QFontDatabase, QFontMetrics

from psp_desktop.paths import font_path
from psp_desktop.ui import fonts


def test_bundled_font_is_registered_when_the_system_has_no_chinese_font(qapp, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    original = qapp.font()
    monkeypatch.setattr(fonts.QFontDatabase, "families", lambda *args: [])
    try:
        chosen = fonts.setup_fonts(qapp)
        assert chosen[0] == "WenQuanYi Micro Hei"
        assert qapp.font().families()[0] == "WenQuanYi Micro Hei"
        assert QFontMetrics(qapp.font()).inFontUcs4(ord("审"))
    finally:
        qapp.setFont(original)


def test_bundled_font_ships_with_its_licence() -> None:
    assert font_path().stat().st_size > 1_000_000
    assert (font_path().parent / "wqy-microhei.LICENSE.txt").read_text(encoding="utf-8").count("Apache") >= 1
    assert QFontDatabase.addApplicationFont(str(font_path())) >= 0


def test_demo_flag_builds_the_demo_in_the_data_folder(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PSP_CONFIG=str(tmp_path / "cfg.json"),
               XDG_DATA_HOME=str(tmp_path / "data"))
    code = "import sys; from psp_desktop.app import main; sys.exit(main(sys.argv[1:]))"
    shot = tmp_path / "demo.png"
    result = subprocess.run([sys.executable, "-c", code, "--demo", "--screenshot", str(shot), "--page", "Proposals"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "PSPDesktop" / "demo.db").stat().st_size > 100_000
    assert shot.stat().st_size > 10_000
