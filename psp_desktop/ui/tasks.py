"""One background-task helper: work runs in Qt's thread pool, results come back on the GUI thread.

Workers never touch widgets. `run_task(fn, on_done, on_error)` for plain calls; `run_steps` for Qt-free
generators that yield (done, total, text) and can be cancelled between steps; `run_reporting` for Qt-free functions
that take a progress callback and a cancel check (services written that way, e.g. certificates.make_batch).
"""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal

# Jobs stay referenced here until their result has been delivered. The pool runs a plain callable in a
# runnable it owns: a Python QRunnable freed by the GUI thread while its worker was still returning from run()
# crashed the pool.
_live: set[_Job] = set()


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int, str)


class _Job:
    def __init__(self, fn: Callable[[_Job], Any]) -> None:
        self.fn = fn
        self.signals = _Signals()
        self.cancelled = False

    def cancel(self) -> None:
        """Asks the work to stop; it stops when it next checks (a plain flag: reading a bool is thread-safe)."""
        self.cancelled = True

    def run(self) -> None:
        try:
            result = self.fn(self)
        except BaseException as exc:  # delivered to the GUI thread, which decides what to show
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self._deliver(self.signals.failed, exc)
        else:
            self._deliver(self.signals.done, result)

    @staticmethod
    def _deliver(signal: Any, value: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the application quit while the work ran: nobody is waiting
            signal.emit(value)


def _start(job: _Job, on_done: Callable[[Any], None], on_error: Callable[[BaseException], None] | None) -> _Job:
    def finish(callback: Callable[[Any], None] | None, value: Any) -> None:
        _live.discard(job)
        if callback is not None:
            callback(value)

    job.signals.done.connect(lambda value: finish(on_done, value))
    job.signals.failed.connect(lambda exc: finish(on_error or _reraise, exc))
    _live.add(job)
    QThreadPool.globalInstance().start(job.run)
    return job


def _reraise(exc: BaseException) -> None:
    raise exc


def run_task(fn: Callable[[], Any], on_done: Callable[[Any], None],
             on_error: Callable[[BaseException], None] | None = None) -> _Job:
    return _start(_Job(lambda _job: fn()), on_done, on_error)


def run_steps(steps: Callable[[], Iterator[tuple[int, int, str]]], on_progress: Callable[[int, int, str], None],
              on_done: Callable[[Any], None], on_error: Callable[[BaseException], None] | None = None) -> _Job:
    """Runs a generator; the value it returns goes to on_done, or None when cancelled."""

    def drive(job: _Job) -> Any:
        generator = steps()
        try:
            while True:
                if job.cancelled:
                    generator.close()
                    return None
                done, total, text = next(generator)
                job.signals.progress.emit(done, total, text)
        except StopIteration as stop:
            return stop.value

    job = _Job(drive)
    job.signals.progress.connect(on_progress)
    return _start(job, on_done, on_error)


def run_reporting(fn: Callable[[Callable[..., None], Callable[[], bool]], Any],
                  on_progress: Callable[[int, int, str], None], on_done: Callable[[Any], None],
                  on_error: Callable[[BaseException], None] | None = None) -> _Job:
    """Runs fn(report, cancelled) in the pool. report(done, total, text="") may be called from the worker: it reaches
    on_progress on the GUI thread through a queued signal. cancelled() is True once job.cancel() was called; fn
    decides how to stop (return, or raise: the exception goes to on_error)."""

    def drive(job: _Job) -> Any:
        def report(done: int, total: int, text: str = "") -> None:
            job.signals.progress.emit(done, total, text)

        return fn(report, lambda: job.cancelled)

    job = _Job(drive)
    job.signals.progress.connect(on_progress)
    return _start(job, on_done, on_error)


def wait_for_all(timeout_ms: int = 30_000) -> bool:
    return QThreadPool.globalInstance().waitForDone(timeout_ms)
