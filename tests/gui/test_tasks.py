"""The background-task helper: results and errors come back on the GUI thread; step jobs report and cancel."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from psp_desktop.ui import tasks


def test_result_arrives_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    seen: list[tuple[int, bool]] = []
    worker: list[bool] = []

    def work() -> int:
        worker.append(threading.current_thread() is threading.main_thread())
        return 42

    tasks.run_task(work, lambda value: seen.append((value, threading.current_thread() is threading.main_thread())))
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen == [(42, True)] and worker == [False]


def test_errors_are_delivered_not_lost(qtbot) -> None:  # type: ignore[no-untyped-def]
    errors: list[BaseException] = []

    def boom() -> None:
        raise ValueError("bad row 7")

    tasks.run_task(boom, lambda _v: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], ValueError) and "bad row 7" in str(errors[0])


def test_steps_report_progress_and_return_a_value(qtbot) -> None:  # type: ignore[no-untyped-def]
    progress: list[tuple[int, int, str]] = []
    done: list[object] = []

    def steps() -> Iterator[tuple[int, int, str]]:
        for i in range(3):
            yield i + 1, 3, f"step {i + 1}"
        return "finished"

    tasks.run_steps(steps, lambda *p: progress.append(p), done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert done == ["finished"]
    assert progress == [(1, 3, "step 1"), (2, 3, "step 2"), (3, 3, "step 3")]


def test_cancelled_steps_stop_between_steps(qtbot) -> None:  # type: ignore[no-untyped-def]
    gate = threading.Event()
    reached: list[int] = []
    done: list[object] = []

    def steps() -> Iterator[tuple[int, int, str]]:
        for i in range(100):
            reached.append(i)
            gate.wait(5)
            yield i, 100, ""
        return "never"

    job = tasks.run_steps(steps, lambda *p: None, done.append)
    job.cancelled = True
    gate.set()
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert done == [None] and len(reached) <= 2


def test_reporting_work_reaches_the_gui_thread_and_can_be_cancelled(qtbot) -> None:  # type: ignore[no-untyped-def]
    progress: list[tuple[int, int, str, bool]] = []
    done: list[object] = []
    gate = threading.Event()

    def work(report, cancelled) -> str:  # type: ignore[no-untyped-def]
        for i in range(1, 101):
            if cancelled():
                return f"stopped after {i - 1}"
            report(i, 100)
            gate.wait(5)
        return "all"

    job = tasks.run_reporting(
        work, lambda d, t, text: progress.append((d, t, text, threading.current_thread() is threading.main_thread())),
        done.append)
    qtbot.waitUntil(lambda: bool(progress), timeout=5000)
    job.cancel()
    gate.set()
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert progress[0] == (1, 100, "", True)
    assert done == [f"stopped after {len(progress)}"] and len(progress) < 100


def test_reporting_work_errors_are_delivered(qtbot) -> None:  # type: ignore[no-untyped-def]
    errors: list[BaseException] = []

    def work(report, cancelled) -> None:  # type: ignore[no-untyped-def]
        report(1, 2, "half")
        raise OSError("disk full")

    tasks.run_reporting(work, lambda *p: None, lambda _v: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], OSError)
