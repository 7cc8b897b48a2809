"""Loading translations: the app's own (zh_CN default, English source strings) and Qt's for standard dialogs."""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from .paths import translations_dir

_installed: list[QTranslator] = []


def install(language: str) -> None:
    """Replace the installed translators; English means the source strings."""
    app = QCoreApplication.instance()
    assert app is not None
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    QLocale.setDefault(QLocale(QLocale.Language.Chinese if language == "zh_CN" else QLocale.Language.English,
                               QLocale.Country.China if language == "zh_CN" else QLocale.Country.UnitedStates))
    if language == "en":
        return
    candidates = [
        (str(translations_dir()), f"psp_{language}"),
        (QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath), f"qtbase_{language}"),
    ]
    for folder, name in candidates:
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _installed.append(translator)


def cli_translator() -> Callable[[str, str], str]:
    """The CLI speaks the language chosen in the GUI's Settings (Chinese by default); PSP_LANG overrides it."""
    from .settings import Settings

    language = os.environ.get("PSP_LANG") or Settings()["language"]
    if QCoreApplication.instance() is None:
        QCoreApplication([])
    install(language)
    return QCoreApplication.translate
