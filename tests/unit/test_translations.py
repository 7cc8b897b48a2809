"""Every visible source string has a Chinese translation with the same placeholders, and the shipped .qm is
built from the shipped .ts."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import i18n as i18n_tool  # noqa: E402

PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _messages(ts: Path) -> list[tuple[str, str, ET.Element | None]]:
    root = ET.parse(ts).getroot()
    return [(context.findtext("name", ""), message.findtext("source", ""), message.find("translation"))
            for context in root.iter("context") for message in context.iter("message")]


def test_every_source_string_has_a_chinese_translation(tmp_path: Path) -> None:
    shipped = i18n_tool.TS_DIR / "psp_zh_CN.ts"
    shutil.copy(shipped, tmp_path / shipped.name)
    i18n_tool.update(tmp_path)  # collects the strings in the code now, keeping the shipped translations
    missing, broken = [], []
    for context, source, translation in _messages(tmp_path / shipped.name):
        if translation is None or translation.get("type") in ("unfinished", "vanished", "obsolete") \
                or not (translation.text or "").strip():
            missing.append(f"{context}: {source}")
        elif sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translation.text or "")):
            broken.append(f"{context}: {source} → {translation.text}")
    assert not missing, "untranslated (run tools/i18n.py update, translate, release):\n" + "\n".join(missing)
    assert not broken, "placeholders differ:\n" + "\n".join(broken)


def test_the_shipped_ts_has_no_stale_strings(tmp_path: Path) -> None:
    shipped = i18n_tool.TS_DIR / "psp_zh_CN.ts"
    shutil.copy(shipped, tmp_path / shipped.name)
    i18n_tool.update(tmp_path)
    now = {(c, s) for c, s, _ in _messages(tmp_path / shipped.name)}
    before = {(c, s) for c, s, _ in _messages(shipped)}
    assert before == now, "run tools/i18n.py update and release"


def test_the_qm_is_built_from_the_ts(tmp_path: Path) -> None:
    shipped = i18n_tool.TS_DIR / "psp_zh_CN.ts"
    built = tmp_path / "check.qm"
    subprocess.run([i18n_tool.tool("lrelease"), "-silent", str(shipped), "-qm", str(built)], check=True)
    assert built.read_bytes() == shipped.with_suffix(".qm").read_bytes(), "run tools/i18n.py release"
