"""The Qt binding itself: PySide6 6.12.0 on Python 3.11 released a reference to None on every call of a
C++ method returning void, so a long session (or a benchmark) crashed with "deallocating None". The
dependency pin keeps that release out; this test catches any release with the same fault."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QWidget


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_void_calls_keep_the_reference_count_of_none(qtbot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    before = sys.getrefcount(None)
    for _ in range(1000):
        widget.update()
        widget.setWindowTitle("x")
    assert sys.getrefcount(None) >= before
