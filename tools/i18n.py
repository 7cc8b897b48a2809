"""Translation steps: `python tools/i18n.py update` collects source strings into the .ts files (keeping existing
translations), `python tools/i18n.py release` compiles them into the .qm files the app loads, and
`python tools/i18n.py fill FILE.json` fills unfinished messages from {context: {source: translation}}.

Translate new strings by editing resources/translations/psp_zh_CN.ts (Qt Linguist: pyside6-linguist), then release.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS_DIR = ROOT / "resources" / "translations"
LANGUAGES = ("zh_CN",)


def tool(name: str) -> str:
    found = shutil.which(f"pyside6-{name}") or str(Path(sys.executable).parent / f"pyside6-{name}")
    return found


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "psp_desktop").rglob("*.py")
                  if "migrations" not in p.parts)


def update(ts_dir: Path = TS_DIR) -> list[Path]:
    outputs = []
    for language in LANGUAGES:
        ts = ts_dir / f"psp_{language}.ts"
        subprocess.run([tool("lupdate"), "-no-obsolete", "-locations", "none", "-target-language", language,
                        *sources(), "-ts", str(ts)], cwd=ROOT, check=True, capture_output=True)
        outputs.append(ts)
    return outputs


def fill(json_path: str) -> None:
    """Fills unfinished messages from a JSON file {context: {source: translation}} (for bulk entry)."""
    import json
    import xml.etree.ElementTree as ET

    table = json.loads(Path(json_path).read_text(encoding="utf-8"))
    for language in LANGUAGES:
        ts = TS_DIR / f"psp_{language}.ts"
        tree = ET.parse(ts)
        for context in tree.getroot().iter("context"):
            name = context.findtext("name", "")
            for message in context.iter("message"):
                source = message.findtext("source", "")
                translation = message.find("translation")
                found = table.get(name, {}).get(source)
                if found and translation is not None and (translation.get("type") == "unfinished"
                                                          or not translation.text):
                    translation.text = found
                    translation.attrib.pop("type", None)
        ET.indent(tree)
        ts.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n'
                      + ET.tostring(tree.getroot(), encoding="unicode") + "\n", encoding="utf-8")


def release() -> None:
    for language in LANGUAGES:
        ts = TS_DIR / f"psp_{language}.ts"
        subprocess.run([tool("lrelease"), "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["fill"]:
        fill(sys.argv[2])
        sys.exit(0)
    steps = {"update": update, "release": release}
    for step in sys.argv[1:] or ["update", "release"]:
        steps[step]()
